#!/usr/bin/env python3
"""QEMU's view of a guest that has gone quiet.

    qemu-stall-dump.py OUT QEMU_PID [QUIET_S]

While QEMU_PID runs, watches OUT/console.log and OUT/results.log. When
neither has grown for QUIET_S seconds (default 180), asks the QEMU monitor
(OUT/monitor.sock) where the vCPUs are: `info cpus`, and for each vCPU its
registers and the instructions at its pc. Appends that to
OUT/stall-monitor.txt, twice, 10 s apart (a vCPU that moved is not stuck), at
most three times per guest. A guest that hangs then leaves evidence before
vm-run.sh's timeout kills it: all vCPUs halted means the guest waits on
something (a task asleep, a device that stopped); a vCPU spinning at the same
pc with interrupts off means a kernel lockup; QEMU not answering means the
emulator itself is stuck.
"""
import os
import re
import socket
import sys
import time


def monitor(path, commands):
    out = []
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    try:
        s.connect(path)
    except OSError as e:
        return f"monitor not reachable: {e}\n"

    def drain():
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                out.append(data.decode(errors="replace"))
        except socket.timeout:
            pass

    drain()
    for c in commands:
        s.sendall((c + "\n").encode())
        time.sleep(0.5)
        drain()
    s.close()
    # The monitor echoes each key with terminal escapes: keep the text.
    return re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", "".join(out))


def cpu_count(info_cpus):
    return max(1, sum(1 for line in info_cpus.splitlines() if "CPU #" in line))


def snapshot(sock):
    cpus = monitor(sock, ["info cpus"])
    cmds = []
    for n in range(cpu_count(cpus)):
        cmds += [f"cpu {n}", "info registers", "x/8i $pc"]
    return cpus + monitor(sock, cmds)


def main():
    out, pid = sys.argv[1], int(sys.argv[2])
    quiet = int(sys.argv[3]) if len(sys.argv) > 3 else 180
    logs = [os.path.join(out, f) for f in ("console.log", "results.log")]
    sock = os.path.join(out, "monitor.sock")
    report = os.path.join(out, "stall-monitor.txt")
    last, since, dumps = None, time.time(), 0
    while dumps < 3:
        time.sleep(5)
        try:
            os.kill(pid, 0)
        except OSError:
            return
        sizes = tuple(os.path.getsize(p) if os.path.exists(p) else -1 for p in logs)
        if sizes != last:
            last, since = sizes, time.time()
            continue
        if time.time() - since < quiet:
            continue
        first = f"=== no output for {int(time.time() - since)} s\n" + snapshot(sock)
        time.sleep(10)
        with open(report, "a") as f:
            f.write(first + "\n=== 10 s later\n" + snapshot(sock))
        dumps += 1
        since = time.time()


if __name__ == "__main__":
    main()
