#!/usr/bin/env python3
"""The host's side of the benchmark: runs e1k-hostgen for the guest's suite.

    hostd.py CTL_SOCKET QEMU_PID BASE_PORT HOSTGEN

scripts/vm-run.sh --host-link starts it beside QEMU. It connects to the
guest's third serial port (CTL_SOCKET, the guest's /dev/ttyS2) and serves one
request per line, one reply line each:

  run [--link N] ARGS...    e1k-hostgen run ARGS on link N (default 0: the
                            first DUT port's hub); the reply is "ok " and
                            e1k-hostgen's key=value line, plus the host CPU
                            seconds each QEMU thread spent meanwhile
                            (cpu_main_s: the main loop, where the device
                            models and the datagram netdev run; cpu_vcpu_s:
                            the TCG thread, i.e. the guest's CPU; cpu_gen_s:
                            e1k-hostgen itself), wall_s, and drain_s: the
                            reply waits until QEMU has read every frame sent
                            to it (its sockets' receive queues are empty), so
                            none of them reaches the guest in a later window
  start NAME CMD ARGS...    e1k-hostgen CMD (run or count) in the background
  wait NAME                 the reply of the background job NAME
  stop NAME                 the same, after telling it to stop sending (SIGINT)
  hello                     pins the threads (see pin_threads), "ok hello"
  throttle PCT              caps QEMU's vCPU thread at PCT % of one host CPU
                            (the DUT-bound configuration; see VcpuCap)
  unthrottle                lifts the cap (and pins the thread again)

Errors are replied as "err REASON"; the guest's suite fails on them.
Link N's ports: QEMU listens on BASE+2N and sends to BASE+2N+1.
"""
import ctypes
import os
import resource
import shlex
import signal
import socket
import struct
import subprocess
import sys
import time

# Set by main() from the command line (tests/hostd-test.sh sets qemu_pid).
sock_path, qemu_pid, base, hostgen = "", 0, 0, ""


def find_qemu(pid):
    """QEMU's pid: PID itself or its descendant (vm-run.sh runs it under timeout)."""
    try:
        if open(f"/proc/{pid}/comm").read().startswith("qemu"):
            return pid
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
    except OSError:
        return None
    for child in children:
        found = find_qemu(int(child))
        if found:
            return found
    return None


def qemu_tasks():
    """(thread id, kind) of each QEMU thread; kinds: "vcpu" (the TCG threads,
    "CPU 0/TCG"), "main" (the main loop, named like the process), "other"."""
    pid = find_qemu(qemu_pid)
    if pid is None:
        raise OSError(f"no QEMU process under pid {qemu_pid}")
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        except OSError:
            continue
        yield int(tid), ("vcpu" if "TCG" in comm or "CPU" in comm
                         else "main" if comm.startswith("qemu") else "other")


def thread_cpu():
    """Seconds on CPU per QEMU thread kind, from each thread's schedstat (ns)."""
    out = {"main": 0.0, "vcpu": 0.0, "other": 0.0}
    for tid, kind in qemu_tasks():
        try:
            out[kind] += int(open(f"/proc/{tid}/schedstat").read().split()[0]) / 1e9
        except OSError:
            continue
    return out


def pin_threads():
    """The generator on CPU 0, QEMU's threads on the others (when there are
    others): e1k-hostgen's sending, which also runs the loopback delivery
    into QEMU's socket, then never takes CPU time from the device models or
    the guest, and the ceiling is the emulator's, not the generator's."""
    cpus = os.cpu_count() or 1
    pid = find_qemu(qemu_pid)
    if cpus < 2 or pid is None:
        return
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), set(range(1, cpus)))
        except OSError:
            pass


def vcpu_threads():
    """QEMU's TCG vCPU thread ids."""
    return [tid for tid, kind in qemu_tasks() if kind == "vcpu"]


class VcpuCap:
    """The DUT's CPU made the scarce resource: QEMU's vCPU thread under
    SCHED_DEADLINE with a runtime of PCT % of a 2 ms period. The kernel
    throttles a deadline task that has used its runtime until the next
    period (a hard cap, per thread, on cgroup v1 and v2 alike), so the guest
    gets PCT % of one host CPU however fast that CPU is, while the main loop,
    where the device models run, keeps its own. The period is short so that
    a vCPU throttled while it holds QEMU's global lock (an MMIO access)
    stalls the device models for at most 2 ms: fewer frames than the NIC's
    ring and the link socket's buffer hold at the rates that result.

    A deadline task must be allowed on every CPU of its root domain, so the
    thread is unpinned while capped and pinned again after (pin_threads)."""
    PERIOD_NS = 2_000_000
    SYS_SCHED_SETATTR = {"x86_64": 314, "aarch64": 274}.get(os.uname().machine)
    SCHED_OTHER, SCHED_DEADLINE = 0, 6

    @classmethod
    def setattr(cls, tid, policy, runtime_ns=0):
        if cls.SYS_SCHED_SETATTR is None:
            raise OSError(f"sched_setattr: no syscall number for {os.uname().machine}")
        period = cls.PERIOD_NS if policy == cls.SCHED_DEADLINE else 0
        # struct sched_attr: size, policy, flags, nice, priority, runtime,
        # deadline, period.
        attr = ctypes.create_string_buffer(
            struct.pack("IIQiIQQQ", 48, policy, 0, 0, 0, runtime_ns, period, period))
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.syscall(cls.SYS_SCHED_SETATTR, tid, attr, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"sched_setattr of thread {tid}: {os.strerror(err)}")

    @classmethod
    def cap(cls, pct):
        if not 0 < pct <= 100:
            raise ValueError(f"throttle: PCT is in (0, 100], not {pct}")
        tids = vcpu_threads()
        if not tids:
            raise OSError("throttle: QEMU has no vCPU thread")
        for tid in tids:
            os.sched_setaffinity(tid, range(os.cpu_count() or 1))
            cls.setattr(tid, cls.SCHED_DEADLINE, int(cls.PERIOD_NS * pct / 100))
        return f"ok throttle pct={pct:g} period_us={cls.PERIOD_NS // 1000} threads={len(tids)}"

    @classmethod
    def lift(cls):
        for tid in vcpu_threads():
            cls.setattr(tid, cls.SCHED_OTHER)
        pin_threads()
        return "ok unthrottle"


