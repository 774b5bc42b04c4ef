#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the Flask policy of the access control test: Xen's example policy
# (tools/flask/policy of the Xen source scripts/build-xen.sh uses) without
# its blanket Argo rule, plus tests/integration/flask/virtio_argo.te, which
# allows Argo only between the pairs of domain types it names.
#
# Usage: tests/integration/flask/mk-policy.sh OUTFILE
#   Writes the binary policy to OUTFILE (for `xl loadpolicy OUTFILE`) and
#   the m4 output checkpolicy compiled to OUTFILE.conf.
# Needs checkpolicy and m4 (scripts/deps.sh); fetches the Xen source with
# scripts/build-xen.sh --flask if it is not in $VA_CACHE yet.
# Environment: VA_FLASK_TE=FILE  the module to add instead of virtio_argo.te
#   (it is installed as modules/virtio_argo.te)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$HERE/../../../scripts/lib.sh"

[ $# = 1 ] || die "usage: ${0##*/} OUTFILE"
out=$1
need_cmd checkpolicy m4 make

src=$VA_CACHE/xen-src-$XEN_DEB_VERSION/tree
if [ ! -f "$src/tools/flask/policy/Makefile.common" ]; then
	log "no Xen source in $src: running scripts/build-xen.sh --flask"
	"$VA_SCRIPTS/build-xen.sh" --flask >/dev/null
fi
[ -f "$src/tools/flask/policy/Makefile.common" ] ||
	die "$src/tools/flask/policy: not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/va-flask.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Makefile.common finds the hypervisor's classes and access vectors at
# ../../../xen/xsm/flask/policy: keep that layout.
mkdir -p "$work/tools/flask" "$work/xen/xsm/flask" "$work/build"
cp -a "$src/tools/flask/policy" "$work/tools/flask/"
cp -a "$src/xen/xsm/flask/policy" "$work/xen/xsm/flask/"
pol=$work/tools/flask/policy

# The rule that lets every pair of domains use Argo. Fail when it is not
# there exactly once: a newer Xen needs this script looked at again.
rule='allow domain_type domain_type:argo { send register_single_source };'
gf=$pol/modules/guest_features.te
n=$(grep -c -x -F "$rule" "$gf" || true)
[ "$n" = 1 ] || die "$gf: expected the line '$rule' once, found it $n times"
grep -v -x -F "$rule" "$gf" >"$work/gf.te"
cp "$work/gf.te" "$gf"

te=${VA_FLASK_TE:-$HERE/virtio_argo.te}
[ -f "$te" ] || die "$te: no such file"
install -m 0644 "$te" "$pol/modules/virtio_argo.te"
printf '\n# virtio-argo access control test\nvirtio_argo = on\n' \
	>>"$pol/modules/modules.conf"

mkdir -p "$(dirname "$out")"
run_logged "$work/make.log" make -s -f Makefile.common -C "$pol" \
	FLASK_BUILD_DIR="$work/build" POLICY_FILENAME="$out"
cp "$work/build/policy.conf" "$out.conf"
# The built policy must not grant the blanket rule any more.
if grep -q -x -F "$rule" "$out.conf"; then
	die "$out.conf still has '$rule'"
fi
log "policy: $out ($(stat -c %s "$out") bytes)"
