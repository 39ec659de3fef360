#!/bin/sh
# shellcheck shell=sh
# Multi-buffer XDP, the kernel's drivers/net xdp.py matrix as our own suite:
# frames that span rx buffers reach an xdp.frags program as one xdp_buff
# (head plus frags), and every verdict, the head and tail adjustments and
# both directions of a redirect keep every byte of them. A frame's FCS ends
# it in the buffers (2048 bytes each, the FCS included), so the lengths
# below (without FCS) put its end in the first buffer, just before, across
# and exactly at a buffer boundary, and in the last buffer of a 9000-byte
# MTU. Only e1k_xdp runs it: native multi-buffer XDP is what it tests.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

net_setup "$E1K_DRIVER"
static_neighbours
N=20
# Frame lengths without FCS: 1000 in the first buffer; 2044 fills it with
# the FCS; 2046 leaves 2 bytes of FCS in the second; 2048 leaves the
# second buffer only the FCS; 2049 puts 1 byte of frame there; 4096 ends
# at the second boundary; 9014 (MTU 9000) ends in the fifth.
LENS="1000 2044 2046 2048 2049 4096 9014"
HDRS=42 # Ethernet, IPv4, UDP

mb_attach() { xdp_attach "$TOBJ/xdp_t_mb_$1.bpf.o" xdp.frags; }
set_mtu 9000
wait_for 10 carrier_up "$DUT"

# --- the MTU rules: a program without frags support sees one buffer --------
mtu_rules() {
	if xdp_attach "$TOBJ/xdp_t_pass.bpf.o" 2>/tmp/err; then
		echo "a program without frags attached at MTU 9000" >&2
		return 1
	fi
	grep -q "MTU too large for XDP without frags" /tmp/err || { cat /tmp/err >&2; return 1; }
	mb_attach pass
	_id=$(xdp_prog_id)
	# Replacing it by one without frags support is refused, and it stays.
	if xdp_attach "$TOBJ/xdp_t_pass.bpf.o" 2>/tmp/err; then
		echo "a program without frags replaced a frags one at MTU 9000" >&2
		return 1
	fi
	grep -q "MTU too large for XDP without frags" /tmp/err || { cat /tmp/err >&2; return 1; }
	[ "$(xdp_prog_id)" = "$_id" ] || { echo "the frags program did not stay" >&2; return 1; }
	xdp_detach
	# At 1500 a program without frags attaches, and holds the MTU down;
	# a frags program lets it rise.
	set_mtu 1500
	xdp_attach "$TOBJ/xdp_t_pass.bpf.o"
	if ip link set dev "$DUT" mtu 3000 2>/dev/null; then
		echo "MTU raised to 3000 under a program without frags" >&2
		return 1
	fi
	mb_attach pass
	set_mtu 9000
	xdp_detach
}
check mb_mtu_rules "MTU and attach rules for frags programs not enforced" mtu_rules

# --- PASS: the stack gets jumbo frames through a frags program ----------
pass_traffic() {
	mb_attach pass
	ping_all peer 3 "$DUT_IP4" -M "do" -s 8972
	ping_all dut 3 "$PEER_IP4" -M "do" -s 8972
	ping_all peer 3 "$DUT_IP6" -6 -M "do" -s 8952
	iperf_ok 5201 "$DUT_IP4" -t 2
	xdp_detach
}
check mb_pass_ping_iperf3 "ping or iperf3 at MTU 9000 failed through a frags program" pass_traffic

# udp_pass LEN: a LEN-byte frame through the frags PASS program reaches the
# socket whole.
udp_pass() {
	mb_attach pass
	_rc=0
	udp_payload_arrives "$(test_frame --payload $(($1 - HDRS)))" || _rc=1
	xdp_detach
	return $_rc
}
for len in 2046 2048 9014; do
	check "mb_pass_len_$len" "the socket did not get the frame's payload" udp_pass $len
done

# --- DROP: every frame counted by the program, none seen by the stack ----
drop_len() {
	t_reset
	mb_attach drop
	_in=$(udp_snmp InDatagrams) _noports=$(udp_snmp NoPorts)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload $(($1 - HDRS)))" \
		--count $N --rate 500
	sleep 0.5
	_d=$(t_verdict "$XDP_DROP")
	xdp_detach
	[ "$_d" -eq $N ] || { echo "drop verdicts $_d, want $N" >&2; return 1; }
	if [ "$(udp_snmp NoPorts)" -ne "$_noports" ] || [ "$(udp_snmp InDatagrams)" -ne "$_in" ]; then
		echo "the stack saw dropped frames" >&2
		return 1
	fi
}
for len in 1000 2048 9014; do
	check "mb_drop_len_$len" "dropped frames not counted exactly or seen by the stack" drop_len $len
done

