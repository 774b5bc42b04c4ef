// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: everything the front-end sends, in one FIFO per bus.
 *
 * Control frames go first, each in its own Argo message; then DATA:
 * the chains the driver made available, one at a time per connection
 * (the back-end reassembles at most one partial request), batched several
 * frames to an Argo message when they are small. The readable bytes are
 * sent in place from the guest's buffers: the iovecs point into them and
 * Xen copies straight from there to the back-end's ring. Small frames are
 * the exception: they are copied next to each other, to share an iovec
 * (va_tx_inline()).
 *
 * A message that meets a full ring (-EAGAIN) is kept as built and sent
 * again when xen-argo calls space_ready (or its 1 s safety poll does).
 * Nothing here sleeps: virtqueue notify calls in from atomic context.
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include "virtio_argo_priv.h"

/* Argo messages a notify may send before it leaves the rest to tx_work. */
#define VA_TX_BUDGET_NOTIFY	4
#define VA_TX_BUDGET_WORK	16
/*
 * Chains a queue must have at the device for a new one to wait for the
 * next completion instead of being sent at once (va_tx_kick_vq()). A lone
 * request, or one beside a single other, goes at once. With two at the
 * device the back-end has the second to serve while the first completion
 * travels, and the chains made available meanwhile follow in one message:
 * at queue depth 32 that is a message for every 12 requests instead of 4,
 * and a quarter less guest CPU a request (Documentation/performance.rst).
 */
#define VA_TX_BUSY_CHAINS	2
/*
 * Largest rest of a chain copied rather than sent in place: a copy this
 * small costs less than Xen's translation of one more guest address.
 */
#define VA_TX_INLINE		256

static void va_tx_clear_pending(struct va_bus *bus)
{
	if (bus->pend_ctrl && bus->pend_ctrl->oneway) {
		kfree(bus->pend_ctrl);
		bus->oneway_queued--;
	}
	bus->pend_niov = 0;
	bus->pend_ndone = 0;
	bus->bounce_used = 0;
	bus->pend_vd = NULL;
	bus->pend_ctrl = NULL;
}

/*
 * Send the pending message. Errors other than a full ring end the
 * connection or, for an access control refusal, the bus: a retry loop
 * would only fill the log.
 */
static int va_tx_send_pending(struct va_bus *bus)
{
	size_t bytes = 0;
	unsigned int i;
	int ret;

	for (i = 0; i < bus->pend_niov; i++)
		bytes += bus->pend_iov[i].iov_len;
	ret = argo_sendv(bus->ring, bus->be_domid, bus->be_port,
			 VIRTIO_ARGO_ARGO_TYPE, bus->pend_iov, bus->pend_niov);
	if (ret == -EAGAIN) {
		atomic64_inc(&bus->stats.tx_eagain);
		return ret;
	}
	/*
	 * Only now may the device answer these chains: until the message
	 * is in the back-end's ring, their buffers must stay the driver's.
	 * A reply that beats this store waits for tx_lock in va_rx_data().
	 */
	if (ret >= 0)
		for (i = 0; i < bus->pend_ndone; i++)
			WRITE_ONCE(bus->pend_done[i]->out_done, true);
	va_tx_clear_pending(bus);
	if (ret >= 0) {
		atomic64_inc(&bus->stats.tx_msgs);
		atomic64_add(bytes, &bus->stats.tx_bytes);
		return 0;
	}
	switch (ret) {
	case -EPERM:
	case -EACCES:
		if (!bus->xsm_denied)
			dev_err(&bus->dev,
				"Argo refused sending to domain %u port %#x (%d): the XSM policy forbids this pair of domains\n",
				bus->be_domid, bus->be_port, ret);
		bus->xsm_denied = true;
		va_bus_lost(bus, "access control refused the send");
		break;
	case -ECONNREFUSED:
		va_bus_lost(bus, "back-end ring is gone");
		break;
	case -ESRCH:
		va_bus_lost(bus, "back-end domain is gone");
		break;
	default:
		dev_err_ratelimited(&bus->dev, "send of %zu bytes failed: %d\n",
				    bytes, ret);
		va_bus_lost(bus, "send failed");
		break;
	}
	return ret;
}

