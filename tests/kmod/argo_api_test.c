// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of xen-argo's in-kernel API on real Xen, in the domain it is
 * loaded in: every message goes through the hypervisor to the domain's
 * own rings (loopback). Run at insmod; results are TAP lines in the
 * kernel log ("argo_api_test: ok N - ..."), ending in "N passed, N failed".
 * Xen must be booted with argo=1,mac-permissive=1 (wildcard rings).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <xen/argo.h>

#define T_PORT		0xa7e50000U
#define T_TIMEOUT	(5 * HZ)

static unsigned int tap_num, tap_failed;
static u16 self;

static __printf(2, 3) bool tap(bool ok, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%sok %u - api: %pV\n", ok ? "" : "not ", ++tap_num, &vaf);
	va_end(args);
	if (!ok)
		tap_failed++;
	return ok;
}

struct test_ring {
	struct argo_ring *ring;
	wait_queue_head_t wq;
	atomic_t data;
	atomic_t space;
};

static void t_data_ready(struct argo_ring *ring, void *priv)
{
	struct test_ring *t = priv;

	atomic_inc(&t->data);
	wake_up(&t->wq);
}

static void t_space_ready(struct argo_ring *ring, void *priv)
{
	struct test_ring *t = priv;

	atomic_inc(&t->space);
	wake_up(&t->wq);
}

static const struct argo_ring_ops t_ops = {
	.data_ready = t_data_ready,
	.space_ready = t_space_ready,
};

static int t_open(struct test_ring *t, u32 port, u16 partner, u32 len)
{
	struct argo_ring_config cfg = {
		.port = port, .partner = partner, .len = len,
		.ops = &t_ops, .priv = t, .name = "api-test",
	};

	init_waitqueue_head(&t->wq);
	atomic_set(&t->data, 0);
	atomic_set(&t->space, 0);
	t->ring = argo_ring_open(&cfg);
	return PTR_ERR_OR_ZERO(t->ring);
}

static void t_close(struct test_ring *t)
{
	if (!IS_ERR_OR_NULL(t->ring))
		argo_ring_close(t->ring);
	t->ring = NULL;
}

/* One received message, copied out. */
struct rx1 {
	u8 *buf;
	u32 cap;
	struct argo_msg msg;
	bool got;
};

static int rx1_fn(struct argo_ring *ring, const struct argo_msg *msg,
		  void *arg)
{
	struct rx1 *r = arg;
	int ret;

	r->msg = *msg;
	ret = argo_msg_read(ring, msg, 0, r->buf, min(msg->len, r->cap));
	if (ret)
		return ret;
	r->got = true;
	return ARGO_RECV_STOP;
}

static int t_recv(struct test_ring *t, struct rx1 *r)
{
	int ret;

	r->got = false;
	if (!wait_event_timeout(t->wq, argo_ring_has_data(t->ring),
				T_TIMEOUT))
		return -ETIMEDOUT;
	ret = argo_ring_recv(t->ring, rx1_fn, r, 1);
	if (ret < 0)
		return ret;
	return r->got ? 0 : -ENOMSG;
}

static u8 pattern(u32 seq, u32 i)
{
	return (u8)(seq * 131 + i * 7 + (i >> 8));
}

static void fill(u8 *buf, u32 len, u32 seq)
{
	u32 i;

	for (i = 0; i < len; i++)
		buf[i] = pattern(seq, i);
}

static long check_from(const u8 *buf, u32 start, u32 len, u32 seq)
{
	u32 i;

	for (i = start; i < len; i++)
		if (buf[i] != pattern(seq, i))
			return i;
	return -1;
}

static long check(const u8 *buf, u32 len, u32 seq)
{
	return check_from(buf, 0, len, seq);
}

