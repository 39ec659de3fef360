#!/bin/sh
# shellcheck shell=sh
# AF_XDP on the DUT's queue 0 with e1k-xsk (tests/tools, libxdp's xsk API)
# and the test program xdp_t_xsk.bpf.o, which sends the tests' UDP frames
# (port 9999) to the queue's socket and everything else to the stack:
# zero-copy (e1k_xdp's own), copy mode over native XDP, and copy mode over
# generic XDP; with and without need-wakeup. Every frame's bytes are
# checked, and the counts are exact.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

net_setup "$E1K_DRIVER"
static_neighbours
N=200
XSK=$E1K/bin/e1k-xsk
# The sockets' UMEM, in frames (pages). Binding maps it and unbinding
# unmaps it a page at a time in the core (xp_dma_map, __xp_dma_unmap), with
# no point where the task may be rescheduled: on the debug kernel about
# 1 ms a page under TCG, so e1k-xsk's default 4,096 pages held a CPU for
# seconds, and with the host loaded beyond make check-debug's two guests
# for over the soft-lockup watchdog's 20 s
# (scripts/repro-xsk-map-lockup.sh, README: Troubleshooting). A ring's
# worth of frames is all a test here needs: 1,024 pages take a fifth of
# the time. XSK_FRAMES=4096 (vm-run.sh --env) brings the default back.
XSK_FRAMES=${XSK_FRAMES:-1024}
# xsk_cmd TOOL ARGS...: e1k-xsk with the tests' UMEM, in the foreground
# (xsk_bg starts it itself, so that $! is e1k-xsk's own pid).
xsk_cmd() { "$XSK" "$@" --frames "$XSK_FRAMES"; }
PROG=$TOBJ/xdp_t_xsk.bpf.o
FRAME=$(test_frame --payload 100)
# Where e1k-xsk txpush numbers its frames: the first 4 bytes of the UDP
# payload (Ethernet, IPv4 and UDP headers: 42 bytes). UDP checksum 0.
SEQ_OFF=42
ZC=0
[ "$DUT_DRIVER" = e1k_xdp ] && ZC=1

# xsk_bg OUT TOOL ARGS...: e1k-xsk TOOL on the DUT in the background, its
# stdout in OUT, once it says it is bound ($XSK_PID, also in /tmp/xsk.pid;
# its stderr in OUT.err). One at a time: one a failed test left is stopped
# first.
xsk_bg() {
	_out=$1 _tool=$2
	shift 2
	xsk_reap
	_u0=$(zc_unbinds)
	# The last socket's pool leaves the queue after an RCU grace period
	# and a work item (a copy-mode one says nothing when): busy until then.
	_try=0
	while :; do
		rm -f "$_out" "$_out.err"
		"$XSK" "$_tool" "$DUT" "$@" --frames "$XSK_FRAMES" >"$_out" 2>"$_out.err" & # lint: every caller gives --timeout
		XSK_PID=$!
		echo "$XSK_PID" >/tmp/xsk.pid
		wait_for 5 xsk_bound_or_gone || true
		grep -q "^bound " "$_out.err" && return 0
		_try=$((_try + 1))
		if [ $_try -ge 20 ] || ! grep -q "Device or resource busy" "$_out.err"; then
			break
		fi
		sleep 0.1
	done
	cat "$_out.err" >&2
	return 1
}
xsk_bound_or_gone() { grep -q "^bound " "$_out.err" 2>/dev/null || ! kill -0 "$XSK_PID" 2>/dev/null; }
# xsk_reap: stop the e1k-xsk of /tmp/xsk.pid, if it still runs.
xsk_reap() {
	[ -f /tmp/xsk.pid ] || return 0
	_rp=$(cat /tmp/xsk.pid)
	rm -f /tmp/xsk.pid
	kill "$_rp" 2>/dev/null || return 0
	wait_for 5 xsk_dead "$_rp"
}
xsk_dead() { ! kill -0 "$1" 2>/dev/null; }
# xsk_wait: e1k-xsk ends by itself, with exit status 0; then xsk_gone.
xsk_wait() {
	_rc=0
	wait "$XSK_PID" || _rc=$?
	rm -f /tmp/xsk.pid
	[ "$_rc" = 0 ] || {
		echo "e1k-xsk failed (exit $_rc): $(cat /tmp/xsk.out /tmp/xsk.out.err | tr '\n' ' ')" >&2
		return 1
	}
	xsk_gone
}
# xsk_stop: stop e1k-xsk; then xsk_gone.
xsk_stop() {
	kill "$XSK_PID" 2>/dev/null || true
	wait "$XSK_PID" 2>/dev/null || true
	rm -f /tmp/xsk.pid
	xsk_gone
}
# xsk_gone: a zero-copy socket's unbinding is the kernel's deferred work:
# wait until the driver says it is done (a new socket on the queue would be
# refused meanwhile).
xsk_gone() {
	grep -q "zerocopy\$" /tmp/xsk.out.err 2>/dev/null || return 0
	wait_for 5 zc_unbound || { echo "the zero-copy socket was not unbound" >&2; return 1; }
}
# zc_unbinds: how often the driver has said a socket left (during
# unregister_netdev the kernel says "eth0 (unregistering): ...").
zc_unbinds() {
	dmesg | grep -cE "$DUT( \(unregistering\))?: AF_XDP zero-copy socket unbound" || true
}
zc_unbound() { [ "$(zc_unbinds)" -gt "$_u0" ]; }
# bound_as WANT: the socket bound in mode WANT (zerocopy or copy).
bound_as() {
	grep -q "^bound $DUT queue 0 $1\$" /tmp/xsk.out.err || {
		echo "bound as: $(cat /tmp/xsk.out.err), want $1" >&2
		return 1
	}
}

