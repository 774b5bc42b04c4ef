// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio-net (device type 1), one queue pair: queue 0 is receiveq (the
 * guest posts device-writable buffers), queue 1 is transmitq. The host
 * side is a tap (net_tap.c) whose packets carry the same 12-byte
 * virtio_net_hdr as the guest's buffers, so a packet moves between a
 * chain and the tap with one read() or write() and no reframing.
 *
 * Receive: a posted buffer is held until a packet arrives. The tap is
 * polled only while the guest has buffers posted and the connection can
 * take output; otherwise packets wait in the tap's own queue (and the
 * kernel drops beyond it), so a flood is throttled by the guest, not
 * buffered here. Each wake-up reads a bounded burst so other guests get
 * their turn.
 *
 * Transmit: a chain is checked, written to the tap and completed. A write
 * that would block keeps the chain (its bytes copied, the core frees
 * them after chain()) and every later one, in order, until POLLOUT; the
 * guest then runs out of transmit buffers and waits.
 *
 * A write to the tap runs dom0's receive path for the packet before it
 * returns, so what it provokes (TCP's ACK, more data once a window opens)
 * is often in the tap already. batch_end() reads it before the core sends
 * the transmit completions, and both go in one message: one VIRQ in the
 * guest instead of two.
 *
 * Offloads: the header is passed through, so an offload works only if
 * both ends honour it. Transmit offloads (CSUM, HOST_TSO4/6/ECN) need
 * only the tap's vnet header, which the kernel checks on every write.
 * Receive offloads (GUEST_CSUM, GUEST_TSO4/6/ECN) are offered only if
 * the tap accepted them when probed, and the tap is told at DRIVER_OK
 * what the driver actually took (TUNSETOFFLOAD); until then, and after a
 * reset, it hands over only whole, checksummed packets. offload=off
 * offers none.
 *
 * The offered features depend on the tap, but the core reads them from
 * dev->ops: each instance therefore points dev->ops at its own copy of
 * vab_net_ops with the features filled in.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "backend.h"
#include "net.h"

#define NET_QUEUE_SIZE	256
#define NET_CONFIG	12	/* mac, status, max_virtqueue_pairs, mtu */
#define VNET_HDR	12	/* struct virtio_net_hdr_v1 */
#define ETH_HDR		14
/* Largest packet from the tap: a 64 KiB GSO frame, its header, a VLAN. */
#define RX_BUF		(VNET_HDR + 65536 + 256)
/* Largest packet to the tap: what the kernel takes for a GSO frame. */
#define TX_MAX		(65535 + ETH_HDR + 4)
#define RX_BURST	64		/* packets per wake-up at most */
#define RX_BURST_BYTES	(512U << 10)	/* and bytes */
#define LOG_PER_TICK	10		/* guest-caused lines per second */

#define F(bit)		BIT_ULL(VIRTIO_NET_F_##bit)

enum { RX_Q, TX_Q };

/* A transmit chain waiting for the tap to take its packet. */
struct tx_held {
	struct tx_held *next;
	struct vab_chain *ch;
	u32 len;
	u8 data[];
};

struct net {
	struct vab_dev *dev;
	struct vab_dev_ops ops;		/* this instance's features */
	struct net_cfg cfg;
	struct net_tap tap;
	bool tap_dead;			/* read/write failed for good */
	bool wrote;			/* a packet went to the tap since */
	bool joining;			/* in batch_end() */
	bool in_callback;		/* in tap_ready(): free n there */
	bool destroyed;			/* destroy() ran meanwhile */
	struct vab_chain *rx;		/* posted receive buffers, FIFO */
	struct vab_chain **rx_tail;
	struct tx_held *tx;		/* held transmit chains, FIFO */
	struct tx_held **tx_tail;
	unsigned int log_budget;
	unsigned long log_suppressed;
	unsigned long rx_pkts, rx_bytes, rx_drops, rx_joined;
	unsigned long tx_pkts, tx_bytes, tx_bad, tx_errs, tx_held;
	u8 buf[];			/* RX_BUF: one packet from the tap */
};

/* A log line the guest can cause: at most LOG_PER_TICK a second. */
static void __printf(2, 3) net_warn(struct net *n, const char *fmt, ...)
{
	char line[200];
	va_list ap;

	if (!n->log_budget) {
		n->log_suppressed++;
		return;
	}
	n->log_budget--;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dev_info(n->dev, "%s", line);
}

static bool has(struct net *n, u64 f)
{
	return (n->dev->drv_features & f) == f;
}

static const char *net_check_arg(const char *arg)
{
	struct net_cfg cfg;

	return net_parse(arg, &cfg);
}

static void update_events(struct net *n)
{
	short ev = 0;

	if (n->tap.fd < 0 || n->tap_dead)
		return;
	if (n->rx && vab_dev_live(n->dev) && !vab_dev_congested(n->dev))
		ev |= POLLIN;
	if (n->tx)
		ev |= POLLOUT;
	vab_watch_events(n->tap.fd, ev);
}

/* The tap is gone (deleted under us): report the link down, stop. */
static void tap_failed(struct net *n, const char *what, int err)
{
	u16 st;

	if (n->tap_dead)
		return;
	n->tap_dead = true;
	dev_info(n->dev, "tap %s: %s: %s; link down", n->tap.name, what,
		 strerror(err));
	/* poll() reports POLLERR on a detached tap whatever it is asked. */
	vab_unwatch(n->tap.fd);
	st = get16(n->dev->config + 6) & ~VIRTIO_NET_S_LINK_UP;
	put16(n->dev->config + 6, st);
	vab_config_changed(n->dev, 6, 2);
}

/*
 * Make the header of a packet from the tap right for this driver: the
 * tap may still hold packets offloaded under an earlier negotiation.
 * false: drop it.
 */
static bool rx_fixup(struct net *n, u8 *p, u32 len)
{
	u8 flags = p[0], gso = p[1], type = gso & ~VIRTIO_NET_HDR_GSO_ECN;

	if (len < VNET_HDR + ETH_HDR || len >= RX_BUF) {
		net_warn(n, "rx: dropped a %u-byte packet from the tap (%s)",
			 len, len < VNET_HDR + ETH_HDR ? "runt" : "too long");
		return false;
	}
	if (!has(n, F(GUEST_CSUM))) {
		if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			goto stale;
		/* Without GUEST_CSUM the device must send flags 0. */
		p[0] = 0;
	}
	if ((type == VIRTIO_NET_HDR_GSO_TCPV4 && !has(n, F(GUEST_TSO4))) ||
	    (type == VIRTIO_NET_HDR_GSO_TCPV6 && !has(n, F(GUEST_TSO6))) ||
	    (type != VIRTIO_NET_HDR_GSO_NONE &&
	     type != VIRTIO_NET_HDR_GSO_TCPV4 &&
	     type != VIRTIO_NET_HDR_GSO_TCPV6) ||
	    ((gso & VIRTIO_NET_HDR_GSO_ECN) && !has(n, F(GUEST_ECN))))
		goto stale;
	/* The tap writes 10 bytes; num_buffers is 1 without MRG_RXBUF. */
	put16(p + 10, 1);
	return true;
stale:
	net_warn(n, "rx: dropped a packet offloaded beyond what the driver took (flags 0x%x, gso 0x%x)",
		 flags, gso);
	return false;
}

/* Packets from the tap into posted buffers, a burst at a time. */
static void rx_pump(struct net *n)
{
	unsigned int pkts = 0;
	u32 bytes = 0;
	struct vab_chain *ch;
	ssize_t len;

	while (!n->destroyed && n->rx && !n->tap_dead && vab_dev_live(n->dev) &&
	       !vab_dev_congested(n->dev) && pkts < RX_BURST &&
	       bytes < RX_BURST_BYTES) {
		len = read(n->tap.fd, n->buf, RX_BUF);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				tap_failed(n, "read", errno);
			break;
		}
		pkts++;
		if (!rx_fixup(n, n->buf, len)) {
			n->rx_drops++;
			continue;
		}
		ch = n->rx;
		if (len > ch->in_len) {
			net_warn(n, "rx: dropped a %zd-byte packet: the receive buffer has %u bytes",
				 len, ch->in_len);
			n->rx_drops++;
			continue;
		}
		n->rx = ch->next;
		if (!n->rx)
			n->rx_tail = &n->rx;
		n->rx_pkts++;
		n->rx_joined += n->joining;
		n->rx_bytes += len - VNET_HDR;
		bytes += len;
		vab_complete(ch, n->buf, len);
	}
}

