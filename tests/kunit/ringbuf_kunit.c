// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Argo ring arithmetic in drivers/xen/argo/ringbuf.c.
 *
 * The file under test is #included, so this always tests the real source
 * and needs no Xen: it runs under User-Mode Linux (scripts/kunit.sh).
 *
 * Expected values are written out by hand from the Xen Argo ABI (see
 * include/xen/interface/argo.h); the property test at the end simulates
 * Xen's writer independently of the code under test.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../../drivers/xen/argo/ringbuf.c"

/* Constants the rest of the tests rely on. */
static void argo_rb_constants_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ARGO_RING_HDR_SIZE, 64U);
	KUNIT_EXPECT_EQ(test, ARGO_MSG_HDR_SIZE, 16U);
	KUNIT_EXPECT_EQ(test, XEN_ARGO_MSG_SLOT_SIZE, 16U);
	KUNIT_EXPECT_EQ(test, ARGO_RING_MIN_LEN, 48U);
	KUNIT_EXPECT_EQ(test, ARGO_RING_MAX_LEN, 0xffffc0U);
}

/* argo_rb_len_valid() */

struct len_valid_case {
	u32 len;
	bool valid;
};

static const struct len_valid_case len_valid_cases[] = {
	{ 0, false },
	{ 16, false },
	{ 32, false },
	{ 47, false },
	{ 48, true },		/* header + two slots: the smallest ring */
	{ 49, false },
	{ 56, false },		/* in range, not a multiple of 16 */
	{ 64, true },
	{ 100, false },
	{ 4032, true },		/* one page with the ring header */
	{ 4040, false },
	{ 65472, true },	/* 16 pages */
	{ 65536, true },	/* valid length; needs 17 pages */
	{ 0xffffb0, true },
	{ 0xffffc0, true },	/* largest: 4096 pages with the header */
	{ 0xffffc8, false },
	{ 0xffffd0, false },
	{ 0x1000000, false },
	{ 0xfffffff0, false },
	{ 0xffffffff, false },
};

static void len_valid_desc(const struct len_valid_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "len=%#x %s", c->len,
		 c->valid ? "valid" : "invalid");
}

KUNIT_ARRAY_PARAM(len_valid, len_valid_cases, len_valid_desc);

static void argo_rb_len_valid_test(struct kunit *test)
{
	const struct len_valid_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, argo_rb_len_valid(c->len), c->valid);
}

/* argo_rb_npages() */

struct npages_case {
	u32 len;
	unsigned int npages;
};

static const struct npages_case npages_cases[] = {
	{ 48, 1 },
	{ 4032, 1 },		/* 4032 + 64 == 4096 */
	{ 4033, 2 },
	{ 4048, 2 },
	{ 8128, 2 },
	{ 8144, 3 },
	{ 65472, 16 },
	{ 65536, 17 },		/* why Xen refuses 65536 with 16 pages */
	{ 0xffffb0, 4096 },
	{ 0xffffc0, 4096 },
};

static void npages_desc(const struct npages_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "len=%#x npages=%u", c->len,
		 c->npages);
}

KUNIT_ARRAY_PARAM(npages, npages_cases, npages_desc);

static void argo_rb_npages_test(struct kunit *test)
{
	const struct npages_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, argo_rb_npages(c->len), c->npages);
}

/*
 * Xen's rule for a message of @plen payload bytes in a ring with @space
 * free bytes (rx == tx counts as a free ring): the padded message plus its
 * header must be strictly smaller than the free space.
 */
static bool xen_fits(u32 plen, u32 space)
{
	u64 need = ALIGN((u64)plen, XEN_ARGO_MSG_SLOT_SIZE) +
		   ARGO_MSG_HDR_SIZE;

	return need < space;
}

