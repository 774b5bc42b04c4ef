#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make demo, dom0 side: a PVH guest uses virtio devices served from dom0,
# through Argo only, with the stock Linux virtio drivers. Narrated for a Xen
# user: every line meant for the reader starts with "demo: " (scripts/demo.sh
# shows only those). Run by tests/integration/run-virtio.sh --script
# demo-virtio.sh --guest tests/integration/demo-virtio-guest.sh, which puts
# the firmware tables, the modules, the back-end and the guest's kernel and
# initramfs (with the SSDT) in /opt/va. The guest's side of the story is
# demo-virtio-guest.sh: its "VA-DEMO: " console lines are shown here as
# "guest: " lines, its "VA-DEMO-AT: STEP" lines pace the story.
# Exit status 0 when the whole story happened as told.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

PATH=$VA/bin:$PATH
FW=$VA/firmware
GUEST_I=$VA/guest/domu-virtio.img
BACKEND=$VA/bin/virtio-argo-backend
BE_LOG=/tmp/virtio-argo-backend.log
NAME=demo
PORT=$(sed -n 's/^virtio_argo\.backends=[0-9]*:\([0-9]*\).*/\1/p' "$FW/virtio-argo.cmdline")
BE_PID=
PTY_CAT=

dmesg -n 4 2>/dev/null
t0=$(va_now)

say() { echo "demo: $*"; }
indent() { sed 's/^/demo:     /'; }
cleanup() {
	[ -z "$PTY_CAT" ] || kill "$PTY_CAT" 2>/dev/null
	domu_destroy "$NAME"
	[ -z "$BE_PID" ] || kill "$BE_PID" 2>/dev/null
}
fail() {
	say ""
	say "FAILED: $*"
	if [ -n "$BE_PID" ]; then
		say "the back-end's log ($BE_LOG), last lines:"
		tail -n 10 "$BE_LOG" | indent
	fi
	cleanup
	exit 1
}

# relay STEP SECS: wait until the guest reaches STEP, show its story lines
# since the last relay; fail if it fails or does not get there in time.
GSEEN=0
relay() {
	domu_wait_line "$NAME" "VA-DEMO-AT: ($1|failed)" "$2" 2>/dev/null
	tr -d '\r' <"$(domu_logfile "$NAME")" | grep -a -E '^VA-DEMO(-AT)?: ' >"$VA_TMP/guest.story"
	_n=$(grep -n -E "^VA-DEMO-AT: ($1|failed)\$" "$VA_TMP/guest.story" | head -n 1 | cut -d: -f1)
	[ -n "$_n" ] || _n=$(wc -l <"$VA_TMP/guest.story")
	sed -n "$((GSEEN + 1)),${_n}p" "$VA_TMP/guest.story" |
		sed -n -e 's/^VA-DEMO: # /demo:   guest# /p' -e 's/^VA-DEMO: /demo:   guest: /p'
	GSEEN=$_n
	sed -n "${_n}p" "$VA_TMP/guest.story" | grep -q "^VA-DEMO-AT: $1\$" && return 0
	if ! grep -q '^VA-DEMO-AT: failed' "$VA_TMP/guest.story"; then
		say "the guest did not get to \"$1\" within $2 s; its console, last lines:"
		domu_log "$NAME" | tr -d '\r' | tail -n 20 | indent
	fi
	fail "in the guest (step \"$1\")"
}

BSEEN=0
# be_log_new: the back-end's log lines since the last call, without the
# virtio status and reset lines.
be_log_new() {
	_n=$(wc -l <"$BE_LOG")
	sed -n "$((BSEEN + 1)),${_n}p" "$BE_LOG" |
		grep -v -E ': (status 0x[0-9a-f]+|reset)$' | indent
	BSEEN=$_n
}

# ----------------------------------------------------------------------
say "Xen $(xl info | sed -n 's/^xen_version *: //p') is up, booted with:" \
	"$(xl info | sed -n 's/^xen_commandline *: //p')"
say "argo=1 turns Argo on: Xen copies messages between domains' rings; no"
say "memory is shared. This demo gives a PVH guest two virtio devices that"
say "live in dom0, an entropy source and a console, used by the guest's"
say "unmodified Linux virtio drivers, with Argo carrying every byte."
say ""
say "1. dom0 loads xen-argo.ko, the Argo driver (/dev/argo for user space):"
if ! argo_load; then
	dmesg | tail -n 5 | indent
	fail "insmod xen-argo.ko"
