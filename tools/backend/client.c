// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo-client: the connection to the back-end, frames in and out,
 * TAP output and the command line.
 *
 * Every message from the back-end is checked on arrival (sender, Argo
 * type, framing); a malformed one is counted and reported as a failure at
 * the end, since a correct back-end never sends one. Frames are queued
 * and the tests take the ones they wait for, in any order.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <linux/argo.h>

#include "client.h"

struct client cl = {
	.be_dom = 0,
	.be_port = 30000,
	.ring_len = 65472,
};

static unsigned int tap_n, tap_failed;

void __printf(2, 3) tap(bool ok, const char *fmt, ...)
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
}

void __printf(1, 2) diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int tap_end(void)
{
	tap(!cl.bad_msgs, "the back-end sent no malformed message (%lu)",
	    cl.bad_msgs);
	printf("1..%u\n", tap_n);
	if (tap_failed)
		diag("%u of %u failed", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void cl_open(void)
{
	struct argo_bind b;
	int rc;

	cl.fd = open("/dev/argo", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (cl.fd < 0) {
		printf("Bail out! /dev/argo: %s\n", strerror(errno));
		exit(1);
	}
	/* A port of our own per run, so that runs never meet. */
	for (rc = 0; rc < 16; rc++) {
		memset(&b, 0, sizeof(b));
		cl.port = 0x7a000000 | ((getpid() + rc) & 0xffffff);
		b.port = cl.port;
		b.partner = cl.be_dom;
		b.ring_len = cl.ring_len;
		if (!ioctl(cl.fd, ARGO_IOC_BIND, &b))
			break;
		if (errno != EEXIST) {
			printf("Bail out! bind port %u: %s\n", cl.port,
			       strerror(errno));
			exit(1);
		}
	}
	cl.max_msg = b.max_payload;
	diag("client port %u, ring %u (max_msg %u), back-end %u:%u", cl.port,
	     cl.ring_len, cl.max_msg, cl.be_dom, cl.be_port);
}

void cl_close(void)
{
	struct rx *r;

	while ((r = cl.queue)) {
		cl.queue = r->next;
		free(r);
	}
	close(cl.fd);
	cl.fd = -1;
}

u16 cl_next_token(void)
{
	if (!++cl.token)
		cl.token = 1;
	return cl.token;
}

/* Send one Argo message, waiting (up to 10 s) while the ring is full. */
int cl_send_raw(const void *buf, u32 len, u32 type)
{
	struct argo_iov iov = { .base = (unsigned long)buf, .len = len };
	struct pollfd pfd = { .fd = cl.fd, .events = POLLOUT };
	long long end = now_ms() + 10000;
	struct argo_sendv s;

	memset(&s, 0, sizeof(s));
	s.domid = cl.be_dom;
	s.port = cl.be_port;
	s.type = type;
	s.niov = len ? 1 : 0;
	s.iov = (unsigned long)&iov;
	for (;;) {
		if (ioctl(cl.fd, ARGO_IOC_SENDV, &s) >= 0)
			return 0;
		if (errno != EAGAIN || now_ms() > end)
			return -errno;
		poll(&pfd, 1, 100);
	}
}

int cl_send(const void *buf, u32 len)
{
	return cl_send_raw(buf, len, VIRTIO_ARGO_ARGO_TYPE);
}

u8 *frame_put(u8 *p, u8 type, u8 msg_id, u16 dev, u16 token, u16 size)
{
	hdr_encode(p, type, msg_id, dev, token, size);
	return p + HDR_LEN;
}

/* Send a one-frame request; returns its token. */
u16 req(u8 type, u8 msg_id, u16 dev, const void *payload, u32 plen)
{
	u8 buf[VIRTIO_ARGO_MAX_FRAME];
	u16 tok = cl_next_token();

	frame_put(buf, type, msg_id, dev, tok, HDR_LEN + plen);
	memcpy(buf + HDR_LEN, payload, plen);
	cl_send(buf, HDR_LEN + plen);
	return tok;
}

/* Split one received Argo message into the queue, checking it. */
static void take_message(const u8 *buf, u32 len, const struct argo_recv *m)
{
	struct rx **tail = &cl.queue;
	u32 pos = 0;
	struct rx *r;
	u16 size;

	if (m->src_domid != cl.be_dom || m->src_port != cl.be_port ||
	    m->type != VIRTIO_ARGO_ARGO_TYPE) {
		diag("message from %u:%u type 0x%x ignored", m->src_domid,
		     m->src_port, m->type);
		return;
	}
	while (*tail)
		tail = &(*tail)->next;
	while (pos < len) {
		size = len - pos < HDR_LEN ? 0 : get16(buf + pos + 6);
		if (size < HDR_LEN || size > len - pos) {
			diag("malformed message from the back-end: %u bytes, framing error at %u",
			     len, pos);
			cl.bad_msgs++;
			return;
		}
		r = malloc(sizeof(*r) + size);
		if (!r)
			exit(1);
		memcpy(r->data, buf + pos, size);
		frame_decode(&r->f, r->data);
		r->next = NULL;
		*tail = r;
		tail = &r->next;
		pos += size;
		if (cl.verbose)
			diag("<- type %u id 0x%02x dev %u token %u size %u",
			     r->f.type, r->f.msg_id, r->f.dev_num, r->f.token,
			     r->f.msg_size);
	}
}

/* Receive whatever is in the ring, waiting up to ms for the first. */
static bool receive(int ms)
{
	static u8 *buf;
	struct pollfd pfd = { .fd = cl.fd, .events = POLLIN };
	struct argo_recv m;
	bool any = false;
	int rc;

	if (!buf)
		buf = malloc(cl.max_msg);
	if (poll(&pfd, 1, ms) <= 0)
		return false;
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.buf = (unsigned long)buf;
		m.buf_len = cl.max_msg;
		rc = ioctl(cl.fd, ARGO_IOC_RECV, &m);
		if (rc < 0)
			return any;
		any = true;
		if (m.flags & ARGO_RECV_F_TRUNC) {
			diag("back-end sent %u bytes, more than our max_msg",
			     m.msg_len);
			cl.bad_msgs++;
			continue;
		}
		take_message(buf, rc, &m);
	}
}

void rx_free(struct rx *r)
{
	free(r);
}

/* The first queued frame pred accepts, waiting up to ms for it. */
struct rx *wait_frame(bool (*pred)(const struct frame *f, void *arg),
		      void *arg, int ms)
{
	long long end = now_ms() + ms;
	struct rx **pp, *r;
	long long left;

	for (;;) {
		for (pp = &cl.queue; (r = *pp); pp = &r->next) {
			if (pred(&r->f, arg)) {
				*pp = r->next;
				return r;
			}
		}
		left = end - now_ms();
		if (left <= 0)
			return NULL;
		receive(left);
	}
}

struct resp_match {
	u8 type;
	u8 msg_id;
	u16 dev;
	u16 token;
};

static bool match_resp(const struct frame *f, void *arg)
{
	struct resp_match *m = arg;
	u8 err = m->type & VIRTIO_ARGO_TYPE_BUS ? VIRTIO_ARGO_BUS_ERROR :
		 VIRTIO_ARGO_MSG_ERROR;

	return f->type == (m->type | VIRTIO_ARGO_TYPE_RESPONSE) &&
	       (f->msg_id == m->msg_id || f->msg_id == err) &&
	       f->dev_num == m->dev && f->token == m->token;
}

struct rx *wait_resp(u8 type, u8 msg_id, u16 dev, u16 token, int ms)
{
	struct resp_match m = {
		.type = type & VIRTIO_ARGO_TYPE_BUS, .msg_id = msg_id,
		.dev = dev, .token = token,
	};

	return wait_frame(match_resp, &m, ms);
}

/* A request and its response (NULL after 5 s). */
struct rx *call(u8 type, u8 msg_id, u16 dev, const void *payload, u32 plen)
{
	u16 tok = req(type, msg_id, dev, payload, plen);

	return wait_resp(type, msg_id, dev, tok, 5000);
}

u32 error_code(const struct rx *r)
{
	if (!r || r->f.msg_size != 16 ||
	    (r->f.msg_id != VIRTIO_ARGO_MSG_ERROR &&
	     r->f.msg_id != VIRTIO_ARGO_BUS_ERROR))
		return 0;
	return get32(r->data + 12);
}

bool is_error(const struct rx *r, u32 code)
{
	return error_code(r) == code;
}

/* TAP line: r is ERROR code. Frees r. */
bool expect_error(struct rx *r, u32 code, const char *what)
{
	bool ok = is_error(r, code);

	if (ok)
		tap(true, "%s: ERROR %s", what, err_name(code));
	else if (!r)
		tap(false, "%s: ERROR %s expected, no response", what,
		    err_name(code));
	else
		tap(false, "%s: ERROR %s expected, got msg_id 0x%02x size %u code %s",
		    what, err_name(code), r->f.msg_id, r->f.msg_size,
		    err_name(error_code(r)));
	rx_free(r);
	return ok;
}

static bool match_any(const struct frame *f, void *arg)
{
	(void)f;
	(void)arg;
	return true;
}

/*
 * Take everything that arrives within ms and throw it away: returns the
 * number of frames, and in *data_frames how many were DATA responses.
 */
unsigned int quiet(int ms, unsigned int *data_frames)
{
	unsigned int n = 0, d = 0;
	long long end = now_ms() + ms;
	struct rx *r;

	for (;;) {
		r = wait_frame(match_any, NULL, end - now_ms());
		if (!r)
			break;
		n++;
		if (r->f.msg_id == VIRTIO_ARGO_MSG_DATA &&
		    !(r->f.type & VIRTIO_ARGO_TYPE_BUS))
			d++;
		if (cl.verbose)
			diag("dropped while waiting: type %u id 0x%02x",
			     r->f.type, r->f.msg_id);
		rx_free(r);
	}
	if (data_frames)
		*data_frames = d;
	return n;
}

bool hello_with(u16 vmin, u16 vmax, u32 instance, u64 features, u32 max_msg,
		struct rx **out)
{
	u8 p[24];
	struct rx *r;

	memset(p, 0, sizeof(p));
	put16(p, vmin);
	put16(p + 2, vmax);
	put32(p + 4, instance);
	put64(p + 8, features);
	put32(p + 16, max_msg);
	r = call(VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_HELLO, 0, p, sizeof(p));
	*out = r;
	if (!r || r->f.msg_id != VIRTIO_ARGO_BUS_HELLO || r->f.msg_size != 32)
		return false;
	cl.be_instance = get32(r->data + 12);
	cl.features = get64(r->data + 16);
	cl.be_max_msg = get32(r->data + 24);
	cl.be_max_chain = get32(r->data + 28);
	return true;
}

/* A plain HELLO; drops whatever the old connection left queued. */
bool hello(void)
{
	struct rx *r;
	bool ok;
	u32 inst;

	quiet(0, NULL);
	do
		inst = (u32)rand() ^ (u32)now_ms();
	while (!inst);
	ok = hello_with(1, 1, inst, 0, cl.max_msg, &r);
	rx_free(r);
	return ok;
}

/* Does the back-end still answer a PING on this connection? */
bool ping_ok(const char *after)
{
	u8 p[4];
	struct rx *r;
	bool ok;

	put32(p, 0x5a5a0000 | tap_n);
	r = call(VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_PING, 0, p, 4);
	ok = r && r->f.msg_id == VIRTIO_ARGO_BUS_PING &&
	     r->f.msg_size == 12 && !memcmp(r->data + 8, p, 4);
	if (after)
		tap(ok, "%s: the back-end still answers PING", after);
	rx_free(r);
	return ok;
}

void send_data(u16 dev, u16 vq, u16 chain, u32 epoch, u32 out_len,
	       u32 in_len, u32 offset, const void *data, u32 n)
{
	u8 *buf = malloc(DATA_HDR + n);
	u8 *p = frame_put(buf, 0, VIRTIO_ARGO_MSG_DATA, dev, 0, DATA_HDR + n);

	put16(p, vq);
	put16(p + 2, chain);
	put32(p + 4, epoch);
	put32(p + 8, out_len);
	put32(p + 12, in_len);
	put32(p + 16, offset);
	put32(p + 20, 0);
	if (n)
		memcpy(buf + DATA_HDR, data, n);
	cl_send(buf, DATA_HDR + n);
	free(buf);
}

/* A whole chain, in fragments that fit the back-end's max_msg. */
void send_chain(u16 dev, u16 vq, u16 chain, u32 epoch, const void *out,
		u32 out_len, u32 in_len)
{
	u32 max = (cl.be_max_msg < VIRTIO_ARGO_MAX_FRAME ? cl.be_max_msg :
		   VIRTIO_ARGO_MAX_FRAME) - DATA_HDR;
	u32 off = 0, n;

	do {
		n = out_len - off < max ? out_len - off : max;
		send_data(dev, vq, chain, epoch, out_len, in_len, off,
			  (const u8 *)out + off, n);
		off += n;
	} while (off < out_len);
}

struct data_match {
	u16 dev;
	u16 vq;
	u16 chain;
	u32 epoch;
};

static bool match_data(const struct frame *f, void *arg)
{
	struct data_match *m = arg;

	return f->type == VIRTIO_ARGO_TYPE_RESPONSE &&
	       f->msg_id == VIRTIO_ARGO_MSG_DATA && f->msg_size >= DATA_HDR &&
	       f->dev_num == m->dev && get16(f->p + 8) == m->vq &&
	       get16(f->p + 10) == m->chain && get32(f->p + 12) == m->epoch;
}

/*
 * Collect the DATA response of a chain, checking its fragments as a
 * front-end must: same used_len, contiguous offsets, nothing beyond
 * used_len. The caller checks used_len against its in_len.
 */
bool wait_data(u16 dev, u16 vq, u16 chain, u32 epoch, int ms,
	       struct completion *c)
{
	struct data_match m = { dev, vq, chain, epoch };
	u32 got = 0, off, n, used;
	struct rx *r;

	memset(c, 0, sizeof(*c));
	for (;;) {
		r = wait_frame(match_data, &m, ms);
		if (!r)
			return false;
		used = get32(r->data + 16);
		off = get32(r->data + 24);
		n = r->f.msg_size - DATA_HDR;
		if (!c->frags) {
			c->used_len = used;
			c->status = get32(r->data + 20);
			c->buf = malloc(used ? used : 1);
		}
		c->frags++;
		if (used != c->used_len || off != got || n > used - got ||
		    (!n && used) || (c->status && (used || n))) {
			c->bad = "inconsistent fragments";
			rx_free(r);
			c->done = true;
			return true;
		}
		memcpy(c->buf + got, r->data + DATA_HDR, n);
		got += n;
		rx_free(r);
		if (got == c->used_len) {
			c->done = true;
			return true;
		}
	}
}

struct any_match {
	u16 dev;
	u16 vq;
	u32 epoch;
};

static bool match_any_chain(const struct frame *f, void *arg)
{
	struct any_match *m = arg;

	return f->type == VIRTIO_ARGO_TYPE_RESPONSE &&
	       f->msg_id == VIRTIO_ARGO_MSG_DATA && f->msg_size >= DATA_HDR &&
	       f->dev_num == m->dev && get16(f->p + 8) == m->vq &&
	       get32(f->p + 12) == m->epoch;
}

/* The chain of the next DATA response on (dev, vq, epoch), or -1. */
int wait_any_data(u16 dev, u16 vq, u32 epoch, int ms)
{
	struct any_match m = { dev, vq, epoch };
	struct rx *r = wait_frame(match_any_chain, &m, ms);

	if (!r)
		return -1;
	/* Put it back first in line for wait_data(). */
	r->next = cl.queue;
	cl.queue = r;
	return get16(r->data + 10);
}

void completion_free(struct completion *c)
{
	free(c->buf);
	c->buf = NULL;
}

static void usage(void)
{
	puts("Usage: virtio-argo-client [OPTIONS] [test [GROUP...] | restart [--goodbye] |\n"
	     "                          hostile MODE]\n"
	     "\n"
	     "A virtio-argo front-end in user space, for testing a back-end on real\n"
	     "Xen. Prints TAP. The back-end must offer: device 0 rng, device 1\n"
	     "console,socket=PATH (--console-socket PATH), device 2 console,pty=LINK\n"
	     "(--console-pty LINK).\n"
	     "\n"
	     "  test [GROUP...]   groups: control rng console reset bad (default: all)\n"
	     "  restart           connect, wait up to 60 s for the back-end to go away\n"
	     "                    and come back, check the old connection gets\n"
	     "                    NOT_CONNECTED and a new HELLO works (--goodbye:\n"
	     "                    also expect a GOODBYE first)\n"
	     "  hostile MODE      check that a back-end started with --hostile MODE\n"
	     "                    shows that misbehaviour on rng\n"
	     "Options: --to DOMID:PORT (default 0:30000), --ring-len N (65472),\n"
	     "         --console-socket PATH, --console-pty LINK, -v");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "ring-len", required_argument, NULL, 'r' },
		{ "console-socket", required_argument, NULL, 's' },
		{ "console-pty", required_argument, NULL, 'p' },
		{ "goodbye", no_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool goodbye = false, all = true;
	const char *cmd = "test";
	unsigned int dom;
	int c, i;

	while ((c = getopt_long(argc, argv, "+vh", lopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (sscanf(optarg, "%u:%u", &dom, &cl.be_port) != 2) {
				usage();
				return 2;
			}
			cl.be_dom = dom;
			break;
		case 'r':
			cl.ring_len = strtoul(optarg, NULL, 0);
			break;
		case 's':
			cl.con_socket = optarg;
			break;
		case 'p':
			cl.con_pty = optarg;
			break;
		case 'g':
			goodbye = true;
			break;
		case 'v':
			cl.verbose++;
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind < argc)
		cmd = argv[optind++];
	srand(getpid() ^ (unsigned int)now_ms());
	cl_open();
	if (!strcmp(cmd, "restart")) {
		if (optind < argc && !strcmp(argv[optind], "--goodbye"))
			goodbye = true;
		return cmd_restart(goodbye);
	}
	if (!strcmp(cmd, "hostile")) {
		if (optind >= argc) {
			usage();
			return 2;
		}
		test_hostile(argv[optind]);
		return tap_end();
	}
	if (strcmp(cmd, "test")) {
		usage();
		return 2;
	}
	all = optind >= argc;
	for (i = optind; i <= argc; i++) {
		const char *g = i < argc ? argv[i] : NULL;

		if (all && g)
			break;
		if (!all && !g)
			break;
		if (all || !strcmp(g, "control"))
			test_control();
		if (all || !strcmp(g, "rng"))
			test_rng();
		if (all || !strcmp(g, "console"))
			test_console();
		if (all || !strcmp(g, "reset"))
			test_reset();
		if (all || !strcmp(g, "bad"))
			test_bad();
		if (all)
			break;
	}
	quiet(200, NULL);
	return tap_end();
}
