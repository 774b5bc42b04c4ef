/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * virtio-argo wire protocol: a virtio transport over Xen Argo.
 *
 * Documentation/virtio/virtio-argo.rst is the specification; this header
 * mirrors it and the two must not disagree.
 *
 * Every Argo message between a front-end (the guest's transport) and a
 * back-end carries one or more frames, back to back without padding. A
 * frame is an 8-byte header (struct virtio_argo_hdr) and a payload. Frames
 * are not aligned in the Argo message: all structures below are packed so
 * that they can be read in place, and all multi-byte fields are
 * little-endian. The control plane follows virtio-msg; the data plane
 * (VIRTIO_ARGO_MSG_DATA) carries the contents of descriptor chains. No
 * guest address ever appears on the wire.
 */
#ifndef _UAPI_LINUX_VIRTIO_ARGO_H
#define _UAPI_LINUX_VIRTIO_ARGO_H

#include <linux/types.h>
#ifdef __KERNEL__
#include <linux/build_bug.h>	/* static_assert */
#elif !defined(__cplusplus)
#include <assert.h>		/* static_assert, C11 */
#endif

/* Argo message_type of every virtio-argo Argo message; others are dropped. */
#define VIRTIO_ARGO_ARGO_TYPE		0x76696f61

/* Protocol version spoken by this header (VIRTIO_ARGO_BUS_HELLO). */
#define VIRTIO_ARGO_VERSION		1

/* struct virtio_argo_hdr.type */
#define VIRTIO_ARGO_TYPE_RESPONSE	0x01	/* else a request or event */
#define VIRTIO_ARGO_TYPE_BUS		0x02	/* else a transport message */

/* struct virtio_argo_hdr.msg_id: bits shared by both namespaces */
#define VIRTIO_ARGO_ID_EVENT		0x40	/* one-way, no response */
#define VIRTIO_ARGO_ID_IMPL		0x80	/* virtio-argo's own message */

/* Transport messages (type bit VIRTIO_ARGO_TYPE_BUS clear) */
#define VIRTIO_ARGO_MSG_GET_DEVICE_INFO		0x02
#define VIRTIO_ARGO_MSG_GET_DEVICE_FEATURES	0x03
#define VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES	0x04
#define VIRTIO_ARGO_MSG_GET_CONFIG		0x05
#define VIRTIO_ARGO_MSG_SET_CONFIG		0x06
#define VIRTIO_ARGO_MSG_GET_DEVICE_STATUS	0x07
#define VIRTIO_ARGO_MSG_SET_DEVICE_STATUS	0x08
#define VIRTIO_ARGO_MSG_GET_VQUEUE		0x09
#define VIRTIO_ARGO_MSG_SET_VQUEUE		0x0a
#define VIRTIO_ARGO_MSG_RESET_VQUEUE		0x0b
#define VIRTIO_ARGO_MSG_GET_SHM			0x0c
#define VIRTIO_ARGO_MSG_EVENT_CONFIG		0x40
#define VIRTIO_ARGO_MSG_EVENT_AVAIL		0x41	/* reserved: never sent */
#define VIRTIO_ARGO_MSG_EVENT_USED		0x42	/* reserved: never sent */
#define VIRTIO_ARGO_MSG_DATA			0x80
#define VIRTIO_ARGO_MSG_ERROR			0x81	/* response only */

/* Bus messages (type bit VIRTIO_ARGO_TYPE_BUS set, dev_num 0) */
#define VIRTIO_ARGO_BUS_GET_DEVICES		0x02
#define VIRTIO_ARGO_BUS_PING			0x03
#define VIRTIO_ARGO_BUS_EVENT_DEVICE		0x40
#define VIRTIO_ARGO_BUS_HELLO			0x80
#define VIRTIO_ARGO_BUS_ERROR			0x81	/* response only */
#define VIRTIO_ARGO_BUS_GOODBYE			0xc0

/* Error codes: struct virtio_argo_error.code, virtio_argo_data_resp.status */
#define VIRTIO_ARGO_E_OK		0
#define VIRTIO_ARGO_E_UNSUPPORTED	1	/* unknown msg_id or feature */
#define VIRTIO_ARGO_E_INVALID		2	/* malformed or out of range */
#define VIRTIO_ARGO_E_NO_DEVICE		3	/* no such device number */
#define VIRTIO_ARGO_E_STATE		4	/* not valid in this state */
#define VIRTIO_ARGO_E_NO_RESOURCE	5	/* limit reached, try later */
#define VIRTIO_ARGO_E_NOT_CONNECTED	6	/* no HELLO on this connection */
#define VIRTIO_ARGO_E_VERSION		7	/* no common protocol version */
#define VIRTIO_ARGO_E_DENIED		8	/* policy refuses this peer */
#define VIRTIO_ARGO_E_INTERNAL		9	/* device-side failure */

/* Transport feature bits: struct virtio_argo_hello.features */
#define VIRTIO_ARGO_F_STRICT_CONFIG_GENERATION	0
#define VIRTIO_ARGO_F_ALL			0x1ULL

/* Limits */
#define VIRTIO_ARGO_MIN_MSG		4096	/* smallest max_msg allowed */
#define VIRTIO_ARGO_MAX_MSG		16777120	/* largest: Argo ring limit */
#define VIRTIO_ARGO_MAX_FRAME		65535	/* msg_size is 16 bits */
#define VIRTIO_ARGO_MIN_CHAIN		65536	/* smallest max_chain */
#define VIRTIO_ARGO_MAX_CHAIN		0x1000000	/* largest max_chain */
#define VIRTIO_ARGO_MAX_DEVICES		1024	/* dev_num < this */
#define VIRTIO_ARGO_MAX_VQS		1024	/* per device */
#define VIRTIO_ARGO_MAX_VQ_SIZE		32768	/* chains in flight per queue */
#define VIRTIO_ARGO_MAX_FEATURE_BLOCKS	8	/* 256 feature bits */
#define VIRTIO_ARGO_MAX_CONFIG		4096	/* config space bytes */
#define VIRTIO_ARGO_MAX_CTRL_INFLIGHT	16	/* outstanding control requests */

/**
 * struct virtio_argo_hdr - the header of every frame (virtio-msg layout)
 * @type: VIRTIO_ARGO_TYPE_* bits; bits 2..7 are 0 on send, ignored on receive
 * @msg_id: message number in the namespace @type selects
 * @dev_num: device number for transport messages, 0 for bus messages
 * @token: request/response correlation, copied into the response; 0 in
 *	events and in DATA frames
 * @msg_size: frame size in bytes, this header included (8 .. 65535)
 */
struct virtio_argo_hdr {
	__u8 type;
	__u8 msg_id;
	__le16 dev_num;
	__le16 token;
	__le16 msg_size;
} __attribute__((packed));

/**
 * struct virtio_argo_error - ERROR response (transport or bus namespace)
 * @msg_id: msg_id of the request that failed
 * @reserved0: 0
 * @reserved1: 0
 * @code: VIRTIO_ARGO_E_*, never VIRTIO_ARGO_E_OK
 */
struct virtio_argo_error {
	__u8 msg_id;
	__u8 reserved0;
	__le16 reserved1;
	__le32 code;
} __attribute__((packed));

/* ---- Bus messages ---- */

/**
 * struct virtio_argo_hello - HELLO request, front-end to back-end
 * @version_min: lowest protocol version the front-end speaks (>= 1)
 * @version_max: highest protocol version the front-end speaks
 * @instance: non-zero, new random value each time the front-end connects
 * @features: VIRTIO_ARGO_F_* bits the front-end offers
 * @max_msg: largest Argo payload the front-end's ring accepts
 * @reserved: 0
 */
struct virtio_argo_hello {
	__le16 version_min;
	__le16 version_max;
	__le32 instance;
	__le64 features;
	__le32 max_msg;
	__le32 reserved;
} __attribute__((packed));

/**
 * struct virtio_argo_hello_resp - HELLO response, back-end to front-end
 * @version: version chosen, within the request's range
 * @reserved0: 0
 * @instance: non-zero, new random value each time the back-end starts
 * @features: accepted VIRTIO_ARGO_F_* bits, a subset of those offered
 * @max_msg: largest Argo payload the back-end's ring accepts
 * @max_chain: largest out_len and in_len of a chain the back-end accepts
 */
struct virtio_argo_hello_resp {
	__le16 version;
	__le16 reserved0;
	__le32 instance;
	__le64 features;
	__le32 max_msg;
	__le32 max_chain;
} __attribute__((packed));

/**
 * struct virtio_argo_get_devices - GET_DEVICES request
 * @offset: first device number of the window
 * @count: device numbers in the window
 */
struct virtio_argo_get_devices {
	__le16 offset;
	__le16 count;
} __attribute__((packed));

/**
 * struct virtio_argo_get_devices_resp - GET_DEVICES response
 * @offset: echoed
 * @next_offset: 0 when enumeration is complete, else where to continue
 * @count: device numbers described, at most the requested count
 * @bitmap: (count + 7) / 8 bytes, bit i (LSB first) = device offset + i
 */
struct virtio_argo_get_devices_resp {
	__le16 offset;
	__le16 next_offset;
	__le16 count;
	__u8 bitmap[];
} __attribute__((packed));

/**
 * struct virtio_argo_ping - PING request and response
 * @data: chosen by the requester, echoed by the responder
 */
struct virtio_argo_ping {
	__le32 data;
} __attribute__((packed));

#define VIRTIO_ARGO_DEVICE_ADDED	0x0001
#define VIRTIO_ARGO_DEVICE_REMOVED	0x0002

/**
 * struct virtio_argo_event_device - EVENT_DEVICE, back-end to front-end
 * @device_number: the device that appeared or went away
 * @state: VIRTIO_ARGO_DEVICE_ADDED or VIRTIO_ARGO_DEVICE_REMOVED
 */
struct virtio_argo_event_device {
	__le16 device_number;
	__le16 state;
} __attribute__((packed));

/**
 * struct virtio_argo_goodbye - GOODBYE event, either direction
 * @reason: VIRTIO_ARGO_E_* explaining why, or VIRTIO_ARGO_E_OK
 */
struct virtio_argo_goodbye {
	__le32 reason;
} __attribute__((packed));

/* ---- Transport messages: control plane ---- */

/**
 * struct virtio_argo_device_info - GET_DEVICE_INFO response
 * @device_id: virtio device type (2 = block, ...)
 * @vendor_id: implementation-defined
 * @device_uuid: RFC 4122 UUID, all zero if none
 * @num_feature_blocks: 32-bit feature blocks the device has
 * @config_size: bytes of device configuration space
 * @max_virtqueues: number of virtqueues
 * @admin_vq_start: first administration virtqueue, 0 if none
 * @admin_vq_count: number of administration virtqueues
 */
struct virtio_argo_device_info {
	__le32 device_id;
	__le32 vendor_id;
	__u8 device_uuid[16];
	__le32 num_feature_blocks;
	__le32 config_size;
	__le32 max_virtqueues;
	__le32 admin_vq_start;
	__le32 admin_vq_count;
} __attribute__((packed));

/**
 * struct virtio_argo_features - feature blocks
 * @block_index: first block (block n holds feature bits 32n .. 32n + 31)
 * @num_blocks: blocks in @features (GET_DEVICE_FEATURES request: none)
 * @features: the blocks
 *
 * GET_DEVICE_FEATURES request (without @features) and response,
 * SET_DRIVER_FEATURES request.
 */
struct virtio_argo_features {
	__le32 block_index;
	__le32 num_blocks;
	__le32 features[];
} __attribute__((packed));

/**
 * struct virtio_argo_get_config - GET_CONFIG request
 * @offset: first byte of configuration space
 * @length: bytes to read
 */
struct virtio_argo_get_config {
	__le32 offset;
	__le32 length;
} __attribute__((packed));

/**
 * struct virtio_argo_config - configuration bytes with their generation
 * @generation: configuration generation
 * @offset: first byte of configuration space
 * @length: bytes in @data
 * @data: configuration bytes
 *
 * GET_CONFIG response, SET_CONFIG request and response.
 */
struct virtio_argo_config {
	__le32 generation;
	__le32 offset;
	__le32 length;
	__u8 data[];
} __attribute__((packed));

/**
 * struct virtio_argo_status - device status (VIRTIO_CONFIG_S_* bits)
 * @status: the status
 *
 * GET_DEVICE_STATUS response, SET_DEVICE_STATUS request and response.
 */
struct virtio_argo_status {
	__le32 status;
} __attribute__((packed));

/**
 * struct virtio_argo_vq_index - a virtqueue index
 * @index: the virtqueue
 *
 * GET_VQUEUE and RESET_VQUEUE requests.
 */
struct virtio_argo_vq_index {
	__le32 index;
} __attribute__((packed));

/* struct virtio_argo_vqueue_info.flags */
#define VIRTIO_ARGO_VQ_ENABLED		0x1

/**
 * struct virtio_argo_vqueue_info - GET_VQUEUE response
 * @index: echoed
 * @max_size: largest size SET_VQUEUE accepts, 0 if no such queue
 * @cur_size: size set, 0 if not configured
 * @flags: VIRTIO_ARGO_VQ_ENABLED
 * @epoch: epoch of the queue, 0 if never enabled since reset
 */
struct virtio_argo_vqueue_info {
	__le32 index;
	__le32 max_size;
	__le32 cur_size;
	__le32 flags;
	__le32 epoch;
} __attribute__((packed));

/* struct virtio_argo_set_vqueue.flags */
#define VIRTIO_ARGO_VQ_STATE_MASK	0x3
#define VIRTIO_ARGO_VQ_STATE_DISABLED	0x0	/* stay disabled */
#define VIRTIO_ARGO_VQ_STATE_ENABLE	0x1	/* enable */
#define VIRTIO_ARGO_VQ_STATE_KEEP	0x2	/* keep as is */
#define VIRTIO_ARGO_VQ_SIZE_IGNORE	0x4	/* leave size unchanged */

/**
 * struct virtio_argo_set_vqueue - SET_VQUEUE request
 * @index: the virtqueue
 * @flags: VIRTIO_ARGO_VQ_STATE_* and VIRTIO_ARGO_VQ_SIZE_IGNORE
 * @size: most chains in flight at once; chain ids are below it
 * @epoch: non-zero epoch of the queue from now on
 */
struct virtio_argo_set_vqueue {
	__le32 index;
	__le32 flags;
	__le32 size;
	__le32 epoch;
} __attribute__((packed));

/**
 * struct virtio_argo_get_shm - GET_SHM request
 * @shmid: shared memory region
 */
struct virtio_argo_get_shm {
	__le32 shmid;
} __attribute__((packed));

/**
 * struct virtio_argo_shm - GET_SHM response: always "no such region"
 * @shmid: echoed
 * @reserved: 0
 * @length: 0
 * @address: 0
 */
struct virtio_argo_shm {
	__le32 shmid;
	__le32 reserved;
	__le64 length;
	__le64 address;
} __attribute__((packed));

/**
 * struct virtio_argo_event_config - EVENT_CONFIG, back-end to front-end
 * @device_status: current device status
 * @generation: current configuration generation
 * @offset: first changed byte, 0 if unknown or status only
 * @length: changed bytes, 0 if unknown or status only
 * @data: none, or @length bytes of new configuration
 */
struct virtio_argo_event_config {
	__le32 device_status;
	__le32 generation;
	__le32 offset;
	__le32 length;
	__u8 data[];
} __attribute__((packed));

/* ---- Transport messages: data plane ---- */

/**
 * struct virtio_argo_data_req - DATA request: a fragment of a chain
 * @vq: virtqueue index
 * @chain: chain id, below the queue's size; unique among its chains in flight
 * @epoch: the queue's epoch
 * @out_len: driver-readable bytes of the whole chain
 * @in_len: device-writable bytes of the whole chain
 * @offset: where this fragment's bytes start within the readable bytes
 * @reserved: 0
 * @data: msg_size - 32 readable bytes
 */
struct virtio_argo_data_req {
	__le16 vq;
	__le16 chain;
	__le32 epoch;
	__le32 out_len;
	__le32 in_len;
	__le32 offset;
	__le32 reserved;
	__u8 data[];
} __attribute__((packed));

/**
 * struct virtio_argo_data_resp - DATA response: a fragment of a completion
 * @vq: virtqueue index, from the request
 * @chain: chain id, from the request
 * @epoch: epoch, from the request
 * @used_len: bytes the device wrote to the chain (the virtio used length)
 * @status: VIRTIO_ARGO_E_OK, or why the device rejected the chain
 * @offset: where this fragment's bytes start within the written bytes
 * @reserved: 0
 * @data: msg_size - 32 written bytes
 */
struct virtio_argo_data_resp {
	__le16 vq;
	__le16 chain;
	__le32 epoch;
	__le32 used_len;
	__le32 status;
	__le32 offset;
	__le32 reserved;
	__u8 data[];
} __attribute__((packed));

/* Bytes before the data of a DATA frame, header included. */
#define VIRTIO_ARGO_DATA_HDR_LEN	32

/*
 * The layout is the wire format: check it wherever static_assert exists
 * (the kernel, C11, C++11), so that a mistake breaks the build instead of
 * the protocol.
 */
#if defined(__KERNEL__) || \
	(defined(__cplusplus) && __cplusplus >= 201103L) || \
	(!defined(__cplusplus) && defined(__STDC_VERSION__) && \
	 __STDC_VERSION__ >= 201112L)
#define __VIRTIO_ARGO_CHECK(cond, what)	static_assert(cond, what)
#define __VIRTIO_ARGO_SIZE(t, n) \
	__VIRTIO_ARGO_CHECK(sizeof(struct t) == (n), "size of struct " #t)
#define __VIRTIO_ARGO_OFF(t, f, n) \
	__VIRTIO_ARGO_CHECK(__builtin_offsetof(struct t, f) == (n), \
			    "offset of " #t "." #f)

__VIRTIO_ARGO_SIZE(virtio_argo_hdr, 8);
__VIRTIO_ARGO_OFF(virtio_argo_hdr, dev_num, 2);
__VIRTIO_ARGO_OFF(virtio_argo_hdr, token, 4);
__VIRTIO_ARGO_OFF(virtio_argo_hdr, msg_size, 6);
__VIRTIO_ARGO_SIZE(virtio_argo_error, 8);
__VIRTIO_ARGO_OFF(virtio_argo_error, code, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_hello, 24);
__VIRTIO_ARGO_OFF(virtio_argo_hello, instance, 4);
__VIRTIO_ARGO_OFF(virtio_argo_hello, features, 8);
__VIRTIO_ARGO_OFF(virtio_argo_hello, max_msg, 16);
__VIRTIO_ARGO_SIZE(virtio_argo_hello_resp, 24);
__VIRTIO_ARGO_OFF(virtio_argo_hello_resp, features, 8);
__VIRTIO_ARGO_OFF(virtio_argo_hello_resp, max_chain, 20);
__VIRTIO_ARGO_SIZE(virtio_argo_get_devices, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_get_devices_resp, 6);
__VIRTIO_ARGO_OFF(virtio_argo_get_devices_resp, bitmap, 6);
__VIRTIO_ARGO_SIZE(virtio_argo_ping, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_event_device, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_goodbye, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_device_info, 44);
__VIRTIO_ARGO_OFF(virtio_argo_device_info, device_uuid, 8);
__VIRTIO_ARGO_OFF(virtio_argo_device_info, num_feature_blocks, 24);
__VIRTIO_ARGO_OFF(virtio_argo_device_info, admin_vq_count, 40);
__VIRTIO_ARGO_SIZE(virtio_argo_features, 8);
__VIRTIO_ARGO_OFF(virtio_argo_features, features, 8);
__VIRTIO_ARGO_SIZE(virtio_argo_get_config, 8);
__VIRTIO_ARGO_SIZE(virtio_argo_config, 12);
__VIRTIO_ARGO_OFF(virtio_argo_config, data, 12);
__VIRTIO_ARGO_SIZE(virtio_argo_status, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_vq_index, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_vqueue_info, 20);
__VIRTIO_ARGO_OFF(virtio_argo_vqueue_info, epoch, 16);
__VIRTIO_ARGO_SIZE(virtio_argo_set_vqueue, 16);
__VIRTIO_ARGO_OFF(virtio_argo_set_vqueue, epoch, 12);
__VIRTIO_ARGO_SIZE(virtio_argo_get_shm, 4);
__VIRTIO_ARGO_SIZE(virtio_argo_shm, 24);
__VIRTIO_ARGO_OFF(virtio_argo_shm, address, 16);
__VIRTIO_ARGO_SIZE(virtio_argo_event_config, 16);
__VIRTIO_ARGO_OFF(virtio_argo_event_config, data, 16);
__VIRTIO_ARGO_SIZE(virtio_argo_data_req, 24);
__VIRTIO_ARGO_OFF(virtio_argo_data_req, epoch, 4);
__VIRTIO_ARGO_OFF(virtio_argo_data_req, offset, 16);
__VIRTIO_ARGO_OFF(virtio_argo_data_req, data, 24);
__VIRTIO_ARGO_SIZE(virtio_argo_data_resp, 24);
__VIRTIO_ARGO_OFF(virtio_argo_data_resp, used_len, 8);
__VIRTIO_ARGO_OFF(virtio_argo_data_resp, status, 12);
__VIRTIO_ARGO_OFF(virtio_argo_data_resp, offset, 16);
__VIRTIO_ARGO_OFF(virtio_argo_data_resp, data, 24);
__VIRTIO_ARGO_CHECK(sizeof(struct virtio_argo_hdr) +
		    sizeof(struct virtio_argo_data_req) ==
		    VIRTIO_ARGO_DATA_HDR_LEN, "DATA request header length");
__VIRTIO_ARGO_CHECK(sizeof(struct virtio_argo_hdr) +
		    sizeof(struct virtio_argo_data_resp) ==
		    VIRTIO_ARGO_DATA_HDR_LEN, "DATA response header length");

#undef __VIRTIO_ARGO_CHECK
#undef __VIRTIO_ARGO_SIZE
#undef __VIRTIO_ARGO_OFF
#endif

#endif /* _UAPI_LINUX_VIRTIO_ARGO_H */
