#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# shellcheck disable=SC2119 # argo_load takes optional module parameters
# Argo integration tests, domU side (busybox sh). The domU's /init runs it
# as /opt/va/domu-run; dom0 (dom0-argo.sh, bench-argo.sh) reads its console.
# Everything it reports is a line starting with "VA-ARGO: " (or
# "VA-BENCH: " for the bench table).
#
# Kernel command line (set by dom0 through domu_start's EXTRA_CMDLINE):
#   va.mode=stream|bench
#   va.dom0port=P    dom0's port (its recv for stream, its sink for bench)
#   stream: va.port=P (ours), va.expect=N (messages dom0 sends us),
#           va.sizes=a,b,c va.passes=K (what we send back to dom0)
#   bench:  va.sizes=a,b,c va.seconds=S
HERE=$(cd "$(dirname "$0")" && pwd)
for _d in "$HERE/integration" "$HERE" /opt/va/integration; do
	if [ -f "$_d/lib.sh" ]; then
		# shellcheck disable=SC1091
		. "$_d/lib.sh"
		break
	fi
done

say() {
	echo "VA-ARGO: $*"
}

# Copy a job's output to the console, prefixed.
relay() {
	sed "s/^/${2:-VA-ARGO: }/" "$VA_TMP/$1.out"
}

mode=$(cmdline_val va.mode stream)
dom0port=$(cmdline_val va.dom0port 0x200)
port=$(cmdline_val va.port 0x300)
expect=$(cmdline_val va.expect 1)
sizes=$(cmdline_val va.sizes 64)
passes=$(cmdline_val va.passes 1)
seconds=$(cmdline_val va.seconds 2)

say "start mode=$mode guest_type=$(cat /sys/hypervisor/guest_type 2>/dev/null)"
if ! argo_load; then
	say "insmod xen-argo.ko failed"
	dmesg | tail -n 20 | sed 's/^/VA-ARGO: dmesg: /'
	say "done rc=1"
	exit 1
fi
dom=$("$ARGO" info | sed -n 's/^domid //p')

# receive RECV-ARGS...: bind port $port for dom0, tell dom0 (the
# "listening" line it waits for), receive $expect messages, relay the result.
receive() {
	bg_start in "$ARGO" recv --port "$port" --from 0 --count "$expect" \
		--quiet "$@"
	if ! wait_line "$VA_TMP/in.out" '^recv: bound' 20; then
		relay in
		say "done rc=1"
		exit 1
	fi
	say "listening domid $dom port $port"
	bg_wait in 600
	_r_rc=$?
	relay in
	return $_r_rc
}

rc=0
case $mode in
stream)
	receive --seq --timeout 120 || rc=1

	run_log out 300 "$ARGO" send --to "0:$dom0port" --sizes "$sizes" \
		--count "$passes" --seq --timeout 60 || rc=1
	relay out

	run_log st 180 "$ARGO" selftest-ioctl
	st=$?
	grep -a '^not ok' "$VA_TMP/st.out" | sed 's/^/VA-ARGO: selftest: /'
	say "selftest: $(grep -a -c '^ok' "$VA_TMP/st.out") passed," \
		"$(grep -a -c '^not ok' "$VA_TMP/st.out") failed, rc=$st"
	[ "$st" = 0 ] || rc=1

	api_test "$VA_TMP/api.out" || rc=1
	grep -a -v -E '^ok |^[0-9]+ passed' "$VA_TMP/api.out" |
		sed 's/^/VA-ARGO: api: /'
	say "api: $(grep -a -E '^[0-9]+ passed, [0-9]+ failed$' "$VA_TMP/api.out" || echo 'no result')"
	;;
resume)
	# One ring, kept open across xl save / xl restore by dom0.
	receive --timeout 300 || rc=1
	;;
bench)
	run_log bench 900 "$ARGO" bench --to "0:$dom0port" --sizes "$sizes" \
		--seconds "$seconds" || rc=1
	relay bench "VA-BENCH: "
	say "bench done rc=$rc"
	;;
*)
	say "unknown va.mode=$mode"
	rc=2
	;;
esac

dmesg | grep -a -E 'xen_argo|WARNING:|BUG:' | tail -n 10 | sed 's/^/VA-ARGO: dmesg: /'
argo_unload || rc=1
say "done rc=$rc"
exit $rc
