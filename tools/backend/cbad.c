// SPDX-License-Identifier: GPL-2.0-only
/*
 * The malformed-input battery: what a buggy or hostile front-end may
 * send. After each case the back-end must answer as the spec says and
 * keep serving; cases that close the connection (framing errors, DATA for
 * a chain in flight) check that it is closed, then connect again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"

#define T_BUS		VIRTIO_ARGO_TYPE_BUS

static u32 epoch = 1000;

static bool rng_ready(void)
{
	return hello() && dev_up(DEV_RNG, 1, 8, ++epoch, 0);
}

/* The connection is gone: NOT_CONNECTED; then reconnect. */
static void expect_closed(const char *what)
{
	u8 p[4];

	put32(p, 9);
	expect_error(call(T_BUS, VIRTIO_ARGO_BUS_PING, 0, p, 4),
		     VIRTIO_ARGO_E_NOT_CONNECTED, what);
	if (!rng_ready())
		tap(false, "%s: reconnect", what);
}

/* A DATA refusal for (dev, vq, chain, ep) with the given status. */
static void expect_refusal(u16 dev, u16 vq, u16 chain, u32 ep, u32 status,
			   const char *what)
{
	struct completion c;
	bool ok = wait_data(dev, vq, chain, ep, 5000, &c) && !c.bad &&
		  c.status == status && !c.used_len;

	tap(ok, "%s: DATA refused, %s (got %s)", what, err_name(status),
	    c.done ? err_name(c.status) : "nothing");
	completion_free(&c);
}

static void bad_framing(void)
{
	u8 m[64];

	rng_ready();
	memset(m, 0, sizeof(m));
	cl_send(m, 4);
	ping_ok("a 4-byte Argo message");
	frame_put(m, T_BUS, VIRTIO_ARGO_BUS_PING, 0, 77, 12);
	cl_send_raw(m, 12, 0x12345678);
	tap(!wait_resp(T_BUS, VIRTIO_ARGO_BUS_PING, 0, 77, 500),
	    "a PING with another Argo message type: dropped");
	ping_ok("a foreign Argo message type");
	cl_send(m, 0);
	ping_ok("an empty Argo message");

	frame_put(m, T_BUS, VIRTIO_ARGO_BUS_PING, 0, 5, 4);
	cl_send(m, 12);
	expect_closed("msg_size 4 (framing error) closes the connection");
	frame_put(m, T_BUS, VIRTIO_ARGO_BUS_PING, 0, 5, 40);
	cl_send(m, 12);
	expect_closed("msg_size beyond the message (framing error)");
	/* A good PING, then 3 stray bytes: the PING is answered first. */
	frame_put(m, T_BUS, VIRTIO_ARGO_BUS_PING, 0, 6, 12);
	put32(m + 8, 6);
	cl_send(m, 15);
	{
		struct rx *r = wait_resp(T_BUS, VIRTIO_ARGO_BUS_PING, 0, 6, 5000);

		tap(r && r->f.msg_id == VIRTIO_ARGO_BUS_PING,
		    "frames before a framing error are processed");
		rx_free(r);
	}
	expect_closed("3 bytes after the last frame (framing error)");
}

