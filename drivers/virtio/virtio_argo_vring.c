// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: the device side of the guest's split virtqueues.
 *
 * The virtqueues never leave the guest. This file plays the device's part
 * on them: it takes chains from the available ring, walks their
 * descriptors (direct and indirect) to find the buffers, and puts
 * completed chains on the used ring, with event-index suppression both
 * ways. Only the contents of the buffers go to the back-end.
 *
 * The descriptors are written by our own kernel, but are still checked
 * (indices, loops, readable-before-writable, RAM only) so that a driver
 * bug breaks the device instead of the guest.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include "virtio_argo_priv.h"

/* One step of a chain walk: a buffer and whether the device may write it. */
typedef int (*va_walk_fn)(void *arg, void *buf, u32 len, bool write);

static int va_chain_walk(struct va_vq *vvq, u16 head, va_walk_fn fn,
			 void *arg)
{
	struct virtio_device *vdev = vvq->vq->vdev;
	const struct vring *vr = virtqueue_get_vring(vvq->vq);
	const struct vring_desc *table = vr->desc;
	u32 size = vvq->num, count = 0, i = head;
	bool indirect = false, seen_write = false;

	for (;;) {
		const struct vring_desc *d;
		u16 flags;
		u32 len;
		void *buf;
		int ret;

		if (i >= size || ++count > size)
			return -EINVAL;	/* out of the table, or a loop */
		d = &table[i];
		flags = virtio16_to_cpu(vdev, READ_ONCE(d->flags));
		len = virtio32_to_cpu(vdev, READ_ONCE(d->len));

		if (flags & VRING_DESC_F_INDIRECT) {
			if (indirect || (flags & VRING_DESC_F_NEXT) ||
			    !vvq->indirect || !len ||
			    len % sizeof(struct vring_desc))
				return -EINVAL;
			table = va_dma_to_virt(virtio64_to_cpu(vdev, d->addr),
					       len);
			if (!table)
				return -EINVAL;
			size = len / sizeof(struct vring_desc);
			indirect = true;
			count = 0;
			i = 0;
			continue;
		}

		if (flags & VRING_DESC_F_WRITE)
			seen_write = true;
		else if (seen_write)
			return -EINVAL;	/* readable after writable */

		if (len) {
			buf = va_dma_to_virt(virtio64_to_cpu(vdev,
							     READ_ONCE(d->addr)),
					     len);
			if (!buf)
				return -EINVAL;
			ret = fn(arg, buf, len, flags & VRING_DESC_F_WRITE);
			if (ret)
				return ret < 0 ? ret : 0;
		}
		if (!(flags & VRING_DESC_F_NEXT))
			return 0;
		i = virtio16_to_cpu(vdev, READ_ONCE(d->next));
	}
}

struct va_lengths {
	u64 out, in;
};

static int va_add_len(void *arg, void *buf, u32 len, bool write)
{
	struct va_lengths *l = arg;

	if (write)
		l->in += len;
	else
		l->out += len;
	return 0;
}

/**
 * va_chain_lengths() - readable and writable bytes of a chain
 * @vvq: the queue
 * @head: the chain's head descriptor
 * @out_len: readable bytes
 * @in_len: writable bytes
 *
 * Return: 0, -EINVAL for a malformed chain, -E2BIG if a total does not
 * fit 32 bits.
 */
int va_chain_lengths(struct va_vq *vvq, u16 head, u32 *out_len, u32 *in_len)
{
	struct va_lengths l = {};
	int ret = va_chain_walk(vvq, head, va_add_len, &l);

	if (ret)
		return ret;
	if (l.out > U32_MAX || l.in > U32_MAX)
		return -E2BIG;
	*out_len = l.out;
	*in_len = l.in;
	return 0;
}

struct va_gather {
	u32 skip;		/* readable bytes before the window */
	u32 room;		/* bytes still wanted */
	struct kvec *iov;
	unsigned int niov, n;
	u32 len;
};

static int va_gather_one(void *arg, void *buf, u32 len, bool write)
{
	struct va_gather *g = arg;
	struct kvec *prev;
	u32 take;

	if (write || !g->room)
		return 1;
	if (g->skip >= len) {
		g->skip -= len;
		return 0;
	}
	buf += g->skip;
	len -= g->skip;
	g->skip = 0;
	take = min(len, g->room);
	/*
	 * Xen takes at most 8 iovecs per send: a buffer that goes on where
	 * the previous one ends (the pages of a large block request often
	 * do) joins it instead of taking another.
	 */
	prev = g->n ? &g->iov[g->n - 1] : NULL;
	if (prev && prev->iov_base + prev->iov_len == buf) {
		prev->iov_len += take;
	} else {
		if (g->n == g->niov)
			return 1;
		g->iov[g->n].iov_base = buf;
		g->iov[g->n].iov_len = take;
		g->n++;
	}
	g->room -= take;
	g->len += take;
	return 0;
}

