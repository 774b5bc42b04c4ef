#!/bin/bash
# Run the project's KUnit suites (tests/kunit/) under User-Mode Linux with
# tools/testing/kunit/kunit.py from Debian's linux-source-6.12.
#
# Usage: scripts/kunit.sh [--source] [-- KUNIT_PY_ARGS...]
#   (no option)  fetch the source (once), hook tests/kunit into it, build,
#                run; print one TAP line per test case:
#                  ok N - kunit: <suite>.<case>
#                  not ok N - kunit: <suite>.<case>
#                exit status 0 only if every case passed and at least one ran
#   --source     only fetch/extract the source tree, print its path (used by
#                scripts/static-check.sh for checkpatch.pl)
#   -- ARGS      extra arguments for `kunit.py run` (e.g. a suite filter glob)
#
# Environment (besides lib.sh's VA_CACHE, VA_JOBS, VA_VERBOSE):
#   VA_LSRC_VERSION  Debian version of linux-source-6.12 (default: the one
#                    recorded in $VA_CACHE/linux-source-version, else apt's
#                    candidate, then recorded)
#   VA_KUNIT_TIMEOUT seconds kunit.py waits for the tests (default 300)
#
# Cache: $VA_CACHE/linux-source-$VER/linux-source-6.12/  extracted tree
#        $VA_CACHE/linux-source-$VER/.stamp              extraction done
#        $VA_CACHE/kunit-build-$VER/                     UML build directory
#        $VA_CACHE/kunit-build-$VER/kunit.log            last run's log
#
# Hooks put into the cached tree (idempotent, re-checked on every run):
#   drivers/virtio-argo -> the repository top (symlink)
#   drivers/Kconfig:  source "drivers/virtio-argo/tests/kunit/Kconfig"
#   drivers/Makefile: obj-$(CONFIG_KUNIT) += virtio-argo/tests/kunit/
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mode=run
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	--source) mode=source ;;
	--) shift; extra=("$@"); break ;;
	-h | --help) sed -n '2,30p' "$0"; exit 0 ;;
	*) die "unknown argument: $1" ;;
	esac
	shift
done

LSRC_PKG=linux-source-6.12

# --- which linux-source version ---------------------------------------------
lsrc_version() {
	local rec=$VA_CACHE/linux-source-version
	if [ -n "${VA_LSRC_VERSION:-}" ]; then
		LSRC_VER=$VA_LSRC_VERSION
	elif [ -s "$rec" ]; then
		LSRC_VER=$(cat "$rec")
	else
		LSRC_VER=$(apt-cache policy "$LSRC_PKG" |
			sed -n 's/^ *Candidate: *//p')
		case $LSRC_VER in
		"" | "(none)")
			die "apt offers no $LSRC_PKG (run apt-get update?)" ;;
		esac
		mkdir -p "$VA_CACHE"
		echo "$LSRC_VER" >"$rec.new"
		mv "$rec.new" "$rec"
		log "linux-source: chose $LSRC_PKG $LSRC_VER (recorded in $rec; override with VA_LSRC_VERSION)"
	fi
	LSRC_BASE=$VA_CACHE/linux-source-$LSRC_VER
	LSRC=$LSRC_BASE/$LSRC_PKG
}

