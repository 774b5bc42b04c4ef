#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Access control test, dom0 side: Xen with XSM/Flask, enforcing (run-virtio.sh
# --flask --script dom0-flask.sh --guest domu-flask.sh). Prints TAP.
#   1. load the policy of tests/integration/flask/mk-policy.sh
#      ($VA/flask/xenpolicy-virtio-argo) with xl loadpolicy: Argo only
#      between the pairs of types virtio_argo.te names
#   2. start the back-end in dom0 (--device rng, wildcard ring)
#   3. two PVH guests whose labels the policy forbids Argo with dom0, one
#      after the other: va_noargo_domU_t (no ring for dom0: the front-end's
#      ring registration is refused) and va_nosend_domU_t (ring allowed,
#      sends refused). Each must show no device, the refusal in its kernel log,
#      the AVC denial in Xen's log; the guest, its kernel and the back-end
#      must live on.
#   4. a PVH guest labelled domU_t, which the policy allows: the rng device
#      works, through the same back-end.
# The guests run domu-flask.sh and report in "VA-FLASK: " lines.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

POLICY=$VA/flask/xenpolicy-virtio-argo
GUEST_I=$VA/guest/domu-virtio.img
BACKEND=$VA/bin/virtio-argo-backend
FW=$VA/firmware
PATH=$VA/bin:$PATH
LABEL=system_u:system_r

t_start=$(va_now)
dmesg -n 4 2>/dev/null

