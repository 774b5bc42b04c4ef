// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the device side of the guest's split virtqueues in the
 * virtio-argo transport, drivers/virtio/virtio_argo_vring.c.
 *
 * The files under test are #included (virtio_argo_dma.c too, for
 * va_dma_to_virt()), so this always tests the real sources and needs no
 * exports. The virtqueues are real ones of the virtio core, made with
 * vring_create_virtqueue() for a fake virtio device that has no transport
 * behind it: the test plays the driver with virtqueue_add_sgs() and
 * virtqueue_get_buf(), the code under test plays the device. Without
 * VIRTIO_F_ACCESS_PLATFORM and outside Xen, the core puts physical
 * addresses in the descriptors, as the transport's own identity DMA ops do
 * under Xen, so va_dma_to_virt() translates them back unchanged. Runs
 * under User-Mode Linux (scripts/kunit.sh), which has CONFIG_VIRTIO.
 *
 * Corrupted chains are written straight into a virtqueue's descriptor
 * table: the walk must refuse them with -EINVAL, never follow them.
 *
 * va_chain_write() copies out of an Argo ring with argo_msg_read(), which
 * is part of the xen-argo driver and needs Xen. This file defines a
 * test-local argo_msg_read() over a flat buffer instead (the real one is
 * not built under UML, so there is no clash); it keeps the real one's
 * contract: -EINVAL for a range beyond the message's payload.
 */
#include <kunit/test.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "../../drivers/virtio/virtio_argo_dma.c"
#include "../../drivers/virtio/virtio_argo_vring.c"

/* The fake Argo ring: one message's payload at msg->rx, without wrap. */
struct argo_ring {
	const u8 *data;
};

int argo_msg_read(const struct argo_ring *ring, const struct argo_msg *msg,
		  u32 off, void *buf, u32 count)
{
	if ((u64)off + count > msg->len)
		return -EINVAL;
	memcpy(buf, ring->data + msg->rx + off, count);
	return 0;
}

#define F_VERSION_1	BIT_ULL(VIRTIO_F_VERSION_1)
#define F_INDIRECT	BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT_IDX	BIT_ULL(VIRTIO_RING_F_EVENT_IDX)

/* A virtio device with one queue and no transport: the driver's view. */
struct va_kunit_dev {
	struct virtio_device vdev;
	struct virtqueue *vq;
	struct va_vq vvq;	/* the device's view, as virtio_argo_vdev.c sets it */
	unsigned int notified;	/* kicks that reached the "device" */
	unsigned int callbacks;	/* used-buffer interrupts the driver got */
};

static bool va_kunit_notify(struct virtqueue *vq)
{
	container_of(vq->vdev, struct va_kunit_dev, vdev)->notified++;
	return true;
}

static void va_kunit_callback(struct virtqueue *vq)
{
	container_of(vq->vdev, struct va_kunit_dev, vdev)->callbacks++;
}

static void va_kunit_del_vq(void *vq)
{
	vring_del_virtqueue(vq);
}

static struct va_kunit_dev *va_kunit_dev_new(struct kunit *test,
					     u64 features, unsigned int num)
{
	struct va_kunit_dev *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, d);
	d->vdev.features = F_VERSION_1 | features;
	d->vdev.dev.init_name = "va-kunit";
	spin_lock_init(&d->vdev.config_lock);
	spin_lock_init(&d->vdev.vqs_list_lock);
	INIT_LIST_HEAD(&d->vdev.vqs);
	d->vq = vring_create_virtqueue(0, num, PAGE_SIZE, &d->vdev, true,
				       false, false, va_kunit_notify,
				       va_kunit_callback, "va-kunit");
	KUNIT_ASSERT_NOT_NULL(test, d->vq);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, va_kunit_del_vq,
						  d->vq));
	KUNIT_ASSERT_EQ(test, virtqueue_get_vring_size(d->vq), num);

	d->vvq.vq = d->vq;
	d->vvq.num = num;
	d->vvq.epoch = 1;
	d->vvq.event_idx = !!(features & F_EVENT_IDX);
	d->vvq.indirect = !!(features & F_INDIRECT);
	return d;
}

static const struct vring *va_kunit_vring(struct va_kunit_dev *d)
{
	return virtqueue_get_vring(d->vq);
}

static void *va_kunit_buf(struct kunit *test, size_t len, const char *s)
{
	void *p = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	if (s)
		memcpy(p, s, len);
	return p;
}

/*
 * Adds "hello " + "virtio-argo" (readable) and 8 + 100 bytes (writable)
 * as one chain, the shape of a request with a header and a payload.
 */
struct va_kunit_chain {
	u8 *r0, *r1, *w0, *w1;
	u16 head;
};

