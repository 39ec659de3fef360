#!/usr/bin/env bash
# The whole test suite on a debug kernel: `make check-debug [KVER=SERIES]`.
#   check-debug.sh [SERIES]      6.12 (default) or 6.1
# Builds the debug kernel of SERIES once (scripts/debug-kernel.sh: KASAN,
# KFENCE, lockdep, kmemleak, DMA-API debugging, reference trackers, fault
# injection; cached under /var/cache/e1k-xdp), then runs check.sh on it:
# every suite and model of `make check` in the same bed, and the
# fault-injection suite (tests/vm/t_faults.sh), which only a kernel with
# fault injection plans. Each VM's kernel_log check sees every report those
# instruments print, and at the end of each VM a kmemleak scan with e1k_xdp
# unloaded (scripts/guest/init). Ends with check.sh's "N passed, N failed".
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
series=${1:-6.12}
case "$series" in
6.1 | 6.12) ;;
*) echo "check-debug.sh: the series is 6.1 or 6.12, not '$series'" >&2; exit 2 ;;
esac

"$here/deps.sh"
"$here/deps.sh" debug "$series"
tree=$("$here/debug-kernel.sh" "$series")
# kver.sh, the driver's build, mkinitramfs.sh and vm-run.sh take the kernel
# from here instead of the host's /boot and /lib/modules.
export E1K_KERNEL_ROOT=$tree/e1k-root
release=$(cat "$tree/include/config/kernel.release")
# The instruments make the guest several times slower (KASAN checks every
# access, lockdep every lock, under TCG): the e1000 model's main suites,
# then one VM, took 32-34 min here (7-10 under make check), the
# fault-injection VM, which does the setup paths once per allocation on
# them, 34 min (probe alone 18). A VM gets 2 h: a slower machine, not a
# hang.
export E1K_VM_TIMEOUT=${E1K_VM_TIMEOUT:-7200}
echo "=== check-debug on $release ($tree)" >&2
exec "$here/check.sh" "$release"
