#!/bin/bash
# Debian's own Xen hypervisor binary (xen-hypervisor-4.17-amd64, the same
# version as our Argo build): it is built WITHOUT Argo, which is what the
# probe tests need to see. Prints the path of the uncompressed image.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=$VA_CACHE/xen-$XEN_DEB_VERSION-debian
if ! stamp_ok "$dir"; then
	rm -rf "$dir"
	mkdir -p "$dir/deb"
	log "xen: downloading Debian's xen-hypervisor-4.17-amd64 $XEN_DEB_VERSION"
	(cd "$dir/deb" && run_logged "$dir/download.log" \
		apt-get download "xen-hypervisor-4.17-amd64=$XEN_DEB_VERSION")
	run_logged "$dir/download.log" dpkg -x "$dir"/deb/*.deb "$dir/root"
	gz=$(find "$dir/root/boot" -name 'xen-4.17-amd64.gz' | head -n 1)
	[ -n "$gz" ] || die "no xen-4.17-amd64.gz in the package"
	gzip -dc "$gz" >"$dir/xen"
	rm -rf "$dir/deb" "$dir/root"
	stamp_set "$dir"
fi
echo "$dir/xen"