static void va_kunit_add_chain(struct kunit *test, struct va_kunit_dev *d,
			       struct va_kunit_chain *ch, void *token)
{
	struct scatterlist r0, r1, w0, w1;
	struct scatterlist *sgs[] = { &r0, &r1, &w0, &w1 };

	ch->r0 = va_kunit_buf(test, 6, "hello ");
	ch->r1 = va_kunit_buf(test, 11, "virtio-argo");
	ch->w0 = va_kunit_buf(test, 8, NULL);
	ch->w1 = va_kunit_buf(test, 100, NULL);
	sg_init_one(&r0, ch->r0, 6);
	sg_init_one(&r1, ch->r1, 11);
	sg_init_one(&w0, ch->w0, 8);
	sg_init_one(&w1, ch->w1, 100);
	KUNIT_ASSERT_EQ(test, 0, virtqueue_add_sgs(d->vq, sgs, 2, 2, token,
						   GFP_KERNEL));
}

/*
 * The chain added by va_kunit_add_chain(), read back through the code
 * under test: lengths, the readable bytes in place, and the writable
 * buffers filled from a (fake) Argo message.
 */
static void va_kunit_check_chain(struct kunit *test, struct va_kunit_dev *d,
				 struct va_kunit_chain *ch)
{
	struct va_vq *vvq = &d->vvq;
	struct argo_msg msg = { .len = 150, .rx = 16 };
	struct argo_ring ring;
	struct kvec iov[4];
	u32 out_len = 0, in_len = 0, len;
	u8 *payload, copy[32];
	unsigned int n, i;

	KUNIT_ASSERT_EQ(test, 0, va_chain_lengths(vvq, ch->head, &out_len,
						  &in_len));
	KUNIT_EXPECT_EQ(test, out_len, 17U);
	KUNIT_EXPECT_EQ(test, in_len, 108U);

	/* All readable bytes: the driver's own buffers, not copies. */
	n = va_chain_out_iov(vvq, ch->head, 0, 1000, iov, 4, &len);
	KUNIT_ASSERT_EQ(test, n, 2U);
	KUNIT_EXPECT_EQ(test, len, 17U);
	KUNIT_EXPECT_PTR_EQ(test, iov[0].iov_base, (void *)ch->r0);
	KUNIT_EXPECT_EQ(test, iov[0].iov_len, 6UL);
	KUNIT_EXPECT_PTR_EQ(test, iov[1].iov_base, (void *)ch->r1);
	KUNIT_EXPECT_EQ(test, iov[1].iov_len, 11UL);

	/* A window across the buffer boundary: "lo " + "vi". */
	n = va_chain_out_iov(vvq, ch->head, 3, 5, iov, 4, &len);
	KUNIT_ASSERT_EQ(test, n, 2U);
	KUNIT_EXPECT_EQ(test, len, 5U);
	KUNIT_EXPECT_MEMEQ(test, iov[0].iov_base, "lo ", 3);
	KUNIT_EXPECT_EQ(test, iov[0].iov_len, 3UL);
	KUNIT_EXPECT_MEMEQ(test, iov[1].iov_base, "vi", 2);
	KUNIT_EXPECT_EQ(test, iov[1].iov_len, 2UL);