static void argo_rb_max_payload_test(struct kunit *test)
{
	static const u32 lens[] = { 48, 64, 112, 4032, 65472, 0xffffc0 };
	unsigned int i;

	KUNIT_EXPECT_EQ(test, argo_rb_max_payload(48), 16U);
	KUNIT_EXPECT_EQ(test, argo_rb_max_payload(64), 32U);
	KUNIT_EXPECT_EQ(test, argo_rb_max_payload(4032), 4000U);
	KUNIT_EXPECT_EQ(test, argo_rb_max_payload(65472), 65440U);
	KUNIT_EXPECT_EQ(test, argo_rb_max_payload(0xffffc0), 0xffffa0U);

	/* The maximum fits an empty ring, one byte more never does. */
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		u32 max = argo_rb_max_payload(lens[i]);

		KUNIT_EXPECT_TRUE_MSG(test, xen_fits(max, lens[i]),
				      "len %u", lens[i]);
		KUNIT_EXPECT_FALSE_MSG(test, xen_fits(max + 1, lens[i]),
				       "len %u", lens[i]);
	}
}

static void argo_rb_used_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, argo_rb_used(0, 0, 64), 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_used(32, 32, 64), 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_used(0, 16, 64), 16U);
	KUNIT_EXPECT_EQ(test, argo_rb_used(16, 48, 64), 32U);
	KUNIT_EXPECT_EQ(test, argo_rb_used(48, 16, 64), 32U);	/* wrapped */
	KUNIT_EXPECT_EQ(test, argo_rb_used(16, 0, 64), 48U);
	KUNIT_EXPECT_EQ(test, argo_rb_used(48, 32, 64), 48U);
	KUNIT_EXPECT_EQ(test, argo_rb_used(0xffffb0, 0x10, 0xffffc0), 0x20U);
	KUNIT_EXPECT_EQ(test, argo_rb_used(0x10, 0xffffb0, 0xffffc0),
			0xffffa0U);
}

static void argo_rb_advance_test(struct kunit *test)
{
	/* header only */
	KUNIT_EXPECT_EQ(test, argo_rb_advance(0, 16, 64), 16U);
	/* padding up to the next slot */
	KUNIT_EXPECT_EQ(test, argo_rb_advance(0, 17, 64), 32U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(0, 31, 64), 32U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(0, 32, 64), 32U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(16, 33, 64), 0U);
	/* message ends exactly at the ring end: back to 0 */
	KUNIT_EXPECT_EQ(test, argo_rb_advance(32, 32, 64), 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(48, 16, 64), 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(32, 17, 64), 0U);
	/* payload wrapped */
	KUNIT_EXPECT_EQ(test, argo_rb_advance(48, 20, 64), 16U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(32, 48, 64), 16U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(48, 48, 64), 32U);
	/* the largest ring */
	KUNIT_EXPECT_EQ(test, argo_rb_advance(0xffffb0, 0x10, 0xffffc0), 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(0xffffb0, 0x21, 0xffffc0),
			0x20U);
	/* no 32-bit overflow in rx + msg_len */
	KUNIT_EXPECT_EQ(test, argo_rb_advance(0x10, 0xfffffff0, 0xffffc0),
			0x4000U);
}

/* argo_rb_peek() */

static void put_hdr(u8 *ring, u32 off, u32 msg_len, u32 type)
{
	struct xen_argo_ring_message_header h = {
		.len = msg_len,
		.source = { .aport = 0x12345678, .domain_id = 7 },
		.message_type = type,
	};

	memcpy(ring + off, &h, sizeof(h));
}

static void argo_rb_peek_empty_test(struct kunit *test)
{
	struct xen_argo_ring_message_header hdr;
	u8 ring[64];

	memset(ring, 0, sizeof(ring));
	put_hdr(ring, 0, 20, 1);	/* stale data must not be read */
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 0, &hdr), -ENOMSG);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 32, 32, &hdr), -ENOMSG);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 48, 48, &hdr), -ENOMSG);
}

