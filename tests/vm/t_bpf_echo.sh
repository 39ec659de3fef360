#!/bin/sh
# shellcheck shell=sh
# The ICMP echo reflector end to end, attached with plain `ip` and its
# addresses written with bpftool byte by byte (bpf/e1k_xdp_maps.h), apart
# from the loader: with no address listed it answers nothing and the kernel
# answers; with the DUT's addresses listed it answers the peer's IPv4 and
# IPv6 pings (also over a VLAN), the peer's ping accepts the replies, the
# DUT's kernel never sees the requests (its ICMP counters stay put) and the
# program's XDP_TX counter counts every reply; requests to another address,
# to the subnet's broadcast, from a spoofed source or with a bad checksum
# go to the kernel. Detached, the kernel answers again.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

OBJ=$E1K/bpf/xdp_icmp_echo.bpf.o
PIN=/sys/fs/bpf/tc/globals
N=10

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"
# Permanent neighbours: ARP/ND would otherwise reach the stack mid-count.
static_neighbours

snmp6() { awk -v f="$1" '$1 == f { print $2 }' /proc/net/snmp6; }
echo_tx() { map_pkts $PIN/e1k_echo_stats 3; }
echo_pass() { map_pkts $PIN/e1k_echo_stats 2; }
DUT_IFINDEX=$(cat "/sys/class/net/$DUT/ifindex")
# own ADDR PLEN: list ADDR (IPv4 or IPv6) of prefix length PLEN for the DUT:
# key {ifindex, address}, value the prefix length.
# bpftool takes the bytes as separate words: the splitting is wanted.
# shellcheck disable=SC2046
own() {
	case "$1" in
	*:*) bpftool map update pinned $PIN/e1k_echo_addr6 key hex $(le32_hex "$DUT_IFINDEX") $(ip6 "$1") \
		value hex $(le32_hex "$2") ;;
	*) bpftool map update pinned $PIN/e1k_echo_addr4 key hex $(le32_hex "$DUT_IFINDEX") $(ip4 "$1") \
		value hex $(le32_hex "$2") ;;
	esac
}

# Old pins of another layout would make the attach fail: start clean.
rm -f $PIN/e1k_echo_*
check bpf_echo_attach_ip "ip link set ... obj xdp_icmp_echo.bpf.o sec xdp failed" \
	ip link set dev "$DUT" "$(xdp_mode)" obj "$OBJ" sec xdp
check bpf_echo_pinned "maps not pinned under $PIN" \
	test -e $PIN/e1k_echo_stats -a -e $PIN/e1k_echo_cfg -a -e $PIN/e1k_echo_addr4

# Nothing listed: the reflector passes every request, the kernel answers.
kernel_answers_unlisted() {
	_in0=$(snmp4 Icmp InEchos) _tx0=$(echo_tx)
	ping_all peer 3 "$DUT_IP4" || return 1
	[ "$(snmp4 Icmp InEchos)" -eq $((_in0 + 3)) ] ||
		{ echo "Icmp InEchos +$(($(snmp4 Icmp InEchos) - _in0)), want 3" >&2; return 1; }
	[ "$(echo_tx)" -eq "$_tx0" ] || { echo "XDP_TX +$(($(echo_tx) - _tx0)) with no address listed" >&2; return 1; }
}
check bpf_echo_nothing_listed_kernel_answers "with no address listed the reflector answered" \
	kernel_answers_unlisted
list_dut() {
	own "$DUT_IP4" 24 && own "$DUT_IP6" 64 &&
		[ "$(bpftool -j map dump pinned $PIN/e1k_echo_addr4 | /usr/bin/jq length)" -eq 1 ] &&
		[ "$(bpftool -j map dump pinned $PIN/e1k_echo_addr6 | /usr/bin/jq length)" -eq 1 ]
}
check bpf_echo_list_addresses "bpftool could not list the DUT's addresses" list_dut

