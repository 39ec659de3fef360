#!/bin/sh
# shellcheck shell=sh
# The XDP programs' unit tests (tests/unit/bpf_unit_test) on the guest's
# kernel: its verifier accepts every object, and BPF_PROG_TEST_RUN on it
# gives the verdicts, bytes and counters the tests expect. Each of the
# binary's result lines becomes a test named bpf_unit/NAME; its verifier
# statistics come along as "# " notes.
# shellcheck source=tests/vm/lib.sh
. /opt/e1k/tests/vm/lib.sh

T=$E1K/tests/unit/bpf_unit_test
[ -x "$T" ] || { echo "no $T (make -C tests/unit)" >&2; exit 1; }
rc=0
"$T" -v "$E1K/bpf" >/tmp/bpf_unit.out 2>/tmp/bpf_unit.err || rc=$?
# The binary's own result lines, as they are: each is a test of the
# manifest, so one that does not come is a failure on the host.
sed -n 's/^\(PASS\|FAIL\) /\1 '"$TEST_PREFIX"'bpf_unit\//p; s/^# /# bpf_unit: /p' \
	/tmp/bpf_unit.out >&3 # lint: results of the unit-test binary
unit_exit() {
	_summary=$(tail -n 1 /tmp/bpf_unit.out)
	case "$_summary" in
	*" passed, 0 failed") [ "$rc" -eq 0 ] || { echo "exit $rc after '$_summary'" >&2; return 1; } ;;
	*) echo "exit $rc, last line '$_summary' $(head -c 200 /tmp/bpf_unit.err)" >&2; return 1 ;;
	esac
}
check bpf_unit_exit "the unit-test binary did not finish cleanly" unit_exit
