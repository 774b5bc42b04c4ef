// SPDX-License-Identifier: GPL-2.0-only
/*
 * --hostile=MODE: a back-end that lies on purpose, so that tests can show
 * a front-end survives a misbehaving peer (it must drop, or declare the
 * device broken, and never write outside a chain's buffers). Each mode
 * replaces how completions are sent; the control plane stays correct so
 * that devices still come up and chains flow.
 *
 * garble       corrupt the header of every DATA response, cycling through:
 *              msg_size one too large, msg_size below 8 (both framing
 *              errors), a request type instead of a response, a device
 *              number that does not exist, an unknown msg_id
 * oversize     used_len one more than in_len, with that many bytes; every
 *              other completion instead keeps used_len but carries one data
 *              byte beyond it
 * duplicate    every DATA response sent twice
 * reorder      fragments in reverse order; a single fragment gets offset 1
 * unsolicited  the true response, then DATA responses for a chain never
 *              requested, for a wrong epoch and for a device that does not
 *              exist, and a control response with a token never used
 * slow         correct, but every HELLO is answered only after
 *              HOSTILE_SLOW_MS, as by a back-end whose devices take long
 *              to create: a front-end must wait rather than resend
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend.h"

static unsigned long count;

const char *hostile_name(enum vab_hostile h)
{
	static const char * const names[] = {
		"none", "garble", "oversize", "duplicate", "reorder",
		"unsolicited", "slow",
	};

	return h < ARRAY_SIZE(names) ? names[h] : "?";
}

/*
 * More than the first retry backoff of a front-end (1 s), less than the
 * time it gives any control response (10 s for Linux), and less than the
 * test client's 5 s.
 */
#define HOSTILE_SLOW_MS	3000

/*
 * Called before a HELLO creates its connection's devices. The whole
 * event loop waits, as it does while a slow device is created.
 */
void hostile_hello(void)
{
	struct timespec ts = {
		.tv_sec = HOSTILE_SLOW_MS / 1000,
		.tv_nsec = (HOSTILE_SLOW_MS % 1000) * 1000000L,
	};

	if (opt.hostile != HOSTILE_SLOW)
		return;
	vab_info("hostile slow: answering HELLO in %u ms", HOSTILE_SLOW_MS);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The fragments of a completion, in order, with used_len as given. */
static void emit(struct vab_conn *c, const struct vab_chain *ch,
		 const u8 *data, u32 used_len, u32 len)
{
	u32 off = 0, n;

	do {
		n = len - off;
		if (n > c->frag_max)
			n = c->frag_max;
		data_emit(c, ch->dev->num, ch->vq, ch->id, ch->epoch, used_len,
			  0, off, data + off, n);
		off += n;
	} while (off < len);
}

static void garble(struct vab_conn *c, const struct vab_chain *ch,
		   const u8 *data, u32 used_len)
{
	u32 n = used_len < c->frag_max ? used_len : c->frag_max;
	u8 *p = conn_frame(c, DATA_HDR + n, false);

	hdr_encode(p, VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_DATA,
		   ch->dev->num, 0, DATA_HDR + n);
	put16(p + 8, ch->vq);
	put16(p + 10, ch->id);
	put32(p + 12, ch->epoch);
	put32(p + 16, used_len);
	put32(p + 20, 0);
	put32(p + 24, 0);
	put32(p + 28, 0);
	if (n)
		memcpy(p + DATA_HDR, data, n);
	switch (count % 5) {
	case 0:
		put16(p + 6, DATA_HDR + n + 1);
		break;
	case 1:
		put16(p + 6, 4);
		break;
	case 2:
		p[0] = 0;
		break;
	case 3:
		put16(p + 2, VIRTIO_ARGO_MAX_DEVICES - 1);
		break;
	default:
		p[1] = 0xbf;
	}
}

static void oversize(struct vab_conn *c, const struct vab_chain *ch,
		     const u8 *data, u32 used_len)
{
	u32 len = ch->in_len + 1;
	u8 *buf = calloc(1, len);

	if (!buf)
		return;
	memcpy(buf, data, used_len);
	memset(buf + used_len, 0xaa, len - used_len);
	if (count % 2)
		emit(c, ch, buf, ch->in_len + 1, len);
	else
		emit(c, ch, buf, used_len, used_len + 1);
	free(buf);
}

static void reorder(struct vab_conn *c, const struct vab_chain *ch,
		    const u8 *data, u32 used_len)
{
	u32 nfrag = used_len ? (used_len + c->frag_max - 1) / c->frag_max : 1;
	u32 i, off, n;

	if (nfrag == 1) {
		data_emit(c, ch->dev->num, ch->vq, ch->id, ch->epoch, used_len,
			  0, 1, data, used_len ? used_len - 1 : 0);
		return;
	}
	for (i = nfrag; i-- > 0;) {
		off = i * c->frag_max;
		n = used_len - off < c->frag_max ? used_len - off : c->frag_max;
		data_emit(c, ch->dev->num, ch->vq, ch->id, ch->epoch, used_len,
			  0, off, data + off, n);
	}
}

static void unsolicited(struct vab_conn *c, const struct vab_chain *ch,
			const u8 *data, u32 used_len)
{
	struct vab_queue *q = &ch->dev->vqs[ch->vq];
	u16 other = q->size;	/* beyond the queue: never requested */
	u32 i;
	u8 *p;

	emit(c, ch, data, used_len, used_len);
	for (i = 0; i < q->size; i++) {
		if (i != ch->id && !q->in_flight[i]) {
			other = i;
			break;
		}
	}
	data_emit(c, ch->dev->num, ch->vq, other, ch->epoch, 1, 0, 0,
		  (const u8 *)"x", 1);
	data_emit(c, ch->dev->num, ch->vq, ch->id, ch->epoch + 1, 0, 0, 0,
		  NULL, 0);
	data_emit(c, c->ndevs, 0, 0, 1, 0, 0, 0, NULL, 0);
	p = conn_frame(c, 12, false);
	hdr_encode(p, VIRTIO_ARGO_TYPE_RESPONSE,
		   VIRTIO_ARGO_MSG_GET_DEVICE_STATUS, ch->dev->num, 0xbeef, 12);
	put32(p + 8, S_FAILED);
}

/* Send ch's completion the hostile way; false: send it normally. */
bool hostile_complete(struct vab_chain *ch, const u8 *data, u32 used_len)
{
	struct vab_conn *c = ch->dev->conn;

	switch (opt.hostile) {
	case HOSTILE_GARBLE:
		garble(c, ch, data, used_len);
		break;
	case HOSTILE_OVERSIZE:
		oversize(c, ch, data, used_len);
		break;
	case HOSTILE_DUPLICATE:
		emit(c, ch, data, used_len, used_len);
		emit(c, ch, data, used_len, used_len);
		break;
	case HOSTILE_REORDER:
		reorder(c, ch, data, used_len);
		break;
	case HOSTILE_UNSOLICITED:
		unsolicited(c, ch, data, used_len);
		break;
	default:
		return false;
	}
	count++;
	dev_dbg(ch->dev, "hostile %s: chain %u of queue %u, used_len %u",
		hostile_name(opt.hostile), ch->id, ch->vq, used_len);
	return true;
}
