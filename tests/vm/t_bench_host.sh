#!/bin/sh
# shellcheck shell=sh
# Benchmark with the load from the host (make bench, never make check). The
# guest has one vCPU, the DUT's; frames come from e1k-hostgen on the host
# through a QEMU datagram netdev on each DUT port's hub (vm-run.sh
# --host-link), so generating and counting costs the guest nothing. The
# suite asks tests/bench/hostd.py for each window of traffic on /dev/ttyS2.
#
# DUT CPU: the guest's busy time, exact: /proc/timer_list's idle and iowait
# sleep times, which the kernel adds up at every idle entry and exit (ktime,
# ns; no tick sampling), read on the one CPU while it runs this script, so
# no idle period is open. Each arm's idle cost (timer ticks, this script)
# is measured in a window without traffic and subtracted. On the host,
# hostd.py reports the CPU time of QEMU's vCPU thread (schedstat, ns): what
# the DUT's frames cost the host, the emulation included.
#
# BENCH_PHASE=ceiling: each arm unpaced (what the device model delivers, how
#   busy the DUT is, the host CPU of QEMU's main loop, of its vCPU thread
#   and of the generator, the DUT's busy ns per frame meanwhile), DUT cost
#   per frame at $BENCH_COST_PPS, ICMP RTT at 200 pps; and native XDP_DROP
#   paced at 0.95x the ceiling. The jumbo arms (jdrop, jpass) send
#   8,000-byte frames to the DUT at MTU 9000.
# BENCH_PHASE=bound: the DUT's CPU is the scarce resource: while an arm is
#   measured, QEMU's vCPU thread gets $BENCH_VCPU_PCT % of one host CPU
#   (hostd.py's throttle). Each arm's capacity (unpaced: frames delivered
#   per second of the DUT's work), its highest loss-free rate (see
#   loss_free, over a window of $secs), the vCPU thread's host
#   CPU per frame at that rate, what the vCPU and the main loop used at the
#   lowest rate that lost (the vCPU at its cap, the main loop not: the DUT
#   is what ran out), and ICMP RTT.
# Notes: "# BENCH ARM METRIC VALUE"; tests/bench/report.py reads them.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh
# shellcheck source=tests/vm/hostlink.sh
. /opt/e1k/tests/vm/hostlink.sh

rounds=${BENCH_ROUNDS:-3}
secs=${BENCH_SECONDS:-4}
phase=${BENCH_PHASE:-ceiling}
vcpu_pct=${BENCH_VCPU_PCT:-10}
cost_pps=${BENCH_COST_PPS:-2000}
backlog_max=${BENCH_BACKLOG_MAX:-212992}
drivers=${BENCH_DRIVERS:-e1000 e1k_xdp}
PIN=/sys/fs/bpf/tc/globals
BPF=$E1K/bpf
# bench ARM METRIC VALUE: one note; the metric is named by its phase.
bench() { echo "# BENCH $1 $phase.$2 $3" >&3; }

# calc EXPR [DIGITS]: awk arithmetic (in parentheses: a bare > would be a
# redirection of awk's printf).
calc() { awk "BEGIN { printf \"%.${2:-1}f\", ($1) }"; }

# clock: "NOW BUSY" in ns (see the top).
clock() {
	awk '/^now at/ { now = $3 }
	     /^cpu: 0$/ { c = 1 }
	     c && /\.idle_sleeptime/ { i = $(NF - 1) }
	     c && /\.iowait_sleeptime/ { printf "%.0f %.0f\n", now, now - i - $(NF - 1); exit }' /proc/timer_list
}

