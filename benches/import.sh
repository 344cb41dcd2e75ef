#!/usr/bin/env bash
# `forge-spec import prometheus` on rule files of N = 1,000 and 10,000 alerting rules
# (a hundred to a group, each reading a counter with its own label value): median wall
# time (hyperfine) and peak memory (GNU time) of the whole import — read, translate,
# write the spec, check it. Linear when 10× the rules take about 10× the time.
# Needs the Debian packages `hyperfine` and `time`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=$PWD/target/release/forge-spec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rules() { # N -> a rule file
    python3 - "$1" <<'PY'
import sys
n = int(sys.argv[1])
print("groups:")
for g in range(n // 100):
    print(f"- name: g{g}\n  rules:")
    for r in range(100):
        i = g * 100 + r
        print(f"  - alert: Rule{i}\n    expr: 'rate(app_requests_total{{job=\"app\", route=\"/r{r}\"}}[5m]) > {i}'\n    for: 5m\n    labels: {{severity: warning}}\n    annotations: {{summary: 'Rule {i} fired.'}}")
PY
}
printf '%-8s %12s %9s\n' rules "median (ms)" "peak MB"
for n in 1000 10000; do
    rules "$n" > "$work/rules-$n.yml"
    cmd="$bin import prometheus $work/rules-$n.yml --out $work/out-$n"
    hyperfine -N -w 1 -r 5 --prepare "rm -rf $work/out-$n" --export-json "$work/h.json" "$cmd" >/dev/null 2>&1
    rm -rf "$work/out-$n"
    peak=$(/usr/bin/time -f "%M" $cmd 2>&1 >/dev/null | tail -1 | awk '{ printf "%d", $1 / 1024 }')
    median=$(python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$work/h.json")
    printf '%-8s %12s %9s\n' "$n" "$median" "$peak"
done
