#!/usr/bin/env bash
# Reproducer for the emulator crash that swapping XDP programs under a flood
# triggers in a guest with more than one vCPU (README, Troubleshooting), and
# the proof that the one-vCPU bed does not have it.
#
#   repro-swap-crash.sh [--smp N] [--tcg single|multi] [--swaps N] [--vms N]
#                       [--kver K] [--model M] [--timeout SEC]
#
# Boots --vms guests one after another, each running the xdp_swap suite with
# --swaps rounds (attach, replace, detach: three program changes a round)
# under the peer's flood, and prints each guest's results: a crash shows as
# a FAIL of vm_completed and kernel_log with the console's last lines. Ends
# with "swap rounds completed N, guests crashed N" and exits 1 on any crash
# or failure. Defaults: --smp 1 --tcg single --swaps 1000 --vms 5, i.e.
# 5,000 rounds on the bed's own configuration.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

smp=1 tcg=single swaps=1000 vms=5 kver=6.12 model=e1000-82544gc timeout_s=3600
while [ $# -gt 0 ]; do
	case "$1" in
	--smp) smp=$2; shift 2 ;;
	--tcg) tcg=$2; shift 2 ;;
	--swaps) swaps=$2; shift 2 ;;
	--vms) vms=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--model) model=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "repro-swap-crash.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

make --no-print-directory -C "$top" all KVER="$("$here/kver.sh" "$kver")" >/dev/null
mkdir -p "$top/build/vm"
done_rounds=0 crashed=0 failed=0
for v in $(seq 1 "$vms"); do
	out=$top/build/vm/repro-$v
	echo "=== guest $v of $vms: $swaps rounds, $smp vCPU, TCG $tcg, $kver $model" >&2
	rc=0
	E1K_TCG_THREAD=$tcg "$here/vm-run.sh" --kver "$kver" --model "$model" --smp "$smp" \
		--suites xdp_swap --env "XDP_SWAPS=$swaps" --timeout "$timeout_s" \
		--label "repro$v/" --out "$out" | tee "$out.results" || rc=$?
	if grep -q '^FAIL repro[0-9]*/vm_completed' "$out.results"; then
		crashed=$((crashed + 1))
	elif grep -q '^PASS repro[0-9]*/swap_under_flood' "$out.results"; then
		done_rounds=$((done_rounds + swaps))
	fi
	[ "$rc" -eq 0 ] || failed=$((failed + 1))
done
echo "swap rounds completed $done_rounds, guests crashed $crashed, guests with a failure $failed"
[ "$failed" -eq 0 ]
