#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2119 # argo_load takes optional module parameters
# make bench, dom0 side (run by tests/integration/run-bench.sh, which puts
# the firmware tables, the modules, the back-end, tools/bench and the
# guest's kernel and initramfs in /opt/va). One PVH guest gets both paths
# to the same kind of storage and network in dom0:
#   argo: virtio-argo-backend --device blk,FILE --device net,tap,bridge=vabr0
#         (virtio_argo.ko in the guest finds it from the SSDT)
#   pv:   xl disk= the same size of file, blkback on a loop device, and
#         xl vif= netback + vif-bridge into xenbr0
# The files are in dom0's /tmp (tmpfs). vabench-net server answers both
# bridges and the dom0 CPU probe. The guest (bench-guest.sh) runs the cases;
# this script copies its result lines to the console and prints TAP.
# Environment: BENCH_SECONDS (per case, default 3), BENCH_CASES ("blk net
# sweep"), BENCH_DISK_MB (each file, default 128), BENCH_GUEST_MEM (MiB,
# default 384), BENCH_BACKEND_ARGS (more virtio-argo-backend options, e.g.
# "--ring-len 262080").
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

BENCH_SECONDS=${BENCH_SECONDS:-3}
BENCH_CASES=${BENCH_CASES:-blk net sweep}
BENCH_DISK_MB=${BENCH_DISK_MB:-128}
FW=$VA/firmware
GUEST_I=$VA/guest/domu-virtio.img
BACKEND=$VA/bin/virtio-argo-backend
PATH=$VA/bin:$PATH
DIR=/tmp/bench
NAME=bench
PORT=$(sed -n 's/^virtio_argo\.backends=[0-9]*:\([0-9]*\).*/\1/p' "$FW/virtio-argo.cmdline")

dmesg -n 4 2>/dev/null
info() { echo "VA-BENCH-INFO: $*"; }

# bridge NAME ADDR: a bridge with dom0's address on it.
bridge() {
	ip link add "$1" type bridge 2>/dev/null
	ip addr add "$2/24" dev "$1" && ip link set "$1" up
}

for m in loop tun bridge xen-blkback xen-netback; do
	modprobe "$m" 2>/dev/null || diag "modprobe $m failed"
done
if ! argo_load; then
	not_ok "bench: insmod xen-argo.ko"
	tap_summary
	exit 1
fi
mkdir -p "$DIR"
check "bench: ${BENCH_DISK_MB} MiB files in dom0 tmpfs ($(stat -f -c %T "$DIR"))" \
	sh -c "dd if=/dev/zero of=$DIR/argo.img bs=1M count=$BENCH_DISK_MB 2>/dev/null &&
	       dd if=/dev/zero of=$DIR/pv.img bs=1M count=$BENCH_DISK_MB 2>/dev/null"
if bridge xenbr0 10.0.1.1 && bridge vabr0 10.0.2.1; then
	ok "bench: bridges xenbr0 (pv, 10.0.1.1) and vabr0 (argo, 10.0.2.1)"
else
	not_ok "bench: bridges xenbr0 (pv, 10.0.1.1) and vabr0 (argo, 10.0.2.1)"
fi

# The back-end: blk and net if this build has them.
devs=
if "$BACKEND" --help 2>&1 | grep -q 'blk,FILE'; then
	devs="$devs --device blk,$DIR/argo.img"
else
	diag "this back-end has no blk device: no argo blk figures"
fi
if "$BACKEND" --help 2>&1 | grep -q 'net,tap='; then
	devs="$devs --device net,tap=vab%d,bridge=vabr0"
else
	diag "this back-end has no net device: no argo net figures"
fi
info "backend: virtio-argo-backend --port $PORT ${BENCH_BACKEND_ARGS:-}$devs"
# shellcheck disable=SC2086 # devs, BENCH_BACKEND_ARGS: words
bg_start backend "$BACKEND" --port "$PORT" ${BENCH_BACKEND_ARGS:-} $devs
if wait_line "$VA_TMP/backend.out" 'instance 0x' 10; then
	ok "bench: back-end started"
else
	not_ok "bench: back-end started"
	show_out backend
fi
info "dom0: $(vabench-cost 2>&1 | tr '\n' ' ')"
bg_start server vabench-net server
wait_line "$VA_TMP/server.out" 'listening' 10 || show_out server

