# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers of the Argo integration tests (sourced; POSIX sh, works in
# busybox ash in a domU and in dom0's dash/bash).
#
# TAP:      ok DESC | not_ok DESC | check DESC CMD... | skip DESC WHY |
#           diag TEXT... (or stdin) | tap_done (status) | tap_summary |
#           tap_fold NAME PREFIX (a test program's TAP output, folded in)
# Module:   argo_load [PARAMS...] | argo_unload | argo_stat NAME
# Jobs:     bg_start NAME CMD...   run CMD in the background, output in
#                                  $VA_TMP/NAME.out, pid in $VA_TMP/NAME.pid
#           bg_wait NAME SECS      wait for it (kill it after SECS); status
#           bg_kill NAME
#           wait_line FILE ERE SECS
#           run_log NAME SECS CMD...  run in the foreground with a timeout,
#                                  output in $VA_TMP/NAME.out; status
# ACPI:     acpi_table_match AML | platform_dev_info DEV
# Misc:     in_list WORD LIST | va_now | cmdline_val KEY [DEFAULT]
# Paths (environment): VA (default /opt/va), ARGO (the tool), ARGO_KO.

VA=${VA:-/opt/va}
ARGO=${ARGO:-$VA/bin/argo}
ARGO_KO=${ARGO_KO:-$VA/modules/xen-argo.ko}
API_KO=${API_KO:-$VA/modules/argo_api_test.ko}
# dom0 side: the guest kernel and initramfs the overlay carries, and the
# guests' command line (kernel notices stay in dmesg; the consoles carry
# only TAP lines and markers).
GUEST_K=${GUEST_K:-$VA/guest/vmlinuz}
GUEST_I=${GUEST_I:-$VA/guest/domu-argo.img}
DOMU_CMDLINE=${DOMU_CMDLINE:-console=hvc0 loglevel=4}
export DOMU_CMDLINE
ARGO_STATS=/sys/kernel/debug/xen-argo/stats
VA_TMP=${VA_TMP:-/tmp/va-argo}
mkdir -p "$VA_TMP"

TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $*"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}

skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP ${2:-}"
}

check() {
	_lib_desc=$1
	shift
	if "$@"; then ok "$_lib_desc"; else not_ok "$_lib_desc"; fi
}

diag() {
	if [ $# -gt 0 ]; then
		echo "# $*"
	else
		sed 's/^/# /'
	fi
}

tap_summary() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" = 0 ] || diag "$TAP_FAILED of $TAP_N failed"
}

tap_done() {
	[ "$TAP_FAILED" = 0 ]
}

# tap_fold NAME PREFIX: fold the TAP lines of a job's output (a test
# program's, $VA_TMP/NAME.out) into this script's numbering, prefixed. A
# stream without its plan line did not run to the end: a failure, and
# status 1.
tap_fold() {
	_lib_plan=0
	while IFS= read -r _lib_l; do
		case $_lib_l in
		"ok "*) ok "$2: ${_lib_l#ok * - }" ;;
		"not ok "*) not_ok "$2: ${_lib_l#not ok * - }" ;;
		"1.."*) _lib_plan=1 ;;
		"Bail out!"*) not_ok "$2: $_lib_l" ;;
		"#"*) echo "$_lib_l" ;;
		esac
	done <"$VA_TMP/$1.out"
	[ $_lib_plan = 1 ] || { not_ok "$2: ran to the end"; show_out "$1" 10; return 1; }
}

# in_list WORD LIST: is WORD one of the words of LIST?
in_list() {
	case " $2 " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# Seconds since boot (integer).
va_now() {
	cut -d. -f1 /proc/uptime
}

# Show the end of a job's output as TAP diagnostics.
show_out() {
	[ -f "$VA_TMP/$1.out" ] || return 0
	tail -n "${2:-15}" "$VA_TMP/$1.out" | diag
}

bg_start() {
	_lib_name=$1
	shift
	"$@" >"$VA_TMP/$_lib_name.out" 2>&1 &
	echo $! >"$VA_TMP/$_lib_name.pid"
}

# Is PID running? (A zombie that the shell has not reaped yet is not.)
pid_running() {
	[ -r "/proc/$1/stat" ] || return 1
	case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in
	Z* | X* | '') return 1 ;;
	esac
	return 0
}

