#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-argo integration tests, domU side (busybox sh). The domU's /init
# runs it as /opt/va/domu-run; dom0 (dom0-virtio.sh) reads its console.
# Everything it reports is a line starting with "VA-VIRTIO: ".
#
# What it reports (dom0 decides what is expected for the guest's type):
#   start guest_type=T acpi=yes|no
#   table NAME            the installed ACPI table whose body is the SSDT of
#                         scripts/mk-firmware.sh ($VA/firmware/virtio-argo.aml)
#   notable               no such table
#   dev NAME hid=.. uid=.. path=.. modalias=..   each XARG0001 (or PRP0001)
#                         platform device
#   devices N             how many there are
#   param VALUE           virtio_argo.backends= on the kernel command line
#   stock OK|FAILED       modprobe of the stock virtio drivers
#   dmesg: ...            ACPI table upgrade lines, virtio-argo lines,
#                         warnings
#   transport: ok DESC | transport: not ok DESC   one transport check each
#   transport: console ready R | console sent R | restart ready I |
#     hostile ready I | hostile line LINE   steps dom0 waits for (below)
#   transport: end        the transport part finished
#   done rc=N
# Kernel command line: va.transport=1 also runs the transport part (below),
# va.treload=1, va.trestart=1 and va.thostile=MODE add to it.
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() {
	echo "VA-VIRTIO: $*"
}

AML=$VA/firmware/virtio-argo.aml
# The stock Debian virtio drivers the transport's tests bind (modules in
# Debian's kernel; virtio, virtio_ring and virtio_console are built in).
STOCK_MODULES="virtio_rng virtio_blk virtio_net"

acpi=no
[ ! -d /sys/firmware/acpi/tables ] || acpi=yes
say "start guest_type=$(cat /sys/hypervisor/guest_type 2>/dev/null) acpi=$acpi"
rc=0

# ---- firmware: what the kernel found
if _t=$(acpi_table_match "$AML"); then
	say "table $_t"
else
	say "notable"
