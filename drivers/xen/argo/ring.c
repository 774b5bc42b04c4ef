// SPDX-License-Identifier: GPL-2.0-only
/*
 * Argo rings: registering guest memory with Xen as a receive ring, and
 * reading the messages Xen writes into it.
 *
 * A ring is vmalloc'ed (it may be up to 16 MiB) and handed to Xen as a
 * list of 4 KiB frame numbers: the MFN on a PV domain, the PFN on an
 * auto-translated (PVH/HVM) one, which is what xen_page_to_gfn() gives.
 * The memory stays ours; Xen maps it to copy senders' data in and writes
 * tx_ptr, we read and write rx_ptr.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <xen/page.h>

#include "argo_private.h"
#include "ringbuf.h"

LIST_HEAD(argo_rings);
/* Writers of the list; the VIRQ handler reads it under RCU. */
DEFINE_MUTEX(argo_rings_lock);

/**
 * argo_ring_len_valid() - may a ring have @len bytes?
 * @len: proposed ring length
 *
 * Return: true if Xen will register a ring of this length: a multiple of 16
 * from 48 bytes up to 16 MiB less the 64-byte ring header.
 */
bool argo_ring_len_valid(u32 len)
{
	return argo_rb_len_valid(len);
}
EXPORT_SYMBOL_GPL(argo_ring_len_valid);

/**
 * argo_ring_max_payload_for_len() - largest message for a ring length
 * @len: a valid ring length
 *
 * Return: the largest payload a ring of @len bytes can receive.
 */
u32 argo_ring_max_payload_for_len(u32 len)
{
	return argo_rb_max_payload(len);
}
EXPORT_SYMBOL_GPL(argo_ring_max_payload_for_len);

static int argo_ring_hc_register(struct argo_ring *ring, unsigned int flags)
{
	struct xen_argo_register_ring reg = {
		.aport = ring->port,
		.partner_id = ring->partner,
		.len = ring->len,
	};
	xen_argo_gfn_t *gfns;
	unsigned int i;
	int ret;

	gfns = kvmalloc_array(ring->npages, sizeof(*gfns), GFP_KERNEL);
	if (!gfns)
		return -ENOMEM;
	for (i = 0; i < ring->npages; i++) {
		void *addr = (void *)ring->shared + i * XEN_PAGE_SIZE;

		gfns[i] = xen_page_to_gfn(vmalloc_to_page(addr)) +
			  (offset_in_page(addr) >> XEN_PAGE_SHIFT);
	}
	ret = argo_hc_register(&reg, gfns, ring->npages, flags);
	kvfree(gfns);
	return ret;
}

/**
 * argo_ring_open() - register a receive ring with Xen
 * @cfg: port, partner, length and callbacks
 *
 * The ring is live when this returns: other domains may send to it and
 * @cfg->ops->data_ready may be called at once. Must be called from process
 * context.
 *
 * Return: the ring, or an ERR_PTR: -EINVAL for a bad length or missing
 * callback, -EEXIST if this domain already has a ring on (port, partner),
 * -ESRCH if the partner domain does not exist, -ECONNREFUSED if it has no
 * Argo, -EPERM if Xen refuses a wildcard ring or the XSM policy refuses the
 * pair, -ENOSPC at Xen's limit of rings per domain, -EAGAIN while the
 * domain's memory is being migrated, -ENOMEM.
 */
struct argo_ring *argo_ring_open(const struct argo_ring_config *cfg)
{
	struct argo_ring *ring;
	int ret;

	if (!cfg->ops || !cfg->ops->data_ready) {
		pr_err("ring open: data_ready callback missing\n");
		return ERR_PTR(-EINVAL);
	}
	if (!argo_rb_len_valid(cfg->len)) {
		pr_notice_ratelimited("ring length %u invalid: need a multiple of %u in [%u, %u]\n",
				      cfg->len, XEN_ARGO_MSG_SLOT_SIZE,
				      ARGO_RING_MIN_LEN, ARGO_RING_MAX_LEN);
		return ERR_PTR(-EINVAL);
	}

	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->len = cfg->len;
	ring->sender_max = argo_rb_max_payload(cfg->len);
	ring->npages = argo_rb_npages(cfg->len);
	ring->port = cfg->port;
	ring->partner = cfg->partner;
	ring->ops = cfg->ops;
	ring->priv = cfg->priv;
	strscpy(ring->name, cfg->name ?: "kernel", sizeof(ring->name));

	/* Zeroed: Xen reads tx_ptr back from the header at registration. */
	ring->shared = vzalloc(ring->npages * XEN_PAGE_SIZE);
	if (!ring->shared) {
		ret = -ENOMEM;
		goto err_free;
	}