# prog_for MODE: the XDP program, natively or (skb) in generic mode.
prog_for() {
	case "$1" in
	skb) ip -force link set dev "$DUT" xdpgeneric obj "$PROG" sec xdp ;;
	*) xdp_attach "$PROG" ;;
	esac
}
prog_off() {
	ip link set dev "$DUT" xdpgeneric off
	ip link set dev "$DUT" xdpdrv off 2>/dev/null || true
}
# bind_flag MODE: e1k-xsk's flag for a socket of MODE (zc, copy, skb).
bind_flag() {
	case "$1" in
	zc) echo --zc ;;
	*) echo --copy ;;
	esac
}
bound_word() { if [ "$1" = zc ]; then echo zerocopy; else echo copy; fi; }

# rxdrop MODE WAKEUP [first]: N frames from the peer reach the socket, each
# byte for byte as sent, and nothing else does. With "first", one frame
# goes ahead alone until the socket has it (see zc_small_umem): N + 1.
rxdrop() {
	_n=$N
	[ "${3:-}" != first ] || _n=$((N + 1))
	prog_for "$1"
	xsk_bg /tmp/xsk.out rxdrop "$(bind_flag "$1")" "$2" --map t_xsks \
		--count $_n --timeout 20000 --expect "$FRAME"
	bound_as "$(bound_word "$1")"
	if [ "$_n" != $N ]; then
		in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$FRAME" --count 1
		wait_for 5 xsk_received 1 || { echo "the first frame did not arrive" >&2; return 1; }
	fi
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$FRAME" --count $N --rate 1000
	xsk_wait
	prog_off
	grep -q "^rx $_n tx 0 bad 0 " /tmp/xsk.out || { cat /tmp/xsk.out >&2; return 1; }
	# The stack still has the rest (ARP, ping) meanwhile.
	ping_all peer 3 "$DUT_IP4"
}
xsk_received() { [ "$(xsk_counts_now /tmp/xsk.out /tmp/xsk.out.err 2)" -ge "$1" ]; }

# txpush MODE WAKEUP: the peer receives the N numbered frames the socket
# sends, in order, byte for byte.
txpush() {
	_f=$(reply_frame --payload 100 --udp-csum0)
	rm -f /tmp/peer.err
	in_peer "$E1K/bin/e1k-pkt" recv "$PEER_IF" --count $N --timeout 20000 \
		--udp-port 9999 >/tmp/peer.out 2>/tmp/peer.err &
	_cap=$!
	wait_for 3 grep -qs listening /tmp/peer.err
	prog_for "$1"
	xsk_bg /tmp/xsk.out txpush "$_f" "$(bind_flag "$1")" "$2" --count $N \
		--seq-offset $SEQ_OFF --rate 1000 --timeout 20000
	bound_as "$(bound_word "$1")"
	xsk_wait
	wait "$_cap" || true
	prog_off
	grep -q "^rx 0 tx $N bad 0 " /tmp/xsk.out || { cat /tmp/xsk.out >&2; return 1; }
	_n=$(lines /tmp/peer.out)
	[ "$_n" -eq $N ] || { echo "the peer got $_n of $N frames $(grep -h dropped /tmp/peer.err)" >&2; return 1; }
	numbered_frames "$_f" $N >/tmp/want.out
	cmp -s /tmp/peer.out /tmp/want.out || {
		echo "frames differ or out of order: $(cmp /tmp/peer.out /tmp/want.out 2>&1 | head -n 1)" >&2
		return 1
	}
}
# numbered_frames HEX N: HEX N times, the i-th with i (32 bits, big-endian)
# at byte SEQ_OFF, as txpush sends them.
numbered_frames() {
	awk -v f="$1" -v n="$2" -v o=$((SEQ_OFF * 2)) 'BEGIN {
		for (i = 0; i < n; i++)
			printf "%s%08x%s\n", substr(f, 1, o), i, substr(f, o + 9)
	}'
}

