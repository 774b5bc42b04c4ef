// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-blk (device type 2): one request queue on a raw image file or a
 * block device of the back-end's host (virtio 1.2 section 5.2).
 *
 * A chain is a 16-byte request header (type, reserved, sector), the data
 * of a write or the ranges of a discard / write zeroes in its readable
 * part; its writable part is the data of a read or an ID, then one status
 * byte, which is always the last writable byte. Every request is checked
 * before it touches the backing store; a bad one is answered with IOERR
 * or UNSUPP, never acted on.
 *
 * The I/O runs on a few worker threads per device instance, so that a
 * slow disk stalls neither the poll loop nor the other guests; finished
 * requests come back through an eventfd. An image on tmpfs or ramfs (a
 * page cache copy that never waits) is served inline from the poll loop,
 * which saves two thread switches per request. Chains abandoned by the
 * core (cancel()) are forgotten: a worker still busy with one completes
 * it into nothing.
 *
 * Threads and the main loop share only the lock-protected todo and done
 * lists and the image descriptor; the instance is freed by whoever drops
 * the last reference (the loop's destroy() or the last worker to exit),
 * so that destroy() never waits for a disk.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/vfs.h>

#include "backend.h"

#define BLK_QUEUE_SIZE	64	/* chains in flight */
#define BLK_SECTOR	512U
#define BLK_HDR		16U	/* type, reserved, sector */
#define BLK_ID_BYTES	20U
#define BLK_SEG		16U	/* one discard / write zeroes range */
#define BLK_MAX_SEG	32U	/* ranges per request */
#define BLK_MAX_RANGE	0x400000U	/* sectors per range (2 GiB) */
#define BLK_SIZE_MAX	4096U	/* bytes per segment we advertise */
#define BLK_THREADS	4	/* default workers */
#define BLK_MAX_THREADS	64
#define BLK_STACK	(256U << 10)
#define BLK_LOG_ERRORS	20	/* backing store errors logged per instance */
#define BLK_CONFIG	60	/* up to write_zeroes_may_unmap + padding */

/* Feature bits (virtio 1.2 5.2.3) */
#define F_SIZE_MAX	BIT_ULL(1)
#define F_SEG_MAX	BIT_ULL(2)
#define F_RO		BIT_ULL(5)
#define F_BLK_SIZE	BIT_ULL(6)
#define F_FLUSH		BIT_ULL(9)
#define F_DISCARD	BIT_ULL(13)
#define F_WRITE_ZEROES	BIT_ULL(14)

/* Request types and status (5.2.6) */
#define T_IN		0
#define T_OUT		1
#define T_FLUSH		4
#define T_GET_ID	8
#define T_DISCARD	11
#define T_WRITE_ZEROES	13
#define S_OK		0
#define S_IOERR		1
#define S_UNSUPP	2
#define SEG_UNMAP	BIT(0)

/* Config space offsets (5.2.4) */
#define C_CAPACITY	0
#define C_SIZE_MAX	8
#define C_SEG_MAX	12
#define C_BLK_SIZE	20
#define C_NUM_QUEUES	34
#define C_MAX_DISCARD	36
#define C_DISCARD_SEG	40
#define C_DISCARD_ALIGN	44
#define C_MAX_WZ	48
#define C_WZ_SEG	52
#define C_WZ_UNMAP	56

struct blk_cfg {
	char *file;		/* may hold %d / %p */
	char *serial;		/* NULL: none */
	bool ro;
	int threads;		/* -1: automatic */
};

enum { R_QUEUED, R_RUNNING, R_DONE };

struct blk_req {
	struct blk_req *next;
	struct vab_chain *ch;	/* loop only; NULL once cancelled */
	int state;		/* under the lock */
	u32 type;
	u64 off;		/* byte offset */
	u32 len;		/* data bytes (IN, OUT) or ranges (DISCARD, WZ) */
	u32 in_len;
	u8 *buf;		/* IN: in_len bytes; OUT: the data; ranges */
	int err;		/* -errno from the backing store */
	u8 status;
};

struct blk {
	/* Shared with the workers. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct blk_req *todo, **todo_tail;
	struct blk_req *done;	/* LIFO */
	bool stop;
	int refs;		/* the loop's, and one per worker */
	int fd;			/* the image */
	int efd;		/* workers -> loop */
	bool bdev;
	bool punch;		/* fallocate PUNCH_HOLE works */
	bool zero_range;	/* cleared when ZERO_RANGE is refused */
	/* The loop's only. */
	struct vab_dev *dev;
	struct vab_dev_ops ops;	/* vab_blk_ops with this disk's features */
	bool ready;		/* created: destroy() logs the counters */
	char *path;
	char serial[BLK_ID_BYTES];
	bool ro;
	u64 capacity;		/* sectors */
	u32 blk_size;
	int nthreads;
	u8 *scratch;		/* inline reads */
	u32 scratch_len;
	struct blk_req *reqs[BLK_QUEUE_SIZE];	/* by chain id */
	u32 in_flight, max_in_flight;
	unsigned long n_read, n_write, n_flush, n_discard, n_wz, n_id;
	unsigned long n_bad, n_err;
	u64 read_bytes, write_bytes;
	u32 max_read, max_write;
};

static void cfg_free(struct blk_cfg *cfg)
{
	free(cfg->file);
	free(cfg->serial);
}

/*
 * FILE[,ro][,serial=STR][,threads=N]; NULL if valid, else why not. FILE
 * cannot contain a comma.
 */
static const char *blk_parse(const char *arg, struct blk_cfg *cfg)
{
	const char *p, *e, *why = NULL;
	size_t n;

	memset(cfg, 0, sizeof(*cfg));
	cfg->threads = -1;
	if (!arg || !*arg || *arg == ',')
		return "expected FILE[,ro][,serial=STR][,threads=N]";
	e = strchr(arg, ',');
	n = e ? (size_t)(e - arg) : strlen(arg);
	cfg->file = strndup(arg, n);
	if (!cfg->file)
		return "out of memory";
	for (p = e; p && !why; p = e) {
		p++;
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n == 2 && !strncmp(p, "ro", 2)) {
			cfg->ro = true;
		} else if (n >= 7 && !strncmp(p, "serial=", 7)) {
			free(cfg->serial);
			cfg->serial = strndup(p + 7, n - 7);
			if (!cfg->serial)
				why = "out of memory";
			/* %d can grow: the expanded one is cut at 20 bytes. */
			else if (!strchr(cfg->serial, '%') &&
				 n - 7 > BLK_ID_BYTES)
				why = "serial= is at most 20 bytes";
		} else if (n > 8 && !strncmp(p, "threads=", 8)) {
			char num[8], *end;
			long v;

			if (n - 8 >= sizeof(num)) {
				why = "threads= expects 0 .. 64";
				break;
			}
			memcpy(num, p + 8, n - 8);
			num[n - 8] = 0;
			v = strtol(num, &end, 10);
			if (*end || v < 0 || v > BLK_MAX_THREADS)
				why = "threads= expects 0 .. 64";
			cfg->threads = v;
		} else {
			why = "unknown option (known: ro, serial=STR, threads=N)";
		}
	}
	if (why)
		cfg_free(cfg);
	return why;
}

