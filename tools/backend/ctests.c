// SPDX-License-Identifier: GPL-2.0-only
/*
 * Client tests of the bus and the control plane: HELLO and its refusals,
 * requests before HELLO, GET_DEVICES, device info, features, config, the
 * status sequence and the queue messages; and the restart and hostile
 * checks, which need a back-end started for them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"

#define T_BUS		VIRTIO_ARGO_TYPE_BUS
#define S_ACK		0x01
#define S_DRIVER	0x02
#define S_DRIVER_OK	0x04
#define S_FEATURES_OK	0x08
#define F_VERSION_1_HI	0x1	/* bit 32, in block 1 */
#define F_RING_RESET_HI	0x100	/* bit 40, in block 1 */

u32 get_status(u16 dev)
{
	struct rx *r = call(0, VIRTIO_ARGO_MSG_GET_DEVICE_STATUS, dev, NULL,
			    0);
	u32 s = r && r->f.msg_size == 12 &&
		r->f.msg_id == VIRTIO_ARGO_MSG_GET_DEVICE_STATUS ?
		get32(r->data + 8) : 0xffffffff;

	rx_free(r);
	return s;
}

/* SET_DEVICE_STATUS: the resulting status, or ~0 with *err the code. */
u32 set_status(u16 dev, u32 status, u32 *err)
{
	u8 p[4];
	struct rx *r;
	u32 s = 0xffffffff;

	put32(p, status);
	r = call(0, VIRTIO_ARGO_MSG_SET_DEVICE_STATUS, dev, p, 4);
	if (err)
		*err = r ? error_code(r) : 0xffff;
	if (r && r->f.msg_id == VIRTIO_ARGO_MSG_SET_DEVICE_STATUS &&
	    r->f.msg_size == 12)
		s = get32(r->data + 8);
	rx_free(r);
	return s;
}

static struct rx *set_features(u16 dev, u32 lo, u32 hi)
{
	u8 p[16];

	put32(p, 0);
	put32(p + 4, 2);
	put32(p + 8, lo);
	put32(p + 12, hi);
	return call(0, VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES, dev, p, 16);
}

static struct rx *set_vqueue(u16 dev, u32 idx, u32 flags, u32 size,
			     u32 epoch)
{
	u8 p[16];

	put32(p, idx);
	put32(p + 4, flags);
	put32(p + 8, size);
	put32(p + 12, epoch);
	return call(0, VIRTIO_ARGO_MSG_SET_VQUEUE, dev, p, 16);
}

static bool ok_resp(struct rx *r, u8 msg_id, u16 size)
{
	bool ok = r && r->f.msg_id == msg_id && r->f.msg_size == size;

	rx_free(r);
	return ok;
}

/*
 * The whole bring-up of a device, silently: reset, ACKNOWLEDGE, DRIVER,
 * VERSION_1 (+ extra high bits), FEATURES_OK, every queue enabled with
 * qsize and epoch, DRIVER_OK.
 */
bool dev_up(u16 dev, u32 nq, u32 qsize, u32 epoch, u64 extra)
{
	u32 q;

	if (set_status(dev, 0, NULL) || set_status(dev, S_ACK, NULL) != S_ACK ||
	    set_status(dev, S_ACK | S_DRIVER, NULL) != (S_ACK | S_DRIVER))
		return false;
	if (!ok_resp(set_features(dev, (u32)extra,
				  F_VERSION_1_HI | (u32)(extra >> 32)),
		     VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES, 8))
		return false;
	if (set_status(dev, 0xb, NULL) != 0xb)
		return false;
	for (q = 0; q < nq; q++)
		if (!ok_resp(set_vqueue(dev, q, VIRTIO_ARGO_VQ_STATE_ENABLE,
					qsize, epoch),
			     VIRTIO_ARGO_MSG_SET_VQUEUE, 8))
			return false;
	return set_status(dev, 0xf, NULL) == 0xf;
}

