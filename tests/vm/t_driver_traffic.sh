#!/bin/sh
# shellcheck shell=sh
# The driver's stack path under traffic (issue 3): pings of every size both
# ways (fragmented too), iperf3 TCP both ways and UDP, the DUT's receive
# counters against what the peer sent, jumbo MTU, and VLAN-tagged frames
# with the tag offloads on and off.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

if ! net_setup "$E1K_DRIVER"; then
	fail driver_traffic_setup "could not bring up DUT ($E1K_DRIVER) and peer"
	exit 0
fi

# --- ping: small, full-MTU without fragmenting, and fragmented ---------------
ping_sizes() {
	_fam=$1 _dst=$2 _where=$3
	for _s in 56 1400 4000 20000; do
		if [ "$_where" = peer ]; then
			in_peer ping "$_fam" -c 3 -i 0.2 -W 3 -s "$_s" "$_dst" >/dev/null
		else
			ping "$_fam" -c 3 -i 0.2 -W 3 -s "$_s" "$_dst" >/dev/null
		fi || { echo "ping $_fam -s $_s to $_dst failed" >&2; return 1; }
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
check drv_ping4_full_mtu "1472-byte ping with DF set failed" \
	in_peer ping -c 3 -i 0.2 -W 3 -M "do" -s 1472 "$DUT_IP4"

# --- iperf3 ------------------------------------------------------------------
# iperf_ok MIN_MBPS ARGS...: a run from the peer to the DUT's server that
# moved at least MIN_MBPS. -R makes the DUT the sender.
iperf_ok() {
	_min=$1
	shift
	iperf3 -s -1 -D -B "$DUT_IP4" >/dev/null 2>&1
	iperf3 -s -1 -D -B "$DUT_IP6" -p 5202 >/dev/null 2>&1
	sleep 0.3
	_out=$(in_peer iperf3 -J "$@" 2>&1) || {
		echo "iperf3 $* failed: $(echo "$_out" | /usr/bin/jq -r .error 2>/dev/null)" >&2
		killall iperf3 2>/dev/null || true
		return 1
	}
	killall iperf3 2>/dev/null || true
	_mbps=$(echo "$_out" | /usr/bin/jq '(.end.sum_received.bits_per_second // .end.sum.bits_per_second) / 1000000 | floor')
	say "iperf3 $*: $_mbps Mbit/s"
	[ "$_mbps" -ge "$_min" ] || { echo "iperf3 $*: $_mbps Mbit/s < $_min" >&2; return 1; }
}
check drv_iperf_tcp_rx "TCP from the peer to the DUT failed or crawled" \
	iperf_ok 5 -c "$DUT_IP4" -t 3
check drv_iperf_tcp_tx "TCP from the DUT to the peer failed or crawled" \
	iperf_ok 5 -c "$DUT_IP4" -t 3 -R
check drv_iperf_tcp6_tx "TCP over IPv6 from the DUT failed or crawled" \
	iperf_ok 5 -c "$DUT_IP6" -p 5202 -t 2 -R

# UDP: the receiver must get nearly all datagrams at a rate TCG sustains.
udp_ok() {
	iperf3 -s -1 -D -B "$DUT_IP4" >/dev/null 2>&1
	sleep 0.3
	_out=$(in_peer iperf3 -J -u -b 20M -l 1400 -c "$DUT_IP4" -t 3 "$@" 2>&1) || {
		killall iperf3 2>/dev/null || true
		echo "iperf3 -u $* failed" >&2
		return 1
	}
	killall iperf3 2>/dev/null || true
	_lost=$(echo "$_out" | /usr/bin/jq '.end.sum.lost_percent | floor')
	_pk=$(echo "$_out" | /usr/bin/jq '.end.sum.packets')
	say "iperf3 -u $*: $_pk datagrams, $_lost% lost"
	if [ "$_pk" -le 1000 ] || [ "$_lost" -gt 10 ]; then
		echo "UDP $*: $_pk datagrams, $_lost% lost" >&2
		return 1
	fi
}
check drv_iperf_udp_rx "UDP to the DUT lost more than 10%" udp_ok
check drv_iperf_udp_tx "UDP from the DUT lost more than 10%" udp_ok -R

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
	if [ "$_p" -lt "$_n" ] || [ "$_h" -ne "$_r" ] || [ $((_r + _m)) -ne "$_p" ] ||
		[ $((_m * 4)) -gt "$_p" ]; then
		echo "peer sent $_p, DUT counted $_r (hw $_h, missed $_m)" >&2
		return 1
	fi
}
check drv_rx_counters "DUT receive counters do not add up to what the peer sent" \
	rx_counters_agree

