#!/usr/bin/env bash
# Reproducer of a boot-time KASAN report seen once in `make check-debug`
# (2026-12-01, the ports2 VM, 2.5 s into boot, before any module):
#   BUG: KASAN: wild-memory-access in do_raw_spin_lock+0x122/0x270
#   <IRQ> handle_edge_irq <- common_interrupt, during identify_cpu/cpu_detect
# Boots the debug kernel N times on the ports2 machine (q35 + IOMMU, two
# vCPUs, two e1000 and two virtio NICs), each boot only until the kernel is
# past CPU identification, and counts the boots that reported.
#   repro-boot-kasan.sh KERNEL N [CPU [EXTRA]]
# CPU: QEMU's -cpu (default max,-hypervisor, as the bed); EXTRA: more of the
# kernel command line (no5lvl: the bed's fix, see vm-run.sh).
set -euo pipefail

kernel=$1 n=$2 cpu=${3:-max,-hypervisor} extra=${4:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
hits=0
for i in $(seq 1 "$n"); do
	log=$out/console-$i.log
	: >"$log"
	timeout -k 5 120 qemu-system-x86_64 -machine q35 -device intel-iommu,intremap=off \
		-accel tcg,thread=single -cpu "$cpu" -smp 2 -m 1024 -nodefaults -display none \
		-no-reboot -kernel "$kernel" \
		-append "console=ttyS0 panic=-1 nokaslr net.ifnames=0 log_buf_len=8M intel_iommu=on iommu.strict=1 page_poison=1 slub_debug=FZPU kfence.sample_interval=100 $extra" \
		-serial "file:$log" \
		-netdev hubport,id=dut,hubid=0 -device e1000,netdev=dut \
		-netdev hubport,id=peer,hubid=0 -device virtio-net-pci,netdev=peer \
		-netdev hubport,id=dut2,hubid=1 -device e1000,netdev=dut2 \
		-netdev hubport,id=peer2,hubid=1 -device virtio-net-pci,netdev=peer2 \
		2>/dev/null &
	pid=$!
	# Past the report's point: the CPU bugs are listed after identify_cpu.
	for _ in $(seq 1 240); do
		grep -q "Spectre V1\|Kernel panic" "$log" && break
		sleep 0.5
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if grep -q "BUG: KASAN" "$log"; then
		hits=$((hits + 1))
		cp "$log" "/tmp/repro-boot-kasan-hit-$i.log"
		grep -m1 "BUG: KASAN" "$log"
	fi
done
echo "cpu $cpu${extra:+, $extra}: $hits of $n boots reported KASAN"
