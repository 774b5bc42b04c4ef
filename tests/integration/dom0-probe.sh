#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The probe at module load, on a Xen where Argo cannot work. Run in dom0 by
# scripts/probe-check.sh on two boots:
#   PROBE_EXPECT=absent    Debian's own hypervisor, built without Argo
#   PROBE_EXPECT=disabled  our Argo build booted without argo=1
# Each must refuse to load with the log line that says why, and leave
# nothing behind.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"

case ${PROBE_EXPECT:-} in
absent) want='xen_argo: this Xen has no Argo: rebuild Xen with CONFIG_ARGO=y' ;;
disabled) want='xen_argo: Argo is not enabled: boot Xen with argo=1' ;;
*) echo "Bail out! PROBE_EXPECT must be absent or disabled"; exit 2 ;;
esac
dmesg -n 4 2>/dev/null

if insmod "$ARGO_KO" >"$VA_TMP/insmod.out" 2>&1; then
	not_ok "probe ($PROBE_EXPECT): insmod refused"
	rmmod xen_argo
else
	ok "probe ($PROBE_EXPECT): insmod refused"
fi
_line=$(dmesg | grep -a -F "$want" | tail -n 1)
if [ -n "$_line" ]; then
	ok "probe ($PROBE_EXPECT): log says why"
	diag "$_line"
else
	not_ok "probe ($PROBE_EXPECT): log says why"
	dmesg | grep -a xen_argo | tail -n 5 | diag
fi
check "probe ($PROBE_EXPECT): no module, no /dev/argo left" \
	sh -c '! grep -q "^xen_argo " /proc/modules && [ ! -e /dev/argo ]'
_bad=$(dmesg | grep -a -E 'WARNING:|BUG:|Oops' | head -n 3)
check "probe ($PROBE_EXPECT): no kernel warnings" [ -z "$_bad" ]
tap_summary
tap_done
