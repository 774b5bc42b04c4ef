// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transport control messages: device info, features, configuration space,
 * status (with the synchronous reset) and queues. Every request is checked
 * completely before anything changes, so a refused request leaves the
 * device as it was (the spec's atomic requests).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define NUM_FEATURE_BLOCKS	2

static u64 device_features(const struct vab_dev *d)
{
	/* Bits 28..41 are the transport's: only VERSION_1 and RING_RESET. */
	return (d->ops->features & ~(((1ULL << 14) - 1) << 28)) |
	       F_VERSION_1 | F_RING_RESET;
}

void dev_init(struct vab_conn *c, struct vab_dev *d, u16 num,
	      const struct vab_devcfg *cfg)
{
	const struct vab_dev_ops *ops = cfg->ops;
	int rc;

	memset(d, 0, sizeof(*d));
	d->conn = c;
	d->num = num;
	d->arg = cfg->arg;
	d->ops = ops;
	d->config = calloc(1, ops->config_size ? ops->config_size : 1);
	d->vqs = calloc(ops->num_queues, sizeof(*d->vqs));
	if (!d->config || !d->vqs) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = ops->create(d);
	if (!rc)
		return;
fail:
	dev_info(d, "cannot create the device: %s", strerror(-rc));
	free(d->config);
	free(d->vqs);
	d->ops = NULL;
}

/* Abandon the chains of queue vq: no response, now or later. */
void data_abandon_queue(struct vab_dev *d, u32 vq)
{
	struct vab_queue *q = &d->vqs[vq];
	u32 i;

	if (!q->in_flight)
		return;
	for (i = 0; i < q->size; i++) {
		struct vab_chain *ch = q->in_flight[i];

		if (!ch)
			continue;
		q->in_flight[i] = NULL;
		if (d->ops->cancel)
			d->ops->cancel(d, ch);
		free(ch);
	}
}

static void queue_reset(struct vab_dev *d, u32 vq)
{
	struct vab_queue *q = &d->vqs[vq];

	data_abandon_queue(d, vq);
	free(q->in_flight);
	memset(q, 0, sizeof(*q));
}

/* Steps 1 to 3 of a reset: no more DATA, every chain abandoned. */
static void stop_data(struct vab_dev *d)
{
	u32 i;

	data_drop_partial(d->conn, d);
	for (i = 0; i < d->ops->num_queues; i++)
		data_abandon_queue(d, i);
}

void dev_reset(struct vab_dev *d)
{
	u32 i;

	stop_data(d);
	for (i = 0; i < d->ops->num_queues; i++)
		queue_reset(d, i);
	if (d->ops->reset)
		d->ops->reset(d);
	d->drv_features = 0;
	d->status = 0;
}

void dev_fini(struct vab_dev *d)
{
	u32 i;

	if (!d->ops)
		return;
	stop_data(d);
	for (i = 0; i < d->ops->num_queues; i++)
		queue_reset(d, i);
	d->ops->destroy(d);
	free(d->config);
	free(d->vqs);
	d->ops = NULL;
}

char *vab_expand(struct vab_dev *dev, const char *tmpl)
{
	/* Two characters become at most ten: six times is always enough. */
	char *out = malloc(strlen(tmpl) * 6 + 1), *o = out;
	const char *t;

	if (!out)
		return NULL;
	for (t = tmpl; *t; t++) {
		if (*t != '%' || !t[1]) {
			*o++ = *t;
			continue;
		}
		t++;
		if (*t == 'd')
			o += sprintf(o, "%u", dev->conn->domid);
		else if (*t == 'p')
			o += sprintf(o, "%u", dev->conn->port);
		else
			*o++ = *t;
	}
	*o = 0;
	return out;
}

bool vab_dev_live(struct vab_dev *d)
{
	return (d->status & S_DRIVER_OK) && !(d->status & S_FAILED);
}

bool vab_dev_congested(struct vab_dev *d)
{
	return d->conn->congested || d->conn->dead;
}

static void event_config(struct vab_dev *d, u32 offset, u32 len)
{
	u8 *p;

	if (len && 24 + len > d->conn->frag_max + DATA_HDR) {
		/* Too big to carry: "unknown range", the front-end reads it. */
		offset = 0;
		len = 0;
	}
	p = conn_frame(d->conn, 24 + len, false);
	hdr_encode(p, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, d->num, 0, 24 + len);
	put32(p + 8, d->status);
	put32(p + 12, d->generation);
	put32(p + 16, offset);
	put32(p + 20, len);
	if (len)
		memcpy(p + 24, d->config + offset, len);
	conn_flush(d->conn);
}

void vab_config_changed(struct vab_dev *d, u32 offset, u32 len)
{
	if ((u64)offset + len > d->ops->config_size) {
		offset = 0;
		len = 0;
	}
	d->generation++;
	event_config(d, offset, len);
}

void vab_needs_reset(struct vab_dev *d)
{
	d->status |= S_NEEDS_RESET;
	event_config(d, 0, 0);
}

static void get_info(struct vab_conn *c, struct vab_dev *d,
		     const struct frame *f)
{
	u8 *p;

	if (f->msg_size != 8) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	p = send_response(c, f, 52);
	memset(p + 8, 0, 44);
	put32(p + 8, d->ops->device_id);
	put32(p + 12, 0);
	put32(p + 32, NUM_FEATURE_BLOCKS);
	put32(p + 36, d->ops->config_size);
	put32(p + 40, d->ops->num_queues);
}

/* block_index and num_blocks of a features message; false if invalid. */
static bool feature_range(const struct frame *f, u32 *idx, u32 *num)
{
	if (f->msg_size < 16)
		return false;
	*idx = get32(f->p + 8);
	*num = get32(f->p + 12);
	return *num >= 1 && *num <= VIRTIO_ARGO_MAX_FEATURE_BLOCKS &&
	       *idx <= VIRTIO_ARGO_MAX_FEATURE_BLOCKS &&
	       *idx + *num <= VIRTIO_ARGO_MAX_FEATURE_BLOCKS;
}

static u32 feature_block(u64 features, u32 block)
{
	return block < 2 ? (u32)(features >> (32 * block)) : 0;
}

static void get_features(struct vab_conn *c, struct vab_dev *d,
			 const struct frame *f)
{
	u32 idx, num, i;
	u8 *p;

	if (f->msg_size != 16 || !feature_range(f, &idx, &num)) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	p = send_response(c, f, 16 + 4 * num);
	put32(p + 8, idx);
	put32(p + 12, num);
	for (i = 0; i < num; i++)
		put32(p + 16 + 4 * i,
		      feature_block(device_features(d), idx + i));
}

static void set_features(struct vab_conn *c, struct vab_dev *d,
			 const struct frame *f)
{
	u64 offered = device_features(d), want = d->drv_features;
	u32 idx, num, i;

	if (!feature_range(f, &idx, &num) || f->msg_size != 16 + 4 * num) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	if (!(d->status & S_DRIVER) ||
	    (d->status & (S_FEATURES_OK | S_DRIVER_OK))) {
		send_error(c, f, VIRTIO_ARGO_E_STATE);
		return;
	}
	for (i = 0; i < num; i++) {
		u32 b = idx + i, v = get32(f->p + 16 + 4 * i);

		if (v & ~feature_block(offered, b)) {
			send_error(c, f, VIRTIO_ARGO_E_INVALID);
			return;
		}
		if (b < 2)
			want = (want & ~(0xffffffffULL << (32 * b))) |
			       ((u64)v << (32 * b));
	}
	d->drv_features = want;
	send_response(c, f, 8);
}

static void get_config(struct vab_conn *c, struct vab_dev *d,
		       const struct frame *f)
{
	u32 off, len;
	u8 *p;

	if (f->msg_size != 16) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	off = get32(f->p + 8);
	len = get32(f->p + 12);
	if ((u64)off + len > d->ops->config_size ||
	    20 + (u64)len > c->frag_max + DATA_HDR) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	p = send_response(c, f, 20 + len);
	put32(p + 8, d->generation);
	put32(p + 12, off);
	put32(p + 16, len);
	memcpy(p + 20, d->config + off, len);
}

static void set_config(struct vab_conn *c, struct vab_dev *d,
		       const struct frame *f)
{
	u32 gen, off, len, rc;
	u8 *p;

	if (f->msg_size < 20) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	gen = get32(f->p + 8);
	off = get32(f->p + 12);
	len = get32(f->p + 16);
	if (20 + (u64)len != f->msg_size ||
	    (u64)off + len > d->ops->config_size) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	if ((c->features & (1ULL << VIRTIO_ARGO_F_STRICT_CONFIG_GENERATION)) &&
	    gen != d->generation) {
		/* Strict profile: a stale writer applies nothing. */
		p = send_response(c, f, 20);
		put32(p + 8, d->generation);
		put32(p + 12, off);
		put32(p + 16, 0);
		return;
	}
	rc = d->ops->write_config ?
	     d->ops->write_config(d, off, len, f->p + 20) :
	     VIRTIO_ARGO_E_INVALID;
	if (rc) {
		send_error(c, f, rc);
		return;
	}
	if (len)
		d->generation++;
	p = send_response(c, f, 20 + len);
	put32(p + 8, d->generation);
	put32(p + 12, off);
	put32(p + 16, len);
	memcpy(p + 20, d->config + off, len);
}

/* The new status: STATE if not a legal step, else the resulting status. */
static bool status_step(struct vab_dev *d, u32 want, u32 *result)
{
	u32 cur = d->status, add = want & ~cur;

	if ((want & cur) != cur)
		return false;
	if (add & ~(S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK |
		    S_FAILED))
		return false;
	if ((want & S_DRIVER) && !(want & S_ACKNOWLEDGE))
		return false;
	if ((want & S_FEATURES_OK) && !(want & S_DRIVER))
		return false;
	if ((want & S_DRIVER_OK) && !(want & S_FEATURES_OK))
		return false;
	*result = want;
	if (add & S_FEATURES_OK) {
		if (!(d->drv_features & F_VERSION_1) ||
		    (d->ops->features_ok &&
		     !d->ops->features_ok(d, d->drv_features)))
			*result &= ~(S_FEATURES_OK | S_DRIVER_OK);
	}
	return true;
}

static void set_status(struct vab_conn *c, struct vab_dev *d,
		       const struct frame *f)
{
	u32 want, result, add;
	u8 *p;

	if (f->msg_size != 12) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	want = get32(f->p + 8);
	if (!want) {
		/*
		 * Synchronous reset: everything in flight is abandoned
		 * before the response goes into the FIFO, so no DATA
		 * response for an old chain can follow it.
		 */
		dev_reset(d);
		dev_dbg(d, "reset");
		result = 0;
	} else {
		if (!status_step(d, want, &result)) {
			send_error(c, f, VIRTIO_ARGO_E_STATE);
			return;
		}
		add = result & ~d->status;
		d->status = result;
		if (add & S_FAILED)
			stop_data(d);
		if (want & S_FEATURES_OK && !(result & S_FEATURES_OK))
			dev_info(d, "features 0x%llx refused",
				 (unsigned long long)d->drv_features);
		if ((add & S_DRIVER_OK) && d->ops->driver_ok)
			d->ops->driver_ok(d);
		dev_dbg(d, "status 0x%x", result);
	}
	p = send_response(c, f, 12);
	put32(p + 8, result);
}

static void get_vqueue(struct vab_conn *c, struct vab_dev *d,
		       const struct frame *f)
{
	u32 idx;
	u8 *p;

	if (f->msg_size != 12) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	idx = get32(f->p + 8);
	p = send_response(c, f, 28);
	memset(p + 8, 0, 20);
	put32(p + 8, idx);
	if (idx >= d->ops->num_queues)
		return;
	put32(p + 12, d->ops->queue_max_size);
	put32(p + 16, d->vqs[idx].size);
	put32(p + 20, d->vqs[idx].enabled ? VIRTIO_ARGO_VQ_ENABLED : 0);
	put32(p + 24, d->vqs[idx].epoch);
}

static void set_vqueue(struct vab_conn *c, struct vab_dev *d,
		       const struct frame *f)
{
	u32 idx, flags, size, epoch, op;
	struct vab_queue *q;
	bool ok_state;

	if (f->msg_size != 24) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	idx = get32(f->p + 8);
	flags = get32(f->p + 12);
	size = get32(f->p + 16);
	epoch = get32(f->p + 20);
	op = flags & VIRTIO_ARGO_VQ_STATE_MASK;
	if (idx >= d->ops->num_queues || op == 3 || !epoch) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	q = &d->vqs[idx];
	ok_state = !(d->status & S_FAILED) &&
		   (((d->status & S_FEATURES_OK) &&
		     !(d->status & S_DRIVER_OK)) ||
		    (d->status & S_DRIVER_OK));
	if (!ok_state || q->enabled) {
		send_error(c, f, VIRTIO_ARGO_E_STATE);
		return;
	}
	if (flags & VIRTIO_ARGO_VQ_SIZE_IGNORE) {
		size = q->size;
	} else if (!size || size > d->ops->queue_max_size) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	if (op == VIRTIO_ARGO_VQ_STATE_ENABLE) {
		struct vab_chain **in_flight;

		if (!size) {
			send_error(c, f, VIRTIO_ARGO_E_INVALID);
			return;
		}
		in_flight = calloc(size, sizeof(*in_flight));
		if (!in_flight) {
			send_error(c, f, VIRTIO_ARGO_E_NO_RESOURCE);
			return;
		}
		q->in_flight = in_flight;
		q->enabled = true;
		q->epoch = epoch;
		dev_dbg(d, "queue %u enabled: size %u, epoch %u", idx, size,
			epoch);
	}
	q->size = size;
	send_response(c, f, 8);
}

static void reset_vqueue(struct vab_conn *c, struct vab_dev *d,
			 const struct frame *f)
{
	u32 idx;

	if (f->msg_size != 12) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	if (!(d->drv_features & F_RING_RESET) ||
	    !(d->status & S_FEATURES_OK)) {
		send_error(c, f, VIRTIO_ARGO_E_UNSUPPORTED);
		return;
	}
	idx = get32(f->p + 8);
	if (idx >= d->ops->num_queues) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	if (c->part.active && c->part.dev_num == d->num &&
	    c->part.vq == idx)
		data_drop_partial(c, d);
	queue_reset(d, idx);
	dev_dbg(d, "queue %u reset", idx);
	send_response(c, f, 8);
}

static void get_shm(struct vab_conn *c, const struct frame *f)
{
	u8 *p;

	if (f->msg_size != 12) {
		send_error(c, f, VIRTIO_ARGO_E_INVALID);
		return;
	}
	p = send_response(c, f, 32);
	memset(p + 8, 0, 24);
	memcpy(p + 8, f->p + 8, 4);
}

/* Transport frames other than DATA requests. */
void control_rx(struct vab_conn *c, const struct frame *f)
{
	struct vab_dev *d;

	if ((f->type & VIRTIO_ARGO_TYPE_RESPONSE) ||
	    (f->msg_id & VIRTIO_ARGO_ID_EVENT))
		return;		/* responses and events from a front-end: drop */
	d = conn_dev(c, f->dev_num);
	if (!d || !d->ops) {
		send_error(c, f, VIRTIO_ARGO_E_NO_DEVICE);
		return;
	}
	switch (f->msg_id) {
	case VIRTIO_ARGO_MSG_GET_DEVICE_INFO:
		get_info(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_GET_DEVICE_FEATURES:
		get_features(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES:
		set_features(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_GET_CONFIG:
		get_config(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_SET_CONFIG:
		set_config(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_GET_DEVICE_STATUS:
		if (f->msg_size != 8) {
			send_error(c, f, VIRTIO_ARGO_E_INVALID);
			break;
		}
		put32(send_response(c, f, 12) + 8, d->status);
		break;
	case VIRTIO_ARGO_MSG_SET_DEVICE_STATUS:
		set_status(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_GET_VQUEUE:
		get_vqueue(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_SET_VQUEUE:
		set_vqueue(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_RESET_VQUEUE:
		reset_vqueue(c, d, f);
		break;
	case VIRTIO_ARGO_MSG_GET_SHM:
		get_shm(c, f);
		break;
	default:
		send_error(c, f, VIRTIO_ARGO_E_UNSUPPORTED);
	}
}
