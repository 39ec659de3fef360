#!/usr/bin/env bash
# The benchmark's host daemon (tests/bench/hostd.py): its cap on QEMU's vCPU
# thread (the DUT-bound configuration of make bench), tested on a stand-in
# process named like QEMU, with a main thread that sleeps and a thread named
# like a TCG vCPU that spins. No QEMU involved. One "PASS name" /
# "FAIL name: reason" line per test.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PYTHONDONTWRITEBYTECODE=1 python3 - "$here/bench/hostd.py" <<'PY'
import ctypes
import importlib.util
import os
import subprocess
import sys
import time

spec = importlib.util.spec_from_file_location("hostd", sys.argv[1])
hostd = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hostd)

STANDIN = r"""
import ctypes, threading, time
libc = ctypes.CDLL(None)
PR_SET_NAME = 15
libc.prctl(PR_SET_NAME, b"qemu-standin", 0, 0, 0)
def vcpu():
    libc.prctl(PR_SET_NAME, b"CPU 0/TCG", 0, 0, 0)
    while True:
        pass
threading.Thread(target=vcpu, daemon=True).start()
time.sleep(120)
"""


def result(name, err):
    print(f"PASS hostd_{name}" if not err else f"FAIL hostd_{name}: {err}", flush=True)


def cpu_share(tid, seconds=2.0):
    """The share of one CPU that thread TID ran over SECONDS (schedstat)."""
    def ns():
        return int(open(f"/proc/{tid}/schedstat").read().split()[0])
    n0, t0 = ns(), time.monotonic()
    time.sleep(seconds)
    return (ns() - n0) / 1e9 / (time.monotonic() - t0)


def policy(tid):
    return int(open(f"/proc/{tid}/sched").read().split("policy")[1].split(":")[1].split()[0])


standin = subprocess.Popen([sys.executable, "-c", STANDIN])
try:
    time.sleep(0.5)
    hostd.qemu_pid = standin.pid
    tasks = dict(hostd.qemu_tasks())
    vcpus = [t for t, k in tasks.items() if k == "vcpu"]
    mains = [t for t, k in tasks.items() if k == "main"]
    result("finds_threads", None if len(vcpus) == 1 and mains == [standin.pid]
           else f"threads by kind: {tasks}")

    # Capped at 10 %: the kernel throttles the thread to its runtime, so it
    # cannot run more than 10 % of a CPU; it gets that much even on a busy
    # host (a deadline task runs before any normal one).
    err = None
    try:
        reply = hostd.VcpuCap.cap(10)
        capped = cpu_share(vcpus[0])
        if not reply.startswith("ok throttle pct=10 period_us=2000 threads=1"):
            err = f"reply '{reply}'"
        elif not 0.07 <= capped <= 0.11:
            err = f"the capped thread ran {capped:.1%} of a CPU, not 10 %"
        elif policy(vcpus[0]) != 6:
            err = f"policy {policy(vcpus[0])}, not SCHED_DEADLINE (6)"
        elif policy(standin.pid) != 0:
            err = "the main thread was capped too"
    except OSError as e:
        err = f"cap: {e}"
    result("caps_vcpu_thread", err)

    # Lifted: a normal thread again, pinned off CPU 0 like every QEMU
    # thread, running free.
    err = None
    try:
        reply = hostd.VcpuCap.lift()
        free = cpu_share(vcpus[0])
        if reply != "ok unthrottle":
            err = f"reply '{reply}'"
        elif policy(vcpus[0]) != 0:
            err = f"policy {policy(vcpus[0])} after the lift, not SCHED_OTHER (0)"
        elif free < 0.3:
            err = f"the lifted thread ran only {free:.1%} of a CPU"
        elif (os.cpu_count() or 1) >= 2 and 0 in os.sched_getaffinity(vcpus[0]):
            err = "the lifted thread may run on CPU 0, the generator's"
    except OSError as e:
        err = f"lift: {e}"
    result("lifts_cap", err)

    # A cap out of range is refused before any thread is touched.
    errs = []
    for pct in (0, -5, 101):
        try:
            hostd.VcpuCap.cap(pct)
            errs.append(f"cap({pct}) accepted")
        except ValueError:
            pass
    if policy(vcpus[0]) != 0:
        errs.append("a refused cap changed the thread")
    result("refuses_bad_cap", "; ".join(errs))
finally:
    standin.kill()
    standin.wait()

# No QEMU any more: a clear error, not a silent no-op.
try:
    hostd.VcpuCap.cap(10)
    result("no_qemu", "cap() with no QEMU process succeeded")
except OSError as e:
    result("no_qemu", None if "no QEMU process" in str(e) else f"error '{e}'")
PY
