#!/bin/sh
# shellcheck shell=sh
# Hardening (issue 13): the paths no happy-path test reaches, driven by the
# driver's debugfs fault knobs (e1k_xdp/<PCI address>/fail_*, reset): a
# reset that cannot reallocate or that fails, an skb that cannot be built
# in the middle of a frame, an rx ring that could not be filled, and
# teardown (down/up, ring resize, reset) racing redirected and XDP_TX
# traffic.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

net_setup "$E1K_DRIVER"
ping_all peer 2 "$DUT_IP4"
DUT_MAC=$(mac_of "$DUT")
DBG=$(dut_debugfs)
# rx_pages: rx slots holding a page (a posted buffer).
rx_pages() { awk '/^slot page/ { rx = 1; next } rx && NF == 5 { n += $2 } END { print n + 0 }' "$DBG/rings"; }
# log_count TEXT: lines of this boot's kernel log that contain TEXT.
log_count() { dmesg | grep -c "$1" || true; }
# log_count_above TEXT N: more than N of them.
log_count_above() { [ "$(log_count "$1")" -gt "$2" ]; }
# port_back: up, with carrier (after a reset).
port_back() { carrier_up "$DUT" && grep -q '^state up' "$DBG/rings"; }

debugfs_shows_rings() {
	[ -d "$DBG" ] || { echo "no $DBG" >&2; return 1; }
	ping_all peer 3 "$DUT_IP4"
	_r=$(cat "$DBG/rings")
	echo "$_r" | grep -q "^state up carrier on" || { echo "rings: not up with carrier" >&2; return 1; }
	echo "$_r" | grep -q '^tx count 256 ' || { echo "rings: no 256-entry tx ring" >&2; return 1; }
	echo "$_r" | grep -q '^rx count 256 ' || { echo "rings: no 256-entry rx ring" >&2; return 1; }
	# Every rx slot but one holds a page (one stays unposted: head != tail).
	_pages=$(rx_pages)
	[ "$_pages" -ge 240 ] || { echo "rings: $_pages rx slots hold a page" >&2; return 1; }
	_rctl=$(awk '$1 == "RCTL" { print $2 }' "$DBG/registers")
	[ $((_rctl & 2)) -eq 2 ] || { echo "registers: RCTL $_rctl without EN" >&2; return 1; }
	for _k in $KNOBS; do
		[ "$(cat "$DBG/$_k")" = 0 ] || { echo "$_k is not 0 at start" >&2; return 1; }
	done
}
check hard_debugfs_rings "the debugfs directory does not show the port as it is" \
	debugfs_shows_rings

# A reset must keep the rings (issue 13, defect 2): with the next ring
# allocation armed to fail, a reset still brings the port back, and the
# knob is still armed afterwards (nothing was allocated).
reset_keeps_rings() {
	_resets0=$(log_count "$DUT: resetting the device")
	kmsg_expect "resetting the device"
	knob fail_ring_alloc 1
	knob reset 1
	wait_for 10 log_count_above "$DUT: resetting the device" "$_resets0"
	wait_for 10 port_back || { knobs_off; echo "the port did not come back from the reset" >&2; return 1; }
	kmsg_expect_end
	_left=$(cat "$DBG/fail_ring_alloc")
	knobs_off
	[ "$_left" = 1 ] || { echo "the reset allocated rings (fail_ring_alloc $_left left of 1)" >&2; return 1; }
	sleep 2 # QEMU holds reception for a while after an RCTL write
	ping_all peer 3 "$DUT_IP4"
}
check hard_reset_keeps_rings "a reset reallocated its rings, or did not come back" \
	reset_keeps_rings

# A failed reset leaves a port that `ip link set down`, a later `up` and
# rmmod handle (defect 2: it used to deadlock with RTNL held).
failed_reset_recovers() {
	kmsg_expect "resetting the device|reset failed"
	_fails0=$(log_count "$DUT: reset failed")
	knob fail_reset 1
	knob reset 1
	wait_for 10 log_count_above "$DUT: reset failed" "$_fails0" ||
		{ knobs_off; echo "no 'reset failed' in the log" >&2; return 1; }
	kmsg_expect_end
	grep -q '^state down' "$DBG/rings" || { echo "the port is not down after a failed reset" >&2; return 1; }
	timeout 10 /usr/sbin/ip link set "$DUT" down || { echo "ip link set down after a failed reset: $?" >&2; return 1; }
	timeout 10 /usr/sbin/ip link set "$DUT" up || { echo "ip link set up after a failed reset: $?" >&2; return 1; }
	wait_for 10 carrier_up "$DUT"
	ip addr replace "$DUT_IP6/64" dev "$DUT" nodad
	sleep 2
	ping_all peer 3 "$DUT_IP4"
	# Again, and this time unload the driver while the port is left down.
	kmsg_expect "resetting the device|reset failed"
	knob fail_reset 1
	knob reset 1
	wait_for 10 log_count_above "$DUT: reset failed" "$((_fails0 + 1))" ||
		{ knobs_off; echo "no second 'reset failed' in the log" >&2; return 1; }
	kmsg_expect_end
	timeout 20 rmmod e1k_xdp || { echo "rmmod after a failed reset: $?" >&2; return 1; }
	DUT_DRIVER=
	dut_load e1k_xdp
	ping_all peer 3 "$DUT_IP4"
}
check hard_failed_reset_recovers "a failed reset left a port that down/up/rmmod cannot handle" \
	failed_reset_recovers