static void test_hello(void)
{
	struct rx *r;
	u16 ver;
	bool ok;
	u8 p[4];

	/* Before any HELLO: requests get NOT_CONNECTED. */
	put32(p, 1);
	expect_error(call(T_BUS, VIRTIO_ARGO_BUS_PING, 0, p, 4),
		     VIRTIO_ARGO_E_NOT_CONNECTED, "PING before HELLO");
	expect_error(call(0, VIRTIO_ARGO_MSG_GET_DEVICE_STATUS, 0, NULL, 0),
		     VIRTIO_ARGO_E_NOT_CONNECTED, "GET_DEVICE_STATUS before HELLO");
	send_data(0, 0, 0, 1, 0, 16, 0, NULL, 0);
	r = wait_resp(0, VIRTIO_ARGO_MSG_DATA, 0, 0, 5000);
	expect_error(r, VIRTIO_ARGO_E_NOT_CONNECTED,
		     "DATA before HELLO (dev_num kept, token 0)");

	hello_with(0, 1, 7, 0, cl.max_msg, &r);
	expect_error(r, VIRTIO_ARGO_E_INVALID, "HELLO version_min 0");
	hello_with(2, 1, 7, 0, cl.max_msg, &r);
	expect_error(r, VIRTIO_ARGO_E_INVALID, "HELLO version_min > version_max");
	hello_with(2, 3, 7, 0, cl.max_msg, &r);
	expect_error(r, VIRTIO_ARGO_E_VERSION, "HELLO versions 2..3 only");
	hello_with(1, 1, 0, 0, cl.max_msg, &r);
	expect_error(r, VIRTIO_ARGO_E_INVALID, "HELLO instance 0");
	hello_with(1, 1, 7, 0, 4095, &r);
	expect_error(r, VIRTIO_ARGO_E_INVALID, "HELLO max_msg 4095");
	hello_with(1, 1, 7, 0, 16777121, &r);
	expect_error(r, VIRTIO_ARGO_E_INVALID, "HELLO max_msg 16777121");
	expect_error(call(T_BUS, VIRTIO_ARGO_BUS_HELLO, 0, p, 4),
		     VIRTIO_ARGO_E_INVALID, "HELLO of 12 bytes");

	ok = hello_with(1, 3, 0x1234, ~0ULL, cl.max_msg, &r);
	ver = ok ? get16(r->data + 8) : 0;
	rx_free(r);
	tap(ok && ver == 1, "HELLO versions 1..3, every feature offered: version %u",
	    ver);
	tap(ok && cl.be_instance &&
	    !(cl.features & ~VIRTIO_ARGO_F_ALL) &&
	    cl.be_max_msg >= VIRTIO_ARGO_MIN_MSG &&
	    cl.be_max_msg <= VIRTIO_ARGO_MAX_MSG &&
	    cl.be_max_chain >= VIRTIO_ARGO_MIN_CHAIN &&
	    cl.be_max_chain <= VIRTIO_ARGO_MAX_CHAIN,
	    "HELLO response: instance 0x%08x, features 0x%llx, max_msg %u, max_chain %u",
	    cl.be_instance, (unsigned long long)cl.features, cl.be_max_msg,
	    cl.be_max_chain);
	ok = hello();
	tap(ok && !cl.features, "HELLO again, no features: accepted, features 0");
	ping_ok("after HELLO");
}