static const char *blk_check_arg(const char *arg)
{
	struct blk_cfg cfg;
	const char *why = blk_parse(arg, &cfg);

	if (!why)
		cfg_free(&cfg);
	return why;
}

/* ---- the backing store (workers, or the loop when inline) ---- */

static int rw_full(struct blk *b, bool write, u8 *buf, u32 len, u64 off)
{
	ssize_t n;

	while (len) {
		n = write ? pwrite(b->fd, buf, len, off) :
			    pread(b->fd, buf, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)		/* the image shrank under us */
			return write ? -ENOSPC : -EIO;
		buf += n;
		len -= n;
		off += n;
	}
	return 0;
}

/* Zeroes by writing them, when the store has no cheaper way. */
static int write_zeroes_slow(struct blk *b, u64 off, u64 len)
{
	static const u8 zero[4096];
	struct iovec iov[64];
	size_t total;
	ssize_t n;
	int cnt;

	while (len) {
		for (cnt = 0, total = 0; cnt < 64 && total < len; cnt++) {
			iov[cnt].iov_base = (void *)zero;
			iov[cnt].iov_len = len - total < sizeof(zero) ?
					   len - total : sizeof(zero);
			total += iov[cnt].iov_len;
		}
		n = pwritev(b->fd, iov, cnt, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -ENOSPC;
		off += n;
		len -= n;
	}
	return 0;
}

static int do_range(struct blk *b, u32 type, u64 off, u64 len, bool unmap)
{
	u64 range[2] = { off, len };
	int rc;

	if (b->bdev) {
		rc = ioctl(b->fd, type == T_DISCARD ? BLKDISCARD : BLKZEROOUT,
			   range);
		return rc ? -errno : 0;
	}
	if (type == T_DISCARD || (unmap && b->punch)) {
		rc = fallocate(b->fd, FALLOC_FL_PUNCH_HOLE |
			       FALLOC_FL_KEEP_SIZE, off, len);
		return rc ? -errno : 0;
	}
	if (__atomic_load_n(&b->zero_range, __ATOMIC_RELAXED)) {
		rc = fallocate(b->fd, FALLOC_FL_ZERO_RANGE |
			       FALLOC_FL_KEEP_SIZE, off, len);
		if (!rc)
			return 0;
		if (errno != EOPNOTSUPP)
			return -errno;
		__atomic_store_n(&b->zero_range, false, __ATOMIC_RELAXED);
	}
	return write_zeroes_slow(b, off, len);
}

/* Carry out a request the loop has validated; sets err and status. */
static void blk_do(struct blk *b, struct blk_req *r)
{
	u32 i;

	switch (r->type) {
	case T_IN:
		r->err = rw_full(b, false, r->buf, r->len, r->off);
		/* What a failed read left in the buffer is not the guest's. */
		if (r->err)
			memset(r->buf, 0, r->len);
		break;
	case T_OUT:
		r->err = rw_full(b, true, r->buf, r->len, r->off);
		break;
	case T_FLUSH:
		r->err = fdatasync(b->fd) ? -errno : 0;
		break;
	case T_DISCARD:
	case T_WRITE_ZEROES:
		for (i = 0; i < r->len && !r->err; i++) {
			const u8 *s = r->buf + i * BLK_SEG;

			r->err = do_range(b, r->type, get64(s) * BLK_SECTOR,
					  (u64)get32(s + 8) * BLK_SECTOR,
					  get32(s + 12) & SEG_UNMAP);
		}
		break;
	}
	r->status = r->err ? S_IOERR : S_OK;
}

static void kick_loop(int efd)
{
	u64 one = 1;
	ssize_t n = write(efd, &one, sizeof(one));

	/* Only an overflow fails, and then the loop is awake anyway. */
	(void)n;
}

static void *blk_worker(void *arg)
{
	struct blk *b = arg;
	struct blk_req *r;
	bool last, wake;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		while (!b->todo && !b->stop)
			pthread_cond_wait(&b->cond, &b->lock);
		if (b->stop)
			break;
		r = b->todo;
		b->todo = r->next;
		if (!b->todo)
			b->todo_tail = &b->todo;
		r->state = R_RUNNING;
		pthread_mutex_unlock(&b->lock);

		blk_do(b, r);

		pthread_mutex_lock(&b->lock);
		r->state = R_DONE;
		wake = !b->done;
		r->next = b->done;
		b->done = r;
		/* The eventfd lives as long as any reference. */
		if (wake && !b->stop)
			kick_loop(b->efd);
	}
	last = !--b->refs;
	pthread_mutex_unlock(&b->lock);
	if (last) {
		/* The loop let go first: free what it left behind. */
		while ((r = b->done)) {
			b->done = r->next;
			free(r->buf);
			free(r);
		}
		close(b->fd);
		close(b->efd);
		pthread_mutex_destroy(&b->lock);
		pthread_cond_destroy(&b->cond);
		free(b);
	}
	return NULL;
}

