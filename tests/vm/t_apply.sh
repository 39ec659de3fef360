#!/bin/sh
# shellcheck shell=sh
# The boot-time configuration: `e1k-xdp-loader apply` run the way the
# packaged unit runs it (its ExecStart line, read from the unit file the
# package installed) on /etc/e1k-xdp/e1k-xdp.conf. A program and rules
# from the file filter frames as configured; the file read back from
# show-config applies as no change; a bad line is refused with its line
# and changes nothing; rule set switches and a program replaced by the
# filter never let a denied frame through under a flood; program none
# detaches; a reflector whose attach fails leaves no address listed.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

L=$E1K/bin/e1k-xdp-loader
PKG=$E1K/pkg
CONF=/etc/e1k-xdp/e1k-xdp.conf
jq() { /usr/bin/jq "$@"; }

net_setup "$E1K_DRIVER"
static_neighbours

# The unit's command for the DUT: ExecStart with %I the interface. It calls
# the loader where the package puts it.
UNIT=$PKG/lib/systemd/system/e1k-xdp@.service
EXEC=$(sed -n 's/^ExecStart=//p' "$UNIT" | sed "s/%I/$DUT/g")
[ -n "$EXEC" ]
mkdir -p /usr/sbin /etc/e1k-xdp
ln -sf "$L" /usr/sbin/e1k-xdp-loader
cp "$PKG$CONF" $CONF
# unit_start: the unit's command, its exit status in $RC, its output in
# /tmp/out and /tmp/err.
unit_start() {
	RC=0
	# shellcheck disable=SC2086 # the command line is words
	$EXEC >/tmp/out 2>/tmp/err || RC=$?
}
rule_hits() { $L --json filter list "$DUT" | jq ".rules[$1].packets"; }

# The configuration the package installs names no interface.
shipped_config() {
	unit_start
	[ "$RC" -eq 0 ] || { echo "exit $RC: $(cat /tmp/err)" >&2; return 1; }
	grep -q "nothing to do" /tmp/out || { echo "said: $(cat /tmp/out)" >&2; return 1; }
	[ -z "$(xdp_prog_id)" ] || { echo "a program got attached" >&2; return 1; }
}
check apply_shipped_config_does_nothing "the package's configuration changed something" shipped_config

cat >$CONF <<EOF
# the DUT: ICMP from the peer denied, and UDP to the discard port
interface $DUT
	program filter
	policy allow
	deny src $PEER_IP4/32 icmp
	deny udp dport 9
EOF
filter_from_config() {
	unit_start
	[ "$RC" -eq 0 ] || { echo "exit $RC: $(cat /tmp/err)" >&2; return 1; }
	[ "$(ip -d link show dev "$DUT" | grep -c 'prog/xdp ')" -eq 1 ] ||
		{ echo "no native program on $DUT" >&2; return 1; }
	ping_none peer 3 "$DUT_IP4"
	ping_all peer 3 "$DUT_IP6" -6
	[ "$(rule_hits 0)" -eq 3 ] || { echo "rule 0 counted $(rule_hits 0), want 3" >&2; return 1; }
}
check apply_filter_from_config "the configured filter did not filter as configured" filter_from_config

# show-config prints the running state in the file's syntax; applying that
# changes nothing: the program and the rule counters stay.
show_config_round_trip() {
	_id=$(xdp_prog_id)
	$L show-config "$DUT" >/tmp/shown
	printf '%s\n' "# e1k-xdp configuration: the running state (e1k-xdp-loader show-config)" \
		"interface $DUT" "	program filter" "	policy allow" "	unclassified rules" \
		"	deny src $PEER_IP4/32 icmp" "	deny udp dport 9" >/tmp/want
	cmp -s /tmp/shown /tmp/want || { echo "show-config: $(cat /tmp/shown)" >&2; return 1; }
	$L apply /tmp/shown >/tmp/out
	grep -q "filter kept" /tmp/out || { echo "apply said: $(cat /tmp/out)" >&2; return 1; }
	[ "$(xdp_prog_id)" = "$_id" ] || { echo "the program was replaced" >&2; return 1; }
	[ "$(rule_hits 0)" -eq 3 ] || { echo "rule 0 counts $(rule_hits 0) now, want 3" >&2; return 1; }
}
check apply_show_config_round_trip "show-config's output did not apply as no change" show_config_round_trip

