// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-argo: one bus per back-end -- its ring, its connection, its
 * control requests, and the devices it offers.
 *
 * The connection is managed by one work item per bus (manage_work), in
 * process context: HELLO with backoff, enumeration, hot add and remove,
 * keepalive PINGs, and tearing the devices down when the connection is
 * lost. Everything that detects a loss (a failed send, GOODBYE, a framing
 * error, NOT_CONNECTED) only flags it and kicks the work, so it can be
 * called from any context.
 */
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/jiffies.h>
#include <linux/overflow.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "virtio_argo_priv.h"

#define VA_BACKOFF_MIN_MS	1000
#define VA_BACKOFF_MAX_MS	30000

static DEFINE_IDA(va_bus_ida);

static const char *const va_state_names[] = {
	[VA_CLOSED] = "closed",
	[VA_HELLO] = "hello",
	[VA_CONNECTED] = "connected",
	[VA_LOST] = "lost",
	[VA_FAILED] = "failed",
	[VA_CLOSING] = "closing",
};

/**
 * va_bus_kick() - run the connection manager soon
 * @bus: the bus
 */
void va_bus_kick(struct va_bus *bus)
{
	unsigned long flags;

	/* Once closing, the bus may be freed when the work is cancelled. */
	spin_lock_irqsave(&bus->lock, flags);
	if (bus->state != VA_CLOSING)
		mod_delayed_work(system_wq, &bus->manage_work, 0);
	spin_unlock_irqrestore(&bus->lock, flags);
}

/* Wake every thread waiting for a response: the connection is gone. */
static void va_ctrl_fail_all(struct va_bus *bus, int err)
{
	struct va_ctrl *c, *tmp;

	lockdep_assert_held(&bus->lock);
	list_for_each_entry_safe(c, tmp, &bus->ctrl_wait, node) {
		if (!c->waited)
			continue;	/* freed by the manager */
		list_del_init(&c->node);
		bus->ctrl_inflight--;
		c->status = err;
		complete(&c->done);
	}
	wake_up_all(&bus->ctrl_slot);
}

/**
 * va_bus_lost() - the connection to the back-end is gone
 * @bus: the bus
 * @why: for the log
 *
 * Any context, including under the bus's tx_lock.
 */
void va_bus_lost(struct va_bus *bus, const char *why)
{
	unsigned long flags;

	spin_lock_irqsave(&bus->lock, flags);
	if (bus->state == VA_CONNECTED || bus->state == VA_HELLO) {
		if (bus->state == VA_CONNECTED)
			dev_warn(&bus->dev,
				 "connection to back-end domain %u port %#x lost: %s\n",
				 bus->be_domid, bus->be_port, why);
		bus->state = VA_LOST;
		va_ctrl_fail_all(bus, -ENOTCONN);
		mod_delayed_work(system_wq, &bus->manage_work, 0);
	}
	spin_unlock_irqrestore(&bus->lock, flags);
}

static struct va_ctrl *va_ctrl_alloc(u8 type, u8 msg_id, u16 dev_num,
				     const void *payload, u32 len, gfp_t gfp)
{
	u32 size = sizeof(struct virtio_argo_hdr) + len;
	struct va_ctrl *c;

	if (size > VIRTIO_ARGO_MAX_FRAME)
		return NULL;
	c = kzalloc(struct_size(c, frame, size), gfp);
	if (!c)
		return NULL;
	INIT_LIST_HEAD(&c->node);
	INIT_LIST_HEAD(&c->tx_node);
	init_completion(&c->done);
	c->type = type;
	c->msg_id = msg_id;
	c->dev_num = dev_num;
	c->len = size;
	if (len)
		memcpy(c->frame + sizeof(struct virtio_argo_hdr), payload, len);
	return c;
}

static bool va_ctrl_allowed(struct va_bus *bus, u8 type, u8 msg_id)
{
	if (bus->state == VA_CONNECTED)
		return true;
	return bus->state == VA_HELLO && (type & VIRTIO_ARGO_TYPE_BUS) &&
	       msg_id == VIRTIO_ARGO_BUS_HELLO;
}

/* Give the request a token and put it on the list of those awaiting one. */
static int va_ctrl_track(struct va_bus *bus, struct va_ctrl *c)
{
	struct va_ctrl *o;
	u16 token;

	lockdep_assert_held(&bus->lock);
	if (!va_ctrl_allowed(bus, c->type, c->msg_id))
		return -ENOTCONN;
	if (bus->ctrl_inflight >= VIRTIO_ARGO_MAX_CTRL_INFLIGHT)
		return -EBUSY;
again:
	token = ++bus->next_token;
	if (!token)
		goto again;
	list_for_each_entry(o, &bus->ctrl_wait, node)
		if (o->token == token)
			goto again;
	c->token = token;
	va_hdr_init((struct virtio_argo_hdr *)c->frame, c->type, c->msg_id,
		    c->dev_num, token, c->len);
	list_add_tail(&c->node, &bus->ctrl_wait);
	bus->ctrl_inflight++;
	return 0;
}

