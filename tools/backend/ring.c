// SPDX-License-Identifier: GPL-2.0-only
/*
 * The listening rings on /dev/argo: one wildcard ring (any domain may
 * send; needs Xen's mac-permissive=1), or one unicast ring per served
 * domain, all on the same port. Replies leave from the ring the
 * front-end sent to, so their source port is the port it knows.
 *
 * Every descriptor is O_NONBLOCK: a full front-end ring must never stall
 * the back-end (EAGAIN is kept in the connection's FIFO and retried on
 * POLLOUT and on the one-second tick).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "backend.h"

struct vab_ring rings[VAB_MAX_DOMIDS];
unsigned int nrings;

static void ring_ready(void *arg, int fd, short revents);

static int ring_bind(struct vab_ring *r)
{
	struct argo_bind b;
	int fd, rc;
	/* Argo's largest payload for the ring, at most one of our batches. */
	u32 max_msg = ARGO_RING_MAX_PAYLOAD(opt.ring_len) < VAB_BATCH_MAX ?
		      ARGO_RING_MAX_PAYLOAD(opt.ring_len) : VAB_BATCH_MAX;

	fd = open("/dev/argo", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&b, 0, sizeof(b));
	b.port = opt.port;
	b.partner = r->partner;
	b.ring_len = opt.ring_len;
	/*
	 * Front-ends are told (HELLO's max_msg) to send at most what we send
	 * them at once; with a ring that holds more, the driver then skips
	 * the notify hypercall after a receive that no sender can wait for.
	 */
	b.flags = ARGO_BIND_F_SENDER_MAX;
	b.max_payload = max_msg;
	if (ioctl(fd, ARGO_IOC_BIND, &b) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	r->buf = malloc(b.max_payload);
	if (!r->buf) {
		close(fd);
		return -ENOMEM;
	}
	rc = vab_watch(fd, POLLIN, ring_ready, r);
	if (rc) {
		free(r->buf);
		r->buf = NULL;
		close(fd);
		return rc;
	}
	r->fd = fd;
	r->max_msg = max_msg;
	r->max_payload = b.max_payload;
	return 0;
}

/* What an administrator can do about a failed bind. */
static const char *bind_hint(int rc)
{
	if (rc == -EPERM || rc == -EACCES)
		return " (a wildcard ring needs Xen's argo=1,mac-permissive=1; or use --domid)";
	if (rc == -ENOENT || rc == -ENODEV)
		return " (is xen-argo.ko loaded?)";
	return "";
}

static const char *partner_str(u16 partner, char *buf, size_t len)
{
	if (partner == ARGO_DOMID_ANY)
		return "any domain";
	snprintf(buf, len, "domain %u", partner);
	return buf;
}

/*
 * Bind every ring. A unicast ring for a domain that does not exist yet
 * (ESRCH) is retried every second: guests may be created after the
 * back-end starts. Anything else is fatal.
 */
int rings_setup(void)
{
	unsigned int i;
	char pb[24];
	int rc;

	if (opt.any || !opt.ndomids) {
		rings[0].partner = ARGO_DOMID_ANY;
		nrings = 1;
	} else {
		for (i = 0; i < opt.ndomids; i++)
			rings[i].partner = opt.domids[i];
		nrings = opt.ndomids;
	}
	for (i = 0; i < nrings; i++) {
		rings[i].fd = -1;
		rc = ring_bind(&rings[i]);
		if (rc == -ESRCH) {
			vab_info("port %u for %s: no such domain yet, will retry",
				 opt.port, partner_str(rings[i].partner, pb,
						       sizeof(pb)));
			continue;
		}
		if (rc) {
			vab_err("cannot bind port %u for %s, ring %u bytes: %s%s",
				opt.port,
				partner_str(rings[i].partner, pb, sizeof(pb)),
				opt.ring_len, strerror(-rc), bind_hint(rc));
			return rc;
		}
		vab_info("listening on port %u for %s, max_msg %u",
			 opt.port, partner_str(rings[i].partner, pb, sizeof(pb)),
			 rings[i].max_msg);
	}
	return 0;
}

