#!/usr/bin/env python3
"""Turn the benchmark's samples into the Markdown report and the plot data.

Usage: report.py SAMPLES KERNEL_RELEASE PLOT_DATA > latest.md

SAMPLES holds "arm metric value" lines (tests/vm/t_bench.sh), one per
measurement of one round. Every cell is the median over the rounds with the
min and max; the goals compare medians of arms measured in the same run.
PLOT_DATA is written for tests/bench/plot.gp (one row per XDP_DROP arm).
"""
import os
import platform
import statistics
import sys
from collections import defaultdict

DROP_ARMS = [
    ("e1k_xdp_native", "e1k_xdp, native XDP"),
    ("e1k_xdp_skb", "e1k_xdp, skb-mode XDP"),
    ("e1000_generic", "in-tree e1000, generic XDP"),
    ("e1k_xdp_stack", "e1k_xdp, no program (stack drops)"),
    ("e1000_stack", "in-tree e1000, no program (stack drops)"),
]
TXSWAP_ARMS = [
    ("e1k_xdp_native", "e1k_xdp, native XDP_TX"),
    ("e1000_generic", "in-tree e1000, generic XDP_TX"),
]
ECHO_ARMS = [
    ("e1k_xdp_native_echo", "e1k_xdp, native xdp_icmp_echo"),
    ("e1000_generic_echo", "in-tree e1000, generic xdp_icmp_echo"),
    ("e1k_xdp_kernel", "e1k_xdp, kernel echo reply"),
    ("e1000_kernel", "in-tree e1000, kernel echo reply"),
]
IPERF_ARMS = [
    ("e1k_xdp", "e1k_xdp, no program"),
    ("e1k_xdp_pass", "e1k_xdp, native XDP_PASS program"),
    ("e1000", "in-tree e1000, no program"),
]
SWAP_ARMS = [
    ("e1k_xdp_native", "e1k_xdp, native"),
    ("e1000_generic", "in-tree e1000, generic"),
]


class Samples:
    def __init__(self, path):
        self.data = defaultdict(list)
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) != 3:
                    continue
                try:
                    self.data[(parts[0], parts[1])].append(float(parts[2]))
                except ValueError:
                    continue

    def values(self, arm, metric):
        return self.data.get((arm, metric), [])

    def median(self, arm, metric):
        v = self.values(arm, metric)
        return statistics.median(v) if v else None

    def cell(self, arm, metric, digits=0):
        v = self.values(arm, metric)
        if not v:
            return "-"
        med = statistics.median(v)
        if len(v) == 1:
            return f"{med:,.{digits}f}"
        return f"{med:,.{digits}f} ({min(v):,.{digits}f}-{max(v):,.{digits}f})"

    def loads(self):
        """The drop loads measured: 'max' first, then the fixed ones."""
        found = set()
        for _, metric in self.data:
            if metric.startswith("drop_") and metric.endswith("_offered_pps"):
                found.add(metric[len("drop_"):-len("_offered_pps")])
        fixed = sorted((x for x in found if x != "max"), key=int)
        return (["max"] if "max" in found else []) + fixed


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt_ratio(r):
    return "-" if r is None else f"{r:.2f}x"


def machine_line(kernel):
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    tcg = os.environ.get("E1K_TCG_THREAD", "single")
    return (f"Guest kernel {kernel}, QEMU TCG ({tcg}-threaded, 2 vCPUs), DUT model "
            f"e1000 (82540EM), peer virtio-net on the same QEMU hub; host: "
            f"{platform.machine()}, {os.cpu_count()} cores, {cpu}.")


def drop_section(s):
    rows = []
    for load in s.loads():
        for arm, label in DROP_ARMS:
            if not s.values(arm, f"drop_{load}_pps"):
                continue
            rows.append([
                label, "max" if load == "max" else f"{int(load):,}",
                s.cell(arm, f"drop_{load}_offered_pps"),
                s.cell(arm, f"drop_{load}_pps"),
                s.cell(arm, f"drop_{load}_cpu_ns"),
                s.cell(arm, f"drop_{load}_regw_per_kpkt", 1),
            ])
    return table(["arm", "offered load (pps)", "offered (pps)", "dropped (pps)",
                  "DUT CPU ns/pkt", "register writes / 1000 pkts"], rows)


