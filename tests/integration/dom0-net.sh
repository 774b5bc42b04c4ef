#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-net over virtio-argo on real Xen, dom0 side. Run by
#   tests/integration/run-virtio.sh --script dom0-net.sh \
#       --guest tests/integration/domu-net.sh
# and prints TAP. dom0 runs virtio-argo-backend with one net device on a
# tap; a PVH guest (which finds the back-end in its SSDT) loads the stock
# virtio_net and reports over its console ("VA-NET: " lines, see
# domu-net.sh). Routed setup: the tap is 10.99.0.1/24, the guest's
# interface 10.99.0.2/24. Two rounds, each with a fresh guest:
#   on   an admin's persistent tap (ip tuntap), mac= given, offload=on
#   off  a tap the back-end creates per guest (tap=vad%d), the MAC derived
#        from the domid, offload=off
# Each: the MAC, the negotiated features, ping both ways, NET_MB MiB
# (default 8) guest->dom0 and dom0->guest through busybox nc with sha256
# compared, no warning in either kernel.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

NET_MB=${NET_MB:-8}
NET_ROUNDS=${NET_ROUNDS:-on off}
GUEST_I=$VA/guest/domu-virtio.img
BACKEND=$VA/bin/virtio-argo-backend
PATH=$VA/bin:$PATH
HOST_IP=10.99.0.1
GUEST_IP=10.99.0.2
MAC_ON=02:00:0a:63:00:02