static void argo_rb_peek_bad_offsets_test(struct kunit *test)
{
	struct xen_argo_ring_message_header hdr;
	u8 ring[64];

	memset(ring, 0, sizeof(ring));
	put_hdr(ring, 0, 16, 1);
	/* misaligned */
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 8, 32, &hdr), -EPROTO);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 4, &hdr), -EPROTO);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 33, &hdr), -EPROTO);
	/* misaligned but equal: still a protocol error, not "empty" */
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 8, 8, &hdr), -EPROTO);
	/* out of range */
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 64, 0, &hdr), -EPROTO);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 64, &hdr), -EPROTO);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 64, 64, &hdr), -EPROTO);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 0x1000, &hdr),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0xfffffff0, 0, &hdr),
			-EPROTO);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 0xfffffff0, &hdr),
			-EPROTO);
}

static void argo_rb_peek_bad_len_test(struct kunit *test)
{
	struct xen_argo_ring_message_header hdr;
	u8 ring[64];

	memset(ring, 0, sizeof(ring));
	/* shorter than a header */
	put_hdr(ring, 0, 0, 1);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 32, &hdr), -EBADMSG);
	put_hdr(ring, 0, 15, 1);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 32, &hdr), -EBADMSG);
	/* longer than what the writer published */
	put_hdr(ring, 0, 33, 1);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 32, &hdr), -EBADMSG);
	put_hdr(ring, 0, 0xffffffff, 1);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 48, &hdr), -EBADMSG);
	/* exactly what was published is fine */
	put_hdr(ring, 0, 32, 1);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 0, 32, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.len, 32U);
	/* too long for the wrapped available space */
	put_hdr(ring, 48, 33, 1);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 48, 16, &hdr), -EBADMSG);
}

static void argo_rb_peek_valid_test(struct kunit *test)
{
	struct xen_argo_ring_message_header hdr;
	u8 ring[64];

	memset(ring, 0, sizeof(ring));
	put_hdr(ring, 16, 16 + 5, 0xabcdef01);
	memset(&hdr, 0xff, sizeof(hdr));
	KUNIT_ASSERT_EQ(test, argo_rb_peek(ring, 64, 16, 48, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.len, 21U);
	KUNIT_EXPECT_EQ(test, hdr.source.aport, 0x12345678U);
	KUNIT_EXPECT_EQ(test, hdr.source.domain_id, 7);
	KUNIT_EXPECT_EQ(test, hdr.source.pad, 0);
	KUNIT_EXPECT_EQ(test, hdr.message_type, 0xabcdef01U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(16, hdr.len, 64), 48U);
}

static void argo_rb_peek_ring_end_test(struct kunit *test)
{
	struct xen_argo_ring_message_header hdr;
	u8 ring[64];

	memset(ring, 0, sizeof(ring));
	/* header at 32, payload 48..63: ends exactly at the ring end */
	put_hdr(ring, 32, 32, 2);
	KUNIT_ASSERT_EQ(test, argo_rb_peek(ring, 64, 32, 0, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.len, 32U);
	KUNIT_EXPECT_EQ(test, hdr.message_type, 2U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(32, hdr.len, 64), 0U);

	/* header-only message in the last slot */
	put_hdr(ring, 48, 16, 3);
	KUNIT_ASSERT_EQ(test, argo_rb_peek(ring, 64, 48, 0, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.len, 16U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(48, hdr.len, 64), 0U);
}

static void argo_rb_peek_wrap_test(struct kunit *test)
{
	struct xen_argo_ring_message_header hdr;
	u8 ring[64];

	memset(ring, 0, sizeof(ring));
	/* tx < rx: header at 48, 14 payload bytes at 0..13, tx = 16 */
	put_hdr(ring, 48, 30, 4);
	KUNIT_ASSERT_EQ(test, argo_rb_peek(ring, 64, 48, 16, &hdr), 0);
	KUNIT_EXPECT_EQ(test, hdr.len, 30U);
	KUNIT_EXPECT_EQ(test, hdr.message_type, 4U);
	KUNIT_EXPECT_EQ(test, argo_rb_advance(48, hdr.len, 64), 16U);

	/* tx < rx with 48 bytes available: len 48 is fine, 49 is not */
	put_hdr(ring, 32, 48, 5);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 32, 16, &hdr), 0);
	put_hdr(ring, 32, 49, 5);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(ring, 64, 32, 16, &hdr), -EBADMSG);
}

/* argo_rb_segments() */