# The back-end the guests' SSDT names: the first of
# "virtio_argo.backends=D:P[:R],...".
PARAM=$(sed -n 's/^virtio_argo\.backends=//p' "$FW/virtio-argo.cmdline")
B0=${PARAM%%,*}
B0_DOMID=${B0%%:*}
B0_REST=${B0#*:}
B0_PORT=${B0_REST%%:*}
B0_HEX=$(printf '%#x' "$B0_PORT")

# xen_log: Xen's log so far. Its console ring is small and wraps: move
# what it holds into a file (xl dmesg -c) each time.
XEN_LOG=$VA_TMP/xen.log
: >"$XEN_LOG"
xen_log() {
	xl dmesg -c 2>/dev/null | tr -d '\r' >>"$XEN_LOG"
	cat "$XEN_LOG"
}

t_policy() {
	_e=$(xl getenforce 2>&1)
	check "flask: Xen enforces its policy (xl getenforce: $_e)" [ "$_e" = Enforcing ]
	_l=$(xl list -Z 2>/dev/null | awk '$1 == "Domain-0" { print $NF }')
	check "flask: dom0 runs as $LABEL:dom0_t (xl list -Z: $_l)" [ "$_l" = "$LABEL:dom0_t" ]
	if ! run_log loadpolicy 60 xl loadpolicy "$POLICY"; then
		not_ok "flask: xl loadpolicy $POLICY"
		show_out loadpolicy
		return 1
	fi
	# dom0.te audits policy loads even when they are allowed.
	if xen_log | grep -a -q 'avc:  granted  { load_policy }'; then
		ok "flask: xl loadpolicy: the virtio-argo policy is loaded ($(wc -c <"$POLICY") bytes; Xen logged the load)"
	else
		not_ok "flask: xl loadpolicy: Xen logged the load (avc: granted { load_policy })"
		xen_log | grep -a -i -E 'flask|avc' | tail -n 10 | diag
		return 1
	fi
}

BE_NAME=be
be_start() {
	argo_load || return 1
	bg_start "$BE_NAME" "$BACKEND" --port "$B0_PORT" --device rng
	wait_line "$VA_TMP/$BE_NAME.out" 'instance 0x' 15
}

be_alive() {
	pid_running "$(cat "$VA_TMP/$BE_NAME.pid")"
}

# fl_start NAME TYPE: a PVH guest labelled $LABEL:TYPE.
fl_start() {
	DOMU_CFG_EXTRA="seclabel = '$LABEL:$2'"
	export DOMU_CFG_EXTRA
	# shellcheck disable=SC2153 # GUEST_K: lib.sh
	if ! domu_start "$1" pvh "$GUEST_K" "$GUEST_I"; then
		not_ok "$1: xl create with seclabel $LABEL:$2"
		return 1
	fi
	domu_domid "$1" >"$VA_TMP/$1.domid"
	_l=$(xl list -Z "$1" 2>/dev/null | awk 'NR == 2 { print $NF }')
	check "$1: xl create with seclabel: the domain (domid $(fl_id "$1")) runs as $LABEL:$2 (xl list -Z: $_l)" \
		[ "$_l" = "$LABEL:$2" ]
}

# fl_id NAME: the domid the guest got (it stays known after it is gone).
fl_id() {
	cat "$VA_TMP/$1.domid"
}

# fl_v NAME KEY: the rest of the guest's first "VA-FLASK: KEY ..." line.
fl_v() {
	tr -d '\r' <"$(domu_logfile "$1")" | sed -n "s/^VA-FLASK: $2 *//p" | head -n 1
}

# fl_hold NAME...: wait for the guests' reports; each guest, once it has
# reported, holds for 10 s, in which its domain must still exist (a guest
# that crashed is destroyed: on_crash = "destroy"). Writes
# $VA_TMP/NAME.held for each guest that got there.
fl_hold() {
	_end=$(($(va_now) + 600))
	_left=$*
	while [ -n "$_left" ]; do
		_next=
		for _g in $_left; do
			_lf=$(domu_logfile "$_g")
			if grep -a -q 'VA-FLASK: hold' "$_lf" 2>/dev/null; then
				_info=$(xl list "$_g" 2>/dev/null | awk 'NR == 2 { print "domid " $2 ", state " $5 }')
				check "$_g: after the outcome the guest is still alive (${_info:-gone})" [ -n "$_info" ]
				: >"$VA_TMP/$_g.held"
			elif grep -a -q 'VA-DOMU-DONE' "$_lf" 2>/dev/null ||
				! xl domid "$_g" >/dev/null 2>&1 ||
				[ "$(va_now)" -ge "$_end" ]; then
				not_ok "$_g: the guest reported its outcome"
				domu_log "$_g" | tail -n 30 | diag
				domu_destroy "$_g"
			else
				_next="$_next $_g"
			fi
		done
		_left=${_next# }
		[ -z "$_left" ] || sleep 0.5
	done
}

# fl_end NAME: the guest's end: rmmod returned, no splat, /init finished.
fl_end() {
	domu_wait_line "$1" 'VA-DOMU-DONE' 120
	_lf=$(domu_logfile "$1")
	_rm=$(fl_v "$1" rmmod)
	check "$1: rmmod virtio_argo returned 0 in the guest (status ${_rm:-none})" [ "$_rm" = 0 ]
	if grep -a -q 'VA-FLASK: splat none' "$_lf"; then
		ok "$1: no warning, BUG or oops in the guest's kernel log"
	else
		not_ok "$1: no warning, BUG or oops in the guest's kernel log"
		grep -a 'VA-FLASK: splat' "$_lf" | diag
	fi
	check "$1: the guest script ran to the end" grep -a -q 'VA-FLASK: end' "$_lf"
	domu_wait_gone "$1" 60 || domu_destroy "$1"
}

# fl_denied NAME TYPE PERM LINE: the checks of a refused guest. PERM is
# the permission Xen must log as denied, LINE (an ERE) the refusal.
fl_denied() {
	_n=$1 _t=$2 _p=$3 _want=$4
	[ -f "$VA_TMP/$_n.held" ] || return
	_lf=$(domu_logfile "$_n")
	_id=$(fl_id "$_n")
	_o=$(fl_v "$_n" outcome)
	check "$_n: the front-end was refused (outcome: $_o)" [ "${_o%% *}" = refused ]
	_line=$(tr -d '\r' <"$_lf" | sed -n 's/^VA-FLASK: dmesg: //p' |
		grep -a -E -- "$_want" | head -n 1 | sed 's/^\[[ 0-9.]*\] *//')
	if [ -n "$_line" ]; then
		ok "$_n: the guest's kernel log says why: $_line"
	else
		not_ok "$_n: the guest's kernel log says /$_want/"
		grep -a 'VA-FLASK: dmesg' "$_lf" | tail -n 15 | diag
	fi
	_c=$(grep -a -c -E 'VA-FLASK: dmesg: .*Argo refused' "$_lf")
	check "$_n: the refusal is logged once, not for every retry ($_c lines)" [ "$_c" = 1 ]
	_d=$(fl_v "$_n" devices)
	check "$_n: no virtio device 5 s later (saw ${_d:-?})" [ "$_d" = 0 ]
	_h=$(fl_v "$_n" hwrng)
	check "$_n: /dev/hwrng gives nothing (${_h:-?} bytes)" [ "$_h" = 0 ]
	if grep -a -q -E 'VA-FLASK: dmesg: .*connected to back-end' "$_lf"; then
		not_ok "$_n: the front-end never connected"
		grep -a 'connected to back-end' "$_lf" | diag
	else
		ok "$_n: the front-end never connected (bus: $(fl_v "$_n" bus))"
	fi
	# Xen's AVC line: "avc:  denied  { PERM } for source=dN target=d0
	# scontext=... tcontext=... tclass=argo".
	_avc=$(xen_log | grep -a -F "avc:  denied  { $_p } for source=d$_id " |
		grep -a -F "scontext=$LABEL:$_t tcontext=$LABEL:dom0_t tclass=argo" | head -n 1)
	if [ -n "$_avc" ]; then
		ok "$_n: Xen logged the denial: ${_avc#*avc:  }"
	else
		not_ok "$_n: Xen logged avc: denied { $_p } for d$_id -> d0, tclass argo"
		xen_log | grep -a 'avc:' | tail -n 10 | diag
	fi
	if grep -a -q -E "^virtio-argo-backend: $_id:[0-9]+: connected" "$VA_TMP/$BE_NAME.out"; then
		not_ok "$_n: the back-end saw no connection from domain $_id"
		show_out "$BE_NAME"
	else
		ok "$_n: the back-end saw no connection from domain $_id"
	fi
	fl_end "$_n"
}

t_denied() {
	# One after the other: two guests booting at once under TCG on a
	# loaded host starve each other for minutes.
	fl_start flask-noargo va_noargo_domU_t &&
		fl_hold flask-noargo &&
		fl_denied flask-noargo va_noargo_domU_t register_single_source \
			"Argo refused a ring for domain $B0_DOMID \(-13\): the XSM policy forbids this pair of domains"
	fl_start flask-nosend va_nosend_domU_t &&
		fl_hold flask-nosend &&
		fl_denied flask-nosend va_nosend_domU_t send \
			"Argo refused sending to domain $B0_DOMID port $B0_HEX \(-13\): the XSM policy forbids this pair of domains"
	if be_alive; then
		ok "back-end: still running after the refused guests"
	else
		not_ok "back-end: still running after the refused guests"
		show_out "$BE_NAME"
	fi
}

t_allowed() {
	_n=flask-allowed
	fl_start "$_n" domU_t || return
	fl_hold "$_n"
	[ -f "$VA_TMP/$_n.held" ] || return
	_lf=$(domu_logfile "$_n")
	_id=$(fl_id "$_n")
	_o=$(fl_v "$_n" outcome)
	check "$_n: the rng device came up (outcome: $_o)" [ "${_o%% *}" = device ]
	_b=$(fl_v "$_n" bus)
	check "$_n: the bus is connected ($_b)" [ "${_b##* }" = connected ]
	# The guest's checks of the device: bound to virtio_rng, /dev/hwrng.
	_k=0
	while IFS= read -r _l; do
		case $_l in
		"VA-FLASK: ok "*) ok "$_n: ${_l#VA-FLASK: ok }"; _k=$((_k + 1)) ;;
		"VA-FLASK: not ok "*) not_ok "$_n: ${_l#VA-FLASK: not ok }"; _k=$((_k + 1)) ;;
		esac
	done <<EOF
$(tr -d '\r' <"$_lf")
EOF
	check "$_n: the guest checked the device and /dev/hwrng ($_k checks)" [ "$_k" = 2 ]
	if grep -a -q 'VA-FLASK: dmesg: .*Argo refused' "$_lf"; then
		not_ok "$_n: no refusal in the guest's kernel log"
		grep -a 'Argo refused' "$_lf" | diag
	else
		ok "$_n: no refusal in the guest's kernel log"
	fi
	if xen_log | grep -a -F "avc:  denied" | grep -a -F "tclass=argo" |
		grep -a -q -E "source=d$_id |target=d$_id "; then
		not_ok "$_n: Xen denied nothing of Argo for domain $_id"
		xen_log | grep -a -F "avc:  denied" | tail -n 5 | diag
	else
		ok "$_n: Xen denied nothing of Argo for domain $_id"
	fi
	check "$_n: the back-end logged the connection from domain $_id" \
		grep -a -q -E "^virtio-argo-backend: $_id:[0-9]+: connected" "$VA_TMP/$BE_NAME.out"
	fl_end "$_n"
}