# The PV disk: blkback on a loop device over the file, as xl's "block"
# script would set it up (bench-hotplug.sh explains why it is ours).
loopdev=$(losetup -f --show "$DIR/pv.img") || not_ok "bench: losetup $DIR/pv.img"
HOTPLUG=$HERE/bench-hotplug.sh

DOMU_VCPUS=1
DOMU_MEMORY=${BENCH_GUEST_MEM:-384}
# tsc_mode native: QEMU's qemu64 CPU has no invariant TSC, so by default
# Xen emulates every rdtsc of an HVM guest (dom0, PV, never), and the
# guest's clock reads would weigh on both paths as they do on no
# hardware with an invariant TSC (Documentation/performance.rst).
# shellcheck disable=SC2089,SC2090 # xl.cfg text: the quotes are for xl
DOMU_CFG_EXTRA="disk = [ 'format=raw,vdev=xvda,access=rw,script=$HOTPLUG,target=$loopdev' ]
vif = [ 'mac=00:16:3e:0b:00:02,bridge=xenbr0,script=$HOTPLUG' ]
tsc_mode = 'native'"
# shellcheck disable=SC2090
export DOMU_VCPUS DOMU_MEMORY DOMU_CFG_EXTRA
ncases=$(echo "$BENCH_CASES" | wc -w)
budget=$((ncases * 16 * (BENCH_SECONDS + 8) + 240))
info "guest: PVH, $DOMU_VCPUS vCPU, $DOMU_MEMORY MiB; $BENCH_SECONDS s per case; cases $BENCH_CASES"
info "xen: $(xl info | sed -n 's/^xen_commandline *: //p')"
info "dom0: $(grep -c ^processor /proc/cpuinfo) vCPUs, $(uname -r)"
cases=$(echo "$BENCH_CASES" | tr ' ' ',')
# shellcheck disable=SC2153 # GUEST_K: lib.sh
if ! domu_start "$NAME" pvh "$GUEST_K" "$GUEST_I" "va.secs=$BENCH_SECONDS" \
	"va.cases=$cases" 2>"$VA_TMP/create.err"; then
	not_ok "bench: xl create (disk and vif)"
	diag <"$VA_TMP/create.err"
	tail -n 20 /var/log/xen/xl-"$NAME".log 2>/dev/null | diag
	tail -n 10 "$DIR/hotplug.log" 2>/dev/null | diag
	tap_summary
	exit 1
fi
ok "bench: guest $NAME (domid $(domu_domid "$NAME")) with xvda and a vif"
lf=$(domu_logfile "$NAME")
# Relay the guest's lines as they come (progress on the console), every
# 5 s: the few processes this starts in dom0 are charged to every run's
# dom0 CPU, argo and pv alike.
seen=0
end=$(($(va_now) + budget))
while :; do
	# complete lines only: the last one may still be being written
	tr -d '\r' <"$lf" >"$VA_TMP/guest.log" 2>/dev/null
	head -n "$(wc -l <"$VA_TMP/guest.log")" "$VA_TMP/guest.log" |
		sed -n -e 's/^VA-BENCH: /VA-BENCH-INFO: guest: /p' \
			-e '/^VA-BENCH-RESULT /p' >"$VA_TMP/guest.lines"
	n=$(wc -l <"$VA_TMP/guest.lines")
	[ "$n" -le "$seen" ] || sed -n "$((seen + 1)),${n}p" "$VA_TMP/guest.lines"
	seen=$n
	grep -q '^VA-BENCH-INFO: guest: done' "$VA_TMP/guest.lines" && break
	[ "$(va_now)" -lt "$end" ] || break
	xl domid "$NAME" >/dev/null 2>&1 || break
	sleep 5
done
if grep -q '^VA-BENCH-INFO: guest: done' "$VA_TMP/guest.lines"; then
	ok "bench: the guest ran its cases"
else
	not_ok "bench: the guest ran its cases (within $budget s)"
	tail -n 30 "$lf" | tr -d '\r' | diag
fi
tr -d '\r' <"$lf" | grep -a '^VA-BENCH-RESULT' | grep -q . ||
	not_ok "bench: the guest reported results"
domu_destroy "$NAME"
[ -z "$loopdev" ] || losetup -d "$loopdev" 2>/dev/null
bg_kill server
bg_kill backend
grep -a -i -E 'error|refus|fail' "$VA_TMP/backend.out" | head -n 10 | diag
tap_summary
tap_done
