#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2119 # argo_load takes optional module parameters
# virtio-argo back-end tests, dom0 side: tools/backend's back-end and its
# user-space front-end test client both run in dom0 and talk through Xen
# (Argo loopback: dom0 sends to its own domid). Runs inside Xen's dom0
# (tests/integration/run-argo.sh --script dom0-backend.sh) and prints TAP.
# Layout (overlay at $VA, default /opt/va):
#   $VA/modules/xen-argo.ko
#   $VA/bin/virtio-argo-backend, $VA/bin/virtio-argo-client
# Environment: BACKEND_TESTS="config cfgfile client restart kill unicast
#   hostile final" (a subset to run only those).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091
. "$HERE/lib.sh"

BACKEND_TESTS=${BACKEND_TESTS:-config cfgfile client restart kill unicast hostile final}
BE=$VA/bin/virtio-argo-backend
CL=$VA/bin/virtio-argo-client
RUN=/tmp/vab
mkdir -p "$RUN"

want() {
	case " $BACKEND_TESTS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

t_start=$(va_now)
dmesg -n 4 2>/dev/null

# The device list every client test expects: 0 rng, 1 console on a
# socket, 2 console on a pty (paths per front-end domid).
DEVICES="--device rng --device console,socket=$RUN/con-%d.sock --device console,pty=$RUN/pty-%d"

# be_start NAME PORT [ARGS...]: start a back-end, wait until it listens.
be_start() {
	_n=$1 _p=$2
	shift 2
	# shellcheck disable=SC2086 # DEVICES is a word list
	bg_start "$_n" "$BE" --port "$_p" $DEVICES -v "$@"
	wait_line "$VA_TMP/$_n.out" "listening on port $_p" 15
}

be_stop() {
	[ -f "$VA_TMP/$1.pid" ] || return 0
	kill -TERM "$(cat "$VA_TMP/$1.pid")" 2>/dev/null
	bg_wait "$1" 15
}

t_config() {
	run_log cfg_help 10 "$BE" --help
	check "--help prints the usage" out_has cfg_help '^Usage: virtio-argo-backend'
	run_log cfg_nodev 10 "$BE"
	_rc=$?
	check "no --device: refused (status $_rc)" [ $_rc = 2 ]
	check "... with a clear message" out_has cfg_nodev 'no devices'
	run_log cfg_type 10 "$BE" --device disk
	check "--device disk: refused, unknown type" out_has cfg_type 'unknown type'
	run_log cfg_ring 10 "$BE" --ring-len 5000 --device rng
	check "--ring-len 5000: refused, not a multiple of 16" out_has cfg_ring 'multiple of 16'
	run_log cfg_chain 10 "$BE" --max-chain 100 --device rng
	check "--max-chain 100: refused" out_has cfg_chain 'max-chain'
	run_log cfg_con 10 "$BE" --device console,serial
	check "--device console,serial: refused" out_has cfg_con 'expected pty'
	run_log cfg_hostile 10 "$BE" --hostile nice --device rng
	check "--hostile nice: refused" out_has cfg_hostile 'unknown mode'
}

# cfg_bad NAME WHAT ERE LINE...: a file of these lines is refused with
# status 2 and a message matching ERE.
cfg_bad() {
	_n=$1 _w=$2 _re=$3
	shift 3
	printf '%s\n' "$@" >"$RUN/$_n.conf"
	run_log "$_n" 10 "$BE" --config "$RUN/$_n.conf" --device rng
	_rc=$?
	if [ $_rc = 2 ] && out_has "$_n" "$_re"; then
		ok "config file, $_w: refused (status 2), names the line"
	else
		not_ok "config file, $_w: refused (status $_rc, expected 2) with /$_re/"
		show_out "$_n" 5
	fi
}

# --config FILE: parsed strictly, merged with the command line, and a
# back-end started from a file alone serves a front-end.
t_cfgfile() {
	_f=$RUN/good.conf
	cat >"$_f" <<EOF
# a back-end described by a file

port = 30040
  device = rng
device=console,socket=$RUN/cfgcon-%d.sock
verbose
EOF
	run_log cfg_show 10 "$BE" -c "$_f" --check-config
	check "--check-config with a file: status 0" [ $? = 0 ]
	check "... port from the file" out_has cfg_show '^port = 30040$'
	check "... devices from the file, in order" [ "$(grep '^device' \
		"$VA_TMP/cfg_show.out" | tr '\n' ' ')" = \
		"device = rng device = console,socket=$RUN/cfgcon-%d.sock " ]
	run_log cfg_merge 10 "$BE" --port 30041 --config "$_f" --device rng \
		--domid 0 --check-config
	check "command line --port replaces the file's" out_has cfg_merge '^port = 30041$'
	check "command line --device adds a third device" \
		[ "$(grep -c '^device = ' "$VA_TMP/cfg_merge.out")" = 3 ]
	check "command line --domid is added" out_has cfg_merge '^domid = 0$'
	# What --check-config prints is a configuration file giving the same.
	cp "$VA_TMP/cfg_merge.out" "$RUN/merged.conf"
	run_log cfg_rt 10 "$BE" --config "$RUN/merged.conf" --check-config
	check "--check-config output read back gives the same options" \
		cmp -s "$VA_TMP/cfg_rt.out" "$RUN/merged.conf"

	cfg_bad cfg_key "unknown key" 'cfg_key.conf:2: unknown key .prot.' \
		'# typo' 'prot = 30000'
	cfg_bad cfg_sep "no '='" 'cfg_sep.conf:1: .port 30000. is not a key' \
		'port 30000'
	cfg_bad cfg_num "bad number" 'cfg_num.conf:3: --port 3e4: expected an integer' \
		'device = rng' '' 'port = 3e4'
	cfg_bad cfg_flag "flag with a value" "cfg_flag.conf:1: 'any' is a flag" \
		'any = yes'
	cfg_bad cfg_empty "empty value" "cfg_empty.conf:1: 'domid': no value" \
		'domid ='
	cfg_bad cfg_dev "unknown device" 'cfg_dev.conf:1: --device disk: unknown type' \
		'device = disk'
	cfg_bad cfg_nest "config inside a config" "cfg_nest.conf:1: 'config' is not allowed" \
		"config = $RUN/good.conf"
	run_log cfg_missing 10 "$BE" --config "$RUN/none.conf" --device rng
	_rc=$?
	check "config file missing: refused (status $_rc)" [ $_rc = 2 ]
	check "... naming the file" out_has cfg_missing 'none.conf: cannot open'

	# The file alone starts a back-end that serves the client.
	bg_start becfg "$BE" --config "$_f"
	if ! wait_line "$VA_TMP/becfg.out" "listening on port 30040" 15; then
		not_ok "back-end started with --config alone listens on port 30040"
		show_out becfg
		return
	fi
	ok "back-end started with --config alone listens on port 30040"
	run_log ccfg 300 "$CL" --to 0:30040 test rng
	tap_fold ccfg "config file"
	be_stop becfg
}

t_client() {
	if ! be_start be 30000; then
		not_ok "back-end starts on port 30000"
		show_out be
		return 1
	fi
	ok "back-end starts on port 30000"
	run_log client 600 "$CL" --to 0:30000 --console-socket "$RUN/con-0.sock" \
		--console-pty "$RUN/pty-0" test
	tap_fold client client
	_pid=$(cat "$VA_TMP/be.pid")
	check "the back-end survived the client" pid_running "$_pid"
	check "connection log lines start with domid:port" \
		out_has be '^virtio-argo-backend: 0:[0-9]+: connected'
	check "the pty is logged" out_has be 'console on pty /dev/pts/'
	grep -a -c 'refused' "$VA_TMP/be.out" | sed 's/^/# back-end refusals logged: /'
}

# restart with SIGTERM: GOODBYE, then a new instance.
t_restart() {
	[ -f "$VA_TMP/be.pid" ] && pid_running "$(cat "$VA_TMP/be.pid")" ||
		be_start be 30000 || { not_ok "restart: back-end starts"; return; }
	bg_start rs "$CL" --to 0:30000 restart --goodbye
	if ! wait_line "$VA_TMP/rs.out" '^READY' 30; then
		not_ok "restart: client connected"
		show_out rs
		return
	fi
	be_stop be
	check "SIGTERM: the back-end exits 0" [ $? = 0 ]
	check "SIGTERM: the back-end says GOODBYE" out_has be "GOODBYE to [0-9]+ connection"
	be_start be 30000 || not_ok "restart: the back-end starts again"
	bg_wait rs 120
	tap_fold rs "restart (SIGTERM)"
}

# SIGKILL: no GOODBYE; the client finds out by NOT_CONNECTED.
t_kill() {
	[ -f "$VA_TMP/be.pid" ] && pid_running "$(cat "$VA_TMP/be.pid")" ||
		be_start be 30000 || { not_ok "kill: back-end starts"; return; }
	bg_start rk "$CL" --to 0:30000 restart
	if ! wait_line "$VA_TMP/rk.out" '^READY' 30; then
		not_ok "kill: client connected"
		show_out rk
		return
	fi
	kill -KILL "$(cat "$VA_TMP/be.pid")"
	bg_wait be 10
	be_start be 30000 || not_ok "kill: the back-end starts again"
	bg_wait rk 120
	tap_fold rk "restart (SIGKILL)"
	be_stop be
}

# A unicast ring for dom0 (--domid 0) instead of the wildcard ring.
t_unicast() {
	if ! be_start beu 30010 --domid 0; then
		not_ok "unicast: back-end with --domid 0 starts"
		show_out beu
		return
	fi
	check "unicast: ring for domain 0" out_has beu 'listening on port 30010 for domain 0'
	run_log cu 300 "$CL" --to 0:30010 test rng
	tap_fold cu unicast
	be_stop beu
	# --any with --domid: a domain not listed is refused (DENIED).
	if be_start bed 30011 --any --domid 7; then
		run_log cd 60 "$CL" --to 0:30011 test rng
		check "allow-list without dom0: HELLO refused, DENIED" \
			out_has bed 'not served: DENIED'
		be_stop bed
	else
		not_ok "allow-list back-end starts"
		show_out bed
	fi
}

t_hostile() {
	_port=30020
	for _m in garble oversize duplicate reorder unsolicited slow; do
		_port=$((_port + 1))
		if ! be_start "bh_$_m" $_port --hostile "$_m"; then
			not_ok "hostile $_m: back-end starts"
			show_out "bh_$_m"
			continue
		fi
		run_log "ch_$_m" 120 "$CL" --to "0:$_port" hostile "$_m"
		tap_fold "ch_$_m" "hostile $_m"
		be_stop "bh_$_m"
	done
}

t_final() {
	_bad=$(dmesg | grep -a -E 'WARNING:|BUG:|Oops|general protection|Call Trace' | head -n 5)
	if [ -z "$_bad" ]; then
		ok "no kernel warnings in dom0"
	else
		not_ok "no kernel warnings in dom0"
		dmesg | grep -a -B 5 -A 20 -E 'WARNING:|BUG:|Oops' | head -n 60 | diag
	fi
	[ ! -r "$ARGO_STATS" ] || diag <"$ARGO_STATS"
}

# --------------------------------------------------------------------
if ! argo_loaded && ! argo_load; then
	echo "Bail out! xen-argo.ko does not load"
	tap_summary
	exit 1
fi
for _f in "$BE" "$CL"; do
	if [ ! -x "$_f" ]; then
		echo "Bail out! $_f missing"
		tap_summary
		exit 1
	fi
done
want config && t_config
want cfgfile && t_cfgfile
want client && t_client
want restart && t_restart
want kill && t_kill
want unicast && t_unicast
want hostile && t_hostile
want final && t_final
be_stop be
diag "dom0-backend.sh took $(($(va_now) - t_start)) s"
tap_summary
tap_done
