// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: everything the back-end sends.
 *
 * xen-argo calls data_ready from the VIRQ; the messages are consumed in a
 * work item, always and without waiting for anything (the front-end
 * always drains its ring, which is what keeps the protocol free of
 * deadlock). Each Argo message is split into frames and every frame is
 * checked before it is used: the back-end is not trusted. DATA responses
 * are copied straight from the ring into the chain's writable buffers,
 * then the chain goes on the used ring and the driver's callback runs.
 */
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include "virtio_argo_priv.h"

/* Argo messages per run of the work; it requeues itself for the rest. */
#define VA_RX_BUDGET	64

/*
 * The driver's callback is not run where the completion is written: a
 * callback may take a driver lock (virtio_console's outvq_lock) whose
 * holder spins, interrupts off, until a completion appears -- which only
 * the receive path can write. So completions are written while the ring
 * is held, and callbacks run after it is released (va_cb_run()).
 */
void va_cb_defer(struct va_bus *bus, struct va_vq *vvq)
{
	spin_lock(&bus->cb_lock);
	if (!vvq->cb_pending) {
		vvq->cb_pending = true;
		list_add_tail(&vvq->cb_node, &bus->cb_list);
	}
	spin_unlock(&bus->cb_lock);
}

static void va_cb_run(struct va_bus *bus)
{
	for (;;) {
		struct va_vdev *vd;
		struct va_vq *vvq;
		unsigned long flags;
		bool run;
		u32 gen;

		spin_lock_irqsave(&bus->cb_lock, flags);
		vvq = list_first_entry_or_null(&bus->cb_list, struct va_vq,
					       cb_node);
		if (!vvq) {
			spin_unlock_irqrestore(&bus->cb_lock, flags);
			return;
		}
		list_del_init(&vvq->cb_node);
		vvq->cb_pending = false;
		/* On the list, the queue and so its device are alive. */
		vd = vvq->vd;
		refcount_inc(&vd->ref);
		gen = READ_ONCE(vd->vq_gen);
		spin_unlock_irqrestore(&bus->cb_lock, flags);

		/*
		 * Not under cb_lock: a callback may notify (virtio_console
		 * pushing output from in_intr), and that notify may complete
		 * chains of this device. cb_running lets quiesce wait for it.
		 */
		spin_lock_irqsave(&vd->cb_lock, flags);
		run = !vd->quiesced && vd->vq_gen == gen;
		if (run)
			atomic_inc(&vd->cb_running);
		spin_unlock_irqrestore(&vd->cb_lock, flags);
		if (run) {
			/* As from an interrupt handler; softirqs run after. */
			local_bh_disable();
			local_irq_save(flags);
			vring_interrupt(0, vvq->vq);
			local_irq_restore(flags);
			local_bh_enable();
			atomic_dec(&vd->cb_running);
		}
		va_vdev_put(vd);
	}
}

/**
 * va_cb_forget() - drop the deferred callbacks of a device being quiesced
 * @vd: the device
 */
void va_cb_forget(struct va_vdev *vd)
{
	struct va_bus *bus = vd->bus;
	struct va_vq *vvq, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&bus->cb_lock, flags);
	list_for_each_entry_safe(vvq, tmp, &bus->cb_list, cb_node) {
		if (vvq->vd != vd)
			continue;
		list_del_init(&vvq->cb_node);
		vvq->cb_pending = false;
	}
	spin_unlock_irqrestore(&bus->cb_lock, flags);
}