# --- jumbo MTU: frames that span rx descriptors --------------------------------
set_mtu() {
	ip link set dev "$DUT" mtu "$1" && in_peer ip link set dev "$PEER_IF" mtu "$1"
}
jumbo_ok() {
	set_mtu 9000 || { echo "cannot set MTU 9000" >&2; return 1; }
	wait_for 10 carrier_up "$DUT"
	in_peer ping -c 3 -i 0.2 -W 3 -M "do" -s 8972 "$DUT_IP4" >/dev/null ||
		{ echo "8972-byte ping from the peer failed" >&2; return 1; }
	ping -c 3 -i 0.2 -W 3 -M "do" -s 8972 "$PEER_IP4" >/dev/null ||
		{ echo "8972-byte ping to the peer failed" >&2; return 1; }
	ping -6 -c 3 -i 0.2 -W 3 -s 30000 "$PEER_IP6" >/dev/null ||
		{ echo "30000-byte IPv6 ping in 9000-byte fragments failed" >&2; return 1; }
	iperf_ok 5 -c "$DUT_IP4" -t 2 || return 1
	iperf_ok 5 -c "$DUT_IP4" -t 2 -R || return 1
}
check drv_mtu_9000 "traffic at MTU 9000 failed" jumbo_ok
back_to_1500() {
	set_mtu 1500 || return 1
	in_peer ping -c 3 -i 0.2 -W 3 -s 1472 -M "do" "$DUT_IP4" >/dev/null &&
		in_peer ping -c 3 -i 0.2 -W 3 -s 4000 "$DUT_IP4" >/dev/null
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
	in_peer ping -c 3 -i 0.2 -W 3 -s 1472 -M "do" 10.12.0.1 >/dev/null &&
		ping -c 3 -i 0.2 -W 3 -s 4000 10.12.0.2 >/dev/null
}
vlan_offload() {
	ethtool -K "$DUT" rxvlan "$1" txvlan "$1" 2>/dev/null ||
		{ echo "ethtool -K rxvlan/txvlan $1 refused" >&2; return 1; }
	vlan_ping || { echo "VLAN ping failed with tag offload $1" >&2; return 1; }
}
if vlan_up; then
	check drv_vlan_offload_on "VLAN 100 ping failed with tag strip/insert on" vlan_offload on
	check drv_vlan_offload_off "VLAN 100 ping failed with tag offload off" vlan_offload off
	check drv_vlan_offload_rx_only "VLAN 100 ping failed with rxvlan off, txvlan on" \
		sh -c "/usr/sbin/ethtool -K $DUT rxvlan off txvlan on 2>/dev/null; \
			/usr/bin/nsenter --net=/run/netns/peer /usr/bin/ping -c 3 -i 0.2 -W 3 10.12.0.1 >/dev/null && \
			/usr/bin/ping -c 3 -i 0.2 -W 3 10.12.0.2 >/dev/null"
	ethtool -K "$DUT" rxvlan on txvlan on 2>/dev/null || true
	ip link del dut.100 2>/dev/null || true
	in_peer ip link del peer.100 2>/dev/null || true
else
	fail drv_vlan "could not create VLAN 100 on DUT and peer"
fi

dut_unload