static void bad_control(void)
{
	u8 m[64], p[16];
	u16 tok;
	int i;

	memset(p, 0, sizeof(p));
	expect_error(call(0, VIRTIO_ARGO_MSG_GET_DEVICE_STATUS, DEV_RNG, p, 2),
		     VIRTIO_ARGO_E_INVALID, "GET_DEVICE_STATUS with msg_size 10");
	expect_error(call(0, VIRTIO_ARGO_MSG_SET_DEVICE_STATUS, DEV_RNG, p, 0),
		     VIRTIO_ARGO_E_INVALID, "SET_DEVICE_STATUS without status");
	expect_error(call(0, 0x3f, DEV_RNG, NULL, 0), VIRTIO_ARGO_E_UNSUPPORTED,
		     "transport msg_id 0x3f");
	expect_error(call(T_BUS, 0x3f, 0, NULL, 0), VIRTIO_ARGO_E_UNSUPPORTED,
		     "bus msg_id 0x3f");
	expect_error(call(0, 0x3f, 999, NULL, 0), VIRTIO_ARGO_E_NO_DEVICE,
		     "transport request for device 999");
	put32(p, 1);
	expect_error(call(T_BUS, VIRTIO_ARGO_BUS_PING, 5, p, 4),
		     VIRTIO_ARGO_E_INVALID, "bus PING with dev_num 5");
	/* Events and responses from a front-end: dropped without reply. */
	tok = req(0, 0x7f, DEV_RNG, NULL, 0);
	frame_put(m, T_BUS | VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_BUS_PING, 0,
		  99, 12);
	cl_send(m, 12);
	frame_put(m, VIRTIO_ARGO_TYPE_RESPONSE, VIRTIO_ARGO_MSG_DATA, DEV_RNG, 0,
		  DATA_HDR);
	memset(m + 8, 0, 24);
	cl_send(m, DATA_HDR);
	frame_put(m, 0, VIRTIO_ARGO_MSG_EVENT_CONFIG, DEV_RNG, 0, 24);
	cl_send(m, 24);
	tap(quiet(700, NULL) == 0 && tok,
	    "unknown event, PING response, DATA response, EVENT_CONFIG from the front-end: no reply");
	ping_ok("frames a front-end must not send");

	put32(p, 0xfffffff0);
	put32(p + 4, 0x20);
	expect_error(call(0, VIRTIO_ARGO_MSG_GET_CONFIG, DEV_RNG, p, 8),
		     VIRTIO_ARGO_E_INVALID, "GET_CONFIG offset+length overflows 32 bits");
	put32(p, 0xffffffff);
	put32(p + 4, 2);
	expect_error(call(0, VIRTIO_ARGO_MSG_GET_DEVICE_FEATURES, DEV_RNG, p, 8),
		     VIRTIO_ARGO_E_INVALID, "GET_DEVICE_FEATURES block 0xffffffff");
	put32(p, 0);
	put32(p + 4, 9);
	expect_error(call(0, VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES, DEV_RNG, p, 8),
		     VIRTIO_ARGO_E_INVALID, "SET_DRIVER_FEATURES 9 blocks");
	put32(p, 0);
	put32(p + 4, 2);
	expect_error(call(0, VIRTIO_ARGO_MSG_SET_DRIVER_FEATURES, DEV_RNG, p, 12),
		     VIRTIO_ARGO_E_INVALID, "SET_DRIVER_FEATURES msg_size lies (1 of 2 blocks)");
	put32(p, 0);
	put32(p + 4, 0);
	put32(p + 8, 0xffffffff);
	expect_error(call(0, VIRTIO_ARGO_MSG_SET_CONFIG, DEV_RNG, p, 12),
		     VIRTIO_ARGO_E_INVALID, "SET_CONFIG length 0xffffffff");

	/* More than 16 control requests outstanding at once. */
	{
		u8 batch[20 * 12];
		unsigned int ok = 0, busy = 0;
		struct rx *r;

		for (i = 0; i < 20; i++) {
			frame_put(batch + 12 * i, T_BUS, VIRTIO_ARGO_BUS_PING, 0,
				  0x100 + i, 12);
			put32(batch + 12 * i + 8, i);
		}
		cl_send(batch, sizeof(batch));
		for (i = 0; i < 20; i++) {
			r = wait_resp(T_BUS, VIRTIO_ARGO_BUS_PING, 0, 0x100 + i,
				      5000);
			if (r && r->f.msg_id == VIRTIO_ARGO_BUS_PING)
				ok++;
			else if (is_error(r, VIRTIO_ARGO_E_NO_RESOURCE))
				busy++;
			rx_free(r);
		}
		tap(ok == 16 && busy == 4,
		    "20 PINGs in one message: 16 answered, 4 NO_RESOURCE (%u, %u)",
		    ok, busy);
	}
	ping_ok("a burst beyond the outstanding limit");
}