# The test reloaded the driver in its subshell: find the port again (with
# two ports the names may have changed hands).
DUT=$(iface_by_mac "$DUT_MAC" e1k_xdp)
DBG=$(dut_debugfs)

# open fails cleanly when it cannot get its rings, and works once it can.
open_without_rings() {
	ip link set "$DUT" down
	knob fail_ring_alloc 1
	if ip link set "$DUT" up 2>/dev/null; then
		knobs_off
		echo "ip link set up succeeded with the ring allocation failing" >&2
		return 1
	fi
	[ "$(cat "$DBG/fail_ring_alloc")" = 0 ] || { echo "open did not try to allocate" >&2; return 1; }
	ip link set "$DUT" up
	wait_for 10 carrier_up "$DUT"
	ip addr replace "$DUT_IP6/64" dev "$DUT" nodad
	sleep 2
	ping_all peer 3 "$DUT_IP4"
}
check hard_open_without_rings "open with no memory for the rings did not fail cleanly" \
	open_without_rings

# An rx ring that could not be filled at all (every page refused at up)
# fills once pages can be had again, though only the peer sends: the DUT
# itself stays silent (no IPv6, static ARP), so none of its own transmit
# interrupts runs the poll that refills the ring. The watchdog must.
rx_refill_recovers() {
	static_neighbours
	sysctl -qw "net.ipv6.conf.$DUT.disable_ipv6=1"
	ip link set "$DUT" down
	knob fail_page_refill 1000000
	ip link set "$DUT" up
	wait_for 10 carrier_up "$DUT"
	sleep 1 # the link-up interrupt's poll, with every refill failing
	_posted=$(rx_pages)
	knob fail_page_refill 0
	_tx0=$(dut_stat tx_packets)
	_ok=0
	wait_for 10 rx_ring_full && _ok=1
	_tx=$(($(dut_stat tx_packets) - _tx0)) _end=$(rx_pages)
	sysctl -qw "net.ipv6.conf.$DUT.disable_ipv6=0"
	ip addr replace "$DUT_IP6/64" dev "$DUT" nodad
	[ "$_posted" = 0 ] || { echo "$_posted rx buffers posted with every refill failing" >&2; return 1; }
	[ "$_tx" = 0 ] || { echo "the DUT sent $_tx frames meanwhile: the test proves nothing" >&2; return 1; }
	[ "$_ok" = 1 ] || { echo "the rx ring was not refilled within 10 s ($_end buffers posted)" >&2; return 1; }
	ping_all peer 3 "$DUT_IP4"
}
rx_ring_full() { [ "$(rx_pages)" -ge 240 ]; }
check hard_rx_refill_recovers "an rx ring left empty by failed refills did not recover" \
	rx_refill_recovers

# An skb that cannot be built for the first buffer of a frame spanning
# descriptors: the rest of that frame, up to its EOP, is dropped with it
# (defect 6: it used to arrive as frames of its own).
skb_fail_mid_frame() {
	ip link set "$DUT" mtu 4000
	in_peer ip link set "$PEER_IF" mtu 4000
	static_neighbours
	wait_quiet
	_f=$(test_frame --dport 9 --payload 3000)
	_rx0=$(dut_stat rx_packets) _drop0=$(dut_stat rx_dropped)
	knob fail_skb_build 1
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_f" --count 1
	sleep 1
	_left=$(cat "$DBG/fail_skb_build")
	knob fail_skb_build 0
	_rx=$(($(dut_stat rx_packets) - _rx0)) _drop=$(($(dut_stat rx_dropped) - _drop0))
	ip link set "$DUT" mtu 1500
	in_peer ip link set "$PEER_IF" mtu 1500
	[ "$_left" = 0 ] || { echo "the frame never reached the skb build" >&2; return 1; }
	[ "$_rx" = 0 ] || { echo "rx_packets +$_rx for one frame whose skb could not be built" >&2; return 1; }
	[ "$_drop" = 1 ] || { echo "rx_dropped +$_drop, want 1" >&2; return 1; }
	wait_for 10 carrier_up "$DUT"
	sleep 2
	ping_all peer 3 "$DUT_IP4"
}
check hard_skb_fail_mid_frame "the rest of a frame whose skb failed arrived as frames" \
	skb_fail_mid_frame

