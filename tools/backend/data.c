// SPDX-License-Identifier: GPL-2.0-only
/*
 * The data plane: DATA requests in, DATA responses out.
 *
 * A request may come in fragments; the front-end sends one chain's
 * fragments before it starts another, so one partial request per
 * connection is all the state there is, and it is never larger than
 * max_chain. A chain the device cannot take is refused with a DATA
 * response carrying a status and no data; if more fragments of it are
 * announced, they are swallowed first, so that the refusal comes after the
 * last fragment the device received and is sent once.
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"

struct req {
	u16 dev_num;
	u16 vq;
	u16 chain;
	u32 epoch;
	u32 out_len;
	u32 in_len;
	u32 offset;
	u32 n;
	const u8 *data;
};

void data_emit(struct vab_conn *c, u16 dev_num, u16 vq, u16 chain, u32 epoch,
	       u32 used_len, u32 status, u32 offset, const u8 *data, u32 n)
{
	u8 *p = conn_frame(c, DATA_HDR + n, false);

	hdr_encode(p, VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_DATA, dev_num,
		   0, DATA_HDR + n);
	put16(p + 8, vq);
	put16(p + 10, chain);
	put32(p + 12, epoch);
	put32(p + 16, used_len);
	put32(p + 20, status);
	put32(p + 24, offset);
	put32(p + 28, 0);
	if (n)
		memcpy(p + DATA_HDR, data, n);
}

static void refuse_now(struct vab_conn *c, u16 dev_num, u16 vq, u16 chain,
		       u32 epoch, u32 code)
{
	conn_info(c, "dev %u: DATA vq %u chain %u epoch %u refused: %s",
		  dev_num, vq, chain, epoch, err_name(code));
	data_emit(c, dev_num, vq, chain, epoch, 0, code, 0, NULL, 0);
}

/* Refuse r; if it announces more fragments, swallow them first. */
static void refuse(struct vab_conn *c, const struct req *r, u32 code)
{
	struct vab_partial *p = &c->part;

	if (r->n && r->offset < r->out_len &&
	    r->n < r->out_len - r->offset) {
		memset(p, 0, sizeof(*p));
		p->active = true;
		p->discard = true;
		p->code = code;
		p->dev_num = r->dev_num;
		p->vq = r->vq;
		p->chain = r->chain;
		p->epoch = r->epoch;
		p->out_len = r->out_len;
		p->in_len = r->in_len;
		p->got = r->offset + r->n;
		return;
	}
	refuse_now(c, r->dev_num, r->vq, r->chain, r->epoch, code);
}

/*
 * Forget the partial request of device d (NULL: of any device) without a
 * response: a reset or a closing connection abandons it.
 */
