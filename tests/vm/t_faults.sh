#!/bin/sh
# shellcheck shell=sh
# Fault injection on every setup path (make check-debug, issue 14): the
# kernel's failslab and fail_page_alloc make allocations fail, and each
# test checks that the operation failed with an error its caller sees (or
# went on as documented), that the port works again once the fault is
# gone, and that the DUT is as the operation found it. The host's
# kernel-log check (no KASAN, lockdep, DMA-API or WARN report) and the
# kmemleak scan at the end of the run (scripts/guest/init) see the rest.
#
# Control-plane paths (probe, open, ring resize, XDP attach) run as one
# system call with the N-th injection point on its path failed
# (/proc/thread-self/fail-nth, tests/tools/e1k_fault_nth.c), N = 1, 2, ...
# until the call has no N-th point left: every allocation in turn. The
# stack filter (require-start/end) counts only allocations with e1k_xdp's
# code on the stack, so the points are the driver's own and what it calls
# (register_netdev in probe, page_pool_create in open); attach, where the
# driver allocates nothing, fails every allocation of the netlink call.
# Paths that run in softirq or a work item (rx refill, the reset, ndo_xdp_xmit)
# have no task to count in: there every allocation under e1k_xdp fails
# while they run. A table of path x fault -> outcome ends the suite (as
# "# " lines).
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

D=/sys/kernel/debug
ATTRS="failslab fail_page_alloc fail_function"
# More points than any path here has: a path that still has an N-th point
# at this N is a failure (the loop would not end).
MAX_NTH=600
TABLE=/tmp/faults.table
: >$TABLE

if [ ! -w /proc/self/fail-nth ] || [ ! -d $D/failslab ] || [ ! -d $D/fail_page_alloc ] ||
	[ ! -d $D/fail_function ]; then
	echo "t_faults: this kernel has no fault injection (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAIL_FUNCTION, CONFIG_FAULT_INJECTION_DEBUG_FS)" >&2
	exit 1
fi

# Every slab cache may fail but the instruments' own (cache-filter):
# - kmemleak's: a failed allocation of its metadata makes kmemleak fall
#   back to its pool and scan less, and spend the pool or disable itself,
#   and the leak scan at the end of the run would lose its instrument.
# - radix_tree_node: DMA-API debugging tracks each streaming mapping's
#   cachelines in a radix tree whose nodes it asks for with __GFP_NOWARN;
#   one it cannot have disables it for good ("cacheline tracking ENOMEM,
#   dma-debug disabled"). Open maps each rx page: a kprobe on
#   should_failslab saw 330 node allocations during one `ip link set up`,
#   and a run of this suite counted over a hundred silent points in open
#   (no message, nothing changed, ~7 s of checks each), which these are
#   taken to be. The cache also holds the page cache's and IDR's nodes; of
#   the driver's paths only register_netdev's ifindex allocation uses it.
# With slub_debug on (vm-run.sh) no cache is merged into another, so each
# takes the mark.
unmarked=
for _c in /sys/kernel/slab/*; do
	[ -L "$_c" ] && continue
	case ${_c##*/} in kmemleak_* | radix_tree_node) _v=0 ;; *) _v=1 ;; esac
	echo $_v 2>/dev/null >"$_c/failslab" || unmarked="$unmarked ${_c##*/}"
done
[ -z "$unmarked" ] || say "slab caches that cannot be marked for failslab (left out):$unmarked"
echo Y >$D/failslab/cache-filter

net_setup "$E1K_DRIVER"
static_neighbours
ping_all peer 2 "$DUT_IP4"
DUT_PCI=$(basename "$(readlink "/sys/class/net/$DUT/device")")

# e1k_xdp's code: from its first function to the end of the page of its
# last (kallsyms lists function starts; the allocation of module text ends
# on a page boundary and a guard page follows it).
module_text() {
	awk '$2 ~ /^[tT]$/ && $3 ~ /^e1k_/ && $4 == "[e1k_xdp]" { print $1 }' /proc/kallsyms |
		sort | sed -n '1p;$p' | tr '\n' ' '
}
hex() { printf '0x%x' "$1"; }

