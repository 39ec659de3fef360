#!/usr/bin/env bash
# The packages on this machine, as an operator gets them (make check runs
# this; it needs root):
#   pkg-test.sh install DEBDIR ROOT   install the packages of DEBDIR (make
#                                     deb's), check what they put in place,
#                                     and copy it to ROOT for the VMs
#   pkg-test.sh purge                 purge them, and check nothing is left
# One "PASS host/NAME" / "FAIL host/NAME: reason" line per test. The purge
# removes e1k-xdp packages a machine had before, too.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
version=$(cat "$top/VERSION")
pkgs=(e1k-xdp-dkms e1k-xdp-tools)
log=$top/build/pkg-test.log

pass() { echo "PASS host/$1"; }
fail() { echo "FAIL host/$1: $2"; }
# result NAME REASON CMD...: PASS when CMD succeeds, else FAIL with REASON
# and the first line CMD printed on stderr.
result() {
	local name=$1 reason=$2 err
	shift 2
	if err=$("$@" 2>&1 >/dev/null); then
		pass "$name"
	else
		fail "$name" "$reason${err:+ (${err%%$'\n'*})}"
	fi
}

# The kernels DKMS is to build for: every one installed with its headers.
kernels() {
	local b
	for b in /lib/modules/*/build; do
		[ -d "$b" ] || continue
		b=${b%/build}
		echo "${b#/lib/modules/}"
	done
}
# module_of KERNEL: the module DKMS installed for KERNEL.
module_of() { compgen -G "/lib/modules/$1/updates/dkms/e1k_xdp.ko*" | head -n 1; }

dkms_built_everywhere() {
	local k n=0 status
	for k in $(kernels); do
		status=$(dkms status -m e1k-xdp -v "$version" -k "$k")
		case "$status" in
		*": installed"*) ;;
		*) echo "dkms status for $k: '${status:-nothing}'" >&2; return 1 ;;
		esac
		[ -n "$(module_of "$k")" ] || { echo "no module in /lib/modules/$k/updates/dkms" >&2; return 1; }
		n=$((n + 1))
	done
	[ "$n" -ge 1 ] || { echo "no kernel with headers" >&2; return 1; }
}

# One version everywhere: the modules' modinfo, the loader's --version,
# the packages' own.
versions_agree() {
	local k v
	for k in $(kernels); do
		v=$(modinfo -F version "$(module_of "$k")")
		[ "$v" = "$version" ] || { echo "module for $k: version '$v', want $version" >&2; return 1; }
	done
	v=$(/usr/sbin/e1k-xdp-loader --version)
	[ "$v" = "e1k-xdp-loader $version" ] || { echo "loader: '$v'" >&2; return 1; }
	for p in "${pkgs[@]}"; do
		v=$(dpkg-query -W -f='${Version}' "$p")
		[ "$v" = "$version" ] || { echo "$p: version '$v'" >&2; return 1; }
	done
}

# The modprobe.d aliases name exactly the devices the module drives, and
# resolve to e1k_xdp alone (the kernel's e1000 claims them too).
aliases_win() {
	local k mod want have a resolved
	k=$(kernels | tail -n 1)
	mod=$(module_of "$k")
	want=$(modinfo -F alias "$mod" | sort)
	have=$(sed -n 's/^alias \([^ ]*\) e1k_xdp$/\1/p' /lib/modprobe.d/e1k-xdp.conf | sort)
	[ "$want" = "$have" ] || { echo "modprobe.d aliases '$have', module's '$want'" >&2; return 1; }
	while read -r a; do
		# A device's modalias, as udev asks modprobe for it.
		a=${a//\*/0}
		resolved=$(modprobe -S "$k" -R "$a" | sort | tr '\n' ' ')
		[ "$resolved" = "e1k_xdp " ] || { echo "$a resolves to '$resolved'" >&2; return 1; }
	done <<<"$want"
}

# A kernel installed after the packages gets the module: what a kernel
# package's postinst runs (/etc/kernel/postinst.d/dkms) builds it, for the
# oldest kernel here, whose module is removed first.
new_kernel_gets_module() {
	local k
	k=$(kernels | sort -V | head -n 1)
	dkms remove -m e1k-xdp -v "$version" -k "$k" >>"$log" 2>&1
	[ -z "$(module_of "$k")" ] || { echo "dkms remove left $(module_of "$k")" >&2; return 1; }
	/etc/kernel/postinst.d/dkms "$k" >>"$log" 2>&1
	case "$(dkms status -m e1k-xdp -v "$version" -k "$k")" in
	*": installed"*) ;;
	*) echo "after the kernel hook for $k: '$(dkms status -m e1k-xdp -k "$k")'" >&2; return 1 ;;
	esac
	[ "$(modinfo -F version "$(module_of "$k")")" = "$version" ] ||
		{ echo "the module the hook built for $k is not version $version" >&2; return 1; }
}

