#!/usr/bin/env python3
"""Summarise benchmark samples ("arm metric value" lines) as a Markdown table.

Usage: report.py SAMPLES KERNEL_RELEASE
Every figure is the median of the run's samples, with min and max; where both
the in-tree e1000 and e1k_xdp were measured, the ratio of their medians.
"""
import os
import platform
import statistics
import sys
from collections import defaultdict


def main():
    samples_path, kernel = sys.argv[1], sys.argv[2]
    data = defaultdict(list)
    with open(samples_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            arm, metric, value = parts
            try:
                data[(metric, arm)].append(float(value))
            except ValueError:
                continue
    metrics = sorted({m for m, _ in data})
    arms = sorted({a for _, a in data})

    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    print("# e1k-xdp benchmark\n")
    tcg = os.environ.get("E1K_TCG_THREAD", "single")
    print(f"Guest kernel {kernel}, QEMU TCG ({tcg}-threaded, 2 vCPUs), DUT model e1000; "
          f"host: {platform.machine()}, {os.cpu_count()} cores, {cpu}.")
    print("Each cell: median (min-max) over the interleaved rounds of one run.\n")
    header = ["metric"] + arms
    if "e1000" in arms and "e1k_xdp" in arms:
        header.append("e1k_xdp / e1000")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for m in metrics:
        row = [m]
        med = {}
        for a in arms:
            v = data.get((m, a))
            if not v:
                row.append("-")
                continue
            med[a] = statistics.median(v)
            row.append(f"{med[a]:.1f} ({min(v):.1f}-{max(v):.1f}, n={len(v)})")
        if len(header) > len(arms) + 1:
            if med.get("e1000"):
                row.append(f"{med.get('e1k_xdp', 0) / med['e1000']:.2f}x")
            else:
                row.append("-")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