# ndo_xdp_xmit mapping refused: the frame is counted and dropped, nothing
# else changes (the core frees what the driver did not take).
# redirect_setup: frames sent into vr1 (namespace vns) are redirected by
# vr0's program into the DUT, which sends them through ndo_xdp_xmit.
redirect_setup() {
	veth_setup
	ip link set dev vr0 xdpdrv obj "$TOBJ/xdp_t_redirect.bpf.o" sec xdp
	set_devmap "$(cat "/sys/class/net/$DUT/ifindex")"
}
xmit_map_fail() {
	redirect_setup
	_f=$(pkt build --dst-mac "$(peer_mac)" --src-mac "$DUT_MAC" \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --payload 64)
	_x0=$(dut_ethstat xdp_xmit) _e0=$(dut_ethstat xdp_xmit_err)
	knob fail_xdp_xmit_map 3
	in_vns "$E1K/bin/e1k-pkt" send vr1 "$_f" --count 10 --rate 100
	sleep 1
	_x=$(($(dut_ethstat xdp_xmit) - _x0)) _e=$(($(dut_ethstat xdp_xmit_err) - _e0))
	knobs_off
	veth_teardown
	if [ "$_x" != 7 ] || [ "$_e" != 3 ]; then
		echo "xdp_xmit +$_x, xdp_xmit_err +$_e: want 7 and 3" >&2
		return 1
	fi
	ping_all peer 3 "$DUT_IP4"
}
check hard_xdp_xmit_map_fail "a refused ndo_xdp_xmit mapping was not counted and dropped" \
	xmit_map_fail

# Teardown racing traffic (defects 3 and 4): while frames are redirected
# into the DUT from a veth (ndo_xdp_xmit, from the veth's NAPI) and the
# peer's flood is bounced back by XDP_TX (the DUT's own NAPI), the port is
# taken down and up, its rings resized and the device reset, 10 times
# each. Nothing may write into rings being freed, turn the carrier or the
# queue on while the port is down, or report anything (the log check, the
# IOMMU and page poisoning watch); the port works afterwards.
teardown_under_traffic() {
	redirect_setup
	xdp_attach "$TOBJ/xdp_t_tx.bpf.o"
	_f=$(pkt build --dst-mac "$(peer_mac)" --src-mac "$DUT_MAC" \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --payload 64)
	/usr/bin/nsenter --net=/run/netns/vns "$E1K/bin/e1k-pkt" send vr1 "$_f" \
		--count 100000000 --rate 5000 >/dev/null 2>&1 & # lint: killed below
	_redir=$!
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" \
		--count 100000000 --rate 5000
	_flood=$BG_PID
	_x0=$(dut_ethstat xdp_xmit)
	_i=0 _bad=
	kmsg_expect "resetting the device"
	while [ $_i -lt 10 ] && [ -z "$_bad" ]; do
		ip link set "$DUT" down || _bad="down, round $_i"
		grep -q "^state down carrier off queue stopped" "$DBG/rings" ||
			_bad="after down, round $_i: $(head -n 1 "$DBG/rings")"
		ip link set "$DUT" up || _bad="up, round $_i"
		ethtool -G "$DUT" rx $((_i % 2 ? 256 : 128)) tx $((_i % 2 ? 256 : 128)) ||
			_bad="ethtool -G, round $_i"
		knob reset 1
		sleep 0.5
		_i=$((_i + 1))
	done
	wait_for 10 port_back || _bad="the port did not come back after the last reset"
	kmsg_expect_end
	kill "$_redir" "$_flood" 2>/dev/null || true
	wait "$_redir" "$_flood" 2>/dev/null || true
	_x=$(($(dut_ethstat xdp_xmit) - _x0))
	xdp_detach
	veth_teardown
	ethtool -G "$DUT" rx 256 tx 256
	[ -z "$_bad" ] || { echo "failed: $_bad" >&2; return 1; }
	[ "$_x" -gt 0 ] || { echo "no frame was redirected into the DUT during the test" >&2; return 1; }
	wait_for 10 carrier_up "$DUT"
	ip addr replace "$DUT_IP6/64" dev "$DUT" nodad
	sleep 2
	ping_all peer 3 "$DUT_IP4"
	ping_all dut 3 "$PEER_IP6" -6
}
check hard_teardown_under_traffic "down/up, resize or reset under redirected and XDP_TX traffic went wrong" \
	teardown_under_traffic

