#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The back-end's systemd unit on real Xen, dom0 side. Run by
#   tests/integration/run-virtio.sh --systemd --script dom0-systemd.sh \
#       --guest tests/integration/domu-systemd.sh
# (scripts/check.sh systemd). dom0's /init hands PID 1 to systemd
# (scripts/dom0-init.sh va_systemd) and this script runs as a service.
# The back-end, its unit and example are where `make install` puts them
# (/usr/local); xen-argo.ko is in modprobe's path but not loaded. Checks:
#   unit     systemd-analyze verify; a missing configuration fails the
#            start (AssertPathExists); a bad one: ExecStartPre loads
#            xen-argo, the back-end exits with status 2 and is not
#            restarted (RestartPreventExitStatus)
#   start    for a guest created paused, a configuration naming its
#            domid (a unicast ring, as in the how-to); systemctl start:
#            the back-end listens, runs
#            with the unit's sandbox (bounding set, no_new_privs,
#            seccomp, mount namespace)
#   guest    a PVH guest uses rng, console, blk (an image in /var/lib)
#            and net (a tap the back-end creates) through it
#   restart  SIGKILL: systemd starts it again (Restart=on-failure); the
#            guest connects to the new instance and uses every device
#   stop     systemctl stop: GOODBYE, inactive, not failed
#   enable   systemctl enable links it into multi-user.target
# dom0 has the SSDT too (QEMU -acpitable), so udev's coldplug loads
# virtio_argo there by its modalias: checked, and harmless, since the
# back-end's ring is for the guest alone.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

