# shellcheck shell=bash
# Common settings and helpers for the virtio-argo test environment.
# Source it from the other scripts:  . "$(dirname "$0")/lib.sh"
#
# Environment (all optional):
#   VA_CACHE      cache root               (default ~/.cache/virtio-argo)
#   VA_MIRROR     Debian archive           (default http://deb.debian.org/debian)
#   VA_SUITE      Debian suite             (default bookworm)
#   VA_KVER       kernel version, e.g. 6.12.117+deb12-amd64
#                 (default: newest linux-image-6.12.*+deb12-amd64-unsigned the
#                 archive offers, chosen once and recorded in $VA_CACHE/kver)
#   VA_JOBS       make -j                  (default nproc)
#   VA_VERBOSE=1  show the output of the steps

VA_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VA_TOP=$(cd "$VA_SCRIPTS/.." && pwd)
VA_CACHE=${VA_CACHE:-$HOME/.cache/virtio-argo}
VA_MIRROR=${VA_MIRROR:-http://deb.debian.org/debian}
VA_SUITE=${VA_SUITE:-bookworm}
VA_JOBS=${VA_JOBS:-$(nproc)}
VA_VERBOSE=${VA_VERBOSE:-0}
XEN_DEB_VERSION=4.17.5+72-g01140da4e8-1

export VA_CACHE VA_MIRROR VA_SUITE

log() { printf '%s: %s\n' "${0##*/}" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "${0##*/}" "$*" >&2; exit 1; }

# run_logged LOGFILE CMD...: run CMD with its output going to LOGFILE (and to
# stderr when VA_VERBOSE=1); on failure show the tail of the log and die.
run_logged() {
	local logf=$1; shift
	mkdir -p "$(dirname "$logf")"
	if [ "$VA_VERBOSE" = 1 ]; then
		if "$@" 2>&1 | tee -a "$logf" >&2; then return 0; fi
	else
		if "$@" >>"$logf" 2>&1; then return 0; fi
	fi
	printf '%s: ERROR: command failed: %s\n' "${0##*/}" "$*" >&2
	printf '%s: ---- last lines of %s ----\n' "${0##*/}" "$logf" >&2
	tail -n 30 "$logf" >&2
	exit 1
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			die "'$c' not found; run scripts/deps.sh first"
	done
}

need_root() {
	[ "$(id -u)" = 0 ] || die "this step needs root (debootstrap / apt-get)"
}

# A directory is complete when its stamp file exists (written last).
stamp_ok() { [ -f "$1/.stamp" ]; }
stamp_set() { date -u +%FT%TZ >"$1/.stamp"; }

# Private apt configuration with only a deb-src line for the Debian archive
# (used for `apt-get source xen`); never touches the system's apt sources.
# Binary packages (kernel, which lives in bookworm-security) come from the
# system's apt configuration.
VA_APT_DIR=$VA_CACHE/apt
va_apt_setup() {
	local d=$VA_APT_DIR
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/sources.list.d"
	cat >"$d/sources.list.new" <<EOT
deb-src $VA_MIRROR $VA_SUITE main
EOT
	mv "$d/sources.list.new" "$d/sources.list"
	VA_APT_OPTS=(
		-o "Dir::Etc::SourceList=$d/sources.list"
		-o "Dir::Etc::SourceParts=$d/sources.list.d"
		-o "Dir::State::Lists=$d/lists"
		-o "Dir::Cache=$d/cache"
		-o "APT::Sandbox::User=root"
		-o "Debug::NoLocking=1"
	)
	# refresh the private index at most once a day
	if [ ! -f "$d/lists/.updated" ] ||
		[ -n "$(find "$d/lists/.updated" -mmin +1440)" ]; then
		log "apt: updating private package index ($VA_MIRROR $VA_SUITE)"
		run_logged "$d/update.log" apt-get -q "${VA_APT_OPTS[@]}" update
		touch "$d/lists/.updated"
	fi
}
va_apt_get() { apt-get -q "${VA_APT_OPTS[@]}" "$@"; }
va_apt_cache() { apt-cache "${VA_APT_OPTS[@]}" "$@"; }

# Kernel version: VA_KVER, else the one recorded in the cache, else the
# newest 6.12 the archive offers (then recorded).
va_kver() {
	if [ -n "${VA_KVER:-}" ]; then
		KVER=$VA_KVER
	elif [ -s "$VA_CACHE/kver" ]; then
		KVER=$(cat "$VA_CACHE/kver")
	else
		KVER=$(apt-cache search --names-only \
			'^linux-image-6\.12\..*\+deb12-amd64-unsigned$' |
			sed -n 's/^linux-image-\(6\.12\.[^ ]*\)-unsigned .*/\1/p' |
			sort -V | tail -n1)
		[ -n "$KVER" ] || die "no linux-image-6.12.*+deb12-amd64-unsigned known to apt (run apt-get update; the kernel comes from bookworm-security)"
		mkdir -p "$VA_CACHE"
		echo "$KVER" >"$VA_CACHE/kver"
		log "kernel: chose $KVER (recorded in $VA_CACHE/kver; override with VA_KVER)"
	fi
	case $KVER in
	*-amd64) ;;
	*) die "VA_KVER must look like 6.12.117+deb12-amd64 (got '$KVER')" ;;
	esac
	KERNEL_DIR=$VA_CACHE/kernel-$KVER
	export KVER KERNEL_DIR
}

