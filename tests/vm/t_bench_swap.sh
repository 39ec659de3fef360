#!/bin/sh
# shellcheck shell=sh
# Benchmark section 4 (make bench): program swaps under a steady flood, in a
# guest with one vCPU (scripts/bench.sh boots it so): QEMU's TCG corrupts a
# vCPU when the kernel patches the BPF dispatcher while another vCPU runs it
# (README, Troubleshooting). Each round, on each driver: the host floods the
# DUT at $BENCH_SWAP_PPS (e1k-hostgen through the host link, vm-run.sh
# --host-link; not the virtio peer, whose transmit queue the emulator could
# stall for good under a flood) while drop, pass and no program take turns
# $BENCH_SWAPS times. Every frame the host sent must be dropped by xdp_drop
# or reach the stack (by xdp_pass or with no program: UDP NoPorts); frames
# the NIC missed (no rx buffer) are lost too. Prints "# BENCH arm metric
# value" notes for tests/bench/report.py.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh
# shellcheck source=tests/vm/hostlink.sh
. /opt/e1k/tests/vm/hostlink.sh

rounds=${BENCH_ROUNDS:-5}
drivers=${BENCH_DRIVERS:-e1000 e1k_xdp}
swaps=${BENCH_SWAPS:-50}
pps=${BENCH_SWAP_PPS:-2000}
PIN=/sys/fs/bpf/tc/globals
BPF=$E1K/bpf
bench() { echo "# BENCH $1 $2 $3" >&3; }
# The drop program's count; 0 before its first load pinned the map.
xdp_drops() {
	if [ -e $PIN/e1k_drop_stats ]; then map_pkts $PIN/e1k_drop_stats "$XDP_DROP"; else echo 0; fi
}

# swap_arm ARM: one round on the loaded driver. Counts the program changes
# that took effect and those that failed; a failed change is an error of
# the round, never skipped.
swap_arm() {
	_arm=$1 _changes=0 _failed=0
	_d0=$(xdp_drops) _s0=$(udp_snmp NoPorts)
	_m0=$(dut_ethstat hw_rx_missed)
	# Until every swap is done: then the host stops sending and counts on for
	# 0.3 s, so the counts below are final.
	host start flood run --rate "$pps" --seconds 3600 --size 60 >/dev/null
	sleep 0.5
	_i=0
	while [ "$_i" -lt "$swaps" ]; do
		for _step in "$BPF/xdp_drop.bpf.o" "$BPF/xdp_pass.bpf.o" off; do
			if [ "$_step" = off ]; then
				_cmd="ip link set dev $DUT $(xdp_mode) off"
			else
				_cmd="ip -force link set dev $DUT $(xdp_mode) obj $_step sec xdp"
			fi
			if $_cmd; then _changes=$((_changes + 1)); else _failed=$((_failed + 1)); fi
		done
		_i=$((_i + 1))
	done
	sleep 0.5
	_flood=$(host stop flood)
	_o=$(kv sent "$_flood")
	_d=$(($(xdp_drops) - _d0)) _s=$(($(udp_snmp NoPorts) - _s0))
	_m=$(($(dut_ethstat hw_rx_missed) - _m0))
	bench "$_arm" swap_changes "$_changes"
	bench "$_arm" swap_failed "$_failed"
	bench "$_arm" swap_offered "$_o"
	bench "$_arm" swap_counted $((_d + _s))
	bench "$_arm" swap_hw_missed "$_m"
}

host_open
r=1
while [ "$r" -le "$rounds" ]; do
	for drv in $drivers; do
		dut_load "$drv"
		host_neighbour
		sleep 1
		rm -f $PIN/e1k_drop_stats
		case "$drv" in
		e1k_xdp) swap_arm e1k_xdp_native ;;
		*) swap_arm "${drv}_generic" ;;
		esac
		dut_unload
	done
	say "swap round $r of $rounds done"
	r=$((r + 1))
done
check bench_swap_completed "the swap rounds did not complete" true
