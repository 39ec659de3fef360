#!/usr/bin/env bash
# Turn one VM run's serial logs into test result lines.
#   vm-results.sh LABEL OUT_DIR QEMU_EXIT_CODE TIMEOUT_S
# Prints the guest's PASS/FAIL lines with LABEL prefixed (and its "# " notes
# unless E1K_QUIET_NOTES=1), then two checks of
# the run itself: vm_completed (the guest reached the end of its plan) and
# kernel_log (no WARN/BUG/Oops/... in the console or the final dmesg).
# Exits 1 when any line is a FAIL.
set -euo pipefail

label=$1 out=$2 qemu_rc=$3 timeout_s=$4
here=$(cd "$(dirname "$0")" && pwd)
results=$out/results.log
console=$out/console.log
touch "$results" "$console"

failed=0
while IFS= read -r line; do
	line=${line%$'\r'}
	case "$line" in
	"PASS "*) echo "PASS $label${line#PASS }" ;;
	"FAIL "*) echo "FAIL $label${line#FAIL }"; failed=1 ;;
	"# "*) [ "${E1K_QUIET_NOTES:-0}" = 1 ] || echo "$line" ;;
	esac
done < <(sed -n '/^E1K-DMESG-BEGIN/,/^E1K-DMESG-END/!p' "$results")

if grep -q '^E1K-DONE' "$results"; then
	echo "PASS ${label}vm_completed"
else
	if [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
		why="timed out after ${timeout_s}s"
	else
		why="guest stopped early (qemu exit $qemu_rc)"
	fi
	echo "FAIL ${label}vm_completed: $why; last console lines in $console:"
	tail -n 15 "$console" | tr -d '\r' | sed 's/^/    | /'
	if [ -s "$out/stall-monitor.txt" ]; then
		echo "    | the guest went quiet first; QEMU's view of its vCPUs: $out/stall-monitor.txt"
		grep -m 4 'CPU #' "$out/stall-monitor.txt" | tr -d '\r' | sed 's/^/    | /'
	fi
	failed=1
fi

# The final dmesg and the live console together: the console catches what
# happened before a crash, the dmesg what the console's loglevel hid.
dmesg_copy=$out/dmesg.log
sed -n '/^E1K-DMESG-BEGIN/,/^E1K-DMESG-END/p' "$results" | tr -d '\r' >"$dmesg_copy"
if bad=$("$here/kernel-log-check.sh" "$console" "$dmesg_copy"); then
	echo "PASS ${label}kernel_log"
else
	echo "FAIL ${label}kernel_log: $(echo "$bad" | head -n1)"
	echo "$bad" | sed -n '2,10p' | sed 's/^/    | /'
	failed=1
fi
exit "$failed"
