#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Back-end restart during block I/O, and the smallest rings under load:
# the guest's side (busybox sh), run as /opt/va/domu-run by the domU's
# /init. dom0 (dom0-resume.sh) reads its console: every line for it starts
# with "VA-RESUME: ".
#
#   ok DESC | not ok DESC     one check each
#   io running                writers busy: dom0 kills and restarts the
#                             back-end now
#   ack FILE SHA256           FILE (under the file system's root) was
#                             written and fsync()ed: acknowledged
#   small ready               the second back-end (smallest ring) may go
#   done                      the end
#
# Disks (virtio-blk, serial numbers set by dom0's back-ends): "main" on the
# bus the SSDT describes (dom0 port 30000, default ring), "small" on the
# bus of virtio_argo.backends= (dom0 port 30001, ring of 4128 bytes: the
# smallest legal, 4096 bytes of payload per message).
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() { echo "VA-RESUME: $*"; }
rok() { say "ok $*"; }
rfail() { say "not ok $*"; }
rcheck() { # rcheck DESC CMD...
	_d=$1
	shift
	if "$@"; then rok "$_d"; else rfail "$_d"; fi
}

# disk_by_serial SERIAL SECS: the /dev name of the virtio disk with it.
disk_by_serial() {
	_end=$(($(va_now) + $2))
	while :; do
		for _b in /sys/block/vd*; do
			[ -e "$_b/serial" ] || continue
			[ "$(cat "$_b/serial")" = "$1" ] && { echo "/dev/${_b##*/}"; return 0; }
		done
		[ "$(va_now)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# The bus a disk hangs off: /sys/devices/.../virtio-argo.N.
disk_bus() {
	_p=$(readlink -f "/sys/block/${1##*/}/device")
	while [ "$_p" != / ]; do
		case ${_p##*/} in virtio-argo.*) echo "$_p"; return 0 ;; esac
		_p=${_p%/*}
	done
	return 1
}
bus_stat() { # bus_stat BUSDIR NAME
	sed -n "s/^$2 //p" "/sys/kernel/debug/virtio-argo/${1##*/}/stats" 2>/dev/null
}

# Kernel log lines that must never appear.
bad_dmesg() {
	dmesg | grep -a -E 'WARNING:|BUG:|Oops|I/O error|is not a head|EXT[24]-fs error|virtio_ring' || true
}

mount -t debugfs none /sys/kernel/debug 2>/dev/null
modprobe -a virtio_blk ext4 2>/dev/null
# keepalive_ms=1000: an idle wait for answers notices the dead back-end
# within a second (the default is 5 s).
if modprobe virtio_argo keepalive_ms=1000; then
	rok "modprobe virtio_argo keepalive_ms=1000"
else
	rfail "modprobe virtio_argo"
fi

# ---- 1. back-end restart during block I/O
if D=$(disk_by_serial main 60); then
	rok "disk \"main\" is $D ($(cat "/sys/block/${D##*/}/size") sectors)"
else
	rfail "disk \"main\" appeared within 60 s"
	dmesg | tail -n 20 | sed 's/^/VA-RESUME: dmesg: /'
	say "done"
	exit 0
fi
BUS=$(disk_bus "$D")
mkdir -p /mnt/a
rcheck "mkfs.ext2 $D" mke2fs -q "$D"
rcheck "mount $D" mount -t ext2 "$D" /mnt/a
rs0=$(bus_stat "$BUS" resumed)

# writer W N: N files of 256 KiB from /dev/urandom, each fsync()ed before
# it is acknowledged. Three run at once: several requests in flight.
writer() {
	_i=1
	while [ "$_i" -le "$2" ]; do
		_f=w$1-$_i
		if dd if=/dev/urandom of="/mnt/a/$_f" bs=64k count=4 conv=fsync 2>/dev/null; then
			_s=$(sha256sum "/mnt/a/$_f" | cut -d' ' -f1)
			echo "$_s  /mnt/a/$_f" >>"/tmp/acks.$1"
			say "ack $_f $_s"
		else
			say "write error $_f"
		fi
		_i=$((_i + 1))
	done
}
t0=$(va_now)
writer 1 40 &
p1=$!
writer 2 40 &
p2=$!
# and a reader with O_DIRECT of what is already there, until they end
( while kill -0 $p1 2>/dev/null; do
	for _f in /mnt/a/w1-*; do
		dd if="$_f" of=/dev/null bs=128k iflag=direct 2>/dev/null
	done
done ) &
p3=$!
# Progress for dom0's log while it waits: the bus and its counters.
( while :; do
	sleep 15
	say "progress: $(ls /mnt/a | wc -l) files, bus $(cat "$BUS/state"), resumed $(bus_stat "$BUS" resumed), resent $(bus_stat "$BUS" resent), chains $(bus_stat "$BUS" chains), completions $(bus_stat "$BUS" completions), reconnects $(bus_stat "$BUS" reconnects)"
	dmesg | grep -a 'virtio-argo' | tail -n 3 | sed 's/^/VA-RESUME: progress: dmesg: /'
done ) &
p4=$!
sleep 2
say "io running"
wait $p1 $p2
kill $p3 $p4 2>/dev/null
wait $p3 $p4 2>/dev/null
t1=$(va_now)
rs1=$(bus_stat "$BUS" resumed)
rcheck "the writes finished through the back-end restart ($((t1 - t0)) s; bus $(cat "$BUS/state"), devices taken over: ${rs0:-?} -> ${rs1:-?}, chains sent again: $(bus_stat "$BUS" resent), failed: $(bus_stat "$BUS" failed))" \
	[ "${rs1:-0}" -gt "${rs0:-0}" ]
rcheck "no chain failed for want of a back-end" [ "$(bus_stat "$BUS" failed)" = 0 ]
sync
umount /mnt/a && mount -t ext2 -o ro "$D" /mnt/a
echo 3 >/proc/sys/vm/drop_caches
# Every acknowledged file, read back from the disk after the remount.
cat /tmp/acks.1 /tmp/acks.2 >/tmp/acks 2>/dev/null
n=$(grep -c . /tmp/acks)
bad=$(sha256sum -c /tmp/acks 2>/dev/null | grep -c -v ': OK$')
umount /mnt/a
rcheck "all 80 files acknowledged ($n), remounted, read back: $bad checksum mismatches" \
	[ "$n" = 80 -a "$bad" = 0 ]
_b=$(bad_dmesg)
if [ -z "$_b" ]; then
	rok "no I/O error, double completion or warning in the kernel log"
else
	rfail "no I/O error, double completion or warning in the kernel log"
	echo "$_b" | head -n 20 | sed 's/^/VA-RESUME: dmesg: /'
fi

# ---- 2. the smallest ring under full load
say "small ready"
if ! modprobe -r virtio_argo; then
	rfail "rmmod virtio_argo before the small-ring part"
	say "done"
	exit 0
fi
B2=$(cmdline_val va.small)
if modprobe virtio_argo backends="$B2" && S=$(disk_by_serial small 60); then
	rok "disk \"small\" is $S on back-end $B2"
else
	rfail "disk \"small\" on back-end $B2 appeared within 60 s"
	dmesg | tail -n 20 | sed 's/^/VA-RESUME: dmesg: /'
	say "done"
	exit 0
fi
SBUS=$(disk_bus "$S")
rcheck "its bus has the ring asked for (ring_size $(cat "$SBUS/ring_size"))" [ "$(cat "$SBUS/ring_size")" = "${B2##*:}" ]
# Four writers with O_DIRECT and 512 KiB requests, to four 2 MiB regions,
# at once; then four readers at once; every region compared.
dd if=/dev/urandom of=/tmp/pat bs=1M count=2 2>/dev/null
want=$(sha256sum </tmp/pat | cut -d' ' -f1)
t0=$(va_now)
for r in 0 1 2 3; do
	dd if=/tmp/pat of="$S" bs=512k seek=$((r * 4)) oflag=direct conv=notrunc 2>/dev/null &
done
wait
for r in 0 1 2 3; do
	dd if="$S" bs=512k skip=$((r * 4)) count=4 iflag=direct 2>/dev/null |
		sha256sum | cut -d' ' -f1 >/tmp/got$r &
done
wait
t1=$(va_now)
same=0
for r in 0 1 2 3; do
	[ "$(cat /tmp/got$r)" = "$want" ] && same=$((same + 1))
done
rcheck "8 MiB written and read back with O_DIRECT, 512 KiB requests, 4 at once: $same of 4 regions match ($((t1 - t0)) s; $(bus_stat "$SBUS" tx_msgs) messages sent, $(bus_stat "$SBUS" tx_eagain) sends retried for ring space)" \
	[ "$same" = 4 ]
mkdir -p /mnt/s
if mke2fs -q "$S" && mount -t ext2 "$S" /mnt/s; then
	for i in 1 2 3 4 5 6 7 8; do
		dd if=/dev/urandom of=/mnt/s/f$i bs=64k count=8 2>/dev/null &
	done
	wait
	sha256sum /mnt/s/f* >/tmp/sums
	umount /mnt/s
	echo 3 >/proc/sys/vm/drop_caches
	mount -t ext2 -o ro "$S" /mnt/s && cd / &&
		rcheck "a file system on it: 8 files written at once, remounted, checksums match" \
			sha256sum -c -s /tmp/sums
	umount /mnt/s
else
	rfail "mkfs and mount on the small-ring disk"
fi
_b=$(bad_dmesg)
if [ -z "$_b" ]; then
	rok "small ring: no I/O error or warning in the kernel log"
else
	rfail "small ring: no I/O error or warning in the kernel log"
	echo "$_b" | head -n 20 | sed 's/^/VA-RESUME: dmesg: /'
fi
rcheck "rmmod virtio_argo at the end" modprobe -r virtio_argo
say "done"
