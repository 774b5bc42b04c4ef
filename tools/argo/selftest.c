// SPDX-License-Identifier: GPL-2.0-only
/*
 * argo selftest-ioctl: negative and edge-case tests of /dev/argo, as TAP.
 *
 * Everything is sent by this domain to itself, so that the tests need no
 * peer. The groups run in order and share the two rings that
 * selftest_bind() binds; the TAP lines come from tap.c.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

#include "common.h"

static int open_or_bail(int flags)
{
	int fd = argo_try_open(flags);

	if (fd < 0)
		bail("open %s: %s", ARGO_DEV, strerror(-fd));
	return fd;
}

/* A read() or write() result in the form of the do_*() results. */
static int sys_result(ssize_t rc)
{
	return rc < 0 ? -errno : rc;
}

/* Nonblocking read(), whatever the descriptor's mode. */
static int read_nb(int fd, void *buf, size_t len)
{
	int rc;

	set_nonblock(fd, true);
	rc = sys_result(read(fd, buf, len));
	set_nonblock(fd, false);
	return rc;
}

/* Nonblocking receive, whatever the descriptor's mode. */
static int recv_nb(int fd, void *buf, u32 len, u32 flags,
		   struct argo_recv *r)
{
	int rc;

	set_nonblock(fd, true);
	rc = do_recv(fd, buf, len, flags, r);
	set_nonblock(fd, false);
	return rc;
}

static bool ring_empty(int fd)
{
	struct argo_recv r;
	u8 b[16];

	return recv_nb(fd, b, sizeof(b), ARGO_RECV_F_PEEK, &r) == -EAGAIN;
}

