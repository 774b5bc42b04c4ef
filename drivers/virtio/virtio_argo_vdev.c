// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: the virtio devices of a bus and their config operations.
 *
 * Control operations that the virtio core expects to be synchronous
 * (status, features, reset, queue setup) wait for the back-end's answer.
 * The configuration space is cached, read at probe and on every
 * EVENT_CONFIG, so that the driver's reads, which may come from atomic
 * context, never wait; writes update the cache and are sent without
 * waiting.
 */
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include "virtio_argo_priv.h"

static struct va_vdev *to_va_vdev(struct virtio_device *vdev)
{
	return container_of(vdev, struct va_vdev, vdev);
}

/*
 * Ring and transport feature bits (28..41) describe the guest-private
 * rings or facilities the protocol has not: never taken from or sent to
 * the back-end, except VERSION_1.
 */
#define VA_TRANSPORT_BITS	GENMASK_ULL(VIRTIO_TRANSPORT_F_END - 1, \
					    VIRTIO_TRANSPORT_F_START)
#define VA_DEVICE_BITS		(~VA_TRANSPORT_BITS | BIT_ULL(VIRTIO_F_VERSION_1))

/* What this transport implements itself, for every device. */
#define VA_RING_FEATURES	(BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) | \
				 BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |	\
				 BIT_ULL(VIRTIO_F_ACCESS_PLATFORM))

/**
 * va_vdev_get() - look up a device for the receive path
 * @bus: the bus
 * @num: the device number
 *
 * Return: the device with a reference (va_vdev_put()), or NULL.
 */
struct va_vdev *va_vdev_get(struct va_bus *bus, u16 num)
{
	unsigned long flags;
	struct va_vdev *vd;

	/* May run with interrupts off (a notifier's poll): irq-safe lock. */
	xa_lock_irqsave(&bus->vdevs, flags);
	vd = xa_load(&bus->vdevs, num);
	if (vd && !refcount_inc_not_zero(&vd->ref))
		vd = NULL;
	xa_unlock_irqrestore(&bus->vdevs, flags);
	return vd;
}

/**
 * va_vdev_put() - drop a reference from va_vdev_get()
 * @vd: the device
 */
void va_vdev_put(struct va_vdev *vd)
{
	if (refcount_dec_and_test(&vd->ref)) {
		kfree(vd->config);
		kfree(vd->vqs);
		kfree(vd->epochs);
		kfree(vd);
	}
}

/**
 * va_vdev_broken() - the device and the back-end disagree
 * @vd: the device
 * @why: for the log
 *
 * No more DATA is sent or accepted for the device until the driver resets
 * it; chains in flight stay unused (never completed with invented data).
 * The driver sees NEEDS_RESET. Any context.
 */
void va_vdev_broken(struct va_vdev *vd, const char *why)
{
	if (vd->broken)
		return;
	vd->broken = true;
	dev_err_ratelimited(&vd->vdev.dev,
			    "virtio-argo device %u: %s; stopped until reset\n",
			    vd->num, why);
	WRITE_ONCE(vd->status, vd->status | VIRTIO_CONFIG_S_NEEDS_RESET);
	virtio_config_changed(&vd->vdev);
}

int va_vdev_call(struct va_vdev *vd, u8 msg_id, const void *req, u32 len,
		 void *resp, u32 resp_len, unsigned int timeout_ms)
{
	int ret = va_ctrl_call(vd->bus, 0, msg_id, vd->num, req, len, resp,
			       resp_len, timeout_ms);

	if (ret == -EREMOTEIO) {
		u32 code;

		memcpy(&code, resp, sizeof(code));
		dev_warn_ratelimited(&vd->bus->dev,
				     "device %u: request %#x refused: error %u\n",
				     vd->num, msg_id, code);
	}
	return ret;
}

