#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-blk over virtio-argo, domU side (busybox sh): the guest's
# /opt/va/domu-run for tests/integration/dom0-blk.sh, which reads its
# console. Every line it reports starts with "VA-BLK: ":
#   ok DESC | not ok DESC   one check each (dom0 turns them into TAP)
#   rw DEV SERIAL SECTORS   the read-write disk as the guest sees it
#   region N SHA256         what the guest wrote to raw region N
#   info ...                queue limits, for the log
#   dmesg: ...              kernel lines worth seeing (I/O errors, splats)
#   done rc=N
# Disks (dom0-blk.sh starts the back-end with them): serial "va-rw-DOMID"
# (empty, va.bsize sectors), "va-ro" (read-only, 1 MiB that hashes to
# va.rosha), "va-full" (an image on a tmpfs too small for it).
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() {
	echo "VA-BLK: $*"
}
rc=0
rep() {
	if [ "$1" = OK ]; then
		say "ok $2"
	else
		say "not ok $2"
		rc=1
	fi
}

BSIZE=$(cmdline_val va.bsize 0)
ROSHA=$(cmdline_val va.rosha)
MIB=1048576
# Raw regions after the file system (which takes the first 16 MiB). Sizes
# are small: under TCG on a busy host a MiB can take seconds.
REGION0=16
REGION_MB=1
NREGIONS=4

# disk SERIAL_PREFIX: the vdX whose serial starts with it.
disk() {
	for _b in /sys/block/vd*; do
		[ -e "$_b/serial" ] || continue
		case $(cat "$_b/serial") in
		"$1"*) echo "${_b##*/}"; return 0 ;;
		esac
	done
	return 1
}

if modprobe -a virtio_blk ext4 2>"$VA_TMP/mod.err" &&
	modprobe virtio_argo 2>>"$VA_TMP/mod.err"; then
	rep OK "modprobe virtio_blk ext4 virtio_argo"
else
	rep FAIL "modprobe: $(cat "$VA_TMP/mod.err")"
	say "done rc=$rc"
	exit 1
fi
_end=$(($(va_now) + 60))
until RW=$(disk va-rw-) && RO=$(disk va-ro) && FULL=$(disk va-full); do
	[ "$(va_now)" -lt "$_end" ] || break
	sleep 0.2
done
if [ -z "$RW" ] || [ -z "$RO" ] || [ -z "$FULL" ]; then
	rep FAIL "three virtio disks within 60 s (rw ${RW:-none}, ro ${RO:-none}, full ${FULL:-none}; bus state $(vt_attr state))"
	dmesg | grep -a -E 'virtio|argo|vd[a-z]' | tail -n 20 | sed 's/^/VA-BLK: dmesg: /'
	say "done rc=$rc"
	exit 1
fi
rep OK "three virtio disks: rw /dev/$RW, ro /dev/$RO, full /dev/$FULL"
_q=/sys/block/$RW/queue
_l=
for _a in max_segments max_segment_size max_hw_sectors_kb max_sectors_kb \
	logical_block_size discard_max_bytes write_zeroes_max_bytes nr_requests; do
	_l="$_l $_a $(cat "$_q/$_a")"
done
say "info $RW:$_l write_cache '$(cat "$_q/write_cache")'"
_size=$(cat "/sys/block/$RW/size")
say "rw $RW $(cat "/sys/block/$RW/serial") $_size"
check_size() {
	if [ "$_size" = "$BSIZE" ]; then
		rep OK "rw disk: /sys/block/$RW/size is $_size sectors, the image's size"
	else
		rep FAIL "rw disk: /sys/block/$RW/size is $_size sectors, want $BSIZE"
	fi
}
check_size
if [ "$(cat "$_q/write_cache")" = "write back" ]; then
	rep OK "rw disk: write cache 'write back' (FLUSH offered)"
else
	rep FAIL "rw disk: write cache '$(cat "$_q/write_cache")', want 'write back' (FLUSH)"
fi

