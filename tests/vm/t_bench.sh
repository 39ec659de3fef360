#!/bin/sh
# shellcheck shell=sh
# Benchmark section 3 (make bench, never make check): iperf3 TCP both ways
# between the virtio-net peer and the DUT, with no program, with a native
# XDP_PASS program (e1k_xdp), and on the in-tree e1000, run interleaved round
# by round (each round visits every driver and arm once) so that drift hits
# every arm alike. TCP needs a real stack on the far side, so this is the
# one section whose traffic comes from a peer in the guest; the floods come
# from the host (t_bench_host.sh, t_bench_swap.sh). Prints "# BENCH arm
# metric value" notes; tests/bench/report.py turns them into a confidence
# interval per comparison.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

rounds=${BENCH_ROUNDS:-5}
secs=${BENCH_IPERF_SECONDS:-10}
drivers=${BENCH_DRIVERS:-e1000 e1k_xdp}
BPF=$E1K/bpf
# Figures are held back until their round has ended well (see the run).
ROUND_FILE=/tmp/bench.round
bench() { echo "# BENCH $1 $2 $3" >>"$ROUND_FILE"; }
# iperf3 -J prints end.sum_received.bits_per_second; pick it out without jq.
iperf_mbps() {
	awk '/"sum_received"/ { inrecv = 1 }
	     inrecv && /"bits_per_second"/ { gsub(/[,]/, ""); printf "%.1f\n", $2 / 1e6; exit }'
}

# --- 3. iperf3 ----------------------------------------------------------------
# Bounded in time: a peer that stalls mid-test must not hang the run.
peer_iperf() {
	in_peer timeout $((secs + 20)) /usr/bin/iperf3 -c "$DUT_IP4" -t "$secs" \
		--connect-timeout 3000 -J "$@" | iperf_mbps || true
}
# A run that failed is an error of the sample (tcp_*_error), reported.
iperf_arm() {
	_rx=$(peer_iperf) _tx=$(peer_iperf -R)
	if [ -n "$_rx" ]; then bench "$1" tcp_rx_mbps "$_rx"; else bench "$1" tcp_rx_error 1; fi
	if [ -n "$_tx" ]; then bench "$1" tcp_tx_mbps "$_tx"; else bench "$1" tcp_tx_error 1; fi
}

iperf_arms() {
	iperf_server 5201 "$DUT_IP4" --many
	iperf_arm "$DUT_DRIVER"
	if [ "$DUT_DRIVER" = e1k_xdp ]; then
		ip -force link set dev "$DUT" xdpdrv obj "$BPF/xdp_pass.bpf.o" sec xdp
		iperf_arm e1k_xdp_pass
		ip link set dev "$DUT" xdpdrv off
	fi
	iperf_server_stop 5201
}

# --- the run -------------------------------------------------------------
# driver_arms DRIVER: every iperf3 arm once on DRIVER; fails if the peer can no
# longer reach the DUT afterwards.
driver_arms() {
	dut_load "$1"
	static_neighbours
	iperf_arms
	_alive=0
	peer_alive && _alive=1
	dut_unload
	[ "$_alive" = 1 ]
}

# A round counts only if the peer still reached the DUT after each driver's
# arms: if the emulator stalled the peer's queue (see peer_reset in lib.sh),
# the round's figures are thrown away, the peer is reset, and the round runs
# again, at most $retries times in the whole run.
peer_setup
retries=${BENCH_RETRIES:-3}
r=1
while [ "$r" -le "$rounds" ]; do
	: >"$ROUND_FILE"
	ok=1
	for drv in $drivers; do
		driver_arms "$drv" || {
			ok=0
			break
		}
	done
	if [ "$ok" = 1 ]; then
		cat "$ROUND_FILE" >&3
		say "bench round $r of $rounds done"
		r=$((r + 1))
		continue
	fi
	say "bench round $r: the peer no longer reaches the DUT after the $drv arms" \
		"($(dmesg | grep -c 'transmit queue .* timed out') tx timeouts in the log);" \
		"figures dropped, peer reset"
	bench_stalls=$((${bench_stalls:-0} + 1))
	if [ "$bench_stalls" -gt "$retries" ] || ! peer_reset; then
		fail bench_completed "the peer stalled $bench_stalls times"
		exit 0
	fi
done
echo "# BENCH run stalls_recovered ${bench_stalls:-0}" >&3
pass bench_completed