static void test_devices(void)
{
	static const u32 want_ids[] = { 4, 3, 3 };
	struct rx *r;
	u8 p[4];
	u16 i;

	put16(p, 0);
	put16(p + 2, 1024);
	r = call(T_BUS, VIRTIO_ARGO_BUS_GET_DEVICES, 0, p, 4);
	tap(r && r->f.msg_id == VIRTIO_ARGO_BUS_GET_DEVICES &&
	    r->f.msg_size == 142 && get16(r->data + 8) == 0 &&
	    get16(r->data + 10) == 0 && get16(r->data + 12) == 1024 &&
	    r->data[14] == 0x07 && r->data[15] == 0,
	    "GET_DEVICES 0..1023: devices 0, 1, 2, enumeration complete");
	rx_free(r);
	put16(p, 1);
	put16(p + 2, 1);
	r = call(T_BUS, VIRTIO_ARGO_BUS_GET_DEVICES, 0, p, 4);
	tap(r && r->f.msg_size == 15 && get16(r->data + 12) == 1 &&
	    r->data[14] == 1 && get16(r->data + 10) == 2,
	    "GET_DEVICES 1..1: device 1 present, next_offset 2");
	rx_free(r);
	put16(p, 65535);
	put16(p + 2, 2);
	expect_error(call(T_BUS, VIRTIO_ARGO_BUS_GET_DEVICES, 0, p, 4),
		     VIRTIO_ARGO_E_INVALID, "GET_DEVICES offset 65535 count 2");

	for (i = 0; i < 3; i++) {
		r = call(0, VIRTIO_ARGO_MSG_GET_DEVICE_INFO, i, NULL, 0);
		tap(r && r->f.msg_size == 52 &&
		    get32(r->data + 8) == want_ids[i] &&
		    get32(r->data + 32) >= 1 && get32(r->data + 32) <= 8 &&
		    get32(r->data + 36) <= 4096 &&
		    get32(r->data + 40) == (i ? 2 : 1) &&
		    !get32(r->data + 48),
		    "GET_DEVICE_INFO dev %u: device_id %u, %u queue(s)", i,
		    r && r->f.msg_size == 52 ? get32(r->data + 8) : 0,
		    r && r->f.msg_size == 52 ? get32(r->data + 40) : 0);
		rx_free(r);
	}
	expect_error(call(0, VIRTIO_ARGO_MSG_GET_DEVICE_INFO, 3, NULL, 0),
		     VIRTIO_ARGO_E_NO_DEVICE, "GET_DEVICE_INFO dev 3");
	expect_error(call(0, VIRTIO_ARGO_MSG_GET_DEVICE_INFO, 1023, NULL, 0),
		     VIRTIO_ARGO_E_NO_DEVICE, "GET_DEVICE_INFO dev 1023");
}

