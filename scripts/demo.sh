#!/bin/bash
# make demo: build everything, boot Xen with Argo in QEMU and show Argo
# messages flowing between dom0 and a PVH guest, narrated. The whole
# console is kept in build/demo/console.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VA_TOP/build/demo
mkdir -p "$out"
log "preparing the environment (first time: about 10 minutes)"
"$VA_SCRIPTS/setup.sh"
log "building the modules and tools"
make -s -C "$VA_TOP" all >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	die "build failed (see build/demo/build.log)"
}
log "booting Xen with Argo and a Debian dom0 in QEMU (TCG: give it a minute)"
: >"$out/console.log"
"$VA_TOP/tests/integration/run-argo.sh" --demo --log "$out/console.log" \
	--timeout 900 >"$out/tap.log" 2>&1 &
pid=$!
tail -n +1 -F "$out/console.log" 2>/dev/null |
	grep --line-buffered -a -E '^(demo:|VA-DOM0-READY|VA-DOM0-ERROR)' |
	sed -u -e 's/^demo: \{0,1\}//' -e 's/^VA-DOM0-READY.*/[dom0 is up: Xen toolstack running]\n/' &
tpid=$!
rc=0
wait $pid || rc=$?
sleep 1
kill $tpid 2>/dev/null || true
wait $tpid 2>/dev/null || true
if [ $rc != 0 ]; then
	die "the demo did not finish cleanly (rc $rc); console: build/demo/console.log"
fi
log "done; the whole console is in build/demo/console.log"
