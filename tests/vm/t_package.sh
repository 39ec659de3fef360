#!/bin/sh
# shellcheck shell=sh
# The packages as installed, in a guest booted with what they put on the
# build machine (vm-run.sh --installed: the module DKMS built for this
# kernel, the packaged loader and programs, the packages' other files under
# /opt/e1k/pkg): one version everywhere, and the modprobe.d aliases giving
# the 8254x ports to e1k_xdp, not to the kernel's e1000, when modprobe is
# asked for a device's modalias as udev asks at boot.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

PKG=$E1K/pkg
L=$E1K/bin/e1k-xdp-loader
KV=$(uname -r)
# kmod's modprobe and depmod (busybox's do not read modprobe.d as udev's
# modprobe does): kmod runs as the tool its name says.
KMOD=/tmp/kmod
mkdir -p $KMOD
ln -sf /usr/bin/kmod $KMOD/modprobe
ln -sf /usr/bin/kmod $KMOD/depmod
ln -sf /usr/bin/kmod $KMOD/modinfo

installed_run() {
	[ "${E1K_INSTALLED:-0}" = 1 ] || { echo "not booted with vm-run.sh --installed" >&2; return 1; }
	[ -f "$PKG/lib/modprobe.d/e1k-xdp.conf" ] || { echo "no packaged modprobe.d file" >&2; return 1; }
}
check package_installed_files "the guest does not run the packages' files" installed_run

# The release, the same in the module, the driver's ethtool -i and the
# packaged loader (no commit id: a package is a release).
versions() {
	_v=$($KMOD/modinfo -F version "$E1K/driver/e1k_xdp.ko")
	[ "$_v" = "$E1K_VERSION" ] || { echo "modinfo: '$_v', want $E1K_VERSION" >&2; return 1; }
	_v=$($L --version)
	[ "$_v" = "e1k-xdp-loader $E1K_VERSION" ] || { echo "loader: '$_v'" >&2; return 1; }
}
check package_versions "the packaged module or loader does not say the release" versions

# The DUT's PCI function, found by its device id (nothing is bound to it).
case "$E1K_MODEL" in
e1000) DEV_ID=0x100e ;;
e1000-82545em) DEV_ID=0x100f ;;
*) DEV_ID=0x100c ;;
esac
dut_function() {
	for _d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$_d/vendor")" = 0x8086 ] && [ "$(cat "$_d/device")" = "$DEV_ID" ]; then
			echo "$_d"
			return 0
		fi
	done
	return 1
}
FN=$(dut_function)
ALIAS=$(cat "$FN/modalias")

# The module and the aliases put where the packages put them; modules.dep
# made again with it.
install_like_package() {
	mkdir -p "/lib/modules/$KV/updates/dkms"
	cp "$E1K/driver/e1k_xdp.ko" "/lib/modules/$KV/updates/dkms/"
	mkdir -p /lib/modprobe.d
	cp "$PKG/lib/modprobe.d/e1k-xdp.conf" /lib/modprobe.d/
	$KMOD/depmod -a
}
uninstall_like_package() {
	rm -f /lib/modprobe.d/e1k-xdp.conf "/lib/modules/$KV/updates/dkms/e1k_xdp.ko"
	$KMOD/depmod -a
}
# bound_to: the driver of the DUT's function, or nothing.
bound_to() { [ -e "$FN/driver" ] && basename "$(readlink "$FN/driver")"; }

aliases_give_e1k_xdp() {
	install_like_package
	_r=$($KMOD/modprobe -R "$ALIAS" | tr '\n' ' ')
	[ "$_r" = "e1k_xdp " ] || { echo "$ALIAS resolves to '$_r', want e1k_xdp alone" >&2; return 1; }
	$KMOD/modprobe "$ALIAS"
	wait_for 10 sh -c "[ -e $FN/driver ]"
	_d=$(bound_to)
	[ "$_d" = e1k_xdp ] || { echo "the DUT is bound to '$_d'" >&2; return 1; }
	[ ! -e /sys/module/e1000 ] || { echo "e1000 was loaded too" >&2; return 1; }
	rmmod e1k_xdp
}
check package_modprobe_gives_e1k_xdp "modprobe of the DUT's modalias did not load e1k_xdp alone" \
	aliases_give_e1k_xdp

# And it is the file that does it: without it both modules claim the
# device (the test above would fail).
aliases_are_the_file() {
	install_like_package
	rm -f /lib/modprobe.d/e1k-xdp.conf
	_r=$($KMOD/modprobe -R "$ALIAS" | sort | tr '\n' ' ')
	[ "$_r" = "e1000 e1k_xdp " ] || { echo "without the file $ALIAS resolves to '$_r'" >&2; return 1; }
}
check package_modprobe_file_decides "without the modprobe.d file the alias did not go to both drivers" \
	aliases_are_the_file

uninstall_like_package
rm -rf $KMOD