/* ---- the loop's side ---- */

/*
 * Complete ch with status in its last writable byte. buf, if not NULL,
 * holds ch->in_len bytes (the data read, or the ID).
 */
static void blk_finish(struct vab_dev *dev, struct vab_chain *ch, u8 *buf,
		       u8 status)
{
	u8 *tmp;

	if (!ch->in_len) {
		dev_dbg(dev, "chain %u has no room for a status", ch->id);
		vab_complete(ch, NULL, 0);
		return;
	}
	if (buf) {
		buf[ch->in_len - 1] = status;
		vab_complete(ch, buf, ch->in_len);
		return;
	}
	if (ch->in_len == 1) {
		vab_complete(ch, &status, 1);
		return;
	}
	/* A status after writable bytes we have nothing for: zeroes. */
	tmp = calloc(1, ch->in_len);
	if (!tmp) {
		dev_info(dev, "out of memory: chain %u completed without a status",
			 ch->id);
		vab_complete(ch, NULL, 0);
		return;
	}
	tmp[ch->in_len - 1] = status;
	vab_complete(ch, tmp, ch->in_len);
	free(tmp);
}

static void blk_bad(struct blk *b, struct vab_chain *ch, u8 status,
		    const char *why)
{
	b->n_bad++;
	if (b->n_bad <= BLK_LOG_ERRORS)
		dev_info(b->dev, "chain %u refused (%s): %s", ch->id,
			 status == S_UNSUPP ? "UNSUPP" : "IOERR", why);
	blk_finish(b->dev, ch, NULL, status);
}

