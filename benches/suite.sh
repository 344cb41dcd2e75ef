#!/usr/bin/env bash
# Wall time of the generated promtool suites of synthetic specs (issue 36): for each N
# (default 100 1000), `forge-spec synth --size N`, build, then `promtool test rules` on
# every generated test file (the service's and the scoped ones under `tests/`), two at a
# time. A suite that runs past the limit (default 600 s, `LIMIT=`) is stopped and reported
# as "> LIMIT". Usage: benches/suite.sh [N…]. Needs promtool (Debian `prometheus`).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=$PWD/target/release/forge-spec
limit=${LIMIT:-600}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-7s %8s %10s %12s\n' N tests "test files" "suite (s)"
for n in "${@:-100 1000}"; do
    for size in $n; do
        "$bin" synth --size "$size" --out "$work/spec-$size" >/dev/null
        "$bin" build "$work/spec-$size" --out "$work/out-$size" >/dev/null 2>&1
        cd "$work/out-$size/prometheus"
        files=$(find . -name '*.test.yml' | sort)
        count=$(echo "$files" | wc -l)
        tests=$(grep -h -c '^- name:' $files | awk '{ s += $1 } END { print s }')
        start=$(date +%s.%N)
        if echo "$files" | timeout "$limit" xargs -P 2 -I{} sh -c 'cd "$(dirname {})" && promtool test rules "$(basename {})" >/dev/null'; then
            took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
        else
            took="> $limit (or failed)"
        fi
        printf '%-7s %8s %10s %12s\n' "$size" "$tests" "$count" "$took"
        cd - >/dev/null
    done
done
