#!/bin/sh
# /init of the domU initramfs (busybox-static). Console: hvc0.
# Mounts the pseudo filesystems, runs /opt/va/domu-run if present (added by
# an overlay, see scripts/mk-domu-initrd.sh), then powers off.
# Prints "VA-DOMU-START <kernel>" and "VA-DOMU-DONE rc=<rc>".
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
[ ! -d /proc/xen ] || mount -t xenfs xenfs /proc/xen 2>/dev/null
echo "VA-DOMU-START $(uname -r)"
rc=0
if [ -e /opt/va/domu-run ]; then
	cd /opt/va || true
	sh /opt/va/domu-run </dev/null 2>&1
	rc=$?
	cd /
fi
echo "VA-DOMU-DONE rc=$rc"
sync
# A PVH (or HVM) domU has no way to power off (its ACPI tables offer no S5:
# Linux says "Power off not available: System halted instead" and the domain
# stays alive). Reboot instead: domu.sh boots PVH with reboot=t (triple
# fault -> Xen shuts the domain down) and sets on_reboot = "destroy".
case $(cat /sys/hypervisor/guest_type 2>/dev/null) in
PV) poweroff -f ;;
*) reboot -f ;;
esac
sleep 10
echo c >/proc/sysrq-trigger
