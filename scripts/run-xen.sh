#!/bin/bash
# Boot Xen (with Argo) + a Debian dom0 in QEMU (TCG) and run a payload.
#
# Usage: scripts/run-xen.sh [options] [-- extra qemu args...]
#   --overlay DIR   pack DIR's tree as an extra cpio appended to dom0's
#                   initramfs (repeatable; later overlays win). Put the test
#                   payload at DIR/opt/va/run (run by dom0's /init).
#   --log FILE      also write the whole console output to FILE
#   --quiet         do not stream the console to stdout (use with --log)
#   --timeout S     kill QEMU after S seconds (default 600; exit status 124)
#   --acpitable F   add the ACPI table in file F (e.g. the SSDT of
#                   scripts/mk-firmware.sh) to the machine's tables, which
#                   dom0 reads (QEMU -acpitable file=F; repeatable)
#   --flask         boot the XSM/Flask build (scripts/build-xen.sh --flask)
#                   with flask=enforcing
#   --shell         interactive debugging: dom0 drops to a shell on the
#                   console instead of powering off (stdin is connected)
# Environment:
#   VA_XEN               hypervisor image to boot (default: build-xen.sh output)
#   VA_ARGO_OPTS         Xen's argo= option (default 1,mac-permissive=1)
#   VA_XEN_CMDLINE       extra Xen command line words
#   VA_DOM0_CMDLINE      extra dom0 kernel command line words
#   VA_QEMU_MEM          QEMU memory in MiB (default 2048)
#   VA_DOM0_MEM          dom0_mem (default 1024M)
#   VA_QEMU_EXTRA        extra QEMU arguments (word-split)
#   VA_ACPITABLES        more --acpitable files, separated by ':'
# Exit status: the rc of /opt/va/run from "VA-DOM0-DONE rc=N" (255 when dom0's
# /init failed), 124 on timeout, 125 when dom0 never reported completion
# (e.g. Xen or dom0 crashed).
# Console output contains the markers VA-DOM0-READY and VA-DOM0-DONE rc=N.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

overlays=()
acpitables=()
logfile=
quiet=0
tmo=600
flask=0
shell=0
while [ $# -gt 0 ]; do
	case $1 in
	--overlay) [ $# -ge 2 ] || die "--overlay needs a directory"
		[ -d "$2" ] || die "--overlay $2: not a directory"
		overlays+=("$(cd "$2" && pwd)"); shift ;;
	--acpitable) [ $# -ge 2 ] || die "--acpitable needs a file"
		acpitables+=("$2"); shift ;;
	--log) [ $# -ge 2 ] || die "--log needs a file"; logfile=$2; shift ;;
	--quiet) quiet=1 ;;
	--timeout) [ $# -ge 2 ] || die "--timeout needs seconds"; tmo=$2; shift ;;
	--flask) flask=1 ;;
	--shell) shell=1 ;;
	-h | --help) sed -n '2,30p' "$0"; exit 0 ;;
	--) shift; break ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
	shift
done
case $tmo in '' | *[!0-9]*) die "--timeout: not a number: $tmo" ;; esac
if [ -n "${VA_ACPITABLES:-}" ]; then
	IFS=: read -r -a t <<<"$VA_ACPITABLES"
	acpitables+=("${t[@]}")
fi
for t in ${acpitables[@]+"${acpitables[@]}"}; do
	[ -f "$t" ] || die "--acpitable $t: no such file"
	[[ $(head -c 4 "$t") =~ ^[A-Z0-9_]{4}$ ]] ||
		die "--acpitable $t: not an ACPI table (no signature)"
done

need_cmd qemu-system-x86_64 timeout cpio gzip

if [ -n "${VA_XEN:-}" ]; then
	xen=$VA_XEN
elif [ $flask = 1 ]; then
	xen=$("$VA_SCRIPTS/build-xen.sh" --flask)
else
	xen=$("$VA_SCRIPTS/build-xen.sh")
fi
[ -f "$xen" ] || die "hypervisor image not found: $xen"
eval "$("$VA_SCRIPTS/fetch-kernel.sh" --env)"
eval "$("$VA_SCRIPTS/build-rootfs.sh")"

work=$(mktemp -d "${TMPDIR:-/tmp}/va-run.XXXXXX")
trap 'rm -rf "$work"' EXIT

