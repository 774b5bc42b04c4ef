/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Argo ring arithmetic: the rules Xen applies to ring sizes and the
 * reader's side of a ring (validating a message, finding its bytes across
 * the wrap, advancing rx_ptr). Pure functions on plain numbers and memory,
 * no hypercalls, so KUnit can test them on any architecture.
 */
#ifndef __XEN_ARGO_RINGBUF_H__
#define __XEN_ARGO_RINGBUF_H__

#include <linux/types.h>
#include <xen/interface/argo.h>

#define ARGO_RING_HDR_SIZE	((u32)sizeof(struct xen_argo_ring))
#define ARGO_MSG_HDR_SIZE	((u32)sizeof(struct xen_argo_ring_message_header))

/* One header plus two slots: Xen never fills a ring completely. */
#define ARGO_RING_MIN_LEN	(ARGO_MSG_HDR_SIZE + 2 * XEN_ARGO_MSG_SLOT_SIZE)
/* A ring and its header must fit in the 4096 pages Xen accepts. */
#define ARGO_RING_MAX_LEN	(XEN_ARGO_MAX_RING_SIZE - ARGO_RING_HDR_SIZE)

/* A contiguous piece of ring data: offset into ring[] and length. */
struct argo_rb_seg {
	u32 off;
	u32 len;
};

bool argo_rb_len_valid(u32 len);
unsigned int argo_rb_npages(u32 len);
u32 argo_rb_max_payload(u32 len);
u32 argo_rb_used(u32 rx, u32 tx, u32 len);
u32 argo_rb_advance(u32 rx, u32 msg_len, u32 len);
bool argo_rb_sender_may_wait(u32 rx, u32 tx, u32 len, u32 max);
int argo_rb_peek(const void *ring, u32 len, u32 rx, u32 tx,
		 struct xen_argo_ring_message_header *hdr);
unsigned int argo_rb_segments(u32 len, u32 rx, u32 off, u32 count,
			      struct argo_rb_seg seg[2]);
void argo_rb_copy(const void *ring, u32 len, u32 rx, u32 off, void *dst,
		  u32 count);

#endif /* __XEN_ARGO_RINGBUF_H__ */
