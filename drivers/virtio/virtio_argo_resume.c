// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: devices across a lost connection.
 *
 * A back-end restarts (an upgrade, a crash, its domain rebooted): the
 * guest's drivers should see no more than a pause. So when a connection is
 * lost the devices stay registered, detached: nothing is sent for them and
 * nothing is completed, and the chains in flight stay in flight. When a
 * new connection offers the same device under the same number, it takes
 * the device over: the driver's features, queues and status are set up on
 * the new back-end instance as the driver had set them, every queue gets a
 * new epoch, and every chain in flight is sent again. A request is thus
 * carried out at least once and completed exactly once: the old instance
 * is gone, and an answer of its that was still on its way would carry the
 * old epoch. Sending a chain twice is what a device behind a restarted
 * back-end has to accept anyway: a block write writes the same bytes
 * again, a read reads them again, a network packet may arrive twice.
 *
 * If the back-end does not come back within resume_ms, or comes back with
 * another device under the number, the device is removed. A driver's
 * remove waits for its requests (virtio_blk's del_gendisk does), so the
 * chains are then completed here as failed, the way the device type
 * reports a failure, and chains made available later fail at once.
 */
#include <linux/bitmap.h>
#include <linux/slab.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include "virtio_argo_priv.h"

#define VA_STATUS_SETUP	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | \
			 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

/**
 * va_vdev_detach() - the connection the device was set up on is gone
 * @vd: the device
 *
 * From the connection manager, after va_tx_drop_all(): nothing is being
 * sent, and from now on nothing is sent or completed for the device.
 */
void va_vdev_detach(struct va_vdev *vd)
{
	unsigned long flags;

	spin_lock_irqsave(&vd->cb_lock, flags);
	spin_lock(&vd->bus->tx_lock);
	vd->detached = true;
	spin_unlock(&vd->bus->tx_lock);
	spin_unlock_irqrestore(&vd->cb_lock, flags);
}

/*
 * The device types whose requests may be carried out twice: the protocol
 * lets only those be taken over.
 */
static bool va_resume_safe(u32 device_id)
{
	switch (device_id) {
	case VIRTIO_ID_NET:
	case VIRTIO_ID_BLOCK:
	case VIRTIO_ID_CONSOLE:
	case VIRTIO_ID_RNG:
		return true;
	default:
		return false;
	}
}

/* SET_DEVICE_STATUS, which must come back as asked. */
static int va_resume_status(struct va_vdev *vd, u32 status)
{
	struct virtio_argo_status req = { .status = cpu_to_le32(status) };
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_status s;
	} __packed resp;
	int ret;

	ret = va_vdev_call(vd, VIRTIO_ARGO_MSG_SET_DEVICE_STATUS, &req,
			   sizeof(req), &resp, sizeof(resp), va_timeout_ms);
	if (ret < 0)
		return ret == -EREMOTEIO ? -EIO : ret;
	if (ret != sizeof(resp))
		return -EPROTO;
	return le32_to_cpu(resp.s.status) == status ? 0 : -EIO;
}

/* Set the device up on the new back-end instance as the driver had it. */
static int va_resume_setup(struct va_vdev *vd, u8 status, u64 drv)
{
	unsigned int i;
	u32 max;
	int ret;

	status &= VA_STATUS_SETUP;
	if (!status)
		return 0;
	ret = va_resume_status(vd, status & (VIRTIO_CONFIG_S_ACKNOWLEDGE |
					     VIRTIO_CONFIG_S_DRIVER));
	if (ret || !(status & VIRTIO_CONFIG_S_FEATURES_OK))
		return ret;
	ret = va_send_driver_features(vd, drv);
	if (!ret)
		ret = va_resume_status(vd, status & ~VIRTIO_CONFIG_S_DRIVER_OK);
	for (i = 0; !ret && i < vd->nvqs; i++) {
		struct va_vq *vvq = vd->vqs[i];

		if (!vvq)
			continue;
		ret = va_vq_max_size(vd, i, &max);
		if (!ret && max < vvq->num)
			ret = -ENOSPC;
		if (!ret)
			ret = va_vq_enable(vd, vvq);
	}
	if (!ret && (status & VIRTIO_CONFIG_S_DRIVER_OK))
		ret = va_resume_status(vd, status);
	return ret;
}