static void test_features_status(void)
{
	u16 dev = DEV_CON;
	struct rx *r;
	u32 s, err, lo, hi;
	u8 p[8];

	tap(set_status(dev, 0, NULL) == 0, "reset: status 0");
	s = set_status(dev, S_DRIVER_OK, &err);
	tap(s == 0xffffffff && err == VIRTIO_ARGO_E_STATE,
	    "status 0 -> DRIVER_OK: ERROR STATE");
	s = set_status(dev, 0x10, &err);
	tap(err == VIRTIO_ARGO_E_STATE, "status 0 -> 0x10 (undefined bit): ERROR STATE");
	tap(set_status(dev, S_ACK, NULL) == S_ACK, "status ACKNOWLEDGE");
	s = set_status(dev, S_DRIVER, &err);
	tap(err == VIRTIO_ARGO_E_STATE, "status 1 -> 2 (drops ACKNOWLEDGE): ERROR STATE");
	tap(set_status(dev, 3, NULL) == 3, "status DRIVER");
	tap(get_status(dev) == 3, "GET_DEVICE_STATUS: 3");

	put32(p, 0);
	put32(p + 4, 2);
	r = call(0, VIRTIO_ARGO_MSG_GET_DEVICE_FEATURES, dev, p, 8);
	lo = r && r->f.msg_size == 24 ? get32(r->data + 16) : 0xffffffff;
	hi = r && r->f.msg_size == 24 ? get32(r->data + 20) : 0;
	rx_free(r);
	tap((hi & F_VERSION_1_HI) && !(lo & 0xf0000000) &&
	    !(hi & 0x3ff & ~(F_VERSION_1_HI | F_RING_RESET_HI)),
	    "GET_DEVICE_FEATURES: 0x%08x 0x%08x: VERSION_1, no other bit of 28..41 but RING_RESET",
	    lo, hi);
	put32(p, 7);
	put32(p + 4, 1);
	r = call(0, VIRTIO_ARGO_MSG_GET_DEVICE_FEATURES, dev, p, 8);
	tap(r && r->f.msg_size == 20 && get32(r->data + 8) == 7 &&
	    !get32(r->data + 16), "GET_DEVICE_FEATURES block 7: echoed, 0");
	rx_free(r);
	expect_error(set_features(dev, 0, 0x2), VIRTIO_ARGO_E_INVALID,
		     "SET_DRIVER_FEATURES with a bit not offered (33)");
	tap(ok_resp(set_features(dev, 0, 0), VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES,
		    8), "SET_DRIVER_FEATURES without VERSION_1");
	s = set_status(dev, 0xb, NULL);
	tap(s == 3, "FEATURES_OK without VERSION_1: refused (status 0x%x)", s);
	tap(ok_resp(set_features(dev, 0, F_VERSION_1_HI | F_RING_RESET_HI),
		    VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES, 8),
	    "SET_DRIVER_FEATURES VERSION_1 | RING_RESET");
	tap(set_status(dev, 0xb, NULL) == 0xb, "FEATURES_OK accepted");
	expect_error(set_features(dev, 0, F_VERSION_1_HI), VIRTIO_ARGO_E_STATE,
		     "SET_DRIVER_FEATURES after FEATURES_OK");

	put32(p, 0);
	put32(p + 4, 12);
	r = call(0, VIRTIO_ARGO_MSG_GET_CONFIG, dev, p, 8);
	tap(r && r->f.msg_size == 32 && get32(r->data + 16) == 12,
	    "GET_CONFIG 0..12 of the console");
	rx_free(r);
	put32(p, 0);
	put32(p + 4, 0);
	r = call(0, VIRTIO_ARGO_MSG_GET_CONFIG, dev, p, 8);
	tap(r && r->f.msg_size == 20, "GET_CONFIG length 0: generation only");
	rx_free(r);
	put32(p, 8);
	put32(p + 4, 5);
	expect_error(call(0, VIRTIO_ARGO_MSG_GET_CONFIG, dev, p, 8),
		     VIRTIO_ARGO_E_INVALID, "GET_CONFIG beyond config_size");

	put32(p, 0);
	r = call(0, VIRTIO_ARGO_MSG_GET_VQUEUE, dev, p, 4);
	tap(r && r->f.msg_size == 28 && get32(r->data + 12) >= 1 &&
	    get32(r->data + 12) <= 32768 && !get32(r->data + 16) &&
	    !get32(r->data + 20),
	    "GET_VQUEUE 0: max_size %u, not configured, disabled",
	    r && r->f.msg_size == 28 ? get32(r->data + 12) : 0);
	rx_free(r);
	put32(p, 5);
	r = call(0, VIRTIO_ARGO_MSG_GET_VQUEUE, dev, p, 4);
	tap(r && r->f.msg_size == 28 && get32(r->data + 8) == 5 &&
	    !get32(r->data + 12), "GET_VQUEUE 5 (no such queue): all zero");
	rx_free(r);
	expect_error(set_vqueue(dev, 0, 1, 0, 1), VIRTIO_ARGO_E_INVALID,
		     "SET_VQUEUE size 0");
	expect_error(set_vqueue(dev, 0, 1, 100000, 1), VIRTIO_ARGO_E_INVALID,
		     "SET_VQUEUE size above max_size");
	expect_error(set_vqueue(dev, 0, 1, 8, 0), VIRTIO_ARGO_E_INVALID,
		     "SET_VQUEUE epoch 0");
	expect_error(set_vqueue(dev, 0, 3, 8, 1), VIRTIO_ARGO_E_INVALID,
		     "SET_VQUEUE state operation 3");
	expect_error(set_vqueue(dev, 2, 1, 8, 1), VIRTIO_ARGO_E_INVALID,
		     "SET_VQUEUE queue 2 of 2");
	tap(ok_resp(set_vqueue(dev, 0, 1, 8, 1), VIRTIO_ARGO_MSG_SET_VQUEUE, 8),
	    "SET_VQUEUE 0 enable, size 8, epoch 1");
	expect_error(set_vqueue(dev, 0, 1, 8, 2), VIRTIO_ARGO_E_STATE,
		     "SET_VQUEUE on an enabled queue");
	put32(p, 0);
	r = call(0, VIRTIO_ARGO_MSG_GET_VQUEUE, dev, p, 4);
	tap(r && r->f.msg_size == 28 && get32(r->data + 16) == 8 &&
	    get32(r->data + 20) == 1 && get32(r->data + 24) == 1,
	    "GET_VQUEUE 0: size 8, enabled, epoch 1");
	rx_free(r);
	put32(p, 0);
	tap(ok_resp(call(0, VIRTIO_ARGO_MSG_RESET_VQUEUE, dev, p, 4),
		    VIRTIO_ARGO_MSG_RESET_VQUEUE, 8), "RESET_VQUEUE 0");
	r = call(0, VIRTIO_ARGO_MSG_GET_VQUEUE, dev, p, 4);
	tap(r && r->f.msg_size == 28 && !get32(r->data + 16) &&
	    !get32(r->data + 20) && !get32(r->data + 24),
	    "after RESET_VQUEUE: size 0, disabled, epoch 0");
	rx_free(r);
	put32(p, 9);
	expect_error(call(0, VIRTIO_ARGO_MSG_RESET_VQUEUE, dev, p, 4),
		     VIRTIO_ARGO_E_INVALID, "RESET_VQUEUE 9");
	put32(p, 3);
	r = call(0, VIRTIO_ARGO_MSG_GET_SHM, dev, p, 4);
	tap(r && r->f.msg_size == 32 && get32(r->data + 8) == 3 &&
	    !get64(r->data + 16) && !get64(r->data + 24),
	    "GET_SHM: no region");
	rx_free(r);
	put32(p, 0);
	put32(p + 4, 0);
	{
		u8 w[16];

		put32(w, 0);
		put32(w + 4, 8);
		put32(w + 8, 4);
		put32(w + 12, 1);
		expect_error(call(0, VIRTIO_ARGO_MSG_SET_CONFIG, dev, w, 16),
			     VIRTIO_ARGO_E_INVALID,
			     "SET_CONFIG of the read-only console config");
	}
	tap(set_status(dev, 0xf, NULL) == 0xf, "DRIVER_OK");
	s = set_status(dev, 0xb, &err);
	tap(err == VIRTIO_ARGO_E_STATE, "DRIVER_OK -> FEATURES_OK only: ERROR STATE");
	s = set_status(dev, 0x8f, NULL);
	tap(s == 0x8f, "FAILED accepted (0x%x)", s);
	tap(set_status(dev, 0, NULL) == 0 && get_status(dev) == 0,
	    "reset after FAILED: status 0");
	(void)s;
}