/* Read [offset, offset + len) of the configuration into the cache. */
int va_read_config(struct va_vdev *vd, u8 *dst, u32 *generation)
{
	u32 size = vd->info.config_size, off = 0, chunk;
	size_t max;
	u8 *resp;
	int ret = 0;

	/* Stay well inside our own ring's largest message. */
	chunk = min_t(u32, 2048, vd->bus->max_msg - 64);
	max = sizeof(struct virtio_argo_hdr) +
	      sizeof(struct virtio_argo_config) + chunk;
	resp = kmalloc(max, GFP_KERNEL);
	if (!resp)
		return -ENOMEM;
	do {
		u32 n = min(chunk, size - off);
		struct virtio_argo_get_config req = {
			.offset = cpu_to_le32(off), .length = cpu_to_le32(n),
		};
		const struct virtio_argo_config *r = (void *)(resp +
			sizeof(struct virtio_argo_hdr));
		u32 want = sizeof(struct virtio_argo_hdr) + sizeof(*r) + n;

		ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_GET_CONFIG, &req,
				   sizeof(req), resp, want, va_timeout_ms);
		if (ret < 0)
			break;
		if (ret != want || le32_to_cpu(r->offset) != off ||
		    le32_to_cpu(r->length) != n) {
			ret = -EPROTO;
			break;
		}
		memcpy(dst + off, r->data, n);
		*generation = le32_to_cpu(r->generation);
		off += n;
		ret = 0;
	} while (off < size);
	kfree(resp);
	return ret;
}

/**
 * va_vdev_refresh_config() - read the whole configuration again
 * @vd: the device
 *
 * After an EVENT_CONFIG that did not carry the bytes. Sleeps.
 *
 * Return: 0 or a negative errno.
 */
int va_vdev_refresh_config(struct va_vdev *vd)
{
	u32 size = vd->info.config_size, gen = 0;
	u8 *buf = kzalloc(size ?: 1, GFP_KERNEL);
	int ret;

	WRITE_ONCE(vd->config_stale, false);
	if (!buf)
		return -ENOMEM;
	ret = size ? va_read_config(vd, buf, &gen) : 0;
	if (!ret) {
		spin_lock_irq(&vd->cfg_lock);
		memcpy(vd->config, buf, size);
		vd->generation = gen;
		spin_unlock_irq(&vd->cfg_lock);
		if (READ_ONCE(vd->registered))
			virtio_config_changed(&vd->vdev);
	}
	kfree(buf);
	return ret;
}

/**
 * va_vdev_config_event() - EVENT_CONFIG, already checked
 * @vd: the device
 * @ev: the event
 * @data: the new bytes, or NULL
 * @len: how many (0 or the event's length)
 */
void va_vdev_config_event(struct va_vdev *vd,
			  const struct virtio_argo_event_config *ev,
			  const u8 *data, u32 len)
{
	u32 status = le32_to_cpu(ev->device_status);
	unsigned long flags;

	spin_lock_irqsave(&vd->cfg_lock, flags);
	if (len)
		memcpy(vd->config + le32_to_cpu(ev->offset), data, len);
	vd->generation = le32_to_cpu(ev->generation);
	spin_unlock_irqrestore(&vd->cfg_lock, flags);
	if (status & VIRTIO_CONFIG_S_NEEDS_RESET)
		WRITE_ONCE(vd->status, vd->status | VIRTIO_CONFIG_S_NEEDS_RESET);
	if (!len && ev->length) {
		WRITE_ONCE(vd->config_stale, true);
		va_bus_kick(vd->bus);
		return;
	}
	/* Before registration the core's config lock is not set up yet. */
	if (READ_ONCE(vd->registered))
		virtio_config_changed(&vd->vdev);
}

static void va_get(struct virtio_device *vdev, unsigned int offset,
		   void *buf, unsigned int len)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	unsigned long flags;

	if ((u64)offset + len > vd->info.config_size) {
		dev_warn_ratelimited(&vdev->dev,
				     "config read of %u bytes at %u beyond %u\n",
				     len, offset, vd->info.config_size);
		memset(buf, 0, len);
		return;
	}
	spin_lock_irqsave(&vd->cfg_lock, flags);
	memcpy(buf, vd->config + offset, len);
	spin_unlock_irqrestore(&vd->cfg_lock, flags);
}