struct segments_case {
	u32 len, rx, off, count;
	unsigned int n;
	struct argo_rb_seg seg[2];
};

static const struct segments_case segments_cases[] = {
	/* no wrap */
	{ 64, 0, 0, 10, 1, { { 16, 10 } } },
	{ 64, 0, 5, 10, 1, { { 21, 10 } } },
	{ 64, 16, 0, 32, 1, { { 32, 32 } } },
	/* payload ends exactly at the ring end */
	{ 64, 32, 0, 16, 1, { { 48, 16 } } },
	/* wrap inside the payload */
	{ 64, 32, 0, 30, 2, { { 48, 16 }, { 0, 14 } } },
	{ 64, 32, 0, 32, 2, { { 48, 16 }, { 0, 16 } } },
	{ 64, 48, 0, 0, 0, { } },
	/* offset: straddling the wrap, at 0, past the wrap */
	{ 64, 32, 10, 10, 2, { { 58, 6 }, { 0, 4 } } },
	{ 64, 32, 16, 8, 1, { { 0, 8 } } },
	{ 64, 32, 20, 5, 1, { { 4, 5 } } },
	/* header in the last slot: the payload starts at 0 */
	{ 64, 48, 0, 20, 1, { { 0, 20 } } },
	{ 64, 48, 3, 20, 1, { { 3, 20 } } },
	/* the largest ring */
	{ 0xffffc0, 0xffffb0, 0x20, 8, 1, { { 0x20, 8 } } },
	{ 0xffffc0, 0xffff90, 0, 0x40, 2, { { 0xffffa0, 0x20 }, { 0, 0x20 } } },
};

static void argo_rb_segments_test(struct kunit *test)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(segments_cases); i++) {
		const struct segments_case *c = &segments_cases[i];
		struct argo_rb_seg seg[2];
		unsigned int n;

		memset(seg, 0xee, sizeof(seg));
		n = argo_rb_segments(c->len, c->rx, c->off, c->count, seg);
		KUNIT_EXPECT_EQ_MSG(test, n, c->n, "case %u", i);
		if (n != c->n)
			continue;
		for (j = 0; j < n; j++) {
			KUNIT_EXPECT_EQ_MSG(test, seg[j].off, c->seg[j].off,
					    "case %u seg %u", i, j);
			KUNIT_EXPECT_EQ_MSG(test, seg[j].len, c->seg[j].len,
					    "case %u seg %u", i, j);
		}
	}
}

static void argo_rb_segments_zero_test(struct kunit *test)
{
	struct argo_rb_seg seg[2];

	memset(seg, 0xee, sizeof(seg));
	KUNIT_EXPECT_EQ(test, argo_rb_segments(64, 0, 0, 0, seg), 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_segments(64, 32, 32, 0, seg), 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_segments(64, 48, 0, 0, seg), 0U);
	/* nothing written */
	KUNIT_EXPECT_EQ(test, seg[0].off, 0xeeeeeeeeU);
	KUNIT_EXPECT_EQ(test, seg[0].len, 0xeeeeeeeeU);
	KUNIT_EXPECT_EQ(test, seg[1].off, 0xeeeeeeeeU);
}

/* argo_rb_copy() */

struct copy_case {
	u32 rx, off, count;
	/* expected: ring[a_off..a_off+a_len) then ring[b_off..b_off+b_len) */
	u32 a_off, a_len, b_off, b_len;
};

static const struct copy_case copy_cases[] = {
	{ 0, 0, 10, 16, 10, 0, 0 },
	{ 0, 5, 10, 21, 10, 0, 0 },
	{ 32, 0, 16, 48, 16, 0, 0 },
	{ 32, 0, 30, 48, 16, 0, 14 },
	{ 32, 10, 10, 58, 6, 0, 4 },
	{ 32, 20, 5, 4, 5, 0, 0 },
	{ 48, 0, 20, 0, 20, 0, 0 },
	{ 48, 7, 9, 7, 9, 0, 0 },
	{ 0, 0, 0, 0, 0, 0, 0 },
	{ 32, 0, 0, 0, 0, 0, 0 },
};

