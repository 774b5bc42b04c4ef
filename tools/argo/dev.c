// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/argo: thin wrappers around its ioctls, and the ways the commands
 * bind their rings and wait for them.
 *
 * The do_*() return the ioctl's result or a negative errno, so callers
 * (the selftest above all) can compare the outcome with what they expect.
 * The helpers that must succeed for a command to go on fail() instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "common.h"

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * SIGALRM without SA_RESTART: a blocking ioctl interrupted by the alarm
 * returns EINTR, which is how the timeouts work (and tests that the driver
 * sleeps interruptibly). No other signal is caught, so EINTR means the
 * alarm went off.
 */
void setup_alarm(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

void arm_timeout(unsigned int seconds)
{
	alarm(seconds);
}

/* A descriptor of the device, or a negative errno. */
int argo_try_open(int flags)
{
	int fd = open(ARGO_DEV, O_RDWR | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

int argo_open(int flags)
{
	int fd = argo_try_open(flags);

	if (fd < 0)
		fail("cannot open %s: %s (is xen-argo.ko loaded?)", ARGO_DEV,
		     strerror(-fd));
	return fd;
}

int xioctl(int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	return rc < 0 ? -errno : rc;
}

int do_bind(int fd, u32 port, u16 partner, u32 ring_len, u32 *max_payload)
{
	struct argo_bind b;
	int rc;

	memset(&b, 0, sizeof(b));
	b.port = port;
	b.partner = partner;
	b.ring_len = ring_len;
	rc = xioctl(fd, ARGO_IOC_BIND, &b);
	if (!rc && max_payload)
		*max_payload = b.max_payload;
	return rc;
}

int do_sendv(int fd, u16 domid, u32 port, u32 type,
	     const struct argo_iov *iov, u32 niov)
{
	struct argo_sendv s;

	memset(&s, 0, sizeof(s));
	s.domid = domid;
	s.port = port;
	s.type = type;
	s.niov = niov;
	s.iov = (unsigned long)iov;
	return xioctl(fd, ARGO_IOC_SENDV, &s);
}

int do_send(int fd, u16 domid, u32 port, u32 type, const void *buf,
	    size_t len)
{
	struct argo_iov iov = { .base = (unsigned long)buf, .len = len };

	return do_sendv(fd, domid, port, type, &iov, 1);
}

int do_recv(int fd, void *buf, u32 len, u32 flags, struct argo_recv *r)
{
	memset(r, 0, sizeof(*r));
	r->buf = (unsigned long)buf;
	r->buf_len = len;
	r->flags = flags;
	return xioctl(fd, ARGO_IOC_RECV, r);
}

int do_info(int fd, struct argo_info *info)
{
	memset(info, 0, sizeof(*info));
	return xioctl(fd, ARGO_IOC_INFO, info);
}

/* ARGO_IOC_INFO on a descriptor of its own, which nothing has bound. */
void get_info(struct argo_info *info)
{
	int fd = argo_open(0);
	int rc = do_info(fd, info);

	if (rc)
		fail("ARGO_IOC_INFO: %s (%s)", strerror(-rc), errname(rc));
	close(fd);
}

u16 self_domid(void)
{
	struct argo_info info;

	get_info(&info);
	return info.domid;
}

void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 ||
	    fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) < 0)
		fail("fcntl: %s", strerror(errno));
}

/*
 * Bind the ring that recv or sink reads, and say so: the tests wait for
 * the "bound" line before they start the sender.
 */
u32 bind_receiver(int fd, u32 port, u16 partner, u32 ring_len)
{
	u32 max_payload;
	char pbuf[16];
	int rc;

	rc = do_bind(fd, port, partner, ring_len, &max_payload);
	if (rc)
		fail("bind port %u: %s (%s)", port, strerror(-rc),
		     errname(rc));
	if (partner == ARGO_DOMID_ANY)
		snprintf(pbuf, sizeof(pbuf), "any");
	else
		snprintf(pbuf, sizeof(pbuf), "%u", partner);
	printf("%s: bound port %u partner %s max_payload %u\n", cmd_name,
	       port, pbuf, max_payload);
	fflush(stdout);
	return max_payload;
}

/*
 * SENDV needs a bound ring on the sending descriptor. The source ring
 * names the destination as its partner, so it works without
 * mac-permissive.
 */
void bind_source(int fd, u32 port, u16 partner, u32 ring_len)
{
	int rc = do_bind(fd, port, partner, ring_len, NULL);

	if (rc)
		fail("bind source port %u (partner %u): %s (%s)", port,
		     partner, strerror(-rc), errname(rc));
}

/* A port of its own for each sender, so that several can run at once. */
u32 default_src_port(void)
{
	return 0x5e000000 | (getpid() & 0xffffff);
}

/*
 * Call op(fd, arg), a send or receive, until it is done: blocking, with
 * the alarm ending it after w->timeout seconds, or nonblocking, with
 * poll() for events between the tries. Returns op's result, or
 * -ETIMEDOUT.
 */
static int io_retry(struct io_wait *w, int fd, short events,
		    int (*op)(int fd, void *arg), void *arg)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	if (!w->nonblock) {
		arm_timeout(w->timeout);
		rc = op(fd, arg);
		alarm(0);
		if (rc == -EINTR)
			return -ETIMEDOUT;
		return rc;
	}
	for (;;) {
		rc = op(fd, arg);
		if (rc != -EAGAIN)
			return rc;
		w->eagain++;
		rc = poll(&pfd, 1, w->timeout ? (int)w->timeout * 1000 : -1);
		if (rc < 0)
			return -errno;
		if (!rc)
			return -ETIMEDOUT;
		w->wakeups++;
	}
}

struct recv_args {
	void *buf;
	u32 len;
	struct argo_recv *r;
};

static int recv_op(int fd, void *arg)
{
	struct recv_args *a = arg;

	return do_recv(fd, a->buf, a->len, 0, a->r);
}

/* do_recv() that waits as w says for a message. */
int recv_wait(struct io_wait *w, int fd, void *buf, u32 len,
	      struct argo_recv *r)
{
	struct recv_args a = { .buf = buf, .len = len, .r = r };

	return io_retry(w, fd, POLLIN, recv_op, &a);
}

struct sendv_args {
	u16 domid;
	u32 port;
	u32 type;
	const struct argo_iov *iov;
	u32 niov;
};

static int sendv_op(int fd, void *arg)
{
	struct sendv_args *a = arg;

	return do_sendv(fd, a->domid, a->port, a->type, a->iov, a->niov);
}

/* do_sendv() that waits as w says for room in the destination ring. */
int sendv_wait(struct io_wait *w, int fd, u16 domid, u32 port, u32 type,
	       const struct argo_iov *iov, u32 niov)
{
	struct sendv_args a = {
		.domid = domid, .port = port, .type = type,
		.iov = iov, .niov = niov,
	};

	return io_retry(w, fd, POLLOUT, sendv_op, &a);
}