# --- TX and the adjustments: exact bytes back on the wire ----------------
# mb_xchg MODE EXPECTED_HEX SENT_HEX: 5 frames out, the same 5 back.
mb_xchg() { xchg_with "$TOBJ/xdp_t_mb_$1.bpf.o" xdp.frags "$2" "$3"; }
for len in $LENS; do
	p=$((len - HDRS))
	check "mb_tx_len_$len" "frames did not come back byte for byte" \
		mb_xchg tx "$(reply_frame --payload $p)" "$(test_frame --payload $p)"
done
# 5000 bytes: three buffers. 2050: shrinking the tail by 8 takes the whole
# second buffer (2 bytes) and 6 of the head. 4096: growing fills the second
# buffer's page past the rx buffer.
sent=$(test_frame --payload $((5000 - HDRS)))
p=$((5000 - HDRS))
check mb_adjust_head_shrink "frames did not come back as expected" mb_xchg head_shrink \
	"$(reply_frame --payload $((p - 8)) --payload-offset 8 --udp-csum0)" "$sent"
check mb_adjust_head_grow "frames did not come back as expected" mb_xchg head_grow \
	"$(reply_frame --payload $p --fill-head 16 --udp-csum0)" "$sent"
check mb_adjust_tail_shrink "frames did not come back as expected" mb_xchg tail_shrink \
	"$(reply_frame --payload $((p - 8)) --udp-csum0)" "$sent"
check mb_adjust_tail_grow "frames did not come back as expected" mb_xchg tail_grow \
	"$(reply_frame --payload $p --fill-tail 16 --udp-csum0)" "$sent"
p=$((2050 - HDRS))
check mb_adjust_tail_shrink_frees_frag "frames did not come back as expected" mb_xchg tail_shrink \
	"$(reply_frame --payload $((p - 8)) --udp-csum0)" "$(test_frame --payload $p)"
p=$((4096 - HDRS))
check mb_adjust_tail_grow_frag_page "frames did not come back as expected" mb_xchg tail_grow \
	"$(reply_frame --payload $p --fill-tail 16 --udp-csum0)" "$(test_frame --payload $p)"

# --- PASS after growing the tail of a jumbo frame ------------------------
pass_tail_grow() {
	_f=$(test_frame --payload $((9014 - HDRS)))
	mb_attach pass_tail_grow
	_rc=0
	udp_payload_arrives "$_f" \
		"$(payload_of "$(test_frame --payload $((9014 - HDRS)) --fill-tail 16)")" || _rc=1
	xdp_detach
	return $_rc
}
check mb_pass_adjust_tail_grow "the socket did not get the grown datagram" pass_tail_grow

# --- a program without frags support and a frame that spans buffers ------
# The MAC takes long frames once the MTU is over 1500 (RCTL.LPE), whatever
# the MTU: such a frame is dropped whole and counted, never shown in part.
# The frames leave the peer right after the MTU change that sets LPE, and
# QEMU holds reception back for a second after each RCTL write: its queue
# keeps them until then. So the count is waited for, then checked exact (a
# fixed 0.5 s lost them all on a fast host).
sb_spanning() {
	set_mtu 1500
	t_reset
	xdp_attach "$TOBJ/xdp_t_drop.bpf.o"
	in_peer ip link set dev "$PEER_IF" mtu 3000
	_f=$(test_frame --payload $((3000 - HDRS)))
	_m0=$(dut_ethstat rx_multi_desc_dropped)
	ip link set dev "$DUT" mtu 2000
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_f" --count $N --rate 500
	wait_for 5 dut_ethstat_reaches rx_multi_desc_dropped $((_m0 + N)) || true
	_m=$(($(dut_ethstat rx_multi_desc_dropped) - _m0))
	_d=$(t_verdict "$XDP_DROP")
	xdp_detach
	set_mtu 9000
	[ "$_m" -eq $N ] || { echo "rx_multi_desc_dropped +$_m, want $N" >&2; return 1; }
	[ "$_d" -eq 0 ] || { echo "the program saw $_d spanning frames" >&2; return 1; }
}
check mb_single_buffer_prog_drops_spanning "a spanning frame reached a program without frags" sb_spanning

# --- REDIRECT of jumbo frames -----------------------------------------------
# Into a CPU map: the frame, frags and all, becomes an skb on that CPU and
# reaches the socket. 6.1's core redirects multi-buffer frames nowhere else
# (xdp_do_redirect refuses them for any other map); 6.12's also into a
# device that can send them (xdp_features ndo-xmit-sg): a veth, and
# e1k_xdp itself through ndo_xdp_xmit.
cpumap_pass() {
	mb_attach redirect_cpu
	# Entry 0: CPU 0, a queue of 192 frames.
	bpftool map update name t_cpumap key 0 0 0 0 value 192 0 0 0
	_r0=$(dut_ethstat xdp_redirect)
	_rc=0
	udp_payload_arrives "$(test_frame --payload $((9014 - HDRS)))" || _rc=1
	xdp_detach
	[ $_rc = 0 ] || return 1
	_r=$(($(dut_ethstat xdp_redirect) - _r0))
	[ "$_r" -eq 1 ] || { echo "ethtool xdp_redirect +$_r, want 1" >&2; return 1; }
}
check mb_redirect_cpumap "a jumbo frame redirected into a CPU map did not reach the socket whole" \
	cpumap_pass

