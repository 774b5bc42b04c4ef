/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared parts of the guest benchmark programs (vabench-blk, vabench-net):
 * clocks, the counters read before and after a run, the dom0 CPU probe and
 * the one result line per run that scripts/bench.sh parses.
 */
#ifndef VABENCH_H
#define VABENCH_H

#include <stdbool.h>
#include <stdint.h>

/* The TCP port of "vabench-net server" in dom0 (data and the CPU probe). */
#define VAB_PORT	5201

/*
 * What a connection to the server is for: the first 16 bytes the client
 * sends, integers in network byte order.
 */
#define VAB_MAGIC	0x7661626eU	/* "vabn" */
enum vab_mode {
	VAB_SINK = 1,	/* the client sends; the server answers the byte
			 * count (8 bytes) once the client shuts down writing
			 */
	VAB_SOURCE,	/* the server sends size-byte writes until EOF */
	VAB_ECHO,	/* the server returns every size bytes it reads */
	VAB_CPU,	/* the dom0 CPU probe: see vab_dom0_begin() */
};

struct vab_hello {
	uint32_t magic;
	uint32_t mode;
	uint32_t size;
	uint32_t pad;
};

/* The counters a run divides by its requests. */
struct vab_counters {
	/* /proc/stat: jiffies, all CPUs of this domain */
	unsigned long long busy, total, steal;
	unsigned long long intr;	/* interrupts taken, all sources */
	int ncpu;
	/* /sys/kernel/debug/xen-argo/stats (argo_ok: the file was read) */
	bool argo_ok;
	unsigned long long hypercalls, virqs, sendv_eagain;
	/* /sys/kernel/debug/virtio-argo/ * /stats, summed over buses */
	bool va_ok;
	unsigned long long tx_msgs, rx_msgs, tx_eagain, tx_deferred;
	/* /sys/class/net/ * /statistics, all interfaces but lo */
	unsigned long long tx_packets, rx_packets;
};

/* What one run measured, for vab_report(). */
struct vab_result {
	const char *name;	/* e.g. blk-argo-read-128k */
	const char *test;	/* read, write, randread, send, recv, rr */
	unsigned int size;	/* request (block, write) size in bytes */
	unsigned int qd;	/* requests in flight */
	double secs;		/* measured interval */
	unsigned long long ops;	/* completed requests */
	unsigned long long bytes;
	/* latencies in microseconds, or NULL when not measured */
	uint32_t *lat;
	unsigned long long nlat;
};

double vab_now(void);
/* Connect to the server at HOST (dotted quad) and say what for; -1 on error. */
/* write() all of buf, through EINTR and short writes: 0 or -1. */
int full_write(int fd, const void *buf, size_t len);
int vab_dial(const char *host, enum vab_mode mode, unsigned int size);
void vab_counters_read(struct vab_counters *c);

/*
 * The dom0 CPU probe: a connection to "vabench-net server" that marks the
 * start and the end of a run. vab_dom0_begin() returns the socket (-1 when
 * there is no probe: the column then says n/a).
 */
int vab_dom0_begin(const char *host);
/* dom0's busy time over the run, in CPUs (1.0 = one CPU all the time). */
double vab_dom0_end(int fd);

/* Print "VA-BENCH-RESULT key=value ..." for the run (stdout, one line). */
void vab_report(struct vab_result *r, const struct vab_counters *a,
		const struct vab_counters *b, double dom0_cpus);

/* Parse "4k", "128K", "1m", "512" as bytes; 0 on error. */
unsigned long long vab_size(const char *s);

#endif
