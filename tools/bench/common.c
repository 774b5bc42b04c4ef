// SPDX-License-Identifier: GPL-2.0-only
/*
 * Clocks, counters, the dom0 CPU probe and the result line shared by
 * vabench-blk and vabench-net.
 *
 * Every counter is read whole before and after a run and only the
 * difference is reported, so whatever else the domain does (timers, the
 * console) is charged to the run too: the runs are long enough (seconds,
 * thousands of requests) for that to stay small, and the PV-driver runs
 * pay the same background.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#include "bench.h"

#define ARGO_STATS	"/sys/kernel/debug/xen-argo/stats"
#define VA_DEBUGFS	"/sys/kernel/debug/virtio-argo"

double vab_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

unsigned long long vab_size(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return 0;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10;
		end++;
		break;
	case 'm': case 'M':
		v <<= 20;
		end++;
		break;
	}
	return *end ? 0 : v;
}

static void read_proc_stat(struct vab_counters *c)
{
	unsigned long long v[8] = { 0 };
	char line[512];
	FILE *f;

	f = fopen("/proc/stat", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "cpu ", 4)) {
			if (sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu",
				   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
				   &v[6], &v[7]) < 4)
				continue;
			/* user nice system irq softirq; not idle, iowait */
			c->busy = v[0] + v[1] + v[2] + v[5] + v[6];
			c->steal = v[7];
			c->total = c->busy + v[3] + v[4] + v[7];
		} else if (!strncmp(line, "cpu", 3)) {
			c->ncpu++;
		} else if (!strncmp(line, "intr ", 5)) {
			c->intr = strtoull(line + 5, NULL, 10);
		}
	}
	fclose(f);
}

/* Add the value of every "NAME VALUE" line whose NAME is name. */
static bool read_named(const char *path, const char *name,
		       unsigned long long *sum)
{
	char line[256], key[64];
	unsigned long long v;
	bool found = false;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu", key, &v) == 2 &&
		    !strcmp(key, name)) {
			*sum += v;
			found = true;
		}
	fclose(f);
	return found;
}

/* The value in a one-number file, or 0. */
static unsigned long long read_ull(const char *path)
{
	unsigned long long v = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/*
 * Packets through every interface but lo. During a network run only the
 * path under test carries traffic (the dom0 CPU probe's few packets on
 * the other NIC are noise over thousands of requests), so per request
 * this is how many TCP segments, TSO packets counted once, a write took.
 */
static void read_packets(struct vab_counters *c)
{
	struct dirent *de;
	char path[512];
	DIR *d;

	d = opendir("/sys/class/net");
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "lo"))
			continue;
		snprintf(path, sizeof(path),
			 "/sys/class/net/%s/statistics/tx_packets", de->d_name);
		c->tx_packets += read_ull(path);
		snprintf(path, sizeof(path),
			 "/sys/class/net/%s/statistics/rx_packets", de->d_name);
		c->rx_packets += read_ull(path);
	}
	closedir(d);
}

void vab_counters_read(struct vab_counters *c)
{
	struct dirent *de;
	char path[512];
	DIR *d;

	memset(c, 0, sizeof(*c));
	read_proc_stat(c);
	read_packets(c);
	c->argo_ok = read_named(ARGO_STATS, "hypercalls", &c->hypercalls) &&
		     read_named(ARGO_STATS, "virqs", &c->virqs) &&
		     read_named(ARGO_STATS, "sendv_eagain", &c->sendv_eagain);
	d = opendir(VA_DEBUGFS);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), VA_DEBUGFS "/%s/stats", de->d_name);
		if (read_named(path, "tx_msgs", &c->tx_msgs) &&
		    read_named(path, "rx_msgs", &c->rx_msgs) &&
		    read_named(path, "tx_eagain", &c->tx_eagain) &&
		    read_named(path, "tx_deferred", &c->tx_deferred))
			c->va_ok = true;
	}
	closedir(d);
}

int full_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

