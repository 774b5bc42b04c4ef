// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo-backend: virtio devices for Xen guests, over Argo.
 *
 * One thread, one poll() loop: the listening rings, the device models'
 * descriptors, the signals, and a tick every second that retries blocked sends and
 * late ring bindings. Nothing blocks: every descriptor is non-blocking,
 * so one guest that stops reading cannot stall another.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/signalfd.h>

#include "backend.h"

u32 vab_instance;
static int stop;

/*
 * SIGINT and SIGTERM arrive through a signalfd in the poll loop, so that
 * shutdown (GOODBYE to everyone) runs in normal context, never inside a
 * handler.
 */
static void on_signal(void *arg, int fd, short revents)
{
	struct signalfd_siginfo si;

	(void)arg;
	(void)revents;
	if (read(fd, &si, sizeof(si)) == sizeof(si))
		stop = si.ssi_signo;
}

static int signals(void)
{
	sigset_t set;
	int fd;

	/* A console socket client that went away must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	return vab_watch(fd, POLLIN, on_signal, NULL);
}

static u32 new_instance(void)
{
	u32 v = 0;

	while (!v)
		if (getrandom(&v, sizeof(v), 0) != sizeof(v))
			v = (u32)time(NULL) ^ (u32)getpid() << 16;
	return v;
}

/*
 * Every request and every message we build is a buffer of up to a few
 * hundred KiB, allocated and freed at the request rate. By default glibc
 * maps large ones freshly (mmap) and gives freed memory back (trim), so
 * each request paid for page faults, and in a PV domain for the page
 * table hypercalls behind them. Keep a working set instead. Together with
 * the skipped notify, this took a 1 MiB read from 22.8 to 4.0 ms of dom0
 * CPU (Documentation/performance.rst); the two were not measured apart.
 */
static void malloc_setup(void)
{
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 32 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double next_tick;
	unsigned int i;
	int rc;

	parse_options(argc, argv);
	malloc_setup();
	loop_init();
	rc = signals();
	if (rc) {
		vab_err("signals: %s", strerror(-rc));
		return 1;
	}
	vab_instance = new_instance();
	if (rings_setup()) {
		rings_close();
		return 1;
	}
	vab_info("instance 0x%08x, max_chain %u, %u device%s:%s%s", vab_instance,
		 opt.max_chain, opt.ndevs, opt.ndevs == 1 ? "" : "s",
		 opt.hostile ? " HOSTILE mode " : "",
		 opt.hostile ? hostile_name(opt.hostile) : "");
	for (i = 0; i < opt.ndevs; i++)
		vab_info("  device %u: %s%s%s", i, opt.devs[i].ops->name,
			 opt.devs[i].arg ? " " : "",
			 opt.devs[i].arg ? opt.devs[i].arg : "");
	next_tick = now() + 1;
	while (!stop) {
		rc = loop_run_once(1000);
		if (rc < 0 && rc != -EINTR) {
			vab_err("poll: %s", strerror(-rc));
			break;
		}
		if (now() >= next_tick) {
			next_tick = now() + 1;
			rings_retry_bind();
			conn_tick();
		}
		/* Completions made by the models' own events go out now. */
		conn_flush_all();
		conn_reap();
	}
	if (stop)
		vab_info("signal %d: saying GOODBYE to %u connection%s",
			 stop, conn_count(), conn_count() == 1 ? "" : "s");
	conn_goodbye_all(VIRTIO_ARGO_E_OK);
	rings_close();
	return stop ? 0 : 1;
}
