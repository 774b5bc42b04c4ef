// SPDX-License-Identifier: GPL-2.0-only
/*
 * One received Argo message: check where it comes from, split it into
 * frames and hand each to its namespace. Everything here is untrusted.
 */
#include <errno.h>
#include <string.h>

#include "backend.h"

static bool domain_served(u16 domid)
{
	unsigned int i;

	if (!opt.ndomids)
		return true;
	for (i = 0; i < opt.ndomids; i++)
		if (opt.domids[i] == domid)
			return true;
	return false;
}

static bool is_request(const struct frame *f)
{
	return !(f->type & VIRTIO_ARGO_TYPE_RESPONSE) &&
	       !(f->msg_id & VIRTIO_ARGO_ID_EVENT);
}

/* Frame header of a response to f, the rest for the caller to fill. */
u8 *send_response(struct vab_conn *c, const struct frame *f, u16 size)
{
	u8 *p = conn_frame(c, size, true);

	hdr_encode(p, (f->type & VIRTIO_ARGO_TYPE_BUS) |
		   VIRTIO_ARGO_TYPE_RESPONSE, f->msg_id, f->dev_num, f->token,
		   size);
	return p;
}

static void encode_error(u8 *p, const struct frame *f, u32 code)
{
	u8 type = (f->type & VIRTIO_ARGO_TYPE_BUS) | VIRTIO_ARGO_TYPE_RESPONSE;
	u8 id = type & VIRTIO_ARGO_TYPE_BUS ? VIRTIO_ARGO_BUS_ERROR :
		VIRTIO_ARGO_MSG_ERROR;

	hdr_encode(p, type, id, f->dev_num, f->token, 16);
	p[8] = f->msg_id;
	p[9] = 0;
	put16(p + 10, 0);
	put32(p + 12, code);
}

/*
 * ERROR response to request f. Errors beyond the outstanding limit are
 * not counted as outstanding themselves, or a flood would never end.
 */
void send_error(struct vab_conn *c, const struct frame *f, u32 code)
{
	encode_error(conn_frame(c, 16, code != VIRTIO_ARGO_E_NO_RESOURCE), f,
		     code);
	conn_trace(c, "-> ERROR %s for %s 0x%02x dev %u token %u",
		   err_name(code), f->type & VIRTIO_ARGO_TYPE_BUS ? "bus" :
		   "transport", f->msg_id, f->dev_num, f->token);
}

/*
 * A frame from a (domid, port) without a connection: one NOT_CONNECTED
 * per Argo message, sent directly (there is no FIFO to queue it on; if
 * the ring is full it is dropped, and the front-end's timeout covers it).
 */
static void not_connected(struct vab_ring *r, u16 domid, u32 port,
			  const struct frame *f)
{
	struct frame g = *f;
	u8 buf[16];

	if (f->msg_id == VIRTIO_ARGO_MSG_DATA &&
	    !(f->type & VIRTIO_ARGO_TYPE_BUS))
		g.token = 0;
	encode_error(buf, &g, VIRTIO_ARGO_E_NOT_CONNECTED);
	ring_send(r, domid, port, buf, sizeof(buf));
	vab_dbg("%u:%u: no connection: NOT_CONNECTED for %s 0x%02x", domid,
		port, f->type & VIRTIO_ARGO_TYPE_BUS ? "bus" : "transport",
		f->msg_id);
}

/* A frame on a live connection. */
static void dispatch(struct vab_conn *c, const struct frame *f)
{
	c->stat_rx++;
	conn_trace(c, "<- %s %s 0x%02x dev %u token %u size %u",
		   f->type & VIRTIO_ARGO_TYPE_BUS ? "bus" : "transport",
		   f->type & VIRTIO_ARGO_TYPE_RESPONSE ? "response" :
		   f->msg_id & VIRTIO_ARGO_ID_EVENT ? "event" : "request",
		   f->msg_id, f->dev_num, f->token, f->msg_size);
	/* The 16-outstanding rule, for every request but DATA. */
	if (is_request(f) && c->ctrl_pending >= VIRTIO_ARGO_MAX_CTRL_INFLIGHT &&
	    ((f->type & VIRTIO_ARGO_TYPE_BUS) ||
	     f->msg_id != VIRTIO_ARGO_MSG_DATA)) {
		send_error(c, f, VIRTIO_ARGO_E_NO_RESOURCE);
		return;
	}
	if (f->type & VIRTIO_ARGO_TYPE_BUS)
		bus_rx(c, f);
	else if (f->msg_id == VIRTIO_ARGO_MSG_DATA &&
		 !(f->type & VIRTIO_ARGO_TYPE_RESPONSE))
		data_rx(c, f);
	else
		control_rx(c, f);
}

void frame_rx(struct vab_ring *r, u16 domid, u32 port, u32 type,
	      const u8 *buf, u32 len)
{
	bool answered = false;
	struct vab_conn *c;
	struct frame f;
	u32 pos = 0;

	if (type != VIRTIO_ARGO_ARGO_TYPE) {
		vab_dbg("%u:%u: Argo message type 0x%x, not virtio-argo: dropped",
			domid, port, type);
		return;
	}
	if (len < HDR_LEN) {
		if (len)
			vab_dbg("%u:%u: %u-byte message: dropped", domid, port,
				len);
		return;
	}
	while (pos < len) {
		if (len - pos < HDR_LEN) {
			f.msg_size = 0;
			goto framing;
		}
		frame_decode(&f, buf + pos);
		if (f.msg_size < HDR_LEN || f.msg_size > len - pos)
			goto framing;
		pos += f.msg_size;

		if ((f.type & VIRTIO_ARGO_TYPE_BUS) &&
		    f.msg_id == VIRTIO_ARGO_BUS_HELLO && is_request(&f)) {
			/* HELLO always starts a new connection. */
			if (!domain_served(domid) && f.msg_size == 32) {
				u8 e[16];

				encode_error(e, &f, VIRTIO_ARGO_E_DENIED);
				ring_send(r, domid, port, e, sizeof(e));
				vab_info("%u:%u: HELLO from a domain not served: DENIED",
					 domid, port);
				continue;
			}
			bus_hello(r, domid, port, &f);
			continue;
		}
		if (!domain_served(domid))
			return;
		c = conn_find(domid, port);
		if (c && c->ring != r)
			c = NULL;	/* not the ring it connected on */
		if (!c) {
			if (is_request(&f) && !answered) {
				not_connected(r, domid, port, &f);
				answered = true;
			}
			continue;
		}
		dispatch(c, &f);
	}
	return;

framing:
	c = conn_find(domid, port);
	if (c) {
		conn_info(c, "framing error at byte %u of %u (msg_size %u): closing",
			  pos, len, f.msg_size);
		/* The frames before it stay processed: their answers go out. */
		conn_flush(c);
		conn_close(c, "framing error");
	} else {
		vab_dbg("%u:%u: framing error at byte %u of %u, no connection",
			domid, port, pos, len);
	}
}
