// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo-backend: virtio devices for Xen guests, over Argo.
 *
 * One thread, one poll() loop: the listening rings, the device models'
 * descriptors, and a tick every second that retries blocked sends and
 * late ring bindings. Nothing blocks: every descriptor is non-blocking,
 * so one guest that stops reading cannot stall another.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include "backend.h"

u32 vab_instance;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static void signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A console socket client that went away must not kill us. */
	signal(SIGPIPE, SIG_IGN);
}

static u32 new_instance(void)
{
	u32 v = 0;

	while (!v)
		if (getrandom(&v, sizeof(v), 0) != sizeof(v))
			v = (u32)time(NULL) ^ (u32)getpid() << 16;
	return v;
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
	signals();
	vab_instance = new_instance();
	loop_init();
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
			 (int)stop, conn_count(), conn_count() == 1 ? "" : "s");
	conn_goodbye_all(VIRTIO_ARGO_E_OK);
	rings_close();
	return stop ? 0 : 1;
}