void test_control(void)
{
	diag("control plane");
	test_hello();
	test_devices();
	test_features_status();
	ping_ok("after the control tests");
}

static bool match_goodbye(const struct frame *f, void *arg)
{
	(void)arg;
	return f->type == VIRTIO_ARGO_TYPE_BUS &&
	       f->msg_id == VIRTIO_ARGO_BUS_GOODBYE;
}

/*
 * The back-end is stopped and started again by the caller while this
 * runs: the old connection must then get NOT_CONNECTED and a new HELLO
 * must work, with a new instance.
 */
int cmd_restart(bool expect_goodbye)
{
	u32 old_inst, err = 0;
	struct rx *r = NULL;
	int i;

	if (!hello() || !dev_up(DEV_RNG, 1, 8, 1, 0)) {
		printf("Bail out! cannot connect to the back-end\n");
		return 1;
	}
	old_inst = cl.be_instance;
	printf("READY instance 0x%08x\n", old_inst);
	fflush(stdout);
	if (expect_goodbye) {
		struct rx *g = wait_frame(match_goodbye, NULL, 60000);

		tap(g && g->f.msg_size == 12,
		    "GOODBYE from the back-end as it stopped");
		rx_free(g);
	}
	/*
	 * Ask every quarter of a second (90 s at most): the old instance
	 * answers, then nobody (the ring is gone: ECONNREFUSED), then the
	 * new instance, with NOT_CONNECTED.
	 */
	for (i = 0; i < 360; i++) {
		u16 tok = req(0, VIRTIO_ARGO_MSG_GET_DEVICE_STATUS, DEV_RNG,
			      NULL, 0);

		r = wait_resp(0, VIRTIO_ARGO_MSG_GET_DEVICE_STATUS, DEV_RNG,
			      tok, 250);
		if (r && is_error(r, VIRTIO_ARGO_E_NOT_CONNECTED))
			break;
		if (r)
			usleep(250000);
		rx_free(r);
		r = NULL;
	}
	err = error_code(r);
	tap(err == VIRTIO_ARGO_E_NOT_CONNECTED,
	    "old connection after the restart: ERROR %s", err_name(err));
	rx_free(r);
	tap(hello(), "new HELLO accepted");
	tap(cl.be_instance != old_inst,
	    "new back-end instance 0x%08x (was 0x%08x)", cl.be_instance,
	    old_inst);
	tap(dev_up(DEV_RNG, 1, 8, 1, 0), "rng comes up again");
	{
		struct completion c;

		send_data(DEV_RNG, 0, 0, 1, 0, 32, 0, NULL, 0);
		tap(wait_data(DEV_RNG, 0, 0, 1, 5000, &c) && !c.bad &&
		    c.used_len == 32, "rng serves 32 bytes after the restart");
		completion_free(&c);
	}
	return tap_end();
}