unit_verifies() {
	local out
	out=$(systemd-analyze verify /lib/systemd/system/e1k-xdp@.service 2>&1) || {
		echo "$out" >&2
		return 1
	}
	[ -z "$out" ] || { echo "$out" >&2; return 1; }
}

# snapshot ROOT: the installed files, at their paths under ROOT, for the
# VMs (the purge may run while they boot).
snapshot() {
	local root=$1 f k
	rm -rf "$root"
	mkdir -p "$root"
	for f in $(dpkg -L "${pkgs[@]}"); do
		if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
		mkdir -p "$root$(dirname "$f")"
		cp -p "$f" "$root$f"
	done
	for k in $(kernels); do
		f=$(module_of "$k")
		mkdir -p "$root$(dirname "$f")"
		cp -p "$f" "$root$f"
	done
}

do_install() {
	local debdir=$1 root=$2 debs=()
	for p in "${pkgs[@]}"; do
		debs+=("$(compgen -G "$debdir/${p}_${version}_*.deb" | head -n 1)")
	done
	: >"$log"
	if ! DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}" >>"$log" 2>&1; then
		fail pkg_install "dpkg -i failed; tail of build/pkg-test.log: $(tail -n 1 "$log")"
		return 1
	fi
	pass pkg_install
	result pkg_dkms_every_kernel "DKMS did not build e1k_xdp for every kernel" dkms_built_everywhere
	result pkg_dkms_new_kernel "the kernel hook did not build e1k_xdp for a kernel" new_kernel_gets_module
	result pkg_one_version "the version is not the same everywhere" versions_agree
	result pkg_modprobe_aliases "the modprobe.d aliases do not give the devices to e1k_xdp" aliases_win
	result pkg_unit_verifies "systemd-analyze verify found fault with e1k-xdp@.service" unit_verifies
	snapshot "$root"
}

# Nothing of the packages is left: no file they had, no DKMS module or
# tree, no alias, no configuration, no package state.
nothing_left() {
	local f k left=()
	while read -r f; do
		[ ! -e "$f" ] || left+=("$f")
	done <"$top/build/pkg-files.txt"
	for k in $(kernels); do
		[ -z "$(module_of "$k")" ] || left+=("$(module_of "$k")")
	done
	for f in /var/lib/dkms/e1k-xdp /usr/src/e1k-xdp-"$version" /lib/modprobe.d/e1k-xdp.conf /etc/e1k-xdp; do
		[ ! -e "$f" ] || left+=("$f")
	done
	[ ${#left[@]} -eq 0 ] || { echo "left: ${left[*]}" >&2; return 1; }
	[ -z "$(dkms status -m e1k-xdp)" ] || { echo "dkms status: $(dkms status -m e1k-xdp)" >&2; return 1; }
	! modprobe -c | grep -q e1k_xdp || { echo "modprobe -c still names e1k_xdp" >&2; return 1; }
	for p in "${pkgs[@]}"; do
		! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv not-installed ||
			{ echo "$p: dpkg status $(dpkg-query -W -f='${db:Status-Abbrev}' "$p")" >&2; return 1; }
	done
	# dpkg -S: none of their paths is owned by a package of theirs.
	if [ -s "$top/build/pkg-files.txt" ] &&
		xargs -d '\n' dpkg -S <"$top/build/pkg-files.txt" 2>/dev/null | grep -q '^e1k-xdp'; then
		echo "dpkg -S still finds files of e1k-xdp" >&2
		return 1
	fi
}

do_purge() {
	local installed=()
	for p in "${pkgs[@]}"; do
		if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv not-installed; then
			installed+=("$p")
		fi
	done
	dpkg -L "${installed[@]}" 2>/dev/null | while read -r f; do
		[ -d "$f" ] || echo "$f"
	done >"$top/build/pkg-files.txt"
	if [ ${#installed[@]} -gt 0 ] &&
		! DEBIAN_FRONTEND=noninteractive dpkg --purge "${installed[@]}" >>"$log" 2>&1; then
		fail pkg_purge "dpkg --purge failed; tail of build/pkg-test.log: $(tail -n 1 "$log")"
		return 1
	fi
	result pkg_purge "purging left something behind" nothing_left
}

case "${1:-}" in
install) do_install "${2:?DEBDIR}" "${3:?ROOT}" ;;
purge) do_purge ;;
*)
	echo "usage: pkg-test.sh install DEBDIR ROOT | purge" >&2
	exit 2
	;;
esac
