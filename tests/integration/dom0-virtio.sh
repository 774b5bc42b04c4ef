#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2119 # argo_load takes optional module parameters
# virtio-argo integration tests, dom0 side. Runs inside Xen's dom0 (see
# tests/integration/run-virtio.sh, which boots it with scripts/run-xen.sh
# --acpitable) and prints TAP. Layout (overlay at $VA, default /opt/va):
#   $VA/firmware/virtio-argo.{aml,asl,dsl,cmdline,xl.cfg}
#                                  scripts/mk-firmware.sh output; the same
#                                  SSDT is in dom0's ACPI tables (QEMU
#                                  -acpitable) and in the guests' initramfs
#   $VA/modules/xen-argo.ko, virtio_argo.ko (if built)
#   /lib/modules/KVER/extra/       the same, in modules.dep
#   $VA/bin/argo, virtio-argo-backend (if built), iasl
#   $VA/guest/vmlinuz, domu-virtio.img   guest kernel and initramfs (its
#                                  /opt/va/domu-run is domu-virtio.sh)
# Environment: VIRTIO_TESTS="fw dom0 pvh pv transport final" (a subset to
#   run only those).
#
# The guests report over their consoles ("VA-VIRTIO: ..." lines, see
# domu-virtio.sh), which this script reads with domu_wait_line.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

VIRTIO_TESTS=${VIRTIO_TESTS:-fw dom0 pvh pv transport final}
FW=$VA/firmware
AML=$FW/virtio-argo.aml
GUEST_I=$VA/guest/domu-virtio.img
VKO=$VA/modules/virtio_argo.ko
BACKEND=$VA/bin/virtio-argo-backend
PATH=$VA/bin:$PATH

want() { in_list "$1" "$VIRTIO_TESTS"; }

t_start=$(va_now)
dmesg -n 4 2>/dev/null

# The back-ends the tables describe: "virtio_argo.backends=D:P[:R],..."
PARAM=$(sed -n 's/^virtio_argo\.backends=//p' "$FW/virtio-argo.cmdline")
# The first one, which XARG0001:00 must describe.
B0=${PARAM%%,*}
B0_DOMID=${B0%%:*}
B0_REST=${B0#*:}
B0_PORT=${B0_REST%%:*}
B0_RING=
[ "$B0_REST" = "$B0_PORT" ] || B0_RING=${B0_REST#*:}
NBACKENDS=$(echo "$PARAM" | tr ',' '\n' | grep -c .)
# The devices' _HID and the modalias Linux gives them: XARG0001, or
# PRP0001 + "compatible" (mk-firmware.sh --prp0001), which Linux matches as
# a Device Tree compatible, read from the _DSD.
if grep -q '"PRP0001"' "$FW/virtio-argo.asl"; then
	HID=PRP0001 MODALIAS='of:N*Cxen,virtio-argo*'
else
	HID=XARG0001 MODALIAS='acpi:XARG0001:'
fi

# hex N: N as iasl prints integers in a disassembly (Zero, One, 0xNN).
hex() {
	case $1 in
	0) echo Zero ;;
	1) echo One ;;
	*) printf '0x%02X' "$1" ;;
	esac
}

# dsl_prop DSL NAME VALUE: does the disassembly give property NAME the
# integer VALUE (iasl prints the name and the value on consecutive lines)?
dsl_prop() {
	awk -v n="\"$2\"," -v v="$(hex "$3")" '
		found { gsub(/[ \t]/, ""); exit !($0 == v) }
		{ gsub(/[ \t]/, "") }
		$0 == n { found = 1 }
		END { if (!found) exit 1 }
	' "$1"
}

# --------------------------------------------------------------------
t_fw() {
	diag "back-ends: $PARAM ($NBACKENDS)"
	if [ -s "$AML" ] && [ -s "$FW/virtio-argo.dsl" ] && [ -n "$PARAM" ]; then
		ok "firmware: SSDT, disassembly and module parameter in the overlay"
	else
		not_ok "firmware: SSDT, disassembly and module parameter in the overlay"
	fi
	check "firmware: the first device (VA00) describes back-end $B0" \
		dsl_prop "$FW/virtio-argo.dsl" xen,backend-port "$B0_PORT"
}

# dev_expect WHO LINE: check one "hid=.. uid=.. path=.. modalias=.." line
# against the first back-end's device.
dev_expect() {
	# shellcheck disable=SC2254 # $MODALIAS is a pattern
	case $2 in
	"hid=$HID uid=0 path=\\_SB_.VA00 modalias="$MODALIAS)
		ok "$1: $HID:00 is \\_SB_.VA00, _UID 0, modalias ${2##*=}" ;;
	*)
		not_ok "$1: $HID:00 is \\_SB_.VA00, _UID 0, modalias $MODALIAS"
		diag "$2" ;;
	esac
}

