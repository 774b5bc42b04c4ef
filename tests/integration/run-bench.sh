#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Host side of `make bench` (scripts/bench.sh runs it): the same overlay as
# run-virtio.sh (firmware tables, modules with modules.dep, the back-end, a
# guest initramfs carrying the SSDT) plus tools/bench's vabench-blk and
# vabench-net (and vabench-cost) in dom0 and in the guest; boots Xen + dom0 and runs
# tests/integration/bench-dom0.sh, whose guest runs bench-guest.sh.
#
# Usage: tests/integration/run-bench.sh [--log FILE] [--timeout S] [--verbose]
# Environment: BENCH_SECONDS, BENCH_CASES, BENCH_DISK_MB, BENCH_GUEST_MEM,
#   BENCH_BACKEND_ARGS
#   (see bench-dom0.sh), VIRTIO_BACKENDS (as for run-virtio.sh; default
#   "0:30000": the driver's default ring).
# Prints the TAP lines and the VA-BENCH-* lines of the console on stdout.
set -euo pipefail
# shellcheck source=tests/integration/run-lib.sh
. "$(dirname "$0")/run-lib.sh"

RL_SCRIPT='bench-dom0.sh'
RL_LOG=${TMPDIR:-/tmp}/va-bench.log
RL_TMO=1500
while [ $# -gt 0 ]; do
	case $1 in
	-h | --help) sed -n '2,14p' "$0"; exit 0 ;;
	*) rl_opt "$@" || die "unknown argument: $1 (see --help)"
		shift $((RL_N - 1)) ;;
	esac
	shift
done
ko=$VA_TOP/drivers/xen/argo/xen-argo.ko
vko=$VA_TOP/drivers/virtio/virtio_argo.ko
backend=$VA_TOP/tools/backend/virtio-argo-backend
bench=$VA_TOP/tools/bench
for f in "$ko" "$vko" "$backend" "$bench/vabench-blk" "$bench/vabench-net" \
	"$bench/vabench-cost"; do
	[ -f "$f" ] || die "$f not found: run make first"
done
read -r -a backends <<<"${VIRTIO_BACKENDS:-0:30000}"

rl_setup va-bench
va_kver
fw=$RL_WORK/fw
"$VA_SCRIPTS/mk-firmware.sh" -q -o "$fw" --install-dir /opt/va/firmware \
	"${backends[@]}"
rl_modules "$ko" "$vko"
# Both sides' module trees, indexed by depmod, as run-virtio.sh builds them.
mod_tree() {
	local side=$1 libdir=$2 stage=$RL_WORK/mods-$1
	shift 2
	mkdir -p "$stage/lib/modules/$KVER/extra" "$RL_WORK/$side/$libdir/modules"
	install -m 0644 "$ko" "$vko" "$stage/lib/modules/$KVER/extra/"
	va_copy_modules "$stage" "$@"
	mv "$stage/lib/modules/$KVER" "$RL_WORK/$side/$libdir/modules/"
	mkdir -p "$RL_WORK/$side/opt/va/firmware"
	install -m 0644 "$fw"/virtio-argo.{aml,asl,dsl,cmdline,xl.cfg} \
		"$RL_WORK/$side/opt/va/firmware/"
}
# shellcheck disable=SC2086 # word lists
mod_tree dom0 usr/lib $VA_DOM0_MODULES
# shellcheck disable=SC2086
mod_tree domu lib $VA_DOMU_MODULES
install -m 0755 "$backend" "$RL_DOM0/bin/"
install -m 0755 "$bench"/vabench-{blk,net,cost} "$RL_DOM0/bin/"
install -m 0755 "$bench"/vabench-{blk,net,cost} "$RL_DOMU/bin/"

# The guest's initramfs: the ACPI table upgrade cpio first (see
# run-virtio.sh), then the busybox image with the overlay.
rl_domu_script "$VA_TOP/tests/integration/bench-guest.sh"
"$VA_SCRIPTS/mk-domu-initrd.sh" "$RL_WORK/domu" "$RL_WORK/domu.img"
cat "$fw/virtio-argo-acpi.cpio" "$RL_WORK/domu.img" >"$RL_DOM0/guest/domu-virtio.img"

rl_run_script "$RL_SCRIPT" BENCH_SECONDS BENCH_CASES BENCH_DISK_MB \
	BENCH_GUEST_MEM BENCH_BACKEND_ARGS
rc=0
rl_boot --acpitable "$fw/virtio-argo.aml" || rc=$?
grep -a -E '^VA-BENCH-(RESULT|INFO)' "$RL_LOG" | tr -d '\r' || true
exit $rc
