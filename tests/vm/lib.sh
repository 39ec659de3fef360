# shellcheck shell=sh
# Helpers for the guest test suites (sourced by tests/vm/t_*.sh, run by the
# VM's /init under busybox sh). Results go to fd 3 (the results serial port):
# exactly one line per test, "PASS name" or "FAIL name: reason".
#
# Topology: the DUT (an e1000-family NIC, driven by $E1K_DRIVER) stays in the
# root namespace; the virtio-net peer lives in network namespace "peer". A
# guest booted with `vm-run.sh --ports 2` has a second port: DUT2 (the same
# model, on the same driver) and its own virtio-net peer in namespace
# "peer2", on a QEMU hub of their own. Each NIC is known by its MAC (set by
# vm-run.sh): with two ports both DUTs bind to the driver and both peers to
# virtio_net, in an order nobody promised.
set -eu
# shellcheck disable=SC3040 # busybox ash has pipefail
set -o pipefail

E1K=/opt/e1k
# shellcheck source=tests/vm/limits.sh
. $E1K/tests/vm/limits.sh

# busybox sh runs its own applets before searching PATH; functions come first,
# so these make the suites call the real tools.
ip() { /usr/sbin/ip "$@"; }
ping() { /usr/bin/ping "$@"; }
ethtool() { /usr/sbin/ethtool "$@"; }
iperf3() { /usr/bin/iperf3 "$@"; }
bpftool() { /usr/sbin/bpftool "$@"; }
nsenter() { /usr/bin/nsenter "$@"; }

DUT_MAC=52:54:00:e1:00:01
PEER_MAC=52:54:00:e1:00:02
DUT2_MAC=52:54:00:e1:00:03
PEER2_MAC=52:54:00:e1:00:04
DUT_IP4=10.11.0.1
PEER_IP4=10.11.0.2
DUT_IP6=fd11::1
PEER_IP6=fd11::2
PEER_IF=peer0
# The second port: another subnet, so the routes tell the ports apart.
# shellcheck disable=SC2034 # used by the suites that source this file
DUT2_IP4=10.12.0.1 PEER2_IP4=10.12.0.2 DUT2_IP6=fd12::1 PEER2_IP6=fd12::2
PEER2_IF=peer2
: "${E1K_DRIVER:=e1k_xdp}"
: "${TEST_PREFIX:=}"
: "${E1K_MODPARAMS:=}"

pass() { echo "PASS $TEST_PREFIX$1" >&3; }
fail() { echo "FAIL $TEST_PREFIX$1: $2" >&3; }

# Narration for people reading a run (the demo): "# " lines on fd 3.
say() { echo "# $*" >&3; }
# show CMD...: say the command, run it, and show its output indented.
show() {
	say "\$ $*"
	"$@" 2>&1 | sed 's/^/#     /' >&3
}

# check NAME REASON CMD...: one test from one command's exit status. CMD runs
# in a subshell with errexit on, and not inside an `if`: sh switches errexit
# off for a whole function called as a condition, so a failing step that
# lacks its own `|| return 1` would be ignored. Here any failing command
# fails the test. The body's stderr goes to the console; its last line
# completes the FAIL reason. The kernel log gets a marker per test, so that
# a report in it can be tied to the test that was running.
# E1K_ONLY="NAME..." (vm-run.sh --env) runs only those tests of the
# suites, for work on one test: the others report nothing, which a make
# check run would count as failures.
check() {
	_name=$1 _why=$2
	shift 2
	case " ${E1K_ONLY:-$_name} " in
	*" $_name "*) ;;
	*) return 0 ;;
	esac
	kmsg_mark "test $TEST_PREFIX$_name"
	set +e
	(
		set -e
		"$@"
	) 2>/tmp/check.err
	_rc=$?
	set -e
	cat /tmp/check.err >&2
	if [ "$_rc" -eq 0 ]; then
		pass "$_name"
	else
		# (A body that failed without a word: grep finds nothing.)
		_last=$(grep . /tmp/check.err | tail -n 1 | cut -c1-200) || _last=
		fail "$_name" "$_why${_last:+ [$_last]}"
	fi
}

# kmsg_mark TEXT: a line in the kernel log ("e1k-mark: TEXT") that the
# host's log check reads as a position, never as a report.
kmsg_mark() { echo "e1k-mark: $*" >/dev/kmsg; }

# kmsg_expect PATTERN / kmsg_expect_end: a test that provokes a kernel
# message on purpose (a tx timeout) declares it; between the two marks the
# host's log check accepts lines matching PATTERN (an extended regular
# expression), and nothing else.
kmsg_expect() { kmsg_mark "expect $*"; }
# The peer's tx watchdog, when the DUT takes in nothing for over 5 s under a
# flood: QEMU's e1000 with no receive buffer (driver unloaded, port down)
# refuses its hub's frames, the hub holds the peer's instead of dropping
# them as a wire would, and the peer's virtio ring stays full until the
# peer reports "peer0: NETDEV WATCHDOG: ... timed out" (see _peer_ns_setup
# for one frame held). A reload under a flood on a debug kernel takes that
# long. Tests that keep the DUT from
# receiving for seconds under a flood expect it; the DUT's own watchdog
# ("eth0: NETDEV WATCHDOG") never matches.
PEER_TX_STALL='peer[0-9]*: NETDEV WATCHDOG: '