static short poll_events(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

/* Receive one message and compare it with the seq_fill() pattern. */
static void tap_recv_pattern(int fd, u8 *buf, u32 buf_len, u32 len, u64 seq,
			     u16 src_domid, u32 src_port, u32 type,
			     const char *name)
{
	struct argo_recv r;
	int rc = recv_nb(fd, buf, buf_len, 0, &r);
	long off;

	if (rc < 0) {
		tap(false, "%s: %s", name, errname(rc));
		return;
	}
	off = seq_check(buf, rc, seq);
	if (rc != (int)len || r.msg_len != len ||
	    (r.flags & ~ARGO_RECV_F_MORE)) {
		tap(false, "%s: returned %d msg_len %u flags 0x%x, want %u",
		    name, rc, r.msg_len, r.flags, len);
	} else if (r.src_domid != src_domid || r.src_port != src_port ||
		   r.type != type) {
		tap(false, "%s: from %u:%u type 0x%x, want %u:%u type 0x%x",
		    name, r.src_domid, r.src_port, r.type, src_domid,
		    src_port, type);
	} else if (off >= 0) {
		tap(false, "%s: payload differs at byte %ld", name, off);
	} else {
		tap(true, "%s", name);
	}
}

static void usage_selftest(void)
{
	puts("usage: argo selftest-ioctl [--port-base P]\n"
	     "Negative and edge-case tests of /dev/argo, as TAP. Uses ports\n"
	     "P..P+0x200 (default derived from the pid) of this domain and\n"
	     "sends only to itself.");
}

struct selftest {
	u16 dom;		/* own domid */
	u32 base;		/* first port */
	int small;		/* bound: port base+1, ring 48 */
	int big;		/* bound: port base+2, default ring */
	u32 big_max;		/* its max_payload */
	u8 *buf;		/* at least 2 * big_max bytes */
	u32 buf_len;
};

static void selftest_unbound(struct selftest *t)
{
	static const u32 bad_lens[] = {
		47, 50, 16, 32, 0x1000000, 0xffffffff, ARGO_RING_LEN_MAX + 16,
	};
	struct argo_recv r;
	struct argo_info info;
	struct argo_bind b;
	char name[64];
	unsigned int i;
	short ev;
	int fd, rc;

	fd = open_or_bail(0);
	tap(true, "open %s", ARGO_DEV);
	rc = do_info(fd, &info);
	tap(rc == 0 && !info.bound && info.domid < 0x7ff0,
	    "INFO on an unbound descriptor: rc %d domid %u bound %u", rc,
	    info.domid, info.bound);
	t->dom = info.domid;

	tap_err(recv_nb(fd, t->buf, 16, 0, &r), ENOTCONN, 0,
		"RECV before BIND");
	tap_err(do_send(fd, t->dom, t->base, 0, t->buf, 16), ENOTCONN, 0,
		"SENDV before BIND");
	tap_err(sys_result(write(fd, t->buf, 16)), ENOTCONN, EDESTADDRREQ,
		"write() before BIND");
	tap_err(read_nb(fd, t->buf, 16), ENOTCONN, 0, "read() before BIND");
	ev = poll_events(fd, POLLIN | POLLOUT);
	tap(ev >= 0 && !(ev & POLLIN), "poll before BIND: no POLLIN (0x%x)",
	    ev);

	for (i = 0; i < ARRAY_SIZE(bad_lens); i++) {
		snprintf(name, sizeof(name), "BIND ring_len %u (0x%x)",
			 bad_lens[i], bad_lens[i]);
		tap_err(do_bind(fd, t->base, ARGO_DOMID_ANY, bad_lens[i],
				NULL), EINVAL, 0, name);
	}
	memset(&b, 0, sizeof(b));
	b.port = t->base;
	b.partner = ARGO_DOMID_ANY;
	b.flags = 1;
	tap_err(xioctl(fd, ARGO_IOC_BIND, &b), EINVAL, 0, "BIND flags 1");
	tap_err(do_bind(fd, t->base, 0x7ff0, 0, NULL), ESRCH, 0,
		"BIND unicast to a domain that does not exist");
	tap_err(xioctl(fd, ARGO_IOC_BIND, (void *)1), EFAULT, 0,
		"BIND with a bad argument pointer");
	rc = do_info(fd, &info);
	tap(rc == 0 && !info.bound, "still unbound after failed BINDs");
	close(fd);
}

static void selftest_bind(struct selftest *t)
{
	struct argo_info info;
	u32 mp = 0;
	int fd2, rc;

	t->small = open_or_bail(0);
	rc = do_bind(t->small, t->base + 1, ARGO_DOMID_ANY, ARGO_RING_LEN_MIN,
		     &mp);
	tap(rc == 0 && mp == ARGO_RING_MAX_PAYLOAD(ARGO_RING_LEN_MIN),
	    "BIND minimal ring (48): rc %s max_payload %u", errname(rc), mp);
	if (rc)
		bail("cannot bind");
	rc = do_info(t->small, &info);
	tap(rc == 0 && info.bound == 1 && info.port == t->base + 1 &&
	    info.partner == ARGO_DOMID_ANY && info.ring_len == 48 &&
	    info.max_payload == 16 && info.domid == t->dom,
	    "INFO after BIND: bound %u port 0x%x partner 0x%x len %u max %u",
	    info.bound, info.port, info.partner, info.ring_len,
	    info.max_payload);
	tap_err(do_bind(t->small, t->base + 3, ARGO_DOMID_ANY, 0, NULL),
		EBUSY, EINVAL, "second BIND on the same descriptor");

	fd2 = open_or_bail(0);
	tap_err(do_bind(fd2, t->base + 1, ARGO_DOMID_ANY, 0, NULL),
		EADDRINUSE, EEXIST,
		"BIND a port another descriptor has bound");
	close(fd2);

	t->big = open_or_bail(0);
	rc = do_bind(t->big, t->base + 2, ARGO_DOMID_ANY, 0, &t->big_max);
	rc = rc ? rc : do_info(t->big, &info);
	tap(rc == 0 && info.ring_len >= ARGO_RING_LEN_MIN &&
	    t->big_max == ARGO_RING_MAX_PAYLOAD(info.ring_len) &&
	    info.max_payload == t->big_max,
	    "BIND ring_len 0 picks the default: len %u max_payload %u",
	    info.ring_len, t->big_max);
	if (rc)
		bail("cannot bind");
	diag("default ring_len %u, max_payload %u", info.ring_len,
	     t->big_max);
	t->buf_len = 2 * t->big_max + 64;
	t->buf = realloc(t->buf, t->buf_len);
	if (!t->buf)
		fail("out of memory");
}

static void selftest_sendv(struct selftest *t)
{
	u32 self = t->base + 2, big_max = t->big_max;
	struct argo_iov iov[ARGO_MAX_IOV + 1];
	struct argo_sendv s;
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(iov); i++) {
		iov[i].base = (unsigned long)t->buf;
		iov[i].len = 1;
	}
	tap_err(do_sendv(t->big, t->dom, self, 0, iov, ARGO_MAX_IOV + 1),
		EINVAL, 0, "SENDV niov 9");
	tap_err(do_sendv(t->big, t->dom, self, 0, (void *)1, 1), EFAULT, 0,
		"SENDV with a bad iov array pointer");
	tap_err(xioctl(t->big, ARGO_IOC_SENDV, (void *)1), EFAULT, 0,
		"SENDV with a bad argument pointer");
	iov[0].base = 1;
	iov[0].len = 16;
	tap_err(do_sendv(t->big, t->dom, self, 0, iov, 1), EFAULT, 0,
		"SENDV with a bad buffer pointer");
	tap(ring_empty(t->big), "no message queued by the failed SENDV");

	iov[0].base = (unsigned long)t->buf;
	iov[0].len = 1ULL << 32;
	tap_err(do_sendv(t->big, t->dom, self, 0, iov, 1), EMSGSIZE, EINVAL,
		"SENDV iov len 2^32 (not truncated to 0)");
	tap(ring_empty(t->big), "no message queued by the failed SENDV");
	iov[0].len = 0x80000000ULL;
	tap_err(do_sendv(t->big, t->dom, self, 0, iov, 1), EMSGSIZE, EINVAL,
		"SENDV iov len 2^31");
	for (i = 0; i < ARGO_MAX_IOV; i++) {
		iov[i].base = (unsigned long)t->buf;
		iov[i].len = 0x20000000;
	}
	tap_err(do_sendv(t->big, t->dom, self, 0, iov, ARGO_MAX_IOV),
		EMSGSIZE, EINVAL, "SENDV 8 iovs summing to 2^32");
	tap(ring_empty(t->big), "no message queued by the failed SENDV");

	iov[0].len = 16;
	memset(&s, 0, sizeof(s));
	s.domid = t->dom;
	s.port = self;
	s.niov = 1;
	s.iov = (unsigned long)iov;
	s.pad = 1;
	tap_err(xioctl(t->big, ARGO_IOC_SENDV, &s), EINVAL, 0,
		"SENDV pad nonzero");
	tap_err(do_sendv(t->big, 0x7ff0, self, 0, iov, 1), ESRCH, 0,
		"SENDV to a domain that does not exist");
	tap_err(do_sendv(t->big, t->dom, t->base + 3, 0, iov, 1),
		ECONNREFUSED, 0, "SENDV to a port without a ring");

	seq_fill(t->buf, big_max + 1, 1);
	tap_err(do_send(t->big, t->dom, self, 0, t->buf, big_max + 1),
		EMSGSIZE, 0, "SENDV max_payload + 1 to the default ring");
	seq_fill(t->buf, big_max, 1);
	rc = do_send(t->big, t->dom, self, 7, t->buf, big_max);
	tap_rc(rc, big_max, "SENDV max_payload to the default ring");
	tap_recv_pattern(t->big, t->buf, t->buf_len, big_max, 1, t->dom,
			 self, 7, "RECV it back intact, with source and type");

	tap_err(do_send(t->big, t->dom, t->base + 1, 0, t->buf, 17),
		EMSGSIZE, 0, "SENDV 17 bytes to the 48-byte ring");
	rc = do_sendv(t->big, t->dom, self, 0x1234abcd, NULL, 0);
	tap_rc(rc, 0, "SENDV niov 0 (header only)");
	tap_recv_pattern(t->big, t->buf, t->buf_len, 0, 0, t->dom, self,
			 0x1234abcd, "RECV the header-only message");

	seq_fill(t->buf + 256, 8, 5);
	iov[0].base = (unsigned long)(t->buf + 256);
	iov[0].len = 3;
	iov[1].base = (unsigned long)(t->buf + 259);
	iov[1].len = 0;
	iov[2].base = (unsigned long)(t->buf + 259);
	iov[2].len = 5;
	tap_rc(do_sendv(t->big, t->dom, self, 2, iov, 3), 8,
	       "SENDV 3 iovecs (3, 0, 5 bytes)");
	tap_recv_pattern(t->big, t->buf, t->buf_len, 8, 5, t->dom, self, 2,
			 "RECV them as one message");
}