/**
 * va_ctrl_call() - send a control request and wait for its response
 * @bus: the bus
 * @type: VIRTIO_ARGO_TYPE_BUS for a bus message, else 0
 * @msg_id: the request
 * @dev_num: device number, 0 for bus messages
 * @payload: the request's payload (after the header)
 * @len: its length
 * @resp: where the response frame goes, header included
 * @resp_len: its size: a larger response fails with -EPROTO
 * @timeout_ms: how long to wait for the response
 *
 * Sleeps. The caller checks the response's size and contents.
 *
 * Return: the response frame's size; a negative errno (-ENOTCONN without
 * connection, -ETIMEDOUT, -EPROTO, -ENOMEM); or, if the back-end answered
 * with ERROR, -EREMOTEIO with the code in the first 4 bytes of @resp.
 */
int va_ctrl_call(struct va_bus *bus, u8 type, u8 msg_id, u16 dev_num,
		 const void *payload, u32 len, void *resp, u32 resp_len,
		 unsigned int timeout_ms)
{
	struct va_ctrl *c;
	long left;
	int ret;

	c = va_ctrl_alloc(type, msg_id, dev_num, payload, len, GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->waited = true;
	c->resp = resp;
	c->resp_max = resp_len;

	/* At most 16 outstanding: wait for a slot. */
	for (;;) {
		spin_lock_irq(&bus->lock);
		ret = va_ctrl_track(bus, c);
		spin_unlock_irq(&bus->lock);
		if (ret != -EBUSY)
			break;
		left = wait_event_timeout(bus->ctrl_slot,
					  READ_ONCE(bus->ctrl_inflight) <
					  VIRTIO_ARGO_MAX_CTRL_INFLIGHT,
					  msecs_to_jiffies(timeout_ms));
		if (!left) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	if (ret) {
		kfree(c);
		return ret;
	}

	va_tx_queue_ctrl(bus, c);
	wait_for_completion_timeout(&c->done, msecs_to_jiffies(timeout_ms));

	spin_lock_irq(&bus->lock);
	if (!list_empty(&c->node)) {
		list_del_init(&c->node);
		bus->ctrl_inflight--;
		c->status = -ETIMEDOUT;
		wake_up(&bus->ctrl_slot);
	}
	spin_unlock_irq(&bus->lock);
	va_tx_unqueue_ctrl(bus, c);

	ret = c->status;
	if (ret == -ETIMEDOUT) {
		atomic64_inc(&bus->stats.ctrl_timeouts);
		dev_warn_ratelimited(&bus->dev,
				     "no response to request %#x for device %u within %u ms\n",
				     msg_id, dev_num, timeout_ms);
	} else if (!ret) {
		ret = c->resp_len;
	}
	kfree(c);
	return ret;
}

/**
 * va_ctrl_post() - send a control request without waiting for it
 * @bus: the bus
 * @type: VIRTIO_ARGO_TYPE_BUS for a bus message, else 0
 * @msg_id: the request
 * @dev_num: device number
 * @payload: the payload
 * @len: its length
 * @gfp: allocation flags of the caller's context
 *
 * The response is checked and dropped; an ERROR is logged.
 *
 * Return: 0, -ENOTCONN, -EBUSY (16 requests outstanding) or -ENOMEM.
 */
int va_ctrl_post(struct va_bus *bus, u8 type, u8 msg_id, u16 dev_num,
		 const void *payload, u32 len, gfp_t gfp)
{
	unsigned long flags;
	struct va_ctrl *c;
	int ret;

	c = va_ctrl_alloc(type, msg_id, dev_num, payload, len, gfp);
	if (!c)
		return -ENOMEM;
	c->deadline = jiffies + msecs_to_jiffies(va_timeout_ms);
	spin_lock_irqsave(&bus->lock, flags);
	ret = va_ctrl_track(bus, c);
	spin_unlock_irqrestore(&bus->lock, flags);
	if (ret) {
		kfree(c);
		return ret;
	}
	va_tx_queue_ctrl(bus, c);
	return 0;
}

/* Forget posted requests whose response is overdue, or all of them. */
static void va_ctrl_expire(struct va_bus *bus, bool all)
{
	struct va_ctrl *c, *tmp;
	LIST_HEAD(gone);

	spin_lock_irq(&bus->lock);
	list_for_each_entry_safe(c, tmp, &bus->ctrl_wait, node) {
		if (c->waited || (!all && time_before(jiffies, c->deadline)))
			continue;
		list_move(&c->node, &gone);
		bus->ctrl_inflight--;
	}
	wake_up_all(&bus->ctrl_slot);
	spin_unlock_irq(&bus->lock);

	list_for_each_entry_safe(c, tmp, &gone, node) {
		if (!all)
			atomic64_inc(&bus->stats.ctrl_timeouts);
		va_tx_unqueue_ctrl(bus, c);
		kfree(c);
	}
}

/**
 * va_ctrl_response() - match a response frame to its request
 * @bus: the bus
 * @frame: the frame, header included
 * @size: its size
 *
 * Called by the receive path. A response that matches nothing is dropped.
 */
void va_ctrl_response(struct va_bus *bus, const void *frame, u32 size)
{
	const struct virtio_argo_hdr *hdr = frame;
	const struct virtio_argo_error *err = frame + sizeof(*hdr);
	u8 ns = hdr->type & VIRTIO_ARGO_TYPE_BUS;
	u16 dev_num = le16_to_cpu(hdr->dev_num);
	u16 token = le16_to_cpu(hdr->token);
	bool is_error = hdr->msg_id == VIRTIO_ARGO_MSG_ERROR;
	struct va_ctrl *c, *found = NULL;
	unsigned long flags;
	bool waited;
	u8 req_id;
	int code = 0;

	if (is_error) {
		if (size != sizeof(*hdr) + sizeof(*err) || !err->code) {
			atomic64_inc(&bus->stats.dropped);
			return;
		}
		code = le32_to_cpu(err->code);
	}

	spin_lock_irqsave(&bus->lock, flags);
	list_for_each_entry(c, &bus->ctrl_wait, node) {
		if (c->token != token || c->dev_num != dev_num ||
		    (c->type & VIRTIO_ARGO_TYPE_BUS) != ns)
			continue;
		if (is_error ? err->msg_id != c->msg_id :
			       hdr->msg_id != c->msg_id)
			continue;
		found = c;
		break;
	}
	if (!found) {
		spin_unlock_irqrestore(&bus->lock, flags);
		/*
		 * A restarted back-end answers DATA (token 0) this way: it
		 * matches no request, but says the connection is gone.
		 */
		if (code == VIRTIO_ARGO_E_NOT_CONNECTED) {
			va_bus_lost(bus, "back-end does not know the connection (restarted?)");
			return;
		}
		atomic64_inc(&bus->stats.dropped);
		dev_dbg_ratelimited(&bus->dev,
				    "dropped a response (id %#x, device %u, token %u) to no request\n",
				    hdr->msg_id, dev_num, token);
		return;
	}
	list_del_init(&c->node);
	bus->ctrl_inflight--;
	wake_up(&bus->ctrl_slot);
	waited = c->waited;
	req_id = c->msg_id;
	if (waited) {
		if (is_error) {
			c->status = -EREMOTEIO;
			if (c->resp_max >= sizeof(u32))
				memcpy(c->resp, &code, sizeof(u32));
		} else if (size > c->resp_max) {
			c->status = -EPROTO;
		} else {
			memcpy(c->resp, frame, size);
			c->resp_len = size;
		}
		complete(&c->done);
		c = NULL;
	}
	spin_unlock_irqrestore(&bus->lock, flags);

	if (code == VIRTIO_ARGO_E_NOT_CONNECTED)
		va_bus_lost(bus, "back-end does not know the connection (restarted?)");
	else if (code && !waited)
		dev_warn_ratelimited(&bus->dev,
				     "back-end refused request %#x for device %u: error %d\n",
				     req_id, dev_num, code);
	if (c) {
		va_tx_unqueue_ctrl(bus, c);
		kfree(c);
	}
}

/**
 * va_bus_event_device() - EVENT_DEVICE from the back-end
 * @bus: the bus
 * @num: the device number
 * @state: VIRTIO_ARGO_DEVICE_ADDED or _REMOVED; others are ignored
 */
void va_bus_event_device(struct va_bus *bus, u16 num, u16 state)
{
	unsigned long flags;

	if (num >= VIRTIO_ARGO_MAX_DEVICES) {
		atomic64_inc(&bus->stats.dropped);
		return;
	}
	spin_lock_irqsave(&bus->lock, flags);
	if (state == VIRTIO_ARGO_DEVICE_ADDED) {
		set_bit(num, bus->added);
		clear_bit(num, bus->removed);
	} else if (state == VIRTIO_ARGO_DEVICE_REMOVED) {
		set_bit(num, bus->removed);
		clear_bit(num, bus->added);
	}
	spin_unlock_irqrestore(&bus->lock, flags);
	va_bus_kick(bus);
}

/*
 * Unregister a device. @gone: the back-end said it has gone (it answers
 * nothing more for it).
 */
static void va_bus_remove_device(struct va_bus *bus, u16 num, bool gone)
{
	struct va_vdev *vd = xa_load(&bus->vdevs, num);

	if (!vd)
		return;
	/* No back-end will answer: the driver's remove must not wait. */
	if (gone || READ_ONCE(vd->detached) ||
	    READ_ONCE(bus->state) != VA_CONNECTED)
		va_vdev_fail(vd);
	/*
	 * The receive path finds the device until the driver is done: its
	 * remove may wait for answers to requests in flight (virtio_blk's
	 * does). Our reference keeps it alive until it is out of the table.
	 */
	get_device(&vd->vdev.dev);
	va_vdev_remove(vd);
	xa_erase_irq(&bus->vdevs, num);
	put_device(&vd->vdev.dev);
}

/* Errors after which a takeover is worth trying again. */
static bool va_resume_transient(int err)
{
	return err == -ENOTCONN || err == -ETIMEDOUT || err == -ENOMEM ||
	       err == -EAGAIN || err == -EINTR;
}

/* Detached devices: taken over by the new connection, or replaced. */
static void va_bus_resume_device(struct va_bus *bus, struct va_vdev *vd)
{
	int ret = va_vdev_resume(vd);

	if (!ret)
		return;
	if (va_resume_transient(ret)) {
		/* Detached still: the next manager run tries again. */
		dev_dbg(&bus->dev, "device %u: takeover: %d, again soon\n",
			vd->num, ret);
		bus->rescan = true;
		return;
	}
	dev_warn(&bus->dev, "device %u (%s) not taken over by the new connection (%pe): removed\n",
		 vd->num, dev_name(&vd->vdev.dev), ERR_PTR(ret));
	va_bus_remove_device(bus, vd->num, true);
}

static bool va_bus_any_detached(struct va_bus *bus)
{
	struct va_vdev *vd;
	unsigned long num;

	xa_for_each(&bus->vdevs, num, vd)
		if (READ_ONCE(vd->detached))
			return true;
	return false;
}

static void va_bus_add_device(struct va_bus *bus, u16 num)
{
	struct va_vdev *vd;

	if (xa_load(&bus->vdevs, num))
		return;
	vd = va_vdev_probe(bus, num);
	if (IS_ERR(vd))
		dev_warn(&bus->dev, "device %u not registered: %pe\n", num, vd);
}

static void va_bus_remove_all(struct va_bus *bus)
{
	struct va_vdev *vd;
	unsigned long num;

	xa_for_each(&bus->vdevs, num, vd)
		va_bus_remove_device(bus, num, false);
}

/* Remove the devices still detached resume_ms after the loss. */
static void va_bus_expire_detached(struct va_bus *bus)
{
	struct va_vdev *vd;
	unsigned long num;

	if (!va_resume_ms || !va_bus_any_detached(bus) ||
	    !time_after(jiffies, bus->lost_at + msecs_to_jiffies(va_resume_ms)))
		return;
	dev_warn(&bus->dev,
		 "back-end domain %u port %#x did not take its devices back within %u ms: removing them\n",
		 bus->be_domid, bus->be_port, va_resume_ms);
	xa_for_each(&bus->vdevs, num, vd)
		if (READ_ONCE(vd->detached))
			va_bus_remove_device(bus, num, true);
}

/* GET_DEVICES: register what is new, remove what has gone. */
static int va_bus_enumerate(struct va_bus *bus)
{
	struct virtio_argo_get_devices req;
	struct va_vdev *vd;
	unsigned long num;
	u16 offset = 0;
	u8 *resp;
	int ret;
	DECLARE_BITMAP(present, VIRTIO_ARGO_MAX_DEVICES);
	const u32 max = sizeof(struct virtio_argo_hdr) +
			sizeof(struct virtio_argo_get_devices_resp) +
			VIRTIO_ARGO_MAX_DEVICES / 8;

	resp = kmalloc(max, GFP_KERNEL);
	if (!resp)
		return -ENOMEM;
	bitmap_zero(present, VIRTIO_ARGO_MAX_DEVICES);
	do {
		const struct virtio_argo_get_devices_resp *r = (void *)(resp +
			sizeof(struct virtio_argo_hdr));
		u16 count = VIRTIO_ARGO_MAX_DEVICES - offset, i;
		const char *why;

		req.offset = cpu_to_le16(offset);
		req.count = cpu_to_le16(count);
		ret = va_ctrl_call(bus, VIRTIO_ARGO_TYPE_BUS,
				   VIRTIO_ARGO_BUS_GET_DEVICES, 0, &req,
				   sizeof(req), resp, max, va_timeout_ms);
		if (ret < 0)
			goto out;
		why = ret < sizeof(struct virtio_argo_hdr) + sizeof(*r) ?
		      "too short" :
		      va_check_get_devices_resp(resp, ret, offset, count);
		if (why) {
			dev_err(&bus->dev, "bad GET_DEVICES response: %s\n",
				why);
			ret = -EPROTO;
			goto out;
		}
		for (i = 0; i < le16_to_cpu(r->count); i++)
			if (r->bitmap[i / 8] & BIT(i % 8))
				set_bit(offset + i, present);
		offset = le16_to_cpu(r->next_offset);
	} while (offset && offset < VIRTIO_ARGO_MAX_DEVICES);

	xa_for_each(&bus->vdevs, num, vd) {
		if (!test_bit(num, present))
			va_bus_remove_device(bus, num, true);
		else if (READ_ONCE(vd->detached))
			va_bus_resume_device(bus, vd);
	}
	for_each_set_bit(num, present, VIRTIO_ARGO_MAX_DEVICES)
		va_bus_add_device(bus, num);
	ret = 0;
out:
	kfree(resp);
	return ret;
}

static void va_bus_hotplug(struct va_bus *bus)
{
	DECLARE_BITMAP(added, VIRTIO_ARGO_MAX_DEVICES);
	DECLARE_BITMAP(removed, VIRTIO_ARGO_MAX_DEVICES);
	struct va_vdev *vd;
	unsigned long num;

	spin_lock_irq(&bus->lock);
	bitmap_copy(added, bus->added, VIRTIO_ARGO_MAX_DEVICES);
	bitmap_copy(removed, bus->removed, VIRTIO_ARGO_MAX_DEVICES);
	bitmap_zero(bus->added, VIRTIO_ARGO_MAX_DEVICES);
	bitmap_zero(bus->removed, VIRTIO_ARGO_MAX_DEVICES);
	spin_unlock_irq(&bus->lock);

	for_each_set_bit(num, removed, VIRTIO_ARGO_MAX_DEVICES)
		va_bus_remove_device(bus, num, true);
	for_each_set_bit(num, added, VIRTIO_ARGO_MAX_DEVICES)
		va_bus_add_device(bus, num);
	xa_for_each(&bus->vdevs, num, vd)
		if (READ_ONCE(vd->config_stale))
			va_vdev_refresh_config(vd);
}

static void va_bus_set_state(struct va_bus *bus, enum va_state state)
{
	spin_lock_irq(&bus->lock);
	if (bus->state != VA_CLOSING)
		bus->state = state;
	spin_unlock_irq(&bus->lock);
}

/* HELLO; on success the bus is connected. Return: when to try again. */
static unsigned int va_bus_hello(struct va_bus *bus)
{
	struct virtio_argo_hello req = {
		.version_min = cpu_to_le16(VIRTIO_ARGO_VERSION),
		.version_max = cpu_to_le16(VIRTIO_ARGO_VERSION),
		.features = 0,
		.max_msg = cpu_to_le32(bus->max_msg),
	};
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_hello_resp r;
	} __packed resp;
	unsigned int wait = bus->backoff_ms;
	unsigned int answer_ms;
	const char *why;
	int ret;

	do {
		bus->instance = get_random_u32();
	} while (!bus->instance);
	req.instance = cpu_to_le32(bus->instance);

	/*
	 * A HELLO that Xen put into the back-end's ring is in the hands of
	 * a live back-end, which creates every device of the connection
	 * before it answers: it opens disks, makes taps. Give it at least
	 * as long as any control request, and longer with every HELLO that
	 * went unanswered (the backoff), so that a back-end slower than
	 * timeout_ms is answered too. Resending sooner would make it close
	 * the half-made connection and start again, with the HELLOs queued
	 * behind each other. The floor keeps timeout_ms=0 from sending a
	 * HELLO every millisecond.
	 */
	answer_ms = max3(READ_ONCE(va_timeout_ms), wait, VA_BACKOFF_MIN_MS);
	va_bus_set_state(bus, VA_HELLO);
	ret = va_ctrl_call(bus, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_HELLO, 0,
			   &req, sizeof(req), &resp, sizeof(resp), answer_ms);
	bus->backoff_ms = min(bus->backoff_ms * 2, VA_BACKOFF_MAX_MS);
	if (ret == -EREMOTEIO) {
		u32 code;

		memcpy(&code, &resp, sizeof(code));
		if (code == VIRTIO_ARGO_E_VERSION ||
		    code == VIRTIO_ARGO_E_DENIED) {
			dev_err(&bus->dev,
				"back-end domain %u port %#x refused us (%s): giving up\n",
				bus->be_domid, bus->be_port,
				code == VIRTIO_ARGO_E_DENIED ? "not served" :
				"no common version");
			va_bus_set_state(bus, VA_FAILED);
			return 0;
		}
		dev_warn_ratelimited(&bus->dev, "HELLO refused: error %u\n",
				     code);
		va_bus_set_state(bus, VA_CLOSED);
		return wait;
	}
	if (ret < 0) {
		if (bus->xsm_denied) {
			va_bus_set_state(bus, VA_FAILED);
			return 0;
		}
		/* A timeout already waited; a refused send did not. */
		if (ret == -ETIMEDOUT)
			wait = 1;
		dev_dbg(&bus->dev, "HELLO: %d, again in %u ms\n", ret, wait);
		va_bus_set_state(bus, VA_CLOSED);
		return wait;
	}
	why = ret != sizeof(resp) ? "wrong size" :
	      va_check_hello_resp(&resp.r, 0);
	if (why) {
		dev_err_ratelimited(&bus->dev, "bad HELLO response: %s\n",
				    why);
		va_bus_set_state(bus, VA_CLOSED);
		return wait;
	}

	bus->be_instance = le32_to_cpu(resp.r.instance);
	bus->peer_max_msg = le32_to_cpu(resp.r.max_msg);
	bus->max_chain = le32_to_cpu(resp.r.max_chain);
	bus->backoff_ms = VA_BACKOFF_MIN_MS;
	bus->last_rx = jiffies;
	spin_lock_irq(&bus->lock);
	if (bus->state == VA_HELLO)
		bus->state = VA_CONNECTED;
	spin_unlock_irq(&bus->lock);
	dev_info(&bus->dev,
		 "connected to back-end domain %u port %#x (instance %#x, max message %u, max chain %u)\n",
		 bus->be_domid, bus->be_port, bus->be_instance,
		 bus->peer_max_msg, bus->max_chain);
	bus->rescan = true;
	return 0;
}

/* PING when nothing came for a while: an idle guest notices a restart. */
static void va_bus_keepalive(struct va_bus *bus)
{
	struct virtio_argo_ping req = { .data = cpu_to_le32(jiffies) };
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_ping p;
	} __packed resp;
	int ret;

	if (!va_keepalive_ms ||
	    time_before(jiffies, READ_ONCE(bus->last_rx) +
			msecs_to_jiffies(va_keepalive_ms)))
		return;
	ret = va_ctrl_call(bus, VIRTIO_ARGO_TYPE_BUS, VIRTIO_ARGO_BUS_PING, 0,
			   &req, sizeof(req), &resp, sizeof(resp),
			   va_timeout_ms);
	if (ret == -ETIMEDOUT)
		va_bus_lost(bus, "no answer to PING");
	else if (ret >= 0 && (ret != sizeof(resp) || resp.p.data != req.data))
		va_bus_lost(bus, "bad PING response");
}