t_start=$(va_now)
dmesg -n 4 2>/dev/null
PARAM=$(sed -n 's/^virtio_argo\.backends=//p' "$VA/firmware/virtio-argo.cmdline")
B0=${PARAM%%,*}
B0_REST=${B0#*:}
PORT=${B0_REST%%:*}

# virtio-net feature bits (include/uapi/linux/virtio_net.h).
F_OFFLOADS="0:CSUM 1:GUEST_CSUM 7:GUEST_TSO4 8:GUEST_TSO6 11:HOST_TSO4 12:HOST_TSO6"
F_ALWAYS="5:MAC 16:STATUS"

BE_PID=
be_start() {
	argo_loaded || argo_load || return 1
	bg_start be-"$1" "$BACKEND" --port "$PORT" --device "$2"
	BE_PID=$(cat "$VA_TMP/be-$1.pid")
	wait_line "$VA_TMP/be-$1.out" 'instance 0x' 10
}

be_stop() {
	[ -n "$BE_PID" ] || return 0
	kill -TERM "$BE_PID" 2>/dev/null
	_end=$(($(va_now) + 10))
	while pid_running "$BE_PID" && [ "$(va_now)" -lt "$_end" ]; do
		sleep 0.1
	done
	kill -9 "$BE_PID" 2>/dev/null
	wait "$BE_PID" 2>/dev/null
	BE_PID=
}

# gval NAME REGEX: the rest of the guest's first "VA-NET: REGEX" line.
gval() {
	tr -d '\r' <"$(domu_logfile "$1")" | sed -n "s/^VA-NET: $2//p" | head -n 1
}

# bits FEATURES LIST: the names in LIST ("BIT:NAME ...") set in FEATURES.
bits() {
	_set=
	for _b in $2; do
		[ "$(echo "$1" | cut -c "$((${_b%%:*} + 1))")" != 1 ] || _set="$_set ${_b#*:}"
	done
	echo "${_set# }"
}

tools_ok() {
	_miss=
	for _t in ip sha256sum timeout busybox; do
		command -v "$_t" >/dev/null || _miss="$_miss $_t"
	done
	for _t in nc ping; do
		busybox --list 2>/dev/null | grep -q -x "$_t" || _miss="$_miss busybox-$_t"
	done
	if [ -n "$_miss" ]; then
		not_ok "dom0 has ip, sha256sum, timeout, busybox nc and ping (missing:$_miss)"
		return 1
	fi
	ok "dom0 has ip, sha256sum, timeout, busybox nc and ping"
	if modprobe tun 2>"$VA_TMP/tun.err" && [ -c /dev/net/tun ]; then
		ok "dom0: modprobe tun, /dev/net/tun"
	else
		not_ok "dom0: modprobe tun, /dev/net/tun: $(cat "$VA_TMP/tun.err")"
		return 1
	fi
}

# round MODE: one guest against a back-end with offload=MODE.
round() {
	r=$1 name=net-$1 tap=
	if [ "$r" = on ]; then
		tap=vanet0
		if ! ip tuntap add dev $tap mode tap vnet_hdr ||
			! ip addr add $HOST_IP/24 dev $tap || ! ip link set $tap up; then
			not_ok "$r: persistent tap $tap with $HOST_IP/24"
			return
		fi
		dev="net,tap=$tap,mac=$MAC_ON,offload=on"
	else
		dev="net,tap=vad%d,offload=off"
	fi
	if ! be_start "$r" "$dev"; then
		not_ok "$r: back-end with --device $dev starts"
		show_out "be-$r"
		return
	fi
	ok "$r: back-end with --device $dev starts"
	# Guest to dom0, listening from before the guest boots.
	timeout 600 busybox nc -l -p 5001 <"$VA_TMP/hold" >"$VA_TMP/g2d-$r.bin" \
		2>"$VA_TMP/g2d-$r.err" &
	g2d_pid=$!
	head -c "$((NET_MB << 20))" /dev/urandom >"$VA_TMP/d2g.bin"
	d2g_sha=$(sha256sum <"$VA_TMP/d2g.bin" | cut -d' ' -f1)
	DOMU_VCPUS=1
	export DOMU_VCPUS
	# shellcheck disable=SC2153 # GUEST_K: lib.sh
	if ! domu_start "$name" pvh "$GUEST_K" "$GUEST_I" \
		"va.netip=$GUEST_IP/24 va.netpeer=$HOST_IP va.netmb=$NET_MB" \
		"va.netlinkdown=$([ "$r" = off ] && echo 1 || echo 0)"; then
		not_ok "$r: xl create of a PVH guest"
		kill "$g2d_pid" 2>/dev/null
		be_stop
		return
	fi
	domid=$(domu_domid "$name")
	diag "$r: guest domid $domid"
	if [ "$r" = off ]; then
		# The back-end makes vad<domid> when the guest connects.
		tap=vad$domid
		_end=$(($(va_now) + 240))
		until ip link show "$tap" >/dev/null 2>&1; do
			[ "$(va_now)" -lt "$_end" ] || break
			sleep 0.2
		done
		if ip addr add $HOST_IP/24 dev "$tap" 2>"$VA_TMP/ip.err" &&
			ip link show "$tap" | grep -q '[<,]UP[,>]'; then
			ok "$r: the back-end created $tap for domain $domid and brought it up"
		else
			not_ok "$r: the back-end created $tap for domain $domid and brought it up: $(cat "$VA_TMP/ip.err")"
			show_out "be-$r"
		fi
	fi
	if ! domu_wait_line "$name" 'VA-NET: (ready|done)' 300; then
		not_ok "$r: the guest's interface came up"
		domu_log "$name" | tail -n 30 | diag
		show_out "be-$r"
	fi
	_eth=$(gval "$name" 'eth ')
	_mac=${_eth##* mac }
	_want=$MAC_ON
	[ "$r" = on ] || _want=$(printf '02:41:52:00:%02x:%02x' $((domid >> 8)) $((domid & 255)))
	check "$r: the guest's ${_eth%% *} has MAC $_want${_mac:+ (got $_mac)}" [ "$_mac" = "$_want" ]
	_f=$(gval "$name" 'features ')
	_on=$(bits "$_f" "$F_OFFLOADS")
	_always=$(bits "$_f" "$F_ALWAYS")
	diag "$r: features $_f"
	if [ "$r" = on ]; then
		check "$r: negotiated MAC STATUS CSUM GUEST_CSUM GUEST_TSO4 GUEST_TSO6 HOST_TSO4 HOST_TSO6 (got: $_always $_on)" \
			[ "$_always $_on" = "MAC STATUS CSUM GUEST_CSUM GUEST_TSO4 GUEST_TSO6 HOST_TSO4 HOST_TSO6" ]
	else
		check "$r: negotiated MAC STATUS and no offload (got: $_always${_on:+ }$_on)" \
			[ "$_always${_on:+ }$_on" = "MAC STATUS" ]
	fi
	if grep -a -q 'VA-NET: ready' "$(domu_logfile "$name")"; then
		if busybox ping -c 3 -W 5 $GUEST_IP >"$VA_TMP/ping.out" 2>&1; then
			ok "$r: ping $GUEST_IP from dom0: $(grep -a packets "$VA_TMP/ping.out")"
		else
			not_ok "$r: ping $GUEST_IP from dom0: $(tail -n 2 "$VA_TMP/ping.out" | tr '\n' ' ')"
		fi
	fi
	# Guest to dom0.
	if domu_wait_line "$name" 'VA-NET: (g2d sent|done)' 600 &&
		bg_wait_pid "$g2d_pid" 60; then
		_got=$(sha256sum <"$VA_TMP/g2d-$r.bin" | cut -d' ' -f1)
		_sent=$(gval "$name" 'g2d sha ')
		_sz=$(wc -c <"$VA_TMP/g2d-$r.bin")
		if [ "${_sent%% *}" = "$_got" ]; then
			ok "$r: $NET_MB MiB guest->dom0 (busybox nc), sha256 equal at both ends ($(gval "$name" 'g2d sent ')): $(echo "$_got" | cut -c 1-12)..."
		else
			not_ok "$r: $NET_MB MiB guest->dom0 (busybox nc), sha256 equal at both ends (received $_sz bytes; guest: $_sent; $(gval "$name" 'g2d sent '); $(cat "$VA_TMP/g2d-$r.err"))"
		fi
	else
		not_ok "$r: $NET_MB MiB guest->dom0: the transfer ended"
		kill "$g2d_pid" 2>/dev/null
	fi
	# dom0 to guest.
	if domu_wait_line "$name" 'VA-NET: (d2g listening|done)' 60 &&
		grep -a -q 'VA-NET: d2g listening' "$(domu_logfile "$name")"; then
		_t0=$(date +%s.%N)
		timeout 300 busybox nc $GUEST_IP 5002 <"$VA_TMP/d2g.bin" >/dev/null 2>"$VA_TMP/nc.err"
		_st=$?
		_t1=$(date +%s.%N)
		domu_wait_line "$name" 'VA-NET: (d2g sha|done)' 120
		_got=$(gval "$name" 'd2g sha ')
		_desc="$r: $NET_MB MiB dom0->guest (busybox nc, status $_st, $(awk "BEGIN { printf \"%.1f s\", $_t1 - $_t0 }")), sha256 equal at both ends"
		if [ "${_got%% *}" = "$d2g_sha" ]; then
			ok "$_desc: $(echo "$d2g_sha" | cut -c 1-12)..."
		else
			not_ok "$_desc (guest got: $_got; $(gval "$name" 'd2g rc='); $(cat "$VA_TMP/nc.err"))"
		fi
	else
		not_ok "$r: $NET_MB MiB dom0->guest: the guest listened"
	fi
	[ "$r" != off ] || link_down
	domu_wait_line "$name" 'VA-NET: done|VA-DOMU-DONE' 120
	_lf=$(domu_logfile "$name")
	tr -d '\r' <"$_lf" | sed -n 's/^VA-NET: //p' >"$VA_TMP/guest-$r.txt"
	while IFS= read -r _l; do
		case $_l in
		"ok "*) ok "$r: guest: ${_l#ok }" ;;
		"not ok "*) not_ok "$r: guest: ${_l#not ok }" ;;
		esac
	done <"$VA_TMP/guest-$r.txt"
	if grep -q '^dmesg: splat: ' "$VA_TMP/guest-$r.txt"; then
		not_ok "$r: no warning, BUG or oops in the guest"
		grep '^dmesg' "$VA_TMP/guest-$r.txt" | diag
	else
		ok "$r: no warning, BUG or oops in the guest"
	fi
	grep '^stats: ' "$VA_TMP/guest-$r.txt" | diag
	domu_wait_gone "$name" 60 || domu_destroy "$name"
	be_stop
	grep -a -i -E 'offloads|tap .*rx .*packets|model bug|refused|dropped|clos|hello|goodbye|lost|replac' "$VA_TMP/be-$r.out" | head -n 40 | diag
	# A write to the tap provokes TCP's answer at once: batch_end() sends
	# it in the same message as the transmit completions.
	_j=$(sed -n 's/.*tap .*(.* dropped, \([0-9]*\) sent with transmit completions).*/\1/p' \
		"$VA_TMP/be-$r.out" | tail -n 1)
	check "$r: packets from the tap went out with transmit completions (${_j:-none})" \
		[ "${_j:-0}" -gt 0 ]
	if grep -a -q 'model bug' "$VA_TMP/be-$r.out"; then
		not_ok "$r: back-end log has no 'model bug' line"
	else
		ok "$r: back-end log has no 'model bug' line"
	fi
	[ "$r" != on ] || ip link del "$tap" 2>/dev/null
	rm -f "$VA_TMP/g2d-$r.bin"
}

