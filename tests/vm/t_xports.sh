#!/bin/sh
# shellcheck shell=sh
# Two e1k_xdp ports in one guest (vm-run.sh --ports 2), each with its own
# virtio peer on a hub of its own. Frames redirected from one port to the
# other go through the target's ndo_xdp_xmit and come back to the source's
# page pool when the target's tx ring is cleaned, from the target's NAPI,
# on the other CPU (issue 13, defect 1: such frames must go back with
# xdp_return_frame, never into the source pool's per-NAPI cache).
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

# The DUT's ports first: they take in the peers' first frames (lib.sh,
# _peer_ns_setup).
dut_load e1k_xdp
dut2_setup
peer_setup
peer2_setup
ping_all peer 2 "$DUT_IP4"
ping_all peer2 2 "$DUT2_IP4"

N=10000
RATE=2000

# pin_irq DEV CPU: DEV's interrupt (so its NAPI) to CPU.
pin_irq() { echo $((1 << $2)) >"/proc/irq/$(cat "/sys/class/net/$1/device/irq")/smp_affinity"; }

# The frames each peer sends: UDP to the test port, addressed to the far
# peer (its MAC: the redirect changes nothing in them), so the ports take
# them in promiscuous mode.
frame_a() {
	pkt build --dst-mac "$PEER2_MAC" --src-mac "$PEER_MAC" \
		--src-ip "$PEER_IP4" --dst-ip "$PEER2_IP4" --payload 64
}
frame_b() {
	pkt build --dst-mac "$PEER_MAC" --src-mac "$PEER2_MAC" \
		--src-ip "$PEER2_IP4" --dst-ip "$PEER_IP4" --payload 200
}

# Port A -> port B and port B -> port A at once, each port's NAPI on its
# own CPU. Every frame the far peer captures is byte for byte the one sent
# (a page handed out twice would put one frame's bytes into another); each
# port accounts for every frame the other redirected to it (taken or
# refused), and its device sent every frame it took. Frames that QEMU's
# hub or the peer's socket then drop are not the driver's: the capture
# need not see them all.
cross_redirect() {
	_ia=$(cat "/sys/class/net/$DUT/device/irq") _ib=$(cat "/sys/class/net/$DUT2/device/irq")
	[ "$_ia" != "$_ib" ] || { echo "both ports share IRQ $_ia: no CPU of their own" >&2; return 1; }
	pin_irq "$DUT" 0
	pin_irq "$DUT2" 1
	ip link set "$DUT" promisc on
	ip link set "$DUT2" promisc on
	redirect_to "$DUT" "$DUT2"
	redirect_to "$DUT2" "$DUT"
	_fa=$(frame_a) _fb=$(frame_b)
	for _s in xdp_redirect xdp_xmit xdp_xmit_err hw_tx_good_packets; do
		eval "_a0_$_s=\$(dut_ethstat $_s)"
		eval "_b0_$_s=\$(dut_ethstat $_s \"\$DUT2\")"
	done
	rm -f /tmp/xa.err /tmp/xb.err
	in_peer2 "$E1K/bin/e1k-pkt" recv "$PEER2_IF" --count $N --timeout 20000 \
		--udp-port 9999 >/tmp/xa.out 2>/tmp/xa.err &
	_ra=$!
	in_peer "$E1K/bin/e1k-pkt" recv "$PEER_IF" --count $N --timeout 20000 \
		--udp-port 9999 >/tmp/xb.out 2>/tmp/xb.err &
	_rb=$!
	wait_for 3 grep -qs listening /tmp/xa.err
	wait_for 3 grep -qs listening /tmp/xb.err
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_fa" --count $N --rate $RATE
	_sa=$BG_PID
	in_peer2 "$E1K/bin/e1k-pkt" send "$PEER2_IF" "$_fb" --count $N --rate $RATE
	wait "$_sa" || true
	wait "$_ra" "$_rb" || true
	sleep 1
	for _s in xdp_redirect xdp_xmit xdp_xmit_err hw_tx_good_packets; do
		eval "_a_$_s=\$((\$(dut_ethstat $_s) - _a0_$_s))"
		eval "_b_$_s=\$((\$(dut_ethstat $_s \"\$DUT2\") - _b0_$_s))"
	done
	ip link set dev "$DUT" xdpdrv off
	ip link set dev "$DUT2" xdpdrv off
	ip link set "$DUT" promisc off
	ip link set "$DUT2" promisc off
	_na=$(lines /tmp/xa.out) _nb=$(lines /tmp/xb.out)
	# shellcheck disable=SC2154 # set by the evals above
	{
		say "A->B: A redirected $_a_xdp_redirect, B took $_b_xdp_xmit (refused $_b_xdp_xmit_err), sent $_b_hw_tx_good_packets; peer 2 captured $_na of $N"
		say "B->A: B redirected $_b_xdp_redirect, A took $_a_xdp_xmit (refused $_a_xdp_xmit_err), sent $_a_hw_tx_good_packets; the peer captured $_nb of $N"
		if [ "$_a_xdp_redirect" != $((_b_xdp_xmit + _b_xdp_xmit_err)) ] ||
			[ "$_b_xdp_redirect" != $((_a_xdp_xmit + _a_xdp_xmit_err)) ]; then
			echo "a redirected frame is neither taken nor refused by the other port" >&2
			return 1
		fi
		if [ "$_b_hw_tx_good_packets" -lt "$_b_xdp_xmit" ] || [ "$_a_hw_tx_good_packets" -lt "$_a_xdp_xmit" ]; then
			echo "a port's device sent fewer frames than the port took" >&2
			return 1
		fi
		if [ "$_b_xdp_xmit" -lt $((N / 2)) ] || [ "$_a_xdp_xmit" -lt $((N / 2)) ]; then
			echo "fewer than half the frames were redirected: the test proves little" >&2
			return 1
		fi
	}
	if [ "$_na" = 0 ] || [ "$(sort -u /tmp/xa.out)" != "$(pad60 "$_fa")" ]; then
		echo "A->B: $_na frames captured, not all as sent" >&2
		return 1
	fi
	if [ "$_nb" = 0 ] || [ "$(sort -u /tmp/xb.out)" != "$(pad60 "$_fb")" ]; then
		echo "B->A: $_nb frames captured, not all as sent" >&2
		return 1
	fi
	ping_all peer 3 "$DUT_IP4"
	ping_all peer2 3 "$DUT2_IP4"
}
check xport_redirect_both_ways "frames redirected between two ports were lost, changed or miscounted" \
	cross_redirect
