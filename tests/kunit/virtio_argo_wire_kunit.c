// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the frame checks of the virtio-argo front-end,
 * drivers/virtio/virtio_argo_wire.c.
 *
 * The file under test is #included, so this always tests the real source,
 * needs no exports and needs no Xen: it runs under User-Mode Linux
 * (scripts/kunit.sh).
 *
 * Every expected value is written out by hand from
 * Documentation/virtio/virtio-argo.rst (its "Validation" section, the
 * message tables and the byte dumps of its examples), never computed with
 * the code under test. A rejected message must be rejected by the rule the
 * case is about, so the reason string is compared too: a hostile message
 * that only fails an earlier, unrelated check would hide a missing one.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "../../drivers/virtio/virtio_argo_wire.c"

/* Reasons, as the checks report them. */
#define R_VERSION	"version not offered"
#define R_INSTANCE	"instance 0"
#define R_FEATURES	"features not offered"
#define R_MAX_MSG	"max_msg out of range"
#define R_MAX_CHAIN	"max_chain out of range"
#define R_DEV_ID	"device id 0"
#define R_BLOCKS	"feature blocks out of range"
#define R_CONFIG	"config size out of range"
#define R_VQS		"virtqueue count out of range"
#define R_ADMIN_START	"admin queue start without admin queues"
#define R_ADMIN_END	"admin queues beyond the virtqueues"
#define R_GD_SIZE	"size does not match count"
#define R_GD_OFFSET	"offset not echoed"
#define R_GD_COUNT	"more devices than asked for"
#define R_GD_NEXT	"next_offset goes backwards"
#define R_GD_BITS	"bits set beyond count"
#define R_REFUSE_DATA	"refusal with data"
#define R_REFUSE_LATE	"refusal after data"
#define R_USED_BIG	"used length beyond the writable buffers"
#define R_USED_CHANGED	"used length changed between fragments"
#define R_ORDER		"fragment out of order"
#define R_BEYOND	"fragment beyond the used length"
#define R_EMPTY		"empty fragment"
#define R_EV_RANGE	"range beyond the configuration"
#define R_EV_LEN	"data length does not match"

/* NULL means "valid"; otherwise the exact reason is expected. */
static void expect_reason(struct kunit *test, const char *got,
			  const char *want)
{
	if (!want) {
		KUNIT_EXPECT_PTR_EQ_MSG(test, got, NULL,
					"rejected a valid message: %s",
					got ? got : "");
		return;
	}
	KUNIT_ASSERT_NOT_NULL_MSG(test, got,
				  "accepted a message that must fail: %s",
				  want);
	KUNIT_EXPECT_STREQ(test, got, want);
}

/* va_hdr_init(): the header bytes, against the spec's byte dumps. */

struct hdr_case {
	const char *desc;
	u8 type, msg_id;
	u16 dev_num, token;
	u32 size;
	u8 bytes[8];
};

static const struct hdr_case hdr_cases[] = {
	{ "example frame 1, HELLO request",
	  VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_HELLO, 0, 1, 32,
	  { 0x02, 0x80, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00 } },
	{ "example frame 5, GET_DEVICE_INFO request",
	  0, VIRTIO_ARGO_MSG_GET_DEVICE_INFO, 0, 3, 8,
	  { 0x00, 0x02, 0x00, 0x00, 0x03, 0x00, 0x08, 0x00 } },
	{ "example frame 6, GET_DEVICE_INFO response",
	  VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_GET_DEVICE_INFO, 0, 3, 52,
	  { 0x01, 0x02, 0x00, 0x00, 0x03, 0x00, 0x34, 0x00 } },
	{ "example DATA request of 48 bytes",
	  0, VIRTIO_ARGO_MSG_DATA, 0, 0, 48,
	  { 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00 } },
	/* Every byte distinct: catches swapped or big-endian fields. */
	{ "little-endian fields",
	  VIRTIO_ARGO_TYPE_RESPONSE | VIRTIO_ARGO_TYPE_BUS,
	  VIRTIO_ARGO_BUS_ERROR, 0x0201, 0x0403, 0xfffe,
	  { 0x03, 0x81, 0x01, 0x02, 0x03, 0x04, 0xfe, 0xff } },
	{ "largest frame, 65535 bytes",
	  0, VIRTIO_ARGO_MSG_DATA, 1023, 0xffff, VIRTIO_ARGO_MAX_FRAME,
	  { 0x00, 0x80, 0xff, 0x03, 0xff, 0xff, 0xff, 0xff } },
};

