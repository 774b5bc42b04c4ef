/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * User-space interface of xen-argo.ko: the character device /dev/argo.
 *
 * Each open file descriptor may bind one Argo ring (ARGO_IOC_BIND), then
 * send messages to any (domid, port) and receive the messages other
 * domains send to its ring, one message per call, with the sender's domid
 * as Xen reports it. Documentation/xen/argo.rst describes it in full.
 */
#ifndef _UAPI_LINUX_ARGO_H
#define _UAPI_LINUX_ARGO_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Any domain: a wildcard partner in ARGO_IOC_BIND. */
#define ARGO_DOMID_ANY		0x7ff4

/* Ring lengths: a multiple of 16 in [ARGO_RING_LEN_MIN, ARGO_RING_LEN_MAX]. */
#define ARGO_RING_LEN_MIN	48
#define ARGO_RING_LEN_MAX	0xffffc0
/* Largest payload a ring of len bytes accepts. */
#define ARGO_RING_MAX_PAYLOAD(len)	((len) - 32)
/* struct argo_bind.flags: max_payload is an input too. */
#define ARGO_BIND_F_SENDER_MAX	0x0001

/* At most this many iovecs in one ARGO_IOC_SENDV. */
#define ARGO_MAX_IOV		8

/**
 * struct argo_bind - ARGO_IOC_BIND: register this descriptor's ring
 * @port: local port to receive on
 * @partner: the one domain allowed to send, or ARGO_DOMID_ANY
 * @flags: 0 or ARGO_BIND_F_SENDER_MAX
 * @ring_len: ring length in bytes; 0 picks the module's default_ring_len
 * @max_payload: out: largest message the ring accepts; in, with
 *	ARGO_BIND_F_SENDER_MAX: the largest message the ring's senders send
 *	(the driver then skips the notify hypercall after a receive when no
 *	sender can have found the ring full)
 */
struct argo_bind {
	__u32 port;
	__u16 partner;
	__u16 flags;
	__u32 ring_len;
	__u32 max_payload;
};

/**
 * struct argo_iov - one piece of a message to send
 * @base: user address
 * @len: bytes
 */
struct argo_iov {
	__u64 base;
	__u64 len;
};

/**
 * struct argo_sendv - ARGO_IOC_SENDV: send one message
 * @domid: destination domain
 * @pad: must be 0
 * @port: destination port
 * @type: message type delivered to the receiver
 * @niov: number of entries at @iov, at most ARGO_MAX_IOV (0 is a
 *	header-only message)
 * @iov: user address of struct argo_iov[@niov]
 *
 * Returns the number of payload bytes sent. Blocks while the destination
 * ring is full unless the descriptor is O_NONBLOCK (then EAGAIN).
 */
struct argo_sendv {
	__u16 domid;
	__u16 pad;
	__u32 port;
	__u32 type;
	__u32 niov;
	__u64 iov;
};

/* argo_recv.flags */
#define ARGO_RECV_F_PEEK	(1U << 0)	/* in: leave the message queued */
#define ARGO_RECV_F_TRUNC	(1U << 16)	/* out: payload did not fit */
#define ARGO_RECV_F_MORE	(1U << 17)	/* out: another one was queued */

/**
 * struct argo_recv - ARGO_IOC_RECV: receive one message
 * @buf: user address of the payload buffer
 * @buf_len: its size
 * @flags: in: ARGO_RECV_F_PEEK; out: ARGO_RECV_F_TRUNC added when the
 *	payload was longer than @buf_len (the rest is discarded), and
 *	ARGO_RECV_F_MORE (not with PEEK) when another message was waiting
 *	once this one was taken: receive again before going back to poll(),
 *	and save the receive that would only return EAGAIN. A hint: a
 *	message that arrives later is signalled by poll() as usual.
 * @msg_len: out: full payload length
 * @src_domid: out: sending domain, as Xen vouches for it
 * @pad: 0
 * @src_port: out: port the sender claims
 * @type: out: message type the sender chose
 *
 * Returns the number of bytes copied to @buf. Blocks while the ring is
 * empty unless the descriptor is O_NONBLOCK (then EAGAIN).
 */
struct argo_recv {
	__u64 buf;
	__u32 buf_len;
	__u32 flags;
	__u32 msg_len;
	__u16 src_domid;
	__u16 pad;
	__u32 src_port;
	__u32 type;
};

/**
 * struct argo_connect - ARGO_IOC_CONNECT: default destination for write()
 * @domid: destination domain
 * @pad: must be 0
 * @port: destination port
 * @type: message type for messages sent with write()
 */
struct argo_connect {
	__u16 domid;
	__u16 pad;
	__u32 port;
	__u32 type;
};

/**
 * struct argo_info - ARGO_IOC_INFO: what this descriptor is bound to
 * @domid: this domain's id (as Xen fills in a sender's address)
 * @bound: 1 once ARGO_IOC_BIND succeeded
 * @port: bound port
 * @partner: bound partner or ARGO_DOMID_ANY
 * @pad: 0
 * @ring_len: ring length
 * @max_payload: largest message the ring accepts
 */
struct argo_info {
	__u16 domid;
	__u16 bound;
	__u32 port;
	__u16 partner;
	__u16 pad;
	__u32 ring_len;
	__u32 max_payload;
};

#define ARGO_IOC_MAGIC		0xA7
#define ARGO_IOC_BIND		_IOWR(ARGO_IOC_MAGIC, 1, struct argo_bind)
#define ARGO_IOC_SENDV		_IOW(ARGO_IOC_MAGIC, 2, struct argo_sendv)
#define ARGO_IOC_RECV		_IOWR(ARGO_IOC_MAGIC, 3, struct argo_recv)
#define ARGO_IOC_CONNECT	_IOW(ARGO_IOC_MAGIC, 4, struct argo_connect)
#define ARGO_IOC_INFO		_IOR(ARGO_IOC_MAGIC, 5, struct argo_info)

#endif /* _UAPI_LINUX_ARGO_H */