# reflected FAMILY DST: N pings from the peer, all answered, by XDP alone.
reflected() {
	_fam=$1 _dst=$2
	if [ "$_fam" = 4 ]; then
		_in0=$(snmp4 Icmp InEchos) _out0=$(snmp4 Icmp OutEchoReps)
	else
		_in0=$(snmp6 Icmp6InEchos) _out0=$(snmp6 Icmp6OutEchoReplies)
	fi
	_tx0=$(echo_tx)
	ping_all peer $N "$_dst" -"$_fam"
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

# The same over VLAN 100: the reply must leave tagged. (The peer's ping
# would accept an untagged reply too: ICMP sockets take replies from any
# interface. So the test reads the bytes on the wire.)
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
vlan_setup
own 10.12.0.1 24
check bpf_echo_ping4_vlan "IPv4 pings over VLAN 100 not answered from XDP" \
	reflected 4 10.12.0.1
# N echo requests in VLAN 100 from the peer's raw socket; what comes back
# on the peer's wire: tag 100 (TPID 8100, TCI 0064), IPv4, from 10.12.0.1,
# ICMP echo reply (type 0) of our id.
vlan_on_wire() {
	_req=$(pkt build --dst-mac "$(mac_of "$DUT")" --src-mac "$(peer_mac)" --vlan 100 \
		--src-ip 10.12.0.2 --dst-ip 10.12.0.1 --icmp-echo --sport 4242 --dport 1 --payload 32)
	_tx0=$(echo_tx)
	_got=$(in_peer "$E1K/bin/e1k-pkt" xchg "$PEER_IF" "$_req" --count $N --timeout 3000 \
		--icmp-id 4242)
	_n=$(echo "$_got" | lines)
	[ "$_n" -eq $N ] || { echo "$_n of $N replies came back" >&2; return 1; }
	echo "$_got" | while read -r _f; do
		_head=$(echo "$_f" | cut -c1-36) _src=$(echo "$_f" | cut -c61-68) _type=$(echo "$_f" | cut -c77-78)
		_want=$(peer_mac | tr -d :)$(mac_of "$DUT" | tr -d :)810000640800
		if [ "$_head" != "$_want" ] || [ "$_src" != 0a0c0001 ] || [ "$_type" != 00 ]; then
			echo "reply on the wire: $(echo "$_f" | cut -c1-80)..., want $_want ... from 0a0c0001, type 00" >&2
			return 1
		fi
	done
	_tx=$(($(echo_tx) - _tx0))
	[ "$_tx" -eq $N ] || { echo "XDP_TX counted $_tx, want $N" >&2; return 1; }
}
check bpf_echo_vlan_tag_on_wire "replies to VLAN 100 echo requests did not leave tagged" vlan_on_wire
ip link del "$DUT.100"
in_peer ip link del "$PEER_IF.100"

# Requests the reflector must leave to the kernel, 3 of each from the peer's
# raw socket: to an address the DUT does not have, to the subnet's
# broadcast, from the DUT's own address, from the subnet's broadcast, with a
# bad IPv4 header checksum, and with a bad ICMP checksum. Each once got an
# XDP reply. Now XDP_TX +0, exactly, and XDP_PASS +18 at least (a stray
# frame of the peer's, an MLD report, would pass too). What the kernel then
# does with them is its own business (it answers some: a request from the
# subnet's broadcast address, say), so replies on the wire are only counted.
echo_req() {
	pkt build --dst-mac "$(mac_of "$DUT")" --src-mac "$(peer_mac)" --icmp-echo \
		--sport 4343 --dport 1 --payload 32 "$@"
}
# bad_field HEX BYTE_OFFSET: the 16-bit field at BYTE_OFFSET changed so that
# its checksum can no longer be right (+0x1111 is no multiple of 0xffff).
bad_field() {
	_o=$((2 * $2))
	_v=$(echo "$1" | cut -c$((_o + 1))-$((_o + 4)))
	echo "$(echo "$1" | cut -c1-$_o)$(printf '%04x' $(((0x$_v + 0x1111) & 0xffff)))$(echo "$1" | cut -c$((_o + 5))-)"
}
not_answered() {
	_good=$(echo_req --src-ip "$PEER_IP4" --dst-ip "$DUT_IP4")
	_frames="$(echo_req --src-ip "$PEER_IP4" --dst-ip 10.11.0.77)
$(echo_req --src-ip "$PEER_IP4" --dst-ip 10.11.0.255)
$(echo_req --src-ip "$DUT_IP4" --dst-ip "$DUT_IP4")
$(echo_req --src-ip 10.11.0.255 --dst-ip "$DUT_IP4")
$(bad_field "$_good" 24)
$(bad_field "$_good" 36)"
	_tx0=$(echo_tx) _pass0=$(echo_pass) _k=0 _seen=
	for _f in $_frames; do
		_k=$((_k + 1))
		_got=$(in_peer "$E1K/bin/e1k-pkt" xchg "$PEER_IF" "$_f" --count 3 --timeout 1000 \
			--icmp-id 4343 | awk 'substr($0, 69, 2) == "00"' | lines)
		_seen="$_seen $_k:$_got"
	done
	say "replies on the wire per kind (the kernel's): $_seen"
	[ "$(echo_tx)" -eq "$_tx0" ] || { echo "XDP_TX +$(($(echo_tx) - _tx0)), want 0" >&2; return 1; }
	[ "$(($(echo_pass) - _pass0))" -ge 18 ] ||
		{ echo "XDP_PASS +$(($(echo_pass) - _pass0)), want 18" >&2; return 1; }
}
check bpf_echo_scope_to_kernel "a request not for us, or invalid, was answered from XDP" not_answered

# Detached: the kernel answers (and counts) again.
kernel_answers() {
	_in0=$(snmp4 Icmp InEchos)
	ping_all peer 3 "$DUT_IP4"
	[ "$(snmp4 Icmp InEchos)" -eq $((_in0 + 3)) ] ||
		{ echo "Icmp InEchos +$(($(snmp4 Icmp InEchos) - _in0)), want 3" >&2; return 1; }
}
ip link set dev "$DUT" "$(xdp_mode)" off
check bpf_echo_detached "after detach the kernel does not answer" kernel_answers
rm -f $PIN/e1k_echo_*
dut_unload
