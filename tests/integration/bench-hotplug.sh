#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make bench: the libxl hotplug script of the PV guest's disk and vif
# (xl's script= in bench-dom0.sh), instead of /etc/xen/scripts/block and
# vif-bridge: "block add" timed out under QEMU TCG (libxl kills hotplug
# scripts after a fixed time), and the vif is done the same way to keep the
# two set-ups alike. It does only what blkback and netback need:
#   vbd: the loop device bench-dom0.sh set up (xl target=) -> the backend's
#        physical-device (major:minor in hex), as "block" does for phy:
#   vif: the interface into the bridge named in the backend (bridge=), up
# and says hotplug-status connected. libxl passes the action as $1 and
# XENBUS_TYPE, XENBUS_PATH and (vif) vif in the environment. The data path
# is untouched: blkfront/blkback and netfront/netback as xl sets them up.
set -u
log=/tmp/bench/hotplug.log
echo "$0 $* type=${XENBUS_TYPE:-} path=${XENBUS_PATH:-} vif=${vif:-}" >>"$log"
xs=${XENBUS_PATH:?no XENBUS_PATH}
case ${XENBUS_TYPE:-}:$1 in
vbd:add)
	dev=$(xenstore-read "$xs/params") || exit 1
	mm=$(stat -L -c '%t:%T' "$dev") || exit 1
	xenstore-write "$xs/physical-device" "$mm" \
		"$xs/physical-device-path" "$dev" \
		"$xs/hotplug-status" connected
	;;
vif:add | vif:online)
	br=$(xenstore-read "$xs/bridge") || exit 1
	ip link set "$vif" master "$br" >>"$log" 2>&1 &&
		ip link set "$vif" up >>"$log" 2>&1 || exit 1
	xenstore-write "$xs/hotplug-status" connected
	;;
vif:remove | vif:offline)
	ip link set "$vif" nomaster 2>/dev/null
	;;
esac
exit 0
