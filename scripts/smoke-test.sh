#!/bin/bash
# Smoke test of the whole environment: build/fetch everything (cached), boot
# Xen + dom0 in QEMU, start one PVH and one PV domU (Debian's kernel, busybox
# initramfs) from dom0 with xl, and check each says hello.
#
# Usage: scripts/smoke-test.sh [--log FILE] [--timeout S] [--verbose] [--flask]
#   --log FILE   console log (default ${TMPDIR:-/tmp}/va-smoke.log)
#   --timeout S  QEMU timeout (default 600)
#   --verbose    stream the console to stdout
#   --flask      use the XSM/Flask build of Xen (flask=enforcing)
# Prints the TAP lines from dom0 on stdout; exit 0 when all passed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

logf=${TMPDIR:-/tmp}/va-smoke.log
tmo=600
verbose=0
flask=()
while [ $# -gt 0 ]; do
	case $1 in
	--log) logf=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	--verbose) verbose=1 ;;
	--flask) flask=(--flask) ;;
	-h | --help) sed -n '2,11p' "$0"; exit 0 ;;
	*) die "unknown argument: $1" ;;
	esac
	shift
done

t0=$(date +%s)
"$VA_SCRIPTS/build-xen.sh" ${flask[@]+"${flask[@]}"} >/dev/null
eval "$("$VA_SCRIPTS/fetch-kernel.sh" --env)"
"$VA_SCRIPTS/build-rootfs.sh" >/dev/null

work=$(mktemp -d "${TMPDIR:-/tmp}/va-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

# domU payload
mkdir -p "$work/domu/opt/va"
cat >"$work/domu/opt/va/domu-run" <<'EOT'
#!/bin/sh
gt=$(cat /sys/hypervisor/guest_type 2>/dev/null || echo unknown)
hv=$(cat /sys/hypervisor/type 2>/dev/null || echo none)
dm=$(dmesg | grep -m1 -o -E 'Booting paravirtualized kernel on Xen[^,]*|Hypervisor detected: Xen[^,]*' || true)
mods=$(modprobe -a virtio_blk virtio_net virtio-rng xen-blkfront 2>&1 && echo ok || echo FAIL)
echo "hello from domU $(uname -r) hypervisor=$hv guest_type=$gt modules=$mods dmesg='$dm'"
EOT

# dom0 payload
mkdir -p "$work/dom0/opt/va/guest"
cp "$VMLINUZ" "$work/dom0/opt/va/guest/vmlinuz"
"$VA_SCRIPTS/mk-domu-initrd.sh" "$work/domu" "$work/dom0/opt/va/guest/domu.cpio.gz"
cat >"$work/dom0/opt/va/run" <<'EOT'
#!/bin/sh
. /opt/va/lib/domu.sh
. /opt/va/lib/tap.sh
G=/opt/va/guest
tap_plan 3
tap_ok "dom0 boots"
domu_start va-pvh pvh $G/vmlinuz $G/domu.cpio.gz || true
domu_start va-pv pv $G/vmlinuz $G/domu.cpio.gz || true
xl list | tap_diag
for t in pvh pv; do
	T=$(echo $t | tr a-z A-Z)
	if domu_wait_line va-$t "hello from domU .*guest_type=$T modules=ok" 240 &&
		domu_wait_gone va-$t 60; then
		tap_ok "$t domU"
		grep -a -m1 'hello from domU' "$(domu_logfile va-$t)" | tap_diag
	else
		tap_not_ok "$t domU"
		xl list | tap_diag
		domu_log va-$t | tail -n 40 | tap_diag
		domu_destroy va-$t
	fi
done
tap_done
EOT
chmod +x "$work/dom0/opt/va/run"

args=(--overlay "$work/dom0" --log "$logf" --timeout "$tmo" ${flask[@]+"${flask[@]}"})
[ $verbose = 1 ] || args+=(--quiet)
set +e
"$VA_SCRIPTS/run-xen.sh" "${args[@]}"
rc=$?
set -e
grep -a -E '^(1\.\.[0-9]+|(not )?ok [0-9]+|# )' "$logf" || true
nok=$(grep -a -c -E '^ok [0-9]+' "$logf" || true)
log "total $(($(date +%s) - t0))s, console log: $logf"
if [ "$rc" != 0 ] || [ "$nok" != 3 ]; then
	die "smoke test FAILED (run-xen status $rc, $nok/3 ok)"
fi
log "smoke test passed"