	/* A window starting in the second buffer: "argo". */
	n = va_chain_out_iov(vvq, ch->head, 13, 1000, iov, 4, &len);
	KUNIT_ASSERT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, len, 4U);
	KUNIT_EXPECT_MEMEQ(test, iov[0].iov_base, "argo", 4);

	/* Fewer iovecs than pieces: stops at the first, says so in len. */
	n = va_chain_out_iov(vvq, ch->head, 0, 1000, iov, 1, &len);
	KUNIT_EXPECT_EQ(test, n, 1U);
	KUNIT_EXPECT_EQ(test, len, 6U);

	/* At or past the end of the readable bytes: nothing. */
	n = va_chain_out_iov(vvq, ch->head, 17, 1000, iov, 4, &len);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, len, 0U);
	n = va_chain_out_iov(vvq, ch->head, 0, 0, iov, 4, &len);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, len, 0U);

	/*
	 * The same windows copied (the bounce path for scattered chains):
	 * across the boundary, from inside the second buffer, cut short by
	 * the end of the readable bytes, and never into the writable ones.
	 */
	memset(copy, 0x5a, sizeof(copy));
	KUNIT_EXPECT_EQ(test, va_chain_out_copy(vvq, ch->head, 0, copy, 17),
			17U);
	KUNIT_EXPECT_MEMEQ(test, copy, "hello virtio-argo", 17);
	KUNIT_EXPECT_EQ(test, copy[17], 0x5a);
	memset(copy, 0x5a, sizeof(copy));
	KUNIT_EXPECT_EQ(test, va_chain_out_copy(vvq, ch->head, 3, copy, 5), 5U);
	KUNIT_EXPECT_MEMEQ(test, copy, "lo vi", 5);
	KUNIT_EXPECT_EQ(test, copy[5], 0x5a);
	KUNIT_EXPECT_EQ(test, va_chain_out_copy(vvq, ch->head, 13, copy, 4),
			4U);
	KUNIT_EXPECT_MEMEQ(test, copy, "argo", 4);
	memset(copy, 0x5a, sizeof(copy));
	KUNIT_EXPECT_EQ(test, va_chain_out_copy(vvq, ch->head, 10, copy, 20),
			7U);
	KUNIT_EXPECT_MEMEQ(test, copy, "io-argo", 7);
	KUNIT_EXPECT_EQ(test, copy[7], 0x5a);
	KUNIT_EXPECT_EQ(test, va_chain_out_copy(vvq, ch->head, 17, copy, 4),
			0U);
	KUNIT_EXPECT_EQ(test, va_chain_out_copy(vvq, ch->head, 0, copy, 0),
			0U);

	/*
	 * The writable side. The message's payload starts 16 bytes into the
	 * fake ring and holds i + 1 at payload byte i.
	 */
	payload = va_kunit_buf(test, 16 + 150, NULL);
	for (i = 0; i < 150; i++)
		payload[16 + i] = i + 1;
	ring.data = payload;

	/* All 108 writable bytes from payload byte 10 on. */
	KUNIT_EXPECT_EQ(test, 0, va_chain_write(vvq, ch->head, 0, &ring, &msg,
						10, 108));
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, ch->w0[i], (u8)(11 + i));
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, ch->w1[i], (u8)(19 + i));
	/* The readable buffers are never written. */
	KUNIT_EXPECT_MEMEQ(test, ch->r0, "hello ", 6);
	KUNIT_EXPECT_MEMEQ(test, ch->r1, "virtio-argo", 11);

	/* A second fragment across the boundary: bytes 5 .. 9. */
	memset(ch->w0, 0, 8);
	memset(ch->w1, 0, 100);
	KUNIT_EXPECT_EQ(test, 0, va_chain_write(vvq, ch->head, 5, &ring, &msg,
						0, 5));
	KUNIT_EXPECT_EQ(test, ch->w0[4], 0);
	KUNIT_EXPECT_EQ(test, ch->w0[5], 1);
	KUNIT_EXPECT_EQ(test, ch->w0[7], 3);
	KUNIT_EXPECT_EQ(test, ch->w1[0], 4);
	KUNIT_EXPECT_EQ(test, ch->w1[1], 5);
	KUNIT_EXPECT_EQ(test, ch->w1[2], 0);

	/* The last writable byte, then one byte too many. */
	KUNIT_EXPECT_EQ(test, 0, va_chain_write(vvq, ch->head, 107, &ring,
						&msg, 149, 1));
	KUNIT_EXPECT_EQ(test, ch->w1[99], 150);
	KUNIT_EXPECT_EQ(test, -EINVAL, va_chain_write(vvq, ch->head, 100,
						      &ring, &msg, 0, 9));
	KUNIT_EXPECT_EQ(test, -EINVAL, va_chain_write(vvq, ch->head, 0, &ring,
						      &msg, 0, 109));
	/* Nothing to write is not an error, wherever it is. */
	KUNIT_EXPECT_EQ(test, 0, va_chain_write(vvq, ch->head, 108, &ring,
						&msg, 0, 0));
	/* The message is shorter than what is asked: its error comes back. */
	KUNIT_EXPECT_EQ(test, -EINVAL, va_chain_write(vvq, ch->head, 0, &ring,
						      &msg, 140, 20));
}

/* One chain of direct descriptors, from add to get_buf. */
static void va_vring_direct_test(struct kunit *test)
{
	struct va_kunit_dev *d = va_kunit_dev_new(test, 0, 8);
	const struct vring *vr = va_kunit_vring(d);
	struct va_kunit_chain ch;
	unsigned int len = 0;
	u16 head, flags;
	int token;

	va_kunit_add_chain(test, d, &ch, &token);
	KUNIT_EXPECT_TRUE(test, virtqueue_kick(d->vq));
	KUNIT_EXPECT_EQ(test, d->notified, 1U);

	KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &ch.head));
	KUNIT_EXPECT_EQ(test, d->vvq.last_avail, 1);
	KUNIT_EXPECT_FALSE(test, va_vring_avail(&d->vvq, &head));
	KUNIT_EXPECT_EQ(test, d->vvq.last_avail, 1);
	/* Four direct descriptors: the core did not go indirect. */
	flags = virtio16_to_cpu(&d->vdev, vr->desc[ch.head].flags);
	KUNIT_EXPECT_FALSE(test, flags & VRING_DESC_F_INDIRECT);

	va_kunit_check_chain(test, d, &ch);

	va_vring_used(&d->vvq, ch.head, 42);
	KUNIT_EXPECT_EQ(test, d->vvq.used_idx, 1);
	KUNIT_EXPECT_EQ(test, virtio16_to_cpu(&d->vdev, vr->used->idx), 1);
	/* Callbacks enabled, no event index: the driver wants to know. */
	KUNIT_EXPECT_TRUE(test, va_vring_need_irq(&d->vvq, 0));
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(d->vq, &len),
			    (void *)&token);
	KUNIT_EXPECT_EQ(test, len, 42U);
	KUNIT_EXPECT_NULL(test, virtqueue_get_buf(d->vq, &len));
}

