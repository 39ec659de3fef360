#!/usr/bin/env bash
# The whole test suite: `make check` calls this with the kernels to test.
#   check.sh KERNEL...     (series like 6.1 / 6.12, or exact releases)
# For each kernel: build everything for it, then boot one VM per DUT model
# and run the guest suites. Host-side unit tests run once, first. Ends with
# the line "N passed, N failed" and exits non-zero on any failure.
#
# Environment: MODELS (default: all three), E1K_VM_TIMEOUT (seconds per VM),
# E1K_CHECK_JOBS (kernels tested side by side, default 2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cd "$top"

kernels=("$@")
[ ${#kernels[@]} -gt 0 ] || kernels=(6.1 6.12)
read -r -a models <<<"${MODELS:-e1000 e1000-82545em e1000-82544gc}"
vm_timeout=${E1K_VM_TIMEOUT:-900}

log=$top/build/check.log
mkdir -p "$top/build"
: >"$log"

# Every result line goes to stdout and the log; the summary counts the log.
report() { tee -a "$log"; }

# Suites per VM. NAME:DRIVER runs the suite with the DUT on that driver
# (e1000 = Debian's in-tree baseline).
# The life-cycle suite (reloads, down/up, tx-timeout recovery), the BPF
# unit tests (BPF_PROG_TEST_RUN: no NIC involved) and the loader have no
# model-specific code path, so they run on one model per kernel; so do the
# baseline runs on the in-tree e1000. The reflector and the filter put
# frames through the driver's XDP_TX and DROP paths: every model. The other
# models swap XDP programs 50 times, not 200.
suites_for_model() {
	case "$1" in
	e1000) echo "smoke smoke:e1000 xdp driver_traffic driver_ethtool driver_cycle" \
		"bpf_unit bpf_echo bpf_filter loader loader:e1000" ;;
	*) echo "smoke xdp driver_traffic driver_ethtool bpf_echo bpf_filter" ;;
	esac
}
env_for_model() {
	case "$1" in
	e1000) echo "XDP_SWAPS=200" ;;
	*) echo "XDP_SWAPS=50" ;;
	esac
}

# Host-side unit tests (the loader's rule grammar and trie planning): no
# kernel involved, so once per run.
unit_rc=0
make --no-print-directory -C loader test >"$top/build/unit-host.log" 2>&1 || unit_rc=$?
sed -n 's/^\(PASS\|FAIL\) /\1 host\//p' "$top/build/unit-host.log" | report
if [ "$unit_rc" -ne 0 ] && ! grep -q '^FAIL ' "$top/build/unit-host.log"; then
	echo "FAIL host/loader_unit: make -C loader test exited $unit_rc; see build/unit-host.log" | report
fi

# Build for every kernel first, one after another: the module is built in
# driver/ itself.
releases=()
for k in "${kernels[@]}"; do
	rel=$("$here/kver.sh" "$k")
	series=$(echo "$rel" | cut -d. -f1,2)
	echo "=== building for $rel" >&2
	if make --no-print-directory all KVER="$rel" >"$top/build/make-$rel.log" 2>&1; then
		echo "PASS $series/build" | report
		releases+=("$rel")
	else
		echo "FAIL $series/build: make all KVER=$rel failed; tail of build/make-$rel.log:" | report
		tail -n 20 "$top/build/make-$rel.log" | sed 's/^/    | /'
	fi
done

# One VM after another per kernel, the kernels side by side: under
# single-threaded TCG a VM keeps one host core busy, and the machine has two.
# E1K_CHECK_JOBS=1 runs the kernels one after another.
vms_for_kernel() {
	local rel=$1 m
	for m in "${models[@]}"; do
		echo "=== $rel $m: $(suites_for_model "$m")" >&2
		"$here/vm-run.sh" --kver "$rel" --model "$m" \
			--suites "$(suites_for_model "$m")" --env "$(env_for_model "$m")" \
			--timeout "$vm_timeout" |
			report || true
	done
}
kernel_jobs=()
for rel in "${releases[@]}"; do
	if [ "${E1K_CHECK_JOBS:-2}" -gt 1 ]; then
		vms_for_kernel "$rel" &
		kernel_jobs+=("$!")
	else
		vms_for_kernel "$rel"
	fi
done
for j in "${kernel_jobs[@]}"; do
	wait "$j" || true
done

passed=$(grep -c '^PASS ' "$log" || true)
failed=$(grep -c '^FAIL ' "$log" || true)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