static void va_rx_data(struct va_bus *bus, const struct argo_ring *ring,
		       const struct argo_msg *msg, u32 pos,
		       const struct virtio_argo_hdr *hdr, u32 size)
{
	struct virtio_argo_data_resp r;
	u16 num = le16_to_cpu(hdr->dev_num);
	u32 n = size - VIRTIO_ARGO_DATA_HDR_LEN;
	struct va_chain *c;
	struct va_vdev *vd;
	struct va_vq *vvq;
	unsigned long flags;
	u16 index, chain;
	const char *why;
	u32 status;

	if (size < VIRTIO_ARGO_DATA_HDR_LEN ||
	    argo_msg_read(ring, msg, pos + sizeof(*hdr), &r, sizeof(r))) {
		atomic64_inc(&bus->stats.dropped);
		return;
	}
	vd = va_vdev_get(bus, num);
	if (!vd) {
		atomic64_inc(&bus->stats.dropped);
		return;
	}
	index = le16_to_cpu(r.vq);
	chain = le16_to_cpu(r.chain);
	status = le32_to_cpu(r.status);

	spin_lock_irqsave(&vd->cb_lock, flags);
	if (vd->quiesced || vd->broken || vd->detached || vd->failing) {
		/*
		 * Reset or broken: whatever is in flight is unused. Detached
		 * or failing: no connection can answer for it any more.
		 */
		atomic64_inc(&bus->stats.stale);
		goto out;
	}
	vvq = index < vd->nvqs ? vd->vqs[index] : NULL;
	if (!vvq) {
		va_vdev_broken(vd, "DATA response for a queue not set up");
		goto out;
	}
	if (le32_to_cpu(r.epoch) != vvq->epoch) {
		atomic64_inc(&bus->stats.stale);
		dev_dbg_ratelimited(&vd->vdev.dev,
				    "queue %u: dropped a response of epoch %u (now %u)\n",
				    index, le32_to_cpu(r.epoch), vvq->epoch);
		goto out;
	}
	if (chain >= vvq->num || !vvq->chains[chain].in_flight) {
		va_vdev_broken(vd, "DATA response for a chain not in flight");
		goto out;
	}
	c = &vvq->chains[chain];
	if (!READ_ONCE(c->out_done)) {
		/* The sender may still be returning from sendv: let it finish. */
		spin_lock(&bus->tx_lock);
		spin_unlock(&bus->tx_lock);
	}
	if (!READ_ONCE(c->out_done)) {
		va_vdev_broken(vd, "DATA response before the request was sent");
		goto out;
	}
	why = va_check_data_resp(&r, n, c);
	if (why) {
		va_vdev_broken(vd, why);
		goto out;
	}
	if (status) {
		dev_err_ratelimited(&vd->vdev.dev,
				    "queue %u: back-end refused chain %u: error %u\n",
				    index, chain, status);
		va_vdev_broken(vd, "back-end refused a chain");
		goto out;
	}
	if (va_chain_write(vvq, chain, c->received, ring, msg,
			   pos + VIRTIO_ARGO_DATA_HDR_LEN, n)) {
		va_vdev_broken(vd, "response larger than the writable buffers");
		goto out;
	}
	c->started = true;
	c->used_len = le32_to_cpu(r.used_len);
	c->received += n;
	if (c->received == c->used_len) {
		u16 old = vvq->used_idx;

		/*
		 * Not in flight before the driver can see it used and make
		 * the same head available again.
		 */
		smp_store_release(&c->in_flight, false);
		if (!c->in_len)
			atomic_dec(&vvq->ro_inflight);
		va_vring_used(vvq, chain, c->used_len);
		atomic64_inc(&bus->stats.completions);
		if (va_vring_need_irq(vvq, old))
			va_cb_defer(bus, vvq);
	}
out:
	spin_unlock_irqrestore(&vd->cb_lock, flags);
	va_vdev_put(vd);
}

static void va_rx_error_reply(struct va_bus *bus,
			      const struct virtio_argo_hdr *req, u32 code)
{
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_error e;
	} __packed f = {
		.e = { .msg_id = req->msg_id, .code = cpu_to_le32(code) },
	};

	va_hdr_init(&f.hdr, (req->type & VIRTIO_ARGO_TYPE_BUS) |
		    VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_ERROR,
		    le16_to_cpu(req->dev_num), le16_to_cpu(req->token),
		    sizeof(f));
	va_tx_post_oneway(bus, &f, sizeof(f));
}