/* The same chain through an indirect table. */
static void va_vring_indirect_test(struct kunit *test)
{
	struct va_kunit_dev *d = va_kunit_dev_new(test, F_INDIRECT, 8);
	const struct vring *vr = va_kunit_vring(d);
	struct va_kunit_chain ch;
	unsigned int len = 0;
	u16 flags;
	int token;

	va_kunit_add_chain(test, d, &ch, &token);
	virtqueue_kick(d->vq);
	KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &ch.head));
	/* One descriptor in the ring, pointing at a table of four. */
	KUNIT_EXPECT_EQ(test, d->vq->num_free, 7U);
	flags = virtio16_to_cpu(&d->vdev, vr->desc[ch.head].flags);
	KUNIT_ASSERT_TRUE(test, flags & VRING_DESC_F_INDIRECT);
	KUNIT_EXPECT_EQ(test, virtio32_to_cpu(&d->vdev, vr->desc[ch.head].len),
			4U * 16);

	va_kunit_check_chain(test, d, &ch);

	va_vring_used(&d->vvq, ch.head, 108);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(d->vq, &len),
			    (void *)&token);
	KUNIT_EXPECT_EQ(test, len, 108U);
	KUNIT_EXPECT_EQ(test, d->vq->num_free, 8U);
}

/*
 * Several chains in flight, completed out of order, then enough rounds
 * that both 16-bit ring indices wrap: every head and used element must
 * land where the driver looks for it.
 */
static void va_vring_many_test(struct kunit *test)
{
	struct va_kunit_dev *d = va_kunit_dev_new(test, F_INDIRECT, 4);
	static int tokens[4];
	struct scatterlist r, w;
	struct scatterlist *sgs[] = { &r, &w };
	u8 *rbuf = va_kunit_buf(test, 4, "abcd");
	u8 *wbuf = va_kunit_buf(test, 4, NULL);
	unsigned int i, len, round;
	u32 out_len, in_len;
	u16 heads[4];

	sg_init_one(&r, rbuf, 4);
	sg_init_one(&w, wbuf, 4);

	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, 0, virtqueue_add_sgs(d->vq, sgs, 1, 1,
							   &tokens[i],
							   GFP_KERNEL));
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &heads[i]));
	KUNIT_EXPECT_FALSE(test, va_vring_avail(&d->vvq, &heads[3]));
	KUNIT_EXPECT_NE(test, heads[0], heads[1]);
	KUNIT_EXPECT_NE(test, heads[1], heads[2]);

	va_vring_used(&d->vvq, heads[1], 11);
	va_vring_used(&d->vvq, heads[2], 12);
	va_vring_used(&d->vvq, heads[0], 10);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(d->vq, &len),
			    (void *)&tokens[1]);
	KUNIT_EXPECT_EQ(test, len, 11U);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(d->vq, &len),
			    (void *)&tokens[2]);
	KUNIT_EXPECT_EQ(test, len, 12U);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(d->vq, &len),
			    (void *)&tokens[0]);
	KUNIT_EXPECT_EQ(test, len, 10U);

	/* 65536 + 100 rounds: last_avail and used_idx wrap once. */
	for (round = 0; round < 65636; round++) {
		u16 head;
		void *got;

		if (virtqueue_add_sgs(d->vq, sgs, 1, 1, &tokens[3],
				      GFP_KERNEL) ||
		    !va_vring_avail(&d->vvq, &head) ||
		    va_chain_lengths(&d->vvq, head, &out_len, &in_len) ||
		    out_len != 4 || in_len != 4) {
			KUNIT_FAIL(test, "round %u: chain not taken", round);
			return;
		}
		va_vring_used(&d->vvq, head, round & 3);
		got = virtqueue_get_buf(d->vq, &len);
		if (got != &tokens[3] || len != (round & 3)) {
			KUNIT_FAIL(test, "round %u: got %p len %u", round, got,
				   len);
			return;
		}
	}
	/* 3 + 65636 chains: both indices are at (3 + 65636) mod 65536. */
	KUNIT_EXPECT_EQ(test, d->vvq.last_avail, 103);
	KUNIT_EXPECT_EQ(test, d->vvq.used_idx, 103);
}

