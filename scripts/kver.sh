#!/usr/bin/env bash
# Resolve a kernel selector to an installed kernel release.
#   kver.sh            newest installed 6.1 kernel (the default target)
#   kver.sh 6.12       newest installed 6.12 kernel
#   kver.sh 6.1.0-56-amd64   that exact release, if installed
# A kernel counts as installed when /boot has its image and
# /lib/modules/<release>/build has its headers. E1K_KERNEL_ROOT names
# another directory laid out the same way, for a kernel that is not the
# host's (the debug kernel of scripts/debug-kernel.sh); default /.
set -euo pipefail

want=${1:-6.1}
root=${E1K_KERNEL_ROOT:-}
best=""
for img in "$root"/boot/vmlinuz-*; do
	[ -e "$img" ] || continue
	rel=${img#"$root"/boot/vmlinuz-}
	[ -d "$root/lib/modules/$rel/build" ] || continue
	case "$rel" in
	"$want") best=$rel; break ;;
	"$want".*) ;;
	*) continue ;;
	esac
	if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best" "$rel" | sort -V | tail -n1)" = "$rel" ]; then
		best=$rel
	fi
done

if [ -z "$best" ]; then
	echo "kver.sh: no installed kernel matches '$want' (image in ${root:-}/boot and headers in ${root:-}/lib/modules); run scripts/deps.sh" >&2
	exit 1
fi
echo "$best"
