#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2119 # argo_load takes optional module parameters
# Argo integration tests, dom0 side. Runs inside Xen's dom0 (see
# tests/integration/run-argo.sh, which boots it with scripts/run-xen.sh) and
# prints TAP. Layout (overlay at $VA, default /opt/va):
#   $VA/modules/xen-argo.ko        the driver
#   $VA/bin/argo                   tools/argo
#   $VA/guest/vmlinuz              domU kernel
#   $VA/guest/domu-argo.img        domU initramfs; its /opt/va/domu-run is
#                                  tests/integration/domu-argo.sh
#   $VA/lib/domu.sh                tests/lib/domu.sh (domU helpers)
# Environment: ARGO_TESTS="badparam load selftest api loopback wrap backpressure
#   unload pvh pv final" (a subset to run only those); BP_COUNT, messages
#   through the 48-byte ring (default 20000, ~6 s on an idle 2-core host).
#
# The domU tests talk to the guest through its console: the guest prints
# "VA-ARGO: ..." lines which this script waits for with domu_wait_line; the
# guest learns the ports and stream sizes from its kernel command line.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"
# shellcheck disable=SC1091
. "${VA_LIB:-$VA/lib}/domu.sh"

ARGO_TESTS=${ARGO_TESTS:-badparam load selftest api loopback wrap backpressure unload pvh pv saverestore final}

want() {
	case " $ARGO_TESTS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

t_start=$(va_now)
dmesg -n 4 2>/dev/null

# --------------------------------------------------------------------
t_badparam() {
	if insmod "$ARGO_KO" default_ring_len=50 >"$VA_TMP/badparam.out" 2>&1; then
		not_ok "insmod default_ring_len=50 fails"
		rmmod xen_argo
	else
		ok "insmod default_ring_len=50 fails"
		show_out badparam 2
	fi
	_line=$(dmesg | grep -a 'xen_argo: default_ring_len=50' | tail -n 1)
	if [ -n "$_line" ]; then
		ok "insmod default_ring_len=50: clear log line"
		diag "$_line"
	else
		not_ok "insmod default_ring_len=50: clear log line"
		dmesg | tail -n 5 | diag
	fi
	check "no module left after the failed insmod" sh -c '! grep -q "^xen_argo " /proc/modules'
}

t_load() {
	if argo_load; then
		ok "insmod xen-argo.ko"
	else
		not_ok "insmod xen-argo.ko"
		dmesg | tail -n 10 | diag
		return 1
	fi
	_line=$(dmesg | grep -a 'xen_argo: ' | grep -a -i 'live' | tail -n 1)
	if [ -n "$_line" ]; then
		ok "probe message"
		diag "$_line"
	else
		not_ok "probe message"
		dmesg | grep -a xen_argo | tail -n 5 | diag
	fi
	check "/dev/argo exists" [ -c /dev/argo ]
	_missing=
	for _s in virqs hypercalls sendv notify; do
		[ -n "$(argo_stat $_s)" ] || _missing="$_missing $_s"
	done
	if [ -z "$_missing" ]; then
		ok "debugfs stats has virqs, hypercalls, sendv, notify"
	else
		not_ok "debugfs stats lacks:$_missing"
		diag <"$ARGO_STATS"
	fi
	check "debugfs rings is readable" [ -r /sys/kernel/debug/xen-argo/rings ]
	_dom=$("$ARGO" info | sed -n 's/^domid //p')
	check "argo info: dom0 is domid 0 (got '$_dom')" [ "$_dom" = 0 ]
	return 0
}

# Run the tool's own TAP tests and fold them into this script's numbering.
t_selftest() {
	run_log selftest 180 "$ARGO" selftest-ioctl
	_rc=$?
	if ! tap_fold selftest selftest-ioctl; then
		diag "selftest-ioctl exited with status $_rc"
		dmesg | tail -n 20 | diag
	fi
}

# The in-kernel API, loopback through Xen (tests/kmod/argo_api_test.c).
t_api() {
	api_test "$VA_TMP/api.out"
	_rc=$?
	while IFS= read -r _l; do
		case $_l in
		"ok "*) ok "dom0 ${_l#ok * - }" ;;
		"not ok "*) not_ok "dom0 ${_l#not ok * - }" ;;
		esac
	done <"$VA_TMP/api.out"
	grep -a -q -E '^[0-9]+ passed, [0-9]+ failed$' "$VA_TMP/api.out" ||
		not_ok "dom0 api: the test module ran to the end (rc $_rc)"
}

