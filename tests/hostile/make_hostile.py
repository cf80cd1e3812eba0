#!/usr/bin/env python3
"""Write the inputs of the hostile-input suite with Python's own json, pickle, gzip, lzma and bz2.

Usage: python3 tests/hostile/make_hostile.py OUTDIR SENTINEL_DIR

OUTDIR/samples/      one healthy sample of every format, for the truncation sweep
OUTDIR/malicious/    pickles whose loading would run a command (never loaded here), and a JSON
                     file carrying one in a base64 value
OUTDIR/bombs/        memo expansion (billion laughs), deep nesting, a gzip bomb
OUTDIR/control.pkl   a payload like the malicious ones aimed at SENTINEL_DIR/control: the test
                     loads it with pickle.loads to prove the payloads are live
Every payload runs `touch SENTINEL_DIR/<name>`; the suite checks no such file appears.
Prints a JSON manifest on stdout. Standard library only.
"""
import base64
import bz2
import collections
import datetime
import decimal
import gzip
import hashlib
import json
import lzma
import os
import pathlib
import pickle
import struct
import subprocess
import sys


def state():
    return {
        "schema_version": 3,
        "step": 1200,
        "big": 2**64 + 1,
        "neg": -(2**70),
        "loss": 0.125,
        "nan": float("nan"),
        "inf": float("inf"),
        "name": "run-\u00e9\u4e2d-\U0001f600",
        "tags": ["a", "b"],
        "nested": {"deep": {"deeper": [1, 2.5, None, True, False]}},
        "empty": {},
    }


def typed_state():
    s = state()
    s.update(
        {
            "when": datetime.datetime(2026, 5, 28, 20, 26, 40, 123456),
            "day": datetime.date(2026, 5, 28),
            "span": datetime.timedelta(days=1, seconds=5),
            "amount": decimal.Decimal("12.3400"),
            "pair": (1, "two"),
            "uniq": {1, 2, 3},
            "frozen": frozenset(["x"]),
            "raw": b"\x00\x01binary",
            "buf": bytearray(b"mutable"),
            "z": complex(1, -2),
            "ordered": collections.OrderedDict([("b", 1), ("a", 2)]),
            "path": pathlib.PurePosixPath("/data/run/ckpt"),
            "int_keys": {1: "one", 2: "two"},
        }
    )
    return s


def envelope(st):
    text = json.dumps(st, sort_keys=True, default=str)
    return {"schema_version": 3, "saved_at": "2026-05-28T20:26:40+00:00", "is_complete": True, "checksum": hashlib.sha256(text.encode()).hexdigest(), "state": st}


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


# --- payloads: built with the pickler itself, through __reduce__, never loaded here ----------------