t_dom0() {
	_d=/sys/bus/platform/devices/$HID:00
	if [ -e "$_d" ]; then
		ok "dom0: platform device $HID:00 (SSDT from QEMU -acpitable)"
	else
		not_ok "dom0: platform device $HID:00 (SSDT from QEMU -acpitable)"
		find /sys/bus/platform/devices/ -mindepth 1 | diag
		dmesg | grep -a -i -E 'acpi.*(ssdt|error)' | tail -n 10 | diag
		return
	fi
	dev_expect dom0 "$(platform_dev_info "$HID:00")"
	_n=0
	for _p in /sys/bus/platform/devices/"$HID":*; do
		[ ! -e "$_p" ] || _n=$((_n + 1))
	done
	check "dom0: $NBACKENDS $HID device(s), one per back-end (saw $_n)" [ "$_n" = "$NBACKENDS" ]
	if _t=$(acpi_table_match "$AML"); then
		ok "dom0: the installed $_t is the generated SSDT"
	else
		not_ok "dom0: the generated SSDT is among the installed tables"
		find /sys/firmware/acpi/tables -type f | diag
		return
	fi
	if ! command -v iasl >/dev/null; then
		skip "dom0: _DSD properties of the installed table" "no iasl"
		return
	fi
	cp "/sys/firmware/acpi/tables/$_t" "$VA_TMP/ssdt.aml"
	if ! (cd "$VA_TMP" && iasl -vs -d ssdt.aml) >"$VA_TMP/iasl.out" 2>&1; then
		not_ok "dom0: iasl -d of the installed $_t"
		show_out iasl
		return
	fi
	_bad=
	dsl_prop "$VA_TMP/ssdt.dsl" xen,backend-domid "$B0_DOMID" || _bad="$_bad domid"
	dsl_prop "$VA_TMP/ssdt.dsl" xen,backend-port "$B0_PORT" || _bad="$_bad port"
	[ -z "$B0_RING" ] || dsl_prop "$VA_TMP/ssdt.dsl" xen,ring-size "$B0_RING" || _bad="$_bad ring-size"
	grep -q -i 'ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301")' "$VA_TMP/ssdt.dsl" || _bad="$_bad uuid"
	if [ -z "$_bad" ]; then
		ok "dom0: _DSD of the installed $_t: xen,backend-domid $B0_DOMID, xen,backend-port $B0_PORT${B0_RING:+, xen,ring-size $B0_RING}"
	else
		not_ok "dom0: _DSD of the installed $_t: wrong or missing:$_bad"
		grep -A3 '"xen,' "$VA_TMP/ssdt.dsl" | diag
	fi
}

