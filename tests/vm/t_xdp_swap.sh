#!/bin/sh
# shellcheck shell=sh
# Attaching, detaching and replacing XDP programs while the peer floods the
# DUT loses no frame: every frame the peer sent is dropped or aborted by one
# of the programs (their verdict map is pinned, so shared by every load),
# handed to the stack while no program is attached (UDP NoPorts), or counted
# missed by the NIC (no free rx buffer at that moment), and the last must
# stay 0: a swap is a pointer exchange, the ring never stops.
#
# check.sh runs this suite in a guest with one vCPU: QEMU's TCG corrupts a
# vCPU when the kernel patches the BPF dispatcher while another vCPU runs
# it (README, Troubleshooting; scripts/repro-swap-crash.sh).
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"
static_neighbours
# IPv6 multicast reports after the links came up would land in the counts.
wait_quiet

SWAPS=${XDP_SWAPS:-200}
CHUNK=200

# swapper: SWAPS rounds of attach drop, replace by aborted, detach; each
# change that succeeded is one line in /tmp/swaps; the first failure ends
# it with a non-zero exit.
swapper() {
	_i=0
	while [ "$_i" -lt "$SWAPS" ]; do
		xdp_attach "$TOBJ/xdp_t_drop.bpf.o" || return 1
		echo attach >>/tmp/swaps
		xdp_attach "$TOBJ/xdp_t_aborted.bpf.o" || return 1
		echo replace >>/tmp/swaps
		xdp_detach || return 1
		echo detach >>/tmp/swaps
		_i=$((_i + 1))
	done
}

swap_test() {
	t_reset
	: >/tmp/swaps
	_np0=$(udp_snmp NoPorts)
	_m0=$(dut_ethstat hw_rx_missed)
	_pt0=$(peer_stat tx_packets)
	swapper & # lint: bounded, SWAPS rounds
	_sw=$!
	_sent=0
	_f=$(test_frame --payload 64)
	# The flood in chunks while the swapper runs, so the count of frames
	# sent is exact (a chunk always completes).
	while kill -0 "$_sw" 2>/dev/null; do
		in_peer timeout 30 "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_f" --count $CHUNK --rate 2000
		_sent=$((_sent + CHUNK))
	done
	_swrc=0
	wait "$_sw" || _swrc=$?
	_changes=$(lines /tmp/swaps)
	[ "$_swrc" -eq 0 ] || { echo "a program change failed after $_changes changes (exit $_swrc)" >&2; return 1; }
	[ "$_changes" -eq $((3 * SWAPS)) ] || { echo "$_changes program changes, want $((3 * SWAPS))" >&2; return 1; }
	sleep 0.5
	_drop=$(t_verdict "$XDP_DROP") _abrt=$(t_verdict "$XDP_ABORTED")
	_stack=$(($(udp_snmp NoPorts) - _np0))
	_miss=$(($(dut_ethstat hw_rx_missed) - _m0))
	_wire=$(($(peer_stat tx_packets) - _pt0))
	_acc=$((_drop + _abrt + _stack + _miss))
	say "swap: $_changes program changes; peer sent $_sent (its NIC $_wire): dropped $_drop, aborted $_abrt, stack $_stack, NIC missed $_miss"
	[ "$_wire" -eq "$_sent" ] || { echo "the peer's NIC sent $_wire frames, e1k-pkt $_sent" >&2; return 1; }
	[ "$_acc" -eq "$_sent" ] || { echo "sent $_sent, accounted $_acc: $((_sent - _acc)) unaccounted" >&2; return 1; }
	[ "$_miss" -eq 0 ] || { echo "the NIC missed $_miss frames while programs were swapped" >&2; return 1; }
	if [ "$_drop" -eq 0 ] || [ "$_abrt" -eq 0 ] || [ "$_stack" -eq 0 ]; then
		echo "not every state saw frames (drop $_drop, aborted $_abrt, stack $_stack)" >&2
		return 1
	fi
}
check swap_under_flood "frames lost or a program change failed while swapping under a flood" swap_test

dut_unload