/* Account and complete r, which the backing store has been through. */
static void blk_end(struct blk *b, struct blk_req *r)
{
	struct vab_chain *ch = r->ch;

	if (r->err) {
		b->n_err++;
		if (b->n_err <= BLK_LOG_ERRORS)
			dev_info(b->dev, "%s: type %u at byte %llu, %u bytes: %s -> IOERR%s",
				 b->path, r->type, (unsigned long long)r->off,
				 r->len, strerror(-r->err),
				 b->n_err == BLK_LOG_ERRORS ?
				 " (no more of these logged)" : "");
	} else if (r->type == T_IN) {
		b->read_bytes += r->len;
	} else if (r->type == T_OUT) {
		b->write_bytes += r->len;
	}
	if (!ch)
		return;
	blk_finish(b->dev, ch, r->type == T_IN ? r->buf : NULL, r->status);
}

static void blk_done_ready(void *arg, int fd, short revents)
{
	struct blk *b = arg;
	struct blk_req *list, *r, *fifo = NULL;
	u64 v;

	(void)revents;
	if (read(fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		dev_dbg(b->dev, "eventfd: %s", strerror(errno));
	pthread_mutex_lock(&b->lock);
	list = b->done;
	b->done = NULL;
	pthread_mutex_unlock(&b->lock);
	while ((r = list)) {
		list = r->next;
		r->next = fifo;
		fifo = r;
	}
	while ((r = fifo)) {
		fifo = r->next;
		if (r->ch) {
			b->reqs[r->ch->id] = NULL;
			b->in_flight--;
		}
		blk_end(b, r);
		free(r->buf);
		free(r);
	}
}

/* Is [sector, sector + n) inside the disk? Overflow-safe. */
static bool in_range(struct blk *b, u64 sector, u64 n)
{
	return sector <= b->capacity && n <= b->capacity - sector;
}

/* Check discard / write zeroes ranges; NULL if fine, else why not. */
static const char *check_ranges(struct blk *b, const u8 *seg, u32 nseg,
				u32 type, u8 *status)
{
	u32 i;

	*status = S_IOERR;
	if (!nseg || nseg > BLK_MAX_SEG)
		return "range count";
	for (i = 0; i < nseg; i++, seg += BLK_SEG) {
		u32 flags = get32(seg + 12), n = get32(seg + 8);

		if (flags & ~SEG_UNMAP || (type == T_DISCARD && flags)) {
			*status = S_UNSUPP;
			return "range flags";
		}
		if (n > BLK_MAX_RANGE)
			return "range longer than advertised";
		if (!in_range(b, get64(seg), n))
			return "range beyond the capacity";
	}
	return NULL;
}

static void blk_chain(struct vab_dev *dev, struct vab_chain *ch)
{
	struct blk *b = dev->priv;
	struct blk_req *r;
	u32 type, data = 0;
	const char *why;
	u64 sector;
	u8 st;

	if (ch->out_len < BLK_HDR || !ch->in_len) {
		blk_bad(b, ch, S_IOERR, "no request header or no status byte");
		return;
	}
	type = get32(ch->out);
	sector = get64(ch->out + 8);
	switch (type) {
	case T_IN:
		data = ch->in_len - 1;
		if (ch->out_len != BLK_HDR || data % BLK_SECTOR ||
		    !in_range(b, sector, data / BLK_SECTOR)) {
			blk_bad(b, ch, S_IOERR, "read: bad length or range");
			return;
		}
		b->n_read++;
		if (data > b->max_read)
			b->max_read = data;
		break;
	case T_OUT:
		data = ch->out_len - BLK_HDR;
		if (ch->in_len != 1 || data % BLK_SECTOR ||
		    !in_range(b, sector, data / BLK_SECTOR)) {
			blk_bad(b, ch, S_IOERR, "write: bad length or range");
			return;
		}
		if (b->ro) {
			blk_bad(b, ch, S_IOERR, "write to a read-only disk");
			return;
		}
		b->n_write++;
		if (data > b->max_write)
			b->max_write = data;
		break;
	case T_FLUSH:
		if (ch->out_len != BLK_HDR || ch->in_len != 1) {
			blk_bad(b, ch, S_IOERR, "flush: bad length");
			return;
		}
		b->n_flush++;
		break;
	case T_GET_ID: {
		u8 id[BLK_ID_BYTES + 1] = { 0 };

		if (ch->out_len != BLK_HDR || ch->in_len > sizeof(id)) {
			blk_bad(b, ch, S_IOERR, "get id: bad length");
			return;
		}
		b->n_id++;
		memcpy(id, b->serial, ch->in_len - 1);
		blk_finish(dev, ch, id, S_OK);
		return;
	}
	case T_DISCARD:
	case T_WRITE_ZEROES:
		/* Offered is not enough: the driver must have taken it. */
		if (!(dev->drv_features & (type == T_DISCARD ? F_DISCARD :
					   F_WRITE_ZEROES))) {
			blk_bad(b, ch, S_UNSUPP, "discard / write zeroes not negotiated");
			return;
		}
		data = (ch->out_len - BLK_HDR) / BLK_SEG;
		why = (ch->out_len - BLK_HDR) % BLK_SEG || ch->in_len != 1 ?
		      "bad length" :
		      check_ranges(b, ch->out + BLK_HDR, data, type, &st);
		if (why) {
			blk_bad(b, ch, (ch->out_len - BLK_HDR) % BLK_SEG ||
				ch->in_len != 1 ? S_IOERR : st, why);
			return;
		}
		if (type == T_DISCARD)
			b->n_discard++;
		else
			b->n_wz++;
		break;
	default:
		blk_bad(b, ch, S_UNSUPP, "unknown request type");
		return;
	}

	if (!b->nthreads || ch->id >= BLK_QUEUE_SIZE) {
		/* Inline: straight from and into the loop's buffers. */
		struct blk_req req = {
			.type = type, .off = sector * BLK_SECTOR, .len = data,
			.in_len = ch->in_len, .ch = ch,
		};

		if (type == T_IN) {
			if (ch->in_len > b->scratch_len) {
				u8 *nb = realloc(b->scratch, ch->in_len);

				if (!nb) {
					blk_bad(b, ch, S_IOERR, "out of memory");
					return;
				}
				b->scratch = nb;
				b->scratch_len = ch->in_len;
			}
			req.buf = b->scratch;
		} else if (type != T_FLUSH) {
			req.buf = (u8 *)ch->out + BLK_HDR;
		}
		/* One at a time, by construction. */
		if (!b->max_in_flight)
			b->max_in_flight = 1;
		blk_do(b, &req);
		blk_end(b, &req);
		return;
	}

	r = calloc(1, sizeof(*r));
	if (!r) {
		blk_bad(b, ch, S_IOERR, "out of memory");
		return;
	}
	*r = (struct blk_req){
		.ch = ch, .type = type, .off = sector * BLK_SECTOR,
		.len = data, .in_len = ch->in_len,
	};
	/* The readable bytes live only during chain(): keep a copy. */
	if (type == T_IN) {
		r->buf = malloc(ch->in_len);
	} else if (type == T_OUT && data) {
		r->buf = malloc(data);
		if (r->buf)
			memcpy(r->buf, ch->out + BLK_HDR, data);
	} else if (type != T_FLUSH && type != T_OUT) {
		r->buf = malloc(data * BLK_SEG);
		if (r->buf)
			memcpy(r->buf, ch->out + BLK_HDR, data * BLK_SEG);
	}
	if (!r->buf && type != T_FLUSH && (type != T_OUT || data)) {
		free(r);
		blk_bad(b, ch, S_IOERR, "out of memory");
		return;
	}
	b->reqs[ch->id] = r;
	if (++b->in_flight > b->max_in_flight)
		b->max_in_flight = b->in_flight;
	pthread_mutex_lock(&b->lock);
	r->state = R_QUEUED;
	*b->todo_tail = r;
	b->todo_tail = &r->next;
	pthread_cond_signal(&b->cond);
	pthread_mutex_unlock(&b->lock);
}

static void blk_cancel(struct vab_dev *dev, struct vab_chain *ch)
{
	struct blk *b = dev->priv;
	struct blk_req *r = ch->id < BLK_QUEUE_SIZE ? b->reqs[ch->id] : NULL;
	struct blk_req **pp;

	if (!r || r->ch != ch)
		return;
	b->reqs[ch->id] = NULL;
	b->in_flight--;
	r->ch = NULL;
	pthread_mutex_lock(&b->lock);
	if (r->state != R_QUEUED) {
		/* Running or done: blk_done_ready() frees it. */
		pthread_mutex_unlock(&b->lock);
		return;
	}
	for (pp = &b->todo; *pp != r; pp = &(*pp)->next)
		;
	*pp = r->next;
	if (!*pp)
		b->todo_tail = pp;
	pthread_mutex_unlock(&b->lock);
	free(r->buf);
	free(r);
}

/* ---- create and destroy ---- */

/* Size, block size and what the store can do; 0 or -errno. */
static int blk_probe(struct blk *b, struct stat *st)
{
	u64 range[2] = { 0, 0 };
	struct statfs sfs;
	int ssz;

	if (S_ISBLK(st->st_mode)) {
		u64 bytes;

		b->bdev = true;
		if (ioctl(b->fd, BLKGETSIZE64, &bytes) ||
		    ioctl(b->fd, BLKSSZGET, &ssz))
			return -errno;
		b->capacity = bytes / BLK_SECTOR;
		b->blk_size = ssz > 0 ? (u32)ssz : BLK_SECTOR;
		/* Length 0: EINVAL if discard works, EOPNOTSUPP if not. */
		if (!b->ro && ioctl(b->fd, BLKDISCARD, range) &&
		    errno != EOPNOTSUPP)
			b->punch = true;
		b->zero_range = !b->ro;
		b->nthreads = BLK_THREADS;
		return 0;
	}
	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	b->capacity = st->st_size / BLK_SECTOR;
	b->blk_size = BLK_SECTOR;
	if (!b->ro) {
		/* A hole beyond the end changes nothing but tells. */
		b->punch = !fallocate(b->fd, FALLOC_FL_PUNCH_HOLE |
				      FALLOC_FL_KEEP_SIZE,
				      st->st_size + BLK_SECTOR, BLK_SECTOR);
		/* ZERO_RANGE is tried on first use (pwrite if refused). */
		b->zero_range = true;
	}
	if (!fstatfs(b->fd, &sfs) && (sfs.f_type == TMPFS_MAGIC ||
				      sfs.f_type == RAMFS_MAGIC))
		b->nthreads = 0;
	else
		b->nthreads = BLK_THREADS;
	return 0;
}

static void blk_start_workers(struct blk *b, int want)
{
	pthread_attr_t attr;
	pthread_t t;
	int i;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, BLK_STACK);
	b->nthreads = 0;
	for (i = 0; i < want; i++) {
		pthread_mutex_lock(&b->lock);
		b->refs++;
		pthread_mutex_unlock(&b->lock);
		if (pthread_create(&t, &attr, blk_worker, b)) {
			pthread_mutex_lock(&b->lock);
			b->refs--;
			pthread_mutex_unlock(&b->lock);
			dev_info(b->dev, "only %d of %d worker threads", i, want);
			break;
		}
		b->nthreads++;
	}
	pthread_attr_destroy(&attr);
}

static void blk_destroy(struct vab_dev *dev)
{
	struct blk *b = dev->priv;
	struct blk_req *r;
	bool last;

	if (!b)
		return;
	dev->priv = NULL;
	if (b->ready)
		dev_info(dev, "%s: %lu reads (%llu bytes, largest %u), %lu writes (%llu bytes, largest %u), %lu flushes, %lu discards, %lu write-zeroes, %lu get-id, %lu refused, %lu I/O errors, at most %u in flight",
			 b->path, b->n_read,
			 (unsigned long long)b->read_bytes, b->max_read,
			 b->n_write, (unsigned long long)b->write_bytes,
			 b->max_write, b->n_flush, b->n_discard, b->n_wz,
			 b->n_id, b->n_bad, b->n_err, b->max_in_flight);
	if (b->efd >= 0)
		vab_unwatch(b->efd);
	free(b->scratch);
	free(b->path);
	pthread_mutex_lock(&b->lock);
	b->stop = true;
	/* Queued ones never started: every chain was cancelled already. */
	while ((r = b->todo)) {
		b->todo = r->next;
		free(r->buf);
		free(r);
	}
	b->todo_tail = &b->todo;
	pthread_cond_broadcast(&b->cond);
	last = !--b->refs;
	pthread_mutex_unlock(&b->lock);
	if (!last)
		return;		/* the last worker frees the rest */
	while ((r = b->done)) {
		b->done = r->next;
		free(r->buf);
		free(r);
	}
	if (b->fd >= 0)
		close(b->fd);
	if (b->efd >= 0)
		close(b->efd);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b);
}