/* Send @len bytes of @buf split into @pieces iovecs. */
static int t_send(struct test_ring *from, u32 port, u32 type, u8 *buf, u32 len,
		  unsigned int pieces)
{
	struct kvec iov[XEN_ARGO_MAXIOV + 1];
	u32 off = 0, each;
	unsigned int i;

	if (!len)
		return argo_sendv(from->ring, self, port, type, NULL, 0);
	each = DIV_ROUND_UP(len, pieces);
	for (i = 0; i < pieces; i++) {
		u32 n = min(each, len - off);

		iov[i].iov_base = buf + off;
		iov[i].iov_len = n;
		off += n;
	}
	return argo_sendv(from->ring, self, port, type, iov, pieces);
}

static void test_ring_lengths(void)
{
	static const u32 bad[] = { 0, 32, 47, 50, 0x1000000, 0xffffffff };
	struct test_ring t;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = t_open(&t, T_PORT, self, bad[i]);
		tap(ret == -EINVAL, "ring length %#x refused (%d)", bad[i], ret);
		t_close(&t);
	}
	ret = t_open(&t, T_PORT, self, 48);
	tap(!ret && argo_ring_max_payload(t.ring) == 16,
	    "minimum ring (48 bytes) registers (%d)", ret);
	t_close(&t);
	ret = t_open(&t, T_PORT, self, 0xffffc0);
	tap(!ret, "maximum ring (16 MiB less header) registers (%d)", ret);
	t_close(&t);
}

static void test_duplicate(void)
{
	struct test_ring a, b;
	int ra, rb;

	ra = t_open(&a, T_PORT, self, 4096 - 64);
	rb = t_open(&b, T_PORT, self, 4096 - 64);
	tap(!ra && rb == -EEXIST, "second ring on same port and partner: -EEXIST (%d, %d)",
	    ra, rb);
	t_close(&b);
	t_close(&a);
	/* Closing must have removed it from Xen: the port is free again. */
	ra = t_open(&a, T_PORT, self, 4096 - 64);
	tap(!ra, "port free again after close (%d)", ra);
	t_close(&a);
}

static void test_sizes(void)
{
	static const u32 sizes[] = { 0, 1, 15, 16, 17, 4095, 4096, 65440 };
	struct test_ring rx, tx;
	struct rx1 r = { .cap = 65536 };
	u8 *out = vmalloc(65536);
	unsigned int i;
	int ret;

	r.buf = vmalloc(65536);
	if (!out || !r.buf || t_open(&rx, T_PORT, self, 65472) ||
	    t_open(&tx, T_PORT + 1, self, 4096 - 64)) {
		tap(false, "sizes: setup");
		goto out;
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 len = sizes[i];
		unsigned int pieces = len ? 1 + i % XEN_ARGO_MAXIOV : 0;
		long bad;

		fill(out, len, i);
		ret = t_send(&tx, T_PORT, 0x1000 + i, out, len, pieces ?: 1);
		if (!tap(ret == len, "send %u bytes in %u iovecs (%d)", len,
			 pieces, ret))
			continue;
		ret = t_recv(&rx, &r);
		bad = ret ? 0 : check(r.buf, r.msg.len, i);
		tap(!ret && r.msg.len == len && bad < 0 &&
		    r.msg.src_domid == self && r.msg.src_port == T_PORT + 1 &&
		    r.msg.type == 0x1000 + i,
		    "receive %u bytes intact with sender domid/port/type (%d, len %u, bad byte %ld, from %u:%#x type %#x)",
		    len, ret, r.msg.len, bad, r.msg.src_domid, r.msg.src_port,
		    r.msg.type);
	}
	ret = t_send(&tx, T_PORT, 0, out, 65441, 1);
	tap(ret == -EMSGSIZE, "max payload + 1 refused: -EMSGSIZE (%d)", ret);
	{
		struct kvec iov[XEN_ARGO_MAXIOV + 1];

		for (i = 0; i < ARRAY_SIZE(iov); i++) {
			iov[i].iov_base = out;
			iov[i].iov_len = 1;
		}
		ret = argo_sendv(tx.ring, self, T_PORT, 0, iov, ARRAY_SIZE(iov));
		tap(ret == -EINVAL, "9 iovecs refused: -EINVAL (%d)", ret);
	}
	tap(!argo_ring_has_data(rx.ring), "nothing left behind");
out:
	t_close(&tx);
	t_close(&rx);
	vfree(out);
	vfree(r.buf);
}