/* A full destination ring: EAGAIN, blocking, signals, wake-up. */
static void selftest_full(struct selftest *t)
{
	u32 dst = t->base + 1;
	struct argo_recv r;
	pid_t pid;
	short ev;
	int rc, status;

	seq_fill(t->buf, 16, 10);
	tap_rc(do_send(t->big, t->dom, dst, 0, t->buf, 16), 16,
	       "SENDV 16 bytes fills the 48-byte ring");
	set_nonblock(t->big, true);
	tap_err(do_send(t->big, t->dom, dst, 0, t->buf, 16), EAGAIN, 0,
		"nonblocking SENDV to the full ring");
	ev = poll_events(t->big, POLLOUT);
	diag("poll(POLLOUT) on the sender after EAGAIN: 0x%x", ev);
	set_nonblock(t->big, false);

	arm_timeout(1);
	rc = do_send(t->big, t->dom, dst, 0, t->buf, 16);
	tap_err(rc, EINTR, 0, "blocking SENDV to the full ring: a signal ends it");

	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (!pid) {
		alarm(10);
		seq_fill(t->buf, 16, 11);
		rc = do_send(t->big, t->dom, dst, 0, t->buf, 16);
		_exit(rc == 16 ? 0 : 1);
	}
	usleep(500000);
	rc = waitpid(pid, &status, WNOHANG);
	tap(rc == 0, "blocking SENDV waits while the ring is full");
	seq_fill(t->buf, 16, 10);
	tap_recv_pattern(t->small, t->buf, t->buf_len, 16, 10, t->dom,
			 t->base + 2, 0, "RECV the message from the full ring");
	arm_timeout(10);
	rc = waitpid(pid, &status, 0);
	tap(rc == pid && WIFEXITED(status) && !WEXITSTATUS(status),
	    "the blocked sender is woken when space returns (status 0x%x)",
	    status);
	if (rc != pid) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	seq_fill(t->buf, 16, 11);
	tap_recv_pattern(t->small, t->buf, t->buf_len, 16, 11, t->dom,
			 t->base + 2, 0, "RECV the woken sender's message");
	tap(ring_empty(t->small), "the 48-byte ring is empty again");

	arm_timeout(1);
	rc = do_recv(t->small, t->buf, 16, 0, &r);
	tap_err(rc, EINTR, 0, "blocking RECV on an empty ring: a signal ends it");
}

