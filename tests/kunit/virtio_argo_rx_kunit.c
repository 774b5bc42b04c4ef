// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the receive path of the virtio-argo front-end,
 * drivers/virtio/virtio_argo_rx.c: what it does with every message the
 * (untrusted) back-end can send. va_rx_msg() splits an Argo message into
 * frames and dispatches them; va_rx_data() applies DATA responses to the
 * chains of a real split virtqueue of the virtio core, as in
 * virtio_argo_vring_kunit.c: the test plays the driver with
 * virtqueue_add_sgs() and virtqueue_get_buf(), the code under test plays
 * the device.
 *
 * The files under test are #included (rx, vring, dma, wire). What they call
 * in the transport's other files (bus, vdev, tx) and in xen-argo is faked
 * here: each fake records what it was called with, so that the tests can
 * assert the outcome the specification gives for each hostile message
 * (Documentation/virtio/virtio-argo.rst, "Framing" and "Validation";
 * Documentation/virtio/virtio-argo-driver.rst, "Failures"). The expected
 * values are written by hand from those documents. The fake Argo ring is a
 * flat buffer holding the messages' payloads; argo_msg_read() keeps the
 * real one's contract (-EINVAL for a range beyond the message).
 *
 * Every buffer of a chain has guard bytes on both sides, and the writable
 * buffers start filled with a known byte: a response must land in the
 * writable buffers only, never in the readable ones or around them.
 *
 * The included files are also built into the kernel by the other suites
 * (virtio_argo_wire_kunit.c, virtio_argo_vring_kunit.c), so their global
 * symbols, and the fakes', get names of this file's own.
 */
#define va_rx_work		va_rxk_rx_work
#define va_data_ready		va_rxk_data_ready
#define va_rx_poll_vq		va_rxk_rx_poll_vq
#define va_cb_forget		va_rxk_cb_forget
#define va_chain_lengths	va_rxk_chain_lengths
#define va_chain_out_iov	va_rxk_chain_out_iov
#define va_chain_out_copy	va_rxk_chain_out_copy
#define va_chain_write		va_rxk_chain_write
#define va_chain_write_buf	va_rxk_chain_write_buf
#define va_cb_defer		va_rxk_cb_defer
#define va_vring_avail		va_rxk_vring_avail
#define va_vring_peek		va_rxk_vring_peek
#define va_vring_used		va_rxk_vring_used
#define va_vring_need_irq	va_rxk_vring_need_irq
#define va_dma_ops		va_rxk_dma_ops
#define va_dma_to_virt		va_rxk_dma_to_virt
#define va_hdr_init		va_rxk_hdr_init
#define va_check_hello_resp	va_rxk_check_hello_resp
#define va_check_device_info	va_rxk_check_device_info
#define va_check_get_devices_resp va_rxk_check_get_devices_resp
#define va_check_data_resp	va_rxk_check_data_resp
#define va_check_event_config	va_rxk_check_event_config
#define argo_msg_read		va_rxk_argo_msg_read
#define argo_ring_recv		va_rxk_argo_ring_recv
#define argo_poll		va_rxk_argo_poll
#define va_ctrl_response	va_rxk_ctrl_response
#define va_bus_lost		va_rxk_bus_lost
#define va_bus_event_device	va_rxk_bus_event_device
#define va_bus_kick		va_rxk_bus_kick
#define va_vdev_get		va_rxk_vdev_get
#define va_vdev_put		va_rxk_vdev_put
#define va_vdev_broken		va_rxk_vdev_broken
#define va_vdev_config_event	va_rxk_vdev_config_event
#define va_tx_post_oneway	va_rxk_tx_post_oneway
#define va_tx_run		va_rxk_tx_run
#define va_tx_flush		va_rxk_tx_flush
#define va_tx_quiesce_pending	va_rxk_tx_quiesce_pending
#define va_wq			va_rxk_wq
#define va_poll_ms		va_rxk_poll_ms

#include <kunit/test.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "../../drivers/virtio/virtio_argo_wire.c"
#include "../../drivers/virtio/virtio_argo_dma.c"
#include "../../drivers/virtio/virtio_argo_vring.c"
#include "../../drivers/virtio/virtio_argo_rx.c"

/* The back-end of the test's bus, and the device it offers. */
#define BE_DOMID	7
#define BE_PORT		30000
#define DEV_NUM		1
#define QSIZE		8
#define EPOCH		5
#define CONFIG_SIZE	16

/* Reasons the code under test gives, as the driver documents them. */
#define R_FRAMING	"framing error"
#define R_GOODBYE	"back-end said goodbye"
#define R_CORRUPT	"receive ring is corrupt"
#define R_NO_QUEUE	"DATA response for a queue not set up"
#define R_NOT_FLIGHT	"DATA response for a chain not in flight"
#define R_NOT_SENT	"DATA response before the request was sent"
#define R_REFUSED	"back-end refused a chain"
#define R_OVERRUN	"response larger than the writable buffers"
#define R_REFUSE_DATA	"refusal with data"
#define R_REFUSE_LATE	"refusal after data"
#define R_USED_BIG	"used length beyond the writable buffers"
#define R_USED_CHANGED	"used length changed between fragments"
#define R_ORDER		"fragment out of order"
#define R_BEYOND	"fragment beyond the used length"
#define R_EMPTY		"empty fragment"

/* Guard bytes around every buffer; what writable buffers hold at first. */
#define GUARD		16
#define GUARD_BYTE	0xa5
#define FRESH_BYTE	0xee

/* The written bytes a back-end sends: byte i of the writable area. */
static u8 resp_byte(u32 i)
{
	return 0x30 + i % 199;
}

/* The fake Argo ring: messages' payloads in one flat buffer. */
#define RING_BYTES	(64 * 1024)
#define MAX_MSGS	8

struct argo_ring {
	u8 *data;
	u32 end;		/* bytes used */
	struct argo_msg msgs[MAX_MSGS];
	unsigned int nmsgs;
	unsigned int next;	/* next message argo_ring_recv() hands out */
	int recv_ret;		/* if non-zero, what argo_ring_recv() returns */
};

/* A buffer of a chain, with guards on both sides. */
struct rxk_buf {
	u8 *mem;
	u8 *p;
	u32 len;
	bool write;
};

#define CHAIN_BUFS	4

/* Readable "hello " + "virtio-argo", writable 8 + 100 bytes. */
static const u32 chain_lens[CHAIN_BUFS] = { 6, 11, 8, 100 };
#define CHAIN_OUT	17
#define CHAIN_IN	108

struct rxk_chain {
	struct rxk_buf b[CHAIN_BUFS];
	unsigned int nbufs;
	u16 head;
	int token;
};

/* Everything the fakes were called with. */
struct rxk_rec {
	unsigned int lost;
	const char *lost_why;
	unsigned int broken;
	const char *broken_why;
	unsigned int ctrl;
	u8 ctrl_frame[VA_CTRL_FRAME_MAX];
	u32 ctrl_size;
	unsigned int dev_events;
	u16 ev_num, ev_state;
	unsigned int kicks;
	unsigned int oneway;
	u8 oneway_frame[64];
	u32 oneway_len;
	unsigned int cfg_events;
	u32 cfg_offset, cfg_length, cfg_len;
	u8 cfg_data[CONFIG_SIZE];
	unsigned int callbacks;
	unsigned int tx_runs;
	/* va_tx_flush(): calls, and the messages and callbacks before */
	unsigned int flushes;
	unsigned int flush_next;
	unsigned int flush_callbacks;
};

struct rxk {
	struct kunit *test;
	struct va_bus *bus;
	struct va_vdev *vd;
	struct va_vq vvq;
	struct virtqueue *vq;
	bool vd_gone;		/* va_vdev_get() finds no device */
	struct argo_ring ring;
	struct rxk_chain ch;	/* in flight on queue 0 as chain 0 */
	struct rxk_rec rec;
};

static struct rxk *rxk;

/* ---- Fakes of xen-argo ---- */