XEN_DIR_DEFAULT=$VA_CACHE/xen-$XEN_DEB_VERSION-argo
XEN_DIR_FLASK=$VA_CACHE/xen-$XEN_DEB_VERSION-argo-flask

# va_mkcpio DIR: uncompressed newc cpio of DIR's tree (owned by root), stdout.
va_mkcpio() {
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet)
}

# va_initrd OUT BASE [DIR...]: OUT = BASE (a compressed cpio) + one
# uncompressed cpio per DIR, appended (later files win in the guest).
# Linux only finds an appended archive that starts 4-byte aligned within the
# whole initrd (init/initramfs.c), so BASE is padded with zeros, which the
# kernel skips.
va_initrd() {
	local out=$1 base=$2 d
	shift 2
	cp "$base" "$out.tmp"
	truncate -s %512 "$out.tmp"
	for d in "$@"; do
		va_mkcpio "$d" >>"$out.tmp"
	done
	mv "$out.tmp" "$out"
}

# The Debian kernel modules in the cached initramfs images (build-rootfs.sh):
# what dom0 needs for the toolstack and the back-ends, and the stock virtio
# and Xen front-end drivers of the guests.
VA_DOM0_MODULES="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd
	xen-blkback xen-netback loop tun bridge ext4 virtio_blk virtio_net virtio-rng
	virtio_mmio vhost_iotlb ${VA_DOM0_EXTRA_MODULES:-}"
VA_DOMU_MODULES="virtio_blk virtio_net virtio-rng virtio_console virtio_mmio
	xen-blkfront xen-netfront ext4 ${VA_DOMU_EXTRA_MODULES:-}"

# va_copy_modules DESTROOT NAMES...: copy modules and their dependencies from
# the unpacked kernel (KVER, KERNEL_DIR, MODDIR: fetch-kernel.sh --env),
# uncompressed, into DESTROOT/lib/modules/KVER/, then depmod there. Modules
# already placed in that tree (e.g. the project's own, in extra/) are
# indexed too.
va_copy_modules() {
	local dest=$1 m f rel
	shift
	local files
	files=$(for m in "$@"; do
		modprobe -S "$KVER" -d "$KERNEL_DIR/root" --show-depends "$m" ||
			die "module $m not found for $KVER"
	done | awk '$1 == "insmod" { print $2 }' | sort -u)
	for f in $files; do
		f=${f#"$KERNEL_DIR/root"}
		rel=${f#/lib/modules/"$KVER"/}
		rel=${rel#/usr/lib/modules/"$KVER"/}
		mkdir -p "$dest/lib/modules/$KVER/$(dirname "$rel")"
		case $f in
		*.xz) xz -dc "$KERNEL_DIR/root$f" >"$dest/lib/modules/$KVER/${rel%.xz}" ;;
		*) cp "$KERNEL_DIR/root$f" "$dest/lib/modules/$KVER/$rel" ;;
		esac
	done
	cp "$MODDIR"/modules.order "$MODDIR"/modules.builtin* "$dest/lib/modules/$KVER/"
	depmod -b "$dest" "$KVER"
}
