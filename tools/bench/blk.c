// SPDX-License-Identifier: GPL-2.0-only
/*
 * vabench-blk: block device throughput and latency with O_DIRECT and a
 * fixed number of requests in flight.
 *
 *   vabench-blk -d DEV -m read|write|randread|randwrite -b SIZE -q QD
 *               -t SECS [-n NAME] [-c DOM0HOST] [-s SPAN]
 *
 * The queue depth comes from Linux native AIO called through raw system
 * calls (io_setup/io_submit/io_getevents; no libaio in a busybox guest):
 * one thread keeps QD requests submitted, so the device sees exactly QD
 * in flight and the CPU cost is not blurred by thread switches. O_DIRECT
 * keeps the guest's page cache out: every request reaches the driver.
 * Sequential runs walk the first SPAN bytes (default: the whole device)
 * and wrap; random ones pick SIZE-aligned offsets in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "bench.h"

#define MAX_QD		256
#define MAX_LAT		4194304	/* latency samples kept */

struct blk_opts {
	const char *dev, *name, *mode, *dom0;
	unsigned int bs, qd;
	double secs;
	unsigned long long span;
	bool write, random;
};

static int io_setup(unsigned int nr, aio_context_t *ctx)
{
	return syscall(__NR_io_setup, nr, ctx);
}

static int io_submit(aio_context_t ctx, long nr, struct iocb **iocbs)
{
	return syscall(__NR_io_submit, ctx, nr, iocbs);
}

static int io_getevents(aio_context_t ctx, long min, long max,
			struct io_event *ev)
{
	return syscall(__NR_io_getevents, ctx, min, max, ev, NULL);
}

static int io_destroy(aio_context_t ctx)
{
	return syscall(__NR_io_destroy, ctx);
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: vabench-blk -d DEV -m read|write|randread|randwrite -b SIZE\n"
		"                   -q QD -t SECS [-n NAME] [-c DOM0HOST] [-s SPAN]\n");
	exit(2);
}

static void parse(int argc, char **argv, struct blk_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->bs = 4096;
	o->qd = 1;
	o->secs = 5;
	o->mode = "read";
	while ((c = getopt(argc, argv, "d:m:b:q:t:n:c:s:")) != -1) {
		switch (c) {
		case 'd':
			o->dev = optarg;
			break;
		case 'm':
			o->mode = optarg;
			break;
		case 'b':
			o->bs = vab_size(optarg);
			break;
		case 'q':
			o->qd = atoi(optarg);
			break;
		case 't':
			o->secs = atof(optarg);
			break;
		case 'n':
			o->name = optarg;
			break;
		case 'c':
			o->dom0 = optarg;
			break;
		case 's':
			o->span = vab_size(optarg);
			break;
		default:
			print_usage();
		}
	}
	if (!o->dev || !o->bs || o->bs % 512 || o->bs > (64U << 20) ||
	    !o->qd || o->qd > MAX_QD || o->secs <= 0)
		print_usage();
	if (!strcmp(o->mode, "write") || !strcmp(o->mode, "randwrite"))
		o->write = true;
	else if (strcmp(o->mode, "read") && strcmp(o->mode, "randread"))
		print_usage();
	o->random = !strncmp(o->mode, "rand", 4);
	if (!o->name)
		o->name = o->mode;
}

