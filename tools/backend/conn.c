// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connections, keyed by (front-end domid, front-end port): the domid is
 * the one Xen vouches for, so a guest can reach only its own connections.
 *
 * Each connection has its own output FIFO of whole Argo messages. Frames
 * are appended to the message being built (batching, up to the peer's
 * max_msg); a flush moves it to the FIFO and sends from the head until the
 * front-end's ring is full. Nothing is reordered or dropped on EAGAIN: the
 * head is retried on POLLOUT and on the one-second tick.
 *
 * Memory: above a soft limit the connection is "congested" (models stop
 * generating output of their own, a unicast ring stops being drained);
 * above a hard limit the front-end is evidently not draining its ring at
 * all, and the connection is closed rather than letting one guest grow the
 * back-end without bound.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"

#define SOFT_LIMIT	BIT(20)

static struct vab_conn *conns;
static unsigned int nconns;

/* Where frames for a dead connection go: written, then forgotten. */
static u8 scratch[VIRTIO_ARGO_MAX_FRAME];

static size_t hard_limit(void)
{
	return (32U << 20) + 2 * (size_t)opt.max_chain;
}

struct vab_conn *conn_find(u16 domid, u32 port)
{
	struct vab_conn *c;

	for (c = conns; c; c = c->next)
		if (!c->dead && c->domid == domid && c->port == port)
			return c;
	return NULL;
}

unsigned int conn_count(void)
{
	return nconns;
}

struct vab_dev *conn_dev(struct vab_conn *c, u16 num)
{
	return num < c->ndevs ? &c->devs[num] : NULL;
}

struct vab_conn *conn_create(struct vab_ring *r, u16 domid, u32 port,
			     u32 peer_max_msg, u64 features)
{
	struct vab_conn *c = calloc(1, sizeof(*c));
	unsigned int i;

	if (!c)
		return NULL;
	c->ring = r;
	c->domid = domid;
	c->port = port;
	snprintf(c->name, sizeof(c->name), "%u:%u", domid, port);
	c->peer_max_msg = peer_max_msg;
	c->frag_max = (peer_max_msg < VIRTIO_ARGO_MAX_FRAME ?
		       peer_max_msg : VIRTIO_ARGO_MAX_FRAME) - DATA_HDR;
	c->batch_max = peer_max_msg < VAB_BATCH_MAX ?
		       peer_max_msg : VAB_BATCH_MAX;
	c->features = features;
	c->out_tail = &c->out_head;
	c->devs = calloc(opt.ndevs ? opt.ndevs : 1, sizeof(*c->devs));
	if (!c->devs) {
		free(c);
		return NULL;
	}
	for (i = 0; i < opt.ndevs; i++) {
		dev_init(c, &c->devs[i], i, &opt.devs[i]);
		if (c->devs[i].ops)
			continue;
		while (i--)
			dev_fini(&c->devs[i]);
		free(c->devs);
		free(c);
		return NULL;
	}
	c->ndevs = opt.ndevs;
	c->next = conns;
	conns = c;
	nconns++;
	return c;
}

static void free_output(struct vab_conn *c)
{
	struct vab_out *o;

	while ((o = c->out_head)) {
		c->out_head = o->next;
		free(o);
	}
	c->out_tail = &c->out_head;
	c->out_bytes = 0;
	free(c->cur);
	c->cur = NULL;
	c->cur_cap = 0;
	c->ctrl_pending = 0;
}

/*
 * Forget a connection: abandon every chain without a response (the spec's
 * connection loss), destroy the device instances, drop the output. The
 * memory is freed by conn_reap() at the end of the round, because callers
 * up the stack may still hold the pointer.
 */
void conn_close(struct vab_conn *c, const char *why)
{
	unsigned int i;

	if (c->dead)
		return;
	conn_info(c, "connection closed: %s (%lu frames in, %lu messages out)",
		  why, c->stat_rx, c->stat_tx);
	c->dead = true;
	data_drop_partial(c, NULL);
	for (i = 0; i < c->ndevs; i++)
		dev_fini(&c->devs[i]);
	free_output(c);
	c->congested = false;
	ring_update_events(c->ring);
}

void conn_reap(void)
{
	struct vab_conn **pp = &conns, *c;

	while ((c = *pp)) {
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		nconns--;
		free(c->devs);
		free(c);
	}
}

static void push_cur(struct vab_conn *c)
{
	struct vab_out *o = c->cur;

	if (!o || !o->len)
		return;
	c->cur = NULL;
	c->cur_cap = 0;
	o->next = NULL;
	*c->out_tail = o;
	c->out_tail = &o->next;
	c->out_bytes += o->len;
}

static void update_congestion(struct vab_conn *c)
{
	bool was = c->congested;
	unsigned int i;

	c->congested = c->out_bytes > SOFT_LIMIT;
	if (was == c->congested)
		return;
	ring_update_events(c->ring);
	if (c->congested) {
		conn_dbg(c, "output congested (%zu bytes queued)", c->out_bytes);
		return;
	}
	for (i = 0; i < c->ndevs && !c->dead; i++)
		if (c->devs[i].ops && c->devs[i].ops->kick)
			c->devs[i].ops->kick(&c->devs[i]);
}

/*
 * Room for one frame of size bytes in the message being built; ctrl
 * counts it as a control response (the 16-outstanding rule). Never NULL:
 * for a dead connection the frame goes to a scratch buffer.
 */
