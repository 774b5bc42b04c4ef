#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make bench, guest side (busybox sh; /opt/va/domu-run of the PVH guest that
# tests/integration/bench-dom0.sh starts). The guest has two disks and two
# NICs served by dom0, each path once:
#   argo: virtio-blk /dev/vda and virtio-net, through virtio_argo.ko over
#         Argo to virtio-argo-backend (a file in dom0's tmpfs, a tap in
#         bridge vabr0, 10.0.2.1)
#   pv:   xen-blkfront /dev/xvda (blkback, loop on a file in dom0's tmpfs)
#         and xen-netfront (netback, vif-bridge into xenbr0, 10.0.1.1)
# and runs every case on both, one after the other (argo, then pv), so that
# a slower or busier host hurts both alike. Every result is a line
# "VA-BENCH-RESULT name=PATH/CASE ..." from tools/bench (see common.c);
# other reports start with "VA-BENCH: ". dom0's CPU comes from the probe
# in vabench-net server at 10.0.1.1 (the PV NIC, idle during argo runs).
# Kernel command line: va.secs=S (per case, default 3),
# va.cases="blk net sweep" (the groups to run).
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() {
	echo "VA-BENCH: $*"
}

PATH=$VA/bin:$PATH
SECS=$(cmdline_val va.secs 3)
CASES=$(cmdline_val va.cases "blk net sweep" | tr ',' ' ')
DOM0_PV=10.0.1.1
DOM0_ARGO=10.0.2.1
CTL=$DOM0_PV

# until_ok SECS CMD...: retry CMD every 0.2 s for up to SECS seconds.
until_ok() {
	_end=$(($(va_now) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(va_now)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# nic DRIVER: the interface bound to DRIVER ("vif" is xen-netfront).
nic() {
	for _n in /sys/class/net/*; do
		_drv=$(readlink "$_n/device/driver" 2>/dev/null)
		[ "${_drv##*/}" = "$1" ] && echo "${_n##*/}" && return 0
	done
	return 1
}

# up_nic DRIVER ADDR PEER: address it and wait until the peer answers.
up_nic() {
	_if=$(nic "$1") || return 1
	ip addr add "$2/24" dev "$_if" && ip link set "$_if" up || return 1
	until_ok 30 ping -c 1 -W 1 "$3" || return 1
	say "net $1: $_if $2, dom0 $3 answers"
}

say "start $(uname -r) secs=$SECS cases=$CASES"
modprobe -a xen-blkfront xen-netfront virtio_blk virtio_net 2>&1 | sed 's/^/VA-BENCH: modprobe: /'
if modprobe virtio_argo 2>"$VA_TMP/va.err"; then
	say "virtio_argo loaded"
else
	say "modprobe virtio_argo failed: $(cat "$VA_TMP/va.err")"
fi

say "$(vabench-cost 2>&1 | tr '\n' ' ')"
# Which paths have which device (the back-end may not serve blk or net).
# shellcheck disable=SC2034 # blk_* and net_* are read through eval
blk_argo=/dev/vda blk_pv=/dev/xvda
for _p in argo pv; do
	eval "_d=\$blk_$_p"
	if until_ok 30 test -b "$_d"; then
		say "blk $_p: $_d"
	else
		say "blk $_p: no $_d"
	fi
done
net_pv=$DOM0_PV net_argo=$DOM0_ARGO
# shellcheck disable=SC2034
up_nic vif 10.0.1.2 "$DOM0_PV" || { say "net pv: not reachable"; net_pv=; CTL=; }
until_ok 30 nic virtio_net
# shellcheck disable=SC2034
up_nic virtio_net 10.0.2.2 "$DOM0_ARGO" || { say "net argo: not reachable"; net_argo=; }

# The features the virtio drivers took (offloads, seg_max, ...), for the
# record: /sys/bus/virtio/devices/*/features is a string of bits.
for _d in /sys/bus/virtio/devices/*; do
	[ -e "$_d/driver" ] || continue
	say "virtio $(readlink "$_d/driver" | sed 's|.*/||') features $(cat "$_d/features")"
done

# blk PATH CASE ARGS...: one vabench-blk run on PATH's disk.
blk() {
	_p=$1 _c=$2
	shift 2
	eval "_d=\$blk_$_p"
	[ -b "$_d" ] || return 0
	vabench-blk -d "$_d" -t "$SECS" -n "$_p/$_c" ${CTL:+-c "$CTL"} "$@" ||
		say "failed: $_p/$_c"
}

# net PATH CASE ARGS...: one vabench-net run to dom0 over PATH's NIC.
net() {
	_p=$1 _c=$2
	shift 2
	eval "_h=\$net_$_p"
	[ -n "$_h" ] || return 0
	vabench-net -H "$_h" -t "$SECS" -n "$_p/$_c" ${CTL:+-c "$CTL"} "$@" ||
		say "failed: $_p/$_c"
}

# both KIND CASE ARGS...: the case on the argo path, then on the pv path.
both() {
	_k=$1
	shift
	for _path in argo pv; do
		"$_k" "$_path" "$@"
	done
}

for group in $CASES; do
	case $group in
	blk)
		both blk read-128k -m read -b 128k -q 1
		both blk write-128k -m write -b 128k -q 1
		both blk randread-4k-qd1 -m randread -b 4k -q 1
		both blk randread-4k-qd32 -m randread -b 4k -q 32
		;;
	net)
		both net send-128k -m send -b 128k
		both net recv-128k -m recv -b 128k
		both net rr-1 -m rr -b 1
		;;
	depth)
		# 4 KiB random reads against queue depth: where a busy
		# queue's requests start sharing messages (not in the default)
		for q in 2 4 8 16; do
			both blk "randread-4k-qd$q" -m randread -b 4k -q "$q"
		done
		;;
	sweep)
		# throughput against request size, for the plot (128k is above)
		for s in 4k 16k 64k 256k 1m; do
			both blk "read-$s" -m read -b "$s" -q 1
			both net "send-$s" -m send -b "$s"
		done
		;;
	*) say "unknown case group $group" ;;
	esac
done
say "done"
