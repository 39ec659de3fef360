#!/bin/sh
# shellcheck shell=sh
# The benchmark suites' side of the host link (scripts/vm-run.sh
# --host-link): requests to tests/bench/hostd.py on /dev/ttyS2, which runs
# tests/tools/e1k-hostgen on the host, whose frames come in through each DUT
# port's hub. Sourced after lib.sh.

# The generator's addresses (e1k-hostgen's defaults).
HOST_MAC=52:54:00:e1:00:10
HOST_IP4=10.11.0.100

# host_open: the control channel, raw (no echo, no line editing); fails if
# the host does not answer.
host_open() {
	stty -F /dev/ttyS2 raw -echo || return 1
	exec 5<>/dev/ttyS2
	host hello >/dev/null
}

# host REQUEST...: one request (see hostd.py); its "ok ..." reply on stdout.
# An "err" reply, or none within 15 minutes, fails with the reason.
host() {
	echo "$*" >&5
	# shellcheck disable=SC3045 # busybox sh's read has -t
	IFS= read -r -t 900 _hr <&5 || { echo "no reply from the host to '$*'" >&2; return 1; }
	case "$_hr" in
	ok*) echo "$_hr" ;;
	*) echo "host: $_hr (to '$*')" >&2; return 1 ;;
	esac
}

# kv KEY LINE: the value of KEY=VALUE in LINE.
kv() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# host_neighbour: the generator's address resolved for good on the DUT (the
# stack's replies, ICMP errors included, go to it without an ARP round).
host_neighbour() { ip neigh replace "$HOST_IP4" lladdr "$HOST_MAC" nud permanent dev "$DUT"; }
