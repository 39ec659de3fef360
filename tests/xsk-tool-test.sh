#!/usr/bin/env bash
# The AF_XDP test tool (tests/tools/e1k-xsk) on the host, in copy mode on a
# veth pair of a private network namespace: what its callers rely on apart
# from the driver. No QEMU involved. One "PASS name" / "FAIL name: reason"
# line per test.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
make --no-print-directory -s -C "$here/tools" e1k-xsk e1k-pkt e1k-xsk-faults.so >/dev/null
make --no-print-directory -s -C "$here/bpf" xdp_t_xsk.bpf.o >/dev/null
xsk=$here/tools/e1k-xsk
pkt=$here/tools/e1k-pkt
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

result() { if [ -z "$2" ]; then echo "PASS xsk_tool_$1"; else echo "FAIL xsk_tool_$1: $2"; fi; }
# lines FILE: how many lines FILE has (0 before a background job's
# redirection has created it).
lines() { if [ -e "$1" ]; then grep -c . "$1" || true; else echo 0; fi; }
# wait_lines SECONDS FILE N: until FILE has more than N lines.
wait_lines() {
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[ "$(lines "$2")" -gt "$3" ] && return 0
		sleep 0.1
	done
	return 1
}

# Whoever waits for "bound" may signal at once: SIGUSR1 (print the counts
# so far) must be handled from then on. strace holds the tool for 1 s
# after each write, the "bound" line's included, so a handler installed
# only after that line is printed (as it was) is not there yet when the
# signal comes.
t_counts_on_signal_after_bound() {
	local pid rc=0
	# The namespace's own veth pair, so nothing of the host's is touched.
	# shellcheck disable=SC2016 # $1 is the inner shell's
	unshare -n bash -c '
		ip link add xv0 type veth peer name xv1 && ip link set xv0 up && ip link set xv1 up &&
		exec strace -qq -o /dev/null -e trace=write -e inject=write:delay_exit=1000000 \
			"$1" rxdrop xv0 --copy --count 0 --timeout 30000' _ "$xsk" \
		>"$work/out" 2>"$work/err" &
	pid=$!
	if ! wait_lines 20 "$work/err" 0 || ! grep -q '^bound xv0 queue 0 copy' "$work/err"; then
		result counts_on_signal_after_bound "no 'bound' line: $(head -c 300 "$work/err")"
		kill "$pid" 2>/dev/null || true
		return
	fi
	pkill -USR1 -P "$pid" -x e1k-xsk
	if ! wait_lines 10 "$work/out" 0; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" || rc=$?
		result counts_on_signal_after_bound "no counts after SIGUSR1 (exit $rc: killed by the signal?)"
		return
	fi
	pkill -TERM -P "$pid" -x e1k-xsk
	wait "$pid" || rc=$?
	if [ "$rc" != 0 ]; then
		result counts_on_signal_after_bound "exit $rc after SIGTERM"
	elif ! grep -qx 'rx 0 tx 0 bad 0 secs [0-9.]* dropped 0 rx_ring_full 0 fill_empty [0-9]*' "$work/out" || [ "$(lines "$work/out")" != 2 ]; then
		result counts_on_signal_after_bound "counts: $(tr '\n' '|' <"$work/out")"
	else
		result counts_on_signal_after_bound ""
	fi
}

