// SPDX-License-Identifier: GPL-2.0-only
/*
 * argo recv: bind a ring, receive messages and check them.
 *
 * The integration tests parse the "recv: bound ..." line (the ring is
 * ready, start the sender) and the summary line at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

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
	unsigned int start_delay_ms;
	unsigned int delay_us;
};

static void parse_recv_opts(int argc, char **argv, struct recv_opts *o,
			    struct io_wait *w)
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
	int c;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->port = parse_u32(optarg, "--port");
			o->have_port = true;
			break;
		case 'f':
			o->from = parse_domid(optarg, true, "--from");
			break;
		case 'r':
			o->ring_len = parse_u32(optarg, "--ring-len");
			break;
		case 'c':
			o->count = parse_num(optarg, -1UL, "--count");
			break;
		case 's':
			o->seq = true;
			break;
		case 't':
			w->timeout = parse_num(optarg, 100000, "--timeout");
			break;
		case 'S':
			o->start_delay_ms = parse_num(optarg, 3600000,
						      "--start-delay");
			break;
		case 'd':
			o->delay_us = parse_num(optarg, 10000000, "--delay");
			break;
		case 'n':
			w->nonblock = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'h':
			usage_recv();
			exit(0);
		default:
			usage_error("bad option");
		}
	}
	no_operands(argc, argv);
	if (!o->have_port)
		usage_error("--port is required");
}

int cmd_recv(int argc, char **argv)
{
	struct recv_opts o = { .from = ARGO_DOMID_ANY };
	struct io_wait w = { 0 };
	struct seq_state st = { 0 };
	unsigned long n = 0;
	unsigned long long bytes = 0;
	int src = -1;		/* -1 none yet, -2 several */
	struct argo_recv r;
	u32 max_payload;
	char sbuf[16];
	int fd, rc;
	u8 *buf;

	parse_recv_opts(argc, argv, &o, &w);
	fd = argo_open(w.nonblock ? O_NONBLOCK : 0);
	max_payload = bind_receiver(fd, o.port, o.from, o.ring_len);
	/* One byte more than fits: a longer message shows as truncated. */
	buf = xmalloc(max_payload + 1);
	if (o.start_delay_ms)
		usleep(o.start_delay_ms * 1000);

	while (!o.count || n < o.count) {
		rc = recv_wait(&w, fd, buf, max_payload + 1, &r);
		if (rc == -ETIMEDOUT) {
			fprintf(stderr,
				"recv: timeout: no message #%lu in %u s\n", n,
				w.timeout);
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
	if (w.nonblock)
		printf("recv: %lu EAGAIN\n", w.eagain);
	printf("recv: %lu messages, %llu bytes, from domid %s, %lu errors\n",
	       n, bytes, sbuf, st.errors);
	free(buf);
	close(fd);
	return st.errors ? 1 : 0;
}
