// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-console (device type 3), a single port: queue 0 is receiveq
 * (device to driver: the guest posts writable buffers), queue 1 is
 * transmitq (driver to device). No feature bits, so no multiport and no
 * control queues.
 *
 * The host side is a pty (its path is logged; optionally a symlink to it)
 * or a listening unix socket that serves one client at a time. Each
 * connection gets its own host side; "%d" and "%p" in the path are
 * replaced by the front-end's domid and port, so several guests can have
 * one each.
 *
 * Guest to host: transmit chains are completed at once. Linux's
 * virtio_console spins until the device returns a transmit buffer, so
 * holding one would stall a guest CPU; the bytes go to a bounded buffer
 * that drains as the host side reads, and what does not fit is dropped
 * (counted), as on a serial line nobody listens to.
 *
 * Host to guest: read only while the guest has posted receive buffers and
 * the connection can take output, so a fast typist or a flood on the
 * socket is throttled by the guest, not buffered here.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "backend.h"

#define CON_QUEUE_SIZE	128
#define CON_OBUF	65536	/* guest output waiting for the host side */
#define CON_READ	4096	/* host input per receive chain at most */
#define CON_CONFIG	12	/* cols, rows, max_nr_ports, emerg_wr */

enum { RX_Q, TX_Q };

struct console {
	struct vab_dev *dev;
	bool socket;
	int master;		/* pty master, -1 if none */
	int slave;		/* kept open so the master never sees HUP */
	char *link;		/* symlink to the pty, or NULL */
	char *sock_path;
	ino_t sock_ino;		/* so that only our own socket is unlinked */
	int listen_fd;
	int host_fd;		/* master, or the socket client; -1: none */
	struct vab_chain *rx;	/* posted receive buffers, FIFO */
	struct vab_chain **rx_tail;
	u8 obuf[CON_OBUF];
	u32 olen;
	unsigned long dropped;
	/*
	 * A completion can end the connection, and so this instance, while
	 * host_ready() still loops: destroy() then leaves the freeing to it.
	 */
	bool in_callback;
	bool destroyed;
};

static const char *console_check_arg(const char *arg)
{
	if (!arg || !strcmp(arg, "pty"))
		return NULL;
	if (!strncmp(arg, "pty=", 4))
		return arg[4] ? NULL : "pty= needs a link path";
	if (!strncmp(arg, "socket=", 7)) {
		if (!arg[7])
			return "socket= needs a path";
		if (strlen(arg + 7) >= sizeof(((struct sockaddr_un *)0)->sun_path) - 12)
			return "socket path too long";
		return NULL;
	}
	return "expected pty, pty=LINK or socket=PATH";
}

static void update_events(struct console *con)
{
	short ev = 0;

	if (con->host_fd < 0)
		return;
	if (con->rx && !vab_dev_congested(con->dev))
		ev |= POLLIN;
	if (con->olen)
		ev |= POLLOUT;
	vab_watch_events(con->host_fd, ev);
}

static void drop_client(struct console *con)
{
	dev_info(con->dev, "socket client gone");
	vab_unwatch(con->host_fd);
	close(con->host_fd);
	con->host_fd = -1;
	con->olen = 0;
}

static void flush_output(struct console *con)
{
	ssize_t n;

	while (con->olen && con->host_fd >= 0) {
		n = write(con->host_fd, con->obuf, con->olen);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && con->socket)
				drop_client(con);
			break;
		}
		memmove(con->obuf, con->obuf + n, con->olen - n);
		con->olen -= n;
	}
}

