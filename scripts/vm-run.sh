#!/usr/bin/env bash
# Boot the test VM once and run guest test suites in it.
#
#   vm-run.sh [--kver K] [--model M] [--suites "S..."] [--driver D]
#             [--timeout SEC] [--out DIR] [--label L] [--smp N] [--mem MB]
#             [--ports 1|2] [--no-instruments] [--installed ROOT]
#             [--host-link BASE]
#
# --kver     kernel release or series (6.1, 6.12, or an exact release)
# --model    DUT model: e1000 (82540EM), e1000-82545em, e1000-82544gc
# --suites   tests/vm/t_NAME.sh suites, each NAME or NAME:DRIVER (the DUT
#            driver for that suite: e1k_xdp, or e1000 for the in-tree baseline)
# --driver   DUT driver for suites that name none (default e1k_xdp)
# --timeout  limit for the whole VM run in seconds (default 600)
# --out      directory for console.log and results.log
# --label    prefix of every test name (default SERIES/MODEL/)
# --live     print the guest's "# " narration lines while it runs
# --env N=V  export N=V to the guest suites (repeatable)
# --ports N  DUT ports: 1 (default), or 2 for a second DUT NIC of the same
#            model (mac 52:54:00:e1:00:03) with a second virtio-net peer
#            (52:54:00:e1:00:04) on a hub of their own
# --installed ROOT
#            the module, loader and programs the packages installed (ROOT
#            holds them at their installed paths: scripts/pkg-test.sh's
#            copy), not the tree's: the module DKMS built for the kernel,
#            /usr/sbin/e1k-xdp-loader, /usr/lib/e1k-xdp/*.bpf.o. The rest of
#            the packages' files (modprobe.d, the unit, the configuration)
#            go to /opt/e1k/pkg in the guest, for the package suite.
# --host-link BASE
#            for the benchmark (scripts/bench.sh): each DUT port's hub also
#            gets a QEMU datagram netdev on 127.0.0.1 (port N+1's hub: QEMU
#            listens on BASE+2N and sends to BASE+2N+1), where
#            tests/tools/e1k-hostgen sends and counts frames, and a third
#            serial port (the guest's /dev/ttyS2) on which
#            tests/bench/hostd.py runs e1k-hostgen for the guest's suite and
#            says how much host CPU each QEMU thread spent meanwhile
# --no-instruments
#            boot without the instruments, on the plain `pc` machine: for
#            the benchmark only (scripts/bench.sh), whose figures must stay
#            comparable with earlier runs. By default the guest runs on q35
#            with an emulated Intel IOMMU in strict mode (intel_iommu=on
#            iommu.strict=1: a DMA by the NIC to memory not mapped for it
#            faults with a DMAR report instead of corrupting memory), with
#            page poisoning and SLUB debugging (page_poison=1
#            slub_debug=FZPU), and KFENCE sampling every 100 ms on kernels
#            built with it (6.12; Debian's 6.1 has no KFENCE).
#
# Prints one "PASS name" / "FAIL name: reason" line per test, adds the
# kernel-log check and the VM-completed check, and exits non-zero on any FAIL.
# Set E1K_KVM=1 to use KVM where it works (it does not on our CI machines);
# E1K_TCG_THREAD=multi for multi-threaded TCG (see below why it is not the
# default); E1K_CPU=MODEL for another TCG CPU model than max,-hypervisor
# (see below why the guest is not told it runs under a hypervisor).
# E1K_KERNEL_ROOT=DIR boots a kernel that is not the host's: DIR/boot and
# DIR/lib/modules hold it (the debug kernel of make check-debug; kver.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
# shellcheck source=scripts/stage-lib.sh
. "$here/stage-lib.sh"

kver=6.1 model=e1000 suites=smoke driver=e1k_xdp timeout_s=600 out="" label=""
smp=2 mem=1024 live=0 ports=1 instruments=1 installed="" host_link=""
guest_env=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=$2; shift 2 ;;
	--model) model=$2; shift 2 ;;
	--suites) suites=$2; shift 2 ;;
	--driver) driver=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--label) label=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--live) live=1; shift ;;
	--env) guest_env+=("$2"); shift 2 ;;
	--ports) ports=$2; shift 2 ;;
	--no-instruments) instruments=0; shift ;;
	--installed) installed=$2; shift 2 ;;
	--host-link) host_link=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "vm-run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done

