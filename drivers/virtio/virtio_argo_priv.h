/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-argo: private definitions shared by the transport's files.
 *
 * One *bus* is one back-end (domid, port) as named by firmware or by the
 * module parameter. It owns one Argo ring, one connection to the back-end
 * and the virtio devices the back-end offers on it. See
 * Documentation/virtio/virtio-argo.rst for the protocol.
 */
#ifndef _VIRTIO_ARGO_PRIV_H
#define _VIRTIO_ARGO_PRIV_H

#include <linux/completion.h>
#include <linux/device.h>
#include <linux/spinlock.h>
#include <linux/uio.h>
#include <linux/virtio.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <linux/virtio_argo.h>
#include <xen/argo.h>

/* Front-end ring ports: one per bus, from a range the kernel keeps. */
#define VA_FE_PORT_BASE		0x76610000u
#define VA_FE_PORT_COUNT	256u

/* Largest non-DATA frame we accept: EVENT_CONFIG with 4096 bytes. */
#define VA_CTRL_FRAME_MAX	(24 + VIRTIO_ARGO_MAX_CONFIG)

/* Xen's limit of iovecs in one Argo message. */
#define VA_TX_IOV		8

/*
 * DATA frames batched into one Argo message. Large frames take an iovec
 * each at least; small ones are copied next to each other and share one
 * (see va_tx_inline()).
 */
#define VA_TX_CHAINS		64

/*
 * Readable bytes copied into one message when a chain's buffers are too
 * scattered for Xen's 8 iovecs (see va_tx_add_fragments()).
 */
#define VA_TX_BOUNCE		(256U << 10)

/*
 * The largest message we ask the back-end to send (HELLO's max_msg), if
 * our ring is larger: a quarter of the default ring, so that the back-end
 * can write the next message while we copy one out, and so that a drain
 * of a ring with that much room needs no notify hypercall
 * (argo_ring_set_sender_max()).
 */
#define VA_RX_MSG_MAX		(256U << 10)

enum va_state {
	VA_CLOSED,	/* no connection; HELLO due after the backoff */
	VA_HELLO,	/* HELLO sent, waiting for its response */
	VA_CONNECTED,	/* devices may be registered */
	VA_LOST,	/* connection gone; devices being detached */
	VA_FAILED,	/* refused (version, policy): no retry */
	VA_CLOSING,	/* module unload or unbind */
};

/* Counters, in debugfs (virtio-argo/<bus>/stats). */
struct va_stats {
	atomic64_t tx_msgs;
	atomic64_t tx_bytes;
	atomic64_t tx_eagain;
	atomic64_t tx_copied;	/* bytes sent from the bounce buffer */
	atomic64_t tx_deferred;	/* kicks left to the next completion */
	atomic64_t rx_msgs;
	atomic64_t rx_bytes;
	atomic64_t chains;
	atomic64_t completions;
	atomic64_t dropped;
	atomic64_t stale;
	atomic64_t ctrl_timeouts;
	atomic64_t reconnects;
	atomic64_t resumed;	/* devices taken over by a new connection */
	atomic64_t resent;	/* chains sent again after a reconnect */
	atomic64_t failed;	/* chains completed as failed, no back-end */
};

/* A control request waiting for its response. */
struct va_ctrl {
	struct list_head node;		/* bus->ctrl_wait */
	struct list_head tx_node;	/* bus->tx_ctrl until sent */
	unsigned long deadline;		/* jiffies, for posted requests */
	u8 type;		/* request's type bits */
	u8 msg_id;
	u16 dev_num;
	u16 token;
	int status;		/* 0, -errno, or > 0: VIRTIO_ARGO_E_* */
	void *resp;		/* response frame, header included */
	u32 resp_len;
	u32 resp_max;
	bool waited;		/* a thread waits; else freed on response */
	bool oneway;		/* a response we send: freed once sent */
	struct completion done;
	u32 len;		/* request frame */
	u8 frame[];
};

/* The chain a vq has in flight under one id (its head descriptor). */
struct va_chain {
	bool in_flight;
	u32 out_len;
	u32 in_len;
	u32 used_len;		/* from the first response fragment */
	u32 received;		/* response bytes copied so far */
	bool started;		/* a response fragment arrived */
	bool out_done;		/* the last request fragment is sent */
};