/**
 * va_chain_out_iov() - point iovecs at a window of a chain's readable bytes
 * @vvq: the queue
 * @head: the chain's head descriptor
 * @off: first readable byte of the window
 * @max: most bytes in the window
 * @iov: filled with pieces of the guest's buffers, sent in place
 * @niov: most entries to fill
 * @len: bytes described
 *
 * Return: the entries filled.
 */
unsigned int va_chain_out_iov(struct va_vq *vvq, u16 head, u32 off,
			      u32 max, struct kvec *iov, unsigned int niov,
			      u32 *len)
{
	struct va_gather g = {
		.skip = off, .room = max, .iov = iov, .niov = niov,
	};

	*len = 0;
	if (va_chain_walk(vvq, head, va_gather_one, &g) < 0)
		return 0;
	*len = g.len;
	return g.n;
}

struct va_copy {
	u32 skip;
	u32 left;
	u8 *dst;
};

static int va_copy_one(void *arg, void *buf, u32 len, bool write)
{
	struct va_copy *c = arg;
	u32 take;

	if (write || !c->left)
		return 1;
	if (c->skip >= len) {
		c->skip -= len;
		return 0;
	}
	take = min(len - c->skip, c->left);
	memcpy(c->dst, buf + c->skip, take);
	c->skip = 0;
	c->dst += take;
	c->left -= take;
	return 0;
}

/**
 * va_chain_out_copy() - copy a window of a chain's readable bytes
 * @vvq: the queue
 * @head: the chain's head descriptor
 * @off: first readable byte of the window
 * @dst: where to copy it
 * @count: its size
 *
 * Return: the number of bytes copied: less than @count only if the
 * readable bytes end first or the chain is malformed.
 */
u32 va_chain_out_copy(struct va_vq *vvq, u16 head, u32 off, void *dst,
		      u32 count)
{
	struct va_copy c = { .skip = off, .left = count, .dst = dst };

	if (va_chain_walk(vvq, head, va_copy_one, &c) < 0)
		return 0;
	return count - c.left;
}

struct va_scatter {
	u32 skip;
	u32 left;
	const struct argo_ring *ring;
	const struct argo_msg *msg;
	u32 msg_off;
	int err;
};

static int va_scatter_one(void *arg, void *buf, u32 len, bool write)
{
	struct va_scatter *s = arg;
	u32 take;

	if (!write)
		return 0;
	if (!s->left)
		return 1;
	if (s->skip >= len) {
		s->skip -= len;
		return 0;
	}
	buf += s->skip;
	len -= s->skip;
	s->skip = 0;
	take = min(len, s->left);
	s->err = argo_msg_read(s->ring, s->msg, s->msg_off, buf, take);
	if (s->err)
		return s->err;
	s->msg_off += take;
	s->left -= take;
	return 0;
}

/**
 * va_chain_write() - copy bytes of a message into a chain's writable buffers
 * @vvq: the queue
 * @head: the chain's head descriptor
 * @off: where in the writable bytes to start
 * @ring: the ring the message is in
 * @msg: the message
 * @msg_off: where in the message the bytes are
 * @count: how many
 *
 * Return: 0, or -EINVAL if the writable buffers end first.
 */
int va_chain_write(struct va_vq *vvq, u16 head, u32 off,
		   const struct argo_ring *ring, const struct argo_msg *msg,
		   u32 msg_off, u32 count)
{
	struct va_scatter s = {
		.skip = off, .left = count, .ring = ring, .msg = msg,
		.msg_off = msg_off,
	};
	int ret;

	if (!count)
		return 0;
	ret = va_chain_walk(vvq, head, va_scatter_one, &s);
	if (ret < 0)
		return ret;
	return s.left ? -EINVAL : 0;
}

struct va_fill {
	u32 skip;
	u32 left;
	const u8 *src;
};

static int va_fill_one(void *arg, void *buf, u32 len, bool write)
{
	struct va_fill *f = arg;
	u32 take;

	if (!write)
		return 0;
	if (!f->left)
		return 1;
	if (f->skip >= len) {
		f->skip -= len;
		return 0;
	}
	take = min(len - f->skip, f->left);
	memcpy(buf + f->skip, f->src, take);
	f->skip = 0;
	f->src += take;
	f->left -= take;
	return 0;
}