case "$model" in
e1000 | e1000-82545em | e1000-82544gc) ;;
*) echo "vm-run.sh: unknown model '$model' (e1000, e1000-82545em, e1000-82544gc)" >&2; exit 2 ;;
esac
case "$ports" in
1 | 2) ;;
*) echo "vm-run.sh: --ports is 1 or 2, not '$ports'" >&2; exit 2 ;;
esac

release=$("$here/kver.sh" "$kver")
series=$(echo "$release" | cut -d. -f1,2)
label=${label:-$series/$model/}
out=${out:-$top/build/vm/$release-$model}
mkdir -p "$out"

# Base image, cached per kernel; rebuilt when its recipe changes.
kroot=${E1K_KERNEL_ROOT:-}
kernel=$kroot/boot/vmlinuz-$release
base=$top/build/$release/initramfs-base.cpio.gz
if [ ! -s "$base" ] || [ "$here/mkinitramfs.sh" -nt "$base" ] || [ "$kernel" -nt "$base" ] ||
	[ "$here/guest/init" -nt "$base" ] || [ "$here/stage-lib.sh" -nt "$base" ]; then
	"$here/mkinitramfs.sh" "$release" "$base"
fi

# A debug kernel (make check-debug: KASAN, lockdep, kmemleak and the rest)
# runs the guest several times slower; the suites' time and rate bounds
# have a set of their own for it (tests/vm/limits.sh).
debug_kernel=0
if grep -qx 'CONFIG_KASAN=y' "$kroot/boot/config-$release" 2>/dev/null; then
	debug_kernel=1
fi

# Per-run archive: the plan and our build outputs under /opt/e1k.
stage=$(mktemp -d)
chmod 755 "$stage" # the guest's /: mktemp makes it 0700
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/etc/e1k" "$stage/opt/e1k/tests/vm" "$stage/opt/e1k/bin"
cat >"$stage/etc/e1k/plan" <<PLAN
export E1K_SUITES="$suites"
export E1K_DEFAULT_DRIVER="$driver"
export E1K_MODEL="$model"
export E1K_KVER="$release"
export E1K_PORTS=$ports
export E1K_INSTRUMENTS=$instruments
export E1K_DEBUG_KERNEL=$debug_kernel
export E1K_VERSION=$(cat "$top/VERSION")
export E1K_INSTALLED=$([ -n "$installed" ] && echo 1 || echo 0)
PLAN
for kv in "${guest_env[@]}"; do
	case "$kv" in
	[A-Za-z_]*=*) printf 'export %s=%q\n' "${kv%%=*}" "${kv#*=}" >>"$stage/etc/e1k/plan" ;;
	*) echo "vm-run.sh: --env takes NAME=VALUE, not '$kv'" >&2; exit 2 ;;
	esac
done
cp "$top"/tests/vm/*.sh "$stage/opt/e1k/tests/vm/"
# What the guest runs: the tree's build, or what the packages installed.
module=$top/build/$release/e1k_xdp.ko
loader=$top/loader/e1k-xdp-loader
bpf_dir=$top/bpf
if [ -n "$installed" ]; then
	module=$(compgen -G "$installed/lib/modules/$release/updates/dkms/e1k_xdp.ko*" | head -n 1 || true)
	if [ -z "$module" ]; then
		echo "vm-run.sh: no module for $release under $installed" >&2
		exit 2
	fi
	loader=$installed/usr/sbin/e1k-xdp-loader
	bpf_dir=$installed/usr/lib/e1k-xdp
	mkdir -p "$stage/opt/e1k/pkg"
	(cd "$installed" && find lib/modprobe.d lib/systemd etc -type f -print0 |
		cpio --null -pdm --quiet "$stage/opt/e1k/pkg")
fi
if [ -f "$module" ]; then
	mkdir -p "$stage/opt/e1k/driver"
	case "$module" in
	*.ko.xz) xz -dc "$module" >"$stage/opt/e1k/driver/e1k_xdp.ko" ;;
	*.ko.zst) zstd -qdc "$module" >"$stage/opt/e1k/driver/e1k_xdp.ko" ;;
	*) cp "$module" "$stage/opt/e1k/driver/e1k_xdp.ko" ;;
	esac
fi
if compgen -G "$bpf_dir/*.bpf.o" >/dev/null; then
	mkdir -p "$stage/opt/e1k/bpf"
	cp "$bpf_dir"/*.bpf.o "$stage/opt/e1k/bpf/"
fi
if compgen -G "$top/tests/bpf/*.bpf.o" >/dev/null; then
	mkdir -p "$stage/opt/e1k/tests/bpf"
	cp "$top"/tests/bpf/*.bpf.o "$stage/opt/e1k/tests/bpf/"
fi
for exe in "$loader" "$top"/tests/tools/*; do
	if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then continue; fi
	case "$exe" in *.so) continue ;; esac	# host tests' preloads
	stage_with_libs "$stage" "$exe" "/opt/e1k/bin/$(basename "$exe")"
done
for exe in "$top"/tests/unit/*; do
	if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then continue; fi
	case "$exe" in *.sh | *.c | *.h | */Makefile) continue ;; esac
	stage_with_libs "$stage" "$exe" "/opt/e1k/tests/unit/$(basename "$exe")"
