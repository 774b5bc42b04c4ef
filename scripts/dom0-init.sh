#!/bin/sh
# /init of the dom0 initramfs (installed by build-rootfs.sh and, current
# version, appended by run-xen.sh on every boot).
#
# Brings up the Xen toolstack without systemd, prints VA-DOM0-READY, runs
# /opt/va/run (stdout/stderr on the console), prints VA-DOM0-DONE rc=<rc>
# and powers off. On any failure it prints "VA-DOM0-ERROR: <what>",
# VA-DOM0-DONE rc=255 and powers off: it never waits for input.
#
# Kernel command line knobs (optional):
#   va.shell=1     drop to a shell on the console instead of powering off
#                  (interactive debugging only)
#   va.nomod=1     do not load the Xen modules (they are built in)
# Overlay knob: /opt/va/systemd runs /opt/va/run under systemd as PID 1
# instead (va_systemd below).
PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
umask 022

va_poweroff() {
	sync
	if grep -qw va.shell=1 /proc/cmdline 2>/dev/null; then
		echo "va.shell=1: starting a shell (exit it to power off)"
		setsid sh -c 'exec sh </dev/hvc0 >/dev/hvc0 2>&1' || sh
	fi
	busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 5
	echo "VA-DOM0-ERROR: poweroff failed"
	while :; do sleep 3600; done
}

fail() {
	echo "VA-DOM0-ERROR: $*"
	[ ! -s /var/log/xen/va-init.log ] || tail -n 20 /var/log/xen/va-init.log
	echo "VA-DOM0-DONE rc=255"
	va_poweroff
}

# /opt/va/systemd (tests/integration/run-virtio.sh --systemd): hand PID 1
# to systemd once the toolstack is up, as on a Xen host, so that the
# project's systemd unit is tested under a real service manager.
# /opt/va/run becomes a service started once multi-user.target is
# reached; its output goes to the console and its end powers off.
# Debian's own Xen units and init scripts are masked: the daemons they
# would start are already running. Does not return.
va_systemd() {
	sd=/lib/systemd/systemd
	u=/run/systemd/system
	[ -x $sd ] || fail "/opt/va/systemd: no $sd in the rootfs"
	mkdir -p $u/multi-user.target.wants /etc/systemd/system.conf.d ||
		fail "mkdir $u"
	for f in /lib/systemd/system/xen*.service /etc/init.d/xen*; do
		[ -e "$f" ] || continue
		f=${f##*/}
		ln -sf /dev/null "$u/${f%.service}.service"
	done
	# No login prompt on the test console; no D-Bus for logind; no
	# status lines between the payload's TAP lines.
	ln -sf /dev/null $u/getty.target
	ln -sf /dev/null $u/systemd-logind.service
	ln -sf /lib/systemd/system/multi-user.target $u/default.target
	printf '[Manager]\nShowStatus=no\n' >/etc/systemd/system.conf.d/va.conf
	# DefaultDependencies=no: otherwise multi-user.target, which wants
	# the payload, would also be ordered after it (an ordering cycle
	# with After=multi-user.target, which systemd breaks by dropping a
	# job).
	cat >$u/va-run.service <<-'EOF'
	[Unit]
	Description=virtio-argo test payload (/opt/va/run)
	DefaultDependencies=no
	Requires=sysinit.target
	After=sysinit.target basic.target multi-user.target
	Conflicts=shutdown.target
	Before=shutdown.target
	SuccessAction=poweroff-force
	FailureAction=poweroff-force

	[Service]
	Type=oneshot
	Environment=VA_LIB=/opt/va/lib HOME=/root TERM=dumb
	Environment=PATH=/usr/lib/xen-4.17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	WorkingDirectory=/opt/va
	StandardInput=null
	StandardOutput=tty
	StandardError=inherit
	TTYPath=/dev/hvc0
	TimeoutStartSec=infinity
	ExecStart=/bin/sh -c 'sh /opt/va/run; echo "VA-DOM0-DONE rc=$$?"'
	EOF
	ln -sf ../va-run.service $u/multi-user.target.wants/va-run.service
	echo "VA-DOM0: starting systemd as PID 1"
	exec 9>&-
	exec $sd
}

mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug || echo "VA-DOM0: warning: no debugfs"
mount -t tmpfs -o mode=0755 tmpfs /run || fail "mount /run"
mount -t tmpfs -o mode=1777 tmpfs /tmp || fail "mount /tmp"
mkdir -p /run/xen /run/xenstored /run/lock /var/run /var/lib/xen \
	/var/lib/xenstored /var/log/xen/console
[ -e /var/run/xen ] || ln -s /run/xen /var/run/xen 2>/dev/null
hostname dom0 2>/dev/null
ip link set lo up 2>/dev/null
echo 1 >/proc/sys/kernel/printk_devkmsg 2>/dev/null
exec 9>>/var/log/xen/va-init.log

[ -d /sys/hypervisor ] && [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ] ||
	fail "not running on Xen (/sys/hypervisor/type is not 'xen')"

if ! grep -qw va.nomod=1 /proc/cmdline; then
	for m in xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd; do
		modprobe "$m" >&9 2>&1 || fail "modprobe $m failed"
	done
	for m in xen-blkback xen-netback; do
		modprobe "$m" >&9 2>&1 || echo "VA-DOM0: warning: modprobe $m failed"
	done
fi
mount -t xenfs xenfs /proc/xen || fail "mount xenfs on /proc/xen"
grep -q control_d /proc/xen/capabilities 2>/dev/null ||
	fail "this domain is not the control domain (/proc/xen/capabilities)"

# xenstored (oxenstored is Debian's default and ships in xen-utils-4.17)
xs=
for c in oxenstored xenstored; do
	if command -v "$c" >/dev/null; then xs=$c; break; fi
done
[ -n "$xs" ] || fail "no xenstored binary found"
"$xs" --pid-file /run/xenstored.pid >&9 2>&1 || fail "$xs failed to start"
i=0
until xenstore-read -s / >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "xenstored did not answer within 30 s"
	sleep 0.3
done
timeout 60 xen-init-dom0 >&9 2>&1 || fail "xen-init-dom0 failed"
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest \
	--log-dir=/var/log/xen/console >&9 2>&1 || fail "xenconsoled failed to start"

echo "VA-DOM0-READY $(uname -r) xen-$(cat /sys/hypervisor/version/major).$(cat /sys/hypervisor/version/minor)$(cat /sys/hypervisor/version/extra)"

if [ -e /opt/va/systemd ]; then
	va_systemd
fi

rc=0
if [ -e /opt/va/run ]; then
	export VA_LIB=/opt/va/lib HOME=/root TERM=dumb
	cd /opt/va || cd /
	if [ -x /opt/va/run ]; then
		/opt/va/run </dev/null 2>&1
	else
		sh /opt/va/run </dev/null 2>&1
	fi
	rc=$?
	cd /
fi
echo "VA-DOM0-DONE rc=$rc"
va_poweroff
