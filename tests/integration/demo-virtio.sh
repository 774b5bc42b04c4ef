#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# make demo, dom0 side: a PVH guest uses four virtio devices served from
# dom0 (entropy, console, disk, network), through Argo only, with the stock
# Linux virtio drivers. Narrated for a Xen
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
DISK_IMG=/tmp/demo-disk.img
TAP=vademo0
HOST_IP=10.99.0.1
GUEST_IP=10.99.0.2
NET_MB=2
BE_PID=
PTY_CAT=
NC_PID=

dmesg -n 4 2>/dev/null
t0=$(va_now)

say() { echo "demo: $*"; }
indent() { sed 's/^/demo:     /'; }
cleanup() {
	[ -z "$PTY_CAT" ] || kill "$PTY_CAT" 2>/dev/null
	[ -z "$NC_PID" ] || kill "$NC_PID" 2>/dev/null
	domu_destroy "$NAME"
	[ -z "$BE_PID" ] || kill "$BE_PID" 2>/dev/null
	ip link del "$TAP" 2>/dev/null
	rm -f "$DISK_IMG"
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
	_end=$(($(va_now) + $2))
	# The whole line: one step's name may begin another's.
	until tr -d '\r' <"$(domu_logfile "$NAME")" 2>/dev/null |
		grep -a -q -E "^VA-DEMO-AT: ($1|failed)\$"; do
		[ "$(va_now)" -lt "$_end" ] || break
		sleep 0.5
	done
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

# gval KEY: the value of the guest's "VA-DEMO-VAL: KEY VALUE" line.
gval() {
	tr -d '\r' <"$(domu_logfile "$NAME")" | sed -n "s/^VA-DEMO-VAL: $1 //p" | head -n 1
}

# wait_pid PID SECS: PID's exit status; 124 (and killed) after SECS.
wait_pid() {
	_end=$(($(va_now) + $2))
	while pid_running "$1"; do
		if [ "$(va_now)" -ge "$_end" ]; then
			kill "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 124
		fi
		sleep 0.2
	done
	wait "$1"
}

# sha FILE: its sha256.
sha() { sha256sum <"$1" | cut -d' ' -f1; }

# ----------------------------------------------------------------------
say "Xen $(xl info | sed -n 's/^xen_version *: //p') is up, booted with:" \
	"$(xl info | sed -n 's/^xen_commandline *: //p')"
say "argo=1 turns Argo on: Xen copies messages between domains' rings; no"
say "memory is shared. This demo gives a PVH guest four virtio devices that"
say "live in dom0: an entropy source, a console, a disk and a network card,"
say "used by the guest's unmodified Linux virtio drivers, with Argo carrying"
say "every byte."
say ""
say "1. dom0 loads xen-argo.ko, the Argo driver (/dev/argo for user space):"
if ! argo_load; then
	dmesg | tail -n 5 | indent
	fail "insmod xen-argo.ko"
fi
dmesg | grep -a 'xen_argo:' | grep -a -v taint | tail -n 1 | sed 's/^\[[^]]*\] *//' | indent
say ""
say "2. dom0 makes what the disk and the network card stand on: an empty"
say "   64 MiB disk image in tmpfs, and a tap, routed (dom0's end $HOST_IP/24):"
say "dom0# truncate -s 64M $DISK_IMG"
rm -f "$DISK_IMG"
truncate -s 64M "$DISK_IMG" || fail "truncate -s 64M $DISK_IMG"
say "dom0# ip tuntap add dev $TAP mode tap vnet_hdr; ip addr add $HOST_IP/24 dev $TAP; ip link set $TAP up"
modprobe tun 2>/dev/null
if ! ip tuntap add dev $TAP mode tap vnet_hdr 2>"$VA_TMP/ip.err" ||
	! ip addr add $HOST_IP/24 dev $TAP 2>>"$VA_TMP/ip.err" ||
	! ip link set $TAP up 2>>"$VA_TMP/ip.err"; then
	indent <"$VA_TMP/ip.err"
	fail "the tap $TAP"
fi
say ""
say "3. dom0 starts the back-end, an ordinary user-space program. Each guest"
say "   that connects gets the four devices: the console's dom0 end is a pty"
say "   linked at /tmp/con-<guest domid>, the disk is the image, the network"
say "   card is the tap:"
DEVS="--device rng --device console,pty=/tmp/con-%d"
DEVS="$DEVS --device blk,$DISK_IMG,serial=demo-disk --device net,tap=$TAP"
say "dom0# virtio-argo-backend --port $PORT -v $DEVS 2>$BE_LOG &"
[ -x "$BACKEND" ] || fail "$BACKEND is missing"
# shellcheck disable=SC2086 # DEVS: words
"$BACKEND" --port "$PORT" -v $DEVS 2>"$BE_LOG" &
BE_PID=$!
wait_line "$BE_LOG" 'device 3: ' 10 || fail "the back-end did not start"
sleep 0.5
be_log_new
say ""
say "4. How does the guest find its back-end? Like any other platform device:"
say "   from its ACPI tables. scripts/mk-firmware.sh wrote this SSDT, which is"
say "   put into the guest's initramfs (Linux's ACPI table upgrade installs it):"
sed -n '/Device (VA00)/,/^        }/p' "$FW/virtio-argo.asl" | indent
say ""
say "5. xl creates a PVH guest: 256 MiB, one vCPU, no disk, no network, no PV"
say "   devices. Its initramfs has Debian's kernel modules, xen-argo.ko and"
say "   virtio_argo.ko (the virtio transport over Argo), and the SSDT."
DOMU_VCPUS=1
export DOMU_VCPUS
t1=$(va_now)
# shellcheck disable=SC2153 # GUEST_K: lib.sh
domu_start "$NAME" pvh "$GUEST_K" "$GUEST_I" va.netmb=$NET_MB 2>"$VA_TMP/create.err" ||
	{ indent <"$VA_TMP/create.err"; fail "xl create"; }
dom=$(domu_domid "$NAME")
domu_wait_line "$NAME" 'VA-DEMO-AT: (firmware|failed)' 400 2>/dev/null
say "   guest domid $dom is up after $(($(va_now) - t1)) s."
relay firmware 1
say ""
say "6. The guest loads the transport, then Debian's virtio drivers."
relay devices 120
say "   dom0's back-end log:"
be_log_new
say ""
say "7. Entropy: the guest reads /dev/hwrng. The back-end fills each buffer"
say "   with getrandom() in dom0 and sends the bytes back in an Argo message."
relay rng 60
say ""
say "8. The console: the guest writes a line to /dev/hvc1 (its virtio console;"
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
say "9. The disk: the guest makes a file system on it, writes a file, and"
say "   reads it back after a remount, with its caches dropped."
relay disk 300
want=$(gval disk-sha)
say "   dom0 checks the image the guest wrote, and reads the file out of it:"
say "dom0# e2fsck -fn $DISK_IMG; debugfs -R 'cat /demo.bin' $DISK_IMG | sha256sum"
e2fsck -fn "$DISK_IMG" >"$VA_TMP/fsck.out" 2>&1 || {
	tail -n 5 "$VA_TMP/fsck.out" | indent
	fail "e2fsck -fn $DISK_IMG found errors"
}
tail -n 1 "$VA_TMP/fsck.out" | indent
debugfs -R 'cat /demo.bin' "$DISK_IMG" 2>/dev/null >"$VA_TMP/demo.bin"
got=$(sha "$VA_TMP/demo.bin")
rm -f "$VA_TMP/demo.bin"
echo "$got  -" | indent
if [ -z "$want" ] || [ "$got" != "$want" ]; then
	fail "the file in dom0's image has sha256 $got; the guest wrote ${want:-nothing}"
fi
say "   The guest's sha256: the file's blocks are in dom0's image."
say ""
say "10. The network card: the guest brings it up and pings dom0."
relay net-up 180
say "dom0# ping -c 3 $GUEST_IP"
busybox ping -c 3 -W 5 $GUEST_IP >"$VA_TMP/ping.out" 2>&1 ||
	fail "ping $GUEST_IP from dom0: $(tail -n 2 "$VA_TMP/ping.out" | tr '\n' ' ')"
grep -a -E 'packets|round-trip' "$VA_TMP/ping.out" | indent
say "    $NET_MB MiB each way over TCP (busybox nc), sha256 compared at both"
say "    ends. dom0 listens, and tells the guest to send over the console:"
say "dom0# nc -l -p 5001 >from-guest.bin & echo send >$link"
rm -f "$VA_TMP/hold"
mkfifo "$VA_TMP/hold"
# nc's stdin: a FIFO nobody writes (held open), so that nc does not shut
# its sending side down first; it stops when the guest's side does.
exec 7<>"$VA_TMP/hold"
timeout 600 busybox nc -l -p 5001 <"$VA_TMP/hold" >"$VA_TMP/from-guest.bin" \
	2>"$VA_TMP/nc.err" &
NC_PID=$!
sleep 0.5
echo send >"$link"
relay g2d-sent 300
wait_pid "$NC_PID" 60 || fail "dom0's nc -l -p 5001 did not end well: $(cat "$VA_TMP/nc.err")"
NC_PID=
got=$(sha "$VA_TMP/from-guest.bin")
want=$(gval g2d-sha)
say "dom0# sha256sum from-guest.bin"
echo "$got  from-guest.bin ($(wc -c <"$VA_TMP/from-guest.bin") bytes)" | indent
if [ -z "$want" ] || [ "$got" != "$want" ]; then
	fail "dom0 received a file with sha256 $got; the guest sent ${want:-nothing}"
fi
say "    The sha256 the guest sent. Now dom0 to the guest:"
rm -f "$VA_TMP/from-guest.bin"
head -c $((NET_MB << 20)) /dev/urandom >"$VA_TMP/to-guest.bin"
want=$(sha "$VA_TMP/to-guest.bin")
relay d2g-listening 60
say "dom0# nc $GUEST_IP 5002 <to-guest.bin      (sha256 $want)"
t2=$(va_now)
timeout 300 busybox nc $GUEST_IP 5002 <"$VA_TMP/to-guest.bin" >/dev/null 2>"$VA_TMP/nc.err" ||
	fail "dom0's nc $GUEST_IP 5002: status $? $(cat "$VA_TMP/nc.err")"
say "    sent in about $(($(va_now) - t2)) s"
rm -f "$VA_TMP/to-guest.bin"
relay d2g-done 120
got=$(gval d2g-sha)
[ "$got" = "$want" ] || fail "the guest received a file with sha256 ${got:-?}; dom0 sent $want"
say "    Equal at both ends."
say ""
say "11. What crossed the domain boundary: Argo messages, nothing else. Each"
say "    one is a sendv hypercall: Xen copies the bytes from the sender's"
say "    buffer into a ring the receiver registered in its own memory. A disk"
say "    write or a sent packet travels inside the guest's message that"
say "    carries its descriptor chain; a disk read or a received packet comes"
say "    back inside the back-end's completion, which the guest's transport"
say "    copies into the driver's buffer. In the guest, virtio_argo's counters:"
relay stats 60
say "    In dom0, a moment later, the back-end's Argo ring"
say "    (/sys/kernel/debug/xen-argo/rings):"
awk -v p="$(printf '%#x' "$PORT")" '$1 == p {
	printf "port %s (%d), %d bytes: received %d messages (%d bytes), sent %d (%d bytes), %d sends retried\n",
		$1, p, $3, $4, $5, $7, $8, $9 }' /sys/kernel/debug/xen-argo/rings | indent