GUEST_I=$VA/guest/domu-virtio.img
PARAM=$(sed -n 's/^virtio_argo\.backends=//p' "$VA/firmware/virtio-argo.cmdline")
B0=${PARAM%%,*}
B0_REST=${B0#*:}
PORT=${B0_REST%%:*}
NAME=sd
UNIT=virtio-argo-backend@$NAME.service
CONF=/etc/virtio-argo/$NAME.conf
RUNDIR=/run/virtio-argo/$NAME
IMG_DIR=/var/lib/virtio-argo
HOST_IP=10.99.0.1
GUEST_IP=10.99.0.2
GUEST=sd
MIB=1048576

t_start=$(va_now)
dmesg -n 4 2>/dev/null

# prop UNIT PROPERTY: systemctl show's value.
prop() {
	systemctl show -P "$2" "$1" 2>/dev/null
}

# journal UNIT: what the unit's processes logged in this boot.
journal() {
	journalctl -b -q -o cat -u "$1" 2>/dev/null
}

show_journal() {
	journal "$1" | tail -n "${2:-15}" | diag
}

# wait_prop UNIT PROPERTY ERE SECS
wait_prop() {
	_end=$(($(va_now) + $4))
	until prop "$1" "$2" | grep -q -E -- "$3"; do
		[ "$(va_now)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# wait_journal UNIT ERE SECS
wait_journal() {
	_end=$(($(va_now) + $3))
	until journal "$1" | grep -a -q -E -- "$2"; do
		[ "$(va_now)" -lt "$_end" ] || return 1
		sleep 0.2
	done
}

# gline REGEX: the rest of the guest's first "VA-SD: REGEX" line.
gline() {
	tr -d '\r' <"$(domu_logfile $GUEST)" | sed -n "s/^VA-SD: $1//p" | head -n 1
}

# tap_up DOMID: the back-end makes vasd<DOMID> when the guest connects;
# give it dom0's address.
tap_up() {
	_tap=vasd$1
	_end=$(($(va_now) + 240))
	until ip link show "$_tap" >/dev/null 2>&1; do
		[ "$(va_now)" -lt "$_end" ] || break
		sleep 0.2
	done
	ip addr add $HOST_IP/24 dev "$_tap" 2>"$VA_TMP/ip.err" &&
		ip link show "$_tap" | grep -q '[<,]UP[,>]'
}

t_env() {
	check "systemd is PID 1 ($(systemctl --version | head -n 1))" \
		[ "$(cat /proc/1/comm)" = systemd ]
	check "the unit is installed where make install puts it" \
		[ -f /usr/local/lib/systemd/system/virtio-argo-backend@.service ]
	check "modprobe finds xen-argo (modinfo -n: $(modinfo -n xen-argo 2>&1))" \
		sh -c 'modinfo -n xen-argo >/dev/null'
	_end=$(($(va_now) + 60))
	until grep -q '^virtio_argo ' /proc/modules; do
		[ "$(va_now)" -lt "$_end" ] || break
		sleep 0.5
	done
	check "udev loaded virtio_argo for dom0's XARG0001 device (modalias)" \
		grep -q '^virtio_argo ' /proc/modules
	# Out again (it has no device: nothing serves dom0), so that the
	# unit's ExecStartPre is what loads xen-argo below.
	rmmod virtio_argo 2>/dev/null
	rmmod xen_argo 2>/dev/null
	check "virtio_argo and xen-argo unloaded" \
		sh -c '! grep -q -E "^(virtio_argo|xen_argo) " /proc/modules'
}

t_unit() {
	# verify needs an instance; it checks the file's syntax, the
	# executables and the sandbox options against this systemd.
	cp /usr/local/share/doc/virtio-argo/examples/guest1.conf "$CONF"
	systemd-analyze verify "$UNIT" >"$VA_TMP/verify.out" 2>&1
	_rc=$?
	if [ $_rc = 0 ] && [ ! -s "$VA_TMP/verify.out" ]; then
		ok "systemd-analyze verify $UNIT: clean"
	else
		not_ok "systemd-analyze verify $UNIT: clean (status $_rc)"
		diag <"$VA_TMP/verify.out"
	fi
	# The installed example is a configuration the back-end accepts.
	run_log excfg 10 virtio-argo-backend --config "$CONF" --check-config
	check "the installed example configuration passes --check-config" [ $? = 0 ]
	rm -f "$CONF"

	# No configuration: the start is refused before anything runs.
	_u=virtio-argo-backend@none.service
	systemctl start $_u 2>"$VA_TMP/none.err"
	check "no /etc/virtio-argo/none.conf: systemctl start fails" [ $? != 0 ]
	check "... on the unit's assertion (AssertResult=$(prop $_u AssertResult))" \
		[ "$(prop $_u AssertResult)" = no ]
	systemctl reset-failed $_u 2>/dev/null

	# A bad configuration: status 2, and no restart loop.
	_u=virtio-argo-backend@bad.service
	printf 'port = 30099\nprot = 1\ndevice = rng\n' >/etc/virtio-argo/bad.conf
	systemctl start $_u 2>/dev/null
	wait_prop $_u ActiveState '^failed$' 15
	check "ExecStartPre loaded xen-argo" grep -q '^xen_argo ' /proc/modules
	sleep 3 # past RestartSec: a restart would have begun
	check "a bad configuration: failed, status $(prop $_u ExecMainStatus) (want 2)" \
		[ "$(prop $_u ActiveState)/$(prop $_u ExecMainStatus)" = failed/2 ]
	check "... not restarted (NRestarts=$(prop $_u NRestarts))" \
		[ "$(prop $_u NRestarts)" = 0 ]
	if journal $_u | grep -a -q 'bad.conf:2: unknown key'; then
		ok "... the journal names the line"
	else
		not_ok "... the journal names the line"
		show_journal $_u 5
	fi
	systemctl reset-failed $_u 2>/dev/null
	rm -f /etc/virtio-argo/bad.conf
}

t_start() {
	cat >"$CONF" <<EOF
# dom0-systemd.sh: four devices for the guest "$GUEST"
port = $PORT
domid = $DOMID
device = rng
device = console,pty=$RUNDIR/con-%d
device = blk,$IMG_DIR/%d.img,serial=sd-%d
device = net,tap=vasd%d
EOF
	if ! systemctl start "$UNIT" 2>"$VA_TMP/start.err"; then
		not_ok "systemctl start $UNIT: $(cat "$VA_TMP/start.err")"
		show_journal "$UNIT"
		return 1
	fi
	ok "systemctl start $UNIT"
	if wait_journal "$UNIT" "listening on port $PORT for domain $DOMID" 15; then
		ok "the back-end listens on port $PORT for domain $DOMID (journal)"
	else
		not_ok "the back-end listens on port $PORT for domain $DOMID (journal)"
		show_journal "$UNIT"
		return 1
	fi
	PID1=$(prop "$UNIT" MainPID)
	_st=/proc/$PID1/status
	# The unit's sandbox is in force, so what works below works in it:
	# CAP_NET_ADMIN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH are bits 12,
	# 1 and 2.
	check "the back-end (pid $PID1) runs with the unit's capability bounding set ($(sed -n 's/^CapBnd:\t//p' "$_st"))" \
		[ "$(sed -n 's/^CapBnd:\t//p' "$_st")" = 0000000000001006 ]
	check "... with no_new_privs" grep -q -x 'NoNewPrivs:	1' "$_st"
	check "... under a seccomp filter" grep -q -x 'Seccomp:	2' "$_st"
	_ns=$(readlink "/proc/$PID1/ns/mnt")
	check "... in a mount namespace of its own (PrivateTmp; ${_ns:-none})" \
		[ -n "$_ns" ] && [ "$_ns" != "$(readlink /proc/self/ns/mnt)" ]
	systemd-analyze security --no-pager "$UNIT" 2>&1 | tail -n 1 | diag
}

# guest_create: a PVH guest, paused: its domid goes into the
# configuration, its disk is made.
guest_create() {
	# shellcheck disable=SC2153 # GUEST_K: lib.sh
	if ! domu_start_paused $GUEST pvh "$GUEST_K" "$GUEST_I" \
		"va.netip=$GUEST_IP/24 va.netpeer=$HOST_IP"; then
		not_ok "xl create -p of a PVH guest"
		return 1
	fi
	DOMID=$(domu_domid $GUEST)
	mkdir -p "$IMG_DIR"
	truncate -s 8M "$IMG_DIR/$DOMID.img"
}

# guest_phase1: the guest uses the four devices.
guest_phase1() {
	xl unpause $GUEST
	diag "guest domid $DOMID"
	if tap_up "$DOMID"; then
		ok "the back-end created vasd$DOMID for the guest; dom0 gave it $HOST_IP"
	else
		not_ok "the back-end created vasd$DOMID for the guest; dom0 gave it $HOST_IP: $(cat "$VA_TMP/ip.err")"
		show_journal "$UNIT"
	fi
	if ! domu_wait_line $GUEST 'VA-SD: (phase1 done|done)' 300; then
		not_ok "the guest used the devices"
		domu_log $GUEST | tail -n 30 | diag
		return 1
	fi
	check "ping $GUEST_IP from dom0" busybox ping -c 2 -W 5 $GUEST_IP
	check_region 1
	check "the guest connected once (journal: $(nconn) connection)" \
		[ "$(nconn)" = 1 ]
}

# nconn: the connections the journal shows so far.
nconn() {
	journal "$UNIT" | grep -a -c 'connected: front-end instance'
}

# check_region R: the guest's MiB R in the image in dom0.
check_region() {
	_want=$(gline "disk [a-z]* $1 ")
	_got=$(dd if="$IMG_DIR/$DOMID.img" bs=$MIB skip="$1" count=1 2>/dev/null |
		sha256sum | cut -d' ' -f1)
	check "MiB $1 of $IMG_DIR/$DOMID.img is what the guest wrote (${_want:-nothing reported})" \
		[ "$_got" = "$_want" ]
}

t_restart() {
	systemctl kill --kill-who=main --signal=KILL "$UNIT"
	if wait_prop "$UNIT" NRestarts '^1$' 20 &&
		wait_prop "$UNIT" ActiveState '^active$' 10; then
		ok "SIGKILL: systemd started the back-end again (Restart=on-failure, NRestarts=1)"
	else
		not_ok "SIGKILL: systemd started the back-end again (NRestarts=$(prop "$UNIT" NRestarts), $(prop "$UNIT" ActiveState))"
		show_journal "$UNIT"
		return 1
	fi
	PID2=$(prop "$UNIT" MainPID)
	check "... a new process ($PID1 -> $PID2)" [ "$PID2" != "$PID1" ]
	# The guest reconnects; the new instance makes the tap and pty anew
	# (the runtime directory is kept across the restart).
	if tap_up "$DOMID"; then
		ok "the new instance created vasd$DOMID again"
	else
		not_ok "the new instance created vasd$DOMID again: $(cat "$VA_TMP/ip.err")"
		show_journal "$UNIT"
	fi
	# The new tap has a new MAC: dom0's ping also makes the guest learn it.
	_end=$(($(va_now) + 60))
	until busybox ping -c 1 -W 2 $GUEST_IP >"$VA_TMP/ping.out" 2>&1; do
		[ "$(va_now)" -lt "$_end" ] || break
	done
	check "ping $GUEST_IP from dom0 through the new instance's tap" \
		busybox ping -c 2 -W 5 $GUEST_IP
	if ! domu_wait_line $GUEST 'VA-SD: (console ready|done)' 180 ||
		! grep -a -q 'VA-SD: console ready' "$(domu_logfile $GUEST)"; then
		not_ok "the guest reads its console after the restart"
		domu_log $GUEST | tail -n 20 | diag
		return 1
	fi
	_link=$RUNDIR/con-$DOMID
	if [ ! -e "$_link" ]; then
		not_ok "the new instance's pty $_link exists"
		return 1
	fi
	exec 4<"$_link"
	stty raw -echo <&4
	cat <&4 >"$VA_TMP/pty.out" 2>&1 &
	_cat=$!
	sleep 0.5
	echo go >"$_link"
	if wait_line "$VA_TMP/pty.out" back 60; then
		ok "console both ways through the new instance's pty $(readlink "$_link")"
	else
		not_ok "console: the guest's answer on the pty $(readlink "$_link") ($(head -c 100 "$VA_TMP/pty.out"))"
	fi
	kill "$_cat" 2>/dev/null
	wait "$_cat" 2>/dev/null
	exec 4<&-
	domu_wait_line $GUEST 'VA-SD: done' 300
	check_region 2
	check "... once to the new instance (journal: $(nconn) connections in all)" \
		[ "$(nconn)" = 2 ]
}

# The guest's own checks, and its kernel log.
guest_report() {
	tr -d '\r' <"$(domu_logfile $GUEST)" | sed -n 's/^VA-SD: //p' >"$VA_TMP/guest.txt"
	while IFS= read -r _l; do
		case $_l in
		"ok "*) ok "guest: ${_l#ok }" ;;
		"not ok "*) not_ok "guest: ${_l#not ok }" ;;
		"dmesg: "* | "stats: "*) diag "guest $_l" ;;
		esac
	done <"$VA_TMP/guest.txt"
	check "the guest ran to the end (rc=0)" grep -q -x 'done rc=0' "$VA_TMP/guest.txt"
	domu_wait_gone $GUEST 60 || domu_destroy $GUEST
}