# Allocations the stack filter leaves out (reject-start/end: one function,
# from its start to the symbol after it), where failing them one by one
# says nothing about the driver:
# - probe: acpi_pci_irq_enable, the kernel's routing of a PCI interrupt
#   through ACPI (pci_enable_device). Its allocations are the ACPI
#   interpreter's; when one fails the kernel goes on without a route ("PCI
#   INT A: no GSI"), the probe succeeds, and the first open fails to get
#   the IRQ (EINVAL). The first run of this suite saw exactly that at every
#   such point (4 of the first 10 of probe, each a full rebind to check).
# - open and resize: alloc_iova_fast, the IOMMU's address allocator behind
#   every DMA mapping (one per rx page). It asks with __GFP_NOWARN, so a
#   failure prints nothing, and on one it flushes its caches and asks
#   again, so the mapping never fails at a single point: each such point
#   costs a full check (~7 s on the debug kernel) and shows nothing (see
#   radix_tree_node above for the rest of open's silent points).
#   (A mapping that fails: the hardening suite's hard_xdp_xmit_map_fail;
#   an rx page that cannot be mapped is a failed page_pool allocation, the
#   refill tests below.)
# symbol_span NAME: the address of NAME and of the symbol after it.
symbol_span() {
	sort /proc/kallsyms | awk -v n="$1" 'f { print $1; exit } $3 == n { printf "%s ", $1; f = 1 }'
}

# fault_quiet: every attribute off, no filter, no function to fail.
fault_quiet() {
	echo >$D/fail_function/inject
	for _a in $ATTRS; do
		echo 0 >"$D/$_a/probability"
		echo 0 >"$D/$_a/times"
		echo 0 >"$D/$_a/require-start"
		printf '%s' 0xffffffffffffffff >"$D/$_a/require-end"
		echo 0 >"$D/$_a/reject-start"
		echo 0 >"$D/$_a/reject-end"
	done
}