# A file with a bad line (the 6th) fails the unit with the line and the
# reason, and changes nothing: program, rules, counters.
bad_line() {
	_id=$(xdp_prog_id)
	_before=$($L filter save "$DUT")
	cp $CONF /tmp/good.conf
	sed -i 's|deny udp dport 9|deny src 10.0.0.0/33|' $CONF
	unit_start
	cp /tmp/good.conf $CONF
	[ "$RC" -eq 2 ] || { echo "exit $RC, want 2" >&2; return 1; }
	grep -q "^e1k-xdp-loader: apply: $CONF:6: bad prefix length .*nothing changed" /tmp/err ||
		{ echo "said: $(cat /tmp/err)" >&2; return 1; }
	[ "$(xdp_prog_id)" = "$_id" ] || { echo "the program changed" >&2; return 1; }
	[ "$($L filter save "$DUT")" = "$_before" ] || { echo "the rules changed" >&2; return 1; }
	[ "$(rule_hits 0)" -eq 3 ] || { echo "rule 0 counts $(rule_hits 0), want 3" >&2; return 1; }
}
check apply_bad_line_changes_nothing "a file with a bad line changed something" bad_line

# A program that cannot be had (no such object) changes nothing either.
missing_object() {
	_id=$(xdp_prog_id)
	printf 'interface %s\n\tprogram /opt/none.bpf.o\n' "$DUT" >/tmp/missing.conf
	exits_with 1 "cannot read object '/opt/none.bpf.o'" "$L" apply /tmp/missing.conf
	grep -q "nothing changed" /tmp/err || { echo "said: $(cat /tmp/err)" >&2; return 1; }
	[ "$(xdp_prog_id)" = "$_id" ] || { echo "the program changed" >&2; return 1; }
}
check apply_missing_object_changes_nothing "a missing object changed something" missing_object

# rule_set_file N: a configuration whose rule set differs with N (other
# rules, their number, the policy for others) but always denies the peer's
# UDP.
rule_set_file() {
	{
		echo "interface $DUT"
		echo "	program filter"
		for _k in $(seq 1 $(($1 % 4))); do echo "	allow src 10.$((90 + _k)).0.0/16"; done
		echo "	deny src $PEER_IP4/32 udp"
		[ $(($1 % 2)) -eq 0 ] && echo "	deny src 10.0.0.0/8 tcp"
		echo "	policy allow"
	} >"$2"
}
udp_seen() { echo $(($(udp_snmp InDatagrams) + $(udp_snmp NoPorts))); }

# Rule set switches under a flood of denied datagrams (each set denies
# them; their other rules and their number change): not one reaches the
# stack, and the deny rule counted them (the flood ran across the switches).
switch_under_flood() {
	# The first set in place before the flood: the filter of the test
	# before lets the flood's port through.
	rule_set_file 0 /tmp/set.conf
	$L apply /tmp/set.conf >/dev/null
	_u0=$(udp_seen)
	flood_start 2000 "$(test_frame --payload 32)"
	for _r in 1 2 3 4 5 6; do
		rule_set_file "$_r" /tmp/set.conf
		$L apply /tmp/set.conf >/dev/null || { flood_stop; echo "apply $_r failed" >&2; return 1; }
	done
	flood_running || { flood_stop; return 1; }
	flood_stop
	_u=$(($(udp_seen) - _u0))
	[ "$_u" -eq 0 ] || { echo "$_u denied datagrams reached the stack during the switches" >&2; return 1; }
	_hits=$($L --json filter list "$DUT" | jq "[.rules[] | select(.rule == \"deny src $PEER_IP4/32 udp\") | .packets] | add")
	[ "$_hits" -gt 0 ] || { echo "the deny rule counted nothing" >&2; return 1; }
}
check apply_switch_under_flood_never_opens "a rule set switch by apply let denied frames through" \
	switch_under_flood