int argo_msg_read(const struct argo_ring *ring, const struct argo_msg *msg,
		  u32 off, void *buf, u32 count)
{
	if ((u64)off + count > msg->len)
		return -EINVAL;
	memcpy(buf, ring->data + msg->rx + off, count);
	return 0;
}

int argo_ring_recv(struct argo_ring *ring, argo_recv_fn fn, void *arg,
		   unsigned int budget)
{
	unsigned int done = 0;

	if (ring->recv_ret)
		return ring->recv_ret;
	while (done < budget && ring->next < ring->nmsgs) {
		int ret = fn(ring, &ring->msgs[ring->next], arg);

		if (ret < 0 || ret == ARGO_RECV_KEEP)
			return ret < 0 ? ret : done;
		ring->next++;
		done++;
		if (ret == ARGO_RECV_STOP)
			break;
	}
	return done;
}

void argo_poll(void)
{
}

/* ---- Fakes of the transport's other files ---- */

struct workqueue_struct *va_wq;
unsigned int va_poll_ms;

void va_ctrl_response(struct va_bus *bus, const void *frame, u32 size)
{
	rxk->rec.ctrl++;
	rxk->rec.ctrl_size = size;
	memcpy(rxk->rec.ctrl_frame, frame,
	       min_t(u32, size, sizeof(rxk->rec.ctrl_frame)));
}

void va_bus_lost(struct va_bus *bus, const char *why)
{
	rxk->rec.lost++;
	rxk->rec.lost_why = why;
}

void va_bus_event_device(struct va_bus *bus, u16 num, u16 state)
{
	rxk->rec.dev_events++;
	rxk->rec.ev_num = num;
	rxk->rec.ev_state = state;
}

void va_bus_kick(struct va_bus *bus)
{
	rxk->rec.kicks++;
}

struct va_vdev *va_vdev_get(struct va_bus *bus, u16 num)
{
	if (num != DEV_NUM || rxk->vd_gone)
		return NULL;
	refcount_inc(&rxk->vd->ref);
	return rxk->vd;
}

void va_vdev_put(struct va_vdev *vd)
{
	/* The test holds the first reference: it never drops to 0 here. */
	KUNIT_EXPECT_FALSE(rxk->test, refcount_dec_and_test(&vd->ref));
}

/* As the real one: the first reason wins, the device stays broken. */
void va_vdev_broken(struct va_vdev *vd, const char *why)
{
	rxk->rec.broken++;
	if (vd->broken)
		return;
	vd->broken = true;
	rxk->rec.broken_why = why;
}

void va_vdev_config_event(struct va_vdev *vd,
			  const struct virtio_argo_event_config *ev,
			  const u8 *data, u32 len)
{
	rxk->rec.cfg_events++;
	rxk->rec.cfg_offset = le32_to_cpu(ev->offset);
	rxk->rec.cfg_length = le32_to_cpu(ev->length);
	rxk->rec.cfg_len = len;
	memcpy(rxk->rec.cfg_data, data, min_t(u32, len, CONFIG_SIZE));
}

int va_tx_post_oneway(struct va_bus *bus, const void *frame, u32 len)
{
	rxk->rec.oneway++;
	rxk->rec.oneway_len = len;
	memcpy(rxk->rec.oneway_frame, frame,
	       min_t(u32, len, sizeof(rxk->rec.oneway_frame)));
	return 0;
}

void va_tx_run(struct va_bus *bus, unsigned int budget)
{
	rxk->rec.tx_runs++;
}

void va_tx_flush(struct va_bus *bus)
{
	rxk->rec.flushes++;
	rxk->rec.flush_next = rxk->ring.next;
	rxk->rec.flush_callbacks = rxk->rec.callbacks;
}

void va_tx_quiesce_pending(struct va_vdev *vd)
{
}

/* ---- The driver's side: a virtio device with one real virtqueue ---- */

static bool rxk_notify(struct virtqueue *vq)
{
	return true;
}

static void rxk_callback(struct virtqueue *vq)
{
	rxk->rec.callbacks++;
}

static void rxk_del_vq(void *vq)
{
	vring_del_virtqueue(vq);
}

static void rxk_buf_init(struct kunit *test, struct rxk_buf *b, u32 len,
			 bool write, u8 seed)
{
	u32 i;

	b->mem = kunit_kmalloc(test, len + 2 * GUARD, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b->mem);
	memset(b->mem, GUARD_BYTE, len + 2 * GUARD);
	b->p = b->mem + GUARD;
	b->len = len;
	b->write = write;
	for (i = 0; i < len; i++)
		b->p[i] = write ? FRESH_BYTE : (u8)(seed + i);
}

/*
 * Add a chain with the driver's API, then take it as the transport's send
 * path does (virtio_argo_tx.c, va_tx_next_chain() and the sent message):
 * in flight, lengths from its own descriptors, last fragment sent.
 */
static void rxk_add_chain(struct kunit *test, struct rxk_chain *ch,
			  const u32 *lens, unsigned int n_out,
			  unsigned int n_in)
{
	struct scatterlist sg[CHAIN_BUFS], *sgs[CHAIN_BUFS];
	struct va_vq *vvq = &rxk->vvq;
	struct va_chain *c;
	u32 out_len, in_len;
	unsigned int i;

	ch->nbufs = n_out + n_in;
	for (i = 0; i < ch->nbufs; i++) {
		rxk_buf_init(test, &ch->b[i], lens[i], i >= n_out,
			     0x61 + 16 * i);
		sg_init_one(&sg[i], ch->b[i].p, lens[i]);
		sgs[i] = &sg[i];
	}
	KUNIT_ASSERT_EQ(test, 0, virtqueue_add_sgs(rxk->vq, sgs, n_out, n_in,
						   &ch->token, GFP_KERNEL));
	KUNIT_ASSERT_TRUE(test, va_vring_avail(vvq, &ch->head));
	KUNIT_ASSERT_LT(test, ch->head, QSIZE);
	KUNIT_ASSERT_EQ(test, 0, va_chain_lengths(vvq, ch->head, &out_len,
						  &in_len));
	c = &vvq->chains[ch->head];
	*c = (struct va_chain){ .out_len = out_len, .in_len = in_len };
	if (!in_len)
		atomic_inc(&vvq->ro_inflight);
	c->in_flight = true;
	c->out_done = true;
}

/*
 * The chain's buffers: guards intact, readable ones as the driver wrote
 * them, the first @written bytes of the writable area (across buffers) as
 * the back-end sent them and the rest untouched.
 */
static void rxk_check_chain(struct kunit *test, const struct rxk_chain *ch,
			    u32 written)
{
	u32 i, w = 0;
	unsigned int k;

	for (k = 0; k < ch->nbufs; k++) {
		const struct rxk_buf *b = &ch->b[k];

		for (i = 0; i < GUARD; i++) {
			if (b->mem[i] != GUARD_BYTE ||
			    b->p[b->len + i] != GUARD_BYTE) {
				KUNIT_FAIL(test, "buffer %u: guard %u written", k,
					   i);
				return;
			}
		}
		for (i = 0; i < b->len; i++) {
			u8 want;

			if (!b->write)
				want = 0x61 + 16 * k + i;
			else if (w < written)
				want = resp_byte(w++);
			else
				want = FRESH_BYTE;
			if (b->p[i] != want) {
				KUNIT_FAIL(test, "buffer %u byte %u: %#x, not %#x",
					   k, i, b->p[i], want);
				return;
			}
		}
	}
	KUNIT_EXPECT_EQ(test, w, written);
}

