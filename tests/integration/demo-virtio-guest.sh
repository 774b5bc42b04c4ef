#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make demo, guest side (busybox sh in a PVH domU): the guest's part of
# the virtio-argo story told by demo-virtio.sh in dom0. The domU's /init
# runs it as /opt/va/domu-run (run-virtio.sh --guest); dom0 reads its
# console:
#   VA-DEMO: TEXT     a line of the story, shown by dom0
#   VA-DEMO-AT: STEP  the guest has reached STEP (firmware, devices, rng,
#                     console-sent, console-received, stats, end) or
#                     "failed" (the line before says why)
# Console: the guest writes to /dev/hvc1 (its virtio console; hvc0 is
# Xen's console) and waits for dom0's line on it; after the stats it waits
# for "bye" on it before it unloads virtio_argo.
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

HVC=/dev/hvc1
HVC_OUT=$VA_TMP/hvc.out
HVC_CAT=

say() { echo "VA-DEMO: $*"; }
at() { echo "VA-DEMO-AT: $*"; }
indent() { sed 's/^/VA-DEMO:     /'; }
fail() {
	say "FAILED: $*"
	at failed
	[ -z "$HVC_CAT" ] || kill "$HVC_CAT" 2>/dev/null
	exit 1
}

# The bus device virtio_argo made for XARG0001:00, and its attributes.
bus() {
	for _b in /sys/bus/platform/devices/XARG0001:00/virtio-argo.*; do
		[ -d "$_b" ] && echo "$_b" && return 0
	done
	return 1
}
attr() { cat "$(bus)/$1" 2>/dev/null; }

# dev_of ID: the virtio device of device id ID, bound to a driver.
dev_of() {
	for _d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$_d/device" 2>/dev/null)" = "$(printf '0x%04x' "$1")" ] &&
			[ -e "$_d/driver" ] && echo "$_d" && return 0
	done
	return 1
}