/* Why the guest's packet p of len bytes (header included) is bad, or NULL. */
static const char *tx_check(struct net *n, const u8 *p, u32 len)
{
	u8 flags = p[0], gso = p[1], type = gso & ~VIRTIO_NET_HDR_GSO_ECN;
	u16 hdr_len = get16(p + 2), gso_size = get16(p + 4);
	u16 cstart = get16(p + 6), coff = get16(p + 8);
	u32 plen = len - VNET_HDR;

	if (plen > TX_MAX)
		return "longer than 64 KiB";
	if (flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return "flags other than NEEDS_CSUM";
	if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (!has(n, F(CSUM)))
			return "NEEDS_CSUM without the CSUM feature";
		if ((u32)cstart + coff + 2 > plen)
			return "csum_start + csum_offset beyond the packet";
	}
	if (type == VIRTIO_NET_HDR_GSO_NONE) {
		if (gso & VIRTIO_NET_HDR_GSO_ECN)
			return "GSO_ECN without a GSO type";
		return NULL;
	}
	if (type == VIRTIO_NET_HDR_GSO_TCPV4 && !has(n, F(HOST_TSO4)))
		return "GSO_TCPV4 without HOST_TSO4";
	if (type == VIRTIO_NET_HDR_GSO_TCPV6 && !has(n, F(HOST_TSO6)))
		return "GSO_TCPV6 without HOST_TSO6";
	if (type != VIRTIO_NET_HDR_GSO_TCPV4 &&
	    type != VIRTIO_NET_HDR_GSO_TCPV6)
		return "a GSO type that was not offered";
	if ((gso & VIRTIO_NET_HDR_GSO_ECN) && !has(n, F(HOST_ECN)))
		return "GSO_ECN without HOST_ECN";
	if (!(flags & VIRTIO_NET_HDR_F_NEEDS_CSUM))
		return "GSO without NEEDS_CSUM";
	if (!gso_size)
		return "GSO with gso_size 0";
	if (hdr_len > plen)
		return "hdr_len beyond the packet";
	return NULL;
}

