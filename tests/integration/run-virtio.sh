#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Host side of the virtio-argo integration tests: generate the firmware
# tables (scripts/mk-firmware.sh), assemble the dom0 overlay (modules with
# their modules.dep, the back-end, tools/argo, a domU kernel and an
# initramfs that carries the SSDT for the ACPI table upgrade, these scripts),
# boot Xen + dom0 with scripts/run-xen.sh --acpitable (dom0 sees the SSDT
# too) and run tests/integration/dom0-virtio.sh in dom0.
#
# Usage: tests/integration/run-virtio.sh [options]
#   --plumbing     test only the firmware plumbing: virtio_argo.ko and the
#                  back-end are packed if they exist but not required
#   --script NAME  run tests/integration/NAME in dom0 (default dom0-virtio.sh)
#   --ko FILE      xen-argo.ko (default drivers/xen/argo/xen-argo.ko)
#   --vko FILE     virtio_argo.ko (default drivers/virtio/virtio_argo.ko)
#   --backend FILE the back-end (default tools/backend/virtio-argo-backend)
#   --guest FILE   the guests' /opt/va/domu-run (default
#                  tests/integration/domu-virtio.sh)
#   --log FILE     console log (default ${TMPDIR:-/tmp}/va-virtio.log)
#   --timeout S    QEMU time limit (default 1500)
#   --verbose      stream the console
#   --flask        boot Xen with XSM/Flask, enforcing (run-xen.sh --flask),
#                  and put the access control test's policy
#                  (tests/integration/flask/mk-policy.sh) in dom0 at
#                  /opt/va/flask/xenpolicy-virtio-argo
#   --systemd      dom0 hands PID 1 to systemd and runs the script as a
#                  service (scripts/dom0-init.sh); the back-end, its unit
#                  and example are installed as `make install` does
#                  (PREFIX=/usr/local), our modules are in modprobe's path
# Environment:
#   VIRTIO_BACKENDS  the back-ends in the generated tables, DOMID:PORT[:RING]
#                    separated by spaces (default "0:30000": dom0, the
#                    driver's default ring)
#   VIRTIO_PRP0001=1 the tables use _HID PRP0001 + "compatible" instead of
#                    XARG0001 (mk-firmware.sh --prp0001)
#   VIRTIO_TESTS     passed into dom0: the parts of dom0-virtio.sh to run
# In dom0 and in the guests, /lib/modules/KVER/ holds Debian's modules
# (lib.sh: VA_DOM0_MODULES, VA_DOMU_MODULES; virtio_blk, virtio_net,
# virtio-rng among them) and ours in extra/, with depmod run: `modprobe
# virtio_argo` works. The firmware files are in /opt/va/firmware/.
# Prints the TAP lines (renumbered) on stdout; exit 0 when all passed.
set -euo pipefail
# shellcheck source=tests/integration/run-lib.sh
. "$(dirname "$0")/run-lib.sh"

RL_SCRIPT=dom0-virtio.sh
RL_LOG=${TMPDIR:-/tmp}/va-virtio.log
RL_TMO=1500
ko=$VA_TOP/drivers/xen/argo/xen-argo.ko
vko=$VA_TOP/drivers/virtio/virtio_argo.ko
backend=$VA_TOP/tools/backend/virtio-argo-backend
guest=$VA_TOP/tests/integration/domu-virtio.sh
plumbing=0
flask=0
systemd=0
while [ $# -gt 0 ]; do
	case $1 in
	--plumbing) plumbing=1 ;;
	--flask) flask=1 ;;
	--systemd) systemd=1 ;;
	--ko | --vko | --backend | --guest)
		[ $# -ge 2 ] || die "$1 needs a file"
		case $1 in
		--ko) ko=$2 ;;
		--vko) vko=$2 ;;
		--backend) backend=$2 ;;
		--guest) guest=$2 ;;
		esac
		shift ;;
	-h | --help) sed -n '2,41p' "$0"; exit 0 ;;
	*) rl_opt "$@" || die "unknown argument: $1 (see --help)"
		shift $((RL_N - 1)) ;;
	esac
	shift