static u16 va_kunit_avail_event(struct va_kunit_dev *d)
{
	return virtio16_to_cpu(&d->vdev, vring_avail_event(va_kunit_vring(d)));
}

/*
 * Event index, avail side: when va_vring_avail() finds the ring empty it
 * asks the driver to kick for the next chain; while chains are waiting it
 * leaves the request alone, so the driver does not kick.
 */
static void va_vring_avail_event_test(struct kunit *test)
{
	struct va_kunit_dev *d = va_kunit_dev_new(test, F_EVENT_IDX, 8);
	struct scatterlist r;
	struct scatterlist *sgs[] = { &r };
	u8 *buf = va_kunit_buf(test, 4, "abcd");
	static int token;
	u16 head;

	sg_init_one(&r, buf, 4);

	/* Chain 1: avail_event 0 asks for a kick at the first chain. */
	virtqueue_add_sgs(d->vq, sgs, 1, 0, &token, GFP_KERNEL);
	KUNIT_EXPECT_TRUE(test, virtqueue_kick(d->vq));
	KUNIT_EXPECT_EQ(test, d->notified, 1U);
	KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &head));
	KUNIT_EXPECT_EQ(test, va_kunit_avail_event(d), 0);

	/* Empty: ask for a kick when avail idx moves past 1. */
	KUNIT_EXPECT_FALSE(test, va_vring_avail(&d->vvq, &head));
	KUNIT_EXPECT_EQ(test, va_kunit_avail_event(d), 1);

	/* Chain 2 is kicked. */
	virtqueue_add_sgs(d->vq, sgs, 1, 0, &token, GFP_KERNEL);
	KUNIT_EXPECT_TRUE(test, virtqueue_kick(d->vq));
	KUNIT_EXPECT_EQ(test, d->notified, 2U);

	/* Chain 3, added before the device looked: no second kick. */
	virtqueue_add_sgs(d->vq, sgs, 1, 0, &token, GFP_KERNEL);
	KUNIT_EXPECT_TRUE(test, virtqueue_kick(d->vq));
	KUNIT_EXPECT_EQ(test, d->notified, 2U);

	/* Taking a chain while others wait does not move avail_event. */
	KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &head));
	KUNIT_EXPECT_EQ(test, va_kunit_avail_event(d), 1);
	KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &head));
	KUNIT_EXPECT_EQ(test, va_kunit_avail_event(d), 1);
	KUNIT_EXPECT_FALSE(test, va_vring_avail(&d->vvq, &head));
	KUNIT_EXPECT_EQ(test, va_kunit_avail_event(d), 3);
	KUNIT_EXPECT_EQ(test, d->vvq.last_avail, 3);

	/* Chain 4 is kicked again. */
	virtqueue_add_sgs(d->vq, sgs, 1, 0, &token, GFP_KERNEL);
	KUNIT_EXPECT_TRUE(test, virtqueue_kick(d->vq));
	KUNIT_EXPECT_EQ(test, d->notified, 3U);
}

/* Without event index the avail_event slot is not the device's to write. */
static void va_vring_avail_no_event_test(struct kunit *test)
{
	struct va_kunit_dev *d = va_kunit_dev_new(test, 0, 8);
	const struct vring *vr = va_kunit_vring(d);
	u16 head;

	KUNIT_EXPECT_FALSE(test, va_vring_avail(&d->vvq, &head));
	KUNIT_EXPECT_EQ(test, virtio16_to_cpu(&d->vdev, vring_avail_event(vr)),
			0);
	KUNIT_EXPECT_EQ(test, d->vvq.last_avail, 0);
}

/* Complete the next available chain, return va_vring_need_irq(). */
static bool va_kunit_complete(struct kunit *test, struct va_kunit_dev *d)
{
	u16 head, old = d->vvq.used_idx;

	KUNIT_EXPECT_TRUE(test, va_vring_avail(&d->vvq, &head));
	va_vring_used(&d->vvq, head, 0);
	return va_vring_need_irq(&d->vvq, old);
}

/*
 * Event index, used side: the driver is interrupted once when the used
 * index passes the used_event it published, not for every completion.
 */
