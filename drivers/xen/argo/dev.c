// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/argo: Argo for user space. One ring per open file; messages go out
 * with ARGO_IOC_SENDV (or write() after ARGO_IOC_CONNECT) and come in one
 * per ARGO_IOC_RECV (or read()). See include/uapi/linux/argo.h.
 *
 * User buffers are never handed to Xen: they may not be resident, and Xen
 * cannot fault them in. A send copies them into a per-file kernel buffer
 * first; a receive copies straight from the ring into the user's buffer and
 * only then releases the space, so a fault loses nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <uapi/linux/argo.h>

#include "argo_private.h"
#include "ringbuf.h"

static_assert(ARGO_DOMID_ANY == XEN_ARGO_DOMID_ANY);
static_assert(ARGO_RING_LEN_MIN == ARGO_RING_MIN_LEN);
static_assert(ARGO_RING_LEN_MAX == ARGO_RING_MAX_LEN);
static_assert(ARGO_MAX_IOV == XEN_ARGO_MAXIOV);

/* The largest message any ring accepts. */
#define ARGO_DEV_MSG_MAX	ARGO_RING_MAX_PAYLOAD(ARGO_RING_LEN_MAX)

static atomic_t argo_user_rings = ATOMIC_INIT(0);

struct argo_file {
	struct argo_ring *ring;		/* set once by BIND */
	struct mutex state_lock;	/* BIND, CONNECT */
	struct mutex rx_lock;		/* receives */
	struct mutex tx_lock;		/* sends, txbuf */
	wait_queue_head_t rx_wq;
	struct argo_connect conn;
	bool connected;
	void *txbuf;
	size_t txbuf_len;
	/* A non-blocking send found the destination full at this VIRQ gen. */
	bool tx_blocked;
	int tx_gen;
};

/* What a receive wants back from argo_dev_recv_one(). */
struct argo_dev_rx {
	void __user *buf;
	u32 buf_len;
	bool peek;
	struct argo_recv __user *uresult;	/* NULL for read() */
	struct argo_recv result;
	bool got;
	u32 copied;
};

static struct argo_ring *argo_file_ring(struct argo_file *af)
{
	/* Pairs with the store in argo_dev_bind(). */
	return smp_load_acquire(&af->ring);
}

static void argo_dev_data_ready(struct argo_ring *ring, void *priv)
{
	struct argo_file *af = priv;

	wake_up_interruptible_poll(&af->rx_wq, EPOLLIN | EPOLLRDNORM);
}

static const struct argo_ring_ops argo_dev_ring_ops = {
	.data_ready = argo_dev_data_ready,
};

static long argo_dev_bind(struct argo_file *af, struct argo_bind __user *ub)
{
	struct argo_ring_config cfg = {
		.ops = &argo_dev_ring_ops,
		.priv = af,
		.name = current->comm,
	};
	struct argo_ring *ring;
	struct argo_bind b;
	u32 sender_max;
	long ret;

	if (copy_from_user(&b, ub, sizeof(b)))
		return -EFAULT;
	if (b.flags & ~ARGO_BIND_F_SENDER_MAX) {
		pr_notice_ratelimited("bind: unknown flags %#x\n", b.flags);
		return -EINVAL;
	}
	cfg.port = b.port;
	cfg.partner = b.partner;
	cfg.len = b.ring_len ?: argo_default_ring_len;
	if (!argo_ring_len_valid(cfg.len)) {
		pr_notice_ratelimited("bind: ring length %u invalid: need a multiple of 16 in [%u, %u]\n",
				      cfg.len, ARGO_RING_LEN_MIN,
				      ARGO_RING_LEN_MAX);
		return -EINVAL;
	}
	sender_max = b.max_payload;
	b.max_payload = argo_ring_max_payload_for_len(cfg.len);
	if ((b.flags & ARGO_BIND_F_SENDER_MAX) &&
	    (!sender_max || sender_max > b.max_payload)) {
		pr_notice_ratelimited("bind: sender max_payload %u invalid: need 1 .. %u\n",
				      sender_max, b.max_payload);
		return -EINVAL;
	}
	/* Fail before binding rather than bind and fail. */
	if (put_user(b.max_payload, &ub->max_payload))
		return -EFAULT;

	mutex_lock(&af->state_lock);
	if (af->ring) {
		ret = -EBUSY;
		goto out;
	}
	if (atomic_inc_return(&argo_user_rings) > argo_max_user_rings) {
		pr_notice_ratelimited("bind: max_user_rings (%u) reached\n",
				      argo_max_user_rings);
		ret = -ENOSPC;
		goto out_dec;
	}
	ring = argo_ring_open(&cfg);
	if (IS_ERR(ring)) {
		ret = PTR_ERR(ring);
		goto out_dec;
	}
	if (b.flags & ARGO_BIND_F_SENDER_MAX)
		argo_ring_set_sender_max(ring, sender_max);
	/* Publish the ring only when it is fully set up. */
	smp_store_release(&af->ring, ring);
	mutex_unlock(&af->state_lock);
	return 0;

out_dec:
	atomic_dec(&argo_user_rings);
out:
	mutex_unlock(&af->state_lock);
	return ret;
}

