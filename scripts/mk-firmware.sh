#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Generate the firmware descriptions that tell a guest where its
# virtio-argo back-ends are (Documentation/virtio/virtio-argo-firmware.rst).
#
# Usage: scripts/mk-firmware.sh -o DIR [options] [BACKEND...]
#   e.g.   scripts/mk-firmware.sh --backend 0:30000 --out fw
#          scripts/mk-firmware.sh --config /etc/virtio-argo/guest1.conf --out fw
#   BACKEND, --backend BACKEND
#                  DOMID:PORT[:RING]  the back-end's domid, the Argo port it
#                  listens on (virtio-argo-backend's default is 30000) and,
#                  optionally, the size in bytes of the guest's receive ring
#                  for it (a multiple of 16, 48..16777152, e.g. 65472).
#                  Numbers are decimal or 0x-prefixed hex.
#   --config FILE  a back-end from virtio-argo-backend's configuration file
#                  (its port, as the back-end reads it: the file is checked
#                  with virtio-argo-backend --check-config, found in $PATH
#                  or tools/backend/, or $VA_BACKEND); repeatable
#   --backend-domid D  the domid of the domain running the --config
#                  back-ends (default 0, dom0)
#   -o, --out DIR  output directory (created)
#   --prp0001      ACPI: _HID "PRP0001" + _DSD "compatible" = "xen,virtio-argo"
#                  instead of _HID "XARG0001"
#   --install-dir D  where the files will live on the Xen host, for the
#                  paths in the xl snippet (default: DIR, made absolute)
#   -q, --quiet    print nothing but errors (else: what was written and
#                  what to do next)
# Output in DIR:
#   virtio-argo.asl, virtio-argo.aml   ACPI SSDT, source and AML (iasl);
#                  checked: AML -> iasl -d -> AML gives the same bytes,
#                  header length and checksum right
#   virtio-argo.dsl                    the disassembly of that check
#   virtio-argo-acpi.cpio              uncompressed newc cpio holding
#                  kernel/firmware/acpi/virtio-argo.aml: prepend it to a
#                  Linux initramfs for the ACPI table upgrade
#   virtio-argo.dts, virtio-argo.dtbo  Device Tree overlay (dtc), checked by
#                  applying it to an empty tree with fdtoverlay and, when
#                  dt-schema is installed, the result with dt-validate against
#                  Documentation/devicetree/bindings/virtio/xen,virtio-argo.yaml
#   virtio-argo-xl.dts, virtio-argo-xl.dtb  partial Device Tree for xl's
#                  device_tree= (Arm domU; nodes under /passthrough)
#   virtio-argo.cmdline                the module parameter, for PV guests
#   virtio-argo.xl.cfg                 xl configuration snippet
# Needs iasl (acpica-tools), dtc and fdtoverlay (device-tree-compiler), cpio;
# uses dt-validate (dt-schema) if present.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Device properties UUID (ACPI _DSD, "Device Properties UUID for _DSD").
DSD_UUID=daffd814-6eba-4d8c-8a91-bc9bbf4aa301
HID=XARG0001
COMPAT=xen,virtio-argo
DOMID_FIRST_RESERVED=0x7FF0	# Xen's public/xen.h
RING_MIN=48
RING_MAX=0xFFFFC0		# XEN_ARGO_MAX_RING_SIZE

out=
prp=0
instdir=
quiet=0
backends=()
configs=()
be_domid=0
while [ $# -gt 0 ]; do
	case $1 in
	-o | --out) [ $# -ge 2 ] || die "$1 needs a directory"; out=$2; shift ;;
	--backend) [ $# -ge 2 ] || die "--backend needs DOMID:PORT[:RING]"
		backends+=("$2"); shift ;;
	--config) [ $# -ge 2 ] || die "--config needs a file"
		configs+=("$2"); shift ;;
	--backend-domid) [ $# -ge 2 ] || die "--backend-domid needs a domid"
		be_domid=$2; shift ;;
	--prp0001) prp=1 ;;
	--install-dir) [ $# -ge 2 ] || die "--install-dir needs a directory"
		instdir=$2; shift ;;
	-q | --quiet) quiet=1 ;;
	-h | --help) sed -n '3,45p' "$0"; exit 0 ;;
	-*) die "unknown option: $1 (see --help)" ;;
	*) backends+=("$1") ;;
	esac
	shift
