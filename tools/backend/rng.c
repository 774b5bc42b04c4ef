// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-rng (device type 4): one queue of device-writable buffers, each
 * filled with entropy from getrandom(2).
 *
 * getrandom() is asked not to block: before the kernel's pool is ready
 * (early boot of a back-end domain) the chains are held and retried on the
 * one-second tick, instead of stalling every other front-end. A chain gets
 * at most RNG_CHUNK bytes (virtio-rng lets the device fill less than the
 * buffer), so that one small request cannot make the back-end queue a
 * max_chain-sized response; it is still large enough that a big request
 * is answered in several fragments.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "backend.h"

#define RNG_CHUNK	(256U << 10)
#define RNG_QUEUE_SIZE	64

struct rng {
	struct vab_chain *held;		/* waiting for the pool, FIFO */
	struct vab_chain **tail;
};

static int rng_create(struct vab_dev *dev)
{
	struct rng *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->tail = &r->held;
	dev->priv = r;
	return 0;
}

static void rng_destroy(struct vab_dev *dev)
{
	free(dev->priv);
	dev->priv = NULL;
}

/* Fill and complete ch; false if the pool is not ready yet. */
static bool rng_fill(struct vab_chain *ch)
{
	u32 want = ch->in_len < RNG_CHUNK ? ch->in_len : RNG_CHUNK;
	static u8 *buf;
	ssize_t n = 0;

	if (!buf)
		buf = malloc(RNG_CHUNK);
	if (!buf)
		want = 0;

	while (want && n < (ssize_t)want) {
		ssize_t rc = getrandom(buf + n, want - n, GRND_NONBLOCK);

		if (rc < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && !n)
				return false;
			break;
		}
		n += rc;
	}
	vab_complete(ch, buf, n);
	return true;
}

static void rng_chain(struct vab_dev *dev, struct vab_chain *ch)
{
	struct rng *r = dev->priv;

	if (!r->held && rng_fill(ch))
		return;
	ch->next = NULL;
	*r->tail = ch;
	r->tail = &ch->next;
	dev_dbg(dev, "entropy pool not ready: chain %u waits", ch->id);
}

static void rng_cancel(struct vab_dev *dev, struct vab_chain *ch)
{
	struct rng *r = dev->priv;
	struct vab_chain **pp;

	for (pp = &r->held; *pp; pp = &(*pp)->next) {
		if (*pp != ch)
			continue;
		*pp = ch->next;
		if (!*pp)
			r->tail = pp;
		return;
	}
}

static void rng_tick(struct vab_dev *dev)
{
	struct rng *r = dev->priv;
	struct vab_chain *ch;

	while ((ch = r->held)) {
		r->held = ch->next;
		if (!r->held)
			r->tail = &r->held;
		if (!rng_fill(ch)) {
			/* Still not ready: put it back at the head. */
			ch->next = r->held;
			r->held = ch;
			if (!ch->next)
				r->tail = &ch->next;
			return;
		}
	}
}

const struct vab_dev_ops vab_rng_ops = {
	.name = "rng",
	.device_id = 4,
	.num_queues = 1,
	.queue_max_size = RNG_QUEUE_SIZE,
	.config_size = 0,
	.create = rng_create,
	.destroy = rng_destroy,
	.chain = rng_chain,
	.cancel = rng_cancel,
	.tick = rng_tick,
};