/* Host input into the oldest posted receive buffer, as long as both last. */
static void read_input(struct console *con)
{
	u8 buf[CON_READ];
	struct vab_chain *ch;
	ssize_t n;
	u32 want;

	while (!con->destroyed && (ch = con->rx) &&
	       !vab_dev_congested(con->dev) && con->host_fd >= 0) {
		want = ch->in_len < sizeof(buf) ? ch->in_len : sizeof(buf);
		n = read(con->host_fd, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			if (con->socket)
				drop_client(con);
			else if (n < 0)
				dev_info(con->dev, "pty read: %s", strerror(errno));
			break;
		}
		con->rx = ch->next;
		if (!con->rx)
			con->rx_tail = &con->rx;
		vab_complete(ch, buf, n);
	}
}

static void host_ready(void *arg, int fd, short revents)
{
	struct console *con = arg;

	(void)fd;
	con->in_callback = true;
	if (revents & POLLOUT)
		flush_output(con);
	if (!con->destroyed && con->host_fd >= 0 &&
	    (revents & (POLLIN | POLLHUP | POLLERR)))
		read_input(con);
	con->in_callback = false;
	if (con->destroyed) {
		free(con);
		return;
	}
	update_events(con);
}

static void accept_client(void *arg, int fd, short revents)
{
	struct console *con = arg;
	int cl;

	(void)revents;
	cl = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (cl < 0)
		return;
	if (con->host_fd >= 0) {
		/* One client at a time: the newcomer is told and let go. */
		if (write(cl, "busy\n", 5) < 0)
			dev_dbg(con->dev, "refused client: %s", strerror(errno));
		close(cl);
		return;
	}
	if (vab_watch(cl, 0, host_ready, con)) {
		close(cl);
		return;
	}
	con->host_fd = cl;
	dev_info(con->dev, "socket client connected on %s", con->sock_path);
	update_events(con);
}

static int open_pty(struct console *con, const char *link_tmpl)
{
	struct termios t;
	char *path;
	int rc;

	con->master = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (con->master < 0)
		return -errno;
	if (grantpt(con->master) || unlockpt(con->master))
		return -errno;
	path = ptsname(con->master);
	if (!path)
		return -errno;
	con->slave = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (con->slave < 0)
		return -errno;
	/* Raw: no echo back to the guest, no CR/LF games, byte for byte. */
	if (!tcgetattr(con->slave, &t)) {
		cfmakeraw(&t);
		tcsetattr(con->slave, TCSANOW, &t);
	}
	rc = vab_watch(con->master, 0, host_ready, con);
	if (rc)
		return rc;
	con->host_fd = con->master;
	if (link_tmpl) {
		con->link = vab_expand(con->dev, link_tmpl);
		if (!con->link)
			return -ENOMEM;
		unlink(con->link);
		if (symlink(path, con->link)) {
			rc = -errno;
			dev_info(con->dev, "symlink %s -> %s: %s", con->link,
				 path, strerror(errno));
			free(con->link);
			con->link = NULL;
			return rc;
		}
	}
	dev_info(con->dev, "console on pty %s%s%s", path,
		 con->link ? ", link " : "", con->link ? con->link : "");
	return 0;
}