static int rxk_init(struct kunit *test)
{
	struct rxk *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct va_bus *bus;
	struct va_vdev *vd;

	KUNIT_ASSERT_NOT_NULL(test, t);
	rxk = t;
	test->priv = t;
	t->test = test;

	bus = kunit_kzalloc(test, sizeof(*bus), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bus);
	bus->dev.init_name = "va-rxk-bus";
	bus->be_domid = BE_DOMID;
	bus->be_port = BE_PORT;
	bus->ring = &t->ring;
	bus->state = VA_CONNECTED;
	spin_lock_init(&bus->lock);
	spin_lock_init(&bus->tx_lock);
	spin_lock_init(&bus->cb_lock);
	INIT_LIST_HEAD(&bus->cb_list);
	INIT_LIST_HEAD(&bus->tx_ctrl);
	INIT_LIST_HEAD(&bus->tx_vqs);
	INIT_LIST_HEAD(&bus->ctrl_wait);
	bus->rx_frame = kunit_kzalloc(test, VA_CTRL_FRAME_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bus->rx_frame);
	t->bus = bus;

	t->ring.data = kunit_kzalloc(test, RING_BYTES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->ring.data);

	/* Device 1: queue 0 set up (epoch 5), queue 1 not. */
	vd = kunit_kzalloc(test, sizeof(*vd), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vd);
	vd->bus = bus;
	vd->num = DEV_NUM;
	refcount_set(&vd->ref, 1);
	vd->info.config_size = CONFIG_SIZE;
	spin_lock_init(&vd->cfg_lock);
	spin_lock_init(&vd->cb_lock);
	vd->nvqs = 2;
	vd->vqs = kunit_kcalloc(test, 2, sizeof(*vd->vqs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vd->vqs);
	vd->vdev.features = BIT_ULL(VIRTIO_F_VERSION_1);
	vd->vdev.dev.init_name = "va-rxk-dev";
	spin_lock_init(&vd->vdev.config_lock);
	spin_lock_init(&vd->vdev.vqs_list_lock);
	INIT_LIST_HEAD(&vd->vdev.vqs);
	t->vd = vd;

	t->vq = vring_create_virtqueue(0, QSIZE, PAGE_SIZE, &vd->vdev, true,
				       false, false, rxk_notify, rxk_callback,
				       "va-rxk");
	KUNIT_ASSERT_NOT_NULL(test, t->vq);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rxk_del_vq,
							   t->vq));
	t->vvq.vq = t->vq;
	t->vvq.vd = vd;
	t->vvq.index = 0;
	t->vvq.num = QSIZE;
	t->vvq.epoch = EPOCH;
	INIT_LIST_HEAD(&t->vvq.tx_node);
	INIT_LIST_HEAD(&t->vvq.cb_node);
	t->vvq.chains = kunit_kcalloc(test, QSIZE, sizeof(struct va_chain),
				      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->vvq.chains);
	vd->vqs[0] = &t->vvq;

	/* The first chain of a fresh queue has head 0. */
	rxk_add_chain(test, &t->ch, chain_lens, 2, 2);
	KUNIT_ASSERT_EQ(test, t->ch.head, 0);
	return 0;
}

static void rxk_exit(struct kunit *test)
{
	/* Every reference the receive path took, it gave back. */
	KUNIT_EXPECT_EQ(test, refcount_read(&rxk->vd->ref), 1);
	rxk = NULL;
}

/* ---- Building messages in the fake ring ---- */

static struct argo_msg *rxk_msg_from(u16 domid, u32 port, u32 type)
{
	struct argo_ring *r = &rxk->ring;
	struct argo_msg *m;

	KUNIT_ASSERT_LT(rxk->test, r->nmsgs, MAX_MSGS);
	m = &r->msgs[r->nmsgs++];
	*m = (struct argo_msg){
		.src_domid = domid, .src_port = port, .type = type,
		.rx = ALIGN(r->end, 16),
	};
	r->end = m->rx;
	return m;
}

static struct argo_msg *rxk_msg(void)
{
	return rxk_msg_from(BE_DOMID, BE_PORT, VIRTIO_ARGO_ARGO_TYPE);
}

static void rxk_put(struct argo_msg *m, const void *p, u32 n)
{
	struct argo_ring *r = &rxk->ring;

	KUNIT_ASSERT_LE(rxk->test, (u64)m->rx + m->len + n, RING_BYTES);
	memcpy(r->data + m->rx + m->len, p, n);
	m->len += n;
	r->end = m->rx + m->len;
}

/* A frame whose header says @size; @plen payload bytes follow it. */
static void rxk_frame(struct argo_msg *m, u8 type, u8 msg_id, u16 dev_num,
		      u16 token, u32 size, const void *payload, u32 plen)
{
	struct virtio_argo_hdr h = {
		.type = type, .msg_id = msg_id,
		.dev_num = cpu_to_le16(dev_num), .token = cpu_to_le16(token),
		.msg_size = cpu_to_le16(size),
	};

	rxk_put(m, &h, sizeof(h));
	if (plen)
		rxk_put(m, payload, plen);
}

/* A bus event or request of 12 bytes with a le32 (PING, GOODBYE). */
static void rxk_bus32(struct argo_msg *m, u8 type, u8 msg_id, u16 dev_num,
		      u16 token, u32 val)
{
	__le32 v = cpu_to_le32(val);

	rxk_frame(m, type, msg_id, dev_num, token, 12, &v, 4);
}

struct rxk_data {
	u16 dev, vq, chain;
	u32 epoch, used_len, status, offset;
	u32 n;		/* data bytes: resp_byte(offset + i) */
	u32 size;	/* msg_size if not 32 + n; fewer bytes are put */
};

static void rxk_data_frame(struct argo_msg *m, const struct rxk_data *d)
{
	u32 size = d->size ? d->size : VIRTIO_ARGO_DATA_HDR_LEN + d->n;
	struct {
		struct virtio_argo_hdr h;
		struct virtio_argo_data_resp r;
	} __packed f = {
		.h = {
			.type = VIRTIO_ARGO_TYPE_RESPONSE,
			.msg_id = VIRTIO_ARGO_MSG_DATA,
			.dev_num = cpu_to_le16(d->dev),
			.msg_size = cpu_to_le16(size),
		},
		.r = {
			.vq = cpu_to_le16(d->vq),
			.chain = cpu_to_le16(d->chain),
			.epoch = cpu_to_le32(d->epoch),
			.used_len = cpu_to_le32(d->used_len),
			.status = cpu_to_le32(d->status),
			.offset = cpu_to_le32(d->offset),
		},
	};
	u32 i;

	rxk_put(m, &f, min_t(u32, size, sizeof(f)));
	for (i = 0; size > sizeof(f) && i < size - sizeof(f); i++) {
		u8 b = resp_byte(d->offset + i);

		rxk_put(m, &b, 1);
	}
}

/* A valid fragment of chain 0 of queue 0. */
static void rxk_frag(struct argo_msg *m, u32 used_len, u32 offset, u32 n)
{
	struct rxk_data d = {
		.dev = DEV_NUM, .vq = 0, .chain = 0, .epoch = EPOCH,
		.used_len = used_len, .offset = offset, .n = n,
	};

	rxk_data_frame(m, &d);
}

/* Hand one message to the receive path, as argo_ring_recv() would. */
static void rxk_deliver(struct argo_msg *m)
{
	KUNIT_EXPECT_EQ(rxk->test, va_rx_msg(&rxk->ring, m, rxk->bus),
			(int)ARGO_RECV_NEXT);
}

static u64 rxk_stat(atomic64_t *v)
{
	return atomic64_read(v);
}

static u16 rxk_used_idx(void)
{
	const struct vring *vr = virtqueue_get_vring(rxk->vq);

	return virtio16_to_cpu(&rxk->vd->vdev, vr->used->idx);
}

/* Nothing of the chain changed: in flight, not used, buffers fresh. */
static void rxk_expect_untouched(struct kunit *test, u32 written)
{
	KUNIT_EXPECT_TRUE(test, rxk->vvq.chains[0].in_flight);
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 0);
	KUNIT_EXPECT_EQ(test, rxk->vvq.used_idx, 0);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.completions), 0ULL);
	KUNIT_EXPECT_FALSE(test, rxk->vvq.cb_pending);
	KUNIT_EXPECT_TRUE(test, list_empty(&rxk->bus->cb_list));
	rxk_check_chain(test, &rxk->ch, written);
}

/* ---- Messages dropped before any frame is looked at ---- */

