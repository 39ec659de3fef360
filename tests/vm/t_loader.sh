#!/bin/sh
# shellcheck shell=sh
# e1k-xdp-loader end to end: every command, its errors, stats of a burst
# counted exactly, stats of a program `ip` attached and of one replaced while
# sampling, and the JSON read back by a real parser (jq).
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

L=$E1K/bin/e1k-xdp-loader
BPF=$E1K/bpf
PIN=/sys/fs/bpf/tc/globals
jq() { /usr/bin/jq "$@"; }

# Outside any test, with errexit on: a failed setup ends the suite, and
# its tests count as not reported.
net_setup "$E1K_DRIVER"
static_neighbours
case "$DUT_DRIVER" in
e1k_xdp) LMODE=native ;;
*) LMODE=skb ;;
esac

# expect_rc NAME WANT_RC PATTERN CMD...: exit code and a stderr message.
expect_rc() {
	_name=$1
	shift
	check "$_name" "wrong exit code or message" exits_with "$@"
}

# --- help and usage errors ------------------------------------------------
help_ok() {
	for c in "" attach detach status stats filter echo apply show-config; do
		# shellcheck disable=SC2086 # an empty $c is no argument
		$L $c --help >/tmp/out 2>&1 || return 1
		grep -q usage /tmp/out || return 1
	done
}
check loader_help "a --help did not print usage with exit 0" help_ok
version_ok() { $L --version | grep -qx 'e1k-xdp-loader [0-9][0-9.]*\( (git [0-9a-f]*)\)\?'; }
check loader_version "--version did not print the release" version_ok
expect_rc loader_unknown_command 2 "unknown command" "$L" frobnicate
expect_rc loader_bad_mode 2 "unknown mode" "$L" attach "$DUT" drop --mode turbo
expect_rc loader_missing_args 2 "usage" "$L" attach "$DUT"
expect_rc loader_bad_interval 2 "interval" "$L" stats "$DUT" --interval 0

# --- bad input changes nothing -------------------------------------------
expect_rc loader_not_root 1 "needs CAP_SYS_ADMIN and CAP_NET_ADMIN" su -s /bin/sh nobody -c "$L status"
# Root without CAP_SYS_ADMIN (a container's root): refused by what is
# missing, not reported as "no XDP program" everywhere.
expect_rc loader_without_cap_sys_admin 1 "needs CAP_SYS_ADMIN (run" \
	/usr/bin/setpriv --bounding-set=-sys_admin "$L" status
expect_rc loader_no_such_iface 1 "no such interface" "$L" attach nosuch0 drop
expect_rc loader_missing_object 1 "cannot read object" "$L" attach "$DUT" /tmp/nothing.o
expect_rc loader_invalid_object 1 "not a loadable BPF object" "$L" attach "$DUT" /etc/passwd
expect_rc loader_unknown_program 1 "unknown program" "$L" attach "$DUT" turbo
expect_rc loader_detach_nothing 1 "no XDP program" "$L" detach "$DUT"
expect_rc loader_stats_nothing 1 "no XDP program" "$L" stats "$DUT"
check loader_errors_changed_nothing "a failed command left a program attached" \
	test -z "$(xdp_prog_id)"
# A load that pinned maps and then could not attach (lo has no native XDP)
# takes its new pins back: a failed command changes nothing.
failed_attach_no_pins() {
	rm -f $PIN/e1k_drop_stats
	_rc=0
	$L attach lo drop 2>/tmp/err || _rc=$?
	[ "$_rc" -eq 1 ] || { echo "exit $_rc, want 1" >&2; return 1; }
	[ ! -e $PIN/e1k_drop_stats ] || { echo "the failed attach left $PIN/e1k_drop_stats" >&2; return 1; }
}
check loader_failed_attach_leaves_no_pins "a failed attach left its pins" failed_attach_no_pins

if [ "$LMODE" = skb ]; then
	# The in-tree e1000 has no native XDP: the default mode must fail, not
	# fall back to generic behind the user's back.
	expect_rc loader_native_no_fallback 1 "does not support native" "$L" attach "$DUT" drop
	check loader_native_no_fallback_nothing_attached "something got attached" \
		test -z "$(xdp_prog_id)"
fi

# --- attach, status, detach ------------------------------------------------
# An object with two XDP programs: refused without a choice, never "the
# first"; --prog-name picks one.
expect_rc loader_attach_two_programs_refused 1 "has 2 XDP programs" \
	"$L" attach "$DUT" "$TOBJ/xdp_t_two.bpf.o" --mode $LMODE
expect_rc loader_attach_prog_name_missing 1 "no XDP program matching --prog-name nosuch" \
	"$L" attach "$DUT" "$TOBJ/xdp_t_two.bpf.o" --prog-name nosuch --mode $LMODE