static void va_set(struct virtio_device *vdev, unsigned int offset,
		   const void *buf, unsigned int len)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	struct virtio_argo_config *req;
	unsigned long flags;
	int ret;

	if ((u64)offset + len > vd->info.config_size) {
		dev_warn_ratelimited(&vdev->dev,
				     "config write of %u bytes at %u beyond %u\n",
				     len, offset, vd->info.config_size);
		return;
	}
	spin_lock_irqsave(&vd->cfg_lock, flags);
	memcpy(vd->config + offset, buf, len);
	spin_unlock_irqrestore(&vd->cfg_lock, flags);

	/* The driver may write from atomic context: do not wait. */
	req = kzalloc(sizeof(*req) + len, GFP_ATOMIC);
	if (!req)
		return;
	req->offset = cpu_to_le32(offset);
	req->length = cpu_to_le32(len);
	memcpy(req->data, buf, len);
	ret = va_ctrl_post(vd->bus, 0, VIRTIO_ARGO_MSG_SET_CONFIG, vd->num, req,
			   sizeof(*req) + len, GFP_ATOMIC);
	if (ret)
		dev_err_ratelimited(&vdev->dev, "config write not sent: %d\n",
				    ret);
	kfree(req);
}

static u32 va_generation(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	unsigned long flags;
	u32 gen;

	spin_lock_irqsave(&vd->cfg_lock, flags);
	gen = vd->generation;
	spin_unlock_irqrestore(&vd->cfg_lock, flags);
	return gen;
}

static u8 va_get_status(struct virtio_device *vdev)
{
	return READ_ONCE(to_va_vdev(vdev)->status);
}

/* Let the queues send what the driver queued before DRIVER_OK. */
void va_vdev_start(struct va_vdev *vd)
{
	struct va_bus *bus = vd->bus;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&bus->tx_lock, flags);
	vd->quiesced = false;
	for (i = 0; i < vd->nvqs; i++) {
		struct va_vq *vvq = vd->vqs[i];

		if (vvq && !vvq->queued) {
			list_add_tail(&vvq->tx_node, &bus->tx_vqs);
			vvq->queued = true;
		}
	}
	spin_unlock_irqrestore(&bus->tx_lock, flags);
	queue_work(va_wq, &bus->tx_work);
}

static void va_set_status_locked(struct virtio_device *vdev, u8 status)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	struct virtio_argo_status req = { .status = cpu_to_le32(status) };
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_status s;
	} __packed resp;
	int ret;

	/* The core resets through ->reset(), never with status 0 here. */
	WARN_ON(!status);
	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_SET_DEVICE_STATUS, &req,
			   sizeof(req), &resp, sizeof(resp), va_timeout_ms);
	if (ret != sizeof(resp)) {
		/* Without a connection the device is being removed: quiet. */
		if (ret == -ENOTCONN)
			dev_dbg(&vdev->dev, "status %#x: no connection\n",
				status);
		else
			dev_err(&vdev->dev, "setting status %#x failed: %d\n",
				status, ret < 0 ? ret : -EPROTO);
		WRITE_ONCE(vd->status, vd->status | VIRTIO_CONFIG_S_FAILED);
		return;
	}
	WRITE_ONCE(vd->status, le32_to_cpu(resp.s.status));
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    (vd->status & VIRTIO_CONFIG_S_DRIVER_OK))
		va_vdev_start(vd);
}

