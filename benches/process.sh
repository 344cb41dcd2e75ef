#!/usr/bin/env bash
# Whole-process figures of `forge-spec build` (release binary): median wall time
# (hyperfine) and peak resident memory (GNU time) for the shipped spec and synthetic
# specs of N = 10, 100, 1,000, 10,000 (also with every engine of `outputs:`) and of
# kubernetes-mixin's size. "cold" builds
# into an empty output directory, "warm" over the output of the previous build (the
# usual rebuild, where nothing changes on disk).
#
# Before a cold run the previous output is moved aside, not deleted, and deleted only at
# the end: ext4 passes over recently deleted inodes when it allocates new ones, so
# removing 1,000 files right before a build makes each file the build creates cost
# ~0.85 ms of kernel time on this project's machines — that would time the benchmark's
# own `rm`, not the build (a fresh checkout has no such deletions behind it). The page
# cache is flushed (`sync`) before each cold run, so that no run is throttled by the
# writeback of the previous runs' output.
# Needs the Debian packages `hyperfine` and `time`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q
bin=$PWD/target/release/forge-spec
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/aside"
median() { # hyperfine JSON -> median milliseconds
    python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"] * 1000))' "$1"
}
peak() { # command... -> peak resident MB
    /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%d", $1 / 1024 }'
}
printf '%-8s %12s %9s %12s %9s\n' spec "cold (ms)" "peak MB" "warm (ms)" "peak MB"
for size in shipped 10 100 mixin 1000 10000 10000+engines; do
    case $size in
        shipped) spec=spec ;;
        mixin) spec=$work/spec-mixin; "$bin" synth --mixin --out "$spec" ;;
        # Every engine of `outputs:` (Kubernetes, Mimir, Thanos) besides the plain files.
        10000+engines) spec=$work/spec-engines; cp -r "$work/spec-10000" "$spec"
            echo 'outputs: [prometheus, kubernetes, mimir, thanos]' > "$spec/outputs.yaml" ;;
        *) spec=$work/spec-$size; "$bin" synth --size "$size" --out "$spec" ;;
    esac
    runs=30; [ "$size" = 1000 ] && runs=10; [ "${size%+engines}" = 10000 ] && runs=5
    out=$work/out-$size
    cmd="$bin build $spec --out $out"
    aside="sh -c 'if [ -e $out ]; then mv $out \$(mktemp -d -p $work/aside); fi; sync'"
    hyperfine -N -w 2 -r "$runs" --prepare "$aside" --export-json "$work/c.json" "$cmd" >/dev/null 2>&1
    if [ -e "$out" ]; then mv "$out" "$(mktemp -d -p "$work/aside")"; fi
    sync; cpeak=$(peak $cmd)
    hyperfine -N -w 2 -r "$runs" --export-json "$work/w.json" "$cmd" >/dev/null 2>&1
    wpeak=$(peak $cmd)
    printf '%-8s %12s %9s %12s %9s\n' "$size" "$(median "$work/c.json")" "$cpeak" "$(median "$work/w.json")" "$wpeak"
done