KUNIT_ARRAY_PARAM_DESC(hdr, hdr_cases, desc);

static void va_hdr_init_test(struct kunit *test)
{
	const struct hdr_case *c = test->param_value;
	struct virtio_argo_hdr hdr;

	/* Poison first: every byte must be written. */
	memset(&hdr, 0xa5, sizeof(hdr));
	va_hdr_init(&hdr, c->type, c->msg_id, c->dev_num, c->token, c->size);
	KUNIT_EXPECT_MEMEQ(test, &hdr, c->bytes, sizeof(c->bytes));
}

/* va_check_hello_resp() */

struct hello_case {
	const char *desc;
	u16 version;
	u32 instance;
	u64 features, offered;
	u32 max_msg, max_chain;
	const char *reason;
};

static const struct hello_case hello_cases[] = {
	/* Example frame 2 of the spec. */
	{ "example: v1, max_msg 65440, max_chain 4 MiB",
	  1, 0x1234abcd, 0, 0, 65440, 4194304, NULL },
	{ "smallest limits", 1, 1, 0, 0, 4096, 65536, NULL },
	{ "largest limits", 1, 0xffffffff, 0, 0, 16777120, 16777216, NULL },
	{ "feature offered and accepted",
	  1, 7, 0x1, 0x1, 65440, 65536, NULL },
	{ "feature offered, not accepted",
	  1, 7, 0, 0x1, 65440, 65536, NULL },
	{ "version 0", 0, 7, 0, 0, 65440, 65536, R_VERSION },
	{ "version 2, not offered", 2, 7, 0, 0, 65440, 65536, R_VERSION },
	{ "version 0xffff", 0xffff, 7, 0, 0, 65440, 65536, R_VERSION },
	/* Version 1 in the upper byte: a byte-order mistake. */
	{ "version 0x0100", 0x0100, 7, 0, 0, 65440, 65536, R_VERSION },
	{ "instance 0", 1, 0, 0, 0, 65440, 65536, R_INSTANCE },
	{ "feature not offered", 1, 7, 0x1, 0, 65440, 65536, R_FEATURES },
	{ "unknown feature bit 1", 1, 7, 0x2, 0x1, 65440, 65536, R_FEATURES },
	{ "feature bit 63", 1, 7, BIT_ULL(63), 0x1, 65440, 65536,
	  R_FEATURES },
	{ "all feature bits", 1, 7, ~0ULL, 0x1, 65440, 65536, R_FEATURES },
	{ "max_msg 0", 1, 7, 0, 0, 0, 65536, R_MAX_MSG },
	{ "max_msg 4095", 1, 7, 0, 0, 4095, 65536, R_MAX_MSG },
	{ "max_msg 16777121", 1, 7, 0, 0, 16777121, 65536, R_MAX_MSG },
	{ "max_msg 0xffffffff", 1, 7, 0, 0, 0xffffffff, 65536, R_MAX_MSG },
	{ "max_chain 0", 1, 7, 0, 0, 65440, 0, R_MAX_CHAIN },
	{ "max_chain 65535", 1, 7, 0, 0, 65440, 65535, R_MAX_CHAIN },
	{ "max_chain 16777217", 1, 7, 0, 0, 65440, 16777217, R_MAX_CHAIN },
	{ "max_chain 0xffffffff", 1, 7, 0, 0, 65440, 0xffffffff,
	  R_MAX_CHAIN },
};

KUNIT_ARRAY_PARAM_DESC(hello, hello_cases, desc);

static void va_check_hello_resp_test(struct kunit *test)
{
	const struct hello_case *c = test->param_value;
	struct virtio_argo_hello_resp r = {
		.version = cpu_to_le16(c->version),
		.instance = cpu_to_le32(c->instance),
		.features = cpu_to_le64(c->features),
		.max_msg = cpu_to_le32(c->max_msg),
		.max_chain = cpu_to_le32(c->max_chain),
	};

	expect_reason(test, va_check_hello_resp(&r, c->offered), c->reason);
}

/*
 * The response as bytes, laid out by hand from the spec's HELLO table:
 * the check must read the fields where the wire puts them.
 */