/* Move the next control frame into the pending slot. */
static bool va_tx_build_ctrl(struct va_bus *bus)
{
	struct va_ctrl *c;

	c = list_first_entry_or_null(&bus->tx_ctrl, struct va_ctrl, tx_node);
	if (!c)
		return false;
	list_del_init(&c->tx_node);
	bus->pend_iov[0].iov_base = c->frame;
	bus->pend_iov[0].iov_len = c->len;
	bus->pend_niov = 1;
	bus->pend_ctrl = c;
	return true;
}

/* A chain in flight when the last connection was lost, to send again. */
static bool va_tx_resend_chain(struct va_bus *bus, struct va_vq *vvq)
{
	unsigned long head;

	for (;;) {
		head = find_first_bit(vvq->resend, vvq->num);
		if (head >= vvq->num)
			return false;
		__clear_bit(head, vvq->resend);
		/* Failed or completed by a notifier's poll meanwhile? */
		if (vvq->chains[head].in_flight)
			break;
	}
	bus->cur_vq = vvq;
	bus->cur_head = head;
	bus->cur_off = 0;
	atomic64_inc(&bus->stats.resent);
	return true;
}

/* Take the next available chain of a queue as the partial chain. */
static bool va_tx_next_chain(struct va_bus *bus, struct va_vq *vvq)
{
	struct va_chain *c;
	u32 out_len, in_len;
	u16 head;
	int ret;

	if (va_tx_resend_chain(bus, vvq))
		return true;
	if (!va_vring_avail(vvq, &head))
		return false;
	if (head >= vvq->num || vvq->chains[head].in_flight) {
		va_vdev_broken(vvq->vd, "driver made a bad chain available");
		return false;
	}
	ret = va_chain_lengths(vvq, head, &out_len, &in_len);
	if (ret) {
		va_vdev_broken(vvq->vd, "malformed descriptor chain");
		return false;
	}
	if (out_len > bus->max_chain || in_len > bus->max_chain) {
		dev_err_ratelimited(&vvq->vd->vdev.dev,
				    "chain of %u+%u bytes exceeds the back-end's limit of %u\n",
				    out_len, in_len, bus->max_chain);
		va_vdev_broken(vvq->vd, "chain larger than max_chain");
		return false;
	}
	c = &vvq->chains[head];
	*c = (struct va_chain){ .out_len = out_len, .in_len = in_len };
	/* A chain the device only reads: its notifier may spin for it. */
	if (!in_len)
		atomic_inc(&vvq->ro_inflight);
	/* The fields before the flag that makes the receive path read them. */
	smp_store_release(&c->in_flight, true);
	bus->cur_vq = vvq;
	bus->cur_head = head;
	bus->cur_off = 0;
	atomic64_inc(&bus->stats.chains);
	return true;
}

/*
 * The iovecs ran out before @room bytes of the partial chain were covered:
 * its buffers are scattered (the pages of a user buffer under O_DIRECT, the
 * fragments of a network packet). Copy the window into the bounce buffer
 * instead, one iovec for all of it. A copy in the guest costs less than
 * the hypercalls, VIRQs and back-end wakeups of the extra messages that
 * 8 iovecs at a time would take. The bounce buffer is the pending
 * message's until it is sent or dropped (va_tx_clear_pending()).
 */
static void va_tx_bounce(struct va_bus *bus, u32 room, u32 *n,
			 unsigned int *pieces)
{
	unsigned int k = bus->pend_niov + 1;
	u32 take, got;
	u8 *dst;

	take = min(room, VA_TX_BOUNCE - bus->bounce_used);
	if (take <= *n)
		return;
	dst = bus->bounce + bus->bounce_used;
	got = va_chain_out_copy(bus->cur_vq, bus->cur_head, bus->cur_off, dst,
				take);
	if (got != take) {
		*n = 0;		/* the chain changed under us */
		return;
	}
	bus->pend_iov[k].iov_base = dst;
	bus->pend_iov[k].iov_len = take;
	bus->bounce_used += take;
	atomic64_add(take, &bus->stats.tx_copied);
	*n = take;
	*pieces = 1;
}

/* The DATA frame header for the next @n bytes of the partial chain. */
static void va_tx_frame(struct va_bus *bus, struct va_data_frame *f, u32 n)
{
	struct va_vq *vvq = bus->cur_vq;
	struct va_chain *c = &vvq->chains[bus->cur_head];

	va_hdr_init(&f->hdr, 0, VIRTIO_ARGO_MSG_DATA, vvq->vd->num, 0,
		    VIRTIO_ARGO_DATA_HDR_LEN + n);
	f->vq = cpu_to_le16(vvq->index);
	f->chain = cpu_to_le16(bus->cur_head);
	f->epoch = cpu_to_le32(vvq->epoch);
	f->out_len = cpu_to_le32(c->out_len);
	f->in_len = cpu_to_le32(c->in_len);
	f->offset = cpu_to_le32(bus->cur_off);
	f->reserved = 0;
}

