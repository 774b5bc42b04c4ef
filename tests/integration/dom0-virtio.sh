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
# Environment: VIRTIO_TESTS="fw dom0 pvh pv transport hostile slow final" (a
#   subset to run only those; "transport" also enables the guests'
#   transport tests, "pvh" and "pv" boot the guests).
#   HOSTILE_MODES="garble oversize duplicate reorder unsolicited"
#
# The guests report over their consoles ("VA-VIRTIO: ..." lines, see
# domu-virtio.sh), which this script reads with domu_wait_line.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

VIRTIO_TESTS=${VIRTIO_TESTS:-fw dom0 pvh pv transport hostile slow final}
HOSTILE_MODES=${HOSTILE_MODES:-garble oversize duplicate reorder unsolicited}
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

# --------------------------------------------------------------------
# The back-end in dom0: one wildcard ring on the first back-end's port
# (Xen runs with mac-permissive=1) serves dom0 itself and the guests; every
# front-end domain gets its console on a pty linked at $VA_TMP/con-DOMID.
BE_DEVICES="--device rng --device console,pty=$VA_TMP/con-%d"
BE_N=0
BE_NAME=
BE_ARGS=
be_running() {
	[ -n "$BE_NAME" ] && pid_running "$(cat "$VA_TMP/$BE_NAME.pid")"
}

# be_start [ARGS...]: start it (unless it runs) and wait until it listens;
# its log is $VA_TMP/$BE_NAME.out.
be_start() {
	# A running one with other options (--hostile) is replaced.
	[ "$*" = "${BE_ARGS-}" ] || be_stop
	be_running && return 0
	argo_loaded || argo_load || return 1
	BE_ARGS=$*
	BE_N=$((BE_N + 1))
	BE_NAME=be$BE_N
	# shellcheck disable=SC2086 # BE_DEVICES: words
	bg_start "$BE_NAME" "$BACKEND" --port "$B0_PORT" "$@" $BE_DEVICES
	wait_line "$VA_TMP/$BE_NAME.out" 'instance 0x' 10
}

# be_stop [SIGNAL]: stop it (default TERM) and wait for it.
be_stop() {
	be_running || return 0
	_be_pid=$(cat "$VA_TMP/$BE_NAME.pid")
	kill "-${1:-TERM}" "$_be_pid" 2>/dev/null
	_be_end=$(($(va_now) + 10))
	while pid_running "$_be_pid" && [ "$(va_now)" -lt "$_be_end" ]; do
		sleep 0.1
	done
	kill -9 "$_be_pid" 2>/dev/null
	wait "$_be_pid" 2>/dev/null
	return 0
}

# The kernel log from the last "va-test: MARK" line written by kmsg_mark.
kmsg_mark() {
	echo "va-test: $*" >/dev/kmsg
	KMSG_MARK="va-test: $*"
}
kmsg_since() {
	vt_since "$KMSG_MARK"
}

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
# The guests' transport tests: dom0's side of them while the guest runs.

# The hostile mode the PVH guest meets last, and what its kernel must log.
DU_HOSTILE=reorder
DU_HOSTILE_RE='virtio-argo device [0-9]+: fragment out of order; stopped until reset'

# du_console NAME TYPE ROUND: one console round (domu-virtio.sh
# vt_console): once the guest reads its hvc, write "h2g-ROUND" into its
# pty; the guest answers "g2h-ROUND", which must arrive on the pty.
du_console() {
	_dc_n=$1 _dc_t=$2 _dc_r=$3
	if ! domu_wait_line "$_dc_n" "VA-VIRTIO: transport: (console ready $_dc_r|end)|VA-DOMU-DONE" 240 ||
		! grep -a -q "VA-VIRTIO: transport: console ready $_dc_r" "$(domu_logfile "$_dc_n")"; then
		# The guest reports why (its "not ok" lines, or no "end").
		diag "$_dc_t domU: the guest did not get to console round $_dc_r"
		return 1
	fi
	_dc_link=$VA_TMP/con-$(domu_domid "$_dc_n")
	_dc_out=$VA_TMP/con-$_dc_n-$_dc_r.out
	if [ ! -e "$_dc_link" ]; then
		not_ok "$_dc_t domU: console guest->dom0 (round $_dc_r): the back-end's pty $_dc_link exists"
		show_out "$BE_NAME"
		return 1
	fi
	_dc_pty=$(readlink "$_dc_link")
	exec 4<"$_dc_link"
	stty raw -echo <&4
	cat <&4 >"$_dc_out" 2>&1 &
	_dc_cat=$!
	sleep 0.5
	printf 'h2g-%s\n' "$_dc_r" >"$_dc_link"
	domu_wait_line "$_dc_n" "VA-VIRTIO: transport: console sent $_dc_r" 90
	if wait_line "$_dc_out" "g2h-$_dc_r" 15; then
		ok "$_dc_t domU: console guest->dom0 (round $_dc_r): \"g2h-$_dc_r\" arrived on the back-end's pty $_dc_pty"
	else
		not_ok "$_dc_t domU: console guest->dom0 (round $_dc_r): \"g2h-$_dc_r\" on the back-end's pty $_dc_pty"
		diag "pty got: $(head -c 200 "$_dc_out")"
	fi
	kill "$_dc_cat" 2>/dev/null
	wait "$_dc_cat" 2>/dev/null
	exec 4<&-
	return 0
}