static int argo_dev_grow_txbuf(struct argo_file *af, size_t len)
{
	void *buf;

	if (len <= af->txbuf_len)
		return 0;
	buf = kvmalloc(len, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	kvfree(af->txbuf);
	af->txbuf = buf;
	af->txbuf_len = len;
	return 0;
}

static ssize_t argo_dev_send(struct argo_file *af, struct file *file,
			     u16 domid, u32 port, u32 type,
			     const struct argo_iov *uiov, unsigned int niov)
{
	struct argo_ring *ring = argo_file_ring(af);
	size_t total = 0, off = 0;
	struct kvec kv;
	unsigned int i;
	ssize_t ret;

	if (!ring)
		return -ENOTCONN;
	for (i = 0; i < niov; i++) {
		if (uiov[i].len > ARGO_DEV_MSG_MAX ||
		    total + uiov[i].len > ARGO_DEV_MSG_MAX) {
			pr_notice_ratelimited("send: message longer than %u bytes\n",
					      ARGO_DEV_MSG_MAX);
			return -EMSGSIZE;
		}
		total += uiov[i].len;
	}

	if (mutex_lock_interruptible(&af->tx_lock))
		return -ERESTARTSYS;
	ret = argo_dev_grow_txbuf(af, total);
	if (ret)
		goto out;
	for (i = 0; i < niov; i++) {
		if (copy_from_user(af->txbuf + off, u64_to_user_ptr(uiov[i].base),
				   uiov[i].len)) {
			ret = -EFAULT;
			goto out;
		}
		off += uiov[i].len;
	}
	kv.iov_base = af->txbuf;
	kv.iov_len = total;

	if (file->f_flags & O_NONBLOCK) {
		int gen = atomic_read(&argo_space_gen);

		ret = argo_sendv(ring, domid, port, type, &kv, total ? 1 : 0);
		if (ret == -EAGAIN) {
			WRITE_ONCE(af->tx_gen, gen);
			WRITE_ONCE(af->tx_blocked, true);
		}
	} else {
		ret = argo_sendv_wait(ring, domid, port, type, &kv,
				      total ? 1 : 0, MAX_SCHEDULE_TIMEOUT);
	}
	if (ret >= 0)
		WRITE_ONCE(af->tx_blocked, false);
	else if (ret != -EAGAIN && ret != -ERESTARTSYS)
		pr_notice_ratelimited("send %zu bytes to domain %u port %#x: %zd\n",
				      total, domid, port, ret);
out:
	mutex_unlock(&af->tx_lock);
	return ret;
}

static long argo_dev_sendv(struct argo_file *af, struct file *file,
			   struct argo_sendv __user *us)
{
	struct argo_iov uiov[ARGO_MAX_IOV];
	struct argo_sendv s;

	if (copy_from_user(&s, us, sizeof(s)))
		return -EFAULT;
	if (s.pad || s.niov > ARGO_MAX_IOV) {
		pr_notice_ratelimited("send: bad arguments (pad %#x, niov %u, at most %u)\n",
				      s.pad, s.niov, ARGO_MAX_IOV);
		return -EINVAL;
	}
	if (copy_from_user(uiov, u64_to_user_ptr(s.iov),
			   s.niov * sizeof(uiov[0])))
		return -EFAULT;
	return argo_dev_send(af, file, s.domid, s.port, s.type, uiov, s.niov);
}

static int argo_dev_recv_one(struct argo_ring *ring, const struct argo_msg *msg,
			     void *arg)
{
	struct argo_dev_rx *rx = arg;
	u32 n = min(msg->len, rx->buf_len);
	struct iov_iter iter;
	int ret;

	ret = import_ubuf(ITER_DEST, rx->buf, n, &iter);
	if (ret)
		return ret;
	ret = argo_msg_copy_to_iter(ring, msg, 0, n, &iter);
	if (ret)
		return ret;

	rx->result.msg_len = msg->len;
	rx->result.src_domid = msg->src_domid;
	rx->result.src_port = msg->src_port;
	rx->result.type = msg->type;
	if (n < msg->len)
		rx->result.flags |= ARGO_RECV_F_TRUNC;
	/* Report before consuming: a fault here must not lose the message. */
	if (rx->uresult &&
	    copy_to_user(rx->uresult, &rx->result, sizeof(rx->result)))
		return -EFAULT;
	rx->got = true;
	rx->copied = n;
	return rx->peek ? ARGO_RECV_KEEP : ARGO_RECV_STOP;
}

/*
 * Tell a receiver in a loop that another message waits: one system call
 * less per wake-up, which in a PV domain is two switches of page tables.
 * After the message is consumed, so it cannot fail it: if the flag does
 * not reach user space, the caller only receives once more for nothing.
 */
static void argo_dev_recv_more(struct argo_ring *ring, struct argo_dev_rx *rx)
{
	if (rx->peek || !rx->uresult || !argo_ring_has_data(ring))
		return;
	(void)put_user(rx->result.flags | ARGO_RECV_F_MORE,
		       &rx->uresult->flags);
}

static ssize_t argo_dev_recv(struct argo_file *af, struct file *file,
			     struct argo_dev_rx *rx)
{
	struct argo_ring *ring = argo_file_ring(af);
	int ret;

	if (!ring)
		return -ENOTCONN;
	for (;;) {
		if (mutex_lock_interruptible(&af->rx_lock))
			return -ERESTARTSYS;
		ret = argo_ring_recv(ring, argo_dev_recv_one, rx, 1);
		mutex_unlock(&af->rx_lock);
		if (ret < 0)
			return ret;
		if (rx->got) {
			argo_dev_recv_more(ring, rx);
			return rx->copied;
		}
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(af->rx_wq,
					       argo_ring_has_data(ring));
		if (ret)
			return ret;
	}
}

static long argo_dev_recv_ioctl(struct argo_file *af, struct file *file,
				struct argo_recv __user *ur)
{
	struct argo_dev_rx rx = { .uresult = ur };
	struct argo_recv r;

	if (copy_from_user(&r, ur, sizeof(r)))
		return -EFAULT;
	/* TRUNC, MORE are outputs: accept them back in a reused struct. */
	if (r.flags & ~(ARGO_RECV_F_PEEK | ARGO_RECV_F_TRUNC |
			ARGO_RECV_F_MORE)) {
		pr_notice_ratelimited("recv: unknown flags %#x\n", r.flags);
		return -EINVAL;
	}
	rx.buf = u64_to_user_ptr(r.buf);
	rx.buf_len = r.buf_len;
	rx.peek = r.flags & ARGO_RECV_F_PEEK;
	rx.result = r;
	rx.result.flags = r.flags & ARGO_RECV_F_PEEK;
	rx.result.pad = 0;
	return argo_dev_recv(af, file, &rx);
}

static long argo_dev_connect(struct argo_file *af,
			     struct argo_connect __user *uc)
{
	struct argo_connect c;

	if (copy_from_user(&c, uc, sizeof(c)))
		return -EFAULT;
	if (c.pad) {
		pr_notice_ratelimited("connect: pad must be 0\n");
		return -EINVAL;
	}
	mutex_lock(&af->state_lock);
	af->conn = c;
	af->connected = true;
	mutex_unlock(&af->state_lock);
	return 0;
}

static long argo_dev_info(struct argo_file *af, struct argo_info __user *ui)
{
	struct argo_ring *ring = argo_file_ring(af);
	struct argo_info info = { .domid = argo_domid() };

	if (ring) {
		info.bound = 1;
		info.port = ring->port;
		info.partner = READ_ONCE(ring->partner);
		info.ring_len = ring->len;
		info.max_payload = argo_ring_max_payload(ring);
	}
	return copy_to_user(ui, &info, sizeof(info)) ? -EFAULT : 0;
}

static long argo_dev_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct argo_file *af = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case ARGO_IOC_BIND:
		return argo_dev_bind(af, uarg);
	case ARGO_IOC_SENDV:
		return argo_dev_sendv(af, file, uarg);
	case ARGO_IOC_RECV:
		return argo_dev_recv_ioctl(af, file, uarg);
	case ARGO_IOC_CONNECT:
		return argo_dev_connect(af, uarg);
	case ARGO_IOC_INFO:
		return argo_dev_info(af, uarg);
	default:
		return -ENOTTY;
	}
}