done
[ -n "$out" ] || die "no output directory: give -o DIR (see --help)"

# config_port FILE: the port the back-end listens on with --config FILE.
# The back-end itself reads the file, so that a file it would refuse is
# refused here too, with its FILE:LINE message.
config_port() {
	local be=${VA_BACKEND:-} shown
	if [ -z "$be" ]; then
		be=$(command -v virtio-argo-backend 2>/dev/null) ||
			be=$VA_TOP/tools/backend/virtio-argo-backend
	fi
	[ -x "$be" ] ||
		die "--config $1: virtio-argo-backend is needed to read it (make tools, or VA_BACKEND=PATH)"
	[ -r "$1" ] || die "--config $1: cannot read the file"
	shown=$("$be" --config "$1" --check-config) ||
		die "--config $1: the back-end refuses this file (message above)"
	sed -n 's/^port = \([0-9][0-9]*\)$/\1/p' <<<"$shown" | head -n 1
}
for c in ${configs[@]+"${configs[@]}"}; do
	p=$(config_port "$c")
	[ -n "$p" ] || die "--config $c: no port in the back-end's --check-config output"
	backends+=("$be_domid:$p")
done
[ ${#backends[@]} -gt 0 ] || die "no back-end: give one or more DOMID:PORT[:RING], --backend or --config (see --help)"
[ ${#backends[@]} -le 256 ] || die "at most 256 back-ends per table (got ${#backends[@]})"
need_cmd iasl dtc fdtoverlay fdtget cpio cmp od

say() { [ $quiet = 1 ] || log "$@"; }

# num WHAT VALUE: VALUE as a decimal number, or die naming WHAT.
num() {
	local v=$2
	case $v in
	0[xX]*[!0-9a-fA-F]* | 0[xX]) die "$1: not a hex number: '$v'" ;;
	0[xX]*) [ ${#v} -le 10 ] || die "$1: too large: '$v'"; printf '%d' "$v" ;;
	'' | *[!0-9]*) die "$1: not a number: '$v'" ;;
	*) [ ${#v} -le 10 ] || die "$1: too large: '$v'"; printf '%d' "$((10#$v))" ;;
	esac
}

# Parsed back-ends: parallel arrays.
domids=() ports=() rings=()
for b in "${backends[@]}"; do
	IFS=: read -r d p r extra <<<"$b"
	if [ -n "${extra:-}" ] || [ -z "${d:-}" ] || [ -z "${p:-}" ]; then
		die "back-end '$b': expected DOMID:PORT or DOMID:PORT:RING"
	fi
	case $b in *:) die "back-end '$b': empty ring size" ;; esac
	d=$(num "back-end '$b': domid" "$d")
	p=$(num "back-end '$b': port" "$p")
	[ "$d" -lt $((DOMID_FIRST_RESERVED)) ] ||
		die "back-end '$b': domid $d is reserved (must be below $((DOMID_FIRST_RESERVED)))"
	[ "$p" -le 4294967295 ] || die "back-end '$b': port $p does not fit in 32 bits"
	if [ -n "${r:-}" ]; then
		r=$(num "back-end '$b': ring size" "$r")
		if [ "$r" -lt $RING_MIN ] || [ "$r" -gt $((RING_MAX)) ] || [ $((r % 16)) != 0 ]; then
			die "back-end '$b': ring size $r is not a valid Argo ring length (a multiple of 16 from $RING_MIN to $((RING_MAX)), e.g. 65472 for 16 pages)"
		fi
	fi
	for i in "${!domids[@]}"; do
		[ "${domids[$i]}:${ports[$i]}" != "$d:$p" ] ||
			die "back-end '$b': domid $d port $p is given twice"
	done
	domids+=("$d") ports+=("$p") rings+=("${r:-}")
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
instdir=${instdir:-$out}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/va-fw.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# The module parameter spells the numbers in decimal.
param=
for i in "${!domids[@]}"; do
	param+="${param:+,}${domids[$i]}:${ports[$i]}${rings[$i]:+:${rings[$i]}}"
done

# ---------------------------------------------------------------- ACPI
asl() {
	local i
	cat <<EOT
/*
 * virtio-argo back-ends: $param
 * Generated by scripts/mk-firmware.sh; see
 * Documentation/virtio/virtio-argo-firmware.rst.
 */
DefinitionBlock ("", "SSDT", 2, "XENARG", "VIRTARGO", 0x00000001)
{
    Scope (\\_SB)
    {
EOT
	for i in "${!domids[@]}"; do
		printf '        Device (VA%02X)\n        {\n' "$i"
		if [ $prp = 1 ]; then
			echo '            Name (_HID, "PRP0001")'
		else
			echo "            Name (_HID, \"$HID\")"
		fi
		cat <<EOT
            Name (_UID, $i)
            Name (_DSD, Package ()
            {
                ToUUID ("$DSD_UUID"),
                Package ()
                {
EOT
		[ $prp = 0 ] ||
			echo "                    Package () { \"compatible\", \"$COMPAT\" },"
		echo "                    Package () { \"xen,backend-domid\", ${domids[$i]} },"
		echo "                    Package () { \"xen,backend-port\", ${ports[$i]} },"
		[ -z "${rings[$i]}" ] ||
			echo "                    Package () { \"xen,ring-size\", ${rings[$i]} },"
		cat <<EOT
                }
            })
        }
EOT
	done
	cat <<EOT
    }
}
EOT
}

# iasl LOG ARGS...: quiet unless it fails (it prints a banner and a summary).
iasl_run() {
	local logf=$1
	shift
	iasl -vs -we "$@" >"$logf" 2>&1 || { cat "$logf" >&2; die "iasl $* failed"; }
}

# The table's length field and checksum, read back from the file.
aml_check() {
	local f=$1 size len sum
	size=$(stat -c %s "$f")
	[ "$(head -c 4 "$f")" = SSDT ] || die "$f: not an SSDT"
	len=$(od -A n -t u4 -j 4 -N 4 "$f" | tr -d ' ')
	[ "$len" = "$size" ] || die "$f: header length $len, file size $size"
	sum=$(od -A n -v -t u1 "$f" | awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s % 256 }')
	[ "$sum" = 0 ] || die "$f: checksum does not add up to 0 (sum mod 256 = $sum)"
}

asl >"$out/virtio-argo.asl"
iasl_run "$tmp/iasl.log" -p "$tmp/virtio-argo" "$out/virtio-argo.asl"
mv "$tmp/virtio-argo.aml" "$out/virtio-argo.aml"
aml_check "$out/virtio-argo.aml"
# Round trip: disassemble, compile the disassembly, expect the same bytes.
cp "$out/virtio-argo.aml" "$tmp/rt.aml"
iasl_run "$tmp/iasl-d.log" -p "$tmp/rt" -d "$tmp/rt.aml"
cp "$tmp/rt.dsl" "$out/virtio-argo.dsl"
iasl_run "$tmp/iasl-rt.log" -p "$tmp/rt2" "$tmp/rt.dsl"
cmp -s "$out/virtio-argo.aml" "$tmp/rt2.aml" ||
	die "AML round trip: the disassembly of virtio-argo.aml compiles to other bytes (see $out/virtio-argo.dsl)"
for i in "${!domids[@]}"; do
	n=$(printf 'VA%02X' "$i")
	grep -q "Device ($n)" "$out/virtio-argo.dsl" ||
		die "AML round trip: Device $n missing from the disassembly"
done
grep -q -i "ToUUID (\"$DSD_UUID\")" "$out/virtio-argo.dsl" ||
	die "AML round trip: _DSD UUID missing from the disassembly"

# Linux's ACPI table upgrade (Documentation/admin-guide/acpi/
# initrd_table_override.rst): the kernel looks for kernel/firmware/acpi/*.aml
# in uncompressed cpio archives at the very start of the initramfs; member
# names must not start with "./".
mkdir -p "$tmp/cpio/kernel/firmware/acpi"
cp "$out/virtio-argo.aml" "$tmp/cpio/kernel/firmware/acpi/virtio-argo.aml"
(cd "$tmp/cpio" && find kernel | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) >"$out/virtio-argo-acpi.cpio"
[ "$(head -c 6 "$out/virtio-argo-acpi.cpio")" = 070701 ] ||
	die "virtio-argo-acpi.cpio is not a newc cpio"
cpio -it --quiet <"$out/virtio-argo-acpi.cpio" |
	grep -qx kernel/firmware/acpi/virtio-argo.aml ||
	die "virtio-argo-acpi.cpio does not hold kernel/firmware/acpi/virtio-argo.aml"

# ---------------------------------------------------------------- DT
# dt_nodes INDENT: one node per back-end.
dt_nodes() {
	local ind=$1 i
	for i in "${!domids[@]}"; do
		printf '%svirtio-argo-%d {\n' "$ind" "$i"
		printf '%s\tcompatible = "%s";\n' "$ind" "$COMPAT"
		printf '%s\txen,backend-domid = <%d>;\n' "$ind" "${domids[$i]}"
		printf '%s\txen,backend-port = <%d>;\n' "$ind" "${ports[$i]}"
		[ -z "${rings[$i]}" ] ||
			printf '%s\txen,ring-size = <%d>;\n' "$ind" "${rings[$i]}"
		printf '%s};\n' "$ind"
	done
}

{
	printf '// SPDX-License-Identifier: GPL-2.0-only\n'
	printf '// virtio-argo back-ends: %s (scripts/mk-firmware.sh)\n' "$param"
	printf '/dts-v1/;\n/plugin/;\n\n/ {\n\tfragment@0 {\n\t\ttarget-path = "/";\n\t\t__overlay__ {\n'
	dt_nodes '			'
	printf '\t\t};\n\t};\n};\n'
} >"$out/virtio-argo.dts"
{
	printf '// SPDX-License-Identifier: GPL-2.0-only\n'
	printf '// virtio-argo back-ends: %s (scripts/mk-firmware.sh)\n' "$param"
	printf '// Partial device tree for xl device_tree= (Arm): xl copies /passthrough.\n'
	printf '/dts-v1/;\n\n/ {\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n\n'
	printf '\tpassthrough {\n\t\tcompatible = "simple-bus";\n\t\tranges;\n'
	printf '\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\n'
	dt_nodes '		'
	printf '\t};\n};\n'
} >"$out/virtio-argo-xl.dts"

dtc_run() { # dtc_run IN OUT
	dtc -q -I dts -O dtb -o "$2" "$1" 2>"$tmp/dtc.log" ||
		{ cat "$tmp/dtc.log" >&2; die "dtc $1 failed"; }
	! [ -s "$tmp/dtc.log" ] || { cat "$tmp/dtc.log" >&2; die "dtc $1: warnings"; }
}
dtc_run "$out/virtio-argo.dts" "$out/virtio-argo.dtbo"
dtc_run "$out/virtio-argo-xl.dts" "$out/virtio-argo-xl.dtb"
# Apply the overlay to an empty tree and read every property back.
printf '/dts-v1/;\n/ {\n\tcompatible = "xen,xenvm";\n\tmodel = "empty";\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n};\n' >"$tmp/base.dts"
dtc_run "$tmp/base.dts" "$tmp/base.dtb"
fdtoverlay -i "$tmp/base.dtb" -o "$tmp/merged.dtb" "$out/virtio-argo.dtbo" ||
	die "fdtoverlay could not apply virtio-argo.dtbo to an empty tree"
# dt_expect DTB NODE PROP VALUE
dt_expect() {
	local v
	v=$(fdtget -t "${5:-u}" "$1" "$2" "$3" 2>&1) ||
		die "DT check: $2 $3 missing in ${1##*/}: $v"
	[ "$v" = "$4" ] || die "DT check: $2 $3 = '$v' in ${1##*/}, expected '$4'"
}
for i in "${!domids[@]}"; do
	for t in "$tmp/merged.dtb:" "$out/virtio-argo-xl.dtb:/passthrough"; do
		f=${t%%:*} n=${t#*:}/virtio-argo-$i
		dt_expect "$f" "$n" compatible "$COMPAT" s
		dt_expect "$f" "$n" xen,backend-domid "${domids[$i]}"
		dt_expect "$f" "$n" xen,backend-port "${ports[$i]}"
		[ -z "${rings[$i]}" ] || dt_expect "$f" "$n" xen,ring-size "${rings[$i]}"
	done
done

# The result against the binding, when dt-schema is installed.
if command -v dt-validate >/dev/null && command -v dt-mk-schema >/dev/null; then
	if ! dt-mk-schema -j "$VA_TOP/Documentation/devicetree/bindings" \
		>"$tmp/schema.json" 2>"$tmp/dts.log" ||
		! dt-validate -s "$tmp/schema.json" "$tmp/merged.dtb" >>"$tmp/dts.log" 2>&1; then
		cat "$tmp/dts.log" >&2
		die "DT check: dt-validate failed"
	fi
	! [ -s "$tmp/dts.log" ] ||
		{ cat "$tmp/dts.log" >&2; die "DT check: the overlay does not match the binding"; }
fi

# ---------------------------------------------------------------- xl
echo "virtio_argo.backends=$param" >"$out/virtio-argo.cmdline"
cat >"$out/virtio-argo.xl.cfg" <<EOT
# virtio-argo back-ends: $param
# Generated by scripts/mk-firmware.sh; see
# Documentation/virtio/virtio-argo-firmware.rst. Keep the lines for your
# guest's type.

# type = "hvm": hvmloader adds the SSDT to the guest's ACPI tables.
acpi_firmware = "$instdir/virtio-argo.aml"

# type = "pvh": xl ignores acpi_firmware. Prepend the ACPI table upgrade
# archive to the guest's initramfs (the kernel installs the SSDT at boot):
#   cat $instdir/virtio-argo-acpi.cpio initrd.img >initrd-argo.img
#   ramdisk = "initrd-argo.img"

# type = "pv": a PV guest has no ACPI. Give the back-ends on the kernel
# command line (or as options of the virtio_argo module):
#   extra = "virtio_argo.backends=$param"

# Arm guests: a partial device tree; xl copies its /passthrough node.
#   device_tree = "$instdir/virtio-argo-xl.dtb"
EOT

hid=$HID
[ $prp = 0 ] || hid=PRP0001
say "$out: SSDT ($hid, $(stat -c %s "$out/virtio-argo.aml") bytes), DT overlay and partial tree, cpio, xl snippet for $param"
if [ "$instdir" = "$out" ]; then
	where="the xl lines name the files where they are (--install-dir DIR
names another place); in dom0,"
else
	where="copy these files to $instdir in dom0, and"
fi
[ $quiet = 1 ] || cat <<EOT

Back-ends $param, written to $out:
  virtio-argo.aml         the SSDT (ACPI, _HID $hid)
  virtio-argo-acpi.cpio   the SSDT packed for a guest's initramfs
  virtio-argo.dtbo        Device Tree overlay (virtio-argo-xl.dtb: for xl)
  virtio-argo.cmdline     the module parameter, for PV guests
  virtio-argo.xl.cfg      the xl lines for each type of guest

Next: $where
add to the guest's xl configuration (the lines are in virtio-argo.xl.cfg):
  type = "pvh"   the SSDT in front of the guest's initramfs:
                   cat $instdir/virtio-argo-acpi.cpio INITRD >INITRD-argo
                 ramdisk = "INITRD-argo"
  type = "hvm"   acpi_firmware = "$instdir/virtio-argo.aml"
  type = "pv"    extra = "virtio_argo.backends=$param"
  Arm            device_tree = "$instdir/virtio-argo-xl.dtb"
Then start the back-end (virtio-argo-backend@NAME), boot the guest, and in
the guest: modprobe virtio_argo; ls /sys/bus/virtio/devices
(Documentation/virtio/virtio-argo-howto.rst, step by step.)
EOT
