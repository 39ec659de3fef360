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
if [ ! -x "$T" ]; then
	fail bpf_unit "no $T (make -C tests/unit)"
	exit 0
fi
set +e
"$T" -v "$E1K/bpf" >/tmp/bpf_unit.out 2>/tmp/bpf_unit.err
rc=$?
set -e
sed -n 's/^\(PASS\|FAIL\) /\1 '"$TEST_PREFIX"'bpf_unit\//p; s/^# /# bpf_unit: /p' \
	/tmp/bpf_unit.out >&3
summary=$(tail -n 1 /tmp/bpf_unit.out)
case "$summary" in
*" passed, 0 failed")
	if [ "$rc" -eq 0 ]; then pass bpf_unit_exit; else fail bpf_unit_exit "exit $rc"; fi
	;;
*) fail bpf_unit_exit "exit $rc, last line '$summary' $(head -c 200 /tmp/bpf_unit.err)" ;;
esac