static void va_reset_locked(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	struct virtio_argo_status req = { .status = 0 };
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_status s;
	} __packed resp;
	unsigned int i;
	int ret;

	/* Nothing more goes out for the device, nothing more is completed. */
	va_tx_quiesce(vd);
	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_SET_DEVICE_STATUS, &req,
			   sizeof(req), &resp, sizeof(resp),
			   va_reset_timeout_ms);
	if (ret == sizeof(resp) && resp.s.status)
		dev_err(&vdev->dev, "back-end did not reset the device (status %#x)\n",
			le32_to_cpu(resp.s.status));
	else if (ret >= 0 && ret != sizeof(resp))
		dev_err(&vdev->dev, "bad reset response\n");
	/*
	 * Without a connection the back-end has dropped the device anyway;
	 * either way the chains in flight are now unused.
	 */
	spin_lock_irq(&vd->cb_lock);
	spin_lock(&vd->bus->tx_lock);
	for (i = 0; i < vd->nvqs; i++) {
		if (!vd->vqs[i])
			continue;
		memset(vd->vqs[i]->chains, 0,
		       vd->vqs[i]->num * sizeof(struct va_chain));
		bitmap_zero(vd->vqs[i]->resend, vd->vqs[i]->num);
		atomic_set(&vd->vqs[i]->ro_inflight, 0);
	}
	vd->broken = false;
	spin_unlock(&vd->bus->tx_lock);
	spin_unlock_irq(&vd->cb_lock);
	WRITE_ONCE(vd->status, 0);
}

static bool va_notify(struct virtqueue *vq)
{
	return va_tx_kick_vq(vq->priv);
}

static void va_del_vq(struct va_vdev *vd, struct virtqueue *vq)
{
	struct va_vq *vvq = vq->priv;

	vd->vqs[vvq->index] = NULL;
	vring_del_virtqueue(vq);
	bitmap_free(vvq->resend);
	kfree(vvq->chains);
	kfree(vvq);
}

/* SET_VQUEUE: enable a queue of the back-end's device under a new epoch. */
int va_vq_enable(struct va_vdev *vd, struct va_vq *vvq)
{
	struct virtio_argo_set_vqueue req;
	u8 resp[sizeof(struct virtio_argo_hdr)];
	unsigned long flags;
	int ret;

	/* A new epoch every time: late answers for the old queue are stale. */
	spin_lock_irqsave(&vd->cb_lock, flags);
	if (!++vd->epochs[vvq->index])
		++vd->epochs[vvq->index];
	vvq->epoch = vd->epochs[vvq->index];
	spin_unlock_irqrestore(&vd->cb_lock, flags);
	req = (struct virtio_argo_set_vqueue){
		.index = cpu_to_le32(vvq->index),
		.flags = cpu_to_le32(VIRTIO_ARGO_VQ_STATE_ENABLE),
		.size = cpu_to_le32(vvq->num),
		.epoch = cpu_to_le32(vvq->epoch),
	};
	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_SET_VQUEUE, &req, sizeof(req),
			   resp, sizeof(resp), va_timeout_ms);
	if (ret != sizeof(resp))
		return ret < 0 && ret != -EREMOTEIO ? ret : -EIO;
	return 0;
}

/* GET_VQUEUE: the back-end's largest size for a queue, 0 if none. */
int va_vq_max_size(struct va_vdev *vd, unsigned int index, u32 *max)
{
	struct virtio_argo_vq_index req = { .index = cpu_to_le32(index) };
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_vqueue_info v;
	} __packed resp;
	int ret;

	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_GET_VQUEUE, &req, sizeof(req),
			   &resp, sizeof(resp), va_timeout_ms);
	if (ret < 0)
		return ret == -EREMOTEIO ? -EIO : ret;
	*max = le32_to_cpu(resp.v.max_size);
	if (ret != sizeof(resp) || le32_to_cpu(resp.v.index) != index ||
	    *max > VIRTIO_ARGO_MAX_VQ_SIZE)
		return -EPROTO;
	return 0;
}

static void va_del_vqs_locked(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	struct virtqueue *vq, *n;

	/* Normally after reset; make sure nothing touches the queues. */
	va_tx_quiesce(vd);
	list_for_each_entry_safe(vq, n, &vdev->vqs, list)
		va_del_vq(vd, vq);
}