/* 0 (written, or dropped and counted) or -EAGAIN (keep it). */
static int tx_write(struct net *n, const u8 *p, u32 len)
{
	ssize_t rc;

	if (n->tap_dead) {
		n->tx_errs++;
		return 0;
	}
	do
		rc = write(n->tap.fd, p, len);
	while (rc < 0 && errno == EINTR);
	if (rc < 0 && errno == EAGAIN)
		return -EAGAIN;
	if (rc != (ssize_t)len) {
		/* EIO: the tap is down; EINVAL: the kernel refused the header. */
		n->tx_errs++;
		net_warn(n, "tx: tap %s refused a %u-byte packet: %s",
			 n->tap.name, len - VNET_HDR,
			 rc < 0 ? strerror(errno) : "short write");
		return 0;
	}
	n->tx_pkts++;
	n->tx_bytes += len - VNET_HDR;
	n->wrote = true;
	return 0;
}

static void tx_flush(struct net *n)
{
	struct tx_held *h;

	while (!n->destroyed && (h = n->tx)) {
		if (tx_write(n, h->data, h->len) == -EAGAIN)
			return;
		n->tx = h->next;
		if (!n->tx)
			n->tx_tail = &n->tx;
		vab_complete(h->ch, NULL, 0);
		free(h);
	}
}