# --------------------------------------------------------------------
# Sizes through dom0's own default ring, then max_payload + 1.
t_loopback() {
	bg_start lb_recv "$ARGO" recv --port 0x100 --count 8 --seq --quiet \
		--timeout 60
	if ! wait_line "$VA_TMP/lb_recv.out" '^recv: bound' 10; then
		not_ok "loopback: bind a ring on port 0x100"
		show_out lb_recv
		return
	fi
	_max=$(out_val lb_recv '^recv: bound .* max_payload \([0-9]*\)$')
	diag "default ring: max_payload $_max"
	run_log lb_send 60 "$ARGO" send --to 0:0x100 \
		--sizes "0,1,15,16,17,4095,4096,$_max" --seq --timeout 30
	check "loopback: send sizes 0,1,15,16,17,4095,4096,$_max" [ $? = 0 ]
	show_out lb_send 3
	bg_wait lb_recv 60
	_rc=$?
	_b=$((0 + 1 + 15 + 16 + 17 + 4095 + 4096 + _max))
	if [ $_rc = 0 ] &&
		out_has lb_recv "^recv: 8 messages, $_b bytes, from domid 0, 0 errors$"; then
		ok "loopback: all 8 received intact, in order"
	else
		not_ok "loopback: all 8 received intact, in order (rc $_rc)"
		show_out lb_recv
	fi

	bg_start lb_recv2 "$ARGO" recv --port 0x101 --count 1 --seq --quiet \
		--timeout 30
	wait_line "$VA_TMP/lb_recv2.out" '^recv: bound' 10
	run_log lb_big 30 "$ARGO" send --to 0:0x101 --size $((_max + 1))
	_rc=$?
	if [ $_rc = 1 ] && out_has lb_big 'EMSGSIZE'; then
		ok "loopback: max_payload + 1 fails with EMSGSIZE"
	else
		not_ok "loopback: max_payload + 1 fails with EMSGSIZE (rc $_rc)"
		show_out lb_big
	fi
	run_log lb_max 30 "$ARGO" send --to 0:0x101 --size "$_max" --iovs 8
	check "loopback: max_payload in 8 iovecs after that" [ $? = 0 ]
	bg_wait lb_recv2 30
	_rc=$?
	if [ $_rc = 0 ] && out_has lb_recv2 '^recv: 1 messages, .* 0 errors$'; then
		ok "loopback: the ring still works after EMSGSIZE"
	else
		not_ok "loopback: the ring still works after EMSGSIZE (rc $_rc)"
		show_out lb_recv2
	fi
}

# stream TAG COUNT DESC RECV-ARGS... -- SEND-ARGS...: an "argo recv --seq"
# of COUNT messages in the background (bound before anything is sent), then
# "argo send" in the foreground; ok when both succeed and the receiver saw
# every message intact, once, in order.
stream() {
	_s_tag=$1 _s_n=$2 _s_desc=$3
	shift 3
	_s_recv=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		_s_recv="$_s_recv $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # $_s_recv: several words
	bg_start "${_s_tag}_recv" "$ARGO" recv $_s_recv --count "$_s_n" \
		--seq --quiet
	wait_line "$VA_TMP/${_s_tag}_recv.out" '^recv: bound' 10
	_s_t=$(va_now)
	run_log "${_s_tag}_send" 240 "$ARGO" send "$@"
	_s_src=$?
	bg_wait "${_s_tag}_recv" 240
	_s_rc=$?
	if [ $_s_src = 0 ] && [ $_s_rc = 0 ] &&
		out_has "${_s_tag}_recv" "^recv: $_s_n messages, .* 0 errors$"; then
		ok "$_s_desc"
	else
		not_ok "$_s_desc (send $_s_src recv $_s_rc)"
		show_out "${_s_tag}_send" 5
		show_out "${_s_tag}_recv"
	fi
	diag "$_s_desc: $(($(va_now) - _s_t)) s"
}