prog_name_choice() {
	$L attach "$DUT" "$TOBJ/xdp_t_two.bpf.o" --prog-name t_pass_other --mode $LMODE >/dev/null ||
		return 1
	_name=$($L --json status "$DUT" | jq -r .name)
	$L detach "$DUT" >/dev/null
	[ "$_name" = t_pass_other ] || { echo "attached '$_name'" >&2; return 1; }
}
check loader_attach_prog_name "--prog-name did not attach the program named" prog_name_choice
attach_status() {
	$L attach "$DUT" drop --mode $LMODE >/dev/null || return 1
	# The program outlives the loader process.
	[ -n "$(xdp_prog_id)" ] || { echo "nothing attached" >&2; return 1; }
	$L status "$DUT" | grep -q "e1k_drop" || return 1
	[ "$($L --json status "$DUT" | jq -r .mode)" = $LMODE ] || return 1
	[ "$($L --json status "$DUT" | jq -r .id)" = "$(xdp_prog_id)" ] || return 1
	$L --json status "$DUT" | jq -e '.maps | map(.name) | index("e1k_drop_stats")' >/dev/null
}
check loader_attach_status "attach/status did not show the program" attach_status
expect_rc loader_attach_twice 1 "already has an XDP program" "$L" attach "$DUT" pass --mode $LMODE
force_replace() {
	$L attach "$DUT" pass --mode $LMODE --force >/dev/null && $L status "$DUT" | grep -q e1k_pass
}
check loader_force_replace "--force did not replace the program" force_replace
if [ "$LMODE" = native ]; then
	# --force cannot swap modes (the kernel runs one at a time): say so,
	# not "use --force".
	expect_rc loader_force_other_mode 1 "one mode at a time: detach it first" \
		"$L" attach "$DUT" drop --mode skb --force
