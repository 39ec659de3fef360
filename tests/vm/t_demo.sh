#!/bin/sh
# shellcheck shell=sh
# `make demo`: the product end to end, narrated for a person watching.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

drv=$E1K_DRIVER
if [ "$drv" = e1k_xdp ] && [ ! -f $E1K/driver/e1k_xdp.ko ]; then
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
	say ""
	say "Native XDP: a program that drops UDP to port 9999, attached in the driver"
	say "('xdp', not 'xdpgeneric'); the peer sends 1000 such frames, pings still pass:"
	show ip link set dev "$DUT" xdpdrv obj "$TOBJ/xdp_t_drop.bpf.o" sec xdp
	show ip link show dev "$DUT"
	d0=$(dut_ethstat xdp_drop)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" --count 1000 --rate 5000
	check demo_xdp_ping "no reply with the program attached" \
		show in_peer ping -c 2 -i 0.2 -W 2 "$DUT_IP4"
	sleep 0.5
	d=$(($(dut_ethstat xdp_drop) - d0))
	say "ethtool -S: xdp_drop went up by $d"
	check demo_xdp_drop "the driver did not count 1000 XDP drops" test "$d" -ge 1000
	show ip link set dev "$DUT" xdpdrv off
fi
dut_unload