# du_transport NAME TYPE: console rounds; for PVH the reload's round, a
# back-end restart (SIGKILL) while the guest runs, a round with the new
# back-end, and then a back-end restarted with --hostile $DU_HOSTILE.
du_transport() {
	du_console "$1" "$2" 1 || return
	[ "$2" = pvh ] || return 0
	du_console "$1" "$2" 2 || return
	if ! domu_wait_line "$1" 'VA-VIRTIO: transport: (restart ready|end)|VA-DOMU-DONE' 240 ||
		! grep -a -q 'VA-VIRTIO: transport: restart ready' "$(domu_logfile "$1")"; then
		diag "$2 domU: the guest did not get to the back-end restart"
		return
	fi
	be_stop KILL
	sleep 3
	if be_start; then
		ok "$2 domU: back-end killed (SIGKILL) and restarted while the guest runs"
	else
		not_ok "$2 domU: back-end killed (SIGKILL) and restarted while the guest runs"
		show_out "$BE_NAME"
		return
	fi
	du_console "$1" "$2" 3 || return
	# A hostile back-end for the guest (dom0 loopback tries every mode).
	if ! domu_wait_line "$1" 'VA-VIRTIO: transport: (hostile ready|end)|VA-DOMU-DONE' 240 ||
		! grep -a -q 'VA-VIRTIO: transport: hostile ready' "$(domu_logfile "$1")"; then
		diag "$2 domU: the guest did not get to the hostile back-end"
		return
	fi
	if ! be_start --hostile "$DU_HOSTILE"; then
		not_ok "$2 domU: back-end restarted with --hostile $DU_HOSTILE"
		show_out "$BE_NAME"
	fi
}

# du_transport_results TYPE LOGFILE: the guest's "transport: ok|not ok"
# lines as TAP.
du_transport_results() {
	_dr_f=$VA_TMP/transport-$1.txt
	tr -d '\r' <"$2" | sed -n 's/^VA-VIRTIO: transport: //p' >"$_dr_f"
	_dr_bad=0
	while IFS= read -r _dr_l; do
		case $_dr_l in
		"ok "*) ok "$1 domU: ${_dr_l#ok }" ;;
		"not ok "*) not_ok "$1 domU: ${_dr_l#not ok }"; _dr_bad=1 ;;
		esac
	done <"$_dr_f"
	if [ "$1" = pvh ]; then
		_dr_l=$(sed -n 's/^hostile line //p' "$_dr_f")
		if echo "$_dr_l" | grep -q -E -- "$DU_HOSTILE_RE"; then
			ok "$1 domU: hostile $DU_HOSTILE: the reason is the expected one"
		else
			not_ok "$1 domU: hostile $DU_HOSTILE: the reason is /$DU_HOSTILE_RE/ (got: ${_dr_l:-nothing})"
			_dr_bad=1
		fi
	fi
	if grep -q '^end$' "$_dr_f"; then
		ok "$1 domU: the transport tests ran to the end"
	else
		not_ok "$1 domU: the transport tests ran to the end"
		_dr_bad=1
	fi
	if [ $_dr_bad = 1 ]; then
		diag "$1 domU console (end):"
		tr -d '\r' <"$2" | tail -n 60 | diag
		diag "back-end log (end):"
		show_out "$BE_NAME" 30
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
	# The transport tests (domu-virtio.sh): the PVH guest also unloads
	# and reloads virtio_argo and rides out a back-end restart.
	du_tr=0
	if want transport && [ -f "$VKO" ] && [ -x "$BACKEND" ]; then
		if be_start; then
			du_tr=1
			du_cmd="$du_cmd va.transport=1"
			[ "$du_type" != pvh ] ||
				du_cmd="$du_cmd va.treload=1 va.trestart=1 va.thostile=$DU_HOSTILE"
		else
			not_ok "$du_type domU: the back-end starts in dom0"
			show_out "$BE_NAME"
		fi
	fi
	# One vCPU for PVH: virtio_console's output spins with interrupts off
	# on the only CPU, which the transport must complete by polling; two
	# for PV, where the VIRQ can arrive on the other one.
	DOMU_VCPUS=1
	[ "$du_type" = pvh ] || DOMU_VCPUS=2
	export DOMU_VCPUS
	# shellcheck disable=SC2086,SC2153 # $du_cmd: words; GUEST_K: lib.sh
	if ! domu_start "$du_name" "$du_type" "$GUEST_K" "$GUEST_I" $du_cmd; then
		not_ok "$du_type domU: xl create"
		return
	fi
	diag "$du_type domU: $DOMU_VCPUS vCPU(s), domid $(domu_domid "$du_name"), command line extra: $du_cmd"
	[ $du_tr = 0 ] || du_transport "$du_name" "$du_type"
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
	[ $du_tr = 0 ] || du_transport_results "$du_type" "$du_lf"
	if grep -a 'VA-VIRTIO: dmesg: ' "$du_lf" | grep -a -q -E -- "$VT_SPLAT"; then
		not_ok "$du_type domU: no warning, BUG or oops in the guest"
		grep -a 'VA-VIRTIO: dmesg' "$du_lf" | diag
	else
		ok "$du_type domU: no warning, BUG or oops in the guest"
	fi
	domu_wait_gone "$du_name" 60 || domu_destroy "$du_name"
	diag "$du_type domU test took $(($(va_now) - du_t)) s"
}