# until_ok SECS CMD...: retry CMD every 0.2 s for up to SECS seconds.
until_ok() {
	_end=$(($(va_now) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(va_now)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

virtio_list() {
	_n=0
	for _d in /sys/bus/virtio/devices/*; do
		[ -e "$_d" ] || continue
		_n=$((_n + 1))
		_id=$(($(cat "$_d/device")))
		case $_id in
		3) _what=console ;;
		4) _what=entropy ;;
		*) _what=other ;;
		esac
		_drv=none
		[ ! -e "$_d/driver" ] || _drv=$(basename "$(readlink "$_d/driver")")
		_p=$(readlink -f "$_d")
		_p=${_p%/*}
		echo "${_d##*/}: device id $_id ($_what), driver $_drv, on ${_p##*/}"
	done
	[ $_n != 0 ] || echo "(none)"
}

# ---- 1. what the kernel found in its ACPI tables
_t=$(acpi_table_match "$VA/firmware/virtio-argo.aml") ||
	fail "the SSDT is not among the kernel's ACPI tables"
say "The kernel installed the SSDT from its initramfs (/sys/firmware/acpi/tables/$_t):"
dmesg | grep -a -E 'Table Upgrade|SSDT.*XENARG' | sed 's/^\[[^]]*\] *//' | indent
_pd=XARG0001:00
[ -e "/sys/bus/platform/devices/$_pd" ] || fail "no platform device $_pd"
_fn=/sys/bus/platform/devices/$_pd/firmware_node
say "and made the platform device $_pd for it: ACPI path $(cat "$_fn/path"), modalias $(cat "/sys/bus/platform/devices/$_pd/modalias")."
say "Virtio devices so far (/sys/bus/virtio/devices):"
virtio_list | indent
at firmware

# ---- 2. the transport and the stock drivers
say "# modprobe virtio_argo"
modprobe virtio_argo 2>"$VA_TMP/modprobe.err" ||
	fail "modprobe virtio_argo: $(cat "$VA_TMP/modprobe.err")"
until_ok 60 sh -c "grep -q '^connected\$' /sys/bus/platform/devices/XARG0001:00/virtio-argo.*/state" ||
	fail "virtio-argo did not connect to its back-end within 60 s (state: $(attr state))"
_b=$(bus)
say "It bound $_pd and made ${_b##*/}. From the _DSD it read: back-end domid $(attr backend_domid),"
say "port $(($(attr backend_port))), receive ring $(attr ring_size) bytes. It registered that ring with Xen"
say "(Argo port $(attr port)) and said HELLO to the back-end: state $(attr state), back-end instance $(attr backend_instance)."
dmesg | grep -a -E 'virtio[-_]argo' | sed 's/^\[[^]]*\] *//' | tail -n 4 | indent
say "# modprobe virtio-rng"
modprobe virtio-rng 2>"$VA_TMP/modprobe.err" ||
	fail "modprobe virtio-rng: $(cat "$VA_TMP/modprobe.err")"
until_ok 30 dev_of 4 || fail "no entropy device bound to a driver within 30 s"
until_ok 30 dev_of 3 || fail "no console device bound to a driver within 30 s"
say "Virtio devices now:"
virtio_list | indent
_rng=$(dev_of 4)
_con=$(dev_of 3)
[ "$(basename "$(readlink "$_rng/driver")")" = virtio_rng ] ||
	fail "the entropy device is not bound to virtio_rng"
[ "$(basename "$(readlink "$_con/driver")")" = virtio_console ] ||
	fail "the console device is not bound to virtio_console"
say "virtio_rng is Debian's module, virtio_console is built into Debian's kernel:"
say "neither knows about Xen or Argo."
at devices

# ---- 3. entropy
_cur=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
case $_cur in
virtio_rng*) ;;
*) fail "/dev/hwrng is not virtio_rng (rng_current: ${_cur:-none})" ;;
esac
_hex=$(timeout 10 head -c 16 /dev/hwrng | od -An -v -tx1 | tr -s ' \n' '  ')
_hex=${_hex# }
_hex=${_hex% }
[ "$(echo "$_hex" | wc -w)" = 16 ] ||
	fail "/dev/hwrng gave $(echo "$_hex" | wc -w) of 16 bytes within 10 s"
say "# head -c 16 /dev/hwrng | od -An -tx1      (rng_current: $_cur)"
echo "$_hex" | indent
at rng

# ---- 4. the console
say "# stty -F $HVC raw -echo; echo \"hello dom0, this is the guest's virtio console\" >$HVC"
stty -F "$HVC" raw -echo 2>"$VA_TMP/stty.err" ||
	fail "stty -F $HVC: $(cat "$VA_TMP/stty.err")"
: >"$HVC_OUT"
cat "$HVC" >"$HVC_OUT" 2>&1 &
HVC_CAT=$!
sleep 0.5
echo "hello dom0, this is the guest's virtio console" >"$HVC" ||
	fail "writing to $HVC failed"
at console-sent
if ! wait_line "$HVC_OUT" 'hello guest' 90; then
	fail "nothing from dom0 on $HVC within 90 s ($(head -c 100 "$HVC_OUT"))"
fi
say "# cat $HVC"
grep -a 'hello guest' "$HVC_OUT" | head -n 1 | tr -d '\r' | indent
at console-received

# ---- 5. what crossed, as the transport counted it
_st=/sys/kernel/debug/virtio-argo/${_b##*/}/stats
st() { awk -v n="$1" '$1 == n { print $2 }' "$_st"; }
say "$_st:"
say "  ${_b##*/} sent $(st tx_msgs) Argo messages ($(st tx_bytes) bytes) and received $(st rx_msgs) ($(st rx_bytes) bytes);"
say "  they carried $(st chains) descriptor chains to the back-end and $(st completions) completions back"
say "  (the console's receive buffers wait at the back-end until there is input)."
say "  dropped $(st dropped), sends retried on a full ring $(st tx_eagain), control timeouts $(st ctrl_timeouts)."
at stats
# dom0 now looks at the grant tables; it says "bye" when done.
wait_line "$HVC_OUT" '^bye' 120 || say "(no bye from dom0 within 120 s)"
kill "$HVC_CAT" 2>/dev/null
wait "$HVC_CAT" 2>/dev/null
HVC_CAT=

# ---- 6. unload
say "# rmmod virtio_argo"
rmmod virtio_argo >"$VA_TMP/rmmod.out" 2>&1 &
_rm=$!
rm_done() { ! pid_running "$_rm"; }
until_ok 30 rm_done ||
	fail "rmmod virtio_argo still running after 30 s"
wait "$_rm" || fail "rmmod virtio_argo: $(cat "$VA_TMP/rmmod.out")"
say "/sys/bus/virtio/devices: $(virtio_list | tr '\n' ' ' | sed 's/ $//'); the back-end was told GOODBYE."
_splat=$(dmesg | grep -a -c -E 'WARNING:|BUG:|Oops|Call Trace:')
[ "$_splat" = 0 ] || fail "the guest's kernel log has $_splat warning/BUG/oops lines"
at end