# Every size 0..224 through a 256-byte ring, four times: the ring wraps at
# every possible offset, and the larger messages need nearly all of it.
t_wrap() {
	stream wr $((225 * 4)) \
		"ring wrap: $((225 * 4)) messages of 0..224 bytes through a 256-byte ring" \
		--port 0x102 --ring-len 256 --timeout 60 -- \
		--to 0:0x102 --sweep 224 --count 4 --iovs 3 --timeout 60
}

# Ring full -> EAGAIN -> VIRQ -> retry: a long stream through the smallest
# ring, the receiver starting late, nothing lost or reordered.
t_backpressure() {
	_n=${BP_COUNT:-20000}
	_e0=$(argo_stat sendv_eagain)
	_v0=$(argo_stat virqs)
	stream bp "$_n" \
		"back-pressure: $_n messages through a 48-byte ring, none lost or reordered" \
		--port 0x103 --ring-len 48 --start-delay 1000 --timeout 60 -- \
		--to 0:0x103 --size 16 --count "$_n" --nonblock --timeout 30
	_eag=$(out_val bp_send '^send: .*, \([0-9]*\) EAGAIN$')
	if [ "${_eag:-0}" -gt 0 ]; then
		ok "back-pressure: the nonblocking sender saw EAGAIN ($_eag times) and was woken"
	else
		not_ok "back-pressure: the nonblocking sender saw EAGAIN (got '${_eag}')"
	fi
	diag "sendv_eagain +$(($(argo_stat sendv_eagain) - ${_e0:-0}))," \
		"virqs +$(($(argo_stat virqs) - ${_v0:-0}))"
	grep -a 'poll wakeups' "$VA_TMP/bp_send.out" | diag

	# Blocking sender, slow nonblocking (poll) receiver.
	stream bp2 $((33 * 60)) \
		"back-pressure: blocking sender, slow polling receiver, $((33 * 60)) messages" \
		--port 0x105 --ring-len 64 --nonblock --delay 200 --timeout 60 -- \
		--to 0:0x105 --sweep 32 --count 60 --timeout 30
}

# rmmod while a descriptor holds a ring, then after; reload; bind again.
t_unload() {
	bg_start ul_recv "$ARGO" recv --port 0x104 --count 1 --timeout 60
	wait_line "$VA_TMP/ul_recv.out" '^recv: bound' 10
	if rmmod xen_argo >"$VA_TMP/ul_rmmod.out" 2>&1; then
		not_ok "rmmod with a bound descriptor open fails"
		argo_load
	else
		ok "rmmod with a bound descriptor open fails"
		show_out ul_rmmod 2
	fi
	check "module still loaded" argo_loaded
	run_log ul_send 30 "$ARGO" send --to 0:0x104 --size 100 --timeout 10
	if bg_wait ul_recv 30 && out_has ul_recv '^recv: 1 messages, 100 bytes, from domid 0, 0 errors$'; then
		ok "the bound ring still works after the failed rmmod"
	else
		not_ok "the bound ring still works after the failed rmmod"
		show_out ul_send 3
		show_out ul_recv
	fi
	_rings=$(argo_stat rings)
	check "no rings left open (debugfs says ${_rings:-?})" [ "${_rings:-0}" = 0 ]
	if rmmod xen_argo >"$VA_TMP/ul_rmmod2.out" 2>&1; then
		ok "rmmod after close"
	else
		not_ok "rmmod after close"
		show_out ul_rmmod2
	fi
	check "/dev/argo is gone" [ ! -e /dev/argo ]
	check "insmod again" argo_load
	bg_start ul_recv2 "$ARGO" recv --port 0x104 --count 1 --timeout 30
	if wait_line "$VA_TMP/ul_recv2.out" '^recv: bound' 10; then
		ok "bind the same port after reload"
	else
		not_ok "bind the same port after reload"
		show_out ul_recv2
	fi
	run_log ul_send2 30 "$ARGO" send --to 0:0x104 --size 100 --timeout 10
	bg_wait ul_recv2 30
	check "send and receive after reload" out_has ul_recv2 '^recv: 1 messages, 100 bytes, from domid 0, 0 errors$'
}