static int blk_create(struct vab_dev *dev)
{
	struct blk *b = calloc(1, sizeof(*b));
	struct blk_cfg cfg;
	struct stat st;
	char *serial;
	int rc;

	if (!b)
		return -ENOMEM;
	if (blk_parse(dev->arg, &cfg)) {
		free(b);
		return -EINVAL;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->cond, NULL);
	b->todo_tail = &b->todo;
	b->refs = 1;
	b->fd = -1;
	b->efd = -1;
	b->dev = dev;
	b->ro = cfg.ro;
	dev->priv = b;
	b->path = vab_expand(dev, cfg.file);
	serial = cfg.serial ? vab_expand(dev, cfg.serial) : NULL;
	if (!b->path || (cfg.serial && !serial)) {
		rc = -ENOMEM;
		goto fail;
	}
	/* Not NUL-terminated when it has 20 bytes, as in GET_ID. */
	if (serial)
		memcpy(b->serial, serial, strnlen(serial, sizeof(b->serial)));
	b->fd = open(b->path, (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0) {
		rc = -errno;
		dev_info(dev, "blk %s: %s", b->path, strerror(errno));
		goto fail;
	}
	/* Two writers of one image would corrupt it: one at a time. */
	if (flock(b->fd, (b->ro ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		rc = -errno;
		dev_info(dev, "blk %s: in use by another connection", b->path);
		goto fail;
	}
	if (fstat(b->fd, &st)) {
		rc = -errno;
		goto fail;
	}
	rc = blk_probe(b, &st);
	if (rc) {
		dev_info(dev, "blk %s: not a regular file or block device, or %s",
			 b->path, strerror(-rc));
		goto fail;
	}
	if (cfg.threads >= 0)
		b->nthreads = cfg.threads;
	if (b->nthreads) {
		b->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (b->efd < 0) {
			rc = -errno;
			goto fail;
		}
		rc = vab_watch(b->efd, POLLIN, blk_done_ready, b);
		if (rc) {
			close(b->efd);
			b->efd = -1;
			goto fail;
		}
		blk_start_workers(b, b->nthreads);
	}

	/*
	 * The core reads the offered features from dev->ops: point it at a
	 * copy with this disk's. Write zeroes works on any writable file
	 * (by writing, at worst) and block device (BLKZEROOUT emulates).
	 */
	b->ops = vab_blk_ops;
	b->ops.features &= ~(F_RO | F_DISCARD | F_WRITE_ZEROES);
	if (b->ro)
		b->ops.features |= F_RO;
	else if (b->punch)
		b->ops.features |= F_DISCARD | F_WRITE_ZEROES;
	else
		b->ops.features |= F_WRITE_ZEROES;
	dev->ops = &b->ops;
	b->ready = true;

	put64(dev->config + C_CAPACITY, b->capacity);
	put32(dev->config + C_SIZE_MAX, BLK_SIZE_MAX);
	/* Data of a chain plus the header (or status) within max_chain. */
	put32(dev->config + C_SEG_MAX, (opt.max_chain - BLK_HDR) / BLK_SIZE_MAX);
	put32(dev->config + C_BLK_SIZE, b->blk_size);
	put16(dev->config + C_NUM_QUEUES, 1);
	put32(dev->config + C_MAX_DISCARD, BLK_MAX_RANGE);
	put32(dev->config + C_DISCARD_SEG, BLK_MAX_SEG);
	put32(dev->config + C_DISCARD_ALIGN, b->blk_size / BLK_SECTOR);
	put32(dev->config + C_MAX_WZ, BLK_MAX_RANGE);
	put32(dev->config + C_WZ_SEG, BLK_MAX_SEG);
	dev->config[C_WZ_UNMAP] = b->punch && !b->bdev;

	dev_info(dev, "blk %s: %llu sectors (%llu MiB), block size %u%s%s%s, serial \"%.20s\", %d worker thread%s%s",
		 b->path, (unsigned long long)b->capacity,
		 (unsigned long long)(b->capacity >> 11), b->blk_size,
		 b->ro ? ", read-only" : "",
		 b->ops.features & F_DISCARD ? ", discard" : "",
		 b->ops.features & F_WRITE_ZEROES ? ", write zeroes" : "",
		 b->serial, b->nthreads, b->nthreads == 1 ? "" : "s",
		 b->nthreads ? "" : " (inline: the image is in memory)");
	free(serial);
	cfg_free(&cfg);
	return 0;
fail:
	free(serial);
	cfg_free(&cfg);
	blk_destroy(dev);
	return rc;
}

const struct vab_dev_ops vab_blk_ops = {
	.name = "blk",
	.device_id = 2,
	.num_queues = 1,
	.queue_max_size = BLK_QUEUE_SIZE,
	.config_size = BLK_CONFIG,
	/* The most offered; create() narrows RO, DISCARD, WRITE_ZEROES. */
	.features = F_SIZE_MAX | F_SEG_MAX | F_BLK_SIZE | F_FLUSH | F_RO |
		    F_DISCARD | F_WRITE_ZEROES,
	.check_arg = blk_check_arg,
	.create = blk_create,
	.destroy = blk_destroy,
	.chain = blk_chain,
	.cancel = blk_cancel,
};
