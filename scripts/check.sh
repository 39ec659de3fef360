#!/usr/bin/env bash
# The whole test suite: `make check` calls this with the kernels to test.
#   check.sh KERNEL...     (series like 6.1 / 6.12, or exact releases)
# For each kernel: build everything for it, then boot the VMs of each DUT
# model and run the guest suites. Host-side tests run once, first. Every
# test the plan expects (tests/manifest) must report: one that did not is a
# failure. Ends with the line "N passed, N failed", counted by test name,
# and exits non-zero on any failure.
#
# Environment: MODELS (default: all three), E1K_VM_TIMEOUT (seconds per VM),
# E1K_CHECK_JOBS (lanes of VMs run side by side, default 2; see below).
#
# The packages: on the machine's own kernels (not make check-debug's, which
# has no DKMS), e1k-xdp-dkms and e1k-xdp-tools are built (make deb, lintian
# clean), installed here (DKMS builds the module for every installed
# kernel) and checked; the e1000 model's main, cycle and control VMs of
# each kernel boot with what they installed instead of the tree's build, and
# the control VM runs the package and apply suites too; the packages are
# then purged and checked gone. So make check installs and purges e1k-xdp
# packages on this machine, as root.
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

# The VMs per kernel and model: NAME|SMP|SUITES|ENV|PORTS|FROM. Suites are
# NAME or NAME:DRIVER (the DUT on that driver; e1000 = Debian's in-tree
# baseline); PORTS is how many DUT ports the guest has (vm-run.sh --ports);
# FROM is "installed" for a VM that runs what the packages installed
# (vm-run.sh --installed), else empty (the tree's build).
# The life-cycle and hardening suites (reloads, down/up, tx-timeout
# recovery, fault knobs, teardown under traffic), the BPF unit tests
# (BPF_PROG_TEST_RUN: no NIC involved) and the loader have no
# model-specific code path, so they run on one model per kernel; so do the
# baseline runs on the in-tree e1000 and the redirects between two ports
# (xports, in a guest with two, where the hardening suite runs too).
# What differs between the models is the probe and the hardware's
# housekeeping (e1k_hw.c: EEPROM handshake and size, the 82544's MTA
# erratum, PCI-X): QEMU's three variants differ only in PCI id, PHY id and
# EEPROM image, and the driver's rx, tx and XDP paths have no per-model
# branch. So the other two models run the suites that reach that code
# (smoke: the probe; driver_hw: the EEPROM's MAC, the DMA mask, the MTA,
# the FCS; driver_ethtool: PHY and link, registers, rings) and the XDP
# suite, every verdict on the wire once per model; the suites that would
# only repeat the e1000 model's run (multi-buffer, stack traffic, the
# reflector, the filter) run on e1000 alone. On a host half as fast as the
# first bed, the two models' VMs took 14 of the 43 min of a kernel's lane,
# half of it that repeat.
# Swapping XDP programs under a flood runs in a guest of its own with one
# vCPU: QEMU's TCG corrupts a vCPU's state when the kernel patches the BPF
# dispatcher's text while another vCPU runs it (README, Troubleshooting);
# with one vCPU no other CPU can be inside the half-patched code. A swap is
# a pointer exchange in code no model changes: on one model per kernel.
# 50 rounds (150 changes under the flood), each the same three changes:
# volume is make soak's (1,000 rounds a kernel); 200 here took 5 min of a
# lane on the slower host. It comes first in its lane: it checks no rate or
# time and needs no package, and the packages' install and purge (below)
# take CPU for the lanes' first two minutes or so, which the main VM's
# throughput floors (iperf3) should not share.
# The packages' VMs (FROM installed): the e1000 model's main, cycle and
# control VMs of each kernel run the module DKMS built for it, the packaged
# loader and programs; control runs the package suite too, and the apply
# suite (the loader and the configuration, no kernel difference) on 6.12
# only. The e1000 model's suites are split over three VMs (main: the data
# path; cycle: the driver's life cycle, the programs and AF_XDP; control:
# the loader and the packages) so that each ends well inside its timeout on
# a slower host: as one VM they took 7-10 min on the first bed, and over
# 18 min (timed out at 15, the suites' work still going) on a host about
# half as fast.
# The fault-injection suite needs a kernel built with fault injection
# (make check-debug's): it is planned where the kernel has it.
# vms_for_model MODEL RELEASE
packages=1
[ -z "${E1K_KERNEL_ROOT:-}" ] || packages=0
vms_for_model() {
	local main="smoke smoke:e1000 xdp xdp_mb driver_traffic driver_ethtool driver_hw"
	local cycle="driver_cycle bpf_unit bpf_echo bpf_filter xsk"
	local control="loader loader:e1000" from=installed
	case "$1" in
	e1000)
		if [ "$packages" = 0 ]; then
			from=''
		elif [ "${2#6.12.}" != "$2" ]; then
			control="$control package apply"
		else
			control="$control package"
		fi
		echo "swap|1|xdp_swap|XDP_SWAPS=50|1"
		echo "main|2|$main||1|$from"
		echo "cycle|2|$cycle||1|$from"
		echo "control|2|$control||1|$from"
		echo "ports2|2|xports hardening||2"
		if grep -qx 'CONFIG_FAIL_PAGE_ALLOC=y' "${E1K_KERNEL_ROOT:-}/boot/config-$2" 2>/dev/null; then
			echo "faults|2|faults||1"
		fi
		;;
	*)
		echo "main|2|smoke xdp driver_ethtool driver_hw||1"
		;;
	esac
}
# vm_fields LINE: sets vm_name, vm_smp, vm_suites, vm_env, vm_ports, vm_from.
vm_fields() { IFS='|' read -r vm_name vm_smp vm_suites vm_env vm_ports vm_from <<<"$1"; }

