#!/bin/sh
# shellcheck shell=sh
# Benchmark (make bench, never make check): every arm of the report, run
# interleaved round by round (each round visits every driver and arm once)
# so that drift hits every arm alike. Prints "# BENCH arm metric value"
# notes; tests/bench/report.py turns them into medians, tables and goals.
#
# Traffic comes from the virtio-net peer: the kernel's pktgen (60-byte UDP
# frames to a port nothing listens on) on the peer's CPU 1, or e1k-pkt for
# ICMP echo requests. The DUT's interrupt is pinned to CPU 0, where its NAPI
# poll, the XDP program and the stack run; "DUT CPU" is CPU 0's busy time.
#
#   1. XDP_DROP: e1k_xdp native, e1k_xdp skb mode, in-tree e1000 generic XDP,
#      and no program (the stack drops: UDP NoPorts) on both drivers; at the
#      maximum offered load and at fixed loads ($BENCH_LOADS pps).
#   2. XDP_TX: MAC-swap reflection at maximum load (pktgen), ICMP echo
#      reflection (xdp_icmp_echo) against the kernel's own echo reply:
#      replies per second under an echo flood, ping RTT p50/p99.
#   3. iperf3 TCP both ways: no program, XDP_PASS (e1k_xdp), in-tree e1000.
#   4. Program swaps under a steady flood: t_bench_swap.sh, in a guest of its
#      own with one vCPU (see check.sh: why swaps under traffic need that).
#   5. The emulator's ceiling: from section 1, how busy the DUT's CPU and the
#      generator's CPU are while the DUT drops at the maximum offered load.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

rounds=${BENCH_ROUNDS:-5}
secs=${BENCH_SECONDS:-4}
drivers=${BENCH_DRIVERS:-e1000 e1k_xdp}
loads=${BENCH_LOADS:-10000 30000}
PIN=/sys/fs/bpf/tc/globals
BPF=$E1K/bpf
# Figures are held back until their round has ended well (see the run).
ROUND_FILE=/tmp/bench.round
bench() { echo "# BENCH $1 $2 $3" >>"$ROUND_FILE"; }
# The arm name of an XDP program on this driver: native or generic.
xdp_arm() {
	case "$DUT_DRIVER" in
	e1k_xdp) echo e1k_xdp_native ;;
	*) echo "${DUT_DRIVER}_generic" ;;
	esac
}
ratio() { awk -v a="$1" -v b="$2" -v s="${3:-1}" 'BEGIN { printf "%.1f", b ? a * s / b : 0 }'; }

# iperf3 -J prints end.sum_received.bits_per_second; pick it out without jq.
iperf_mbps() {
	awk '/"sum_received"/ { inrecv = 1 }
	     inrecv && /"bits_per_second"/ { gsub(/[,]/, ""); printf "%.1f\n", $2 / 1e6; exit }'
}