static void va_check_hello_resp_bytes_test(struct kunit *test)
{
	static const u8 ok[24] = {
		0x01, 0x00,			/* version 1 */
		0x00, 0x00,			/* reserved0 */
		0x78, 0x56, 0x34, 0x12,		/* instance */
		0x01, 0, 0, 0, 0, 0, 0, 0,	/* features: bit 0 */
		0xa0, 0xff, 0x00, 0x00,		/* max_msg 65440 */
		0x00, 0x00, 0x40, 0x00,		/* max_chain 4 MiB */
	};
	u8 b[24];

	memcpy(b, ok, sizeof(b));
	expect_reason(test, va_check_hello_resp((void *)b, 0x1), NULL);
	expect_reason(test, va_check_hello_resp((void *)b, 0), R_FEATURES);

	memcpy(b, ok, sizeof(b));
	b[20] = 0xff;			/* max_chain 0x004000ff: in range */
	b[23] = 0x01;			/* max_chain 0x014000ff: too big */
	expect_reason(test, va_check_hello_resp((void *)b, 0x1), R_MAX_CHAIN);

	memcpy(b, ok, sizeof(b));
	b[17] = 0x0f;			/* max_msg 0x00000fa0 = 4000 */
	expect_reason(test, va_check_hello_resp((void *)b, 0x1), R_MAX_MSG);
}

/* va_check_device_info() */

struct info_case {
	const char *desc;
	u32 device_id, blocks, config_size, vqs, admin_start, admin_count;
	const char *reason;
};

static const struct info_case info_cases[] = {
	/* Example frame 6 of the spec: a block device. */
	{ "example: block, 2 blocks, config 24, 1 queue",
	  2, 2, 24, 1, 0, 0, NULL },
	{ "smallest", 1, 1, 0, 1, 0, 0, NULL },
	{ "largest", 0xffffffff, 8, 4096, 1024, 0, 0, NULL },
	{ "admin queue 0 of 1", 1, 1, 0, 1, 0, 1, NULL },
	{ "admin queues 2..3 of 4", 1, 1, 0, 4, 2, 2, NULL },
	{ "admin queues fill all 1024", 1, 1, 0, 1024, 0, 1024, NULL },
	{ "device id 0", 0, 2, 24, 1, 0, 0, R_DEV_ID },
	{ "0 feature blocks", 2, 0, 24, 1, 0, 0, R_BLOCKS },
	{ "9 feature blocks", 2, 9, 24, 1, 0, 0, R_BLOCKS },
	{ "0xffffffff feature blocks", 2, 0xffffffff, 24, 1, 0, 0, R_BLOCKS },
	{ "config 4097", 2, 2, 4097, 1, 0, 0, R_CONFIG },
	{ "config 0xffffffff", 2, 2, 0xffffffff, 1, 0, 0, R_CONFIG },
	{ "0 virtqueues", 2, 2, 24, 0, 0, 0, R_VQS },
	{ "1025 virtqueues", 2, 2, 24, 1025, 0, 0, R_VQS },
	{ "0xffffffff virtqueues", 2, 2, 24, 0xffffffff, 0, 0, R_VQS },
	{ "admin start without count", 2, 2, 24, 4, 1, 0, R_ADMIN_START },
	{ "admin queue past the end", 2, 2, 24, 1, 1, 1, R_ADMIN_END },
	{ "admin queues one too many", 2, 2, 24, 4, 2, 3, R_ADMIN_END },
	{ "admin count 1025", 2, 2, 24, 1024, 0, 1025, R_ADMIN_END },
	/* start + count wraps to 0 in 32 bits */
	{ "admin start 0xffffffff, count 1",
	  2, 2, 24, 1024, 0xffffffff, 1, R_ADMIN_END },
	{ "admin start 1, count 0xffffffff",
	  2, 2, 24, 1024, 1, 0xffffffff, R_ADMIN_END },
	{ "admin start and count 0x80000000",
	  2, 2, 24, 1024, 0x80000000, 0x80000000, R_ADMIN_END },
};

KUNIT_ARRAY_PARAM_DESC(info, info_cases, desc);

static void va_check_device_info_test(struct kunit *test)
{
	const struct info_case *c = test->param_value;
	struct va_dev_info info = {
		.device_id = c->device_id,
		.vendor_id = 0x1af4,
		.num_feature_blocks = c->blocks,
		.config_size = c->config_size,
		.max_virtqueues = c->vqs,
		.admin_vq_start = c->admin_start,
		.admin_vq_count = c->admin_count,
	};

	expect_reason(test, va_check_device_info(&info), c->reason);
}