static void argo_rb_copy_test(struct kunit *test)
{
	const u32 len = 64;
	u8 ring[64], dst[80], exp[80];
	unsigned int i, j;

	for (j = 0; j < len; j++)
		ring[j] = 0x40 + j;

	for (i = 0; i < ARRAY_SIZE(copy_cases); i++) {
		const struct copy_case *c = &copy_cases[i];

		KUNIT_ASSERT_EQ(test, c->a_len + c->b_len, c->count);
		memset(exp, 0xa5, sizeof(exp));
		memcpy(exp, ring + c->a_off, c->a_len);
		memcpy(exp + c->a_len, ring + c->b_off, c->b_len);

		memset(dst, 0xa5, sizeof(dst));
		argo_rb_copy(ring, len, c->rx, c->off, dst, c->count);
		/* whole buffer: also checks nothing was written past count */
		KUNIT_EXPECT_MEMEQ_MSG(test, dst, exp, sizeof(dst),
				       "case %u", i);
	}
}

/*
 * Property test: a writer that places messages exactly as Xen does and a
 * reader that uses only the functions under test. Every payload byte, the
 * header fields and the order are checked, and the reader's view of the
 * used space is compared with the writer's bookkeeping.
 */

struct sim {
	struct kunit *test;
	struct rnd_state rnd;
	u8 *ring;
	u32 len;
	u32 rx;			/* reader's (guest) offset */
	u32 tx;			/* writer's (Xen) offset */
	u32 outstanding;	/* bytes of unread messages, padding included */
	u32 nmsgs;
	u32 *plen;		/* payload length of message i */
	u32 written, read;
	u8 *buf, *exp;		/* reader buffers, max payload + 16 bytes */
	/* coverage: the interesting layouts must all have happened */
	u32 wrapped;		/* payload crossed the ring end */
	u32 at_zero;		/* header in the last slot, payload at 0 */
	u32 exact_end;		/* message ended exactly at the ring end */
	u32 full;		/* writer found the ring full */
};

static u8 payload_byte(u32 seq, u32 i)
{
	return (seq * 0x9e3779b1U + i * 0x85ebca6bU) >> 24;
}

static u32 sim_rand(struct sim *s, u32 n)
{
	return prandom_u32_state(&s->rnd) % n;
}

static u32 sim_pick_len(struct sim *s)
{
	u32 max = s->len - 32;	/* Xen's limit, computed independently */

	switch (sim_rand(s, 16)) {
	case 0:
		return 0;
	case 1:
		return max;
	case 2:
		return max - sim_rand(s, 16);
	case 3:
		return min(max, sim_rand(s, 33));
	default:
		return sim_rand(s, max + 1);
	}
}

/* Xen's ringbuf_insert(): false (-EAGAIN) when the message does not fit. */
static bool sim_write(struct sim *s, u32 seq)
{
	u32 plen = s->plen[seq];
	u32 space = s->rx > s->tx ? s->rx - s->tx : s->len - s->tx + s->rx;
	struct xen_argo_ring_message_header h = {
		.len = plen + ARGO_MSG_HDR_SIZE,
		.source = { .aport = ~seq, .domain_id = seq & 0x7fff },
		.message_type = seq,
	};
	u32 p, i, padded;

	if (!xen_fits(plen, space)) {
		s->full++;
		return false;
	}

	memcpy(s->ring + s->tx, &h, sizeof(h));
	p = s->tx + ARGO_MSG_HDR_SIZE;
	if (p == s->len) {
		p = 0;
		if (plen)
			s->at_zero++;
	}
	if (p + plen > s->len)
		s->wrapped++;
	for (i = 0; i < plen; i++)
		s->ring[(p + i) % s->len] = payload_byte(seq, i);
	/* Xen leaves the padding alone: make stale bytes visible */
	padded = ALIGN(plen, XEN_ARGO_MSG_SLOT_SIZE);
	for (; i < padded; i++)
		s->ring[(p + i) % s->len] = 0xcc ^ i;

	if (p + padded == s->len)
		s->exact_end++;
	s->tx = (p + padded) % s->len;
	s->outstanding += ARGO_MSG_HDR_SIZE + padded;
	return true;
}