/*
 * The fixed part of a DATA request frame, as sent: one iovec. The fields
 * of struct virtio_argo_data_req without its flexible array, so that an
 * array of them can be kept.
 */
struct va_data_frame {
	struct virtio_argo_hdr hdr;
	__le16 vq;
	__le16 chain;
	__le32 epoch;
	__le32 out_len;
	__le32 in_len;
	__le32 offset;
	__le32 reserved;
} __packed;
static_assert(sizeof(struct va_data_frame) == VIRTIO_ARGO_DATA_HDR_LEN);

struct va_vq {
	struct virtqueue *vq;
	struct va_vdev *vd;
	u16 index;
	u16 num;
	u32 epoch;
	u16 last_avail;		/* next avail entry to send (tx_lock) */
	u16 used_idx;		/* used entries written (rx side) */
	bool event_idx;
	bool indirect;
	bool queued;		/* on bus->tx_vqs (tx_lock) */
	struct list_head tx_node;
	bool cb_pending;	/* on bus->cb_list (bus->cb_lock) */
	atomic_t ro_inflight;	/* read-only chains in flight */
	struct list_head cb_node;
	struct va_chain *chains;	/* num entries, by head index */
	/*
	 * Chains in flight when a connection was lost, to be sent again to
	 * the next one before new chains are taken (tx_lock): num bits.
	 */
	unsigned long *resend;
};

/* GET_DEVICE_INFO in CPU byte order. */
struct va_dev_info {
	u32 device_id;
	u32 vendor_id;
	u8 device_uuid[16];
	u32 num_feature_blocks;
	u32 config_size;
	u32 max_virtqueues;
	u32 admin_vq_start;
	u32 admin_vq_count;
};

struct va_vdev {
	struct virtio_device vdev;
	struct va_bus *bus;
	u16 num;
	refcount_t ref;		/* the device's, and the receive path's */
	struct va_dev_info info;
	u64 dev_features;	/* what the device offers, bits 0..63 */
	u8 status;
	bool registered;
	/* The driver's state-changing config ops, and takeovers. */
	struct mutex ops_lock;

	spinlock_t cfg_lock;	/* config cache and generation */
	u8 *config;
	u32 generation;

	/* Set under bus->tx_lock: no more DATA is sent for the device. */
	bool quiesced;
	/* The back-end and we disagree: DATA stops until reset. */
	bool broken;
	/* EVENT_CONFIG without the bytes: the manager reads them again. */
	bool config_stale;
	/*
	 * The connection it was set up on is gone (set under tx_lock and
	 * cb_lock): nothing is sent or completed until a new connection
	 * takes the device over (va_vdev_resume()) or it is removed.
	 */
	bool detached;
	/*
	 * Removed without a back-end: every chain, in flight or made
	 * available later, is completed at once as failed (va_vdev_fail()).
	 */
	bool failing;

	/*
	 * Held (irqsave) while completions are written and while virtqueue
	 * callbacks run: synchronize_cbs takes it. vq_gen changes whenever
	 * the device is quiesced, so a callback deferred before then is
	 * recognised as stale.
	 */
	spinlock_t cb_lock;
	u32 vq_gen;
	atomic_t cb_running;	/* callbacks running, outside cb_lock */

	u16 nvqs;
	struct va_vq **vqs;	/* by queue index; NULL if not set up */
	u32 *epochs;		/* per queue, kept across resets */
};

struct va_bus {
	struct device dev;	/* parent of the virtio devices */
	struct device dma_dev;	/* maps buffers for the virtqueues */
	int id;
	u16 be_domid;
	u32 be_port;
	u32 ring_len;
	u32 max_msg;		/* ours, announced in HELLO */
	u32 port;
	struct argo_ring *ring;

	spinlock_t lock;	/* state, ctrl list, token */
	enum va_state state;
	u32 instance;		/* ours, per connection attempt */
	u32 be_instance;
	u32 peer_max_msg;
	u32 max_chain;
	u16 next_token;
	u16 hello_token;
	unsigned int ctrl_inflight;
	struct list_head ctrl_wait;	/* sent, waiting for a response */
	wait_queue_head_t ctrl_slot;	/* waiting for ctrl_inflight < 16 */
	bool xsm_denied;