# --------------------------------------------------------------------
# dom0 <-> domU. $1: pv|pvh; $2: wildcard|unicast (dom0's receive ring).
DOMU_IN_SIZES=0,1,17,4095,4096,65440	# dom0 -> domU (default ring)
DOMU_IN_PASSES=20
DOMU_OUT_SIZES=0,1,100,4096,30000	# domU -> dom0
DOMU_OUT_PASSES=20
DOMU_PORT=0x300

t_domu() {
	du_type=$1 du_mode=$2 du_name=argo-$1
	case $du_type in pvh) du_port=0x201 ;; *) du_port=0x202 ;; esac
	du_nin=$((6 * DOMU_IN_PASSES))
	du_nout=$((5 * DOMU_OUT_PASSES))
	du_cmd="va.mode=stream va.dom0port=$du_port va.port=$DOMU_PORT"
	du_cmd="$du_cmd va.expect=$du_nin va.sizes=$DOMU_OUT_SIZES va.passes=$DOMU_OUT_PASSES"
	du_t=$(va_now)
	if [ "$du_mode" = unicast ]; then
		# shellcheck disable=SC2086 # $du_cmd: several words
		if ! domu_start_paused "$du_name" "$du_type" "$GUEST_K" "$GUEST_I" $du_cmd; then
			not_ok "$du_type domU: xl create -p"
			return
		fi
		du_dom=$(domu_domid "$du_name")
		bg_start "${du_type}_recv" "$ARGO" recv --port $du_port --from "$du_dom" \
			--count $du_nout --seq --quiet --timeout 240
		if wait_line "$VA_TMP/${du_type}_recv.out" '^recv: bound' 10; then
			ok "$du_type domU: unicast ring for paused domid $du_dom"
		else
			not_ok "$du_type domU: unicast ring for paused domid $du_dom"
			show_out "${du_type}_recv"
		fi
		# A second unicast ring, still bound when the domU dies.
		bg_start "${du_type}_linger" "$ARGO" recv --port $((du_port + 0x10)) \
			--from "$du_dom" --count 1
		xl unpause "$du_name"
	else
		bg_start "${du_type}_recv" "$ARGO" recv --port $du_port --from any \
			--count $du_nout --seq --quiet --timeout 240
		wait_line "$VA_TMP/${du_type}_recv.out" '^recv: bound' 10
		# shellcheck disable=SC2086 # $du_cmd: several words
		if ! domu_start "$du_name" "$du_type" "$GUEST_K" "$GUEST_I" $du_cmd; then
			not_ok "$du_type domU: xl create"
			bg_kill "${du_type}_recv"
			return
		fi
		du_dom=$(domu_domid "$du_name")
	fi
	du_lf=$(domu_logfile "$du_name")

	if ! domu_wait_line "$du_name" 'VA-ARGO: (listening|done)' 240 ||
		! grep -a -q 'VA-ARGO: listening' "$du_lf"; then
		not_ok "$du_type domU: xen-argo loaded and ring bound in the guest"
		domu_log "$du_name" | tail -n 30 | diag
		domu_destroy "$du_name"
		bg_kill "${du_type}_recv"
		bg_kill "${du_type}_linger"
		return
	fi
	ok "$du_type domU: xen-argo loaded and ring bound in the guest ($(($(va_now) - du_t)) s)"
	du_udom=$(sed -n 's/.*VA-ARGO: listening domid \([0-9]*\) .*/\1/p' "$du_lf" | head -n 1)
	check "$du_type domU: argo info in the guest says domid $du_udom = $du_dom" [ "$du_udom" = "$du_dom" ]

	run_log "${du_type}_send" 240 "$ARGO" send --to "$du_dom:$DOMU_PORT" \
		--sizes $DOMU_IN_SIZES --count $DOMU_IN_PASSES --seq --timeout 60
	check "$du_type domU: dom0 sends $du_nin messages" [ $? = 0 ]
	show_out "${du_type}_send" 2
	if domu_wait_line "$du_name" 'VA-ARGO: recv: [0-9]+ messages' 240 &&
		grep -a -q -E "VA-ARGO: recv: $du_nin messages, [0-9]+ bytes, from domid 0, 0 errors" "$du_lf"; then
		ok "$du_type domU: the guest received all $du_nin from dom0, intact, in order"
	else
		not_ok "$du_type domU: the guest received all $du_nin from dom0"
		grep -a 'VA-ARGO' "$du_lf" | tail -n 15 | diag
	fi

	bg_wait "${du_type}_recv" 240
	du_rc=$?
	if [ $du_rc = 0 ] && out_has "${du_type}_recv" "^recv: $du_nout messages, [0-9]+ bytes, from domid $du_dom, 0 errors$"; then
		ok "$du_type domU: dom0 received all $du_nout from the guest ($du_mode ring), intact, in order"
	else
		not_ok "$du_type domU: dom0 received all $du_nout from the guest ($du_mode ring) (rc $du_rc)"
		show_out "${du_type}_recv"
		grep -a 'VA-ARGO' "$du_lf" | tail -n 15 | diag
	fi

	if domu_wait_line "$du_name" 'VA-ARGO: done' 240; then
		du_st=$(sed -n 's/.*VA-ARGO: \(selftest: .*\)/\1/p' "$du_lf" | tail -n 1)
		if grep -a -q -E 'VA-ARGO: selftest: [0-9]+ passed, 0 failed, rc=0' "$du_lf"; then
			ok "$du_type domU: selftest-ioctl in the guest ($du_st)"
		else
			not_ok "$du_type domU: selftest-ioctl in the guest ($du_st)"
			grep -a 'VA-ARGO: selftest' "$du_lf" | diag
		fi
		du_api=$(tr -d '\r' <"$du_lf" | sed -n 's/.*VA-ARGO: api: \([0-9]* passed, [0-9]* failed\)$/\1/p' | tail -n 1)
		if echo "$du_api" | grep -q -E '^[1-9][0-9]* passed, 0 failed$'; then
			ok "$du_type domU: in-kernel API tests in the guest ($du_api)"
		else
			not_ok "$du_type domU: in-kernel API tests in the guest (${du_api:-no result})"
			grep -a 'VA-ARGO: api' "$du_lf" | diag
		fi
		grep -a 'VA-ARGO: dmesg' "$du_lf" | tail -n 5 | diag
	else
		not_ok "$du_type domU: the guest script finished"
		domu_log "$du_name" | tail -n 20 | diag
	fi
	domu_wait_gone "$du_name" 60 || domu_destroy "$du_name"
	if [ "$du_mode" = unicast ]; then
		# Xen dropped the ring with its partner; closing it must be quiet.
		bg_kill "${du_type}_linger"
		du_w=$(dmesg | grep -a -c 'xen_argo: unregister ring')
		check "$du_type domU: closing a ring whose partner died is clean" [ "$du_w" = 0 ]
	fi
	diag "$du_type domU test took $(($(va_now) - du_t)) s"
}