# --------------------------------------------------------------------
# TRANSPORT TESTS, dom0 side: dom0 loopback (the back-end in dom0 serves
# dom0's own virtio_argo, found through XARG0001:00 from the SSDT).
vt_report() {
	if [ "$1" = OK ]; then ok "dom0 loopback: $2"; else not_ok "dom0 loopback: $2"; fi
}

# d0_console ROUND [CPU]: text both ways between /dev/hvc1 (hvc0 is Xen's
# console) and the back-end's pty for dom0; the front-end's text is written
# from vCPU CPU (default 1). Both ttys are held open across stty: hvc
# resets the termios of a tty nobody holds open (the echo would otherwise
# send every received line back).
D0_HVC=/dev/hvc1
d0_console() {
	_c_cpu=${2:-1}
	_c_link=$VA_TMP/con-0
	if [ ! -e "$_c_link" ]; then
		vt_report FAIL "console (round $1): the back-end's pty $_c_link exists"
		return 1
	fi
	_c_pty=$(readlink "$_c_link")
	_c_g=$VA_TMP/d0-hvc-$1.out _c_h=$VA_TMP/d0-pty-$1.out
	exec 3<"$D0_HVC" 4<"$_c_link"
	stty raw -echo <&3
	stty raw -echo <&4
	cat <&3 >"$_c_g" 2>&1 &
	_c_gp=$!
	cat <&4 >"$_c_h" 2>&1 &
	_c_hp=$!
	sleep 0.5
	printf 'h2g-%s\n' "$1" >"$_c_link"
	if wait_line "$_c_g" "h2g-$1" 20; then
		vt_report OK "console back-end->front-end (round $1): pty $_c_pty -> $D0_HVC"
	else
		vt_report FAIL "console back-end->front-end (round $1): pty $_c_pty -> $D0_HVC (got: $(head -c 100 "$_c_g"))"
		diag "stats: $(tr '\n' ' ' <"/sys/kernel/debug/virtio-argo/$(basename "$(vt_bus)")/stats")"
		show_out "$BE_NAME" 10
	fi
	# With a time limit: virtio_console spins, interrupts off, until the
	# back-end has the chain; on vCPU 0 that also holds off VIRQ_ARGO,
	# which must wake the back-end in this same domain.
	timeout 30 taskset -c "$_c_cpu" sh -c "printf 'g2h-%s\n' '$1' >$D0_HVC"
	if wait_line "$_c_h" "g2h-$1" 20; then
		vt_report OK "console front-end->back-end (round $1, written on vCPU $_c_cpu): $D0_HVC -> pty $_c_pty"
	else
		vt_report FAIL "console front-end->back-end (round $1, written on vCPU $_c_cpu): $D0_HVC -> pty $_c_pty (got: $(head -c 100 "$_c_h"))"
		kmsg_since | grep -a -E 'virtio|argo' | tail -n 5 | diag
	fi
	kill "$_c_gp" "$_c_hp" 2>/dev/null
	wait "$_c_gp" "$_c_hp" 2>/dev/null
	exec 3<&- 4<&-
	return 0
}

