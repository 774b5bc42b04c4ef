// SPDX-License-Identifier: GPL-2.0-only
/*
 * VIRQ_ARGO: Xen's one signal to this domain that a message arrived in one
 * of its rings, or that a ring it found full has space again. It carries
 * no hint of which, so the handler looks at every ring. The VIRQ is global
 * (bound on vCPU 0) and can be bound only once per domain, which is why
 * this module is its sole owner.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/rculist.h>
#include <xen/events.h>

#include "argo_private.h"

static int argo_irq = -1;

/*
 * Dispatch runs from the VIRQ and, rarely, from the space-poll work; the
 * lock keeps a ring's callbacks from ever running concurrently.
 */
static DEFINE_SPINLOCK(argo_dispatch_lock);

static void argo_dispatch(void)
{
	struct argo_ring *ring;

	/* Any VIRQ may mean space: let blocked senders try again. */
	atomic_inc(&argo_space_gen);
	if (wq_has_sleeper(&argo_space_wq))
		wake_up_interruptible_all(&argo_space_wq);

	spin_lock(&argo_dispatch_lock);
	rcu_read_lock();
	list_for_each_entry_rcu(ring, &argo_rings, node) {
		if (test_and_clear_bit(ARGO_RING_TX_BLOCKED, &ring->flags) &&
		    ring->ops->space_ready)
			ring->ops->space_ready(ring, ring->priv);
		if (argo_ring_has_data(ring)) {
			atomic64_inc(&ring->stats.dispatches);
			ring->ops->data_ready(ring, ring->priv);
		}
	}
	rcu_read_unlock();
	spin_unlock(&argo_dispatch_lock);
}

static irqreturn_t argo_virq_handler(int irq, void *dev_id)
{
	atomic64_inc(&argo_stats.virqs);
	argo_dispatch();
	return IRQ_HANDLED;
}

/* Run the VIRQ's work without a VIRQ: for senders Xen will not signal. */
void argo_space_kick(void)
{
	unsigned long flags;

	local_irq_save(flags);
	argo_dispatch();
	local_irq_restore(flags);
}

/**
 * argo_poll() - look at every ring now, as the VIRQ would
 *
 * For a caller that waits with interrupts off on a CPU that may be the
 * one the VIRQ is bound to (vCPU 0): while it spins, neither its own rings
 * nor the domain's others (a back-end's /dev/argo ring in the same
 * domain) hear of new messages or space. Runs the data_ready and
 * space_ready callbacks and wakes /dev/argo pollers. Any context.
 */
void argo_poll(void)
{
	argo_space_kick();
}
EXPORT_SYMBOL_GPL(argo_poll);

int argo_virq_init(void)
{
	int irq = bind_virq_to_irqhandler(VIRQ_ARGO, 0, argo_virq_handler, 0,
					  "xen-argo", NULL);

	if (irq < 0) {
		pr_err("cannot bind VIRQ_ARGO: %d%s\n", irq,
		       irq == -EEXIST ? " (another driver owns it)" : "");
		return irq;
	}
	argo_irq = irq;
	return 0;
}

void argo_virq_exit(void)
{
	if (argo_irq >= 0)
		unbind_from_irqhandler(argo_irq, NULL);
	argo_irq = -1;
}
