// SPDX-License-Identifier: GPL-2.0-only
/*
 * vabench-net: TCP throughput and request/response latency, and the dom0
 * end of every benchmark connection.
 *
 *   vabench-net server                    (dom0; runs until killed)
 *   vabench-net -H HOST -m send|recv|rr -b SIZE -t SECS [-n NAME]
 *               [-c DOM0HOST]             (the guest)
 *
 * send: the guest writes SIZE bytes at a time; the rate counts what the
 * server read, up to when it says so after the guest's shutdown, so
 * nothing still sitting in socket buffers is counted. recv: the server
 * writes SIZE bytes at a time, the guest counts what it read. rr: one
 * SIZE-byte request, one SIZE-byte answer, TCP_NODELAY: the round trip is
 * the latency. The server also answers the CPU probe of common.c: it
 * reads its /proc/stat when a run starts and when it ends.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "bench.h"

#define MAX_SIZE	(16U << 20)
#define MAX_LAT		4194304	/* latency samples kept */

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static void nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* ---- server ---------------------------------------------------------- */

static void serve_cpu(int fd)
{
	struct vab_counters a, b;
	char line[96];
	char c;

	vab_counters_read(&a);
	if (full_write(fd, "B", 1) || read_full(fd, &c, 1))
		return;
	vab_counters_read(&b);
	snprintf(line, sizeof(line), "%llu %llu %d\n", b.busy - a.busy,
		 b.total - a.total, b.ncpu ? b.ncpu : 1);
	full_write(fd, line, strlen(line));
}

static void serve(int fd)
{
	unsigned long long count = 0;
	struct vab_hello h;
	uint32_t size;
	uint64_t be;
	char *buf;
	ssize_t n;

	if (read_full(fd, &h, sizeof(h)) || ntohl(h.magic) != VAB_MAGIC)
		return;
	size = ntohl(h.size);
	if (ntohl(h.mode) == VAB_CPU) {
		serve_cpu(fd);
		return;
	}
	if (!size || size > MAX_SIZE)
		return;
	buf = malloc(size);
	if (!buf)
		return;
	memset(buf, 0x5a, size);
	switch (ntohl(h.mode)) {
	case VAB_SINK:
		while ((n = read(fd, buf, size)) > 0 || (n < 0 && errno == EINTR))
			count += n > 0 ? n : 0;
		be = htobe64(count);
		full_write(fd, &be, sizeof(be));
		break;
	case VAB_SOURCE:
		while (!full_write(fd, buf, size))
			;
		break;
	case VAB_ECHO:
		nodelay(fd);
		while (!read_full(fd, buf, size) && !full_write(fd, buf, size))
			;
		break;
	}
	free(buf);
}

static void *conn_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;

	serve(fd);
	close(fd);
	return NULL;
}

static int run_server(void)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(VAB_PORT),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	pthread_attr_t attr;
	pthread_t t;
	int one = 1;
	int ls, fd;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 16)) {
		perror("vabench-net: listening socket");
		return 1;
	}
	printf("vabench-net: listening on port %d\n", VAB_PORT);
	fflush(stdout);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		fd = accept(ls, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("vabench-net: accept");
			return 1;
		}
		if (pthread_create(&t, &attr, conn_thread, (void *)(intptr_t)fd))
			close(fd);
	}
}

/* ---- client ---------------------------------------------------------- */

struct net_opts {
	const char *host, *mode, *name, *dom0;
	unsigned int size;
	double secs;
};

static int do_send(int fd, const struct net_opts *o, char *buf,
		   struct vab_result *r)
{
	double start = vab_now(), end = start + o->secs;
	uint64_t be;

	while (vab_now() < end) {
		if (full_write(fd, buf, o->size))
			return -1;
		r->ops++;
	}
	shutdown(fd, SHUT_WR);
	if (read_full(fd, &be, sizeof(be)))
		return -1;
	r->secs = vab_now() - start;
	r->bytes = be64toh(be);
	return 0;
}

static int do_recv(int fd, const struct net_opts *o, char *buf,
		   struct vab_result *r)
{
	double start = vab_now(), end = start + o->secs;
	ssize_t n;

	while (vab_now() < end) {
		n = read(fd, buf, o->size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		r->bytes += n;
	}
	r->secs = vab_now() - start;
	r->ops = r->bytes / o->size;
	return 0;
}

static int do_rr(int fd, const struct net_opts *o, char *buf,
		 struct vab_result *r)
{
	double start = vab_now(), end = start + o->secs, t0, t1 = start;

	nodelay(fd);
	while (t1 < end) {
		t0 = vab_now();
		if (full_write(fd, buf, o->size) || read_full(fd, buf, o->size))
			return -1;
		t1 = vab_now();
		if (r->nlat < MAX_LAT)
			r->lat[r->nlat++] = (t1 - t0) * 1e6;
		r->ops++;
	}
	r->secs = t1 - start;
	r->bytes = r->ops * 2ULL * o->size;
	return 0;
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: vabench-net server\n"
		"       vabench-net -H HOST -m send|recv|rr -b SIZE -t SECS [-n NAME]\n"
		"                   [-c DOM0HOST]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct vab_counters before, after;
	struct vab_result r = { 0 };
	struct net_opts o = { .mode = "send", .size = 131072, .secs = 5 };
	enum vab_mode mode;
	int c, fd, dfd, rc;
	double dom0;
	char *buf;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 2 && !strcmp(argv[1], "server"))
		return run_server();
	while ((c = getopt(argc, argv, "H:m:b:t:n:c:")) != -1) {
		switch (c) {
		case 'H':
			o.host = optarg;
			break;
		case 'm':
			o.mode = optarg;
			break;
		case 'b':
			o.size = vab_size(optarg);
			break;
		case 't':
			o.secs = atof(optarg);
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'c':
			o.dom0 = optarg;
			break;
		default:
			print_usage();
		}
	}
	if (!strcmp(o.mode, "send"))
		mode = VAB_SINK;
	else if (!strcmp(o.mode, "recv"))
		mode = VAB_SOURCE;
	else if (!strcmp(o.mode, "rr"))
		mode = VAB_ECHO;
	else
		print_usage();
	if (!o.host || !o.size || o.size > MAX_SIZE || o.secs <= 0)
		print_usage();
	buf = malloc(o.size);
	r.lat = mode == VAB_ECHO ? malloc(MAX_LAT * sizeof(*r.lat)) : NULL;
	if (!buf || (mode == VAB_ECHO && !r.lat)) {
		perror("vabench-net: buffers");
		return 1;
	}
	memset(buf, 0xa5, o.size);
	r.name = o.name ? o.name : o.mode;
	r.test = o.mode;
	r.size = o.size;
	r.qd = 1;

	fd = vab_dial(o.host, mode, o.size);
	if (fd < 0)
		return 1;
	dfd = vab_dom0_begin(o.dom0);
	vab_counters_read(&before);
	if (mode == VAB_SINK)
		rc = do_send(fd, &o, buf, &r);
	else if (mode == VAB_SOURCE)
		rc = do_recv(fd, &o, buf, &r);
	else
		rc = do_rr(fd, &o, buf, &r);
	vab_counters_read(&after);
	dom0 = vab_dom0_end(dfd);
	close(fd);
	if (rc) {
		fprintf(stderr, "vabench-net: %s to %s: connection lost\n",
			o.mode, o.host);
		return 1;
	}
	vab_report(&r, &before, &after, dom0);
	return 0;
}
