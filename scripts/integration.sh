#!/bin/bash
# Integration tests on real Xen with Argo: packs the modules, the argo tool,
# the test scripts, the guest kernel and a domU initrd into an overlay,
# boots Xen + dom0 in QEMU (scripts/run-xen.sh) and runs
# tests/integration/dom0-argo.sh there; the dom0 script starts the PVH and
# PV domUs itself.
#
# Usage: scripts/integration.sh [DOM0-SCRIPT]   (default dom0-argo.sh)
# Prints the TAP lines of the run on stdout; the whole console goes to
# build/check/<script>-console.log. Exit status: non-zero when the boot or
# any test failed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

script=${1:-dom0-argo.sh}
[ -f "$VA_TOP/tests/integration/$script" ] ||
	die "tests/integration/$script does not exist"
eval "$("$VA_SCRIPTS/fetch-kernel.sh" --env)"

out=$VA_TOP/build/check
console=$out/${script%.sh}-console.log
mkdir -p "$out"
ov=$(mktemp -d "${TMPDIR:-/tmp}/va-ov.XXXXXX")
domu=$(mktemp -d "${TMPDIR:-/tmp}/va-domu.XXXXXX")
trap 'rm -rf "$ov" "$domu"' EXIT

# What both dom0 and the domUs get under /opt/va.
populate() {
	local d=$1/opt/va
	mkdir -p "$d/modules" "$d/bin" "$d/tests"
	install -m 0644 "$VA_TOP/drivers/xen/argo/xen-argo.ko" \
		"$VA_TOP/tests/kmod/argo_api_test.ko" "$d/modules/"
	install -m 0755 "$VA_TOP/tools/argo/argo" "$d/bin/"
	cp -r "$VA_TOP/tests/integration" "$VA_TOP/tests/lib" "$d/tests/"
}

for f in drivers/xen/argo/xen-argo.ko tests/kmod/argo_api_test.ko tools/argo/argo; do
	[ -f "$VA_TOP/$f" ] || die "$f is not built: run 'make' first"
done

populate "$domu"
cat >"$domu/opt/va/domu-run" <<'EOS'
#!/bin/sh
exec sh /opt/va/tests/integration/domu-argo.sh
EOS
chmod 0755 "$domu/opt/va/domu-run"

populate "$ov"
mkdir -p "$ov/opt/va/guest"
install -m 0644 "$VMLINUZ" "$ov/opt/va/guest/vmlinuz"
"$VA_SCRIPTS/mk-domu-initrd.sh" "$domu" "$ov/opt/va/guest/domu-argo.img"
# Kernel messages below warning stay in dmesg, off the console: the console
# carries the TAP lines, and printk must not split them.
cat >"$ov/opt/va/run" <<EOS
#!/bin/sh
dmesg -n 4
cd /opt/va/tests/integration && sh ./$script
rc=\$?
echo "---- dom0 dmesg ----"
dmesg | tail -n 300
exit \$rc
EOS
chmod 0755 "$ov/opt/va/run"

rc=0
"$VA_SCRIPTS/run-xen.sh" --overlay "$ov" --log "$console" --quiet \
	--timeout "${VA_TIMEOUT:-1200}" || rc=$?
tr -d '\r' <"$console" | grep -aE '^(not )?ok [0-9]+ ' || true
if grep -aq '^not ok ' "$console" && [ "$rc" = 0 ]; then
	rc=1
fi
[ "$rc" = 0 ] || log "integration run $script failed (rc=$rc); console: ${console#"$VA_TOP"/}"
exit "$rc"
