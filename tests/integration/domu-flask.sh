#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Access control test, guest side (busybox sh): load virtio_argo, which
# finds its back-end in dom0 through the SSDT of the initramfs, and report
# what came of it. dom0 (dom0-flask.sh) started this guest with a Flask
# label and knows what the policy says about it; this script only reports,
# in lines starting with "VA-FLASK: ":
#   outcome device|refused|nothing SECS   what happened first: the rng
#                      device bound, a refusal in the kernel log, or
#                      neither within 90 s
#   devices N          virtio devices, 5 s after a refusal (none may come)
#   bus PATH STATE     the virtio-argo bus device and its state
#   ok DESC | not ok DESC   the checks of a working device (rng)
#   hwrng N            bytes /dev/hwrng gave within 5 s (no device)
#   dmesg: LINE        the front-end's kernel log lines
#   hold               alive after the outcome; dom0 looks at the domain
#                      in the 10 s that follow
#   rmmod RC           rmmod virtio_argo (124: it hung)
#   splat: LINE | splat none   warnings, BUGs, oopses
#   end
# shellcheck disable=SC1091 # the overlay's copy of tests/integration/lib.sh
. "${VA:-/opt/va}/integration/lib.sh"

say() {
	echo "VA-FLASK: $*"
}

# vt_check_dev and vt_check_rng (lib.sh) report through this.
vt_report() {
	if [ "$1" = OK ]; then say "ok $2"; else say "not ok $2"; fi
}

REFUSED='Argo refused (a ring for|sending to) domain'

modprobe virtio_rng 2>"$VA_TMP/rng.err" ||
	say "dmesg: modprobe virtio_rng: $(cat "$VA_TMP/rng.err")"
t0=$(va_now)
modprobe virtio_argo 2>"$VA_TMP/va.err" ||
	say "dmesg: modprobe virtio_argo: $(cat "$VA_TMP/va.err")"

outcome=nothing
end=$((t0 + 90))
while [ "$(va_now)" -lt "$end" ]; do
	if _d=$(vt_dev 4) && [ -e "$_d/driver" ]; then
		outcome=device
		break
	fi
	if dmesg | grep -a -q -E "$REFUSED"; then
		outcome=refused
		break
	fi
	sleep 0.2
done
say "outcome $outcome $(($(va_now) - t0))"
# A refused front-end must stay down: give a retry the time to bring a
# device up anyway (the transport's back-off starts well below 5 s).
[ $outcome = device ] || sleep 5
_n=0
for _d in /sys/bus/virtio/devices/*; do
	[ ! -e "$_d" ] || _n=$((_n + 1))
done
say "devices $_n"
say "bus $(vt_bus || echo none) $(vt_attr state || echo none)"
if [ $outcome = device ]; then
	vt_check_dev rng 4 virtio_rng
	vt_check_rng rng
else
	say "hwrng $(timeout 5 head -c 16 /dev/hwrng 2>/dev/null | wc -c)"
fi
dmesg | grep -a -i -E 'argo|XARG0001' | sed 's/^/VA-FLASK: dmesg: /'
# dom0 polls for this line and looks for the domain with xl list: under
# load on 2 CPUs shared by QEMU's vCPUs a round of that takes seconds.
say "hold"
sleep 10
vt_rmmod 30
say "rmmod $?"
if _s=$(vt_splat); then
	echo "$_s" | sed 's/^/VA-FLASK: splat: /'
else
	say "splat none"
fi
say "end"