kmsg_expect_end() { kmsg_mark "expect-end"; }

# lines [FILE]: how many non-empty lines FILE (default: stdin) holds; 0 for
# none, and for a FILE not (yet) there: a tool's output file before it wrote.
lines() {
	if [ $# = 0 ]; then grep -c . || true; elif [ -e "$1" ]; then grep -c . "$1" || true; else echo 0; fi
}

# ping_all WHERE N DEST [OPTION...]: N echo requests from WHERE (dut, peer
# or peer2) to DEST, every one answered, none twice. (ping's exit status is 0
# as soon as one reply of N came back.)
ping_all() {
	_ping_run "$@" || return 1
	if [ "$_p_tx" != "$2" ] || [ "$_p_rx" != "$2" ] || [ "$_p_dup" != 0 ]; then
		echo "ping $_p_args from $1: $_p_rx of $_p_tx answered (want $2), $_p_dup duplicates" >&2
		return 1
	fi
}
# ping_none WHERE N DEST [OPTION...]: N echo requests, none answered.
ping_none() {
	_ping_run "$@" || return 1
	if [ "$_p_tx" != "$2" ] || [ "$_p_rx" != 0 ]; then
		echo "ping $_p_args from $1: $_p_rx of $_p_tx answered (want none)" >&2
		return 1
	fi
}
_ping_run() {
	_p_where=$1 _p_n=$2 _p_dst=$3
	shift 3
	_p_args="$* $_p_dst"
	case "$_p_where" in
	dut) _p_out=$(/usr/bin/ping -c "$_p_n" -i 0.2 -W 2 "$@" "$_p_dst" 2>&1) ;;
	peer) _p_out=$(in_peer /usr/bin/ping -c "$_p_n" -i 0.2 -W 2 "$@" "$_p_dst" 2>&1) ;;
	peer2) _p_out=$(in_peer2 /usr/bin/ping -c "$_p_n" -i 0.2 -W 2 "$@" "$_p_dst" 2>&1) ;;
	*) echo "ping_all/ping_none: WHERE is dut, peer or peer2, not '$_p_where'" >&2; return 1 ;;
	esac
	_p_tx=$(echo "$_p_out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	_p_rx=$(echo "$_p_out" | sed -n 's/.* \([0-9]*\) received.*/\1/p')
	_p_dup=$(echo "$_p_out" | sed -n 's/.* +\([0-9]*\) duplicates.*/\1/p')
	: "${_p_dup:=0}"
	if [ -z "$_p_tx" ] || [ -z "$_p_rx" ]; then
		echo "ping $_p_args from $_p_where: no summary ($(echo "$_p_out" | tail -n 1))" >&2
		return 1
	fi
}

# iperf_server PORT ADDR [--many]: an iperf3 server on ADDR:PORT for one
# test (or, with --many, for any number), in the background, its pid in
# /tmp/iperf3.PORT.pid; returns once it listens.
iperf_server() {
	rm -f "/tmp/iperf3.$1.pid"
	_once=-1
	[ "${3:-}" != --many ] || _once=
	# shellcheck disable=SC2086 # $_once is an option or nothing
	iperf3 -s $_once -D -B "$2" -p "$1" -I "/tmp/iperf3.$1.pid" >/dev/null 2>&1
	wait_for 5 tcp_listening "$1" || { echo "iperf3 server on $2:$1 did not start" >&2; return 1; }
}
# iperf_server_stop PORT: stop that server if it still runs (by its pid).
iperf_server_stop() {
	if [ -s "/tmp/iperf3.$1.pid" ]; then
		kill "$(cat "/tmp/iperf3.$1.pid")" 2>/dev/null || true
	fi
	rm -f "/tmp/iperf3.$1.pid"
}
# iperf_ok PORT ADDR ARGS...: a run from the peer to the DUT's server on
# ADDR:PORT that moved at least $LIMIT_TCP_KBPS kbit/s (tests/vm/limits.sh). -R
# makes the DUT the sender.
iperf_ok() {
	_port=$1 _addr=$2
	shift 2
	iperf_server "$_port" "$_addr"
	_rc=0
	_out=$(in_peer timeout 30 iperf3 -J -c "$_addr" -p "$_port" "$@" 2>&1) || _rc=$?
	iperf_server_stop "$_port"
	[ "$_rc" -eq 0 ] || {
		echo "iperf3 $* exited $_rc: $(echo "$_out" | /usr/bin/jq -r .error 2>/dev/null)" >&2
		return 1
	}
	_kbps=$(echo "$_out" | /usr/bin/jq '.end.sum_received.bits_per_second / 1000 | floor')
	say "iperf3 $*: $_kbps kbit/s"
	[ "$_kbps" -ge "$LIMIT_TCP_KBPS" ] || { echo "iperf3 $*: $_kbps kbit/s < $LIMIT_TCP_KBPS" >&2; return 1; }
}
# tcp_listening PORT: a TCP socket listens on PORT in this namespace.
tcp_listening() {
	awk -v p="$(printf ':%04X' "$1")" 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6
}