# --- arms -------------------------------------------------------------------
# arm_on ARM: set the DUT up for ARM (KIND.VARIANT); sets $count_how (how
# delivered frames are counted) and $gen (what the host sends).
arm_on() {
	gen="--size 60" count_how=drop
	case "$1" in
	*_stack) count_how=stack ;;
	drop.*_native) xdp_on xdpdrv "$BPF/xdp_drop.bpf.o" ;;
	drop.*) xdp_on xdpgeneric "$BPF/xdp_drop.bpf.o" ;;
	tx.*) xdp_on "$(xdp_mode)" "$BPF/xdp_tx.bpf.o"; count_how=back ;;
	echo.*_kernel) gen="--icmp --size 98" count_how=back ;;
	echo.*)
		rm -f $PIN/e1k_echo_*
		xdp_on "$(xdp_mode)" "$BPF/xdp_icmp_echo.bpf.o"
		"$E1K/bin/e1k-xdp-loader" echo sync "$DUT" >/dev/null
		gen="--icmp --size 98" count_how=back
		;;
	jdrop.* | jpass.*)
		jumbo_on "$1" || return 1
		gen="--size 8000"
		case "$1" in jpass.*) count_how=stack ;; esac
		;;
	xrx*.* | xfwd*.* | xtx*.*) xsk_on "$1" || return 1 ;;
	xdrop*.*)
		# Zero-copy's rx path without the socket's share: a socket
		# bound in zero-copy (so the ring holds its UMEM frames), then
		# the drop program in place of the one that redirects to it.
		xsk_on "xrx${1#xdrop}" || return 1
		xdp_on xdpdrv "$BPF/xdp_drop.bpf.o"
		# A program change leaves the pool bound: the ring stays UMEM.
		[ "$(dmesg | grep -c "$DUT: AF_XDP zero-copy socket bound")" -gt \
			"$(dmesg | grep -c "$DUT: AF_XDP zero-copy socket unbound")" ] || {
			echo "$1: the socket is no longer bound in zero-copy" >&2
			return 1
		}
		count_how=drop
		;;
	redirect.*)
		xdp_on "$(xdp_mode)" "$TOBJ/xdp_t_redirect.bpf.o"
		set_devmap "$(cat "/sys/class/net/$DUT2/ifindex")"
		count_how=link1
		;;
	*) echo "unknown arm $1" >&2; return 1 ;;
	esac
}
xdp_on() { ip -force link set dev "$DUT" "$1" obj "$2" sec xdp; }
# jumbo_on ARM: MTU 9000 and the bundled drop or pass program, attached by
# the loader as a multi-buffer program: native e1k_xdp gives it a frame
# that spans rx buffers as one xdp_buff, the in-tree e1000's generic hook
# linearizes each frame into one buffer first.
jumbo_on() {
	ip link set dev "$DUT" mtu 9000
	wait_for 10 carrier_up "$DUT" || { echo "no carrier at MTU 9000" >&2; return 1; }
	_mode=native
	case "$1" in *_generic) _mode=skb ;; esac
	_prog=drop
	case "$1" in jpass.*) _prog=pass ;; esac
	"$E1K/bin/e1k-xdp-loader" attach "$DUT" "$_prog" --mode "$_mode" --force >/dev/null
}
# xsk_on ARM: the AF_XDP arms, KIND SIZE . e1k_xdp_MODE: e1k-xsk rxdrop
# (xrx), l2fwd (xfwd) or txpush (xtx) on queue 0 with SIZE-byte frames, in
# zero-copy (zc), copy mode over native XDP (copy) or over generic XDP
# (skb). The program (tests/bpf, mode xsk) sends the host's UDP frames to
# the socket. The socket's application runs on the DUT's one vCPU: its
# cost is in the DUT's, as it is in a real deployment.
xsk_on() {
	_m=${1##*_} _k=${1%%.*}
	_sz=$(echo "$_k" | tr -dc 0-9) _k=$(echo "$_k" | tr -d 0-9)
	case "$_m" in
	skb) xdp_on xdpgeneric "$TOBJ/xdp_t_xsk.bpf.o" ;;
	*) xdp_on xdpdrv "$TOBJ/xdp_t_xsk.bpf.o" ;;
	esac
	xsk_flag=--copy
	[ "$_m" = zc ] && xsk_flag=--zc
	gen="--size $_sz"
	case "$_k" in
	xrx) xsk_start rxdrop && count_how=xsk ;;
	xfwd) xsk_start l2fwd && count_how=back ;;
	xtx)
		count_how=xtx
		xtx_start "$(pkt build --dst-mac "$HOST_MAC" --src-mac "$(mac_of "$DUT")" \
			--src-ip "$(dut_ip4)" --dst-ip "$HOST_IP4" --payload $((_sz - 42)) --udp-csum0)"
		;;
	esac
}
# dut_ip4: the DUT's IPv4 address on the host link.
dut_ip4() { ip -4 -o addr show dev "$DUT" | awk '{ sub(/\/.*/, "", $4); print $4; exit }'; }
# xsk_start TOOL: e1k-xsk TOOL on the DUT until arm_off ($XSK_PID). The
# last arm's files go first: the new tool's shell truncates them only once
# it runs, and the one vCPU may run this shell first, which then found the
# last tool's 'bound' line and signalled a tool still starting up (killed
# it: twice, in a round's second AF_XDP arm).
xsk_start() {
	rm -f /tmp/bench_xsk.out /tmp/bench_xsk.err
	"$E1K/bin/e1k-xsk" "$1" "$DUT" "$xsk_flag" --map t_xsks --count 0 \
		--timeout 3600000 >/tmp/bench_xsk.out 2>/tmp/bench_xsk.err & # lint: arm_off stops it
	XSK_PID=$!
	wait_for 5 grep -qs "^bound " /tmp/bench_xsk.err || { cat /tmp/bench_xsk.err >&2; return 1; }
}
# xsk_count: frames the socket received so far.
xsk_count() { xsk_counts_now /tmp/bench_xsk.out /tmp/bench_xsk.err 2; }
# xtx_start FRAME: e1k-xsk txpush FRAME on the DUT until arm_off, sending
# in windows on command (--control): the socket's setup and teardown stay
# out of the windows' DUT CPU. Two FIFOs: its commands on fd 6, its counts
# lines on fd 7, read as they come, no polling in the window (fd 5 is the
# host link's, hostlink.sh). Each open waits for the other end's, in the
# order the tool opens them.
xtx_start() {
	rm -f /tmp/bench_xsk.err /tmp/bench_xtx.ctl /tmp/bench_xtx.cnt
	mkfifo /tmp/bench_xtx.ctl /tmp/bench_xtx.cnt
	"$E1K/bin/e1k-xsk" txpush "$DUT" "$1" "$xsk_flag" --control </tmp/bench_xtx.ctl \
		>/tmp/bench_xtx.cnt 2>/tmp/bench_xsk.err & # lint: arm_off stops it
	XSK_PID=$!
	exec 6>/tmp/bench_xtx.ctl 7</tmp/bench_xtx.cnt
	wait_for 5 grep -qs "^bound " /tmp/bench_xsk.err || { cat /tmp/bench_xsk.err >&2; return 1; }
}
arm_off() {
	exec 6>&- 7<&-
	if [ -n "${XSK_PID:-}" ]; then
		kill "$XSK_PID" 2>/dev/null || true
		wait "$XSK_PID" 2>/dev/null || true
		XSK_PID=''
	fi
	ip link set dev "$DUT" xdpdrv off 2>/dev/null || true
	ip link set dev "$DUT" xdpgeneric off 2>/dev/null || true
	if [ "$(cat "/sys/class/net/$DUT/mtu")" != 1500 ]; then
		ip link set dev "$DUT" mtu 1500
		wait_for 10 carrier_up "$DUT"
	fi
}
# arms_of DRIVER: the arms of this phase on DRIVER ($BENCH_ARMS, if set,
# keeps only the arms it names). The DUT-bound phase leaves out the two
# baselines no goal reads (the in-tree e1000's stack drop and echo reply)
# and the jumbo arms (8,000-byte frames at MTU 9000: their goal is the
# DUT's cost per frame, section 1's).
arms_of() {
	case "$1" in
	e1k_xdp) _arms="drop.e1k_xdp_native drop.e1k_xdp_skb drop.e1k_xdp_stack tx.e1k_xdp_native
		echo.e1k_xdp_native echo.e1k_xdp_kernel redirect.e1k_xdp_native
		xrx64.e1k_xdp_zc xrx64.e1k_xdp_copy xrx64.e1k_xdp_skb xdrop64.e1k_xdp_zc"
	   [ "$phase" = bound ] || _arms="$_arms jdrop.e1k_xdp_native jpass.e1k_xdp_native
		xrx1500.e1k_xdp_zc xrx1500.e1k_xdp_copy xrx1500.e1k_xdp_skb
		xtx64.e1k_xdp_zc xtx64.e1k_xdp_copy xtx64.e1k_xdp_skb
		xtx1500.e1k_xdp_zc xtx1500.e1k_xdp_copy xtx1500.e1k_xdp_skb
		xfwd64.e1k_xdp_zc xfwd64.e1k_xdp_copy xfwd64.e1k_xdp_skb
		xfwd1500.e1k_xdp_zc xfwd1500.e1k_xdp_copy xfwd1500.e1k_xdp_skb" ;;
	*) _arms="drop.${1}_generic tx.${1}_generic redirect.${1}_generic"
	   [ "$phase" = bound ] ||
		_arms="$_arms drop.${1}_stack echo.${1}_kernel jdrop.${1}_generic jpass.${1}_generic" ;;
	esac
	for _a in $_arms; do
		case " ${BENCH_ARMS:-$_a} " in *" $_a "*) echo "$_a" ;; esac
	done
}
# drop_count: XDP_DROP's count in the drop program's map, read from its
# pin (bpffs prints a map with BTF as "KEY: {" then "\tcpuN: {packets,bytes}"
# lines): a cat, where bpftool would cost the throttled DUT seconds a read.
drop_count() {
	awk -v key="$XDP_DROP: {" '$0 == key { k = 1; next }
		k && /^}/ { exit }
		k { gsub(/[{}]/, " "); split($2, v, ","); n += v[1] }
		END { print n + 0 }' $PIN/e1k_drop_stats
}
delivered_now() {
	case "$count_how" in
	drop) drop_count ;;
	stack) udp_snmp NoPorts ;;
	xsk) xsk_count ;;
	esac
}