fi
# --json: what changed, or the error, as one object on stdout.
json_change() {
	_out=$($L --json attach "$DUT" drop --mode $LMODE 2>/dev/null || true)
	echo "$_out" | jq -e '.command == "attach" and (.error | test("already has"))' >/dev/null ||
		{ echo "error object: $_out" >&2; return 1; }
}
check loader_json_error_object "a failed --json command printed no error object" json_change
# One entry per interface of this namespace, in no particular order: the
# DUT with its program, every other one without.
status_all_json() {
	$L --json status >/tmp/all.json
	_want=$(for _d in /sys/class/net/*; do basename "$_d"; done | sort | tr '\n' ' ')
	_got=$(jq -r '.[].interface' /tmp/all.json | sort | tr '\n' ' ')
	[ "$_got" = "$_want" ] || { echo "interfaces '$_got', want '$_want'" >&2; return 1; }
	jq -e --arg d "$DUT" --argjson id "$(xdp_prog_id)" \
		'all(.[]; if .interface == $d then .id == $id and .name == "e1k_pass" else .mode == "none" end)' \
		/tmp/all.json >/dev/null || { echo "entries wrong: $(cat /tmp/all.json)" >&2; return 1; }
}
check loader_status_all_json "status --json of all interfaces is not one entry per interface" status_all_json
detach_ok() { $L detach "$DUT" >/dev/null && [ -z "$(xdp_prog_id)" ]; }
check loader_detach "detach left a program attached" detach_ok

# --- stats ----------------------------------------------------------------
BURST=1000
FRAME=$(test_frame --payload 64) # 106 bytes on the wire without FCS
# Paced: the point is exact counting, not the ring overflowing under a burst.
send_burst() { in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$FRAME" --count $BURST --rate 2000; }

stats_burst() {
	_attach=$1
	eval "$_attach" >/dev/null || return 1
	send_burst
	sleep 0.5
	$L --json stats "$DUT" >/tmp/stats.json || return 1
	_p=$(jq .actions.drop.packets /tmp/stats.json)
	_b=$(jq .actions.drop.bytes /tmp/stats.json)
	ip link set dev "$DUT" xdpgeneric off 2>/dev/null || true
	$L detach "$DUT" >/dev/null 2>&1 || true
	# ARP or ND may add a frame or two; the burst must be there exactly.
	[ "$_p" -eq $BURST ] || { echo "drop packets $_p, want $BURST" >&2; return 1; }
	[ "$_b" -eq $((BURST * 106)) ] || { echo "drop bytes $_b, want $((BURST * 106))" >&2; return 1; }
}
rm -f $PIN/e1k_drop_stats
check loader_stats_exact_burst "stats did not count the burst exactly" \
	stats_burst "$L attach $DUT drop --mode $LMODE"
rm -f $PIN/e1k_drop_stats
check loader_stats_ip_attached "stats of an ip-attached program" \
	stats_burst "ip link set dev $DUT $(xdp_mode) obj $BPF/xdp_drop.bpf.o sec xdp"

# With kernel.bpf_stats_enabled the kernel counts a program's runs and run
# time; status shows them (and only then: they cost on every run).
run_stats() {
	echo 1 >/proc/sys/kernel/bpf_stats_enabled
	$L attach "$DUT" drop --mode $LMODE --force >/dev/null || return 1
	send_burst
	_n=$($L --json status "$DUT" | jq .run_cnt)
	_t=$($L --json status "$DUT" | jq .run_time_ns)
	echo 0 >/proc/sys/kernel/bpf_stats_enabled
	_off=$($L --json status "$DUT" | jq 'has("run_cnt")')
	$L detach "$DUT" >/dev/null
	if [ "$_n" -lt $BURST ] || [ "$_t" -le 0 ]; then
		echo "run_cnt $_n, run_time_ns $_t after $BURST frames" >&2
		return 1
	fi
	[ "$_off" = false ] || { echo "run statistics shown while the kernel does not count" >&2; return 1; }
}
check loader_status_run_stats "status did not show the program's runs" run_stats

# On our driver, stats shows what became of the XDP_TX verdicts: each one
# queued to send or dropped on a full ring, from the driver's own counters.
if [ "$LMODE" = native ]; then
	tx_verdicts_add_up() {
		_j=$($L --json stats "$DUT") || return 1
		_v=$(echo "$_j" | jq '.actions.tx.packets - '"$_v0")
		_d=$(echo "$_j" | jq '.driver.xdp_tx + .driver.xdp_tx_full - '"$_d0")
		[ "$_v" -ge $BURST ] && [ "$_v" -eq "$_d" ]
	}
	tx_accounted() {
		$L attach "$DUT" tx --force >/dev/null || return 1
		_j=$($L --json stats "$DUT")
		_v0=$(echo "$_j" | jq .actions.tx.packets)
		_d0=$(echo "$_j" | jq '.driver.xdp_tx + .driver.xdp_tx_full')
		send_burst
		wait_for 5 tx_verdicts_add_up || { echo "XDP_TX verdicts +$_v, driver queued+dropped +$_d, burst $BURST" >&2; $L detach "$DUT" >/dev/null; return 1; }
		$L detach "$DUT" >/dev/null
	}
	check loader_stats_tx_frames_by_driver "the driver's XDP_TX counters do not add up to the verdicts" \
		tx_accounted
fi

# Sampling while the peer sends 500 frames a second and the drop program is
# replaced by the pass program: the samples show the first program, then the
# second (never back), each counting what it did with the traffic. The
# replacement comes once two samples of the first are out, not after a fixed
# time: on a debug kernel the loader takes seconds to start, and the
# replacement seconds to load. 16 samples, 8 s; the peer sends for 12.
stats_follows_replace() {
	rm -f $PIN/e1k_drop_stats $PIN/e1k_pass_stats
	$L attach "$DUT" drop --mode $LMODE >/dev/null
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$FRAME" --count 6000 --rate 500
	_tx=$BG_PID
	: >/tmp/stats.jsonl
	timeout 60 "$L" --json stats "$DUT" --interval 0.5 --count 16 >/tmp/stats.jsonl &
	_st=$!
	wait_for 20 samples_out 2 || { kill "$_st" "$_tx" 2>/dev/null; echo "no two samples in 20 s" >&2; return 1; }
	ip -force link set dev "$DUT" "$(xdp_mode)" obj "$BPF/xdp_pass.bpf.o" sec xdp
	wait "$_st" || { kill "$_tx" 2>/dev/null; echo "stats exited non-zero" >&2; return 1; }
	kill "$_tx" 2>/dev/null || true
	wait "$_tx" || true
	$L detach "$DUT" >/dev/null
	[ "$(lines /tmp/stats.jsonl)" -eq 16 ] || { echo "not 16 samples" >&2; return 1; }
	jq -s -e '
		(map(.prog_id) | unique | length) == 2 and
		(. as $s | [range(1; length) | select($s[.].prog_id != $s[. - 1].prog_id)] | length) == 1 and
		all(.[]; (.actions | length) == 5) and
		(.[0].prog_id as $a | map(select(.prog_id == $a)) |
			(.[-1].actions.drop.packets > .[0].actions.drop.packets) and
			all(.[]; .actions.pass.packets == 0)) and
		(.[-1].prog_id as $b | map(select(.prog_id == $b)) |
			(.[-1].actions.pass.packets > 0) and all(.[]; .actions.drop.packets == 0))' \
		/tmp/stats.jsonl >/dev/null || { echo "samples: $(cat /tmp/stats.jsonl)" >&2; return 1; }
}
# samples_out N: the stats run has printed N samples.
samples_out() { [ "$(lines /tmp/stats.jsonl)" -ge "$1" ]; }
check loader_stats_follows_replacement "stats did not follow a replaced program" stats_follows_replace

# The peer paces frames at LIMIT_PACED_PPS (tests/vm/limits.sh) for up to
# 12 s, to outlast the three 1 s samples however long the loader takes to
# start (seconds on a debug kernel); stopped once they are out.
stats_rates() {
	$L attach "$DUT" drop --mode $LMODE >/dev/null || return 1
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$FRAME" --count $((LIMIT_PACED_PPS * 12)) \
		--rate "$LIMIT_PACED_PPS"
	_tx=$BG_PID
	sleep 0.5
	$L --json stats "$DUT" --interval 1 --count 3 >/tmp/rates.jsonl || { kill "$_tx" 2>/dev/null; return 1; }
	kill "$_tx" 2>/dev/null || true
	wait "$_tx" || true
	$L detach "$DUT" >/dev/null
	# The last sample's drop rate, from the frames the peer paced: within
	# half of it.
	_pps=$(jq -s '.[-1].actions.drop.pps' /tmp/rates.jsonl)
	echo "drop rate $_pps pps, sent $LIMIT_PACED_PPS a second" >&2
	awk -v p="$_pps" -v r="$LIMIT_PACED_PPS" 'BEGIN { exit !(p > r / 2 && p < r * 3 / 2) }'
}
check loader_stats_rates "the drop rate is far from the rate the peer paced" stats_rates

stats_not_ours() {
	ip link set dev "$DUT" "$(xdp_mode)" obj "$TOBJ/xdp_t_pass.bpf.o" sec xdp
	_rc=0
	$L stats "$DUT" 2>/tmp/err || _rc=$?
	ip link set dev "$DUT" "$(xdp_mode)" off
	[ "$_rc" -eq 1 ] || { echo "exit $_rc, want 1" >&2; return 1; }
	grep -q "not one of ours" /tmp/err || { echo "stderr: $(head -c 200 /tmp/err)" >&2; return 1; }
}
check loader_stats_foreign_program "a program without our maps was not refused clearly" stats_not_ours

# Maps with our names in other layouts (tests/bpf/xdp_t_layouts.bpf.c): an
# ARRAY rx_stats of 512-byte values made `stats` abort in malloc, and `filter
# add` wrote our rule into a longer one. Each command must refuse the map by
# its layout, exit 1, and write nothing.
# layout_refused CMD...: exit 1 and the layout sentence on stderr.
layout_refused() {
	_rc=0
	"$@" >/tmp/out 2>/tmp/err || _rc=$?
	[ "$_rc" -eq 1 ] || { echo "'$*': exit $_rc, want 1 ($(head -c 200 /tmp/err))" >&2; return 1; }
	grep -q "has layout .*, expected .*remove its pins" /tmp/err ||
		{ echo "'$*': stderr: $(head -c 300 /tmp/err)" >&2; return 1; }
}
foreign_layouts() {
	ip link set dev "$DUT" "$(xdp_mode)" obj "$TOBJ/xdp_t_layouts.bpf.o" sec xdp
	_ok=0
	layout_refused "$L" stats "$DUT" && layout_refused "$L" filter list "$DUT" &&
		layout_refused "$L" filter add "$DUT" deny src 10.12.0.0/16 &&
		layout_refused "$L" filter flush "$DUT" && _ok=1
	# The rules map of the foreign program is still all zeroes.
	_written=$(bpftool -j map dump name e1k_filt_rules |
		/usr/bin/jq '[.[].value[] | select(. != "0x00")] | length')
	ip link set dev "$DUT" "$(xdp_mode)" off
	[ "$_ok" = 1 ] || return 1
	[ "$_written" = 0 ] || { echo "the foreign rules map was written: $_written nonzero fields" >&2; return 1; }
}
check loader_foreign_layouts_refused "a map of another layout was read or written" foreign_layouts

# --- filter -----------------------------------------------------------------
expect_rc filter_no_program 1 "no XDP program" "$L" filter list "$DUT"
$L attach "$DUT" drop --mode $LMODE >/dev/null
expect_rc filter_wrong_program 1 "not the e1k filter" "$L" filter list "$DUT"
$L detach "$DUT" >/dev/null
rm -f $PIN/e1k_filt_*
# Outside any test: a filter that does not attach ends the suite.
$L attach "$DUT" filter --mode $LMODE >/dev/null

rules_json() { $L --json filter list "$DUT"; }
check filter_empty "a new filter is not empty with policy allow" \
	sh -c "$L --json filter list $DUT | /usr/bin/jq -e '.rules == [] and .policy == \"allow\"' >/dev/null"
before=$(rules_json | jq -c .rules)
expect_rc filter_bad_syntax 2 "prefix length" "$L" filter add "$DUT" deny src 10.0.0.0/33
expect_rc filter_bad_word 2 "unknown word" "$L" filter add "$DUT" deny from 10.0.0.1
check filter_bad_syntax_changed_nothing "a refused rule changed the rules" \
	test "$(rules_json | jq -c .rules)" = "$before"

pings_ok() { ping_all peer 3 "$DUT_IP4"; }
deny_icmp() {
	$L filter add "$DUT" deny src "$PEER_IP4/32" icmp >/dev/null || return 1
	ping_none peer 5 "$DUT_IP4" -W 1
	_h=$(rules_json | jq '.rules[0].packets')
	[ "$_h" -eq 5 ] || { echo "rule hits $_h, want 5" >&2; return 1; }
	[ "$(rules_json | jq -r '.rules[0].rule')" = "deny src $PEER_IP4/32 icmp" ]
}
check filter_deny_stops_traffic "a deny rule did not stop the peer's pings exactly" deny_icmp
expect_rc filter_duplicate 1 "already" "$L" filter add "$DUT" deny src "$PEER_IP4/32" icmp

deny_udp() {
	$L filter add "$DUT" deny udp dport 9999 >/dev/null || return 1
	_np=$(udp_snmp NoPorts)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" --count 200 --rate 2000
	sleep 0.3
	_h=$(rules_json | jq '.rules[] | select(.rule == "deny udp dport 9999") | .packets')
	[ "$_h" -eq 200 ] || { echo "rule hits $_h, want 200" >&2; return 1; }
	[ "$(udp_snmp NoPorts)" -eq "$_np" ] || { echo "denied frames reached the stack" >&2; return 1; }
}
check filter_deny_udp_port_counted "a port rule did not count exactly what it dropped" deny_udp

del_by_text() {
	$L filter del "$DUT" deny src "$PEER_IP4/32" icmp >/dev/null && pings_ok
}
check filter_del_by_text "pings not answered after deleting the rule" del_by_text
expect_rc filter_del_missing 1 "no rule" "$L" filter del "$DUT" deny src 10.9.9.9/32
del_by_slot() {
	_slot=$(rules_json | jq '.rules[] | select(.rule == "deny udp dport 9999") | .slot')
	$L filter del "$DUT" "$_slot" >/dev/null &&
		[ "$(rules_json | jq '.rules | length')" -eq 0 ]
}
check filter_del_by_slot "deleting by slot left the rule" del_by_slot

policy_deny() {
	$L filter add "$DUT" allow icmp type echo-request >/dev/null &&
		$L filter add "$DUT" policy deny >/dev/null || return 1
	[ "$(rules_json | jq -r .policy)" = deny ] || return 1
	pings_ok || { echo "allowed pings dropped" >&2; return 1; }
	_d0=$(rules_json | jq .default_hits.packets)
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" --count 100 --rate 2000
	sleep 0.3
	_d=$(($(rules_json | jq .default_hits.packets) - _d0))
	$L filter add "$DUT" policy allow >/dev/null
	[ "$_d" -eq 100 ] || { echo "default policy decided $_d frames, want 100" >&2; return 1; }
}
check filter_policy_deny "policy deny with an allow rule did not behave" policy_deny

flush_all() {
	$L filter add "$DUT" deny src 10.0.0.0/8 >/dev/null &&
		$L filter add "$DUT" deny dst fd00::/8 >/dev/null &&
		$L filter flush "$DUT" >/dev/null &&
		[ "$(rules_json | jq '.rules | length')" -eq 0 ] && pings_ok
}
check filter_flush "flush left rules or traffic blocked" flush_all

# The control plane's own tests (concurrency, slots, rule set switches,
# sets per interface) run once, with the DUT on e1k_xdp: they test the
# loader, and the in-tree e1000 run would only repeat them in skb mode.
if [ "$LMODE" = native ]; then
# 40 adds at once, beside 20 add-then-delete pairs at once: every command
# must succeed, the list must be exactly the 40 (without the lock, 1-7 were
# lost per round, and a listed deny rule could let its frames through), and
# one crafted frame from each prefix must be denied by its own rule, while
# the frames of the deleted prefixes pass.
conc_add() { $L filter add "$DUT" deny src "10.$1.0.0/16" >/dev/null 2>"/tmp/conc.$1" || echo "$1" >>/tmp/conc.failed; }
conc_pair() { conc_add "$1" && { $L filter del "$DUT" deny src "10.$1.0.0/16" >/dev/null 2>>"/tmp/conc.$1" || echo "$1" >>/tmp/conc.failed; }; }
from_prefix() {
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(pkt build --dst-mac "$(mac_of "$DUT")" \
		--src-mac "$(peer_mac)" --src-ip "10.$1.1.1" --dst-ip "$DUT_IP4" --payload 16)"
}
rule_hits_reach() { [ "$(rules_json | jq '[.rules[].packets] | add // 0')" -ge "$1" ]; }
concurrent_mutations() {
	rm -f /tmp/conc.failed
	for _i in $(seq 20 59); do conc_add "$_i" & done
	for _i in $(seq 60 79); do conc_pair "$_i" & done
	wait
	[ ! -s /tmp/conc.failed ] || { echo "commands failed for 10.X: $(tr '\n' ' ' </tmp/conc.failed) ($(cat "/tmp/conc.$(head -n1 /tmp/conc.failed)"))" >&2; return 1; }
	_want=$(for _i in $(seq 20 59); do echo "deny src 10.$_i.0.0/16"; done | sort | tr '\n' ';')
	_have=$(rules_json | jq -r '.rules[].rule' | sort | tr '\n' ';')
	[ "$_have" = "$_want" ] || { echo "listed: $_have" >&2; return 1; }
	_d0=$(rules_json | jq .default_hits.packets)
	for _i in $(seq 20 79); do from_prefix "$_i" || return 1; done
	wait_for 5 rule_hits_reach 40 || true
	_bad=$(rules_json | jq -r '[.rules[] | select(.packets != 1) | "\(.rule): \(.packets)"] | join(", ")')
	[ -z "$_bad" ] || { echo "rules that did not deny exactly their one frame: $_bad" >&2; return 1; }
	_d=$(($(rules_json | jq .default_hits.packets) - _d0))
	[ "$_d" -ge 20 ] || { echo "the deleted prefixes' frames: $_d passed by the default policy, want 20" >&2; return 1; }
	$L filter flush "$DUT" >/dev/null
}
check filter_concurrent_mutations "concurrent filter commands lost or broke a rule" concurrent_mutations

# Slots are reused. The old filter put a new rule only after the highest
# slot ever used, so with slot 63 taken nothing could be added, whatever
# was deleted before it (64 adds and 63 deletes left it unusable). Now: a
# full filter, one rule deleted, and the add goes in, at the end.
slots_reused() {
	for _i in $(seq 0 63); do echo "deny src 172.16.$_i.0/24"; done >/tmp/full.txt
	$L filter load "$DUT" /tmp/full.txt >/dev/null || return 1
	_rc=0
	$L filter add "$DUT" deny src 172.17.0.0/24 2>/tmp/err || _rc=$?
	if [ "$_rc" -ne 1 ] || ! grep -q "64 rules already" /tmp/err; then
		echo "65th rule: exit $_rc, $(cat /tmp/err)" >&2
		return 1
	fi
	$L filter del "$DUT" 0 >/dev/null || return 1
	$L filter add "$DUT" deny src 172.17.0.0/24 >/dev/null || { echo "no add after a delete" >&2; return 1; }
	_r=$(rules_json | jq -r '[(.rules | length), .rules[0].rule, .rules[63].rule] | join(",")')
	[ "$_r" = "64,deny src 172.16.1.0/24,deny src 172.17.0.0/24" ] || { echo "rules: $_r" >&2; return 1; }
	$L filter flush "$DUT" >/dev/null
}
check filter_slots_reused "a rule could not be added to a full filter after a delete" slots_reused

# --json: each change is one object saying what changed.
json_changes() {
	_a=$($L --json filter add "$DUT" deny src 10.98.0.0/16) &&
		_p=$($L --json filter add "$DUT" policy allow) &&
		_d=$($L --json filter del "$DUT" deny src 10.98.0.0/16) &&
		_f=$($L --json filter flush "$DUT") || return 1
	printf '%s\n' "$_a" "$_p" "$_d" "$_f" | jq -s -e '
		(.[0] | .change == "added" and .slot == 0 and .rule == "deny src 10.98.0.0/16") and
		(.[1] | .change == "set" and .policy == "allow") and
		(.[2] | .change == "deleted" and .slot == 0) and
		(.[3] | .change == "flushed" and .rules == 0)' >/dev/null ||
		{ echo "objects: $_a $_p $_d $_f" >&2; return 1; }
}
check filter_json_changes "--json did not print what changed" json_changes

# insert and replace put rules where they are asked, and the order decides:
# the peer's pings die on a deny, live once an allow is inserted before it,
# and die again when that allow is replaced by one that does not match.
insert_replace() {
	$L filter add "$DUT" deny src "$PEER_IP4/32" icmp >/dev/null || return 1
	ping_none peer 2 "$DUT_IP4" -W 1 || { echo "the deny rule let pings through" >&2; return 1; }
	$L filter insert "$DUT" 0 allow src "$PEER_IP4/32" icmp >/dev/null || return 1
	pings_ok || { echo "the inserted allow did not come first" >&2; return 1; }
	$L filter replace "$DUT" 0 allow src 10.99.0.0/16 icmp >/dev/null || return 1
	ping_none peer 2 "$DUT_IP4" -W 1 || { echo "the replaced allow still matched" >&2; return 1; }
	[ "$(rules_json | jq -r '[.rules[].rule] | join(",")')" = "allow src 10.99.0.0/16 icmp,deny src $PEER_IP4/32 icmp" ] ||
		{ echo "rules: $(rules_json | jq -c '[.rules[].rule]')" >&2; return 1; }
	$L filter flush "$DUT" >/dev/null && pings_ok
}
check filter_insert_replace_order "insert/replace did not put the rule where asked" insert_replace
expect_rc filter_insert_past_end 1 "no rule 5 to insert before" "$L" filter insert "$DUT" 5 deny udp

# save prints what load reads back; a kept rule keeps its counter.
save_load() {
	$L filter add "$DUT" deny udp dport 9999 >/dev/null &&
		$L filter add "$DUT" allow src 10.99.0.0/16 >/dev/null &&
		$L filter add "$DUT" policy deny >/dev/null &&
		$L filter add "$DUT" allow src "$PEER_IP4/32" >/dev/null || return 1
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" --count 50 --rate 2000
	sleep 0.3
	$L filter save "$DUT" >/tmp/rules.txt || return 1
	_before=$(rules_json | jq -c '[.policy, .unclassified, [.rules[] | [.rule, .packets]]]')
	$L filter flush "$DUT" >/dev/null && $L filter add "$DUT" policy allow >/dev/null
	$L filter load "$DUT" /tmp/rules.txt >/dev/null || return 1
	_after=$(rules_json | jq -c '[.policy, .unclassified, [.rules[] | [.rule, .packets]]]')
	# flush dropped the counters: load restores the rules, counting anew
	_want=$(echo "$_before" | jq -c '.[2] |= map([.[0], 0])')
	[ "$_after" = "$_want" ] || { echo "after load $_after, want $_want" >&2; return 1; }
	# loading the same set again keeps every rule, and so every counter
	in_peer "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 64)" --count 50 --rate 2000
	sleep 0.3
	_mid=$(rules_json | jq -c '[.rules[].packets]')
	$L filter load "$DUT" /tmp/rules.txt >/dev/null || return 1
	[ "$(rules_json | jq -c '[.rules[].packets]')" = "$_mid" ] ||
		{ echo "counters $_mid became $(rules_json | jq -c '[.rules[].packets]')" >&2; return 1; }
	[ "$(echo "$_mid" | jq '.[0]')" -eq 50 ] || { echo "the port rule counted $_mid" >&2; return 1; }
}
check filter_save_load "save and load do not round-trip the rule set" save_load
bad_load() {
	_before=$(rules_json | jq -c .)
	printf 'deny src 10.0.0.0/8\nallow src 10.0.0.0/33\n' >/tmp/bad.txt
	_rc=0
	$L filter load "$DUT" /tmp/bad.txt 2>/tmp/err || _rc=$?
	if [ "$_rc" -ne 2 ] || ! grep -q "bad.txt:2: bad prefix length" /tmp/err; then
		echo "exit $_rc: $(cat /tmp/err)" >&2
		return 1
	fi
	[ "$(rules_json | jq -c .)" = "$_before" ] || { echo "a refused file changed the rules" >&2; return 1; }
}
check filter_load_bad_file_changes_nothing "a file with a bad line changed the rules" bad_load

# A rule set switch never opens the filter: the peer floods UDP from its
# address while rule sets that all deny it are loaded one after another
# (other rules around it change, and so do its slot and bank); not one
# datagram may reach the stack.
load_never_opens() {
	$L filter flush "$DUT" >/dev/null && $L filter add "$DUT" policy allow >/dev/null
	$L filter add "$DUT" deny src "$PEER_IP4/32" udp >/dev/null || return 1
	_u0=$(udp_snmp InDatagrams) _n0=$(udp_snmp NoPorts)
	in_peer_bg "$E1K/bin/e1k-pkt" send "$PEER_IF" "$(test_frame --payload 32)" --count 6000 --rate 2000
	_bg=$BG_PID
	for _r in $(seq 1 12); do
		{
			for _k in $(seq 1 $((_r % 5))); do echo "allow src 10.$((90 + _k)).0.0/16"; done
			echo "deny src $PEER_IP4/32 udp"
			[ $((_r % 2)) -eq 0 ] && echo "deny src 10.0.0.0/8 udp"
			echo "policy allow"
		} >/tmp/set.txt
		$L filter load "$DUT" /tmp/set.txt >/dev/null || { kill "$_bg" 2>/dev/null; echo "load $_r failed" >&2; return 1; }
	done
	wait "$_bg" || true
	_u=$(($(udp_snmp InDatagrams) - _u0 + $(udp_snmp NoPorts) - _n0))
	[ "$_u" -eq 0 ] || { echo "$_u denied datagrams reached the stack during the switches" >&2; return 1; }
	$L filter flush "$DUT" >/dev/null
}
check filter_load_under_traffic_never_opens "a rule set switch let denied frames through" load_never_opens

# Rule sets belong to interfaces: a veth pair here gets filters of its own.
# Rules added on one interface never show on another; detach removes the
# set it owned (rules, policy deny and all would otherwise come back on
# the next attach), unless --keep-maps; a named set is shared, and goes
# with the last filter using it.
SETS=$PIN/e1k-filter
ip link add vf0 type veth peer name vf1
ip link set vf0 up
ip link set vf1 up
sets_per_interface() {
	$L attach vf0 filter --mode skb >/dev/null || return 1
	$L filter add "$DUT" deny src 10.77.0.0/16 >/dev/null &&
		$L filter add vf0 deny src 10.78.0.0/16 >/dev/null || return 1
	_d=$($L --json filter list "$DUT" | jq -r '[.rules[].rule] | join(",")')
	_v=$($L --json filter list vf0 | jq -r '[.rules[].rule] | join(",")')
	$L filter del "$DUT" deny src 10.77.0.0/16 >/dev/null
	if [ "$_d" != "deny src 10.77.0.0/16" ] || [ "$_v" != "deny src 10.78.0.0/16" ]; then
		echo "$DUT: '$_d', vf0: '$_v'" >&2
		return 1
	fi
	if [ ! -e "$SETS/vf0/e1k_filt_rules" ] || [ ! -e "$SETS/$DUT/e1k_filt_rules" ]; then
		echo "sets: $(ls "$SETS")" >&2
		return 1
	fi
}
check filter_sets_per_interface "one interface's rules showed on another" sets_per_interface
detach_removes_set() {
	$L filter add vf0 policy deny >/dev/null || return 1
	$L detach vf0 >/dev/null || return 1
	[ ! -e "$SETS/vf0" ] || { echo "detach left $SETS/vf0" >&2; return 1; }
	$L attach vf0 filter --mode skb >/dev/null || return 1
	_l=$($L --json filter list vf0 | jq -c '[.policy, (.rules | length)]')
	[ "$_l" = '["allow",0]' ] || { echo "after detach and attach: $_l" >&2; return 1; }
	$L filter add vf0 policy deny >/dev/null && $L detach vf0 --keep-maps >/dev/null || return 1
	$L attach vf0 filter --mode skb >/dev/null || return 1
	_l=$($L --json filter list vf0 | jq -r .policy)
	$L detach vf0 >/dev/null
	[ "$_l" = deny ] || { echo "--keep-maps lost the policy: $_l" >&2; return 1; }
}
check filter_detach_removes_set "detach left the rules to come back, or --keep-maps lost them" \
	detach_removes_set
shared_set() {
	$L attach vf0 filter --mode skb --rules shared1 >/dev/null &&
		$L attach vf1 filter --mode skb --rules shared1 >/dev/null &&
		$L filter add vf0 deny udp dport 7 >/dev/null || return 1
	[ "$($L --json filter list vf1 | jq -r '.rules[0].rule')" = "deny udp dport 7" ] ||
		{ echo "vf1 does not see vf0's rule" >&2; return 1; }
	$L detach vf0 >/dev/null || return 1
	[ -e "$SETS/shared1/e1k_filt_rules" ] || { echo "a set in use was removed" >&2; return 1; }
	$L detach vf1 >/dev/null || return 1
	[ ! -e "$SETS/shared1" ] || { echo "the last detach left the set" >&2; return 1; }
}
check filter_shared_set "a named rule set was not shared, or not removed with its last filter" shared_set
expect_rc filter_bad_set_name 2 "bad rule set name" "$L" attach vf0 filter --mode skb --rules a/b
ip link del vf0
fi
$L filter list "$DUT" >&2
$L detach "$DUT" >/dev/null

# --- the reflector's addresses ------------------------------------------------
# attach lists the interface's own addresses; the reflector answers for
# them and only them; echo del hands an address back to the kernel; detach
# removes what attach listed.
rm -f $PIN/e1k_echo_*
echo_tx_now() { $L --json stats "$DUT" | jq .actions.tx.packets; }
echo_attach_lists() {
	$L attach "$DUT" icmp-echo --mode $LMODE >/dev/null || return 1
	_l=$($L --json echo list "$DUT")
	echo "$_l" | jq -e --arg a "$DUT_IP4/24" --arg b "$DUT_IP6/64" \
		'.addresses | index($a) != null and index($b) != null' >/dev/null ||
		{ echo "listed: $_l" >&2; return 1; }
}
check loader_echo_attach_lists_addresses "attach did not list the interface's addresses" \
	echo_attach_lists
echo_answers() {
	_tx0=$(echo_tx_now) _in0=$(snmp4 Icmp InEchos)
	ping_all peer 3 "$DUT_IP4" || return 1
	[ "$(($(echo_tx_now) - _tx0))" -eq 3 ] || { echo "XDP_TX +$(($(echo_tx_now) - _tx0)), want 3" >&2; return 1; }
	[ "$(snmp4 Icmp InEchos)" -eq "$_in0" ] || { echo "the kernel saw the requests" >&2; return 1; }
}
check loader_echo_answers_listed "the reflector did not answer for a listed address" echo_answers
echo_del_to_kernel() {
	$L echo del "$DUT" "$DUT_IP4" >/dev/null || return 1
	_tx0=$(echo_tx_now) _in0=$(snmp4 Icmp InEchos)
	ping_all peer 3 "$DUT_IP4" || return 1
	[ "$(snmp4 Icmp InEchos)" -eq $((_in0 + 3)) ] ||
		{ echo "Icmp InEchos +$(($(snmp4 Icmp InEchos) - _in0)), want 3" >&2; return 1; }
	[ "$(echo_tx_now)" -eq "$_tx0" ] || { echo "XDP answered an unlisted address" >&2; return 1; }
}
check loader_echo_del_to_kernel "a deleted address was still answered by XDP" echo_del_to_kernel
expect_rc loader_echo_add_multicast 2 "not a unicast" "$L" echo add "$DUT" 224.0.0.1
expect_rc loader_echo_add_bad_length 2 "bad address" "$L" echo add "$DUT" 10.11.0.1/33
expect_rc loader_echo_del_unlisted 1 "not listed" "$L" echo del "$DUT" 10.11.0.77
check loader_echo_sync "sync did not list the interface's address again" \
	sh -c "$L echo sync $DUT | grep -q ' $DUT_IP4/24\$'"
echo_detach_forgets() {
	$L detach "$DUT" >/dev/null || return 1
	_n4=$(bpftool -j map dump pinned $PIN/e1k_echo_addr4 | jq length)
	_n6=$(bpftool -j map dump pinned $PIN/e1k_echo_addr6 | jq length)
	[ "$((_n4 + _n6))" -eq 0 ] || { echo "$_n4 IPv4 and $_n6 IPv6 addresses left listed" >&2; return 1; }
}
check loader_echo_detach_forgets "detach left the interface's addresses listed" echo_detach_forgets
expect_rc loader_echo_no_program 1 "no XDP program" "$L" echo list "$DUT"
rm -f $PIN/e1k_echo_*

dut_unload
