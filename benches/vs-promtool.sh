#!/usr/bin/env bash
# forge-spec build of the 10,000-SLO synthetic spec (every check and backend included)
# side by side with `promtool check rules` merely validating the rule file it produced.
# Prints wall seconds, peak memory and the ratio. Needs GNU time (Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
cargo build --release --locked -q
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin=target/release/forge-spec
"$bin" synth --size "$n" --out "$work/spec"
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
read -r f_s f_kb < <(measure "$bin" build "$work/spec" --out "$work/out")
rules=$(ls "$work"/out/prometheus/*.rules.yml)
read -r p_s p_kb < <(measure promtool check rules "$rules")
size=$(du -m "$rules" | cut -f1)
printf 'N=%s  rules file %s MB\n' "$n" "$size"
printf 'forge-spec build (all checks, all backends): %6.2f s  %5d MB peak\n' "$f_s" $((f_kb / 1024))
printf 'promtool check rules (that one file):        %6.2f s  %5d MB peak\n' "$p_s" $((p_kb / 1024))
awk -v f="$f_s" -v p="$p_s" 'BEGIN { printf "ratio promtool / forge-spec: %.1fx\n", p / f }'
