#!/usr/bin/env bash
# The soak (`make soak`; not part of `make check`): tests/vm/t_soak.sh in a
# guest with two ports and one vCPU, for each kernel given (default 6.1
# and 6.12), on the e1000 model unless MODEL says otherwise.
#   soak.sh [KERNEL...]
# Environment: SOAK_SWAPS (1000), SOAK_UPDOWN (200), SOAK_RESIZE (50),
# SOAK_RELOADS (100), SOAK_RATE (3000 frames/s per flood), MODEL,
# E1K_SOAK_TIMEOUT (seconds per guest, default 7200).
# Ends with "N passed, N failed" over every guest and exits non-zero on any
# failure (a kernel report included).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)
model=${MODEL:-e1000}
envs=()
for v in SOAK_SWAPS SOAK_UPDOWN SOAK_RESIZE SOAK_RELOADS SOAK_RATE; do
	if [ -n "${!v:-}" ]; then envs+=(--env "$v=${!v}"); fi
done

log=$top/build/soak.log
mkdir -p "$top/build"
: >"$log"
for k in "${kernels[@]}"; do
	rel=$("$here/kver.sh" "$k")
	make --no-print-directory all KVER="$rel" >"$top/build/make-$rel.log" 2>&1 ||
		{ echo "FAIL $k/build: see build/make-$rel.log" | tee -a "$log"; continue; }
	echo "=== soak on $rel, $model: two ports, one vCPU" >&2
	"$here/vm-run.sh" --kver "$rel" --model "$model" --smp 1 --ports 2 \
		--suites soak "${envs[@]}" --live --timeout "${E1K_SOAK_TIMEOUT:-7200}" \
		--out "$top/build/vm/$rel-$model-soak" </dev/null | tee -a "$log" || true
done
passed=$(grep -c '^PASS ' "$log" || true)
failed=$(grep -c '^FAIL ' "$log" || true)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
