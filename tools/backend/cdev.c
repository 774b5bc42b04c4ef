// SPDX-License-Identifier: GPL-2.0-only
/*
 * Client tests of the devices: rng (sizes, fragments both ways, a batch
 * of requests in one Argo message), the console in both directions over
 * its socket and its pty, and resets while chains are in flight.
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
#include <sys/un.h>

#include "client.h"

static u32 epoch_con = 10, epoch_rng = 10;

static bool all_zero(const u8 *p, u32 n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* One rng chain: true if it came back whole with used_len want. */
static bool rng_one(u16 chain, u32 epoch, u32 out_len, u32 in_len, u32 want,
		    struct completion *c)
{
	u8 *out = calloc(1, out_len ? out_len : 1);

	send_chain(DEV_RNG, 0, chain, epoch, out, out_len, in_len);
	free(out);
	return wait_data(DEV_RNG, 0, chain, epoch, 10000, c) && !c->bad &&
	       !c->status && c->used_len == want;
}

void test_rng(void)
{
	struct completion a, b;
	u8 batch[8 * DATA_HDR];
	u32 e = ++epoch_rng, i, got;
	bool ok;

	diag("rng");
	if (!hello()) {
		tap(false, "rng: HELLO");
		return;
	}
	tap(dev_up(DEV_RNG, 1, 8, e, 0), "rng: bring-up to DRIVER_OK");
	ok = rng_one(0, e, 0, 64, 64, &a);
	tap(ok && !all_zero(a.buf, 64), "rng: 64 bytes asked, 64 random bytes");
	ok = rng_one(1, e, 0, 64, 64, &b) && a.buf &&
	     memcmp(a.buf, b.buf, 64);
	tap(ok, "rng: a second 64 bytes differ from the first");
	completion_free(&a);
	completion_free(&b);
	tap(rng_one(2, e, 0, 1, 1, &a), "rng: 1 byte");
	completion_free(&a);
	tap(rng_one(3, e, 0, 0, 0, &a) && a.frags == 1,
	    "rng: in_len 0: used_len 0, one empty fragment");
	completion_free(&a);
	ok = rng_one(4, e, 0, 200000, 200000, &a);
	tap(ok && a.frags >= 4 && !all_zero(a.buf + 199000, 1000),
	    "rng: 200000 bytes in %u fragments, offsets contiguous", a.frags);
	completion_free(&a);
	tap(rng_one(5, e, 150000, 16, 16, &a),
	    "rng: a 150000-byte readable part in fragments, then 16 bytes");
	completion_free(&a);

	/* Eight requests in one Argo message: eight completions. */
	for (i = 0; i < 8; i++) {
		u8 *p = frame_put(batch + i * DATA_HDR, 0,
				  VIRTIO_ARGO_MSG_DATA, DEV_RNG, 0, DATA_HDR);

		memset(p, 0, DATA_HDR - HDR_LEN);
		put16(p, 0);
		put16(p + 2, i);
		put32(p + 4, e);
		put32(p + 12, 8 + i);
	}
	cl_send(batch, sizeof(batch));
	for (got = 0, i = 0; i < 8; i++) {
		if (wait_data(DEV_RNG, 0, i, e, 5000, &a) && !a.bad &&
		    a.used_len == 8 + i)
			got++;
		completion_free(&a);
	}
	tap(got == 8, "rng: 8 DATA requests in one Argo message: %u of 8 completed",
	    got);
	send_data(DEV_RNG, 0, 0, e + 1, 0, 8, 0, NULL, 0);
	tap(wait_data(DEV_RNG, 0, 0, e + 1, 5000, &a) &&
	    a.status == VIRTIO_ARGO_E_STATE && !a.used_len,
	    "rng: DATA with a stale epoch: refused, STATE");
	completion_free(&a);
}

static int con_fd = -1;

static int con_connect(void)
{
	struct sockaddr_un sa;
	int fd, i;

	if (con_fd >= 0)
		close(con_fd);
	con_fd = -1;
	if (!cl.con_socket)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", cl.con_socket);
	for (i = 0; i < 50; i++) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			con_fd = fd;
			/* Let the back-end accept it before we go on. */
			usleep(200000);
			return fd;
		}
		close(fd);
		usleep(100000);
	}
	diag("connect %s: %s", cl.con_socket, strerror(errno));
	return -1;
}