static void selftest_recv(struct selftest *t)
{
	u32 self = t->base + 2;
	struct argo_recv r;
	short ev;
	int rc;

	seq_fill(t->buf, 100, 20);
	do_send(t->big, t->dom, self, 0, t->buf, 100);
	rc = do_recv(t->big, (void *)1, 100, 0, &r);
	tap_err(rc, EFAULT, 0, "RECV into a bad buffer pointer");
	tap_recv_pattern(t->big, t->buf, t->buf_len, 100, 20, t->dom, self, 0,
			 "the message is still there after the EFAULT");
	tap_err(xioctl(t->big, ARGO_IOC_RECV, (void *)1), EFAULT, 0,
		"RECV with a bad argument pointer");
	tap_err(recv_nb(t->big, t->buf, 100, 0, &r), EAGAIN, 0,
		"nonblocking RECV on an empty ring");
	tap_err(recv_nb(t->big, t->buf, 100, 1U << 1, &r), EINVAL, 0,
		"RECV flags 0x2");
	tap_err(recv_nb(t->big, t->buf, 100, 1U << 31, &r), EINVAL, 0,
		"RECV flags 0x80000000");

	ev = poll_events(t->big, POLLIN);
	tap(ev >= 0 && !(ev & POLLIN), "poll on an empty ring: no POLLIN");
	seq_fill(t->buf, 100, 21);
	do_send(t->big, t->dom, self, 0, t->buf, 100);
	seq_fill(t->buf, 50, 22);
	do_send(t->big, t->dom, self, 0, t->buf, 50);
	ev = poll_events(t->big, POLLIN);
	tap(ev > 0 && (ev & POLLIN), "poll with messages queued: POLLIN");

	memset(t->buf, 0, 200);
	seq_fill(t->buf + 100, 100, 21);
	rc = recv_nb(t->big, t->buf, 10, 0, &r);
	tap(rc == 10 && (r.flags & ARGO_RECV_F_TRUNC) && r.msg_len == 100 &&
	    !memcmp(t->buf, t->buf + 100, 10) && t->buf[10] == 0,
	    "RECV 100 bytes into 10: rc %d flags 0x%x msg_len %u", rc,
	    r.flags, r.msg_len);
	tap(rc == 10 && (r.flags & ARGO_RECV_F_MORE),
	    "RECV with another message queued: MORE (flags 0x%x)", r.flags);
	seq_fill(t->buf, 50, 22);
	rc = recv_nb(t->big, t->buf + 100, 64, r.flags, &r);
	tap(rc == 50 && !(r.flags & (ARGO_RECV_F_MORE | ARGO_RECV_F_TRUNC)) &&
	    !memcmp(t->buf, t->buf + 100, 50),
	    "the next RECV (flags given back) gets the last message, no MORE: rc %d flags 0x%x",
	    rc, r.flags);

	seq_fill(t->buf, 40, 23);
	do_send(t->big, t->dom, self, 3, t->buf, 40);
	memset(t->buf, 0, 64);
	rc = recv_nb(t->big, t->buf, 64, ARGO_RECV_F_PEEK, &r);
	tap(rc == 40 && r.msg_len == 40 && !(r.flags & ARGO_RECV_F_TRUNC) &&
	    r.type == 3 && seq_check(t->buf, 40, 23) < 0,
	    "RECV PEEK: rc %d msg_len %u flags 0x%x", rc, r.msg_len, r.flags);
	ev = poll_events(t->big, POLLIN);
	tap(ev > 0 && (ev & POLLIN), "POLLIN after PEEK");
	rc = recv_nb(t->big, t->buf, 8, ARGO_RECV_F_PEEK, &r);
	tap(rc == 8 && r.msg_len == 40 && (r.flags & ARGO_RECV_F_TRUNC),
	    "RECV PEEK into 8 bytes: rc %d msg_len %u flags 0x%x", rc,
	    r.msg_len, r.flags);
	tap_recv_pattern(t->big, t->buf, t->buf_len, 40, 23, t->dom, self, 3,
			 "RECV after PEEK gets the whole message");
	tap(ring_empty(t->big), "and then the ring is empty");
}