d0_devices() {
	vt_check_dev "round $1" 4 virtio_rng
	vt_check_dev "round $1" 3 virtio_console
	vt_check_rng "round $1"
	d0_console "$1"
}

VT_PARAMS=keepalive_ms=1000

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
	if modprobe -n virtio_argo >"$VA_TMP/modprobe.out" 2>&1; then
		ok "transport: modprobe finds virtio_argo in modules.dep"
	else
		not_ok "transport: modprobe finds virtio_argo in modules.dep"
		show_out modprobe
	fi
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	if ! be_start; then
		not_ok "dom0 loopback: the back-end starts"
		show_out "$BE_NAME"
		return
	fi
	modprobe virtio_rng 2>"$VA_TMP/rng.err" ||
		{ not_ok "dom0 loopback: modprobe virtio_rng"; diag "$(cat "$VA_TMP/rng.err")"; }
	kmsg_mark "dom0 loopback"
	if modprobe virtio_argo $VT_PARAMS 2>"$VA_TMP/va.err"; then
		ok "dom0 loopback: modprobe virtio_argo $VT_PARAMS"
	else
		not_ok "dom0 loopback: modprobe virtio_argo $VT_PARAMS"
		diag "$(cat "$VA_TMP/va.err")"
		return
	fi
	_bus=$(vt_bus)
	if vt_wait_state connected 60 && [ "${_bus%/*}" = "/sys/devices/platform/$HID:00" ] &&
		[ "$(vt_attr backend_domid)" = "$B0_DOMID" ] && [ "$(($(vt_attr backend_port)))" = "$B0_PORT" ]; then
		ok "dom0 loopback: $HID:00/${_bus##*/} connected to back-end $B0_DOMID:$B0_PORT (instance $(vt_attr backend_instance), our port $(vt_attr port), ring $(vt_attr ring_size))"
	else
		not_ok "dom0 loopback: $HID:00/virtio-argo.N connected to back-end $B0_DOMID:$B0_PORT (bus ${_bus:-none}, state $(vt_attr state), back-end $(vt_attr backend_domid):$(vt_attr backend_port))"
		kmsg_since | grep -a -i argo | tail -n 20 | diag
		show_out "$BE_NAME"
		return
	fi
	d0_devices 1

	# Unload with the devices bound, and load again.
	if vt_rmmod 30 && ! vt_bus >/dev/null && ! vt_dev 4 >/dev/null && ! vt_dev 3 >/dev/null; then
		ok "dom0 loopback: rmmod virtio_argo with virtio_rng and virtio_console bound: bus and devices gone"
	else
		not_ok "dom0 loopback: rmmod virtio_argo with virtio_rng and virtio_console bound: bus and devices gone"
		diag "rmmod: $(cat "$VA_TMP/rmmod.out"); bus: $(vt_bus); devices: $(echo /sys/bus/virtio/devices/*)"
		kmsg_since | tail -n 20 | diag
		return
	fi
	if modprobe virtio_argo $VT_PARAMS 2>"$VA_TMP/va.err" && vt_wait_state connected 60; then
		ok "dom0 loopback: reload: connected again (instance $(vt_attr backend_instance))"
	else
		not_ok "dom0 loopback: reload: connected again (state $(vt_attr state)) $(cat "$VA_TMP/va.err")"
		return
	fi
	d0_devices 2

	# Back-end killed while the front-end is loaded, then restarted.
	_i0=$(vt_attr backend_instance)
	_rc0=$(vt_stat reconnects)
	be_stop KILL
	if vt_wait_state 'closed|hello|lost' 30; then
		ok "dom0 loopback: back-end killed (SIGKILL): the bus noticed (state $(vt_attr state))"
	else
		not_ok "dom0 loopback: back-end killed (SIGKILL): the bus noticed within 30 s (state $(vt_attr state))"
	fi
	sleep 2
	be_start
	_end=$(($(va_now) + 90))
	while :; do
		_i=$(vt_attr backend_instance)
		[ "$(vt_attr state)" = connected ] && [ "$_i" != "$_i0" ] && break
		[ "$(va_now)" -lt "$_end" ] || break
		sleep 0.2
	done
	if [ "$(vt_attr state)" = connected ] && [ "$_i" != "$_i0" ]; then
		ok "dom0 loopback: back-end restarted: reconnected to the new instance $_i (was $_i0; reconnects $_rc0 -> $(vt_stat reconnects))"
	else
		not_ok "dom0 loopback: back-end restarted: reconnected to a new instance within 90 s (state $(vt_attr state), instance $_i, was $_i0)"
		kmsg_since | grep -a -i argo | tail -n 20 | diag
		show_out "$BE_NAME"
		return
	fi
	d0_devices 3
	# Last (it may break the device): console output written on vCPU 0,
	# the CPU that takes VIRQ_ARGO for every ring of this domain, the
	# back-end's included.
	d0_console 4 0
	diag "stats: $(tr '\n' ' ' <"/sys/kernel/debug/virtio-argo/$(basename "$(vt_bus)")/stats")"

	if vt_rmmod 30; then
		ok "dom0 loopback: rmmod virtio_argo at the end"
	else
		not_ok "dom0 loopback: rmmod virtio_argo at the end (status $?): $(cat "$VA_TMP/rmmod.out")"
	fi
	kmsg_since >"$VA_TMP/d0.dmesg"
	if _sp=$(vt_splat "$VA_TMP/d0.dmesg"); then
		not_ok "dom0 loopback: no warning, BUG, oops or lockdep report in dmesg"
		echo "$_sp" | diag
	else
		ok "dom0 loopback: no warning, BUG, oops or lockdep report in dmesg"
	fi
	be_stop
}

