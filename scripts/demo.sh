#!/usr/bin/env bash
# `make demo`: build, boot the VM and show the product working end to end.
#   demo.sh [KERNEL]   (series or release; default 6.1)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
kernel=${1:-6.1}
rel=$("$here/kver.sh" "$kernel")

echo "== building e1k-xdp for $rel"
make -C "$top" --no-print-directory all KVER="$rel" >"$top/build-demo.log" 2>&1 || {
	tail -n 30 "$top/build-demo.log"
	exit 1
}
rm -f "$top/build-demo.log"
echo "== booting the test VM (QEMU, TCG) with kernel $rel"
"$here/vm-run.sh" --kver "$rel" --model e1000 --suites demo --timeout 300 \
	--out "$top/build/vm/demo" --live