# l2fwd MODE WAKEUP: N frames from the peer come back with their MACs
# swapped, every byte otherwise as sent.
l2fwd() {
	prog_for "$1"
	xsk_bg /tmp/xsk.out l2fwd "$(bind_flag "$1")" "$2" --map t_xsks \
		--count $N --timeout 20000 --expect "$FRAME"
	bound_as "$(bound_word "$1")"
	_got=$(in_peer "$E1K/bin/e1k-pkt" xchg "$PEER_IF" "$FRAME" --count $N \
		--timeout 20000 --udp-port 9999)
	xsk_wait
	prog_off
	grep -q "^rx $N tx $N bad 0 " /tmp/xsk.out || { cat /tmp/xsk.out >&2; return 1; }
	_n=$(echo "$_got" | lines)
	[ "$_n" -eq $N ] || { echo "$_n of $N frames came back" >&2; return 1; }
	[ "$(echo "$_got" | sort -u)" = "$(reply_frame --payload 100)" ] || {
		echo "a frame came back changed" >&2
		return 1
	}
}

modes="copy skb"
[ "$ZC" = 1 ] && modes="zc copy skb"
for m in $modes; do
	for w in wakeup no_wakeup; do
		flag=--wakeup
		[ "$w" = no_wakeup ] && flag=--no-wakeup
		check "xsk_rxdrop_${m}_$w" "AF_XDP rxdrop ($m, $w) lost or changed frames" rxdrop "$m" "$flag"
		check "xsk_txpush_${m}_$w" "AF_XDP txpush ($m, $w): the peer did not get every frame in order" txpush "$m" "$flag"
		check "xsk_l2fwd_${m}_$w" "AF_XDP l2fwd ($m, $w) lost or changed frames" l2fwd "$m" "$flag"
	done
done

[ "$ZC" = 1 ] || exit 0
# --- zero-copy only (e1k_xdp) ----------------------------------------------

# zc_idle: a zero-copy socket bound to queue 0 that takes no frames (no
# program sends it any), in the background until xsk_stop.
zc_idle() {
	xsk_bg /tmp/xsk.out rxdrop --zc --count 0 --timeout 600000
	bound_as zerocopy
}

# bind_cycles N PAUSE: an idle zero-copy socket bound and unbound N
# times, PAUSE seconds after each bind and each unbind.
bind_cycles() {
	_b=0
	while [ $_b -lt "$1" ]; do
		zc_idle
		sleep "$2"
		xsk_stop
		sleep "$2"
		_b=$((_b + 1))
	done
}

# Every verdict on UMEM frames: TX sends the frame from the UMEM and the
# peer gets it back MACs swapped; DROP counts; PASS copies to the stack.
zc_verdicts() {
	zc_idle
	xchg_with "$TOBJ/xdp_t_tx.bpf.o" xdp "$(reply_frame --payload 100)" "$FRAME"
	_d0=$(dut_ethstat xdp_drop)
	xdp_attach "$TOBJ/xdp_t_drop.bpf.o"
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$FRAME" --count $N --rate 1000
	xdp_detach
	[ $(($(dut_ethstat xdp_drop) - _d0)) -eq $N ] || { echo "xdp_drop +$(($(dut_ethstat xdp_drop) - _d0)), want $N" >&2; return 1; }
	xdp_attach "$TOBJ/xdp_t_pass.bpf.o"
	udp_payload_arrives "$(test_frame --payload 1400)"
	ping_all peer 5 "$DUT_IP4" -s 1400
	xdp_detach
	# No program: the stack gets copies too.
	ping_all peer 5 "$DUT_IP4"
	xsk_stop
}
check xsk_zc_xdp_verdicts "XDP_TX, DROP or PASS of UMEM frames went wrong" zc_verdicts

