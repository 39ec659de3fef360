#!/usr/bin/env bash
# Build a debug kernel once and cache it, for `make check-debug`.
#   debug-kernel.sh [SERIES]      SERIES: 6.12 (default) or 6.1
# Source: Debian's own linux-source-SERIES. Configuration: Debian's
# cloud-amd64 flavour (made for virtual machines), trimmed with
# localmodconfig to the modules the test bed loads (scripts/mkinitramfs.sh)
# and their dependencies, plus scripts/debug-kernel.config. The tree is kept
# under $E1K_CACHE (/var/cache/e1k-xdp) in a directory named for the source
# package version and a hash of the configuration inputs, so a rebuild
# happens only when one of them changes; a cached kernel is found in
# seconds. Prints the tree's path on stdout, progress on stderr; the kernel
# itself, its configuration and its modules are under TREE/e1k-root, laid
# out as E1K_KERNEL_ROOT wants them (scripts/kver.sh).
set -euo pipefail

series=${1:-6.12}
here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug-kernel.config
cache=${E1K_CACHE:-/var/cache/e1k-xdp}
src=/usr/src/linux-source-$series.tar.xz
base=/usr/src/linux-config-$series/config.amd64_none_cloud-amd64.xz
for f in "$src" "$base"; do
	[ -f "$f" ] || { echo "debug-kernel.sh: no $f: run scripts/deps.sh debug $series" >&2; exit 1; }
done

ver=$(dpkg-query -W -f='${Version}' "linux-source-$series")
# The modules the bed loads, from mkinitramfs.sh's list (one place).
mods=$(sed -n 's/^modules=(\(.*\))$/\1/p' "$here/mkinitramfs.sh")
[ -n "$mods" ] || { echo "debug-kernel.sh: no modules=(...) line in mkinitramfs.sh" >&2; exit 1; }
# Bump recipe when configure() below changes what it produces.
recipe=1
key=$({ echo "$recipe $ver"; echo "$mods"; cat "$frag"; } | sha256sum | cut -c1-12)
tree=$cache/linux-$series-$ver-$key
if [ -f "$tree/.e1k-built" ]; then
	echo "$tree"
	exit 0
fi

configure() {
	rm -rf "$tree"
	mkdir -p "$tree"
	say "unpacking linux-source-$series $ver"
	tar -xf "$src" -C "$tree" --strip-components=1

	# lsmod's format, for localmodconfig: each module the bed loads and what it
	# depends on, as the distribution kernel of this series builds them.
	rel=$("$here/kver.sh" "$series")
	lsmod_file=$tree/e1k-lsmod
	echo "Module Size Used by" >"$lsmod_file"
	read -r -a todo <<<"$mods"
	seen=" "
	while [ ${#todo[@]} -gt 0 ]; do
		m=${todo[0]}
		todo=("${todo[@]:1}")
		case "$seen" in *" $m "*) continue ;; esac
		seen="$seen$m "
		echo "$m 0 0" >>"$lsmod_file"
		read -r -a deps <<<"$(modinfo -k "$rel" -F depends "$m" 2>/dev/null | tr ',' ' ')"
		todo+=("${deps[@]}")
	done
	say "modules kept:$seen"

	cd "$tree"
	xz -dc "$base" >.config
	make -s LSMOD="$lsmod_file" localmodconfig </dev/null >/dev/null 2>&1
	scripts/kconfig/merge_config.sh -m .config "$frag" >/dev/null
	make -s olddefconfig >/dev/null
	# Every option of the fragment must have survived its dependencies.
	missing=
	while IFS= read -r line; do
		case "$line" in "#"* | "") continue ;; esac
		opt=${line%%=*} want=${line#*=}
		if [ "$want" = n ]; then
			grep -qx "$opt=y" .config && missing="$missing $opt=y(want n)"
		else
			grep -qx "$opt=$want" .config || missing="$missing $line"
		fi
	done <"$frag"
	[ -z "$missing" ] || { echo "debug-kernel.sh: the configuration lost:$missing" >&2; exit 1; }
}

say() { echo "debug-kernel: $*" >&2; }
start=$(date +%s)
mkdir -p "$cache"
# A tree without the marker is a build that did not finish, and it is
# started again from the source: kbuild's recipes are not atomic, and a
# killed build leaves objects its .cmd files call done (seen: a
# bpf_jit_comp.o deleted under a .cmd that claimed it, and cgroup.o
# without its export CRCs, so the link failed after an hour).
# Trees of this series built from other inputs are of no more use (each
# takes about 2 GB).
for old in "$cache/linux-$series-"*; do
	if [ -d "$old" ] && [ "$old" != "$tree" ]; then
		say "removing the outdated $old"
		rm -rf "$old"
	fi
done
configure

jobs=$(nproc)
say "building (make -j$jobs bzImage modules); log: $tree/e1k-build.log"
total=$(grep -c '=y$' .config)
make -j"$jobs" bzImage modules >e1k-build.log 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	sleep 30
	done_n=$(grep -c '^  CC ' e1k-build.log || true)
	say "$(( $(date +%s) - start )) s, $done_n files compiled (configuration has $total built-in options)"
done
wait "$pid" || { tail -n 30 e1k-build.log >&2; echo "debug-kernel.sh: build failed (log above)" >&2; exit 1; }

# The kernel root the bed takes it from (E1K_KERNEL_ROOT, see kver.sh):
# boot/vmlinuz-REL, boot/config-REL, lib/modules/REL with its modules
# (stripped: the guest's initramfs carries them) and build -> this tree,
# for building e1k_xdp against it.
rel=$(cat include/config/kernel.release)
rm -rf e1k-root
mkdir -p e1k-root/boot
make -s INSTALL_MOD_PATH="$tree/e1k-root" INSTALL_MOD_STRIP=1 modules_install >>e1k-build.log 2>&1
cp arch/x86/boot/bzImage "e1k-root/boot/vmlinuz-$rel"
cp .config "e1k-root/boot/config-$rel"
ln -sfn "$tree" "e1k-root/lib/modules/$rel/build"
touch .e1k-built
say "built in $(( $(date +%s) - start )) s: $tree ($rel)"
echo "$tree"
