#!/bin/sh
# shellcheck shell=sh
# Benchmark (make bench, never make check): the stack path of each driver in
# $BENCH_DRIVERS, interleaved round by round so drift hits every arm alike.
# Prints "BENCH arm metric value" notes; the host computes median/min/max.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

rounds=${BENCH_ROUNDS:-5}
secs=${BENCH_SECONDS:-4}
drivers=${BENCH_DRIVERS:-e1000}
bench() { echo "# BENCH $1 $2 $3" >&3; }

# iperf3 -J prints end.sum_received.bits_per_second; pick it out without jq.
iperf_mbps() {
	awk '/"sum_received"/ { inrecv = 1 }
	     inrecv && /"bits_per_second"/ { gsub(/[,]/, ""); printf "%.1f\n", $2 / 1e6; exit }'
}

# pktgen_rx_pps: 64-byte UDP frames from the peer at full speed for $secs s;
# the DUT's rx_packets delta over the same time is what it received.
pktgen_rx_pps() {
	pg=/proc/net/pktgen
	in_peer sh -c "
		echo rem_device_all > $pg/kpktgend_1
		echo add_device $PEER_IF > $pg/kpktgend_1
		echo 'count 0' > $pg/$PEER_IF
		echo 'pkt_size 60' > $pg/$PEER_IF
		echo 'dst $DUT_IP4' > $pg/$PEER_IF
		echo 'dst_mac $(cat /sys/class/net/"$DUT"/address)' > $pg/$PEER_IF
		echo 'burst 32' > $pg/$PEER_IF 2>/dev/null || true
	"
	in_peer sh -c "echo start > $pg/pgctrl" &
	sleep 1
	before=$(dut_stat rx_packets)
	sleep "$secs"
	after=$(dut_stat rx_packets)
	in_peer sh -c "echo stop > $pg/pgctrl"
	wait
	echo $(((after - before) / secs))
}

modprobe pktgen
peer_setup
r=1
while [ "$r" -le "$rounds" ]; do
	for drv in $drivers; do
		dut_load "$drv"
		iperf3 -s -D -B "$DUT_IP4" >/dev/null
		sleep 0.3
		v=$(in_peer iperf3 -c "$DUT_IP4" -t "$secs" -J | iperf_mbps)
		bench "$drv" tcp_rx_mbps "$v"
		v=$(in_peer iperf3 -c "$DUT_IP4" -t "$secs" -R -J | iperf_mbps)
		bench "$drv" tcp_tx_mbps "$v"
		killall iperf3 2>/dev/null || true
		bench "$drv" pktgen_rx_pps "$(pktgen_rx_pps)"
		dut_unload
	done
	r=$((r + 1))
done
pass bench_stack_completed
