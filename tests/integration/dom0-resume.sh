#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Back-end restart during block I/O, and the smallest rings under full
# load, on real Xen: dom0's side. Run by
#   tests/integration/run-virtio.sh --script dom0-resume.sh \
#       --guest tests/integration/domu-resume.sh
# which puts the firmware tables, modules, back-end and the guest's kernel
# and initramfs (with the SSDT) in /opt/va. Prints TAP.
#
# 1. A PVH guest (one vCPU) finds the back-end in its SSDT (dom0 port
#    30000), makes an ext2 file system on the virtio disk "main" and writes
#    80 files of 256 KiB, fsync()ing each (several requests in flight), while
#    dom0 kills the back-end (SIGKILL) and starts it again 3 s later. The
#    guest's transport must take its disk over on the new connection and
#    send again what was in flight: every write the guest saw acknowledged
#    is in the image (checked by the guest after a remount and by dom0
#    after the guest is gone), no request fails or completes twice, and
#    e2fsck finds the file system clean.
# 2. The same guest then loads the transport for a second back-end (port
#    30001) whose rings on both sides are 4128 bytes, the smallest legal
#    (4096 bytes of payload per message): O_DIRECT 512 KiB requests, four
#    at once, and a file system, all checked byte for byte.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

PATH=$VA/bin:$PATH
GUEST_I=$VA/guest/domu-virtio.img
BACKEND=$VA/bin/virtio-argo-backend
NAME=resume
MAIN_IMG=$VA_TMP/main.img
SMALL_IMG=$VA_TMP/small.img
SMALL_RING=4128
MAIN_PORT=30000
SMALL_PORT=30001

dmesg -n 4 2>/dev/null
t0=$(va_now)

# be_start NAME PORT ARGS...: a back-end, its log at $VA_TMP/NAME.out.
be_start() {
	_bn=$1
	shift
	bg_start "$_bn" "$BACKEND" "$@"
	wait_line "$VA_TMP/$_bn.out" 'instance 0x' 10
}
be_kill() { # be_kill NAME SIGNAL
	_bp=$(cat "$VA_TMP/$1.pid")
	kill "-$2" "$_bp" 2>/dev/null
	wait "$_bp" 2>/dev/null
}
glines() { # the guest's "VA-RESUME: " lines, without the prefix
	tr -d '\r' <"$(domu_logfile "$NAME")" | sed -n 's/^VA-RESUME: //p'
}
finish() {
	domu_destroy "$NAME"
	for _b in main1 main2 small; do
		[ -f "$VA_TMP/$_b.pid" ] && kill "$(cat "$VA_TMP/$_b.pid")" 2>/dev/null
	done
	tap_summary
	diag "dom0-resume.sh took $(($(va_now) - t0)) s"
	tap_done
	exit $?
}

if ! argo_load; then
	not_ok "insmod xen-argo.ko"
	finish
fi
truncate -s 96M "$MAIN_IMG"
truncate -s 32M "$SMALL_IMG"
if be_start main1 --port $MAIN_PORT --device "blk,$MAIN_IMG,serial=main" &&
	be_start small --port $SMALL_PORT --ring-len $SMALL_RING \
		--device "blk,$SMALL_IMG,serial=small"; then
	ok "two back-ends in dom0: port $MAIN_PORT (disk \"main\", 96 MiB) and port $SMALL_PORT (disk \"small\", 32 MiB, ring $SMALL_RING)"
else
	not_ok "the back-ends start"
	show_out main1
	show_out small
	finish
fi

DOMU_VCPUS=1
export DOMU_VCPUS
# shellcheck disable=SC2153 # GUEST_K: lib.sh
if ! domu_start "$NAME" pvh "$GUEST_K" "$GUEST_I" "va.small=0:$SMALL_PORT:$SMALL_RING"; then
	not_ok "xl create (PVH guest)"
	finish
fi
diag "PVH guest: domid $(domu_domid "$NAME")"

# ---- 1. the restart, while the guest writes
if domu_wait_line "$NAME" 'VA-RESUME: (io running|done)' 600 &&
	glines | grep -q '^io running$'; then
	sleep 1
	be_kill main1 KILL
	ok "back-end killed (SIGKILL) while the guest writes ($(glines | grep -c '^ack ') files acknowledged so far)"
	sleep 3
	if be_start main2 --port $MAIN_PORT --device "blk,$MAIN_IMG,serial=main"; then
		ok "back-end started again 3 s later"
	else
		not_ok "back-end started again"
		show_out main2
	fi
else
	not_ok "the guest started writing"
fi

# Show the guest's progress lines while waiting.
_seen=0
_end=$(($(va_now) + 600))
while ! glines | grep -q -E '^(small ready|done)$' && [ "$(va_now)" -lt "$_end" ]; do
	sleep 5
	glines | grep '^progress: ' >"$VA_TMP/progress"
	_n=$(wc -l <"$VA_TMP/progress")
	[ "$_n" -le "$_seen" ] || sed -n "$((_seen + 1)),${_n}p" "$VA_TMP/progress" | diag
	_seen=$_n
done
if ! domu_wait_line "$NAME" 'VA-RESUME: (small ready|done)' 1; then
	not_ok "the guest finished its writes within 600 s"
	domu_log "$NAME" | tr -d '\r' | tail -n 30 | diag
fi

# ---- 2. the small rings (the guest goes on by itself)
if ! domu_wait_line "$NAME" 'VA-RESUME: done' 600; then
	not_ok "the guest finished within 600 s"
	domu_log "$NAME" | tr -d '\r' | tail -n 30 | diag
fi
domu_destroy "$NAME"
domu_wait_gone "$NAME" 30

# The guest's own checks, in order.
glines >"$VA_TMP/guest.txt"
while IFS= read -r _l; do
	case $_l in
	"ok "*) ok "guest: ${_l#ok }" ;;
	"not ok "*) not_ok "guest: ${_l#not ok }" ;;
	"dmesg: "*) diag "guest $_l" ;;
	esac
done <"$VA_TMP/guest.txt"
nerr=$(grep -c '^write error ' "$VA_TMP/guest.txt")
check "no write failed in the guest ($nerr)" [ "$nerr" = 0 ]

# Every acknowledged file, from dom0, in the image the back-ends wrote.
_acks=$VA_TMP/acks
sed -n 's/^ack \([^ ]*\) \([0-9a-f]*\)$/\2  \/mnt\/\1/p' "$VA_TMP/guest.txt" >"$_acks"
_na=$(grep -c . "$_acks")
if e2fsck -fn "$MAIN_IMG" >"$VA_TMP/fsck.out" 2>&1; then
	ok "e2fsck -fn on the image after the guest is gone: clean ($(tail -n 1 "$VA_TMP/fsck.out"))"
else
	not_ok "e2fsck -fn on the image after the guest is gone"
	tail -n 20 "$VA_TMP/fsck.out" | diag
fi
mkdir -p /mnt
modprobe -a loop ext4 2>/dev/null
if [ "$_na" -gt 0 ] && mount -o loop,ro -t ext2 "$MAIN_IMG" /mnt 2>"$VA_TMP/mount.err"; then
	_bad=$(sha256sum -c "$_acks" 2>/dev/null | grep -c -v ': OK$')
	umount /mnt
	check "all $_na acknowledged files are in the image, checksums as the guest saw them ($_bad differ)" \
		[ "$_bad" = 0 -a "$_na" = 80 ]
else
	not_ok "mount the image in dom0 to check the $_na acknowledged files"
	diag "$(cat "$VA_TMP/mount.err")"
fi
diag "the restarted back-end's log:"
show_out main2 10
finish