# Host-side checks: the loader's unit tests (rule grammar, trie planning),
# the suites' lint and the kernel-log check's self-test. No kernel involved, so once per run.
unit_rc=0
make --no-print-directory -C loader test >"$top/build/unit-host.log" 2>&1 || unit_rc=$?
sed -n 's/^\(PASS\|FAIL\) /\1 host\//p' "$top/build/unit-host.log" | report
if [ "$unit_rc" -ne 0 ] && ! grep -q '^FAIL ' "$top/build/unit-host.log"; then
	echo "FAIL host/loader_unit: make -C loader test exited $unit_rc; see build/unit-host.log" | report
fi
if lint=$("$top/tests/lint-suites.sh" 2>&1); then
	echo "PASS host/lint_suites" | report
else
	echo "FAIL host/lint_suites: $(echo "$lint" | head -n 1)" | report
	echo "$lint" | sed -n '2,20s/^/    | /p'
fi
# The kernel-log check itself: a sample of each report class must fail it,
# a clean instrumented boot must pass (a pattern that stopped matching
# would otherwise turn every VM's kernel_log silently green).
if logchk=$("$top/tests/kernel-log-check-test.sh" 2>&1); then
	echo "PASS host/log_check" | report
else
	echo "FAIL host/log_check: $(echo "$logchk" | head -n 1)" | report
	echo "$logchk" | sed -n '2,20s/^/    | /p'
fi

# host_results: a host test script's result lines, as host/NAME.
host_results() { sed -n 's/^\(PASS\|FAIL\) /\1 host\//p'; }
# Before anything else loads the CPU (the packages and the builds below):
# the generator's test measures its reflector's socket backlog, hostd's the
# CPU shares of a capped thread.
# The benchmark's host-side generator against its own reflector (no QEMU).
"$top/tests/hostgen-test.sh" 2>&1 | host_results | report
# Its host daemon's cap on QEMU's vCPU thread, on a stand-in process.
"$top/tests/hostd-test.sh" 2>&1 | host_results | report
# The AF_XDP test tool's signals, statistics and completions, on veth pairs
# of its own.
"$top/tests/xsk-tool-test.sh" 2>&1 | host_results | report

# What the run must report: every test of the manifest for every kernel,
# model and suite planned, whether or not its build or its VM got going.
expected=$top/build/expected.txt
"$here/expected-tests.sh" host >"$expected"
if [ "$packages" = 1 ]; then
	"$here/expected-tests.sh" packages >>"$expected"
fi
for k in "${kernels[@]}"; do
	rel=$("$here/kver.sh" "$k" 2>/dev/null) || rel=$k
	series=$(echo "$rel" | cut -d. -f1,2)
	echo "$series/build" >>"$expected"
	echo "$series/sparse" >>"$expected"
	for m in "${models[@]}"; do
		while read -r line; do
			vm_fields "$line"
			# shellcheck disable=SC2086 # one suite a word
			"$here/expected-tests.sh" vm "$series/$m/$vm_name/" "$series" "$m" $vm_suites >>"$expected"
		done < <(vms_for_model "$m" "$rel")
	done
done