/* Do the chains in flight fit the new back-end's limit? */
static bool va_resume_chains_fit(struct va_vdev *vd)
{
	u32 max = vd->bus->max_chain;
	unsigned long flags;
	unsigned int i;
	bool fit = true;
	u16 h;

	spin_lock_irqsave(&vd->cb_lock, flags);
	for (i = 0; fit && i < vd->nvqs; i++) {
		struct va_vq *vvq = vd->vqs[i];

		for (h = 0; vvq && h < vvq->num; h++) {
			const struct va_chain *c = &vvq->chains[h];

			if (c->in_flight && (c->out_len > max || c->in_len > max)) {
				fit = false;
				break;
			}
		}
	}
	spin_unlock_irqrestore(&vd->cb_lock, flags);
	return fit;
}

/* Mark every chain in flight to be sent again; the device is attached. */
static unsigned int va_resume_chains(struct va_vdev *vd)
{
	unsigned int i, n = 0;
	unsigned long flags;
	u16 h;

	spin_lock_irqsave(&vd->cb_lock, flags);
	spin_lock(&vd->bus->tx_lock);
	for (i = 0; i < vd->nvqs; i++) {
		struct va_vq *vvq = vd->vqs[i];

		if (!vvq)
			continue;
		for (h = 0; h < vvq->num; h++) {
			struct va_chain *c = &vvq->chains[h];

			if (!c->in_flight)
				continue;
			/* Whatever the old instance answered starts over. */
			c->used_len = 0;
			c->received = 0;
			c->started = false;
			c->out_done = false;
			__set_bit(h, vvq->resend);
			n++;
		}
	}
	vd->detached = false;
	spin_unlock(&vd->bus->tx_lock);
	spin_unlock_irqrestore(&vd->cb_lock, flags);
	return n;
}

/* The takeover, with the driver's config ops held off (ops_lock). */
static int va_vdev_resume_locked(struct va_vdev *vd)
{
	u8 status = READ_ONCE(vd->status);
	struct va_dev_info info;
	unsigned long flags;
	u64 features, drv = 0;
	unsigned int n;
	bool changed;
	u8 *config;
	u32 gen = 0;
	int ret;

	if (!va_resume_safe(vd->info.device_id))
		return -EOPNOTSUPP;
	if (READ_ONCE(vd->broken) || READ_ONCE(vd->failing) ||
	    (status & (VIRTIO_CONFIG_S_FAILED | VIRTIO_CONFIG_S_NEEDS_RESET)))
		return -ESTALE;
	ret = va_vdev_identify(vd, &info, &features);
	if (ret)
		return ret;
	if (status & VIRTIO_CONFIG_S_FEATURES_OK)
		drv = va_vdev_driver_features(vd);
	if (info.device_id != vd->info.device_id ||
	    info.vendor_id != vd->info.vendor_id ||
	    info.config_size != vd->info.config_size ||
	    info.max_virtqueues < vd->nvqs || (drv & ~features))
		return -ENODEV;

	/* A chain the new instance would refuse would break the device. */
	if (!va_resume_chains_fit(vd))
		return -E2BIG;

	config = kzalloc(info.config_size ?: 1, GFP_KERNEL);
	if (!config)
		return -ENOMEM;
	if (info.config_size)
		ret = va_read_config(vd, config, &gen);
	if (!ret)
		ret = va_resume_setup(vd, status, drv);
	if (ret) {
		kfree(config);
		return ret;
	}
	spin_lock_irqsave(&vd->cfg_lock, flags);
	changed = memcmp(vd->config, config, info.config_size);
	memcpy(vd->config, config, info.config_size);
	vd->generation = gen;
	spin_unlock_irqrestore(&vd->cfg_lock, flags);
	kfree(config);
	if (changed && READ_ONCE(vd->registered))
		virtio_config_changed(&vd->vdev);

	n = va_resume_chains(vd);
	if (status & VIRTIO_CONFIG_S_DRIVER_OK)
		va_vdev_start(vd);
	atomic64_inc(&vd->bus->stats.resumed);
	dev_info(&vd->bus->dev,
		 "device %u (%s) taken over by the new connection, %u chain%s sent again\n",
		 vd->num, dev_name(&vd->vdev.dev), n, n == 1 ? "" : "s");
	return 0;
}