struct foreign_case {
	const char *desc;
	u16 domid;
	u32 port, type;
	u32 len;	/* 0: a whole GOODBYE frame */
};

static const struct foreign_case foreign_cases[] = {
	{ "another domain", 8, BE_PORT, VIRTIO_ARGO_ARGO_TYPE },
	{ "domain 0", 0, BE_PORT, VIRTIO_ARGO_ARGO_TYPE },
	{ "another port", BE_DOMID, BE_PORT + 1, VIRTIO_ARGO_ARGO_TYPE },
	{ "the front-end's own port", BE_DOMID, VA_FE_PORT_BASE,
	  VIRTIO_ARGO_ARGO_TYPE },
	{ "another Argo type", BE_DOMID, BE_PORT, 0 },
	{ "Argo type off by one", BE_DOMID, BE_PORT,
	  VIRTIO_ARGO_ARGO_TYPE + 1 },
	{ "1 byte", BE_DOMID, BE_PORT, VIRTIO_ARGO_ARGO_TYPE, 1 },
	{ "7 bytes", BE_DOMID, BE_PORT, VIRTIO_ARGO_ARGO_TYPE, 7 },
};

KUNIT_ARRAY_PARAM_DESC(foreign, foreign_cases, desc);

/*
 * Spec, "Argo messages": a receiver MUST drop, without reply, a message of
 * another type, from another domain or port, or shorter than 8 bytes. The
 * message holds a GOODBYE, which would end the connection if looked at.
 */
static void va_rx_foreign_test(struct kunit *test)
{
	const struct foreign_case *c = test->param_value;
	struct argo_msg *m = rxk_msg_from(c->domid, c->port, c->type);

	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_GOODBYE, 0, 0, 0);
	if (c->len)
		m->len = c->len;
	rxk_deliver(m);

	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 1ULL);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.rx_msgs), 0ULL);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 0U);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl, 0U);
}

/* Spec: zero-length messages are ignored (not a framing error). */
static void va_rx_empty_test(struct kunit *test)
{
	rxk_deliver(rxk_msg());
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway + rxk->rec.ctrl, 0U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.rx_msgs), 1ULL);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 0ULL);
}

/* ---- Framing errors ---- */

enum { BAD_SIZE, BAD_TAIL };

struct framing_case {
	const char *desc;
	u8 kind;
	u32 val;	/* BAD_SIZE: the msg_size; BAD_TAIL: bytes left */
	u32 after;	/* BAD_SIZE: bytes put after the header */
};

static const struct framing_case framing_cases[] = {
	{ "msg_size 0", BAD_SIZE, 0, 24 },
	{ "msg_size 1", BAD_SIZE, 1, 24 },
	{ "msg_size 7", BAD_SIZE, 7, 24 },
	{ "msg_size one past the message", BAD_SIZE, 8 + 4 + 1, 4 },
	{ "msg_size 12, 8 bytes left", BAD_SIZE, 12, 0 },
	{ "msg_size 65535", BAD_SIZE, 65535, 24 },
	{ "1 byte after the frames", BAD_TAIL, 1 },
	{ "7 bytes after the frames", BAD_TAIL, 7 },
};

KUNIT_ARRAY_PARAM_DESC(framing, framing_cases, desc);

/*
 * Spec, "Frame header": a frame whose msg_size is below 8 or runs past the
 * message, or fewer than 8 bytes left, is a framing error: the rest of the
 * message is discarded, the frames before it stay processed, and the
 * front-end closes the connection (driver doc: "framing error"). Here the
 * frames before it are a whole completion and a PING.
 */
static void va_rx_framing_test(struct kunit *test)
{
	const struct framing_case *c = test->param_value;
	struct argo_msg *m = rxk_msg();
	static const u8 zeros[32];
	unsigned int len = 0;

	rxk_frag(m, 20, 0, 20);
	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_PING, 0, 3, 0x1234);
	if (c->kind == BAD_SIZE)
		rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_GOODBYE, 0,
			  0, c->val, zeros, c->after);
	else
		rxk_put(m, zeros, c->val);
	rxk_deliver(m);

	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 1U);
	KUNIT_EXPECT_STREQ(test, rxk->rec.lost_why, R_FRAMING);
	/* The completion before it was applied... */
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 1);
	KUNIT_EXPECT_FALSE(test, rxk->vvq.chains[0].in_flight);
	rxk_check_chain(test, &rxk->ch, 20);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&rxk->ch.token);
	KUNIT_EXPECT_EQ(test, len, 20U);
	/* ... and the PING answered. */
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 1U);
	KUNIT_EXPECT_FALSE(test, rxk->vd->broken);
}

/* A framing error in a later message: earlier messages are unaffected. */
static void va_rx_framing_first_frame_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();
	static const u8 zeros[8];

	/* msg_size 4 in the very first frame: nothing is processed. */
	rxk_frame(m, VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_DATA, DEV_NUM,
		  0, 4, zeros, 8);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 1U);
	KUNIT_EXPECT_STREQ(test, rxk->rec.lost_why, R_FRAMING);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl + rxk->rec.oneway, 0U);
	rxk_expect_untouched(test, 0);
}

/* ---- DATA responses ---- */

/*
 * Spec, "Responses" and "Fragments": a response in two fragments, in two
 * Argo messages, is copied into the writable buffers in descriptor order
 * (8 bytes into the first, 12 into the second), the readable buffers are
 * untouched, and the chain is completed once with used length 20. The
 * driver's callback is deferred (driver doc, "Contexts") and runs from
 * va_cb_run().
 */
static void va_rx_data_complete_test(struct kunit *test)
{
	struct argo_msg *m;
	const struct vring *vr = virtqueue_get_vring(rxk->vq);
	unsigned int len = 0;

	m = rxk_msg();
	rxk_frag(m, 20, 0, 12);
	rxk_deliver(m);
	/* Not complete: nothing on the used ring, 12 bytes in place. */
	KUNIT_EXPECT_TRUE(test, rxk->vvq.chains[0].in_flight);
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 0);
	KUNIT_EXPECT_FALSE(test, rxk->vvq.cb_pending);
	rxk_check_chain(test, &rxk->ch, 12);

	m = rxk_msg();
	rxk_frag(m, 20, 12, 8);
	rxk_deliver(m);
	KUNIT_EXPECT_FALSE(test, rxk->vvq.chains[0].in_flight);
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 1);
	KUNIT_EXPECT_EQ(test, virtio32_to_cpu(&rxk->vd->vdev,
					      vr->used->ring[0].id), 0U);
	KUNIT_EXPECT_EQ(test, virtio32_to_cpu(&rxk->vd->vdev,
					      vr->used->ring[0].len), 20U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.completions), 1ULL);
	rxk_check_chain(test, &rxk->ch, 20);

	/* Deferred, not run where the completion was written. */
	KUNIT_EXPECT_TRUE(test, rxk->vvq.cb_pending);
	KUNIT_EXPECT_FALSE(test, list_empty(&rxk->bus->cb_list));
	KUNIT_EXPECT_EQ(test, rxk->rec.callbacks, 0U);
	va_cb_run(rxk->bus);
	KUNIT_EXPECT_EQ(test, rxk->rec.callbacks, 1U);
	KUNIT_EXPECT_FALSE(test, rxk->vvq.cb_pending);
	KUNIT_EXPECT_TRUE(test, list_empty(&rxk->bus->cb_list));
	va_cb_run(rxk->bus);
	KUNIT_EXPECT_EQ(test, rxk->rec.callbacks, 1U);

	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&rxk->ch.token);
	KUNIT_EXPECT_EQ(test, len, 20U);
	KUNIT_EXPECT_NULL(test, virtqueue_get_buf(rxk->vq, &len));

	/* Spec: each chain is completed exactly once. */
	m = rxk_msg();
	rxk_frag(m, 20, 12, 8);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.broken, 1U);
	KUNIT_EXPECT_STREQ(test, rxk->rec.broken_why, R_NOT_FLIGHT);
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 1);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.completions), 1ULL);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
}