static bool match_any_data(const struct frame *f, void *arg)
{
	(void)arg;
	return f->msg_id == VIRTIO_ARGO_MSG_DATA ||
	       f->token == 0xbeef;
}

/* What a front-end sees from a back-end run with --hostile MODE. */
void test_hostile(const char *mode)
{
	unsigned int n = 0, bad = 0, frames = 0, ncase;
	long long t0 = now_ms(), hello_ms;
	struct rx *r;
	u32 in_len = 100000;
	bool ok;

	ok = hello();
	hello_ms = now_ms() - t0;
	if (!ok || !dev_up(DEV_RNG, 1, 8, 1, 0)) {
		printf("Bail out! cannot connect to the back-end\n");
		return;
	}
	for (ncase = 0; ncase < 5; ncase++) {
		send_data(DEV_RNG, 0, ncase, 1, 0, in_len, 0, NULL, 0);
		while ((r = wait_frame(match_any_data, NULL, 1000))) {
			u32 used = r->f.msg_size >= DATA_HDR ?
				   get32(r->data + 16) : 0;
			u32 off = r->f.msg_size >= DATA_HDR ?
				  get32(r->data + 24) : 0;

			frames++;
			if (r->f.type != VIRTIO_ARGO_TYPE_RESPONSE ||
			    r->f.dev_num != DEV_RNG ||
			    r->f.msg_id != VIRTIO_ARGO_MSG_DATA ||
			    r->f.token || used > in_len ||
			    get16(r->data + 10) != ncase ||
			    get32(r->data + 12) != 1 ||
			    off + r->f.msg_size - DATA_HDR > used)
				bad++;
			rx_free(r);
		}
		n++;
	}
	diag("hostile %s: %u requests, %u frames, %u visibly wrong, %lu malformed messages",
	     mode, n, frames, bad, cl.bad_msgs);
	if (!strcmp(mode, "garble"))
		tap(bad + cl.bad_msgs > 0, "garble: corrupt frames seen");
	else if (!strcmp(mode, "oversize"))
		tap(bad > 0, "oversize: used_len or data beyond in_len seen");
	else if (!strcmp(mode, "duplicate"))
		tap(frames >= 4 * n, "duplicate: every response twice (%u frames)",
		    frames);
	else if (!strcmp(mode, "reorder"))
		tap(frames >= 2 * n, "reorder: fragments seen (%u)", frames);
	else if (!strcmp(mode, "unsolicited"))
		tap(bad > 0, "unsolicited: responses never requested seen");
	else if (!strcmp(mode, "slow"))
		tap(hello_ms >= 2500 && !bad && !cl.bad_msgs,
		    "slow: HELLO answered after %lld ms, every frame correct",
		    hello_ms);
	else
		tap(false, "unknown hostile mode %s", mode);
	/* Malformed messages are the point here, not a failure. */
	cl.bad_msgs = 0;
}