# --- traffic -------------------------------------------------------------
PG=/proc/net/pktgen
# pktgen_start RATE [DST_MAC]: 60-byte UDP frames to the DUT, port 9999, at
# RATE pps (max: as fast as the peer can) from the peer's pktgen thread on
# CPU 1; to the DUT's MAC unless DST_MAC says otherwise.
pktgen_start() {
	_rate='' _mac=${2:-$(mac_of "$DUT")}
	[ "$1" = max ] || _rate="echo 'ratep $1' > $PG/$PEER_IF"
	in_peer sh -c "
		echo rem_device_all > $PG/kpktgend_1
		echo add_device $PEER_IF > $PG/kpktgend_1
		echo 'count 0' > $PG/$PEER_IF
		echo 'pkt_size 60' > $PG/$PEER_IF
		echo 'delay 0' > $PG/$PEER_IF
		$_rate
		echo 'dst $DUT_IP4' > $PG/$PEER_IF
		echo 'udp_dst_min 9999' > $PG/$PEER_IF
		echo 'udp_dst_max 9999' > $PG/$PEER_IF
		echo 'dst_mac $_mac' > $PG/$PEER_IF
	"
	in_peer sh -c "echo start > $PG/pgctrl" &
	PG_PID=$!
	sleep 1
}
pktgen_stop() {
	in_peer sh -c "echo stop > $PG/pgctrl"
	wait "$PG_PID" 2>/dev/null || true
}
# The DUT's interrupt on CPU 0; the peer's (virtio-net's MSI-X vectors) on
# CPU 1 with its generator, so that receiving what the DUT sends back and
# reclaiming its own sent frames is never counted as the DUT's CPU time.
pin_irqs() {
	echo 1 >"/proc/irq/$(cat "/sys/class/net/$DUT/device/irq")/smp_affinity"
	awk -F: '/virtio/ { gsub(/ /, "", $1); print $1 }' /proc/interrupts |
		while read -r _irq; do echo 2 >"/proc/irq/$_irq/smp_affinity"; done
}
# cpu_busy N: CPU N's busy time in USER_HZ (10 ms) ticks: user, nice,
# system, irq, softirq. CPU 0 is the DUT's; CPU 1 the generator's, which also
# carries the device emulation its sends set off (one TCG thread runs it all).
# Tick-based: the kernel charges each 4 ms tick (HZ=250) to what it
# interrupts, and Debian's kernels have no IRQ time accounting, so the
# figure resolves 10 ms per read and hard-IRQ time lands where the tick does.
cpu_busy() { awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# now_cs: the guest's uptime in centiseconds, taken right after a read so
# that each rate is divided by the interval its own two reads span.
now_cs() { awk '{ printf "%d\n", $1 * 100 }' /proc/uptime; }

# sample ARM TAG COUNT_CMD...: with traffic flowing, over about $secs
# seconds: TAG_pps (COUNT_CMD's number per second), TAG_offered_pps (the
# peer's transmitted frames per second), TAG_cpu_ns (DUT CPU per counted
# frame), TAG_dut_busy_pct and TAG_gen_busy_pct (how busy CPUs 0 and 1 were)
# and, on e1k_xdp, TAG_regw_per_kpkt (per-packet-path register writes per
# 1000 counted frames). Each counter's rate is over the real time between
# its two reads (reads through nsenter take tens of ms under TCG).
sample() {
	_arm=$1 _tag=$2
	shift 2
	_n0=$("$@") _tn0=$(now_cs)
	_o0=$(peer_stat tx_packets) _to0=$(now_cs)
	_w0=$(dut_ethstat reg_writes)
	_c0=$(cpu_busy 0) _g0=$(cpu_busy 1) _tc0=$(now_cs)
	sleep "$secs"
	_c=$(($(cpu_busy 0) - _c0)) _g=$(($(cpu_busy 1) - _g0)) _tc=$(($(now_cs) - _tc0))
	_n=$(($("$@") - _n0)) _tn=$(($(now_cs) - _tn0))
	_o=$(($(peer_stat tx_packets) - _o0)) _to=$(($(now_cs) - _to0))
	_w=$(($(dut_ethstat reg_writes) - _w0))
	bench "$_arm" "${_tag}_pps" "$(ratio "$_n" "$_tn" 100)"
	bench "$_arm" "${_tag}_offered_pps" "$(ratio "$_o" "$_to" 100)"
	# CPU time over the CPU's interval, frames at their rate over the same.
	bench "$_arm" "${_tag}_cpu_ns" "$(awk -v c="$_c" -v n="$_n" -v tn="$_tn" -v tc="$_tc" \
		'BEGIN { f = n * tc / tn; printf "%.1f", f ? c * 1e7 / f : 0 }')"
	bench "$_arm" "${_tag}_dut_busy_pct" "$(ratio "$_c" "$_tc" 100)"
	bench "$_arm" "${_tag}_gen_busy_pct" "$(ratio "$_g" "$_tc" 100)"
	if [ "$DUT_DRIVER" = e1k_xdp ]; then
		bench "$_arm" "${_tag}_regw_per_kpkt" "$(ratio "$_w" "$_n" 1000)"
	fi
}

# --- 1. XDP_DROP and the stack's drop -------------------------------------
xdp_drops() { map_pkts $PIN/e1k_drop_stats "$XDP_DROP"; }
stack_drops() { udp_snmp NoPorts; }

# drop_arm ARM MODE LOAD: MODE is xdpdrv, xdpgeneric or "stack" (no program).
drop_arm() {
	_darm=$1 _mode=$2 _load=$3
	if [ "$_mode" = stack ]; then
		_count=stack_drops
	else
		ip -force link set dev "$DUT" "$_mode" obj "$BPF/xdp_drop.bpf.o" sec xdp
		_count=xdp_drops
	fi
	pktgen_start "$_load"
	sample "$_darm" "drop_$_load" $_count
	pktgen_stop
	[ "$_mode" = stack ] || ip link set dev "$DUT" "$_mode" off
}

drop_arms() {
	for _load in max $loads; do
		drop_arm "${DUT_DRIVER}_stack" stack "$_load"
		if [ "$DUT_DRIVER" = e1k_xdp ]; then
			drop_arm e1k_xdp_native xdpdrv "$_load"
			drop_arm e1k_xdp_skb xdpgeneric "$_load"
		else
			drop_arm "${DUT_DRIVER}_generic" xdpgeneric "$_load"
		fi
	done
}

# --- 2. XDP_TX --------------------------------------------------------------
peer_rx() { peer_stat rx_packets; }

# MAC-swap reflection (the product's xdp_tx.bpf.o) at maximum load: the
# frames the peer's NIC receives back.
txswap_arm() {
	ip -force link set dev "$DUT" "$(xdp_mode)" obj "$BPF/xdp_tx.bpf.o" sec xdp
	pktgen_start max
	sample "$1" txswap peer_rx
	pktgen_stop
	xdp_detach
}

ECHO_FRAME=
# echo_flood_arm ARM: the peer floods ICMP echo requests (e1k-pkt, as fast as
# its raw socket goes) for $secs; replies per second as the peer received them.
echo_flood_arm() {
	# On CPU 1, like pktgen: CPU 0's busy time is the DUT's alone.
	in_peer_bg taskset 2 "$E1K/bin/e1k-pkt" send "$PEER_IF" "$ECHO_FRAME" --count 100000000
	_fl=$BG_PID
	sleep 1
	sample "$1" echo peer_rx
	kill "$_fl" 2>/dev/null || true
	wait "$_fl" 2>/dev/null || true
	sleep 0.5
}

# percentile P FILE: the P-th percentile (nearest rank) of FILE, which holds
# one number per line, sorted.
percentile() {
	_pn=$(grep -c . "$2" || true)
	awk -v k=$(((_pn * $1 + 99) / 100)) 'NR == k { printf "%.0f", $1 }' "$2"
}

# rtt_arm ARM: 200 pings 10 ms apart, from the peer's CPU (CPU 1); p50 and
# p99 RTT in microseconds.
# A reply that did not come is an error of the sample (rtt_lost), reported
# as such, not a silently smaller sample.
rtt_arm() {
	{ in_peer taskset 2 /usr/bin/ping -c 200 -i 0.01 -W 1 "$DUT_IP4" 2>/dev/null || true; } |
		sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | awk '{ printf "%.0f\n", $1 * 1000 }' | sort -n >/tmp/rtt
	_n=$(grep -c . /tmp/rtt || true)
	bench "$1" rtt_lost $((200 - _n))
	[ "$_n" -gt 0 ] || return 0
	bench "$1" rtt_p50_us "$(percentile 50 /tmp/rtt)"
	bench "$1" rtt_p99_us "$(percentile 99 /tmp/rtt)"
}

# dut_latency_arm ARM: the DUT's own share of a ping's round trip: from the
# DUT's interrupt handler to the driver handing the reply to the NIC (its
# tail write, or the in-tree e1000's xmit), traced for 100 pings 10 ms apart.
# Tracing adds its own cost, so this is an upper bound.
TR=/sys/kernel/tracing
dut_latency_arm() {
	# The stack's transmit, and (e1k_xdp) the XDP_TX flush's tail write.
	case "$DUT_DRIVER" in
	e1k_xdp) _txfns="e1k_xmit_frame e1k_tx_bump_tail" ;;
	*) _txfns=e1000_xmit_frame ;;
	esac
	_irq=$(cat "/sys/class/net/$DUT/device/irq")
	echo 0 >$TR/tracing_on
	# The clocksource, not sched_clock: under TCG the guest may not trust its
	# TSC, and sched_clock then ticks in jiffies.
	echo mono >$TR/trace_clock
	echo >$TR/trace
	for _fn in $_txfns; do
		echo "p:bench/tx_$_fn $_fn" >>$TR/kprobe_events || {
			bench "$1" rtt_dut_error 1
			return 0
		}
	done
	echo "irq == $_irq" >$TR/events/irq/irq_handler_entry/filter
	echo 1 >$TR/events/irq/irq_handler_entry/enable
	echo 1 >$TR/events/bench/enable
	echo 1 >$TR/tracing_on
	in_peer taskset 2 /usr/bin/ping -c 100 -i 0.01 -W 1 "$DUT_IP4" >/dev/null 2>&1 || true
	echo 0 >$TR/tracing_on
	echo 0 >$TR/events/irq/irq_handler_entry/enable
	echo 0 >$TR/events/bench/enable
	echo 0 >$TR/events/irq/irq_handler_entry/filter
	# Each transmit against the interrupt that came last before it.
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = $i + 0; break } }
	     /irq_handler_entry:/ { irq = t }
	     / tx_[a-z0-9_]*:/ && irq { printf "%.0f\n", (t - irq) * 1e6; irq = 0 }' $TR/trace |
		sort -n >/tmp/dut_lat
	# The kprobes go only after the trace is read: it needs their formats.
	echo >$TR/trace
	echo >$TR/kprobe_events
	[ -s /tmp/dut_lat ] || {
		bench "$1" rtt_dut_error 1
		return 0
	}
	bench "$1" rtt_dut_p50_us "$(percentile 50 /tmp/dut_lat)"
}