/* The reader: argo_rb_* only. Returns false when the ring was empty. */
static bool sim_read(struct sim *s)
{
	struct kunit *test = s->test;
	struct xen_argo_ring_message_header hdr;
	u32 seq = s->read, plen, i, off, count;
	int ret;

	KUNIT_ASSERT_EQ(test, argo_rb_used(s->rx, s->tx, s->len),
			s->outstanding);
	ret = argo_rb_peek(s->ring, s->len, s->rx, s->tx, &hdr);
	if (ret == -ENOMSG) {
		KUNIT_ASSERT_EQ(test, s->read, s->written);
		return false;
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "message %u", seq);
	KUNIT_ASSERT_LT(test, seq, s->written);

	/* order and header */
	KUNIT_ASSERT_EQ(test, hdr.message_type, seq);
	KUNIT_ASSERT_EQ(test, hdr.len, s->plen[seq] + ARGO_MSG_HDR_SIZE);
	KUNIT_ASSERT_EQ(test, hdr.source.aport, ~seq);
	KUNIT_ASSERT_EQ(test, hdr.source.domain_id, seq & 0x7fff);
	plen = hdr.len - ARGO_MSG_HDR_SIZE;

	/* every byte, in one copy; guard bytes behind it stay untouched */
	for (i = 0; i < plen; i++)
		s->exp[i] = payload_byte(seq, i);
	memset(s->exp + plen, 0x5a, 16);
	memset(s->buf, 0x5a, plen + 16);
	argo_rb_copy(s->ring, s->len, s->rx, 0, s->buf, plen);
	KUNIT_ASSERT_MEMEQ_MSG(test, s->buf, s->exp, plen + 16,
			       "message %u, len %u, rx %u", seq, plen, s->rx);

	/* and a random piece of it */
	off = sim_rand(s, plen + 1);
	count = sim_rand(s, plen - off + 1);
	memset(s->buf, 0x5a, count + 16);
	argo_rb_copy(s->ring, s->len, s->rx, off, s->buf, count);
	KUNIT_ASSERT_MEMEQ_MSG(test, s->buf, s->exp + off, count,
			       "message %u, off %u, count %u", seq, off, count);
	KUNIT_ASSERT_EQ(test, s->buf[count], 0x5a);

	s->rx = argo_rb_advance(s->rx, hdr.len, s->len);
	KUNIT_ASSERT_LT(test, s->rx, s->len);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED(s->rx, XEN_ARGO_MSG_SLOT_SIZE));
	s->outstanding -= ALIGN(hdr.len, XEN_ARGO_MSG_SLOT_SIZE);
	s->read++;
	return true;
}

/*
 * Run @nmsgs messages through a ring of @len bytes. With @coverage, also
 * require that every interesting layout occurred (big rings see a header
 * in the last slot too rarely for that).
 */