/*
 * All 108 writable bytes in one fragment; then a chain the device only
 * writes, and one it only reads, completed in the same message (frames are
 * processed in order as if each came alone).
 */
static void va_rx_data_batch_test(struct kunit *test)
{
	static const u32 ro_lens[] = { 5 };
	static const u32 wo_lens[] = { 3, 4 };
	struct rxk_chain *ro = kunit_kzalloc(test, sizeof(*ro), GFP_KERNEL);
	struct rxk_chain *wo = kunit_kzalloc(test, sizeof(*wo), GFP_KERNEL);
	struct rxk_data d = { .dev = DEV_NUM, .epoch = EPOCH };
	struct argo_msg *m;
	unsigned int len;

	KUNIT_ASSERT_NOT_NULL(test, ro);
	KUNIT_ASSERT_NOT_NULL(test, wo);
	rxk_add_chain(test, ro, ro_lens, 1, 0);
	rxk_add_chain(test, wo, wo_lens, 0, 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&rxk->vvq.ro_inflight), 1);
	KUNIT_EXPECT_EQ(test, rxk->vvq.chains[ro->head].in_len, 0U);
	KUNIT_EXPECT_EQ(test, rxk->vvq.chains[wo->head].in_len, 7U);

	m = rxk_msg();
	/* The write-only chain first, then the read-only one, then 0. */
	d.chain = wo->head;
	d.used_len = 7;
	d.n = 7;
	rxk_data_frame(m, &d);
	d.chain = ro->head;
	d.used_len = 0;
	d.n = 0;
	rxk_data_frame(m, &d);
	rxk_frag(m, CHAIN_IN, 0, CHAIN_IN);
	rxk_deliver(m);

	KUNIT_EXPECT_EQ(test, rxk->rec.broken, 0U);
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 3);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.completions), 3ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&rxk->vvq.ro_inflight), 0);
	rxk_check_chain(test, wo, 7);
	rxk_check_chain(test, ro, 0);
	rxk_check_chain(test, &rxk->ch, CHAIN_IN);
	/* One deferred callback for the three. */
	va_cb_run(rxk->bus);
	KUNIT_EXPECT_EQ(test, rxk->rec.callbacks, 1U);

	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&wo->token);
	KUNIT_EXPECT_EQ(test, len, 7U);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&ro->token);
	KUNIT_EXPECT_EQ(test, len, 0U);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&rxk->ch.token);
	KUNIT_EXPECT_EQ(test, len, (unsigned int)CHAIN_IN);
}

/*
 * Spec, "Fragments": the back-end may interleave the fragments of
 * different chains; each goes into its own chain at its offset.
 */
static void va_rx_data_interleave_test(struct kunit *test)
{
	static const u32 lens[] = { 1, 30 };
	struct rxk_chain *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct rxk_data d = {
		.dev = DEV_NUM, .epoch = EPOCH, .used_len = 25, .n = 15,
	};
	struct argo_msg *m;
	unsigned int len;

	KUNIT_ASSERT_NOT_NULL(test, b);
	rxk_add_chain(test, b, lens, 1, 1);
	d.chain = b->head;

	m = rxk_msg();
	rxk_frag(m, 50, 0, 30);
	rxk_data_frame(m, &d);
	rxk_frag(m, 50, 30, 20);
	d.offset = 15;
	d.n = 10;
	rxk_data_frame(m, &d);
	rxk_deliver(m);

	KUNIT_EXPECT_EQ(test, rxk->rec.broken, 0U);
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 2);
	rxk_check_chain(test, &rxk->ch, 50);
	rxk_check_chain(test, b, 25);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&rxk->ch.token);
	KUNIT_EXPECT_EQ(test, len, 50U);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&b->token);
	KUNIT_EXPECT_EQ(test, len, 25U);
}

/* Spec, "Fragments": a response with used_len 0 is one empty fragment. */
static void va_rx_data_empty_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();
	unsigned int len = 1;

	rxk_frag(m, 0, 0, 0);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.broken, 0U);
	KUNIT_EXPECT_FALSE(test, rxk->vvq.chains[0].in_flight);
	rxk_check_chain(test, &rxk->ch, 0);
	KUNIT_EXPECT_PTR_EQ(test, virtqueue_get_buf(rxk->vq, &len),
			    (void *)&rxk->ch.token);
	KUNIT_EXPECT_EQ(test, len, 0U);
}

/*
 * A callback deferred before the device was quiesced (reset) does not run
 * (driver doc: reset stops all device-side activity synchronously).
 */
static void va_rx_cb_after_quiesce_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();

	rxk_frag(m, 4, 0, 4);
	rxk_deliver(m);
	KUNIT_EXPECT_TRUE(test, rxk->vvq.cb_pending);
	rxk->vd->quiesced = true;
	va_cb_run(rxk->bus);
	KUNIT_EXPECT_EQ(test, rxk->rec.callbacks, 0U);
	KUNIT_EXPECT_TRUE(test, list_empty(&rxk->bus->cb_list));
}

/* va_cb_forget() takes a device's queues off the deferred list. */
static void va_rx_cb_forget_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();

	rxk_frag(m, 4, 0, 4);
	rxk_deliver(m);
	KUNIT_EXPECT_TRUE(test, rxk->vvq.cb_pending);
	va_cb_forget(rxk->vd);
	KUNIT_EXPECT_FALSE(test, rxk->vvq.cb_pending);
	KUNIT_EXPECT_TRUE(test, list_empty(&rxk->bus->cb_list));
	va_cb_run(rxk->bus);
	KUNIT_EXPECT_EQ(test, rxk->rec.callbacks, 0U);
}

/* Hostile DATA responses to chain 0 (in flight, 17 + 108 bytes). */

enum outcome { DROPPED, STALE, BROKEN };

/* Before the hostile frame. */
#define PRE_FRAG	BIT(0)	/* a valid fragment: 10 of 20 bytes */
#define NOT_SENT	BIT(1)	/* the request's last fragment not sent */
#define QUIESCED	BIT(2)	/* the device is being reset */
#define WAS_BROKEN	BIT(3)	/* the device is already broken */
#define IN_LEN_LIE	BIT(4)	/* chain's in_len says 200, buffers 108 */
#define NO_DEVICE	BIT(5)	/* va_vdev_get() finds nothing */

struct hostile_case {
	const char *desc;
	unsigned int setup;
	struct rxk_data d;	/* dev 0 means DEV_NUM, epoch 0 EPOCH */
	enum outcome outcome;
	const char *why;	/* BROKEN: the reason */
	u32 written;		/* bytes of the writable area written */
};

#define D(...)	{ __VA_ARGS__ }