/* Read from fd until want bytes arrived or ms passed. */
static u32 read_all(int fd, u8 *buf, u32 want, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	u32 got = 0;
	ssize_t n;

	while (got < want && poll(&pfd, 1, ms) > 0) {
		n = read(fd, buf + got, want - got);
		if (n <= 0)
			break;
		got += n;
	}
	return got;
}

/* Post receive buffers first .. first + n - 1 of 64 bytes each. */
static void post_rx(u16 dev, u32 epoch, u16 first, u16 n)
{
	u16 i;

	for (i = 0; i < n; i++)
		send_data(dev, 0, first + i, epoch, 0, 64, 0, NULL, 0);
}

/* Gather expect from the receive buffers, whichever chains carry it. */
static bool gather(u16 dev, u32 epoch, const char *expect)
{
	u32 len = strlen(expect), got = 0;
	struct completion c;
	u8 buf[256];
	int chain;

	while (got < len) {
		chain = wait_any_data(dev, 0, epoch, 5000);
		if (chain < 0 || !wait_data(dev, 0, chain, epoch, 5000, &c) ||
		    c.bad || c.status || got + c.used_len > sizeof(buf)) {
			if (chain >= 0)
				completion_free(&c);
			diag("gathered %u of %u bytes", got, len);
			return false;
		}
		memcpy(buf + got, c.buf, c.used_len);
		got += c.used_len;
		completion_free(&c);
	}
	return !memcmp(buf, expect, len);
}

/* Host -> guest through receive buffers already posted. */
static bool host_to_guest(u16 dev, int fd, u32 epoch, const char *msg)
{
	u32 len = strlen(msg);

	if (write(fd, msg, len) != (ssize_t)len)
		return false;
	return gather(dev, epoch, msg);
}

/* Guest -> host: one transmit chain, then read it on the host side. */
static bool guest_to_host(u16 dev, int fd, u32 epoch, u16 chain,
			  const u8 *msg, u32 len)
{
	struct completion c;
	u8 *buf = malloc(len);
	bool ok;

	send_chain(dev, 1, chain, epoch, msg, len, 0);
	ok = wait_data(dev, 1, chain, epoch, 5000, &c) && !c.bad &&
	     !c.status && !c.used_len;
	completion_free(&c);
	ok = ok && read_all(fd, buf, len, 5000) == len && !memcmp(buf, msg, len);
	free(buf);
	return ok;
}

static void test_pty(void)
{
	u32 e = ++epoch_con;
	struct termios t;
	int fd;

	if (!cl.con_pty)
		return;
	tap(dev_up(DEV_PTY, 2, 16, e, 0), "console (pty): bring-up");
	fd = open(cl.con_pty, O_RDWR | O_NOCTTY | O_CLOEXEC);
	tap(fd >= 0, "console (pty): open %s", cl.con_pty);
	if (fd < 0)
		return;
	if (!tcgetattr(fd, &t)) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	post_rx(DEV_PTY, e, 0, 2);
	tap(host_to_guest(DEV_PTY, fd, e, "typed on the pty\n"),
	    "console (pty): host -> guest");
	tap(guest_to_host(DEV_PTY, fd, e, 0, (const u8 *)"printed by the guest\n",
			  21), "console (pty): guest -> host");
	close(fd);
}

void test_console(void)
{
	u32 e = ++epoch_con, i;
	u8 big[3000];
	char busy[8];
	int fd, fd2;

	diag("console");
	if (!hello()) {
		tap(false, "console: HELLO");
		return;
	}
	tap(dev_up(DEV_CON, 2, 16, e, 0), "console (socket): bring-up");
	fd = con_connect();
	tap(fd >= 0, "console (socket): connect to %s",
	    cl.con_socket ? cl.con_socket : "(none given)");
	if (fd < 0)
		return;
	post_rx(DEV_CON, e, 0, 4);
	tap(host_to_guest(DEV_CON, fd, e, "hello from the host\n"),
	    "console (socket): host -> guest");
	tap(guest_to_host(DEV_CON, fd, e, 0, (const u8 *)"hello from the guest\n",
			  21), "console (socket): guest -> host");
	for (i = 0; i < sizeof(big); i++)
		big[i] = 'a' + i % 26;
	tap(guest_to_host(DEV_CON, fd, e, 1, big, sizeof(big)),
	    "console (socket): 3000 bytes guest -> host");
	/* Out of order: receive buffers stay held while transmits complete. */
	tap(guest_to_host(DEV_CON, fd, e, 2, (const u8 *)"x", 1),
	    "console: transmit completes while receive buffers are held");
	tap(host_to_guest(DEV_CON, fd, e, "late input\n"),
	    "console: a held receive buffer completes when input comes");
	fd2 = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_un sa;

		memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", cl.con_socket);
		connect(fd2, (struct sockaddr *)&sa, sizeof(sa));
	}
	memset(busy, 0, sizeof(busy));
	read_all(fd2, (u8 *)busy, 5, 3000);
	tap(!strcmp(busy, "busy\n"), "console: a second socket client is refused");
	close(fd2);
	test_pty();
}

