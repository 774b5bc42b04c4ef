// SPDX-License-Identifier: GPL-2.0-only
/*
 * argo: exercise and measure /dev/argo, the character device of xen-argo.ko.
 *
 *   argo info                      print this domain's id
 *   argo recv --port P ...         bind a ring, receive and check messages
 *   argo send --to D:P ...         send messages (sequence-numbered stream)
 *   argo sink --port P             the receiving end of "argo bench"
 *   argo bench --to D:P ...        end-to-end throughput table
 *   argo selftest-ioctl            negative tests of the interface (TAP)
 *
 * Every message "send" produces starts with a little-endian u64 sequence
 * number and a u32 payload length, followed by bytes derived from the
 * sequence number and the offset (shorter messages carry a prefix of
 * that). "recv --seq" recomputes the expected bytes and reports the first
 * message that is missing, duplicated, reordered or corrupt.
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>

#include <linux/argo.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define ARGO_DEV		"/dev/argo"
#define ARGO_STATS		"/sys/kernel/debug/xen-argo/stats"

#define SEQ_HDR_LEN		12	/* u64 sequence number, u32 length */
#define DEFAULT_SRC_RING	4032	/* one page with the ring header */
#define MAX_SIZES		4096

/* Message types of the bench protocol between "bench" and "sink". */
#define BENCH_T_DATA		0x62640001
#define BENCH_T_MARK		0x62640002
#define BENCH_T_ACK		0x62640003
#define BENCH_T_DONE		0x62640004

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
/* __printf(a, b) comes from the Makefile, as in the kernel's compiler.h. */

static const char *cmd_name = "argo";

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" },
	{ ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" },
	{ ERANGE, "ERANGE" },
	{ EMSGSIZE, "EMSGSIZE" },
	{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
	{ EADDRINUSE, "EADDRINUSE" },
	{ ENOTCONN, "ENOTCONN" },
	{ EISCONN, "EISCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" },
	{ ECONNREFUSED, "ECONNREFUSED" },
	{ ENXIO, "ENXIO" },
	{ EOVERFLOW, "EOVERFLOW" },
};

/* Name of an errno value, or of a negative one as returned by the do_*(). */
static const char *errname(int err)
{
	static char other[32];
	unsigned int i;

	if (err < 0)
		err = -err;
	if (!err)
		return "success";
	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].err == err)
			return errnames[i].name;
	snprintf(other, sizeof(other), "errno %d", err);
	return other;
}

static noreturn void __printf(1, 2)
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try 'argo %s -h')\n", cmd_name);
	exit(2);
}

static noreturn void __printf(1, 2)
fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

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
static void setup_alarm(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

static void arm_timeout(unsigned int seconds)
{
	alarm(seconds);
}

/* ------------------------------------------------------------------ */
/* Thin wrappers: return the ioctl's result or a negative errno. */

static int argo_open(int flags)
{
	int fd = open(ARGO_DEV, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0)
		fail("cannot open %s: %s (is xen-argo.ko loaded?)", ARGO_DEV,
		     strerror(errno));
	return fd;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	return rc < 0 ? -errno : rc;
}

static int do_bind(int fd, u32 port, u16 partner, u32 ring_len,
		   u32 *max_payload)
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

static int do_sendv(int fd, u16 domid, u32 port, u32 type,
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

static int do_send(int fd, u16 domid, u32 port, u32 type, const void *buf,
		   size_t len)
{
	struct argo_iov iov = { .base = (unsigned long)buf, .len = len };

	return do_sendv(fd, domid, port, type, &iov, 1);
}

static int do_recv(int fd, void *buf, u32 len, u32 flags,
		   struct argo_recv *r)
{
	memset(r, 0, sizeof(*r));
	r->buf = (unsigned long)buf;
	r->buf_len = len;
	r->flags = flags;
	return xioctl(fd, ARGO_IOC_RECV, r);
}

static int do_info(int fd, struct argo_info *info)
{
	memset(info, 0, sizeof(*info));
	return xioctl(fd, ARGO_IOC_INFO, info);
}

static u16 self_domid(void)
{
	struct argo_info info;
	int fd = argo_open(0);
	int rc = do_info(fd, &info);

	if (rc)
		fail("ARGO_IOC_INFO: %s (%s)", strerror(-rc), errname(rc));
	close(fd);
	return info.domid;
}

static void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 ||
	    fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK) < 0)
		fail("fcntl: %s", strerror(errno));
}

/* ------------------------------------------------------------------ */
/* Argument parsing */

static unsigned long long parse_num(const char *s, unsigned long long max,
				    const char *what)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!s || !*s || *s == '-')
		usage_error("%s: expected a number, got '%s'", what,
			    s ? s : "");
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		usage_error("%s: '%s' is not a number in 0..%llu", what, s,
			    max);
	return v;
}

/* A domain: a number, "any" (when allowed) or "self". */
static u16 parse_domid(const char *s, bool allow_any, const char *what)
{
	if (allow_any && !strcmp(s, "any"))
		return ARGO_DOMID_ANY;
	if (!strcmp(s, "self"))
		return self_domid();
	return parse_num(s, 0x7fef, what);
}