static struct virtqueue *va_setup_vq(struct va_vdev *vd, unsigned int index,
				     const struct virtqueue_info *info)
{
	struct virtqueue *vq;
	struct va_vq *vvq;
	u32 max_size, num;
	int ret;

	if (index >= vd->nvqs)
		return ERR_PTR(-ENOENT);
	ret = va_vq_max_size(vd, index, &max_size);
	if (ret)
		return ERR_PTR(ret);
	if (!max_size)
		return ERR_PTR(-ENOENT);
	/* A split ring's size is a power of two. */
	num = rounddown_pow_of_two(min(max_size, va_queue_size));

	vvq = kzalloc(sizeof(*vvq), GFP_KERNEL);
	if (!vvq)
		return ERR_PTR(-ENOMEM);
	vq = vring_create_virtqueue_dma(index, num, SMP_CACHE_BYTES, &vd->vdev,
					true, true, info->ctx, va_notify,
					info->callback, info->name,
					&vd->bus->dma_dev);
	if (!vq) {
		kfree(vvq);
		return ERR_PTR(-ENOMEM);
	}
	vvq->num = virtqueue_get_vring_size(vq);
	vvq->chains = kcalloc(vvq->num, sizeof(*vvq->chains), GFP_KERNEL);
	vvq->resend = bitmap_zalloc(vvq->num, GFP_KERNEL);
	if (!vvq->chains || !vvq->resend) {
		ret = -ENOMEM;
		goto err;
	}
	vvq->vq = vq;
	vvq->vd = vd;
	vvq->index = index;
	vvq->event_idx = virtio_has_feature(&vd->vdev,
					    VIRTIO_RING_F_EVENT_IDX);
	vvq->indirect = virtio_has_feature(&vd->vdev,
					   VIRTIO_RING_F_INDIRECT_DESC);
	INIT_LIST_HEAD(&vvq->tx_node);
	INIT_LIST_HEAD(&vvq->cb_node);
	vq->priv = vvq;

	ret = va_vq_enable(vd, vvq);
	if (ret)
		goto err;
	vd->vqs[index] = vvq;
	return vq;

err:
	vring_del_virtqueue(vq);
	bitmap_free(vvq->resend);
	kfree(vvq->chains);
	kfree(vvq);
	return ERR_PTR(ret);
}

static int va_find_vqs_locked(struct virtio_device *vdev, unsigned int nvqs,
			      struct virtqueue *vqs[],
			      struct virtqueue_info vqs_info[])
{
	struct va_vdev *vd = to_va_vdev(vdev);
	unsigned int i, index = 0;

	for (i = 0; i < nvqs; i++) {
		if (!vqs_info[i].name) {
			vqs[i] = NULL;
			continue;
		}
		vqs[i] = va_setup_vq(vd, index++, &vqs_info[i]);
		if (IS_ERR(vqs[i])) {
			int ret = PTR_ERR(vqs[i]);

			dev_err(&vdev->dev, "queue %u: %d\n", index - 1, ret);
			va_del_vqs_locked(vdev);
			return ret;
		}
	}
	return 0;
}

static void va_synchronize_cbs(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);

	/*
	 * Completions are written under cb_lock; callbacks run counted in
	 * cb_running. Once both are seen idle, none is in progress.
	 */
	spin_lock_irq(&vd->cb_lock);
	spin_unlock_irq(&vd->cb_lock);
	while (atomic_read(&vd->cb_running))
		cpu_relax();
}

static u64 va_get_features(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);

	return (vd->dev_features & VA_DEVICE_BITS) | VA_RING_FEATURES;
}

int va_send_driver_features(struct va_vdev *vd, u64 drv)
{
	struct {
		struct virtio_argo_features f;
		__le32 blocks[2];
	} __packed req;
	u8 resp[sizeof(struct virtio_argo_hdr)];
	int ret;

	req.f.block_index = 0;
	req.f.num_blocks = cpu_to_le32(2);
	req.blocks[0] = cpu_to_le32(lower_32_bits(drv));
	req.blocks[1] = cpu_to_le32(upper_32_bits(drv));
	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES, &req,
			   sizeof(req), resp, sizeof(resp), va_timeout_ms);
	if (ret != sizeof(resp))
		return ret < 0 && ret != -EREMOTEIO ? ret : -EIO;
	return 0;
}

/**
 * va_vdev_driver_features() - the device-type features the driver took
 * @vd: the device, past FEATURES_OK
 *
 * Return: the bits sent to the back-end with SET_DRIVER_FEATURES.
 */
