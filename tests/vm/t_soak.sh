#!/bin/sh
# shellcheck shell=sh
# The soak (make soak; not part of make check): the driver's life-cycle
# operations repeated under load, in a guest with two ports (vm-run.sh
# --ports 2) and one vCPU (program swaps under a flood must not run beside
# another vCPU under TCG: README, Troubleshooting). The load, all the time:
# the peer floods port A, port A floods the peer (two ways), and peer 2's
# flood into port B is redirected by B's program out of port A
# (ndo_xdp_xmit, frames of B's page pool). On port A, one after another:
#   attach/detach/swap x SOAK_SWAPS, down/up x SOAK_UPDOWN, ethtool -G x
#   SOAK_RESIZE, rmmod/insmod x SOAK_RELOADS
# and free memory back to where it started (within LIMIT_SOAK_MEM_PCT)
# once the driver is unloaded. The kernel log check (with the IOMMU and
# poisoning on) fails the run on any report.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

SOAK_SWAPS=${SOAK_SWAPS:-1000}
SOAK_UPDOWN=${SOAK_UPDOWN:-200}
SOAK_RESIZE=${SOAK_RESIZE:-50}
SOAK_RELOADS=${SOAK_RELOADS:-100}
RATE=${SOAK_RATE:-3000}

peer_setup
peer2_setup
# Memory before the driver was ever loaded, the bed otherwise as it runs.
MEM0=$(settled_mem_kb)
dut_load e1k_xdp
dut2_setup

# ports_up: both ports configured, B redirecting into A what peer 2 sends
# to the peer (B takes it in promiscuous mode).
ports_up() {
	[ -n "${DUT2:-}" ] || dut2_setup
	ip link set "$DUT2" promisc on
	# shellcheck disable=SC2153 # DUT: lib.sh's
	redirect_to "$DUT2" "$DUT"
}
load_start() {
	_to_dut=$(test_frame --payload 64)
	_to_peer=$(pkt build --dst-mac "$PEER_MAC" --src-mac "$DUT_MAC" \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --dport 9 --payload 64)
	_via_b=$(pkt build --dst-mac "$PEER_MAC" --src-mac "$PEER2_MAC" \
		--src-ip "$PEER2_IP4" --dst-ip "$PEER_IP4" --payload 64)
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_to_dut" --count 1000000000 --rate "$RATE"
	LOAD1=$BG_PID
	/usr/bin/nsenter --net=/run/netns/peer2 "$E1K/bin/e1k-pkt" send "$PEER2_IF" "$_via_b" \
		--count 1000000000 --rate "$RATE" >/dev/null 2>&1 & # lint: load_stop kills it
	LOAD2=$!
	# From port A itself, while it exists (it goes with every rmmod).
	dut_sender_start
}
dut_sender_start() {
	"$E1K/bin/e1k-pkt" send "$DUT" "$_to_peer" --count 1000000000 --rate "$RATE" \
		>/dev/null 2>&1 & # lint: dut_sender_stop kills it
	LOAD3=$!
}
dut_sender_stop() {
	kill "$LOAD3" 2>/dev/null || true
	wait "$LOAD3" 2>/dev/null || true
}
load_stop() {
	dut_sender_stop
	kill "$LOAD1" "$LOAD2" 2>/dev/null || true
	wait "$LOAD1" "$LOAD2" 2>/dev/null || true
}

ports_up
load_start

soak_swaps() {
	_i=0
	while [ $_i -lt "$SOAK_SWAPS" ]; do
		xdp_attach "$TOBJ/xdp_t_drop.bpf.o"
		xdp_attach "$TOBJ/xdp_t_tx.bpf.o"
		xdp_attach "$TOBJ/xdp_t_pass.bpf.o"
		xdp_detach
		_i=$((_i + 1))
	done
	say "soak: $SOAK_SWAPS rounds of attach, swap x2, detach"
}
check soak_swaps "attach/detach/swap under load failed" soak_swaps

# port_resumes: after down/up or a resize, port A has its carrier back and,
# once QEMU's hold of reception after an RCTL write is over, the peer
# reaches it.
port_resumes() {
	wait_for 10 carrier_up "$DUT"
	sleep 2
	ping_all peer 3 "$DUT_IP4"
}

soak_updown() {
	_i=0
	while [ $_i -lt "$SOAK_UPDOWN" ]; do
		ip link set "$DUT" down
		ip link set "$DUT" up
		_i=$((_i + 1))
	done
	# IPv6 drops its addresses on down (keep_addr_on_down=0): put it back.
	ip addr replace "$DUT_IP6/64" dev "$DUT" nodad
	port_resumes
}
check soak_updown "down/up under load failed" soak_updown

soak_resize() {
	_i=0
	while [ $_i -lt "$SOAK_RESIZE" ]; do
		ethtool -G "$DUT" rx $((_i % 2 ? 256 : 64)) tx $((_i % 2 ? 256 : 128))
		_i=$((_i + 1))
	done
	ethtool -G "$DUT" rx 256 tx 256
	port_resumes
}
check soak_ring_resize "ethtool -G under load failed" soak_resize

soak_reloads() {
	_i=0
	while [ $_i -lt "$SOAK_RELOADS" ]; do
		dut_sender_stop
		dut_unload
		DUT2=
		dut_load e1k_xdp
		ports_up
		dut_sender_start
		_i=$((_i + 1))
	done
	ping_all peer 3 "$DUT_IP4"
	ping_all peer2 3 "$DUT2_IP4"
}
check soak_reloads "rmmod/insmod under load failed" soak_reloads

soak_memory() {
	load_stop
	dut_unload
	_m1=$(settled_mem_kb)
	_d=$((MEM0 - _m1))
	say "soak: MemAvailable $MEM0 kB before the first load, $_m1 kB after the last unload ($_d kB)"
	_lim=$((MEM0 * LIMIT_SOAK_MEM_PCT / 100))
	[ "$_d" -le "$_lim" ] || { echo "$_d kB of memory not back after the soak (at most $_lim)" >&2; return 1; }
}
check soak_memory "free memory did not come back after the soak" soak_memory
