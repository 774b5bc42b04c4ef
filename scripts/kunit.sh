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
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

mode=run
extra=()
while [ $# -gt 0 ]; do
	case $1 in
	--source) mode=source ;;
	--) shift; extra=("$@"); break ;;
	-h | --help) sed -n '2,29p' "$0"; exit 0 ;;
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
	need_cmd apt-get dpkg tar xz flock
	# one extraction at a time (static-check.sh may ask concurrently)
	mkdir -p "$VA_CACHE"
	exec 8>"$d.lock"
	flock 8
	stamp_ok "$d" && { exec 8>&-; return 0; }
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
	exec 8>&-
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
	# shellcheck disable=SC2016 # $(CONFIG_KUNIT) is make's, not ours
	add_line "$LSRC/drivers/Makefile" \
		'obj-$(CONFIG_KUNIT)		+= virtio-argo/tests/kunit/' ''
}

# --- KTAP -> TAP -------------------------------------------------------------
# Parse the kernel log kunit.py saved (build_dir/test.log) with kunit.py's
# own parser and print one TAP line per test case, in KTAP order. A
# parameterised case counts as one case (its status covers all parameters).
# A suite that produced no cases (crashed) gets one line of its own.
ktap_to_tap() {
	local log=$1 tree=$2
	python3 - "$log" "$tree/tools/testing/kunit" 3>&1 >/dev/null <<'EOT'
import os
import sys

sys.path.insert(0, sys.argv[2])
import kunit_parser  # noqa: E402
from kunit_parser import TestStatus  # noqa: E402

with open(sys.argv[1], errors="replace") as f:
    root = kunit_parser.parse_run_tests(f.readlines())

out = []
for suite in root.subtests:
    if not suite.subtests:
        out.append((suite.status, suite.name or "suite-no-result"))
    for n, case in enumerate(suite.subtests, 1):
        # a case the kernel never reported (crash) has no name
        cname = case.name or "case%d-no-result" % n
        out.append((case.status, suite.name + "." + cname))

tap = os.fdopen(3, "w")
fails = 0
for i, (st, name) in enumerate(out, 1):
    ok = st in (TestStatus.SUCCESS, TestStatus.SKIPPED)
    skip = " # SKIP" if st == TestStatus.SKIPPED else ""
    tap.write("%s %d - kunit: %s%s\n" % ("ok" if ok else "not ok", i, name,
                                          skip))
    fails += not ok
if not out:
    tap.write("not ok 1 - kunit: no test ran\n")
tap.flush()
bad_root = root.status not in (TestStatus.SUCCESS, TestStatus.SKIPPED)
sys.exit(1 if fails or not out or bad_root else 0)
EOT
}

lsrc_version
fetch_source
if [ $mode = source ]; then
	echo "$LSRC"
	exit 0
fi

need_cmd python3 make gcc flock
[ -f "$VA_TOP/tests/kunit/.kunitconfig" ] ||
	die "$VA_TOP/tests/kunit/.kunitconfig missing"

bdir=$VA_CACHE/kunit-build-$LSRC_VER
mkdir -p "$bdir"
# one run at a time per build directory (the tree's hooks are shared too)
exec 9>"$bdir.lock"
flock 9
hook_project
logf=$bdir/kunit.log
ktap=$bdir/test.log	# written by kunit.py: the kernel's output
rm -f "$ktap" "$logf"
# Always recompile the project's objects: make compares mtimes only, so a
# source that is older than its object (the link now points at another
# checkout, files restored with old mtimes) would otherwise be missed.
rm -rf "$bdir/drivers/virtio-argo"
log "kunit: building (UML, $bdir) and running tests/kunit"
t0=$(date +%s)
rc=0
(cd "$LSRC" && python3 tools/testing/kunit/kunit.py run \
	--arch=um \
	--build_dir="$bdir" \
	--kunitconfig="$VA_TOP/tests/kunit/.kunitconfig" \
	--jobs="$VA_JOBS" \
	--timeout="${VA_KUNIT_TIMEOUT:-300}" \
	${extra[@]+"${extra[@]}"}) >"$logf" 2>&1 || rc=$?
t1=$(date +%s)
[ "$VA_VERBOSE" = 1 ] && cat "$logf" >&2

if [ ! -s "$ktap" ]; then
	tail -n 40 "$logf" >&2
	echo "not ok 1 - kunit: build or run failed (log: $logf)"
	exit 1
fi
trc=0
ktap_to_tap "$ktap" "$LSRC" || trc=$?
if [ $rc -ne 0 ] || [ $trc -ne 0 ]; then
	# show what failed: kunit.py's summary of failing tests
	grep -E -A20 'FAILED|CRASHED|not ok|Expected|ASSERTION|ERROR' "$logf" |
		head -n 80 >&2 || true
	log "kunit: FAILED after $((t1 - t0)) s (log: $logf)"
	exit 1
fi
log "kunit: passed in $((t1 - t0)) s"