# settle: wait until the guest's own count stops moving (the host's reply
# comes once QEMU has read every frame; the last of them may still be in
# the NIC's ring), at most 5 s.
settle() {
	_s0=$(delivered_now)
	for _i in 1 2 3 4 5 6 7 8 9 10; do
		sleep 0.5
		_s1=$(delivered_now)
		[ "$_s1" != "$_s0" ] || return 0
		_s0=$_s1
	done
}

# window RATE [HOSTGEN ARGS...]: $secs of traffic at RATE pps (0: unpaced).
# Sets w_sent, w_delivered, w_busy_ns, w_wall_ns (the guest's time from
# before the request to after its reply: the idle cost accrues over it),
# w_send_ns (the host's sending time: rates and shares are over it) and
# w_reply (the host's).
window() {
	_rate=$1
	shift
	if [ "$count_how" = xtx ]; then
		window_xtx "$_rate"
		return
	fi
	_d0=$(delivered_now)
	if [ "$count_how" = link1 ]; then
		host start l1 count --link 1 --seconds $((secs + 3)) >/dev/null || return 1
	fi
	_wclk=$(clock)
	_t0=${_wclk% *} _b0=${_wclk#* }
	# shellcheck disable=SC2086 # $gen is words
	w_reply=$(host run --rate "$_rate" --seconds "$secs" $gen "$@") || return 1
	_wclk=$(clock)
	w_wall_ns=$((${_wclk% *} - _t0)) w_busy_ns=$((${_wclk#* } - _b0))
	# After the clock: the reads that settle takes are not the DUT's work;
	# what is left in the ring then (at most 256 frames) is.
	case "$count_how" in drop | stack | xsk) settle ;; esac
	w_sent=$(kv sent "$w_reply")
	w_send_ns=$(calc "$(kv send_seconds "$w_reply") * 1e9" 0)
	case "$count_how" in
	back) w_delivered=$(kv back "$w_reply") ;;
	link1) w_delivered=$(kv tagged "$(host wait l1)") || return 1 ;;
	*) w_delivered=$(($(delivered_now) - _d0)) ;;
	esac
}