# Run a command inside the peer namespace. nsenter keeps /sys and bpffs shared
# (ip netns exec would remount /sys privately).
in_peer() { nsenter --net=/run/netns/peer "$@"; }
in_peer2() { nsenter --net=/run/netns/peer2 "$@"; }
# in_peer_bg CMD...: CMD in the peer namespace in the background; BG_PID is
# CMD's own pid. (`in_peer CMD &` forks a subshell for the function: killing
# that leaves CMD running. nsenter execs CMD, so here the pid is CMD's.)
in_peer_bg() {
	/usr/bin/nsenter --net=/run/netns/peer "$@" &
	# shellcheck disable=SC2034 # read by the suites that source this file
	BG_PID=$!
}

# iface_by_mac MAC DRV: the interface in this namespace with address MAC
# whose device is bound to DRV. (Called right after the driver bound, when
# the address is still the one it read from the NIC, whatever a test set it
# to while an earlier load ran.)
iface_by_mac() {
	for _d in /sys/class/net/*; do
		[ -e "$_d/device/driver" ] || continue
		[ "$(cat "$_d/address")" = "$1" ] || continue
		if [ "$(basename "$(readlink "$_d/device/driver")")" = "$2" ]; then
			basename "$_d"
			return 0
		fi
	done
	return 1
}

# wait_for TIMEOUT_S CMD...: poll every 0.1 s until CMD succeeds. (Its
# counter has a name of its own: the suites' _n survives a call.) A
# timeout says what it waited for on stderr, so that a test that ends on
# one says why (a test's own message, written later, comes last). For a
# line a background job writes to a file, remove the file before starting
# the job: the job's shell truncates it only once it runs, and the one
# vCPU may run the waiter first, which then finds the last job's line.
wait_for() {
	_wf_s=$1
	_wf_n=$((_wf_s * 10))
	shift
	while [ "$_wf_n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		_wf_n=$((_wf_n - 1))
	done
	echo "waited $_wf_s s in vain for: $*" >&2
	return 1
}

# wait_quiet: until neither the DUT nor the peer has sent a frame for 2 s
# (IPv6 sends its multicast reports within about 2 s of a link coming up),
# at most 20 s; for tests that count every frame on the wire.
wait_quiet() {
	_q=0 _n=0
	_last=
	while [ $_q -lt 4 ] && [ $_n -lt 40 ]; do
		_now="$(dut_stat tx_packets) $(peer_stat tx_packets)"
		if [ "$_now" = "$_last" ]; then _q=$((_q + 1)); else _q=0; fi
		_last=$_now
		sleep 0.5
		_n=$((_n + 1))
	done
	[ $_q -ge 4 ] || { echo "the wire did not go quiet in 20 s" >&2; return 1; }
}

carrier_up() { [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" = 1 ]; }
# The driver's debugfs fault knobs (driver/e1k_debugfs.c): dut_debugfs
# prints the DUT's directory, knob NAME VALUE arms one in $DBG (or disarms
# it: 0), knobs_off disarms all.
KNOBS="fail_ring_alloc fail_page_refill fail_skb_build fail_reset fail_xdp_xmit_map
	fail_xdp_xmit_frag_map"
dut_debugfs() { echo "/sys/kernel/debug/e1k_xdp/$(basename "$(readlink "/sys/class/net/$DUT/device")")"; }
knob() { echo "$2" >"$DBG/$1"; }
knobs_off() {
	for _k in $KNOBS; do
		knob "$_k" 0
	done
}
# set_mtu MTU: the DUT's and the peer's.
set_mtu() {
	ip link set dev "$DUT" mtu "$1" && in_peer ip link set dev "$PEER_IF" mtu "$1"
}

# peer_setup: move the virtio-net NIC of the first port (PEER_MAC) into
# namespace "peer" as $PEER_IF, with its addresses.
peer_setup() {
	_peer_ns_setup peer "$PEER_MAC" $PEER_IF $PEER_IP4 $PEER_IP6
}
# peer2_setup: the same for the second port's peer (namespace "peer2").
peer2_setup() {
	_peer_ns_setup peer2 "$PEER2_MAC" $PEER2_IF $PEER2_IP4 $PEER2_IP6
}
# _peer_ns_setup NS MAC IF IP4 IP6
_peer_ns_setup() {
	[ -e "/run/netns/$1" ] && return 0
	modprobe virtio_pci 2>/dev/null || true
	modprobe virtio_net
	wait_for 5 iface_by_mac "$2" virtio_net >/dev/null || {
		echo "no virtio_net interface with address $2" >&2
		return 1
	}
	_p=$(iface_by_mac "$2" virtio_net)
	# No byte queue limit below 1 MiB on the peer's queues (set before it
	# leaves this namespace's /sys). QEMU's e1000 refuses frames while it
	# has no receive buffer (DUT unloaded, down, not yet up), and its hub
	# then holds the peer's; on 6.12 virtio_net keeps BQL, whose limit
	# would stop the queue on a frame or two in flight, and the peer
	# reports a tx timeout ("peer0: NETDEV WATCHDOG") 5 s later. A wire
	# would have dropped the frames. The minimum counts from the first
	# completion on (the limit starts at 0): the peer's first frames must
	# find the DUT up, so net_setup brings the DUT up first. The queue
	# still stops when the virtio ring is full (a flood: PEER_TX_STALL).
	for _l in /sys/class/net/"$_p"/queues/tx-*/byte_queue_limits/limit_min; do
		[ ! -w "$_l" ] || echo 1048576 >"$_l"
	done
	ip netns add "$1"
	ip link set "$_p" netns "$1"
	nsenter --net="/run/netns/$1" /usr/sbin/ip link set "$_p" name "$3"
	nsenter --net="/run/netns/$1" /usr/sbin/ip link set lo up
	# No router solicitations: nothing the DUT has not asked for.
	nsenter --net="/run/netns/$1" sysctl -qw "net.ipv6.conf.$3.router_solicitations=0"
	nsenter --net="/run/netns/$1" /usr/sbin/ip addr add "$4/24" dev "$3"
	nsenter --net="/run/netns/$1" /usr/sbin/ip addr add "$5/64" dev "$3" nodad
	nsenter --net="/run/netns/$1" /usr/sbin/ip link set "$3" up
}

