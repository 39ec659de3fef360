#!/bin/sh
# shellcheck shell=sh
# ethtool on the DUT (issue 3): driver info, link settings, statistics, ring
# sizes (also resized under traffic), offloads, register dump, interrupt
# coalescing and the message level all answer sanely.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"
ping_all peer 2 "$DUT_IP4" # resolves ARP both ways

# field NAME: the value after "NAME:" in ethtool's output on stdin.
field() {
	awk -v k="$1" '{
		sub(/^[ \t]+/, ""); i = index($0, ":")
		if (i && substr($0, 1, i - 1) == k) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit }
	}'
}

drvinfo_ok() {
	_i=$(ethtool -i "$DUT") || return 1
	[ "$(echo "$_i" | field driver)" = e1k_xdp ] &&
		echo "$_i" | field bus-info | grep -q '^0000:' &&
		[ "$(echo "$_i" | field supports-statistics)" = yes ] &&
		[ "$(echo "$_i" | field supports-register-dump)" = yes ]
}
check drv_ethtool_i "ethtool -i: wrong driver, bus-info or capabilities" drvinfo_ok

link_ok() {
	_l=$(ethtool "$DUT") || return 1
	[ "$(echo "$_l" | field Speed)" = 1000Mb/s ] &&
		[ "$(echo "$_l" | field Duplex)" = Full ] &&
		[ "$(echo "$_l" | field 'Link detected')" = yes ] &&
		[ "$(echo "$_l" | field Port)" = "Twisted Pair" ]
}
check drv_ethtool_link "ethtool: not 1000Mb/s full duplex with link" link_ok

# ethtool -r: the PHY renegotiates (QEMU drops the link for half a second);
# the link comes back and so does traffic.
nway_ok() {
	ethtool -r "$DUT" || { echo "ethtool -r refused" >&2; return 1; }
	sleep 1
	wait_for 10 carrier_up "$DUT"
	sleep 1
	ping_all peer 3 "$DUT_IP4"
}
check drv_ethtool_r "ethtool -r: link or traffic did not come back" nway_ok

# ethtool -S counts exactly: 200 frames of 106 bytes each way (fixed
# neighbours, no reply: nothing else on the wire), in the driver's software counters
# and the NIC's own statistics registers alike.
stats_ok() {
	_s=$(ethtool -S "$DUT")
	for _k in rx_packets rx_bytes tx_packets tx_bytes hw_rx_good_packets \
		hw_tx_good_packets hw_rx_missed; do
		echo "$_s" | grep -Eq "^ +$_k: [0-9]+$" ||
			{ echo "ethtool -S has no numeric $_k" >&2; return 1; }
	done
	static_neighbours
	wait_quiet
	for _k in rx_packets rx_bytes tx_packets tx_bytes hw_rx_good_packets hw_tx_good_packets; do
		eval "_b_$_k=\$(dut_ethstat $_k)"
	done
	# To an address neither side has: dropped without an ICMP error, which
	# would add frames to the counts.
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(pkt build --dst-mac "$(mac_of "$DUT")" \
		--src-mac "$(peer_mac)" --src-ip "$PEER_IP4" --dst-ip 10.11.0.99 --payload 64)" \
		--count 200 --rate 2000
	"$E1K/bin/e1k-pkt" send "$DUT" "$(pkt build --dst-mac "$(peer_mac)" --src-mac "$(mac_of "$DUT")" \
		--src-ip "$DUT_IP4" --dst-ip 10.11.0.99 --payload 64)" --count 200 --rate 2000
	# The last completions are counted when the poll cleans them: the
	# counters settle within LIMIT_SETTLE_S (tests/vm/limits.sh).
	wait_for "$LIMIT_SETTLE_S" stats_moved_by_200 && return 0
	stats_moved_by_200 2>&1 | sed 's/$/ '"$LIMIT_SETTLE_S"' s after the last frame/' >&2
	return 1
}
# stats_moved_by_200: each counter moved by what 200 frames of 106 bytes add.
stats_moved_by_200() {
	for _kv in rx_packets=200 rx_bytes=21200 tx_packets=200 tx_bytes=21200 \
		hw_rx_good_packets=200 hw_tx_good_packets=200; do
		_k=${_kv%%=*}
		eval "_d=\$((\$(dut_ethstat $_k) - _b_$_k))"
		# shellcheck disable=SC2154 # _d: assigned by the eval
		[ "$_d" -eq "${_kv#*=}" ] || { echo "$_k moved by $_d, want ${_kv#*=}" >&2; return 1; }
	done
}
check drv_ethtool_S "ethtool -S lacks counters or they did not count 200 frames each way exactly" stats_ok

