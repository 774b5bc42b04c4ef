#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench: virtio-blk and virtio-net over Argo against Xen's own PV
# drivers (blkfront/blkback, netfront/netback), in one boot of Xen + dom0
# under QEMU, one PVH guest with both paths to the same kind of backing
# (a file in dom0's tmpfs, a bridge in dom0). A benchmark: it prints the
# figures and fails only if the run itself breaks.
#
# Output (build/bench/): table.txt (the table and the argo/pv ratios, also
# printed), results.txt (the raw VA-BENCH-RESULT lines, run=N added),
# throughput.png (throughput against request size), console-N.log,
# build.log.
# Under TCG one run decides little (the same case moves by up to 40 %
# between runs): the whole bench is run BENCH_RUNS times (default 3, one
# boot each), and the tables show the median over the runs, the ratios
# their median and, with more than one run, their lowest and highest.
# Environment: BENCH_RUNS, BENCH_SECONDS (per case, default 3),
# BENCH_CASES (default "blk net sweep"), BENCH_DISK_MB, BENCH_GUEST_MEM
# (see tests/integration/bench-dom0.sh); BENCH_REUSE=1 only re-formats the
# last results.txt.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=$VA_TOP/build/bench
mkdir -p "$out"
rc=0
if [ "${BENCH_REUSE:-0}" != 1 ]; then
	"$VA_SCRIPTS/setup.sh"
	make -s -C "$VA_TOP" all >"$out/build.log" 2>&1 || {
		tail -n 30 "$out/build.log" >&2
		die "build failed (see build/bench/build.log)"
	}
	runs=${BENCH_RUNS:-3}
	case $runs in '' | *[!0-9]* | 0) die "BENCH_RUNS=$runs: need a count of runs" ;; esac
	rm -f "$out"/console*.log "$out"/run-*.out
	: >"$out/results.txt"
	: >"$out/run.out"
	for r in $(seq 1 "$runs"); do
		log "run $r of $runs: booting Xen with Argo in QEMU (about 3 minutes on idle cores)"
		"$VA_TOP/tests/integration/run-bench.sh" --log "$out/console-$r.log" \
			--timeout 1200 >"$out/run-$r.out" 2>&1 || rc=$?
		cat "$out/run-$r.out" >>"$out/run.out"
		# dom0 relays the lines as they come and run-bench.sh once
		# more at the end: keep the first of each
		grep -a '^VA-BENCH-RESULT ' "$out/run-$r.out" | awk '!seen[$0]++' |
			sed "s/\$/ run=$r/" >>"$out/results.txt" || true
	done
	grep -a '^VA-BENCH-INFO' "$out/run.out" | awk '!seen[$0]++' >"$out/info.txt" || true
fi
[ -s "$out/results.txt" ] || {
	grep -a -E '^(not ok|# )' "$out/run.out" | tail -n 30 >&2 || true
	die "no results (see build/bench/console-*.log)"
}

# The median of the n values x[1..n] (sorted in place), "?" for none: an
# awk function that the table and the plot's data both use.
AWK_MEDIAN='
function median(x, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && x[j - 1] + 0 > x[j] + 0; j--) {
			t = x[j]; x[j] = x[j - 1]; x[j - 1] = t
		}
	if (!n)
		return "?"
	return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
}'

