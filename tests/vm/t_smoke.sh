#!/bin/sh
# shellcheck shell=sh
# The test bed itself: the VM booted the expected kernel with both NICs, and
# the DUT passes IPv4 and IPv6 traffic in both directions.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

# PCI device ids QEMU gives each e1000-family model.
case "$E1K_MODEL" in
e1000) want_dev=0x100e ;;
e1000-82545em) want_dev=0x100f ;;
e1000-82544gc) want_dev=0x100c ;;
*) want_dev=unknown ;;
esac

boot_ok() {
	[ "$(uname -r)" = "$E1K_KVER" ] || { echo "kernel $(uname -r), want $E1K_KVER" >&2; return 1; }
	grep -qx "$want_dev" /sys/bus/pci/devices/*/device &&
		grep -qx 0x1000 /sys/bus/pci/devices/*/device   # virtio-net (transitional)
}
check boot "kernel or PCI devices not as expected" boot_ok

if ! net_setup "$E1K_DRIVER"; then
	fail net_setup "could not bring up DUT ($E1K_DRIVER) and peer"
	exit 0
fi
pass net_setup

check ping4_peer_to_dut "no IPv4 echo reply from DUT" \
	in_peer ping -c 3 -i 0.2 -W 2 "$DUT_IP4"
check ping4_dut_to_peer "no IPv4 echo reply from peer" \
	ping -c 3 -i 0.2 -W 2 "$PEER_IP4"
check ping6_peer_to_dut "no IPv6 echo reply from DUT" \
	in_peer ping -6 -c 3 -i 0.2 -W 2 "$DUT_IP6"
check ping6_dut_to_peer "no IPv6 echo reply from peer" \
	ping -6 -c 3 -i 0.2 -W 2 "$PEER_IP6"

dut_unload