static void bad_data(void)
{
	u32 e = epoch;
	u8 out[200];
	u8 m[16];

	memset(out, 0x55, sizeof(out));
	frame_put(m, 0, VIRTIO_ARGO_MSG_DATA, DEV_RNG, 0, 16);
	memset(m + 8, 0, 8);
	cl_send(m, 16);
	expect_error(wait_resp(0, VIRTIO_ARGO_MSG_DATA, DEV_RNG, 0, 5000),
		     VIRTIO_ARGO_E_INVALID, "DATA frame of 16 bytes");

	send_data(99, 0, 0, e, 0, 8, 0, NULL, 0);
	expect_refusal(99, 0, 0, e, VIRTIO_ARGO_E_NO_DEVICE, "DATA for device 99");
	send_data(DEV_RNG, 7, 0, e, 0, 8, 0, NULL, 0);
	expect_refusal(DEV_RNG, 7, 0, e, VIRTIO_ARGO_E_INVALID, "DATA for queue 7");
	send_data(DEV_RNG, 0, 0, e + 1, 0, 8, 0, NULL, 0);
	expect_refusal(DEV_RNG, 0, 0, e + 1, VIRTIO_ARGO_E_STATE,
		       "DATA with a wrong epoch");
	send_data(DEV_RNG, 0, 8, e, 0, 8, 0, NULL, 0);
	expect_refusal(DEV_RNG, 0, 8, e, VIRTIO_ARGO_E_INVALID,
		       "DATA chain 8 of a size-8 queue");
	send_data(DEV_RNG, 0, 1, e, 0, 0xffffffff, 0, NULL, 0);
	expect_refusal(DEV_RNG, 0, 1, e, VIRTIO_ARGO_E_INVALID, "DATA in_len 0xffffffff");
	send_data(DEV_RNG, 0, 1, e, 10, 8, 0, out, 20);
	expect_refusal(DEV_RNG, 0, 1, e, VIRTIO_ARGO_E_INVALID, "DATA with n > out_len");
	send_data(DEV_RNG, 0, 1, e, 10, 8, 0, NULL, 0);
	expect_refusal(DEV_RNG, 0, 1, e, VIRTIO_ARGO_E_INVALID, "DATA with n 0 < out_len");
	send_data(DEV_RNG, 0, 1, e, 100, 8, 50, out, 10);
	expect_refusal(DEV_RNG, 0, 1, e, VIRTIO_ARGO_E_INVALID,
		       "DATA fragment with no first fragment");
	ping_ok("bad DATA requests");

	/* Fragments with a wrong offset: the partial chain is refused once. */
	send_data(DEV_RNG, 0, 2, e, 100, 8, 0, out, 40);
	send_data(DEV_RNG, 0, 2, e, 100, 8, 50, out, 10);
	expect_refusal(DEV_RNG, 0, 2, e, VIRTIO_ARGO_E_INVALID,
		       "fragment at offset 50 after 40 bytes");
	{
		unsigned int d;

		quiet(500, &d);
		tap(!d, "... and only one refusal for that chain (%u more)", d);
	}
	/* Overlapping fragment (offset + n beyond out_len). */
	send_data(DEV_RNG, 0, 3, e, 100, 8, 0, out, 60);
	send_data(DEV_RNG, 0, 3, e, 100, 8, 60, out, 60);
	expect_refusal(DEV_RNG, 0, 3, e, VIRTIO_ARGO_E_INVALID, "fragment past out_len");
	/* Interleaved chains: both refused. */
	send_data(DEV_RNG, 0, 4, e, 100, 8, 0, out, 40);
	send_data(DEV_RNG, 0, 5, e, 0, 8, 0, NULL, 0);
	expect_refusal(DEV_RNG, 0, 4, e, VIRTIO_ARGO_E_INVALID,
		       "a chain interrupted by another");
	expect_refusal(DEV_RNG, 0, 5, e, VIRTIO_ARGO_E_INVALID, "the interrupting chain");
	/* Huge out_len with more fragments announced: one refusal, later. */
	send_data(DEV_RNG, 0, 6, e, 0x7fffffff, 8, 0, out, 100);
	ping_ok("a first fragment announcing out_len 0x7fffffff");
	send_data(DEV_RNG, 0, 6, e, 0x7fffffff, 8, 100, out, 100);
	send_data(DEV_RNG, 0, 7, e, 0, 8, 0, NULL, 0);
	expect_refusal(DEV_RNG, 0, 6, e, VIRTIO_ARGO_E_INVALID,
		       "out_len 0x7fffffff (discarded fragments)");
	expect_refusal(DEV_RNG, 0, 7, e, VIRTIO_ARGO_E_INVALID, "the chain after it");
	{
		struct completion c;

		send_data(DEV_RNG, 0, 7, e, 0, 8, 0, NULL, 0);
		tap(wait_data(DEV_RNG, 0, 7, e, 5000, &c) && !c.status &&
		    c.used_len == 8, "rng works again after the bad chains");
		completion_free(&c);
	}
	/* DATA for a disabled queue (device not DRIVER_OK). */
	set_status(DEV_RNG, 0, NULL);
	send_data(DEV_RNG, 0, 0, e, 0, 8, 0, NULL, 0);
	expect_refusal(DEV_RNG, 0, 0, e, VIRTIO_ARGO_E_STATE,
		       "DATA after reset (queue disabled)");
}

static void bad_inflight(void)
{
	u32 e = ++epoch;

	if (!dev_up(DEV_CON, 2, 8, e, 0)) {
		tap(false, "console bring-up for the in-flight test");
		return;
	}
	/* A receive buffer is held; the same chain id again is ambiguous. */
	send_data(DEV_CON, 0, 3, e, 0, 64, 0, NULL, 0);
	send_data(DEV_CON, 0, 3, e, 0, 64, 0, NULL, 0);
	expect_closed("DATA for a chain in flight closes the connection");
}

static void bad_session(void)
{
	u8 p[4];

	/* GOODBYE: the back-end forgets us. */
	{
		u8 m[12];

		frame_put(m, T_BUS, VIRTIO_ARGO_BUS_GOODBYE, 0, 0, 12);
		put32(m + 8, 0);
		cl_send(m, 12);
	}
	put32(p, 1);
	expect_error(call(T_BUS, VIRTIO_ARGO_BUS_PING, 0, p, 4),
		     VIRTIO_ARGO_E_NOT_CONNECTED, "after our GOODBYE");
	/* A second HELLO abandons the first connection's chains. */
	if (!rng_ready() || !dev_up(DEV_CON, 2, 8, ++epoch, 0)) {
		tap(false, "re-HELLO setup");
		return;
	}
	send_data(DEV_CON, 0, 0, epoch, 0, 64, 0, NULL, 0);
	tap(hello(), "HELLO on a live connection: a new connection");
	tap(get_status(DEV_CON) == 0, "... whose devices start at status 0");
	ping_ok("a re-HELLO");
}

void test_bad(void)
{
	diag("malformed and hostile front-end input");
	if (!rng_ready()) {
		tap(false, "bad: connect");
		return;
	}
	bad_framing();
	bad_control();
	bad_data();
	bad_inflight();
	bad_session();
}