u64 va_vdev_driver_features(struct va_vdev *vd)
{
	return vd->vdev.features & vd->dev_features & VA_DEVICE_BITS;
}

static int va_finalize_features_locked(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	u64 drv;

	vring_transport_features(vdev);
	if (!__virtio_test_bit(vdev, VIRTIO_F_VERSION_1)) {
		dev_err(&vdev->dev, "virtio-argo devices need VIRTIO_F_VERSION_1\n");
		return -EINVAL;
	}
	drv = va_vdev_driver_features(vd);
	return va_send_driver_features(vd, drv);
}

static const char *va_bus_name(struct virtio_device *vdev)
{
	return dev_name(&to_va_vdev(vdev)->bus->dev);
}

/*
 * The operations that change the device's state on the back-end take
 * ops_lock, and so does a takeover by a new connection (va_vdev_resume()),
 * which replays that state: neither sees the other half done.
 */
static void va_set_status(struct virtio_device *vdev, u8 status)
{
	struct va_vdev *vd = to_va_vdev(vdev);

	mutex_lock(&vd->ops_lock);
	va_set_status_locked(vdev, status);
	mutex_unlock(&vd->ops_lock);
}

static void va_reset(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);

	mutex_lock(&vd->ops_lock);
	va_reset_locked(vdev);
	mutex_unlock(&vd->ops_lock);
}

static int va_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
		       struct virtqueue *vqs[],
		       struct virtqueue_info vqs_info[],
		       struct irq_affinity *desc)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	int ret;

	mutex_lock(&vd->ops_lock);
	ret = va_find_vqs_locked(vdev, nvqs, vqs, vqs_info);
	mutex_unlock(&vd->ops_lock);
	return ret;
}

static void va_del_vqs(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);

	mutex_lock(&vd->ops_lock);
	va_del_vqs_locked(vdev);
	mutex_unlock(&vd->ops_lock);
}

static int va_finalize_features(struct virtio_device *vdev)
{
	struct va_vdev *vd = to_va_vdev(vdev);
	int ret;

	mutex_lock(&vd->ops_lock);
	ret = va_finalize_features_locked(vdev);
	mutex_unlock(&vd->ops_lock);
	return ret;
}

static const struct virtio_config_ops va_config_ops = {
	.get = va_get,
	.set = va_set,
	.generation = va_generation,
	.get_status = va_get_status,
	.set_status = va_set_status,
	.reset = va_reset,
	.find_vqs = va_find_vqs,
	.del_vqs = va_del_vqs,
	.synchronize_cbs = va_synchronize_cbs,
	.get_features = va_get_features,
	.finalize_features = va_finalize_features,
	.bus_name = va_bus_name,
};

static void va_vdev_release(struct device *dev)
{
	struct virtio_device *vdev = dev_to_virtio(dev);

	va_vdev_put(to_va_vdev(vdev));
}

/**
 * va_vdev_identify() - GET_DEVICE_INFO and GET_DEVICE_FEATURES, checked
 * @vd: the device
 * @p: filled with its information
 * @features: filled with the device's feature bits 0..63
 *
 * Return: 0 or a negative errno.
 */
