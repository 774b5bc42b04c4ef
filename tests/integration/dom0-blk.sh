#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2119 # argo_load takes optional module parameters
# virtio-blk over virtio-argo on real Xen, dom0 side. Run by
#   tests/integration/run-virtio.sh --script dom0-blk.sh \
#           --guest tests/integration/domu-blk.sh
# (scripts/check.sh blk). The back-end (tools/backend, blk model) runs in
# dom0 with three disks per guest:
#   rw    $BLK_DIR/rw-DOMID.img, 32 MiB, empty, serial va-rw-DOMID
#   ro    $BLK_DIR/ro.img, 1 MiB of random data, read-only, serial va-ro
#   full  $BLK_FULL/full-DOMID.img, 16 MiB sparse on a 512 KiB tmpfs
# A PVH guest (back-end found in the SSDT; I/O on worker threads) and a PV
# guest (virtio_argo.backends=; the back-end's default threads) run
# domu-blk.sh, which reports "VA-BLK: ..." lines on its console. After
# each guest is gone, dom0 checks the image: e2fsck -fn, the raw regions
# against the guest's hashes, and the back-end's counters (largest
# request, requests in flight, flushes, the ENOSPC it turned into IOERR).
# Environment: BLK_TESTS="pvh pv" (a subset to run only those).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

BLK_TESTS=${BLK_TESTS:-pvh pv}
FW=$VA/firmware
GUEST_I=$VA/guest/domu-virtio.img
BACKEND=$VA/bin/virtio-argo-backend
PARAM=$(sed -n 's/^virtio_argo\.backends=//p' "$FW/virtio-argo.cmdline")
B0=${PARAM%%,*}
B0_REST=${B0#*:}
B0_PORT=${B0_REST%%:*}
BLK_DIR=$VA_TMP/blk
BLK_FULL=$VA_TMP/blk-full
RW_MB=32
RW_SECTORS=$((RW_MB * 2048))
# As in domu-blk.sh.
REGION0=16
REGION_MB=1
NREGIONS=4

t_start=$(va_now)
dmesg -n 4 2>/dev/null

setup() {
	mkdir -p "$BLK_DIR" "$BLK_FULL"
	if ! mount -t tmpfs -o size=512k blkfull "$BLK_FULL"; then
		not_ok "setup: a 512 KiB tmpfs for the full disk"
		return 1
	fi
	dd if=/dev/urandom of="$BLK_DIR/ro.img" bs=1M count=1 2>/dev/null
	ROSHA=$(sha256sum <"$BLK_DIR/ro.img" | cut -d' ' -f1)
	if ! argo_loaded && ! argo_load; then
		not_ok "setup: xen-argo loads in dom0"
		return 1
	fi
	ok "setup: images in $BLK_DIR ($(df -T "$BLK_DIR" 2>/dev/null | awk 'NR == 2 { print $2 }')), 512 KiB tmpfs for the full disk, xen-argo loaded"
}

# be_start NAME THREADS_OPT: the back-end with the three disks.
be_start() {
	BE=$1
	bg_start "$BE" "$BACKEND" --port "$B0_PORT" \
		--device "blk,$BLK_DIR/rw-%d.img,serial=va-rw-%d$2" \
		--device "blk,$BLK_DIR/ro.img,ro,serial=va-ro" \
		--device "blk,$BLK_FULL/full-%d.img,serial=va-full,threads=2"
	wait_line "$VA_TMP/$BE.out" 'instance 0x' 10
}

be_stop() {
	_pid=$(cat "$VA_TMP/$BE.pid")
	kill -TERM "$_pid" 2>/dev/null
	_end=$(($(va_now) + 10))
	while pid_running "$_pid" && [ "$(va_now)" -lt "$_end" ]; do
		sleep 0.1
	done
	kill -9 "$_pid" 2>/dev/null
	wait "$_pid" 2>/dev/null
}

# be_counter FILE DOMID FIELD: a number from the rw disk's counters line.
be_counter() {
	grep -a "rw-$2.img: .* in flight" "$1" | tail -n 1 | case $3 in
	largest_write) sed -n 's/.* writes ([0-9]* bytes, largest \([0-9]*\)).*/\1/p' ;;
	flushes) sed -n 's/.*, \([0-9]*\) flushes,.*/\1/p' ;;
	in_flight) sed -n 's/.*at most \([0-9]*\) in flight.*/\1/p' ;;
	esac
}

