#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make demo-argo, dom0 side: Argo messages between dom0 and a PVH guest, with a
# narration for a newcomer. Every line meant for the reader starts with
# "demo: " (scripts/demo.sh shows only those).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

dmesg -n 4 2>/dev/null

say() { echo "demo: $*"; }
indent() { sed 's/^/demo:     /'; }
stats() { grep -E '^(virqs|hypercalls|sendv|sendv_eagain|notify) ' "$ARGO_STATS" | tr -s ' ' | paste -s -d, - | sed 's/,/, /g'; }

say "Xen $(xl info | sed -n 's/^xen_version *: //p') is up, booted with:" \
	"$(xl info | sed -n 's/^xen_commandline *: //p')"
say "argo=1 turns Argo on; mac-permissive=1 also allows rings any domain may send to."
say ""
say "1. dom0 loads xen-argo.ko. It probes Argo and takes VIRQ_ARGO:"
if ! argo_load; then
	say "insmod failed:"
	dmesg | tail -n 5 | indent
	exit 1
fi
dmesg | grep -a 'xen_argo:' | grep -a -v taint | tail -n 1 | indent
say ""
say "2. dom0 registers a ring: 64 KiB of its own memory, port 0x201, open to any domain."
bg_start recv "$ARGO" recv --port 0x201 --from any --count 30 --seq --quiet --timeout 240
wait_line "$VA_TMP/recv.out" '^recv: bound' 10 && sed -n 1p "$VA_TMP/recv.out" | indent
say ""
say "3. xl creates a PVH guest: 256 MiB, one vCPU, no disk, no network device."
say "   Its initramfs loads xen-argo.ko too and opens port 0x300 for dom0 only."
t0=$(va_now)
if ! domu_start demo pvh "$GUEST_K" "$GUEST_I" va.mode=stream va.dom0port=0x201 \
	va.port=0x300 va.expect=20 va.sizes=16,4000,60000 va.passes=10; then
	say "xl create failed"
	exit 1
fi
dom=$(domu_domid demo)
if ! domu_wait_line demo 'VA-ARGO: listening' 240; then
	say "the guest did not come up:"
	domu_log demo | tail -n 20 | indent
	exit 1
fi
say "   guest domid $dom is up after $(($(va_now) - t0)) s:"
grep -a 'VA-ARGO: listening' "$(domu_logfile demo)" | sed 's/.*VA-ARGO: /guest: /' | indent
say ""
say "4. dom0 sends the guest 20 sequence-numbered messages of 64 and 60000 bytes."
say "   Each is one sendv hypercall: Xen copies the bytes from dom0's buffer"
say "   into the guest's ring. Nothing is shared, granted or mapped."
"$ARGO" send --to "$dom:0x300" --sizes 64,60000 --count 10 --seq --timeout 60 2>&1 | indent
domu_wait_line demo 'VA-ARGO: recv: [0-9]+ messages' 120
grep -a 'VA-ARGO: recv:' "$(domu_logfile demo)" | sed 's/.*VA-ARGO: /guest: /' | indent
say ""
say "5. The guest answers with 30 messages of 16, 4000 and 60000 bytes; dom0's"
say "   receiver checks order and every byte. The sender's domid comes from Xen,"
say "   not from the guest:"
bg_wait recv 240
indent <"$VA_TMP/recv.out" | tail -n 1
say ""
say "6. A send to a port where no ring waits is refused by Xen, not lost:"
"$ARGO" send --to "$dom:0x999" --count 1 2>&1 | indent
say ""
say "7. What it cost dom0 (from /sys/kernel/debug/xen-argo/stats):"
stats | indent
domu_wait_line demo 'VA-ARGO: done' 240 >/dev/null
grep -a 'VA-ARGO: api:' "$(domu_logfile demo)" | sed 's/.*VA-ARGO: api: /guest: in-kernel API self-test: /' | indent
domu_wait_gone demo 60 || domu_destroy demo
say ""
say "The guest has powered off. make demo shows virtio devices carried over"
say "these rings (virtio_argo.ko and the back-end). See README.md."