done
[ -f "$ko" ] || die "$ko not found: run make first"
for f in "$vko" "$backend"; do
	[ -f "$f" ] || [ $plumbing = 1 ] ||
		die "$f not found: build it first (make), give its path (--vko, --backend), or test only the firmware plumbing with --plumbing"
done
[ ! -f "$backend" ] || [ -x "$backend" ] || die "$backend is not executable"
read -r -a backends <<<"${VIRTIO_BACKENDS:-0:30000}"

rl_setup va-virtio
va_kver
fw=$RL_WORK/fw
fwopts=(-q -o "$fw" --install-dir /opt/va/firmware)
[ "${VIRTIO_PRP0001:-0}" = 0 ] || fwopts+=(--prp0001)
"$VA_SCRIPTS/mk-firmware.sh" "${fwopts[@]}" "${backends[@]}"

# Our modules, for insmod by path (lib.sh's argo_load) and in modules.dep.
kos=("$ko")
[ ! -f "$vko" ] || kos+=("$vko")
rl_modules "${kos[@]}"
# mod_tree SIDE LIBDIR NAMES...: the modules NAMES (with dependencies) and
# ours in extra/, indexed by depmod, at SIDE's LIBDIR/modules/KVER (dom0's
# root file system has /lib -> usr/lib, the busybox guest a real /lib).
mod_tree() {
	local side=$1 libdir=$2 stage=$RL_WORK/mods-$1
	shift 2
	mkdir -p "$stage/lib/modules/$KVER/extra" "$RL_WORK/$side/$libdir/modules"
	install -m 0644 "${kos[@]}" "$stage/lib/modules/$KVER/extra/"
	va_copy_modules "$stage" "$@"
	mv "$stage/lib/modules/$KVER" "$RL_WORK/$side/$libdir/modules/"
	mkdir -p "$RL_WORK/$side/opt/va/firmware"
	install -m 0644 "$fw"/virtio-argo.{aml,asl,dsl,cmdline,xl.cfg} \
		"$RL_WORK/$side/opt/va/firmware/"
}
# shellcheck disable=SC2086 # word lists
mod_tree dom0 usr/lib $VA_DOM0_MODULES
# shellcheck disable=SC2086
mod_tree domu lib $VA_DOMU_MODULES
[ ! -f "$backend" ] || install -m 0755 "$backend" "$RL_DOM0/bin/"
if [ $systemd = 1 ]; then
	# What a Xen host gets from `make install`: the back-end in
	# /usr/local/sbin, the unit in /usr/local/lib/systemd/system.
	make -s -C "$VA_TOP/tools/backend" install DESTDIR="$RL_WORK/dom0" \
		PREFIX=/usr/local >/dev/null
	touch "$RL_DOM0/systemd"
fi
# iasl disassembles the tables dom0 sees (Debian's build needs only libc).
! command -v iasl >/dev/null || install -m 0755 "$(command -v iasl)" "$RL_DOM0/bin/"

# The guest's initramfs: the table upgrade cpio first, uncompressed (the
# kernel looks for kernel/firmware/acpi/*.aml only at the start of the
# initrd); its size is a multiple of 512, so every archive after it keeps
# the alignment va_initrd gave it.
rl_domu_script "$guest"
"$VA_SCRIPTS/mk-domu-initrd.sh" "$RL_WORK/domu" "$RL_WORK/domu.img"
[ $(($(stat -c %s "$fw/virtio-argo-acpi.cpio") % 512)) = 0 ] ||
	die "virtio-argo-acpi.cpio: size not a multiple of 512"
cat "$fw/virtio-argo-acpi.cpio" "$RL_WORK/domu.img" >"$RL_DOM0/guest/domu-virtio.img"

boot=(--acpitable "$fw/virtio-argo.aml")
if [ $flask = 1 ]; then
	"$VA_TOP/tests/integration/flask/mk-policy.sh" "$RL_DOM0/flask/xenpolicy-virtio-argo"
	boot+=(--flask)
fi

rl_run_script "$RL_SCRIPT" VIRTIO_TESTS
rc=0
rl_boot "${boot[@]}" || rc=$?
exit $rc
