# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# Host side helpers of the integration runners (run-argo.sh, run-virtio.sh):
# the dom0 and domU overlays, the dom0 payload, the boot and the TAP.
# Sourcing it also sources scripts/lib.sh (VA_TOP, VA_SCRIPTS, log, die).
#
#   rl_opt ARGS...        the options every runner takes: --script NAME,
#                         --log FILE, --timeout S, --verbose. Sets RL_SCRIPT,
#                         RL_LOG, RL_TMO, RL_VERBOSE and RL_N (arguments
#                         used); returns 1 for any other argument.
#   rl_setup NAME         build tools/argo, read the kernel's paths
#                         (fetch-kernel.sh --env), make the work directory
#                         RL_WORK (removed on exit) with the overlay trees:
#                           RL_DOM0 = RL_WORK/dom0/opt/va: bin/argo,
#                             integration/ (tests/integration/*.sh),
#                             guest/vmlinuz, modules/
#                           RL_DOMU = RL_WORK/domu/opt/va: bin/argo,
#                             integration/lib.sh, modules/
#   rl_domu_script FILE   the guest's /opt/va/domu-run
#   rl_modules KO...      install modules into both modules/ directories
#   rl_run_script SCRIPT VAR...  dom0's /opt/va/run: export each VAR that is
#                         set in this environment, then run
#                         /opt/va/integration/SCRIPT
#   rl_boot [RUN-XEN-ARGS...]  boot with scripts/run-xen.sh (the dom0
#                         overlay, RL_LOG, RL_TMO, --quiet unless
#                         RL_VERBOSE=1), print the TAP lines of the console
#                         renumbered with a plan; returns run-xen.sh's status

# shellcheck source=scripts/lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/../../scripts" && pwd)/lib.sh"

# shellcheck disable=SC2034 # the runners read them
RL_SCRIPT=
RL_LOG=
RL_TMO=900
RL_VERBOSE=0

# shellcheck disable=SC2034 # RL_N, RL_SCRIPT: read by the runners
rl_opt() {
	RL_N=1
	case $1 in
	--script | --log | --timeout)
		[ $# -ge 2 ] || die "$1 needs a value"
		RL_N=2
		case $1 in
		--script) RL_SCRIPT=$2 ;;
		--log) RL_LOG=$2 ;;
		--timeout)
			case $2 in '' | *[!0-9]*) die "--timeout: not a number: $2" ;; esac
			RL_TMO=$2 ;;
		esac ;;
	--verbose) RL_VERBOSE=1 ;;
	*) return 1 ;;
	esac
}

rl_setup() {
	make -s -C "$VA_TOP/tools/argo" >/dev/null
	eval "$("$VA_SCRIPTS/fetch-kernel.sh" --env)"
	RL_WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	# shellcheck disable=SC2064 # expand now: the path is fixed
	trap "rm -rf '$RL_WORK'" EXIT
	RL_DOMU=$RL_WORK/domu/opt/va
	RL_DOM0=$RL_WORK/dom0/opt/va
	mkdir -p "$RL_DOMU/bin" "$RL_DOMU/modules" "$RL_DOMU/integration" \
		"$RL_DOM0/bin" "$RL_DOM0/modules" "$RL_DOM0/guest" \
		"$RL_DOM0/integration"
	install -m 0755 "$VA_TOP/tools/argo/argo" "$RL_DOMU/bin/"
	install -m 0755 "$VA_TOP/tools/argo/argo" "$RL_DOM0/bin/"
	install -m 0644 "$VA_TOP/tests/integration/lib.sh" "$RL_DOMU/integration/"
	install -m 0755 "$VA_TOP"/tests/integration/*.sh "$RL_DOM0/integration/"
	cp "$VMLINUZ" "$RL_DOM0/guest/vmlinuz"
}

rl_domu_script() {
	install -m 0755 "$1" "$RL_DOMU/domu-run"
}

rl_modules() {
	install -m 0644 "$@" "$RL_DOMU/modules/"
	install -m 0644 "$@" "$RL_DOM0/modules/"
}

rl_run_script() {
	local script=$1 v
	shift
	[ -f "$VA_TOP/tests/integration/$script" ] ||
		die "tests/integration/$script: no such script"
	{
		echo '#!/bin/sh'
		for v in "$@"; do
			[ -z "${!v+x}" ] || printf "%s='%s'; export %s\n" "$v" "${!v}" "$v"
		done
		echo "exec sh /opt/va/integration/$script"
	} >"$RL_DOM0/run"
	chmod 0755 "$RL_DOM0/run"
}

rl_boot() {
	local args=(--overlay "$RL_WORK/dom0" --log "$RL_LOG" --timeout "$RL_TMO")
	local rc
	[ "$RL_VERBOSE" = 1 ] || args+=(--quiet)
	set +e
	"$VA_SCRIPTS/run-xen.sh" "${args[@]}" "$@"
	rc=$?
	set -e
	# Renumber: the dom0 scripts print one TAP stream, but be safe.
	awk '
		/^(not )?ok [0-9]+/ {
			n++
			sub(/^ok [0-9]+/, "ok " n)
			sub(/^not ok [0-9]+/, "not ok " n)
			print
			next
		}
		/^# / || /^Bail out!/ { print }
		END { print "1.." n }
	' <(grep -a -v '^1\.\.' "$RL_LOG")
	return $rc
}
