#!/usr/bin/env bash
# The loop that proves the benchmark's two-way floods no longer stall
# (README, Troubleshooting: the virtio-net peer's transmit queue that QEMU
# 7.2 stops taking frames from for good under a heavy two-way flood). The
# arms that stalled it, XDP_TX MAC swap and the ICMP reflector, flooded
# back and forth through the peer; the benchmark now floods them from the
# host (e1k-hostgen, vm-run.sh --host-link), and this runs them round after
# round in one guest, as make bench's section 1 does.
#
#   flood-loop.sh [--rounds N] [--kver K] [--seconds S] [--timeout SEC]
#
# Each round: every arm unpaced for S seconds, then at 2,000 pps, then 200
# pps with every frame timed (tests/vm/t_bench_host.sh, BENCH_PHASE=ceiling).
# A round passes when each arm's unpaced window got frames back and its
# 200 pps window got every frame back; the guest's kernel log must stay
# free of every report (a transmit timeout included: vm-run.sh's
# kernel_log). Ends with "rounds N, arms with frames back N of N, frames
# lost at 200 pps N" and exits 1 unless every round passed. Defaults:
# --rounds 20 --kver 6.1 --seconds 2.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

rounds=20 kver=6.1 secs=2 timeout_s=3600
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "flood-loop.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

rel=$("$here/kver.sh" "$kver")
make --no-print-directory -C "$top" all KVER="$rel" >/dev/null
out=$top/build/vm/flood-loop
mkdir -p "$out"
arms="tx.e1k_xdp_native echo.e1k_xdp_native tx.e1000_generic"
rc=0
"$here/vm-run.sh" --kver "$rel" --model e1000 --no-instruments --smp 1 --ports 2 \
	--host-link "${BENCH_PORT:-46000}" --suites bench_host --env BENCH_PHASE=ceiling \
	--env "BENCH_ROUNDS=$rounds" --env "BENCH_SECONDS=$secs" --env "BENCH_ARMS=$arms" \
	--timeout "$timeout_s" --label flood-loop/ --out "$out" >"$out.log" || rc=$?
grep -v '^# BENCH' "$out.log" || true

# Per arm and round: the unpaced window's frames back, the 200 pps window's
# frames not back.
back=$(grep -c '^# BENCH [a-z]*\.[a-z0-9_]* ceiling\.pps [1-9]' "$out.log" || true)
arm_rounds=$(grep -c '^# BENCH [a-z]*\.[a-z0-9_]* ceiling\.pps ' "$out.log" || true)
lost=$(awk '$1 == "#" && $2 == "BENCH" && $4 == "ceiling.rtt_lost" { n += $5 } END { print n + 0 }' "$out.log")
expected=$((rounds * 3))
echo "rounds $rounds, arms with frames back $back of $expected, frames lost at 200 pps $lost"
[ "$rc" -eq 0 ] && [ "$arm_rounds" -eq "$expected" ] && [ "$back" -eq "$expected" ] && [ "$lost" -eq 0 ]
