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
#   --demo         run demo-argo.sh (make demo-argo) instead of the tests
#   --script NAME  run tests/integration/NAME in dom0 instead
#   --ko FILE      xen-argo.ko (default drivers/xen/argo/xen-argo.ko)
#   --log FILE     console log (default ${TMPDIR:-/tmp}/va-argo.log)
#   --timeout S    QEMU time limit (default 900)
#   --verbose      stream the console
# Environment passed into dom0: ARGO_TESTS, BP_COUNT, BENCH_SIZES, BENCH_SECONDS,
#   BENCH_GUESTS, PROBE_EXPECT (see the dom0 scripts).
# Prints the TAP lines (renumbered) on stdout; exit 0 when all passed.
set -euo pipefail
# shellcheck source=tests/integration/run-lib.sh
. "$(dirname "$0")/run-lib.sh"

RL_SCRIPT=dom0-argo.sh
RL_LOG=${TMPDIR:-/tmp}/va-argo.log
ko=$VA_TOP/drivers/xen/argo/xen-argo.ko
while [ $# -gt 0 ]; do
	case $1 in
	--bench) RL_SCRIPT=bench-argo.sh ;;
	--demo) RL_SCRIPT=demo-argo.sh ;;
	--ko) [ $# -ge 2 ] || die "--ko needs a file"; ko=$2; shift ;;
	-h | --help) sed -n '2,19p' "$0"; exit 0 ;;
	*) rl_opt "$@" || die "unknown argument: $1 (see --help)"
		shift $((RL_N - 1)) ;;
	esac
	shift
done
api_ko=$VA_TOP/tests/kmod/argo_api_test.ko
for f in "$ko" "$api_ko"; do
	[ -f "$f" ] || die "$f not found: run make first"
done

rl_setup va-argo
# the back-end and its front-end test client (dom0-backend.sh)
make -s -C "$VA_TOP/tools/backend" >/dev/null
install -m 0755 "$VA_TOP/tools/backend/virtio-argo-backend" \
	"$VA_TOP/tools/backend/virtio-argo-client" "$RL_DOM0/bin/"
# domU: /opt/va/domu-run, the tool, the modules, the shared library
rl_domu_script "$VA_TOP/tests/integration/domu-argo.sh"
rl_modules "$ko" "$api_ko"
# dom0: /opt/va/run starts the chosen script
"$VA_SCRIPTS/mk-domu-initrd.sh" "$RL_WORK/domu" "$RL_DOM0/guest/domu-argo.img"
rl_run_script "$RL_SCRIPT" ARGO_TESTS BP_COUNT BENCH_SIZES BENCH_SECONDS \
	BENCH_GUESTS PROBE_EXPECT
rc=0
rl_boot || rc=$?
exit $rc