/* Requests and events of the bus namespace from the back-end. */
static void va_rx_bus(struct va_bus *bus, u8 *frame, u32 size)
{
	struct virtio_argo_hdr *hdr = (void *)frame;
	const struct virtio_argo_event_device *ev = (void *)(frame +
							     sizeof(*hdr));
	const u32 small = sizeof(*hdr) + 4;

	if (hdr->dev_num) {
		atomic64_inc(&bus->stats.dropped);
		return;
	}
	switch (hdr->msg_id) {
	case VIRTIO_ARGO_BUS_PING:
		if (size != small) {
			/* A malformed request is answered, not ignored. */
			va_rx_error_reply(bus, hdr, VIRTIO_ARGO_E_INVALID);
			return;
		}
		hdr->type |= VIRTIO_ARGO_TYPE_RESPONSE;
		va_tx_post_oneway(bus, frame, size);
		return;
	case VIRTIO_ARGO_BUS_EVENT_DEVICE:
		if (size != small)
			break;
		va_bus_event_device(bus, le16_to_cpu(ev->device_number),
				    le16_to_cpu(ev->state));
		return;
	case VIRTIO_ARGO_BUS_GOODBYE:
		if (size != small)
			break;
		va_bus_lost(bus, "back-end said goodbye");
		return;
	default:
		if (!(hdr->msg_id & VIRTIO_ARGO_ID_EVENT)) {
			va_rx_error_reply(bus, hdr, VIRTIO_ARGO_E_UNSUPPORTED);
			return;
		}
		break;
	}
	atomic64_inc(&bus->stats.dropped);
}

/* Requests and events of the transport namespace from the back-end. */
static void va_rx_transport(struct va_bus *bus, const u8 *frame, u32 size)
{
	const struct virtio_argo_hdr *hdr = (const void *)frame;
	const struct virtio_argo_event_config *ev;
	struct va_vdev *vd;
	const char *why;
	u32 fixed = sizeof(*hdr) + sizeof(*ev);

	if (hdr->msg_id != VIRTIO_ARGO_MSG_EVENT_CONFIG) {
		if (!(hdr->msg_id & VIRTIO_ARGO_ID_EVENT))
			va_rx_error_reply(bus, hdr, VIRTIO_ARGO_E_UNSUPPORTED);
		else
			atomic64_inc(&bus->stats.dropped);
		return;
	}
	vd = va_vdev_get(bus, le16_to_cpu(hdr->dev_num));
	if (!vd || size < fixed) {
		atomic64_inc(&bus->stats.dropped);
		goto out;
	}
	ev = (const void *)(frame + sizeof(*hdr));
	why = va_check_event_config(ev, size - fixed, vd->info.config_size);
	if (why) {
		dev_warn_ratelimited(&vd->vdev.dev,
				     "dropped a configuration event: %s\n", why);
		atomic64_inc(&bus->stats.dropped);
		/* Something changed: read it all again. */
		WRITE_ONCE(vd->config_stale, true);
		va_bus_kick(bus);
		goto out;
	}
	va_vdev_config_event(vd, ev, frame + fixed, size - fixed);
out:
	if (vd)
		va_vdev_put(vd);
}

/* One frame. Return: false for a framing error. */
static bool va_rx_frame(struct va_bus *bus, const struct argo_ring *ring,
			const struct argo_msg *msg, u32 pos,
			const struct virtio_argo_hdr *hdr, u32 size)
{
	u8 type = hdr->type & (VIRTIO_ARGO_TYPE_RESPONSE |
			       VIRTIO_ARGO_TYPE_BUS);

	if (type == VIRTIO_ARGO_TYPE_RESPONSE &&
	    hdr->msg_id == VIRTIO_ARGO_MSG_DATA) {
		va_rx_data(bus, ring, msg, pos, hdr, size);
		return true;
	}
	if (size > VA_CTRL_FRAME_MAX ||
	    argo_msg_read(ring, msg, pos, bus->rx_frame, size)) {
		atomic64_inc(&bus->stats.dropped);
		return true;
	}
	if (type & VIRTIO_ARGO_TYPE_RESPONSE)
		va_ctrl_response(bus, bus->rx_frame, size);
	else if (type & VIRTIO_ARGO_TYPE_BUS)
		va_rx_bus(bus, bus->rx_frame, size);
	else
		va_rx_transport(bus, bus->rx_frame, size);
	return true;
}

