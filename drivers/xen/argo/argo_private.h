/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen-argo.ko internals shared between its files. Nothing here is part of
 * the module's interface: that is include/xen/argo.h and
 * include/uapi/linux/argo.h.
 */
#ifndef __XEN_ARGO_PRIVATE_H__
#define __XEN_ARGO_PRIVATE_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <xen/argo.h>

#define ARGO_NAME_LEN	24

/* Per-ring counters; updated locklessly, read for debugfs only. */
struct argo_ring_stats {
	atomic64_t rx_msgs;
	atomic64_t rx_bytes;
	atomic64_t rx_bad;
	atomic64_t tx_msgs;
	atomic64_t tx_bytes;
	atomic64_t tx_eagain;
	atomic64_t tx_errors;
	atomic64_t dispatches;
	atomic64_t notify_skipped;	/* drains no sender can wait for */
};

/* argo_ring.flags bits */
enum {
	ARGO_RING_TX_BLOCKED,	/* a send got -EAGAIN: call space_ready */
	ARGO_RING_RX_BUSY,	/* a consumer is inside argo_ring_recv() */
	ARGO_RING_BROKEN,	/* corrupt ring header seen: stop reading */
};

struct argo_ring {
	struct list_head node;		/* argo_rings, RCU for the VIRQ */
	struct xen_argo_ring *shared;	/* header + data, vmalloc'ed */
	unsigned int npages;
	u32 len;
	u32 port;
	u16 partner;
	u32 sender_max;			/* largest payload senders send */
	unsigned long flags;
	const struct argo_ring_ops *ops;
	void *priv;
	char name[ARGO_NAME_LEN];
	struct argo_ring_stats stats;
};

/* Domain-wide counters. */
struct argo_global_stats {
	atomic64_t virqs;
	atomic64_t hypercalls;
	atomic64_t sendv;
	atomic64_t sendv_eagain;
	atomic64_t notify;
	atomic64_t registers;
	atomic64_t unregisters;
};

extern struct argo_global_stats argo_stats;
extern struct list_head argo_rings;
extern struct mutex argo_rings_lock;
extern atomic_t argo_space_gen;
extern wait_queue_head_t argo_space_wq;

/* hypercall.c: the only code that enters Xen's Argo op */
int argo_hc_register(const struct xen_argo_register_ring *reg,
		     const xen_argo_gfn_t *gfns, unsigned int npages,
		     unsigned int flags);
int argo_hc_unregister(u32 port, u16 partner);
int argo_hc_sendv(const struct xen_argo_send_addr *addr,
		  const struct xen_argo_iov *iov, unsigned int niov, u32 type);
int argo_hc_notify(struct xen_argo_ring_data *data);
int argo_hc_probe(void);

/* virq.c */
int argo_virq_init(void);
void argo_virq_exit(void);
void argo_space_kick(void);

/* ring.c */
int argo_rings_count(void);
void argo_rings_resume(void);

static inline bool argo_ring_broken(const struct argo_ring *ring)
{
	return test_bit(ARGO_RING_BROKEN, &ring->flags);
}

/* send.c */
void argo_send_exit(void);

/* dev.c */
int argo_dev_init(void);
void argo_dev_exit(void);

/* debugfs.c */
void argo_debugfs_init(void);
void argo_debugfs_exit(void);

/* main.c */
extern unsigned int argo_default_ring_len;
extern unsigned int argo_max_user_rings;

#endif /* __XEN_ARGO_PRIVATE_H__ */
