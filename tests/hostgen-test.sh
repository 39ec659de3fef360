#!/usr/bin/env bash
# The benchmark's host-side generator (tests/tools/e1k-hostgen), tested on
# the loopback address against its own reflector, no QEMU involved: exact
# frame counts both ways, tags and checksums on the wire, the frame file
# replayed byte for byte, the peer's unread backlog, and bad arguments
# refused. One "PASS name" / "FAIL name: reason" line per test.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
make --no-print-directory -s -C "$here/tools" e1k-hostgen >/dev/null
gen=$here/tools/e1k-hostgen
pkt=$here/tools/e1k-pkt
make --no-print-directory -s -C "$here/tools" e1k-pkt >/dev/null
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# Two ports of our own: A is the generator's, B the reflector's.
a=$((20000 + ($$ % 10000) * 2)) b=$((20001 + ($$ % 10000) * 2))

result() { if [ -z "$2" ]; then echo "PASS hostgen_$1"; else echo "FAIL hostgen_$1: $2"; fi; }
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }

# reflect_for SECONDS: the reflector on B, in the background, its output in
# $work/reflect.out; returns once its socket is bound.
reflect_for() {
	"$gen" reflect --bind "$b" --peer "$a" --seconds "$1" >"$work/reflect.out" &
	sleep 0.3
}

# Every paced frame comes back (MACs swapped), tagged, with an RTT.
t_udp_roundtrip() {
	reflect_for 3
	local out
	out=$("$gen" run --bind "$a" --peer "$b" --count 2000 --rate 10000)
	wait
	[ "$(field sent "$out")" = 2000 ] || { echo "sent: $out"; return; }
	[ "$(field back "$out")" = 2000 ] || { echo "back: $out"; return; }
	[ "$(field back_bytes "$out")" = 120000 ] || { echo "back_bytes: $out"; return; }
	[ "$(field other "$out")" = 0 ] || { echo "other: $out"; return; }
	awk -v r="$(field rtt_p50_us "$out")" 'BEGIN { exit !(r > 0) }' || { echo "no RTT: $out"; return; }
	grep -qx 'frames=2000 bytes=120000 tagged=2000 reflected=2000' "$work/reflect.out" ||
		echo "reflector: $(cat "$work/reflect.out")"
}

# ICMP echo requests as sent: valid IPv4 and ICMP checksums, sequence and
# tag counting up; the reflector's replies come back and are counted.
t_icmp_on_the_wire() {
	"$gen" count --bind "$b" --peer "$a" --seconds 2 --dump >"$work/icmp.hex" &
	sleep 0.3
	"$gen" run --bind "$a" --peer "$b" --count 5 --icmp --size 98 --linger-ms 0 >/dev/null
	wait
	python3 - "$work/icmp.hex" <<'PY' || true
import sys
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(int.from_bytes(b[i:i+2], "big") for i in range(0, len(b), 2))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return s
frames = [bytes.fromhex(l) for l in open(sys.argv[1]).read().split("\n")[:-1] if l and "=" not in l]
if len(frames) != 5: print(f"{len(frames)} frames captured"); sys.exit()
for i, f in enumerate(frames):
    ip, icmp = f[14:34], f[34:]
    if len(f) != 98 or f[12:14] != b"\x08\x00" or ip[9] != 1: print(f"frame {i}: not ICMP/98 bytes"); sys.exit()
    if csum(ip) != 0xffff or csum(icmp) != 0xffff: print(f"frame {i}: bad checksum"); sys.exit()
    if icmp[0] != 8 or int.from_bytes(icmp[6:8], "big") != i: print(f"frame {i}: not echo request seq {i}"); sys.exit()
    if icmp[8:12] != bytes.fromhex("e1c0ffee") or int.from_bytes(icmp[12:16], "big") != i: print(f"frame {i}: bad tag"); sys.exit()
PY
	reflect_for 3
	local out
	out=$("$gen" run --bind "$a" --peer "$b" --count 300 --rate 3000 --icmp)
	wait
	[ "$(field back "$out")" = 300 ] || echo "echo replies: $out"
}

