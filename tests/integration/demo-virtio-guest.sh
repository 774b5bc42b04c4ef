#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make demo, guest side (busybox sh in a PVH domU): the guest's part of
# the virtio-argo story told by demo-virtio.sh in dom0. The domU's /init
# runs it as /opt/va/domu-run (run-virtio.sh --guest); dom0 reads its
# console:
#   VA-DEMO: TEXT       a line of the story, shown by dom0
#   VA-DEMO-AT: STEP    the guest has reached STEP (firmware, devices, rng,
#                       console-sent, console-received, disk, net-up,
#                       g2d-sent, d2g-listening, d2g-done, stats, end) or
#                       "failed" (the line before says why)
#   VA-DEMO-VAL: K V    a value dom0 checks (disk-sha, g2d-sha, d2g-sha)
# The back-end serves four devices: entropy, console, disk, network. The
# guest writes to /dev/hvc1 (its virtio console; hvc0 is Xen's console)
# and reads dom0's lines from it: "hello guest" (the console step), "send"
# (dom0 listens on TCP port 5001: send the file) and "bye" (dom0 has
# looked at the grant tables: unload virtio_argo and power off).
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

HVC=/dev/hvc1
HVC_OUT=$VA_TMP/hvc.out
HVC_CAT=
MNT=/mnt/disk
FILE_MB=4
# dom0 says how many MiB to send each way (va.netmb= on the command line).
NET_MB=$(cmdline_val va.netmb 2)
case $NET_MB in
'' | *[!0-9]*) NET_MB=2 ;;
esac
IP=10.99.0.2
PEER=10.99.0.1

say() { echo "VA-DEMO: $*"; }
at() { echo "VA-DEMO-AT: $*"; }
val() { echo "VA-DEMO-VAL: $*"; }
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

# child_of ID CLASS: the name of the block device or interface the driver
# made for virtio id ID (CLASS: block or net).
child_of() {
	for _c in "$(dev_of "$1")/$2"/*; do
		[ -e "$_c" ] && echo "${_c##*/}" && return 0
	done
	return 1
}

four_bound() { dev_of 1 && dev_of 2 && dev_of 3 && dev_of 4 && child_of 1 net && child_of 2 block; }

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
		_what="id $_id"
		_extra=
		case $_id in
		1)	_what="network card (id 1)"
			_c=$(child_of 1 net) &&
				_extra=" -> $_c, MAC $(cat "/sys/class/net/$_c/address")" ;;
		2)	_what="disk (id 2)"
			_c=$(child_of 2 block) &&
				_extra=" -> /dev/$_c, $(($(cat "/sys/block/$_c/size") / 2048)) MiB, serial $(cat "/sys/block/$_c/serial")" ;;
		3) _what="console (id 3)" _extra=" -> /dev/hvc1" ;;
		4) _what="entropy source (id 4)" _extra=" -> /dev/hwrng" ;;
		esac
		_drv=none
		if [ -e "$_d/driver" ]; then
			_drv=$(basename "$(readlink "$_d/driver")")
		else
			_extra=
		fi
		echo "${_d##*/}: $_what, driver $_drv$_extra"
	done
	[ $_n != 0 ] || echo "(none)"
}

# sectors_read DEV: sectors read from /dev/DEV since boot.
sectors_read() { awk '{ print $3 }' "/sys/block/$1/stat"; }

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
say "# modprobe -a virtio-rng virtio_blk virtio_net ext4"
modprobe -a virtio-rng virtio_blk virtio_net ext4 2>"$VA_TMP/modprobe.err" ||
	fail "modprobe -a virtio-rng virtio_blk virtio_net ext4: $(cat "$VA_TMP/modprobe.err")"
until_ok 60 four_bound ||
	fail "not all four devices bound within 60 s: $(virtio_list | tr '\n' ';')"
say "Virtio devices now:"
virtio_list | indent
for _w in 1:virtio_net 2:virtio_blk 3:virtio_console 4:virtio_rng; do
	_d=$(dev_of "${_w%%:*}")
	[ "$(basename "$(readlink "$_d/driver")")" = "${_w#*:}" ] ||
		fail "${_d##*/} (virtio id ${_w%%:*}) is not bound to ${_w#*:}"
done
say "Debian's modules (virtio_console is built into its kernel): none of them"
say "knows about Xen or Argo."
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

# ---- 5. the disk: a file system, a file, a remount
VDX=$(child_of 2 block)
DISK=/dev/$VDX
mkdir -p $MNT
say "# mke2fs -q $DISK; mount -t ext4 $DISK $MNT"
mke2fs -q "$DISK" >"$VA_TMP/mkfs.out" 2>&1 ||
	fail "mke2fs $DISK: $(tail -n 3 "$VA_TMP/mkfs.out")"
mount -t ext4 "$DISK" $MNT 2>"$VA_TMP/mount.err" ||
	fail "mount -t ext4 $DISK $MNT: $(cat "$VA_TMP/mount.err")"
say "# dd if=/dev/urandom of=$MNT/demo.bin bs=1M count=$FILE_MB; sha256sum $MNT/demo.bin"
dd if=/dev/urandom of=$MNT/demo.bin bs=1M count=$FILE_MB 2>"$VA_TMP/dd.err" ||
	fail "writing $MNT/demo.bin: $(cat "$VA_TMP/dd.err")"
