/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * virtio-net model (net.c) and its tap plumbing (net_tap.c).
 */
#ifndef TOOLS_BACKEND_NET_H
#define TOOLS_BACKEND_NET_H

#include <stdbool.h>
#include <net/if.h>

#include "wire.h"

/* The parsed --device net argument. */
struct net_cfg {
	char tap[IFNAMSIZ];	/* template: "%d" is the guest's domid */
	char bridge[IFNAMSIZ];	/* "" if none */
	u8 mac[6];
	bool has_mac;
	bool offload;
};

/* Parse "tap=NAME[,mac=M][,offload=on|off][,bridge=BR]": NULL or why not. */
const char *net_parse(const char *arg, struct net_cfg *cfg);

/* An open tap: the descriptor and what it can do. */
struct net_tap {
	int fd;
	char name[IFNAMSIZ];
	bool created;		/* by us, not a persistent one the admin made */
	unsigned int offloads;	/* TUN_F_* the tap accepted when probed */
};

/*
 * Open (or create) the tap named by cfg for guest domid, with a 12-byte
 * little-endian virtio-net header on every packet, non-blocking. A tap we
 * create is brought up and, with bridge=, enslaved to the bridge.
 * 0 or -errno; *why says what failed.
 */
int net_tap_open(const struct net_cfg *cfg, u16 domid, struct net_tap *tap,
		 const char **why);
/* Which TUN_F_* the tap hands us: 0 or -errno. */
int net_tap_offload(struct net_tap *tap, unsigned int tun_flags);
void net_tap_close(struct net_tap *tap);

#endif /* TOOLS_BACKEND_NET_H */
