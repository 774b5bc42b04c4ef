// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the send path of the virtio-argo front-end,
 * drivers/virtio/virtio_argo_tx.c: how the chains a driver makes available
 * become Argo messages. The test plays the driver with virtqueue_add_sgs()
 * on a real split virtqueue of the virtio core, the code under test takes
 * the chains and sends them.
 *
 * The files under test are #included (tx, vring, dma, wire). What they
 * call elsewhere is faked here. The fake argo_sendv() gathers each
 * message's iovecs into one buffer, as Xen copies them into the
 * back-end's ring, and the tests parse the frames back out of it as the
 * back-end would (Documentation/virtio/virtio-argo.rst, "Framing"). The
 * included files are also built into the kernel by the other suites, so
 * their global symbols, and the fakes', get names of this file's own.
 */
#define va_chain_lengths	va_txk_chain_lengths
#define va_chain_out_iov	va_txk_chain_out_iov
#define va_chain_out_copy	va_txk_chain_out_copy
#define va_chain_write		va_txk_chain_write
#define va_chain_write_buf	va_txk_chain_write_buf
#define va_vring_avail		va_txk_vring_avail
#define va_vring_peek		va_txk_vring_peek
#define va_vring_used		va_txk_vring_used
#define va_vring_need_irq	va_txk_vring_need_irq
#define va_dma_ops		va_txk_dma_ops
#define va_dma_to_virt		va_txk_dma_to_virt
#define va_hdr_init		va_txk_hdr_init
#define va_check_hello_resp	va_txk_check_hello_resp
#define va_check_device_info	va_txk_check_device_info
#define va_check_get_devices_resp va_txk_check_get_devices_resp
#define va_check_data_resp	va_txk_check_data_resp
#define va_check_event_config	va_txk_check_event_config
#define va_tx_run		va_txk_tx_run
#define va_tx_work		va_txk_tx_work
#define va_space_ready		va_txk_space_ready
#define va_tx_flush		va_txk_tx_flush
#define va_tx_kick_vq		va_txk_tx_kick_vq
#define va_tx_queue_ctrl	va_txk_tx_queue_ctrl
#define va_tx_unqueue_ctrl	va_txk_tx_unqueue_ctrl
#define va_tx_quiesce		va_txk_tx_quiesce
#define va_tx_quiesce_pending	va_txk_tx_quiesce_pending
#define va_tx_forget_locked	va_txk_tx_forget_locked
#define va_tx_drop_all		va_txk_tx_drop_all
#define va_tx_post_oneway	va_txk_tx_post_oneway
#define argo_msg_read		va_txk_argo_msg_read
#define argo_sendv		va_txk_argo_sendv
#define va_bus_lost		va_txk_bus_lost
#define va_vdev_broken		va_txk_vdev_broken
#define va_vdev_fail_chains	va_txk_vdev_fail_chains
#define va_rx_poll_vq		va_txk_rx_poll_vq
#define va_cb_forget		va_txk_cb_forget
#define va_wq			va_txk_wq

#include <kunit/test.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "../../drivers/virtio/virtio_argo_wire.c"
#include "../../drivers/virtio/virtio_argo_dma.c"
#include "../../drivers/virtio/virtio_argo_vring.c"
#include "../../drivers/virtio/virtio_argo_tx.c"

#define BE_DOMID	7
#define BE_PORT		30000
#define DEV_NUM		1
#define QSIZE		256	/* two descriptors a request: room for 128 */
#define EPOCH		5
#define MAX_MSG		(64 * 1024)

/* A block request's shape: a 16-byte header to read, a status to write. */
#define REQ_OUT		16
#define REQ_IN		1
#define FRAME		(VIRTIO_ARGO_DATA_HDR_LEN + REQ_OUT)

/* What the fake argo_sendv() was given, gathered message by message. */
#define MAX_SENDS	8
#define SEND_BYTES	(16 * 1024)

struct txk_send {
	u8 data[SEND_BYTES];
	u32 len;
	unsigned int niov;
};