# bg_wait NAME SECS: the job's exit status, 124 if it had to be killed.
bg_wait() {
	_lib_pid=$(cat "$VA_TMP/$1.pid")
	_lib_end=$(($(va_now) + $2))
	while pid_running "$_lib_pid"; do
		if [ "$(va_now)" -ge "$_lib_end" ]; then
			kill "$_lib_pid" 2>/dev/null
			sleep 1
			kill -9 "$_lib_pid" 2>/dev/null
			wait "$_lib_pid" 2>/dev/null
			echo "(killed after $2 s)" >>"$VA_TMP/$1.out"
			return 124
		fi
		sleep 0.2
	done
	wait "$_lib_pid"
}

bg_kill() {
	[ -f "$VA_TMP/$1.pid" ] || return 0
	_lib_pid=$(cat "$VA_TMP/$1.pid")
	kill "$_lib_pid" 2>/dev/null && wait "$_lib_pid" 2>/dev/null
	return 0
}

# wait_line FILE ERE SECS
wait_line() {
	_lib_end=$(($(va_now) + $3))
	until [ -f "$1" ] && grep -a -q -E -- "$2" "$1"; do
		[ "$(va_now)" -lt "$_lib_end" ] || return 1
		sleep 0.2
	done
}

# run_log NAME SECS CMD...: foreground with a time limit.
run_log() {
	_lib_name=$1 _lib_secs=$2
	shift 2
	timeout "$_lib_secs" "$@" >"$VA_TMP/$_lib_name.out" 2>&1
}

# out_has NAME ERE: does the job's output contain a matching line?
out_has() {
	grep -a -q -E -- "$2" "$VA_TMP/$1.out"
}

# out_val NAME SED-REGEX: first \1 of a matching line of the job's output.
out_val() {
	sed -n "s/$2/\\1/p" "$VA_TMP/$1.out" | head -n 1
}

# The device node, in case nothing (devtmpfs, udev, mdev) made it.
argo_node() {
	[ -c /dev/argo ] && return 0
	_lib_dev=$(cat /sys/class/misc/argo/dev 2>/dev/null) || return 1
	mknod /dev/argo c "${_lib_dev%%:*}" "${_lib_dev##*:}"
}

argo_load() {
	insmod "$ARGO_KO" "$@" || return 1
	_lib_i=0
	until [ -c /dev/argo ]; do
		_lib_i=$((_lib_i + 1))
		[ $_lib_i -lt 10 ] || break
		sleep 0.1
	done
	argo_node
}

argo_unload() {
	rmmod xen_argo
}

argo_loaded() {
	grep -q '^xen_argo ' /proc/modules
}

# argo_stat NAME: a counter from debugfs, empty if unavailable.
argo_stat() {
	[ -r "$ARGO_STATS" ] || return 0
	awk -v n="$1" '$1 == n { print $2 }' "$ARGO_STATS"
}

# The kernel command line value of KEY=, or DEFAULT.
cmdline_val() {
	# shellcheck disable=SC2013 # words, not lines
	for _lib_w in $(cat /proc/cmdline); do
		case $_lib_w in
		"$1"=*) echo "${_lib_w#*=}"; return 0 ;;
		esac
	done
	echo "${2:-}"
}

# api_test OUTFILE: load tests/kmod/argo_api_test.ko (it runs its tests at
# load, loopback through Xen), write its TAP lines ("ok N - api: ...") and
# its "N passed, N failed" summary to OUTFILE, unload it. Returns 0 when the
# summary says 0 failed.
api_test() {
	dmesg -c >/dev/null 2>&1 || true
	if ! insmod "$API_KO" >"$1.insmod" 2>&1; then
		cat "$1.insmod" >"$1"
		return 1
	fi
	rmmod argo_api_test 2>/dev/null
	dmesg | sed -n 's/^.*argo_api_test: //p' | grep -a -E '^((not )?ok [0-9]+ - |[0-9]+ passed, [0-9]+ failed)' >"$1"
	grep -a -q -E '^[0-9]+ passed, 0 failed$' "$1"
}

