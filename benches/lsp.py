#!/usr/bin/env python3
"""Keystroke-to-diagnostics latency of `forge-spec lsp` (release build) on synthetic
specs of N = 100, 1,000 and 10,000 items: the time from a `didChange` (one character
typed at the end of a text — `summary:`, `help:` or `title:` — of the definition in the
middle of the largest file, so that every definition after it moves) to the
`publishDiagnostics` of that file, median of 7 edits. The edits are sent as ranges (incremental sync, as editors do). Between
edits the bench pauses as a typist does (after a quarter of a second without messages
the server emits and scans the output, the rest of `check`). Run:
`python3 benches/lsp.py` (builds the release binary first)."""
import json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "--locked", "-q"], cwd=ROOT, check=True)
BIN = os.path.join(ROOT, "target", "release", "forge-spec")


def send(p, msg):
    body = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    p.stdin.flush()


def read(p):
    length = 0
    while True:
        line = p.stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.startswith(b"Content-Length:"):
            length = int(line.split(b":")[1])
    return json.loads(p.stdout.read(length))


def wait_for(p, uri):
    while True:
        m = read(p)
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            return m


print("%-8s %12s %12s" % ("N", "median (ms)", "max (ms)"))
for n in (100, 1000, 10000):
    with tempfile.TemporaryDirectory() as tmp:
        spec = os.path.join(tmp, "spec")
        subprocess.run([BIN, "synth", "--size", str(n), "--out", spec], check=True)
        largest = max((os.path.getsize(os.path.join(spec, f)), f) for f in os.listdir(spec))[1]
        path = os.path.join(spec, largest)
        uri = "file://" + os.path.realpath(path)
        text = open(path).read()
        lines = text.split("\n")
        typed = next(i for i in range(len(lines) // 2, len(lines))
                     if lines[i].strip().split(":")[0] in ("summary", "help", "title")
                     and lines[i].split(": ", 1)[1][:1] not in "'\"")
        p = subprocess.Popen([BIN, "lsp"], cwd=tmp, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        send(p, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                 "params": {"processId": None, "rootUri": "file://" + os.path.realpath(tmp), "capabilities": {}}})
        while read(p).get("id") != 1:
            pass
        send(p, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        wait_for(p, uri)
        send(p, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                 "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
        wait_for(p, uri)
        times = []
        for i in range(7):
            at = {"line": typed, "character": len(lines[typed])}
            lines[typed] += "x"
            start = time.perf_counter()
            send(p, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                     "params": {"textDocument": {"uri": uri, "version": i + 2},
                                "contentChanges": [{"range": {"start": at, "end": at}, "text": "x"}]}})
            wait_for(p, uri)
            times.append((time.perf_counter() - start) * 1000)
            time.sleep(0.2 + n / 4000)
        send(p, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        while read(p).get("id") != 2:
            pass
        send(p, {"jsonrpc": "2.0", "method": "exit", "params": None})
        p.wait(timeout=30)
        print("%-8d %12.1f %12.1f" % (n, statistics.median(times), max(times)))
sys.stdout.flush()