/* Keep a transmit chain until the tap takes it; false: out of memory. */
static bool tx_hold(struct net *n, struct vab_chain *ch)
{
	struct tx_held *h = malloc(sizeof(*h) + ch->out_len);

	if (!h)
		return false;
	h->next = NULL;
	h->ch = ch;
	h->len = ch->out_len;
	memcpy(h->data, ch->out, ch->out_len);
	*n->tx_tail = h;
	n->tx_tail = &h->next;
	n->tx_held++;
	return true;
}

static void tx_chain(struct net *n, struct vab_chain *ch)
{
	const char *why;

	if (ch->out_len < VNET_HDR + ETH_HDR)
		why = "shorter than a header and an Ethernet header";
	else
		why = tx_check(n, ch->out, ch->out_len);
	if (why) {
		n->tx_bad++;
		net_warn(n, "tx: dropped chain %u (%u bytes): %s", ch->id,
			 ch->out_len, why);
		vab_complete(ch, NULL, 0);
		return;
	}
	/* Behind held chains, or the tap is full: keep it, in order. */
	if (n->tx || tx_write(n, ch->out, ch->out_len) == -EAGAIN) {
		if (tx_hold(n, ch)) {
			update_events(n);
			return;
		}
		n->tx_errs++;
		net_warn(n, "tx: out of memory, chain %u dropped", ch->id);
	}
	vab_complete(ch, NULL, 0);
}

static void net_chain(struct vab_dev *dev, struct vab_chain *ch)
{
	struct net *n = dev->priv;

	if (ch->vq == TX_Q) {
		tx_chain(n, ch);
		return;
	}
	if (ch->out_len || ch->in_len < VNET_HDR + ETH_HDR) {
		net_warn(n, "rx: chain %u is not a receive buffer (out %u, in %u): returned unused",
			 ch->id, ch->out_len, ch->in_len);
		vab_complete(ch, NULL, 0);
		return;
	}
	ch->next = NULL;
	*n->rx_tail = ch;
	n->rx_tail = &ch->next;
	update_events(n);
}

static void net_cancel(struct vab_dev *dev, struct vab_chain *ch)
{
	struct net *n = dev->priv;
	struct vab_chain **pp;
	struct tx_held **hp, *h;

	for (pp = &n->rx; *pp; pp = &(*pp)->next) {
		if (*pp != ch)
			continue;
		*pp = ch->next;
		if (!*pp)
			n->rx_tail = pp;
		update_events(n);
		return;
	}
	for (hp = &n->tx; *hp; hp = &(*hp)->next) {
		if ((*hp)->ch != ch)
			continue;
		h = *hp;
		*hp = h->next;
		if (!*hp)
			n->tx_tail = hp;
		free(h);
		update_events(n);
		return;
	}
}

/*
 * A completion can close the connection (its output over the hard limit),
 * which destroys this instance under our feet: destroy() then leaves n
 * for us to free, and the loops stop.
 */
static void tap_service(struct net *n, short revents)
{
	n->in_callback = true;
	/* The tap was deleted: it stays in error, and would spin the loop. */
	if (revents & (POLLERR | POLLNVAL))
		tap_failed(n, "poll", EIO);
	if (n->tap_dead)
		revents = 0;
	if (revents & POLLOUT)
		tx_flush(n);
	if (revents & (POLLIN | POLLERR | POLLHUP))
		rx_pump(n);
	/*
	 * A dead tap (here or in rx_pump()) never says POLLOUT again: the
	 * chains held for it would hold the guest's transmit queue too.
	 * Complete them as dropped; tx_write() counts them as failed.
	 */
	if (n->tap_dead)
		tx_flush(n);
	n->in_callback = false;
	if (n->destroyed) {
		free(n);
		return;
	}
	update_events(n);
}

static void tap_ready(void *arg, int fd, short revents)
{
	(void)fd;
	tap_service(arg, revents);
}

/* Answers to what was just written, in the message the core sends next. */
static void net_batch_end(struct vab_dev *dev)
{
	struct net *n = dev->priv;

	if (!n || !n->wrote)
		return;
	n->wrote = false;
	if (!n->rx || n->tap_dead)
		return;
	n->joining = true;
	tap_service(n, POLLIN);
	/* A completion that closed the connection freed n: priv is NULL. */
	if (dev->priv)
		n->joining = false;
}