static void test_wrap(void)
{
	struct test_ring rx, tx;
	u8 out[224], in[224];
	struct rx1 r = { .buf = in, .cap = sizeof(in) };
	unsigned int i, errors = 0;
	int ret;

	if (t_open(&rx, T_PORT, self, 256) ||
	    t_open(&tx, T_PORT + 1, self, 256)) {
		tap(false, "wrap: setup");
		goto out;
	}
	for (i = 0; i < 3000 && errors < 5; i++) {
		u32 len = (i * 37) % 225;

		fill(out, len, i);
		ret = t_send(&tx, T_PORT, i, out, len, 1 + i % 3);
		if (ret != len) {
			pr_err("wrap: send %u: %d\n", i, ret);
			errors++;
			continue;
		}
		ret = t_recv(&rx, &r);
		if (ret || r.msg.len != len || r.msg.type != i ||
		    check(in, len, i) >= 0) {
			pr_err("wrap: message %u: %d len %u type %u\n", i, ret,
			       r.msg.len, r.msg.type);
			errors++;
		}
	}
	tap(!errors, "3000 messages of 0..224 bytes through a 256-byte ring, wrapping (%u errors)",
	    errors);
out:
	t_close(&tx);
	t_close(&rx);
}

static void test_full(void)
{
	struct test_ring rx, tx;
	u8 out[100], in[100];
	struct rx1 r = { .buf = in, .cap = sizeof(in) };
	unsigned int sent = 0, i, errors = 0;
	int ret;

	if (t_open(&rx, T_PORT, self, 1024) ||
	    t_open(&tx, T_PORT + 1, self, 256)) {
		tap(false, "full: setup");
		goto out;
	}
	for (;;) {
		fill(out, sizeof(out), sent);
		ret = t_send(&tx, T_PORT, sent, out, sizeof(out), 1);
		if (ret != sizeof(out))
			break;
		sent++;
	}
	/*
	 * A 100-byte message takes 128 bytes (header, padding) and Xen wants
	 * strictly more free space than that: a 1024-byte ring takes seven.
	 */
	tap(ret == -EAGAIN && sent == 7, "full ring: -EAGAIN after %u messages (%d)",
	    sent, ret);
	ret = t_recv(&rx, &r);
	tap(!ret && r.msg.type == 0, "receive frees space (%d)", ret);
	ret = wait_event_timeout(tx.wq, atomic_read(&tx.space), T_TIMEOUT);
	tap(ret > 0, "space_ready called after the receiver made room");
	fill(out, sizeof(out), sent);
	ret = t_send(&tx, T_PORT, sent, out, sizeof(out), 1);
	tap(ret == sizeof(out), "send succeeds after space_ready (%d)", ret);
	if (ret == sizeof(out))
		sent++;
	for (i = 1; i < sent; i++) {
		ret = t_recv(&rx, &r);
		if (ret || r.msg.type != i || check(in, sizeof(in), i) >= 0)
			errors++;
	}
	tap(!errors && !argo_ring_has_data(rx.ring),
	    "all %u messages delivered in order once (%u errors)", sent, errors);
out:
	t_close(&tx);
	t_close(&rx);
}

/* A stream through a small ring with a slow reader: back-pressure. */
struct stream {
	struct test_ring *tx;
	u32 count;
	u32 eagain;
	int err;
	struct completion done;
};