# The packages, built from the tree and installed on this machine; what they
# installed is copied to build/pkg-root for the VMs. make deb builds from a
# copy of the tracked files and DKMS in /var/lib/dkms, so this runs beside
# the tree's builds below (which keep one core busy, the packages the
# other) and the lanes' first VMs, which do not boot from the packages;
# a VM that does waits for build/pkg-root.ready. The results are reported
# when it is done; then the purge and its check run beside the VMs.
pkg_root=$top/build/pkg-root
pkg_ready=$pkg_root.ready
pkg_log=$top/build/pkg-results.log
rm -f "$pkg_ready"
packages_install() {
	rm -rf "$pkg_root"
	if "$here/deb.sh" "$top/build/deb" >"$top/build/deb.log" 2>&1; then
		echo "PASS host/packages"
		"$here/pkg-test.sh" install "$top/build/deb" "$pkg_root" || true
	else
		echo "FAIL host/packages: make deb failed: $(grep -m1 -E '^(deb.sh|E:|W:)' "$top/build/deb.log" || tail -n 1 "$top/build/deb.log")"
		sed 's/^/    | /' "$top/build/deb.log" | tail -n 20
	fi
}
pkg_job=
if [ "$packages" = 1 ]; then
	echo "=== packages: build, lintian, install" >&2
	{
		packages_install || true
		touch "$pkg_ready"
	} </dev/null >"$pkg_log" 2>&1 &
	pkg_job=$!
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
		# The driver through sparse (C=2: every file, built or not):
		# address spaces (__rcu, __iomem, __le), locking annotations.
		sparse_log=$top/build/sparse-$rel.log
		if make --no-print-directory -C "${E1K_KERNEL_ROOT:-}/lib/modules/$rel/build" M="$top/driver" C=2 \
			modules >"$sparse_log" 2>&1 && ! grep -qE 'warning:|error:' "$sparse_log"; then
			echo "PASS $series/sparse" | report
		else
			echo "FAIL $series/sparse: $(grep -m1 -E 'warning:|error:' "$sparse_log" || tail -n 1 "$sparse_log")" | report
		fi
	else
		echo "FAIL $series/build: make all KVER=$rel failed; tail of build/make-$rel.log:" | report
		tail -n 20 "$top/build/make-$rel.log" | sed 's/^/    | /'
	fi
done

# One VM after another per lane, the lanes side by side: under
# single-threaded TCG a VM keeps one host core busy, and the machine has two.
# A lane is a kernel with all its models. With one kernel (make check KVER=,
# make check-debug) the VMs of its first model (e1000, which has the most)
# are one lane and the other models' the other; the fault-injection VM, the
# longest of check-debug's, goes to that second lane, which is the shorter
# one. E1K_CHECK_JOBS=1 runs the lanes one after another. A VM that fails
# to start reports nothing: the accounting below turns that into failures.
# A lane is a file of "RELEASE|MODEL|VM" lines (VM as vms_for_model prints it).
lane_dir=$top/build/lanes
rm -rf "$lane_dir"
mkdir -p "$lane_dir"
# plan_lanes: the lane files, lane-1 to lane-N.
plan_lanes() {
	local rel m line lane
	for rel in "${releases[@]}"; do
		for m in "${models[@]}"; do
			while read -r line; do
				lane=$rel
				if [ ${#releases[@]} -eq 1 ] && [ ${#models[@]} -gt 1 ]; then
					lane=second
					[ "$m" != "${models[0]}" ] || [ "${line%%|*}" = faults ] || lane=first
				fi
				echo "$rel|$m|$line" >>"$lane_dir/$lane"
			done < <(vms_for_model "$m" "$rel")
		done
	done
}
# packages_ready: once the packages' job is done (at most 20 min; then the
# VM finds no module in build/pkg-root and reports nothing).
packages_ready() {
	local s=0
	while [ ! -e "$pkg_ready" ] && [ $s -lt 1200 ]; do
		sleep 1
		s=$((s + 1))
	done
}
# vms_for_lane FILE: its VMs, one after another.
vms_for_lane() {
	local rel m series line
	while IFS='|' read -r rel m line; do
		series=$(echo "$rel" | cut -d. -f1,2)
		vm_fields "$line"
		[ -z "$vm_from" ] || packages_ready
		echo "=== $rel $m $vm_name (${vm_smp} vCPU, $vm_ports port(s)${vm_from:+, $vm_from}): $vm_suites" >&2
		"$here/vm-run.sh" --kver "$rel" --model "$m" --smp "$vm_smp" --ports "$vm_ports" \
			--suites "$vm_suites" ${vm_env:+--env "$vm_env"} \
			${vm_from:+--installed "$pkg_root"} \
			--label "$series/$m/$vm_name/" \
			--out "$top/build/vm/$rel-$m-$vm_name" \
			--timeout "$vm_timeout" </dev/null |
			report || true
	done <"$1"
}
[ ${#releases[@]} -eq 0 ] || plan_lanes
lane_jobs=()
for lane in "$lane_dir"/*; do
	[ -e "$lane" ] || continue
	if [ "${E1K_CHECK_JOBS:-2}" -gt 1 ]; then
		vms_for_lane "$lane" &
		lane_jobs+=("$!")
	else
		vms_for_lane "$lane"
	fi
done
purge_job=
if [ -n "$pkg_job" ]; then
	wait "$pkg_job" || true
	report <"$pkg_log"
	"$here/pkg-test.sh" purge </dev/null | report &
	purge_job=$!
fi

for j in "${lane_jobs[@]}" $purge_job; do
	wait "$j" || true
done

# The accounting: each expected test must report exactly once, and pass;
# a test that did not report, reported twice, or is not in the manifest is
# a failure.
"$here/check-accounting.sh" "$expected" "$log" | report
summary=$("$here/check-accounting.sh" --summary "$expected" "$log")
echo "$summary"
[ "$summary" = "$(grep -c . "$expected") passed, 0 failed" ]
