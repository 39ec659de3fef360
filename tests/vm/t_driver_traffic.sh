#!/bin/sh
# shellcheck shell=sh
# The driver's stack path under traffic (issue 3): pings of every size both
# ways (fragmented too), iperf3 TCP both ways and UDP, the DUT's receive
# counters against what the peer sent, jumbo MTU, and VLAN-tagged frames
# with the tag offloads on and off.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"

# --- ping: small, full-MTU without fragmenting, and fragmented ---------------
ping_sizes() {
	_fam=$1 _dst=$2 _where=$3
	for _s in 56 1400 4000 20000; do
		ping_all "$_where" 3 "$_dst" "$_fam" -s "$_s"
	done
}
check drv_ping4_peer_to_dut "IPv4 ping (56..20000 bytes) from the peer failed" \
	ping_sizes -4 "$DUT_IP4" peer
check drv_ping4_dut_to_peer "IPv4 ping (56..20000 bytes) to the peer failed" \
	ping_sizes -4 "$PEER_IP4" dut
check drv_ping6_peer_to_dut "IPv6 ping (56..20000 bytes) from the peer failed" \
	ping_sizes -6 "$DUT_IP6" peer
check drv_ping6_dut_to_peer "IPv6 ping (56..20000 bytes) to the peer failed" \
	ping_sizes -6 "$PEER_IP6" dut
# The largest frame that needs no fragment: 1500 bytes of IP.
check drv_ping4_full_mtu "1472-byte pings with DF set not all answered" \
	ping_all peer 3 "$DUT_IP4" -M "do" -s 1472

# --- iperf3 ------------------------------------------------------------------
check drv_iperf_tcp_rx "TCP from the peer to the DUT failed or crawled" \
	iperf_ok 5201 "$DUT_IP4" -t 3
check drv_iperf_tcp_tx "TCP from the DUT to the peer failed or crawled" \
	iperf_ok 5201 "$DUT_IP4" -t 3 -R
check drv_iperf_tcp6_tx "TCP over IPv6 from the DUT failed or crawled" \
	iperf_ok 5202 "$DUT_IP6" -t 2 -R

# UDP: the receiver must get nearly all datagrams at a rate TCG sustains
# (tests/vm/limits.sh: 20 Mbit/s of 1400-byte datagrams, 1786 a second,
# 5357 in 3 s; 10 Mbit/s with the instruments).
udp_ok() {
	iperf_server 5201 "$DUT_IP4"
	_rc=0
	_out=$(in_peer timeout 30 iperf3 -J -u -b "${LIMIT_UDP_MBPS}M" -l 1400 -c "$DUT_IP4" -t 3 "$@" 2>&1) || _rc=$?
	iperf_server_stop 5201
	[ "$_rc" -eq 0 ] || { echo "iperf3 -u $* exited $_rc" >&2; return 1; }
	_lost=$(echo "$_out" | /usr/bin/jq '.end.sum.lost_packets')
	_pk=$(echo "$_out" | /usr/bin/jq '.end.sum.packets')
	say "iperf3 -u $*: $_pk datagrams, $_lost lost"
	# 3 s of 1400-byte datagrams (11200 bits) at the offered rate, of which
	# at least LIMIT_UDP_SENT_PERMILLE sent (891 of 2678 at 10 Mbit/s).
	_min=$((LIMIT_UDP_MBPS * 1000000 * 3 * LIMIT_UDP_SENT_PERMILLE / (11200 * 1000)))
	if [ "$_pk" -lt "$_min" ] || [ $((_lost * 1000)) -gt $((_pk * LIMIT_UDP_LOSS_PERMILLE)) ]; then
		echo "UDP $* at $LIMIT_UDP_MBPS Mbit/s: $_pk datagrams (at least $_min), $_lost lost (at most $LIMIT_UDP_LOSS_PERMILLE per mille)" >&2
		return 1
	fi
}
check drv_iperf_udp_rx "UDP to the DUT lost too much" udp_ok
check drv_iperf_udp_tx "UDP from the DUT lost too much" udp_ok -R

