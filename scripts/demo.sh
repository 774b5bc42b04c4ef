#!/bin/bash
# make demo: build everything, boot Xen with Argo in QEMU and tell a story,
# narrated from the console as it happens. The whole console is kept in
# build/demo/console.log.
#
# Usage: scripts/demo.sh [--argo]
#   (default)  virtio-argo: a PVH guest finds its back-end in its ACPI
#              tables and uses an entropy source, a console, a disk and
#              a network card in dom0 with the stock virtio drivers,
#              through Argo only (tests/integration/demo-virtio.sh,
#              demo-virtio-guest.sh)
#   --argo     make demo-argo: raw Argo messages between dom0 and a PVH
#              guest (tests/integration/demo-argo.sh)
# Exit status 0 when the story happened as told.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

what=virtio
case ${1:-} in
'') ;;
--argo) what=argo ;;
-h | --help) sed -n '2,14p' "$0"; exit 0 ;;
*) die "unknown argument: $1 (see --help)" ;;
esac

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
t0=$SECONDS
if [ $what = argo ]; then
	"$VA_TOP/tests/integration/run-argo.sh" --demo --log "$out/console.log" \
		--timeout 900 >"$out/tap.log" 2>&1 &
else
	"$VA_TOP/tests/integration/run-virtio.sh" --script demo-virtio.sh \
		--guest "$VA_TOP/tests/integration/demo-virtio-guest.sh" \
		--log "$out/console.log" --timeout 900 >"$out/tap.log" 2>&1 &
fi
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
	[ $rc != 124 ] || log "QEMU was stopped by its time limit"
	tail -n 5 "$out/tap.log" >&2
	die "DEMO FAILED (rc $rc) after $((SECONDS - t0)) s; console: build/demo/console.log"
fi
log "DEMO OK: the story ran to the end in $((SECONDS - t0)) s; the whole console is in build/demo/console.log"
