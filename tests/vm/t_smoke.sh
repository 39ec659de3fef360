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

# Outside any test, with errexit on: a setup that fails ends the suite, and
# every test after it counts as not reported.
net_setup "$E1K_DRIVER"
dut_ready() {
	carrier_up "$DUT"
	ip -br addr show dev "$DUT" | grep -q " $DUT_IP4/24 "
	in_peer ip -br addr show dev "$PEER_IF" | grep -q " $PEER_IP4/24 "
}
check net_setup "the DUT ($E1K_DRIVER) or the peer is not up with its address" dut_ready

# The instruments vm-run.sh boots with are live, so that a clean kernel log
# means what it says: the DUT's PCI function is translated by the IOMMU in
# strict mode (domain type "DMA"; "DMA-FQ" would unmap lazily and let a late
# DMA through, "identity" would not translate at all), slab objects are
# poisoned and red-zoned, and on 6.12 KFENCE samples allocations.
instruments_ok() {
	[ "${E1K_INSTRUMENTS:-1}" = 1 ] || { echo "booted with --no-instruments" >&2; return 1; }
	_fn=$(basename "$(readlink -f "/sys/class/net/$DUT/device")")
	_grp=/sys/bus/pci/devices/$_fn/iommu_group
	[ -e "$_grp/type" ] || { echo "$DUT ($_fn) is behind no IOMMU" >&2; return 1; }
	_type=$(cat "$_grp/type")
	[ "$_type" = DMA ] || { echo "$DUT ($_fn): IOMMU domain type $_type, want DMA (strict)" >&2; return 1; }
	grep -qw 'page_poison=1' /proc/cmdline || { echo "no page_poison=1 on the command line" >&2; return 1; }
	grep -qw 'slub_debug=FZPU' /proc/cmdline || { echo "no slub_debug=FZPU on the command line" >&2; return 1; }
	# slub_debug took: a kmalloc cache poisons and red-zones its objects.
	for _f in poison red_zone sanity_checks store_user; do
		[ "$(cat "/sys/kernel/slab/kmalloc-512/$_f")" = 1 ] ||
			{ echo "kmalloc-512: $_f is off" >&2; return 1; }
	done
	case "$E1K_KVER" in
	6.1.*) ;; # Debian's 6.1 is built without KFENCE
	*)
		_iv=$(cat /sys/module/kfence/parameters/sample_interval 2>/dev/null) ||
			{ echo "no KFENCE in this kernel" >&2; return 1; }
		[ "$_iv" -gt 0 ] || { echo "KFENCE is off (sample_interval $_iv)" >&2; return 1; }
		;;
	esac
}
check instruments_live "an instrument is off (IOMMU strict, poisoning, KFENCE)" instruments_ok

# Our driver says the project's version (VERSION) to modinfo and ethtool -i.
version_ok() {
	_v=$(ethtool -i "$DUT" | sed -n 's/^version: //p')
	[ "$_v" = "$E1K_VERSION" ] || { echo "ethtool -i: version '$_v', want $E1K_VERSION" >&2; return 1; }
	_v=$(cat /sys/module/e1k_xdp/version)
	[ "$_v" = "$E1K_VERSION" ] || { echo "module version '$_v', want $E1K_VERSION" >&2; return 1; }
}
if [ "$E1K_DRIVER" = e1k_xdp ]; then
	check driver_version "the driver does not report the release" version_ok
fi

# The first ping of each direction resolves ARP or ND on the way.
check ping4_peer_to_dut "IPv4 echo requests to the DUT not all answered" \
	ping_all peer 3 "$DUT_IP4"
check ping4_dut_to_peer "IPv4 echo requests to the peer not all answered" \
	ping_all dut 3 "$PEER_IP4"
check ping6_peer_to_dut "IPv6 echo requests to the DUT not all answered" \
	ping_all peer 3 "$DUT_IP6" -6
check ping6_dut_to_peer "IPv6 echo requests to the peer not all answered" \
	ping_all dut 3 "$PEER_IP6" -6

dut_unload