	/*
	 * On the list before Xen knows the ring: a message may arrive, and
	 * its VIRQ be handled, before the hypercall returns.
	 */
	mutex_lock(&argo_rings_lock);
	list_add_tail_rcu(&ring->node, &argo_rings);
	mutex_unlock(&argo_rings_lock);

	ret = argo_ring_hc_register(ring, XEN_ARGO_REGISTER_FLAG_FAIL_EXIST);
	if (ret) {
		pr_notice_ratelimited("register ring port %#x partner %u len %u: %d\n",
				      ring->port, ring->partner, ring->len, ret);
		goto err_unlist;
	}
	pr_debug("ring %s: port %#x partner %u len %u pages %u registered\n",
		 ring->name, ring->port, ring->partner, ring->len,
		 ring->npages);
	return ring;

err_unlist:
	mutex_lock(&argo_rings_lock);
	list_del_rcu(&ring->node);
	mutex_unlock(&argo_rings_lock);
	synchronize_rcu();
	vfree(ring->shared);
err_free:
	kfree(ring);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(argo_ring_open);

/**
 * argo_ring_close() - unregister a ring and free it
 * @ring: ring from argo_ring_open(), may be NULL or an ERR_PTR
 *
 * When this returns, Xen no longer writes to the ring and no callback of
 * the ring is running or will run. Unread messages are discarded. The
 * owner must not call argo_ring_recv() or send from the ring concurrently.
 * Sleeps.
 */
void argo_ring_close(struct argo_ring *ring)
{
	int ret;

	if (IS_ERR_OR_NULL(ring))
		return;

	/* -ENOENT: Xen already dropped it because the partner died. */
	ret = argo_hc_unregister(ring->port, ring->partner);

	mutex_lock(&argo_rings_lock);
	list_del_rcu(&ring->node);
	mutex_unlock(&argo_rings_lock);
	/* The VIRQ handler walks the list under RCU. */
	synchronize_rcu();

	pr_debug("ring %s: port %#x closed\n", ring->name, ring->port);
	if (ret && ret != -ENOENT) {
		/*
		 * Xen may still map the pages and write into them: never give
		 * them back to the allocator.
		 */
		WARN(1, "xen_argo: unregister ring port %#x partner %u: %d, leaking %u pages\n",
		     ring->port, ring->partner, ret, ring->npages);
	} else {
		vfree(ring->shared);
	}
	kfree(ring);
}
EXPORT_SYMBOL_GPL(argo_ring_close);

/**
 * argo_ring_reregister() - register an existing ring again
 * @ring: the ring
 * @partner: the partner to register it for
 *
 * For a ring Xen has dropped (its unicast partner was destroyed, or the
 * domain was restored or migrated) or whose partner has restarted under a
 * new domid. With the same partner Xen replaces its mapping and keeps
 * unread messages; with another partner the old registration is removed
 * first. The ring's memory, callbacks and unread messages stay.
 *
 * Process context, sleeps; must not run concurrently with argo_ring_recv()
 * or argo_ring_close() on the same ring.
 *
 * Return: 0, or the error of the register hypercall (see argo_ring_open()).
 */
int argo_ring_reregister(struct argo_ring *ring, u16 partner)
{
	int ret;

	if (partner != ring->partner) {
		ret = argo_hc_unregister(ring->port, ring->partner);
		if (ret && ret != -ENOENT)
			return ret;
		WRITE_ONCE(ring->partner, partner);
	}
	ret = argo_ring_hc_register(ring, 0);
	if (ret)
		pr_notice_ratelimited("re-register ring port %#x partner %u: %d\n",
				      ring->port, partner, ret);
	else
		clear_bit(ARGO_RING_BROKEN, &ring->flags);
	return ret;
}
EXPORT_SYMBOL_GPL(argo_ring_reregister);

/**
 * argo_ring_max_payload() - largest message this ring can receive
 * @ring: the ring
 *
 * Return: the payload limit in bytes.
 */
u32 argo_ring_max_payload(const struct argo_ring *ring)
{
	return argo_rb_max_payload(ring->len);
}
EXPORT_SYMBOL_GPL(argo_ring_max_payload);

/**
 * argo_ring_set_sender_max() - the largest message senders will send
 * @ring: the ring
 * @max: the largest payload the ring's senders were told they may send,
 *	 at most argo_ring_max_payload()
 *
 * By default every drain of the ring ends with a notify hypercall, so that
 * Xen wakes senders that found the ring full. A protocol that tells its
 * peers to send less than the ring holds (virtio-argo's max_msg) lets the
 * drains skip the notify when the ring had room for the largest message
 * anyway. A peer that sends more than @max may then wait until a later
 * drain notifies: only a peer that breaks the protocol is slowed down.
 *
 * Return: 0, or -EINVAL if @max is 0 or larger than the ring's limit.
 */
int argo_ring_set_sender_max(struct argo_ring *ring, u32 max)
{
	if (!max || max > argo_rb_max_payload(ring->len))
		return -EINVAL;
	WRITE_ONCE(ring->sender_max, max);
	return 0;
}
EXPORT_SYMBOL_GPL(argo_ring_set_sender_max);

/**
 * argo_ring_port() - the port a ring receives on
 * @ring: the ring
 *
 * Return: the port.
 */
u32 argo_ring_port(const struct argo_ring *ring)
{
	return ring->port;
}
EXPORT_SYMBOL_GPL(argo_ring_port);

/**
 * argo_ring_has_data() - are there unread messages?
 * @ring: the ring
 *
 * Return: true if Xen has written past our read position (false for a ring
 * found corrupt until it is re-registered).
 */
bool argo_ring_has_data(const struct argo_ring *ring)
{
	/* A broken ring has nothing readable: do not make pollers spin. */
	return !test_bit(ARGO_RING_BROKEN, &ring->flags) &&
	       READ_ONCE(ring->shared->rx_ptr) !=
	       READ_ONCE(ring->shared->tx_ptr);
}
EXPORT_SYMBOL_GPL(argo_ring_has_data);

/*
 * Xen is trusted, so a bad header means memory corruption or a bug. Skip
 * everything Xen has written so far rather than loop or read out of bounds.
 */
static u32 argo_ring_discard(struct argo_ring *ring, u32 rx, u32 tx, int err)
{
	atomic64_inc(&ring->stats.rx_bad);
	pr_err_ratelimited("ring %s port %#x: corrupt ring (rx %u tx %u len %u): %d, discarding\n",
			   ring->name, ring->port, rx, tx, ring->len, err);
	if (err == -EPROTO) {
		/* tx itself is unusable: stop reading until re-registered. */
		set_bit(ARGO_RING_BROKEN, &ring->flags);
		return rx;
	}
	return tx;
}

/**
 * argo_ring_recv() - consume messages from a ring
 * @ring: the ring
 * @fn: called for each message in order, see &typedef argo_recv_fn
 * @arg: passed to @fn
 * @budget: the most messages to hand to @fn
 *
 * Messages @fn consumes are released to Xen, and senders waiting for space
 * are woken with one notify per call (none when no sender can be waiting,
 * see argo_ring_set_sender_max()). Calls for one ring must not overlap
 * (-EBUSY if they do). May be called from the data_ready callback; sleeps
 * only if @fn does.
 *
 * Return: the number of messages consumed, or the negative errno @fn
 * returned, -EBUSY, or -EPROTO if the ring is unusable.
 */
int argo_ring_recv(struct argo_ring *ring, argo_recv_fn fn, void *arg,
		   unsigned int budget)
{
	struct xen_argo_ring *shared = ring->shared;
	struct xen_argo_ring_message_header hdr;
	unsigned int done = 0;
	bool moved = false;
	u32 rx, tx, rx_start;
	int ret = 0;

	if (test_and_set_bit_lock(ARGO_RING_RX_BUSY, &ring->flags))
		return -EBUSY;
	if (test_bit(ARGO_RING_BROKEN, &ring->flags)) {
		ret = -EPROTO;
		goto out;
	}

	rx = READ_ONCE(shared->rx_ptr);
	rx_start = rx;
	while (done < budget) {
		struct argo_msg msg;
		int action;

		/*
		 * Xen writes the message, then tx_ptr; x86 keeps its stores in
		 * order (TSO, and the driver is x86-only), and the acquire keeps
		 * our reads of the message after the read of tx_ptr.
		 */
		tx = smp_load_acquire(&shared->tx_ptr);
		ret = argo_rb_peek(shared->ring, ring->len, rx, tx, &hdr);
		if (ret == -ENOMSG) {
			ret = 0;
			break;
		}
		if (ret) {
			u32 skip = argo_ring_discard(ring, rx, tx, ret);

			moved = skip != rx;
			rx = skip;
			/* Nothing was read: only order against the peek. */
			smp_store_release(&shared->rx_ptr, rx);
			ret = test_bit(ARGO_RING_BROKEN, &ring->flags) ?
			      -EPROTO : 0;
			break;
		}

		msg.src_domid = hdr.source.domain_id;
		msg.src_port = hdr.source.aport;
		msg.type = hdr.message_type;
		msg.len = hdr.len - ARGO_MSG_HDR_SIZE;
		msg.rx = rx;

		action = fn(ring, &msg, arg);
		if (action < 0 || action == ARGO_RECV_KEEP) {
			ret = action < 0 ? action : 0;
			break;
		}

		atomic64_inc(&ring->stats.rx_msgs);
		atomic64_add(msg.len, &ring->stats.rx_bytes);
		rx = argo_rb_advance(rx, hdr.len, ring->len);
		/*
		 * Every read of the message must be complete before Xen can
		 * see the space as free and write over it.
		 */
		smp_mb();
		WRITE_ONCE(shared->rx_ptr, rx);
		done++;
		if (action == ARGO_RECV_STOP)
			break;
	}

	/*
	 * Only notify wakes senders that found this ring full. The writer
	 * is read after the last store of rx_ptr (hence the full barrier):
	 * a sender refused before that store saw at most the room seen here.
	 */
	if (moved) {
		argo_hc_notify(NULL);
	} else if (done) {
		/* Order the last rx_ptr store before this read of tx_ptr. */
		smp_mb();
		tx = READ_ONCE(shared->tx_ptr);
		if (argo_rb_sender_may_wait(rx_start, tx, ring->len,
					    READ_ONCE(ring->sender_max)))
			argo_hc_notify(NULL);
		else
			atomic64_inc(&ring->stats.notify_skipped);
	}
out:
	clear_bit_unlock(ARGO_RING_RX_BUSY, &ring->flags);
	return ret < 0 ? ret : done;
}
EXPORT_SYMBOL_GPL(argo_ring_recv);

static int argo_msg_check(const struct argo_msg *msg, u32 off, u32 count)
{
	if (off > msg->len || count > msg->len - off)
		return -EINVAL;
	return 0;
}

/**
 * argo_msg_read() - copy payload bytes of a message into a kernel buffer
 * @ring: the ring the message is in
 * @msg: the message, as passed to an &typedef argo_recv_fn
 * @off: offset into the payload
 * @buf: destination
 * @count: number of bytes
 *
 * Only valid inside the &typedef argo_recv_fn that received @msg.
 *
 * Return: 0, or -EINVAL if the range is outside the payload.
 */
int argo_msg_read(const struct argo_ring *ring, const struct argo_msg *msg,
		  u32 off, void *buf, u32 count)
{
	int ret = argo_msg_check(msg, off, count);

	if (ret)
		return ret;
	argo_rb_copy(ring->shared->ring, ring->len, msg->rx, off, buf, count);
	return 0;
}
EXPORT_SYMBOL_GPL(argo_msg_read);

/**
 * argo_msg_copy_to_iter() - copy payload bytes of a message to an iov_iter
 * @ring: the ring the message is in
 * @msg: the message, as passed to an &typedef argo_recv_fn
 * @off: offset into the payload
 * @count: number of bytes
 * @to: destination (user or kernel memory)
 *
 * Only valid inside the &typedef argo_recv_fn that received @msg.
 *
 * Return: 0, -EINVAL if the range is outside the payload, -EFAULT if the
 * destination could not take all of it.
 */
int argo_msg_copy_to_iter(const struct argo_ring *ring,
			  const struct argo_msg *msg, u32 off, u32 count,
			  struct iov_iter *to)
{
	struct argo_rb_seg seg[2];
	unsigned int i, n;
	int ret = argo_msg_check(msg, off, count);