# --- download + extract once ------------------------------------------------
fetch_source() {
	local d=$LSRC_BASE tmp deb tarball
	stamp_ok "$d" && return 0
	need_cmd apt-get dpkg tar xz
	log "linux-source: downloading and extracting $LSRC_PKG $LSRC_VER (once, ~1 min)"
	rm -rf "$d"
	tmp=$d/tmp
	mkdir -p "$tmp/deb"
	(cd "$tmp/deb" &&
		run_logged "$d/fetch.log" apt-get -q download "$LSRC_PKG=$LSRC_VER")
	deb=$(ls "$tmp"/deb/*.deb)
	run_logged "$d/fetch.log" dpkg -x "$deb" "$tmp/root"
	tarball=$(ls "$tmp"/root/usr/src/"$LSRC_PKG".tar.*)
	run_logged "$d/fetch.log" tar -C "$d" -xf "$tarball"
	[ -f "$LSRC/tools/testing/kunit/kunit.py" ] ||
		die "$LSRC/tools/testing/kunit/kunit.py missing after extraction"
	[ -f "$LSRC/scripts/checkpatch.pl" ] ||
		die "$LSRC/scripts/checkpatch.pl missing after extraction"
	rm -rf "$tmp"
	stamp_set "$d"
}

# --- hook the project into the tree -----------------------------------------
# add_line FILE LINE BEFORE_REGEX: insert LINE once (before the last line
# matching BEFORE_REGEX, or at the end when the regex is empty).
add_line() {
	local f=$1 line=$2 before=$3 n
	grep -qxF "$line" "$f" && return 0
	if [ -n "$before" ]; then
		n=$(grep -n -E "$before" "$f" | tail -n1 | cut -d: -f1)
		[ -n "$n" ] || die "$f: no line matching '$before'"
		sed -i "${n}i $line" "$f"
	else
		printf '%s\n' "$line" >>"$f"
	fi
}

hook_project() {
	local link=$LSRC/drivers/virtio-argo
	if [ "$(readlink "$link" 2>/dev/null)" != "$VA_TOP" ]; then
		rm -f "$link"
		ln -s "$VA_TOP" "$link"
	fi
	add_line "$LSRC/drivers/Kconfig" \
		'source "drivers/virtio-argo/tests/kunit/Kconfig"' '^endmenu'
	add_line "$LSRC/drivers/Makefile" \
		'obj-$(CONFIG_KUNIT)		+= virtio-argo/tests/kunit/' ''
}

# --- KTAP/JSON -> TAP -------------------------------------------------------
# kunit.py --json writes one group per suite; a parameterised case is a
# sub-group whose own test_cases are the parameters.  Print one line per
# case (a parameterised case fails if any parameter failed).
json_to_tap() {
	python3 - "$1" <<'EOT'
import json
import sys

with open(sys.argv[1]) as f:
    root = json.load(f)

BAD = ("FAIL", "ERROR", "CRASH", "TEST_CRASHED", "FAILURE")
out = []


def case_ok(c):
    return c.get("status", "FAIL") not in BAD


def group_ok(g):
    st = g.get("status")
    if st is not None and st in BAD:
        return False
    if not all(case_ok(c) for c in g.get("test_cases", [])):
        return False
    return all(group_ok(s) for s in g.get("sub_groups", []))


def walk_suite(g, prefix):
    name = prefix + g["name"]
    for c in g.get("test_cases", []):
        out.append((case_ok(c), name + "." + c["name"], c.get("status")))
    for s in g.get("sub_groups", []):
        if s.get("test_cases") or not s.get("sub_groups"):
            # a parameterised case (or a case with sub-results)
            out.append((group_ok(s), name + "." + s["name"], None))
        else:
            walk_suite(s, name + ".")


for suite in root.get("sub_groups", []):
    walk_suite(suite, "")
for c in root.get("test_cases", []):
    # a suite that crashed before producing cases shows up here
    out.append((case_ok(c), c["name"], c.get("status")))

fails = 0
for i, (ok, name, st) in enumerate(out, 1):
    skip = " # SKIP" if st == "SKIP" else ""
    print(("ok" if ok else "not ok") + " %d - kunit: %s%s" % (i, name, skip))
    fails += not ok
sys.exit(1 if fails or not out else 0)
EOT
}

lsrc_version
fetch_source
if [ $mode = source ]; then
	echo "$LSRC"
	exit 0
fi

need_cmd python3 make gcc
[ -f "$VA_TOP/tests/kunit/.kunitconfig" ] ||
	die "$VA_TOP/tests/kunit/.kunitconfig missing"
hook_project

bdir=$VA_CACHE/kunit-build-$LSRC_VER
mkdir -p "$bdir"
logf=$bdir/kunit.log
json=$bdir/results.json
rm -f "$json" "$logf"
log "kunit: building (UML, $bdir) and running tests/kunit"
t0=$(date +%s)
rc=0
(cd "$LSRC" && python3 tools/testing/kunit/kunit.py run \
	--arch=um \
	--build_dir="$bdir" \
	--kunitconfig="$VA_TOP/tests/kunit/.kunitconfig" \
	--jobs="$VA_JOBS" \
	--timeout="${VA_KUNIT_TIMEOUT:-300}" \
	--json="$json" \
	${extra[@]+"${extra[@]}"}) >"$logf" 2>&1 || rc=$?
t1=$(date +%s)
[ "$VA_VERBOSE" = 1 ] && cat "$logf" >&2

if [ ! -s "$json" ]; then
	tail -n 40 "$logf" >&2
	echo "not ok 1 - kunit: build or run failed (log: $logf)"
	exit 1
fi
trc=0
json_to_tap "$json" || trc=$?
if [ $rc -ne 0 ] || [ $trc -ne 0 ]; then
	# show what failed: kunit.py's summary of failing tests
	grep -E -A20 'FAILED|CRASHED|not ok|Expected|ASSERTION|ERROR' "$logf" |
		head -n 80 >&2 || true
	log "kunit: FAILED after $((t1 - t0)) s (log: $logf)"
	exit 1
fi
log "kunit: passed in $((t1 - t0)) s"