static int va_rx_msg(struct argo_ring *ring, const struct argo_msg *msg,
		     void *arg)
{
	struct va_bus *bus = arg;
	struct virtio_argo_hdr hdr;
	u32 pos = 0, size;

	if (msg->src_domid != bus->be_domid || msg->src_port != bus->be_port ||
	    msg->type != VIRTIO_ARGO_ARGO_TYPE || (msg->len && msg->len < 8)) {
		atomic64_inc(&bus->stats.dropped);
		dev_dbg_ratelimited(&bus->dev,
				    "dropped a message from %u:%#x type %#x, %u bytes\n",
				    msg->src_domid, msg->src_port, msg->type,
				    msg->len);
		return ARGO_RECV_NEXT;
	}
	atomic64_inc(&bus->stats.rx_msgs);
	atomic64_add(msg->len, &bus->stats.rx_bytes);
	WRITE_ONCE(bus->last_rx, jiffies);

	while (pos < msg->len) {
		if (msg->len - pos < sizeof(hdr) ||
		    argo_msg_read(ring, msg, pos, &hdr, sizeof(hdr)))
			goto framing;
		size = le16_to_cpu(hdr.msg_size);
		if (size < sizeof(hdr) || size > msg->len - pos)
			goto framing;
		if (!va_rx_frame(bus, ring, msg, pos, &hdr, size))
			goto framing;
		pos += size;
	}
	return ARGO_RECV_NEXT;

framing:
	dev_err_ratelimited(&bus->dev,
			    "framing error at byte %u of a %u-byte message: dropping the connection\n",
			    pos, msg->len);
	va_bus_lost(bus, "framing error");
	return ARGO_RECV_NEXT;
}

void va_rx_work(struct work_struct *work)
{
	struct va_bus *bus = container_of(work, struct va_bus, rx_work);
	int ret;

	if (READ_ONCE(bus->dead))
		return;
	ret = argo_ring_recv(bus->ring, va_rx_msg, bus, VA_RX_BUDGET);
	va_cb_run(bus);
	/* What busy queues made available meanwhile (va_tx_kick_vq()). */
	va_tx_flush(bus);
	if (ret == VA_RX_BUDGET || ret == -EBUSY)
		queue_work(va_wq, &bus->rx_work);
	else if (ret == -EPROTO)
		va_bus_lost(bus, "receive ring is corrupt");
}

/* Give read-only chains back unused to a notifier that spins for them. */
static void va_rx_release_ro(struct va_vq *vvq, const char *why)
{
	struct va_vdev *vd = vvq->vd;
	struct va_bus *bus = vd->bus;
	unsigned long flags;
	u16 heads[16];
	unsigned int n, i;
	bool more;

	/* Anything built from them goes: their buffers are about to. */
	va_tx_quiesce_pending(vd);
	do {
		/* Chains not even taken yet (no connection): take them. */
		n = 0;
		spin_lock_irqsave(&bus->tx_lock, flags);
		while (n < ARRAY_SIZE(heads) && va_vring_peek(vvq, &heads[n])) {
			u32 out_len, in_len;

			if (heads[n] >= vvq->num ||
			    vvq->chains[heads[n]].in_flight ||
			    va_chain_lengths(vvq, heads[n], &out_len, &in_len) ||
			    in_len)
				break;
			vvq->last_avail++;
			n++;
		}
		more = n == ARRAY_SIZE(heads);
		spin_unlock_irqrestore(&bus->tx_lock, flags);

		spin_lock_irqsave(&vd->cb_lock, flags);
		if (!vd->broken)
			dev_err_ratelimited(&vd->vdev.dev,
					    "queue %u: read-only chains returned unused to the notifier waiting for them: %s\n",
					    vvq->index, why);
		va_vdev_broken(vd, why);
		for (i = 0; i < vvq->num; i++) {
			struct va_chain *c = &vvq->chains[i];

			if (!c->in_flight || c->in_len)
				continue;
			if (n == ARRAY_SIZE(heads)) {
				more = true;
				break;
			}
			/* Released before the used entry, as in va_rx_data(). */
			smp_store_release(&c->in_flight, false);
			atomic_dec(&vvq->ro_inflight);
			heads[n++] = i;
		}
		for (i = 0; i < n; i++) {
			u16 old = vvq->used_idx;

			va_vring_used(vvq, heads[i], 0);
			if (va_vring_need_irq(vvq, old))
				va_cb_defer(bus, vvq);
		}
		spin_unlock_irqrestore(&vd->cb_lock, flags);
	} while (more && n);
}

