// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sending: one sendv hypercall per message, straight from the caller's
 * buffers, and waiting for space when the destination ring is full.
 *
 * When a destination ring lacks space Xen answers -EAGAIN and records that
 * this domain waits; when the receiver frees space and calls notify, Xen
 * raises VIRQ_ARGO here. The VIRQ says nothing about which ring, so every
 * VIRQ bumps argo_space_gen: a sender reads it before trying, and if it
 * changed by the time the sender would sleep, space may have come back and
 * it tries again instead of sleeping through the wake-up.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "argo_private.h"
#include "ringbuf.h"

atomic_t argo_space_gen = ATOMIC_INIT(0);
DECLARE_WAIT_QUEUE_HEAD(argo_space_wq);

/*
 * Xen caps the senders waiting on one ring at 32: past that it queues no
 * wake-up and we poll. And when a full ring is unregistered, or its domain
 * dies, Xen drops its waiters without a signal: while anyone is blocked, a
 * slow poll makes them retry and see the error instead of waiting forever.
 */
#define ARGO_SPACE_POLL_MS	10
#define ARGO_SPACE_SAFETY_MS	1000

static void argo_space_poll_fn(struct work_struct *work)
{
	argo_space_kick();
}

static DECLARE_DELAYED_WORK(argo_space_poll, argo_space_poll_fn);

static void argo_space_poll_in(unsigned int ms, bool sooner)
{
	unsigned long delay = msecs_to_jiffies(ms);

	if (sooner)
		mod_delayed_work(system_wq, &argo_space_poll, delay);
	else
		schedule_delayed_work(&argo_space_poll, delay);
}

void argo_send_exit(void)
{
	cancel_delayed_work_sync(&argo_space_poll);
}

/* Largest payload any ring can take: what Xen checks sendv against. */
#define ARGO_MSG_MAX	argo_rb_max_payload(ARGO_RING_MAX_LEN)

/**
 * argo_sendv() - send one message without sleeping
 * @ring: the sender's ring; its port is the message's source port and its
 *	space_ready callback runs when a full destination frees space
 * @dst_domid: destination domain
 * @dst_port: destination port
 * @type: message type the receiver sees
 * @iov: the payload, read in place by Xen (kernel addresses)
 * @niov: number of entries in @iov, at most XEN_ARGO_MAXIOV; 0 sends a
 *	header-only message
 *
 * Safe in any context, including hard interrupt.
 *
 * Return: the payload length sent; -EAGAIN if the destination ring is full
 * (@ring's space_ready follows when it may have room); -EMSGSIZE if the
 * message can never fit the destination ring; -ECONNREFUSED if there is no
 * ring at the destination for this domain; -ESRCH if the destination domain
 * does not exist; -EPERM or -EACCES if the access control policy forbids
 * it; -EINVAL for bad arguments.
 */
int argo_sendv(struct argo_ring *ring, u16 dst_domid, u32 dst_port, u32 type,
	       const struct kvec *iov, unsigned int niov)
{
	struct xen_argo_send_addr addr = {
		.src = { .aport = ring->port, .domain_id = XEN_ARGO_DOMID_ANY },
		.dst = { .aport = dst_port, .domain_id = dst_domid },
	};
	struct xen_argo_iov xiov[XEN_ARGO_MAXIOV];
	unsigned int i, n = 0, tries = 0;
	size_t total = 0;
	int gen, ret;

	if (niov > XEN_ARGO_MAXIOV || (niov && !iov))
		return -EINVAL;
	for (i = 0; i < niov; i++) {
		total += iov[i].iov_len;
		if (iov[i].iov_len > ARGO_MSG_MAX || total > ARGO_MSG_MAX)
			return -EMSGSIZE;
		/* Xen logs an error for every empty iov: leave them out. */
		if (!iov[i].iov_len)
			continue;
		xiov[n].iov_hnd = (u64)(uintptr_t)iov[i].iov_base;
		xiov[n].iov_len = iov[i].iov_len;
		xiov[n].pad = 0;
		n++;
	}

	for (;;) {
		gen = atomic_read(&argo_space_gen);
		ret = argo_hc_sendv(&addr, xiov, n, type);
		if (ret != -EAGAIN && ret != -EBUSY)
			break;
		atomic64_inc(&argo_stats.sendv_eagain);
		set_bit(ARGO_RING_TX_BLOCKED, &ring->flags);
		/* Flag visible before the check: pairs with the VIRQ's inc. */
		smp_mb__after_atomic();
		if (ret == -EBUSY) {
			/* Xen's waiter list is full: no VIRQ will come. */
			argo_space_poll_in(ARGO_SPACE_POLL_MS, true);
			ret = -EAGAIN;
			break;
		}
		if (atomic_read(&argo_space_gen) == gen) {
			/* No VIRQ since we tried: Xen's wake-up is still due. */
			argo_space_poll_in(ARGO_SPACE_SAFETY_MS, false);
			break;
		}
		if (++tries > 2) {
			/*
			 * A VIRQ since the last try may have been Xen's one
			 * wake-up for it, with the flag not yet set: run the
			 * dispatch again ourselves rather than wait.
			 */
			argo_space_poll_in(0, true);
			break;
		}
	}

	if (ret >= 0) {
		atomic64_inc(&ring->stats.tx_msgs);
		atomic64_add(ret, &ring->stats.tx_bytes);
	} else if (ret == -EAGAIN) {
		atomic64_inc(&ring->stats.tx_eagain);
	} else {
		atomic64_inc(&ring->stats.tx_errors);
		pr_debug("sendv port %#x -> %u:%#x (%zu bytes): %d\n",
			 ring->port, dst_domid, dst_port, total, ret);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(argo_sendv);

/**
 * argo_sendv_wait() - send one message, sleeping while the destination is full
 * @ring: the sender's ring
 * @dst_domid: destination domain
 * @dst_port: destination port
 * @type: message type
 * @iov: the payload
 * @niov: number of entries in @iov
 * @timeout: the longest to wait for space, in jiffies
 *	(MAX_SCHEDULE_TIMEOUT for no limit)
 *
 * Process context only.
 *
 * Return: as argo_sendv(), never -EAGAIN; -ETIMEDOUT when @timeout passed,
 * -ERESTARTSYS when a signal arrived.
 */
int argo_sendv_wait(struct argo_ring *ring, u16 dst_domid, u32 dst_port,
		    u32 type, const struct kvec *iov, unsigned int niov,
		    long timeout)
{
	might_sleep();
	for (;;) {
		int gen = atomic_read(&argo_space_gen);
		int ret = argo_sendv(ring, dst_domid, dst_port, type, iov,
				     niov);

		if (ret != -EAGAIN)
			return ret;
		timeout = wait_event_interruptible_timeout(argo_space_wq,
							   atomic_read(&argo_space_gen) != gen,
							   timeout);
		if (timeout < 0)
			return timeout;
		if (!timeout)
			return -ETIMEDOUT;
	}
}
EXPORT_SYMBOL_GPL(argo_sendv_wait);
