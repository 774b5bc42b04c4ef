#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Host side of the Argo integration tests: build tools/argo, assemble the
# dom0 overlay (/opt/va: module, tool, domU kernel and initramfs, these
# scripts), boot Xen + dom0 with scripts/run-xen.sh and run
# tests/integration/dom0-argo.sh (or bench-argo.sh) in dom0.
#
# Usage: tests/integration/run-argo.sh [--bench] [--ko FILE] [--log FILE]
#                                      [--timeout S] [--verbose]
#   --bench        run bench-argo.sh instead of the tests
#   --demo         run demo-argo.sh (make demo) instead of the tests
#   --script NAME  run tests/integration/NAME in dom0 instead
#   --ko FILE      xen-argo.ko (default drivers/xen/argo/xen-argo.ko)
#   --log FILE     console log (default ${TMPDIR:-/tmp}/va-argo.log)
#   --timeout S    QEMU time limit (default 900)
#   --verbose      stream the console
# Environment passed into dom0: ARGO_TESTS, BP_COUNT, BENCH_SIZES, BENCH_SECONDS,
#   BENCH_GUESTS, PROBE_EXPECT (see the dom0 scripts).
# Prints the TAP lines (renumbered) on stdout; exit 0 when all passed.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC1091
# shellcheck disable=SC1091
. "$top/scripts/lib.sh"

script=dom0-argo.sh
ko=$top/drivers/xen/argo/xen-argo.ko
logf=${TMPDIR:-/tmp}/va-argo.log
tmo=900
verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	--bench) script=bench-argo.sh ;;
	--demo) script=demo-argo.sh ;;
	--script) script=$2; shift ;;
	--ko) ko=$2; shift ;;
	--log) logf=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	--verbose) verbose=1 ;;
	-h | --help) sed -n '2,19p' "$0"; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
	shift
done
api_ko=$top/tests/kmod/argo_api_test.ko
for f in "$ko" "$api_ko"; do
	[ -f "$f" ] || die "$f not found: run make first"
done

make -s -C "$top/tools/argo" >/dev/null
eval "$("$VA_SCRIPTS/fetch-kernel.sh" --env)"

work=$(mktemp -d "${TMPDIR:-/tmp}/va-argo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# domU: /opt/va/domu-run, the tool, the module, the shared library
u=$work/domu/opt/va
mkdir -p "$u/bin" "$u/modules" "$u/integration"
install -m 0755 "$top/tests/integration/domu-argo.sh" "$u/domu-run"
install -m 0644 "$top/tests/integration/lib.sh" "$u/integration/"
install -m 0755 "$top/tools/argo/argo" "$u/bin/"
install -m 0644 "$ko" "$api_ko" "$u/modules/"

# dom0: /opt/va/run starts the chosen script
d=$work/dom0/opt/va
mkdir -p "$d/bin" "$d/modules" "$d/guest" "$d/integration"
install -m 0755 "$top/tools/argo/argo" "$d/bin/"
install -m 0644 "$ko" "$api_ko" "$d/modules/"
install -m 0755 "$top"/tests/integration/*.sh "$d/integration/"
cp "$VMLINUZ" "$d/guest/vmlinuz"
"$VA_SCRIPTS/mk-domu-initrd.sh" "$work/domu" "$d/guest/domu-argo.img"
{
	echo '#!/bin/sh'
	for v in ARGO_TESTS BP_COUNT BENCH_SIZES BENCH_SECONDS BENCH_GUESTS PROBE_EXPECT; do
		[ -z "${!v+x}" ] || printf "%s='%s'; export %s\n" "$v" "${!v}" "$v"
	done
	echo "exec sh /opt/va/integration/$script"
} >"$d/run"
chmod 0755 "$d/run"

args=(--overlay "$work/dom0" --log "$logf" --timeout "$tmo")
[ $verbose = 1 ] || args+=(--quiet)
set +e
"$VA_SCRIPTS/run-xen.sh" "${args[@]}"
rc=$?
set -e
# Renumber: the dom0 scripts print one TAP stream, but be safe.
awk '
	/^(not )?ok [0-9]+/ {
		n++
		sub(/^ok [0-9]+/, "ok " n)
		sub(/^not ok [0-9]+/, "not ok " n)
		print
		next
	}
	/^# / || /^Bail out!/ { print }
	END { print "1.." n }
' <(grep -a -v '^1\.\.' "$logf")
exit $rc
