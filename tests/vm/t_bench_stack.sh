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

# pktgen_start / pktgen_stop: 64-byte UDP frames (to port 9999) from the peer
# at full speed, generated on CPU 1 (the DUT's interrupt is pinned to CPU 0).
pktgen_start() {
	pg=/proc/net/pktgen
	in_peer sh -c "
		echo rem_device_all > $pg/kpktgend_1
		echo add_device $PEER_IF > $pg/kpktgend_1
		echo 'count 0' > $pg/$PEER_IF
		echo 'pkt_size 60' > $pg/$PEER_IF
		echo 'dst $DUT_IP4' > $pg/$PEER_IF
		echo 'udp_dst_min 9999' > $pg/$PEER_IF
		echo 'udp_dst_max 9999' > $pg/$PEER_IF
		echo 'dst_mac $(cat /sys/class/net/"$DUT"/address)' > $pg/$PEER_IF
	"
	in_peer sh -c "echo start > $pg/pgctrl" &
	PG=$!
}
pktgen_stop() {
	in_peer sh -c "echo stop > /proc/net/pktgen/pgctrl"
	wait "$PG" 2>/dev/null || true
}
pin_irqs() {
	echo 1 >"/proc/irq/$(cat "/sys/class/net/$DUT/device/irq")/smp_affinity" 2>/dev/null || true
}
# CPU 0's busy time in USER_HZ ticks (user, nice, system, irq, softirq).
cpu0_busy() { awk '$1 == "cpu0" { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

# xdp_drop_arm NAME MODE: XDP_DROP at full offered load: delivered (dropped
# by the program) pps, DUT CPU microseconds per packet, register writes per
# packet (e1k_xdp counts its data-path writes).
xdp_drop_arm() {
	_arm=$1 _mode=$2
	rm -f "$T_VERDICTS"
	ip -force link set dev "$DUT" "$_mode" obj "$TOBJ/xdp_t_drop.bpf.o" sec xdp
	pin_irqs
	pktgen_start
	sleep 1
	_d0=$(t_verdict $XDP_DROP)
	_c0=$(cpu0_busy)
	_w0=$(dut_ethstat reg_writes)
	sleep "$secs"
	_d=$(($(t_verdict $XDP_DROP) - _d0))
	_c=$(($(cpu0_busy) - _c0))
	_w=$(($(dut_ethstat reg_writes) - _w0))
	pktgen_stop
	ip link set dev "$DUT" "$_mode" off
	bench "$_arm" xdp_drop_pps $((_d / secs))
	# ticks are 10 ms: us per packet = ticks * 10000 / packets
	bench "$_arm" xdp_drop_cpu_ns_per_pkt "$(awk -v c="$_c" -v d="$_d" 'BEGIN { printf "%.0f", d ? c * 1e7 / d : 0 }')"
	[ "$_w" -gt 0 ] && bench "$_arm" xdp_drop_regwrites_per_kpkt "$(awk -v w="$_w" -v d="$_d" 'BEGIN { printf "%.1f", d ? w * 1000 / d : 0 }')"
	return 0
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
		if [ "$drv" = e1k_xdp ]; then
			xdp_drop_arm e1k_xdp_native xdpdrv
			xdp_drop_arm e1k_xdp_skb xdpgeneric
		else
			xdp_drop_arm "${drv}_generic" xdpgeneric
		fi
		dut_unload
	done
	r=$((r + 1))
done
pass bench_stack_completed
