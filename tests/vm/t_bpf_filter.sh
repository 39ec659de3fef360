#!/bin/sh
# shellcheck shell=sh
# The filter end to end, attached with plain `ip` and driven through its
# pinned maps with bpftool (the encoding of bpf/e1k_xdp_maps.h, written here
# byte by byte, independently of the loader): without rules it passes
# everything; a deny rule stops the peer's matching traffic and its hit
# counter counts exactly what the peer sent, VLAN-tagged frames included;
# other traffic still flows; deleting the rule lets it through again.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

OBJ=$E1K/bpf/xdp_filter.bpf.o
PIN=/sys/fs/bpf/tc/globals
N=20

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"
static_neighbours

# Little-endian integers as bpftool hex byte lists (x86); le32_hex, ip4: lib.sh.
le16() { printf '%02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
zeros() { _z=; _i=0; while [ $_i -lt "$1" ]; do _z="$_z 00"; _i=$((_i + 1)); done; echo "$_z"; }

# rule4 FLAGS ACTION SRC SRC_LEN PROTO DPORT ID: struct e1k_filter_rule (56
# bytes) for an IPv4 rule (family 4) whose hit counter is ID. Unused fields
# zero, as the encoding requires. The filter starts in bank 0 (cfg all zero),
# whose slots are keys 0-63: the suite writes there, in the order the spec
# gives for one bank (rule inactive, tries, rule active).
rule4() {
	_fam=0 _src="$(zeros 16)"
	[ $(($1 & 4)) -ne 0 ] && _fam=4 _src="$(ip4 "$3") $(zeros 12)"
	_dp=0
	[ $(($1 & 64)) -ne 0 ] && _dp=$6
	echo "$(le32_hex "$1") $(printf '%02x' "$2") $(printf '%02x' $_fam) $(printf '%02x' "$4") 00" \
		"$(printf '%02x' "$5") 00 00 00 $(le16 0) $(le16 0) $(le16 0) $(le16 "$_dp") $(le16 "$_dp")" \
		"$(le16 "$7") $_src $(zeros 16)"
}
ACTIVE=1 M_SRC=4 M_PROTO=16 M_DPORT=64 DROP=2
# bpftool takes the bytes as separate words: the splitting below is wanted.
# shellcheck disable=SC2046,SC2086
rules_set() { bpftool map update pinned $PIN/e1k_filt_rules key $(le32_hex "$1") value hex $2; }
# hits ID: the counter of the rule whose id is ID (as rule4 wrote it).
hits() { map_pkts $PIN/e1k_filt_hits "$1"; }
stats() { map_pkts $PIN/e1k_filt_stats "$1"; }

rm -f $PIN/e1k_filt_*
check bpf_filter_attach_ip "ip link set ... obj xdp_filter.bpf.o sec xdp failed" \
	ip link set dev "$DUT" "$(xdp_mode)" obj "$OBJ" sec xdp

check bpf_filter_no_rules_ping4 "no rules, yet IPv4 pings not all answered" \
	ping_all peer 3 "$DUT_IP4"
check bpf_filter_no_rules_ping6 "no rules, yet IPv6 pings not all answered" \
	ping_all peer 3 "$DUT_IP6" -6

# deny icmp from the peer (10.11.0.2/32) in slot 0, in the documented order:
# inactive rule, trie entry (prefix -> bit 0), then activate.
# shellcheck disable=SC2046
add_deny_icmp() {
	rules_set 0 "$(rule4 $((M_SRC | M_PROTO)) $DROP "$PEER_IP4" 32 1 0 0)" &&
		bpftool map update pinned $PIN/e1k_filt_src4 key hex $(le32_hex 32) $(ip4 "$PEER_IP4") \
			value hex 01 00 00 00 00 00 00 00 $(zeros 8) &&
		rules_set 0 "$(rule4 $((ACTIVE | M_SRC | M_PROTO)) $DROP "$PEER_IP4" 32 1 0 0)"
}
check bpf_filter_add_rule "bpftool could not write the rule" add_deny_icmp

denied_pings() {
	_h0=$(hits 0) _d0=$(stats 1)
	ping_none peer 5 "$DUT_IP4" -W 1
	[ $(($(hits 0) - _h0)) -eq 5 ] || { echo "rule hits $(($(hits 0) - _h0)), want 5" >&2; return 1; }
	[ $(($(stats 1) - _d0)) -eq 5 ] || { echo "XDP_DROP stats $(($(stats 1) - _d0)), want 5" >&2; return 1; }
}
check bpf_filter_deny_stops_ping4 "deny rule did not stop the pings exactly" denied_pings
check bpf_filter_ipv6_unaffected "an IPv4 rule stopped IPv6" \
	ping_all peer 3 "$DUT_IP6" -6

# deny udp dport 9999 (any source) in slot 1; the peer sends N plain and N
# VLAN-tagged frames: a tag must not get a frame past the rule.
udp_snmp_in() { echo $(($(udp_snmp InDatagrams) + $(udp_snmp NoPorts))); }
add_deny_udp() {
	rules_set 1 "$(rule4 $((ACTIVE | M_PROTO | M_DPORT)) $DROP 0.0.0.0 0 17 9999 1)"
}
check bpf_filter_add_udp_rule "bpftool could not write the UDP rule" add_deny_udp
denied_udp() {
	_h0=$(hits 1) _u0=$(udp_snmp_in)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --dport 9999 --payload 32)" --count $N
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --dport 9999 --payload 32 --vlan 7)" --count $N
	sleep 0.5
	_h=$(($(hits 1) - _h0))
	[ "$_h" -eq $((2 * N)) ] || { echo "rule hits $_h, want $((2 * N))" >&2; return 1; }
	[ "$(udp_snmp_in)" = "$_u0" ] || { echo "the stack saw denied datagrams" >&2; return 1; }
}
check bpf_filter_deny_udp_tagged_too "UDP deny rule not exact or bypassed by a VLAN tag" denied_udp

# Delete the ICMP rule (inactive first, then its trie entry): pings flow.
# shellcheck disable=SC2046
del_rule0() {
	rules_set 0 "$(zeros 56)" &&
		bpftool map delete pinned $PIN/e1k_filt_src4 key hex $(le32_hex 32) $(ip4 "$PEER_IP4")
}
check bpf_filter_del_rule "bpftool could not delete the rule" del_rule0
check bpf_filter_ping4_after_delete "pings still blocked after the rule was deleted" \
	ping_all peer 3 "$DUT_IP4"

ip link set dev "$DUT" "$(xdp_mode)" off
rm -f $PIN/e1k_filt_*
dut_unload
