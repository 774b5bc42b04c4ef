// SPDX-License-Identifier: GPL-2.0-only
/*
 * vabench-cost: what the basic operations of a data path cost in this
 * domain, on this machine. Under TCG the benchmark's figures are sums of a
 * few such costs times their counts per request (system calls in dom0's
 * back-end, hypercalls and VIRQs in the guest, copies); with these, a
 * count per request in the results can be read as time.
 *
 * Prints one line: "unit costs: NAME N us, ...". The Argo figures need
 * xen-argo.ko (/dev/argo); they are left out without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/argo.h>

#include "bench.h"

#define COPY_LEN	65536
#define FAULT_PAGES	64
#define ARGO_MSGS	100
#define COST_PORT	0x7ab0c057	/* a port no test binds */
#define COST_RING_LEN	1048512		/* room for 12 64 KiB messages */

static char line[512];
static size_t used;

static void add(const char *name, double us)
{
	used += snprintf(line + used, sizeof(line) - used, "%s%s %.1f us",
			 used ? ", " : "", name, us);
	if (used >= sizeof(line))
		used = sizeof(line) - 1;
}

/* A system call that does nothing: the entry and exit. */
static void cost_syscall(void)
{
	const int n = 20000;
	double t = vab_now();
	int i;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	add("system call", (vab_now() - t) / n * 1e6);
}

/* memcpy of 64 KiB, both buffers warm: the price of one copy of a packet. */
static void cost_copy(void)
{
	const int n = 200;
	char *a = malloc(COPY_LEN), *b = malloc(COPY_LEN);
	double t;
	int i;

	if (!a || !b) {
		free(a);
		free(b);
		return;
	}
	memset(a, 1, COPY_LEN);
	memset(b, 2, COPY_LEN);
	t = vab_now();
	for (i = 0; i < n; i++)
		memcpy(i & 1 ? a : b, i & 1 ? b : a, COPY_LEN);
	add("64 KiB memcpy", (vab_now() - t) / n * 1e6);
	/* The buffers count as read: the copies cannot be left out. */
	asm volatile("" : : "r" (a), "r" (b) : "memory");
	free(a);
	free(b);
}

/* A page fault on fresh anonymous memory, with its share of mmap/munmap. */
static void cost_fault(void)
{
	const int n = 20;
	long pg = sysconf(_SC_PAGESIZE);
	double t = vab_now();
	int i, j;

	for (i = 0; i < n; i++) {
		char *m = mmap(NULL, FAULT_PAGES * pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m == MAP_FAILED)
			return;
		for (j = 0; j < FAULT_PAGES; j++)
			m[j * pg] = 1;
		munmap(m, FAULT_PAGES * pg);
	}
	add("page fault", (vab_now() - t) / (n * FAULT_PAGES) * 1e6);
}

/*
 * Messages of @size bytes to a ring of our own, then received, @burst at a
 * time (what the ring holds): a send is a system call, the copy into the
 * driver, a hypercall in which Xen copies the payload into the ring, and
 * the VIRQ Xen raises in this same domain; a receive is a system call and
 * a copy out of the ring. Header-only messages give the fixed part; 64 KiB
 * ones (a TSO packet) add what the bytes cost.
 */
static void cost_argo(const char *what, size_t size, int burst, int rounds)
{
	struct argo_bind bind = { .port = COST_PORT, .partner = ARGO_DOMID_ANY,
				  .ring_len = COST_RING_LEN };
	struct argo_sendv s = { .port = COST_PORT, .type = 1 };
	struct argo_iov iov;
	struct argo_info info;
	struct argo_recv r;
	double t_send = 0, t_recv = 0, t;
	int fd, i, k, sent = 0, got = 0;
	char label[64];
	char *buf;

	buf = calloc(1, size ? size : 1);
	fd = buf ? open("/dev/argo", O_RDWR | O_NONBLOCK | O_CLOEXEC) : -1;
	if (fd < 0) {
		free(buf);
		return;
	}
	if (ioctl(fd, ARGO_IOC_BIND, &bind) || ioctl(fd, ARGO_IOC_INFO, &info)) {
		fprintf(stderr, "vabench-cost: /dev/argo: %s\n", strerror(errno));
		goto out;
	}
	s.domid = info.domid;
	iov.base = (unsigned long)buf;
	iov.len = size;
	s.iov = (unsigned long)&iov;
	s.niov = size ? 1 : 0;
	for (k = 0; k < rounds; k++) {
		t = vab_now();
		for (i = 0; i < burst; i++)
			sent += ioctl(fd, ARGO_IOC_SENDV, &s) >= 0;
		t_send += vab_now() - t;
		t = vab_now();
		for (i = 0; i < burst; i++) {
			memset(&r, 0, sizeof(r));
			r.buf = (unsigned long)buf;
			r.buf_len = size;
			got += ioctl(fd, ARGO_IOC_RECV, &r) >= 0;
		}
		t_recv += vab_now() - t;
	}
	if (sent == burst * rounds && got == sent) {
		snprintf(label, sizeof(label), "Argo send %s", what);
		add(label, t_send / sent * 1e6);
		snprintf(label, sizeof(label), "Argo receive %s", what);
		add(label, t_recv / got * 1e6);
	} else {
		fprintf(stderr, "vabench-cost: Argo %s: %d of %d sent, %d received\n",
			what, sent, burst * rounds, got);
	}
out:
	close(fd);
	free(buf);
}

int main(void)
{
	cost_syscall();
	cost_copy();
	cost_fault();
	cost_argo("0 bytes", 0, ARGO_MSGS, 1);
	cost_argo("64 KiB", COPY_LEN, 12, 5);
	printf("unit costs: %s\n", line);
	return 0;
}