/*
 * The rest of the partial chain is small (a block request's header, a
 * receive buffer's empty frame, a short packet): copy the frame, header
 * and bytes, into the bounce buffer, right after the previous such frame,
 * so that the two share an iovec. Xen's 8 iovecs then carry dozens of
 * requests instead of four, and a lone request is one iovec, not two:
 * Xen translates every iovec's guest address on its own.
 *
 * Return: true if the chain's last fragment is in the message; false to
 * send it in place instead.
 */
static bool va_tx_inline(struct va_bus *bus, u32 n, u32 *msg_len)
{
	struct va_vq *vvq = bus->cur_vq;
	struct va_chain *c = &vvq->chains[bus->cur_head];
	u32 len = VIRTIO_ARGO_DATA_HDR_LEN + n;
	unsigned int k = bus->pend_niov;
	struct kvec *last = k ? &bus->pend_iov[k - 1] : NULL;
	u8 *dst = bus->bounce + bus->bounce_used;
	struct va_data_frame f;
	bool join;

	if (n > VA_TX_INLINE || VA_TX_BOUNCE - bus->bounce_used < len)
		return false;
	join = last && last->iov_base + last->iov_len == dst;
	if (!join && k >= VA_TX_IOV)
		return false;
	if (n && va_chain_out_copy(vvq, bus->cur_head, bus->cur_off,
				   dst + VIRTIO_ARGO_DATA_HDR_LEN, n) != n)
		return false;	/* the in-place path says what is wrong */
	/* Built aside: frames follow each other at any byte offset. */
	va_tx_frame(bus, &f, n);
	memcpy(dst, &f, sizeof(f));
	if (join) {
		last->iov_len += len;
	} else {
		bus->pend_iov[k].iov_base = dst;
		bus->pend_iov[k].iov_len = len;
		bus->pend_niov = k + 1;
	}
	bus->bounce_used += len;
	atomic64_add(n, &bus->stats.tx_copied);
	*msg_len += len;
	bus->cur_off += n;
	bus->pend_done[bus->pend_ndone++] = c;
	bus->cur_vq = NULL;
	return true;
}

/*
 * Add fragments of the partial chain to the message being built, as long
 * as whole frames fit (iovecs and the peer's max_msg).
 *
 * Return: true if the chain's last fragment is in the message.
 */
static bool va_tx_add_fragments(struct va_bus *bus, u32 *msg_len)
{
	struct va_vq *vvq = bus->cur_vq;
	struct va_chain *c = &vvq->chains[bus->cur_head];
	u32 frag_max = min_t(u32, VIRTIO_ARGO_MAX_FRAME, bus->peer_max_msg) -
		       VIRTIO_ARGO_DATA_HDR_LEN;

	for (;;) {
		unsigned int k = bus->pend_niov, pieces;
		struct va_data_frame *f;
		u32 room, n;

		if (bus->pend_ndone >= VA_TX_CHAINS ||
		    *msg_len + VIRTIO_ARGO_DATA_HDR_LEN > bus->peer_max_msg)
			return false;
		room = min(frag_max, bus->peer_max_msg - *msg_len -
			   VIRTIO_ARGO_DATA_HDR_LEN);
		room = min(room, c->out_len - bus->cur_off);
		/* Only a chain with nothing left to carry has an empty frame. */
		if (!room && c->out_len != bus->cur_off)
			return false;
		if (room == c->out_len - bus->cur_off &&
		    va_tx_inline(bus, room, msg_len))
			return true;
		if (k >= VA_TX_IOV)
			return false;
		pieces = 0;
		n = 0;
		if (room) {
			if (k + 1 >= VA_TX_IOV)
				return false;
			pieces = va_chain_out_iov(vvq, bus->cur_head,
						  bus->cur_off, room,
						  &bus->pend_iov[k + 1],
						  VA_TX_IOV - k - 1, &n);
			if (n && n < room)
				va_tx_bounce(bus, room, &n, &pieces);
			if (!n) {
				/* Walked before; only a changed chain fails. */
				va_vdev_broken(vvq->vd, "chain changed in flight");
				bus->cur_vq = NULL;
				return false;
			}
		}
		f = &bus->pend_frame[k];
		va_tx_frame(bus, f, n);
		bus->pend_iov[k].iov_base = f;
		bus->pend_iov[k].iov_len = sizeof(*f);
		bus->pend_niov = k + 1 + pieces;
		*msg_len += VIRTIO_ARGO_DATA_HDR_LEN + n;
		bus->cur_off += n;
		if (bus->cur_off == c->out_len) {
			bus->pend_done[bus->pend_ndone++] = c;
			bus->cur_vq = NULL;
			return true;
		}
	}
}

