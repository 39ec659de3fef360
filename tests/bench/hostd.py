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

Errors are replied as "err REASON"; the guest's suite fails on them.
Link N's ports: QEMU listens on BASE+2N and sends to BASE+2N+1.
"""
import os
import resource
import shlex
import signal
import socket
import subprocess
import sys
import time

sock_path, qemu_pid, base, hostgen = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


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


def thread_cpu():
    """Seconds on CPU per QEMU thread kind, from each thread's schedstat (ns)."""
    out = {"main": 0.0, "vcpu": 0.0, "other": 0.0}
    pid = find_qemu(qemu_pid)
    if pid is None:
        raise OSError(f"no QEMU process under pid {qemu_pid}")
    task_dir = f"/proc/{pid}/task"
    for tid in os.listdir(task_dir):
        try:
            comm = open(f"{task_dir}/{tid}/comm").read().strip()
            ns = int(open(f"{task_dir}/{tid}/schedstat").read().split()[0])
        except OSError:
            continue
        kind = "vcpu" if "TCG" in comm or "CPU" in comm else "main" if comm.startswith("qemu") else "other"
        out[kind] += ns / 1e9
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
