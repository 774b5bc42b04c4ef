#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-net over virtio-argo, guest side (busybox sh): the domU's /init
# runs it as /opt/va/domu-run; dom0 (dom0-net.sh) reads its console, where
# everything it reports is a line starting with "VA-NET: ".
#
#   ok DESC | not ok DESC     one check each (dom0 turns them into TAP)
#   eth IFACE mac MAC         the virtio_net interface and its address
#   features BITS             /sys/bus/virtio/devices/*/features of it
#   ready                     eth0 is up and dom0 answered a ping: dom0
#                             pings back
#   g2d sha HASH size N       the file about to be sent to dom0:5001
#   g2d sent rc=RC            nc is done
#   d2g listening             nc -l -p 5002 runs: dom0 sends its file
#   d2g sha HASH size N       what arrived
#   linkdown ready            (va.netlinkdown=1) dom0 may delete the tap
#   dmesg: ...                warnings, virtio lines
#   done rc=N
# Kernel command line: va.netip=10.99.0.2/24, va.netpeer=10.99.0.1,
# va.netmb=8 (the transfer size in MiB), va.netlinkdown=0 (1: the
# link-down phase at the end).
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() {
	echo "VA-NET: $*"
}
rc=0
report() {
	if [ "$1" = OK ]; then
		say "ok $2"
	else
		say "not ok $2"
		rc=1
	fi
}

IP=$(cmdline_val va.netip 10.99.0.2/24)
PEER=$(cmdline_val va.netpeer 10.99.0.1)
MB=$(cmdline_val va.netmb 8)

# The interface virtio_net made for virtio device id 1.
net_iface() {
	_d=$(vt_dev 1) || return 1
	for _n in "$_d"/net/*; do
		[ -e "$_n" ] || continue
		echo "${_n##*/}"
		return 0
	done
	return 1
}

net_main() {
	if modprobe virtio_net 2>"$VA_TMP/mod.err" &&
		modprobe virtio_argo keepalive_ms=1000 2>>"$VA_TMP/mod.err"; then
		report OK "modprobe virtio_net virtio_argo"
	else
		report FAIL "modprobe virtio_net virtio_argo: $(cat "$VA_TMP/mod.err")"
		return
	fi
	_end=$(($(va_now) + 60))
	until eth=$(net_iface); do
		if [ "$(va_now)" -ge "$_end" ]; then
			report FAIL "a virtio_net interface within 60 s (bus state $(vt_attr state); devices: $(cat /sys/bus/virtio/devices/*/device 2>/dev/null | tr '\n' ' '))"
			return
		fi
		sleep 0.2
	done
	_d=$(vt_dev 1)
	report OK "virtio_net made $eth (${_d##*/}, bound to $(basename "$(readlink "$_d/driver")"))"
	say "eth $eth mac $(cat "/sys/class/net/$eth/address")"
	say "features $(cat "$_d/features")"
	ip addr add "$IP" dev "$eth" && ip link set "$eth" up
	# dom0 may still be configuring its tap: try for a while.
	_end=$(($(va_now) + 60))
	until ping -c 1 -W 2 "$PEER" >"$VA_TMP/ping.out" 2>&1; do
		if [ "$(va_now)" -ge "$_end" ]; then
			report FAIL "ping $PEER from the guest within 60 s: $(tail -n 2 "$VA_TMP/ping.out" | tr '\n' ' ')"
			break
		fi
		sleep 1
	done
	if ping -c 3 -W 5 "$PEER" >"$VA_TMP/ping.out" 2>&1; then
		report OK "ping $PEER from the guest: $(grep -a 'packets' "$VA_TMP/ping.out")"
	else
		report FAIL "ping -c 3 $PEER from the guest: $(tail -n 2 "$VA_TMP/ping.out" | tr '\n' ' ')"
	fi
	say "ready"

	# Guest to dom0: dom0 listens on 5001 from before the guest booted.
	dd if=/dev/urandom of="$VA_TMP/g2d.bin" bs=1M count="$MB" 2>/dev/null
	say "g2d sha $(sha256sum <"$VA_TMP/g2d.bin" | cut -d' ' -f1) size $(wc -c <"$VA_TMP/g2d.bin")"
	_t0=$(va_now)
	_end=$((_t0 + 30))
	_rc=0
	until timeout 300 nc "$PEER" 5001 <"$VA_TMP/g2d.bin" 2>"$VA_TMP/nc.err"; do
		_rc=$?
		if [ "$(va_now)" -ge "$_end" ] || ! grep -q 'refused' "$VA_TMP/nc.err"; then
			report FAIL "nc $PEER 5001 <$MB MiB: status $_rc $(cat "$VA_TMP/nc.err")"
			break
		fi
		_rc=0
		sleep 1
	done
	say "g2d sent rc=$_rc in $(($(va_now) - _t0)) s"
	rm -f "$VA_TMP/g2d.bin"

	# dom0 to guest: listen, dom0 connects once it sees "d2g listening".
	# stdin: a FIFO nobody writes; at the end of its stdin busybox nc
	# shuts its sending side down, and dom0's nc then stops sending.
	rm -f "$VA_TMP/hold"
	mkfifo "$VA_TMP/hold"
	exec 7<>"$VA_TMP/hold"
	timeout 300 nc -l -p 5002 <"$VA_TMP/hold" >"$VA_TMP/d2g.bin" 2>"$VA_TMP/nc.err" &
	_nc=$!
	sleep 0.5
	say "d2g listening"
	wait "$_nc"
	say "d2g rc=$? $(cat "$VA_TMP/nc.err")"
	say "d2g sha $(sha256sum <"$VA_TMP/d2g.bin" | cut -d' ' -f1) size $(wc -c <"$VA_TMP/d2g.bin")"
	rm -f "$VA_TMP/d2g.bin"
	ip -s link show "$eth" | sed 's/^/VA-NET: stats: /'
	if [ "$(cmdline_val va.netlinkdown 0)" = 1 ]; then
		link_down
	fi
}

# dom0 deletes the tap under the running interface: the link goes down
# (a config change from the back-end), and the driver still unbinds.
link_down() {
	say "linkdown ready"
	_end=$(($(va_now) + 30))
	# Keep sending meanwhile: packets in flight as the tap goes.
	until [ "$(cat "/sys/class/net/$eth/carrier" 2>/dev/null)" = 0 ]; do
		[ "$(va_now)" -lt "$_end" ] || break
		ping -c 1 -W 1 "$PEER" >/dev/null 2>&1
	done
	if [ "$(cat "/sys/class/net/$eth/carrier" 2>/dev/null)" = 0 ]; then
		report OK "dom0 deleted the tap: $eth lost its carrier (link status from the device)"
	else
		report FAIL "dom0 deleted the tap: $eth still has carrier after 30 s"
	fi
	ping -c 2 -W 1 "$PEER" >/dev/null 2>&1 &&
		report FAIL "ping $PEER answered with the tap gone"
	# Every chain the device holds must come back for the reset.
	if timeout 30 rmmod virtio_net 2>"$VA_TMP/rmmod.err"; then
		report OK "rmmod virtio_net with the link down"
	else
		report FAIL "rmmod virtio_net with the link down: $(cat "$VA_TMP/rmmod.err")"
	fi
}

net_main
dmesg | grep -a -E 'virtio|argo' | tail -n 20 | sed 's/^/VA-NET: dmesg: /'
vt_splat | tail -n 10 | sed 's/^/VA-NET: dmesg: splat: /'
say "done rc=$rc"
exit $rc