# A program replaced by the filter: its rules are in place before it is
# attached. From the drop program, which drops everything, to a filter
# that denies the flood: not one datagram in between.
new_filter_under_flood() {
	printf 'interface %s\n\tprogram drop\n' "$DUT" >/tmp/drop.conf
	$L apply /tmp/drop.conf >/dev/null
	_u0=$(udp_seen)
	flood_start 2000 "$(test_frame --payload 32)"
	sleep 1
	rule_set_file 1 /tmp/set.conf
	$L apply /tmp/set.conf >/tmp/out || { flood_stop; echo "apply failed" >&2; return 1; }
	sleep 1
	flood_running || { flood_stop; return 1; }
	flood_stop
	grep -q "filter attached" /tmp/out || { echo "apply said: $(cat /tmp/out)" >&2; return 1; }
	_u=$(($(udp_seen) - _u0))
	[ "$_u" -eq 0 ] || { echo "$_u datagrams reached the stack across the replacement" >&2; return 1; }
}
check apply_new_filter_never_opens "a filter replacing a program let denied frames through" \
	new_filter_under_flood

# program none: the program goes, and the rule set apply made with it.
program_none() {
	printf 'interface %s\n\tprogram none\n' "$DUT" >$CONF
	unit_start
	[ "$RC" -eq 0 ] || { echo "exit $RC: $(cat /tmp/err)" >&2; return 1; }
	[ -z "$(xdp_prog_id)" ] || { echo "a program is still attached" >&2; return 1; }
	[ ! -e "/sys/fs/bpf/tc/globals/e1k-filter/$DUT" ] || { echo "the rule set is left" >&2; return 1; }
	ping_all peer 3 "$DUT_IP4"
}
check apply_program_none_detaches "program none did not detach" program_none

# A reflector whose attach fails in pass two (the kernel refuses it, which
# only the kernel knows: the DUT on the in-tree e1000, which has no native
# XDP; e1k_xdp refuses no bundled program, which the loader attaches with
# frags support at any MTU) leaves none of the addresses it listed for the
# DUT, in maps that stay pinned for another interface's reflector (vf0's,
# which has no address).
PIN=/sys/fs/bpf/tc/globals
echo_listed() { bpftool -j map dump pinned "$PIN/$1" | jq length; }
echo_failed_attach_forgets() {
	ip link add vf0 type veth peer name vf1
	_failed=0
	$L attach vf0 icmp-echo --mode skb >/dev/null || _failed=1
	dut_unload
	dut_load e1000
	printf 'interface %s\n\tprogram icmp-echo\n' "$DUT" >/tmp/echo.conf
	[ "$_failed" = 1 ] || exits_with 1 "does not support" "$L" apply /tmp/echo.conf || _failed=1
	_n=$(($(echo_listed e1k_echo_addr4) + $(echo_listed e1k_echo_addr6)))
	_prog=$(xdp_prog_id)
	dut_unload
	dut_load "$E1K_DRIVER"
	ip link del vf0
	rm -f $PIN/e1k_echo_*
	[ "$_failed" -eq 0 ] || return 1
	[ -z "$_prog" ] || { echo "a program got attached" >&2; return 1; }
	[ "$_n" -eq 0 ] || { echo "$_n addresses left listed for a reflector never attached" >&2; return 1; }
}
check apply_failed_echo_forgets_addresses "a reflector that failed to attach left its addresses listed" \
	echo_failed_attach_forgets

rm -rf /etc/e1k-xdp /usr/sbin/e1k-xdp-loader $PIN/e1k_*
dut_unload