# ring RX TX: what ethtool -g reports as current.
rings() { ethtool -g "$DUT" | awk '/^Current/ { c = 1 } c && /^RX:/ { r = $2 } c && /^TX:/ { t = $2 } END { print r, t }'; }
ring_max() { ethtool -g "$DUT" | awk '/^Pre-set/ { c = 1 } /^Current/ { c = 0 } c && /^RX:/ { print $2 }'; }
check drv_ethtool_g "ethtool -g: not 256/256 with a 4096 maximum" \
	sh -c "[ \"$(rings)\" = '256 256' ] && [ \"$(ring_max)\" = 4096 ]"

resize_ok() {
	ethtool -G "$DUT" rx 512 tx 128 || return 1
	[ "$(rings)" = "512 128" ] || { echo "rings $(rings) after -G rx 512 tx 128" >&2; return 1; }
	# Out of range: refused, nothing changes.
	ethtool -G "$DUT" rx 8 2>/dev/null && { echo "rx 8 accepted" >&2; return 1; }
	ethtool -G "$DUT" tx 100000 2>/dev/null && { echo "tx 100000 accepted" >&2; return 1; }
	[ "$(rings)" = "512 128" ] || { echo "rings changed by a refused -G" >&2; return 1; }
	wait_for 10 carrier_up "$DUT"
	ping_all peer 3 "$DUT_IP4"
}
check drv_ethtool_G "ethtool -G resize or range checks failed" resize_ok

# Resize while the peer floods the DUT and the DUT sends: no warning, no
# leak (the kernel log check catches the first), traffic resumes.
resize_under_traffic() {
	# Bounded by timeout: a stalled connection fails the test (with the
	# driver's counters on the console) instead of hanging the VM.
	in_peer_bg timeout 20 /usr/bin/ping -f -w 12 "$DUT_IP4" >/dev/null 2>&1 # lint: background load, its replies are not the point
	_fl=$BG_PID
	iperf_server 5201 "$DUT_IP4"
	in_peer_bg timeout 30 iperf3 -c "$DUT_IP4" -t 10 -R >/dev/null 2>&1
	_ip=$BG_PID
	_ok=0
	for _r in "128 1024" "4096 80" "256 256" "1024 512" "256 256"; do
		# shellcheck disable=SC2086 # two words: rx and tx
		set -- $_r
		ethtool -G "$DUT" rx "$1" tx "$2" || { _ok=1; echo "-G rx $1 tx $2 failed" >&2; }
		sleep 0.5
	done
	_iprc=0
	wait "$_ip" || _iprc=$?
	wait "$_fl" || true
	iperf_server_stop 5201
	if [ "$_iprc" -ne 0 ]; then
		echo "iperf3 -R across the resizes exited $_iprc" >&2
		_ok=1
	fi
	if [ "$_ok" = 0 ] && [ "$(rings)" = "256 256" ] &&
		wait_for 10 carrier_up "$DUT" &&
		ping_all peer 3 "$DUT_IP4" && ping_all dut 3 "$PEER_IP4"; then
		return 0
	fi
	dut_diag
	return 1
}
check drv_ring_resize_traffic "ring resize under traffic failed or broke traffic" \
	resize_under_traffic

offloads_ok() {
	_k=$(ethtool -k "$DUT") || return 1
	for _f in scatter-gather tx-checksumming tcp-segmentation-offload \
		rx-checksumming rx-vlan-offload tx-vlan-offload; do
		[ "$(echo "$_k" | field "$_f" | cut -d' ' -f1)" = on ] ||
			{ echo "$_f is not on" >&2; return 1; }
	done
	# Toggling TSO and checksums off and back, with traffic after each.
	ethtool -K "$DUT" tso off tx off sg off
	ping_all dut 2 "$PEER_IP4" -s 4000
	ethtool -K "$DUT" tso on tx on sg on
	ping_all dut 2 "$PEER_IP4" -s 4000
}
check drv_ethtool_k "ethtool -k/-K: offloads missing or toggling broke traffic" offloads_ok

