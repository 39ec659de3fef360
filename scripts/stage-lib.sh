# shellcheck shell=bash
# Shared by the initramfs builders: copy a file into a staging tree at the
# same path, with the shared libraries it needs (as ldd reports them).
# Usage: stage_with_libs STAGE_DIR FILE [DEST_PATH]
stage_with_libs() {
	local stage=$1 f=$2 dest=${3:-$2} lib
	mkdir -p "$stage$(dirname "$dest")"
	cp -L "$f" "$stage$dest"
	# ldd prints "name => /path (addr)", or "/path (addr)" for the loader.
	for lib in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do
		if [ ! -e "$stage$lib" ]; then
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		fi
	done
}