static int open_socket(struct console *con, const char *tmpl)
{
	struct sockaddr_un sa;
	struct stat st;
	int rc;

	con->sock_path = vab_expand(con->dev, tmpl);
	if (!con->sock_path)
		return -ENOMEM;
	if (strlen(con->sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	con->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK |
				SOCK_CLOEXEC, 0);
	if (con->listen_fd < 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, con->sock_path, strlen(con->sock_path) + 1);
	/* A path left by an earlier run (or connection) is ours to replace. */
	unlink(con->sock_path);
	if (bind(con->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(con->listen_fd, 1)) {
		rc = -errno;
		dev_info(con->dev, "socket %s: %s", con->sock_path,
			 strerror(errno));
		return rc;
	}
	if (!stat(con->sock_path, &st))
		con->sock_ino = st.st_ino;
	rc = vab_watch(con->listen_fd, POLLIN, accept_client, con);
	if (rc)
		return rc;
	dev_info(con->dev, "console on socket %s", con->sock_path);
	return 0;
}

static void console_destroy(struct vab_dev *dev)
{
	struct console *con = dev->priv;
	char target[64];
	ssize_t n;

	if (!con)
		return;
	if (con->socket && con->host_fd >= 0) {
		vab_unwatch(con->host_fd);
		close(con->host_fd);
	}
	if (con->master >= 0) {
		vab_unwatch(con->master);
		/* Remove the link only if a newer instance did not take it. */
		if (con->link) {
			n = readlink(con->link, target, sizeof(target) - 1);
			if (n > 0) {
				target[n] = 0;
				if (!strcmp(target, ptsname(con->master)))
					unlink(con->link);
			}
		}
		close(con->master);
	}
	if (con->slave >= 0)
		close(con->slave);
	if (con->listen_fd >= 0) {
		struct stat st;

		vab_unwatch(con->listen_fd);
		close(con->listen_fd);
		/* A newer connection may have taken the path over. */
		if (!stat(con->sock_path, &st) && st.st_ino == con->sock_ino)
			unlink(con->sock_path);
	}
	if (con->dropped)
		dev_info(dev, "%lu bytes of guest output dropped (host side not reading)",
			 con->dropped);
	free(con->link);
	free(con->sock_path);
	dev->priv = NULL;
	con->destroyed = true;
	if (!con->in_callback)
		free(con);
}

static int console_create(struct vab_dev *dev)
{
	struct console *con = calloc(1, sizeof(*con));
	const char *arg = dev->arg;
	int rc;

	if (!con)
		return -ENOMEM;
	con->dev = dev;
	con->master = -1;
	con->slave = -1;
	con->listen_fd = -1;
	con->host_fd = -1;
	con->rx_tail = &con->rx;
	dev->priv = con;
	/* max_nr_ports 1: read only with MULTIPORT, which is not offered. */
	put32(dev->config + 4, 1);
	if (arg && !strncmp(arg, "socket=", 7)) {
		con->socket = true;
		rc = open_socket(con, arg + 7);
	} else {
		rc = open_pty(con, arg && !strncmp(arg, "pty=", 4) ?
			      arg + 4 : NULL);
	}
	if (rc)
		console_destroy(dev);
	return rc;
}

static void console_chain(struct vab_dev *dev, struct vab_chain *ch)
{
	struct console *con = dev->priv;
	u32 room, n;

	if (ch->vq == TX_Q) {
		n = ch->out_len;
		room = CON_OBUF - con->olen;
		if (con->host_fd < 0) {
			con->dropped += n;
			n = 0;
		} else if (n > room) {
			con->dropped += n - room;
			n = room;
		}
		memcpy(con->obuf + con->olen, ch->out, n);
		con->olen += n;
		flush_output(con);
		update_events(con);
		/* Last: a completion may end the connection, and con with it. */
		vab_complete(ch, NULL, 0);
		return;
	}
	if (!ch->in_len) {
		vab_complete(ch, NULL, 0);
		return;
	}
	ch->next = NULL;
	*con->rx_tail = ch;
	con->rx_tail = &ch->next;
	update_events(con);
}

static void console_cancel(struct vab_dev *dev, struct vab_chain *ch)
{
	struct console *con = dev->priv;
	struct vab_chain **pp;

	for (pp = &con->rx; *pp; pp = &(*pp)->next) {
		if (*pp != ch)
			continue;
		*pp = ch->next;
		if (!*pp)
			con->rx_tail = pp;
		break;
	}
	update_events(con);
}

static void console_kick(struct vab_dev *dev)
{
	update_events(dev->priv);
}

const struct vab_dev_ops vab_console_ops = {
	.name = "console",
	.device_id = 3,
	.num_queues = 2,
	.queue_max_size = CON_QUEUE_SIZE,
	.config_size = CON_CONFIG,
	.check_arg = console_check_arg,
	.create = console_create,
	.destroy = console_destroy,
	.chain = console_chain,
	.cancel = console_cancel,
	.kick = console_kick,
};
