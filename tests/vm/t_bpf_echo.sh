#!/bin/sh
# shellcheck shell=sh
# The ICMP echo reflector end to end: attached with plain `ip`, it answers the
# peer's IPv4 and IPv6 pings (also over a VLAN), the peer's ping accepts the
# replies, the DUT's kernel never sees the requests (its ICMP counters stay
# put) and the program's XDP_TX counter counts every reply. Detached, the
# kernel answers again.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

OBJ=$E1K/bpf/xdp_icmp_echo.bpf.o
PIN=/sys/fs/bpf/tc/globals
N=10

if ! net_setup "$E1K_DRIVER"; then
	fail bpf_echo_setup "could not bring up DUT ($E1K_DRIVER) and peer"
	exit 0
fi
# Permanent neighbours: ARP/ND would otherwise reach the stack mid-count.
static_neighbours

snmp6() { awk -v f="$1" '$1 == f { print $2 }' /proc/net/snmp6; }
echo_tx() { map_pkts $PIN/e1k_echo_stats 3; }

# Old pins of another layout would make the attach fail: start clean.
rm -f $PIN/e1k_echo_*
if ip link set dev "$DUT" "$(xdp_mode)" obj "$OBJ" sec xdp; then
	pass bpf_echo_attach_ip
else
	fail bpf_echo_attach_ip "ip link set ... obj xdp_icmp_echo.bpf.o sec xdp failed"
	exit 0
fi
check bpf_echo_pinned "maps not pinned under $PIN" \
	test -e $PIN/e1k_echo_stats -a -e $PIN/e1k_echo_cfg

# reflected FAMILY DST: N pings from the peer, all answered, by XDP alone.
reflected() {
	_fam=$1 _dst=$2
	if [ "$_fam" = 4 ]; then
		_in0=$(snmp4 Icmp InEchos) _out0=$(snmp4 Icmp OutEchoReps)
	else
		_in0=$(snmp6 Icmp6InEchos) _out0=$(snmp6 Icmp6OutEchoReplies)
	fi
	_tx0=$(echo_tx)
	_out=$(in_peer ping -"$_fam" -c $N -i 0.2 -W 2 "$_dst" 2>&1) || {
		echo "ping failed: $(echo "$_out" | tail -n 2)" >&2
		return 1
	}
	echo "$_out" | grep -q " $N received" || {
		echo "not all replies accepted: $(echo "$_out" | tail -n 2)" >&2
		return 1
	}
	if [ "$_fam" = 4 ]; then
		_in=$(snmp4 Icmp InEchos) _outr=$(snmp4 Icmp OutEchoReps)
	else
		_in=$(snmp6 Icmp6InEchos) _outr=$(snmp6 Icmp6OutEchoReplies)
	fi
	if [ "$_in" != "$_in0" ] || [ "$_outr" != "$_out0" ]; then
		echo "the DUT's kernel saw the requests (in $_in0->$_in, out $_out0->$_outr)" >&2
		return 1
	fi
	_tx=$(($(echo_tx) - _tx0))
	[ "$_tx" -eq $N ] || {
		echo "XDP_TX counted $_tx, want $N" >&2
		return 1
	}
}
check bpf_echo_ping4 "IPv4 pings not answered from XDP" reflected 4 "$DUT_IP4"
check bpf_echo_ping6 "IPv6 pings not answered from XDP" reflected 6 "$DUT_IP6"

# The same over VLAN 100 (tag kept in the reply).
vlan_setup() {
	ip link add link "$DUT" name "$DUT.100" type vlan id 100 &&
		ip addr add 10.12.0.1/24 dev "$DUT.100" &&
		ip link set "$DUT.100" up &&
		in_peer ip link add link "$PEER_IF" name "$PEER_IF.100" type vlan id 100 &&
		in_peer ip addr add 10.12.0.2/24 dev "$PEER_IF.100" &&
		in_peer ip link set "$PEER_IF.100" up &&
		ip neigh replace 10.12.0.2 lladdr "$(peer_mac)" nud permanent dev "$DUT.100" &&
		in_peer ip neigh replace 10.12.0.1 lladdr "$(mac_of "$DUT")" nud permanent dev "$PEER_IF.100"
}
if vlan_setup; then
	check bpf_echo_ping4_vlan "IPv4 pings over VLAN 100 not answered from XDP" \
		reflected 4 10.12.0.1
else
	fail bpf_echo_ping4_vlan "could not set up VLAN 100"
fi
ip link del "$DUT.100" 2>/dev/null || true
in_peer ip link del "$PEER_IF.100" 2>/dev/null || true

# Detached: the kernel answers (and counts) again.
kernel_answers() {
	_in0=$(snmp4 Icmp InEchos)
	in_peer ping -c 3 -i 0.2 -W 2 "$DUT_IP4" >/dev/null || return 1
	[ "$(snmp4 Icmp InEchos)" -ge $((_in0 + 3)) ]
}
ip link set dev "$DUT" "$(xdp_mode)" off
check bpf_echo_detached "after detach the kernel does not answer" kernel_answers
rm -f $PIN/e1k_echo_*
dut_unload