static const struct hostile_case hostile_cases[] = {
	{ "unknown device", 0, D(.dev = 2, .used_len = 4, .n = 4),
	  DROPPED },
	{ "device 0", 0, D(.dev = 0xffff, .used_len = 4, .n = 4), DROPPED },
	{ "device removed", NO_DEVICE, D(.used_len = 4, .n = 4), DROPPED },
	{ "frame of 31 bytes", 0, D(.used_len = 0, .size = 31), DROPPED },
	{ "frame of 8 bytes", 0, D(.used_len = 0, .size = 8), DROPPED },
	{ "queue not set up", 0, D(.vq = 1, .used_len = 4, .n = 4), BROKEN,
	  R_NO_QUEUE },
	{ "queue beyond the device's", 0, D(.vq = 2, .used_len = 4, .n = 4),
	  BROKEN, R_NO_QUEUE },
	{ "queue 0xffff", 0, D(.vq = 0xffff, .used_len = 4, .n = 4), BROKEN,
	  R_NO_QUEUE },
	{ "older epoch", 0, D(.epoch = EPOCH - 1, .used_len = 4, .n = 4),
	  STALE },
	{ "newer epoch", 0, D(.epoch = EPOCH + 1, .used_len = 4, .n = 4),
	  STALE },
	{ "older epoch, hostile fields", 0,
	  D(.epoch = 1, .chain = 0xffff, .used_len = 0xffffffff, .n = 4),
	  STALE },
	{ "chain not in flight", 0, D(.chain = 5, .used_len = 4, .n = 4),
	  BROKEN, R_NOT_FLIGHT },
	{ "chain = queue size", 0, D(.chain = QSIZE, .used_len = 4, .n = 4),
	  BROKEN, R_NOT_FLIGHT },
	{ "chain 0xffff", 0, D(.chain = 0xffff, .used_len = 4, .n = 4),
	  BROKEN, R_NOT_FLIGHT },
	{ "used_len = in_len + 1", 0, D(.used_len = CHAIN_IN + 1, .n = 4),
	  BROKEN, R_USED_BIG },
	{ "used_len = in_len + 1, all data", 0,
	  D(.used_len = CHAIN_IN + 1, .n = CHAIN_IN + 1), BROKEN, R_USED_BIG },
	{ "used_len 0xffffffff", 0, D(.used_len = 0xffffffff, .n = 4),
	  BROKEN, R_USED_BIG },
	{ "first fragment at offset 4", 0,
	  D(.used_len = 20, .offset = 4, .n = 4), BROKEN, R_ORDER },
	{ "next fragment repeats", PRE_FRAG,
	  D(.used_len = 20, .offset = 0, .n = 10), BROKEN, R_ORDER, 10 },
	{ "next fragment skips a byte", PRE_FRAG,
	  D(.used_len = 20, .offset = 11, .n = 9), BROKEN, R_ORDER, 10 },
	{ "next fragment overlaps", PRE_FRAG,
	  D(.used_len = 20, .offset = 9, .n = 11), BROKEN, R_ORDER, 10 },
	{ "offset 0xffffffff", PRE_FRAG,
	  D(.used_len = 20, .offset = 0xffffffff, .n = 4), BROKEN, R_ORDER,
	  10 },
	{ "used_len changed", PRE_FRAG,
	  D(.used_len = 30, .offset = 10, .n = 10), BROKEN, R_USED_CHANGED,
	  10 },
	{ "fragment beyond used_len", 0, D(.used_len = 10, .n = 11), BROKEN,
	  R_BEYOND },
	{ "next fragment beyond used_len", PRE_FRAG,
	  D(.used_len = 20, .offset = 10, .n = 11), BROKEN, R_BEYOND, 10 },
	{ "empty fragment", 0, D(.used_len = 4), BROKEN, R_EMPTY },
	{ "empty next fragment", PRE_FRAG, D(.used_len = 20, .offset = 10),
	  BROKEN, R_EMPTY, 10 },
	{ "refusal (STATE)", 0, D(.status = VIRTIO_ARGO_E_STATE), BROKEN,
	  R_REFUSED },
	{ "refusal (INVALID)", 0, D(.status = VIRTIO_ARGO_E_INVALID), BROKEN,
	  R_REFUSED },
	{ "refusal with data", 0,
	  D(.status = VIRTIO_ARGO_E_STATE, .n = 4), BROKEN, R_REFUSE_DATA },
	{ "refusal with used_len", 0,
	  D(.status = VIRTIO_ARGO_E_STATE, .used_len = 4), BROKEN,
	  R_REFUSE_DATA },
	{ "refusal after data", PRE_FRAG,
	  D(.status = VIRTIO_ARGO_E_STATE), BROKEN, R_REFUSE_LATE, 10 },
	{ "response before the request was sent", NOT_SENT,
	  D(.used_len = 4, .n = 4), BROKEN, R_NOT_SENT },
	{ "response overruns the buffers", IN_LEN_LIE,
	  D(.used_len = 150, .n = 150), BROKEN, R_OVERRUN, CHAIN_IN },
	{ "device quiesced", QUIESCED, D(.used_len = 4, .n = 4), STALE },
	{ "device quiesced, hostile fields", QUIESCED,
	  D(.vq = 9, .chain = 0xffff, .used_len = 0xffffffff, .n = 4),
	  STALE },
	{ "device already broken", WAS_BROKEN, D(.used_len = 4, .n = 4),
	  STALE },
};

KUNIT_ARRAY_PARAM_DESC(hostile, hostile_cases, desc);

/*
 * Spec, "Validation", front-end, DATA response: device present (else drop),
 * epoch the queue's (else drop, counted stale), every other failure breaks
 * the device; the front-end never writes beyond the writable buffers and
 * never invents a completion. Driver doc: a broken device's log line names
 * the reason.
 */
static void va_rx_data_hostile_test(struct kunit *test)
{
	const struct hostile_case *c = test->param_value;
	struct rxk_data d = c->d;
	struct va_chain *ch = &rxk->vvq.chains[0];
	struct argo_msg *m;

	if (!d.dev)
		d.dev = DEV_NUM;
	else if (d.dev == 0xffff)
		d.dev = 0;
	if (!d.epoch)
		d.epoch = EPOCH;
	if (c->setup & PRE_FRAG) {
		m = rxk_msg();
		rxk_frag(m, 20, 0, 10);
		rxk_deliver(m);
		KUNIT_ASSERT_EQ(test, rxk->rec.broken, 0U);
		KUNIT_ASSERT_EQ(test, ch->received, 10U);
	}
	if (c->setup & NOT_SENT)
		ch->out_done = false;
	if (c->setup & QUIESCED)
		rxk->vd->quiesced = true;
	if (c->setup & WAS_BROKEN)
		rxk->vd->broken = true;
	if (c->setup & IN_LEN_LIE)
		ch->in_len = 200;
	if (c->setup & NO_DEVICE)
		rxk->vd_gone = true;

	m = rxk_msg();
	rxk_data_frame(m, &d);
	rxk_deliver(m);

	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped),
			c->outcome == DROPPED ? 1ULL : 0ULL);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.stale),
			c->outcome == STALE ? 1ULL : 0ULL);
	if (c->outcome == BROKEN) {
		KUNIT_EXPECT_EQ(test, rxk->rec.broken, 1U);
		KUNIT_EXPECT_TRUE(test, rxk->vd->broken);
		KUNIT_EXPECT_STREQ(test, rxk->rec.broken_why, c->why);
	} else {
		KUNIT_EXPECT_EQ(test, rxk->rec.broken, 0U);
		KUNIT_EXPECT_EQ(test, rxk->vd->broken,
				!!(c->setup & WAS_BROKEN));
	}
	/* Not a framing error, nothing else dispatched. */
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl + rxk->rec.oneway, 0U);
	rxk_expect_untouched(test, c->written);

	/*
	 * A stale or dropped response is no disagreement: the chain's real
	 * response still completes it.
	 */
	if (c->outcome != BROKEN && !(c->setup & (QUIESCED | WAS_BROKEN |
						  NO_DEVICE | PRE_FRAG))) {
		m = rxk_msg();
		rxk_frag(m, 20, 0, 20);
		rxk_deliver(m);
		KUNIT_EXPECT_FALSE(test, rxk->vd->broken);
		KUNIT_EXPECT_EQ(test, rxk_used_idx(), 1);
		rxk_check_chain(test, &rxk->ch, 20);
	}
}

/* ---- Bus and transport frames other than DATA ---- */

/* Spec, "PING": the request's data is echoed in a response. */
static void va_rx_ping_test(struct kunit *test)
{
	static const u8 want[12] = {
		0x03, 0x03, 0x00, 0x00, 0x34, 0x12, 0x0c, 0x00,
		0xef, 0xbe, 0xad, 0xde,
	};
	struct argo_msg *m = rxk_msg();

	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_PING, 0, 0x1234,
		  0xdeadbeef);
	rxk_deliver(m);
	KUNIT_ASSERT_EQ(test, rxk->rec.oneway, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway_len, 12U);
	KUNIT_EXPECT_MEMEQ(test, rxk->rec.oneway_frame, want, 12);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 0ULL);
}

/*
 * Spec, "Framing" (message size rule) and "Validation": a request whose
 * msg_size is not the size its fields imply is malformed, answered with
 * ERROR INVALID (not dropped, not a framing error). A PING request is 12
 * bytes; here it is 16. (This test found va_rx_bus() dropping it.)
 */