# Binding and unbinding quiesce the queue, not the port: no carrier change,
# and the stack's traffic goes on around it.
zc_no_flap() {
	_c0=$(cat "/sys/class/net/$DUT/carrier_changes")
	in_peer_bg /usr/bin/ping -i 0.02 -c 150 "$DUT_IP4" >/tmp/ping.out 2>&1 # lint: background load
	_pp=$BG_PID
	bind_cycles 5 0
	wait "$_pp" || true
	_c=$(cat "/sys/class/net/$DUT/carrier_changes")
	[ "$_c" = "$_c0" ] || { echo "carrier changed $((_c - _c0)) times" >&2; return 1; }
	grep -q " 0% packet loss" /tmp/ping.out || {
		echo "pings lost across 5 binds: $(grep loss /tmp/ping.out)" >&2
		return 1
	}
}
check xsk_zc_bind_no_link_flap "binding a zero-copy socket flapped the link or lost the stack's traffic" zc_no_flap

# Frames the NIC has written when a bind or an unbind stops the queue
# still reach the stack (they were freed with the ring, uncounted), and
# the frames QEMU holds for the stopped port wait (a refill with the
# receiver off made it deliver them to the receiver, which dropped them).
# UDP frames to a closed port at 150/s while an idle socket is bound and
# unbound five times: each frame counted by the stack (NoPorts) or, held
# past the ring's room, by the NIC as missed. A bind holds reception for
# 1 s on QEMU (each RCTL write), so binds half a second apart meet held
# frames too. The peer sends in chunks of BIND_CHUNK until the binds are
# done (on a debug kernel a bind takes seconds), so the count is exact.
BIND_CHUNK=150
zc_bind_keeps() {
	_np0=$(udp_snmp NoPorts) _m0=$(dut_ethstat hw_rx_missed)
	rm -f /tmp/bind.stop /tmp/bind.chunks
	# shellcheck disable=SC2016 # the inner shell's arguments
	in_peer_bg sh -c 'while [ ! -e /tmp/bind.stop ]; do
		"$1" send "$2" "$3" --count "$4" --rate 150 || exit 1
		echo sent >>/tmp/bind.chunks
	done' _ "$E1K/bin/e1k-pkt" "$PEER_IF" "$FRAME" $BIND_CHUNK # lint: background load
	_pp=$BG_PID
	bind_cycles 5 0.5
	touch /tmp/bind.stop
	wait "$_pp"
	_sent=$(($(lines /tmp/bind.chunks) * BIND_CHUNK))
	[ "$_sent" -gt 0 ] || { echo "the peer sent nothing during the binds" >&2; return 1; }
	wait_for 10 udp_noports_reach $((_np0 + _sent)) || true
	_np=$(($(udp_snmp NoPorts) - _np0)) _m=$(($(dut_ethstat hw_rx_missed) - _m0))
	say "5 binds: of $_sent frames $_np to the stack, $_m missed"
	[ $((_np + _m)) -eq "$_sent" ] || {
		echo "5 binds: of $_sent frames $_np reached the stack, $_m missed, $((_sent - _np - _m)) lost uncounted" >&2
		return 1
	}
}
udp_noports_reach() { [ "$(udp_snmp NoPorts)" -ge "$1" ]; }
check xsk_zc_bind_keeps_frames "frames that arrived across a zero-copy bind were lost uncounted" zc_bind_keeps

# What the NIC cannot do is refused at bind, the reason in the kernel log;
# without --zc the kernel falls back to copy mode.
zc_refusals() {
	exits_with 2 "bind $DUT queue 0: Invalid argument" \
		xsk_cmd rxdrop "$DUT" --zc --frame-size 2048 --count 1 --timeout 100
	dmesg | tail -n 20 | grep -q "AF_XDP zero-copy: UMEM frames of .* bytes after the headroom; the NIC needs 2048" ||
		{ echo "no reason in the kernel log" >&2; return 1; }
	xsk_bg /tmp/xsk.out rxdrop --frame-size 2048 --count 0 --timeout 600000
	bound_as copy
	xsk_stop
	exits_with 2 "bind $DUT queue 1: Invalid argument" \
		xsk_cmd rxdrop "$DUT" --zc --queue 1 --count 1 --timeout 100
	# One socket per queue.
	zc_idle
	exits_with 2 "bind $DUT queue 0: Device or resource busy" \
		xsk_cmd rxdrop "$DUT" --zc --count 1 --timeout 100
	# The MTU stays within one UMEM frame while bound...
	if ip link set dev "$DUT" mtu 3000 2>/tmp/err; then
		echo "MTU 3000 taken with a zero-copy socket bound" >&2
		return 1
	fi
	xsk_stop
	# ...and a larger one refuses zero-copy.
	set_mtu 3000
	exits_with 2 "bind $DUT queue 0: Invalid argument" \
		xsk_cmd rxdrop "$DUT" --zc --count 1 --timeout 100
	set_mtu 1500
	dmesg | tail -n 20 | grep -q "AF_XDP zero-copy: MTU 3000 too large" ||
		{ echo "no MTU reason in the kernel log" >&2; return 1; }
}
check xsk_zc_refusals "a UMEM, queue, second socket or MTU the NIC cannot take was not refused clearly" zc_refusals