struct argo_ring {
	int dummy;
};

struct txk {
	struct kunit *test;
	struct va_bus *bus;
	struct va_vdev *vd;
	struct va_vq vvq;
	struct virtqueue *vq;
	struct argo_ring ring;
	struct txk_send sends[MAX_SENDS];
	unsigned int nsends;
	int send_ret;		/* what the next argo_sendv() returns */
	unsigned int lost, broken, work;
	unsigned int added;	/* requests the test made available */
};

static struct txk *txk;
struct workqueue_struct *va_wq;

/* ---- Fakes of the transport's other files and of xen-argo ---- */

int argo_msg_read(const struct argo_ring *ring, const struct argo_msg *msg,
		  u32 off, void *buf, u32 count)
{
	return -EINVAL;
}

int argo_sendv(struct argo_ring *ring, u16 dst_domid, u32 dst_port, u32 type,
	       const struct kvec *iov, unsigned int niov)
{
	struct txk_send *s;
	unsigned int i;
	int ret = txk->send_ret;

	KUNIT_EXPECT_EQ(txk->test, dst_domid, BE_DOMID);
	KUNIT_EXPECT_EQ(txk->test, dst_port, BE_PORT);
	KUNIT_EXPECT_LE(txk->test, niov, VA_TX_IOV);
	txk->send_ret = 0;
	if (ret)
		return ret;
	if (txk->nsends == MAX_SENDS)
		return -ENOSPC;
	s = &txk->sends[txk->nsends++];
	s->niov = niov;
	for (i = 0; i < niov; i++) {
		if (s->len + iov[i].iov_len > SEND_BYTES)
			return -EMSGSIZE;
		memcpy(s->data + s->len, iov[i].iov_base, iov[i].iov_len);
		s->len += iov[i].iov_len;
	}
	return s->len;
}

void va_bus_lost(struct va_bus *bus, const char *why)
{
	txk->lost++;
}

void va_vdev_broken(struct va_vdev *vd, const char *why)
{
	txk->broken++;
	vd->broken = true;
}

void va_vdev_fail_chains(struct va_vq *vvq)
{
}

void va_rx_poll_vq(struct va_vq *vvq)
{
}

void va_cb_forget(struct va_vdev *vd)
{
}

static void txk_work(struct work_struct *work)
{
	txk->work++;
}

/* ---- The driver's side: a virtio device with one real virtqueue ---- */

static bool txk_notify(struct virtqueue *vq)
{
	return true;
}

static void txk_callback(struct virtqueue *vq)
{
}

static void txk_del_vq(void *vq)
{
	vring_del_virtqueue(vq);
}

/* Byte @i of the readable bytes of the @k-th request the test added. */
static u8 req_byte(unsigned int k, u32 i)
{
	return (u8)(0x40 + 3 * k + i);
}

/*
 * Add @n requests with @out_len readable bytes in one buffer and a status
 * byte to write, as virtio_blk does (without the data buffer).
 */
static void txk_add_reqs(struct kunit *test, unsigned int n, u32 out_len)
{
	unsigned int k;
	u32 i;

	for (k = 0; k < n; k++, txk->added++) {
		u8 *out = kunit_kzalloc(test, out_len, GFP_KERNEL);
		u8 *in = kunit_kzalloc(test, REQ_IN, GFP_KERNEL);
		struct scatterlist r, w, *sgs[] = { &r, &w };

		KUNIT_ASSERT_NOT_NULL(test, out);
		KUNIT_ASSERT_NOT_NULL(test, in);
		for (i = 0; i < out_len; i++)
			out[i] = req_byte(txk->added, i);
		sg_init_one(&r, out, out_len);
		sg_init_one(&w, in, REQ_IN);
		KUNIT_ASSERT_EQ(test, 0, virtqueue_add_sgs(txk->vq, sgs, 1, 1,
							   out, GFP_KERNEL));
	}
}