/* va_check_get_devices_resp() */

struct gd_case {
	const char *desc;
	u16 req_offset, req_count;	/* the request */
	u16 offset, next, count;	/* the response */
	u32 size;			/* msg_size, by hand */
	u8 bitmap[4];			/* first bitmap bytes, rest 0 */
	const char *reason;
};

static const struct gd_case gd_cases[] = {
	/* Example frames 3 and 4 of the spec. */
	{ "example: device 0 of 1024", 0, 1024, 0, 0, 1, 15, { 0x01 }, NULL },
	{ "no devices", 0, 1024, 0, 0, 0, 14, {}, NULL },
	{ "full window of 1024", 0, 1024, 0, 0, 1024, 142,
	  { 0xff, 0xff, 0xff, 0xff }, NULL },
	{ "8 devices, one byte", 0, 8, 0, 0, 8, 15, { 0xff }, NULL },
	{ "9 devices, two bytes", 0, 16, 0, 0, 9, 16, { 0xff, 0x01 }, NULL },
	{ "window continues", 100, 8, 100, 108, 8, 15, { 0x81 }, NULL },
	{ "next_offset offset + 1", 100, 8, 100, 101, 1, 15, { 0x01 }, NULL },
	{ "size one short", 0, 1024, 0, 0, 1, 14, {}, R_GD_SIZE },
	{ "size one long", 0, 1024, 0, 0, 1, 16, { 0x01 }, R_GD_SIZE },
	{ "9 devices in one byte", 0, 16, 0, 0, 9, 15, { 0xff }, R_GD_SIZE },
	{ "8 devices in two bytes", 0, 16, 0, 0, 8, 16, { 0xff }, R_GD_SIZE },
	{ "count 0xffff, fixed part only",
	  0, 1024, 0, 0, 0xffff, 14, {}, R_GD_SIZE },
	{ "offset not echoed", 0, 1024, 1, 0, 1, 15, { 0x01 }, R_GD_OFFSET },
	{ "offset 0 echoed for 64", 64, 8, 0, 0, 1, 15, {}, R_GD_OFFSET },
	{ "count above requested", 0, 8, 0, 0, 9, 16, { 0xff, 0x01 },
	  R_GD_COUNT },
	{ "next_offset equal to offset", 100, 8, 100, 100, 8, 15, {},
	  R_GD_NEXT },
	{ "next_offset below offset", 100, 8, 100, 50, 8, 15, {}, R_GD_NEXT },
	{ "next_offset 1 for offset 1", 1, 8, 1, 1, 8, 15, {}, R_GD_NEXT },
	{ "bit 1 of count 1", 0, 1024, 0, 0, 1, 15, { 0x02 }, R_GD_BITS },
	{ "bit 7 of count 1", 0, 1024, 0, 0, 1, 15, { 0x80 }, R_GD_BITS },
	{ "bit 9 of count 9", 0, 16, 0, 0, 9, 16, { 0xff, 0x02 }, R_GD_BITS },
	{ "bit 15 of count 9", 0, 16, 0, 0, 9, 16, { 0x00, 0x80 }, R_GD_BITS },
};

KUNIT_ARRAY_PARAM_DESC(gd, gd_cases, desc);

static void va_check_get_devices_resp_test(struct kunit *test)
{
	const struct gd_case *c = test->param_value;
	/* Header, fixed part, and the largest bitmap any case has. */
	u8 *frame = kunit_kzalloc(test, 8 + 6 + 128 + 8, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, frame);
	/* Offsets from the spec's GET_DEVICES text: 8, 10, 12; bitmap 14. */
	frame[0] = VIRTIO_ARGO_TYPE_RESPONSE | VIRTIO_ARGO_TYPE_BUS;
	frame[1] = VIRTIO_ARGO_BUS_GET_DEVICES;
	frame[6] = c->size & 0xff;
	frame[7] = c->size >> 8;
	frame[8] = c->offset & 0xff;
	frame[9] = c->offset >> 8;
	frame[10] = c->next & 0xff;
	frame[11] = c->next >> 8;
	frame[12] = c->count & 0xff;
	frame[13] = c->count >> 8;
	memcpy(frame + 14, c->bitmap, sizeof(c->bitmap));

	expect_reason(test, va_check_get_devices_resp(frame, c->size,
						      c->req_offset,
						      c->req_count),
		      c->reason);
}