# The raw dump is the driver's register list (e1k_ethtool.c), 23 words:
# CTRL STATUS RCTL RDLEN ... TDLEN (13th) ... VET (21st) RAL0 RAH0. The
# values must be the device's live state: link up full duplex, receiver on,
# ring lengths as ethtool -g says, the 802.1Q ethertype, our MAC address.
regs_ok() {
	ethtool -d "$DUT" raw on >/tmp/regs.bin
	[ "$(wc -c </tmp/regs.bin)" -eq 92 ] || { echo "dump of $(wc -c </tmp/regs.bin) bytes, want 92" >&2; return 1; }
	# shellcheck disable=SC2046 # one word a register
	set -- $(od -An -v -tx4 /tmp/regs.bin)
	_want_ral=$(mac_of "$DUT" | awk -F: '{ print $4 $3 $2 $1 }')
	_want_rah=$(mac_of "$DUT" | awk -F: '{ print "8000" $6 $5 }')
	# shellcheck disable=SC2046 # two words
	set -- "$@" $(rings)
	[ $((0x$2 & 3)) -eq 3 ] || { echo "STATUS $2: link not up full duplex" >&2; return 1; }
	[ $((0x$3 & 2)) -eq 2 ] || { echo "RCTL $3: receiver off" >&2; return 1; }
	[ $((0x$4)) -eq $((${24} * 16)) ] || { echo "RDLEN $4 for ${24} descriptors" >&2; return 1; }
	[ $((0x${13})) -eq $((${25} * 16)) ] || { echo "TDLEN ${13} for ${25} descriptors" >&2; return 1; }
	[ $((0x${21})) -eq 33024 ] || { echo "VET ${21}, want 8100" >&2; return 1; }
	if [ "${22}" != "$_want_ral" ] || [ "${23}" != "$_want_rah" ]; then
		echo "RAL0/RAH0 ${22}/${23}, want $_want_ral/$_want_rah" >&2
		return 1
	fi
}
check drv_ethtool_d "ethtool -d: the register dump is not the device's live state" regs_ok

coalesce_ok() {
	_old=$(ethtool -c "$DUT" | field rx-usecs)
	ethtool -C "$DUT" rx-usecs 100
	[ "$(ethtool -c "$DUT" | field rx-usecs)" = 100 ] ||
		{ echo "rx-usecs reads back $(ethtool -c "$DUT" | field rx-usecs)" >&2; return 1; }
	ping_all dut 3 "$PEER_IP4"
	ethtool -C "$DUT" rx-usecs 0
	ping_all dut 3 "$PEER_IP4"
	ethtool -C "$DUT" rx-usecs 100000 2>/dev/null && { echo "rx-usecs 100000 accepted" >&2; return 1; }
	ethtool -C "$DUT" rx-usecs "$_old"
}
check drv_ethtool_C "ethtool -C rx-usecs not applied or traffic failed" coalesce_ok

msglvl_ok() {
	ethtool -s "$DUT" msglvl 0x7 || return 1
	ethtool "$DUT" | grep -q 'Current message level: 0x00000007' || return 1
	ethtool -s "$DUT" msglvl 0x5
}
check drv_ethtool_msglvl "ethtool -s msglvl not applied" msglvl_ok

# Promiscuous and all-multicast on and off keep traffic flowing.
rxmode_ok() {
	ip link set dev "$DUT" promisc on
	ip link set dev "$DUT" allmulticast on
	ping_all peer 2 "$DUT_IP4"
	ip link set dev "$DUT" promisc off
	ip link set dev "$DUT" allmulticast off
	ping_all peer 2 "$DUT_IP4"
}
check drv_rx_mode "promisc/allmulti toggles broke traffic" rxmode_ok

# The peer resolves the DUT afresh (an earlier suite may have left a
# permanent entry) and must reach it at the new address, then the old one.
peer_forget_dut() { in_peer ip neigh del "$DUT_IP4" dev "$PEER_IF" 2>/dev/null || true; }
# peer_sees_dut_at MAC: the peer resolved the DUT's address to MAC (the
# ARP reply came from the DUT's new address, the NIC filtered for it).
peer_sees_dut_at() {
	in_peer ip neigh show "$DUT_IP4" dev "$PEER_IF" | grep -q "lladdr $1 " ||
		{ echo "the peer resolved $DUT_IP4 to '$(in_peer ip neigh show "$DUT_IP4" dev "$PEER_IF")', want $1" >&2; return 1; }
}
macaddr_ok() {
	_m=$(mac_of "$DUT")
	ip link set dev "$DUT" address 02:e1:00:00:00:42
	peer_forget_dut
	ping_all peer 2 "$DUT_IP4" || { ip link set dev "$DUT" address "$_m"; return 1; }
	peer_sees_dut_at 02:e1:00:00:00:42 || { ip link set dev "$DUT" address "$_m"; return 1; }
	ip link set dev "$DUT" address "$_m"
	peer_forget_dut
	ping_all peer 2 "$DUT_IP4"
	peer_sees_dut_at "$_m"
}
check drv_set_mac "traffic failed after changing the MAC address" macaddr_ok

