#!/bin/sh
# shellcheck shell=sh
# The XDP matrix, in the style of the kernel's drivers/net xdp.py: every
# verdict and the head/tail adjustments, checked by the bytes that come back
# on the wire, the stack's own counters and the programs' verdict counts.
# On e1k_xdp the programs run natively; on the in-tree e1000 (the baseline)
# the same suite runs them in generic mode.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"
# Fixed neighbours: no ARP or ND frame lands in a count.
static_neighbours
MODE=$(xdp_mode)
N=50

# --- attach shows the right mode -----------------------------------------
# `ip link` says "xdp" for a native program and "xdpgeneric" for skb mode.
shown=xdp
[ "$MODE" = xdpdrv ] || shown=xdpgeneric
attached_as() { ip link show dev "$DUT" | grep -q " $1 "; }
t_reset
attach_shown() { xdp_attach "$TOBJ/xdp_t_drop.bpf.o" && attached_as $shown; }
check "attach_$MODE" "ip link does not show '$shown' after attach" attach_shown

# --- PASS: the stack still works with a program attached -----------------
# (xdp_t_drop passes all but UDP to port 9999.)
check pass_ping4 "IPv4 pings not all answered with a program attached" \
	ping_all peer 3 "$DUT_IP4"
check pass_ping6 "IPv6 pings not all answered with a program attached" \
	ping_all peer 3 "$DUT_IP6" -6
check pass_iperf3 "TCP through the program failed or crawled" iperf_ok 5201 "$DUT_IP4" -t 2

# --- DROP: counted by the program, never seen by the stack ---------------
drop_test() {
	_f=$(test_frame --payload 64)
	_noports=$(udp_snmp NoPorts)
	_in=$(udp_snmp InDatagrams)
	_d0=$(t_verdict "$XDP_DROP")
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_f" --count $N
	sleep 0.5
	_d=$(($(t_verdict "$XDP_DROP") - _d0))
	[ "$_d" -eq $N ] || { echo "drop verdicts $_d, want $N" >&2; return 1; }
	if [ "$(udp_snmp NoPorts)" -ne "$_noports" ] || [ "$(udp_snmp InDatagrams)" -ne "$_in" ]; then
		echo "the stack saw dropped frames" >&2
		return 1
	fi
}
check drop "dropped frames not counted exactly or reached the stack" drop_test
xdp_detach

# --- TX and the head/tail adjustments: exact bytes back on the wire -----
# xchg_expect NAME OBJ EXPECTED_HEX SENT_HEX
xchg_expect() { check "$1" "frames did not come back as expected" xchg_with "$2" xdp "$3" "$4"; }

mtu=$(cat "/sys/class/net/$DUT/mtu")
for len in 0 750 $((mtu - 42)); do
	xchg_expect "tx_payload_$len" "$TOBJ/xdp_t_tx.bpf.o" \
		"$(pad60 "$(reply_frame --payload "$len")")" \
		"$(test_frame --payload "$len")"
done
sent=$(test_frame --payload 100)
xchg_expect adjust_head_shrink "$TOBJ/xdp_t_head_shrink.bpf.o" \
	"$(reply_frame --payload 92 --payload-offset 8 --udp-csum0)" "$sent"
xchg_expect adjust_head_grow "$TOBJ/xdp_t_head_grow.bpf.o" \
	"$(reply_frame --payload 100 --fill-head 16 --udp-csum0)" "$sent"
xchg_expect adjust_tail_shrink "$TOBJ/xdp_t_tail_shrink.bpf.o" \
	"$(reply_frame --payload 92 --udp-csum0)" "$sent"
xchg_expect adjust_tail_grow "$TOBJ/xdp_t_tail_grow.bpf.o" \
	"$(reply_frame --payload 100 --fill-tail 16 --udp-csum0)" "$sent"