# peer_alive: the peer reaches the DUT (both up, with addresses).
peer_alive() { in_peer ping -c 2 -i 0.2 -W 1 "$DUT_IP4" >/dev/null 2>&1; }

# peer_reset: reset the peer's virtio-net device (unbind and bind its PCI
# function) and set the peer up again. Under a heavy two-way flood QEMU 7.2's
# virtio-net can stop taking frames from the peer's transmit queue for good
# ("NETDEV WATCHDOG: peer0: transmit queue 0 timed out"); a device reset
# drops what QEMU still holds for it and starts the queues afresh.
peer_reset() {
	# The netdev is in namespace peer, out of this sysfs's sight; ethtool's
	# bus-info names its PCI function (virtio_pci's bus name).
	_fn=$(in_peer ethtool -i $PEER_IF | sed -n 's/^bus-info: //p')
	if [ -z "$_fn" ] || [ ! -e "/sys/bus/pci/drivers/virtio-pci/$_fn" ]; then
		echo "peer_reset: no virtio-pci function behind $PEER_IF (bus-info '$_fn')" >&2
		return 1
	fi
	echo "$_fn" >/sys/bus/pci/drivers/virtio-pci/unbind
	ip netns del peer
	echo "$_fn" >/sys/bus/pci/drivers/virtio-pci/bind
	peer_setup
}

# dut_load [DRIVER]: bind the DUT to DRIVER (e1k_xdp from our build, or the
# in-tree e1000 baseline), bring it up with addresses; sets $DUT. With two
# ports the driver binds both; dut2_setup brings up the second.
dut_load() {
	_drv=${1:-$E1K_DRIVER}
	case "$_drv" in
	e1k_xdp)
		# shellcheck disable=SC2086 # parameters are separate words
		insmod $E1K/driver/e1k_xdp.ko $E1K_MODPARAMS
		;;
	*) modprobe "$_drv" ;;
	esac
	wait_for 10 iface_by_mac "$DUT_MAC" "$_drv" >/dev/null || {
		echo "no interface with address $DUT_MAC bound to $_drv" >&2
		return 1
	}
	DUT=$(iface_by_mac "$DUT_MAC" "$_drv")
	DUT_DRIVER=$_drv
	dut_configure
}

dut_configure() {
	_port_configure "$DUT" $DUT_IP4 $DUT_IP6
}

# dut2_setup: after dut_load, the second port (DUT2_MAC, on the same
# driver) up with its addresses; sets $DUT2.
dut2_setup() {
	[ -n "${DUT_DRIVER:-}" ] || { echo "dut2_setup: dut_load first" >&2; return 1; }
	wait_for 10 iface_by_mac "$DUT2_MAC" "$DUT_DRIVER" >/dev/null || {
		echo "no interface with address $DUT2_MAC bound to $DUT_DRIVER (booted with --ports 2?)" >&2
		return 1
	}
	DUT2=$(iface_by_mac "$DUT2_MAC" "$DUT_DRIVER")
	_port_configure "$DUT2" $DUT2_IP4 $DUT2_IP6
}