# --------------------------------------------------------------------
# Hostile back-end (--hostile MODE) in dom0 loopback: virtio_argo must say
# why in the kernel log, stay sane and unload.
#   garble       framing errors: the connection is dropped
#   oversize     a completion longer than the buffers: device broken
#   duplicate    the second copy names a chain not in flight: broken
#   reorder      a fragment at the wrong offset: broken
#   unsolicited  a completion for a chain not in flight: broken
hostile_expect() {
	case $1 in
	garble) echo 'framing error at byte [0-9]+ of a [0-9]+-byte message' ;;
	oversize) echo 'virtio-argo device [0-9]+: (used length beyond the writable buffers|fragment beyond the used length|response larger than the writable buffers); stopped until reset' ;;
	duplicate) echo 'virtio-argo device [0-9]+: DATA response for a chain not in flight; stopped until reset' ;;
	reorder) echo 'virtio-argo device [0-9]+: fragment out of order; stopped until reset' ;;
	unsolicited) echo 'virtio-argo device [0-9]+: DATA response for a chain not in flight; stopped until reset' ;;
	esac
}

t_hostile() {
	if [ ! -f "$VKO" ] || [ ! -x "$BACKEND" ]; then
		skip "hostile back-end" "virtio_argo.ko or the back-end not in this run"
		return
	fi
	be_stop
	mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
	modprobe virtio_rng 2>/dev/null
	for _m in $HOSTILE_MODES; do
		_want=$(hostile_expect "$_m")
		if ! be_start --hostile "$_m"; then
			not_ok "hostile $_m: the back-end starts"
			show_out "$BE_NAME"
			continue
		fi
		kmsg_mark "hostile $_m"
		if ! modprobe virtio_argo $VT_PARAMS 2>"$VA_TMP/va.err"; then
			not_ok "hostile $_m: modprobe virtio_argo"
			diag "$(cat "$VA_TMP/va.err")"
			be_stop
			continue
		fi
		vt_wait_state connected 30
		# The rng: the hwrng core reads it as soon as it registers; read
		# too, with a time limit (a broken device never completes).
		_end=$(($(va_now) + 30))
		until _d=$(vt_dev 4) && [ -e "$_d/driver" ]; do
			[ "$(va_now)" -lt "$_end" ] || break
			sleep 0.2
		done
		_got=$(timeout 5 head -c 64 /dev/hwrng 2>/dev/null | wc -c)
		_end=$(($(va_now) + 20))
		until kmsg_since | grep -a -q -E -- "$_want"; do
			[ "$(va_now)" -lt "$_end" ] || break
			sleep 0.5
		done
		kmsg_since >"$VA_TMP/hostile-$_m.dmesg"
		_line=$(grep -a -E -m 1 -- "$_want" "$VA_TMP/hostile-$_m.dmesg" | sed 's/^\[[ 0-9.]*\] *//')
		if [ -n "$_line" ]; then
			ok "hostile $_m: dmesg says why: $_line"
		else
			not_ok "hostile $_m: dmesg says why (/$_want/)"
			diag "/dev/hwrng gave $_got bytes; state $(vt_attr state); stats: $(cat /sys/kernel/debug/virtio-argo/*/stats 2>/dev/null | tr '\n' ' ')"
			grep -a -v 'va-test' "$VA_TMP/hostile-$_m.dmesg" | tail -n 20 | diag
			show_out "$BE_NAME" 10
		fi
		diag "hostile $_m: /dev/hwrng gave $_got bytes within 5 s; state $(vt_attr state); $(grep -a -c -E 'stopped until reset|framing error' "$VA_TMP/hostile-$_m.dmesg") broken/framing lines"
		_t0=$(va_now)
		if vt_rmmod 30; then
			ok "hostile $_m: rmmod virtio_argo returns ($(($(va_now) - _t0)) s), the kernel is alive"
		else
			not_ok "hostile $_m: rmmod virtio_argo returns within 30 s (status $?): $(cat "$VA_TMP/rmmod.out")"
			kmsg_since | tail -n 20 | diag
			# virtio_argo cannot be loaded again: the other modes would fail too.
			be_stop
			return
		fi
		kmsg_since >"$VA_TMP/hostile-$_m.dmesg"
		if _sp=$(vt_splat "$VA_TMP/hostile-$_m.dmesg"); then
			not_ok "hostile $_m: no warning, BUG or oops"
			echo "$_sp" | diag
		else
			ok "hostile $_m: no warning, BUG or oops"
		fi
		be_stop
	done
}