t_stop() {
	_t0=$(va_now)
	systemctl stop "$UNIT"
	_t=$(($(va_now) - _t0))
	check "systemctl stop: inactive, result $(prop "$UNIT" Result), in $_t s" \
		[ "$(prop "$UNIT" ActiveState)/$(prop "$UNIT" Result)" = inactive/success ]
	if journal "$UNIT" | grep -a -q -E 'GOODBYE to [1-9][0-9]* connection'; then
		ok "... the back-end said GOODBYE (journal)"
	else
		not_ok "... the back-end said GOODBYE (journal)"
		show_journal "$UNIT"
	fi
	systemctl enable "$UNIT" >"$VA_TMP/enable.out" 2>&1
	check "systemctl enable links it into multi-user.target" \
		[ -L "/etc/systemd/system/multi-user.target.wants/$UNIT" ]
}

if t_env && t_unit && guest_create; then
	if t_start; then
		guest_phase1 && t_restart
		guest_report
		t_stop
	else
		domu_destroy $GUEST
	fi
fi
journal "$UNIT" | grep -a -E 'listening|connected|GOODBYE|refused|lost' | head -n 20 | diag
if dmesg | grep -a -q -E -- "$VT_SPLAT"; then
	not_ok "dom0: no warning, BUG or oops in dom0's log"
	dmesg | grep -a -A5 -E -- "$VT_SPLAT" | head -n 30 | diag
else
	ok "dom0: no warning, BUG or oops in dom0's log"
fi
diag "dom0-systemd.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