int vab_dial(const char *host, enum vab_mode mode, unsigned int size)
{
	struct vab_hello h = {
		.magic = htonl(VAB_MAGIC),
		.mode = htonl(mode),
		.size = htonl(size),
	};
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(VAB_PORT),
	};
	int fd;

	/* A dotted quad only: no resolver in a static busybox guest. */
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "vabench: %s: not an IPv4 address\n", host);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    full_write(fd, &h, sizeof(h))) {
		fprintf(stderr, "vabench: %s port %d: %s\n", host, VAB_PORT,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int vab_dom0_begin(const char *host)
{
	char ack;
	int fd;

	if (!host || !*host)
		return -1;
	fd = vab_dial(host, VAB_CPU, 0);
	/* The server answers once it has read its counters. */
	if (fd >= 0 && read(fd, &ack, 1) != 1) {
		close(fd);
		fd = -1;
	}
	return fd;
}

double vab_dom0_end(int fd)
{
	unsigned long long busy, total;
	char buf[128];
	size_t len = 0;
	ssize_t n;
	int ncpu;

	if (fd < 0)
		return -1;
	if (full_write(fd, "E", 1)) {
		close(fd);
		return -1;
	}
	/* "BUSY TOTAL NCPU\n": jiffies over the run, all of dom0's CPUs */
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += n;
		if (memchr(buf, '\n', len))
			break;
	}
	close(fd);
	buf[len] = 0;
	if (sscanf(buf, "%llu %llu %d", &busy, &total, &ncpu) != 3 || !total)
		return -1;
	return (double)busy / total * ncpu;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Per request, or "n/a" when the counter was not there in both reads. */
static void per_op(const char *key, bool ok, unsigned long long a,
		   unsigned long long b, unsigned long long ops)
{
	if (ok && ops)
		printf(" %s=%.2f", key, (double)(b - a) / ops);
	else
		printf(" %s=n/a", key);
}

void vab_report(struct vab_result *r, const struct vab_counters *a,
		const struct vab_counters *b, double dom0_cpus)
{
	double gcpus = 0, avg = 0;
	unsigned long long i;
	uint32_t p50 = 0, p99 = 0;

	if (b->total > a->total)
		gcpus = (double)(b->busy - a->busy) / (b->total - a->total) *
			(b->ncpu ? b->ncpu : 1);
	if (r->lat && r->nlat) {
		for (i = 0; i < r->nlat; i++)
			avg += r->lat[i];
		avg /= r->nlat;
		qsort(r->lat, r->nlat, sizeof(*r->lat), cmp_u32);
		p50 = r->lat[r->nlat / 2];
		p99 = r->lat[r->nlat * 99 / 100];
	}
	printf("VA-BENCH-RESULT name=%s test=%s size=%u qd=%u secs=%.2f ops=%llu",
	       r->name, r->test, r->size, r->qd, r->secs, r->ops);
	printf(" MBps=%.2f iops=%.1f lat_us=%.0f p50_us=%u p99_us=%u",
	       r->secs > 0 ? r->bytes / r->secs / 1e6 : 0,
	       r->secs > 0 ? r->ops / r->secs : 0, avg, p50, p99);
	/* CPU: in CPUs busy (1.00 = one CPU) and in microseconds a request */
	printf(" gcpu=%.2f", gcpus);
	printf(" gcpu_us_op=%.1f",
	       r->ops ? gcpus * r->secs * 1e6 / r->ops : 0);
	if (dom0_cpus >= 0)
		printf(" dcpu=%.2f dcpu_us_op=%.1f", dom0_cpus,
		       r->ops ? dom0_cpus * r->secs * 1e6 / r->ops : 0);
	else
		printf(" dcpu=n/a dcpu_us_op=n/a");
	printf(" steal=%.2f", b->total > a->total ?
	       (double)(b->steal - a->steal) / (b->total - a->total) : 0);
	per_op("hcall_op", a->argo_ok && b->argo_ok, a->hypercalls,
	       b->hypercalls, r->ops);
	per_op("virq_op", a->argo_ok && b->argo_ok, a->virqs, b->virqs, r->ops);
	per_op("txmsg_op", a->va_ok && b->va_ok, a->tx_msgs, b->tx_msgs,
	       r->ops);
	per_op("rxmsg_op", a->va_ok && b->va_ok, a->rx_msgs, b->rx_msgs,
	       r->ops);
	/* kicks of a busy queue that waited for its next completion */
	per_op("defer_op", a->va_ok && b->va_ok, a->tx_deferred,
	       b->tx_deferred, r->ops);
	/* sends that found the back-end's ring full, to be retried */
	per_op("eagain_op", a->argo_ok && b->argo_ok, a->sendv_eagain,
	       b->sendv_eagain, r->ops);
	per_op("irq_op", true, a->intr, b->intr, r->ops);
	/* packets the guest's NICs sent and took (TSO/GRO: one each) */
	per_op("txpkt_op", true, a->tx_packets, b->tx_packets, r->ops);
	per_op("rxpkt_op", true, a->rx_packets, b->rx_packets, r->ops);
	printf("\n");
	fflush(stdout);
}
