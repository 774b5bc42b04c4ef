#!/bin/bash
# Build the cached initramfs images for dom0 and domU.
#
# Usage: scripts/build-rootfs.sh            (needs root: debootstrap)
# Output (stdout, shell assignments: eval "$(scripts/build-rootfs.sh)"):
#   DOM0_BASE=$VA_CACHE/rootfs-$KVER-KEY/dom0-base.cpio.gz
#   DOMU_BASE=$VA_CACHE/rootfs-$KVER-KEY/domu-base.cpio.gz
# dom0-base: Debian bookworm minbase + xen-utils-4.17 (toolstack matching the
#   hypervisor), busybox, kmod, iproute2, procps, systemd (for the unit's
#   test only; /init is not systemd), the kernel modules dom0
#   needs (uncompressed .ko + depmod), and /init (scripts/dom0-init.sh).
# domu-base: busybox-static + the domU modules (virtio, xen front-ends) +
#   /init (scripts/domu-init.sh), which runs /opt/va/domu-run if present.
# Modules: VA_DOM0_MODULES / VA_DOMU_MODULES in lib.sh; extra ones:
#   VA_DOM0_EXTRA_MODULES / VA_DOMU_EXTRA_MODULES (names).
# Cache: $VA_CACHE/dom0-tree-$VA_SUITE-PKGKEY/ (debootstrap tree, reused
#   across kernels; PKGKEY hashes the package list),
#   $VA_CACHE/rootfs-$KVER-KEY/ (the two images; KEY hashes the module
#   lists and this script).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

case ${1:-} in
"") ;;
-h | --help) sed -n '2,16p' "$0"; exit 0 ;;
*) die "unknown argument: $1" ;;
esac

va_kver
# The images depend on the module lists and on this script: key the cache
# by them too, so that adding a module rebuilds. (The init scripts are
# overlaid at every boot and need no rebuild.)
key=$(printf '%s\n' "$VA_DOM0_MODULES" "$VA_DOMU_MODULES" |
	cat - "$VA_SCRIPTS/build-rootfs.sh" | sha256sum | cut -c1-12)
out=$VA_CACHE/rootfs-$KVER-$key
print_vars() {
	printf 'DOM0_BASE=%q\nDOMU_BASE=%q\n' "$out/dom0-base.cpio.gz" \
		"$out/domu-base.cpio.gz"
}
if stamp_ok "$out"; then
	print_vars
	exit 0
fi

need_cmd cpio gzip find depmod modprobe xz
eval "$("$VA_SCRIPTS/fetch-kernel.sh" --env)"

# 1. dom0 userland: debootstrap (cached independently of the kernel).
# systemd: not dom0's init (dom0-init.sh is), but the service manager the
# back-end's unit is tested under (tests/integration/dom0-systemd.sh).
pkgs=xen-utils-4.17,busybox,kmod,iproute2,procps,systemd
tree=$VA_CACHE/dom0-tree-$VA_SUITE-$(echo "$pkgs" | sha256sum | cut -c1-8)
if ! stamp_ok "$tree"; then
	need_root
	need_cmd debootstrap
	log "rootfs: debootstrap $VA_SUITE minbase + xen-utils-4.17 (~1-3 min)"
	rm -rf "$tree"
	mkdir -p "$tree"
	run_logged "$tree/debootstrap.log" debootstrap --variant=minbase \
		--include="$pkgs" \
		"$VA_SUITE" "$tree/root" "$VA_MIRROR"
	r=${tree:?}/root
	# Trim what an initramfs never needs.
	rm -rf "${r:?}"/usr/share/doc/* "${r:?}"/usr/share/man/* "${r:?}"/usr/share/info/* \
		"${r:?}"/usr/share/locale/* "${r:?}"/usr/share/i18n/* "${r:?}"/var/cache/apt/* \
		"${r:?}"/var/lib/apt/lists/* "${r:?}"/var/log/*.log "${r:?}"/var/cache/debconf/*-old \
		"${r:?}"/usr/share/zoneinfo/[a-zA-Z]*/ "${r:?}"/usr/lib/modules/* "${r:?}"/boot/*
	# shellcheck disable=SC2016
	xv=$(chroot "$r" dpkg-query -W -f='${Version}' xen-utils-4.17 2>/dev/null || true)
	echo "$xv" >"$tree/xen-utils-version"
	[ "$xv" = "$XEN_DEB_VERSION" ] ||
		log "rootfs: WARNING: xen-utils-4.17 is '$xv', hypervisor source is $XEN_DEB_VERSION"
	stamp_set "$tree"
fi

pack() { # pack DIR OUT.cpio.gz (padded: see va_initrd in lib.sh)
	va_mkcpio "$1" | gzip -6 >"$2.tmp"
	truncate -s %512 "$2.tmp"
	mv "$2.tmp" "$2"
}

rm -rf "$out"
mkdir -p "$out"
stage=$out/stage

# 2. dom0 image.
log "rootfs: assembling dom0-base ($KVER)"
mkdir -p "$stage/dom0"
cp -a "$tree/root/." "$stage/dom0/"
# shellcheck disable=SC2086 # word lists
va_copy_modules "$stage/dom0" $VA_DOM0_MODULES
install -m 0755 "$VA_SCRIPTS/dom0-init.sh" "$stage/dom0/init"
mkdir -p "$stage/dom0/var/log/xen/console" "$stage/dom0/var/lib/xen" \
	"$stage/dom0/var/lib/xenstored" "$stage/dom0/run" "$stage/dom0/tmp" \
	"$stage/dom0/opt/va"
log "rootfs: packing dom0-base.cpio.gz (~1 min)"
pack "$stage/dom0" "$out/dom0-base.cpio.gz"

# 3. domU image: busybox-static only.
log "rootfs: assembling domu-base ($KVER)"
bb=/bin/busybox
[ -x "$bb" ] && "$bb" --list >/dev/null 2>&1 && ! ldd "$bb" >/dev/null 2>&1 ||
	die "$bb must be busybox-static (apt-get install busybox-static)"
d=$stage/domu
mkdir -p "$d"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,root,etc,opt/va}
cp "$bb" "$d/bin/busybox"
for a in $("$bb" --list-full); do
	[ -e "$d/$a" ] || ln -s /bin/busybox "$d/$a"
done
echo 'root:x:0:0:root:/root:/bin/sh' >"$d/etc/passwd"
# shellcheck disable=SC2086
va_copy_modules "$d" $VA_DOMU_MODULES
install -m 0755 "$VA_SCRIPTS/domu-init.sh" "$d/init"
pack "$d" "$out/domu-base.cpio.gz"

rm -rf "$stage"
stamp_set "$out"
print_vars
