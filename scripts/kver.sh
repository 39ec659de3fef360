#!/usr/bin/env bash
# Resolve a kernel selector to an installed kernel release.
#   kver.sh            newest installed 6.1 kernel (the default target)
#   kver.sh 6.12       newest installed 6.12 kernel
#   kver.sh 6.1.0-56-amd64   that exact release, if installed
# A kernel counts as installed when /boot has its image and
# /lib/modules/<release>/build has its headers.
set -euo pipefail

want=${1:-6.1}
best=""
for img in /boot/vmlinuz-*; do
	[ -e "$img" ] || continue
	rel=${img#/boot/vmlinuz-}
	[ -d "/lib/modules/$rel/build" ] || continue
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
	echo "kver.sh: no installed kernel matches '$want' (image in /boot and headers in /lib/modules); run scripts/deps.sh" >&2
	exit 1
fi
echo "$best"