void rings_retry_bind(void)
{
	unsigned int i;
	char pb[24];

	for (i = 0; i < nrings; i++) {
		if (rings[i].fd >= 0 || ring_bind(&rings[i]))
			continue;
		vab_info("listening on port %u for %s, max_msg %u", opt.port,
			 partner_str(rings[i].partner, pb, sizeof(pb)),
			 rings[i].max_msg);
	}
}

void rings_close(void)
{
	unsigned int i;

	for (i = 0; i < nrings; i++) {
		if (rings[i].fd < 0)
			continue;
		vab_unwatch(rings[i].fd);
		close(rings[i].fd);
		rings[i].fd = -1;
		free(rings[i].buf);
		rings[i].buf = NULL;
	}
}

/* Send one Argo message: bytes sent or -errno (-EAGAIN: ring full). */
int ring_send(struct vab_ring *r, u16 domid, u32 port, const void *buf,
	      u32 len)
{
	struct argo_iov iov = { .base = (unsigned long)buf, .len = len };
	struct argo_sendv s;
	int rc;

	if (r->fd < 0)
		return -ENOTCONN;
	memset(&s, 0, sizeof(s));
	s.domid = domid;
	s.port = port;
	s.type = VIRTIO_ARGO_ARGO_TYPE;
	s.niov = 1;
	s.iov = (unsigned long)&iov;
	rc = ioctl(r->fd, ARGO_IOC_SENDV, &s);
	if (rc < 0) {
		rc = -errno;
		if (rc == -EAGAIN && !r->blocked) {
			r->blocked = true;
			ring_update_events(r);
		}
	}
	return rc;
}

/*
 * POLLIN unless a connection on a unicast ring is congested (then we stop
 * draining it, which is the spec's back-pressure; a wildcard ring is
 * shared by every front-end, so it is always drained). POLLOUT while a
 * send waits for room.
 */
void ring_update_events(struct vab_ring *r)
{
	short ev = POLLOUT;

	if (r->fd < 0)
		return;
	if (r->partner == ARGO_DOMID_ANY || !conn_ring_congested(r))
		ev |= POLLIN;
	if (!r->blocked)
		ev &= ~POLLOUT;
	vab_watch_events(r->fd, ev);
}

/* Send what the messages read from r were answered with. */
static void ring_answer(struct vab_ring *r)
{
	conn_batch_end(r);
	conn_flush_all();
	conn_reap();
}

static void ring_recv(struct vab_ring *r)
{
	struct argo_recv m;
	unsigned int i;
	int rc;

	for (i = 0; i < VAB_RECV_BURST; i++) {
		if (r->partner != ARGO_DOMID_ANY && conn_ring_congested(r))
			break;
		memset(&m, 0, sizeof(m));
		m.buf = (unsigned long)r->buf;
		m.buf_len = r->max_payload;
		rc = ioctl(r->fd, ARGO_IOC_RECV, &m);
		if (rc < 0) {
			if (errno != EAGAIN && errno != EINTR)
				vab_err("recv on port %u: %s", opt.port,
					strerror(errno));
			break;
		}
		if (m.flags & ARGO_RECV_F_TRUNC) {
			/* Cannot happen: the buffer is the ring's max payload. */
			vab_err("%u:%u: message of %u bytes truncated, dropped",
				m.src_domid, m.src_port, m.msg_len);
			continue;
		}
		frame_rx(r, m.src_domid, m.src_port, m.type, r->buf, rc);
		/*
		 * While more messages wait (ARGO_RECV_F_MORE), their answers
		 * are gathered into one message per front-end, sent when
		 * the ring is drained or a message is full: fewer sends here,
		 * fewer VIRQs there. Without MORE, back to poll(), which
		 * saves the receive that would only say EAGAIN.
		 */
		if (!(m.flags & ARGO_RECV_F_MORE)) {
			ring_answer(r);
			return;
		}
		if (conn_ring_output_ready(r))
			ring_answer(r);
	}
	ring_answer(r);
}

static void ring_ready(void *arg, int fd, short revents)
{
	struct vab_ring *r = arg;

	(void)fd;
	if (revents & POLLOUT) {
		r->blocked = false;
		conn_flush_ring(r);
	}
	if (revents & POLLERR)
		vab_err("port %u: the driver reports a corrupt ring", opt.port);
	if (revents & POLLIN)
		ring_recv(r);
	ring_update_events(r);
}
