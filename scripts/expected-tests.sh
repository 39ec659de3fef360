#!/usr/bin/env bash
# The full names of the tests one part of a run must report, from
# tests/manifest.
#   expected-tests.sh host                      the host-side tests
#   expected-tests.sh packages                  the host-side tests of the
#                                               packages (when check.sh
#                                               plans them)
#   expected-tests.sh vm LABEL SERIES MODEL SUITE...
#                                               one VM: LABEL is its name
#                                               prefix (6.1/e1000/), SUITE
#                                               as check.sh plans them
#                                               (NAME or NAME:DRIVER)
# A VM also reports vm_completed and kernel_log. Exits 1 when a planned
# suite has no line in the manifest (a suite that reports nothing is a
# failure, never an empty success).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
manifest=$here/../tests/manifest

# lines ENTRY SERIES MODEL: the test names of ENTRY that apply.
lines() {
	awk -v e="$1" -v k="$2" -v m="$3" '
		/^[ \t]*(#|$)/ { next }
		$1 != e { next }
		{
			ok = 1
			for (i = 3; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "kernel" && kv[2] != k) ok = 0
				if (kv[1] == "model" && kv[2] != m) ok = 0
			}
			if (ok) print $2
		}' "$manifest"
}

case "${1:-}" in
host | packages)
	while read -r name; do
		echo "host/$name"
	done < <(lines "$1" - -)
	;;
vm)
	label=$2 series=$3 model=$4
	shift 4
	for entry in "$@"; do
		names=$(lines "$entry" "$series" "$model")
		if [ -z "$names" ]; then
			echo "expected-tests.sh: suite '$entry' has no tests in tests/manifest" >&2
			exit 1
		fi
		prefix=
		case "$entry" in *:*) prefix=${entry#*:}/ ;; esac
		while read -r name; do
			echo "$label$prefix$name"
		done <<<"$names"
	done
	echo "${label}vm_completed"
	echo "${label}kernel_log"
	;;
*)
	echo "usage: expected-tests.sh host | packages | vm LABEL SERIES MODEL SUITE..." >&2
	exit 2
	;;
esac