# ---- a file system: mke2fs, mount, write, remount, compare
M=/mnt/blk
mkdir -p $M
fs_test() {
	if ! mke2fs -q -b 4096 -i 65536 "/dev/$RW" $((REGION0 * 1024)) >"$VA_TMP/mkfs.out" 2>&1; then
		rep FAIL "mke2fs on /dev/$RW: $(tail -n 3 "$VA_TMP/mkfs.out")"
		return 1
	fi
	if ! mount -t ext4 "/dev/$RW" $M 2>"$VA_TMP/mount.err"; then
		rep FAIL "mount -t ext4 /dev/$RW: $(cat "$VA_TMP/mount.err")"
		return 1
	fi
	rep OK "mke2fs ($REGION0 MiB) and mount -t ext4 /dev/$RW"
	for _i in 1 2 3; do
		dd if=/dev/urandom of=$M/rand$_i bs=64k count=$((_i * 4)) 2>/dev/null
	done
	mkdir -p $M/tree
	cp -a /lib/modules/*/kernel/fs/ext4 /lib/modules/*/kernel/fs/jbd2 $M/tree/ 2>/dev/null
	# fsync: a FLUSH through the file system.
	dd if=/dev/urandom of=$M/synced bs=4k count=16 conv=fsync 2>/dev/null
	(cd $M && find . -type f | sort | xargs sha256sum) >"$VA_TMP/sums"
	_n=$(wc -l <"$VA_TMP/sums")
	if ! umount $M || ! mount -t ext4 "/dev/$RW" $M; then
		rep FAIL "umount and mount again"
		return 1
	fi
	if (cd $M && sha256sum -c "$VA_TMP/sums") >"$VA_TMP/sumc.out" 2>&1; then
		rep OK "ext4: $_n files written, unmounted, mounted again: sha256sum -c matches"
	else
		rep FAIL "ext4: sha256sum -c after remount: $(grep -v ': OK' "$VA_TMP/sumc.out" | head -n 5)"
	fi
	umount $M
}
fs_test