/* The features the driver took may be used together? */
static bool net_features_ok(struct vab_dev *dev, u64 f)
{
	(void)dev;
	if ((f & (F(GUEST_TSO4) | F(GUEST_TSO6) | F(GUEST_ECN))) &&
	    !(f & F(GUEST_CSUM)))
		return false;
	if ((f & F(GUEST_ECN)) && !(f & (F(GUEST_TSO4) | F(GUEST_TSO6))))
		return false;
	if ((f & (F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN))) &&
	    !(f & F(CSUM)))
		return false;
	if ((f & F(HOST_ECN)) && !(f & (F(HOST_TSO4) | F(HOST_TSO6))))
		return false;
	return true;
}

/* "csum,tso4,..." for the log. */
static void feature_names(u64 f, char *s, size_t len)
{
	static const struct { u64 bit; const char *name; } names[] = {
		{ F(CSUM), "csum" }, { F(HOST_TSO4), "tso4" },
		{ F(HOST_TSO6), "tso6" }, { F(HOST_ECN), "ecn" },
		{ F(GUEST_CSUM), "guest_csum" }, { F(GUEST_TSO4), "guest_tso4" },
		{ F(GUEST_TSO6), "guest_tso6" }, { F(GUEST_ECN), "guest_ecn" },
	};
	size_t o = 0;
	unsigned int i;

	s[0] = 0;
	for (i = 0; i < ARRAY_SIZE(names) && o < len; i++)
		if (f & names[i].bit)
			o += snprintf(s + o, len - o, "%s%s", o ? "," : "",
				      names[i].name);
	if (!s[0])
		snprintf(s, len, "none");
}

static void net_driver_ok(struct vab_dev *dev)
{
	struct net *n = dev->priv;
	unsigned int tun = 0;
	char names[128];
	int rc;

	if (has(n, F(GUEST_CSUM)))
		tun |= TUN_F_CSUM;
	if (has(n, F(GUEST_TSO4)))
		tun |= TUN_F_TSO4;
	if (has(n, F(GUEST_TSO6)))
		tun |= TUN_F_TSO6;
	if (has(n, F(GUEST_ECN)))
		tun |= TUN_F_TSO_ECN;
	rc = net_tap_offload(&n->tap, tun);
	if (rc) {
		/* Then the tap sends plain packets, which every driver takes. */
		dev_info(dev, "tap %s: TUNSETOFFLOAD 0x%x: %s", n->tap.name,
			 tun, strerror(-rc));
	}
	feature_names(dev->drv_features, names, sizeof(names));
	dev_info(dev, "driver ok: tap %s, offloads %s", n->tap.name, names);
	update_events(n);
}

static void net_reset(struct vab_dev *dev)
{
	struct net *n = dev->priv;

	/* Plain packets until the next driver says what it takes. */
	if (!n->tap_dead)
		net_tap_offload(&n->tap, 0);
	update_events(n);
}

static void net_kick(struct vab_dev *dev)
{
	update_events(dev->priv);
}

static void net_tick(struct vab_dev *dev)
{
	struct net *n = dev->priv;

	if (n->log_suppressed)
		dev_info(dev, "%lu more log lines suppressed", n->log_suppressed);
	n->log_suppressed = 0;
	n->log_budget = LOG_PER_TICK;
}

static void net_destroy(struct vab_dev *dev)
{
	struct net *n = dev->priv;
	struct tx_held *h;

	if (!n)
		return;
	dev_info(dev, "tap %s: rx %lu packets %lu bytes (%lu dropped, %lu sent with transmit completions), tx %lu packets %lu bytes (%lu bad, %lu failed, %lu waited for the tap)",
		 n->tap.name, n->rx_pkts, n->rx_bytes, n->rx_drops,
		 n->rx_joined, n->tx_pkts,
		 n->tx_bytes, n->tx_bad, n->tx_errs, n->tx_held);
	while ((h = n->tx)) {
		n->tx = h->next;
		free(h);
	}
	if (n->tap.fd >= 0)
		vab_unwatch(n->tap.fd);
	net_tap_close(&n->tap);
	/* The per-instance ops live in n: hand the shared ones back. */
	dev->ops = &vab_net_ops;
	dev->priv = NULL;
	n->destroyed = true;
	if (!n->in_callback)
		free(n);
}