static void va_rx_ping_malformed_test(struct kunit *test)
{
	static const u8 want[16] = {
		0x03, 0x81, 0x00, 0x00, 0x34, 0x12, 0x10, 0x00,
		0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	};
	static const u8 payload[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct argo_msg *m = rxk_msg();

	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_PING, 0, 0x1234,
		  16, payload, 8);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
	KUNIT_ASSERT_EQ_MSG(test, rxk->rec.oneway, 1U,
			    "malformed PING request dropped, no ERROR INVALID");
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway_len, 16U);
	KUNIT_EXPECT_MEMEQ(test, rxk->rec.oneway_frame, want, 16);
}

/* Spec, "EVENT_DEVICE": device_number and state are passed on. */
static void va_rx_event_device_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();
	__le16 ev[2] = {
		cpu_to_le16(3), cpu_to_le16(VIRTIO_ARGO_DEVICE_ADDED),
	};

	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_EVENT_DEVICE, 0, 0,
		  12, ev, 4);
	ev[0] = cpu_to_le16(1);
	ev[1] = cpu_to_le16(VIRTIO_ARGO_DEVICE_REMOVED);
	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_EVENT_DEVICE, 0, 0,
		  12, ev, 4);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.dev_events, 2U);
	KUNIT_EXPECT_EQ(test, rxk->rec.ev_num, 1);
	KUNIT_EXPECT_EQ(test, rxk->rec.ev_state, VIRTIO_ARGO_DEVICE_REMOVED);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 0U);

	/* Events of the wrong size are dropped (spec: drop, for events). */
	m = rxk_msg();
	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_EVENT_DEVICE, 0, 0,
		  10, ev, 2);
	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_EVENT_DEVICE, 0, 0,
		  16, ev, 8);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.dev_events, 2U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 2ULL);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost + rxk->rec.oneway, 0U);
}

/* Spec, "GOODBYE": the receiver closes the connection too. */
static void va_rx_goodbye_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();

	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_GOODBYE, 0, 0,
		  VIRTIO_ARGO_E_INTERNAL);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 1U);
	KUNIT_EXPECT_STREQ(test, rxk->rec.lost_why, R_GOODBYE);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 0U);

	/* An event of the wrong size is dropped. */
	m = rxk_msg();
	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_GOODBYE, 0, 0, 8,
		  NULL, 0);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 1U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 1ULL);
}

/* Spec, "Validation": bus messages have dev_num 0, else drop. */
static void va_rx_bus_dev_num_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();
	__le16 ev[2] = {
		cpu_to_le16(3), cpu_to_le16(VIRTIO_ARGO_DEVICE_ADDED),
	};

	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_GOODBYE, 1, 0, 0);
	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_PING, 0x100, 5, 9);
	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_EVENT_DEVICE,
		  DEV_NUM, 0, 12, ev, 4);
	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, 0x05, 0xffff, 5, 9);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 4ULL);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 0U);
	KUNIT_EXPECT_EQ(test, rxk->rec.dev_events, 0U);
}

/*
 * Spec, "Message ids": a request with an unknown msg_id is answered with
 * ERROR UNSUPPORTED in its namespace, with its dev_num and token (frame 16
 * bytes); an unknown event is dropped without answer.
 */
static void va_rx_unknown_test(struct kunit *test)
{
	static const u8 want_bus[16] = {
		0x03, 0x81, 0x00, 0x00, 0x22, 0x00, 0x10, 0x00,
		0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	static const u8 want_dev[16] = {
		0x01, 0x81, 0x01, 0x00, 0x09, 0x70, 0x10, 0x00,
		0x0d, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
	};
	struct argo_msg *m;

	m = rxk_msg();
	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, 0x05, 0, 0x22, 8, NULL, 0);
	rxk_deliver(m);
	KUNIT_ASSERT_EQ(test, rxk->rec.oneway, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway_len, 16U);
	KUNIT_EXPECT_MEMEQ(test, rxk->rec.oneway_frame, want_bus, 16);

	m = rxk_msg();
	rxk_frame(m, 0, 0x0d, DEV_NUM, 0x7009, 8, NULL, 0);
	rxk_deliver(m);
	KUNIT_ASSERT_EQ(test, rxk->rec.oneway, 2U);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway_len, 16U);
	KUNIT_EXPECT_MEMEQ(test, rxk->rec.oneway_frame, want_dev, 16);

	/* Unknown events, both namespaces, and reserved EVENT_USED. */
	m = rxk_msg();
	rxk_frame(m, VIRTIO_ARGO_TYPE_BUS, 0x45, 0, 0, 8, NULL, 0);
	rxk_frame(m, 0, 0x4f, DEV_NUM, 0, 8, NULL, 0);
	rxk_frame(m, 0, VIRTIO_ARGO_MSG_EVENT_USED, DEV_NUM, 0, 8, NULL, 0);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 2U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 3ULL);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
}

/*
 * A DATA *request* from the back-end is nothing a front-end serves: it is
 * refused, and no chain is touched by it.
 */
static void va_rx_data_request_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();
	struct rxk_data d = {
		.dev = DEV_NUM, .epoch = EPOCH, .used_len = 4, .n = 4,
	};
	u8 *type;

	rxk_data_frame(m, &d);
	type = rxk->ring.data + m->rx;
	*type = 0;	/* request */
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway_frame[1], VIRTIO_ARGO_MSG_ERROR);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway_frame[12],
			VIRTIO_ARGO_E_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, rxk->rec.broken, 0U);
	rxk_expect_untouched(test, 0);
}

/*
 * Responses other than DATA go to the control path as whole frames. An
 * ERROR NOT_CONNECTED with token 0 is how a restarted back-end answers DATA
 * (spec, "PING" and "Back-end restart"); that the control path then ends
 * the connection is virtio_argo_bus.c's va_ctrl_response(), faked here:
 * this checks that the frame reaches it intact and ends nothing else.
 */
static void va_rx_response_test(struct kunit *test)
{
	static const u8 want[16] = {
		0x01, 0x81, 0x01, 0x00, 0x00, 0x00, 0x10, 0x00,
		0x80, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
	};
	struct virtio_argo_error e = {
		.msg_id = VIRTIO_ARGO_MSG_DATA,
		.code = cpu_to_le32(VIRTIO_ARGO_E_NOT_CONNECTED),
	};
	struct argo_msg *m = rxk_msg();

	rxk_frame(m, VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_ERROR,
		  DEV_NUM, 0, 16, &e, sizeof(e));
	rxk_deliver(m);
	KUNIT_ASSERT_EQ(test, rxk->rec.ctrl, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl_size, 16U);
	KUNIT_EXPECT_MEMEQ(test, rxk->rec.ctrl_frame, want, 16);
	KUNIT_EXPECT_EQ(test, rxk->rec.broken + rxk->rec.oneway, 0U);
	rxk_expect_untouched(test, 0);

	/* A bus response (HELLO's id), with the bus bit kept. */
	m = rxk_msg();
	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS | VIRTIO_ARGO_TYPE_RESPONSE,
		  VIRTIO_ARGO_BUS_HELLO, 0, 4, 0);
	rxk_deliver(m);
	KUNIT_ASSERT_EQ(test, rxk->rec.ctrl, 2U);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl_size, 12U);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl_frame[0], 0x03);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl_frame[1], VIRTIO_ARGO_BUS_HELLO);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 0U);
}

/*
 * The largest control frame the front-end takes is EVENT_CONFIG with 4096
 * bytes (24 + 4096); a larger non-DATA frame is dropped, not a framing
 * error, and the frames after it are still processed.
 */