	/* Transmit side, see virtio_argo_tx.c. */
	spinlock_t tx_lock;
	struct list_head tx_ctrl;	/* control frames not yet sent */
	struct list_head tx_vqs;	/* queues with chains to send */
	struct va_vq *cur_vq;		/* queue of the partial chain */
	u16 cur_head;
	u32 cur_off;			/* readable bytes sent of it */
	/* A built Argo message that got -EAGAIN, retried as is. */
	struct kvec pend_iov[VA_TX_IOV];
	unsigned int pend_niov;
	struct va_vdev *pend_vd;	/* device of its DATA frames, or NULL */
	struct va_ctrl *pend_ctrl;	/* or the control frame it is */
	struct va_data_frame pend_frame[VA_TX_IOV];
	/* Chains whose last fragment is in it: sent once it is. */
	struct va_chain *pend_done[VA_TX_CHAINS];
	unsigned int pend_ndone;
	u8 *bounce;			/* VA_TX_BOUNCE bytes */
	u32 bounce_used;		/* by the pending message */
	unsigned int oneway_queued;	/* bounded: see va_tx_post_oneway() */
	struct work_struct tx_work;

	struct work_struct rx_work;
	/* Queues whose callback is due, run after the ring is released. */
	spinlock_t cb_lock;
	struct list_head cb_list;
	bool dead;		/* being destroyed: no more receiving */
	u8 *rx_frame;		/* VA_CTRL_FRAME_MAX bytes, rx_work only */

	/* Connection management and device (un)registration. */
	struct delayed_work manage_work;
	struct mutex manage_lock;	/* one manager run at a time */
	unsigned int backoff_ms;
	unsigned long last_rx;	/* jiffies */
	unsigned long lost_at;	/* jiffies, when the devices were detached */
	bool rescan;		/* enumerate again */
	DECLARE_BITMAP(added, VIRTIO_ARGO_MAX_DEVICES);
	DECLARE_BITMAP(removed, VIRTIO_ARGO_MAX_DEVICES);
	struct xarray vdevs;	/* dev_num -> struct va_vdev */

	struct va_stats stats;
	struct dentry *debugfs;
};

extern struct workqueue_struct *va_wq;
extern unsigned int va_timeout_ms;
extern unsigned int va_reset_timeout_ms;
extern unsigned int va_keepalive_ms;
extern unsigned int va_queue_size;
extern unsigned int va_poll_ms;
extern unsigned int va_resume_ms;

/* virtio_argo_bus.c */
struct va_bus *va_bus_create(struct device *parent, u16 domid, u32 port,
			     u32 ring_len);
void va_bus_destroy(struct va_bus *bus);
void va_bus_lost(struct va_bus *bus, const char *why);
int va_ctrl_call(struct va_bus *bus, u8 type, u8 msg_id, u16 dev_num,
		 const void *payload, u32 len, void *resp, u32 resp_len,
		 unsigned int timeout_ms);
int va_ctrl_post(struct va_bus *bus, u8 type, u8 msg_id, u16 dev_num,
		 const void *payload, u32 len, gfp_t gfp);
extern const struct attribute_group *va_bus_groups[];
void va_debugfs_init(void);
void va_debugfs_exit(void);

void va_ctrl_response(struct va_bus *bus, const void *frame, u32 size);
void va_bus_event_device(struct va_bus *bus, u16 num, u16 state);
void va_bus_kick(struct va_bus *bus);

/* virtio_argo_rx.c */
void va_rx_work(struct work_struct *work);
void va_data_ready(struct argo_ring *ring, void *priv);
void va_rx_poll_vq(struct va_vq *vvq);
void va_cb_forget(struct va_vdev *vd);

/* virtio_argo_tx.c */
void va_tx_work(struct work_struct *work);
void va_space_ready(struct argo_ring *ring, void *priv);
void va_tx_run(struct va_bus *bus, unsigned int budget);
void va_tx_flush(struct va_bus *bus);
bool va_tx_kick_vq(struct va_vq *vvq);
void va_tx_queue_ctrl(struct va_bus *bus, struct va_ctrl *c);
void va_tx_unqueue_ctrl(struct va_bus *bus, struct va_ctrl *c);
void va_tx_quiesce(struct va_vdev *vd);
void va_tx_quiesce_pending(struct va_vdev *vd);
void va_tx_forget_locked(struct va_vdev *vd);
void va_tx_drop_all(struct va_bus *bus);
int va_tx_post_oneway(struct va_bus *bus, const void *frame, u32 len);

