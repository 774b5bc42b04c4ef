/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading and writing virtio-argo frames in place. Frames are not aligned
 * in an Argo message and every field is little-endian, so fields are
 * always moved with memcpy and converted: never through a cast pointer.
 * Shared by the back-end and the test client.
 */
#ifndef TOOLS_BACKEND_WIRE_H
#define TOOLS_BACKEND_WIRE_H

#include <endian.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_argo.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define BIT(n)			(1U << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define HDR_LEN			8	/* struct virtio_argo_hdr */
#define DATA_HDR		VIRTIO_ARGO_DATA_HDR_LEN

static inline u16 get16(const void *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return le16toh(v);
}

static inline u32 get32(const void *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static inline u64 get64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return le64toh(v);
}

static inline void put16(void *p, u16 v)
{
	v = htole16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put32(void *p, u32 v)
{
	v = htole32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void put64(void *p, u64 v)
{
	v = htole64(v);
	memcpy(p, &v, sizeof(v));
}

/* A frame header, decoded. */
struct frame {
	u8 type;
	u8 msg_id;
	u16 dev_num;
	u16 token;
	u16 msg_size;
	const u8 *p;		/* the whole frame, header included */
};

static inline void frame_decode(struct frame *f, const u8 *p)
{
	f->type = p[0];
	f->msg_id = p[1];
	f->dev_num = get16(p + 2);
	f->token = get16(p + 4);
	f->msg_size = get16(p + 6);
	f->p = p;
}

static inline void hdr_encode(u8 *p, u8 type, u8 msg_id, u16 dev_num,
			      u16 token, u16 msg_size)
{
	p[0] = type;
	p[1] = msg_id;
	put16(p + 2, dev_num);
	put16(p + 4, token);
	put16(p + 6, msg_size);
}

static inline const char *err_name(u32 code)
{
	static const char * const names[] = {
		"OK", "UNSUPPORTED", "INVALID", "NO_DEVICE", "STATE",
		"NO_RESOURCE", "NOT_CONNECTED", "VERSION", "DENIED",
		"INTERNAL",
	};

	return code < ARRAY_SIZE(names) ? names[code] : "?";
}

#endif /* TOOLS_BACKEND_WIRE_H */