/*
 * From byte @pos, message @s holds @n DATA frames, whole chains of
 * @out_len readable bytes, of requests @first.. in the order the driver
 * added them. Returns the position after them.
 */
static u32 txk_check_frames(struct kunit *test, const struct txk_send *s,
			    u32 pos, unsigned int first, unsigned int n,
			    u32 out_len)
{
	unsigned int k;
	u32 i;

	for (k = first; k < first + n; k++) {
		struct va_data_frame f;

		KUNIT_ASSERT_LE(test, pos + sizeof(f) + out_len, s->len);
		memcpy(&f, s->data + pos, sizeof(f));
		KUNIT_EXPECT_EQ(test, f.hdr.type, 0);
		KUNIT_EXPECT_EQ(test, f.hdr.msg_id, VIRTIO_ARGO_MSG_DATA);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(f.hdr.dev_num), DEV_NUM);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(f.hdr.msg_size),
				VIRTIO_ARGO_DATA_HDR_LEN + out_len);
		KUNIT_EXPECT_EQ(test, le16_to_cpu(f.vq), 0);
		KUNIT_EXPECT_LT(test, le16_to_cpu(f.chain), QSIZE);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(f.epoch), EPOCH);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(f.out_len), out_len);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(f.in_len), REQ_IN);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(f.offset), 0);
		pos += sizeof(f);
		for (i = 0; i < out_len; i++) {
			if (s->data[pos + i] != req_byte(k, i)) {
				KUNIT_FAIL(test, "request %u byte %u: %#x, not %#x",
					   k, i, s->data[pos + i],
					   req_byte(k, i));
				break;
			}
		}
		pos += out_len;
	}
	return pos;
}

static int txk_init(struct kunit *test)
{
	struct txk *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct va_bus *bus;
	struct va_vdev *vd;

	KUNIT_ASSERT_NOT_NULL(test, t);
	txk = t;
	t->test = test;
	va_wq = system_wq;

	bus = kunit_kzalloc(test, sizeof(*bus), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bus);
	bus->be_domid = BE_DOMID;
	bus->be_port = BE_PORT;
	bus->ring = &t->ring;
	bus->state = VA_CONNECTED;
	bus->peer_max_msg = MAX_MSG;
	bus->max_chain = 1U << 20;
	spin_lock_init(&bus->tx_lock);
	INIT_LIST_HEAD(&bus->tx_ctrl);
	INIT_LIST_HEAD(&bus->tx_vqs);
	INIT_WORK(&bus->tx_work, txk_work);
	INIT_WORK(&bus->rx_work, txk_work);
	bus->bounce = kunit_kzalloc(test, VA_TX_BOUNCE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bus->bounce);
	t->bus = bus;

	vd = kunit_kzalloc(test, sizeof(*vd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vd);
	vd->bus = bus;
	vd->num = DEV_NUM;
	vd->vdev.features = BIT_ULL(VIRTIO_F_VERSION_1);
	vd->vdev.dev.init_name = "va-txk-dev";
	spin_lock_init(&vd->vdev.config_lock);
	spin_lock_init(&vd->vdev.vqs_list_lock);
	INIT_LIST_HEAD(&vd->vdev.vqs);
	vd->nvqs = 1;
	vd->vqs = kunit_kcalloc(test, 1, sizeof(*vd->vqs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vd->vqs);
	t->vd = vd;

	t->vq = vring_create_virtqueue(0, QSIZE, PAGE_SIZE, &vd->vdev, true,
				       false, false, txk_notify, txk_callback,
				       "va-txk");
	KUNIT_ASSERT_NOT_NULL(test, t->vq);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, txk_del_vq,
							   t->vq));
	t->vvq.vq = t->vq;
	t->vvq.vd = vd;
	t->vvq.num = QSIZE;
	t->vvq.epoch = EPOCH;
	INIT_LIST_HEAD(&t->vvq.tx_node);
	INIT_LIST_HEAD(&t->vvq.cb_node);
	t->vvq.chains = kunit_kcalloc(test, QSIZE, sizeof(struct va_chain),
				      GFP_KERNEL);
	t->vvq.resend = kunit_kcalloc(test, BITS_TO_LONGS(QSIZE),
				      sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->vvq.chains);
	KUNIT_ASSERT_NOT_NULL(test, t->vvq.resend);
	vd->vqs[0] = &t->vvq;
	return 0;
}