# --- XDP_TX completions are reclaimed in the poll that sent them ---------
# Frames 50 ms apart, so each one is a poll of its own. The poll that bounces
# a frame reclaims it and acks its TXDW, so each frame costs one interrupt
# (its receive), not two (receive, then transmit done).
tx_irq_test() {
	_irq0=$(dut_irqs) _v0=$(t_verdict "$XDP_TX")
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" \
		--count 40 --rate 20
	sleep 0.3
	_irqs=$(($(dut_irqs) - _irq0)) _tx=$(($(t_verdict "$XDP_TX") - _v0))
	[ "$_tx" -eq 40 ] || { echo "XDP_TX verdicts $_tx, want 40" >&2; return 1; }
	[ "$_irqs" -le 60 ] || { echo "$_irqs interrupts for 40 bounced frames" >&2; return 1; }
}
if [ "$MODE" = xdpdrv ]; then
	t_reset
	xdp_attach "$TOBJ/xdp_t_tx.bpf.o"
	check tx_one_irq_per_frame "XDP_TX frames raised a second interrupt" tx_irq_test
	xdp_detach
fi

# --- PASS after adjustments: the stack gets the program's frame ----------
# udp_pass_expect NAME OBJ EXPECTED_PAYLOAD_HEX FRAME_HEX
udp_pass_expect() { check "$1" "the socket did not get the program's datagram" udp_pass_body "$2" "$3" "$4"; }
udp_pass_body() {
	xdp_attach "$1"
	_rc=0
	udp_payload_arrives "$3" "$2" || _rc=1
	xdp_detach
	return $_rc
}
udp_pass_expect pass_adjust_tail_grow "$TOBJ/xdp_t_pass_tail_grow.bpf.o" \
	"$(payload_of "$(test_frame --payload 100 --fill-tail 16)")" \
	"$(test_frame --payload 100)"
inner=$(test_frame --payload 100)
outer=$(echo "$inner" | cut -c1-24)88b5$inner
udp_pass_expect pass_adjust_head_decap "$TOBJ/xdp_t_pass_decap.bpf.o" \
	"$(payload_of "$inner")" "$outer"

# --- ABORTED: counted, and the xdp_exception tracepoint fires -----------
aborted_test() {
	_tp=/sys/kernel/tracing
	echo >$_tp/trace
	echo 1 >$_tp/events/xdp/xdp_exception/enable
	_a0=$(t_verdict "$XDP_ABORTED")
	_e0=$(dut_ethstat xdp_aborted)
	xdp_attach "$TOBJ/xdp_t_aborted.bpf.o"
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" --count $N
	sleep 0.5
	xdp_detach
	echo 0 >$_tp/events/xdp/xdp_exception/enable
	_a=$(($(t_verdict "$XDP_ABORTED") - _a0))
	_tr=$(grep -c 'xdp_exception:.*action=ABORTED' $_tp/trace || true)
	[ "$_a" -eq $N ] || { echo "aborted verdicts $_a, want $N" >&2; return 1; }
	[ "$_tr" -eq $N ] || { echo "tracepoint fired $_tr times, want $N" >&2; return 1; }
	if [ "$DUT_DRIVER" = e1k_xdp ]; then
		_e=$(($(dut_ethstat xdp_aborted) - _e0))
		[ "$_e" -eq $N ] || { echo "ethtool xdp_aborted +$_e, want $N" >&2; return 1; }
	fi
}
check aborted "ABORTED not counted or traced exactly" aborted_test

# --- REDIRECT: out of the DUT into a veth, and into the DUT from a veth ---
redirect_out_test() {
	veth_setup
	redirect_out_check "$TOBJ/xdp_t_redirect.bpf.o" xdp "$(test_frame --payload 64)" 2000
}
check redirect_out "frames redirected to a veth did not all arrive" redirect_out_test

# ndo_xdp_xmit: only a native driver has it (the in-tree e1000 does not).
redirect_in_test() {
	veth_setup
	redirect_in_check "$TOBJ/xdp_t_redirect.bpf.o" xdp 64 2000
}
if [ "$DUT_DRIVER" = e1k_xdp ]; then
	check redirect_in_ndo_xdp_xmit "frames redirected into the DUT did not all leave" \
		redirect_in_test
fi

