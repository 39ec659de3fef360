#!/usr/bin/env bash
# Reproducer for the soft lockups a debug kernel reports while an AF_XDP
# zero-copy socket's UMEM is mapped or unmapped, on a starved host:
# "watchdog: BUG: soft lockup - CPU#N stuck for 22s! [e1k-xsk]" in xsk_bind
# -> xp_assign_dev -> e1k_xsk_pool_setup -> xsk_pool_dma_map -> xp_dma_map,
# and the same in a kworker at the unbind (xp_release_deferred ->
# e1k_xsk_pool_setup -> xp_dma_unmap -> __xp_dma_unmap).
#
#   repro-xsk-map-lockup.sh [--share PCT] [--frames N] [--series 6.1|6.12]
#                           [--timeout SEC]
#
# Where it lives: the core's xp_dma_map and __xp_dma_unmap
# (net/xdp/xsk_buff_pool.c, 6.12 and mainline alike) map and unmap the UMEM
# a page at a time with no point where the task may be rescheduled;
# e1k-xsk's UMEM is 4,096 pages. Each page is slow on the debug kernel
# because DMA-API debugging saves a stack trace for every mapping
# (dma_entry_alloc -> stack_trace_save, unwound under KASAN and TCG), and
# strict IOMMU mode flushes the IOTLB at every unmap. Measured with kprobes
# on xp_dma_map, three guests on the two cores: 0.12-0.14 s on Debian's
# 6.12 kernel, 3.6-3.7 s on the debug kernel (1,024 and 2,048 pages:
# 0.6-0.75 and 1.4-1.5 s). The watchdog reports a CPU that has not
# rescheduled for 20 s of guest time; under TCG guest time is the host's,
# so a guest given a tenth of the CPU it had gets there.
#
# Boots the debug kernel's guest (scripts/debug-kernel.sh builds it once,
# ~75 min, cached) with the xsk suite's xsk_zc_bind_no_link_flap (five
# binds of an N-page UMEM: --frames, default e1k-xsk's 4,096; the suite's
# own is 1,024, see XSK_FRAMES in tests/vm/t_xsk.sh), and while that test runs lets QEMU run only PCT % of each 100 ms
# (SIGSTOP / SIGCONT: unlike the monitor's "stop", the guest's clock goes
# on). Prints the guest's results and ends with "soft lockups N, binds N";
# exits 1 when the kernel reported anything (the reproduction), 0 when the
# log is clean. --share 100 runs it unthrottled.
# Default: --share 10 --frames 4096 --series 6.12.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

share=10 frames=4096 series=6.12 timeout_s=3600
while [ $# -gt 0 ]; do
	case "$1" in
	--share) share=$2; shift 2 ;;
	--frames) frames=$2; shift 2 ;;
	--series) series=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "repro-xsk-map-lockup.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
case "$share" in
[1-9] | [1-9][0-9] | 100) ;;
*) echo "repro-xsk-map-lockup.sh: --share is a percentage, 1 to 100, not '$share'" >&2; exit 2 ;;
esac
case "$frames" in
'' | *[!0-9]*) echo "repro-xsk-map-lockup.sh: --frames is a number of UMEM frames, not '$frames'" >&2; exit 2 ;;
esac

tree=$("$here/debug-kernel.sh" "$series")
export E1K_KERNEL_ROOT=$tree/e1k-root
release=$(cat "$tree/include/config/kernel.release")
make --no-print-directory -C "$top" all KVER="$release" >/dev/null
out=$top/build/vm/repro-xsk-map
mkdir -p "$out"
rm -f "$out/console.log"

"$here/vm-run.sh" --kver "$release" --model e1000 --smp 2 --ports 1 --suites xsk \
	--env E1K_ONLY=xsk_zc_bind_no_link_flap --env XSK_FRAMES="$frames" --timeout "$timeout_s" \
	--label repro/ --out "$out" >"$out.results" &
run=$!

# marked PATTERN: the guest's console has a line matching PATTERN.
marked() { grep -aq "$1" "$out/console.log" 2>/dev/null; }
# This guest's QEMU (not the timeout(1) that runs it).
qemu_pid() {
	ps -eo pid=,comm=,args= |
		awk -v f="file:$out/console.log" '$2 ~ /^qemu-system/ && index($0, f) { print $1; exit }'
}

while kill -0 "$run" 2>/dev/null && ! marked 'e1k-mark: test xsk_zc_bind_no_link_flap'; do
	sleep 1
done
q=$(qemu_pid)
if [ "$share" -lt 100 ] && [ -n "$q" ]; then
	echo "=== the test started: QEMU ($q) runs $share % of each 100 ms until it ends" >&2
	on=$(printf '0.%03d' "$share")
	off=$(printf '0.%03d' $((100 - share)))
	while kill -0 "$q" 2>/dev/null && ! marked 'e1k-mark: suite end'; do
		kill -STOP "$q" 2>/dev/null || break
		sleep "$off"
		kill -CONT "$q" 2>/dev/null || break
		sleep "$on"
	done
	kill -CONT "$q" 2>/dev/null || true
fi
rc=0
wait "$run" || rc=$?
cat "$out.results"
lockups=$(grep -ac 'soft lockup' "$out/console.log" || true)
binds=$(grep -ac 'AF_XDP zero-copy socket bound' "$out/console.log" || true)
echo "soft lockups $lockups, binds $binds (share $share %, $frames-page UMEM, $release)"
grep -q '^PASS repro/kernel_log' "$out.results" || exit 1
[ "$rc" -eq 0 ] || echo "(the guest's tests failed, the kernel log is clean)" >&2
exit 0