/* xorshift64: cheap, and the same sequence on every run */
static unsigned long long rnd(void)
{
	static unsigned long long x = 88172645463325252ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

struct slot {
	struct iocb cb;
	double t;		/* submitted at */
};

struct run {
	const struct blk_opts *o;
	int fd;
	unsigned long long blocks;	/* SPAN / bs */
	unsigned long long next;	/* next sequential block */
	struct vab_result res;
};

static void prep(struct run *r, struct slot *s)
{
	unsigned long long blk;

	if (r->o->random) {
		blk = rnd() % r->blocks;
	} else {
		blk = r->next;
		r->next = (r->next + 1) % r->blocks;
	}
	s->cb.aio_offset = blk * r->o->bs;
	s->t = vab_now();
}

static int run_io(struct run *r, aio_context_t ctx, struct slot *slots)
{
	const struct blk_opts *o = r->o;
	struct io_event ev[MAX_QD];
	struct iocb *cbs[MAX_QD];
	unsigned int i, in_flight = o->qd;
	double start, end, t;
	bool stop = false;
	int n;

	for (i = 0; i < o->qd; i++) {
		prep(r, &slots[i]);
		cbs[i] = &slots[i].cb;
	}
	start = vab_now();
	end = start + o->secs;
	if (io_submit(ctx, o->qd, cbs) != (int)o->qd) {
		perror("vabench-blk: io_submit");
		return -1;
	}
	while (in_flight) {
		n = io_getevents(ctx, 1, in_flight, ev);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("vabench-blk: io_getevents");
			return -1;
		}
		t = vab_now();
		stop = stop || t >= end;
		for (i = 0; i < (unsigned int)n; i++) {
			struct slot *s = (struct slot *)(uintptr_t)ev[i].obj;

			if (ev[i].res != o->bs) {
				fprintf(stderr, "vabench-blk: %s at %lld: %lld\n",
					o->mode, (long long)s->cb.aio_offset,
					(long long)ev[i].res);
				return -1;
			}
			r->res.ops++;
			r->res.bytes += o->bs;
			if (r->res.nlat < MAX_LAT)
				r->res.lat[r->res.nlat++] = (t - s->t) * 1e6;
			in_flight--;
			if (stop)
				continue;
			prep(r, s);
			cbs[0] = &s->cb;
			if (io_submit(ctx, 1, cbs) != 1) {
				perror("vabench-blk: io_submit");
				return -1;
			}
			in_flight++;
		}
	}
	r->res.secs = vab_now() - start;
	return 0;
}

/* A block device's size, or a regular file's (for trying it out). */
static int dev_size(int fd, unsigned long long *size)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	if (S_ISREG(st.st_mode)) {
		*size = st.st_size;
		return 0;
	}
	return ioctl(fd, BLKGETSIZE64, size);
}

int main(int argc, char **argv)
{
	struct vab_counters before, after;
	struct blk_opts o;
	struct slot *slots;
	aio_context_t ctx = 0;
	unsigned long long size;
	struct run r;
	unsigned int i;
	double dom0;
	int dfd, rc;
	void *buf;

	parse(argc, argv, &o);
	memset(&r, 0, sizeof(r));
	r.o = &o;
	r.fd = open(o.dev, (o.write ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (r.fd < 0 || dev_size(r.fd, &size)) {
		fprintf(stderr, "vabench-blk: %s: %s\n", o.dev, strerror(errno));
		return 1;
	}
	if (o.span && o.span < size)
		size = o.span;
	r.blocks = size / o.bs;
	if (!r.blocks) {
		fprintf(stderr, "vabench-blk: %s: smaller than one block\n", o.dev);
		return 1;
	}
	slots = calloc(o.qd, sizeof(*slots));
	r.res.lat = malloc(MAX_LAT * sizeof(*r.res.lat));
	if (!slots || !r.res.lat || io_setup(o.qd, &ctx)) {
		perror("vabench-blk: setup");
		return 1;
	}
	for (i = 0; i < o.qd; i++) {
		if (posix_memalign(&buf, 4096, o.bs)) {
			perror("vabench-blk: buffers");
			return 1;
		}
		/* Written data: not zeros, so nothing can shortcut it. */
		memset(buf, 0xa5 ^ i, o.bs);
		slots[i].cb.aio_data = (uintptr_t)&slots[i];
		slots[i].cb.aio_lio_opcode = o.write ? IOCB_CMD_PWRITE :
						      IOCB_CMD_PREAD;
		slots[i].cb.aio_fildes = r.fd;
		slots[i].cb.aio_buf = (uintptr_t)buf;
		slots[i].cb.aio_nbytes = o.bs;
	}
	r.res.name = o.name;
	r.res.test = o.mode;
	r.res.size = o.bs;
	r.res.qd = o.qd;

	dfd = vab_dom0_begin(o.dom0);
	vab_counters_read(&before);
	rc = run_io(&r, ctx, slots);
	vab_counters_read(&after);
	dom0 = vab_dom0_end(dfd);
	io_destroy(ctx);
	if (rc)
		return 1;
	vab_report(&r.res, &before, &after, dom0);
	return 0;
}