/*
 * Build one Argo message of DATA frames, all for one device, so that a
 * reset of the device can drop the message whole if it is still pending.
 */
static bool va_tx_build_data(struct va_bus *bus)
{
	struct va_vdev *vd = NULL;
	u32 msg_len = 0;

	while (bus->pend_ndone < VA_TX_CHAINS) {
		struct va_vq *vvq = bus->cur_vq;

		if (!vvq) {
			vvq = list_first_entry_or_null(&bus->tx_vqs,
						       struct va_vq, tx_node);
			if (!vvq || (vd && vvq->vd != vd))
				break;
			if (vvq->vd->broken || vvq->vd->detached ||
			    vvq->vd->failing || !va_tx_next_chain(bus, vvq)) {
				list_del_init(&vvq->tx_node);
				vvq->queued = false;
				continue;
			}
		}
		vd = vvq->vd;
		bus->pend_vd = vd;
		if (!va_tx_add_fragments(bus, &msg_len))
			break;
		/* Chain done: let the other queues have the next turn. */
		if (vvq->queued)
			list_move_tail(&vvq->tx_node, &bus->tx_vqs);
	}
	return bus->pend_niov;
}

/**
 * va_tx_run() - send what is queued, until the ring is full or @budget
 * @bus: the bus; its tx_lock held
 * @budget: most Argo messages to send; what is left goes to tx_work
 */
void va_tx_run(struct va_bus *bus, unsigned int budget)
{
	lockdep_assert_held(&bus->tx_lock);

	while (bus->ring) {
		if (!bus->pend_niov) {
			if (!va_tx_build_ctrl(bus) &&
			    (READ_ONCE(bus->state) != VA_CONNECTED ||
			     !va_tx_build_data(bus)))
				return;
		}
		if (!budget--) {
			queue_work(va_wq, &bus->tx_work);
			return;
		}
		if (va_tx_send_pending(bus))
			return;
	}
}

void va_tx_work(struct work_struct *work)
{
	struct va_bus *bus = container_of(work, struct va_bus, tx_work);
	unsigned long flags;

	spin_lock_irqsave(&bus->tx_lock, flags);
	va_tx_run(bus, VA_TX_BUDGET_WORK);
	spin_unlock_irqrestore(&bus->tx_lock, flags);
}

/* xen-argo: the back-end's ring may have room again (hard IRQ). */
void va_space_ready(struct argo_ring *ring, void *priv)
{
	struct va_bus *bus = priv;

	queue_work(va_wq, &bus->tx_work);
}

/*
 * Whether a queue has so many chains at the device that a completion is
 * sure to come soon: taken but not yet used. The used index is the
 * receive side's, read without its lock. A stale value only makes the
 * queue look busier than it is, and then the rx_work that used the
 * chains has not flushed yet: it takes tx_lock after it moved the index,
 * and will send this chain.
 */
static bool va_tx_vq_busy(struct va_vq *vvq)
{
	u16 at_device = vvq->last_avail - READ_ONCE(vvq->used_idx);

	return at_device >= VA_TX_BUSY_CHAINS;
}

/**
 * va_tx_flush() - send the chains that waited for a completion
 * @bus: the bus
 *
 * Called by rx_work once it has delivered a batch of completions: what
 * the drivers made available since the last call goes in one message.
 */
void va_tx_flush(struct va_bus *bus)
{
	unsigned long flags;

	spin_lock_irqsave(&bus->tx_lock, flags);
	if (!list_empty(&bus->tx_vqs))
		va_tx_run(bus, VA_TX_BUDGET_NOTIFY);
	spin_unlock_irqrestore(&bus->tx_lock, flags);
}