# initrd = cached base + current init and test library + overlays
mkdir -p "$work/init/opt/va/lib"
install -m 0755 "$VA_SCRIPTS/dom0-init.sh" "$work/init/init"
cp "$VA_TOP"/tests/lib/*.sh "$work/init/opt/va/lib/" 2>/dev/null || true
va_initrd "$work/initrd" "$DOM0_BASE" "$work/init" ${overlays[@]+"${overlays[@]}"}

argo=${VA_ARGO_OPTS-1,mac-permissive=1}
xcmd="console=com1 com1=115200,8n1 dom0_mem=${VA_DOM0_MEM:-1024M},max:${VA_DOM0_MEM:-1024M}"
xcmd+=" loglvl=all guest_loglvl=all"
[ -z "$argo" ] || xcmd+=" argo=$argo"
[ $flask = 0 ] || xcmd+=" flask=enforcing"
xcmd+=" ${VA_XEN_CMDLINE:-}"
kcmd="console=hvc0 earlyprintk=xen panic=-1 loglevel=7 ${VA_DOM0_CMDLINE:-}"
[ $shell = 0 ] || kcmd+=" va.shell=1"
# QEMU's multiboot -initrd separates modules with ',': double any in paths.
esc() { printf '%s' "${1//,/,,}"; }
[[ $kcmd != *,* ]] || die "VA_DOM0_CMDLINE must not contain ','"

# shellcheck disable=SC2054 # commas are part of QEMU option values
qemu=(qemu-system-x86_64 -accel tcg -cpu qemu64,+svm -smp 2
	-m "${VA_QEMU_MEM:-2048}" -no-reboot -nodefaults -no-user-config
	-display none -vga none -serial stdio -monitor none
	-kernel "$xen" -append "$xcmd"
	-initrd "$(esc "$VMLINUZ") $kcmd,$(esc "$work/initrd")")
for t in ${acpitables[@]+"${acpitables[@]}"}; do
	qemu+=(-acpitable "file=$(esc "$t")")
done
# shellcheck disable=SC2206
[ -z "${VA_QEMU_EXTRA:-}" ] || qemu+=(${VA_QEMU_EXTRA})
qemu+=("$@")

# One boot; sets st (QEMU's status) and secs.
boot() {
	log "booting Xen ($(basename "$(dirname "$xen")")) + dom0 $KVER in QEMU (timeout ${tmo}s)"
	[ -z "$logfile" ] || : >"$logfile"
	start=$(date +%s)
	set +e
	if [ $shell = 1 ]; then
		timeout --foreground "$tmo" "${qemu[@]}" | sed -u 's/\r//g' | tee "$con" ${logfile:+"$logfile"}
		st=${PIPESTATUS[0]}
	elif [ $quiet = 1 ]; then
		timeout "$tmo" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r//g' | tee "$con" ${logfile:+"$logfile"} >/dev/null
		st=${PIPESTATUS[0]}
	else
		timeout "$tmo" "${qemu[@]}" </dev/null 2>&1 | sed -u 's/\r//g' | tee "$con" ${logfile:+"$logfile"}
		st=${PIPESTATUS[0]}
	fi
	set -e
	secs=$(($(date +%s) - start))
}

con=$work/console.log
boot
# dom0's kernel died before it ran /init: nothing of ours had run (no
# module loaded, no test started). Under TCG this happens now and then
# while the kernel patches its own code at boot (an int3 left in a
# translated block: "Oops: int3" in sched_clock_cpu). Say so and boot
# once more; a second death is reported as usual.
if [ "$st" != 124 ] && [ $shell = 0 ] &&
	! grep -a -q 'Run /init as init process' "$con" &&
	grep -a -q 'Kernel panic' "$con"; then
	log "dom0's kernel died before running /init ($(grep -a -m1 -E 'Oops|BUG' "$con" || echo 'no oops line')): booting once more"
	[ -z "$logfile" ] || cp "$con" "$logfile.early-death"
	boot
fi

if [ "$st" = 124 ]; then
	log "ERROR: TIMEOUT: QEMU killed after ${tmo}s${logfile:+ (log: $logfile)}"
	exit 124
fi
done_line=$(grep -a -o 'VA-DOM0-DONE rc=[0-9]*' "$con" | tail -n1 || true)
if [ -z "$done_line" ]; then
	why=$(grep -a -m1 -E 'Panic on CPU|Kernel panic|VA-DOM0-ERROR' "$con" || true)
	log "ERROR: dom0 did not finish (QEMU status $st after ${secs}s)${why:+: $why}${logfile:+ (log: $logfile)}"
	exit 125
fi
rc=${done_line##*=}
grep -a -m1 'VA-DOM0-ERROR' "$con" >&2 || true
log "done in ${secs}s: $done_line"
exit "$rc"
