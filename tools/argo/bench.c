// SPDX-License-Identifier: GPL-2.0-only
/*
 * argo bench and argo sink: end-to-end throughput, one table row per
 * message size.
 *
 * The bench sends BENCH_T_DATA messages of one size for a while, then a
 * BENCH_T_MARK with what it sent; the sink answers each marker with a
 * BENCH_T_ACK of what it received since the last one. Waiting for the
 * ack makes the rate end to end (not just into the ring) and lets the
 * bench see a message lost on the way. BENCH_T_DONE ends the sink.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define ARGO_STATS		"/sys/kernel/debug/xen-argo/stats"

/* Message types of the bench protocol between "bench" and "sink". */
#define BENCH_T_DATA		0x62640001
#define BENCH_T_MARK		0x62640002
#define BENCH_T_ACK		0x62640003
#define BENCH_T_DONE		0x62640004

/* The payload of BENCH_T_MARK and BENCH_T_ACK. */
struct bench_mark {
	u64 msgs;
	u64 bytes;
	u32 size;
	u32 pad;
};

/* The counters of this domain's driver that the table divides by messages. */
struct argo_stats {
	bool ok;		/* both were found */
	unsigned long long hypercalls;
	unsigned long long virqs;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Without debugfs the columns say n/a: the rates are still worth having. */
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

/*
 * In-process memcpy bandwidth in MB/s for blocks of size bytes: the
 * ceiling for a transport that copies each message twice.
 */
static double memcpy_mbps(u32 size, double seconds)
{
	unsigned long long bytes = 0;
	unsigned long i, batch;
	double t0, t;
	u8 *src, *dst;

	if (!size)
		return 0;
	/*
	 * Read the clock once per MiB copied: in a guest under emulation a
	 * clock read costs more than a small memcpy and would be measured
	 * instead of it.
	 */
	batch = size >= (1U << 20) ? 1 : (1U << 20) / size;
	src = xmalloc(size);
	dst = xmalloc(size);
	memset(src, 0x5a, size);
	memset(dst, 0, size);
	t0 = now();
	for (i = 0;; i++) {
		memcpy(dst, src, size);
		/* Keep the compiler from dropping the copy nobody reads. */
		__asm__ __volatile__("" : : "r" (dst) : "memory");
		bytes += size;
		if (!(i % batch)) {
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

/*
 * The sink's count of what arrived since the last marker: a difference
 * from what was sent is a message lost or made up on the way.
 */
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

/* Blocking, but a sink that stopped reading must not hang the bench. */
static int bench_send(int fd, u16 domid, u32 port, u32 type, const void *buf,
		      u32 len)
{
	int rc;

	arm_timeout(60);
	rc = do_send(fd, domid, port, type, buf, len);
	alarm(0);
	return rc;
}

/* n/a when the stats file is missing: the counters are in debugfs. */
static void print_per_msg(bool ok, unsigned long long delta,
			  unsigned long msgs)
{
	if (ok && msgs)
		printf(" %9.2f", (double)delta / msgs);
	else
		printf(" %9s", "n/a");
}

int cmd_bench(int argc, char **argv)
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
	u32 src_port = default_src_port(), max_size;
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
			src_port = parse_u32(optarg, "--port");
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
	no_operands(argc, argv);
	if (!have_to)
		usage_error("--to D:P is required");
	max_size = sizes_max(sizes, nsizes);

	fd = argo_open(0);
	bind_source(fd, src_port, domid, DEFAULT_SRC_RING);
	buf = xmalloc(max_size + 1);
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

int cmd_sink(int argc, char **argv)
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
	int fd, c, rc;
	u8 *buf;

	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			port = parse_u32(optarg, "--port");
			have_port = true;
			break;
		case 'f':
			from = parse_domid(optarg, true, "--from");
			break;
		case 'r':
			ring_len = parse_u32(optarg, "--ring-len");
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
	no_operands(argc, argv);
	if (!have_port)
		usage_error("--port is required");

	fd = argo_open(0);
	max_payload = bind_receiver(fd, port, from, ring_len);
	buf = xmalloc(max_payload + 1);

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
