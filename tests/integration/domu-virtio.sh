#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# virtio-argo integration tests, domU side (busybox sh). The domU's /init
# runs it as /opt/va/domu-run; dom0 (dom0-virtio.sh) reads its console.
# Everything it reports is a line starting with "VA-VIRTIO: ".
#
# What it reports (dom0 decides what is expected for the guest's type):
#   start guest_type=T acpi=yes|no
#   table NAME            the installed ACPI table whose body is the SSDT of
#                         scripts/mk-firmware.sh ($VA/firmware/virtio-argo.aml)
#   notable               no such table
#   dev NAME hid=.. uid=.. path=.. modalias=..   each XARG0001 (or PRP0001)
#                         platform device
#   devices N             how many there are
#   param VALUE           virtio_argo.backends= on the kernel command line
#   stock OK|FAILED       modprobe of the stock virtio drivers
#   dmesg: ...            ACPI table upgrade lines, warnings
#   done rc=N
# Kernel command line: va.transport=1 also runs the transport part (below).
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() {
	echo "VA-VIRTIO: $*"
}

AML=$VA/firmware/virtio-argo.aml
# The stock Debian virtio drivers the transport's tests bind (modules in
# Debian's kernel; virtio, virtio_ring and virtio_console are built in).
STOCK_MODULES="virtio_rng virtio_blk virtio_net"

acpi=no
[ ! -d /sys/firmware/acpi/tables ] || acpi=yes
say "start guest_type=$(cat /sys/hypervisor/guest_type 2>/dev/null) acpi=$acpi"
rc=0

# ---- firmware: what the kernel found
if _t=$(acpi_table_match "$AML"); then
	say "table $_t"
else
	say "notable"
fi
_n=0
for _p in /sys/bus/platform/devices/XARG0001:* /sys/bus/platform/devices/PRP0001:*; do
	[ -e "$_p" ] || continue
	_n=$((_n + 1))
	say "dev ${_p##*/} $(platform_dev_info "${_p##*/}")"
done
say "devices $_n"
say "param $(cmdline_val virtio_argo.backends)"
dmesg | grep -a -E 'Table Upgrade|XARG0001|PRP0001' | sed 's/^/VA-VIRTIO: dmesg: /'

# ---- the stock virtio drivers and the project's modules from modules.dep
# shellcheck disable=SC2086 # a word list
if modprobe -a $STOCK_MODULES 2>"$VA_TMP/stock.err"; then
	say "stock OK"
else
	say "stock FAILED"
	sed 's/^/VA-VIRTIO: stock: /' "$VA_TMP/stock.err"
	rc=1
fi

# ---- TRANSPORT TESTS (virtio_argo.ko; va.transport=1) ----------------
# To be written with the transport: modprobe virtio_argo (it finds the
# back-end from the XARG0001 device or virtio_argo.backends=), then
#   - the entropy device: /dev/hwrng gives bytes
#     (dd if=/dev/hwrng bs=64 count=4 | wc -c), rng_current is virtio_rng;
#   - the console: /dev/hvc1 round trip with the back-end's echo;
#   - block and network (next issue).
# Report each as a "VA-VIRTIO: transport: ..." line for dom0-virtio.sh.
if [ "$(cmdline_val va.transport 0)" = 1 ]; then
	say "transport: not written yet"
fi
# ---- END OF TRANSPORT TESTS ------------------------------------------

dmesg | grep -a -E 'WARNING:|BUG:|Oops' | tail -n 10 | sed 's/^/VA-VIRTIO: dmesg: /'
say "done rc=$rc"
exit $rc