/* va_check_data_resp() */

struct data_case {
	const char *desc;
	/* the chain as the front-end knows it */
	u32 in_len;
	bool started;
	u32 c_used, received;
	/* the fragment */
	u32 status, used_len, offset, n;
	const char *reason;
};

static const struct data_case data_cases[] = {
	/* The spec's virtio-blk read: 65537 bytes in two fragments. */
	{ "example fragment 1", 65537, false, 0, 0,
	  0, 65537, 0, 65408, NULL },
	{ "example fragment 2", 65537, true, 65537, 65408,
	  0, 65537, 65408, 129, NULL },
	{ "one fragment, whole chain", 100, false, 0, 0, 0, 100, 0, 100,
	  NULL },
	{ "less than the writable bytes", 100, false, 0, 0, 0, 10, 0, 10,
	  NULL },
	{ "nothing written", 100, false, 0, 0, 0, 0, 0, 0, NULL },
	{ "nothing written, no writable buffers", 0, false, 0, 0,
	  0, 0, 0, 0, NULL },
	{ "refused", 100, false, 0, 0, VIRTIO_ARGO_E_INVALID, 0, 0, 0, NULL },
	{ "refused, status 0xffffffff", 100, false, 0, 0,
	  0xffffffff, 0, 0, 0, NULL },
	{ "refusal with used_len", 100, false, 0, 0,
	  VIRTIO_ARGO_E_INVALID, 10, 0, 0, R_REFUSE_DATA },
	{ "refusal with bytes", 100, false, 0, 0,
	  VIRTIO_ARGO_E_INVALID, 0, 0, 5, R_REFUSE_DATA },
	{ "refusal with offset", 100, false, 0, 0,
	  VIRTIO_ARGO_E_INVALID, 0, 3, 0, R_REFUSE_DATA },
	/* Checked before the lengths: a refusal carries none. */
	{ "refusal with huge used_len", 100, false, 0, 0,
	  VIRTIO_ARGO_E_INTERNAL, 0xffffffff, 0, 0, R_REFUSE_DATA },
	{ "refusal after data", 100, true, 100, 50,
	  VIRTIO_ARGO_E_INTERNAL, 0, 0, 0, R_REFUSE_LATE },
	{ "used_len in_len + 1", 100, false, 0, 0, 0, 101, 0, 0, R_USED_BIG },
	{ "used_len 0xffffffff", 100, false, 0, 0,
	  0, 0xffffffff, 0, 100, R_USED_BIG },
	{ "used_len 1, no writable buffers", 0, false, 0, 0,
	  0, 1, 0, 1, R_USED_BIG },
	{ "used_len shrinks", 200, true, 100, 50, 0, 99, 50, 49,
	  R_USED_CHANGED },
	{ "used_len grows", 200, true, 100, 50, 0, 101, 50, 51,
	  R_USED_CHANGED },
	{ "first fragment at offset 10", 100, false, 0, 0,
	  0, 100, 10, 90, R_ORDER },
	{ "fragment repeats bytes", 100, true, 100, 50, 0, 100, 40, 10,
	  R_ORDER },
	{ "fragment skips bytes", 100, true, 100, 50, 0, 100, 60, 40,
	  R_ORDER },
	{ "one byte past used_len", 100, false, 0, 0, 0, 100, 0, 101,
	  R_BEYOND },
	{ "next fragment past used_len", 100, true, 100, 50, 0, 100, 50, 51,
	  R_BEYOND },
	/* offset + n wraps past U32_MAX: 0xfffffff0 + 0x20 = 0x10 */
	{ "offset + n wraps 32 bits", 0xffffffff, true, 0xffffffff, 0xfffffff0,
	  0, 0xffffffff, 0xfffffff0, 0x20, R_BEYOND },
	{ "offset + n ends at U32_MAX", 0xffffffff, true, 0xffffffff,
	  0xfffffff0, 0, 0xffffffff, 0xfffffff0, 0xf, NULL },
	{ "offset 1, n U32_MAX", 0xffffffff, true, 0xffffffff, 1,
	  0, 0xffffffff, 1, 0xffffffff, R_BEYOND },
	{ "empty first fragment", 100, false, 0, 0, 0, 100, 0, 0, R_EMPTY },
	{ "empty next fragment", 100, true, 100, 50, 0, 100, 50, 0, R_EMPTY },
};