veth_jumbo() {
	veth_setup
	ip link set dev vr0 mtu 9000
	in_vns ip link set dev vr1 mtu 9000
}
redirect_out() {
	veth_jumbo
	redirect_out_check "$TOBJ/xdp_t_mb_redirect.bpf.o" xdp.frags \
		"$(test_frame --payload $((9014 - HDRS)))" 500
}
# 6.1: the core refuses each frame; the driver counts it and takes its
# pages back, and the port goes on working.
redirect_out_refused() {
	veth_jumbo
	mb_attach redirect
	set_devmap "$(cat /sys/class/net/vr0/ifindex)"
	_e0=$(dut_ethstat xdp_redirect_err)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload $((9014 - HDRS)))" \
		--count $N --rate 500
	sleep 0.5
	xdp_detach
	veth_teardown
	_e=$(($(dut_ethstat xdp_redirect_err) - _e0))
	[ "$_e" -eq $N ] || { echo "xdp_redirect_err +$_e, want $N" >&2; return 1; }
	ping_all peer 3 "$DUT_IP4" -M "do" -s 8972
}
redirect_in() {
	veth_jumbo
	redirect_in_check "$TOBJ/xdp_t_mb_redirect.bpf.o" xdp.frags $((9014 - HDRS)) 500
}

# A frag of a frame from ndo_xdp_xmit that cannot be mapped: that frame is
# refused whole (the mappings of its head and earlier frags undone: the
# debug kernel's DMA-API checks would report a leak), counted, and the
# ones around it leave whole.
frag_map_fail() {
	veth_jumbo
	redirect_in_check "$TOBJ/xdp_t_mb_redirect.bpf.o" xdp.frags $((9014 - HDRS)) 100 3
}
DBG=$(dut_debugfs)
case "$E1K_KVER" in
6.1.*)
	check mb_redirect_out_veth "jumbo frames redirected to a veth were not refused and counted" \
		redirect_out_refused
	;;
*)
	check mb_redirect_out_veth "jumbo frames redirected to a veth did not all arrive whole" \
		redirect_out
	check mb_redirect_in_ndo_xdp_xmit "jumbo frames redirected into the DUT did not all leave whole" \
		redirect_in
	check mb_xdp_xmit_frag_map_fail "a frame whose frag could not be mapped was not refused whole" \
		frag_map_fail
	;;
esac

# --- the filter and the reflector at MTU 9000 ------------------------------
# The loader attaches them as multi-buffer programs: they read only
# headers, which lie in the first buffer, and count whole frames.
L=$E1K/bin/e1k-xdp-loader
filter_jumbo() {
	$L attach "$DUT" filter >/dev/null
	# A jumbo frame taken for a truncated one would be dropped here.
	$L filter add "$DUT" unclassified deny >/dev/null
	$L filter add "$DUT" deny udp dport 9998 >/dev/null
	_np=$(udp_snmp NoPorts)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" \
		"$(test_frame --dport 9998 --payload $((9014 - HDRS)))" --count $N --rate 500
	sleep 0.5
	_h=$($L --json filter list "$DUT" | jq '.rules[0].packets')
	_b=$($L --json stats "$DUT" | jq '.actions.drop.bytes')
	[ "$_h" -eq $N ] || { echo "deny rule hits $_h, want $N" >&2; return 1; }
	[ "$_b" -eq $((N * 9014)) ] || { echo "dropped bytes $_b, want $((N * 9014))" >&2; return 1; }
	[ "$(udp_snmp NoPorts)" -eq "$_np" ] || { echo "the stack saw denied frames" >&2; return 1; }
	# An allowed jumbo datagram reaches the socket.
	udp_payload_arrives "$(test_frame --payload $((9014 - HDRS)))"
	ping_all peer 3 "$DUT_IP4" -M "do" -s 8972
	$L detach "$DUT" >/dev/null
}
check mb_filter_jumbo "the filter mishandled 9000-byte frames" filter_jumbo

echo_jumbo() {
	$L attach "$DUT" icmp-echo >/dev/null
	# Short requests are answered from XDP; one longer than the head
	# (and E1K_ECHO_MAX_MSG) goes to the stack, which answers.
	ping_all peer 3 "$DUT_IP4" -s 100
	ping_all peer 3 "$DUT_IP4" -M "do" -s 8972
	_j=$($L --json stats "$DUT")
	$L detach "$DUT" >/dev/null
	_tx=$(echo "$_j" | jq .actions.tx.packets) _pass=$(echo "$_j" | jq .actions.pass.bytes)
	[ "$_tx" -eq 3 ] || { echo "reflected $_tx, want 3" >&2; return 1; }
	[ "$_pass" -ge $((3 * 9014)) ] || { echo "passed $_pass bytes, want the 3 jumbo requests" >&2; return 1; }
}
check mb_echo_jumbo "the reflector mishandled pings at MTU 9000" echo_jumbo

set_mtu 1500
dut_unload
