/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-argo-backend: what the files of the transport core share.
 *
 * main.c     the main loop, signals, start and shutdown
 * options.c  the command line and the device table
 * config.c   --config FILE: the same options, one per line
 * log.c      messages to stderr, prefixed with the peer's domid:port
 * loop.c     poll() watches and the one-second tick
 * ring.c     /dev/argo: the listening rings, receive, non-blocking send
 * conn.c     connections: lookup, output FIFO, flush, close
 * frame.c    splitting an Argo message into frames and dispatching them
 * bus.c      bus messages (HELLO, GET_DEVICES, PING, GOODBYE)
 * control.c  transport control messages (status, features, config, queues)
 * data.c     DATA requests (reassembly) and responses (fragmentation)
 * hostile.c  --hostile: deliberately wrong DATA responses, for testing
 * rng.c, console.c  the device models (device.h)
 */
#ifndef TOOLS_BACKEND_BACKEND_H
#define TOOLS_BACKEND_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/argo.h>

#include "wire.h"
#include "device.h"

#define VAB_MAX_DEVICES		64	/* configured devices */
#define VAB_MAX_DOMIDS		64	/* --domid */
#define VAB_DEFAULT_PORT	30000
/* 256 pages with Argo's ring header: many guest messages in flight. */
#define VAB_DEFAULT_RING	1048512
#define VAB_DEFAULT_CHAIN	BIT(20)
#define VAB_DEFAULT_CONNS	256
#define VAB_BATCH_MAX		(256U << 10)	/* bytes per Argo message we build */
#define VAB_RECV_BURST		64	/* messages per ring per poll round */

/* VIRTIO_CONFIG_S_* (linux/virtio_config.h has them too; keep ours local) */
#define S_ACKNOWLEDGE		0x01
#define S_DRIVER		0x02
#define S_DRIVER_OK		0x04
#define S_FEATURES_OK		0x08
#define S_NEEDS_RESET		0x40
#define S_FAILED		0x80

#define F_VERSION_1		BIT_ULL(32)
#define F_RING_RESET		BIT_ULL(40)

enum vab_hostile {
	HOSTILE_NONE,
	HOSTILE_GARBLE,
	HOSTILE_OVERSIZE,
	HOSTILE_DUPLICATE,
	HOSTILE_REORDER,
	HOSTILE_UNSOLICITED,
	HOSTILE_SLOW,
};

struct vab_devcfg {
	const struct vab_dev_ops *ops;
	const char *arg;
};

struct vab_options {
	u32 port;
	u32 ring_len;
	u32 max_chain;
	u32 max_conns;
	u16 domids[VAB_MAX_DOMIDS];
	unsigned int ndomids;
	bool any;		/* wildcard ring (with --domid: allow-list) */
	struct vab_devcfg devs[VAB_MAX_DEVICES];
	unsigned int ndevs;
	enum vab_hostile hostile;
	int verbose;
};

extern struct vab_options opt;
extern u32 vab_instance;	/* HELLO instance of this run */

/* A listening ring: the wildcard ring, or one per served domain. */
struct vab_ring {
	int fd;			/* -1 until bound */
	u16 partner;		/* domid or ARGO_DOMID_ANY */
	u32 max_payload;
	u32 max_msg;		/* announced in HELLO: at most VAB_BATCH_MAX */
	bool blocked;		/* a send got EAGAIN: wait for POLLOUT */
	u8 *buf;		/* max_payload bytes for recv */
};

/* One partially received DATA request (at most one per connection). */
struct vab_partial {
	bool active;
	bool discard;		/* refused: swallow the rest, then refuse */
	u32 code;		/* why, when discarding */
	u16 dev_num;
	u16 vq;
	u16 chain;
	u32 epoch;
	u32 out_len;
	u32 in_len;
	u32 got;		/* readable bytes received so far */
	u8 *buf;		/* out_len bytes (NULL when discarding) */
};

/* A queue of one device instance. */
struct vab_queue {
	u32 size;		/* 0: not configured */
	u32 epoch;		/* 0: not enabled since reset */
	bool enabled;
	struct vab_chain **in_flight;	/* size entries, by chain id */
};

/* One Argo message waiting to be sent. */
struct vab_out {
	struct vab_out *next;
	u32 len;
	u32 nctrl;		/* control responses in it */
	u8 data[];
};