static void selftest_misc(struct selftest *t)
{
	u32 self = t->base + 2;
	struct argo_connect cn;
	struct argo_recv r;
	struct termios tio;
	int rc, fd;

	tap_err(xioctl(t->big, _IO(ARGO_IOC_MAGIC, 0x63), NULL), ENOTTY, 0,
		"unknown ioctl number");
	tap_err(xioctl(t->big, _IOWR(ARGO_IOC_MAGIC, 1, __u64), t->buf),
		ENOTTY, 0, "BIND with the wrong size in the ioctl number");
	tap_err(xioctl(t->big, TCGETS, &tio), ENOTTY, 0, "TCGETS");

	tap_err(sys_result(write(t->big, t->buf, 16)), EDESTADDRREQ, ENOTCONN,
		"write() before CONNECT");
	memset(&cn, 0, sizeof(cn));
	cn.domid = t->dom;
	cn.port = self;
	cn.type = 0x77;
	cn.pad = 1;
	tap_err(xioctl(t->big, ARGO_IOC_CONNECT, &cn), EINVAL, 0,
		"CONNECT pad nonzero");
	cn.pad = 0;
	tap_rc(xioctl(t->big, ARGO_IOC_CONNECT, &cn), 0, "CONNECT to self");
	seq_fill(t->buf, 30, 30);
	tap_rc(sys_result(write(t->big, t->buf, 30)), 30, "write() 30 bytes");
	tap_recv_pattern(t->big, t->buf, t->buf_len, 30, 30, t->dom, self,
			 0x77, "RECV the write() with CONNECT's type");
	seq_fill(t->buf, 12, 31);
	rc = write(t->big, t->buf, 12);
	seq_fill(t->buf, 20, 32);
	rc = write(t->big, t->buf, 20);
	memset(t->buf, 0, 64);
	rc = sys_result(read(t->big, t->buf, 4096));
	tap(rc == 12 && seq_check(t->buf, 12, 31) < 0,
	    "read() returns one message: %d bytes", rc);
	rc = sys_result(read(t->big, t->buf, 4096));
	tap(rc == 20 && seq_check(t->buf, 20, 32) < 0,
	    "read() again returns the next: %d bytes", rc);
	tap_err(sys_result(write(t->big, t->buf, t->big_max + 1)), EMSGSIZE, 0,
		"write() max_payload + 1");
	/* read(fd, buf, 0) must not throw a message away. */
	seq_fill(t->buf, 24, 33);
	rc = write(t->big, t->buf, 24);
	tap_rc(sys_result(read(t->big, t->buf, 0)), 0,
	       "read() of 0 bytes returns 0");
	seq_fill(t->buf, 24, 33);
	tap_recv_pattern(t->big, t->buf, t->buf_len, 24, 33, t->dom, self,
			 0x77, "and leaves the message queued");
	while (!ring_empty(t->big))
		recv_nb(t->big, t->buf, t->buf_len, 0, &r);
	tap_err(read_nb(t->big, t->buf, 16), EAGAIN, 0,
		"nonblocking read() on an empty ring");

	/* Closing unregisters: a new ring on the port starts empty. */
	seq_fill(t->buf, 16, 40);
	do_send(t->big, t->dom, t->base + 1, 0, t->buf, 16);
	close(t->small);
	fd = open_or_bail(0);
	rc = do_bind(fd, t->base + 1, ARGO_DOMID_ANY, ARGO_RING_LEN_MIN, NULL);
	tap_rc(rc, 0, "BIND the port again after close");
	tap_err(recv_nb(fd, t->buf, 16, 0, &r), EAGAIN, 0,
		"the new ring holds no stale message");
	t->small = fd;
}