static void va_vring_need_irq_event_test(struct kunit *test)
{
	struct va_kunit_dev *d = va_kunit_dev_new(test, F_EVENT_IDX, 8);
	struct scatterlist r;
	struct scatterlist *sgs[] = { &r };
	u8 *buf = va_kunit_buf(test, 4, "abcd");
	static int token;
	unsigned int i, len;
	u16 h1, h2, old;

	sg_init_one(&r, buf, 4);
	for (i = 0; i < 6; i++)
		virtqueue_add_sgs(d->vq, sgs, 1, 0, &token, GFP_KERNEL);
	virtqueue_kick(d->vq);

	/* used_event 0: the first completion interrupts, the second not. */
	KUNIT_EXPECT_TRUE(test, virtqueue_enable_cb(d->vq));
	KUNIT_EXPECT_TRUE(test, va_kunit_complete(test, d));
	KUNIT_EXPECT_EQ(test, vring_interrupt(0, d->vq), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, d->callbacks, 1U);
	KUNIT_EXPECT_FALSE(test, va_kunit_complete(test, d));

	/* The driver catches up and re-arms: used_event 2. */
	KUNIT_EXPECT_NOT_NULL(test, virtqueue_get_buf(d->vq, &len));
	KUNIT_EXPECT_NOT_NULL(test, virtqueue_get_buf(d->vq, &len));
	KUNIT_EXPECT_TRUE(test, virtqueue_enable_cb(d->vq));
	KUNIT_EXPECT_TRUE(test, va_kunit_complete(test, d));

	/* Callbacks disabled: no interrupt. */
	KUNIT_EXPECT_NOT_NULL(test, virtqueue_get_buf(d->vq, &len));
	virtqueue_disable_cb(d->vq);
	KUNIT_EXPECT_FALSE(test, va_kunit_complete(test, d));

	/*
	 * Two completions published together (old_used 4, used_idx 6) with
	 * used_event 5 in between: one interrupt for both.
	 */
	KUNIT_EXPECT_NOT_NULL(test, virtqueue_get_buf(d->vq, &len));
	KUNIT_EXPECT_TRUE(test, virtqueue_enable_cb(d->vq));
	KUNIT_EXPECT_EQ(test, virtio16_to_cpu(&d->vdev,
					      vring_used_event(va_kunit_vring(d))),
			4);
	vring_used_event(va_kunit_vring(d)) = cpu_to_virtio16(&d->vdev, 5);
	old = d->vvq.used_idx;
	KUNIT_EXPECT_EQ(test, old, 4);
	KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &h1));
	KUNIT_ASSERT_TRUE(test, va_vring_avail(&d->vvq, &h2));
	va_vring_used(&d->vvq, h1, 0);
	va_vring_used(&d->vvq, h2, 0);
	KUNIT_EXPECT_TRUE(test, va_vring_need_irq(&d->vvq, old));
}

/* Without event index: the driver's NO_INTERRUPT flag decides. */
static void va_vring_need_irq_flags_test(struct kunit *test)
{
	struct va_kunit_dev *d = va_kunit_dev_new(test, 0, 8);
	struct scatterlist r;
	struct scatterlist *sgs[] = { &r };
	u8 *buf = va_kunit_buf(test, 4, "abcd");
	static int token;
	unsigned int i;

	sg_init_one(&r, buf, 4);
	for (i = 0; i < 3; i++)
		virtqueue_add_sgs(d->vq, sgs, 1, 0, &token, GFP_KERNEL);
	virtqueue_kick(d->vq);

	KUNIT_EXPECT_TRUE(test, va_kunit_complete(test, d));
	virtqueue_disable_cb(d->vq);
	KUNIT_EXPECT_FALSE(test, va_kunit_complete(test, d));
	/* Re-enabled with a used buffer pending: enable_cb says so. */
	KUNIT_EXPECT_FALSE(test, virtqueue_enable_cb(d->vq));
	KUNIT_EXPECT_TRUE(test, va_kunit_complete(test, d));
}

/*
 * Corrupted descriptor tables, written by hand into a virtqueue of 8
 * entries (and a 4-entry indirect table). Addresses are symbolic: a
 * readable/writable buffer of RAM, the indirect table, memory that is not
 * RAM, and a range that wraps the physical address space.
 */
enum { A_BUF, A_TABLE, A_NOT_RAM, A_WRAP };

struct desc_spec {
	u8 addr;
	u32 len;
	u16 flags;
	u16 next;
};

#define R	0
#define W	VRING_DESC_F_WRITE
#define N	VRING_DESC_F_NEXT
#define I	VRING_DESC_F_INDIRECT

struct corrupt_case {
	const char *desc;
	bool no_indirect;	/* INDIRECT_DESC not negotiated */
	u16 head;
	struct desc_spec ring[8];
	struct desc_spec table[4];
	int ret;
	u32 out_len, in_len;	/* when ret is 0 */
};