static void sim_run(struct kunit *test, u32 len, u32 nmsgs, u64 seed,
		    bool coverage)
{
	struct xen_argo_ring_message_header hdr;
	struct sim *s;
	u32 i, burst;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->test = test;
	s->len = len;
	s->nmsgs = nmsgs;
	prandom_seed_state(&s->rnd, seed);
	s->ring = kunit_kmalloc(test, len, GFP_KERNEL);
	s->plen = kunit_kmalloc_array(test, nmsgs, sizeof(u32), GFP_KERNEL);
	s->buf = kunit_kmalloc(test, len + 16, GFP_KERNEL);
	s->exp = kunit_kmalloc(test, len + 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->ring);
	KUNIT_ASSERT_NOT_NULL(test, s->plen);
	KUNIT_ASSERT_NOT_NULL(test, s->buf);
	KUNIT_ASSERT_NOT_NULL(test, s->exp);
	memset(s->ring, 0xdd, len);
	for (i = 0; i < nmsgs; i++)
		s->plen[i] = sim_pick_len(s);

	/* the ring is registered with both offsets zero */
	while (s->read < nmsgs) {
		burst = 1 + sim_rand(s, 8);
		if (sim_rand(s, 2) && s->written < nmsgs) {
			/* a refused message is retried later, like a sender */
			for (i = 0; i < burst && s->written < nmsgs; i++) {
				if (!sim_write(s, s->written))
					break;
				s->written++;
			}
		} else {
			for (i = 0; i < burst; i++)
				if (!sim_read(s))
					break;
		}
	}

	KUNIT_EXPECT_EQ(test, s->written, nmsgs);
	KUNIT_EXPECT_EQ(test, s->read, nmsgs);
	KUNIT_EXPECT_EQ(test, s->rx, s->tx);
	KUNIT_EXPECT_EQ(test, s->outstanding, 0U);
	KUNIT_EXPECT_EQ(test, argo_rb_peek(s->ring, len, s->rx, s->tx, &hdr),
			-ENOMSG);
	KUNIT_EXPECT_GT_MSG(test, s->full, 0U, "len %u", len);
	/* in the smallest ring a payload never crosses the end, see below */
	if (len > ARGO_RING_MIN_LEN)
		KUNIT_EXPECT_GT_MSG(test, s->wrapped, 0U, "len %u", len);
	if (coverage) {
		KUNIT_EXPECT_GT_MSG(test, s->at_zero, 0U, "len %u", len);
		KUNIT_EXPECT_GT_MSG(test, s->exact_end, 0U, "len %u", len);
	}
	kunit_info(test,
		   "len %u: %u messages, %u wrapped, %u at 0, %u ended at ring end, ring full %u times\n",
		   len, nmsgs, s->wrapped, s->at_zero, s->exact_end, s->full);
}

static void argo_rb_stream_test(struct kunit *test)
{
	/*
	 * The smallest ring (its only payload slots are 16..31 and, after a
	 * header in the last slot, 0..15), odd slot counts, one page, 16
	 * pages.
	 */
	sim_run(test, 48, 20000, 1, true);
	sim_run(test, 64, 20000, 2, true);
	sim_run(test, 112, 20000, 3, true);
	sim_run(test, 256, 20000, 4, true);
	sim_run(test, 4032, 10000, 5, true);
	sim_run(test, 65472, 2000, 6, false);
}

/*
 * Notify only when a sender may wait: one sender, told to send at most
 * @max bytes, writes while Xen lets it; refused, it waits until a notify
 * finds room for its message (Xen's pending list). The reader drains in
 * bursts and notifies when argo_rb_sender_may_wait() says so. A skipped
 * notify while the sender waits would be a lost wakeup: never allowed.
 *
 * Return: the number of notifies skipped.
 */
static u32 notify_run(struct kunit *test, u32 len, u32 max, u64 seed)
{
	u32 nslots = len / XEN_ARGO_MSG_SLOT_SIZE, head = 0, tail = 0;
	u32 rx = 0, tx = 0, sent = 0, got = 0, waits = 0, skipped = 0;
	u32 want = 0, i, *fifo;
	struct rnd_state rnd;
	bool waiting = false;

	fifo = kunit_kmalloc_array(test, nslots, sizeof(u32), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fifo);
	prandom_seed_state(&rnd, seed);
	while (got < 4000) {
		u32 space = rx > tx ? rx - tx : len - tx + rx;

		if (!waiting && sent < 4000 && prandom_u32_state(&rnd) % 3) {
			u32 r = prandom_u32_state(&rnd);
			u32 plen = r % 4 ? r % (max / 4 + 1) : max - r % 16;

			if (!xen_fits(plen, space)) {
				waiting = true;
				want = plen;
				waits++;
				continue;
			}
			fifo[tail++ % nslots] = plen;
			tx = argo_rb_advance(tx, plen + ARGO_MSG_HDR_SIZE, len);
			sent++;
		} else if (head != tail) {
			u32 rx_start = rx, n = 1 + prandom_u32_state(&rnd) % 4;

			for (i = 0; i < n && head != tail; i++, got++)
				rx = argo_rb_advance(rx, fifo[head++ % nslots] +
						     ARGO_MSG_HDR_SIZE, len);
			if (!argo_rb_sender_may_wait(rx_start, tx, len, max)) {
				KUNIT_ASSERT_FALSE_MSG(test, waiting,
						       "len %u max %u: notify skipped while a sender waits for %u bytes",
						       len, max, want);
				skipped++;
				continue;
			}
			space = rx > tx ? rx - tx : len - tx + rx;
			if (waiting && xen_fits(want, space))
				waiting = false;	/* woken; retries */
		} else {
			/* Empty and still refused: the sender's own bug. */
			KUNIT_ASSERT_FALSE(test, waiting);
			if (sent == 4000)
				break;
		}
	}
	KUNIT_EXPECT_EQ(test, got, 4000U);
	KUNIT_EXPECT_GT_MSG(test, waits, 0U, "len %u max %u", len, max);
	kunit_info(test, "len %u max %u: %u waits, %u of the drains skipped notify\n",
		   len, max, waits, skipped);
	return skipped;
}