# --- receive counters agree with what the peer sent ---------------------------
# N UDP frames from the peer; no ARP/ND in between (static neighbours). Every
# frame the peer put on the wire is either counted received by the DUT (its
# packet counter and its hardware good-packets counter alike) or counted
# missed by the hardware (no free rx buffer at that moment; under TCG the
# guest can fall behind, so some misses are allowed, not uncounted ones).
rx_counters_agree() {
	static_neighbours
	_n=3000
	_f=$(test_frame --payload 200 --dport 9)
	sleep 0.5
	_r0=$(dut_stat rx_packets)
	_h0=$(dut_ethstat hw_rx_good_packets)
	_m0=$(dut_ethstat hw_rx_missed)
	_p0=$(peer_stat tx_packets)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_f" --count $_n --rate 5000
	sleep 1
	_r=$(($(dut_stat rx_packets) - _r0))
	_h=$(($(dut_ethstat hw_rx_good_packets) - _h0))
	_m=$(($(dut_ethstat hw_rx_missed) - _m0))
	_p=$(($(peer_stat tx_packets) - _p0))
	say "peer sent $_p frames ($_n crafted); DUT rx_packets +$_r, hw_rx_good_packets +$_h, hw_rx_missed +$_m"
	if [ "$_p" -ne "$_n" ] || [ "$_h" -ne "$_r" ] || [ $((_r + _m)) -ne "$_p" ] ||
		[ $((_m * 1000)) -gt $((_p * LIMIT_RX_MISS_PERMILLE)) ]; then
		echo "peer sent $_p, DUT counted $_r (hw $_h, missed $_m)" >&2
		return 1
	fi
}
check drv_rx_counters "DUT receive counters do not add up to what the peer sent" \
	rx_counters_agree

# --- jumbo MTU: frames that span rx descriptors --------------------------------
jumbo_ok() {
	set_mtu 9000 || { echo "cannot set MTU 9000" >&2; return 1; }
	wait_for 10 carrier_up "$DUT"
	ping_all peer 3 "$DUT_IP4" -M "do" -s 8972
	ping_all dut 3 "$PEER_IP4" -M "do" -s 8972
	# 30000 bytes of IPv6 in 9000-byte fragments.
	ping_all dut 3 "$PEER_IP6" -6 -s 30000
	iperf_ok 5201 "$DUT_IP4" -t 2
	iperf_ok 5201 "$DUT_IP4" -t 2 -R
}
check drv_mtu_9000 "traffic at MTU 9000 failed" jumbo_ok
back_to_1500() {
	set_mtu 1500
	ping_all peer 3 "$DUT_IP4" -s 1472 -M "do"
	ping_all peer 3 "$DUT_IP4" -s 4000
}
check drv_mtu_back_1500 "traffic failed after returning to MTU 1500" back_to_1500
mtu_limits() {
	# Beyond the limit: refused, and the MTU stays.
	! ip link set dev "$DUT" mtu 9001 2>/dev/null &&
		[ "$(cat "/sys/class/net/$DUT/mtu")" = 1500 ]
}
check drv_mtu_limit "MTU 9001 accepted or the MTU changed" mtu_limits

# --- VLAN ----------------------------------------------------------------------
vlan_up() {
	modprobe 8021q 2>/dev/null || {
		echo "8021q module missing from the initramfs (scripts/mkinitramfs.sh)" >&2
		return 1
	}
	ip link add link "$DUT" name dut.100 type vlan id 100 &&
		ip addr add 10.12.0.1/24 dev dut.100 &&
		ip link set dut.100 up &&
		in_peer ip link add link "$PEER_IF" name peer.100 type vlan id 100 &&
		in_peer ip addr add 10.12.0.2/24 dev peer.100 &&
		in_peer ip link set peer.100 up
}
vlan_ping() {
	ping_all peer 3 10.12.0.1 -s 1472 -M "do"
	ping_all dut 3 10.12.0.2 -s 4000
}
# offload_is FEATURE on|off: what ethtool -k says of it.
offload_is() { ethtool -k "$DUT" | grep -q "^$1: $2"; }
vlan_offload() {
	ethtool -K "$DUT" rxvlan "$1" txvlan "$1"
	if ! offload_is rx-vlan-offload "$1" || ! offload_is tx-vlan-offload "$1"; then
		echo "rx/tx-vlan-offload not $1 after ethtool -K" >&2
		return 1
	fi
	vlan_ping
}
# The hardware switches stripping and insertion together (CTRL.VME), so
# asking for insertion without stripping must leave both off, and the
# tags still right on the wire.
vlan_tx_only() {
	# ethtool -K exits 1 when the driver changed something else than asked.
	ethtool -K "$DUT" rxvlan off txvlan on 2>/dev/null || true
	if ! offload_is rx-vlan-offload off || ! offload_is tx-vlan-offload off; then
		echo "tx-vlan-offload on without rx-vlan-offload" >&2
		return 1
	fi
	vlan_ping
}
vlan_up
check drv_vlan_offload_on "VLAN 100 pings not all answered with tag strip/insert on" vlan_offload on
check drv_vlan_offload_off "VLAN 100 pings not all answered with tag offload off" vlan_offload off
check drv_vlan_offload_rx_only "VLAN 100 pings not all answered with rxvlan off, txvlan asked on" \
	vlan_tx_only
ethtool -K "$DUT" rxvlan on txvlan on
ip link del dut.100
in_peer ip link del peer.100

dut_unload
