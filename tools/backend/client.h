/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-argo-client: a front-end in user space, for testing a back-end
 * on real Xen without the kernel transport. It speaks the protocol over
 * /dev/argo and prints TAP.
 *
 * client.c  the connection, sending and waiting for frames, TAP, main
 * ctests.c  the bus and control plane, the status sequence, restart
 * cdev.c    the devices: rng, console both ways, resets with chains in
 *           flight
 * cbad.c    malformed and hostile front-end frames, each followed by a
 *           check that the back-end still serves
 */
#ifndef TOOLS_BACKEND_CLIENT_H
#define TOOLS_BACKEND_CLIENT_H

#include <stdbool.h>

#include "wire.h"

/* A frame received from the back-end (a copy). */
struct rx {
	struct rx *next;
	struct frame f;		/* f.p points to data */
	u8 data[];
};

/* A DATA response, reassembled. */
struct completion {
	bool done;
	u32 used_len;
	u32 status;
	u32 frags;
	u8 *buf;		/* used_len bytes */
	const char *bad;	/* why the fragments were inconsistent */
};

struct client {
	int fd;
	u16 be_dom;
	u32 be_port;
	u32 port;		/* ours */
	u32 ring_len;
	u32 max_msg;		/* ours */
	u32 be_max_msg;
	u32 be_max_chain;
	u32 be_instance;
	u64 features;
	u16 token;
	struct rx *queue;	/* received, not yet consumed */
	unsigned long bad_msgs;	/* malformed messages from the back-end */
	const char *con_socket;	/* --console-socket */
	const char *con_pty;	/* --console-pty */
	int verbose;
};

extern struct client cl;

#define DEV_RNG		0
#define DEV_CON		1
#define DEV_PTY		2

/* client.c: TAP */
void __printf(2, 3) tap(bool ok, const char *fmt, ...);
void __printf(1, 2) diag(const char *fmt, ...);
int tap_end(void);

/* client.c: the connection */
void cl_open(void);
void cl_close(void);
u16 cl_next_token(void);
int cl_send_raw(const void *buf, u32 len, u32 type);
int cl_send(const void *buf, u32 len);
u8 *frame_put(u8 *p, u8 type, u8 msg_id, u16 dev, u16 token, u16 size);
u16 req(u8 type, u8 msg_id, u16 dev, const void *payload, u32 plen);
struct rx *wait_resp(u8 type, u8 msg_id, u16 dev, u16 token, int ms);
struct rx *call(u8 type, u8 msg_id, u16 dev, const void *payload, u32 plen);
bool is_error(const struct rx *r, u32 code);
u32 error_code(const struct rx *r);
bool expect_error(struct rx *r, u32 code, const char *what);
struct rx *wait_frame(bool (*pred)(const struct frame *f, void *arg),
		      void *arg, int ms);
unsigned int quiet(int ms, unsigned int *data_frames);
void rx_free(struct rx *r);
bool hello(void);
long long now_ms(void);	/* CLOCK_MONOTONIC */
bool hello_with(u16 vmin, u16 vmax, u32 instance, u64 features, u32 max_msg,
		struct rx **out);
bool ping_ok(const char *after);

/* client.c: the data plane */
void send_data(u16 dev, u16 vq, u16 chain, u32 epoch, u32 out_len,
	       u32 in_len, u32 offset, const void *data, u32 n);
void send_chain(u16 dev, u16 vq, u16 chain, u32 epoch, const void *out,
		u32 out_len, u32 in_len);
bool wait_data(u16 dev, u16 vq, u16 chain, u32 epoch, int ms,
	       struct completion *c);
int wait_any_data(u16 dev, u16 vq, u32 epoch, int ms);
void completion_free(struct completion *c);

/* ctests.c */
u32 get_status(u16 dev);
u32 set_status(u16 dev, u32 status, u32 *err);
bool dev_up(u16 dev, u32 nq, u32 qsize, u32 epoch, u64 extra_features);
void test_control(void);
int cmd_restart(bool expect_goodbye);
void test_hostile(const char *mode);

/* cdev.c */
void test_rng(void);
void test_console(void);
void test_reset(void);

/* cbad.c */
void test_bad(void);

#endif /* TOOLS_BACKEND_CLIENT_H */