void data_drop_partial(struct vab_conn *c, struct vab_dev *d)
{
	struct vab_partial *p = &c->part;

	if (!p->active || (d && p->dev_num != d->num))
		return;
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* The partial request was interrupted by a frame that does not belong. */
static void end_partial(struct vab_conn *c)
{
	struct vab_partial *p = &c->part;

	refuse_now(c, p->dev_num, p->vq, p->chain, p->epoch,
		   p->discard ? p->code : VIRTIO_ARGO_E_INVALID);
	data_drop_partial(c, NULL);
}

/*
 * Hand a whole request to its model. @out is its readable bytes: @buf, a
 * reassembled copy freed here, or (@buf NULL) the frame in the receive
 * buffer, for a request that came in one fragment.
 */
static void deliver(struct vab_conn *c, struct vab_dev *d, u16 vq, u16 id,
		    u32 epoch, u32 out_len, u32 in_len, const u8 *out,
		    u8 *buf)
{
	struct vab_queue *q = &d->vqs[vq];
	struct vab_chain *ch = calloc(1, sizeof(*ch));

	if (!ch) {
		free(buf);
		refuse_now(c, d->num, vq, id, epoch,
			   VIRTIO_ARGO_E_NO_RESOURCE);
		return;
	}
	ch->dev = d;
	ch->vq = vq;
	ch->id = id;
	ch->epoch = epoch;
	ch->out_len = out_len;
	ch->in_len = in_len;
	ch->out = out;
	q->in_flight[id] = ch;
	d->ops->chain(d, ch);
	/* The readable bytes live only during chain(). */
	if (q->in_flight && q->in_flight[id] == ch)
		ch->out = NULL;
	free(buf);
}

static void first_fragment(struct vab_conn *c, struct vab_dev *d,
			   const struct req *r)
{
	struct vab_queue *q;
	u8 *buf = NULL;
	u32 code = 0;

	if (c->part.active) {
		/* Another chain is half received: both are refused. */
		end_partial(c);
		refuse(c, r, VIRTIO_ARGO_E_INVALID);
		return;
	}
	if (!d || !d->ops) {
		code = VIRTIO_ARGO_E_NO_DEVICE;
	} else if (!vab_dev_live(d)) {
		code = VIRTIO_ARGO_E_STATE;
	} else if (r->vq >= d->ops->num_queues) {
		code = VIRTIO_ARGO_E_INVALID;
	} else if (!d->vqs[r->vq].enabled ||
		   r->epoch != d->vqs[r->vq].epoch) {
		code = VIRTIO_ARGO_E_STATE;
	} else if (r->chain >= d->vqs[r->vq].size) {
		code = VIRTIO_ARGO_E_INVALID;
	} else if (d->vqs[r->vq].in_flight[r->chain]) {
		/* A response would be ambiguous: the stream is not sane. */
		conn_info(c, "dev %u: DATA for chain %u of queue %u, which is in flight",
			  r->dev_num, r->chain, r->vq);
		conn_close(c, "DATA for a chain in flight");
		return;
	} else if (r->out_len > opt.max_chain || r->in_len > opt.max_chain) {
		code = VIRTIO_ARGO_E_INVALID;
	} else if (r->n > r->out_len || (!r->n && r->out_len)) {
		code = VIRTIO_ARGO_E_INVALID;
	}
	if (code) {
		refuse(c, r, code);
		return;
	}
	q = &d->vqs[r->vq];
	if (r->n == r->out_len) {
		/* Whole: no copy, the model reads it where it came in. */
		deliver(c, d, r->vq, r->chain, q->epoch, r->out_len, r->in_len,
			r->data, NULL);
		return;
	}
	buf = malloc(r->out_len);
	if (!buf) {
		refuse(c, r, VIRTIO_ARGO_E_NO_RESOURCE);
		return;
	}
	memcpy(buf, r->data, r->n);
	c->part = (struct vab_partial){
		.active = true,
		.dev_num = r->dev_num,
		.vq = r->vq,
		.chain = r->chain,
		.epoch = r->epoch,
		.out_len = r->out_len,
		.in_len = r->in_len,
		.got = r->n,
		.buf = buf,
	};
}

static void next_fragment(struct vab_conn *c, struct vab_dev *d,
			  const struct req *r)
{
	struct vab_partial *p = &c->part;
	u8 *buf;

	if (!p->active || p->dev_num != r->dev_num || p->vq != r->vq ||
	    p->chain != r->chain || p->epoch != r->epoch ||
	    p->out_len != r->out_len || p->in_len != r->in_len ||
	    r->offset != p->got || !r->n || r->n > r->out_len - r->offset) {
		bool same = p->active && p->dev_num == r->dev_num &&
			    p->vq == r->vq && p->chain == r->chain &&
			    p->epoch == r->epoch;

		/* One refusal per chain: the partial one, or this stray. */
		if (p->active)
			end_partial(c);
		if (!same)
			refuse_now(c, r->dev_num, r->vq, r->chain, r->epoch,
				   VIRTIO_ARGO_E_INVALID);
		return;
	}
	if (!p->discard)
		memcpy(p->buf + p->got, r->data, r->n);
	p->got += r->n;
	if (p->got < p->out_len)
		return;
	if (p->discard) {
		end_partial(c);
		return;
	}
	buf = p->buf;
	p->buf = NULL;
	memset(p, 0, sizeof(*p));
	/* A reset, FAILED or queue reset in between dropped the partial. */
	deliver(c, d, r->vq, r->chain, r->epoch, r->out_len, r->in_len, buf,
		buf);
}

void data_rx(struct vab_conn *c, const struct frame *f)
{
	struct req r;

	if (f->msg_size < DATA_HDR) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	r.dev_num = f->dev_num;
	r.vq = get16(f->p + 8);
	r.chain = get16(f->p + 10);
	r.epoch = get32(f->p + 12);
	r.out_len = get32(f->p + 16);
	r.in_len = get32(f->p + 20);
	r.offset = get32(f->p + 24);
	r.n = f->msg_size - DATA_HDR;
	r.data = f->p + DATA_HDR;
	conn_trace(c, "<- DATA dev %u vq %u chain %u epoch %u out %u in %u offset %u n %u",
		   r.dev_num, r.vq, r.chain, r.epoch, r.out_len, r.in_len,
		   r.offset, r.n);
	if (!r.offset)
		first_fragment(c, conn_dev(c, r.dev_num), &r);
	else
		next_fragment(c, conn_dev(c, r.dev_num), &r);
}

/* Split a completion into fragments that fit the front-end's limits. */
static void emit_completion(struct vab_conn *c, const struct vab_chain *ch,
			    const u8 *data, u32 used_len)
{
	u32 off = 0, n;

	do {
		n = used_len - off;
		if (n > c->frag_max)
			n = c->frag_max;
		data_emit(c, ch->dev->num, ch->vq, ch->id, ch->epoch, used_len,
			  VIRTIO_ARGO_E_OK, off, data + off, n);
		off += n;
	} while (off < used_len);
}

void vab_complete(struct vab_chain *ch, const void *data, u32 used_len)
{
	struct vab_dev *d = ch->dev;
	struct vab_queue *q = &d->vqs[ch->vq];

	if (!q->in_flight || ch->id >= q->size || q->in_flight[ch->id] != ch) {
		dev_info(d, "model bug: completing chain %u of queue %u, which is not in flight",
			 ch->id, ch->vq);
		return;
	}
	if (used_len > ch->in_len) {
		dev_info(d, "model bug: used_len %u > in_len %u, clamped",
			 used_len, ch->in_len);
		used_len = ch->in_len;
	}
	q->in_flight[ch->id] = NULL;
	if (!hostile_complete(ch, data, used_len))
		emit_completion(d->conn, ch, data, used_len);
	free(ch);
}