icmp_arms() {
	# The kernel's own echo reply, then the XDP reflector in the mode the
	# driver has (native on e1k_xdp, generic on the in-tree e1000).
	rtt_arm "${DUT_DRIVER}_kernel"
	dut_latency_arm "${DUT_DRIVER}_kernel"
	echo_flood_arm "${DUT_DRIVER}_kernel"
	rm -f $PIN/e1k_echo_*
	ip -force link set dev "$DUT" "$(xdp_mode)" obj "$BPF/xdp_icmp_echo.bpf.o" sec xdp
	# It answers only for the addresses listed as the DUT's.
	"$E1K/bin/e1k-xdp-loader" echo sync "$DUT" >/dev/null
	rtt_arm "$(xdp_arm)_echo"
	dut_latency_arm "$(xdp_arm)_echo"
	echo_flood_arm "$(xdp_arm)_echo"
	xdp_detach
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
# driver_arms DRIVER: every arm once on DRIVER; fails if the peer can no
# longer reach the DUT afterwards.
driver_arms() {
	dut_load "$1"
	static_neighbours
	pin_irqs
	ECHO_FRAME=$(pkt build --dst-mac "$(mac_of "$DUT")" --src-mac "$(peer_mac)" \
		--src-ip "$PEER_IP4" --dst-ip "$DUT_IP4" --icmp-echo --payload 56)
	rm -f $PIN/e1k_drop_stats
	iperf_arms
	drop_arms
	txswap_arm "$(xdp_arm)"
	icmp_arms
	_alive=0
	peer_alive && _alive=1
	dut_unload
	[ "$_alive" = 1 ]
}

# A round counts only if the peer still reached the DUT after each driver's
# arms: if the emulator stalled the peer's queue (see peer_reset in lib.sh),
# the round's figures are thrown away, the peer is reset, and the round runs
# again, at most $retries times in the whole run.
modprobe pktgen
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