# A UMEM of fewer frames than the rx ring has slots (128 of 256): no refill
# fills the ring, each posts what the fill ring holds (the rest of a batch,
# then nothing) and the driver asks to be woken (with need-wakeup) or polls
# on (without) until the socket gives frames back. Every frame still
# reaches the socket, byte for byte. QEMU holds reception for a second
# after the bind's RCTL write, then delivers what it held at once: more
# than the 128 posted buffers overran the ring (72 of 200 frames counted
# missed by the NIC, as a real one drops them). So one frame first, until
# it has arrived, then the rest, paced.
zc_small_umem() {
	XSK_FRAMES=128	# (check runs this in a subshell)
	rxdrop zc "$1" first
}
for w in wakeup no_wakeup; do
	flag=--wakeup
	[ "$w" = no_wakeup ] && flag=--no-wakeup
	check "xsk_zc_small_umem_$w" "a UMEM smaller than the rx ring ($w) lost or changed frames" \
		zc_small_umem "$flag"
done

# A ring resize with a socket bound: the new ring is filled from the UMEM
# and its frames still reach the socket.
zc_resize() {
	xdp_attach "$PROG"
	xsk_bg /tmp/xsk.out rxdrop --zc --map t_xsks --count $N --timeout 30000 \
		--expect "$FRAME"
	ethtool -G "$DUT" rx 512 tx 512
	wait_for 10 carrier_up "$DUT"
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$FRAME" --count $N --rate 1000
	xsk_wait
	prog_off
	ethtool -G "$DUT" rx 256 tx 256
	wait_for 10 carrier_up "$DUT"
	grep -q "^rx $N tx 0 bad 0 " /tmp/xsk.out || { cat /tmp/xsk.out >&2; return 1; }
}
check xsk_zc_ring_resize "a ring resize with a zero-copy socket bound lost its frames" zc_resize

# The socket's frames share the ring with the stack: a zero-copy txpush at
# full speed does not starve the stack's pings, which are answered while
# it goes on sending. (Its frames go to a MAC nobody has: the peer's NIC
# model filters them out, so the peer's own load loses no ping. The
# replies come in through the socket's UMEM, which e1k-xsk txpush feeds
# to the fill ring.) QEMU's model takes no frame for a second after an
# RCTL write, as the bind makes: the pings start after it. Until
# 2026-12-06 this test sent 50,000 frames and pinged at once: the replies
# came only once the socket had gone (round trips of 0.4-1.2 s; none
# within ping's wait in 2 runs of 8), so it did not test the sharing.
# The socket sends until it is stopped (--count 0), however fast the host:
# a count of 1,000,000 (2.5 s at the 400 kpps of a quiet host) ran out
# during the pings in 11 of 200 runs, and the socket's unbinding (RCTL
# cleared, then QEMU's hold) held the last replies past ping's wait: each
# time the first replies came, the rest not (in the 7 runs with the
# counters, the port sent nothing after the pings). Still sending after
# the pings, the socket is stopped, and every frame it sent must complete
# (e1k-xsk waits for them, and exits 1 if any is missing).
zc_fair() {
	_f=$(pkt build --src-mac "$(mac_of "$DUT")" --dst-mac 02:00:00:00:00:99 \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --payload 100 --udp-csum0)
	xsk_bg /tmp/xsk.out txpush "$_f" --zc --count 0 --timeout 120000
	sleep 1.5
	_t0=$(xsk_counts_now /tmp/xsk.out /tmp/xsk.out.err 4)
	ping_all dut 10 "$PEER_IP4" -i 0.05
	_t1=$(xsk_counts_now /tmp/xsk.out /tmp/xsk.out.err 4)
	say "zero-copy txpush: $((_t1 - _t0)) frames sent while the 10 pings were answered"
	[ "$_t1" -gt "$_t0" ] ||
		{ echo "the socket sent nothing during the pings ($_t0 frames before, $_t1 after)" >&2; return 1; }
	kill "$XSK_PID"
	xsk_wait
	tail -n 1 /tmp/xsk.out | grep -q "^rx 0 tx [1-9][0-9]* bad 0 " || { cat /tmp/xsk.out >&2; return 1; }
}
check xsk_zc_tx_shares_ring "zero-copy transmit starved the stack, or lost frames" zc_fair