# ---- the table: one row per case and path, then the ratios --------------
table() {
	echo "virtio over Argo (argo) against Xen PV drivers (pv), one PVH guest"
	echo "$(uname -m) host, QEMU TCG, Xen ${XEN_DEB_VERSION%%-*}, Linux $(cat "$VA_CACHE/kver" 2>/dev/null)"
	sed -n 's/^VA-BENCH-INFO: //p' "$out/info.txt" 2>/dev/null |
		grep -E '^(guest:|backend:|dom0:)' | grep -v -E 'guest: (start|net |blk )' || true
	cat <<'EOT'
MB/s = 10^6 B/s; lat = mean/p99 per request (us); gcpu/dcpu = guest/dom0
CPUs busy (1.00 = one CPU) and CPU time per request (us); hc, virq =
Argo hypercalls and VIRQs per request in the guest; irq = all interrupts
per request in the guest.
EOT
	awk "$AWK_MEDIAN"'
	# Median over the runs of value k of case c, path p.
	function med(c, p, k,   r, n, x) {
		n = 0
		for (r = 1; r <= nr; r++)
			if ((c, p, k, r) in val && val[c, p, k, r] != "?" && val[c, p, k, r] != "n/a")
				x[++n] = val[c, p, k, r]
		if (!n)
			return "?"
		return k ~ /_us$/ ? sprintf("%d", median(x, n)) : sprintf("%.2f", median(x, n))
	}
	# The argo/pv ratios of value k (or "cpu": guest plus dom0 CPU per
	# request) in the runs that measured both paths, into x[1..n].
	function ratios(c, k, x,   r, n, a, b) {
		n = 0
		for (r = 1; r <= nr; r++) {
			if (!((c, "argo", "MBps", r) in val) || !((c, "pv", "MBps", r) in val))
				continue
			if (k == "cpu") {
				a = val[c, "argo", "gcpu_us_op", r] + val[c, "argo", "dcpu_us_op", r]
				b = val[c, "pv", "gcpu_us_op", r] + val[c, "pv", "dcpu_us_op", r]
			} else {
				a = val[c, "argo", k, r]; b = val[c, "pv", k, r]
			}
			if (a == "?" || b == "?" || a == "n/a" || b == "n/a" || b + 0 == 0)
				continue
			x[++n] = a / b
		}
		return n
	}
	# Their median ("median") or lowest-highest ("range").
	function rstat(c, k, what,   n, m, x) {
		n = ratios(c, k, x)
		if (!n)
			return "-"
		m = median(x, n)
		return what == "median" ? sprintf("%.2f", m) : sprintf("%.2f-%.2f", x[1], x[n])
	}
	function v(k,   i, a) {
		for (i = 1; i <= NF; i++) {
			split($i, a, "=")
			if (a[1] == k)
				return a[2]
		}
		return "?"
	}
	{
		split(v("name"), n, "/")
		c = n[2]; p = n[1]
		r = v("run"); if (r == "?") r = 1
		if (r + 0 > nr) nr = r + 0
		if (!(r in ran)) { ran[r] = 1; nran++ }
		if (!(c in seen)) { seen[c] = 1; order[++nc] = c }
		split("MBps iops lat_us p99_us gcpu gcpu_us_op dcpu dcpu_us_op hcall_op virq_op irq_op", ks, " ")
		for (i in ks)
			val[c, p, ks[i], r] = v(ks[i])
		have[c, p] = 1
	}
	END {
		fmt = "%-18s %-4s %8s %8s %8s %8s %5s %8s %5s %8s %6s %6s %6s\n"
		printf fmt, "case", "path", "MB/s", "IOPS", "lat", "p99", "gcpu", "g-us/op", "dcpu", "d-us/op", "hc/op", "virq", "irq"
		for (j = 1; j <= nc; j++) {
			c = order[j]
			for (pi = 1; pi <= 2; pi++) {
				p = pi == 1 ? "argo" : "pv"
				if (!have[c, p]) {
					printf fmt, c, p, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"
					continue
				}
				printf fmt, c, p, med(c,p,"MBps"), med(c,p,"iops"), med(c,p,"lat_us"), med(c,p,"p99_us"), med(c,p,"gcpu"), med(c,p,"gcpu_us_op"), med(c,p,"dcpu"), med(c,p,"dcpu_us_op"), med(c,p,"hcall_op"), med(c,p,"virq_op"), med(c,p,"irq_op")
			}
		}
		print ""
		print "ratios argo / pv, median over " nran " run" (nran == 1 ? "" : "s") " (throughput and IOPS: >1 is argo faster; latency and CPU per request: >1 is argo costlier)"
		rf = "%-18s %8s %8s %8s %8s %10s %10s %10s\n"
		printf rf, "case", "MB/s", "IOPS", "lat", "p99", "g-us/op", "d-us/op", "cpu-us/op"
		for (j = 1; j <= nc; j++) {
			c = order[j]
			if (!have[c, "argo"] || !have[c, "pv"])
				continue
			printf rf, c, rstat(c, "MBps", "median"), rstat(c, "iops", "median"),
				rstat(c, "lat_us", "median"), rstat(c, "p99_us", "median"),
				rstat(c, "gcpu_us_op", "median"), rstat(c, "dcpu_us_op", "median"),
				rstat(c, "cpu", "median")
		}
		if (nran < 2)
			exit
		print ""
		print "the same ratios, lowest-highest over the " nran " runs"
		sf = "%-18s %11s %11s %11s %11s\n"
		printf sf, "case", "MB/s", "IOPS", "lat", "cpu-us/op"
		for (j = 1; j <= nc; j++) {
			c = order[j]
			if (!have[c, "argo"] || !have[c, "pv"])
				continue
			printf sf, c, rstat(c, "MBps", "range"), rstat(c, "iops", "range"),
				rstat(c, "lat_us", "range"), rstat(c, "cpu", "range")
		}
	}' "$out/results.txt"
}
table | tee "$out/table.txt"