# window_xtx RATE: window's counterpart for txpush: the DUT's socket sends
# for $secs at RATE pps (0: unpaced), the host counts what arrives on link
# 0. w_sent is what the socket had completed, w_send_ns its sending time.
window_xtx() {
	host start l0 count --link 0 --seconds $((secs + 2)) >/dev/null || return 1
	_wclk=$(clock)
	_t0=${_wclk% *} _b0=${_wclk#* }
	echo "send $1 $((secs * 1000))" >&6
	# "rx 0 tx SENT bad 0 secs SECONDS dropped D rx_ring_full F fill_empty E"
	# shellcheck disable=SC3045 # busybox ash's read has -t
	read -r -t $((secs + 30)) _ _ _ w_sent _ _ _ _xs _ <&7 || {
		echo "e1k-xsk did not finish its window: $(tail -n 2 /tmp/bench_xsk.err | tr '\n' ' ')" >&2
		return 1
	}
	_wclk=$(clock)
	w_wall_ns=$((${_wclk% *} - _t0)) w_busy_ns=$((${_wclk#* } - _b0))
	w_reply=$(host wait l0) || return 1
	w_delivered=$(kv frames "$w_reply")
	w_send_ns=$(calc "$_xs * 1e9" 0)
}

# idle_fraction: how busy the DUT is with no traffic (a window at 1 pps).
idle_fraction() {
	window 1 || return 1
	idle_frac=$(calc "$w_busy_ns / $w_wall_ns" 6)
}
# cost_ns: busy ns per delivered frame over the last window, idle share out.
cost_ns() { calc "$w_delivered ? ($w_busy_ns - $idle_frac * $w_wall_ns) / $w_delivered : 0"; }
# loss_free: the last window lost nothing that counts (>= 99.9 % of what
# was sent was delivered) and the DUT kept up: when the sending stopped,
# QEMU's link socket held no more than $backlog_max bytes unread (the
# host's default receive buffer, which bench.sh passes: about 256 small
# frames). The link sockets have large buffers (scripts/bench.sh), so that
# a burst the DUT works off is not a loss; a DUT slower than the rate leaves a backlog that grew over
# the whole window, and would pass the delivered count alone (hostd.py
# waits for QEMU to read it all, and the guest works it off before it
# counts).
loss_free() {
	awk -v d="$w_delivered" -v s="$w_sent" -v m="$backlog_max" \
		-v q="$(kv peer_backlog_bytes "$w_reply")" \
		'BEGIN { exit !(s > 0 && d >= 0.999 * s && q != "" && q <= m) }'
}
# pps N: N frames per second of the last window's sending time.
pps() { calc "$1 * 1e9 / $w_send_ns" 0; }
# pct SECONDS: host CPU seconds as a share of the sending time.
pct() { calc "100 * $1 / $w_send_ns * 1e9" 1; }
# busy_pct: the DUT's busy share of the sending time.
busy_pct() { calc "100 * $w_busy_ns / $w_send_ns"; }

# rtt ARM: 200 pps for $secs, the host's p50/p99 round trip (echo and TX arms).
rtt() {
	window 200 || return 1
	bench "$1" rtt_p50_us "$(kv rtt_p50_us "$w_reply")"
	bench "$1" rtt_p99_us "$(kv rtt_p99_us "$w_reply")"
	bench "$1" rtt_lost $((w_sent - w_delivered))
}

# ceiling_arm ARM: unpaced, then paced at the cost rate.
ceiling_arm() {
	idle_fraction || return 1
	window 0 || return 1
	bench "$1" pps "$(pps "$w_delivered")"
	bench "$1" offered_pps "$(pps "$w_sent")"
	bench "$1" busy_pct "$(busy_pct)"
	bench "$1" load_ns "$(cost_ns)"
	# (Not for txpush: the host only counted, see window_xtx.)
	if [ "$count_how" != xtx ]; then
		bench "$1" host_drops "$(kv host_drops "$w_reply")"
		for _t in main vcpu gen; do
			bench "$1" "host_${_t}_pct" "$(pct "$(kv "cpu_${_t}_s" "$w_reply")")"
		done
	fi
	_ceil=$(pps "$w_delivered")
	window "$cost_pps" || return 1
	bench "$1" cost_ns "$(cost_ns)"
	case "$1" in echo.* | tx.*) rtt "$1" || return 1 ;; esac
	if [ "$1" = drop.e1k_xdp_native ]; then
		# The goal's question: at 0.95x the ceiling, loss-free and idle?
		window "$(calc "0.95 * $_ceil" 0)" || return 1
		bench "$1" at95_lossfree "$(loss_free && echo 1 || echo 0)"
		bench "$1" at95_delivered_pct "$(calc "100 * $w_delivered / $w_sent" 3)"
		bench "$1" at95_idle_pct "$(calc "100 - $(busy_pct)")"
		bench "$1" at95_host_drops "$(kv host_drops "$w_reply")"
		for _t in main vcpu gen; do
			bench "$1" "at95_host_${_t}_pct" "$(pct "$(kv "cpu_${_t}_s" "$w_reply")")"
		done
	fi
}

# bound_arm ARM (the vCPU throttled): the highest loss-free rate. From what
# the cost at $cost_pps predicts, up by 1.5x while windows are loss-free or
# down by 1.5x while they lose, until a loss-free and a lossy rate bracket
# it (at most 8 windows; none loss-free down to 100 pps reports 0), then 4
# halvings of the bracket.
bound_arm() {
	idle_fraction || return 1
	window "$cost_pps" || return 1
	_cost=$(cost_ns)
	bench "$1" cost_ns "$_cost"
	# Capacity: unpaced, what the capped DUT delivered per second of its
	# work. It works through the sending and then through the backlog
	# QEMU's socket held, which the guest's counts include: that is
	# hostd.py's drain_s when e1k-hostgen ends with its sending. Frames
	# that come back are e1k-hostgen's to count, until its linger ends
	# 0.3 s after the sending (the backlog of a capped DUT lasts longer).
	if [ "$count_how" = back ]; then
		window 0 --linger-ms 300 || return 1
		_work=$(calc "$w_send_ns / 1e9 + 0.3" 3)
	else
		window 0 --linger-ms 0 || return 1
		_work=$(calc "$w_send_ns / 1e9 + $(kv drain_s "$w_reply")" 3)
	fi
	bench "$1" capacity_pps "$(calc "$w_delivered / $_work" 0)"
	_lo=0 _hi=0 _n=0 _r=$(calc "$_cost > 0 ? 0.8e9 / $_cost : 1000" 0)
	while { [ "$_lo" = 0 ] || [ "$_hi" = 0 ]; } && [ "$_n" -lt 8 ] &&
		[ "$_r" -ge 100 ] && [ "$_r" -lt 2000000 ]; do
		window "$_r" || return 1
		if loss_free; then
			lossfree_seen
			_r=$(calc "$_r * 1.5" 0)
		else
			lossy_seen
			_r=$(calc "$_r / 1.5" 0)
		fi
		_n=$((_n + 1))
	done
	for _i in 1 2 3 4; do
		if [ "$_lo" = 0 ] || [ "$_hi" = 0 ]; then break; fi
		_r=$(((_lo + _hi) / 2))
		window "$_r" || return 1
		if loss_free; then lossfree_seen; else lossy_seen; fi
	done
	bench "$1" lossfree_pps "$_lo"
	[ "$_lo" = 0 ] || bench "$1" vcpu_ns "$_lvcpu"
	if [ "$_hi" != 0 ]; then
		bench "$1" lossy_vcpu_pct "$_hvcpu"
		bench "$1" lossy_main_pct "$_hmain"
	fi
	case "$1" in echo.* | tx.*) rtt "$1" || return 1 ;; esac
}
# The search's bounds, from the last window: the highest rate without loss
# (and the vCPU thread's host CPU ns per delivered frame there), the lowest
# with (and the host CPU shares of the vCPU and the main loop there).
lossfree_seen() {
	_lo=$_r
	_lvcpu=$(calc "$(kv cpu_vcpu_s "$w_reply") * 1e9 / $w_delivered" 0)
}
lossy_seen() {
	_hi=$_r
	_hvcpu=$(pct "$(kv cpu_vcpu_s "$w_reply")")
	_hmain=$(pct "$(kv cpu_main_s "$w_reply")")
}

driver_arms() {
	dut_load "$1" || return 1
	dut2_setup || return 1
	host_neighbour
	rm -f $PIN/e1k_drop_stats
	for _arm in $(arms_of "$1"); do
		arm_on "$_arm" || return 1
		[ "$phase" = ceiling ] || host throttle "$vcpu_pct" >/dev/null || { arm_off; return 1; }
		"${phase}_arm" "$_arm" || { host unthrottle >/dev/null; arm_off; return 1; }
		[ "$phase" = ceiling ] || host unthrottle >/dev/null || return 1
		arm_off
	done
	dut_unload
}

[ "$(nproc)" = 1 ] || { fail bench_host_completed "the DUT guest must have one vCPU, it has $(nproc)"; exit 0; }
case "$phase" in
ceiling | bound) ;;
*) fail bench_host_completed "BENCH_PHASE is ceiling or bound, not '$phase'"; exit 0 ;;
esac
host_open || { fail bench_host_completed "no answer from the host on /dev/ttyS2"; exit 0; }
[ "$phase" = ceiling ] || bench run vcpu_pct "$vcpu_pct"
r=1
while [ "$r" -le "$rounds" ]; do
	for drv in $drivers; do
		driver_arms "$drv" 2>/tmp/bench_host.err || {
			cat /tmp/bench_host.err >&2
			fail bench_host_completed "round $r, $drv: $(tail -n 1 /tmp/bench_host.err)"
			exit 0
		}
	done
	say "bench ($phase) round $r of $rounds done"
	r=$((r + 1))
done
pass bench_host_completed