def gen_cpu():
    """Where e1k-hostgen runs (see pin_threads)."""
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {0})


def hostgen_cmd(words):
    """e1k-hostgen's command line for CMD [--link N] ARGS."""
    cmd, args, link = words[0], [], 0
    if cmd not in ("run", "count"):
        raise ValueError(f"unknown e1k-hostgen command '{cmd}'")
    it = iter(words[1:])
    for w in it:
        if w == "--link":
            link = int(next(it))
        else:
            args.append(w)
    return [hostgen, cmd, "--bind", str(base + 2 * link + 1), "--peer", str(base + 2 * link)] + args


def qemu_rx_queue():
    """Bytes waiting in QEMU's link sockets (bound to BASE+2N on 127.0.0.1)."""
    ports = {f"0100007F:{base + 2 * n:04X}" for n in range(4)}
    waiting = 0
    with open("/proc/net/udp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[1] in ports:
                waiting += int(fields[4].split(":")[1], 16)
    return waiting


def drain():
    """Wait (at most 30 s) until QEMU has read every frame sent to it, so
    that no frame of this window is delivered in the next one; the seconds
    it took."""
    t0 = time.monotonic()
    while qemu_rx_queue() and time.monotonic() - t0 < 30:
        time.sleep(0.01)
    return time.monotonic() - t0


def run_now(words):
    cpu0, t0 = thread_cpu(), time.monotonic()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(hostgen_cmd(words), capture_output=True, text=True, timeout=3600,
                       preexec_fn=gen_cpu)
    drain_s = drain()
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu1, t1 = thread_cpu(), time.monotonic()
    if p.returncode:
        return "err e1k-hostgen: " + (p.stderr.strip() or f"exit {p.returncode}").replace("\n", " ")
    gen_s = ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime
    return ("ok " + p.stdout.strip() +
            f" cpu_main_s={cpu1['main'] - cpu0['main']:.4f} cpu_vcpu_s={cpu1['vcpu'] - cpu0['vcpu']:.4f}"
            f" cpu_gen_s={gen_s:.4f} wall_s={t1 - t0:.4f} drain_s={drain_s:.3f}")


def serve(conn):
    jobs = {}
    buf = b""
    while True:
        data = conn.recv(4096)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            words = shlex.split(line.decode(errors="replace").strip("\r\x00 "))
            if not words:
                continue
            try:
                if words[0] == "hello":
                    pin_threads()
                    reply = f"ok hello cpus={os.cpu_count()}"
                elif words[0] == "throttle" and len(words) == 2:
                    reply = VcpuCap.cap(float(words[1]))
                elif words[0] == "unthrottle":
                    reply = VcpuCap.lift()
                elif words[0] == "run":
                    reply = run_now(words)
                elif words[0] == "start" and len(words) > 2:
                    jobs[words[1]] = subprocess.Popen(hostgen_cmd(words[2:]), stdout=subprocess.PIPE,
                                                      stderr=subprocess.PIPE, text=True,
                                                      preexec_fn=gen_cpu)
                    reply = "ok started"
                elif words[0] in ("wait", "stop") and len(words) == 2 and words[1] in jobs:
                    job = jobs.pop(words[1])
                    if words[0] == "stop":
                        job.send_signal(signal.SIGINT)
                    out, err = job.communicate(timeout=3600)
                    drain()
                    reply = "ok " + out.strip() if out.strip() else "err " + err.strip()
                else:
                    reply = "err unknown request: " + " ".join(words)
            except (ValueError, StopIteration, subprocess.SubprocessError, OSError) as e:
                reply = f"err {e}"
            print(f"> {' '.join(words)}\n< {reply}", flush=True)
            conn.sendall((reply.replace("\n", " ") + "\n").encode())


def main():
    global sock_path, qemu_pid, base, hostgen
    sock_path, qemu_pid, base, hostgen = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    # QEMU makes the socket as it starts; the guest asks nothing before it
    # has booted, so connecting within a minute is enough.
    for _ in range(600):
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock_path)
            break
        except OSError:
            s.close()
            time.sleep(0.1)
    else:
        sys.exit(f"hostd: no {sock_path}")
    serve(s)


if __name__ == "__main__":
    main()