fi
_n=0
for _p in /sys/bus/platform/devices/XARG0001:* /sys/bus/platform/devices/PRP0001:*; do
	[ -e "$_p" ] || continue
	_n=$((_n + 1))
	say "dev ${_p##*/} $(platform_dev_info "${_p##*/}")"
done
say "devices $_n"
say "param $(cmdline_val virtio_argo.backends)"
dmesg | grep -a -E 'Table Upgrade|XARG0001|PRP0001' | sed 's/^/VA-VIRTIO: dmesg: /'

# ---- the stock virtio drivers and the project's modules from modules.dep
# shellcheck disable=SC2086 # a word list
if modprobe -a $STOCK_MODULES 2>"$VA_TMP/stock.err"; then
	say "stock OK"
else
	say "stock FAILED"
	sed 's/^/VA-VIRTIO: stock: /' "$VA_TMP/stock.err"
	rc=1
fi

# ---- TRANSPORT TESTS (virtio_argo.ko; va.transport=1) ----------------
# modprobe virtio_argo (it finds the back-end from the XARG0001 device or
# virtio_argo.backends=, which modprobe takes from the command line), then
# the devices, /dev/hwrng and console rounds with dom0 (dom0-virtio.sh
# du_transport). Every check is a line "transport: ok DESC" or
# "transport: not ok DESC", turned into TAP by dom0; the end is
# "transport: end". va.treload=1 adds an unload and reload, va.trestart=1
# waits for dom0 to kill and restart the back-end (SIGKILL).
# Console round R: the guest says "transport: console ready R" once
# /dev/$VT_HVC is being read, dom0 writes "h2g-R" into the back-end's pty,
# the guest answers "g2h-R" once it has it.
VT_HVC=hvc1
vt_report() {
	if [ "$1" = OK ]; then
		say "transport: ok $2"
	else
		say "transport: not ok $2"
		rc=1
	fi
}

# vt_console ROUND: one round; reports whether dom0's text arrived.
vt_console() {
	_r=$1
	_f=$VA_TMP/hvc-$_r.out
	: >"$_f"
	# Held open across stty: hvc resets the termios of a tty nobody
	# holds open.
	exec 3<"/dev/$VT_HVC"
	stty raw -echo <&3 2>"$VA_TMP/stty.err" ||
		say "transport: stty: $(cat "$VA_TMP/stty.err")"
	cat <&3 >"$_f" 2>&1 &
	_cat=$!
	sleep 0.5
	say "transport: console ready $_r"
	if wait_line "$_f" "h2g-$_r" 60; then
		vt_report OK "console dom0->guest (round $_r): /dev/$VT_HVC read \"h2g-$_r\""
		printf 'g2h-%s\n' "$_r" >"/dev/$VT_HVC"
		say "transport: console sent $_r"
	else
		vt_report FAIL "console dom0->guest (round $_r): nothing on /dev/$VT_HVC within 60 s ($(head -c 100 "$_f"))"
		say "transport: console sent $_r (not answering)"
	fi
	kill "$_cat" 2>/dev/null
	wait "$_cat" 2>/dev/null
	exec 3<&-
}

# vt_devices ROUND: devices, rng and console.
vt_devices() {
	vt_check_dev "round $1" 4 virtio_rng
	vt_check_dev "round $1" 3 virtio_console
	vt_check_rng "round $1"
	vt_console "$1"
}

# vt_wait_instance OLD SECS: until connected to an instance other than OLD
# (in $_i).
vt_wait_instance() {
	_end=$(($(va_now) + $2))
	while :; do
		_i=$(vt_attr backend_instance)
		[ "$(vt_attr state)" = connected ] && [ "$_i" != "$1" ] && return 0
		[ "$(va_now)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# vt_hostile MODE: dom0 restarts the back-end with --hostile MODE; the
# device must be declared broken (or the connection dropped), with a log
# line saying why ("transport: hostile line ..." for dom0 to judge).
vt_hostile() {
	_i0=$(vt_attr backend_instance)
	echo "va-test: hostile $1" >/dev/kmsg
	say "transport: hostile ready $_i0"
	if vt_wait_instance "$_i0" 90; then
		vt_report OK "hostile $1: connected to the back-end restarted with --hostile $1 (instance $_i)"
	else
		vt_report FAIL "hostile $1: connected to the back-end restarted with --hostile $1 within 90 s (state $(vt_attr state), instance $_i)"
		return
	fi
	_end=$(($(va_now) + 30))
	until _d=$(vt_dev 4) && [ -e "$_d/driver" ]; do
		[ "$(va_now)" -lt "$_end" ] || break
		sleep 0.2
	done
	_got=$(timeout 5 head -c 64 /dev/hwrng 2>/dev/null | wc -c)
	_end=$(($(va_now) + 20))
	until vt_since "va-test: hostile $1" | grep -a -q -E 'stopped until reset|framing error'; do
		[ "$(va_now)" -lt "$_end" ] || break
		sleep 0.5
	done
	_line=$(vt_since "va-test: hostile $1" | grep -a -E -m 1 'stopped until reset|framing error' | sed 's/^\[[ 0-9.]*\] *//')
	if [ -n "$_line" ]; then
		vt_report OK "hostile $1: dmesg says why: $_line (/dev/hwrng gave $_got bytes in 5 s)"
	else
		vt_report FAIL "hostile $1: dmesg says why (/dev/hwrng gave $_got bytes in 5 s; state $(vt_attr state))"
		vt_since "va-test: hostile $1" | tail -n 20 | sed 's/^/VA-VIRTIO: dmesg: /'
	fi
	say "transport: hostile line $_line"
}

vt_transport() {
	vt_params=keepalive_ms=1000
	if modprobe virtio_argo $vt_params 2>"$VA_TMP/va.err"; then
		vt_report OK "modprobe virtio_argo $vt_params${VT_BACKENDS:+ (backends=$VT_BACKENDS from the command line)}"
	else
		vt_report FAIL "modprobe virtio_argo: $(cat "$VA_TMP/va.err")"
		return
	fi
	if vt_wait_state connected 60; then
		vt_report OK "$(basename "$(vt_bus)") connected to back-end $(vt_attr backend_domid):$(vt_attr backend_port) (instance $(vt_attr backend_instance), our port $(vt_attr port))"
	else
		vt_report FAIL "bus connected within 60 s (bus: $(vt_bus), state $(vt_attr state))"
		dmesg | grep -a -i 'argo' | tail -n 10 | sed 's/^/VA-VIRTIO: dmesg: /'
		return
	fi
	vt_devices 1

	if [ "$(cmdline_val va.treload 0)" = 1 ]; then
		vt_rmmod 30
		_st=$?
		if [ $_st = 0 ] && ! vt_bus >/dev/null && ! vt_dev 4 >/dev/null && ! vt_dev 3 >/dev/null; then
			vt_report OK "rmmod virtio_argo with virtio_rng and virtio_console bound: bus and devices gone"
		else
			vt_report FAIL "rmmod virtio_argo with devices bound: status $_st, bus $(vt_bus), devices: $(echo /sys/bus/virtio/devices/*) $(cat "$VA_TMP/rmmod.out")"
			return
		fi
		if modprobe virtio_argo $vt_params 2>"$VA_TMP/va.err" && vt_wait_state connected 60; then
			vt_report OK "reload: connected again (instance $(vt_attr backend_instance))"
		else
			vt_report FAIL "reload: modprobe and connect (state $(vt_attr state)) $(cat "$VA_TMP/va.err")"
			return
		fi
		vt_devices 2
	fi

	if [ "$(cmdline_val va.trestart 0)" = 1 ]; then
		_i0=$(vt_attr backend_instance)
		_rc0=$(vt_stat reconnects)
		say "transport: restart ready $_i0"
		# dom0 kills the back-end and restarts it a few seconds later.
		if vt_wait_state 'closed|hello|lost' 60; then
			vt_report OK "back-end killed: the bus noticed (state $(vt_attr state), was connected)"
		else
			vt_report FAIL "back-end killed: the bus did not leave connected within 60 s (state $(vt_attr state))"
		fi
		if vt_wait_instance "$_i0" 90; then
			vt_report OK "back-end restarted: reconnected to the new instance $_i (was $_i0; reconnects $_rc0 -> $(vt_stat reconnects))"
		else
			vt_report FAIL "back-end restarted: no connection to a new instance within 90 s (state $(vt_attr state), instance $_i, was $_i0)"
			dmesg | grep -a -i 'argo' | tail -n 10 | sed 's/^/VA-VIRTIO: dmesg: /'
			return
		fi
		vt_devices 3
	fi

	_h=$(cmdline_val va.thostile)
	[ -z "$_h" ] || vt_hostile "$_h"

	vt_rmmod 30
	_st=$?
	if [ $_st = 0 ]; then
		vt_report OK "rmmod virtio_argo at the end"
	else
		vt_report FAIL "rmmod virtio_argo at the end: status $_st $(cat "$VA_TMP/rmmod.out")"
	fi
}

if [ "$(cmdline_val va.transport 0)" = 1 ]; then
	VT_BACKENDS=$(cmdline_val virtio_argo.backends)
	vt_transport
	dmesg | grep -a -E 'virtio-argo|virtio_argo|stopped until reset' | tail -n 40 |
		sed 's/^/VA-VIRTIO: dmesg: /'
	say "transport: end"
fi
# ---- END OF TRANSPORT TESTS ------------------------------------------

vt_splat | tail -n 10 | sed 's/^/VA-VIRTIO: dmesg: /'
say "done rc=$rc"
exit $rc
