#!/bin/bash
# The module's probe on real Xen where Argo cannot work, two boots:
# Debian's own hypervisor (built without Argo) and our Argo build booted
# without argo=1. Each runs tests/integration/dom0-probe.sh in dom0.
# Prints TAP; consoles in build/check/probe-*-console.log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$VA_TOP/build/check
mkdir -p "$out"
rc=0
PROBE_EXPECT=absent VA_XEN=$("$VA_SCRIPTS/fetch-debian-xen.sh") \
	"$VA_TOP/tests/integration/run-argo.sh" --script dom0-probe.sh \
	--log "$out/probe-absent-console.log" --timeout 600 || rc=1
PROBE_EXPECT=disabled VA_ARGO_OPTS='' \
	"$VA_TOP/tests/integration/run-argo.sh" --script dom0-probe.sh \
	--log "$out/probe-disabled-console.log" --timeout 600 || rc=1
exit $rc