static void argo_rb_notify_test(struct kunit *test)
{
	/* Told nothing, the driver must notify after every drain. */
	KUNIT_EXPECT_EQ(test, notify_run(test, 4128, 4096, 1), 0U);
	KUNIT_EXPECT_EQ(test, notify_run(test, 65472, 65440, 2), 0U);
	/* Told less than the ring holds, it may skip, but never wrongly. */
	KUNIT_EXPECT_GT(test, notify_run(test, 65472, 16384, 3), 0U);
	KUNIT_EXPECT_GT(test, notify_run(test, 1048512, 262144, 4), 0U);
	KUNIT_EXPECT_GT(test, notify_run(test, 4128, 1000, 5), 0U);

	/* The edges: room for exactly the largest message, and a slot less. */
	KUNIT_EXPECT_FALSE(test, argo_rb_sender_may_wait(0, 0, 1024, 992));
	KUNIT_EXPECT_TRUE(test, argo_rb_sender_may_wait(0, 16, 1024, 992));
	KUNIT_EXPECT_FALSE(test, argo_rb_sender_may_wait(512, 0, 1024, 480));
	KUNIT_EXPECT_TRUE(test, argo_rb_sender_may_wait(512, 0, 1024, 481));
	/* Offsets Xen would never write: always notify. */
	KUNIT_EXPECT_TRUE(test, argo_rb_sender_may_wait(0, 1024, 1024, 16));
}

static struct kunit_case xen_argo_ringbuf_cases[] = {
	KUNIT_CASE(argo_rb_constants_test),
	KUNIT_CASE_PARAM(argo_rb_len_valid_test, len_valid_gen_params),
	KUNIT_CASE(argo_rb_notify_test),
	KUNIT_CASE_PARAM(argo_rb_npages_test, npages_gen_params),
	KUNIT_CASE(argo_rb_max_payload_test),
	KUNIT_CASE(argo_rb_used_test),
	KUNIT_CASE(argo_rb_advance_test),
	KUNIT_CASE(argo_rb_peek_empty_test),
	KUNIT_CASE(argo_rb_peek_bad_offsets_test),
	KUNIT_CASE(argo_rb_peek_bad_len_test),
	KUNIT_CASE(argo_rb_peek_valid_test),
	KUNIT_CASE(argo_rb_peek_ring_end_test),
	KUNIT_CASE(argo_rb_peek_wrap_test),
	KUNIT_CASE(argo_rb_segments_test),
	KUNIT_CASE(argo_rb_segments_zero_test),
	KUNIT_CASE(argo_rb_copy_test),
	KUNIT_CASE(argo_rb_stream_test),
	{}
};

static struct kunit_suite xen_argo_ringbuf_suite = {
	.name = "xen_argo_ringbuf",
	.test_cases = xen_argo_ringbuf_cases,
};

kunit_test_suite(xen_argo_ringbuf_suite);

MODULE_DESCRIPTION("KUnit tests for the Xen Argo ring arithmetic");
MODULE_LICENSE("GPL");
