// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of virtio-net: the --device net argument and the tap.
 *
 * The tap carries a virtio-net header in front of every packet
 * (IFF_VNET_HDR), sized to the 12 bytes of a VERSION_1 virtio_net_hdr
 * (TUNSETVNETHDRSZ) and little-endian (TUNSETVNETLE), so that a packet
 * goes between the guest's buffers and the tap without being reframed.
 * Offloads the tap accepts are found by trying them (TUNSETOFFLOAD); the
 * model offers the guest only those.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include "net.h"

#define VNET_HDR_LEN	12

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "XX:XX:XX:XX:XX:XX" of len characters; false if it is not one. */
static bool parse_mac(const char *s, size_t len, u8 mac[6])
{
	int i, hi, lo;

	if (len != 17)
		return false;
	for (i = 0; i < 6; i++) {
		hi = hexval(s[3 * i]);
		lo = hexval(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return false;
		mac[i] = hi << 4 | lo;
	}
	return true;
}

/* An interface name (template) the kernel could take: no '/', no space. */
static bool ifname_ok(const char *s, size_t len)
{
	size_t i;

	if (!len || len >= IFNAMSIZ)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] > '~')
			return false;
	return !(len == 1 && s[0] == '.') && !(len == 2 && !strncmp(s, "..", 2));
}

const char *net_parse(const char *arg, struct net_cfg *cfg)
{
	static const u8 zero[6];
	const char *p, *end, *eq;
	size_t klen, vlen;

	memset(cfg, 0, sizeof(*cfg));
	cfg->offload = true;
	if (!arg)
		return "needs tap=NAME";
	for (p = arg; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ',');
		eq = memchr(p, '=', end - p);
		if (!eq)
			return "expected KEY=VALUE items (tap, mac, offload, bridge)";
		klen = eq - p;
		vlen = end - eq - 1;
		eq++;
		if (klen == 3 && !strncmp(p, "tap", 3)) {
			if (!ifname_ok(eq, vlen))
				return "tap=NAME: 1 to 15 characters, no '/', ':' or space";
			memcpy(cfg->tap, eq, vlen);
			cfg->tap[vlen] = 0;
		} else if (klen == 6 && !strncmp(p, "bridge", 6)) {
			if (!ifname_ok(eq, vlen) || memchr(eq, '%', vlen))
				return "bridge=NAME: 1 to 15 characters, no '/', ':', '%' or space";
			memcpy(cfg->bridge, eq, vlen);
			cfg->bridge[vlen] = 0;
		} else if (klen == 3 && !strncmp(p, "mac", 3)) {
			if (!parse_mac(eq, vlen, cfg->mac))
				return "mac=XX:XX:XX:XX:XX:XX expected";
			if ((cfg->mac[0] & 1) || !memcmp(cfg->mac, zero, 6))
				return "mac: must be a unicast address, not all zero";
			cfg->has_mac = true;
		} else if (klen == 7 && !strncmp(p, "offload", 7)) {
			if (vlen == 2 && !strncmp(eq, "on", 2))
				cfg->offload = true;
			else if (vlen == 3 && !strncmp(eq, "off", 3))
				cfg->offload = false;
			else
				return "offload=on or offload=off expected";
		} else {
			return "unknown item (known: tap, mac, offload, bridge)";
		}
	}
	if (!cfg->tap[0])
		return "needs tap=NAME";
	return NULL;
}

/* The tap name for domid: "%d" -> domid, "%%" -> "%". */
static bool expand(const char *tmpl, u16 domid, char out[IFNAMSIZ])
{
	char buf[64];
	size_t o = 0;
	const char *t;

	for (t = tmpl; *t && o < sizeof(buf) - 8; t++) {
		if (*t == '%' && t[1] == 'd') {
			o += snprintf(buf + o, sizeof(buf) - o, "%u", domid);
			t++;
		} else if (*t == '%' && t[1] == '%') {
			buf[o++] = '%';
			t++;
		} else {
			buf[o++] = *t;
		}
	}
	buf[o] = 0;
	if (o >= IFNAMSIZ)
		return false;
	memcpy(out, buf, o + 1);
	return true;
}