static void txk_exit(struct kunit *test)
{
	cancel_work_sync(&txk->bus->tx_work);
	cancel_work_sync(&txk->bus->rx_work);
	KUNIT_EXPECT_EQ(test, txk->lost + txk->broken, 0U);
	txk = NULL;
}

/* ---- The tests ---- */

/*
 * Small requests are copied, frame after frame, into one iovec: twenty
 * block requests are one message of one iovec, not five messages of two
 * iovecs a request.
 */
static void va_tx_small_frames_test(struct kunit *test)
{
	struct txk_send *s = &txk->sends[0];

	txk_add_reqs(test, 20, REQ_OUT);
	KUNIT_EXPECT_TRUE(test, va_tx_kick_vq(&txk->vvq));

	KUNIT_ASSERT_EQ(test, txk->nsends, 1U);
	KUNIT_EXPECT_EQ(test, s->niov, 1U);
	KUNIT_EXPECT_EQ(test, s->len, 20U * FRAME);
	KUNIT_EXPECT_EQ(test, txk_check_frames(test, s, 0, 0, 20, REQ_OUT),
			s->len);
	KUNIT_EXPECT_EQ(test, atomic64_read(&txk->bus->stats.chains), 20);
	KUNIT_EXPECT_EQ(test, atomic64_read(&txk->bus->stats.tx_copied),
			20 * REQ_OUT);
	KUNIT_EXPECT_EQ(test, txk->vvq.last_avail, 20);
	KUNIT_EXPECT_TRUE(test, txk->vvq.chains[0].out_done);
}

/* A message holds at most VA_TX_CHAINS frames; the rest go in the next. */
static void va_tx_frame_limit_test(struct kunit *test)
{
	txk_add_reqs(test, VA_TX_CHAINS + 6, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);

	KUNIT_ASSERT_EQ(test, txk->nsends, 2U);
	KUNIT_EXPECT_EQ(test, txk->sends[0].len, VA_TX_CHAINS * FRAME);
	txk_check_frames(test, &txk->sends[0], 0, 0, VA_TX_CHAINS, REQ_OUT);
	KUNIT_EXPECT_EQ(test, txk->sends[1].len, 6U * FRAME);
	txk_check_frames(test, &txk->sends[1], 0, VA_TX_CHAINS, 6, REQ_OUT);
}

/* ... and no more than the back-end's max_msg. */
static void va_tx_max_msg_test(struct kunit *test)
{
	txk->bus->peer_max_msg = 3 * FRAME + FRAME / 2;
	txk_add_reqs(test, 7, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);

	KUNIT_ASSERT_EQ(test, txk->nsends, 3U);
	KUNIT_EXPECT_EQ(test, txk->sends[0].len, 3U * FRAME);
	KUNIT_EXPECT_EQ(test, txk->sends[1].len, 3U * FRAME);
	KUNIT_EXPECT_EQ(test, txk->sends[2].len, 1U * FRAME);
	txk_check_frames(test, &txk->sends[2], 0, 6, 1, REQ_OUT);
}

/*
 * A large chain goes in place (its frame header, then its bytes) between
 * small ones, which do not share an iovec across it.
 */
