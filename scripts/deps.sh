#!/usr/bin/env bash
# Install everything the build, the VM test bed and the benchmarks need, from
# Debian's archive. Idempotent: when all is present it is a quick no-op.
#
# Kernels: the guest boots Debian's own kernels, so we need the 6.1 series
# (linux-image-amd64) and the newest 6.12 image from bookworm, each with its
# headers. ABI numbers are never hard-coded: we ask apt which exist.
#
#   deps.sh               what `make`, `make check`, `make deb` and the rest
#                         need (debhelper, dh-dkms and lintian build and
#                         check the packages; dkms builds the module when
#                         make check installs them; systemd's
#                         systemd-analyze checks the unit)
#   deps.sh debug SERIES  and what building the debug kernel of SERIES takes
#                         (make check-debug): Debian's kernel source and
#                         configuration, the kernel's build tools, pahole
#                         for its BTF
set -euo pipefail

packages=(
	qemu-system-x86
	linux-image-amd64 linux-headers-amd64
	clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev pkg-config libmnl-dev libxdp-dev
	busybox-static cpio kmod xz-utils zstd
	iproute2 iputils-ping iperf3 ethtool xdp-tools util-linux
	gnuplot-nox python3 shellcheck make gcc jq sparse strace
	debhelper dh-dkms dkms lintian dpkg-dev systemd
)
if [ "${1:-}" = debug ]; then
	series=${2:?usage: deps.sh debug SERIES}
	packages+=(
		"linux-source-$series" "linux-config-$series"
		bc bison flex libssl-dev pahole
	)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

have_612_kernel() {
	local v
	for v in /boot/vmlinuz-6.12.*; do
		[ -e "$v" ] || continue
		[ -d "/lib/modules/${v#/boot/vmlinuz-}/build" ] && return 0
	done
	return 1
}

if [ ${#missing[@]} -eq 0 ] && have_612_kernel; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages (${missing[*]:-6.12 kernel}); run as root to install them" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_update_once() {
	if [ "$apt_updated" -eq 0 ]; then
		apt-get update -qq
		apt_updated=1
	fi
}

if [ ${#missing[@]} -gt 0 ]; then
	apt_update_once
	echo "deps.sh: installing ${missing[*]}"
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! have_612_kernel; then
	apt_update_once
	# The newest 6.12 flavour "amd64" whose image and headers both exist.
	newest=""
	while read -r name; do
		abi=${name#linux-headers-}
		if apt-cache show "linux-image-$abi" >/dev/null 2>&1; then
			newest=$abi
		fi
	done < <(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
		awk '{print $1}' | sort -V)
	if [ -z "$newest" ]; then
		echo "deps.sh: no linux-image-6.12.*+deb12-amd64 with headers in the archive" >&2
		exit 1
	fi
	echo "deps.sh: installing kernel $newest"
	apt-get install -y -qq --no-install-recommends \
		"linux-image-$newest" "linux-headers-$newest"
fi