t_final() {
	if be_alive; then
		ok "back-end: still running at the end"
	else
		not_ok "back-end: still running at the end"
		show_out "$BE_NAME"
	fi
	kill -TERM "$(cat "$VA_TMP/$BE_NAME.pid")" 2>/dev/null
	bg_wait "$BE_NAME" 15 >/dev/null
	if dmesg | grep -a -q -E -- "$VT_SPLAT"; then
		not_ok "final: no warning, BUG or oops in dom0's log"
		dmesg | grep -a -A5 -E -- "$VT_SPLAT" | head -n 30 | diag
	else
		ok "final: no warning, BUG or oops in dom0's log"
	fi
}

if [ ! -f "$POLICY" ] || [ ! -x "$BACKEND" ] || [ ! -f "$GUEST_I" ]; then
	not_ok "flask: the overlay has the policy, the back-end and the guest image"
	diag "policy $POLICY, back-end $BACKEND, guest $GUEST_I"
elif t_policy; then
	if be_start; then
		ok "back-end: started in dom0 on port $B0_PORT (wildcard ring, --device rng)"
		t_denied
		t_allowed
		t_final
	else
		not_ok "back-end: started in dom0 on port $B0_PORT"
		show_out "$BE_NAME"
	fi
fi
diag "dom0-flask.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