# A socket that sends flat out kicks the driver from sendto(2) (its kick
# schedules the poll, which sends from the socket's tx ring:
# e1k_xsk_wakeup): kicks that race a link down and up, and a ring resize,
# are refused or send nothing while the port is down, and sending resumes
# after. (The kernel log, checked after every test, has no report.)
zc_kick_vs_down() {
	_f=$(pkt build --src-mac "$(mac_of "$DUT")" --dst-mac 02:00:00:00:00:99 \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --payload 100 --udp-csum0)
	xsk_bg /tmp/xsk.out txpush "$_f" --zc --count 0 --timeout 120000
	for _i in 1 2 3; do
		sleep 0.3
		ip link set dev "$DUT" down
		sleep 0.2
		ip link set dev "$DUT" up
		wait_for 10 carrier_up "$DUT"
	done
	ethtool -G "$DUT" tx 512
	wait_for 10 carrier_up "$DUT"
	_tx0=$(xsk_counts_now /tmp/xsk.out /tmp/xsk.out.err 4)
	sleep 1
	_tx1=$(xsk_counts_now /tmp/xsk.out /tmp/xsk.out.err 4)
	xsk_stop
	ethtool -G "$DUT" tx 256
	wait_for 10 carrier_up "$DUT"
	[ "$_tx1" -gt "$_tx0" ] || { echo "no frame sent after the last up ($_tx0, then $_tx1)" >&2; return 1; }
}
check xsk_zc_tx_kick_vs_down "a socket's kicks across link down/up or a ring resize went wrong" zc_kick_vs_down

# Teardown in every order under a flood of frames for the socket: the
# socket's unbinding completes, and the port works after each. (Between a
# socket's end and its unbinding, which the kernel defers, the rx ring is
# not refilled: QEMU's hub then holds the peer's frames, see
# PEER_TX_STALL, and the peer needs a moment after the flood.)
FLOOD_FRAME=$FRAME
zc_flooded() {
	xdp_attach "$PROG"
	xsk_bg /tmp/xsk.out rxdrop --zc --map t_xsks --count 0 --timeout 600000
	bound_as zerocopy
	flood_start 5000 "$FLOOD_FRAME"
	sleep 1
}
port_works() {
	flood_stop
	wait_for 10 peer_alive
	ping_all peer 3 "$DUT_IP4"
}
socket_first() {
	zc_flooded
	xsk_stop
	xdp_detach
	port_works
}
prog_first() {
	zc_flooded
	xdp_detach
	sleep 0.5
	xsk_stop
	port_works
}
link_down() {
	zc_flooded
	ip link set dev "$DUT" down
	sleep 0.5
	ip link set dev "$DUT" up
	wait_for 10 carrier_up "$DUT"
	sleep 1
	xsk_stop
	xdp_detach
	port_works
}
rmmod_open() {
	kmsg_expect "$PEER_TX_STALL"
	zc_flooded
	timeout 20 rmmod e1k_xdp || { echo "rmmod with a socket bound: $?" >&2; return 1; }
	DUT_DRIVER=''
	zc_unbound || { echo "rmmod did not unbind the socket" >&2; return 1; }
	xsk_stop
	dut_load e1k_xdp
	static_neighbours
	flood_stop
	wait_for 10 peer_alive
	ping_all peer 3 "$DUT_IP4"
	kmsg_expect_end
}
check xsk_zc_teardown_socket_first "closing the socket, then detaching, under a flood went wrong" socket_first
check xsk_zc_teardown_prog_first "detaching, then closing the socket, under a flood went wrong" prog_first
check xsk_zc_teardown_link_down "the link down and up with a socket bound went wrong" link_down
check xsk_zc_teardown_rmmod "rmmod with a socket bound went wrong" rmmod_open
