#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2119 # argo_load takes optional module parameters
# Argo throughput, dom0 side: an "argo sink" in dom0 and "argo bench" first
# in dom0 itself (loopback), then in a PVH domU (the domU's console carries
# its table back, see domu-argo.sh). Prints both tables as TAP diagnostics.
# Layout as for dom0-argo.sh. Environment:
#   BENCH_SIZES    payload sizes (default 64,256,1024,4096,16384,65000)
#   BENCH_SECONDS  seconds per size (default 2)
#   BENCH_GUESTS   "pvh" (default), "pvh pv", or "" for loopback only
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

BENCH_SIZES=${BENCH_SIZES:-64,256,1024,4096,16384,65000}
BENCH_SECONDS=${BENCH_SECONDS:-2}
BENCH_GUESTS=${BENCH_GUESTS-pvh}
dmesg -n 4 2>/dev/null

if ! argo_loaded && ! argo_load; then
	not_ok "insmod xen-argo.ko"
	dmesg | tail -n 10 | diag
	tap_summary
	exit 1
fi
nsizes=$(echo "$BENCH_SIZES" | tr ',' '\n' | grep -c .)
budget=$((nsizes * (BENCH_SECONDS + 30) + 60))

# Loopback in dom0.
bg_start sink0 "$ARGO" sink --port 0x500
wait_line "$VA_TMP/sink0.out" '^sink: bound' 10
run_log bench0 "$budget" "$ARGO" bench --to 0:0x500 --sizes "$BENCH_SIZES" \
	--seconds "$BENCH_SECONDS"
rc=$?
bg_wait sink0 10 >/dev/null
if [ $rc = 0 ]; then
	ok "bench: dom0 -> dom0 (loopback)"
else
	not_ok "bench: dom0 -> dom0 (loopback) rc $rc"
fi
diag "dom0 -> dom0 (loopback), sender's counters:"
diag <"$VA_TMP/bench0.out"

for type in $BENCH_GUESTS; do
	name=argo-bench-$type
	bg_start "sink_$type" "$ARGO" sink --port 0x501
	wait_line "$VA_TMP/sink_$type.out" '^sink: bound' 10
	if ! domu_start "$name" "$type" "$GUEST_K" "$GUEST_I" va.mode=bench \
		va.dom0port=0x501 "va.sizes=$BENCH_SIZES" \
		"va.seconds=$BENCH_SECONDS"; then
		not_ok "bench: $type domU -> dom0: xl create"
		bg_kill "sink_$type"
		continue
	fi
	lf=$(domu_logfile "$name")
	if domu_wait_line "$name" 'VA-ARGO: (bench )?done' $((budget + 300)) &&
		grep -a -q 'VA-ARGO: bench done rc=0' "$lf"; then
		ok "bench: $type domU -> dom0"
	else
		not_ok "bench: $type domU -> dom0"
		grep -a 'VA-' "$lf" | tail -n 20 | diag
	fi
	diag "$type domU -> dom0, sender's (domU's) counters:"
	sed -n 's/.*VA-BENCH: //p' "$lf" | diag
	domu_wait_gone "$name" 60 || domu_destroy "$name"
	bg_wait "sink_$type" 10 >/dev/null || bg_kill "sink_$type"
	diag "dom0 sink:"
	diag <"$VA_TMP/sink_$type.out"
done
tap_summary
tap_done
