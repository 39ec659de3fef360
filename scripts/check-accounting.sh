#!/usr/bin/env bash
# The accounting of a test run against the list of the tests it must report.
#   check-accounting.sh EXPECTED LOG            print a FAIL line for every
#       expected test that did not report, reported more than once, and for
#       every PASS of a test that is not expected (not in tests/manifest)
#   check-accounting.sh --summary EXPECTED LOG  "N passed, N failed", counted
#       by test name: a test passes when it is expected and reported exactly
#       one PASS and no FAIL; every other expected or reported name fails.
# LOG holds "PASS name" and "FAIL name: reason" lines (other lines ignored).
set -euo pipefail

summary=0
if [ "${1:-}" = --summary ]; then
	summary=1
	shift
fi
[ $# -eq 2 ] || { echo "usage: check-accounting.sh [--summary] EXPECTED LOG" >&2; exit 2; }

awk -v summary="$summary" '
	FNR == NR { if ($1 != "") { want[$1] = 1; order[++n] = $1 } ; next }
	/^PASS / { name = $2; pass[name]++; seen[name] = 1; next }
	/^FAIL / { name = $2; sub(/:$/, "", name); fail[name]++; seen[name] = 1; next }
	END {
		passed = 0; failed = 0
		for (i = 1; i <= n; i++) {
			t = order[i]
			reports = pass[t] + fail[t]
			if (reports == 1 && pass[t] == 1) { passed++; continue }
			failed++
			if (summary) continue
			if (reports == 0)
				printf "FAIL %s: expected but never reported (its suite or VM did not run to it)\n", t
			else if (reports > 1)
				printf "FAIL %s: reported %d times\n", t, reports
		}
		for (t in seen) {
			if (t in want) continue
			failed++
			if (!summary && pass[t])
				printf "FAIL %s: passed but is not in tests/manifest\n", t
		}
		if (summary) printf "%d passed, %d failed\n", passed, failed
	}' "$1" "$2"