# --- MTU: a frame must fit one buffer while a program runs ----------------
mtu_limits() {
	ip link set dev "$DUT" mtu 3000 || return 1
	if ip link set dev "$DUT" xdpdrv obj "$TOBJ/xdp_t_pass.bpf.o" sec xdp 2>/tmp/err; then
		echo "attached at MTU 3000" >&2
		return 1
	fi
	grep -q "MTU too large for XDP" /tmp/err || { cat /tmp/err >&2; return 1; }
	ip link set dev "$DUT" mtu 1500
	xdp_attach "$TOBJ/xdp_t_pass.bpf.o" || return 1
	_ok=1
	ip link set dev "$DUT" mtu 3000 2>/dev/null && _ok=0
	ip link set dev "$DUT" mtu 2000 || _ok=0
	ping_all peer 2 "$DUT_IP4" -s 1900 || _ok=0
	xdp_detach
	ip link set dev "$DUT" mtu 1500
	[ $_ok = 1 ]
}

# --- other loaders: xdp-tools ----------------------------------------------
# A program is attached to the DUT in native mode (ip link shows "xdp").
xdp_native_attached() { ip link show dev "$DUT" | grep -q " xdp "; }
xdp_tools_loader() {
	/usr/sbin/xdp-loader load -m native "$DUT" "$TOBJ/xdp_t_drop.bpf.o" || return 1
	_ok=1
	xdp_native_attached || _ok=0
	/usr/sbin/xdp-loader unload "$DUT" --all || _ok=0
	[ $_ok = 1 ] && ! xdp_native_attached
}
# xdp-bench MODE: runs natively and sees the peer's frames.
xdp_tools_bench() {
	_c=$1
	_k0=$(dut_ethstat "xdp_$2")
	timeout 90 /usr/sbin/xdp-bench "$_c" -m native -i 1 "$DUT" >/tmp/bench.out 2>&1 &
	_b=$!
	# Frames go out once its program is attached: loading takes well over
	# a second on a debug kernel (the verifier under lockdep and KASAN).
	# After the last frame it gets two more intervals to count it, then
	# SIGTERM ends it as it would end a timeout. (Its report is read after
	# it exits: stdout to a file is buffered.)
	if ! wait_for 60 xdp_native_attached; then
		kill "$_b" 2>/dev/null || true
		wait "$_b" || true
		echo "xdp-bench did not start in 60 s: $(head -n 1 /tmp/bench.out)" >&2
		return 1
	fi
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" --count 2000 --rate 2000
	sleep 2.5
	kill "$_b" 2>/dev/null || true
	wait "$_b" || true
	_k=$(($(dut_ethstat "xdp_$2") - _k0))
	# Its own report: the driver it ran on, and the frames it saw (the sum
	# of its per-second rates, within 10 % of the 2000 sent).
	_rx=$(awk '$1 == "Summary" { gsub(",", "", $2); s += $2 } END { print s + 0 }' /tmp/bench.out)
	echo "xdp-bench $_c: ethtool xdp_$2 +$_k, its own rates sum to $_rx" >&2
	grep -q "packets on $DUT (ifindex [0-9]*; driver e1k_xdp)" /tmp/bench.out ||
		{ echo "xdp-bench did not report running on $DUT with e1k_xdp: $(head -n 1 /tmp/bench.out)" >&2; return 1; }
	[ "$_k" -eq 2000 ] || { echo "ethtool xdp_$2 +$_k, want 2000" >&2; return 1; }
	if [ "$_rx" -lt 1800 ] || [ "$_rx" -gt 2200 ]; then
		echo "xdp-bench saw $_rx frames, want 2000 +- 10 %" >&2
		return 1
	fi
	! xdp_native_attached || { echo "xdp-bench left its program attached" >&2; return 1; }
}
if [ "$DUT_DRIVER" = e1k_xdp ]; then
	check xdp_mtu_limits "MTU limits with a program not enforced" mtu_limits
	check xdp_loader_native "xdp-loader load -m native did not attach natively" xdp_tools_loader
	check xdp_bench_drop_native "xdp-bench drop did not run natively" xdp_tools_bench drop drop
	check xdp_bench_pass_native "xdp-bench pass did not run natively" xdp_tools_bench pass pass
	check xdp_bench_tx_native "xdp-bench tx did not run natively" xdp_tools_bench tx tx
fi

dut_unload
