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
# Show the narration as it comes, from the console log, until QEMU is done.
shown=0
show_new() {
	local n
	n=$(wc -l <"$out/console.log")
	[ "$n" -gt "$shown" ] || return 0
	sed -n "$((shown + 1)),${n}p" "$out/console.log" |
		grep -a -E '^(demo:|VA-DOM0-READY|VA-DOM0-ERROR)' |
		sed -e 's/^demo: \{0,1\}//' \
			-e 's/^VA-DOM0-READY.*/[dom0 is up: Xen toolstack running]\n/' || true
	shown=$n
}
while kill -0 $pid 2>/dev/null; do
	show_new
	sleep 1
done
rc=0
wait $pid || rc=$?
show_new
if [ $rc != 0 ]; then
	die "the demo did not finish cleanly (rc $rc); console: build/demo/console.log"
fi
log "done; the whole console is in build/demo/console.log"
