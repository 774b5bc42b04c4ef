#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The guest of the systemd test (busybox sh; /opt/va/domu-run): it uses
# the four devices of a back-end that systemd runs from the project's
# unit (dom0-systemd.sh), before and after systemd restarts it. Every
# line it reports starts with "VA-SD: ":
#   ok DESC | not ok DESC   one check each (dom0 turns them into TAP)
#   eth IFACE mac MAC       the virtio_net interface
#   disk DEV R SHA256       what the guest wrote to 1 MiB region R of DEV
#   phase1 done             dom0 may kill the back-end now
#   console ready           /dev/hvc1 is being read: dom0 writes "go"
#   done rc=N
# Kernel command line: va.netip=10.99.0.2/24, va.netpeer=10.99.0.1.
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() {
	echo "VA-SD: $*"
}
rc=0
vt_report() {
	if [ "$1" = OK ]; then
		say "ok $2"
	else
		say "not ok $2"
		rc=1
	fi
}
finish() {
	if vt_splat >"$VA_TMP/splat"; then
		vt_report FAIL "no warning, BUG or oops in the guest's log"
		sed 's/^/VA-SD: dmesg: /' "$VA_TMP/splat"
	else
		vt_report OK "no warning, BUG or oops in the guest's log"
	fi
	dmesg | grep -a -i 'argo' | tail -n 20 | sed 's/^/VA-SD: dmesg: /'
	say "done rc=$rc"
	exit $rc
}

IP=$(cmdline_val va.netip 10.99.0.2/24)
PEER=$(cmdline_val va.netpeer 10.99.0.1)
HVC=/dev/hvc1
MIB=1048576

# disk_round WHO R: 1 MiB of random bytes to region R (MiB R) of the disk
# with O_DIRECT, read back with O_DIRECT, compared.
disk_round() {
	dd if=/dev/urandom of="$VA_TMP/w$2" bs=$MIB count=1 2>/dev/null
	if ! dd if="$VA_TMP/w$2" of="/dev/$DISK" bs=$MIB seek="$2" count=1 \
		oflag=direct 2>"$VA_TMP/dd.err"; then
		vt_report FAIL "$1: O_DIRECT write of MiB $2 of /dev/$DISK: $(tail -n 1 "$VA_TMP/dd.err")"
		return
	fi
	dd if="/dev/$DISK" of="$VA_TMP/r$2" bs=$MIB skip="$2" count=1 \
		iflag=direct 2>"$VA_TMP/dd.err"
	_sha=$(sha256sum <"$VA_TMP/w$2" | cut -d' ' -f1)
	if cmp -s "$VA_TMP/w$2" "$VA_TMP/r$2"; then
		vt_report OK "$1: MiB $2 of /dev/$DISK written and read back with O_DIRECT, equal"
		say "disk $DISK $2 $_sha"
	else
		vt_report FAIL "$1: MiB $2 of /dev/$DISK read back differs ($(tail -n 1 "$VA_TMP/dd.err"))"
	fi
}

# ping_peer WHO SECS: dom0 answers within SECS (it may still be giving
# the back-end's new tap its address).
ping_peer() {
	_end=$(($(va_now) + $2))
	until ping -c 1 -W 2 "$PEER" >"$VA_TMP/ping.out" 2>&1; do
		if [ "$(va_now)" -ge "$_end" ]; then
			vt_report FAIL "$1: ping $PEER within $2 s: $(tail -n 2 "$VA_TMP/ping.out" | tr '\n' ' ')"
			return
		fi
		sleep 1
	done
	vt_report OK "$1: ping $PEER (dom0, through the back-end's tap)"
}

if modprobe -a virtio_blk virtio_net virtio-rng 2>"$VA_TMP/mod.err" &&
	modprobe virtio_argo keepalive_ms=1000 2>>"$VA_TMP/mod.err"; then
	vt_report OK "modprobe virtio_blk virtio_net virtio-rng virtio_argo"
else
	vt_report FAIL "modprobe: $(cat "$VA_TMP/mod.err")"
	finish
fi
vt_check_dev "before" 4 virtio_rng
vt_check_dev "before" 3 virtio_console
vt_check_dev "before" 2 virtio_blk
vt_check_dev "before" 1 virtio_net || finish
_d=$(vt_dev 2)
DISK=$(ls "$_d/block" 2>/dev/null)
_d=$(vt_dev 1)
ETH=$(ls "$_d/net" 2>/dev/null)
if [ -z "$DISK" ] || [ -z "$ETH" ]; then
	vt_report FAIL "a disk (${DISK:-none}) and an interface (${ETH:-none})"
	finish
fi
say "eth $ETH mac $(cat "/sys/class/net/$ETH/address")"
ip addr add "$IP" dev "$ETH" && ip link set "$ETH" up

vt_check_rng "before"
disk_round "before" 1
ping_peer "before" 60
_i0=$(vt_attr backend_instance)
say "phase1 done"

# dom0 kills the back-end; systemd starts it again. The transport
# notices (keepalive) and connects to the new instance.
_end=$(($(va_now) + 120))
until [ "$(vt_attr state)" = connected ] && _i=$(vt_attr backend_instance) &&
	[ "$_i" != "$_i0" ]; do
	if [ "$(va_now)" -ge "$_end" ]; then
		vt_report FAIL "after: connected to a new back-end instance within 120 s (state $(vt_attr state), instance $(vt_attr backend_instance), was $_i0)"
		finish
	fi
	sleep 0.2
done
vt_report OK "after: connected to a new back-end instance ($_i0 -> $_i)"

# The console of the new instance: dom0 writes "go" into its pty.
exec 3<"$HVC"
stty raw -echo <&3 2>"$VA_TMP/stty.err" || say "stty: $(cat "$VA_TMP/stty.err")"
: >"$VA_TMP/hvc.out"
cat <&3 >"$VA_TMP/hvc.out" 2>&1 &
_cat=$!
sleep 0.5
say "console ready"
if wait_line "$VA_TMP/hvc.out" '^go' 120; then
	vt_report OK "after: $HVC read \"go\" from dom0's pty"
	echo "back" >"$HVC"
else
	vt_report FAIL "after: nothing on $HVC within 120 s ($(head -c 100 "$VA_TMP/hvc.out"))"
fi
kill "$_cat" 2>/dev/null
wait "$_cat" 2>/dev/null
exec 3<&-

vt_check_rng "after"
disk_round "after" 2
ping_peer "after" 60
grep -h -E '^(resets|reconnects|tx_msgs|rx_msgs) ' \
	/sys/kernel/debug/virtio-argo/*/stats 2>/dev/null | sed 's/^/VA-SD: stats: /'
finish