def xdp_tx_section(s):
    swap = table(["arm", "offered (pps)", "reflected (pps)", "DUT CPU ns/pkt"], [
        [label, s.cell(arm, "txswap_offered_pps"), s.cell(arm, "txswap_pps"),
         s.cell(arm, "txswap_cpu_ns")]
        for arm, label in TXSWAP_ARMS if s.values(arm, "txswap_pps")])
    echo = table(["arm", "requests offered (pps)", "replies (pps)", "DUT CPU ns/reply",
                  "DUT CPU busy (%)", "generator CPU busy (%)", "ping RTT p50 (us)",
                  "ping RTT p99 (us)", "in the DUT, p50 (us)"], [
        [label, s.cell(arm, "echo_offered_pps"), s.cell(arm, "echo_pps"),
         s.cell(arm, "echo_cpu_ns"), s.cell(arm, "echo_dut_busy_pct"),
         s.cell(arm, "echo_gen_busy_pct"), s.cell(arm, "rtt_p50_us"),
         s.cell(arm, "rtt_p99_us"), s.cell(arm, "rtt_dut_p50_us")]
        for arm, label in ECHO_ARMS if s.values(arm, "echo_pps")])
    return swap, echo


def iperf_section(s):
    return table(["arm", "TCP peer -> DUT (Mbit/s)", "TCP DUT -> peer (Mbit/s)"], [
        [label, s.cell(arm, "tcp_rx_mbps", 1), s.cell(arm, "tcp_tx_mbps", 1)]
        for arm, label in IPERF_ARMS if s.values(arm, "tcp_rx_mbps")])


def swap_section(s):
    rows = []
    for arm, label in SWAP_ARMS:
        lost = s.values(arm, "swap_lost")
        if not lost:
            continue
        rows.append([label, str(len(lost)), s.cell(arm, "swap_offered"),
                     f"{sum(lost):,.0f} (max {max(lost):,.0f} in a round)",
                     s.cell(arm, "swap_hw_missed")])
    return table(["arm", "rounds", "frames offered per round", "frames lost, all rounds",
                  "NIC missed (no buffer) per round"], rows)


# A generator CPU this busy is saturated: the offered rate is its ceiling.
GEN_SATURATED_PCT = 90


def fmt_pct(v):
    return "-" if v is None else f"{v:.0f}%"


def at_ceiling(s, arm):
    """An echo arm ran at the emulator's ceiling: the generator's CPU was
    saturated and the DUT answered (nearly) every request it was offered."""
    gen = s.median(arm, "echo_gen_busy_pct")
    offered, replies = s.median(arm, "echo_offered_pps"), s.median(arm, "echo_pps")
    return (gen is not None and offered and replies is not None and
            gen >= GEN_SATURATED_PCT and replies >= 0.98 * offered)