static void va_rx_large_frame_test(struct kunit *test)
{
	u8 *pad = kunit_kzalloc(test, VA_CTRL_FRAME_MAX, GFP_KERNEL);
	struct argo_msg *m = rxk_msg();

	KUNIT_ASSERT_NOT_NULL(test, pad);
	pad[VA_CTRL_FRAME_MAX - 9] = 0x77;
	rxk_frame(m, VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_GET_CONFIG,
		  DEV_NUM, 1, VA_CTRL_FRAME_MAX, pad, VA_CTRL_FRAME_MAX - 8);
	rxk_frame(m, VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_GET_CONFIG,
		  DEV_NUM, 2, VA_CTRL_FRAME_MAX + 1, pad,
		  VA_CTRL_FRAME_MAX - 7);
	rxk_bus32(m, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_PING, 0, 3, 0);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl_size, (u32)VA_CTRL_FRAME_MAX);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl_frame[4], 1);
	KUNIT_EXPECT_EQ(test, rxk->rec.ctrl_frame[VA_CTRL_FRAME_MAX - 1], 0x77);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 1ULL);
	KUNIT_EXPECT_EQ(test, rxk->rec.oneway, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 0U);
}

/*
 * Spec, "EVENT_CONFIG" and "Validation": device present, offset + length
 * within config_size, data absent or exactly length bytes; else drop and
 * read the configuration again.
 */
static void va_rx_event_config_test(struct kunit *test)
{
	struct {
		struct virtio_argo_event_config ev;
		u8 data[4];
	} __packed f = {
		.ev = {
			.generation = cpu_to_le32(2),
			.offset = cpu_to_le32(12),
			.length = cpu_to_le32(4),
		},
		.data = { 0xa, 0xb, 0xc, 0xd },
	};
	struct argo_msg *m;

	m = rxk_msg();
	rxk_frame(m, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, DEV_NUM, 0, 28, &f, 20);
	rxk_deliver(m);
	KUNIT_ASSERT_EQ(test, rxk->rec.cfg_events, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_offset, 12U);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_length, 4U);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_len, 4U);
	KUNIT_EXPECT_MEMEQ(test, rxk->rec.cfg_data, f.data, 4);

	/* Without the bytes. */
	m = rxk_msg();
	rxk_frame(m, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, DEV_NUM, 0, 24, &f, 16);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_events, 2U);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_len, 0U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 0ULL);
	KUNIT_EXPECT_FALSE(test, rxk->vd->config_stale);

	/* Range beyond config_size 16: dropped, configuration read again. */
	f.ev.offset = cpu_to_le32(13);
	m = rxk_msg();
	rxk_frame(m, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, DEV_NUM, 0, 28, &f, 20);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_events, 2U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 1ULL);
	KUNIT_EXPECT_TRUE(test, rxk->vd->config_stale);
	KUNIT_EXPECT_EQ(test, rxk->rec.kicks, 1U);

	/* Data not exactly length bytes: dropped too. */
	rxk->vd->config_stale = false;
	f.ev.offset = cpu_to_le32(0);
	m = rxk_msg();
	rxk_frame(m, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, DEV_NUM, 0, 27, &f, 19);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_events, 2U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 2ULL);
	KUNIT_EXPECT_TRUE(test, rxk->vd->config_stale);
	KUNIT_EXPECT_EQ(test, rxk->rec.kicks, 2U);

	/* Shorter than its fixed part, or for no device: dropped. */
	m = rxk_msg();
	rxk_frame(m, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, DEV_NUM, 0, 23, &f, 15);
	rxk_frame(m, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, 2, 0, 28, &f, 20);
	rxk_deliver(m);
	KUNIT_EXPECT_EQ(test, rxk->rec.cfg_events, 2U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 4ULL);
	KUNIT_EXPECT_EQ(test, rxk->rec.kicks, 2U);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost + rxk->rec.oneway, 0U);
}

/* ---- The work item ---- */

/*
 * va_rx_work() consumes the ring's messages, then runs the deferred
 * callbacks once, after the ring is released; foreign messages in between
 * are skipped, not fatal.
 */
static void va_rx_work_test(struct kunit *test)
{
	struct argo_msg *m;

	m = rxk_msg();
	rxk_frag(m, 20, 0, 12);
	m = rxk_msg_from(BE_DOMID + 1, BE_PORT, VIRTIO_ARGO_ARGO_TYPE);
	rxk_frag(m, 20, 12, 8);
	m = rxk_msg();
	rxk_frag(m, 20, 12, 8);
	va_rx_work(&rxk->bus->rx_work);

	KUNIT_EXPECT_EQ(test, rxk->ring.next, 3U);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.rx_msgs), 2ULL);
	KUNIT_EXPECT_EQ(test, rxk_stat(&rxk->bus->stats.dropped), 1ULL);
	KUNIT_EXPECT_EQ(test, rxk_used_idx(), 1);
	rxk_check_chain(test, &rxk->ch, 20);
	KUNIT_EXPECT_EQ(test, rxk->rec.callbacks, 1U);
	KUNIT_EXPECT_TRUE(test, list_empty(&rxk->bus->cb_list));
	KUNIT_EXPECT_EQ(test, rxk->rec.lost + rxk->rec.broken, 0U);

	/* What busy queues waited with goes out once, after the callbacks. */
	KUNIT_EXPECT_EQ(test, rxk->rec.flushes, 1U);
	KUNIT_EXPECT_EQ(test, rxk->rec.flush_next, 3U);
	KUNIT_EXPECT_EQ(test, rxk->rec.flush_callbacks, 1U);
}

/* A corrupt ring (argo_ring_recv() -EPROTO) ends the connection. */
static void va_rx_work_corrupt_test(struct kunit *test)
{
	rxk->ring.recv_ret = -EPROTO;
	va_rx_work(&rxk->bus->rx_work);
	KUNIT_EXPECT_EQ(test, rxk->rec.lost, 1U);
	KUNIT_EXPECT_STREQ(test, rxk->rec.lost_why, R_CORRUPT);
}

/* A bus being destroyed receives nothing more. */
static void va_rx_work_dead_test(struct kunit *test)
{
	struct argo_msg *m = rxk_msg();

	rxk_frag(m, 20, 0, 20);
	rxk->bus->dead = true;
	va_rx_work(&rxk->bus->rx_work);
	KUNIT_EXPECT_EQ(test, rxk->ring.next, 0U);
	rxk_expect_untouched(test, 0);
}

static struct kunit_case va_rx_cases[] = {
	KUNIT_CASE_PARAM(va_rx_foreign_test, foreign_gen_params),
	KUNIT_CASE(va_rx_empty_test),
	KUNIT_CASE_PARAM(va_rx_framing_test, framing_gen_params),
	KUNIT_CASE(va_rx_framing_first_frame_test),
	KUNIT_CASE(va_rx_data_complete_test),
	KUNIT_CASE(va_rx_data_batch_test),
	KUNIT_CASE(va_rx_data_interleave_test),
	KUNIT_CASE(va_rx_data_empty_test),
	KUNIT_CASE(va_rx_cb_after_quiesce_test),
	KUNIT_CASE(va_rx_cb_forget_test),
	KUNIT_CASE_PARAM(va_rx_data_hostile_test, hostile_gen_params),
	KUNIT_CASE(va_rx_ping_test),
	KUNIT_CASE(va_rx_ping_malformed_test),
	KUNIT_CASE(va_rx_event_device_test),
	KUNIT_CASE(va_rx_goodbye_test),
	KUNIT_CASE(va_rx_bus_dev_num_test),
	KUNIT_CASE(va_rx_unknown_test),
	KUNIT_CASE(va_rx_data_request_test),
	KUNIT_CASE(va_rx_response_test),
	KUNIT_CASE(va_rx_large_frame_test),
	KUNIT_CASE(va_rx_event_config_test),
	KUNIT_CASE(va_rx_work_test),
	KUNIT_CASE(va_rx_work_corrupt_test),
	KUNIT_CASE(va_rx_work_dead_test),
	{}
};

static struct kunit_suite va_rx_suite = {
	.name = "virtio_argo_rx",
	.init = rxk_init,
	.exit = rxk_exit,
	.test_cases = va_rx_cases,
};

kunit_test_suite(va_rx_suite);

MODULE_DESCRIPTION("KUnit tests for the virtio-argo receive path");
MODULE_LICENSE("GPL");