# t_guest pvh|pv
t_guest() {
	gt=$1 gn=blk-$1 gt0=$(va_now)
	# The PVH guest's rw disk on worker threads; the PV guest's with the
	# default (inline if dom0's $VA_TMP is in memory).
	threads=
	[ "$gt" != pvh ] || threads=,threads=4
	if ! be_start "be-$gt" "$threads"; then
		not_ok "$gt: the back-end starts"
		show_out "be-$gt"
		return
	fi
	cmd="va.bsize=$RW_SECTORS va.rosha=$ROSHA"
	[ "$gt" = pvh ] || cmd="$cmd virtio_argo.backends=$PARAM"
	DOMU_VCPUS=2
	export DOMU_VCPUS
	# shellcheck disable=SC2086,SC2153 # $cmd: words; GUEST_K: lib.sh
	if ! domu_start_paused "$gn" "$gt" "$GUEST_K" "$GUEST_I" $cmd; then
		not_ok "$gt: xl create"
		be_stop
		return
	fi
	domid=$(domu_domid "$gn")
	# Named for the guest's domid, as the back-end's %d expands.
	rm -f "$BLK_DIR/rw-$domid.img" "$BLK_FULL/full-$domid.img"
	truncate -s ${RW_MB}M "$BLK_DIR/rw-$domid.img"
	truncate -s 16M "$BLK_FULL/full-$domid.img"
	xl unpause "$gn"
	diag "$gt domU: domid $domid, command line extra: $cmd"
	lf=$(domu_logfile "$gn")
	# A PVH guest under TCG on a loaded host took up to ~9 minutes.
	if ! domu_wait_line "$gn" 'VA-BLK: done|VA-DOMU-DONE' 900 ||
		! grep -a -q 'VA-BLK: done' "$lf"; then
		not_ok "$gt domU: domu-blk.sh ran to the end"
		domu_log "$gn" | tr -d '\r' | tail -n 40 | diag
		diag "back-end log (end):"
		show_out "be-$gt" 30
	else
		ok "$gt domU: domu-blk.sh ran to the end ($(($(va_now) - gt0)) s)"
	fi
	bad=0
	tr -d '\r' <"$lf" | sed -n 's/^VA-BLK: //p' >"$VA_TMP/blk-$gt.txt"
	while IFS= read -r l; do
		case $l in
		"ok "*) ok "$gt domU: ${l#ok }" ;;
		"not ok "*) not_ok "$gt domU: ${l#not ok }"; bad=1 ;;
		"info "*) diag "$gt domU: $l" ;;
		"dmesg: "*) diag "$gt domU: $l" ;;
		esac
	done <"$VA_TMP/blk-$gt.txt"
	rw=$(sed -n 's/^rw //p' "$VA_TMP/blk-$gt.txt")
	# shellcheck disable=SC2086 # "DEV SERIAL SECTORS"
	set -- $rw
	check "$gt domU: the rw disk's serial is va-rw-$domid (GET_ID; got ${2:-nothing})" \
		[ "${2:-}" = "va-rw-$domid" ]
	if ! domu_wait_gone "$gn" 60; then
		diag "$gt domU: still running after 60 s: destroyed"
		domu_destroy "$gn"
	fi
	[ $bad = 0 ] || show_out "be-$gt" 30

	# The image, now that the guest is gone.
	img=$BLK_DIR/rw-$domid.img
	if e2fsck -fn "$img" >"$VA_TMP/fsck-$gt.out" 2>&1; then
		ok "$gt: e2fsck -fn on the image in dom0 is clean"
	else
		not_ok "$gt: e2fsck -fn on the image in dom0 is clean"
		tail -n 15 "$VA_TMP/fsck-$gt.out" | diag
	fi
	i=0 diff=
	while [ $i -lt $NREGIONS ]; do
		want=$(sed -n "s/^region $i //p" "$VA_TMP/blk-$gt.txt")
		got=$(dd if="$img" bs=1M skip=$((REGION0 + i * REGION_MB)) count=$REGION_MB 2>/dev/null |
			sha256sum | cut -d' ' -f1)
		[ -n "$want" ] && [ "$want" = "$got" ] || diff="$diff $i"
		i=$((i + 1))
	done
	check "$gt: the $NREGIONS raw regions in the image have the sha256 the guest wrote${diff:+ (differ:$diff)}" \
		[ -z "$diff" ]

	# The back-end: alive, and its counters (logged when the guest's
	# virtio_argo said goodbye and the devices were destroyed).
	out=$VA_TMP/be-$gt.out
	wait_line "$out" "rw-$domid.img: .* in flight" 20
	if pid_running "$(cat "$VA_TMP/be-$gt.pid")"; then
		ok "$gt: the back-end is still running"
	else
		not_ok "$gt: the back-end is still running"
		show_out "be-$gt" 30
	fi
	diag "$gt: $(grep -a "rw-$domid.img: .* in flight" "$out" | tail -n 1)"
	lw=$(be_counter "$out" "$domid" largest_write)
	check "$gt: a request of >= 512 KiB reached the back-end (largest write ${lw:-?} bytes)" \
		[ "${lw:-0}" -ge 524288 ]
	fl=$(be_counter "$out" "$domid" flushes)
	check "$gt: flushes reached the back-end (${fl:-?})" [ "${fl:-0}" -ge 1 ]
	if [ "$gt" = pvh ]; then
		inf=$(be_counter "$out" "$domid" in_flight)
		check "$gt: several requests in flight at once on the worker threads (at most ${inf:-?})" \
			[ "${inf:-0}" -ge 2 ]
	fi
	if grep -a -q "full-$domid.img: .*No space left on device -> IOERR" "$out"; then
		ok "$gt: the back-end logged the ENOSPC it answered with IOERR"
	else
		not_ok "$gt: the back-end logged the ENOSPC it answered with IOERR"
		show_out "be-$gt" 20
	fi
	be_stop
	rm -f "$img" "$BLK_FULL/full-$domid.img"
	diag "$gt test took $(($(va_now) - gt0)) s"
}

if setup; then
	in_list pvh "$BLK_TESTS" && t_guest pvh
	in_list pv "$BLK_TESTS" && t_guest pv
fi
if dmesg | grep -a -q -E -- "$VT_SPLAT"; then
	not_ok "final: no warning, BUG or oops in dom0's log"
	dmesg | grep -a -A5 -E -- "$VT_SPLAT" | head -n 30 | diag
else
	ok "final: no warning, BUG or oops in dom0's log"
fi
diag "dom0-blk.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
