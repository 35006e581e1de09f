#!/usr/bin/env bash
# Runs every Go fuzz target in the module for FUZZTIME each.
# A run that ends with Go's "context deadline exceeded" and no failing input
# (the fuzzing coordinator timing out on a loaded machine, not a finding) is
# tried once more; a real failure writes its input under testdata/fuzz and fails.
set -euo pipefail
FUZZTIME=${FUZZTIME:-15s}
GO=${GO:-go}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
grep -rl --include='*_test.go' '^func Fuzz' . | sort | while read -r f; do
    pkg=./$(dirname "${f#./}")
    for fn in $(grep -o '^func Fuzz[A-Za-z0-9_]*' "$f" | sed 's/func //'); do
        for try in 1 2; do
            echo "== fuzz $pkg $fn ($FUZZTIME)"
            if $GO test -run='^$' -fuzz="^$fn\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=200x "$pkg" >"$out" 2>&1; then
                tail -1 "$out"; break
            fi
            if [ "$try" = 1 ] && grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written' "$out"; then
                echo "   (fuzz coordinator timed out without a finding; trying again)"; continue
            fi
            cat "$out"; exit 1
        done
    done
done
