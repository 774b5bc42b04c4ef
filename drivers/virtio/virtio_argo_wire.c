// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: checks of what the back-end sends.
 *
 * Pure functions over frames already copied out of the ring, so that the
 * validation the specification asks for is in one place and runs under
 * KUnit without Xen. Each returns NULL for a valid message, or a short
 * reason that the caller puts in its (rate-limited) log line. Sums are
 * done in 64 bits: no length from the peer can wrap.
 */
#include <linux/bitops.h>
#include <linux/kernel.h>
#include "virtio_argo_priv.h"

/**
 * va_hdr_init() - fill in a frame header
 * @hdr: the header
 * @type: VIRTIO_ARGO_TYPE_* bits
 * @msg_id: message id
 * @dev_num: device number, 0 for bus messages
 * @token: correlation token, 0 for events and DATA
 * @size: frame size, header included
 */
void va_hdr_init(struct virtio_argo_hdr *hdr, u8 type, u8 msg_id,
		 u16 dev_num, u16 token, u32 size)
{
	hdr->type = type;
	hdr->msg_id = msg_id;
	hdr->dev_num = cpu_to_le16(dev_num);
	hdr->token = cpu_to_le16(token);
	hdr->msg_size = cpu_to_le16(size);
}

/**
 * va_check_hello_resp() - validate a HELLO response
 * @r: the response payload
 * @offered: the transport features we offered
 *
 * Return: NULL, or why the back-end's answer cannot be used.
 */
const char *va_check_hello_resp(const struct virtio_argo_hello_resp *r,
				u64 offered)
{
	u32 max_msg = le32_to_cpu(r->max_msg);
	u32 max_chain = le32_to_cpu(r->max_chain);

	if (le16_to_cpu(r->version) != VIRTIO_ARGO_VERSION)
		return "version not offered";
	if (!r->instance)
		return "instance 0";
	if (le64_to_cpu(r->features) & ~offered)
		return "features not offered";
	if (max_msg < VIRTIO_ARGO_MIN_MSG || max_msg > VIRTIO_ARGO_MAX_MSG)
		return "max_msg out of range";
	if (max_chain < VIRTIO_ARGO_MIN_CHAIN ||
	    max_chain > VIRTIO_ARGO_MAX_CHAIN)
		return "max_chain out of range";
	return NULL;
}

/**
 * va_check_device_info() - validate a GET_DEVICE_INFO response
 * @info: the response, in CPU byte order
 *
 * Return: NULL, or why the device cannot be registered.
 */
const char *va_check_device_info(const struct va_dev_info *info)
{
	u64 admin_end = (u64)info->admin_vq_start + info->admin_vq_count;

	if (!info->device_id)
		return "device id 0";
	if (info->num_feature_blocks < 1 ||
	    info->num_feature_blocks > VIRTIO_ARGO_MAX_FEATURE_BLOCKS)
		return "feature blocks out of range";
	if (info->config_size > VIRTIO_ARGO_MAX_CONFIG)
		return "config size out of range";
	if (info->max_virtqueues < 1 ||
	    info->max_virtqueues > VIRTIO_ARGO_MAX_VQS)
		return "virtqueue count out of range";
	if (!info->admin_vq_count && info->admin_vq_start)
		return "admin queue start without admin queues";
	if (admin_end > info->max_virtqueues)
		return "admin queues beyond the virtqueues";
	return NULL;
}

/**
 * va_check_get_devices_resp() - validate a GET_DEVICES response frame
 * @frame: the whole frame, header included
 * @size: its msg_size, already known to be at least the fixed part
 * @offset: the request's offset
 * @count: the request's count
 *
 * Return: NULL, or why the response is malformed.
 */
const char *va_check_get_devices_resp(const void *frame, u32 size,
				      u16 offset, u16 count)
{
	const struct virtio_argo_get_devices_resp *r = frame +
		sizeof(struct virtio_argo_hdr);
	u16 rcount = le16_to_cpu(r->count);
	u16 next = le16_to_cpu(r->next_offset);
	unsigned int i;

	if (size != sizeof(struct virtio_argo_hdr) + sizeof(*r) +
		    DIV_ROUND_UP(rcount, 8))
		return "size does not match count";
	if (le16_to_cpu(r->offset) != offset)
		return "offset not echoed";
	if (rcount > count)
		return "more devices than asked for";
	if (next && next <= offset)
		return "next_offset goes backwards";
	for (i = rcount; i < round_up(rcount, 8); i++)
		if (r->bitmap[i / 8] & BIT(i % 8))
			return "bits set beyond count";
	return NULL;
}

/**
 * va_check_data_resp() - validate a DATA response fragment
 * @r: the fragment's fixed part
 * @n: its data bytes
 * @c: the chain it names, known to be in flight
 *
 * A failure means the device and the front-end disagree: the caller marks
 * the device broken.
 *
 * Return: NULL, or why the fragment cannot be applied.
 */
const char *va_check_data_resp(const struct virtio_argo_data_resp *r, u32 n,
			       const struct va_chain *c)
{
	u32 used_len = le32_to_cpu(r->used_len);
	u32 off = le32_to_cpu(r->offset);

	if (r->status) {
		if (used_len || n || off)
			return "refusal with data";
		return c->started ? "refusal after data" : NULL;
	}
	if (used_len > c->in_len)
		return "used length beyond the writable buffers";
	if (c->started && used_len != c->used_len)
		return "used length changed between fragments";
	if (off != c->received)
		return "fragment out of order";
	if ((u64)off + n > used_len)
		return "fragment beyond the used length";
	if (!n && used_len)
		return "empty fragment";
	return NULL;
}

/**
 * va_check_event_config() - validate an EVENT_CONFIG frame
 * @ev: the fixed part
 * @n: bytes after it
 * @config_size: the device's configuration size
 *
 * Return: NULL, or why the event is dropped.
 */
const char *va_check_event_config(const struct virtio_argo_event_config *ev,
				  u32 n, u32 config_size)
{
	u32 off = le32_to_cpu(ev->offset);
	u32 len = le32_to_cpu(ev->length);

	if ((u64)off + len > config_size)
		return "range beyond the configuration";
	if (n && n != len)
		return "data length does not match";
	return NULL;
}