static void va_manage_work(struct work_struct *work)
{
	struct va_bus *bus = container_of(to_delayed_work(work),
					  struct va_bus, manage_work);
	unsigned int next = 0;
	struct va_vdev *vd;
	unsigned long num;
	enum va_state state;

	mutex_lock(&bus->manage_lock);
	state = READ_ONCE(bus->state);
	switch (state) {
	case VA_CLOSED:
		va_bus_expire_detached(bus);
		next = va_bus_hello(bus);
		if (READ_ONCE(bus->state) == VA_CONNECTED)
			next = 1;
		break;
	case VA_CONNECTED:
		if (bus->rescan) {
			int ret;

			bus->rescan = false;
			ret = va_bus_enumerate(bus);
			if (ret == -EPROTO)
				va_bus_lost(bus, "bad device list");
			else if (ret)
				bus->rescan = true;	/* again next time */
		}
		va_bus_expire_detached(bus);
		va_bus_hotplug(bus);
		va_ctrl_expire(bus, false);
		va_bus_keepalive(bus);
		next = va_keepalive_ms ? min(va_keepalive_ms, va_timeout_ms) :
					 va_timeout_ms;
		break;
	case VA_LOST:
		/*
		 * The devices wait for the next connection to take them over
		 * (virtio_argo_resume.c), unless there can be none.
		 */
		va_tx_drop_all(bus);
		/* resume_ms counts from the first loss, not from the last. */
		if (!va_bus_any_detached(bus))
			bus->lost_at = jiffies;
		xa_for_each(&bus->vdevs, num, vd)
			va_vdev_detach(vd);
		if (bus->xsm_denied)
			va_bus_remove_all(bus);
		va_ctrl_expire(bus, true);
		atomic64_inc(&bus->stats.reconnects);
		spin_lock_irq(&bus->lock);
		if (bus->state == VA_LOST)
			bus->state = bus->xsm_denied ? VA_FAILED : VA_CLOSED;
		bitmap_zero(bus->added, VIRTIO_ARGO_MAX_DEVICES);
		bitmap_zero(bus->removed, VIRTIO_ARGO_MAX_DEVICES);
		spin_unlock_irq(&bus->lock);
		next = bus->xsm_denied ? 0 : bus->backoff_ms;
		break;
	default:
		break;
	}
	/*
	 * Refused for good (version, policy): no connection will ever take
	 * the devices over, and their requests must not wait for one.
	 */
	if (READ_ONCE(bus->state) == VA_FAILED && !xa_empty(&bus->vdevs))
		va_bus_remove_all(bus);
	if (next && READ_ONCE(bus->state) != VA_CLOSING)
		mod_delayed_work(system_wq, &bus->manage_work,
				 msecs_to_jiffies(next));
	mutex_unlock(&bus->manage_lock);
}