# A frame file is sent in turn, byte for byte, untagged.
t_frame_file() {
	local f=$work/frames.hex i
	for i in 1 2 3; do
		"$pkt" build --dst-mac 52:54:00:e1:00:01 --src-mac 52:54:00:e1:00:10 \
			--src-ip 10.11.0.100 --dst-ip 10.11.0.1 --sport "$i" --dport 9999 \
			--payload $((10 * i))
	done >"$f"
	"$gen" count --bind "$b" --peer "$a" --seconds 2 --dump >"$work/got.hex" &
	sleep 0.3
	"$gen" run --bind "$a" --peer "$b" --count 7 --frames "$f" --linger-ms 0 >/dev/null
	wait
	cat "$f" "$f" "$f" | head -n 7 >"$work/want.hex"
	grep -v '=' "$work/got.hex" | cmp -s - "$work/want.hex" || echo "the frames on the wire differ from the file"
}

# SIGINT ends the sending; the report that follows counts every frame that
# left (the counter on the other end saw exactly as many).
t_stop_on_signal() {
	"$gen" count --bind "$b" --peer "$a" --seconds 3 >"$work/count.out" &
	local cnt=$! out
	sleep 0.3
	"$gen" run --bind "$a" --peer "$b" --rate 2000 --seconds 100 --linger-ms 0 >"$work/run.out" &
	sleep 1
	kill -INT $!
	wait $!
	wait "$cnt"
	out=$(cat "$work/run.out")
	[ -n "$out" ] || { echo "no report after SIGINT"; return; }
	grep -qx "frames=$(field sent "$out") bytes=.* tagged=$(field sent "$out") reflected=0" "$work/count.out" ||
		echo "sent $(field sent "$out"), the other end: $(cat "$work/count.out")"
}

# Frames of an earlier run that come back late are not this run's: the
# reflector is stopped while run one sends 100 frames (they wait in its
# socket), then resumed while run two, which sends 50, is under way: run
# two counts its 50 back and the 100 as others.
t_counts_only_its_run() {
	"$gen" reflect --bind "$b" --peer "$a" --seconds 6 >"$work/reflect.out" &
	local refl=$! out
	sleep 0.3
	kill -STOP "$refl"
	"$gen" run --bind "$a" --peer "$b" --count 100 --rate 5000 --linger-ms 0 >/dev/null
	sleep 0.2
	"$gen" run --bind "$a" --peer "$b" --count 50 --rate 100 >"$work/run.out" &
	sleep 0.1
	kill -CONT "$refl"
	wait $!
	wait "$refl"
	out=$(cat "$work/run.out")
	[ "$(field back "$out")" = 50 ] || { echo "back: $out"; return; }
	[ "$(field other "$out")" = 100 ] || echo "the late frames were not set apart: $out"
}

# Bad arguments: exit 2 with a message naming the problem, nothing sent.
# What the peer's socket still held when the sending stopped: a peer that
# reads nothing holds every frame (the receive buffer counts each small
# datagram's whole buffer, more than its 60 bytes); one that reads holds
# less than the run sent.
t_peer_backlog() {
	local out q
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
time.sleep(3)' "$b" &
	sleep 0.3
	out=$("$gen" run --bind "$a" --peer "$b" --count 100 --rate 10000 --linger-ms 0)
	q=$(field peer_backlog_bytes "$out")
	wait
	if [ -z "$q" ] || [ "$q" -lt 6000 ]; then echo "a peer that reads nothing: $out"; return; fi
	reflect_for 3
	out=$("$gen" run --bind "$a" --peer "$b" --count 100 --rate 10000 --linger-ms 300)
	q=$(field peer_backlog_bytes "$out")
	wait
	[ "$(field back "$out")" = 100 ] || { echo "the reflector: $out"; return; }
	if [ -z "$q" ] || [ "$q" -ge 6000 ]; then echo "a peer that reads: $out"; fi
}

t_bad_args() {
	local msg rc
	for args in "run --bind $a --count 1" "run --bind $a --peer $b --size 59 --count 1" \
		"run --bind $a --peer $b --dst-mac 52:54:00 --count 1" "run --bind $a --peer $b" \
		"run --bind $a --peer $b --count 1 --frames /nonexistent" "fly --bind $a --peer $b --count 1"; do
		rc=0
		# shellcheck disable=SC2086 # the words are the arguments
		msg=$("$gen" $args 2>&1 >/dev/null) || rc=$?
		if [ "$rc" != 2 ] || [ -z "$msg" ]; then echo "'$args': exit $rc, '$msg'"; return; fi
	done
}

for t in udp_roundtrip icmp_on_the_wire frame_file stop_on_signal counts_only_its_run peer_backlog \
	bad_args; do
	result "$t" "$("t_$t" 2>&1 | head -n 1)"
done