def goals(s):
    """(goal, measured, met) rows; met is None where an arm is missing."""
    out = []

    def add(goal, measured, met):
        out.append([goal, measured, "-" if met is None else ("yes" if met else "**no**")])

    cpu_r = ratio(s.median("e1k_xdp_native", "drop_max_cpu_ns"),
                  s.median("e1000_generic", "drop_max_cpu_ns"))
    add("XDP_DROP: DUT CPU per packet <= 0.2x generic XDP (in-tree e1000)",
        fmt_ratio(cpu_r), None if cpu_r is None else cpu_r <= 0.2)

    native_pps = s.median("e1k_xdp_native", "drop_max_pps")
    pps_r = ratio(native_pps, s.median("e1000_generic", "drop_max_pps"))
    # At the ceiling, the generator's CPU (which also runs the device
    # emulation its sends set off) is saturated while the DUT's is not.
    gen = s.median("e1k_xdp_native", "drop_max_gen_busy_pct")
    dut = s.median("e1k_xdp_native", "drop_max_dut_busy_pct")
    met = None
    if pps_r is not None:
        met = pps_r >= 2.0 or (gen is not None and dut is not None and
                               gen >= GEN_SATURATED_PCT and dut <= 50)
    add("XDP_DROP: delivered pps >= 2x generic XDP, or the emulator's ceiling with "
        "the DUT CPU at least half idle",
        f"{fmt_ratio(pps_r)}; generator CPU {fmt_pct(gen)} busy, DUT CPU {fmt_pct(dut)} busy",
        met)

    # Reflection against the kernel's echo reply, on the in-tree e1000 and on
    # e1k_xdp. When the generator is saturated and every request is answered
    # in both arms, the reply rate is the emulator's ceiling, not the DUT's:
    # then what the DUT can reflect is bounded by its CPU time per reply, and
    # the goal is read as reply capacity per DUT CPU-second, >= 3x the kernel's.
    for base, name in (("e1000_kernel", "in-tree e1000"), ("e1k_xdp_kernel", "e1k_xdp")):
        rate_r = ratio(s.median("e1k_xdp_native_echo", "echo_pps"), s.median(base, "echo_pps"))
        cpu_r = ratio(s.median(base, "echo_cpu_ns"), s.median("e1k_xdp_native_echo", "echo_cpu_ns"))
        ceiling = all(at_ceiling(s, arm) for arm in ("e1k_xdp_native_echo", base))
        met = None
        if rate_r is not None:
            met = rate_r >= 3.0 or (ceiling and cpu_r is not None and cpu_r >= 3.0)
        add(f"XDP_TX ICMP reflection >= 3x the kernel's echo-reply rate ({name}), or at "
            "the emulator's ceiling >= 3x its replies per DUT CPU-second",
            f"rate {fmt_ratio(rate_r)} ({'at' if ceiling else 'not at'} the ceiling: "
            f"generator CPU {fmt_pct(s.median(base, 'echo_gen_busy_pct'))} / "
            f"{fmt_pct(s.median('e1k_xdp_native_echo', 'echo_gen_busy_pct'))} busy, every "
            f"request answered: {'yes' if ceiling else 'no'}); replies per DUT CPU-second "
            f"{fmt_ratio(cpu_r)}", met)

    for base, name in (("e1000_kernel", "in-tree e1000"), ("e1k_xdp_kernel", "e1k_xdp")):
        rtt_r = ratio(s.median("e1k_xdp_native_echo", "rtt_p50_us"), s.median(base, "rtt_p50_us"))
        add(f"XDP_TX ICMP reflection: ping RTT p50 <= 0.7x the kernel's ({name})",
            fmt_ratio(rtt_r), None if rtt_r is None else rtt_r <= 0.7)

    for way, metric in (("peer -> DUT", "tcp_rx_mbps"), ("DUT -> peer", "tcp_tx_mbps")):
        p = ratio(s.median("e1k_xdp_pass", metric), s.median("e1k_xdp", metric))
        t = ratio(s.median("e1k_xdp_pass", metric), s.median("e1000", metric))
        add(f"iperf3 {way} with XDP_PASS >= 0.95x no program", fmt_ratio(p),
            None if p is None else p >= 0.95)
        add(f"iperf3 {way} with XDP_PASS >= the in-tree e1000", fmt_ratio(t),
            None if t is None else t >= 1.0)

    lost = s.values("e1k_xdp_native", "swap_lost")
    add("0 frames lost to program swaps (e1k_xdp native)",
        "-" if not lost else f"{sum(lost):,.0f} lost", None if not lost else sum(lost) == 0)
    return out


def rtt_paragraph(s):
    """What a ping's round trip is made of: the part spent in the DUT (from
    its interrupt to its transmit, traced) against the whole."""
    xdp_rtt = s.median("e1k_xdp_native_echo", "rtt_p50_us")
    xdp_in = s.median("e1k_xdp_native_echo", "rtt_dut_p50_us")
    if None in (xdp_rtt, xdp_in):
        return ""
    parts = []
    for arm, name in (("e1k_xdp_kernel", "e1k_xdp"), ("e1000_kernel", "the in-tree e1000")):
        rtt, inside = s.median(arm, "rtt_p50_us"), s.median(arm, "rtt_dut_p50_us")
        if None in (rtt, inside):
            continue
        parts.append(f"the kernel's echo reply on {name} spends {inside:,.0f} us of its "
                     f"{rtt:,.0f} us there; with no time in the DUT at all its round trip "
                     f"would still be {rtt - inside:,.0f} us, {(rtt - inside) / rtt:.2f}x")
    return ("What limits the RTT: the time a ping spends in the DUT, from the DUT's "
            "interrupt to its driver handing the reply to the NIC (traced with a kprobe, "
            "100 pings, median), against the whole round trip. The reflector spends "
            f"{xdp_in:,.0f} us of its {xdp_rtt:,.0f} us in the DUT; " + "; ".join(parts) +
            ". Whatever the DUT saves can only come off its own part: the rest is the peer "
            "and the emulator carrying the frames and waking the halted vCPUs (under "
            "single-threaded TCG one host thread runs both vCPUs and every device model "
            "in turn), and it bounds the ratio that any reflector can reach on this bed.\n")


def write_plot_data(s, path):
    """XDP_DROP at maximum load, one row per arm: label, dropped pps median,
    min, max, then DUT CPU ns/pkt median, min, max."""
    with open(path, "w") as f:
        f.write("# arm pps pps_min pps_max cpu_ns cpu_min cpu_max\n")
        for arm, label in DROP_ARMS:
            p, c = s.values(arm, "drop_max_pps"), s.values(arm, "drop_max_cpu_ns")
            if not p or not c:
                continue
            short = label.replace("in-tree ", "").replace(", no program (stack drops)",
                                                             "\\nstack drop")
            short = short.replace("skb-mode", "skb").replace(", ", "\\n")
            f.write(f'"{short}" {statistics.median(p):.0f} {min(p):.0f} {max(p):.0f} '
                    f'{statistics.median(c):.0f} {min(c):.0f} {max(c):.0f}\n')