static int stream_sender(void *arg)
{
	struct stream *s = arg;
	u8 buf[64];
	u32 seq;

	for (seq = 0; seq < s->count; seq++) {
		u32 len = 8 + seq % 57;
		struct kvec iov = { .iov_base = buf, .iov_len = len };
		int ret;

		fill(buf, len, seq);
		memcpy(buf, &seq, sizeof(seq));
		ret = argo_sendv(s->tx->ring, self, T_PORT, len, &iov, 1);
		if (ret == -EAGAIN) {
			s->eagain++;
			ret = argo_sendv_wait(s->tx->ring, self, T_PORT, len,
					      &iov, 1, T_TIMEOUT);
		}
		if (ret != len) {
			s->err = ret;
			break;
		}
	}
	complete(&s->done);
	return 0;
}

static void test_stream(void)
{
	struct stream s = { .count = 10000 };
	struct test_ring rx, tx;
	struct task_struct *task;
	u8 in[64];
	struct rx1 r = { .buf = in, .cap = sizeof(in) };
	u32 seq, got;
	int ret = 0;

	if (t_open(&rx, T_PORT, self, 256) ||
	    t_open(&tx, T_PORT + 1, self, 256)) {
		tap(false, "stream: setup");
		goto out;
	}
	s.tx = &tx;
	init_completion(&s.done);
	task = kthread_run(stream_sender, &s, "argo-api-test");
	if (IS_ERR(task)) {
		tap(false, "stream: kthread");
		goto out;
	}
	for (seq = 0; seq < s.count; seq++) {
		if (seq % 64 == 0)
			usleep_range(500, 1000);
		ret = t_recv(&rx, &r);
		if (ret)
			break;
		memcpy(&got, in, sizeof(got));
		if (got != seq || r.msg.len != r.msg.type ||
		    r.msg.len != 8 + seq % 57 ||
		    check_from(in, sizeof(seq), r.msg.len, seq) >= 0) {
			ret = -EBADMSG;
			pr_err("stream: expected %u got %u len %u\n", seq, got,
			       r.msg.len);
			break;
		}
	}
	wait_for_completion(&s.done);
	tap(!ret && !s.err && seq == s.count && !argo_ring_has_data(rx.ring),
	    "stream of %u messages through a 256-byte ring: none lost, duplicated or reordered (recv %d, send %d, at %u)",
	    s.count, ret, s.err, seq);
	tap(s.eagain > 0, "stream met back-pressure: %u sends waited for space",
	    s.eagain);
out:
	t_close(&tx);
	t_close(&rx);
}

static void test_errors(void)
{
	struct test_ring tx;
	u8 b = 0;
	struct kvec iov = { .iov_base = &b, .iov_len = 1 };
	int ret;

	if (t_open(&tx, T_PORT + 1, self, 256)) {
		tap(false, "errors: setup");
		return;
	}
	ret = argo_sendv(tx.ring, 0x7ff0, T_PORT, 0, &iov, 1);
	tap(ret == -ESRCH, "send to a domain that does not exist: -ESRCH (%d)",
	    ret);
	ret = argo_sendv(tx.ring, self, T_PORT + 77, 0, &iov, 1);
	tap(ret == -ECONNREFUSED, "send to a port without a ring: -ECONNREFUSED (%d)",
	    ret);
	t_close(&tx);
}

static int nested_fn(struct argo_ring *ring, const struct argo_msg *msg,
		     void *arg)
{
	int *nested = arg;
	u8 b;

	*nested = argo_ring_recv(ring, nested_fn, arg, 1);
	if (argo_msg_read(ring, msg, msg->len, &b, 1) != -EINVAL)
		*nested = 1;
	return ARGO_RECV_NEXT;
}

