#!/usr/bin/env bash
# `make bench`: the side-by-side benchmark, in four VM runs one after the
# other (never two at once: they would share the host's cores):
#   1. the NIC's ceiling and each frame's DUT cost, load from the host
#      (tests/vm/t_bench_host.sh, BENCH_PHASE=ceiling; one vCPU);
#   2. DUT-bound: the same arms' highest loss-free rates with QEMU's vCPU
#      thread capped at a share of one host CPU (BENCH_PHASE=bound);
#   3. iperf3 through the virtio-net peer (tests/vm/t_bench.sh; two vCPUs);
#   4. program swaps under a flood from the host (tests/vm/t_bench_swap.sh).
# The host's side of 1, 2 and 4 is tests/tools/e1k-hostgen, run for the
# guest by tests/bench/hostd.py (vm-run.sh --host-link). The report goes to
# tests/bench/results/: latest.md (goals and tables), latest.svg (the plot),
# samples.txt (the raw figures); the README's benchmark section is refreshed
# from latest.md.
#   bench.sh [KERNEL]
# Environment: BENCH_ROUNDS (rounds of sections 1, 2 and 4, default 3),
# BENCH_IPERF_ROUNDS (of section 3, default 8: its goals are confidence
# intervals over the rounds, and a 1 % effect needs that many to show),
# BENCH_SECONDS (window of sections 1 and 2, default 3), BENCH_VCPU_PCT (the
# cap of section 2's vCPU thread, % of one host CPU, default 10: generic
# XDP then saturates far below the device model's ceiling and native
# XDP_DROP still below it), BENCH_IPERF_SECONDS (per iperf3 sample, default 10), BENCH_SWAPS
# (drop/pass/none cycles per round, default 50), BENCH_SWAP_PPS (the flood
# during the swaps, default 2000), BENCH_PORT (first UDP port of the host
# links on 127.0.0.1, default 46000; four are used).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
rel=$("$here/kver.sh" "${1:-6.1}")
results=$top/tests/bench/results
out=$top/build/vm/bench
mkdir -p "$results" "$out"

make -C "$top" --no-print-directory all KVER="$rel" >"$out/make.log" 2>&1 || {
	tail -n 30 "$out/make.log"
	exit 1
}
drivers="e1000"
[ -f "$top/build/$rel/e1k_xdp.ko" ] && drivers="e1000 e1k_xdp"

rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECONDS:-3}
vcpu_pct=${BENCH_VCPU_PCT:-10}
port=${BENCH_PORT:-46000}
for p in $(seq "$port" $((port + 3))); do
	if ss -Hlun "sport = :$p" | grep -q .; then
		echo "bench: UDP port $p is in use on 127.0.0.1 (set BENCH_PORT)" >&2
		exit 2
	fi
done

# QEMU reads each host link through a UDP socket whose receive buffer is the
# host's default (net.core.rmem_default, 208 KiB here: about 256 small
# frames), so a few milliseconds' delay of QEMU's main loop (section 1, at
# the device model's own ceiling) or of the capped vCPU (section 2: it runs
# 0.2 ms in every 2) loses frames the DUT would have worked off: a loss of
# the bed, not of the NIC or the DUT. Sections 1 and 2 get 8 MiB (QEMU makes
# its sockets as it starts). What a large buffer could hide, a DUT slower
# than the rate whose backlog hostd.py waits for and the guest then counts,
# t_bench_host.sh's loss_free refuses: the backlog when the sending stopped
# must fit the default buffer. The host's value is put back after.
rmem=$(sysctl -n net.core.rmem_default)
trap 'sysctl -qw net.core.rmem_default="$rmem"' EXIT