# ---- raw regions: concurrent O_DIRECT writers with 1 MiB requests
# Bytes the transport copied into its bounce buffer (scattered chains).
copied() {
	sed -n 's/^tx_copied //p' /sys/kernel/debug/virtio-argo/*/stats | head -n 1
}
raw_test() {
	_i=0
	while [ $_i -lt $NREGIONS ]; do
		dd if=/dev/urandom of="$VA_TMP/pat$_i" bs=$MIB count=$REGION_MB 2>/dev/null
		_i=$((_i + 1))
	done
	_i=0 _pids="" _copied0=$(copied)
	while [ $_i -lt $NREGIONS ]; do
		dd if="$VA_TMP/pat$_i" of="/dev/$RW" bs=$MIB oflag=direct conv=notrunc \
			seek=$((REGION0 + _i * REGION_MB)) 2>"$VA_TMP/dd$_i.err" &
		_pids="$_pids $!"
		_i=$((_i + 1))
	done
	_bad=
	for _p in $_pids; do
		wait "$_p" || _bad="$_bad $_p"
	done
	if [ -n "$_bad" ]; then
		rep FAIL "$NREGIONS concurrent O_DIRECT writers (bs=1M): failed:$_bad $(cat "$VA_TMP"/dd*.err | grep -v records | head -n 3)"
		return 1
	fi
	rep OK "$NREGIONS concurrent O_DIRECT writers, bs=1M, $REGION_MB MiB each to distinct regions"
	# 1 MiB of a user buffer is 256 pages, too scattered for Xen's 8
	# iovecs a send: the transport copies them (va_tx_bounce()), and
	# the read-back below checks the copies byte for byte.
	_copied=$(($(copied) - _copied0))
	if [ "$_copied" -gt 0 ]; then
		rep OK "the writers' scattered pages went out through the bounce buffer ($_copied bytes)"
	else
		rep FAIL "the writers' 1 MiB requests never used the bounce buffer (tx_copied did not grow)"
	fi
	_i=0 _bad=
	while [ $_i -lt $NREGIONS ]; do
		dd if="/dev/$RW" of="$VA_TMP/back$_i" bs=$MIB iflag=direct \
			skip=$((REGION0 + _i * REGION_MB)) count=$REGION_MB 2>/dev/null &
		_i=$((_i + 1))
	done
	wait
	_i=0
	while [ $_i -lt $NREGIONS ]; do
		cmp "$VA_TMP/pat$_i" "$VA_TMP/back$_i" >/dev/null 2>&1 || _bad="$_bad $_i"
		say "region $_i $(sha256sum <"$VA_TMP/pat$_i" | cut -d' ' -f1)"
		_i=$((_i + 1))
	done
	if [ -z "$_bad" ]; then
		rep OK "read back concurrently with O_DIRECT: all $NREGIONS regions equal byte for byte"
	else
		rep FAIL "read back with O_DIRECT: regions differ:$_bad"
	fi
	rm -f "$VA_TMP"/back*
}
raw_test

# ---- discard (if offered): a region written, discarded, reads zeroes
discard_test() {
	_dmax=$(cat "$_q/discard_max_bytes")
	if [ "$_dmax" = 0 ]; then
		say "info no discard on $RW"
		return
	fi
	_off=$(((REGION0 + NREGIONS * REGION_MB) * MIB))
	dd if="$VA_TMP/pat0" of="/dev/$RW" bs=$MIB oflag=direct conv=notrunc \
		seek=$((_off / MIB)) 2>/dev/null
	if ! blkdiscard -o $_off -l $MIB "/dev/$RW" 2>"$VA_TMP/disc.err"; then
		rep FAIL "blkdiscard 1 MiB at $_off: $(cat "$VA_TMP/disc.err")"
		return
	fi
	dd if=/dev/zero of="$VA_TMP/zero" bs=$MIB count=1 2>/dev/null
	dd if="/dev/$RW" of="$VA_TMP/disc" bs=$MIB iflag=direct skip=$((_off / MIB)) count=1 2>/dev/null
	if cmp "$VA_TMP/zero" "$VA_TMP/disc" >/dev/null 2>&1; then
		rep OK "blkdiscard 1 MiB of written data: it reads back as zeroes"
	else
		rep FAIL "blkdiscard 1 MiB of written data: it does not read back as zeroes"
	fi
}
discard_test
rm -f "$VA_TMP"/pat*

# ---- the read-only disk
if [ "$(cat "/sys/block/$RO/ro")" = 1 ]; then
	rep OK "ro disk: /sys/block/$RO/ro is 1"
else
	rep FAIL "ro disk: /sys/block/$RO/ro is $(cat "/sys/block/$RO/ro"), want 1"
fi
_sha=$(dd if="/dev/$RO" bs=$MIB 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ "$_sha" = "$ROSHA" ]; then
	rep OK "ro disk: read whole, it has the image's sha256"
else
	rep FAIL "ro disk: its sha256 is $_sha, want $ROSHA"
fi
if dd if=/dev/zero of="/dev/$RO" bs=4096 count=1 oflag=direct conv=notrunc 2>"$VA_TMP/ro.err"; then
	rep FAIL "ro disk: a write to /dev/$RO succeeded"
else
	rep OK "ro disk: a write to /dev/$RO fails ($(grep -v records "$VA_TMP/ro.err" | head -n 1))"
fi

# ---- a backing store that fills up: the error reaches the guest
echo "va-test: full" >/dev/kmsg
say "info full disk: writing 2 MiB to /dev/$FULL"
# dd's status 1 is the failure wanted; timeout's (143) is a stall.
timeout 180 dd if=/dev/urandom of="/dev/$FULL" bs=$MIB count=2 oflag=direct \
	conv=notrunc 2>"$VA_TMP/full.err"
_st=$?
if [ $_st = 1 ]; then
	rep OK "full disk: writing 2 MiB to /dev/$FULL fails ($(grep -v records "$VA_TMP/full.err" | head -n 1))"
else
	rep FAIL "full disk: writing 2 MiB to /dev/$FULL on a 512 KiB tmpfs: status $_st, want 1 (an I/O error)"
	dmesg | tail -n 15 | sed 's/^/VA-BLK: dmesg: /'
fi
_err=$(vt_since "va-test: full" | grep -a -E "I/O error.*$FULL|$FULL.*I/O error" | head -n 1)
if [ -n "$_err" ]; then
	rep OK "full disk: the kernel logs an I/O error: $(echo "$_err" | sed 's/^\[[ 0-9.]*\] *//')"
else
	rep FAIL "full disk: no I/O error for $FULL in the kernel log"
	vt_since "va-test: full" | tail -n 10 | sed 's/^/VA-BLK: dmesg: /'
fi
if dd if="/dev/$FULL" of=/dev/null bs=4096 count=1 iflag=direct 2>/dev/null; then
	rep OK "full disk: /dev/$FULL still reads after the error"
else
	rep FAIL "full disk: /dev/$FULL no longer reads after the error"
fi

# ---- the end: unbind, so the back-end logs its counters
if vt_rmmod 60; then
	rep OK "rmmod virtio_argo with three disks bound"
else
	rep FAIL "rmmod virtio_argo: $(cat "$VA_TMP/rmmod.out")"
fi
if _sp=$(vt_splat); then
	rep FAIL "no warning, BUG or oops in the guest"
	echo "$_sp" | sed 's/^/VA-BLK: dmesg: /'
else
	rep OK "no warning, BUG or oops in the guest"
fi
say "done rc=$rc"
exit $rc