# acpi_table_match AML: print the name (e.g. SSDT2) of the ACPI table in
# /sys/firmware/acpi/tables whose AML body (everything after the 36-byte
# header) is that of the file AML; return 1 if none is. The header is left
# out because a firmware that installs the table (QEMU -acpitable, a
# toolstack) may rewrite its checksum or creator fields.
acpi_table_match() {
	[ -d /sys/firmware/acpi/tables ] || return 1
	dd if="$1" of="$VA_TMP/want.body" bs=36 skip=1 2>/dev/null || return 1
	for _lib_t in /sys/firmware/acpi/tables/SSDT*; do
		[ -f "$_lib_t" ] || continue
		dd if="$_lib_t" of="$VA_TMP/have.body" bs=36 skip=1 2>/dev/null
		if cmp -s "$VA_TMP/want.body" "$VA_TMP/have.body"; then
			echo "${_lib_t##*/}"
			return 0
		fi
	done
	return 1
}

# platform_dev_info DEV: one line describing /sys/bus/platform/devices/DEV
# and its ACPI node: "hid=... uid=... path=... modalias=...".
platform_dev_info() {
	_lib_d=/sys/bus/platform/devices/$1/firmware_node
	echo "hid=$(cat "$_lib_d/hid" 2>/dev/null) uid=$(cat "$_lib_d/uid" 2>/dev/null)" \
		"path=$(cat "$_lib_d/path" 2>/dev/null) modalias=$(cat "/sys/bus/platform/devices/$1/modalias" 2>/dev/null)"
}

# ---- virtio-argo transport (dom0-virtio.sh and domu-virtio.sh) -----------
# The caller defines vt_report OK|FAIL DESC (dom0: TAP; a guest: a
# "VA-VIRTIO: transport: ..." line that dom0 turns into TAP).
#   vt_bus                  the first bus device directory (virtio-argo.N)
#   vt_attr NAME            one of its sysfs attributes
#   vt_stat NAME            one of its debugfs counters
#   vt_wait_state RE SECS   until the bus state matches the ERE RE
#   vt_dev ID               /sys/bus/virtio/devices/virtioN of virtio id ID
#   vt_check_dev WHO ID DRV check that device ID exists (waits), is bound to
#                           DRV and negotiated VT_FEATURES
#   vt_check_rng WHO        /dev/hwrng: 256 bytes, not all zero, from virtio_rng
#   vt_rmmod SECS           rmmod virtio_argo, no waiting beyond SECS (124)
#   vt_since MARK           the kernel log from the last line with MARK
#   vt_splat [FILE]         print dmesg (or FILE) splat lines; 0 if any
# Feature bits the transport offers and the drivers accept: INDIRECT_DESC,
# EVENT_IDX, VERSION_1, ACCESS_PLATFORM.
VT_FEATURES="28 29 32 33"
VT_SPLAT='WARNING:|BUG:|Oops|general protection|possible (circular|recursive) locking|lockdep|INFO: task .* blocked|rcu_sched detected stall|Call Trace:'

vt_bus() {
	for _vt_b in /sys/devices/platform/*/virtio-argo.* /sys/devices/virtio-argo.*; do
		[ -d "$_vt_b" ] || continue
		echo "$_vt_b"
		return 0
	done
	return 1
}

vt_attr() {
	_vt_b=$(vt_bus) || return 1
	cat "$_vt_b/$1" 2>/dev/null
}

vt_stat() {
	_vt_b=$(vt_bus) || return 1
	awk -v n="$1" '$1 == n { print $2 }' \
		"/sys/kernel/debug/virtio-argo/${_vt_b##*/}/stats" 2>/dev/null
}

vt_wait_state() {
	_vt_end=$(($(va_now) + $2))
	until vt_attr state | grep -q -E -- "^($1)\$"; do
		[ "$(va_now)" -lt "$_vt_end" ] || return 1
		sleep 0.1
	done
}

