#!/bin/sh
# shellcheck shell=sh
# The state every guest suite starts from, restored and then checked (run
# by the guest's /init before each suite and after the last one):
#   - no process but init and kernel threads (a suite's background flood,
#     capture or iperf3 server does not run into the next suite);
#   - the DUT unbound (no e1k_xdp, no e1000), so no XDP program either;
#   - no network namespace; the virtio-net NICs (one per port) back in the
#     root namespace, down, no addresses, MTU 1500; no virtual links (veth,
#     VLAN);
#   - nothing pinned in bpffs, nothing in /tmp, tracing off.
# Prints what it had to undo as "# " notes on fd 3 and what it could not
# restore on stdout; exits 1 when the state is not the known one.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
# busybox sh runs its own applets before PATH: the real ip, by function.
ip() { /usr/sbin/ip "$@"; }

note() { echo "# bed_reset: $*" >&3; }
# names DIR: the entries of DIR, each followed by a space.
names() { for _f in "$1"/*; do [ -e "$_f" ] && printf '%s ' "${_f##*/}"; done; }

# Processes: all but init, this script, its parent (the shell that runs it
# for init) and what this script itself runs.
ours() {
	_q=$1
	while [ "$_q" -gt 1 ]; do
		[ "$_q" = $$ ] && return 0
		read -r _st 2>/dev/null <"/proc/$_q/stat" || return 1
		_st=${_st##*) }
		# shellcheck disable=SC2086 # fields are words
		set -- $_st
		_q=$2
	done
	return 1
}
others() {
	for _p in /proc/[0-9]*; do
		_pid=${_p#/proc/}
		case "$_pid" in 1 | "$PPID") continue ;; esac
		ours "$_pid" && continue
		# Kernel threads have an empty command line (and /proc files
		# all say size 0, so read it). Read by the shell itself first:
		# a pipeline for each of the hundred kernel threads, twice a
		# reset, made each reset take 8 s under TCG instead of 2.5.
		_cmd=
		IFS= read -r _cmd 2>/dev/null <"$_p/cmdline"
		[ -n "$_cmd" ] || continue
		_cmd=$(tr '\0' ' ' 2>/dev/null <"$_p/cmdline" | cut -c1-40)
		printf '%s:%s ' "$_pid" "$_cmd"
	done
}
pids() { others | tr ' ' '\n' | cut -d: -f1; }
left=$(others)
if [ -n "$left" ]; then
	note "killing $left"
	# shellcheck disable=SC2046 # one pid a word
	kill -9 $(pids) 2>/dev/null
	sleep 0.2
fi

for m in e1k_xdp e1000; do
	if [ -d "/sys/module/$m" ]; then
		rmmod "$m" || echo "rmmod $m failed"
	fi
done

# Every suite has the peers' namespaces (peer, and peer2 with two ports);
# any other is a leftover.
ns=$(names /run/netns)
for n in $ns; do
	ip netns del "$n"
	case "$n" in
	peer | peer2) ;;
	*) note "deleted namespace $n" ;;
	esac
done

# Virtual links in the root namespace (no device behind them), but lo.
for d in /sys/class/net/*; do
	n=$(basename "$d")
	[ "$n" = lo ] || [ -e "$d/device" ] && continue
	note "deleting link $n"
	ip link del "$n" 2>/dev/null
done

# The virtio NICs: each moved back to the root namespace when its namespace
# went (asynchronously: wait until every device virtio_net drives has its
# interface here; sysfs shows only this namespace's).
virtio_ifs() {
	for _d in /sys/class/net/*; do
		[ "$(basename "$(readlink "$_d/device/driver" 2>/dev/null)")" = virtio_net ] &&
			printf '%s ' "$(basename "$_d")"
	done
	return 0
}
virtio_home() {
	_devs=0
	for _v in /sys/bus/virtio/drivers/virtio_net/virtio[0-9]*; do
		[ -e "$_v" ] && _devs=$((_devs + 1))
	done
	# shellcheck disable=SC2046 # one interface a word
	set -- $(virtio_ifs)
	[ "$#" -eq "$_devs" ]
}
# A NIC that does not come home is held in its deleted namespace by the
# kernel (no process is left in it). Seen when a suite ended right after a
# flood from the peer stopped (driver_cycle failing its memory bound), with
# or without the instruments: most likely the flood's last frames sit in
# virtio-net's transmit ring, never reclaimed with nothing sent after them,
# and hold their socket and so the namespace. A reset of that virtio device
# (unbind and bind its PCI function) frees it and its interface comes back
# here; without it every later suite of the VM fails its start state.
virtio_reset_stuck() {
	for _v in /sys/bus/virtio/drivers/virtio_net/virtio[0-9]*; do
		[ -e "$_v" ] || continue
		[ -z "$(ls "$_v/net" 2>/dev/null)" ] || continue
		_fn=$(basename "$(dirname "$(readlink -f "$_v")")")
		note "virtio NIC $_fn held outside the root namespace: resetting it"
		echo "$_fn" >/sys/bus/pci/drivers/virtio-pci/unbind
		echo "$_fn" >/sys/bus/pci/drivers/virtio-pci/bind
	done
}
wait_virtio_home() {
	n=50
	while ! virtio_home && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	virtio_home
}
if [ -d /sys/module/virtio_net ]; then
	wait_virtio_home || { virtio_reset_stuck; wait_virtio_home; }
	for v in $(virtio_ifs); do
		ip link set dev "$v" down
		ip addr flush dev "$v"
		ip link set dev "$v" mtu 1500
	done
fi

pins=$(cd /sys/fs/bpf && find . -type f | tr '\n' ' ')
[ -z "$pins" ] || note "unpinning $pins"
rm -rf /sys/fs/bpf/*
rm -rf /tmp/* /tmp/.[!.]* 2>/dev/null

T=/sys/kernel/tracing
if [ -d $T/events ]; then
	echo 0 >$T/events/enable
	echo 0 >$T/tracing_on
	echo >$T/kprobe_events 2>/dev/null
	echo 0 >$T/events/napi/napi_poll/filter
	echo nop >$T/current_tracer
	echo >$T/set_graph_function
	echo >$T/set_ftrace_filter
	echo >$T/trace
	echo 1 >$T/tracing_on
fi

# --- check ----------------------------------------------------------------
bad=
left=$(others)
[ -z "$left" ] || bad="$bad processes: $left;"
for m in e1k_xdp e1000; do
	[ ! -d "/sys/module/$m" ] || bad="$bad $m still loaded;"
done
[ -z "$(names /run/netns)" ] || bad="$bad namespaces: $(names /run/netns);"
# sorted WORDS...: the words sorted, each followed by a space.
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }
# shellcheck disable=SC2046 # one name a word
links=$(sorted $(names /sys/class/net))
if [ -d /sys/module/virtio_net ]; then
	virtio_home || bad="$bad a virtio NIC is not in the root namespace;"
	vs=$(virtio_ifs)
	# shellcheck disable=SC2086 # one name a word
	[ "$links" = "$(sorted lo $vs)" ] || bad="$bad links: $links;"
	for v in $vs; do
		[ "$(cat "/sys/class/net/$v/mtu")" = 1500 ] || bad="$bad $v MTU $(cat "/sys/class/net/$v/mtu");"
	done
else
	[ "$links" = "lo " ] || bad="$bad links: $links;"
fi
[ -z "$(ls -A /sys/fs/bpf)" ] || bad="$bad bpffs not empty;"
[ -z "$(ls -A /tmp)" ] || bad="$bad /tmp not empty;"
if [ -n "$bad" ]; then
	echo "${bad# }"
	exit 1
fi
exit 0
