// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bus messages: HELLO (which creates connections), GET_DEVICES, PING,
 * GOODBYE. dev_num is 0 in all of them.
 */
#include <string.h>

#include "backend.h"

/* An error for a HELLO, which has no connection to queue it on yet. */
static void hello_error(struct vab_ring *r, u16 domid, u32 port,
			const struct frame *f, u32 code, const char *why)
{
	u8 e[16];

	hdr_encode(e, VIRTIO_ARGO_TYPE_BUS | VIRTIO_ARGO_TYPE_RESPONSE,
		   VIRTIO_ARGO_BUS_ERROR, f->dev_num, f->token, sizeof(e));
	e[8] = f->msg_id;
	e[9] = 0;
	put16(e + 10, 0);
	put32(e + 12, code);
	ring_send(r, domid, port, e, sizeof(e));
	vab_info("%u:%u: HELLO refused (%s): %s", domid, port, err_name(code),
		 why);
}

/* HELLO: validate, close any old connection of (domid, port), open anew. */
bool bus_hello(struct vab_ring *r, u16 domid, u32 port, const struct frame *f)
{
	u16 vmin, vmax;
	u32 inst, max_msg;
	struct vab_conn *c;
	u64 features;
	u8 *p;

	if (f->msg_size != 32 || f->dev_num) {
		hello_error(r, domid, port, f, VIRTIO_ARGO_E_INVALID,
			    "wrong size or dev_num");
		return false;
	}
	vmin = get16(f->p + 8);
	vmax = get16(f->p + 10);
	inst = get32(f->p + 12);
	features = get64(f->p + 16);
	max_msg = get32(f->p + 24);
	if (vmin < 1 || vmin > vmax || !inst ||
	    max_msg < VIRTIO_ARGO_MIN_MSG || max_msg > VIRTIO_ARGO_MAX_MSG) {
		hello_error(r, domid, port, f, VIRTIO_ARGO_E_INVALID,
			    "versions, instance or max_msg out of range");
		return false;
	}
	if (vmin > VIRTIO_ARGO_VERSION) {
		hello_error(r, domid, port, f, VIRTIO_ARGO_E_VERSION,
			    "no common protocol version");
		return false;
	}
	hostile_hello();
	c = conn_find(domid, port);
	if (c)
		conn_close(c, "new HELLO from the same front-end");
	if (conn_count() >= opt.max_conns) {
		conn_reap();
		if (conn_count() >= opt.max_conns) {
			hello_error(r, domid, port, f,
				    VIRTIO_ARGO_E_NO_RESOURCE,
				    "too many connections (--max-conns)");
			return false;
		}
	}
	c = conn_create(r, domid, port, max_msg,
			features & VIRTIO_ARGO_F_ALL);
	if (!c) {
		hello_error(r, domid, port, f, VIRTIO_ARGO_E_INTERNAL,
			    "cannot create the devices");
		return false;
	}
	c->stat_rx++;
	p = send_response(c, f, 32);
	put16(p + 8, VIRTIO_ARGO_VERSION);
	put16(p + 10, 0);
	put32(p + 12, vab_instance);
	put64(p + 16, c->features);
	put32(p + 24, r->max_msg);
	put32(p + 28, opt.max_chain);
	conn_info(c, "connected: front-end instance 0x%08x, max_msg %u, features 0x%llx, %u devices",
		  inst, max_msg, (unsigned long long)c->features, c->ndevs);
	return true;
}

static void get_devices(struct vab_conn *c, const struct frame *f)
{
	u32 offset, count, n, i, next;
	u8 *p;

	if (f->msg_size != 12) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	offset = get16(f->p + 8);
	count = get16(f->p + 10);
	if (offset + count > 65536) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	/*
	 * Device numbers stop at 1024, so that is all a window needs to
	 * describe; it also keeps the response (at most 142 bytes) far
	 * below the smallest max_msg.
	 */
	n = offset < VIRTIO_ARGO_MAX_DEVICES ?
	    VIRTIO_ARGO_MAX_DEVICES - offset : 0;
	if (n > count)
		n = count;
	next = n && offset + n < c->ndevs ? offset + n : 0;
	p = send_response(c, f, 14 + (n + 7) / 8);
	put16(p + 8, offset);
	put16(p + 10, next);
	put16(p + 12, n);
	memset(p + 14, 0, (n + 7) / 8);
	for (i = 0; i < n; i++)
		if (offset + i < c->ndevs)
			p[14 + i / 8] |= 1 << (i % 8);
}

void bus_rx(struct vab_conn *c, const struct frame *f)
{
	bool request = !(f->type & VIRTIO_ARGO_TYPE_RESPONSE) &&
		       !(f->msg_id & VIRTIO_ARGO_ID_EVENT);
	u8 *p;

	if (f->type & VIRTIO_ARGO_TYPE_RESPONSE)
		return;		/* we send no bus requests: nothing matches */
	if (f->dev_num) {
		if (request)
			send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	switch (f->msg_id) {
	case VIRTIO_ARGO_BUS_GET_DEVICES:
		get_devices(c, f);
		return;
	case VIRTIO_ARGO_BUS_PING:
		if (f->msg_size != 12) {
			send_error(c, f, VIRTIO_ARGO_E_INVALID);
			return;
		}
		p = send_response(c, f, 12);
		memcpy(p + 8, f->p + 8, 4);
		return;
	case VIRTIO_ARGO_BUS_GOODBYE:
		if (f->msg_size != 12)
			return;
		conn_info(c, "GOODBYE from the front-end (reason %s)",
			  err_name(get32(f->p + 8)));
		conn_close(c, "front-end said GOODBYE");
		return;
	}
	if (request)
		send_error(c, f, VIRTIO_ARGO_E_UNSUPPORTED);
}