struct vab_conn {
	struct vab_conn *next;
	struct vab_ring *ring;	/* the ring the front-end sends to */
	u16 domid;
	u32 port;
	char name[24];		/* "domid:port" for the logs */
	u32 peer_max_msg;
	u32 frag_max;		/* data bytes per DATA fragment */
	u32 batch_max;		/* bytes per Argo message we build */
	u64 features;		/* transport features accepted */
	bool dead;		/* closed, freed at the end of the round */
	unsigned int ndevs;
	struct vab_dev *devs;
	struct vab_partial part;
	/* Output: a FIFO of whole Argo messages, then the one being built. */
	struct vab_out *out_head;
	struct vab_out **out_tail;
	size_t out_bytes;
	struct vab_out *cur;	/* being built, NULL if none */
	u32 cur_cap;
	u32 ctrl_pending;	/* control responses not yet handed to Xen */
	bool blocked;		/* the last send got EAGAIN */
	bool congested;		/* over the soft output limit */
	unsigned long stat_rx;	/* frames received */
	unsigned long stat_tx;	/* Argo messages sent */
};

/* log.c */
void __printf(1, 2) vab_err(const char *fmt, ...);
void __printf(1, 2) vab_info(const char *fmt, ...);
void __printf(1, 2) vab_dbg(const char *fmt, ...);
void __printf(2, 3) conn_info(struct vab_conn *c, const char *fmt, ...);
void __printf(2, 3) conn_dbg(struct vab_conn *c, const char *fmt, ...);
void __printf(2, 3) conn_trace(struct vab_conn *c, const char *fmt, ...);

/* options.c */
void parse_options(int argc, char **argv);
void option_set(const char *at, const char *key, char *value);

/* config.c */
void config_read(const char *path);
void config_print(void);

/* loop.c */
int loop_run_once(int timeout_ms);
void loop_init(void);

/* ring.c */
extern struct vab_ring rings[VAB_MAX_DOMIDS];
extern unsigned int nrings;
int rings_setup(void);
void rings_retry_bind(void);
void rings_close(void);
int ring_send(struct vab_ring *r, u16 domid, u32 port, const void *buf,
	      u32 len);
void ring_update_events(struct vab_ring *r);

/* conn.c */
struct vab_conn *conn_find(u16 domid, u32 port);
struct vab_conn *conn_create(struct vab_ring *r, u16 domid, u32 port,
			     u32 peer_max_msg, u64 features);
unsigned int conn_count(void);
void conn_close(struct vab_conn *c, const char *why);
void conn_goodbye_all(u32 reason);
void conn_reap(void);
u8 *conn_frame(struct vab_conn *c, u32 size, bool ctrl);
void conn_flush(struct vab_conn *c);
void conn_flush_all(void);
void conn_flush_ring(struct vab_ring *r);
bool conn_ring_output_ready(struct vab_ring *r);
void conn_batch_end(struct vab_ring *r);
bool conn_ring_congested(struct vab_ring *r);
void conn_tick(void);
struct vab_dev *conn_dev(struct vab_conn *c, u16 num);

/* frame.c */
void frame_rx(struct vab_ring *r, u16 domid, u32 port, u32 type,
	      const u8 *buf, u32 len);
void send_error(struct vab_conn *c, const struct frame *f, u32 code);
u8 *send_response(struct vab_conn *c, const struct frame *f, u16 size);

/* bus.c */
void bus_rx(struct vab_conn *c, const struct frame *f);
bool bus_hello(struct vab_ring *r, u16 domid, u32 port, const struct frame *f);

/* control.c */
void control_rx(struct vab_conn *c, const struct frame *f);
void dev_init(struct vab_conn *c, struct vab_dev *d, u16 num,
	      const struct vab_devcfg *cfg);
void dev_reset(struct vab_dev *d);
void dev_fini(struct vab_dev *d);

/* data.c */
void data_rx(struct vab_conn *c, const struct frame *f);
void data_abandon_queue(struct vab_dev *d, u32 vq);
void data_drop_partial(struct vab_conn *c, struct vab_dev *d);
void data_emit(struct vab_conn *c, u16 dev_num, u16 vq, u16 chain, u32 epoch,
	       u32 used_len, u32 status, u32 offset, const u8 *data, u32 n);

/* hostile.c */
bool hostile_complete(struct vab_chain *ch, const u8 *data, u32 used_len);
const char *hostile_name(enum vab_hostile h);
void hostile_hello(void);

#endif /* TOOLS_BACKEND_BACKEND_H */