# Without the instruments (vm-run.sh --no-instruments: the plain pc machine,
# no IOMMU, no poisoning): the strict IOMMU's invalidation on every DMA
# unmap, and SLUB's and the page allocator's poisoning, are costs of the
# bed, not of the driver. `make check` keeps them.
incomplete=""
# vm NAME SUITE ROUNDS TIMEOUT VM-RUN-ARGS...: one VM run; its notes in
# $out/NAME.log; a run that did not complete is said, and its notes kept.
vm() {
	local name=$1 suite=$2 n=$3 limit=$4 rc=0
	shift 4
	"$here/vm-run.sh" --kver "$rel" --model e1000 --no-instruments --suites "$suite" \
		--env "BENCH_ROUNDS=$n" --env "BENCH_DRIVERS=$drivers" \
		--timeout "$limit" --out "$out/$name" "$@" >"$out/$name.log" || rc=$?
	grep -v '^# BENCH' "$out/$name.log" || true
	if [ "$rc" -ne 0 ] || ! grep -q "^PASS .*${suite}_completed" "$out/$name.log"; then
		incomplete=${incomplete:+$incomplete; }"the $name run did not complete (build/vm/bench/$name/console.log)"
		echo "bench: the $name run did not complete" >&2
	fi
}

echo "== bench on $rel: drivers $drivers, $rounds rounds per section (iperf3: ${BENCH_IPERF_ROUNDS:-8})"
echo "== 1. the ceiling and the DUT's cost per frame (one vCPU, load from the host)"
sysctl -qw net.core.rmem_default=8388608
vm ceiling bench_host "$rounds" $((rounds * 1500 + 300)) --smp 1 --ports 2 --host-link "$port" \
	--env BENCH_PHASE=ceiling --env "BENCH_SECONDS=$secs" --env "BENCH_BACKLOG_MAX=$rmem"
echo "== 2. DUT-bound (the vCPU capped at $vcpu_pct % of a host CPU): the highest loss-free rates"
vm bound bench_host "$rounds" $((rounds * 2400 + 300)) --smp 1 --ports 2 --host-link "$port" \
	--env BENCH_PHASE=bound --env "BENCH_VCPU_PCT=$vcpu_pct" --env "BENCH_SECONDS=$secs" \
	--env "BENCH_BACKLOG_MAX=$rmem"
sysctl -qw net.core.rmem_default="$rmem"
echo "== 3. iperf3 (two vCPUs, the virtio-net peer)"
iperf_rounds=${BENCH_IPERF_ROUNDS:-8}
vm iperf bench "$iperf_rounds" $((iperf_rounds * 300 + 300)) \
	--env "BENCH_IPERF_SECONDS=${BENCH_IPERF_SECONDS:-10}"
echo "== 4. program swaps under a flood from the host (one vCPU)"
vm swap bench_swap "$rounds" $((rounds * 300 + 300)) --smp 1 --host-link "$port" \
	--env "BENCH_SWAPS=${BENCH_SWAPS:-50}" --env "BENCH_SWAP_PPS=${BENCH_SWAP_PPS:-2000}"

samples=$results/samples.txt
sed -n 's/^# BENCH //p' "$out"/{ceiling,bound,iperf,swap}.log >"$samples"
[ -s "$samples" ] || { echo "bench: no figures at all" >&2; exit 1; }
BENCH_INCOMPLETE=$incomplete python3 "$top/tests/bench/report.py" "$samples" "$rel" \
	"$out/plot.dat" >"$results/latest.md"
# The plot is of section 2; without its figures there is none (the report
# then shows no plot either).
rm -f "$results/latest.svg"
if grep -qv '^#' "$out/plot.dat"; then
	gnuplot -e "data='$out/plot.dat'; out='$results/latest.svg'" "$top/tests/bench/plot.gp"
fi

# The README shows the goals (and whether the run was incomplete): the report
# from its "## Goals" heading up to section 1, between the README's bench
# markers.
python3 - "$top/README.md" "$results/latest.md" <<'PY'
import sys
readme, report = open(sys.argv[1]).read(), open(sys.argv[2]).read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if begin in readme and end in readme:
    part = report[report.index("## Goals"):report.index("## 1. ")].strip()
    part = part.replace("## ", "### ")
    # An incomplete run says so here too.
    note = [l for l in report.splitlines() if l.startswith("**Incomplete run:**")]
    if note:
        part = note[0] + "\n\n" + part
    head, rest = readme.split(begin, 1)
    readme = head + begin + "\n" + part + "\n" + end + rest.split(end, 1)[1]
    open(sys.argv[1], "w").write(readme)
PY
cat "$results/latest.md"
[ -z "$incomplete" ]
