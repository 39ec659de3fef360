#!/usr/bin/env bash
# Scan guest kernel logs for signs of a bug: WARN splats, BUG, Oops, faults,
# lockdep, KASAN, kmemleak, hung tasks, RCU stalls, DMAR faults, poisoned or
# corrupted memory, tx timeouts and device resets, page_pool pages still in
# flight after unload, netdevs that cannot unregister, segfaulting tools.
#   kernel-log-check.sh LOG...
# Prints each offending line once, prefixed with the suite and test that was
# running when it appeared ("[suite xdp, test drop] ..."), and exits 1 when
# there is any. tests/kernel-log-check-test.sh (`make check`'s host/log_check)
# holds a sample line of each report class, as 6.1 and 6.12 print it, and a
# clean instrumented boot.
#
# The guest writes position marks into the kernel log ("e1k-mark: suite S",
# "e1k-mark: test T"); they are never reports. A test that provokes a
# message on purpose declares it first ("e1k-mark: expect ERE" ...
# "e1k-mark: expect-end"): inside that window lines matching ERE are
# accepted, and so is the "Call Trace" of the stack dump such a line
# starts (it comes at most five lines after it: a fault-injection notice
# and its "name ..." line, or a page allocation failure, then "CPU: ...",
# "Tainted: ...", "Hardware name: ...");
# nothing else is. The window ends at the next test's mark too.
# A final dmesg (the guest's, between E1K-DMESG-BEGIN and -END) that does
# not start at boot fails too: its buffer wrapped and lost records.
set -euo pipefail

# Extended regular expressions, one report class a line. Words that stand
# inside harmless ones are anchored ("DEBUG" is not a BUG).
read -r -d '' bad <<'EOF' || true
WARNING:
(^|[^A-Za-z_])BUG([: ]|$)
Oops
general protection
double fault
Kernel panic
lockdep
possible (recursive|circular) locking
KASAN
kmemleak
UBSAN
[Ll]eak
Call Trace
cut here
refcount_t
page allocation failure
hung_task
blocked for more than
soft lockup
hard LOCKUP
RCU stall
rcu_sched self-detected
rcu: INFO
DMAR:.*fault
DMAR: \[(DMA|INTR-REMAP)
DMA-API
Bad page
[Cc]orrupt
[Pp]oison
pagealloc: (single bit error|memory corruption)
NETDEV WATCHDOG
tx timeout
resetting the device
reset failed
cannot restart
stalled pool shutdown
unregister_netdevice: waiting for
segfault at
e1k-report:
EOF

# Whole lines that name a report class and are none: the instruments of the
# debug kernel (make check-debug) announcing themselves at boot.
read -r -d '' announce <<'EOF' || true
^rcu:[[:space:]]+RCU lockdep checking is enabled\.$
^DMA-API: preallocated [0-9]+ debug entries$
^DMA-API: debugging enabled by kernel config$
^kmemleak: Kernel memory leak detector initialized \(mem pool available: [0-9]+\)$
EOF

awk -v bad="$bad" -v announce="$announce" '
BEGIN {
	n = split(bad, pat, "\n")
	na = split(announce, ann, "\n")
	suite = "boot"; test = "-"; expect = ""; expected_at = -10
}
FNR == 1 { suite = "boot"; test = "-"; expect = ""; expected_at = -10; in_dump = 0; whole = 0 }
{
	sub(/\r$/, "")
	line = $0
	# The text after the printk timestamp, if any.
	text = line
	sub(/^\[ *[0-9.]+\] /, "", text)
	# A final dmesg (guest/init writes it between E1K-DMESG-BEGIN and
	# -END) must start at boot: a buffer that wrapped lost the records
	# before its first, and with them any report the console did not show.
	if (FNR == 1 && line ~ /^E1K-DMESG-BEGIN/) { whole = 1; next }
	if (whole) {
		whole = 0
		if (line !~ /^\[ *0\.000000\] /) {
			printf "[suite ?, test ?] the kernel log buffer wrapped: the final dmesg starts at \"%s\" (raise log_buf_len)\n", line
			found = 1
			# What follows is cut from its context (a stack dump,
			# a window): the console has it whole.
			nextfile
		}
	}
	# The boot command line names instruments (page_poison=...): no report.
	if (text ~ /^(Kernel )?[Cc]ommand line:/) next
	for (i = 1; i <= na; i++)
		if (ann[i] != "" && text ~ ann[i]) next
	if (match(text, /e1k-mark: /)) {
		m = substr(text, RSTART + RLENGTH)
		if (m ~ /^suite /) { suite = substr(m, 7); test = "-"; expect = "" }
		# A window belongs to its test: the next test starts without.
		else if (m ~ /^test /) { test = substr(m, 6); expect = "" }
		else if (m ~ /^expect-end/) expect = ""
		else if (m ~ /^expect /) expect = substr(m, 8)
		next
	}
	if (expect != "" && text ~ expect) { expected_at = FNR; next }
	# The rest of an accepted stack dump: its frames (a function named
	# lockdep_... is no lockdep report; a frame the unwinder could not
	# name is a bare address), registers and context markers, up to the
	# first line that is none of these.
	if (in_dump) {
		if (text ~ /^ *(\? )?[A-Za-z0-9_.]+\+0x[0-9a-f]+\/0x[0-9a-f]+( \[[A-Za-z0-9_]+\])?$/ ||
		    text ~ /^ *(\? )?0x[0-9a-f]+$/ ||
		    text ~ /^ *<\/?(TASK|IRQ|SOFTIRQ|NMI)>$/ ||
		    text ~ /^(RIP|RSP|RAX|RDX|RBP|R10|R13|Code): /)
			next
		in_dump = 0
	}
	hit = 0
	for (i = 1; i <= n; i++)
		if (pat[i] != "" && text ~ pat[i]) { hit = 1; break }
	if (!hit) next
	if (expect != "" && text ~ /^Call Trace:$/ && FNR - expected_at <= 5) { in_dump = 1; next }
	if (seen[text]++) next
	printf "[suite %s, test %s] %s\n", suite, test, text
	found = 1
}
END { exit found ? 1 : 0 }
' "$@"