fi
dmesg | grep -a 'xen_argo:' | grep -a -v taint | tail -n 1 | sed 's/^\[[^]]*\] *//' | indent
say ""
say "2. dom0 starts the back-end, an ordinary user-space program. Each guest"
say "   that connects gets a virtio-rng and a virtio-console device; the"
say "   console's dom0 end is a pty, linked at /tmp/con-<guest domid>:"
say "dom0# virtio-argo-backend --port $PORT -v --device rng --device console,pty=/tmp/con-%d 2>$BE_LOG &"
[ -x "$BACKEND" ] || fail "$BACKEND is missing"
"$BACKEND" --port "$PORT" -v --device rng --device 'console,pty=/tmp/con-%d' 2>"$BE_LOG" &
BE_PID=$!
wait_line "$BE_LOG" 'instance 0x' 10 || fail "the back-end did not start"
sleep 0.5
be_log_new
say ""
say "3. How does the guest find its back-end? Like any other platform device:"
say "   from its ACPI tables. scripts/mk-firmware.sh wrote this SSDT, which is"
say "   put into the guest's initramfs (Linux's ACPI table upgrade installs it):"
sed -n '/Device (VA00)/,/^        }/p' "$FW/virtio-argo.asl" | indent
say ""
say "4. xl creates a PVH guest: 256 MiB, one vCPU, no disk, no network, no PV"
say "   devices. Its initramfs has Debian's kernel modules, xen-argo.ko and"
say "   virtio_argo.ko (the virtio transport over Argo), and the SSDT."
DOMU_VCPUS=1
export DOMU_VCPUS
t1=$(va_now)
# shellcheck disable=SC2153 # GUEST_K: lib.sh
domu_start "$NAME" pvh "$GUEST_K" "$GUEST_I" 2>"$VA_TMP/create.err" ||
	{ indent <"$VA_TMP/create.err"; fail "xl create"; }
dom=$(domu_domid "$NAME")
domu_wait_line "$NAME" 'VA-DEMO-AT: (firmware|failed)' 240 2>/dev/null
say "   guest domid $dom is up after $(($(va_now) - t1)) s."
relay firmware 1
say ""
say "5. The guest loads the transport, then Debian's virtio-rng driver."
relay devices 120
say "   dom0's back-end log:"
be_log_new
say ""
say "6. Entropy: the guest reads /dev/hwrng. The back-end fills each buffer"
say "   with getrandom() in dom0 and sends the bytes back in an Argo message."
relay rng 60
say ""
say "7. The console: the guest writes a line to /dev/hvc1 (its virtio console;"
say "   hvc0 is Xen's own console) and dom0 reads it from the back-end's pty."
relay console-sent 60
link=/tmp/con-$dom
[ -e "$link" ] || fail "the back-end's pty link $link does not exist"
say "dom0# stty -F $link raw -echo; cat $link        ($link -> $(readlink "$link"))"
stty -F "$link" raw -echo 2>/dev/null
cat "$link" >"$VA_TMP/pty.out" 2>&1 &
PTY_CAT=$!
wait_line "$VA_TMP/pty.out" 'hello dom0' 30 ||
	fail "the guest's line did not arrive on $link ($(head -c 100 "$VA_TMP/pty.out"))"
grep -a 'hello dom0' "$VA_TMP/pty.out" | tr -d '\r' | indent
say "   Now a line typed on dom0's side goes the other way:"
say "dom0# echo \"hello guest, this is dom0\" >$link"
echo "hello guest, this is dom0" >"$link"
relay console-received 90
say ""
say "8. What crossed the domain boundary: Argo messages, nothing else. Each"
say "   one is a sendv hypercall: Xen copies the bytes from the sender's"
say "   buffer into a ring the receiver registered in its own memory."
say "   In the guest, virtio_argo's counters:"
relay stats 60
say "   In dom0, a moment later, the back-end's Argo ring"
say "   (/sys/kernel/debug/xen-argo/rings):"
awk -v p="$(printf '%#x' "$PORT")" '$1 == p {
	printf "port %s (%d), %d bytes: received %d messages (%d bytes), sent %d (%d bytes), %d sends retried\n",
		$1, p, $3, $4, $5, $7, $8, $9 }' /sys/kernel/debug/xen-argo/rings | indent
say "   and all of dom0's Argo use (/sys/kernel/debug/xen-argo/stats):"
awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }' \
	/sys/kernel/debug/xen-argo/stats | indent