done
initrd=$out/initrd.cpio.gz
{
	cat "$base"
	(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1
} >"$initrd"

# Single-threaded TCG by default: with one host thread per vCPU (MTTCG),
# QEMU 7.2 can run a stale int3 that the kernel's text_poke left in the BPF
# dispatcher on the other vCPU, and the guest oopses in
# bpf_dispatcher_xdp_func while XDP programs are swapped under traffic (the
# in-tree e1000 in generic mode does it too). E1K_TCG_THREAD=multi opts back.
#
# The guest is not told it runs under a hypervisor (-hypervisor). A guest
# kernel that sees the CPUID hypervisor bit and has no paravirt spinlocks
# (TCG offers none) replaces its fair queued spinlocks by a test-and-set
# lock (virt_spin_lock). On single-threaded TCG, where one host thread runs
# the vCPUs in turn and a vCPU that spins (PAUSE) gives up its turn, that
# can livelock synchronize_irq(): one vCPU re-takes the interrupt's
# descriptor lock in a loop while the interrupt is in flight (an IO-APIC
# level interrupt not yet acknowledged), the other, which must take that
# lock to handle and acknowledge it, only ever runs while the lock is held.
# Seen in hard_teardown_under_traffic on 6.1 (an RCU stall report, 21 s,
# CPU 1 in __synchronize_hardirq from e1k_down, CPU 0 spinning in
# virt_spin_lock from handle_fasteoi_irq) and reproduced by
# tests/vm/t_irq_stall.sh (a 5.7 s down/up). The fair lock queues the
# waiter, so the loop cannot take the lock again before it. E1K_CPU
# overrides the model.
accel=(-accel "tcg,thread=${E1K_TCG_THREAD:-single}" -cpu "${E1K_CPU:-max,-hypervisor}")
if [ "${E1K_KVM:-0}" = 1 ]; then
	accel=(-accel kvm -cpu host)
fi

# The instruments. An emulated Intel IOMMU needs the q35 machine; it comes
# first so that every PCI device after it is behind it. intremap=off: we
# want DMA remapping; interrupt remapping would only change how every
# interrupt is delivered. No caching-mode: that is for vfio. Strict mode
# unmaps at once (no flush queue), so a late DMA into a buffer the driver
# unmapped faults too. The virtio-net peers have no iommu_platform, so
# QEMU and the guest's virtio both bypass the IOMMU for them, as before.
# The boot messages that name the instruments carry no report (see
# kernel-log-check.sh).
# log_buf_len: the host scans the guest's whole kernel log at the end of the
# run (vm-results.sh). The default buffer (CONFIG_LOG_BUF_SHIFT=17, 128 KiB,
# in Debian's kernels and the debug one) wrapped in the fault-injection
# suite, whose stack dumps make a 950 kB console log; what it drops only
# the console, at its loglevel, would still have. 8 MiB holds eight times
# that.
cmdline="console=ttyS0 panic=-1 nokaslr net.ifnames=0 log_buf_len=8M"
if [ "$instruments" = 1 ]; then
	machine=(-machine q35 -device "intel-iommu,intremap=off")
	cmdline+=" intel_iommu=on iommu.strict=1 page_poison=1 slub_debug=FZPU"
	# Only where the kernel has KFENCE: elsewhere the kernel would drop
	# the parameter in silence, and the command line would claim an
	# instrument the guest does not have.
	if grep -qx 'CONFIG_KFENCE=y' "$kroot/boot/config-$release" 2>/dev/null; then
		cmdline+=" kfence.sample_interval=100"
	fi
else
	machine=(-machine pc)
fi
# A KASAN kernel boots with 4-level paging. QEMU's -cpu max offers LA57,
# and with 5-level paging generic KASAN has a known false positive early in
# boot (LKML, June 2026: "kasan: Fix false-positive wild-memory-access on
# x86 under 5-level paging"): identify_cpu() clears the boot CPU's feature
# words, LA57 among them, so for a moment pgtable_l5_enabled() is false and
# KASAN_SHADOW_START takes its 4-level value; an interrupt that takes a lock
# in the direct map then (handle_edge_irq) is reported as a wild access.
# make check-debug met it once, before any module was loaded;
# scripts/repro-boot-kasan.sh reproduces it, and with no5lvl never.
if [ "$debug_kernel" = 1 ]; then
	cmdline+=" no5lvl"
fi

# The DUT ports: each an e1000-family NIC with its virtio-net peer on a hub
# of its own (hub N for port N+1), so that what port B sends reaches only
# its peer and never loops back in through port A's hub. Nothing in the
# guest autoloads drivers (no udev/mdev), so the in-tree e1000 binds to a
# DUT only when a suite asks for the baseline. The guest tells the NICs
# apart by MAC (tests/vm/lib.sh).
nics=(
	-netdev "hubport,id=dut,hubid=0"
	-device "$model,netdev=dut,mac=52:54:00:e1:00:01"
	-netdev "hubport,id=peer,hubid=0"
	-device "virtio-net-pci,netdev=peer,mac=52:54:00:e1:00:02"
)
if [ "$ports" = 2 ]; then
	nics+=(
		-netdev "hubport,id=dut2,hubid=1"
		-device "$model,netdev=dut2,mac=52:54:00:e1:00:03"
		-netdev "hubport,id=peer2,hubid=1"
		-device "virtio-net-pci,netdev=peer2,mac=52:54:00:e1:00:04"
	)
fi

# The benchmark's links to the host (--host-link).
extra=()
if [ -n "$host_link" ]; then
	for ((p = 0; p < ports; p++)); do
		extra+=(
			-netdev "dgram,id=hostlink$p,local.type=inet,local.host=127.0.0.1,local.port=$((host_link + 2 * p)),remote.type=inet,remote.host=127.0.0.1,remote.port=$((host_link + 2 * p + 1))"
			-netdev "hubport,id=hosthub$p,hubid=$p,netdev=hostlink$p"
		)
	done
	rm -f "$out/ctl.sock"
	extra+=(-serial "unix:$out/ctl.sock,server=on,wait=off")
fi

# The QEMU monitor listens on $out/monitor.sock, for looking into a guest
# that hangs (info registers, info cpus).
rm -f "$out/console.log" "$out/results.log"
set +e
timeout -k 5 "$timeout_s" qemu-system-x86_64 \
	"${machine[@]}" "${accel[@]}" -smp "$smp" -m "$mem" \
	-nodefaults -display none -no-reboot -name e1k,debug-threads=on \
	-kernel "$kernel" -initrd "$initrd" \
	-append "$cmdline" \
	-serial "file:$out/console.log" -serial "file:$out/results.log" \
	-monitor "unix:$out/monitor.sock,server,nowait" \
	"${nics[@]}" "${extra[@]}" \
	</dev/null >"$out/qemu.log" 2>&1 &
qemu_pid=$!
if [ -n "$host_link" ]; then
	"$top/tests/bench/hostd.py" "$out/ctl.sock" "$qemu_pid" "$host_link" \
		"$top/tests/tools/e1k-hostgen" </dev/null >"$out/hostd.log" 2>&1 &
fi
# A guest that goes quiet for 3 minutes gets QEMU's view of its vCPUs
# written to $out/stall-monitor.txt before the timeout ends it.
rm -f "$out/stall-monitor.txt"
"$here/qemu-stall-dump.py" "$out" "$qemu_pid" "${E1K_STALL_S:-180}" </dev/null >/dev/null 2>&1 &
if [ "$live" = 1 ]; then
	touch "$out/results.log"
	tail -s 0.2 -F --pid="$qemu_pid" "$out/results.log" 2>/dev/null |
		sed -un 's/\r$//; s/^# //p'
fi
wait "$qemu_pid"
qemu_rc=$?
set -e
if [ "$live" = 1 ]; then export E1K_QUIET_NOTES=1; fi

"$here/vm-results.sh" "$label" "$out" "$qemu_rc" "$timeout_s"