static const struct corrupt_case corrupt_cases[] = {
	/* Sanity: well-formed chains are accepted with the right lengths. */
	{ "one readable", false, 0, { { A_BUF, 16, R } }, {}, 0, 16, 0 },
	{ "readable, writable, writable", false, 0,
	  { { A_BUF, 16, R | N, 1 }, { A_BUF, 100, W | N, 2 },
	    { A_BUF, 1, W } }, {}, 0, 16, 101 },
	{ "head in the middle of the table", false, 5,
	  { [5] = { A_BUF, 7, W | N, 2 }, [2] = { A_BUF, 9, W } }, {},
	  0, 0, 16 },
	{ "all 8 descriptors", false, 0,
	  { { A_BUF, 1, R | N, 1 }, { A_BUF, 1, R | N, 2 },
	    { A_BUF, 1, R | N, 3 }, { A_BUF, 1, R | N, 4 },
	    { A_BUF, 1, W | N, 5 }, { A_BUF, 1, W | N, 6 },
	    { A_BUF, 1, W | N, 7 }, { A_BUF, 1, W } }, {}, 0, 4, 4 },
	/* A zero-length descriptor's address is never used. */
	{ "zero length, address not RAM", false, 0,
	  { { A_NOT_RAM, 0, R | N, 1 }, { A_BUF, 8, W } }, {}, 0, 0, 8 },
	{ "indirect table", false, 0, { { A_TABLE, 3 * 16, I } },
	  { { A_BUF, 16, R | N, 1 }, { A_BUF, 32, W | N, 2 },
	    { A_BUF, 1, W } }, 0, 16, 33 },
	/* The spec: the device ignores WRITE on an indirect descriptor. */
	{ "indirect descriptor marked WRITE", false, 0,
	  { { A_TABLE, 16, I | W } }, { { A_BUF, 8, R } }, 0, 8, 0 },
	{ "direct, then indirect", false, 0,
	  { { A_BUF, 16, R | N, 1 }, { A_TABLE, 16, I } },
	  { { A_BUF, 8, W } }, 0, 16, 8 },

	/* Corrupted: every one must be refused with -EINVAL. */
	{ "head 8 of 8", false, 8, {}, {}, -EINVAL },
	{ "head 0xffff", false, 0xffff, {}, {}, -EINVAL },
	{ "next out of the table", false, 0,
	  { { A_BUF, 16, R | N, 8 } }, {}, -EINVAL },
	{ "next 0xffff", false, 0,
	  { { A_BUF, 16, R | N, 0xffff } }, {}, -EINVAL },
	{ "descriptor loops to itself", false, 0,
	  { { A_BUF, 16, R | N, 0 } }, {}, -EINVAL },
	{ "two descriptors loop", false, 0,
	  { { A_BUF, 16, R | N, 1 }, { A_BUF, 16, R | N, 0 } }, {}, -EINVAL },
	{ "loop back to the middle", false, 0,
	  { { A_BUF, 1, R | N, 1 }, { A_BUF, 1, R | N, 2 },
	    { A_BUF, 1, R | N, 1 } }, {}, -EINVAL },
	{ "zero-length loop", false, 0,
	  { { A_BUF, 0, R | N, 1 }, { A_BUF, 0, R | N, 0 } }, {}, -EINVAL },
	{ "readable after writable", false, 0,
	  { { A_BUF, 8, W | N, 1 }, { A_BUF, 8, R } }, {}, -EINVAL },
	{ "readable after writable, one descriptor apart", false, 0,
	  { { A_BUF, 8, R | N, 1 }, { A_BUF, 8, W | N, 2 },
	    { A_BUF, 8, W | N, 3 }, { A_BUF, 8, R } }, {}, -EINVAL },
	{ "buffer not in RAM", false, 0,
	  { { A_NOT_RAM, 16, R } }, {}, -EINVAL },
	{ "buffer wraps the address space", false, 0,
	  { { A_WRAP, 0x2000, W } }, {}, -EINVAL },
	{ "indirect not negotiated", true, 0,
	  { { A_TABLE, 16, I } }, { { A_BUF, 8, R } }, -EINVAL },
	{ "indirect inside indirect", false, 0,
	  { { A_TABLE, 2 * 16, I } },
	  { { A_BUF, 8, R | N, 1 }, { A_TABLE, 16, I } }, -EINVAL },
	{ "indirect with NEXT", false, 0,
	  { { A_TABLE, 16, I | N, 1 }, { A_BUF, 8, W } },
	  { { A_BUF, 8, R } }, -EINVAL },
	{ "indirect of length 0", false, 0,
	  { { A_TABLE, 0, I } }, {}, -EINVAL },
	{ "indirect length not whole descriptors", false, 0,
	  { { A_TABLE, 24, I } }, { { A_BUF, 8, R } }, -EINVAL },
	{ "indirect table not in RAM", false, 0,
	  { { A_NOT_RAM, 16, I } }, {}, -EINVAL },
	{ "indirect table wraps the address space", false, 0,
	  { { A_WRAP, 0x2000, I } }, {}, -EINVAL },
	{ "loop inside the indirect table", false, 0,
	  { { A_TABLE, 2 * 16, I } },
	  { { A_BUF, 8, R | N, 1 }, { A_BUF, 8, R | N, 0 } }, -EINVAL },
	{ "next beyond the indirect table", false, 0,
	  { { A_TABLE, 2 * 16, I } },
	  { { A_BUF, 8, R | N, 1 }, { A_BUF, 8, R | N, 2 },
	    { A_BUF, 8, R } }, -EINVAL },
	{ "readable after writable across the table", false, 0,
	  { { A_BUF, 8, W | N, 1 }, { A_TABLE, 16, I } },
	  { { A_BUF, 8, R } }, -EINVAL },
	{ "buffer not in RAM inside the table", false, 0,
	  { { A_TABLE, 16, I } }, { { A_NOT_RAM, 8, W } }, -EINVAL },
};