# A back-end that answers HELLO only after 3 s (--hostile slow), as one
# whose devices take long to create (a disk on slow storage, a tap on a
# bridge): virtio_argo waits for the answer instead of resending HELLO,
# which would make the back-end close the half-made connection and build
# it again; the first HELLO connects.
t_slow() {
	if [ ! -f "$VKO" ] || [ ! -x "$BACKEND" ]; then
		skip "slow back-end" "virtio_argo.ko or the back-end not in this run"
		return
	fi
	if ! be_start --hostile slow; then
		not_ok "slow: the back-end starts"
		show_out "$BE_NAME"
		return
	fi
	modprobe virtio_rng 2>/dev/null
	kmsg_mark "slow"
	if ! modprobe virtio_argo $VT_PARAMS 2>"$VA_TMP/va.err"; then
		not_ok "slow: modprobe virtio_argo: $(cat "$VA_TMP/va.err")"
		be_stop
		return
	fi
	if vt_wait_state connected 30; then
		ok "slow: connected to a back-end that answers HELLO after 3 s"
	else
		not_ok "slow: connected within 30 s to a back-end that answers HELLO after 3 s (state $(vt_attr state))"
	fi
	_n=$(grep -a -c 'connected: front-end instance' "$VA_TMP/$BE_NAME.out")
	_h=$(grep -a -c 'hostile slow: answering HELLO' "$VA_TMP/$BE_NAME.out")
	if [ "$_n" = 1 ] && [ "$_h" = 1 ]; then
		ok "slow: one HELLO, one connection in the back-end's log"
	else
		not_ok "slow: one HELLO, one connection in the back-end's log (HELLOs $_h, connections $_n)"
		show_out "$BE_NAME" 10
	fi
	if kmsg_since | grep -a -q 'no response to request'; then
		not_ok "slow: no control request timed out"
		kmsg_since | grep -a 'no response to request' | head -n 5 | diag
	else
		ok "slow: no control request timed out"
	fi
	vt_check_dev "slow" 4 virtio_rng && vt_check_rng "slow"
	if ! vt_rmmod 30; then
		not_ok "slow: rmmod virtio_argo returns within 30 s: $(cat "$VA_TMP/rmmod.out")"
	fi
	be_stop
}

t_final() {
	if dmesg | grep -a -q -E -- "$VT_SPLAT"; then
		not_ok "final: no warning, BUG or oops in dom0's log"
		dmesg | grep -a -A5 -E -- "$VT_SPLAT" | head -n 30 | diag
	else
		ok "final: no warning, BUG or oops in dom0's log"
	fi
}

want fw && t_fw
want dom0 && t_dom0
want pvh && t_domu pvh
want pv && t_domu pv
want hostile && t_hostile
want slow && t_slow
want transport && t_transport
want final && t_final
diag "dom0-virtio.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