_sha=$(sha256sum <$MNT/demo.bin | cut -d' ' -f1)
echo "$_sha  $MNT/demo.bin" | indent
say "# umount $MNT; echo 3 >/proc/sys/vm/drop_caches; mount -t ext4 $DISK $MNT; sha256sum $MNT/demo.bin"
umount $MNT || fail "umount $MNT"
# Nothing of the disk stays in the guest's memory: the file comes back
# from dom0's image.
sync
echo 3 >/proc/sys/vm/drop_caches
_r0=$(sectors_read "$VDX")
mount -t ext4 "$DISK" $MNT 2>"$VA_TMP/mount.err" ||
	fail "mount -t ext4 $DISK $MNT again: $(cat "$VA_TMP/mount.err")"
_sha2=$(sha256sum <$MNT/demo.bin | cut -d' ' -f1)
_r1=$(sectors_read "$VDX")
echo "$_sha2  $MNT/demo.bin" | indent
[ "$_sha2" = "$_sha" ] || fail "the file read back with another sha256"
[ $((_r1 - _r0)) -ge $((FILE_MB * 2048)) ] ||
	fail "only $((_r1 - _r0)) sectors were read from $DISK for a $FILE_MB MiB file"
say "Same sha256; $(((_r1 - _r0) / 2)) KiB came back from $DISK (/sys/block/$VDX/stat). ext4 unmounted again."
umount $MNT || fail "umount $MNT"
val disk-sha "$_sha"
at disk

# ---- 6. the network card
ETH=$(child_of 1 net)
say "# ip addr add $IP/24 dev $ETH; ip link set $ETH up; ping -c 3 $PEER"
if ! ip addr add $IP/24 dev "$ETH" || ! ip link set "$ETH" up; then
	fail "ip addr add $IP/24 dev $ETH; ip link set $ETH up"
fi
# The first ping may go out before the link is up at both ends.
until_ok 60 ping -c 1 -W 2 $PEER ||
	fail "no answer from $PEER within 60 s"
ping -c 3 -W 5 $PEER >"$VA_TMP/ping.out" 2>&1 ||
	fail "ping -c 3 $PEER: $(tail -n 2 "$VA_TMP/ping.out" | tr '\n' ' ')"
grep -a -E 'packets|round-trip' "$VA_TMP/ping.out" | indent
at net-up
wait_line "$HVC_OUT" '^send' 180 || fail "no \"send\" from dom0 on $HVC within 180 s"
dd if=/dev/urandom of="$VA_TMP/g2d.bin" bs=1M count="$NET_MB" 2>/dev/null
_sha=$(sha256sum <"$VA_TMP/g2d.bin" | cut -d' ' -f1)
say "# nc $PEER 5001 <g2d.bin      ($NET_MB MiB, sha256 $_sha)"
val g2d-sha "$_sha"
_t0=$(va_now)
timeout 300 nc $PEER 5001 <"$VA_TMP/g2d.bin" 2>"$VA_TMP/nc.err" ||
	fail "nc $PEER 5001: status $? $(cat "$VA_TMP/nc.err")"
say "sent in about $(($(va_now) - _t0)) s"
rm -f "$VA_TMP/g2d.bin"
at g2d-sent
# Listen for dom0's file. stdin: a FIFO nobody writes, so that nc does
# not shut its sending side down first; it stops when dom0's side does.
rm -f "$VA_TMP/hold"
mkfifo "$VA_TMP/hold"
exec 7<>"$VA_TMP/hold"
say "# nc -l -p 5002 >d2g.bin"
timeout 300 nc -l -p 5002 <"$VA_TMP/hold" >"$VA_TMP/d2g.bin" 2>"$VA_TMP/nc.err" &
_nc=$!
sleep 0.5
at d2g-listening
wait "$_nc" || fail "nc -l -p 5002: status $? $(cat "$VA_TMP/nc.err")"
_sha=$(sha256sum <"$VA_TMP/d2g.bin" | cut -d' ' -f1)
say "received $(wc -c <"$VA_TMP/d2g.bin") bytes, sha256 $_sha"
val d2g-sha "$_sha"
rm -f "$VA_TMP/d2g.bin"
at d2g-done

# ---- 7. what crossed, as the transport counted it
_st=/sys/kernel/debug/virtio-argo/${_b##*/}/stats
st() { awk -v n="$1" '$1 == n { print $2 }' "$_st"; }
say "$_st:"
say "  ${_b##*/} sent $(st tx_msgs) Argo messages ($(st tx_bytes) bytes) and received $(st rx_msgs) ($(st rx_bytes) bytes);"
say "  they carried $(st chains) descriptor chains to the back-end and $(st completions) completions back"
say "  (receive buffers of the console and the network card wait at the back-end until there is input)."
say "  dropped $(st dropped), sends retried on a full ring $(st tx_eagain), control timeouts $(st ctrl_timeouts)."
at stats
# dom0 now looks at the grant tables; it says "bye" when done.
wait_line "$HVC_OUT" '^bye' 120 || say "(no bye from dom0 within 120 s)"
kill "$HVC_CAT" 2>/dev/null
wait "$HVC_CAT" 2>/dev/null
HVC_CAT=

# ---- 8. unload
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
