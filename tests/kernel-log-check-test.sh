#!/usr/bin/env bash
# Self-test of scripts/kernel-log-check.sh (`make check` runs it as
# host/log_check): each sample report line below, alone in a kernel log,
# must fail the check and be printed; the clean log (the lines of an
# instrumented 6.1 and 6.12 boot that come closest to a report) must pass;
# an expected report passes only inside its test's kmsg_expect window.
# The DMAR lines are the ones Debian's 6.1 and 6.12 print (pr_fmt "DMAR: "
# and dmar_fault_do_one() in drivers/iommu/intel/dmar.c: the same format in
# both), the first two as a guest printed them when its e1000 model read a
# descriptor at an IOVA nobody had mapped. Prints the failed cases; exits 1
# if any.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
check=$here/../scripts/kernel-log-check.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One report a line, each with the printk timestamp the console has.
read -r -d '' reports <<'EOF_REPORTS' || true
[   17.037698] DMAR: DRHD: handling fault status reg 2
[   17.038081] DMAR: [DMA Read NO_PASID] Request device [00:01.0] fault addr 0x1000 [fault reason 0x06] PTE Read access is not set
[   17.038081] DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0xffffe000 [fault reason 0x05] PTE Write access is not set
[   17.038081] DMAR: [DMA Read PASID 0x1] Request device [00:01.0] fault addr 0xfff00000 [fault reason 0x02] Present bit in context entry is clear
[   17.038081] DMAR: [INTR-REMAP] Request device [00:01.0] fault index 0x2 [fault reason 0x25] Present field in the IRTE entry is clear
[   40.100000] BUG: KFENCE: out-of-bounds read in e1k_clean_rx_irq+0x1d2/0x6b0 [e1k_xdp]
[   40.100000] BUG: KFENCE: use-after-free write in e1k_xdp_xmit_back+0x52/0x1a0 [e1k_xdp]
[   40.100000] BUG: KFENCE: memory corruption in kfree+0x7b/0x340
[   40.100000] BUG: KFENCE: invalid free in e1k_free_tx_resources+0x40/0x90 [e1k_xdp]
[   40.100000] Corrupted memory at 0x000000004ac3b2e1 [ 0xac . . . . . . . . ] (in kfence-#59):
[   41.200000] BUG: Bad page state in process ksoftirqd/0  pfn:0a1b2
[   41.200000] BUG: Bad page map in process iperf3  pte:8000000012345067 pmd:0a1b2067
[   41.200000] page dumped because: page_pool leak
[   42.300000] pagealloc: single bit error
[   42.300000] pagealloc: memory corruption
[   42.300000] page dumped because: pagealloc: corrupted page details
[   43.400000] BUG kmalloc-512 (Tainted: G    B      OE     ): Poison overwritten
[   43.400000] BUG skbuff_head_cache (Not tainted): Redzone overwritten
[   43.400000] BUG kmalloc-64 (Not tainted): Object already free
[   43.400000] [Poison overwritten] 0xffff888004a1c000-0xffff888004a1c03f @offset=0. First byte 0x0 instead of 0x6b
[   43.400000] FIX kmalloc-512: Restoring Poison 0xffff888004a1c000-0xffff888004a1c03f=0x6b
[   44.500000] traps: PANIC: double fault, error_code: 0x0
[   44.500000] Kernel panic - not syncing: Fatal exception in interrupt
[   45.600000] list_add corruption. next->prev should be prev (ffff888003f1a0c8), but was 0000000000000000. (next=ffff888003f1a0c8).
[   45.600000] stack-protector: Kernel stack is corrupted in: e1k_poll+0x6f2/0x700 [e1k_xdp]
[   46.700000] ------------[ cut here ]------------
[   46.700000] WARNING: CPU: 1 PID: 0 at net/core/page_pool.c:1108 page_pool_put_defragged_page+0x2a/0x40
[   46.700000] BUG: kernel NULL pointer dereference, address: 0000000000000008
[   46.700000] Oops: 0000 [#1] PREEMPT SMP NOPTI
[   46.700000] e1k_xdp 0000:00:01.0 eth0: tx timeout, resetting the device
EOF_REPORTS

# An instrumented boot's own lines: none is a report.
read -r -d '' clean <<'EOF_CLEAN' || true
[    0.000000] Command line: console=ttyS0 panic=-1 nokaslr net.ifnames=0 intel_iommu=on iommu.strict=1 page_poison=1 slub_debug=FZPU kfence.sample_interval=100
[    0.053534] ACPI: DMAR 0x000000003FFE22FA 000078 (v01 BOCHS  BXPC     00000001 BXPC 00000001)
[    0.053796] ACPI: Reserving DMAR table memory at [mem 0x3ffe22fa-0x3ffe2371]
[    0.138397] Kernel command line: console=ttyS0 panic=-1 nokaslr net.ifnames=0 intel_iommu=on iommu.strict=1 page_poison=1 slub_debug=FZPU kfence.sample_interval=100
[    0.140400] DMAR: IOMMU enabled
[    0.141483] mem auto-init: SLAB_POISON will take precedence over init_on_alloc/init_on_free
[    0.165417] mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and init_on_free
[    1.114545] ** This system shows unhashed kernel memory addresses   **
[    1.114571] ** If you see this message and you are not debugging    **
[    1.371281] kfence: initialized - using 2097152 bytes for 255 objects at 0xff1100003dd00000-0xff1100003df00000
[    1.431126] DMAR: Host address width 39
[    1.431288] DMAR: DRHD base: 0x000000fed90000 flags: 0x0
[    1.433774] DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap d2008c22260206 ecap f42
[    4.442981] iommu: Default domain type: Translated
[    4.442981] iommu: DMA domain TLB invalidation policy: strict mode (set via kernel command line)
[    4.979133] DMAR: dmar0: Using Queued invalidation
[    5.016529] pci 0000:00:01.0: Adding to iommu group 1
[    5.086172] DMAR: Intel(R) Virtualization Technology for Directed I/O
[    5.173628] AMD-Vi: AMD IOMMUv2 functionality not available on this system - This is not a bug.
[    5.200000] PCI: Using host bridge windows from ACPI; if necessary, use "pci=nocrs" and report a bug
[    5.300000] RAS: Correctable Errors collector initialized.
[    6.000000] e1k_xdp: module verification failed: signature and/or required key missing - tainting kernel
[   12.108216] e1k_xdp 0000:00:01.0 eth0: Intel 8254x (100e) 52:54:00:e1:00:01, native XDP
[    3.500000] rcu: 	RCU lockdep checking is enabled.
[    9.100000] DMA-API: preallocated 65536 debug entries
[    9.100000] DMA-API: debugging enabled by kernel config
[   10.200000] kmemleak: Kernel memory leak detector initialized (mem pool available: 14424)
[   12.304003] e1k-mark: suite smoke
[   12.304003] e1k-mark: test instruments_live
EOF_CLEAN

failed=0
bad() { echo "$*"; failed=1; }

n=0
while IFS= read -r line; do
	n=$((n + 1))
	printf '%s\n' "$line" >"$tmp/report.log"
	if out=$("$check" "$tmp/report.log"); then
		bad "not caught: $line"
	elif [ "$out" != "[suite boot, test -] ${line#*] }" ]; then
		bad "caught but printed as '$out': $line"
	fi
done <<<"$reports"

printf '%s\n' "$clean" >"$tmp/clean.log"
out=$("$check" "$tmp/clean.log") || bad "clean boot log flagged: $(echo "$out" | head -n 1)"

# A provoked report is accepted inside its test's window, and only there.
cat >"$tmp/expect.log" <<'EOF_EXPECT'
[   50.000000] e1k-mark: suite driver_cycle
[   50.000000] e1k-mark: test drv_tx_timeout_reset
[   50.000000] e1k-mark: expect tx timeout|resetting the device
[   51.000000] e1k_xdp 0000:00:01.0 eth0: tx timeout, resetting the device
[   52.000000] e1k-mark: expect-end
EOF_EXPECT
"$check" "$tmp/expect.log" >/dev/null || bad "an expected report inside its window was flagged"
echo "[   53.000000] e1k_xdp 0000:00:01.0 eth0: tx timeout, resetting the device again" >>"$tmp/expect.log"
if "$check" "$tmp/expect.log" >/dev/null; then
	bad "a report after its window closed was not caught"
fi

# A window a test left open ends with the next test.
cat >"$tmp/expect-next.log" <<'EOF_NEXT'
[   55.000000] e1k-mark: test drv_tx_timeout_reset
[   55.000000] e1k-mark: expect tx timeout|resetting the device
[   56.000000] e1k-mark: test drv_reload_x20
[   56.000000] e1k_xdp 0000:00:01.0 eth0: tx timeout, resetting the device
EOF_NEXT
if "$check" "$tmp/expect-next.log" >/dev/null; then
	bad "a window stayed open into the next test"
fi

# The peer's tx watchdog that a reload under a flood may set off
# (PEER_TX_STALL in tests/vm/lib.sh) is accepted in its window; the DUT's
# own is not.
peer_stall=$(sed -n "s/^PEER_TX_STALL='\(.*\)'\$/\1/p" "$here/vm/lib.sh")
[ -n "$peer_stall" ] || bad "no PEER_TX_STALL='...' line in tests/vm/lib.sh"
cat >"$tmp/expect-peer.log" <<EOF_PEER
[ 1100.000000] e1k-mark: test drv_reload_x20_flood
[ 1100.000000] e1k-mark: expect $peer_stall
[ 1147.548139] virtio_net virtio0 peer0: NETDEV WATCHDOG: CPU: 1: transmit queue 0 timed out 5704 ms
[ 1147.563975] virtio_net virtio0 peer0: TX timeout on queue: 0, sq: output.0, vq: 0x1, name: output.0, 5712000 usecs ago
EOF_PEER
"$check" "$tmp/expect-peer.log" >/dev/null || bad "the peer's tx watchdog in its window was flagged"
echo "[ 1150.000000] e1k_xdp 0000:00:01.0 eth0: NETDEV WATCHDOG: CPU: 1: transmit queue 0 timed out 5004 ms" \
	>>"$tmp/expect-peer.log"
if "$check" "$tmp/expect-peer.log" >/dev/null; then
	bad "the DUT's tx watchdog passed as the peer's"
fi

# The stack dump an expected line starts is part of it (a frame the
# unwinder could not name is a bare address); another one in the same
# window is not.
cat >"$tmp/expect-trace.log" <<'EOF_TRACE'
[   60.000000] e1k-mark: suite faults
[   60.000000] e1k-mark: test open_failslab
[   60.000000] e1k-mark: expect FAULT_INJECTION: forcing a failure|page allocation failure
[   60.100000] FAULT_INJECTION: forcing a failure.
[   60.100000] name failslab, interval 1, probability 0, space 0, times 0
[   60.100000] CPU: 1 UID: 0 PID: 311 Comm: e1k-fault-nth Tainted: G           OE      6.12.117-e1kdebug #1
[   60.100000] Tainted: [O]=OOT_MODULE, [E]=UNSIGNED_MODULE
[   60.100000] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
[   60.100000] Call Trace:
[   60.100000]  <TASK>
[   60.100000]  ? lockdep_hardirqs_on_prepare+0x27d/0x3f0
[   60.100000]  should_fail_ex+0x1b0/0x3a0
[   60.100000]  ? 0xffffffff81000000
[   60.100000]  ? lockdep_hardirqs_on_prepare+0x27d/0x3f0
[   60.100000]  e1k_probe+0x8f/0xf70 [e1k_xdp]
[   60.100000]  </TASK>
[   60.200000] ip: page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null),cpuset=/,mems_allowed=0
[   60.200000] CPU: 1 UID: 0 PID: 311 Comm: e1k-fault-nth Not tainted 6.12.117-e1kdebug #1
[   60.200000] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
[   60.200000] Call Trace:
EOF_TRACE
"$check" "$tmp/expect-trace.log" >/dev/null || bad "the stack dump of an expected report was flagged"
# A frame of an accepted dump names lockdep: part of the dump; the same
# words after the dump ended are a report.
printf '%s\n' "[   60.250000] lockdep: possible recursive locking in e1k_open" >>"$tmp/expect-trace.log"
if "$check" "$tmp/expect-trace.log" >/dev/null; then
	bad "a report right after an accepted stack dump was accepted with it"
fi
sed -i '$d' "$tmp/expect-trace.log"
cat >>"$tmp/expect-trace.log" <<'EOF_TRACE'
[   60.300000] sysfs: cannot create duplicate filename '/class/net/eth0'
[   60.300000] CPU: 1 UID: 0 PID: 311 Comm: e1k-fault-nth Not tainted 6.12.117-e1kdebug #1
[   60.300000] Hardware name: QEMU Standard PC (Q35 + ICH9, 2009), BIOS 1.16.2-debian-1.16.2-1 04/01/2014
[   60.300000] Call Trace:
EOF_TRACE
if "$check" "$tmp/expect-trace.log" >/dev/null; then
	bad "a stack dump not started by an expected line was accepted"
fi

# A final dmesg (as vm-results.sh copies it) that starts at boot passes;
# one whose buffer wrapped fails, whatever its first record (here the
# middle of a stack dump, as the fault-injection suite left it with the
# default 128 KiB buffer).
{ echo E1K-DMESG-BEGIN; printf '%s\n' "$clean"; echo E1K-DMESG-END; } >"$tmp/dmesg-whole.log"
"$check" "$tmp/dmesg-whole.log" >/dev/null || bad "a final dmesg that starts at boot was flagged"
cat >"$tmp/dmesg-wrapped.log" <<'EOF_WRAPPED'
E1K-DMESG-BEGIN
[ 1184.232485]  devinet_ioctl+0x963/0x15c0
[ 1184.232550]  ? __pfx_devinet_ioctl+0x10/0x10
[ 1190.000000] e1k-mark: suite end
E1K-DMESG-END
EOF_WRAPPED
if "$check" "$tmp/dmesg-wrapped.log" >/dev/null; then
	bad "a final dmesg whose buffer wrapped passed"
fi

[ "$failed" = 0 ] && echo "kernel-log-check: $n report samples caught, clean log passed"
exit "$failed"