static u64 offered_features(const struct net *n)
{
	u64 f = F(MAC) | F(STATUS);

	if (!n->cfg.offload)
		return f;
	/* Transmit: the kernel checks every vnet header we write. */
	f |= F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN);
	/* Receive: only what the tap agreed to hand us. */
	if (n->tap.offloads & TUN_F_CSUM)
		f |= F(GUEST_CSUM);
	if (n->tap.offloads & TUN_F_TSO4)
		f |= F(GUEST_TSO4);
	if (n->tap.offloads & TUN_F_TSO6)
		f |= F(GUEST_TSO6);
	if (n->tap.offloads & TUN_F_TSO_ECN)
		f |= F(GUEST_ECN);
	return f;
}

static int net_create(struct vab_dev *dev)
{
	u16 domid = dev->conn->domid;
	const char *why = "";
	char names[128];
	struct net *n;
	int rc;

	n = calloc(1, sizeof(*n) + RX_BUF);
	if (!n)
		return -ENOMEM;
	n->dev = dev;
	n->rx_tail = &n->rx;
	n->tx_tail = &n->tx;
	n->log_budget = LOG_PER_TICK;
	why = net_parse(dev->arg, &n->cfg);
	if (why) {
		dev_info(dev, "net: %s", why);
		free(n);
		return -EINVAL;
	}
	rc = net_tap_open(&n->cfg, domid, &n->tap, &why);
	if (rc) {
		dev_info(dev, "tap %s: %s: %s", n->tap.name[0] ? n->tap.name :
			 n->cfg.tap, why, strerror(-rc));
		free(n);
		return rc;
	}
	rc = vab_watch(n->tap.fd, 0, tap_ready, n);
	if (rc) {
		net_tap_close(&n->tap);
		free(n);
		return rc;
	}
	if (n->cfg.has_mac) {
		memcpy(dev->config, n->cfg.mac, 6);
	} else {
		/* Locally administered, stable for this guest and device. */
		dev->config[0] = 0x02;
		dev->config[1] = 0x41;	/* 'A' for Argo */
		dev->config[2] = 0x52;
		dev->config[3] = dev->num;
		dev->config[4] = domid >> 8;
		dev->config[5] = domid;
	}
	put16(dev->config + 6, VIRTIO_NET_S_LINK_UP);
	put16(dev->config + 8, 1);	/* max_virtqueue_pairs */
	n->ops = vab_net_ops;
	n->ops.features = offered_features(n);
	dev->ops = &n->ops;
	dev->priv = n;
	feature_names(n->ops.features, names, sizeof(names));
	dev_info(dev, "tap %s (%s), mac %02x:%02x:%02x:%02x:%02x:%02x, offloads offered: %s",
		 n->tap.name, n->tap.created ? "created" : "existing",
		 dev->config[0], dev->config[1], dev->config[2],
		 dev->config[3], dev->config[4], dev->config[5], names);
	return 0;
}

const struct vab_dev_ops vab_net_ops = {
	.name = "net",
	.device_id = 1,
	.num_queues = 2,
	.queue_max_size = NET_QUEUE_SIZE,
	.config_size = NET_CONFIG,
	.features = F(MAC) | F(STATUS),	/* per instance: offered_features() */
	.check_arg = net_check_arg,
	.create = net_create,
	.destroy = net_destroy,
	.features_ok = net_features_ok,
	.driver_ok = net_driver_ok,
	.chain = net_chain,
	.cancel = net_cancel,
	.reset = net_reset,
	.kick = net_kick,
	.tick = net_tick,
	.batch_end = net_batch_end,
};
