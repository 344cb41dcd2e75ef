#!/usr/bin/env bash
# The CI gate's commands at scale: `forge-spec diff` of two synthetic specs of N =
# 1,000 and 10,000 items (the second with every SLO objective changed), and
# `forge-spec live-check` of expositions of 10,000 and 100,000 series. Median wall time
# (hyperfine) and peak memory (GNU time); linear when 10× the input takes about 10×.
# Needs the Debian packages `hyperfine` and `time`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=$PWD/target/release/forge-spec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
measure() { # label, command...
    hyperfine -N -w 1 -r 5 -i --export-json "$work/h.json" "$*" >/dev/null 2>&1
    local median peak
    median=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$work/h.json")
    peak=$(/usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%d", $1 / 1024 }')
    printf '%-28s %12s %9s\n' "$LABEL" "$median" "$peak"
}
printf '%-28s %12s %9s\n' input "median (ms)" "peak MB"
for n in 1000 10000; do
    "$bin" synth --size "$n" --out "$work/a-$n" >/dev/null
    cp -r "$work/a-$n" "$work/b-$n"
    sed -i 's/objective: 99.9%/objective: 99.5%/' "$work/b-$n"/*.yaml
    LABEL="diff, N = $n" measure "$bin" diff --baseline "$work/a-$n" "$work/b-$n" --fail-on never --format json
done
printf 'service: {name: big, metric_prefix: big_}\ntargets: {big: {address: "big:80"}}\nmetrics:\n  big_requests_total: {type: counter, help: Requests., labels: {route: {max_values: 100000}}}\n' > "$work/big.yaml"
for n in 10000 100000; do
    python3 - "$n" > "$work/expo-$n.txt" <<'PY'
import sys
n = int(sys.argv[1])
print("# HELP big_requests_total Requests.\n# TYPE big_requests_total counter")
for i in range(n):
    print(f'big_requests_total{{route="/r{i}"}} {i}')
PY
    LABEL="live-check, $n series" measure "$bin" live-check "$work/expo-$n.txt" --spec "$work/big.yaml" --target big
done