/* Past the ring limit (max_user_rings, or Xen's 128): a clean ENOSPC. */
static void selftest_limit(struct selftest *t)
{
	static int fds[160];
	unsigned int i, n = 0;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = argo_try_open(0);
		if (fds[i] < 0) {
			rc = fds[i];
			break;
		}
		rc = do_bind(fds[i], t->base + 0x100 + i, ARGO_DOMID_ANY,
			     ARGO_RING_LEN_MIN, NULL);
		if (rc) {
			close(fds[i]);
			break;
		}
		n++;
	}
	diag("bound %u more rings before %s", n, errname(rc));
	tap(n > 0 && n < ARRAY_SIZE(fds) && rc == -ENOSPC,
	    "BIND beyond the ring limit: %s after %u", errname(rc), n);
	for (i = 0; i < n; i++)
		close(fds[i]);
	fds[0] = open_or_bail(0);
	tap_rc(do_bind(fds[0], t->base + 0x100, ARGO_DOMID_ANY,
		       ARGO_RING_LEN_MIN, NULL), 0,
	       "BIND works again after closing them");
	close(fds[0]);
}

int cmd_selftest(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "port-base", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct selftest t = {
		.base = 0x7a000000 | ((getpid() & 0xffff) << 9),
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			t.base = parse_num(optarg, 0xfffffdffULL,
					   "--port-base");
			break;
		case 'h':
			usage_selftest();
			return 0;
		default:
			usage_error("bad option");
		}
	}
	no_operands(argc, argv);
	t.buf_len = 4096;
	t.buf = xmalloc(t.buf_len);
	diag("argo selftest-ioctl, ports 0x%x..0x%x", t.base,
	     t.base + 0x1ff);

	selftest_unbound(&t);
	selftest_bind(&t);
	selftest_sendv(&t);
	selftest_full(&t);
	selftest_recv(&t);
	selftest_misc(&t);
	selftest_limit(&t);

	alarm(0);
	close(t.small);
	close(t.big);
	free(t.buf);
	return tap_done();
}