# xl save + xl restore of a guest with an open ring: Xen forgets the ring;
# the guest's xen-argo must register it again on resume (new host view,
# new domid) and the same descriptor keeps receiving.
t_saverestore() {
	sr=argo-sr
	if ! DOMU_MEMORY=128 domu_start "$sr" pvh "$GUEST_K" "$GUEST_I" \
		va.mode=resume va.port=0x310 va.expect=20; then
		not_ok "save/restore: xl create"
		return
	fi
	sr_lf=$(domu_logfile "$sr")
	if ! domu_wait_line "$sr" 'VA-ARGO: listening' 240; then
		not_ok "save/restore: ring bound in the guest"
		domu_log "$sr" | tail -n 20 | diag
		domu_destroy "$sr"
		return
	fi
	sr_dom=$(domu_domid "$sr")
	run_log sr_send1 60 "$ARGO" send --to "$sr_dom:0x310" --size 1000 \
		--count 10 --timeout 30
	check "save/restore: 10 messages to guest $sr_dom before the save" [ $? = 0 ]
	if xl save "$sr" "$VA_TMP/sr.save" >"$VA_TMP/sr_save.out" 2>&1 &&
		xl restore "$VA_TMP/sr.save" >"$VA_TMP/sr_restore.out" 2>&1; then
		ok "save/restore: xl save, xl restore"
	else
		not_ok "save/restore: xl save, xl restore"
		show_out sr_save
		show_out sr_restore
		rm -f "$VA_TMP/sr.save"
		domu_destroy "$sr"
		return
	fi
	rm -f "$VA_TMP/sr.save"
	sr_dom2=$(domu_domid "$sr")
	run_log sr_send2 120 "$ARGO" send --to "$sr_dom2:0x310" --size 1000 \
		--count 10 --timeout 60
	_rc=$?
	check "save/restore: 10 messages to the restored guest $sr_dom2 (rc $_rc)" [ $_rc = 0 ]
	[ $_rc = 0 ] || show_out sr_send2
	if domu_wait_line "$sr" 'VA-ARGO: recv: [0-9]+ messages' 240 &&
		grep -a -q 'VA-ARGO: recv: 20 messages, 20000 bytes' "$sr_lf"; then
		ok "save/restore: one descriptor received all 20, before and after"
	else
		not_ok "save/restore: one descriptor received all 20, before and after"
		grep -a 'VA-ARGO' "$sr_lf" | tail -n 10 | diag
	fi
	domu_wait_line "$sr" 'VA-ARGO: done' 120 >/dev/null
	if tr -d '\r' <"$sr_lf" | grep -a -q 'xen_argo: resume: re-registered 1 rings, 0 failed'; then
		ok "save/restore: the guest re-registered its ring on resume"
	else
		not_ok "save/restore: the guest re-registered its ring on resume"
		grep -a 'VA-ARGO: dmesg' "$sr_lf" | tail -n 5 | diag
	fi
	domu_wait_gone "$sr" 60 || domu_destroy "$sr"
}

t_final() {
	_bad=$(dmesg | grep -a -E 'WARNING:|BUG:|Oops|general protection|Call Trace' | head -n 5)
	if [ -z "$_bad" ]; then
		ok "no kernel warnings in dom0"
	else
		not_ok "no kernel warnings in dom0"
		dmesg | grep -a -B 5 -A 20 -E 'WARNING:|BUG:|Oops' | head -n 60 | diag
	fi
	dmesg | grep -a 'xen_argo' | tail -n 10 | diag
	[ ! -r "$ARGO_STATS" ] || diag <"$ARGO_STATS"
	if argo_loaded; then
		check "rmmod at the end" argo_unload
	fi
}

# --------------------------------------------------------------------
want badparam && t_badparam
if want load || ! argo_loaded; then
	if ! t_load; then
		echo "Bail out! xen-argo.ko does not load"
		tap_summary
		exit 1
	fi
fi
want selftest && t_selftest
want api && t_api
want loopback && t_loopback
want wrap && t_wrap
want backpressure && t_backpressure
want unload && t_unload
want pvh && t_domu pvh wildcard
want pv && t_domu pv unicast
want saverestore && t_saverestore
want final && t_final
diag "dom0-argo.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