/* Bring a tap we created up and, if asked, into a bridge. */
static int tap_plumb(const struct net_cfg *cfg, struct net_tap *tap,
		     const char **why)
{
	struct ifreq ifr;
	int s, rc = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		*why = "socket for interface ioctls";
		return -errno;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, tap->name, IFNAMSIZ);
	if (ioctl(s, SIOCGIFINDEX, &ifr)) {
		*why = "SIOCGIFINDEX";
		rc = -errno;
		goto out;
	}
	if (cfg->bridge[0]) {
		int ifindex = ifr.ifr_ifindex;

		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, cfg->bridge, IFNAMSIZ);
		ifr.ifr_ifindex = ifindex;
		if (ioctl(s, SIOCBRADDIF, &ifr)) {
			*why = "adding the tap to the bridge (SIOCBRADDIF)";
			rc = -errno;
			goto out;
		}
		memset(&ifr, 0, sizeof(ifr));
		memcpy(ifr.ifr_name, tap->name, IFNAMSIZ);
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr)) {
		*why = "SIOCGIFFLAGS";
		rc = -errno;
		goto out;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr)) {
		*why = "bringing the tap up (SIOCSIFFLAGS)";
		rc = -errno;
	}
out:
	close(s);
	return rc;
}

int net_tap_offload(struct net_tap *tap, unsigned int tun_flags)
{
	return ioctl(tap->fd, TUNSETOFFLOAD, tun_flags) ? -errno : 0;
}

/* The largest offload set the tap takes, from the most to the least. */
static unsigned int probe_offloads(struct net_tap *tap)
{
	static const unsigned int tries[] = {
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		TUN_F_CSUM,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tries); i++)
		if (!net_tap_offload(tap, tries[i]))
			break;
	/* Nothing is handed to us offloaded until the driver says so. */
	net_tap_offload(tap, 0);
	return i < ARRAY_SIZE(tries) ? tries[i] : 0;
}

int net_tap_open(const struct net_cfg *cfg, u16 domid, struct net_tap *tap,
		 const char **why)
{
	struct ifreq ifr;
	int hdr = VNET_HDR_LEN, le = 1, rc;

	memset(tap, 0, sizeof(*tap));
	tap->fd = -1;
	if (!expand(cfg->tap, domid, tap->name)) {
		*why = "tap name longer than 15 characters";
		return -ENAMETOOLONG;
	}
	tap->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (tap->fd < 0) {
		*why = "/dev/net/tun";
		return -errno;
	}
	/* Does it exist already (an admin's persistent tap)? */
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, tap->name, IFNAMSIZ);
	tap->created = if_nametoindex(tap->name) == 0;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(tap->fd, TUNSETIFF, &ifr)) {
		*why = "TUNSETIFF (no tap of that name, or it is busy or not a tap)";
		goto fail;
	}
	if (ioctl(tap->fd, TUNSETVNETHDRSZ, &hdr)) {
		*why = "TUNSETVNETHDRSZ 12";
		goto fail;
	}
	/* VERSION_1 headers are little-endian; the default is host order. */
	if (ioctl(tap->fd, TUNSETVNETLE, &le) && __BYTE_ORDER != __LITTLE_ENDIAN) {
		*why = "TUNSETVNETLE";
		goto fail;
	}
	tap->offloads = probe_offloads(tap);
	/* An admin's tap is configured already: leave it as it is. */
	if (tap->created) {
		rc = tap_plumb(cfg, tap, why);
		if (rc) {
			net_tap_close(tap);
			return rc;
		}
	}
	return 0;
fail:
	rc = -errno;
	net_tap_close(tap);
	return rc;
}

void net_tap_close(struct net_tap *tap)
{
	if (tap->fd >= 0)
		close(tap->fd);
	tap->fd = -1;
}