# fault_scope ATTR driver[:REJECT]|all: ATTR counts allocations under
# e1k_xdp's code (but those under function REJECT), or all of them; the
# other attributes count none (an empty range); allocations that may sleep
# fail too. verbose 2: each injected
# failure prints its stack, which the table reads the driver's frame from.
fault_scope() {
	_range=$(module_text)
	[ -n "$_range" ] || { echo "no e1k_xdp functions in /proc/kallsyms" >&2; return 1; }
	# shellcheck disable=SC2086 # two addresses, two words
	set -- "$1" "$2" $_range
	_lo=$(hex "0x$3")
	_hi=$(hex $(((0x$4 | 4095) + 1)))
	for _a in $ATTRS; do
		echo 64 >"$D/$_a/stacktrace-depth"
		[ ! -e "$D/$_a/ignore-gfp-wait" ] || echo N >"$D/$_a/ignore-gfp-wait"
		echo 2 >"$D/$_a/verbose"
		if [ "$_a" != "$1" ]; then
			echo 1 >"$D/$_a/require-start"
			echo 1 >"$D/$_a/require-end"
		elif [ "${2%%:*}" = driver ]; then
			echo "$_lo" >"$D/$_a/require-start"
			echo "$_hi" >"$D/$_a/require-end"
			if [ "$2" != driver ]; then
				# shellcheck disable=SC2046 # two addresses, two words
				set -- "$1" "$2" $(symbol_span "${2#driver:}")
				[ $# -eq 4 ] || { echo "no symbol ${2#driver:} in /proc/kallsyms" >&2; return 1; }
				echo "0x$3" >"$D/$_a/reject-start"
				echo "0x$4" >"$D/$_a/reject-end"
			fi
		else
			echo 0 >"$D/$_a/require-start"
			printf '%s' 0xffffffffffffffff >"$D/$_a/require-end"
		fi
	done
	echo N >$D/fail_page_alloc/ignore-gfp-highmem
	# Its default, 1, spares every single page: the driver's rx buffers
	# and most of what it allocates. (The first runs of this suite found
	# no page allocation to fail in probe, and an rx ring that filled
	# while every allocation was to fail.)
	echo 0 >$D/fail_page_alloc/min-order
}

# The frame of e1k_xdp (or the caller) nearest each injected failure
# since mark M: "e1k_alloc_rx_ring" for a failure the driver saw.
sites_since() {
	dmesg | sed -n "/e1k-mark: $1\$/,\$p" | sed 's/^\[[ 0-9.]*\] *//' | awk '
		/FAULT_INJECTION: forcing a failure/ { want = 1; next }
		want && /^ *[a-z_0-9.]+\+0x/ {
			f = $1; sub(/\+.*/, "", f)
			if (f ~ /^e1k_/ || f ~ /^(dev_xdp_|do_setlink|rtnl_|netlink_ack)/) { print f; want = 0 }
		}'
}

# What an injected failure prints: the notice (and its stack dump, which
# the log check takes with it), and the page allocator's warning for an
# allocation that did not ask for silence.
INJECTED="FAULT_INJECTION: forcing a failure|page allocation failure"

# row PATH FAULT OUTCOME: a line of the table.
row() { printf '%-26s %-18s %s\n' "$1" "$2" "$3" >>$TABLE; }

# nth_path NAME ATTR SCOPE PREPARE VERIFY RESTORE OP...: OP under fail-nth
# for N = 1, 2, ... PREPARE puts the DUT where OP starts from; after each
# N, VERIFY RESULT checks the DUT is as it should be after OP returned
# RESULT (0 or an errno name; it may name a documented outcome in
# OUTCOME), and RESTORE puts it back. Fails on a point
# past MAX_NTH or a failed check; adds a row either way.
nth_path() {
	_name=$1 _attr=$2 _scope=$3 _prep=$4 _verify=$5 _restore=$6
	shift 6
	fault_scope "$_attr" "$_scope"
	kmsg_expect "$INJECTED"
	_n=1 _points=0 _errs='' _sites=''
	while [ $_n -le $MAX_NTH ]; do
		$_prep
		kmsg_mark "fault $_name $_attr $_n"
		_out=$("$E1K/bin/e1k-fault-nth" "$_n" "$@") || {
			echo "e1k-fault-nth $_n $*: $_out" >&2
			return 1
		}
		_res=${_out#*result=}
		_res=${_res%% *}
		case "$_out" in
		*injected=no*)
			[ "$_res" = 0 ] || { echo "$_name: with nothing injected the operation failed: $_out" >&2; return 1; }
			$_verify 0 || { echo "$_name: not in order after the uninjected run" >&2; return 1; }
			$_restore
			break
			;;
		esac
		_points=$((_points + 1))
		_s=$(sites_since "fault $_name $_attr $_n" | head -n 1)
		_sites="$_sites ${_s:-?}"
		OUTCOME=
		$_verify "$_res" || { echo "$_name: not in order after point $_n ($_out, at ${_s:-?})" >&2; return 1; }
		_errs="$_errs $_res${OUTCOME:+/$OUTCOME}"
		$_restore
		_n=$((_n + 1))
	done
	fault_quiet
	kmsg_expect_end
	[ $_n -le $MAX_NTH ] || { echo "$_name: still a point at N=$MAX_NTH" >&2; return 1; }
	# (A path with no point at all has empty lists: awk, not grep, skips
	# the empty lines, so that the pipe does not fail.)
	_summary=$(echo "$_errs" | tr ' ' '\n' | awk 'NF' | sort | uniq -c |
		awk '{ printf "%s%s x%s", s, $2, $1; s = ", " }')
	_where=$(echo "$_sites" | tr ' ' '\n' | awk 'NF' | sort | uniq -c | sort -rn | awk 'NR <= 4' |
		awk '{ printf "%s%s", s, $2; s = " " }')
	row "$_name" "$_attr" "$_points points: ${_summary:-none}${_where:+; at $_where}"
	say "$_name under $_attr: $_points points: ${_summary:-none}"
}

# --- probe: bind the DUT to e1k_xdp -------------------------------------------
probe_prepare() {
	if [ -e "/sys/bus/pci/drivers/e1k_xdp/$DUT_PCI" ]; then
		echo "$DUT_PCI" >/sys/bus/pci/drivers/e1k_xdp/unbind
	fi
}
# A failed probe leaves no interface and the device unbound; a probe that
# went on has a port that works, but for one case: the kernel's ACPI code
# goes on when an allocation fails while it routes the device's interrupt
# (pci_enable_device prints "PCI INT A: no GSI"), so the probe succeeds
# and the first open fails to get the IRQ (EINVAL, "cannot get IRQ"). The
# next probe, with the fault gone, routes it.
probe_verify() {
	if [ "$1" = 0 ] && ! port_works 2>/tmp/port.err; then
		dmesg | sed -n "/e1k-mark: fault $_name $_attr $_n\$/,\$p" >/tmp/point.log
		if ! grep -q 'PCI INT A: no GSI' /tmp/point.log || ! grep -q 'cannot get IRQ' /tmp/point.log; then
			cat /tmp/port.err >&2
			return 1
		fi
		OUTCOME=no_irq_route
		probe_prepare
		echo "$DUT_PCI" >/sys/bus/pci/drivers/e1k_xdp/bind
	fi
	if [ "$1" != 0 ]; then
		if [ -e "/sys/bus/pci/drivers/e1k_xdp/$DUT_PCI" ]; then
			echo "probe failed ($1) but the device is bound" >&2
			return 1
		fi
		if iface_by_mac "$DUT_MAC" e1k_xdp >/dev/null; then
			echo "probe failed ($1) but an interface is left" >&2
			return 1
		fi
		# The next point binds it again (and the last, with nothing
		# injected, checks the port that gives).
		return 0
	fi
	port_works
}
probe_restore() { :; }

# port_works: the DUT (found again: a new probe may have renamed it) comes
# up configured and answers the peer.
port_works() {
	wait_for 10 iface_by_mac "$DUT_MAC" e1k_xdp >/dev/null || {
		echo "no interface bound to e1k_xdp" >&2
		return 1
	}
	DUT=$(iface_by_mac "$DUT_MAC" e1k_xdp)
	if ! ip link show dev "$DUT" | grep -q '[<,]UP[,>]'; then
		dut_configure || { echo "the port does not come up" >&2; return 1; }
	fi
	wait_for 10 carrier_up "$DUT" || { echo "no carrier" >&2; return 1; }
	static_neighbours
	ping_all peer 1 "$DUT_IP4" -W 2
}

faults_probe() {
	nth_path probe "$1" driver:acpi_pci_irq_enable probe_prepare probe_verify probe_restore bind e1k_xdp "$DUT_PCI"
}
check probe_failslab "a failed allocation in probe left the device in a bad state" faults_probe failslab
check probe_fail_page_alloc "a failed page allocation in probe left the device in a bad state" \
	faults_probe fail_page_alloc

# --- open: ip link set up -------------------------------------------------
open_prepare() { ip link set dev "$DUT" down; }
# A failed open leaves the port down (the next point opens it again); one
# that went on, a port that works.
open_verify() {
	if [ "$1" != 0 ]; then
		if ip link show dev "$DUT" | grep -q '[<,]UP[,>]'; then
			echo "open failed ($1) but the port is up" >&2
			return 1
		fi
		return 0
	fi
	port_works
}
open_restore() { :; }
faults_open() { nth_path open "$1" driver:alloc_iova_fast open_prepare open_verify open_restore up "$DUT"; }
check open_failslab "a failed allocation in open left the port in a bad state" faults_open failslab
check open_fail_page_alloc "a failed page allocation in open left the port in a bad state" \
	faults_open fail_page_alloc

# --- ring resize: ethtool -G ----------------------------------------------
rings_now() { ethtool -g "$DUT" | awk '/^Current/ { c = 1 } c && /^(RX|TX):/ { printf "%s ", $2 }'; }
resize_prepare() { :; }
resize_verify() {
	_want="256 256 "
	[ "$1" != 0 ] || _want="512 512 "
	[ "$(rings_now)" = "$_want" ] || {
		echo "resize returned $1, rings are now $(rings_now)(want $_want)" >&2
		return 1
	}
	port_works
}
resize_restore() {
	# (ethtool -G fails when nothing would change)
	[ "$(rings_now)" = "256 256 " ] || ethtool -G "$DUT" rx 256 tx 256
}
faults_resize() {
	ethtool -G "$DUT" rx 256 tx 256
	nth_path resize "$1" driver:alloc_iova_fast resize_prepare resize_verify resize_restore rings "$DUT" 512 512
}
check resize_failslab "a failed allocation in a ring resize lost the old rings" faults_resize failslab
check resize_fail_page_alloc "a failed page allocation in a ring resize lost the old rings" \
	faults_resize fail_page_alloc

# --- XDP attach -------------------------------------------------------------
attach_prepare() { :; }
# e1k-fault-nth detaches whatever is attached, whatever the attach
# returned (a lost netlink ack reports ENOBUFS for an attach that took
# effect): no program either way, and the port works after the round trip.
attach_verify() {
	if ip link show dev "$DUT" | grep -q ' xdp '; then
		echo "attach returned $1 and a program is left on the port" >&2
		return 1
	fi
	port_works
}
attach_restore() { :; }
faults_attach() { nth_path attach "$1" all attach_prepare attach_verify attach_restore xdp "$DUT"; }
check attach_failslab "a failed allocation in an XDP attach left the port in a bad state" \
	faults_attach failslab
check attach_fail_page_alloc "a failed page allocation in an XDP attach left the port in a bad state" \
	faults_attach fail_page_alloc

# --- the paths with no task: every allocation under e1k_xdp fails -----------
# fault_all ATTR atomic|all [ERE]: from now on, allocations that may not
# sleep or all of them (and ERE may stand in the log too), or for
# fail_function every call of the function in its inject file; under
# e1k_xdp's code either way. fault_all_end: off again.
fault_all() {
	kmsg_expect "${3:+$3|}$INJECTED"
	fault_scope "$1" driver
	[ "$2" = all ] || echo Y >"$D/$1/ignore-gfp-wait"
	echo 1 >"$D/$1/verbose"
	echo -1 >"$D/$1/times"
	echo 100 >"$D/$1/probability"
}
fault_all_end() {
	fault_quiet
	kmsg_expect_end
}
injected_since() { dmesg | sed -n "/e1k-mark: $1\$/,\$p" | grep -c 'FAULT_INJECTION: forcing a failure' || true; }

# rx refill: the port comes up with every page allocation failing, so its
# ring stays empty, and the peer's frames do not get in (QEMU's e1000 holds
# them; a real NIC would miss them); the refills the watchdog's interrupt
# starts fail too. Once allocations work again the ring fills and the port
# answers, with no reset.
refill_test() {
	ip link set dev "$DUT" down
	_f0=$(dut_ethstat rx_alloc_failed)
	kmsg_mark "fault refill"
	# Only the refills: the rings and the new page pool are allocated
	# with GFP_KERNEL, the pages with GFP_ATOMIC.
	fault_all fail_page_alloc atomic
	ip link set dev "$DUT" up
	wait_for 10 carrier_up "$DUT" || { fault_all_end; echo "no carrier" >&2; return 1; }
	ping_none peer 3 "$DUT_IP4" -W 1 || { fault_all_end; echo "frames got through an empty ring" >&2; return 1; }
	fault_all_end
	_inj=$(injected_since "fault refill")
	_f=$(($(dut_ethstat rx_alloc_failed) - _f0))
	if [ "$_inj" -eq 0 ] || [ "$_f" -eq 0 ]; then
		echo "injected $_inj, rx_alloc_failed +$_f: the refill did not meet the fault" >&2
		return 1
	fi
	_t0=$(date +%s)
	wait_for 10 ping_all peer 1 "$DUT_IP4" -W 1 || { echo "the port did not recover" >&2; return 1; }
	ping_all peer 5 "$DUT_IP4"
	row refill_under_traffic fail_page_alloc "$_inj failed, rx_alloc_failed +$_f, no frame in; back in $(($(date +%s) - _t0)) s"
}
check refill_fail_page_alloc "rx refill with no pages did not degrade and recover as documented" refill_test

# rx refill under traffic, pages from the pool's cache included: the kernel
# lets fail_function fail page_pool_alloc_pages (it returns NULL), and every
# call of it under e1k_xdp fails while the peer sends, so refills fail even
# while the pool holds recycled pages (fail_page_alloc reaches only the
# page allocator, which a warm pool seldom calls). The ring drains: QEMU's
# e1000 then holds the frames after it (the hub stops the peer's queue;
# a real NIC would miss them, hw_rx_missed). Once the fault is gone the
# ring fills, the held frames come in, none lost, with no reset. The fault
# lasts a second, well within the peer's 5 s tx watchdog.
refill_function_test() {
	static_neighbours
	wait_quiet
	# The ring's 255 buffers and more, fewer than the peer's queue holds.
	_n=320
	_f0=$(dut_ethstat rx_alloc_failed) _r0=$(dut_stat rx_packets) _p0=$(peer_stat tx_packets)
	_h0=$(dut_ethstat hw_rx_good_packets) _m0=$(dut_ethstat hw_rx_missed) _e0=$(dut_ethstat rx_frame_errors)
	kmsg_mark "fault refill function"
	echo page_pool_alloc_pages >$D/fail_function/inject
	fault_all fail_function all
	in_peer timeout 20 "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64 --dport 9)" \
		--count $_n --rate 1000 || { fault_all_end; echo "the peer could not send" >&2; return 1; }
	sleep 0.5
	_r=$(($(dut_stat rx_packets) - _r0))
	fault_all_end
	_inj=$(injected_since "fault refill function")
	_f=$(($(dut_ethstat rx_alloc_failed) - _f0))
	if [ "$_inj" -eq 0 ] || [ "$_f" -eq 0 ] || [ "$_r" -ge $_n ]; then
		echo "injected $_inj, rx_alloc_failed +$_f, $_r of $_n frames in: the refill did not meet the fault" >&2
		return 1
	fi
	_t0=$(date +%s)
	wait_for 10 rx_since "$_r0" $_n || {
		echo "$(($(dut_stat rx_packets) - _r0)) of $_n frames in 10 s after the fault (peer sent" \
			"$(($(peer_stat tx_packets) - _p0)), hw_rx_good_packets +$(($(dut_ethstat hw_rx_good_packets) - _h0))," \
			"hw_rx_missed +$(($(dut_ethstat hw_rx_missed) - _m0)), rx_frame_errors +$(($(dut_ethstat rx_frame_errors) - _e0)))" >&2
		return 1
	}
	ping_all peer 5 "$DUT_IP4"
	row refill_under_traffic "fail_function" \
		"page_pool_alloc_pages failed, rx_alloc_failed +$_f, ring drained at $_r of $_n; all in $(($(date +%s) - _t0)) s after"
}
# rx_since R0 N: rx_packets has grown by N since R0.
rx_since() { [ $(($(dut_stat rx_packets) - $1)) -ge "$2" ]; }
check refill_fail_function "rx refill with the page pool failing did not degrade and recover as documented" \
	refill_function_test

# reset: the reset a tx timeout runs, with every allocation under the
# driver failing (the rings and the page pool stay across a reset: there
# should be none).
reset_test() {
	kmsg_mark "fault reset $1"
	fault_all "$1" all "resetting the device"
	echo 1 >"$D/e1k_xdp/$DUT_PCI/reset"
	sleep 2
	fault_all_end
	_inj=$(injected_since "fault reset $1")
	port_works
	row reset "$1" "$_inj failed; the port works after it"
}
check reset_failslab "a reset with failing allocations did not leave a working port" reset_test failslab
check reset_fail_page_alloc "a reset with failing page allocations did not leave a working port" \
	reset_test fail_page_alloc

# ndo_xdp_xmit: frames redirected into the DUT from a veth while every
# allocation under the driver fails (the IOMMU's IOVA allocation for the
# DMA mapping); what cannot be sent is counted and freed, and the frames
# after it leave.
xmit_test() {
	_n=200
	# (what an earlier run of this test left when it failed half way)
	[ ! -e /run/netns/vns ] || veth_teardown
	veth_setup
	ip link set dev vr0 xdpdrv obj "$TOBJ/xdp_t_redirect.bpf.o" sec xdp
	set_devmap "$(cat "/sys/class/net/$DUT/ifindex")"
	_f=$(pkt build --src-mac "$(mac_of "$DUT")" --dst-mac "$(peer_mac)" \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --payload 64)
	_x0=$(dut_ethstat xdp_xmit) _e0=$(dut_ethstat xdp_xmit_err)
	kmsg_mark "fault xmit $1"
	fault_all "$1" atomic
	in_vns "$E1K/bin/e1k-pkt" send vr1 "$_f" --count $_n --rate 1000
	fault_all_end
	_inj=$(injected_since "fault xmit $1")
	_x=$(($(dut_ethstat xdp_xmit) - _x0)) _e=$(($(dut_ethstat xdp_xmit_err) - _e0))
	# Every frame either left or was counted as an error.
	[ $((_x + _e)) -eq $_n ] || { veth_teardown; echo "xdp_xmit +$_x, xdp_xmit_err +$_e, sent $_n" >&2; return 1; }
	# And with the fault gone, all of them leave.
	_x0=$(dut_ethstat xdp_xmit)
	in_vns "$E1K/bin/e1k-pkt" send vr1 "$_f" --count $_n --rate 1000
	_x=$(($(dut_ethstat xdp_xmit) - _x0))
	veth_teardown
	[ "$_x" -eq $_n ] || { echo "after the fault, xdp_xmit +$_x of $_n" >&2; return 1; }
	port_works
	row ndo_xdp_xmit "$1" "$_inj failed, xdp_xmit_err +$_e of $_n; all $_n sent after"
}
check xmit_failslab "ndo_xdp_xmit with failing allocations lost or leaked frames" xmit_test failslab
check xmit_fail_page_alloc "ndo_xdp_xmit with failing page allocations lost or leaked frames" \
	xmit_test fail_page_alloc

fault_quiet
say "fault injection: path x fault -> outcome"
sed 's/^/  /' $TABLE | while IFS= read -r l; do say "$l"; done
dut_unload