say "    and all of dom0's Argo use (/sys/kernel/debug/xen-argo/stats):"
awk '{ printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2 } END { print "" }' \
	/sys/kernel/debug/xen-argo/stats | indent
say ""
say "12. No page was shared for the devices. A back-end reaches guest memory"
say "    through a grant the guest gives (mapped with /dev/xen/gntdev) or, in"
say "    dom0, by mapping guest pages outright with /dev/xen/privcmd. Xen's"
say "    dump of the grants in use (dom0# xl debug-keys g; xl dmesg), guest d$dom:"
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
		say "    ref ${ref%\]} is the guest's console ring, which xenconsoled maps (frame"
		say "    $gfn = $con_gfn, the guest's console/ring-ref in xenstore)."
	else
		others=$((others + 1))
	fi
done <"$VA_TMP/gnttab.guest"
[ "$others" = 0 ] ||
	fail "the guest has $others grant(s) in use besides its console ring"
say "    The toolstack sets that ring up for every guest (and the xenstore"
say "    ring, which xenstored maps with privcmd, without a grant). No grant"
say "    is in use for the virtio devices: their virtqueues use a DMA device"
say "    of the transport whose mapping is the identity (virtio_argo_dma.c),"
say "    so descriptors hold the guest's own addresses, never grant"
say "    references, and only the guest's transport reads them, to copy the"
say "    bytes into Argo messages."
for f in /proc/"$BE_PID"/fd/*; do readlink "$f"; done >"$VA_TMP/be.fds"
fds=$(sed 's/:\[[0-9]*\]$//' "$VA_TMP/be.fds" | sort | uniq -c |
	awk '{ printf "%s%s%s", (NR > 1 ? ", " : ""), $2, ($1 > 1 ? " x" $1 : "") }')
say "    The back-end could not map guest memory anyway. Its open files:"
say "      $fds"
if grep -q -E '^/dev/xen/(gntdev|gntalloc|privcmd)' "$VA_TMP/be.fds" ||
	grep -q '/dev/xen/' /proc/"$BE_PID"/maps; then
	fail "the back-end has a /dev/xen/ device open or mapped"
fi
say "    No /dev/xen/gntdev, gntalloc or privcmd: all it can do is Argo."
say ""
say "13. dom0 says bye on the console; the guest unloads the transport and"
say "    powers off."
say "dom0# echo bye >$link"
echo bye >"$link"
relay end 90
kill "$PTY_CAT" 2>/dev/null
PTY_CAT=
domu_wait_gone "$NAME" 60 2>/dev/null || domu_destroy "$NAME"
sleep 0.5
say "    dom0's back-end log (each device's counters when the guest left):"
be_log_new
kill "$BE_PID" 2>/dev/null
wait "$BE_PID" 2>/dev/null
BE_PID=
ip link del "$TAP" 2>/dev/null
rm -f "$DISK_IMG"
if dmesg | grep -a -q -E 'WARNING:|BUG:|Oops'; then
	dmesg | grep -a -A3 -E 'WARNING:|BUG:|Oops' | head -n 10 | indent
	fail "dom0's kernel log has a warning, BUG or oops"
fi
say ""
say "The guest used a virtio entropy source, console, disk and network card"
say "in dom0 through Argo alone, with stock drivers; no page shared, no grant"
say "used for them. See README.md and Documentation/virtio/."
say "(The story took $(($(va_now) - t0)) s in dom0.)"