/* virtio_argo_vring.c: the device side of the guest's split rings */
int va_chain_lengths(struct va_vq *vvq, u16 head, u32 *out_len, u32 *in_len);
unsigned int va_chain_out_iov(struct va_vq *vvq, u16 head, u32 off,
			      u32 max, struct kvec *iov, unsigned int niov,
			      u32 *len);
u32 va_chain_out_copy(struct va_vq *vvq, u16 head, u32 off, void *dst,
		      u32 count);
int va_chain_write(struct va_vq *vvq, u16 head, u32 off,
		   const struct argo_ring *ring, const struct argo_msg *msg,
		   u32 msg_off, u32 count);
int va_chain_write_buf(struct va_vq *vvq, u16 head, u32 off, const void *src,
		       u32 count);
bool va_vring_avail(struct va_vq *vvq, u16 *head);
bool va_vring_peek(struct va_vq *vvq, u16 *head);
void va_vring_used(struct va_vq *vvq, u16 head, u32 len);
bool va_vring_need_irq(struct va_vq *vvq, u16 old_used);

/* virtio_argo_vdev.c */
struct va_vdev *va_vdev_probe(struct va_bus *bus, u16 num);
void va_vdev_remove(struct va_vdev *vd);
int va_vdev_call(struct va_vdev *vd, u8 msg_id, const void *req, u32 len,
		 void *resp, u32 resp_len, unsigned int timeout_ms);
int va_vdev_identify(struct va_vdev *vd, struct va_dev_info *p, u64 *features);
int va_read_config(struct va_vdev *vd, u8 *dst, u32 *generation);
int va_send_driver_features(struct va_vdev *vd, u64 drv);
int va_vq_max_size(struct va_vdev *vd, unsigned int index, u32 *max);
int va_vq_enable(struct va_vdev *vd, struct va_vq *vvq);
void va_vdev_start(struct va_vdev *vd);
u64 va_vdev_driver_features(struct va_vdev *vd);

/* virtio_argo_resume.c: devices across a lost connection */
void va_vdev_detach(struct va_vdev *vd);
int va_vdev_resume(struct va_vdev *vd);
void va_vdev_fail(struct va_vdev *vd);
void va_vdev_fail_chains(struct va_vq *vvq);
void va_vdev_broken(struct va_vdev *vd, const char *why);
void va_vdev_config_event(struct va_vdev *vd,
			  const struct virtio_argo_event_config *ev,
			  const u8 *data, u32 len);
int va_vdev_refresh_config(struct va_vdev *vd);
struct va_vdev *va_vdev_get(struct va_bus *bus, u16 num);
void va_vdev_put(struct va_vdev *vd);

/* virtio_argo_rx.c, for completions written elsewhere */
void va_cb_defer(struct va_bus *bus, struct va_vq *vvq);

/* virtio_argo_dma.c */
extern const struct dma_map_ops va_dma_ops;
void *va_dma_to_virt(dma_addr_t addr, u32 len);

/* virtio_argo_wire.c: frame checks, no state (KUnit-tested) */
/* Each check returns NULL if the message is valid, else why it is not. */
const char *va_check_hello_resp(const struct virtio_argo_hello_resp *r,
				u64 offered);
const char *va_check_device_info(const struct va_dev_info *info);
const char *va_check_get_devices_resp(const void *frame, u32 size,
				      u16 offset, u16 count);
const char *va_check_data_resp(const struct virtio_argo_data_resp *r, u32 n,
			       const struct va_chain *c);
const char *va_check_event_config(const struct virtio_argo_event_config *ev,
				  u32 n, u32 config_size);
void va_hdr_init(struct virtio_argo_hdr *hdr, u8 type, u8 msg_id,
		 u16 dev_num, u16 token, u32 size);

#endif /* _VIRTIO_ARGO_PRIV_H */