vt_dev() {
	_vt_id=$(printf '0x%04x' "$1")
	for _vt_d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$_vt_d/device" 2>/dev/null)" = "$_vt_id" ] || continue
		echo "$_vt_d"
		return 0
	done
	return 1
}

# vt_feat DEV BIT: is BIT set in DEV's features (one character per bit)?
vt_feat() {
	[ "$(cut -c "$(($2 + 1))" "$1/features" 2>/dev/null)" = 1 ]
}

vt_check_dev() {
	_vt_who=$1 _vt_id=$2 _vt_drv=$3
	_vt_end=$(($(va_now) + 30))
	until _vt_d=$(vt_dev "$_vt_id") && [ -e "$_vt_d/driver" ]; do
		if [ "$(va_now)" -ge "$_vt_end" ]; then
			vt_report FAIL "$_vt_who: virtio id $_vt_id bound to $_vt_drv within 30 s (device: ${_vt_d:-none}; devices: $(cat /sys/bus/virtio/devices/*/device 2>/dev/null | tr '\n' ' '))"
			return 1
		fi
		sleep 0.2
	done
	_vt_got=$(basename "$(readlink "$_vt_d/driver")")
	_vt_miss=
	for _vt_f in $VT_FEATURES; do
		vt_feat "$_vt_d" "$_vt_f" || _vt_miss="$_vt_miss $_vt_f"
	done
	if [ "$_vt_got" = "$_vt_drv" ] && [ -z "$_vt_miss" ]; then
		vt_report OK "$_vt_who: ${_vt_d##*/} is virtio id $_vt_id, bound to $_vt_drv, features $VT_FEATURES set"
	else
		vt_report FAIL "$_vt_who: ${_vt_d##*/} (id $_vt_id) bound to $_vt_got (want $_vt_drv), features missing:${_vt_miss:- none} ($(cat "$_vt_d/features"))"
		return 1
	fi
}

vt_check_rng() {
	_vt_cur=$(cat /sys/class/misc/hw_random/rng_current 2>/dev/null)
	_vt_hex=$(timeout 10 head -c 256 /dev/hwrng 2>"$VA_TMP/hwrng.err" |
		od -An -v -tx1 | tr -d ' \n')
	case $_vt_cur in
	virtio_rng*) ;;
	*)	vt_report FAIL "$1: /dev/hwrng comes from virtio_rng (rng_current: ${_vt_cur:-none})"
		return 1 ;;
	esac
	if [ ${#_vt_hex} != 512 ]; then
		vt_report FAIL "$1: /dev/hwrng ($_vt_cur) gave $((${#_vt_hex} / 2)) of 256 bytes within 10 s $(head -c 200 "$VA_TMP/hwrng.err")"
		return 1
	fi
	case $_vt_hex in
	*[1-9a-f]*) ;;
	*)	vt_report FAIL "$1: /dev/hwrng ($_vt_cur) gave 256 zero bytes"
		return 1 ;;
	esac
	vt_report OK "$1: /dev/hwrng ($_vt_cur) gave 256 bytes, not all zero ($(echo "$_vt_hex" | cut -c 1-16)...)"
}

vt_rmmod() {
	rmmod virtio_argo >"$VA_TMP/rmmod.out" 2>&1 &
	_vt_pid=$!
	_vt_end=$(($(va_now) + $1))
	while pid_running "$_vt_pid"; do
		# Still in the kernel: report, and leave it be.
		[ "$(va_now)" -lt "$_vt_end" ] || return 124
		sleep 0.2
	done
	wait "$_vt_pid"
}

# vt_since MARK: the kernel log from the last line containing MARK.
vt_since() {
	dmesg | awk -v m="$1" 'index($0, m) { buf = ""; on = 1 } on { buf = buf $0 "\n" } END { printf "%s", buf }'
}

vt_splat() {
	if [ -n "${1:-}" ]; then cat "$1"; else dmesg; fi |
		grep -a -E -- "$VT_SPLAT" | head -n 20 | grep .
}