/* debugfs: /sys/kernel/debug/virtio-argo/virtio-argo.N/stats */
static int va_stats_show(struct seq_file *m, void *v)
{
	struct va_bus *bus = m->private;
	const struct va_stats *st = &bus->stats;

	seq_printf(m, "tx_msgs %lld\ntx_bytes %lld\ntx_eagain %lld\ntx_copied %lld\n",
		   atomic64_read(&st->tx_msgs), atomic64_read(&st->tx_bytes),
		   atomic64_read(&st->tx_eagain),
		   atomic64_read(&st->tx_copied));
	seq_printf(m, "tx_deferred %lld\n", atomic64_read(&st->tx_deferred));
	seq_printf(m, "rx_msgs %lld\nrx_bytes %lld\n",
		   atomic64_read(&st->rx_msgs), atomic64_read(&st->rx_bytes));
	seq_printf(m, "chains %lld\ncompletions %lld\n",
		   atomic64_read(&st->chains),
		   atomic64_read(&st->completions));
	seq_printf(m, "dropped %lld\nstale %lld\nctrl_timeouts %lld\nreconnects %lld\n",
		   atomic64_read(&st->dropped), atomic64_read(&st->stale),
		   atomic64_read(&st->ctrl_timeouts),
		   atomic64_read(&st->reconnects));
	seq_printf(m, "resumed %lld\nresent %lld\nfailed %lld\n",
		   atomic64_read(&st->resumed), atomic64_read(&st->resent),
		   atomic64_read(&st->failed));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(va_stats);

static struct dentry *va_debugfs_root;

/**
 * va_debugfs_init() - create the module's debugfs directory
 */
void va_debugfs_init(void)
{
	va_debugfs_root = debugfs_create_dir("virtio-argo", NULL);
}

/**
 * va_debugfs_exit() - remove the module's debugfs directory
 */
void va_debugfs_exit(void)
{
	debugfs_remove_recursive(va_debugfs_root);
}

static void va_bus_debugfs_add(struct va_bus *bus)
{
	bus->debugfs = debugfs_create_dir(dev_name(&bus->dev),
					  va_debugfs_root);
	debugfs_create_file("stats", 0444, bus->debugfs, bus, &va_stats_fops);
}

static void va_bus_release(struct device *dev)
{
	struct va_bus *bus = container_of(dev, struct va_bus, dev);

	ida_free(&va_bus_ida, bus->id);
	kfree(bus->rx_frame);
	kvfree(bus->bounce);
	kfree(bus);
}

/* The DMA device is embedded in the bus and freed with it. */
static void va_dma_dev_release(struct device *dev)
{
}

static const struct argo_ring_ops va_ring_ops = {
	.data_ready = va_data_ready,
	.space_ready = va_space_ready,
};

static int va_bus_open_ring(struct va_bus *bus)
{
	struct argo_ring_config cfg = {
		.partner = bus->be_domid,
		.len = bus->ring_len,
		.ops = &va_ring_ops,
		.priv = bus,
		.name = dev_name(&bus->dev),
	};
	struct argo_ring *ring = ERR_PTR(-EEXIST);
	unsigned int i;

	/* Our port is the reply address: any free one in our range. */
	for (i = 0; i < VA_FE_PORT_COUNT && PTR_ERR(ring) == -EEXIST; i++) {
		cfg.port = VA_FE_PORT_BASE + (bus->id + i) % VA_FE_PORT_COUNT;
		ring = argo_ring_open(&cfg);
	}
	if (IS_ERR(ring)) {
		int ret = PTR_ERR(ring);

		if (ret == -EPERM || ret == -EACCES)
			dev_err(&bus->dev,
				"Argo refused a ring for domain %u (%d): the XSM policy forbids this pair of domains\n",
				bus->be_domid, ret);
		else
			dev_err(&bus->dev,
				"cannot register an Argo ring for domain %u: %d\n",
				bus->be_domid, ret);
		return ret;
	}
	bus->port = cfg.port;
	bus->ring = ring;
	bus->max_msg = min(argo_ring_max_payload(ring), VA_RX_MSG_MAX);
	/* Cannot fail: max_msg is within the ring's limit. */
	argo_ring_set_sender_max(ring, bus->max_msg);
	return 0;
}

/**
 * va_bus_create() - connect to a back-end and register its devices
 * @parent: the firmware device, or NULL for the module parameter
 * @domid: the back-end's domain
 * @port: the back-end's Argo port
 * @ring_len: length of our receive ring
 *
 * The connection and the devices come up asynchronously.
 *
 * Return: the bus, or an ERR_PTR.
 */
struct va_bus *va_bus_create(struct device *parent, u16 domid, u32 port,
			     u32 ring_len)
{
	struct va_bus *bus;
	int ret;

	bus = kzalloc(sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return ERR_PTR(-ENOMEM);
	bus->rx_frame = kmalloc(VA_CTRL_FRAME_MAX, GFP_KERNEL);
	bus->bounce = kvmalloc(VA_TX_BOUNCE, GFP_KERNEL);
	ret = ida_alloc(&va_bus_ida, GFP_KERNEL);
	if (ret < 0 || !bus->rx_frame || !bus->bounce) {
		if (ret >= 0)
			ida_free(&va_bus_ida, ret);
		kfree(bus->rx_frame);
		kvfree(bus->bounce);
		kfree(bus);
		return ERR_PTR(ret < 0 ? ret : -ENOMEM);
	}
	bus->id = ret;
	bus->be_domid = domid;
	bus->be_port = port;
	bus->ring_len = ring_len;
	bus->state = VA_CLOSED;
	bus->backoff_ms = VA_BACKOFF_MIN_MS;
	spin_lock_init(&bus->lock);
	spin_lock_init(&bus->tx_lock);
	spin_lock_init(&bus->cb_lock);
	INIT_LIST_HEAD(&bus->cb_list);
	INIT_LIST_HEAD(&bus->ctrl_wait);
	INIT_LIST_HEAD(&bus->tx_ctrl);
	INIT_LIST_HEAD(&bus->tx_vqs);
	init_waitqueue_head(&bus->ctrl_slot);
	INIT_WORK(&bus->tx_work, va_tx_work);
	INIT_WORK(&bus->rx_work, va_rx_work);
	INIT_DELAYED_WORK(&bus->manage_work, va_manage_work);
	mutex_init(&bus->manage_lock);
	xa_init_flags(&bus->vdevs, XA_FLAGS_LOCK_IRQ);

	device_initialize(&bus->dev);
	bus->dev.parent = parent;
	bus->dev.release = va_bus_release;
	bus->dev.groups = va_bus_groups;
	/* For virtio_max_dma_size(), which asks the parent of a device. */
	bus->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	bus->dev.dma_mask = &bus->dev.coherent_dma_mask;
	set_dma_ops(&bus->dev, &va_dma_ops);
	dev_set_name(&bus->dev, "virtio-argo.%d", bus->id);

	device_initialize(&bus->dma_dev);
	bus->dma_dev.parent = &bus->dev;
	bus->dma_dev.release = va_dma_dev_release;
	bus->dma_dev.dma_mask = &bus->dma_dev.coherent_dma_mask;
	set_dma_ops(&bus->dma_dev, &va_dma_ops);
	/* Through the API, so that the core knows no sync is ever needed. */
	dma_set_mask_and_coherent(&bus->dma_dev, DMA_BIT_MASK(64));
	dev_set_name(&bus->dma_dev, "virtio-argo.%d-dma", bus->id);

	ret = device_add(&bus->dev);
	if (ret)
		goto err_put;
	ret = va_bus_open_ring(bus);
	if (ret)
		goto err_del;
	va_bus_debugfs_add(bus);
	dev_info(&bus->dev, "back-end domain %u port %#x, our port %#x, ring %u bytes\n",
		 domid, port, bus->port, ring_len);
	va_bus_kick(bus);
	return bus;

err_del:
	device_del(&bus->dev);
err_put:
	put_device(&bus->dma_dev);
	put_device(&bus->dev);
	return ERR_PTR(ret);
}

/**
 * va_bus_destroy() - remove the devices, say GOODBYE, close the ring
 * @bus: the bus
 */
void va_bus_destroy(struct va_bus *bus)
{
	struct virtio_argo_hdr bye_hdr;
	struct {
		struct virtio_argo_hdr hdr;
		struct virtio_argo_goodbye g;
	} __packed bye;
	struct kvec iov = { .iov_base = &bye, .iov_len = sizeof(bye) };
	struct argo_ring *ring;
	bool connected;

	/*
	 * Not connected: stop a HELLO that may wait for its answer for up to
	 * timeout_ms. Connected: the devices' resets must still reach the
	 * back-end.
	 */
	spin_lock_irq(&bus->lock);
	if (bus->state != VA_CONNECTED) {
		bus->state = VA_CLOSING;
		va_ctrl_fail_all(bus, -ENOTCONN);
	}
	spin_unlock_irq(&bus->lock);
	mutex_lock(&bus->manage_lock);
	cancel_delayed_work(&bus->manage_work);
	va_bus_remove_all(bus);
	spin_lock_irq(&bus->lock);
	connected = bus->state == VA_CONNECTED;
	bus->state = VA_CLOSING;
	va_ctrl_fail_all(bus, -ENOTCONN);
	spin_unlock_irq(&bus->lock);
	mutex_unlock(&bus->manage_lock);
	cancel_delayed_work_sync(&bus->manage_work);

	if (connected) {
		va_hdr_init(&bye_hdr, VIRTIO_ARGO_TYPE_BUS,
			    VIRTIO_ARGO_BUS_GOODBYE, 0, 0, sizeof(bye));
		bye.hdr = bye_hdr;
		bye.g.reason = cpu_to_le32(VIRTIO_ARGO_E_OK);
		argo_sendv_wait(bus->ring, bus->be_domid, bus->be_port,
				VIRTIO_ARGO_ARGO_TYPE, &iov, 1, HZ);
	}
	/* Stop both directions before the ring goes away. */
	WRITE_ONCE(bus->dead, true);
	cancel_work_sync(&bus->rx_work);
	spin_lock_irq(&bus->tx_lock);
	ring = bus->ring;
	bus->ring = NULL;
	spin_unlock_irq(&bus->tx_lock);
	cancel_work_sync(&bus->tx_work);
	argo_ring_close(ring);
	cancel_work_sync(&bus->rx_work);
	cancel_work_sync(&bus->tx_work);
	cancel_delayed_work_sync(&bus->manage_work);
	va_tx_drop_all(bus);
	va_ctrl_expire(bus, true);
	xa_destroy(&bus->vdevs);
	debugfs_remove_recursive(bus->debugfs);
	device_del(&bus->dev);
	put_device(&bus->dma_dev);
	put_device(&bus->dev);
}

/* sysfs: /sys/devices/.../virtio-argo.N/ */
static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct va_bus *bus = container_of(dev, struct va_bus, dev);

	return sysfs_emit(buf, "%s\n", va_state_names[READ_ONCE(bus->state)]);
}
static DEVICE_ATTR_RO(state);

#define VA_BUS_ATTR(name, fmt, expr)					\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct va_bus *bus = container_of(dev, struct va_bus, dev);	\
									\
	return sysfs_emit(buf, fmt "\n", expr);				\
}									\
static DEVICE_ATTR_RO(name)

VA_BUS_ATTR(backend_domid, "%u", bus->be_domid);
VA_BUS_ATTR(backend_port, "%#x", bus->be_port);
VA_BUS_ATTR(port, "%#x", bus->port);
VA_BUS_ATTR(ring_size, "%u", bus->ring_len);
VA_BUS_ATTR(backend_instance, "%#x", READ_ONCE(bus->be_instance));

static struct attribute *va_bus_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_backend_domid.attr,
	&dev_attr_backend_port.attr,
	&dev_attr_port.attr,
	&dev_attr_ring_size.attr,
	&dev_attr_backend_instance.attr,
	NULL,
};

static const struct attribute_group va_bus_group = {
	.attrs = va_bus_attrs,
};

const struct attribute_group *va_bus_groups[] = {
	&va_bus_group,
	NULL,
};
