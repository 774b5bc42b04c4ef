/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-kernel interface of xen-argo.ko, the owner of Xen's Argo hypercall
 * and of VIRQ_ARGO in this domain. Other modules (virtio_argo.ko) open
 * rings and send through it and never issue Argo hypercalls themselves.
 *
 * See Documentation/xen/argo.rst for the model: a ring is registered
 * memory that other domains send into through Xen; a send names the
 * destination (domid, port) and copies straight from the caller's buffers.
 */
#ifndef __XEN_ARGO_H__
#define __XEN_ARGO_H__

#include <linux/types.h>
#include <linux/uio.h>
#include <xen/interface/argo.h>

struct argo_ring;

/**
 * struct argo_msg - a received message, as found by argo_ring_recv()
 * @src_domid: sending domain; the only field Xen vouches for
 * @src_port: port the sender claims to send from (unchecked by Xen)
 * @type: message type the sender chose (unchecked by Xen)
 * @len: payload length in bytes
 * @rx: private: where the message starts in the ring
 */
struct argo_msg {
	u16 src_domid;
	u32 src_port;
	u32 type;
	u32 len;
	u32 rx;
};

/**
 * struct argo_ring_ops - callbacks of a ring's owner
 * @data_ready: Xen signalled this domain and the ring holds at least one
 *	message. Called from the VIRQ handler (hard interrupt context) or, to
 *	recover from lost signals, from a work item with interrupts disabled:
 *	must not sleep. It is called again only on the next signal, so an
 *	owner that leaves messages in the ring (a receive budget) must come
 *	back for them by itself, e.g. from a work item.
 * @space_ready: a send from this ring returned -EAGAIN earlier and Xen has
 *	since signalled this domain: retrying may now succeed (or fail with
 *	the error that explains why space will never come, e.g. the
 *	destination ring is gone). May run before the argo_sendv() that
 *	returned -EAGAIN has returned: record the blocked state before
 *	sending. Same context as @data_ready. Optional.
 */
struct argo_ring_ops {
	void (*data_ready)(struct argo_ring *ring, void *priv);
	void (*space_ready)(struct argo_ring *ring, void *priv);
};

/**
 * struct argo_ring_config - what argo_ring_open() registers
 * @port: local Argo port; one ring per (port, partner) pair
 * @partner: the only domain allowed to send here, or XEN_ARGO_DOMID_ANY
 *	for a wildcard ring (needs Xen booted with argo mac-permissive=1)
 * @len: ring length in bytes, see argo_ring_len_valid()
 * @ops: callbacks, @ops->data_ready is required
 * @priv: passed back to the callbacks
 * @name: short label for logs and debugfs (copied), may be NULL
 */
struct argo_ring_config {
	u32 port;
	u16 partner;
	u32 len;
	const struct argo_ring_ops *ops;
	void *priv;
	const char *name;
};

/**
 * typedef argo_recv_fn - consumer of one message, see argo_ring_recv()
 * @ring: the ring
 * @msg: the message; its payload is read with argo_msg_read() or
 *	argo_msg_copy_to_iter() before returning
 * @arg: the argument given to argo_ring_recv()
 *
 * Return: ARGO_RECV_NEXT to consume the message and go on, ARGO_RECV_STOP
 * to consume it and stop, ARGO_RECV_KEEP to stop and leave it in the ring
 * (not an error), or a negative errno to stop, leave it in the ring and
 * make argo_ring_recv() return that error.
 */
enum argo_recv_action {
	ARGO_RECV_NEXT = 0,
	ARGO_RECV_STOP = 1,
	ARGO_RECV_KEEP = 2,
};

typedef int (*argo_recv_fn)(struct argo_ring *ring, const struct argo_msg *msg,
			    void *arg);

u16 argo_domid(void);
bool argo_ring_len_valid(u32 len);
u32 argo_ring_max_payload_for_len(u32 len);

struct argo_ring *argo_ring_open(const struct argo_ring_config *cfg);
void argo_ring_close(struct argo_ring *ring);
int argo_ring_reregister(struct argo_ring *ring, u16 partner);
u32 argo_ring_max_payload(const struct argo_ring *ring);
int argo_ring_set_sender_max(struct argo_ring *ring, u32 max);
u32 argo_ring_port(const struct argo_ring *ring);
bool argo_ring_has_data(const struct argo_ring *ring);

int argo_sendv(struct argo_ring *ring, u16 dst_domid, u32 dst_port, u32 type,
	       const struct kvec *iov, unsigned int niov);
int argo_sendv_wait(struct argo_ring *ring, u16 dst_domid, u32 dst_port,
		    u32 type, const struct kvec *iov, unsigned int niov,
		    long timeout);

void argo_poll(void);

int argo_ring_recv(struct argo_ring *ring, argo_recv_fn fn, void *arg,
		   unsigned int budget);
int argo_msg_read(const struct argo_ring *ring, const struct argo_msg *msg,
		  u32 off, void *buf, u32 count);
int argo_msg_copy_to_iter(const struct argo_ring *ring,
			  const struct argo_msg *msg, u32 off, u32 count,
			  struct iov_iter *to);

#endif /* __XEN_ARGO_H__ */
