#!/usr/bin/env bash
# Scan kernel logs for signs of a kernel bug: WARN splats, BUG, Oops, general
# protection faults, lockdep, KASAN, kmemleak and leak reports.
#   kernel-log-check.sh LOG...
# Prints the offending lines and exits 1 when there are any.
set -euo pipefail

bad='WARNING|BUG|Oops|general protection|lockdep|KASAN|kmemleak|[Ll]eak|Call Trace|cut here|refcount_t|page allocation failure|hung_task|blocked for more than|soft lockup|hard LOCKUP|RCU stall|rcu_sched self-detected'

# The same line often stands in both the console and the dmesg copy.
found=$(cat "$@" | tr -d '\r' | grep -E "$bad" | awk '!seen[$0]++' || true)
if [ -n "$found" ]; then
	echo "$found"
	exit 1
fi
