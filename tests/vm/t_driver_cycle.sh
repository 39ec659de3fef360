#!/bin/sh
# shellcheck shell=sh
# Life-cycle stress of the driver (issue 3): ifdown/ifup x50 with traffic,
# recovery from a tx timeout, rmmod/insmod x20 while the peer floods the
# DUT's MAC, and free memory stable across those reloads (no page leak).
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"
ping_all peer 2 "$DUT_IP4" # resolves ARP both ways
DUT_MAC=$(mac_of "$DUT")

updown_x50() {
	in_peer_bg /usr/bin/ping -i 0.01 -w 120 "$DUT_IP4" >/dev/null 2>&1 # lint: background load
	_pp=$BG_PID
	# The binary, not lib.sh's function: $! must be ping itself.
	/usr/bin/ping -i 0.01 -w 120 "$PEER_IP4" >/dev/null 2>&1 & # lint: background load
	_dp=$!
	_i=0
	while [ $_i -lt 50 ]; do
		ip link set dev "$DUT" down || break
		ip link set dev "$DUT" up || break
		_i=$((_i + 1))
	done
	kill "$_pp" "$_dp" 2>/dev/null || true
	wait "$_pp" "$_dp" 2>/dev/null || true
	[ $_i -eq 50 ] || { echo "ifdown/ifup failed at round $_i" >&2; return 1; }
	wait_for 10 carrier_up "$DUT" || { echo "no carrier after 50 cycles" >&2; return 1; }
	# QEMU's model holds reception for about a second after every RCTL
	# write (its flush-queue timer), then delivers the backlog of the
	# background pings in one burst, which can overflow the ring: let
	# that pass before checking.
	sleep 2
	ping_all peer 3 "$DUT_IP4"
	# IPv6 drops its addresses on down (keep_addr_on_down=0): put it back.
	ip addr replace "$DUT_IP6/64" dev "$DUT" nodad
	ping_all dut 3 "$PEER_IP6" -6
}
check drv_updown_x50 "ifdown/ifup x50 with traffic failed, or traffic did not resume" \
	updown_x50

# Tx timeout: with PCI bus mastering off for a moment the NIC cannot fetch
# or complete descriptors, so transmits stall; the stack's watchdog fires
# after 5 s, the driver's reset work rebuilds the device, traffic resumes.
# The watchdog only looks at a stopped queue, so the stall must stop it for
# sure: the smallest tx ring (64) and a burst larger than that (the sender
# blocks on its socket buffer until the reset frees its frames, so it runs
# in the background), whatever BQL learned from the traffic before.
pci_cmd_set() {
	# shellcheck disable=SC2059 # the format is the byte, as an octal escape
	printf "\\$(printf %o "$1")" |
		dd of="/sys/class/net/$DUT/device/config" bs=1 seek=4 conv=notrunc 2>/dev/null
}
timeouts_grew() { [ "$(dut_ethstat tx_timeouts)" -gt "$_t0" ]; }
tx_timeout_recovers() {
	_cmd=$(od -An -tu1 -j4 -N1 "/sys/class/net/$DUT/device/config" | tr -d ' ')
	_t0=$(dut_ethstat tx_timeouts)
	_f=$(pkt build --dst-mac "$(peer_mac)" --src-mac "$DUT_MAC" \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --dport 9 --payload 1000)
	ethtool -G "$DUT" tx 64 || { echo "cannot set a 64-entry tx ring" >&2; return 1; }
	wait_for 10 carrier_up "$DUT"
	sleep 2
	# What this test provokes, and nothing else, may stand in the log.
	kmsg_expect "NETDEV WATCHDOG: .*transmit queue 0 timed out|tx timeout: TDH|resetting the device"
	pci_cmd_set $((_cmd & ~4))
	# The binary, not lib.sh's function: $! must be the sender itself.
	timeout 30 "$E1K/bin/e1k-pkt" send "$DUT" "$_f" --count 200 &
	_tx=$!
	sleep 1
	pci_cmd_set "$_cmd"
	_grew=0
	wait_for 15 timeouts_grew && _grew=1
	kill "$_tx" 2>/dev/null || true
	wait "$_tx" 2>/dev/null || true
	kmsg_expect_end
	ethtool -G "$DUT" tx 256 || { echo "cannot restore the tx ring" >&2; return 1; }
	[ "$_grew" = 1 ] || { echo "no tx timeout was reported" >&2; return 1; }
	wait_for 10 carrier_up "$DUT" || { echo "no carrier after the reset" >&2; return 1; }
	sleep 2 # QEMU's post-RCTL hold
	ping_all peer 3 "$DUT_IP4"
	ping_all dut 3 "$PEER_IP4"
}
check drv_tx_timeout_reset "no recovery from a tx timeout" tx_timeout_recovers


# reload N [PROG]: unload and load the driver N times while the peer
# floods, with PROG attached after each load if given.
reload() {
	flood_start 20000
	_i=0
	while [ $_i -lt "$1" ]; do
		dut_unload || { flood_stop; echo "rmmod failed at round $_i" >&2; return 1; }
		dut_load e1k_xdp || { flood_stop; echo "insmod/up failed at round $_i" >&2; return 1; }
		if [ -n "${2:-}" ]; then
			xdp_attach "$2" || { flood_stop; echo "attach failed at round $_i" >&2; return 1; }
		fi
		_i=$((_i + 1))
	done
	flood_stop
}

# Memory, measured around 20 reloads after two to warm up (caches and slabs
# reach their size), each time after the deferred frees (RCU, page_pool)
# ran and the page cache was dropped: a leaked rx ring is 1 MiB (256 pages)
# a cycle, 20 MiB in all; tests/vm/limits.sh says what the bed's own drift
# is and what is allowed.
reload_x20() {
	kmsg_expect "$PEER_TX_STALL"
	reload 2 "$@"
	_m0=$(settled_mem_kb)
	reload 20 "$@"
	# The last load still has its program and the flood's frames: detach
	# and unload it, so both measurements see the driver unloaded.
	dut_unload
	_m1=$(settled_mem_kb)
	say "reload x20${1:+ with $(basename "$1")}: MemAvailable ${_m0} kB before, ${_m1} kB after ($((_m0 - _m1)) kB lost)"
	[ $((_m0 - _m1)) -le "$LIMIT_RELOAD_LOSS_KB" ] ||
		{ echo "lost $((_m0 - _m1)) kB over 20 cycles (at most $LIMIT_RELOAD_LOSS_KB)" >&2; return 1; }
	dut_load e1k_xdp
	kmsg_expect_end
	ping_all peer 3 "$DUT_IP4"
}
check drv_reload_x20_flood "rmmod/insmod x20 under a flood failed or lost memory" reload_x20
check drv_reload_x20_flood_xdp "rmmod/insmod x20 under a flood with a program dropping it failed or lost memory" \
	reload_x20 "$E1K/bpf/xdp_drop.bpf.o"

dut_unload