static ssize_t argo_dev_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct argo_dev_rx rx = {
		.buf = buf,
		.buf_len = min_t(size_t, count, U32_MAX),
	};

	/* A zero-byte read must not consume (and lose) a message. */
	if (!count)
		return 0;
	return argo_dev_recv(file->private_data, file, &rx);
}

static ssize_t argo_dev_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct argo_file *af = file->private_data;
	struct argo_iov iov = { .base = (uintptr_t)buf, .len = count };
	struct argo_connect c;

	mutex_lock(&af->state_lock);
	c = af->conn;
	if (!af->connected) {
		mutex_unlock(&af->state_lock);
		return -EDESTADDRREQ;
	}
	mutex_unlock(&af->state_lock);
	return argo_dev_send(af, file, c.domid, c.port, c.type, &iov, 1);
}

static __poll_t argo_dev_poll(struct file *file, poll_table *wait)
{
	struct argo_file *af = file->private_data;
	struct argo_ring *ring = argo_file_ring(af);
	__poll_t mask = 0;

	poll_wait(file, &af->rx_wq, wait);
	poll_wait(file, &argo_space_wq, wait);
	if (ring && argo_ring_has_data(ring))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (ring && argo_ring_broken(ring))
		mask |= EPOLLERR;
	if (!READ_ONCE(af->tx_blocked) ||
	    atomic_read(&argo_space_gen) != READ_ONCE(af->tx_gen))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static int argo_dev_open(struct inode *inode, struct file *file)
{
	struct argo_file *af = kzalloc(sizeof(*af), GFP_KERNEL_ACCOUNT);

	if (!af)
		return -ENOMEM;
	mutex_init(&af->state_lock);
	mutex_init(&af->rx_lock);
	mutex_init(&af->tx_lock);
	init_waitqueue_head(&af->rx_wq);
	file->private_data = af;
	return nonseekable_open(inode, file);
}

static int argo_dev_release(struct inode *inode, struct file *file)
{
	struct argo_file *af = file->private_data;

	if (af->ring) {
		argo_ring_close(af->ring);
		atomic_dec(&argo_user_rings);
	}
	kvfree(af->txbuf);
	kfree(af);
	return 0;
}

static const struct file_operations argo_dev_fops = {
	.owner = THIS_MODULE,
	.open = argo_dev_open,
	.release = argo_dev_release,
	.read = argo_dev_read,
	.write = argo_dev_write,
	.poll = argo_dev_poll,
	.unlocked_ioctl = argo_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice argo_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "argo",
	.fops = &argo_dev_fops,
	.mode = 0600,
};

int argo_dev_init(void)
{
	return misc_register(&argo_miscdev);
}

void argo_dev_exit(void)
{
	misc_deregister(&argo_miscdev);
}