int va_vdev_identify(struct va_vdev *vd, struct va_dev_info *p, u64 *features)
{
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_device_info i;
	} __packed info;
	struct virtio_argo_features freq = {
		.block_index = 0, .num_blocks = cpu_to_le32(2),
	};
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_features f;
		__le32 blocks[2];
	} __packed fresp;
	const char *why;
	int ret;

	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_GET_DEVICE_INFO, NULL, 0, &info,
			   sizeof(info), va_timeout_ms);
	if (ret < 0)
		return ret;
	if (ret != sizeof(info))
		return -EPROTO;
	p->device_id = le32_to_cpu(info.i.device_id);
	p->vendor_id = le32_to_cpu(info.i.vendor_id);
	memcpy(p->device_uuid, info.i.device_uuid, sizeof(p->device_uuid));
	p->num_feature_blocks = le32_to_cpu(info.i.num_feature_blocks);
	p->config_size = le32_to_cpu(info.i.config_size);
	p->max_virtqueues = le32_to_cpu(info.i.max_virtqueues);
	p->admin_vq_start = le32_to_cpu(info.i.admin_vq_start);
	p->admin_vq_count = le32_to_cpu(info.i.admin_vq_count);
	why = va_check_device_info(p);
	if (why) {
		dev_err(&vd->bus->dev, "device %u: bad device info: %s\n",
			vd->num, why);
		return -EPROTO;
	}

	/* Linux knows 64 feature bits: blocks 0 and 1. */
	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_GET_DEVICE_FEATURES, &freq,
			   sizeof(freq), &fresp, sizeof(fresp), va_timeout_ms);
	if (ret < 0)
		return ret;
	if (ret != sizeof(fresp) || fresp.f.block_index ||
	    le32_to_cpu(fresp.f.num_blocks) != 2)
		return -EPROTO;
	*features = le32_to_cpu(fresp.blocks[0]) |
		    (u64)le32_to_cpu(fresp.blocks[1]) << 32;
	if (!(*features & BIT_ULL(VIRTIO_F_VERSION_1))) {
		dev_err(&vd->bus->dev, "device %u does not offer VIRTIO_F_VERSION_1\n",
			vd->num);
		return -EPROTO;
	}
	return 0;
}

/**
 * va_vdev_probe() - identify a device of the back-end and register it
 * @bus: the bus, connected
 * @num: the device number
 *
 * Return: the device, registered with the virtio core, or an ERR_PTR.
 */
struct va_vdev *va_vdev_probe(struct va_bus *bus, u16 num)
{
	struct va_vdev *vd;
	int ret;

	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return ERR_PTR(-ENOMEM);
	vd->bus = bus;
	vd->num = num;
	vd->quiesced = true;
	refcount_set(&vd->ref, 1);
	spin_lock_init(&vd->cfg_lock);
	spin_lock_init(&vd->cb_lock);
	mutex_init(&vd->ops_lock);

	ret = va_vdev_identify(vd, &vd->info, &vd->dev_features);
	if (ret)
		goto err_free;
	vd->nvqs = vd->info.max_virtqueues;
	vd->vqs = kcalloc(vd->nvqs, sizeof(*vd->vqs), GFP_KERNEL);
	vd->epochs = kcalloc(vd->nvqs, sizeof(*vd->epochs), GFP_KERNEL);
	vd->config = kzalloc(vd->info.config_size ?: 1, GFP_KERNEL);
	if (!vd->vqs || !vd->epochs || !vd->config) {
		ret = -ENOMEM;
		goto err_free;
	}
	if (vd->info.config_size) {
		ret = va_read_config(vd, vd->config, &vd->generation);
		if (ret)
			goto err_free;
	}

	vd->vdev.dev.parent = &bus->dev;
	vd->vdev.dev.release = va_vdev_release;
	vd->vdev.config = &va_config_ops;
	vd->vdev.id.device = vd->info.device_id;
	vd->vdev.id.vendor = vd->info.vendor_id;

	/* Visible to the receive path before the driver can use it. */
	ret = xa_insert_irq(&bus->vdevs, num, vd, GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = register_virtio_device(&vd->vdev);
	if (ret) {
		xa_erase_irq(&bus->vdevs, num);
		put_device(&vd->vdev.dev);	/* frees vd */
		return ERR_PTR(ret);
	}
	WRITE_ONCE(vd->registered, true);
	dev_info(&bus->dev, "device %u: virtio id %u as %s\n", num,
		 vd->info.device_id, dev_name(&vd->vdev.dev));
	return vd;

err_free:
	va_vdev_put(vd);
	return ERR_PTR(ret);
}

/**
 * va_vdev_remove() - unregister a device, already out of the bus's table
 * @vd: the device
 *
 * The driver's remove resets the device and reclaims every chain in
 * flight.
 */
void va_vdev_remove(struct va_vdev *vd)
{
	dev_info(&vd->bus->dev, "device %u (%s) removed\n", vd->num,
		 dev_name(&vd->vdev.dev));
	unregister_virtio_device(&vd->vdev);
}
