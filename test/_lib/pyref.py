#!/usr/bin/env python3
"""Reference side of the CPython differential test (test/*.cpython-diff.test.js).

One long-lived process: reads one JSON sequence per stdin line, runs it on CPython's own
open() in a scratch directory, and writes one JSON result line per sequence to stdout.

Sequence: {"id", "mode", "encoding", "errors", "newline", "initial": hex or null (no file),
           "ops": [[name, args...], ...]}
Ops: ["read", n], ["readline", limit], ["write", text | hex in binary mode],
     ["seek", offset, whence], ["seektell", k] (seek to the k-th tell() result),
     ["tell"], ["truncate", size or null], ["flush"]
Result: {"id", "results": [{"v": value} | {"e": exception class} | {"state": true}],
         "stopped": index or null, "final": hex of the file after close}
A tell() or seek() cookie carrying decoder state (>= 2**64) is reported as {"state": true}: it is not a
byte position and is only usable for seeking. A UnicodeDecodeError stops the sequence
(docs/text.md caveat F: where it surfaces is CPython-specific), and so does a text seek to a cookie
carrying decoder state ("stopped" is then the index of that seek, which did not run).
"""
import json
import os
import sys


def run_op(f, binary, op, tells):
    name = op[0]
    if name == "read":
        v = f.read(op[1])
        return v.hex() if binary else v
    if name == "readline":
        v = f.readline(op[1])
        return v.hex() if binary else v
    if name == "write":
        return f.write(bytes.fromhex(op[1]) if binary else op[1])
    if name == "seek":
        return f.seek(op[1], op[2])
    if name == "seektell":
        return "seek-ok" if f.seek(tells[op[1]]) is not None else None
    if name == "tell":
        cookie = f.tell()
        tells.append(cookie)
        return cookie
    if name == "truncate":
        return f.truncate(op[1])
    if name == "flush":
        f.flush()
        return None
    raise ValueError("unknown op " + name)


def seeks_to_decoder_state(f, op, tells):
    """True for a text seek to a cookie that carries decoder state (>= 2**64: a pending '\\r',
    or bytes the decoder holds). CPython's buffer then sits ahead of the logical position, so a
    following write or truncate lands late (docs/text.md caveat B): the comparison stops there."""
    if op[0] == "seektell":
        cookie = tells[op[1]]
    elif op[0] == "seek" and op[2] == 1 and op[1] == 0:
        try:
            cookie = f.tell()
        except (OSError, ValueError):
            return False
    else:
        return False
    return cookie is not None and cookie >= 2 ** 64


def run_sequence(seq, scratch):
    path = os.path.join(scratch, "f%d" % seq["id"])
    if os.path.exists(path):
        os.unlink(path)
    if seq["initial"] is not None:
        with open(path, "wb") as out:
            out.write(bytes.fromhex(seq["initial"]))
    binary = "b" in seq["mode"]
    kwargs = {} if binary else {
        "encoding": seq["encoding"], "errors": seq["errors"], "newline": seq["newline"]}
    results, tells, stopped = [], [], None
    f = open(path, seq["mode"], **kwargs)
    try:
        for i, op in enumerate(seq["ops"]):
            if not binary and seeks_to_decoder_state(f, op, tells):
                stopped = i
                break
            try:
                v = run_op(f, binary, op, tells)
                if op[0] in ("tell", "seek") and v >= 2 ** 64:
                    results.append({"state": True})
                else:
                    results.append({"v": v})
            except UnicodeDecodeError:
                results.append({"e": "UnicodeDecodeError"})
                stopped = i
                break
            except (OSError, ValueError) as exc:
                if op[0] == "tell":
                    tells.append(None)
                results.append({"e": type(exc).__name__})
    finally:
        f.close()
    with open(path, "rb") as done:
        final = done.read().hex()
    os.unlink(path)
    return {"id": seq["id"], "results": results, "stopped": stopped, "final": final}


def main():
    scratch = sys.argv[1]
    for line in sys.stdin:
        if not line.strip():
            continue
        seq = json.loads(line)
        try:
            out = run_sequence(seq, scratch)
        except Exception as exc:  # report, keep serving the other sequences
            out = {"id": seq["id"], "crash": "%s: %s" % (type(exc).__name__, exc)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
