// SPDX-License-Identifier: GPL-2.0-only
/*
 * The poll() loop: a table of watched descriptors with a callback each.
 * Callbacks may add and remove watches (a console accepting a client,
 * a connection closing and destroying its devices), so removal only
 * marks the slot and the table is compacted between rounds.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

struct watch {
	int fd;			/* -1: removed */
	short events;
	vab_watch_fn fn;
	void *arg;
};

static struct watch *watches;
static unsigned int nwatches, capwatches;

void loop_init(void)
{
	nwatches = 0;
}

static struct watch *find(int fd)
{
	unsigned int i;

	for (i = 0; i < nwatches; i++)
		if (watches[i].fd == fd)
			return &watches[i];
	return NULL;
}

int vab_watch(int fd, short events, vab_watch_fn fn, void *arg)
{
	if (find(fd))
		return -EEXIST;
	if (nwatches == capwatches) {
		unsigned int cap = capwatches ? capwatches * 2 : 16;
		struct watch *w = realloc(watches, cap * sizeof(*w));

		if (!w)
			return -ENOMEM;
		watches = w;
		capwatches = cap;
	}
	watches[nwatches++] = (struct watch){
		.fd = fd, .events = events, .fn = fn, .arg = arg,
	};
	return 0;
}

void vab_watch_events(int fd, short events)
{
	struct watch *w = find(fd);

	if (w)
		w->events = events;
}

void vab_unwatch(int fd)
{
	struct watch *w = find(fd);

	if (w)
		w->fd = -1;
}

static void compact(void)
{
	unsigned int i, j = 0;

	for (i = 0; i < nwatches; i++)
		if (watches[i].fd >= 0)
			watches[j++] = watches[i];
	nwatches = j;
}

/*
 * One round: poll every watched descriptor and call the callbacks of
 * those that are ready. Returns poll()'s result or -errno.
 */
int loop_run_once(int timeout_ms)
{
	struct pollfd *pfd;
	unsigned int i, n;
	int rc;

	compact();
	n = nwatches;
	pfd = calloc(n ? n : 1, sizeof(*pfd));
	if (!pfd)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pfd[i].fd = watches[i].fd;
		pfd[i].events = watches[i].events;
	}
	rc = poll(pfd, n, timeout_ms);
	if (rc < 0) {
		rc = -errno;
		free(pfd);
		return rc;
	}
	for (i = 0; i < n && rc > 0; i++) {
		struct watch *w;

		if (!pfd[i].revents)
			continue;
		/* The slot may have been removed by an earlier callback. */
		w = find(pfd[i].fd);
		if (w && w->fn)
			w->fn(w->arg, w->fd, pfd[i].revents);
	}
	free(pfd);
	return rc;
}