# _port_configure IF IP4 IP6
_port_configure() {
	# No router solicitations: nothing on the wire the peer has not asked for.
	sysctl -qw "net.ipv6.conf.$1.router_solicitations=0"
	ip addr flush dev "$1"
	ip addr add "$2/24" dev "$1"
	ip addr add "$3/64" dev "$1" nodad
	ip link set "$1" up
	wait_for 10 carrier_up "$1"
}

dut_unload() {
	[ -n "${DUT_DRIVER:-}" ] || return 0
	ip link set "$DUT" down 2>/dev/null || true
	[ -z "${DUT2:-}" ] || ip link set "$DUT2" down 2>/dev/null || true
	rmmod "$DUT_DRIVER"
	DUT_DRIVER=''
	DUT2=''
}

# static_neighbours: permanent ARP/ND entries on both sides, so that no
# resolution traffic lands in the middle of a test that counts frames exactly
# (the smoke tests keep ARP and ND live on purpose).
static_neighbours() {
	_dm=$(mac_of "$DUT")
	_pm=$(peer_mac)
	ip neigh replace "$PEER_IP4" lladdr "$_pm" nud permanent dev "$DUT"
	ip neigh replace "$PEER_IP6" lladdr "$_pm" nud permanent dev "$DUT"
	in_peer ip neigh replace "$DUT_IP4" lladdr "$_dm" nud permanent dev "$PEER_IF"
	in_peer ip neigh replace "$DUT_IP6" lladdr "$_dm" nud permanent dev "$PEER_IF"
}

# net_setup [DRIVER]: the usual starting point of a suite. The DUT first:
# it takes in the peer's first frames (see _peer_ns_setup).
net_setup() {
	dut_load "$@"
	peer_setup
}

# dut_irqs: interrupts the DUT has raised, summed over the CPUs.
dut_irqs() {
	awk -v ifc="$DUT" '$NF == ifc { for (i = 2; i < NF; i++) if ($i ~ /^[0-9]+$/) n += $i } END { print n + 0 }' /proc/interrupts
}

# Interface statistics (from sysfs; the kernel's own view of the device).
dut_stat() { cat "/sys/class/net/$DUT/statistics/$1"; }
# peer_stat rx_packets|rx_bytes|tx_packets|tx_bytes: from /proc/net/dev, which
# (unlike /sys, mounted in the root namespace) shows the reader's namespace.
peer_stat() {
	in_peer cat /proc/net/dev | awk -v ifc="$PEER_IF:" -v what="$1" '
		$1 == ifc {
			col["rx_bytes"] = 2; col["rx_packets"] = 3
			col["tx_bytes"] = 10; col["tx_packets"] = 11
			print $col[what]
		}'
}

# exits_with WANT_RC PATTERN CMD...: CMD exits with WANT_RC and says
# PATTERN (grep) on stderr (an empty PATTERN: anything); its output in
# /tmp/out and /tmp/err. Its variables are its own (sh has no locals: a
# caller's _rc was overwritten once).
exits_with() {
	_ew_want=$1 _ew_pat=$2
	shift 2
	_ew_rc=0
	"$@" >/tmp/out 2>/tmp/err || _ew_rc=$?
	[ "$_ew_rc" -eq "$_ew_want" ] ||
		{ echo "exit $_ew_rc, want $_ew_want ($(head -c 200 /tmp/err))" >&2; return 1; }
	[ -z "$_ew_pat" ] || grep -q "$_ew_pat" /tmp/err ||
		{ echo "stderr lacks '$_ew_pat': $(head -c 200 /tmp/err)" >&2; return 1; }
}

# flood_start RATE [FRAME]: the peer sends FRAME (hex; default a UDP frame
# to the DUT's discard port, 9) at RATE frames a second until flood_stop.
flood_start() {
	_f=${2:-$(pkt build --dst-mac "$DUT_MAC" --src-mac "$(peer_mac)" \
		--src-ip "$PEER_IP4" --dst-ip "$DUT_IP4" --dport 9 --payload 64)}
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$_f" --count 100000000 --rate "$1" \
		>/dev/null 2>&1
	FLOOD=$BG_PID
}
flood_stop() {
	kill "$FLOOD" 2>/dev/null || true
	wait "$FLOOD" 2>/dev/null || true
}
# flood_running: the flood has not ended by itself (a test that meant to
# run across it asks before flood_stop).
flood_running() {
	kill -0 "$FLOOD" 2>/dev/null || { echo "the flood ended before the test did" >&2; return 1; }
}

# --- XDP helpers ---------------------------------------------------------
# shellcheck disable=SC2034 # used by the suites that source this file
TOBJ=$E1K/tests/bpf
pkt() { $E1K/bin/e1k-pkt "$@"; }
mac_of() { cat "/sys/class/net/$1/address"; }
peer_mac() { in_peer ip -br link show dev "$PEER_IF" | awk '{print $3}'; }

