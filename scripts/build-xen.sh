#!/bin/bash
# Build the Xen hypervisor (Debian's xen source, exact version) with Argo.
#
# Usage: scripts/build-xen.sh [--flask]
#   --flask   also enable XSM/Flask with the built-in default policy
# Prints the path of the hypervisor image (ELF multiboot, for QEMU -kernel):
#   $VA_CACHE/xen-<debver>-argo/xen         (default)
#   $VA_CACHE/xen-<debver>-argo-flask/xen   (--flask)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

flask=0
while [ $# -gt 0 ]; do
	case $1 in
	--flask) flask=1 ;;
	-h | --help) sed -n '2,9p' "$0"; exit 0 ;;
	*) die "unknown argument: $1" ;;
	esac
	shift
done

if [ $flask = 1 ]; then out=$XEN_DIR_FLASK; else out=$XEN_DIR_DEFAULT; fi
if stamp_ok "$out" && [ -f "$out/xen" ]; then
	echo "$out/xen"
	exit 0
fi

need_cmd apt-get dpkg-source flex bison python3 gcc make
[ $flask = 0 ] || need_cmd checkpolicy

# 1. Debian source (shared by both variants), with Debian's patches applied.
src=$VA_CACHE/xen-src-$XEN_DEB_VERSION
if ! stamp_ok "$src"; then
	log "xen: fetching Debian source xen=$XEN_DEB_VERSION"
	va_apt_setup
	rm -rf "$src"
	mkdir -p "$src"
	(cd "$src" && run_logged "$src/source.log" \
		apt-get -q "${VA_APT_OPTS[@]}" source "xen=$XEN_DEB_VERSION")
	tree=$(find "$src" -mindepth 1 -maxdepth 1 -type d -name 'xen-*' | head -n1)
	[ -n "$tree" ] && [ -f "$tree/xen/Makefile" ] ||
		die "xen source tree not found under $src"
	ln -sfn "$(basename "$tree")" "$src/tree"
	stamp_set "$src"
fi

# 2. Hypervisor-only build in a private copy of the tree.
variant=argo
[ $flask = 0 ] || variant=argo-flask
log "xen: building hypervisor ($variant, ~2-4 min)"
rm -rf "$out"
mkdir -p "$out"
build=$out/build
cp -a "$src/tree/." "$build"
blog=$out/build.log
run_logged "$blog" make -C "$build/xen" defconfig
cfg=$build/xen/.config
setcfg() { # setcfg NAME VALUE
	sed -i -e "/^$1=/d" -e "/^# $1 is not set/d" "$cfg"
	echo "$1=$2" >>"$cfg"
}
setcfg CONFIG_UNSUPPORTED y
setcfg CONFIG_ARGO y
if [ $flask = 1 ]; then
	setcfg CONFIG_XSM y
	setcfg CONFIG_XSM_FLASK y
	setcfg CONFIG_XSM_FLASK_POLICY y
fi
run_logged "$blog" make -C "$build/xen" olddefconfig
want=(CONFIG_ARGO=y)
[ $flask = 0 ] || want+=(CONFIG_XSM_FLASK=y CONFIG_XSM_FLASK_POLICY=y)
for w in "${want[@]}"; do
	grep -qx "$w" "$cfg" || die "$w did not stick in xen/.config (see $cfg)"
done
run_logged "$blog" make -C "$build/xen" -j"$VA_JOBS"
[ -f "$build/xen/xen" ] || die "xen/xen was not produced (see $blog)"
cp "$build/xen/xen" "$build/xen/.config" "$out/"
[ ! -f "$build/xen/xen-syms" ] || cp "$build/xen/xen-syms" "$out/"
rm -rf "$build"
stamp_set "$out"
log "xen: done: $out/xen"
echo "$out/xen"