# txpush --control (the bench's sender): a window per "send RATE MS" line,
# the socket bound across them, each window's counts on its own line, and
# the tool ends with its input. What the peer of the veth captured is
# exactly what the windows said they sent, and paced windows leave the CPU
# idle between frames (the bench's DUT CPU per frame depends on it).
t_control_windows() {
	local out
	# shellcheck disable=SC2016 # the inner shell's variables
	if ! out=$(unshare -n bash -c '
		set -euo pipefail
		xsk=$1 pkt=$2 work=$3
		ip link add xv0 type veth peer name xv1
		ip link set xv0 up
		ip link set xv1 up
		f=$("$pkt" build --dst-mac 02:00:00:00:00:02 --src-mac 02:00:00:00:00:01 \
			--src-ip 10.0.0.1 --dst-ip 10.0.0.2 --dport 9999 --payload 60)
		"$pkt" recv xv1 --count 100000 --timeout 5000 --udp-port 9999 \
			>"$work/cap" 2>"$work/cap.err" &
		cap=$!
		for _ in $(seq 50); do grep -qs listening "$work/cap.err" && break; sleep 0.1; done
		TIMEFORMAT="cpu %U %S"
		{ time { echo "send 100 500"; sleep 1; echo "send 200 500"; sleep 1; } |
			"$xsk" txpush xv0 "$f" --copy --control >"$work/out" 2>"$work/err"; } 2>"$work/cpu"
		wait "$cap"
		echo "captured $(grep -c . "$work/cap" || true)"
		cat "$work/cpu"
	' _ "$xsk" "$pkt" "$work" 2>&1); then
		result control_windows "the run failed: $(echo "$out" | tail -n 2 | tr '\n' ' ') $(cat "$work/err" 2>/dev/null)"
		return
	fi
	local n1 n2 cap cpu
	n1=$(awk 'NR == 1 { print $4 }' "$work/out")
	n2=$(awk 'NR == 2 { print $4 }' "$work/out")
	cap=$(sed -n 's/^captured //p' <<<"$out")
	cpu=$(awk '/^cpu / { print $2 + $3 }' <<<"$out")
	if [ "$(lines "$work/out")" != 2 ]; then
		result control_windows "want 2 counts lines: $(tr '\n' '|' <"$work/out")"
	elif [ "$n1" -lt 45 ] || [ "$n1" -gt 56 ] || [ "$n2" -lt 95 ] || [ "$n2" -gt 106 ]; then
		result control_windows "windows sent $n1 and $n2, want about 50 and 100"
	elif [ "$cap" != $((n1 + n2)) ]; then
		result control_windows "the peer captured $cap frames, the windows said $((n1 + n2))"
	elif ! awk -v c="$cpu" 'BEGIN { exit !(c != "" && c < 0.3) }'; then
		# Paced, it sleeps between frames: a second of windows at
		# 100 and 200 pps takes a few ms of CPU, a spinning tool 1 s.
		result control_windows "paced windows took ${cpu:-?} s of CPU, want < 0.3 (it spins)"
	else
		result control_windows ""
	fi
}

# A kernel that will not give the socket's XDP_STATISTICS (the preload
# makes that getsockopt fail): the counts say "?" for them, not zeros, the
# reason is on stderr, and the run does not succeed. Zeros there would
# read as "the kernel dropped nothing for the socket".
t_stats_unknown_not_zero() {
	local rc=0
	# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
	unshare -n bash -c '
		ip link add xv0 type veth peer name xv1 && ip link set xv0 up && ip link set xv1 up &&
		E1K_XSK_FAULT=no-stats LD_PRELOAD=$2 exec "$1" rxdrop xv0 --copy --count 0 --timeout 300' \
		_ "$xsk" "$here/tools/e1k-xsk-faults.so" >"$work/out" 2>"$work/err" || rc=$?
	if [ "$rc" != 1 ]; then
		result stats_unknown_not_zero "exit $rc, want 1: $(tr '\n' '|' <"$work/err")"
	elif ! grep -qx 'rx 0 tx 0 bad 0 secs [0-9.]* dropped ? rx_ring_full ? fill_empty ?' "$work/out" ||
		[ "$(lines "$work/out")" != 1 ]; then
		result stats_unknown_not_zero "counts: $(tr '\n' '|' <"$work/out")"
	elif ! grep -q '^e1k-xsk: XDP_STATISTICS: Operation not supported$' "$work/err"; then
		result stats_unknown_not_zero "no reason on stderr: $(tr '\n' '|' <"$work/err")"
	else
		result stats_unknown_not_zero ""
	fi
}

# l2fwd, as txpush, ends once what it sent has completed, or says it did
# not: a frame forwarded that never leaves (the preload's no-kick: in copy
# mode nothing else sends it here) fails the run about 1 s after the last
# frame came, with the reason, not silently at the timeout.
t_l2fwd_lost_completion() {
	local out rc ms
	# shellcheck disable=SC2016 # the inner shell's variables
	if ! out=$(unshare -n bash -c '
		set -euo pipefail
		xsk=$1 pkt=$2 obj=$3 so=$4 work=$5
		ip link add xv0 address 02:00:00:00:00:01 type veth peer name xv1
		ip link set xv0 up
		ip link set xv1 up
		ip link set dev xv0 xdpgeneric obj "$obj" sec xdp
		E1K_XSK_FAULT=no-kick LD_PRELOAD=$so "$xsk" l2fwd xv0 --copy --map t_xsks \
			--count 1 --timeout 20000 >"$work/out" 2>"$work/err" &
		pid=$!
		for _ in $(seq 100); do grep -qs "^bound " "$work/err" && break; sleep 0.1; done
		f=$("$pkt" build --dst-mac 02:00:00:00:00:01 \
			--src-mac 02:00:00:00:00:02 --src-ip 10.0.0.2 --dst-ip 10.0.0.1 \
			--dport 9999 --payload 60)
		t0=$(date +%s%N)
		"$pkt" send xv1 "$f"
		rc=0
		wait "$pid" || rc=$?
		echo "rc $rc ms $((($(date +%s%N) - t0) / 1000000))"
	' _ "$xsk" "$pkt" "$here/bpf/xdp_t_xsk.bpf.o" "$here/tools/e1k-xsk-faults.so" "$work" 2>&1); then
		result l2fwd_lost_completion "the run failed: $(echo "$out" | tail -n 2 | tr '\n' ' ')"
		return
	fi
	rc=$(awk '/^rc / { print $2 }' <<<"$out")
	ms=$(awk '/^rc / { print $4 }' <<<"$out")
	if [ "$rc" != 1 ]; then
		result l2fwd_lost_completion "exit ${rc:-?}, want 1: $(tr '\n' '|' <"$work/err")"
	elif ! grep -qx 'rx 1 tx 1 bad 0 secs [0-9.]* dropped 0 rx_ring_full 0 fill_empty [0-9]*' "$work/out"; then
		result l2fwd_lost_completion "counts: $(tr '\n' '|' <"$work/out")"
	elif ! grep -qx 'e1k-xsk: 1 frames sent, 0 completed' "$work/err"; then
		result l2fwd_lost_completion "no reason on stderr: $(tr '\n' '|' <"$work/err")"
	elif [ "$ms" -ge 10000 ]; then
		result l2fwd_lost_completion "it ended $ms ms after the frame, want about 1,000 (not at its 20-s timeout)"
	else
		result l2fwd_lost_completion ""
	fi
}

t_counts_on_signal_after_bound
t_control_windows
t_stats_unknown_not_zero
t_l2fwd_lost_completion