	if (ret)
		return ret;
	n = argo_rb_segments(ring->len, msg->rx, off, count, seg);
	for (i = 0; i < n; i++) {
		if (copy_to_iter(ring->shared->ring + seg[i].off, seg[i].len,
				 to) != seg[i].len)
			return -EFAULT;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(argo_msg_copy_to_iter);

/*
 * After save/restore or migration the domain runs on a hypervisor that
 * knows none of its rings. Register each one again: the frame numbers are
 * recomputed (a PV domain's MFNs have changed), and Xen picks up tx_ptr
 * from the ring header, so unread messages survive. Called from the Xen
 * resume notifier, in process context with devices still suspended: no
 * allocation may wait for I/O.
 */
void argo_rings_resume(void)
{
	unsigned int noio, n = 0, failed = 0;
	struct argo_ring *ring;
	int ret;

	noio = memalloc_noio_save();
	mutex_lock(&argo_rings_lock);
	list_for_each_entry(ring, &argo_rings, node) {
		ret = argo_ring_hc_register(ring, 0);
		n++;
		if (ret) {
			failed++;
			pr_warn("ring %s port %#x partner %u lost at resume: %d\n",
				ring->name, ring->port, ring->partner, ret);
		}
	}
	mutex_unlock(&argo_rings_lock);
	memalloc_noio_restore(noio);
	if (n)
		pr_info("resume: re-registered %u rings, %u failed\n",
			n - failed, failed);
}

int argo_rings_count(void)
{
	struct argo_ring *ring;
	int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(ring, &argo_rings, node)
		n++;
	rcu_read_unlock();
	return n;
}
