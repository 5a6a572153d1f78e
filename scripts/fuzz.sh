#!/usr/bin/env bash
# Runs every native Go fuzz target of the project for FUZZTIME each (default 50000x: a number of
# inputs, which a busy machine only slows, where a duration can fail at its deadline), one after the
# other: each parser of untrusted input must answer a value or a 4xx-type refusal, never panic.
# A failure leaves its input in the package's testdata/fuzz/ for `go test` to replay.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-50000x}"
GO="${GO:-go}"
status=0
while IFS=: read -r file name; do
	pkg="./$(dirname "$file")"
	echo "== $pkg $name ($FUZZTIME)"
	if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 5s "$pkg"; then
		status=1
	fi
done < <(grep -rHoE --include='*_test.go' '^func (Fuzz[A-Za-z0-9_]+)\(' . | sed -E 's|^\./||; s|:func (Fuzz[A-Za-z0-9_]+)\($|:\1|' | sort)
exit $status
