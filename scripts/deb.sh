#!/usr/bin/env bash
# Build the Debian packages (make deb):
#   deb.sh [OUTDIR]       default build/deb
# The tree's tracked files are copied to OUTDIR/e1k-xdp-VERSION, with a
# debian/changelog written from VERSION (the one place the version is
# kept); dpkg-buildpackage builds e1k-xdp-dkms and e1k-xdp-tools from
# there into OUTDIR, and lintian checks them: any error fails the build,
# and so does any warning (the packages are kept free of both).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:-$top/build/deb}
version=$(cat "$top/VERSION")
src=$out/e1k-xdp-$version
maintainer=$(sed -n 's/^Maintainer: //p' "$top/debian/control")

rm -rf "$out"
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z | xargs -0 cp --parents -t "$src")
	when=$(git -C "$top" log -1 --format=%ct)
	what="built from git $(git -C "$top" rev-parse --short HEAD)"
else
	# A tree without git (an unpacked tarball): everything but build/.
	(cd "$top" && find . -mindepth 1 -maxdepth 1 ! -name build ! -name .git -exec cp -r -t "$src" {} +)
	when=${SOURCE_DATE_EPOCH:-$(date +%s)}
	what="built from a tree without git"
fi
cat >"$src/debian/changelog" <<CHANGELOG
e1k-xdp ($version) unstable; urgency=medium

  * Release $version ($what).

 -- $maintainer  $(LC_ALL=C date -u -R -d "@$when")
CHANGELOG

# Reproducible: the file times in the packages are those of the release.
export SOURCE_DATE_EPOCH=$when
(cd "$src" && dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1 || {
	echo "deb.sh: dpkg-buildpackage failed; tail of $out/build.log:" >&2
	tail -n 30 "$out/build.log" >&2
	exit 1
}
changes=$out/e1k-xdp_${version}_$(dpkg --print-architecture).changes
lintian --fail-on error,warning --info "$changes" >"$out/lintian.log" 2>&1 || {
	echo "deb.sh: lintian found errors or warnings ($out/lintian.log):" >&2
	grep -E '^[EW]: ' "$out/lintian.log" >&2 || tail -n 20 "$out/lintian.log" >&2
	exit 1
}
ls "$out"/*.deb