# netpoll (defect 5): netconsole logs through the DUT while its tx ring is
# full of finished XDP slots. When the stack's queue is stopped, netpoll
# polls the driver with budget 0 and interrupts off; such a poll frees
# skbs only and leaves XDP slots (page_pool and xdp_frame returns, which
# must not run with interrupts off) to the next real poll.
#
# To get there for sure, the DUT's NAPI is held off: with
# napi_defer_hard_irqs 1 and a 4.5 s gro_flush_timeout, a poll that takes
# a frame from the peer completes without unmasking the interrupt and the
# core polls again only when its timer fires (from 5 s on, the stack's tx
# watchdog would fire on the stopped queue). Meanwhile a veth
# redirects frames into the DUT (ndo_xdp_xmit), which QEMU sends at once
# and nothing reclaims: the ring fills with finished xdp_frame slots, a
# burst from a packet socket stops the stack's queue, and a message written
# then makes netpoll poll.
# The function-graph tracer records every function called inside
# netpoll_poll_dev (which runs with interrupts off): no XDP or page_pool
# return may be among them, the budget-0 polls must have happened (the
# napi_poll tracepoint), and every message must reach the peer once the
# timer let the NAPI clean the ring.
NC_MSGS=20
TR=/sys/kernel/tracing
np_trace_start() {
	echo 0 >$TR/tracing_on
	echo >$TR/trace
	echo netpoll_poll_dev >$TR/set_graph_function ||
		{ echo "netpoll_poll_dev cannot be traced" >&2; return 1; }
	# Only netpoll_poll_dev and the returns np_returns looks for get a
	# hook: with every function in the kernel going through the graph
	# tracer, a debug kernel (KASAN, lockdep, under TCG) took minutes for
	# what takes a second.
	echo 'netpoll_poll_dev xdp_return_frame* page_pool_put*' >$TR/set_ftrace_filter ||
		{ echo "cannot filter the tracer to netpoll_poll_dev and the XDP/page_pool returns" >&2; return 1; }
	echo function_graph >$TR/current_tracer
	echo 'budget == 0' >$TR/events/napi/napi_poll/filter
	echo 1 >$TR/events/napi/napi_poll/enable
	echo 1 >$TR/tracing_on
}
np_trace_stop() {
	echo 0 >$TR/tracing_on
	cat $TR/trace >/tmp/np.trace
	echo 0 >$TR/events/napi/napi_poll/enable
	echo 0 >$TR/events/napi/napi_poll/filter
	echo nop >$TR/current_tracer
	echo >$TR/set_graph_function
	echo >$TR/set_ftrace_filter
	echo >$TR/trace
	echo 1 >$TR/tracing_on
}
# np_returns: calls of XDP and page_pool return functions inside netpoll.
np_returns() { grep -cE '[ |](xdp_return_frame[a-z_]*|page_pool_put[a-z_]*|page_pool_recycle[a-z_]*)\(' /tmp/np.trace || true; }
# xdp_slots_done: finished XDP slots the ring still holds.
xdp_slots_done() {
	awk '/^slot type/ { tx = 1; next } /^rx count/ { tx = 0 }
		tx && ($2 == "xdp_frame" || $2 == "xdp_tx") && $5 == 1 { n++ }
		END { print n + 0 }' "$DBG/rings"
}
# nc_arrived: our messages the peer received ("e1k-netconsole " in hex,
# inside each message after its timestamp).
nc_arrived() { grep -c '65316b2d6e6574636f6e736f6c6520' /tmp/nc.out || true; }
nc_all_arrived() { [ "$(nc_arrived)" -ge $NC_MSGS ]; }
# budget0_polled: the trace holds a budget-0 poll of the DUT.
budget0_polled() { grep -q "napi_poll:.* device $DUT work 0 budget 0" $TR/trace; }
# stop_queue: a burst from a packet socket takes the few descriptors the
# held ring has left, so the stack's queue stops (the qdisc keeps what does
# not fit until the ring is cleaned); true once it has.
stop_queue() {
	pkt send "$DUT" "$_f" --count 64 >/dev/null
	head -n 1 "$DBG/rings" | grep -q 'queue stopped$'
}
ring_held_full() { [ "$(xdp_slots_done)" -ge 200 ]; }
netpoll_leaves_xdp_slots() {
	static_neighbours
	redirect_setup
	xdp_attach "$TOBJ/xdp_t_tx.bpf.o"
	# Netconsole sends the kernel's log buffer first (6.12): take all, and
	# stop once our messages are in (killed below; its 15 min bound is for
	# a debug kernel, where turning the tracer on took over 4 min).
	rm -f /tmp/nc.err
	in_peer_bg "$E1K/bin/e1k-pkt" udp-recv 6666 --count 1000000 --timeout 900000 \
		>/tmp/nc.out 2>/tmp/nc.err
	_rcv=$BG_PID
	wait_for 3 grep -qs listening /tmp/nc.err || { echo "the peer's receiver did not start" >&2; return 1; }
	modprobe netconsole "netconsole=6665@$DUT_IP4/$DUT,6666@$PEER_IP4/$(peer_mac)"
	np_trace_start
	_q=/sys/class/net/$DUT
	echo 1 >"$_q/napi_defer_hard_irqs"
	echo 4500000000 >"$_q/gro_flush_timeout"
	_f=$(pkt build --dst-mac "$(peer_mac)" --src-mac "$DUT_MAC" \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --payload 64)
	/usr/bin/nsenter --net=/run/netns/vns "$E1K/bin/e1k-pkt" send vr1 "$_f" \
		--count 100000000 --rate 2000 >/dev/null 2>&1 & # lint: killed below
	_redir=$!
	sleep 0.3
	# Five frames a second from the peer: every timer poll finds one and
	# defers again, so the hold lasts (each such poll cleans the ring, which
	# the redirects fill again within a tenth of a second).
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" \
		--count 1000 --rate 5
	_trickle=$BG_PID
	_held=0 _stopped=0 _polled=0
	wait_for 3 ring_held_full && _held=1
	_slots=$(xdp_slots_done)
	# Until netpoll has polled, each message goes to a stopped queue.
	_i=0
	while [ $_i -lt $NC_MSGS ]; do
		if [ "$_polled" = 0 ] && wait_for 3 stop_queue; then
			_stopped=1
		fi
		echo "e1k-netconsole $_i" >/dev/kmsg
		! budget0_polled || _polled=1
		_i=$((_i + 1))
	done
	kill "$_redir" "$_trickle" 2>/dev/null || true
	wait "$_redir" "$_trickle" 2>/dev/null || true
	# (Counted below: a message that never arrives fails there.)
	wait_for 20 nc_all_arrived || true
	kill "$_rcv" 2>/dev/null || true
	wait "$_rcv" 2>/dev/null || true
	echo 0 >"$_q/napi_defer_hard_irqs"
	echo 0 >"$_q/gro_flush_timeout"
	np_trace_stop
	rmmod netconsole
	xdp_detach
	veth_teardown
	_polls=$(grep -c "napi_poll:.* device $DUT work 0 budget 0" /tmp/np.trace || true)
	_bad=$(np_returns)
	_got=$(nc_arrived)
	say "netpoll: $_slots finished XDP slots held on the ring, $_polls budget-0 polls, $_bad XDP/page_pool returns inside netpoll, $_got of $NC_MSGS messages arrived"
	[ "$_held" = 1 ] || { echo "the ring never held 200 finished XDP slots ($_slots): the test proves nothing" >&2; return 1; }
	[ "$_stopped" = 1 ] || { echo "the stack's queue never stopped: the test proves nothing" >&2; return 1; }
	[ "$_polls" -gt 0 ] || { echo "netpoll never polled the DUT with budget 0: the test proves nothing" >&2; return 1; }
	if [ "$_bad" != 0 ]; then
		grep -m 5 -E '(xdp_return_frame|page_pool_)' /tmp/np.trace >&2
		echo "XDP or page_pool returns ran with interrupts off (netpoll)" >&2
		return 1
	fi
	[ "$_got" = $NC_MSGS ] || { echo "$_got of $NC_MSGS netconsole messages reached the peer" >&2; return 1; }
	# The last deferred poll's timer (up to 4.5 s) still holds the
	# interrupt off after the knobs went back to 0: the port answers again
	# once it fired and a poll found the ring empty.
	wait_for 6 ping_all peer 1 "$DUT_IP4" -W 1 || true
	ping_all peer 3 "$DUT_IP4"
}
check hard_netpoll_leaves_xdp_slots "a budget-0 (netpoll) poll returned XDP frames with interrupts off, or netconsole lost messages" \
	netpoll_leaves_xdp_slots