# The attach mode that fits the DUT's driver: native on e1k_xdp, generic on
# the in-tree e1000 (which has no native XDP).
xdp_mode() {
	case "${DUT_DRIVER:-$E1K_DRIVER}" in
	e1k_xdp) echo xdpdrv ;;
	*) echo xdpgeneric ;;
	esac
}
# xdp_attach OBJ [SECTION]: SECTION xdp unless said (xdp.frags: multi-buffer).
xdp_attach() { ip -force link set dev "$DUT" "$(xdp_mode)" obj "$1" sec "${2:-xdp}"; }
xdp_detach() { ip link set dev "$DUT" "$(xdp_mode)" off; }
# xdp_prog_id: the id of the DUT's XDP program, or nothing.
xdp_prog_id() { ip -d link show dev "$DUT" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n1; }

# map_sum PIN KEY: a per-CPU u64 array entry summed over CPUs.
map_sum() {
	bpftool map lookup pinned "$1" key "$2" 0 0 0 |
		awk -F: '/"value"/ { gsub(/[ ,]/, "", $2); s += $2 } END { print s + 0 }'
}
T_VERDICTS=/sys/fs/bpf/tc/globals/t_verdicts
# shellcheck disable=SC2034 # used by the suites that source this file
XDP_ABORTED=0 XDP_DROP=1 XDP_PASS=2 XDP_TX=3 XDP_REDIRECT=4
t_verdict() { map_sum "$T_VERDICTS" "$1"; }
t_reset() { rm -f "$T_VERDICTS"; }

# dut_diag: the DUT's counters and registers on the console (stderr), for a
# failure that needs explaining.
dut_diag() {
	echo "--- $DUT: ethtool -S (non-zero)" >&2
	ethtool -S "$DUT" 2>&1 | awk '$2 != 0' >&2 || true
	echo "--- $DUT: ethtool -d" >&2
	ethtool -d "$DUT" >&2 2>&1 || true
}

# dut_ethstat NAME [IFACE]: an ethtool -S counter of the DUT (or of IFACE;
# 0 when the driver does not have it).
dut_ethstat() {
	ethtool -S "${2:-$DUT}" 2>/dev/null | awk -v k="$1:" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }'
}
# dut_ethstat_reaches NAME VALUE: that counter of the DUT is at VALUE or past.
dut_ethstat_reaches() { [ "$(dut_ethstat "$1")" -ge "$2" ]; }

# xsk_counts_now OUT ERR WORD: e1k-xsk ($XSK_PID, its counts lines in OUT,
# its stderr in ERR) prints "rx N tx N bad N secs S" on SIGUSR1; WORD of
# that new line (2: frames received, 4: frames sent and completed). Up to
# 30 s: with a flood's softirq work on the one vCPU (skb mode) the tool may
# not run for seconds. A tool that is gone says why.
xsk_counts_now() {
	_xl=$(lines "$1")
	if ! kill -USR1 "$XSK_PID" 2>/dev/null; then
		echo "e1k-xsk is gone; it said: $(tail -n 2 "$2" | tr '\n' ' ')" >&2
		return 1
	fi
	wait_for 30 _xsk_printed "$1" "$_xl" || { echo "e1k-xsk did not print its counts" >&2; return 1; }
	tail -n 1 "$1" | awk -v w="$3" '{ print $w }'
}
_xsk_printed() { [ "$(lines "$1")" -gt "$2" ]; }

# snmp4 PROTO FIELD: a counter from /proc/net/snmp's "PROTO:" lines (found by
# its header, since the columns differ between kernels).
snmp4() {
	awk -v p="$1:" -v f="$2" '$1 == p { if (!h) { for (i = 2; i <= NF; i++) idx[$i] = i; h = 1 } else print $idx[f] }' /proc/net/snmp
}
udp_snmp() { snmp4 Udp "$1"; }

# Map keys and values as bpftool's hex byte lists (x86: little-endian), for
# the suites that write our maps byte by byte, independently of the loader:
# le32_hex N, ip4 A.B.C.D (network order), ip6 ADDR (network order, :: expanded).
le32_hex() { printf '%02x %02x %02x %02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
ip4() { echo "$1" | awk -F. '{ printf "%02x %02x %02x %02x", $1, $2, $3, $4 }'; }
ip6() {
	echo "$1" | awk '{
		n = split($0, p, ":"); g = 0
		for (i = 1; i <= n; i++) if (p[i] != "") g++
		out = ""; filled = 0
		for (i = 1; i <= n; i++) {
			if (p[i] == "") {
				if (!filled) for (k = 0; k < 8 - g; k++) out = out "0000"
				filled = 1
				continue
			}
			out = out substr("0000" p[i], length(p[i]) + 1)
		}
		for (i = 1; i <= 32; i += 2) printf "%s%s", (i > 1 ? " " : ""), substr(out, i, 2)
		print ""
	}'
}

# map_pkts PIN KEY: the "packets" of a struct e1k_stats entry of a per-CPU
# map, summed over CPUs (map_sum reads plain u64 values).
map_pkts() {
	bpftool map lookup pinned "$1" key "$2" 0 0 0 |
		awk -F: '/"packets"/ { gsub(/[ ,]/, "", $2); s += $2 } END { print s + 0 }'
}