/**
 * va_rx_poll_vq() - complete a queue's read-only chains, spinning
 * @vvq: the queue, just notified with interrupts off
 *
 * For a notify from a context with interrupts off whose caller spins
 * until the device has used its chain (virtio_console writes console
 * output that way): a device behind a trap would have used it before the
 * notify returned; ours is behind Argo. So until every chain the driver
 * made available is taken and every read-only one is completed, the
 * sends are driven and the ring is polled here, on this CPU -- which also
 * works on a one-vCPU guest or on vCPU 0, where the VIRQ waits for
 * interrupts to come back on. xen-argo's dispatch is run now and then so
 * that a back-end in this same domain (dom0 loopback) hears of us.
 *
 * If that does not happen within poll_ms, or cannot (no connection,
 * device broken or reset), the read-only chains are given back unused:
 * they only carried bytes to the device, so nothing is invented for the
 * driver to read, and the CPU never spins for good. Breaking the queue
 * instead would not do: virtio_console frees the buffer of a chain left
 * on a broken queue while the chain is still in the ring.
 */
void va_rx_poll_vq(struct va_vq *vvq)
{
	struct va_vdev *vd = vvq->vd;
	struct va_bus *bus = vd->bus;
	u64 end = ktime_get_mono_fast_ns() + (u64)va_poll_ms * NSEC_PER_MSEC;
	const char *why = NULL;
	unsigned int spins = 0;
	unsigned long flags;

	for (;;) {
		u16 head;
		bool untaken;

		spin_lock_irqsave(&bus->tx_lock, flags);
		untaken = va_vring_peek(vvq, &head);
		spin_unlock_irqrestore(&bus->tx_lock, flags);
		if (!untaken && !atomic_read(&vvq->ro_inflight))
			break;
		if (READ_ONCE(vd->quiesced) || READ_ONCE(vd->broken) ||
		    READ_ONCE(vd->detached) ||
		    READ_ONCE(bus->state) != VA_CONNECTED ||
		    READ_ONCE(bus->dead)) {
			why = "the device stopped";
			break;
		}
		if (!(++spins % 64))
			argo_poll();
		argo_ring_recv(bus->ring, va_rx_msg, bus, 8);
		spin_lock_irqsave(&bus->tx_lock, flags);
		va_tx_run(bus, 1);
		spin_unlock_irqrestore(&bus->tx_lock, flags);
		if (ktime_get_mono_fast_ns() > end) {
			why = "no completion in time";
			break;
		}
		cpu_relax();
	}
	if (why)
		va_rx_release_ro(vvq, why);
	if (!list_empty(&bus->cb_list))
		queue_work(va_wq, &bus->rx_work);
}

/* xen-argo: messages are waiting in our ring (hard IRQ). */
void va_data_ready(struct argo_ring *ring, void *priv)
{
	struct va_bus *bus = priv;

	if (!READ_ONCE(bus->dead))
		queue_work(va_wq, &bus->rx_work);
}