/**
 * va_tx_kick_vq() - the driver made chains available on a queue
 * @vvq: the queue
 *
 * Called from virtqueue notify, in any context.
 *
 * Return: false only if the device is broken, which breaks the queue.
 */
bool va_tx_kick_vq(struct va_vq *vvq)
{
	struct va_vdev *vd = vvq->vd;
	struct va_bus *bus = vd->bus;
	unsigned long flags;
	bool ok;

	/* Removed without a back-end: nothing can be sent, fail it now. */
	if (READ_ONCE(vd->failing)) {
		spin_lock_irqsave(&vd->cb_lock, flags);
		spin_lock(&bus->tx_lock);
		va_vdev_fail_chains(vvq);
		spin_unlock(&bus->tx_lock);
		spin_unlock_irqrestore(&vd->cb_lock, flags);
		queue_work(va_wq, &bus->rx_work);
		return true;
	}

	spin_lock_irqsave(&bus->tx_lock, flags);
	ok = !vvq->vd->broken;
	/* Detached: the chains wait for a new connection (va_vdev_resume). */
	if (ok && !vvq->vd->quiesced && !vvq->vd->detached) {
		if (!vvq->queued) {
			list_add_tail(&vvq->tx_node, &bus->tx_vqs);
			vvq->queued = true;
		}
		/*
		 * Chains the device only reads are still in flight on this
		 * queue: their completions will come anyway, so nothing waits
		 * on this chain alone. Let tx_work send it, with the chains
		 * the driver adds meanwhile (TCP's next TSO packet) in the
		 * same Argo message.
		 *
		 * Many chains of this queue at the device: it is busy, and a
		 * completion is coming. The chain waits for the rx_work that
		 * delivers it (va_tx_flush()), so the requests the driver
		 * makes in between go in one Argo message, not one message
		 * each. tx_work would not batch them: on a busy vCPU it runs
		 * as soon as the submitter returns to user space.
		 *
		 * An idle queue sends at once: a lone request's latency is not
		 * traded for batching.
		 */
		if (irqs_disabled_flags(flags) || bus->pend_niov)
			va_tx_run(bus, VA_TX_BUDGET_NOTIFY);
		else if (atomic_read(&vvq->ro_inflight))
			queue_work(va_wq, &bus->tx_work);
		else if (!va_tx_vq_busy(vvq))
			va_tx_run(bus, VA_TX_BUDGET_NOTIFY);
		else
			atomic64_inc(&bus->stats.tx_deferred);
	}
	spin_unlock_irqrestore(&bus->tx_lock, flags);
	/*
	 * Interrupts off: the caller may spin until its chain is used and
	 * nothing else on this CPU can complete it (see va_rx_poll_vq()).
	 */
	if (irqs_disabled_flags(flags))
		va_rx_poll_vq(vvq);
	return true;
}

/**
 * va_tx_queue_ctrl() - queue a control frame and send what can be sent
 * @bus: the bus
 * @c: the request, already on the bus's list of requests awaiting replies
 */
void va_tx_queue_ctrl(struct va_bus *bus, struct va_ctrl *c)
{
	unsigned long flags;

	spin_lock_irqsave(&bus->tx_lock, flags);
	list_add_tail(&c->tx_node, &bus->tx_ctrl);
	va_tx_run(bus, VA_TX_BUDGET_NOTIFY);
	spin_unlock_irqrestore(&bus->tx_lock, flags);
}

/**
 * va_tx_unqueue_ctrl() - make sure a control frame is no longer referenced
 * @bus: the bus
 * @c: the request, about to be freed
 */
void va_tx_unqueue_ctrl(struct va_bus *bus, struct va_ctrl *c)
{
	unsigned long flags;

	spin_lock_irqsave(&bus->tx_lock, flags);
	if (!list_empty(&c->tx_node))
		list_del_init(&c->tx_node);
	if (bus->pend_ctrl == c)
		va_tx_clear_pending(bus);
	spin_unlock_irqrestore(&bus->tx_lock, flags);
}

/**
 * va_tx_quiesce() - stop sending for a device and forget what is unsent
 * @vd: the device, being reset or removed
 *
 * The back-end drops a partial chain of a device it resets, so an
 * abandoned chain does not block the connection.
 */
