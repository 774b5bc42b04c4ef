/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The interface between the transport core and the device models
 * (rng.c, console.c; block and net later).
 *
 * Every connection gets its own instance of every configured device:
 * create() runs when the front-end's HELLO is accepted, destroy() when the
 * connection closes. The core owns the protocol (status, features, config
 * space, queues, fragments, epochs); a model sees only whole chains.
 *
 * A chain reaches the model through chain() once all of its readable
 * bytes have arrived. The model completes it exactly once with
 * vab_complete(), then or later (a console holds receive buffers until
 * input arrives). The readable bytes are valid only during chain(): the
 * core frees them afterwards, so that chains a model holds cost no more
 * than their metadata. Until completion the chain belongs to the model;
 * when the core abandons it (device or queue reset, FAILED, connection
 * closed) it calls cancel() first, after which the model must forget it.
 */
#ifndef TOOLS_BACKEND_DEVICE_H
#define TOOLS_BACKEND_DEVICE_H

#include <stdbool.h>

#include "wire.h"

struct vab_conn;
struct vab_dev;

/* One descriptor chain in flight. */
struct vab_chain {
	struct vab_dev *dev;
	u16 vq;
	u16 id;
	u32 epoch;
	u32 out_len;		/* driver-readable bytes */
	u32 in_len;		/* device-writable capacity */
	const u8 *out;		/* the readable bytes, only during chain() */
	struct vab_chain *next;	/* free for the model's own lists */
};

struct vab_dev_ops {
	const char *name;
	u32 device_id;		/* virtio device type */
	u32 num_queues;
	u32 queue_max_size;	/* chains in flight per queue */
	u32 config_size;	/* bytes, at most VIRTIO_ARGO_MAX_CONFIG */
	u64 features;		/* device-type bits (VERSION_1 is the core's) */

	/* Is the --device argument valid? NULL if so, else why not. */
	const char *(*check_arg)(const char *arg);
	/* Set up an instance: dev->arg is the configured argument. 0 or -errno. */
	int (*create)(struct vab_dev *dev);
	void (*destroy)(struct vab_dev *dev);
	/* May the driver use these features? (optional; default yes) */
	bool (*features_ok)(struct vab_dev *dev, u64 features);
	/* Apply a driver write to config space: 0 or a VIRTIO_ARGO_E_ code. */
	u32 (*write_config)(struct vab_dev *dev, u32 offset, u32 len,
			    const u8 *data);
	/* The driver set DRIVER_OK (optional). */
	void (*driver_ok)(struct vab_dev *dev);
	/* A whole chain arrived; complete it with vab_complete(). */
	void (*chain)(struct vab_dev *dev, struct vab_chain *c);
	/* The core abandons c (optional if the model never holds chains). */
	void (*cancel)(struct vab_dev *dev, struct vab_chain *c);
	/* Device reset, after every chain was cancelled (optional). */
	void (*reset)(struct vab_dev *dev);
	/* The connection can take output again (optional). */
	void (*kick)(struct vab_dev *dev);
	/* Called about once a second (optional). */
	void (*tick)(struct vab_dev *dev);
	/*
	 * The chains of the messages just read were all handed over, and
	 * their answers are about to be sent (optional): output the model
	 * adds now goes in the same message, for one VIRQ in the guest.
	 */
	void (*batch_end)(struct vab_dev *dev);
};

/* A device instance on one connection. */
struct vab_dev {
	struct vab_conn *conn;
	const struct vab_dev_ops *ops;
	const char *arg;	/* from --device TYPE,ARG, or NULL */
	u16 num;		/* device number on the connection */
	u32 status;		/* VIRTIO_CONFIG_S_* */
	u32 generation;		/* configuration generation */
	u64 drv_features;	/* what the driver selected */
	u8 *config;		/* ops->config_size bytes */
	struct vab_queue *vqs;	/* ops->num_queues */
	void *priv;		/* the model's */
};

/* Complete a chain: used_len bytes from data (may be NULL if 0). */
void vab_complete(struct vab_chain *c, const void *data, u32 used_len);

/*
 * The model changed config bytes [offset, offset + len): bump the
 * generation and tell the front-end (EVENT_CONFIG with the new bytes).
 */
void vab_config_changed(struct vab_dev *dev, u32 offset, u32 len);

/* The device needs a reset: set NEEDS_RESET and tell the front-end. */
void vab_needs_reset(struct vab_dev *dev);

/*
 * Is the connection's output queue long (the front-end is not draining
 * its ring)? A model then holds back output it generates by itself, such
 * as console input, until kick().
 */
bool vab_dev_congested(struct vab_dev *dev);

/* Is DATA flowing (DRIVER_OK and not FAILED)? */
bool vab_dev_live(struct vab_dev *dev);

/*
 * A copy of tmpl (a path, a serial number) with %d -> the guest's domid,
 * %p -> its port, %% -> %; malloc()ed, NULL without memory.
 */
char *vab_expand(struct vab_dev *dev, const char *tmpl);

/* Logging with the connection's domid:port and the device number. */
void __printf(2, 3) dev_info(struct vab_dev *dev, const char *fmt, ...);
void __printf(2, 3) dev_dbg(struct vab_dev *dev, const char *fmt, ...);

/* poll() watches for the models' own file descriptors (loop.c). */
typedef void (*vab_watch_fn)(void *arg, int fd, short revents);
int vab_watch(int fd, short events, vab_watch_fn fn, void *arg);
void vab_watch_events(int fd, short events);
void vab_unwatch(int fd);

/* The models, for the device table in options.c. */
extern const struct vab_dev_ops vab_rng_ops;
extern const struct vab_dev_ops vab_console_ops;
extern const struct vab_dev_ops vab_net_ops;
extern const struct vab_dev_ops vab_blk_ops;

#endif /* TOOLS_BACKEND_DEVICE_H */
