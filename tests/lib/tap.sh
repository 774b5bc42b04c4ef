# shellcheck shell=sh
# Minimal TAP helpers for test scripts (sourced; POSIX sh / dash).
#   tap_plan N              print "1..N"
#   tap_ok DESC             print "ok <n> - DESC"
#   tap_not_ok DESC         print "not ok <n> - DESC" (remembers the failure)
#   tap_check DESC CMD...   run CMD; ok if it succeeds
#   tap_skip DESC REASON    print "ok <n> - DESC # SKIP REASON"
#   tap_diag TEXT...        print "# TEXT" (stdin when no TEXT is given)
#   tap_done                return 0 if every test passed, 1 otherwise
TAP_N=0
TAP_FAILED=0

tap_plan() { echo "1..$1"; }
tap_ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
tap_not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
tap_skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1 # SKIP ${2:-}"; }
tap_check() {
	_d=$1
	shift
	if "$@"; then tap_ok "$_d"; else tap_not_ok "$_d"; fi
}
tap_diag() {
	if [ $# -gt 0 ]; then echo "# $*"; else sed 's/^/# /'; fi
}
tap_done() { [ "$TAP_FAILED" = 0 ]; }
