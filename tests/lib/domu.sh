# shellcheck shell=sh
# domU helpers for test scripts running in dom0 (sourced; POSIX sh / dash).
# run-xen.sh installs this file as /opt/va/lib/domu.sh in dom0:
#   . /opt/va/lib/domu.sh
#
#   domu_start NAME pv|pvh KERNEL INITRD [EXTRA_CMDLINE...]
#       write /run/va-domu/NAME.cfg and `xl create` it; returns once the
#       domain exists (does not wait for the guest to boot).
#   domu_start_paused NAME pv|pvh KERNEL INITRD [EXTRA_CMDLINE...]
#       same with `xl create -p`: read `domu_domid NAME`, prepare, then
#       `xl unpause NAME`.
#   domu_domid NAME                 print the domid
#   domu_wait_line NAME REGEX SECS  wait for an ERE in the guest console log
#                                   (fails at once if the domain is gone)
#   domu_wait_gone NAME SECS        wait until the domain no longer exists
#   domu_destroy NAME               xl destroy (no error if already gone)
#   domu_log NAME                   print the guest console log
#   domu_logfile NAME               print the path of the guest console log
# Tunables (environment): DOMU_MEMORY (256), DOMU_VCPUS (1),
#   DOMU_CFG_EXTRA (extra xl.cfg lines), DOMU_CMDLINE (default kernel args,
#   "console=hvc0 loglevel=7").
# Functions print a diagnostic on stderr and return 1 on failure.

VA_DOMU_DIR=${VA_DOMU_DIR:-/run/va-domu}
VA_CONSOLE_DIR=${VA_CONSOLE_DIR:-/var/log/xen/console}

domu_logfile() {
	echo "$VA_CONSOLE_DIR/guest-$1.log"
}

domu__create() { # domu__create XLFLAGS NAME TYPE KERNEL INITRD [EXTRA...]
	_flags=$1 _name=$2 _type=$3 _kernel=$4 _initrd=$5
	shift 5
	case $_type in
	pv | pvh) ;;
	*) echo "domu_start: $_name: type must be pv or pvh, not '$_type'" >&2; return 1 ;;
	esac
	for _f in "$_kernel" "$_initrd"; do
		[ -f "$_f" ] || { echo "domu_start: $_name: $_f: no such file" >&2; return 1; }
	done
	_base=${DOMU_CMDLINE:-console=hvc0 loglevel=7}
	# PVH cannot power off (no ACPI S5): its /init reboots, and reboot=t
	# makes that a triple fault which Xen turns into a domain shutdown.
	[ "$_type" = pv ] || _base="$_base reboot=t"
	mkdir -p "$VA_DOMU_DIR"
	cat >"$VA_DOMU_DIR/$_name.cfg" <<EOT
name = "$_name"
type = "$_type"
kernel = "$_kernel"
ramdisk = "$_initrd"
cmdline = "$_base $*"
memory = ${DOMU_MEMORY:-256}
vcpus = ${DOMU_VCPUS:-1}
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
${DOMU_CFG_EXTRA:-}
EOT
	rm -f "$(domu_logfile "$_name")"
	# shellcheck disable=SC2086
	if ! xl create $_flags "$VA_DOMU_DIR/$_name.cfg" >"$VA_DOMU_DIR/$_name.create.log" 2>&1; then
		echo "domu_start: $_name: xl create failed:" >&2
		sed 's/^/  /' "$VA_DOMU_DIR/$_name.create.log" >&2
		return 1
	fi
	return 0
}

domu_start() {
	[ $# -ge 4 ] || { echo "usage: domu_start NAME pv|pvh KERNEL INITRD [EXTRA_CMDLINE]" >&2; return 1; }
	domu__create "" "$@"
}

domu_start_paused() {
	[ $# -ge 4 ] || { echo "usage: domu_start_paused NAME pv|pvh KERNEL INITRD [EXTRA_CMDLINE]" >&2; return 1; }
	domu__create "-p" "$@"
}

domu_domid() {
	xl domid "$1" 2>/dev/null
}

domu__now() { cut -d. -f1 /proc/uptime; }

domu_wait_line() {
	[ $# = 3 ] || { echo "usage: domu_wait_line NAME REGEX TIMEOUT" >&2; return 1; }
	_end=$(($(domu__now) + $3))
	_lf=$(domu_logfile "$1")
	_i=0
	_gone=
	while :; do
		if [ -f "$_lf" ] && grep -a -q -E -- "$2" "$_lf"; then
			return 0
		fi
		if [ -n "$_gone" ]; then
			echo "domu_wait_line: $1: the domain is gone (crashed or shut down), no line matching /$2/" >&2
			return 1
		fi
		if [ "$(domu__now)" -ge "$_end" ]; then
			echo "domu_wait_line: $1: no line matching /$2/ within $3 s" >&2
			return 1
		fi
		# A guest that crashed (on_crash = destroy) or shut down prints
		# nothing more: say so now rather than at the timeout. Every
		# 5 s, since xl is slow to start; the loop reads the log once
		# more first, as the line may have come just before the end.
		_i=$((_i + 1))
		if [ $((_i % 10)) = 0 ] && ! xl domid "$1" >/dev/null 2>&1; then
			_gone=1
			continue
		fi
		sleep 0.5
	done
}

domu_wait_gone() {
	[ $# = 2 ] || { echo "usage: domu_wait_gone NAME TIMEOUT" >&2; return 1; }
	_end=$(($(domu__now) + $2))
	while xl domid "$1" >/dev/null 2>&1; do
		if [ "$(domu__now)" -ge "$_end" ]; then
			echo "domu_wait_gone: $1: still running after $2 s" >&2
			return 1
		fi
		sleep 0.5
	done
	return 0
}

domu_destroy() {
	xl destroy "$1" >/dev/null 2>&1 || true
}

domu_log() {
	_lf=$(domu_logfile "$1")
	if [ -f "$_lf" ]; then cat "$_lf"; else echo "(no console log for $1: $_lf)"; fi
}