void test_reset(void)
{
	unsigned int frames, data;
	u32 e = ++epoch_con, err;
	struct completion c;
	u8 out[1000];
	u8 p[4];
	int fd, i;

	diag("reset with chains in flight");
	if (!hello() || !dev_up(DEV_CON, 2, 16, e, 1ULL << 40)) {
		tap(false, "reset: bring-up");
		return;
	}
	fd = con_connect();
	if (fd < 0) {
		tap(false, "reset: console socket");
		return;
	}
	for (i = 0; i < 4; i++)
		send_data(DEV_CON, 0, i, e, 0, 64, 0, NULL, 0);
	memset(out, 'r', sizeof(out));
	/* And half a transmit chain. */
	send_data(DEV_CON, 1, 0, e, sizeof(out), 0, 0, out, 100);
	tap(set_status(DEV_CON, 0, &err) == 0,
	    "reset with 4 receive chains and half a transmit chain in flight");
	if (write(fd, "after reset\n", 12) != 12)
		diag("write: %s", strerror(errno));
	frames = quiet(1500, &data);
	tap(!data, "no DATA response after the reset's response (%u frames, %u DATA)",
	    frames, data);
	send_data(DEV_CON, 0, 4, e, 0, 64, 0, NULL, 0);
	tap(wait_data(DEV_CON, 0, 4, e, 5000, &c) &&
	    c.status == VIRTIO_ARGO_E_STATE,
	    "DATA after the reset: refused, STATE");
	completion_free(&c);

	e++;
	tap(dev_up(DEV_CON, 2, 16, e, 1ULL << 40), "bring-up again, epoch %u", e);
	post_rx(DEV_CON, e, 0, 4);
	tap(gather(DEV_CON, e, "after reset\n"),
	    "input written during the reset arrives after the bring-up");
	put32(p, 0);
	{
		struct rx *r = call(0, VIRTIO_ARGO_MSG_RESET_VQUEUE, DEV_CON, p,
				    4);

		tap(r && r->f.msg_id == VIRTIO_ARGO_MSG_RESET_VQUEUE,
		    "RESET_VQUEUE 0 with 3 receive chains in flight");
		rx_free(r);
	}
	if (write(fd, "after queue reset\n", 18) != 18)
		diag("write: %s", strerror(errno));
	frames = quiet(1500, &data);
	tap(!data, "no DATA response after RESET_VQUEUE (%u frames, %u DATA)",
	    frames, data);
	{
		u8 q[16];
		struct rx *r;

		put32(q, 0);
		put32(q + 4, VIRTIO_ARGO_VQ_STATE_ENABLE);
		put32(q + 8, 16);
		put32(q + 12, e + 100);
		r = call(0, VIRTIO_ARGO_MSG_SET_VQUEUE, DEV_CON, q, 16);
		tap(r && r->f.msg_id == VIRTIO_ARGO_MSG_SET_VQUEUE &&
		    r->f.msg_size == 8,
		    "SET_VQUEUE 0 again after RESET_VQUEUE, DRIVER_OK kept");
		rx_free(r);
	}
	post_rx(DEV_CON, e + 100, 0, 4);
	tap(gather(DEV_CON, e + 100, "after queue reset\n"),
	    "input written during the queue reset arrives afterwards");
	tap(host_to_guest(DEV_CON, fd, e + 100, "queue is back\n"),
	    "the queue works again with its new epoch");
}