#undef R
#undef W
#undef N
#undef I

KUNIT_ARRAY_PARAM_DESC(corrupt, corrupt_cases, desc);

static void va_kunit_set_desc(struct va_kunit_dev *d, struct vring_desc *to,
			      const struct desc_spec *s, void *buf,
			      void *table)
{
	u64 addr;

	switch (s->addr) {
	case A_BUF:
		addr = virt_to_phys(buf);
		break;
	case A_TABLE:
		addr = virt_to_phys(table);
		break;
	case A_NOT_RAM:
		/* Far above the few hundred MiB of a UML test kernel. */
		addr = 1ULL << 46;
		break;
	default:
		addr = 0xfffffffffffff000ULL;
		break;
	}
	to->addr = cpu_to_virtio64(&d->vdev, addr);
	to->len = cpu_to_virtio32(&d->vdev, s->len);
	to->flags = cpu_to_virtio16(&d->vdev, s->flags);
	to->next = cpu_to_virtio16(&d->vdev, s->next);
}

static void va_vring_corrupt_test(struct kunit *test)
{
	const struct corrupt_case *c = test->param_value;
	struct va_kunit_dev *d = va_kunit_dev_new(test, F_INDIRECT, 8);
	const struct vring *vr = va_kunit_vring(d);
	/* Big enough for any case's descriptor length. */
	void *buf = va_kunit_buf(test, 256, NULL);
	struct vring_desc *table = va_kunit_buf(test, 4 * 16, NULL);
	struct argo_msg msg = { .len = 256 };
	struct argo_ring ring = { .data = va_kunit_buf(test, 256, NULL) };
	u32 out_len = 0xdead, in_len = 0xbeef, len;
	struct kvec iov[8];
	unsigned int i, n;
	int ret;

	d->vvq.indirect = !c->no_indirect;
	for (i = 0; i < ARRAY_SIZE(c->ring); i++)
		va_kunit_set_desc(d, &vr->desc[i], &c->ring[i], buf, table);
	for (i = 0; i < ARRAY_SIZE(c->table); i++)
		va_kunit_set_desc(d, &table[i], &c->table[i], buf, table);

	ret = va_chain_lengths(&d->vvq, c->head, &out_len, &in_len);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!c->ret) {
		KUNIT_EXPECT_EQ(test, out_len, c->out_len);
		KUNIT_EXPECT_EQ(test, in_len, c->in_len);
	} else {
		/* A refused chain leaves the results alone. */
		KUNIT_EXPECT_EQ(test, out_len, 0xdeadU);
		KUNIT_EXPECT_EQ(test, in_len, 0xbeefU);
	}

	/*
	 * The transport walks a chain again to send and to complete it. A
	 * malformed chain must not make those walks go astray either: they
	 * may stop early, but stay within what they are given.
	 */
	n = va_chain_out_iov(&d->vvq, c->head, 0, 64, iov, ARRAY_SIZE(iov),
			     &len);
	KUNIT_EXPECT_LE(test, n, ARRAY_SIZE(iov));
	KUNIT_EXPECT_LE(test, len, 64U);
	if (c->ret)
		KUNIT_EXPECT_LE(test, va_chain_write(&d->vvq, c->head, 0,
						     &ring, &msg, 0, 1), 0);
}

static struct kunit_case va_vring_cases[] = {
	KUNIT_CASE(va_vring_direct_test),
	KUNIT_CASE(va_vring_indirect_test),
	KUNIT_CASE(va_vring_many_test),
	KUNIT_CASE(va_vring_avail_event_test),
	KUNIT_CASE(va_vring_avail_no_event_test),
	KUNIT_CASE(va_vring_need_irq_event_test),
	KUNIT_CASE(va_vring_need_irq_flags_test),
	KUNIT_CASE_PARAM(va_vring_corrupt_test, corrupt_gen_params),
	{}
};

static struct kunit_suite va_vring_suite = {
	.name = "virtio_argo_vring",
	.test_cases = va_vring_cases,
};

kunit_test_suite(va_vring_suite);

MODULE_DESCRIPTION("KUnit tests for the virtio-argo split ring device side");
MODULE_LICENSE("GPL");
