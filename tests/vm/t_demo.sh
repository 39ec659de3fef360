#!/bin/sh
# shellcheck shell=sh
# `make demo`: the product end to end, narrated for a person watching.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

drv=$E1K_DRIVER
if [ "$drv" = e1k_xdp ] && [ ! -f "$E1K/driver/e1k_xdp.ko" ]; then
	drv=e1000
	say "(e1k_xdp is not built yet: showing the in-tree e1000 baseline)"
fi

say "A QEMU guest with two NICs on one hub: the DUT ($E1K_MODEL) and a"
say "virtio-net peer in network namespace 'peer'. Loading $drv for the DUT."
if ! net_setup "$drv"; then
	fail demo_net_setup "could not bring up DUT ($drv) and peer"
	exit 0
fi
show ethtool -i "$DUT"
show ip -br addr show dev "$DUT"

say ""
say "The peer pings the DUT over IPv4 and IPv6:"
check demo_ping4 "no IPv4 reply" show in_peer ping -c 3 -i 0.2 -W 2 "$DUT_IP4"
check demo_ping6 "no IPv6 reply" show in_peer ping -6 -c 3 -i 0.2 -W 2 "$DUT_IP6"

say ""
say "TCP from the peer to the DUT for 3 seconds (iperf3; TCG-emulated, so slow):"
iperf3 -s -1 -D -B "$DUT_IP4" >/dev/null
sleep 0.3
check demo_iperf3 "iperf3 failed" show in_peer iperf3 -c "$DUT_IP4" -t 3 -f m
show ip -s link show dev "$DUT"

if [ "$drv" = e1k_xdp ]; then
	L=$E1K/bin/e1k-xdp-loader
	PIN=/sys/fs/bpf/tc/globals
	# Fixed neighbours: ARP/ND would otherwise add frames to the counts.
	static_neighbours
	rm -f $PIN/e1k_echo_* $PIN/e1k_filt_*

	say ""
	say "Native XDP: the ICMP echo reflector, attached in the driver with plain ip"
	say "(ip shows 'xdp', not 'xdpgeneric'):"
	show ip link set dev "$DUT" xdp obj "$E1K/bpf/xdp_icmp_echo.bpf.o" sec xdp
	show ip link show dev "$DUT"
	say "It answers only for addresses listed as the interface's own; attached"
	say "by ip, none are (the kernel still answers). e1k-xdp-loader lists them"
	say "(its own 'attach $DUT icmp-echo' does this by itself):"
	show "$L" echo sync "$DUT"
	say "The peer pings again; XDP_TX answers from the receive ring, so the"
	say "DUT's kernel never sees the requests (its Icmp InEchos counter stays put):"
	e0=$(snmp4 Icmp InEchos)
	check demo_echo_ping "the reflector did not answer" \
		show in_peer ping -c 5 -i 0.2 -W 2 "$DUT_IP4"
	e1=$(snmp4 Icmp InEchos)
	say "Icmp InEchos before $e0, after $e1"
	check demo_echo_kernel_quiet "the kernel saw the requests ($e0 -> $e1)" test "$e0" = "$e1"
	say "e1k-xdp-loader reads the program's per-CPU counters, whoever attached it:"
	show "$L" stats "$DUT"
	tx=$("$L" --json stats "$DUT" | /usr/bin/jq .actions.tx.packets)
	check demo_echo_stats "XDP_TX counted $tx replies, want 5" test "$tx" -eq 5

	say ""
	say "The rule filter replaces the reflector (no link flap, no ring rebuild),"
	say "then one rule denies ICMP from the peer:"
	show "$L" attach "$DUT" filter --force
	show "$L" filter add "$DUT" deny src "$PEER_IP4/32" icmp
	say "\$ in_peer ping -c 3 -i 0.2 -W 1 $DUT_IP4      (no reply expected)"
	if in_peer ping -c 3 -i 0.2 -W 1 "$DUT_IP4" 2>&1 | sed 's/^/#     /' >&3; then
		fail demo_filter_drops "pings passed the deny rule"
	else
		pass demo_filter_drops
	fi
	check demo_filter_ipv6_passes "IPv6 pings were stopped too" \
		show in_peer ping -6 -c 2 -i 0.2 -W 2 "$DUT_IP6"
	show "$L" filter list "$DUT"
	hits=$("$L" --json filter list "$DUT" | /usr/bin/jq '.rules[0].packets')
	check demo_filter_hits "the rule counted $hits hits, want 3" test "$hits" -eq 3
	show "$L" detach "$DUT"
	rm -f $PIN/e1k_echo_* $PIN/e1k_filt_*
fi
dut_unload
