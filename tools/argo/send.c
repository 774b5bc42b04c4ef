// SPDX-License-Identifier: GPL-2.0-only
/*
 * argo send: send a stream of sequence-numbered messages (see seq.c), for
 * "argo recv --seq" to check.
 *
 * The integration tests parse the summary line at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define MAX_SIZES		4096

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
	unsigned int delay_us;
};

static void parse_send_opts(int argc, char **argv, struct send_opts *o,
			    struct io_wait *w)
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
	unsigned int i, size_opts = 0;
	bool have_port = false;
	u32 sweep;
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'T':
			parse_dest(optarg, &o->domid, &o->port);
			o->have_to = true;
			break;
		case 'p':
			o->src_port = parse_u32(optarg, "--port");
			have_port = true;
			break;
		case 'r':
			o->ring_len = parse_u32(optarg, "--ring-len");
			break;
		case 'y':
			o->type = parse_u32(optarg, "--type");
			break;
		case 'z':
			o->sizes[0] = parse_num(optarg, ARGO_RING_LEN_MAX,
						"--size");
			o->nsizes = 1;
			size_opts++;
			break;
		case 'Z':
			o->nsizes = parse_sizes(optarg, o->sizes, MAX_SIZES);
			size_opts++;
			break;
		case 'w':
			sweep = parse_num(optarg, MAX_SIZES - 1, "--sweep");
			for (i = 0; i <= sweep; i++)
				o->sizes[i] = i;
			o->nsizes = sweep + 1;
			size_opts++;
			break;
		case 'c':
			o->count = parse_num(optarg, -1UL, "--count");
			break;
		case 'i':
			o->iovs = parse_num(optarg, ARGO_MAX_IOV, "--iovs");
			if (!o->iovs)
				usage_error("--iovs: 1..%d", ARGO_MAX_IOV);
			break;
		case 's':
			break;
		case 'n':
			w->nonblock = true;
			break;
		case 't':
			w->timeout = parse_num(optarg, 100000, "--timeout");
			break;
		case 'd':
			o->delay_us = parse_num(optarg, 10000000, "--delay");
			break;
		case 'h':
			usage_send();
			exit(0);
		default:
			usage_error("bad option");
		}
	}
	no_operands(argc, argv);
	if (!o->have_to)
		usage_error("--to D:P is required");
	if (size_opts > 1)
		usage_error("give only one of --size, --sizes, --sweep");
	if (!have_port)
		o->src_port = default_src_port();
}

/* Send buf[len] as o->iovs pieces, waiting as w says. */
static int send_msg(int fd, const struct send_opts *o, struct io_wait *w,
		    const u8 *buf, u32 len)
{
	struct argo_iov iov[ARGO_MAX_IOV];
	unsigned int i, k = o->iovs;
	u32 off = 0;

	for (i = 0; i < k; i++) {
		u32 piece = len / k + (i < len % k);

		iov[i].base = (unsigned long)(buf + off);
		iov[i].len = piece;
		off += piece;
	}
	return sendv_wait(w, fd, o->domid, o->port, o->type, iov, k);
}

int cmd_send(int argc, char **argv)
{
	static u32 sizes[MAX_SIZES] = { 64 };
	struct send_opts o = {
		.ring_len = DEFAULT_SRC_RING, .count = 1, .iovs = 1,
		.sizes = sizes, .nsizes = 1,
	};
	struct io_wait w = { 0 };
	unsigned long n = 0, pass;
	unsigned long long bytes = 0;
	unsigned int i;
	int fd, rc = 0;
	u8 *buf;

	parse_send_opts(argc, argv, &o, &w);
	fd = argo_open(w.nonblock ? O_NONBLOCK : 0);
	bind_source(fd, o.src_port, o.domid, o.ring_len);
	buf = xmalloc(sizes_max(sizes, o.nsizes) + 1);

	for (pass = 0; pass < o.count && rc >= 0; pass++) {
		for (i = 0; i < o.nsizes; i++) {
			u32 len = sizes[i];

			seq_fill(buf, len, n);
			rc = send_msg(fd, &o, &w, buf, len);
			if (rc == -ETIMEDOUT) {
				fprintf(stderr,
					"send: timeout: message #%lu (%u bytes) not sent within %u s\n",
					n, len, w.timeout);
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
	if (w.nonblock)
		printf("send: %lu poll wakeups\n", w.wakeups);
	printf("send: %lu messages, %llu bytes to domid %u port %u, %lu EAGAIN\n",
	       n, bytes, o.domid, o.port, w.eagain);
	free(buf);
	close(fd);
	return rc < 0 ? 1 : 0;
}