# ---- the plot: sequential read and TCP send against request size --------
# sweep FAMILY: "KiB argo pv" rows of MB/s for the cases FAMILY-SIZE.
sweep() {
	awk -v fam="$1" "$AWK_MEDIAN"'
	{
		for (i = 1; i <= NF; i++) {
			split($i, a, "=")
			f[a[1]] = a[2]
		}
		split(f["name"], n, "/")
		if (n[2] !~ "^" fam "-[0-9]+[km]$")
			next
		kib = f["size"] / 1024
		sizes[kib] = 1
		cnt[kib, n[1]]++
		mb[kib, n[1], cnt[kib, n[1]]] = f["MBps"]
	}
	# The median of the runs of size s on path p, or NaN.
	function med(s, p,   i, k, x) {
		k = cnt[s, p] + 0
		if (!k)
			return "NaN"
		for (i = 1; i <= k; i++)
			x[i] = mb[s, p, i]
		return median(x, k)
	}
	END {
		for (s in sizes)
			printf "%s %s %s\n", s, med(s, "argo"), med(s, "pv")
	}' "$out/results.txt" | sort -n
}
sweep read >"$out/blk-read.dat"
sweep send >"$out/net-send.dat"
if ! command -v gnuplot >/dev/null; then
	log "no gnuplot (scripts/deps.sh installs gnuplot-nox): no plot"
elif [ "$(wc -l <"$out/blk-read.dat")" -lt 2 ] && [ "$(wc -l <"$out/net-send.dat")" -lt 2 ]; then
	log "fewer than two request sizes measured: no plot"
else
	term=png
	gnuplot -e 'set terminal pngcairo' 2>/dev/null && term=pngcairo
	gnuplot <<EOT
set terminal $term size 1100,450 noenhanced
set output "$out/throughput.png"
set multiplot layout 1,2 title "virtio over Argo vs Xen PV drivers (PVH guest, QEMU TCG)"
set logscale x 2
set xlabel "request size (KiB)"
set ylabel "MB/s"
set key top left
set grid
set yrange [0:*]
set title "block: sequential read, O_DIRECT, queue depth 1"
plot "$out/blk-read.dat" using 1:2 with linespoints title "virtio-blk over Argo", \
     "$out/blk-read.dat" using 1:3 with linespoints title "xen-blkfront/blkback"
set title "network: TCP guest -> dom0, write() size"
plot "$out/net-send.dat" using 1:2 with linespoints title "virtio-net over Argo", \
     "$out/net-send.dat" using 1:3 with linespoints title "xen-netfront/netback"
unset multiplot
EOT
	log "plot: build/bench/throughput.png"
fi
if [ -f "$out/run.out" ] && grep -a -q "^not ok" "$out/run.out"; then
	grep -a '^not ok' "$out/run.out" >&2
	rc=1
fi
exit $rc