/* "D:P": destination domain and port. */
static void parse_dest(const char *s, u16 *domid, u32 *port)
{
	char *copy = strdup(s);
	char *colon = copy ? strrchr(copy, ':') : NULL;

	if (!colon)
		usage_error("--to: expected DOMID:PORT, got '%s'", s);
	*colon = '\0';
	*domid = parse_domid(copy, false, "--to domain");
	*port = parse_num(colon + 1, 0xffffffffULL, "--to port");
	free(copy);
}

/* "a,b,c" into sizes[], returns the count. */
static unsigned int parse_sizes(const char *s, u32 *sizes, unsigned int max)
{
	char *copy = strdup(s);
	char *tok, *save = NULL;
	unsigned int n = 0;

	if (!copy)
		fail("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == max)
			usage_error("--sizes: more than %u sizes", max);
		sizes[n++] = parse_num(tok, ARGO_RING_LEN_MAX, "--sizes");
	}
	free(copy);
	if (!n)
		usage_error("--sizes: empty list");
	return n;
}

static void format_domid(char *buf, size_t len, u16 domid)
{
	if (domid == ARGO_DOMID_ANY)
		snprintf(buf, len, "any");
	else
		snprintf(buf, len, "%u", domid);
}

/* ------------------------------------------------------------------ */
/* The sequence-numbered payload */

