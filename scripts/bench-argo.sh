#!/bin/bash
# make bench-argo: Argo throughput, dom0 loopback and a PVH guest -> dom0,
# for message sizes 64 B to 64 KiB, with memcpy bandwidth measured in the
# same domain on the same run, and hypercalls and VIRQs per message. A
# benchmark: it reports numbers and fails only if the run itself breaks.
# Environment: BENCH_SIZES, BENCH_SECONDS, BENCH_GUESTS (see
# tests/integration/bench-argo.sh). Console: build/bench/console.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VA_TOP/build/bench
mkdir -p "$out"
"$VA_SCRIPTS/setup.sh"
make -s -C "$VA_TOP" all >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	die "build failed (see build/bench/build.log)"
}
export BENCH_SIZES=${BENCH_SIZES:-64,256,1024,4096,16384,65440}
log "booting Xen with Argo in QEMU; about 2 minutes"
rc=0
"$VA_TOP/tests/integration/run-argo.sh" --bench --log "$out/console.log" \
	--timeout 1200 >"$out/result.tap" 2>&1 || rc=$?
echo "Argo throughput on $(uname -m), QEMU TCG, Xen ${XEN_DEB_VERSION%%-*}, $(cat "$VA_CACHE/kver")"
echo "(MB/s = 10^6 bytes/s end to end; hcall/msg and virq/msg are the sender's)"
sed -n 's/^# \{0,1\}//p' "$out/result.tap" | grep -v '^bench: \(to\|done\)'
grep -E '^(not )?ok' "$out/result.tap" | grep '^not ok' && rc=1
exit $rc