/**
 * va_chain_write_buf() - copy bytes into a chain's writable buffers
 * @vvq: the queue
 * @head: the chain's head descriptor
 * @off: where in the writable bytes to start
 * @src: the bytes
 * @count: how many
 *
 * Return: 0, or -EINVAL if the writable buffers end first.
 */
int va_chain_write_buf(struct va_vq *vvq, u16 head, u32 off, const void *src,
		       u32 count)
{
	struct va_fill f = { .skip = off, .left = count, .src = src };
	int ret;

	if (!count)
		return 0;
	ret = va_chain_walk(vvq, head, va_fill_one, &f);
	if (ret < 0)
		return ret;
	return f.left ? -EINVAL : 0;
}

/**
 * va_vring_avail() - take the next chain the driver made available
 * @vvq: the queue
 * @head: its head descriptor
 *
 * With event index, tells the driver to notify us for the next chain
 * when the ring is found empty, and looks again to close the race.
 *
 * Return: true if a chain was taken.
 */
bool va_vring_avail(struct va_vq *vvq, u16 *head)
{
	struct virtio_device *vdev = vvq->vq->vdev;
	const struct vring *vr = virtqueue_get_vring(vvq->vq);
	u16 avail;

	avail = virtio16_to_cpu(vdev, READ_ONCE(vr->avail->idx));
	if (avail == vvq->last_avail) {
		if (!vvq->event_idx)
			return false;
		WRITE_ONCE(vring_avail_event(vr),
			   cpu_to_virtio16(vdev, vvq->last_avail));
		/* Publish the event index before looking again. */
		virtio_mb(true);
		avail = virtio16_to_cpu(vdev, READ_ONCE(vr->avail->idx));
		if (avail == vvq->last_avail)
			return false;
	}
	/* Read the entry and its descriptors only after the index. */
	virtio_rmb(true);
	*head = virtio16_to_cpu(vdev,
				READ_ONCE(vr->avail->ring[vvq->last_avail %
							  vvq->num]));
	vvq->last_avail++;
	return true;
}

/**
 * va_vring_peek() - the next available chain, without taking it
 * @vvq: the queue
 * @head: its head descriptor
 *
 * Return: true if there is one; vvq->last_avail++ takes it.
 */
bool va_vring_peek(struct va_vq *vvq, u16 *head)
{
	struct virtio_device *vdev = vvq->vq->vdev;
	const struct vring *vr = virtqueue_get_vring(vvq->vq);

	if (virtio16_to_cpu(vdev, READ_ONCE(vr->avail->idx)) ==
	    vvq->last_avail)
		return false;
	/* The entry only after the index, as in va_vring_avail(). */
	virtio_rmb(true);
	*head = virtio16_to_cpu(vdev,
				READ_ONCE(vr->avail->ring[vvq->last_avail %
							  vvq->num]));
	return true;
}

/**
 * va_vring_used() - put a completed chain on the used ring
 * @vvq: the queue
 * @head: the chain's head descriptor
 * @len: bytes the device wrote
 */
void va_vring_used(struct va_vq *vvq, u16 head, u32 len)
{
	struct virtio_device *vdev = vvq->vq->vdev;
	const struct vring *vr = virtqueue_get_vring(vvq->vq);
	struct vring_used_elem *e = &vr->used->ring[vvq->used_idx % vvq->num];

	WRITE_ONCE(e->id, cpu_to_virtio32(vdev, head));
	WRITE_ONCE(e->len, cpu_to_virtio32(vdev, len));
	/* The element before the index that publishes it. */
	virtio_wmb(true);
	WRITE_ONCE(vvq->used_idx, vvq->used_idx + 1);
	WRITE_ONCE(vr->used->idx, cpu_to_virtio16(vdev, vvq->used_idx));
}

/**
 * va_vring_need_irq() - whether the driver wants a callback now
 * @vvq: the queue
 * @old_used: the used index before the completions just published
 *
 * Return: true if the driver asked to be told (event index or flags).
 */
bool va_vring_need_irq(struct va_vq *vvq, u16 old_used)
{
	struct virtio_device *vdev = vvq->vq->vdev;
	const struct vring *vr = virtqueue_get_vring(vvq->vq);

	/* Our used index out before we read the driver's wish. */
	virtio_mb(true);
	if (vvq->event_idx)
		return vring_need_event(virtio16_to_cpu(vdev,
					READ_ONCE(vring_used_event(vr))),
					vvq->used_idx, old_used);
	return !(virtio16_to_cpu(vdev, READ_ONCE(vr->avail->flags)) &
		 VRING_AVAIL_F_NO_INTERRUPT);
}
