#!/usr/bin/env bash
# `make bench`: boot one VM, run every benchmark arm side by side in it, and
# write the report to tests/bench/results/ (latest.md, the raw samples).
#   bench.sh [KERNEL]
# Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS (per sample, default 4).
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

export BENCH_ROUNDS=${BENCH_ROUNDS:-5} BENCH_SECONDS=${BENCH_SECONDS:-4}
echo "== bench on $rel: drivers $drivers, $BENCH_ROUNDS interleaved rounds"
"$here/vm-run.sh" --kver "$rel" --model e1000 --suites bench_stack \
	--env "BENCH_ROUNDS=$BENCH_ROUNDS" --env "BENCH_SECONDS=$BENCH_SECONDS" \
	--env "BENCH_DRIVERS=$drivers" \
	--timeout 1800 --out "$out" | tee "$out/run.log" | grep -v '^# BENCH' || true
grep -q '^PASS .*bench_stack_completed' "$out/run.log" || {
	echo "bench: the VM run did not complete (see $out/console.log)" >&2
	exit 1
}

samples=$results/samples.txt
sed -n 's/^# BENCH //p' "$out/run.log" >"$samples"
python3 "$top/tests/bench/report.py" "$samples" "$rel" >"$results/latest.md"
cat "$results/latest.md"
