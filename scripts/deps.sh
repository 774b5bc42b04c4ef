#!/bin/bash
# Install the Debian 12 host packages the project needs (idempotent: only
# calls apt-get when something is missing). Needs root for that.
#
# Usage: scripts/deps.sh [--check]
#   --check   only report missing packages (exit 1 if any)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	# Xen hypervisor build
	gcc make flex bison python3 perl libc6-dev dpkg-dev checkpolicy
	# out-of-tree modules against Debian's headers (BTF needs pahole)
	libelf-dev bc dwarves kmod
	# static checks
	sparse codespell
	# firmware tables (ACPI SSDT, Device Tree)
	acpica-tools device-tree-compiler dt-schema
	# images and booting
	qemu-system-x86 debootstrap cpio busybox-static xz-utils zstd gzip
	rsync coreutils
	# make bench: the plot (PNG)
	gnuplot-nox
)

check=0
case ${1:-} in
--check) check=1 ;;
"") ;;
-h | --help) sed -n '2,7p' "$0"; exit 0 ;;
*) die "unknown argument: $1" ;;
esac

installed=" $(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${PKGS[@]}" 2>/dev/null |
	awk '$1 == "installed" { printf "%s ", $2 }' || true)"
missing=()
for p in "${PKGS[@]}"; do
	[[ $installed == *" $p "* ]] || missing+=("$p")
done
# The kernel, linux-source and Debian's own Xen come through apt-get
# download: they need a package index even when nothing is missing here.
if [ $check = 0 ] && ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
	need_root
	mkdir -p "$VA_CACHE"
	log "deps: no package index yet: apt-get update"
	run_logged "$VA_CACHE/deps.log" apt-get -q -o DPkg::Lock::Timeout=600 update
fi
[ ${#missing[@]} -gt 0 ] || exit 0
if [ $check = 1 ]; then
	echo "missing: ${missing[*]}"
	exit 1
fi
need_root
log "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_install() {
	apt-get -q -y -o DPkg::Lock::Timeout=600 install --no-install-recommends "${missing[@]}"
}
logf=$VA_CACHE/deps.log
mkdir -p "$VA_CACHE"
: >"$logf"
if ! apt_install >>"$logf" 2>&1; then
	log "deps: install failed, refreshing the package index and retrying"
	run_logged "$logf" apt-get -q -o DPkg::Lock::Timeout=600 update
	run_logged "$logf" apt_install
fi