def main():
    samples_path, kernel, plot_path = sys.argv[1], sys.argv[2], sys.argv[3]
    s = Samples(samples_path)
    write_plot_data(s, plot_path)
    rounds = max(len(s.values("e1k_xdp", "tcp_rx_mbps")), len(s.values("e1000", "tcp_rx_mbps")))
    swap, echo = xdp_tx_section(s)
    offered_native = s.median("e1k_xdp_native", "drop_max_offered_pps")
    offered_generic = s.median("e1000_generic", "drop_max_offered_pps")

    print("# e1k-xdp benchmark\n")
    if os.environ.get("BENCH_INCOMPLETE"):
        print(f"**Incomplete run:** {os.environ['BENCH_INCOMPLETE']}. The figures below are "
              "the rounds that were measured.\n")
    print(machine_line(kernel))
    print(f"{rounds} interleaved rounds in one VM run (`make bench`); each cell is the "
          "median (min-max) over the rounds. DUT CPU is the busy time of the CPU that "
          "takes the DUT's interrupt, per frame counted (the peer's interrupts and its generator are on the other CPU).\n")
    stalls = s.median("run", "stalls_recovered")
    if stalls:
        print(f"The peer's queue stalled in the emulator {stalls:.0f} time(s) in this run; "
              "each time that round's figures were dropped, the peer's NIC was reset and "
              "the round was run again.\n")
    print("![XDP_DROP at maximum offered load](latest.svg)\n")
    print("## Goals\n")
    print(table(["goal", "measured", "met"], goals(s)) + "\n")
    print("## 1. XDP_DROP\n")
    print("60-byte UDP frames from pktgen on the peer, at the maximum rate it reaches "
          "and at fixed rates. 'Dropped' counts the program's XDP_DROP verdicts, or "
          "for the stack arms UDP NoPorts (the stack dropped the datagram).\n")
    print(drop_section(s) + "\n")
    print("## 2. XDP_TX\n")
    print("MAC-swap reflection (`xdp_tx.bpf.o`) of pktgen's frames at maximum load, as "
          "the peer's NIC received them:\n")
    print(swap + "\n")
    print("ICMP echo: the peer floods echo requests from a raw socket (e1k-pkt) and "
          "counts the replies its NIC receives; RTT from 200 pings 10 ms apart:\n")
    print(echo + "\n")
    print("## 3. iperf3 TCP\n")
    print(iperf_section(s) + "\n")
    print("## 4. Program swaps under a flood\n")
    changes = s.median("e1k_xdp_native", "swap_changes") or 0
    print("A steady 5,000 pps flood while drop, pass and no program take turns "
          f"(`ip -force link set ... xdp`), {changes:.0f} changes per round; every frame "
          "the peer sent must be dropped by the program or reach the stack (UDP NoPorts).\n")
    print(swap_section(s) + "\n")
    print("## 5. The emulator's ceiling\n")
    print(table(["arm (XDP_DROP, maximum load)", "offered (pps)", "DUT CPU busy (%)",
                 "generator CPU busy (%)"], [
        [label, s.cell(arm, "drop_max_offered_pps"), s.cell(arm, "drop_max_dut_busy_pct"),
         s.cell(arm, "drop_max_gen_busy_pct")]
        for arm, label in DROP_ARMS if s.values(arm, "drop_max_pps")]) + "\n")
    print("The hub holds a sender back while the receiver has no room, so no arm loses "
          "frames: offered equals delivered, and the offered rate is what the DUT lets "
          "the whole system reach. Where the generator's CPU is saturated and the DUT's "
          "is not, the generator and the emulation behind it are the limit: the "
          f"emulator's ceiling for this setup (native XDP_DROP: {offered_native or 0:,.0f} "
          f"frames/s offered; generic XDP on the in-tree e1000: {offered_generic or 0:,.0f}).\n")
    print("Why there is a ceiling: under TCG (no KVM) QEMU runs both vCPUs and the "
          "device models on one host thread (single-threaded TCG, as the bed uses to "
          "stay correct under program swaps). The peer's pktgen, the virtio-net and "
          "e1000 device models and the DUT's driver all spend the same host CPU time, "
          "so every cycle the DUT's receive path saves goes to the generator, which "
          "then offers more. Delivered rates therefore measure the whole emulated "
          "system; the DUT CPU time per frame (and the register writes, each a trap "
          "into the device model) isolate what the driver itself costs.\n")
    print(rtt_paragraph(s))


if __name__ == "__main__":
    main()
