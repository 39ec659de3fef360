#!/usr/bin/env bash
# `make bench`: boot one VM, run every benchmark arm side by side in it
# (tests/vm/t_bench.sh), then the program-swap arms in a one-vCPU VM
# (tests/vm/t_bench_swap.sh), and write the report to tests/bench/results/:
# latest.md (tables and goals), latest.svg (the plot), samples.txt (the raw
# figures). The README's benchmark section is refreshed from latest.md.
#   bench.sh [KERNEL]
# Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS (per sample,
# default 4), BENCH_LOADS (fixed offered loads in pps, default
# "10000 30000"), BENCH_SWAPS (drop/pass/none cycles per round, default 50),
# BENCH_SWAP_PPS (the flood during the swaps, default 2000).
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

rounds=${BENCH_ROUNDS:-5}
# Without the instruments (vm-run.sh --no-instruments: the plain pc machine,
# no IOMMU, no poisoning), as every earlier report was measured: the strict
# IOMMU's invalidation on every DMA unmap, and SLUB's and the page
# allocator's poisoning, are costs of the bed, not of the driver, and would
# make these figures incomparable with earlier ones. `make check` keeps them.
echo "== bench on $rel: drivers $drivers, $rounds interleaved rounds (about $((rounds * 4)) minutes;"
echo "   the guest's results come back when it is done: build/vm/bench/results.log)"
set +e
"$here/vm-run.sh" --kver "$rel" --model e1000 --no-instruments --suites bench \
	--env "BENCH_ROUNDS=$rounds" --env "BENCH_SECONDS=${BENCH_SECONDS:-4}" \
	--env "BENCH_LOADS=${BENCH_LOADS:-10000 30000}" \
	--env "BENCH_DRIVERS=$drivers" \
	--timeout $((rounds * 400 + 300)) --out "$out" >"$out/run.log"
rc=$?
set -e
grep -v '^# BENCH' "$out/run.log" || true
# An incomplete run still gets its report, marked as such, and fails.
incomplete=""
if [ "$rc" -ne 0 ] || ! grep -q '^PASS .*bench_completed' "$out/run.log"; then
	incomplete="the VM run did not complete ($(grep -c '^# bench round' "$out/run.log" || true) of $rounds rounds; see build/vm/bench/console.log)"
	echo "bench: $incomplete" >&2
	grep -q '^# BENCH ' "$out/run.log" || exit 1
fi

# Section 4 in a guest with one vCPU (tests/vm/t_bench_swap.sh says why).
echo "== bench, program swaps under a flood: one vCPU, $rounds rounds"
set +e
"$here/vm-run.sh" --kver "$rel" --model e1000 --smp 1 --no-instruments --suites bench_swap \
	--env "BENCH_ROUNDS=$rounds" --env "BENCH_SWAPS=${BENCH_SWAPS:-50}" \
	--env "BENCH_SWAP_PPS=${BENCH_SWAP_PPS:-2000}" --env "BENCH_DRIVERS=$drivers" \
	--timeout $((rounds * 200 + 300)) --out "$out-swap" >"$out/run-swap.log"
rc=$?
set -e
grep -v '^# BENCH' "$out/run-swap.log" || true
if [ "$rc" -ne 0 ] || ! grep -q '^PASS .*bench_swap_completed' "$out/run-swap.log"; then
	why="the swap VM run did not complete (see build/vm/bench-swap/console.log)"
	incomplete=${incomplete:+$incomplete; }$why
	echo "bench: $why" >&2
fi

samples=$results/samples.txt
sed -n 's/^# BENCH //p' "$out/run.log" "$out/run-swap.log" >"$samples"
BENCH_INCOMPLETE=$incomplete python3 "$top/tests/bench/report.py" "$samples" "$rel" \
	"$out/plot.dat" >"$results/latest.md"
gnuplot -e "data='$out/plot.dat'; out='$results/latest.svg'" "$top/tests/bench/plot.gp"

# The README shows the goals and the XDP_DROP table: the report from its
# "## Goals" heading up to section 2, between the README's bench markers.
python3 - "$top/README.md" "$results/latest.md" <<'PY'
import sys
readme, report = open(sys.argv[1]).read(), open(sys.argv[2]).read()
begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
if begin in readme and end in readme:
    part = report[report.index("## Goals"):report.index("## 2. XDP_TX")].strip()
    part = part.replace("## ", "### ")
    head, rest = readme.split(begin, 1)
    readme = head + begin + "\n" + part + "\n" + end + rest.split(end, 1)[1]
    open(sys.argv[1], "w").write(readme)
PY
cat "$results/latest.md"
[ -z "$incomplete" ]