# A veth pair for redirect tests: vr0 in this namespace, vr1 in "vns".
in_vns() { nsenter --net=/run/netns/vns "$@"; }
# le32 N: a u32 as the four decimal bytes bpftool wants.
le32() { echo "$(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255))"; }
veth_setup() {
	ip netns add vns
	ip link add vr0 type veth peer name vr1
	ip link set vr1 netns vns
	ip link set vr0 up
	in_vns ip link set vr1 up
}
veth_teardown() {
	ip link del vr0 2>/dev/null || true
	ip netns del vns 2>/dev/null || true
}
# The redirect checks of the XDP suites, through a devmap and the veth pair
# veth_setup made (its MTU set by the caller). Every one of N frames must
# arrive unchanged; RATE paces the sender (the test is about every frame
# taking the redirect, not about the veth's queue absorbing a burst).
# redirect_out_check OBJ SECTION FRAME_HEX RATE: OBJ on the DUT sends the
# peer's frames into vr0; vr1 receives them. The veth delivers them while
# its far end runs NAPI, which a native program there (xdp_t_mb_pass, which
# takes frames of any length) turns on.
redirect_out_check() {
	in_vns ip link set dev vr1 xdpdrv obj "$TOBJ/xdp_t_mb_pass.bpf.o" sec xdp.frags
	xdp_attach "$1" "$2"
	set_devmap "$(cat /sys/class/net/vr0/ifindex)"
	_r0=$(dut_ethstat xdp_redirect)
	rm -f /tmp/redir.err
	in_vns "$E1K/bin/e1k-pkt" recv vr1 --count "$N" --timeout 5000 \
		--udp-port 9999 >/tmp/redir.out 2>/tmp/redir.err &
	_cap=$!
	wait_for 3 grep -qs listening /tmp/redir.err
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$3" --count "$N" --rate "$4"
	wait "$_cap" || true
	xdp_detach
	veth_teardown
	_n=$(lines /tmp/redir.out)
	_r=$(($(dut_ethstat xdp_redirect) - _r0))
	[ "$_n" -eq "$N" ] || {
		echo "$_n of $N frames reached the veth (xdp_redirect +$_r, redirect_err $(dut_ethstat xdp_redirect_err), rx_missed $(dut_ethstat hw_rx_missed)) $(grep -h dropped /tmp/redir.err)" >&2
		return 1
	}
	[ "$(sort -u /tmp/redir.out)" = "$(pad60 "$3")" ] || { echo "frames changed on the way" >&2; return 1; }
	if [ "$DUT_DRIVER" = e1k_xdp ] && [ "$_r" -ne "$N" ]; then
		echo "ethtool xdp_redirect +$_r, want $N" >&2
		return 1
	fi
}
# redirect_in_check OBJ SECTION PAYLOAD RATE [REFUSED]: OBJ on vr0 sends
# $N frames of PAYLOAD bytes, sent from vr1 and addressed to the peer as
# the DUT will send them, into the DUT (its ndo_xdp_xmit), which sends them
# to the peer. With REFUSED, the debugfs knob fail_xdp_xmit_frag_map ($DBG)
# fails the mapping of a frag of that many frames: those are refused whole
# and counted in xdp_xmit_err, every other frame leaves whole.
redirect_in_check() {
	_refused=${5:-0}
	ip link set dev vr0 xdpdrv obj "$1" sec "$2"
	set_devmap "$(cat "/sys/class/net/$DUT/ifindex")"
	_x0=$(dut_ethstat xdp_xmit) _e0=$(dut_ethstat xdp_xmit_err)
	_want=$((N - _refused))
	rm -f /tmp/redir.err
	in_peer "$E1K/bin/e1k-pkt" recv "$PEER_IF" --count "$_want" --timeout 5000 \
		--udp-port 9999 >/tmp/redir.out 2>/tmp/redir.err &
	_cap=$!
	wait_for 3 grep -qs listening /tmp/redir.err
	_f=$(pkt build --src-mac "$(mac_of "$DUT")" --dst-mac "$(peer_mac)" \
		--src-ip "$DUT_IP4" --dst-ip "$PEER_IP4" --payload "$3")
	[ "$_refused" -eq 0 ] || knob fail_xdp_xmit_frag_map "$_refused"
	in_vns "$E1K/bin/e1k-pkt" send vr1 "$_f" --count "$N" --rate "$4"
	wait "$_cap" || true
	_left=0
	if [ "$_refused" -ne 0 ]; then
		_left=$(cat "$DBG/fail_xdp_xmit_frag_map")
		knob fail_xdp_xmit_frag_map 0
	fi
	veth_teardown
	_n=$(lines /tmp/redir.out)
	_x=$(($(dut_ethstat xdp_xmit) - _x0)) _e=$(($(dut_ethstat xdp_xmit_err) - _e0))
	[ "$_n" -eq "$_want" ] || { echo "$_n of $_want frames left through the DUT (xdp_xmit +$_x) $(grep -h dropped /tmp/redir.err)" >&2; return 1; }
	[ "$(sort -u /tmp/redir.out)" = "$(pad60 "$_f")" ] || { echo "frames changed on the way" >&2; return 1; }
	if [ "$_x" -ne "$_want" ] || [ "$_e" -ne "$_refused" ] || [ "$_left" -ne 0 ]; then
		echo "ethtool xdp_xmit +$_x, xdp_xmit_err +$_e, knob left $_left: want $_want, $_refused, 0" >&2
		return 1
	fi
}
# shellcheck disable=SC2046 # le32 prints four separate words
set_devmap() { bpftool map update name t_devmap key 0 0 0 0 value $(le32 "$1"); }