say ""
say "9. No page was shared for the devices. A back-end reaches guest memory"
say "   through a grant the guest gives (mapped with /dev/xen/gntdev) or, in"
say "   dom0, by mapping guest pages outright with /dev/xen/privcmd. Xen's dump"
say "   of the grants in use (dom0# xl debug-keys g; xl dmesg), guest d$dom:"
xl dmesg -c >/dev/null 2>&1
xl debug-keys g
sleep 1
xl dmesg >"$VA_TMP/gnttab.txt" 2>&1
sed 's/^(XEN) //' "$VA_TMP/gnttab.txt" | awk -v d="d$dom" '
	/^grant-table for remote / { on = ($4 == d); next }
	/gnttab_usage_print_all \] done/ { on = 0 }
	on && /^ +[0-9]+ frames/ { next }
	on && /(-------- active|^\[ref\])/ { next }
	on' >"$VA_TMP/gnttab.guest"
grep -q "grant-table for remote d$dom " "$VA_TMP/gnttab.txt" ||
	fail "no grant-table dump for d$dom in xl dmesg"
awk '/^\[0x/ { printf "ref %s: granted to d%s (guest frame %s, flags %s), in use by d%s (pin %s)\n",
		substr($1, 2, length($1) - 2), $5, $6, $7, $2, $4; next } { print }' \
	"$VA_TMP/gnttab.guest" | indent
# The guest's console ring: its frame number is in xenstore.
con_gfn=$(xenstore-read "/local/domain/$dom/console/ring-ref" 2>/dev/null)
others=0
while read -r ref _ _ _ _ gfn _; do
	case $ref in
	\[0x*\]) ;;
	*) continue ;;
	esac
	if [ -n "$con_gfn" ] && [ $((gfn)) = "$con_gfn" ]; then
		ref=${ref#\[}
		say "   ref ${ref%\]} is the guest's console ring, which xenconsoled maps (frame"
		say "   $gfn = $con_gfn, the guest's console/ring-ref in xenstore)."
	else
		others=$((others + 1))
	fi
done <"$VA_TMP/gnttab.guest"
[ "$others" = 0 ] ||
	fail "the guest has $others grant(s) in use besides its console ring"
say "   The toolstack sets that ring up for every guest (and the xenstore"
say "   ring, which xenstored maps with privcmd, without a grant). No grant"
say "   is in use for the virtio devices: their virtqueues use a DMA device of"
say "   the transport whose mapping is the identity (virtio_argo_dma.c), so"
say "   descriptors hold the guest's own addresses, never grant references,"
say "   and only the guest's transport reads them, to copy the bytes into"
say "   Argo messages."
for f in /proc/"$BE_PID"/fd/*; do readlink "$f"; done >"$VA_TMP/be.fds"
fds=$(sed 's/:\[[0-9]*\]$//' "$VA_TMP/be.fds" | sort | uniq -c |
	awk '{ printf "%s%s%s", (NR > 1 ? ", " : ""), $2, ($1 > 1 ? " x" $1 : "") }')
say "   The back-end could not map guest memory anyway. Its open files:"
say "     $fds"
if grep -q -E '^/dev/xen/(gntdev|gntalloc|privcmd)' "$VA_TMP/be.fds" ||
	grep -q '/dev/xen/' /proc/"$BE_PID"/maps; then
	fail "the back-end has a /dev/xen/ device open or mapped"
fi
say "   No /dev/xen/gntdev, gntalloc or privcmd: all it can do is Argo."
say ""
say "10. dom0 says bye on the console; the guest unloads the transport and"
say "    powers off."
say "dom0# echo bye >$link"
echo bye >"$link"
relay end 90
kill "$PTY_CAT" 2>/dev/null
PTY_CAT=
domu_wait_gone "$NAME" 60 2>/dev/null || domu_destroy "$NAME"
sleep 0.5
say "    dom0's back-end log:"
be_log_new
kill "$BE_PID" 2>/dev/null
wait "$BE_PID" 2>/dev/null
BE_PID=
if dmesg | grep -a -q -E 'WARNING:|BUG:|Oops'; then
	dmesg | grep -a -A3 -E 'WARNING:|BUG:|Oops' | head -n 10 | indent
	fail "dom0's kernel log has a warning, BUG or oops"
fi
say ""
say "The guest used a virtio entropy source and a virtio console in dom0"
say "through Argo alone, with stock drivers; no page shared, no grant used"
say "for them. See README.md and Documentation/virtio/."
say "(The story took $(($(va_now) - t0)) s in dom0.)"