/**
 * va_vdev_resume() - let a new connection take a detached device over
 * @vd: the device, detached; the bus connected
 *
 * From the connection manager; sleeps. The driver's own state changes
 * (status, reset, queues, features) wait until it is done.
 *
 * Return: 0 if the device is attached again and its chains in flight are
 * on their way, else a negative errno and the device stays detached (to
 * be removed): -ESTALE if the driver had given up on it, -ENODEV if the
 * back-end now offers another device or fewer features, -E2BIG if a
 * chain in flight exceeds its max_chain, -EOPNOTSUPP if the device's
 * requests are not safe to send twice; other errors (-ENOTCONN,
 * -ETIMEDOUT, -ENOMEM) are worth another try.
 */
int va_vdev_resume(struct va_vdev *vd)
{
	int ret;

	mutex_lock(&vd->ops_lock);
	ret = va_vdev_resume_locked(vd);
	mutex_unlock(&vd->ops_lock);
	return ret;
}

/* Complete a chain as failed, the way its device type reports it. */
static void va_chain_fail(struct va_vq *vvq, u16 head)
{
	struct va_chain *c = &vvq->chains[head];
	u32 len = 0;

	/*
	 * virtio-blk's status byte ends the writable part. Left as it is, it
	 * could read as VIRTIO_BLK_S_OK, and a read would hand stale memory
	 * to the file system as data. The other types in use say nothing
	 * with a used length of 0 (rng: no bytes; console: no input; net: a
	 * receive buffer too short for a packet is dropped).
	 */
	if (vvq->vd->info.device_id == VIRTIO_ID_BLOCK && c->in_len) {
		u8 st = VIRTIO_BLK_S_IOERR;

		if (!va_chain_write_buf(vvq, head, c->in_len - 1, &st, 1))
			len = c->in_len;
	}
	/* Released before the used entry, as in va_rx_data(). */
	smp_store_release(&c->in_flight, false);
	if (!c->in_len)
		atomic_dec(&vvq->ro_inflight);
	va_vring_used(vvq, head, len);
}

/**
 * va_vdev_fail_chains() - complete every chain of a queue as failed
 * @vvq: the queue of a failing device
 *
 * Also those made available and not yet taken. The device's cb_lock and
 * the bus's tx_lock held; the callbacks are deferred to the receive work.
 */
void va_vdev_fail_chains(struct va_vq *vvq)
{
	struct va_bus *bus = vvq->vd->bus;
	u32 out_len, in_len;
	u16 head;

	lockdep_assert_held(&vvq->vd->cb_lock);
	lockdep_assert_held(&bus->tx_lock);
	while (va_vring_avail(vvq, &head)) {
		if (head >= vvq->num || vvq->chains[head].in_flight ||
		    va_chain_lengths(vvq, head, &out_len, &in_len)) {
			va_vdev_broken(vvq->vd, "driver made a bad chain available");
			break;
		}
		vvq->chains[head] = (struct va_chain){
			.out_len = out_len, .in_len = in_len, .in_flight = true,
		};
		if (!in_len)
			atomic_inc(&vvq->ro_inflight);
	}
	bitmap_zero(vvq->resend, vvq->num);
	for (head = 0; head < vvq->num; head++) {
		u16 old = vvq->used_idx;

		if (!vvq->chains[head].in_flight)
			continue;
		va_chain_fail(vvq, head);
		atomic64_inc(&bus->stats.failed);
		if (va_vring_need_irq(vvq, old))
			va_cb_defer(bus, vvq);
	}
}

/**
 * va_vdev_fail() - fail every chain of a device that has no back-end
 * @vd: the device, about to be removed without a connection
 *
 * From now on, chains made available are failed as soon as notified.
 */
void va_vdev_fail(struct va_vdev *vd)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vd->cb_lock, flags);
	spin_lock(&vd->bus->tx_lock);
	vd->failing = true;
	/*
	 * A message built from its buffers and not yet sent (-EAGAIN) must
	 * not go out once the driver has them back.
	 */
	va_tx_forget_locked(vd);
	for (i = 0; i < vd->nvqs; i++)
		if (vd->vqs[i])
			va_vdev_fail_chains(vd->vqs[i]);
	spin_unlock(&vd->bus->tx_lock);
	spin_unlock_irqrestore(&vd->cb_lock, flags);
	/* The driver's callbacks run there. */
	queue_work(va_wq, &vd->bus->rx_work);
}