class Reduce:
    """Pickles as `func(*args)`."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


def touch(sentinel_dir, name):
    return "touch " + os.path.join(sentinel_dir, name)


def op_str(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b  # BINUNICODE


def getattr_chain(cmd):
    """builtins.getattr(builtins.__import__('os'), 'system')(cmd), written opcode by opcode."""
    return (
        b"\x80\x02"
        + b"cbuiltins\ngetattr\n"
        + b"cbuiltins\n__import__\n"
        + op_str("os")
        + b"\x85R"  # TUPLE1 REDUCE -> os module
        + op_str("system")
        + b"\x86R"  # TUPLE2 REDUCE -> os.system
        + op_str(cmd)
        + b"\x85R"  # TUPLE1 REDUCE -> runs cmd
        + b"."
    )


def malicious(out, sentinel_dir):
    items = {}
    items["os_system.pkl"] = pickle.dumps(Reduce(os.system, (touch(sentinel_dir, "os_system"),)), protocol=2)
    items["subprocess.pkl"] = pickle.dumps(Reduce(subprocess.check_call, (["touch", os.path.join(sentinel_dir, "subprocess")],)), protocol=4)
    items["eval.pkl"] = pickle.dumps(Reduce(eval, ("__import__('os').system(%r)" % touch(sentinel_dir, "eval"),)), protocol=3)
    items["getattr.pkl"] = getattr_chain(touch(sentinel_dir, "getattr"))
    # Deep inside an ordinary-looking state, one reduce feeding another (OrderedDict of eval's result).
    inner = Reduce(eval, ("__import__('os').system(%r) or [('k', 1)]" % touch(sentinel_dir, "nested"),))
    wrapper = {"step": 3, "phase_outputs": {"a": [1, 2, {"x": Reduce(collections.OrderedDict, (inner,))}]}}
    items["nested_reduce.pkl"] = pickle.dumps(wrapper, protocol=5)
    items["protocol0.pkl"] = pickle.dumps(Reduce(os.system, (touch(sentinel_dir, "protocol0"),)), protocol=0)
    for name, data in items.items():
        write(os.path.join(out, "malicious", name), data)
    # seed 004: a step output stored as a base64 pickle inside a JSON value
    embedded = pickle.dumps(Reduce(os.system, (touch(sentinel_dir, "base64"),)), protocol=5)
    doc = {"thread": "t-1", "steps": [{"name": "download", "output": base64.b64encode(embedded).decode()}]}
    write(os.path.join(out, "malicious", "workflow.json"), json.dumps(doc).encode())
    control = pickle.dumps(Reduce(os.system, (touch(sentinel_dir, "control"),)), protocol=2)
    write(os.path.join(out, "control.pkl"), control)
    return sorted(list(items) + ["workflow.json"])


def samples(out):
    names = {}
    s = state()
    names["compact.json"] = json.dumps(s).encode()
    # indent + a trailing newline: the cut that drops only the newline is still a whole document
    names["indented.json"] = (json.dumps(s, indent=2) + "\n").encode()
    names["envelope.json"] = json.dumps(envelope(s)).encode()
    for proto in range(6):
        names["state.p%d.pkl" % proto] = pickle.dumps(typed_state(), protocol=proto)
    names["state.json.gz"] = gzip.compress(json.dumps(s).encode(), mtime=0)
    names["state.json.xz"] = lzma.compress(json.dumps(s).encode())
    names["state.json.bz2"] = bz2.compress(json.dumps(s).encode())
    names["state.p5.pkl.gz"] = gzip.compress(pickle.dumps(typed_state(), protocol=5), mtime=0)
    # seed 002's three-file checkpoint: one generation, three members
    names["run.pkl"] = pickle.dumps(typed_state(), protocol=4)
    names["run.state.json"] = json.dumps(s, default=str).encode()
    names["run.meta.json"] = json.dumps({"step": 1200, "saved_at": "2026-05-28T20:26:40", "schema_version": 3}).encode()
    # one larger file, swept at sampled offsets
    names["large.json"] = json.dumps({"schema_version": 3, "records": [dict(state(), i=i) for i in range(500)]}).encode()
    for name, data in names.items():
        write(os.path.join(out, "samples", name), data)
    return sorted(names)


def laughs(depth, width):
    """Each level a list holding the previous level `width` times, by memo reference (BINGET)."""
    out = bytearray(b"\x80\x02")
    for level in range(depth):
        out += b"]("  # EMPTY_LIST MARK
        for _ in range(width):
            if level == 0:
                out += op_str("lol")
            else:
                out += b"h" + bytes([level - 1])  # BINGET
        out += b"e"  # APPENDS
        out += b"q" + bytes([level])  # BINPUT
        out += b"0"  # POP
    out += b"h" + bytes([depth - 1]) + b"."
    return bytes(out)


def dict_laughs(depth, width):
    """The same with dicts whose values are the previous level."""
    out = bytearray(b"\x80\x04")
    for level in range(depth):
        out += b"}("  # EMPTY_DICT MARK
        for k in range(width):
            out += op_str("k%d" % k)
            out += op_str("lol") if level == 0 else b"h" + bytes([level - 1])
        out += b"u"  # SETITEMS
        out += b"q" + bytes([level]) + b"0"
    out += b"h" + bytes([depth - 1]) + b"."
    return bytes(out)


def deep_pickle(depth):
    """`depth` nested lists, built without recursion: EMPTY_LIST x depth, then APPEND x (depth-1)."""
    return b"\x80\x02" + b"]" * depth + b"a" * (depth - 1) + b"."


def bombs(out):
    d = os.path.join(out, "bombs")
    write(os.path.join(d, "laughs.pkl"), laughs(30, 10))
    write(os.path.join(d, "dict_laughs.pkl"), dict_laughs(30, 10))
    write(os.path.join(d, "deep.pkl"), deep_pickle(100_000))
    write(os.path.join(d, "deep_list.json"), b"[" * 100_000 + b"]" * 100_000)
    write(os.path.join(d, "deep_dict.json"), b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    # 2 GiB of zeros in about 2 MB: past the 1 GiB decompression limit
    with gzip.open(os.path.join(d, "bomb.json.gz"), "wb", compresslevel=9) as f:
        f.write(b'{"pad": "')
        zeros = b"0" * (1 << 20)
        for _ in range(2048):
            f.write(zeros)
    with open(os.path.join(d, "laughs.json"), "w") as f:
        json.dump({"output": base64.b64encode(laughs(30, 10)).decode()}, f)
    return sorted(os.listdir(d))


def main():
    out, sentinel_dir = sys.argv[1], sys.argv[2]
    manifest = {"samples": samples(out), "malicious": malicious(out, sentinel_dir), "bombs": bombs(out)}
    print(json.dumps(manifest))


if __name__ == "__main__":
    main()