static void test_reregister_and_misuse(void)
{
	struct test_ring rx, tx, any;
	u8 out[40], in[40];
	struct rx1 r = { .buf = in, .cap = sizeof(in) };
	unsigned int i, ok = 0;
	int ret, nested = 0;

	if (t_open(&rx, T_PORT, self, 512) ||
	    t_open(&tx, T_PORT + 1, self, 256)) {
		tap(false, "reregister: setup");
		goto out;
	}
	for (i = 0; i < 3; i++) {
		fill(out, sizeof(out), i);
		t_send(&tx, T_PORT, i, out, sizeof(out), 1);
	}
	ret = argo_ring_reregister(rx.ring, self);
	tap(!ret, "re-register a live ring (%d)", ret);
	fill(out, sizeof(out), 3);
	ret = t_send(&tx, T_PORT, 3, out, sizeof(out), 1);
	for (i = 0; i < 4; i++)
		if (!t_recv(&rx, &r) && r.msg.type == i &&
		    check(in, sizeof(in), i) < 0)
			ok++;
	tap(ret == sizeof(out) && ok == 4,
	    "messages before and after re-registration all delivered (%u of 4)",
	    ok);

	/*
	 * A partner restarting comes back under a new domid: the ring moves to
	 * the new partner. Here: from ourselves to any domain and back, with a
	 * message left unread across each move.
	 */
	fill(out, sizeof(out), 6);
	t_send(&tx, T_PORT, 6, out, sizeof(out), 1);
	ret = argo_ring_reregister(rx.ring, XEN_ARGO_DOMID_ANY);
	ok = 0;
	if (!ret) {
		fill(out, sizeof(out), 7);
		ok += t_send(&tx, T_PORT, 7, out, sizeof(out), 1) == sizeof(out);
		ret = argo_ring_reregister(rx.ring, self);
	}
	if (!ret) {
		fill(out, sizeof(out), 8);
		ok += t_send(&tx, T_PORT, 8, out, sizeof(out), 1) == sizeof(out);
		for (i = 6; i < 9; i++)
			ok += !t_recv(&rx, &r) && r.msg.type == i &&
			      check(in, sizeof(in), i) < 0;
	}
	tap(!ret && ok == 5,
	    "re-register for another partner and back: unread and new messages delivered (%d, %u of 5)",
	    ret, ok);

	t_send(&tx, T_PORT, 9, out, sizeof(out), 1);
	wait_event_timeout(rx.wq, argo_ring_has_data(rx.ring), T_TIMEOUT);
	ret = argo_ring_recv(rx.ring, nested_fn, &nested, 1);
	tap(ret == 1 && nested == -EBUSY,
	    "nested receive refused with -EBUSY, out-of-range read with -EINVAL (%d, %d)",
	    ret, nested);

	ret = t_open(&any, T_PORT + 2, XEN_ARGO_DOMID_ANY, 256);
	if (tap(!ret, "wildcard ring registers (%d)", ret)) {
		fill(out, sizeof(out), 5);
		ret = t_send(&tx, T_PORT + 2, 5, out, sizeof(out), 1);
		ret = ret == sizeof(out) ? t_recv(&any, &r) : ret;
		tap(!ret && r.msg.type == 5 && check(in, sizeof(in), 5) < 0,
		    "wildcard ring receives (%d)", ret);
		t_close(&any);
	}
out:
	t_close(&tx);
	t_close(&rx);
}

static int __init argo_api_test_init(void)
{
	self = argo_domid();
	pr_info("TAP version 13\n");
	if (!tap(self != XEN_ARGO_DOMID_ANY, "own domid is %u", self))
		goto done;
	test_ring_lengths();
	test_duplicate();
	test_sizes();
	test_wrap();
	test_full();
	test_stream();
	test_errors();
	test_reregister_and_misuse();
done:
	pr_info("%u passed, %u failed\n", tap_num - tap_failed, tap_failed);
	return 0;
}

static void __exit argo_api_test_exit(void)
{
}

module_init(argo_api_test_init);
module_exit(argo_api_test_exit);

MODULE_DESCRIPTION("Tests of the xen-argo in-kernel API on real Xen");
MODULE_LICENSE("GPL");