static u64 get_le(const u8 *p, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

static u8 pattern_byte(u64 seq, u32 off)
{
	return (u8)(seq * 167 + off * 7 + (off >> 8) + 0x5a);
}

/* Byte off of the payload of message seq when it is len bytes long. */
static u8 seq_byte(u64 seq, u32 len, u32 off)
{
	if (off < 8)
		return seq >> (8 * off);
	if (off < SEQ_HDR_LEN)
		return len >> (8 * (off - 8));
	return pattern_byte(seq, off);
}

static void seq_fill(u8 *buf, u32 len, u64 seq)
{
	u32 i;

	for (i = 0; i < len && i < SEQ_HDR_LEN; i++)
		buf[i] = seq_byte(seq, len, i);
	for (; i < len; i++)
		buf[i] = pattern_byte(seq, i);
}

/* Offset of the first byte that differs from seq_fill(), or -1. */
static long seq_check(const u8 *buf, u32 len, u64 seq)
{
	u32 i;

	for (i = 0; i < len && i < SEQ_HDR_LEN; i++)
		if (buf[i] != seq_byte(seq, len, i))
			return i;
	for (; i < len; i++)
		if (buf[i] != pattern_byte(seq, i))
			return i;
	return -1;
}

struct seq_state {
	u64 next;		/* sequence number expected next */
	unsigned long errors;
	unsigned long printed;
};

static void __printf(3, 4)
seq_error(struct seq_state *st, unsigned long idx, const char *fmt, ...)
{
	va_list ap;

	st->errors++;
	if (st->printed >= 10)
		return;
	if (++st->printed == 10)
		fprintf(stderr, "recv: (further errors not shown)\n");
	fprintf(stderr, "recv: error in message #%lu: ", idx);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Check message #idx (counting from 0) of a --seq stream. */
static void seq_verify(struct seq_state *st, unsigned long idx,
		       const u8 *buf, u32 len)
{
	u64 seq = st->next;
	long off;

	if (len >= SEQ_HDR_LEN) {
		u32 hlen = get_le(buf + 8, 4);

		seq = get_le(buf, 8);
		if (hlen != len) {
			seq_error(st, idx,
				  "length %u, but its header says %u (seq %llu)",
				  len, hlen, (unsigned long long)seq);
			st->next = seq + 1;
			return;
		}
		if (seq > st->next) {
			seq_error(st, idx,
				  "missing seq %llu..%llu (got %llu)",
				  (unsigned long long)st->next,
				  (unsigned long long)seq - 1,
				  (unsigned long long)seq);
		} else if (seq + 1 == st->next) {
			seq_error(st, idx, "duplicate of seq %llu",
				  (unsigned long long)seq);
		} else if (seq < st->next) {
			seq_error(st, idx,
				  "reordered: seq %llu after seq %llu",
				  (unsigned long long)seq,
				  (unsigned long long)st->next - 1);
		}
	}
	off = seq_check(buf, len, seq);
	if (off >= 0)
		seq_error(st, idx,
			  "seq %llu len %u corrupt at byte %ld: 0x%02x, want 0x%02x",
			  (unsigned long long)seq, len, off, buf[off],
			  seq_byte(seq, len, off));
	if (seq >= st->next)
		st->next = seq + 1;
}

/* ------------------------------------------------------------------ */
/* info */

static void usage_info(void)
{
	puts("usage: argo info\n"
	     "Print this domain's id as ARGO_IOC_INFO reports it: 'domid N'.");
}

static int cmd_info(int argc, char **argv)
{
	struct argo_info info;
	int fd, rc;

	if (argc > 1) {
		if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			usage_info();
			return 0;
		}
		usage_error("unexpected argument '%s'", argv[1]);
	}
	fd = argo_open(0);
	rc = do_info(fd, &info);
	if (rc)
		fail("ARGO_IOC_INFO: %s (%s)", strerror(-rc), errname(rc));
	printf("domid %u\n", info.domid);
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* recv */

static void usage_recv(void)
{
	puts("usage: argo recv --port P [options]\n"
	     "Bind a ring on port P and receive messages.\n"
	     "  --port P          local port (required)\n"
	     "  --from D|any      only domain D may send (a unicast ring;\n"
	     "                    D must exist), default any\n"
	     "  --ring-len N      ring length in bytes (0: module default)\n"
	     "  --count C         stop after C messages (default 0: forever)\n"
	     "  --seq             verify a stream from 'argo send'\n"
	     "  --timeout S       fail when no message comes for S seconds\n"
	     "  --start-delay MS  sleep MS ms after binding, before reading\n"
	     "  --delay US        sleep US us after each message\n"
	     "  --nonblock        O_NONBLOCK and poll(POLLIN)\n"
	     "  --quiet           no line per message\n"
	     "After binding prints 'recv: bound port P ...'; at the end\n"
	     "'recv: N messages, B bytes, from domid D, E errors'.");
}

struct recv_opts {
	u32 port;
	bool have_port;
	u16 from;
	u32 ring_len;
	unsigned long count;
	bool seq;
	bool quiet;
	bool nonblock;
	unsigned int timeout;
	unsigned int start_delay_ms;
	unsigned int delay_us;
};

static int recv_one(int fd, const struct recv_opts *o, u8 *buf, u32 len,
		    struct argo_recv *r, unsigned long *eagain)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int rc;

	if (!o->nonblock) {
		arm_timeout(o->timeout);
		rc = do_recv(fd, buf, len, 0, r);
		alarm(0);
		if (rc == -EINTR)
			return -ETIMEDOUT;
		return rc;
	}
	for (;;) {
		rc = do_recv(fd, buf, len, 0, r);
		if (rc != -EAGAIN)
			return rc;
		(*eagain)++;
		rc = poll(&pfd, 1, o->timeout ? (int)o->timeout * 1000 : -1);
		if (rc < 0)
			return -errno;
		if (!rc)
			return -ETIMEDOUT;
	}
}

static int cmd_recv(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "ring-len", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "seq", no_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "start-delay", required_argument, NULL, 'S' },
		{ "delay", required_argument, NULL, 'd' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct recv_opts o = { .from = ARGO_DOMID_ANY };
	struct seq_state st = { 0 };
	unsigned long n = 0, eagain = 0;
	unsigned long long bytes = 0;
	int src = -1;		/* -1 none yet, -2 several */
	char pbuf[16], sbuf[16];
	struct argo_recv r;
	u32 max_payload;
	int fd, c, rc;
	u8 *buf;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.port = parse_num(optarg, 0xffffffffULL, "--port");
			o.have_port = true;
			break;
		case 'f':
			o.from = parse_domid(optarg, true, "--from");
			break;
		case 'r':
			o.ring_len = parse_num(optarg, 0xffffffffULL,
					       "--ring-len");
			break;
		case 'c':
			o.count = parse_num(optarg, -1UL, "--count");
			break;
		case 's':
			o.seq = true;
			break;
		case 't':
			o.timeout = parse_num(optarg, 100000, "--timeout");
			break;
		case 'S':
			o.start_delay_ms = parse_num(optarg, 3600000,
						     "--start-delay");
			break;
		case 'd':
			o.delay_us = parse_num(optarg, 10000000, "--delay");
			break;
		case 'n':
			o.nonblock = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			usage_recv();
			return 0;
		default:
			usage_error("bad option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!o.have_port)
		usage_error("--port is required");

	fd = argo_open(o.nonblock ? O_NONBLOCK : 0);
	rc = do_bind(fd, o.port, o.from, o.ring_len, &max_payload);
	if (rc)
		fail("bind port %u: %s (%s)", o.port, strerror(-rc),
		     errname(rc));
	format_domid(pbuf, sizeof(pbuf), o.from);
	printf("recv: bound port %u partner %s max_payload %u\n", o.port,
	       pbuf, max_payload);
	fflush(stdout);

	buf = malloc(max_payload + 1);
	if (!buf)
		fail("out of memory");
	if (o.start_delay_ms)
		usleep(o.start_delay_ms * 1000);

	while (!o.count || n < o.count) {
		rc = recv_one(fd, &o, buf, max_payload + 1, &r, &eagain);
		if (rc == -ETIMEDOUT) {
			fprintf(stderr,
				"recv: timeout: no message #%lu in %u s\n", n,
				o.timeout);
			st.errors++;
			break;
		}
		if (rc < 0) {
			fprintf(stderr, "recv: ARGO_IOC_RECV: %s (%s)\n",
				strerror(-rc), errname(rc));
			st.errors++;
			break;
		}
		if ((u32)rc != r.msg_len || (r.flags & ARGO_RECV_F_TRUNC)) {
			fprintf(stderr,
				"recv: message #%lu: returned %d of %u bytes, flags 0x%x, max_payload %u\n",
				n, rc, r.msg_len, r.flags, max_payload);
			st.errors++;
		}
		if (o.from != ARGO_DOMID_ANY && r.src_domid != o.from) {
			fprintf(stderr,
				"recv: message #%lu from domid %u, bound to %u\n",
				n, r.src_domid, o.from);
			st.errors++;
		}
		if (src == -1)
			src = r.src_domid;
		else if (src != r.src_domid)
			src = -2;
		if (o.seq)
			seq_verify(&st, n, buf, rc);
		if (!o.quiet)
			printf("recv: #%lu from %u:%u type 0x%x len %u\n", n,
			       r.src_domid, r.src_port, r.type, r.msg_len);
		bytes += rc;
		n++;
		if (o.delay_us)
			usleep(o.delay_us);
	}

	if (src == -1)
		snprintf(sbuf, sizeof(sbuf), "none");
	else if (src == -2)
		snprintf(sbuf, sizeof(sbuf), "several");
	else
		snprintf(sbuf, sizeof(sbuf), "%d", src);
	if (o.nonblock)
		printf("recv: %lu EAGAIN\n", eagain);
	printf("recv: %lu messages, %llu bytes, from domid %s, %lu errors\n",
	       n, bytes, sbuf, st.errors);
	free(buf);
	close(fd);
	return st.errors ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* send */

static void usage_send(void)
{
	puts("usage: argo send --to D:P [options]\n"
	     "Send sequence-numbered messages to port P of domain D (a number\n"
	     "or 'self'). Sizes: one of --size, --sizes, --sweep.\n"
	     "  --to D:P          destination (required)\n"
	     "  --port SRC        local port of the source ring (default\n"
	     "                    derived from the pid); sendv needs a bound\n"
	     "                    ring\n"
	     "  --ring-len N      length of the source ring (default 4032)\n"
	     "  --type T          message type (default 0)\n"
	     "  --size N          payload bytes (default 64)\n"
	     "  --sizes a,b,c     cycle through these sizes\n"
	     "  --sweep MAX       every size 0..MAX\n"
	     "  --count C         messages (--size) or passes over the list\n"
	     "                    (--sizes, --sweep); default 1\n"
	     "  --iovs K          split each message into K iovecs (1..8)\n"
	     "  --seq             the payload is always the --seq stream;\n"
	     "                    accepted for symmetry with recv\n"
	     "  --nonblock        O_NONBLOCK: on EAGAIN poll(POLLOUT), retry\n"
	     "  --timeout S       fail when one send stalls for S seconds\n"
	     "  --delay US        sleep US us after each message\n"
	     "At the end prints\n"
	     "'send: N messages, B bytes to domid D port P, E EAGAIN'.");
}

struct send_opts {
	u16 domid;
	u32 port;
	bool have_to;
	u32 src_port;
	u32 ring_len;
	u32 type;
	u32 *sizes;
	unsigned int nsizes;
	unsigned long count;
	unsigned int iovs;
	bool nonblock;
	unsigned int timeout;
	unsigned int delay_us;
};

/* Send buf[len] as o->iovs pieces; handles EAGAIN and the timeout. */
static int send_msg(int fd, const struct send_opts *o, const u8 *buf,
		    u32 len, unsigned long *eagain, unsigned long *wakeups)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	struct argo_iov iov[ARGO_MAX_IOV];
	unsigned int i, k = o->iovs;
	u32 off = 0;
	int rc;

	for (i = 0; i < k; i++) {
		u32 piece = len / k + (i < len % k);

		iov[i].base = (unsigned long)(buf + off);
		iov[i].len = piece;
		off += piece;
	}
	if (!o->nonblock) {
		arm_timeout(o->timeout);
		rc = do_sendv(fd, o->domid, o->port, o->type, iov, k);
		alarm(0);
		if (rc == -EINTR)
			return -ETIMEDOUT;
		return rc;
	}
	for (;;) {
		rc = do_sendv(fd, o->domid, o->port, o->type, iov, k);
		if (rc != -EAGAIN)
			return rc;
		(*eagain)++;
		rc = poll(&pfd, 1, o->timeout ? (int)o->timeout * 1000 : -1);
		if (rc < 0)
			return -errno;
		if (!rc)
			return -ETIMEDOUT;
		(*wakeups)++;
	}
}

static u32 default_src_port(void)
{
	return 0x5e000000 | (getpid() & 0xffffff);
}

static int cmd_send(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "to", required_argument, NULL, 'T' },
		{ "port", required_argument, NULL, 'p' },
		{ "ring-len", required_argument, NULL, 'r' },
		{ "type", required_argument, NULL, 'y' },
		{ "size", required_argument, NULL, 'z' },
		{ "sizes", required_argument, NULL, 'Z' },
		{ "sweep", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "iovs", required_argument, NULL, 'i' },
		{ "seq", no_argument, NULL, 's' },
		{ "nonblock", no_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "delay", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static u32 sizes[MAX_SIZES];
	struct send_opts o = {
		.ring_len = DEFAULT_SRC_RING, .count = 1, .iovs = 1,
		.sizes = sizes,
	};
	unsigned long n = 0, eagain = 0, wakeups = 0, pass;
	unsigned long long bytes = 0;
	unsigned int i, size_opts = 0;
	bool have_port = false;
	u32 max_size = 0;
	int fd, c, rc = 0;
	u8 *buf;

	sizes[0] = 64;
	o.nsizes = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'T':
			parse_dest(optarg, &o.domid, &o.port);
			o.have_to = true;
			break;
		case 'p':
			o.src_port = parse_num(optarg, 0xffffffffULL, "--port");
			have_port = true;
			break;
		case 'r':
			o.ring_len = parse_num(optarg, 0xffffffffULL,
					       "--ring-len");
			break;
		case 'y':
			o.type = parse_num(optarg, 0xffffffffULL, "--type");
			break;
		case 'z':
			sizes[0] = parse_num(optarg, ARGO_RING_LEN_MAX,
					     "--size");
			o.nsizes = 1;
			size_opts++;
			break;
		case 'Z':
			o.nsizes = parse_sizes(optarg, sizes, MAX_SIZES);
			size_opts++;
			break;
		case 'w':
			max_size = parse_num(optarg, MAX_SIZES - 1, "--sweep");
			for (i = 0; i <= max_size; i++)
				sizes[i] = i;
			o.nsizes = max_size + 1;
			size_opts++;
			break;
		case 'c':
			o.count = parse_num(optarg, -1UL, "--count");
			break;
		case 'i':
			o.iovs = parse_num(optarg, ARGO_MAX_IOV, "--iovs");
			if (!o.iovs)
				usage_error("--iovs: 1..%d", ARGO_MAX_IOV);
			break;
		case 's':
			break;
		case 'n':
			o.nonblock = true;
			break;
		case 't':
			o.timeout = parse_num(optarg, 100000, "--timeout");
			break;
		case 'd':
			o.delay_us = parse_num(optarg, 10000000, "--delay");
			break;
		case 'h':
			usage_send();
			return 0;
		default:
			usage_error("bad option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!o.have_to)
		usage_error("--to D:P is required");
	if (size_opts > 1)
		usage_error("give only one of --size, --sizes, --sweep");
	if (!have_port)
		o.src_port = default_src_port();
	for (i = 0; i < o.nsizes; i++)
		if (sizes[i] > max_size)
			max_size = sizes[i];

	fd = argo_open(o.nonblock ? O_NONBLOCK : 0);
	/* The source ring names the destination: works without mac-permissive. */
	rc = do_bind(fd, o.src_port, o.domid, o.ring_len, NULL);
	if (rc)
		fail("bind source port %u (partner %u): %s (%s)", o.src_port,
		     o.domid, strerror(-rc), errname(rc));
	buf = malloc(max_size + 1);
	if (!buf)
		fail("out of memory");

	for (pass = 0; pass < o.count && rc >= 0; pass++) {
		for (i = 0; i < o.nsizes; i++) {
			u32 len = sizes[i];

			seq_fill(buf, len, n);
			rc = send_msg(fd, &o, buf, len, &eagain, &wakeups);
			if (rc == -ETIMEDOUT) {
				fprintf(stderr,
					"send: timeout: message #%lu (%u bytes) not sent within %u s\n",
					n, len, o.timeout);
				break;
			}
			if (rc < 0) {
				fprintf(stderr,
					"send: message #%lu (%u bytes) to %u:%u: %s (%s)\n",
					n, len, o.domid, o.port,
					strerror(-rc), errname(rc));
				break;
			}
			if ((u32)rc != len) {
				fprintf(stderr,
					"send: message #%lu: sent %d of %u bytes\n",
					n, rc, len);
				rc = -EIO;
				break;
			}
			bytes += len;
			n++;
			if (o.delay_us)
				usleep(o.delay_us);
		}
	}
	if (o.nonblock)
		printf("send: %lu poll wakeups\n", wakeups);
	printf("send: %lu messages, %llu bytes to domid %u port %u, %lu EAGAIN\n",
	       n, bytes, o.domid, o.port, eagain);
	free(buf);
	close(fd);
	return rc < 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* bench and sink */

struct bench_mark {
	u64 msgs;
	u64 bytes;
	u32 size;
	u32 pad;
};

struct argo_stats {
	bool ok;
	unsigned long long hypercalls;
	unsigned long long virqs;
};

static void stats_read(const char *path, struct argo_stats *st)
{
	char name[64];
	unsigned long long v;
	char line[256];
	int found = 0;
	FILE *f;

	memset(st, 0, sizeof(*st));
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %llu", name, &v) != 2)
			continue;
		if (!strcmp(name, "hypercalls")) {
			st->hypercalls = v;
			found |= 1;
		} else if (!strcmp(name, "virqs")) {
			st->virqs = v;
			found |= 2;
		}
	}
	fclose(f);
	st->ok = found == 3;
}

/* In-process memcpy bandwidth in MB/s for blocks of size bytes. */
static double memcpy_mbps(u32 size, double seconds)
{
	unsigned long long bytes = 0;
	unsigned long i;
	double t0, t;
	u8 *src, *dst;

	if (!size)
		return 0;
	src = malloc(size);
	dst = malloc(size);
	if (!src || !dst)
		fail("out of memory");
	memset(src, 0x5a, size);
	memset(dst, 0, size);
	t0 = now();
	for (i = 0;; i++) {
		memcpy(dst, src, size);
		__asm__ __volatile__("" : : "r" (dst) : "memory");
		bytes += size;
		if (!(i & 63)) {
			t = now() - t0;
			if (t >= seconds)
				break;
		}
	}
	free(src);
	free(dst);
	return bytes / t / 1e6;
}

static void usage_bench(void)
{
	puts("usage: argo bench --to D:P [options]\n"
	     "Send messages of each size to an 'argo sink' for S seconds, then\n"
	     "a marker, and wait for the sink's ack, so MB/s is end to\n"
	     "end. Prints a table with memcpy bandwidth for reference\n"
	     "and hypercalls and VIRQs per message of this domain (from\n"
	     ARGO_STATS ").\n"
	     "  --to D:P          the sink (required)\n"
	     "  --port SRC        local port (default derived from the pid)\n"
	     "  --sizes a,b,c     payload sizes (default\n"
	     "                    64,256,1024,4096,16384,65000)\n"
	     "  --seconds S       per size (default 2)\n"
	     "  --stats PATH      stats file (default " ARGO_STATS ")\n"
	     "  --no-done         do not tell the sink to exit at the end");
}

static int bench_wait_ack(int fd, const struct bench_mark *mark)
{
	struct bench_mark ack;
	struct argo_recv r;
	int rc;

	for (;;) {
		arm_timeout(60);
		rc = do_recv(fd, &ack, sizeof(ack), 0, &r);
		alarm(0);
		if (rc < 0) {
			fprintf(stderr, "bench: waiting for the ack: %s\n",
				rc == -EINTR ? "timeout" : errname(rc));
			return rc;
		}
		if (r.type == BENCH_T_ACK && rc == sizeof(ack))
			break;
	}
	if (ack.msgs != mark->msgs || ack.bytes != mark->bytes) {
		fprintf(stderr,
			"bench: size %u: sent %llu messages %llu bytes, sink got %llu messages %llu bytes\n",
			mark->size, (unsigned long long)mark->msgs,
			(unsigned long long)mark->bytes,
			(unsigned long long)ack.msgs,
			(unsigned long long)ack.bytes);
		return -EIO;
	}
	return 0;
}

static int bench_send(int fd, u16 domid, u32 port, u32 type, const void *buf,
		      u32 len)
{
	int rc;

	arm_timeout(60);
	rc = do_send(fd, domid, port, type, buf, len);
	alarm(0);
	return rc;
}

static void print_per_msg(bool ok, unsigned long long delta,
			  unsigned long msgs)
{
	if (ok && msgs)
		printf(" %9.2f", (double)delta / msgs);
	else
		printf(" %9s", "n/a");
}

static int cmd_bench(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "to", required_argument, NULL, 'T' },
		{ "port", required_argument, NULL, 'p' },
		{ "sizes", required_argument, NULL, 'Z' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "stats", required_argument, NULL, 'x' },
		{ "no-done", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const u32 default_sizes[] = {
		64, 256, 1024, 4096, 16384, 65000
	};
	static u32 sizes[64];
	const char *stats_path = ARGO_STATS;
	unsigned int i, nsizes = ARRAY_SIZE(default_sizes);
	u32 src_port = default_src_port(), max_size = 0;
	bool have_to = false, done = true;
	double seconds = 2;
	int fd, c, rc, errors = 0;
	u16 domid = 0;
	u32 port = 0;
	u8 *buf;

	memcpy(sizes, default_sizes, sizeof(default_sizes));
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'T':
			parse_dest(optarg, &domid, &port);
			have_to = true;
			break;
		case 'p':
			src_port = parse_num(optarg, 0xffffffffULL, "--port");
			break;
		case 'Z':
			nsizes = parse_sizes(optarg, sizes, ARRAY_SIZE(sizes));
			break;
		case 'S':
			seconds = parse_num(optarg, 3600, "--seconds");
			if (!seconds)
				usage_error("--seconds must be at least 1");
			break;
		case 'x':
			stats_path = optarg;
			break;
		case 'N':
			done = false;
			break;
		case 'h':
			usage_bench();
			return 0;
		default:
			usage_error("bad option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_to)
		usage_error("--to D:P is required");
	for (i = 0; i < nsizes; i++)
		if (sizes[i] > max_size)
			max_size = sizes[i];

	fd = argo_open(0);
	rc = do_bind(fd, src_port, domid, DEFAULT_SRC_RING, NULL);
	if (rc)
		fail("bind source port %u (partner %u): %s (%s)", src_port,
		     domid, strerror(-rc), errname(rc));
	buf = malloc(max_size + 1);
	if (!buf)
		fail("out of memory");
	memset(buf, 0xa5, max_size + 1);

	printf("bench: to %u:%u, %.0f s per size, stats %s\n", domid, port,
	       seconds, stats_path);
	printf("%8s %9s %10s %9s %12s %9s %9s\n", "size", "msgs", "msgs/s",
	       "MB/s", "memcpy MB/s", "hcall/msg", "virq/msg");
	for (i = 0; i < nsizes; i++) {
		struct argo_stats before, after;
		struct bench_mark mark = { .size = sizes[i] };
		double t0, t1;

		stats_read(stats_path, &before);
		t0 = now();
		do {
			rc = bench_send(fd, domid, port, BENCH_T_DATA, buf,
					sizes[i]);
			if (rc < 0)
				break;
			mark.msgs++;
			mark.bytes += sizes[i];
		} while (now() - t0 < seconds);
		if (rc < 0) {
			printf("%8u  %s (%s)\n", sizes[i], strerror(-rc),
			       errname(rc));
			if (rc != -EMSGSIZE)
				errors++;
			/* The sink still counted what arrived: resync. */
		}
		rc = bench_send(fd, domid, port, BENCH_T_MARK, &mark,
				sizeof(mark));
		if (rc < 0)
			fail("sending the marker: %s (%s)", strerror(-rc),
			     errname(rc));
		rc = bench_wait_ack(fd, &mark);
		if (rc == -EIO)
			errors++;
		else if (rc < 0)
			fail("no ack from the sink");
		t1 = now();
		stats_read(stats_path, &after);
		if (!mark.msgs)
			continue;
		printf("%8u %9llu %10.0f %9.2f %12.0f", sizes[i],
		       (unsigned long long)mark.msgs, mark.msgs / (t1 - t0),
		       mark.bytes / (t1 - t0) / 1e6,
		       memcpy_mbps(sizes[i], 0.5));
		print_per_msg(before.ok && after.ok,
			      after.hypercalls - before.hypercalls, mark.msgs);
		print_per_msg(before.ok && after.ok,
			      after.virqs - before.virqs, mark.msgs);
		putchar('\n');
		fflush(stdout);
	}
	if (done) {
		rc = bench_send(fd, domid, port, BENCH_T_DONE, NULL, 0);
		if (rc < 0)
			fprintf(stderr, "bench: sending done: %s\n",
				errname(rc));
	}
	printf("bench: %s\n", errors ? "FAILED" : "done");
	free(buf);
	close(fd);
	return errors ? 1 : 0;
}

static void usage_sink(void)
{
	puts("usage: argo sink --port P [options]\n"
	     "Receive the messages of 'argo bench', acknowledge each marker.\n"
	     "  --port P          local port (required)\n"
	     "  --from D|any      only domain D may send (default any)\n"
	     "  --ring-len N      ring length (0: module default)\n"
	     "  --count K         exit after K markers (default: until the\n"
	     "                    bench says done)\n"
	     "  --quiet           no line per marker");
}

static int cmd_sink(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "from", required_argument, NULL, 'f' },
		{ "ring-len", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long marks = 0, count = 0;
	struct bench_mark ack = { 0 };
	u32 port = 0, ring_len = 0, max_payload;
	u16 from = ARGO_DOMID_ANY;
	bool have_port = false, quiet = false;
	struct argo_recv r;
	char pbuf[16];
	int fd, c, rc;
	u8 *buf;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			port = parse_num(optarg, 0xffffffffULL, "--port");
			have_port = true;
			break;
		case 'f':
			from = parse_domid(optarg, true, "--from");
			break;
		case 'r':
			ring_len = parse_num(optarg, 0xffffffffULL,
					     "--ring-len");
			break;
		case 'c':
			count = parse_num(optarg, -1UL, "--count");
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			usage_sink();
			return 0;
		default:
			usage_error("bad option");
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_port)
		usage_error("--port is required");

	fd = argo_open(0);
	rc = do_bind(fd, port, from, ring_len, &max_payload);
	if (rc)
		fail("bind port %u: %s (%s)", port, strerror(-rc),
		     errname(rc));
	format_domid(pbuf, sizeof(pbuf), from);
	printf("sink: bound port %u partner %s max_payload %u\n", port, pbuf,
	       max_payload);
	fflush(stdout);
	buf = malloc(max_payload + 1);
	if (!buf)
		fail("out of memory");

	for (;;) {
		rc = do_recv(fd, buf, max_payload + 1, 0, &r);
		if (rc < 0)
			fail("ARGO_IOC_RECV: %s (%s)", strerror(-rc),
			     errname(rc));
		if (r.type == BENCH_T_DATA) {
			ack.msgs++;
			ack.bytes += rc;
		} else if (r.type == BENCH_T_MARK) {
			struct bench_mark mark = { 0 };

			if ((u32)rc == sizeof(mark))
				memcpy(&mark, buf, sizeof(mark));
			ack.size = mark.size;
			rc = do_send(fd, r.src_domid, r.src_port,
				     BENCH_T_ACK, &ack, sizeof(ack));
			if (rc < 0)
				fprintf(stderr, "sink: ack to %u:%u: %s\n",
					r.src_domid, r.src_port, errname(rc));
			if (!quiet)
				printf("sink: size %u: %llu messages, %llu bytes from %u\n",
				       mark.size,
				       (unsigned long long)ack.msgs,
				       (unsigned long long)ack.bytes,
				       r.src_domid);
			fflush(stdout);
			memset(&ack, 0, sizeof(ack));
			if (count && ++marks == count)
				break;
		} else if (r.type == BENCH_T_DONE) {
			break;
		}
	}
	printf("sink: done\n");
	free(buf);
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------ */
/* selftest-ioctl */

static unsigned int tap_n, tap_failed;

static void __printf(2, 3)
tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %u - ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (!ok)
		tap_failed++;
	/* Watchdog: a call that blocks by mistake fails instead of hanging. */
	arm_timeout(20);
}

/* Expect rc to be -want1 or -want2 (want2 0: only want1). */
static bool tap_err(int rc, int want1, int want2, const char *name)
{
	bool ok = rc == -want1 || (want2 && rc == -want2);

	if (ok)
		tap(true, "%s: %s", name, errname(rc));
	else if (rc >= 0)
		tap(false, "%s: succeeded (%d), want %s%s%s", name, rc,
		    errname(want1), want2 ? " or " : "",
		    want2 ? errname(want2) : "");
	else
		tap(false, "%s: got %s, want %s%s%s", name, errname(rc),
		    errname(want1), want2 ? " or " : "",
		    want2 ? errname(want2) : "");
	return ok;
}

static bool tap_rc(int rc, int want, const char *name)
{
	if (rc == want)
		tap(true, "%s", name);
	else if (rc < 0)
		tap(false, "%s: %s, want %d", name, errname(rc), want);
	else
		tap(false, "%s: returned %d, want %d", name, rc, want);
	return rc == want;
}

static void __printf(1, 2) diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int open_or_bail(int flags)
{
	int fd = open(ARGO_DEV, O_RDWR | O_CLOEXEC | flags);

	if (fd < 0) {
		printf("Bail out! open %s: %s\n", ARGO_DEV, strerror(errno));
		exit(1);
	}
	return fd;
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
	if (rc != (int)len || r.msg_len != len || r.flags) {
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
	rc = write(fd, t->buf, 16);
	tap_err(rc < 0 ? -errno : rc, ENOTCONN, EDESTADDRREQ,
		"write() before BIND");
	set_nonblock(fd, true);
	rc = read(fd, t->buf, 16);
	set_nonblock(fd, false);
	tap_err(rc < 0 ? -errno : rc, ENOTCONN, 0, "read() before BIND");
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
	if (rc) {
		printf("Bail out! cannot bind\n");
		exit(1);
	}
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
	if (rc) {
		printf("Bail out! cannot bind\n");
		exit(1);
	}
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
	seq_fill(t->buf, 50, 22);
	tap_recv_pattern(t->big, t->buf, t->buf_len, 50, 22, t->dom, self, 0,
			 "the next RECV gets the next message");

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
	tap_err(ioctl(t->big, TCGETS, &tio) < 0 ? -errno : 0, ENOTTY, 0,
		"TCGETS");

	rc = write(t->big, t->buf, 16);
	tap_err(rc < 0 ? -errno : rc, EDESTADDRREQ, ENOTCONN,
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
	rc = write(t->big, t->buf, 30);
	tap_rc(rc < 0 ? -errno : rc, 30, "write() 30 bytes");
	tap_recv_pattern(t->big, t->buf, t->buf_len, 30, 30, t->dom, self,
			 0x77, "RECV the write() with CONNECT's type");
	seq_fill(t->buf, 12, 31);
	rc = write(t->big, t->buf, 12);
	seq_fill(t->buf, 20, 32);
	rc = write(t->big, t->buf, 20);
	memset(t->buf, 0, 64);
	rc = read(t->big, t->buf, 4096);
	tap(rc == 12 && seq_check(t->buf, 12, 31) < 0,
	    "read() returns one message: %d bytes", rc < 0 ? -errno : rc);
	rc = read(t->big, t->buf, 4096);
	tap(rc == 20 && seq_check(t->buf, 20, 32) < 0,
	    "read() again returns the next: %d bytes", rc < 0 ? -errno : rc);
	rc = write(t->big, t->buf, t->big_max + 1);
	tap_err(rc < 0 ? -errno : rc, EMSGSIZE, 0,
		"write() max_payload + 1");
	/* read(fd, buf, 0) must not throw a message away. */
	seq_fill(t->buf, 24, 33);
	rc = write(t->big, t->buf, 24);
	rc = read(t->big, t->buf, 0);
	tap_rc(rc < 0 ? -errno : rc, 0, "read() of 0 bytes returns 0");
	seq_fill(t->buf, 24, 33);
	tap_recv_pattern(t->big, t->buf, t->buf_len, 24, 33, t->dom, self,
			 0x77, "and leaves the message queued");
	while (!ring_empty(t->big))
		recv_nb(t->big, t->buf, t->buf_len, 0, &r);
	set_nonblock(t->big, true);
	rc = read(t->big, t->buf, 16);
	set_nonblock(t->big, false);
	tap_err(rc < 0 ? -errno : rc, EAGAIN, 0,
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
		fds[i] = open(ARGO_DEV, O_RDWR | O_CLOEXEC);
		if (fds[i] < 0) {
			rc = -errno;
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

static int cmd_selftest(int argc, char **argv)
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
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	t.buf_len = 4096;
	t.buf = malloc(t.buf_len);
	if (!t.buf)
		fail("out of memory");
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
	printf("1..%u\n", tap_n);
	if (tap_failed)
		diag("%u of %u failed", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

/* ------------------------------------------------------------------ */

static void print_usage(FILE *f)
{
	fputs("usage: argo COMMAND [options]   (argo COMMAND -h for more)\n"
	      "  info                  print this domain's id\n"
	      "  recv --port P         receive (and check) messages\n"
	      "  send --to D:P         send a sequence-numbered stream\n"
	      "  sink --port P         receiving end of bench\n"
	      "  bench --to D:P        end-to-end throughput table\n"
	      "  selftest-ioctl        negative tests of /dev/argo (TAP)\n",
	      f);
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "info", cmd_info },
	{ "recv", cmd_recv },
	{ "send", cmd_send },
	{ "sink", cmd_sink },
	{ "bench", cmd_bench },
	{ "selftest-ioctl", cmd_selftest },
};

int main(int argc, char **argv)
{
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	setup_alarm();
	if (argc < 2) {
		print_usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_usage(stdout);
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			cmd_name = commands[i].name;
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "argo: unknown command '%s'\n", argv[1]);
	print_usage(stderr);
	return 2;
}