# devmap_of DEV: the id of the devmap (t_devmap) of DEV's XDP program.
devmap_of() {
	_prog=$(ip -d link show dev "$1" | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1)
	[ -n "$_prog" ] || { echo "no XDP program on $1" >&2; return 1; }
	for _m in $(bpftool prog show id "$_prog" -j | jq '.map_ids[]'); do
		if [ "$(bpftool map show id "$_m" -j | jq -r .name)" = t_devmap ]; then
			echo "$_m"
			return 0
		fi
	done
	echo "the program on $1 has no t_devmap" >&2
	return 1
}
# redirect_to DEV TARGET: DEV's program redirects test frames to TARGET.
redirect_to() {
	ip -force link set dev "$1" xdpdrv obj $TOBJ/xdp_t_redirect.bpf.o sec xdp
	# shellcheck disable=SC2046 # le32 prints four separate words
	bpftool map update id "$(devmap_of "$1")" key 0 0 0 0 \
		value $(le32 "$(cat "/sys/class/net/$2/ifindex")")
}
# mem_avail_kb: MemAvailable from /proc/meminfo.
mem_avail_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
# settled_mem_kb: MemAvailable once deferred frees (RCU, page_pool's
# release work) ran and the page cache was dropped.
settled_mem_kb() {
	sleep 3
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	mem_avail_kb
}

# test_frame ARGS...: a UDP frame from the peer to the DUT, port 9999.
test_frame() {
	pkt build --dst-mac "$(mac_of "$DUT")" --src-mac "$(peer_mac)" \
		--src-ip "$PEER_IP4" --dst-ip "$DUT_IP4" "$@"
}
# reply_frame ARGS...: what comes back after a MAC swap.
reply_frame() {
	pkt build --src-mac "$(mac_of "$DUT")" --dst-mac "$(peer_mac)" \
		--src-ip "$PEER_IP4" --dst-ip "$DUT_IP4" "$@"
}
# xchg_with OBJ SECTION WANT_HEX SENT_HEX: with OBJ's program (SECTION xdp
# or xdp.frags) on the DUT, 5 frames SENT from the peer come back, each
# equal to WANT byte for byte.
xchg_with() {
	xdp_attach "$1" "$2"
	_got=$(in_peer "$E1K/bin/e1k-pkt" xchg "$PEER_IF" "$4" --count 5 \
		--timeout 3000 --udp-port 9999)
	xdp_detach
	_n=$(echo "$_got" | lines)
	[ "$_n" -eq 5 ] || { echo "$_n of 5 frames came back" >&2; return 1; }
	[ "$(echo "$_got" | sort -u)" = "$3" ] || {
		echo "$_got" | head -n 1 >/tmp/got
		echo "$3" >/tmp/want
		echo "reply differs (hex digits; got, want): $(cmp /tmp/got /tmp/want 2>&1 | head -n 1)" >&2
		return 1
	}
}
# payload_of FRAME_HEX: the UDP payload of a test frame (after 42 bytes of
# Ethernet, IPv4 and UDP headers).
payload_of() { echo "$1" | cut -c85-; }
# udp_payload_arrives FRAME_HEX: the peer sends FRAME; a socket of the DUT
# on port 9999 receives a datagram of $2 (default: FRAME's own payload).
udp_payload_arrives() {
	_want=${2:-$(payload_of "$1")}
	rm -f /tmp/udp.err
	pkt udp-recv 9999 --count 1 --timeout 4000 >/tmp/udp.out 2>/tmp/udp.err &
	_rx=$!
	wait_for 3 grep -qs listening /tmp/udp.err
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$1"
	wait "$_rx" || true
	[ "$(cat /tmp/udp.out)" = "$_want" ] || {
		echo "socket got $(wc -c </tmp/udp.out) bytes of hex '$(cut -c1-40 /tmp/udp.out)...', want $((${#_want} + 1)) '$(echo "$_want" | cut -c1-40)...'" >&2
		return 1
	}
}
# pad60 HEX: Ethernet's minimum frame (60 bytes without FCS), zero padded.
pad60() {
	_h=$1
	while [ ${#_h} -lt 120 ]; do _h=${_h}00; done
	echo "$_h"
}