void va_tx_quiesce(struct va_vdev *vd)
{
	struct va_bus *bus = vd->bus;
	struct va_vq *vvq, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&bus->tx_lock, flags);
	vd->quiesced = true;
	if (bus->pend_vd == vd)
		va_tx_clear_pending(bus);
	if (bus->cur_vq && bus->cur_vq->vd == vd)
		bus->cur_vq = NULL;
	list_for_each_entry_safe(vvq, tmp, &bus->tx_vqs, tx_node) {
		if (vvq->vd != vd)
			continue;
		list_del_init(&vvq->tx_node);
		vvq->queued = false;
	}
	spin_unlock_irqrestore(&bus->tx_lock, flags);

	/* Wait for a completion in progress on another CPU. */
	spin_lock_irqsave(&vd->cb_lock, flags);
	vd->vq_gen++;
	spin_unlock_irqrestore(&vd->cb_lock, flags);
	va_cb_forget(vd);
	/* No callback starts now; wait for those already running. */
	while (atomic_read(&vd->cb_running))
		cpu_relax();
}

/**
 * va_tx_quiesce_pending() - drop what is built but unsent for a device
 * @vd: the device, broken, whose buffers may be about to be freed
 *
 * The pending message and the partial chain point into the guest's
 * buffers; a broken device sends nothing more anyway.
 */
void va_tx_quiesce_pending(struct va_vdev *vd)
{
	struct va_bus *bus = vd->bus;
	unsigned long flags;

	spin_lock_irqsave(&bus->tx_lock, flags);
	va_tx_forget_locked(vd);
	spin_unlock_irqrestore(&bus->tx_lock, flags);
}

/**
 * va_tx_forget_locked() - drop what is built but unsent for a device
 * @vd: the device
 *
 * As va_tx_quiesce_pending(), with the bus's tx_lock already held.
 */
void va_tx_forget_locked(struct va_vdev *vd)
{
	struct va_bus *bus = vd->bus;

	lockdep_assert_held(&bus->tx_lock);
	if (bus->pend_vd == vd)
		va_tx_clear_pending(bus);
	if (bus->cur_vq && bus->cur_vq->vd == vd)
		bus->cur_vq = NULL;
}

/**
 * va_tx_drop_all() - forget everything unsent, the connection is gone
 * @bus: the bus
 */
void va_tx_drop_all(struct va_bus *bus)
{
	struct va_ctrl *c, *ctmp;
	struct va_vq *vvq, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&bus->tx_lock, flags);
	va_tx_clear_pending(bus);
	bus->cur_vq = NULL;
	list_for_each_entry_safe(vvq, tmp, &bus->tx_vqs, tx_node) {
		list_del_init(&vvq->tx_node);
		vvq->queued = false;
	}
	/* Requests stay: their owners unlink them when they fail. */
	list_for_each_entry_safe(c, ctmp, &bus->tx_ctrl, tx_node) {
		if (!c->oneway)
			continue;
		list_del(&c->tx_node);
		bus->oneway_queued--;
		kfree(c);
	}
	spin_unlock_irqrestore(&bus->tx_lock, flags);
}

/**
 * va_tx_post_oneway() - queue a frame that expects no answer
 * @bus: the bus
 * @frame: the frame, header included (copied)
 * @len: its size
 *
 * For responses we owe the back-end (PING, ERROR). Any context.
 *
 * Return: 0 or -ENOMEM.
 */
int va_tx_post_oneway(struct va_bus *bus, const void *frame, u32 len)
{
	struct va_ctrl *c;
	unsigned long flags;

	/*
	 * A back-end that does not drain its ring while it sends us PINGs
	 * must not make us queue answers without end: they may be dropped.
	 */
	if (READ_ONCE(bus->oneway_queued) >= VIRTIO_ARGO_MAX_CTRL_INFLIGHT) {
		atomic64_inc(&bus->stats.dropped);
		return -ENOBUFS;
	}
	c = kzalloc(struct_size(c, frame, len), GFP_ATOMIC);
	if (!c)
		return -ENOMEM;
	INIT_LIST_HEAD(&c->node);
	c->oneway = true;
	c->len = len;
	memcpy(c->frame, frame, len);
	spin_lock_irqsave(&bus->tx_lock, flags);
	bus->oneway_queued++;
	list_add_tail(&c->tx_node, &bus->tx_ctrl);
	va_tx_run(bus, VA_TX_BUDGET_NOTIFY);
	spin_unlock_irqrestore(&bus->tx_lock, flags);
	return 0;
}