# --- the netdev netlink family (6.12; 6.1 has none) -------------------------
# What the kernel's drivers/net selftests (stats.py, xdp.py) read of a port:
# its XDP features, per-queue statistics that agree with the rtnl counters
# (/sys/class/net/*/statistics) before and after a down/up, and its page
# pool, tied to the port and the NAPI that serves its rx queue.
nd() { "$E1K/bin/e1k-netdev" "$@"; }
# qstat NAME [--queue]: one statistic of the DUT (summed over its queues).
qstat() { nd qstats "$DUT" ${2:+"$2"} | awk -v k="$1" '$(NF - 1) == k { s += $NF; f = 1 } END { if (f) print s }'; }
xdp_features_ok() {
	_f=$(nd dev "$DUT" | tr '\n' ' ')
	[ "$_f" = "basic redirect ndo-xmit xsk-zerocopy rx-sg ndo-xmit-sg " ] ||
		{ echo "xdp-features '$_f'" >&2; return 1; }
}
# qstats_agree [down]: every counter the rtnl reports equals the device's
# qstat and (with the port up: only live queues report) the sum over its
# queues, read between two rtnl readings that agree (no frame in between).
qstats_agree() {
	for _k in rx-packets rx-bytes tx-packets tx-bytes; do
		_r=$(echo "$_k" | tr - _)
		_n=0
		while :; do
			_before=$(dut_stat "$_r")
			_dev=$(qstat "$_k") _q=$(qstat "$_k" --queue)
			[ "$(dut_stat "$_r")" != "$_before" ] || break
			_n=$((_n + 1))
			[ $_n -lt 5 ] || { echo "$_r never held still" >&2; return 1; }
		done
		[ "${1:-}" = down ] && _q=$_before
		if [ "$_dev" != "$_before" ] || [ "$_q" != "$_before" ]; then
			echo "$_k: qstats $_dev, queues $_q, rtnl $_before" >&2
			return 1
		fi
	done
}
qstats_ok() {
	ping_all peer 5 "$DUT_IP4" -s 1000
	qstats_agree
	[ "$(qstat rx-packets)" -gt 0 ] || { echo "no rx-packets" >&2; return 1; }
	# Across a down/up, nothing is lost and the two still agree.
	_rx=$(qstat rx-packets)
	ip link set dev "$DUT" down
	qstats_agree down
	[ -z "$(qstat rx-packets --queue)" ] || { echo "a queue reported while down" >&2; return 1; }
	[ "$(qstat rx-packets)" -ge "$_rx" ] || { echo "rx-packets fell over the down" >&2; return 1; }
	ip link set dev "$DUT" up
	wait_for 10 carrier_up "$DUT"
	ping_all peer 5 "$DUT_IP4"
	qstats_agree
	[ "$(qstat rx-packets)" -ge $((_rx + 5)) ] || { echo "rx-packets lost over the down/up" >&2; return 1; }
}
no_page_pool() { [ -z "$(nd page-pools "$DUT")" ]; }
# page_pool_ok: one page pool of the DUT's, on the NAPI of its rx queue;
# gone with the port down, a new one after up.
page_pool_ok() {
	_napi=$(nd queues "$DUT" | awk '$1 == "rx" && $2 == 0 { print $4 }')
	if [ -z "$_napi" ] || [ "$_napi" -eq 0 ]; then
		echo "rx queue 0 has no NAPI: '$_napi'" >&2
		return 1
	fi
	_pools=$(nd page-pools "$DUT")
	[ "$(echo "$_pools" | lines)" -eq 1 ] || { echo "pools: '$_pools'" >&2; return 1; }
	[ "$(echo "$_pools" | awk '{ print $4 }')" = "$_napi" ] ||
		{ echo "the pool's NAPI is not the rx queue's ($_napi): $_pools" >&2; return 1; }
	ip link set dev "$DUT" down
	# (A pool goes once the stack has returned its pages.)
	wait_for 5 no_page_pool || { echo "a pool outlived the down: $(nd page-pools "$DUT")" >&2; return 1; }
	ip link set dev "$DUT" up
	wait_for 10 carrier_up "$DUT"
	[ "$(nd page-pools "$DUT" | lines)" -eq 1 ] || { echo "no pool after up" >&2; return 1; }
}
case "$E1K_KVER" in
6.12*)
	check drv_netdev_xdp_features "xdp-features not as the driver supports them" xdp_features_ok
	check drv_qstats_match_rtnl "qstats and the rtnl counters disagree" qstats_ok
	check drv_page_pool_listed "the page pool is not listed on the port's NAPI" page_pool_ok
	;;
esac

dut_unload