KUNIT_ARRAY_PARAM_DESC(data, data_cases, desc);

static void va_check_data_resp_test(struct kunit *test)
{
	const struct data_case *c = test->param_value;
	struct va_chain chain = {
		.in_flight = true,
		.out_len = 16,
		.in_len = c->in_len,
		.used_len = c->c_used,
		.received = c->received,
		.started = c->started,
		.out_done = true,
	};
	struct virtio_argo_data_resp r = {
		.vq = cpu_to_le16(0),
		.chain = cpu_to_le16(5),
		.epoch = cpu_to_le32(1),
		.used_len = cpu_to_le32(c->used_len),
		.status = cpu_to_le32(c->status),
		.offset = cpu_to_le32(c->offset),
	};

	expect_reason(test, va_check_data_resp(&r, c->n, &chain), c->reason);
}

/* va_check_event_config() */

struct evcfg_case {
	const char *desc;
	u32 config_size, offset, length, n;
	const char *reason;
};

static const struct evcfg_case evcfg_cases[] = {
	{ "status only", 24, 0, 0, 0, NULL },
	{ "whole config with data", 24, 0, 24, 24, NULL },
	{ "tail with data", 24, 8, 16, 16, NULL },
	{ "range without data", 24, 8, 16, 0, NULL },
	{ "empty range at the end", 24, 24, 0, 0, NULL },
	{ "largest config space", 4096, 0, 4096, 4096, NULL },
	{ "no config space", 0, 0, 0, 0, NULL },
	{ "one byte past the end", 24, 0, 25, 25, R_EV_RANGE },
	{ "offset past the end", 24, 25, 0, 0, R_EV_RANGE },
	{ "last byte + 1", 24, 24, 1, 1, R_EV_RANGE },
	{ "byte of an empty config", 0, 0, 1, 0, R_EV_RANGE },
	/* offset + length wraps to 0 in 32 bits */
	{ "offset 0xffffffff, length 1", 24, 0xffffffff, 1, 0, R_EV_RANGE },
	{ "offset 1, length 0xffffffff", 24, 1, 0xffffffff, 0, R_EV_RANGE },
	{ "offset and length 0x80000000",
	  24, 0x80000000, 0x80000000, 0, R_EV_RANGE },
	{ "fewer bytes than length", 24, 0, 8, 4, R_EV_LEN },
	{ "more bytes than length", 24, 0, 8, 9, R_EV_LEN },
	{ "bytes with length 0", 24, 0, 0, 1, R_EV_LEN },
};

KUNIT_ARRAY_PARAM_DESC(evcfg, evcfg_cases, desc);

static void va_check_event_config_test(struct kunit *test)
{
	const struct evcfg_case *c = test->param_value;
	struct virtio_argo_event_config ev = {
		.device_status = cpu_to_le32(0xf),
		.generation = cpu_to_le32(2),
		.offset = cpu_to_le32(c->offset),
		.length = cpu_to_le32(c->length),
	};

	expect_reason(test, va_check_event_config(&ev, c->n, c->config_size),
		      c->reason);
}

static struct kunit_case va_wire_cases[] = {
	KUNIT_CASE_PARAM(va_hdr_init_test, hdr_gen_params),
	KUNIT_CASE_PARAM(va_check_hello_resp_test, hello_gen_params),
	KUNIT_CASE(va_check_hello_resp_bytes_test),
	KUNIT_CASE_PARAM(va_check_device_info_test, info_gen_params),
	KUNIT_CASE_PARAM(va_check_get_devices_resp_test, gd_gen_params),
	KUNIT_CASE_PARAM(va_check_data_resp_test, data_gen_params),
	KUNIT_CASE_PARAM(va_check_event_config_test, evcfg_gen_params),
	{}
};

static struct kunit_suite va_wire_suite = {
	.name = "virtio_argo_wire",
	.test_cases = va_wire_cases,
};

kunit_test_suite(va_wire_suite);

MODULE_DESCRIPTION("KUnit tests for the virtio-argo frame checks");
MODULE_LICENSE("GPL");
