#!/usr/bin/env bash
# Whole-process figures of an organisation: `forge-spec build` of the 10,000-item
# synthetic spec spread over 500 services of ten teams (`synth --size 10000 --services
# 500`), median wall time (hyperfine) and peak resident memory (GNU time):
#   full         every service built (no cache), over the previous output;
#   incremental  one service changed (an alert's summary, alternating between two
#                texts), the other 499 from the build cache;
#   unchanged    nothing changed: every service from the cache, nothing written.
# Needs the Debian packages `hyperfine` and `time`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=$PWD/target/release/forge-spec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$1"; }
peak() { /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%d", $1 / 1024 }'; }
spec=$work/org
"$bin" synth --size 10000 --services 500 --out "$spec"
alerts=$spec/services/svc-7/alerts.yaml
# Flips one alert summary of one service between two texts.
flip="sh -c 'if grep -q \"Service 3 is unhealthy\" $alerts; then sed -i \"s/Service 3 is unhealthy/Service 3 is failing/\" $alerts; else sed -i \"s/Service 3 is failing/Service 3 is unhealthy/\" $alerts; fi'"
full="$bin build $spec --out $work/full --no-cache"
inc="$bin build $spec --out $work/inc --cache $work/cache"
$full >/dev/null 2>&1; $inc >/dev/null 2>&1
hyperfine -N -w 1 -r 5 --export-json "$work/full.json" "$full" >/dev/null 2>&1
hyperfine -N -w 2 -r 20 --prepare "$flip" --export-json "$work/inc.json" "$inc" >/dev/null 2>&1
hyperfine -N -w 2 -r 20 --export-json "$work/same.json" "$inc" >/dev/null 2>&1
f=$(median "$work/full.json"); i=$(median "$work/inc.json"); s=$(median "$work/same.json")
fpeak=$(peak $full); sh -c "$flip"; ipeak=$(peak $inc)
printf '%-12s %10s %8s %8s\n' build "ms" "peak MB" "of full"
printf '%-12s %10s %8s %8s\n' full "$f" "$fpeak" "100%"
printf '%-12s %10s %8s %8s\n' incremental "$i" "$ipeak" "$(python3 -c "print('%.1f%%' % (100 * $i / $f))")"
printf '%-12s %10s %8s %8s\n' unchanged "$s" "-" "$(python3 -c "print('%.1f%%' % (100 * $s / $f))")"
# The incremental output is the clean build's, byte for byte.
diff -r "$work/full" "$work/inc" >/dev/null || { sh -c "$flip"; $inc >/dev/null 2>&1; $full >/dev/null 2>&1; }
diff -r "$work/full" "$work/inc" >/dev/null && echo "incremental output == full output"
