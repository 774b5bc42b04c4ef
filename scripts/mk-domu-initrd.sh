#!/bin/bash
# Make a domU initramfs: the cached domu-base.cpio.gz (busybox, modules,
# /init) + the current scripts/domu-init.sh + an uncompressed cpio of
# OVERLAYDIR appended. The domU /init runs OVERLAYDIR/opt/va/domu-run.
#
# Usage: scripts/mk-domu-initrd.sh OVERLAYDIR OUT
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || die "usage: ${0##*/} OVERLAYDIR OUT"
ovl=$1 out=$2
[ -d "$ovl" ] || die "$ovl: not a directory"
eval "$("$VA_SCRIPTS/build-rootfs.sh")"
need_cmd cpio
tmp=$(mktemp -d "${TMPDIR:-/tmp}/va-domu.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
install -m 0755 "$VA_SCRIPTS/domu-init.sh" "$tmp/init"
va_initrd "$out" "$DOMU_BASE" "$tmp" "$ovl"
