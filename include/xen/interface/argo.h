/* SPDX-License-Identifier: MIT */
/*
 * Argo: hypervisor-mediated inter-domain messaging, the guest ABI.
 *
 * Written from the interface that Xen defines in xen/include/public/argo.h
 * (Xen 4.12 and later; unchanged up to 4.17). Linux's own Xen headers still
 * call hypercall 39 and VIRQ 11 "XenClient reserved", so the numbers are
 * defined here as well.
 *
 * Every structure is shared with the hypervisor: sizes and offsets are
 * fixed, checked by the static asserts at the end.
 */
#ifndef __XEN_INTERFACE_ARGO_H__
#define __XEN_INTERFACE_ARGO_H__

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>

#define __HYPERVISOR_argo_op		39
#define VIRQ_ARGO			11

/* Any domain: a wildcard ring partner, or "fill in my own domid". */
#define XEN_ARGO_DOMID_ANY		0x7ff4U

/* A ring, including its 64-byte header, is at most 16 MiB of 4 KiB pages. */
#define XEN_ARGO_MAX_RING_SIZE		0x1000000U
#define XEN_ARGO_PAGE_SIZE		4096U

/* Messages start on, and are padded to, 16-byte slots. */
#define XEN_ARGO_MSG_SLOT_SIZE		16U

/* At most this many iovecs in one sendv. */
#define XEN_ARGO_MAXIOV			8U

/*
 * What Xen answers a hypercall it does not implement (public/errno.h): for
 * Argo, a hypervisor built without CONFIG_ARGO.
 */
#define XEN_ERR_NO_HYPERCALL		38

/* Hypercall sub-operations (first argument of __HYPERVISOR_argo_op). */
#define XEN_ARGO_OP_register_ring	1
#define XEN_ARGO_OP_unregister_ring	2
#define XEN_ARGO_OP_sendv		3
#define XEN_ARGO_OP_notify		4

/* register_ring flags (arg4) */
#define XEN_ARGO_REGISTER_FLAG_FAIL_EXIST	0x1U

/* ring_data_ent flags, filled in by notify */
#define XEN_ARGO_RING_EXISTS		BIT(0)
#define XEN_ARGO_RING_SHARED		BIT(1)
#define XEN_ARGO_RING_EMPTY		BIT(2)
#define XEN_ARGO_RING_SUFFICIENT	BIT(3)
#define XEN_ARGO_RING_EMSGSIZE		BIT(4)
#define XEN_ARGO_RING_EBUSY		BIT(5)

typedef u32 xen_argo_port_t;
typedef u64 xen_argo_gfn_t;

struct xen_argo_addr {
	xen_argo_port_t aport;
	u16 domain_id;
	u16 pad;
};

/*
 * Head of the memory a guest registers as a ring. The guest owns rx_ptr,
 * Xen owns tx_ptr; both are byte offsets into ring[].
 */
struct xen_argo_ring {
	u32 rx_ptr;
	u32 tx_ptr;
	u8 reserved[56];
	u8 ring[];
};

struct xen_argo_register_ring {
	xen_argo_port_t aport;
	u16 partner_id;
	u16 pad;
	u32 len;
};

struct xen_argo_unregister_ring {
	xen_argo_port_t aport;
	u16 partner_id;
	u16 pad;
};

/* What Xen writes in front of every message. len includes this header. */
struct xen_argo_ring_message_header {
	u32 len;
	struct xen_argo_addr source;
	u32 message_type;
	u8 data[];
};

struct xen_argo_send_addr {
	struct xen_argo_addr src;
	struct xen_argo_addr dst;
};

struct xen_argo_iov {
	u64 iov_hnd;	/* guest virtual address of the data */
	u32 iov_len;
	u32 pad;
};

struct xen_argo_ring_data_ent {
	struct xen_argo_addr ring;
	u16 flags;
	u16 pad;
	u32 space_required;
	u32 max_message_size;
};

struct xen_argo_ring_data {
	u32 nent;
	u32 pad;
	struct xen_argo_ring_data_ent data[];
};

static_assert(sizeof(struct xen_argo_addr) == 8);
static_assert(sizeof(struct xen_argo_ring) == 64);
static_assert(sizeof(struct xen_argo_register_ring) == 12);
static_assert(sizeof(struct xen_argo_unregister_ring) == 8);
static_assert(sizeof(struct xen_argo_ring_message_header) == 16);
static_assert(sizeof(struct xen_argo_send_addr) == 16);
static_assert(sizeof(struct xen_argo_iov) == 16);
static_assert(sizeof(struct xen_argo_ring_data_ent) == 20);
static_assert(sizeof(struct xen_argo_ring_data) == 8);

#endif /* __XEN_INTERFACE_ARGO_H__ */