# --------------------------------------------------------------------
# A guest boots the initramfs with the table upgrade cpio and reports.
# $1: pvh|pv
t_domu() {
	du_type=$1 du_name=virtio-$1
	du_t=$(va_now)
	du_cmd=
	# A PV guest has no ACPI: it learns its back-ends from the module
	# parameter (the PVH guest gets none, so it must use the SSDT).
	[ "$du_type" = pvh ] || du_cmd="virtio_argo.backends=$PARAM"
	want transport && [ -f "$VKO" ] && du_cmd="$du_cmd va.transport=1"
	# shellcheck disable=SC2086,SC2153 # $du_cmd: words; GUEST_K: lib.sh
	if ! domu_start "$du_name" "$du_type" "$GUEST_K" "$GUEST_I" $du_cmd; then
		not_ok "$du_type domU: xl create"
		return
	fi
	if ! domu_wait_line "$du_name" 'VA-VIRTIO: done|VA-DOMU-DONE' 300 ||
		! du_lf=$(domu_logfile "$du_name") ||
		! grep -a -q 'VA-VIRTIO: done' "$du_lf"; then
		not_ok "$du_type domU: the guest script ran"
		domu_log "$du_name" | tail -n 30 | diag
		domu_destroy "$du_name"
		return
	fi
	ok "$du_type domU: booted the initramfs with the SSDT cpio prepended ($(($(va_now) - du_t)) s)"
	du_v() { tr -d '\r' <"$du_lf" | sed -n "s/^VA-VIRTIO: $1//p" | head -n 1; }
	du_start=$(du_v 'start ')
	du_devs=$(du_v 'devices ')
	if [ "$du_type" = pvh ]; then
		check "pvh domU: has ACPI ($du_start)" [ "${du_start##*acpi=}" = yes ]
		du_up=$(du_v 'dmesg: .*Table Upgrade: ')
		if [ -n "$du_up" ]; then
			ok "pvh domU: the kernel installed the SSDT from the initramfs"
			diag "Table Upgrade: $du_up"
		else
			not_ok "pvh domU: the kernel installed the SSDT from the initramfs"
			grep -a 'VA-VIRTIO: dmesg' "$du_lf" | diag
		fi
		du_tab=$(du_v 'table ')
		check "pvh domU: the installed table${du_tab:+ $du_tab} is the generated SSDT" [ -n "$du_tab" ]
		check "pvh domU: $NBACKENDS $HID device(s) (saw ${du_devs:-none})" [ "$du_devs" = "$NBACKENDS" ]
		dev_expect "pvh domU" "$(du_v "dev $HID:00 ")"
	else
		check "pv domU: no ACPI, as expected for PV ($du_start)" [ "${du_start##*acpi=}" = no ]
		check "pv domU: no $HID device, the SSDT cpio is ignored (saw ${du_devs:-?})" [ "$du_devs" = 0 ]
		du_param=$(du_v 'param ')
		check "pv domU: virtio_argo.backends=$du_param on its command line" [ "$du_param" = "$PARAM" ]
	fi
	if grep -a -q 'VA-VIRTIO: stock OK' "$du_lf"; then
		ok "$du_type domU: modprobe virtio_rng virtio_blk virtio_net (stock Debian modules)"
	else
		not_ok "$du_type domU: modprobe virtio_rng virtio_blk virtio_net (stock Debian modules)"
		grep -a 'VA-VIRTIO: stock' "$du_lf" | diag
	fi
	# ---- TRANSPORT TESTS in the guest: read its "VA-VIRTIO: transport:"
	# lines here (virtio_argo bound to the back-end, /dev/hwrng bytes,
	# console round trip) once domu-virtio.sh runs them.
	grep -a 'VA-VIRTIO: transport:' "$du_lf" | diag
	if grep -a -q -E 'VA-VIRTIO: dmesg: .*(WARNING:|BUG:|Oops)' "$du_lf"; then
		not_ok "$du_type domU: no warning, BUG or oops in the guest"
		grep -a 'VA-VIRTIO: dmesg' "$du_lf" | diag
	else
		ok "$du_type domU: no warning, BUG or oops in the guest"
	fi
	domu_wait_gone "$du_name" 60 || domu_destroy "$du_name"
	diag "$du_type domU test took $(($(va_now) - du_t)) s"
}

# --------------------------------------------------------------------
# TRANSPORT TESTS, dom0 side. Written with the transport and the back-end:
#   - modprobe virtio_argo in dom0: it binds XARG0001:00 (the dom0-loopback
#     back-end, domid 0 port 30000); start $BACKEND first;
#   - the entropy device: /dev/hwrng gives bytes, rng_current is virtio_rng;
#   - the console: a round trip through the back-end's console device;
#   - rmmod virtio_argo with devices bound is clean;
#   - then the same from the PVH and PV guests (va.transport=1, above).
t_transport() {
	if [ ! -f "$VKO" ]; then
		skip "transport: modprobe virtio_argo, /dev/hwrng, console round trip" \
			"virtio_argo.ko not in this run (run-virtio.sh --plumbing)"
		return
	fi
	if [ ! -x "$BACKEND" ]; then
		skip "transport: back-end" "virtio-argo-backend not in this run"
		return
	fi
	# Only the module tree is checked until the transport tests exist.
	if modprobe -n virtio_argo >"$VA_TMP/modprobe.out" 2>&1; then
		ok "transport: modprobe finds virtio_argo in modules.dep"
	else
		not_ok "transport: modprobe finds virtio_argo in modules.dep"
		show_out modprobe
	fi
	skip "transport: hwrng and console through the back-end" "not written yet"
}

t_final() {
	if dmesg | grep -a -q -E 'WARNING:|BUG:|Oops'; then
		not_ok "final: no warning, BUG or oops in dom0's log"
		dmesg | grep -a -A5 -E 'WARNING:|BUG:|Oops' | head -n 30 | diag
	else
		ok "final: no warning, BUG or oops in dom0's log"
	fi
}

want fw && t_fw
want dom0 && t_dom0
want pvh && t_domu pvh
want pv && t_domu pv
want transport && t_transport
want final && t_final
diag "dom0-virtio.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