static void va_tx_mixed_test(struct kunit *test)
{
	struct txk_send *s = &txk->sends[0];
	u32 pos;

	txk_add_reqs(test, 1, REQ_OUT);
	txk_add_reqs(test, 1, 4096);
	txk_add_reqs(test, 2, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);

	KUNIT_ASSERT_EQ(test, txk->nsends, 1U);
	KUNIT_EXPECT_EQ(test, s->niov, 4U);
	pos = txk_check_frames(test, s, 0, 0, 1, REQ_OUT);
	pos = txk_check_frames(test, s, pos, 1, 1, 4096);
	pos = txk_check_frames(test, s, pos, 2, 2, REQ_OUT);
	KUNIT_EXPECT_EQ(test, pos, s->len);
	KUNIT_EXPECT_EQ(test, atomic64_read(&txk->bus->stats.tx_copied),
			3 * REQ_OUT);
}

/*
 * A full back-end ring: the message is kept as built, the bytes copied
 * into it included, and sent again whole before anything newer.
 */
static void va_tx_eagain_test(struct kunit *test)
{
	txk->send_ret = -EAGAIN;
	txk_add_reqs(test, 3, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);
	KUNIT_EXPECT_EQ(test, txk->nsends, 0U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&txk->bus->stats.tx_eagain), 1);
	KUNIT_EXPECT_FALSE(test, txk->vvq.chains[0].out_done);

	/* Chains made available meanwhile wait for the kept message. */
	txk_add_reqs(test, 2, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);
	KUNIT_ASSERT_EQ(test, txk->nsends, 2U);
	KUNIT_EXPECT_EQ(test, txk->sends[0].len, 3U * FRAME);
	txk_check_frames(test, &txk->sends[0], 0, 0, 3, REQ_OUT);
	txk_check_frames(test, &txk->sends[1], 0, 3, 2, REQ_OUT);
	KUNIT_EXPECT_TRUE(test, txk->vvq.chains[0].out_done);
}

/* Complete the oldest @n chains at the device, as the receive path does. */
static void txk_complete(unsigned int n)
{
	while (n--)
		va_vring_used(&txk->vvq, 0, 0);
}

/*
 * With VA_TX_BUSY_CHAINS chains at the device, a kick leaves the chain to
 * the next completion's va_tx_flush(); with one fewer it sends at once.
 */
static void va_tx_busy_test(struct kunit *test)
{
	txk_add_reqs(test, VA_TX_BUSY_CHAINS, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);
	KUNIT_ASSERT_EQ(test, txk->nsends, 1U);

	txk_add_reqs(test, 2, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);
	KUNIT_EXPECT_EQ(test, txk->nsends, 1U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&txk->bus->stats.tx_deferred), 1);
	KUNIT_EXPECT_EQ(test, txk->work, 0U);

	va_tx_flush(txk->bus);
	KUNIT_ASSERT_EQ(test, txk->nsends, 2U);
	txk_check_frames(test, &txk->sends[1], 0, VA_TX_BUSY_CHAINS, 2,
			 REQ_OUT);

	/* Completions bring it below the mark: the next kick sends. */
	txk_complete(3);
	txk_add_reqs(test, 1, REQ_OUT);
	va_tx_kick_vq(&txk->vvq);
	KUNIT_EXPECT_EQ(test, txk->nsends, 3U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&txk->bus->stats.tx_deferred), 1);

	/* Nothing waiting: a flush sends nothing. */
	va_tx_flush(txk->bus);
	KUNIT_EXPECT_EQ(test, txk->nsends, 3U);
}

static struct kunit_case va_tx_cases[] = {
	KUNIT_CASE(va_tx_small_frames_test),
	KUNIT_CASE(va_tx_frame_limit_test),
	KUNIT_CASE(va_tx_max_msg_test),
	KUNIT_CASE(va_tx_mixed_test),
	KUNIT_CASE(va_tx_eagain_test),
	KUNIT_CASE(va_tx_busy_test),
	{}
};

static struct kunit_suite va_tx_suite = {
	.name = "virtio_argo_tx",
	.init = txk_init,
	.exit = txk_exit,
	.test_cases = va_tx_cases,
};

kunit_test_suite(va_tx_suite);

MODULE_DESCRIPTION("KUnit tests for the virtio-argo send path");
MODULE_LICENSE("GPL");