u8 *conn_frame(struct vab_conn *c, u32 size, bool ctrl)
{
	struct vab_out *o;
	u8 *p;

	if (c->dead || size > c->batch_max)
		return scratch;
	if (c->cur && c->cur->len + size > c->batch_max)
		push_cur(c);
	if (c->out_bytes > hard_limit()) {
		conn_close(c, "output queue over its limit: the front-end does not drain its ring");
		return scratch;
	}
	o = c->cur;
	if (!o || o->len + size > c->cur_cap) {
		u32 cap = c->cur_cap ? c->cur_cap : 4096;

		while (cap < (o ? o->len : 0) + size)
			cap *= 2;
		if (cap > c->batch_max)
			cap = c->batch_max;
		o = realloc(c->cur, sizeof(*o) + cap);
		if (!o) {
			conn_close(c, "out of memory");
			return scratch;
		}
		if (!c->cur) {
			o->len = 0;
			o->nctrl = 0;
		}
		c->cur = o;
		c->cur_cap = cap;
	}
	p = o->data + o->len;
	o->len += size;
	if (ctrl) {
		o->nctrl++;
		c->ctrl_pending++;
	}
	return p;
}

void conn_flush(struct vab_conn *c)
{
	struct vab_out *o;
	int rc;

	if (c->dead)
		return;
	push_cur(c);
	while (!c->blocked && (o = c->out_head)) {
		rc = ring_send(c->ring, c->domid, c->port, o->data, o->len);
		if (rc == -EAGAIN) {
			c->blocked = true;
			conn_trace(c, "front-end ring full, %zu bytes wait",
				   c->out_bytes);
			break;
		}
		if (rc == -ECONNREFUSED || rc == -ESRCH) {
			conn_close(c, rc == -ESRCH ? "front-end domain is gone" :
				   "front-end ring is gone");
			return;
		}
		if (rc < 0) {
			conn_info(c, "send of %u bytes failed: %s", o->len,
				  strerror(-rc));
			conn_close(c, rc == -EMSGSIZE ?
				   "message larger than the front-end's ring (wrong max_msg)" :
				   "send failed");
			return;
		}
		c->out_head = o->next;
		if (!c->out_head)
			c->out_tail = &c->out_head;
		c->out_bytes -= o->len;
		c->ctrl_pending -= o->nctrl;
		c->stat_tx++;
		free(o);
	}
	update_congestion(c);
}

void conn_flush_all(void)
{
	struct vab_conn *c;

	for (c = conns; c; c = c->next)
		conn_flush(c);
}

/* The ring has room again somewhere: retry every connection on it. */
void conn_flush_ring(struct vab_ring *r)
{
	struct vab_conn *c;

	for (c = conns; c; c = c->next) {
		if (c->ring != r)
			continue;
		c->blocked = false;
		conn_flush(c);
	}
}

/* The models of the connections on r may add to what is about to go. */
void conn_batch_end(struct vab_ring *r)
{
	struct vab_conn *c;
	unsigned int i;

	for (c = conns; c; c = c->next) {
		if (c->ring != r)
			continue;
		for (i = 0; i < c->ndevs && !c->dead; i++)
			if (c->devs[i].ops && c->devs[i].ops->batch_end)
				c->devs[i].ops->batch_end(&c->devs[i]);
	}
}

/* Has a connection on r a whole message to send? */
bool conn_ring_output_ready(struct vab_ring *r)
{
	struct vab_conn *c;

	for (c = conns; c; c = c->next)
		if (c->ring == r && !c->dead && c->out_head)
			return true;
	return false;
}

bool conn_ring_congested(struct vab_ring *r)
{
	struct vab_conn *c;

	for (c = conns; c; c = c->next)
		if (c->ring == r && !c->dead && c->congested)
			return true;
	return false;
}

/*
 * Once a second: retry blocked sends (Xen does not signal when a full
 * ring is unregistered, so POLLOUT alone could wait forever) and let the
 * models do their periodic work.
 */
void conn_tick(void)
{
	struct vab_conn *c;
	unsigned int i;

	for (c = conns; c; c = c->next) {
		c->blocked = false;
		for (i = 0; i < c->ndevs && !c->dead; i++)
			if (c->devs[i].ops && c->devs[i].ops->tick)
				c->devs[i].ops->tick(&c->devs[i]);
		conn_flush(c);
	}
	conn_reap();
}

/*
 * Shutdown: GOODBYE to every front-end, a second at most to get them
 * out, then close everything.
 */
void conn_goodbye_all(u32 reason)
{
	struct vab_conn *c;
	int tries;
	u8 *p;

	for (c = conns; c; c = c->next) {
		if (c->dead)
			continue;
		p = conn_frame(c, 12, false);
		hdr_encode(p, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_GOODBYE, 0,
			   0, 12);
		put32(p + 8, reason);
		conn_flush(c);
	}
	for (tries = 0; tries < 20; tries++) {
		bool pending = false;

		for (c = conns; c; c = c->next) {
			c->blocked = false;
			conn_flush(c);
			pending |= !c->dead && c->out_head;
		}
		if (!pending)
			break;
		usleep(50000);
	}
	for (c = conns; c; c = c->next)
		conn_close(c, "back-end shutting down");
	conn_reap();
}