# link_down: delete the back-end's tap under the guest's running link
# (domu-net.sh's link_down checks the guest's side).
link_down() {
	if ! domu_wait_line "$name" 'VA-NET: (linkdown ready|done)' 120 ||
		! grep -a -q 'VA-NET: linkdown ready' "$(domu_logfile "$name")"; then
		not_ok "$r: the guest waited for the tap to be deleted"
		return
	fi
	sleep 1
	ip link del "$tap" 2>"$VA_TMP/ip.err" || diag "ip link del $tap: $(cat "$VA_TMP/ip.err")"
	check "$r: tap $tap deleted under the guest: the back-end says link down" \
		wait_line "$VA_TMP/be-$r.out" "tap $tap: .*link down" 15
}

# bg_wait_pid PID SECS: wait for PID to exit (killed after SECS).
bg_wait_pid() {
	_end=$(($(va_now) + $2))
	while pid_running "$1"; do
		if [ "$(va_now)" -ge "$_end" ]; then
			kill "$1" 2>/dev/null
			return 1
		fi
		sleep 0.2
	done
	wait "$1"
}

# The receiving nc's stdin: a FIFO nobody writes. At the end of its stdin
# busybox nc shuts its sending side down, and the peer's nc then stops.
rm -f "$VA_TMP/hold"
mkfifo "$VA_TMP/hold"
exec 7<>"$VA_TMP/hold"
if [ ! -x "$BACKEND" ]; then
	not_ok "virtio-argo-backend in the overlay"
elif tools_ok; then
	for _r in $NET_ROUNDS; do
		round "$_r"
	done
fi
if dmesg | grep -a -q -E -- "$VT_SPLAT"; then
	not_ok "dom0: no warning, BUG or oops in dom0's log"
	dmesg | grep -a -A5 -E -- "$VT_SPLAT" | head -n 30 | diag
else
	ok "dom0: no warning, BUG or oops in dom0's log"
fi
diag "dom0-net.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
