#!/usr/bin/env bash
# Lint of the guest suites that `make check` runs (the suites named in
# tests/manifest), for the patterns that let a test pass while the product
# is broken:
#   - a PASS not produced by lib.sh's `check`, whose body runs with errexit
#     on (a direct `pass`, or results written to fd 3 by hand);
#   - `set +e`, which would switch errexit off inside a test body;
#   - ping run directly: its exit status is 0 when one reply of N came
#     back; ping_all / ping_none count them;
#   - killall: a test stops what it started, by pid;
#   - a background job without a bound (timeout, --count, -w, a deadline).
# A line that must break a rule says why, with "# lint: REASON" on it.
# Prints "FILE:LINE: problem: text" for each finding; exits 1 if any.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
suites=$(awk '!/^[ \t]*(#|$)/ && $1 != "host" && $1 != "packages" { sub(/:.*/, "", $1); print $1 }' \
	"$top/tests/manifest" | sort -u)
files=()
for s in $suites; do
	f=$top/tests/vm/t_$s.sh
	[ -f "$f" ] || { echo "tests/manifest: suite $s has no tests/vm/t_$s.sh"; exit 1; }
	files+=("$f")
done

awk '
	function flag(why) { printf "%s:%d: %s: %s\n", name, FNR, why, $0; bad = 1 }
	FNR == 1 { name = FILENAME; sub(/.*\/tests\//, "tests/", name); held = "" }
	# A command continued over lines is read as one line.
	/\\$/ { held = held substr($0, 1, length($0) - 1) " "; next }
	held != "" { $0 = held $0; held = "" }
	/^[ \t]*#/ { next }
	/# lint: / { next }
	/(^[ \t]*|[;&|({][ \t]*|(then|else|do)[ \t]+)pass[ \t]/ { flag("PASS outside check") }
	/>&3/ { flag("results written by hand") }
	/set \+e/ { flag("errexit switched off") }
	/(^|[^_a-z])(\/usr\/bin\/)?ping[ \t]+-/ { flag("ping without ping_all/ping_none") }
	/killall/ { flag("killall instead of the pid") }
	/&[ \t]*$/ && !/&&[ \t]*$/ && !/timeout|--count|-w [0-9]/ { flag("unbounded background job") }
	END { exit bad }
' "${files[@]}"
