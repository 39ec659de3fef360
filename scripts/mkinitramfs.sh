#!/usr/bin/env bash
# Build the base initramfs of the test VM for one kernel:
#   mkinitramfs.sh KVER OUT.cpio.gz
# It holds busybox, the host's own networking tools with their shared
# libraries, and the kernel modules the test bed needs (virtio-net for the
# peer, pktgen, veth, 8021q, netconsole for a test of netpoll through the
# DUT, and the in-tree e1000 as the baseline). Our own build
# outputs and tests go into a second, per-run archive (see vm-run.sh), so this
# one is cached per kernel. The kernel's modules come from
# E1K_KERNEL_ROOT/lib/modules (see kver.sh; default /).
set -euo pipefail

kver=${1:?usage: mkinitramfs.sh KVER OUT.cpio.gz}
out=${2:?usage: mkinitramfs.sh KVER OUT.cpio.gz}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/stage-lib.sh
. "$here/stage-lib.sh"

# Tools called inside the guest by full path (busybox's shell would otherwise
# run its own applets first). kmod is the real modprobe/depmod (called
# through a link of that name), for the package suite's alias test:
# busybox's modprobe does not read modprobe.d the way udev's modprobe does.
host_tools=(
	/usr/sbin/ip /usr/sbin/tc /usr/sbin/bpftool /usr/sbin/ethtool
	/usr/bin/ping /usr/bin/iperf3 /usr/sbin/xdp-loader /usr/sbin/xdp-bench
	/usr/bin/nsenter /usr/bin/taskset /usr/bin/jq /usr/bin/setpriv
	/usr/bin/kmod
)
host_data=(
	/usr/lib/x86_64-linux-gnu/bpf/xdp-dispatcher.o
	/etc/protocols /etc/services
)
modules=(virtio_pci virtio_net e1000 pktgen veth 8021q netconsole)

stage=$(mktemp -d)
chmod 755 "$stage" # the guest's /: mktemp makes it 0700
trap 'rm -rf "$stage"' EXIT

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,lib64,proc,sys,dev,run,tmp,etc,mnt,root,var}
ln -s ../run "$stage/var/run"

cp /bin/busybox "$stage/bin/busybox"
for applet in $("$stage/bin/busybox" --list-full); do
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

for t in "${host_tools[@]}"; do
	rm -f "$stage$t"
	stage_with_libs "$stage" "$t"
done
for d in "${host_data[@]}"; do
	mkdir -p "$stage$(dirname "$d")"
	cp -L "$d" "$stage$d"
done

# Kernel modules with their dependencies, decompressed so busybox's modprobe
# can load them, then indexed with depmod.
root=${E1K_KERNEL_ROOT:-}
moddir=$root/lib/modules/$kver
modinfo=(modinfo -k "$kver")
# (-b / would make modinfo's paths start with //)
if [ -n "$root" ]; then modinfo+=(-b "$root"); fi
declare -A seen=()
add_module() {
	local name=$1 file dep
	[ -n "${seen[$name]:-}" ] && return 0
	seen[$name]=1
	file=$("${modinfo[@]}" -F filename "$name" 2>/dev/null) || {
		echo "mkinitramfs: module $name not found for $kver" >&2
		return 1
	}
	[ "$file" = "(builtin)" ] && return 0
	local rel=${file#"$moddir"/}
	local dst=$stage/lib/modules/$kver/$rel
	mkdir -p "$(dirname "$dst")"
	case "$file" in
	*.ko.xz) xz -dc "$file" >"${dst%.xz}" ;;
	*.ko.zst) zstd -qdc "$file" >"${dst%.zst}" ;;
	*.ko.gz) gzip -dc "$file" >"${dst%.gz}" ;;
	*) cp "$file" "$dst" ;;
	esac
	for dep in $("${modinfo[@]}" -F depends "$name" | tr ',' ' '); do
		add_module "$dep"
	done
}
for m in "${modules[@]}"; do
	add_module "$m"
done
cp "$moddir"/modules.{builtin,builtin.modinfo,order} "$stage/lib/modules/$kver/"
depmod -b "$stage" "$kver"

cp "$here/guest/init" "$stage/init"
chmod 755 "$stage/init"
# nobody: the tests check what our tools say to a user who is not root.
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
echo "e1k-vm" >"$stage/etc/hostname"

mkdir -p "$(dirname "$out")"
# A name of its own: two VMs of one kernel may start side by side
# (scripts/check.sh's lanes), each finding no image yet.
(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
