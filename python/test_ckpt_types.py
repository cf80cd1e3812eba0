"""Tests of ckpt_types against json.dumps itself: every pointer in the manifest must address the
value json.dumps laid out there. Run: python3 -m unittest python/test_ckpt_types.py"""

import collections
import datetime
import decimal
import enum
import glob
import json
import os
import pathlib
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ckpt_types  # noqa: E402


class Color(enum.IntEnum):
    RED = 1


Point = collections.namedtuple("Point", "x y")


class Opaque:
    def __init__(self):
        self.payload = [1, 2, 3]


def resolve(doc, pointer):
    """RFC 6901 lookup in a json.loads result."""
    node = doc
    if pointer == "":
        return node
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def sample_state():
    return {
        "created": datetime.datetime(2026, 5, 25, 13, 4, 5, 123456),
        "day": datetime.date(2026, 5, 25),
        "budget": decimal.Decimal("10.50"),
        "shape": (3, 4),
        "tags": {"b", "a"},
        "by_step": {1: "warmup", 2: "train"},
        "blob": b"\x00\x01" * 100,
        "out": pathlib.PurePosixPath("/runs/7/out.png"),
        "big": 2**64 + 1,
        "loss": float("nan"),
        "weird/key~": {"nested": [(1, 2), {"when": datetime.time(1, 2)}]},
        "color": Color.RED,
        "pt": Point(1, 2),
        "ordered": collections.OrderedDict(a=1),
        "obj": Opaque(),
        "plain": {"s": "x", "n": [1, 2.5, None, True]},
    }


class TypeManifestTest(unittest.TestCase):
    def test_every_pointer_addresses_the_value_json_dumps_wrote(self):
        state = sample_state()
        doc = json.loads(json.dumps(state, default=str))
        manifest = ckpt_types.type_manifest(state)
        self.assertEqual(manifest["format"], "ckpt-types/1")
        for pointer, entry in manifest["types"].items():
            resolve(doc, pointer)  # raises KeyError/IndexError when the layout is wrong
            self.assertIn(".", entry["type"], pointer)
            self.assertIsInstance(entry["repr"], str)

    def test_lists_exactly_the_values_json_cannot_hold_as_such(self):
        types = ckpt_types.type_manifest(sample_state())["types"]
        expected = {
            "/created": "datetime.datetime",
            "/day": "datetime.date",
            "/budget": "decimal.Decimal",
            "/shape": "builtins.tuple",
            "/tags": "builtins.set",
            "/by_step": "builtins.dict",
            "/blob": "builtins.bytes",
            "/out": "pathlib.PurePosixPath",
            "/weird~1key~0/nested/0": "builtins.tuple",
            "/weird~1key~0/nested/1/when": "datetime.time",
            "/color": "%s.Color" % __name__,
            "/pt": "%s.Point" % __name__,
            "/ordered": "collections.OrderedDict",
            "/obj": "%s.Opaque" % __name__,
        }
        self.assertEqual({p: e["type"] for p, e in types.items()}, expected)
        self.assertEqual(types["/by_step"]["keys"], ["builtins.int"])
        self.assertEqual(types["/pt"]["base"], "builtins.tuple")
        self.assertEqual(types["/color"]["base"], "builtins.int")
        self.assertEqual(types["/created"]["str"], str(sample_state()["created"]))
        self.assertEqual(types["/blob"]["len"], 200)

    def test_keeps_reprs_short_for_big_values(self):
        types = ckpt_types.type_manifest({"b": b"x" * 10_000_000, "s": set(range(100_000))})["types"]
        self.assertLess(len(types["/b"]["repr"]), 100)
        self.assertLess(len(types["/s"]["repr"]), 200)
        self.assertEqual(types["/s"]["len"], 100_000)

    def test_key_conversion_matches_json_encoder(self):
        state = {1.5: "f", True: "t", None: "n", 10**30: "big", float("inf"): "inf"}
        doc = json.loads(json.dumps(state))
        manifest = ckpt_types.type_manifest({"d": state})
        self.assertEqual(sorted(doc), sorted(["1.5", "true", "null", str(10**30), "Infinity"]))
        self.assertEqual(manifest["types"]["/d"]["keys"], ["builtins.NoneType", "builtins.bool", "builtins.float", "builtins.int"])

    def test_walks_deep_states_without_recursion(self):
        depth = 20 * sys.getrecursionlimit()
        deep = (1,)
        for _ in range(depth):
            deep = [deep]
        types = ckpt_types.type_manifest({"deep": deep})["types"]
        self.assertEqual(list(types), ["/deep" + "/0" * depth])

    def test_refuses_a_circular_reference_like_json_dumps(self):
        loop = []
        loop.append(loop)
        with self.assertRaises(ValueError):
            json.dumps(loop)
        with self.assertRaises(ValueError):
            ckpt_types.type_manifest({"x": loop})
        shared = [1]
        # Shared but not circular: json.dumps writes it twice, the manifest lists both places.
        types = ckpt_types.type_manifest({"a": (shared,), "b": (shared,)})["types"]
        self.assertEqual(sorted(types), ["/a", "/b"])

    def test_write_is_atomic_and_leaves_no_temp_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "state.json")
            with open(path, "w") as f:
                json.dump(sample_state(), f, default=str)
            with open(ckpt_types.manifest_path(path), "w") as f:
                f.write("old")
            written = ckpt_types.write_type_manifest(sample_state(), path)
            self.assertEqual(written, path + ".types.json")
            with open(written) as f:
                manifest = json.load(f)
            self.assertIn("/created", manifest["types"])
            self.assertEqual(sorted(os.listdir(d)), ["state.json", "state.json.types.json"])
            self.assertEqual(glob.glob(os.path.join(d, ".*.tmp")), [])

    def test_a_failed_write_removes_its_temp_file_and_keeps_the_old_manifest(self):
        class Boom:
            def __repr__(self):
                return "Boom()"

        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "state.json")
            ckpt_types.write_type_manifest({"a": (1,)}, path)
            real_replace = os.replace

            def failing_replace(src, dst):
                raise OSError("disk full")

            os.replace = failing_replace
            try:
                with self.assertRaises(OSError):
                    ckpt_types.write_type_manifest({"b": Boom()}, path)
            finally:
                os.replace = real_replace
            with open(path + ".types.json") as f:
                self.assertIn("/a", json.load(f)["types"])
            self.assertEqual(os.listdir(d), ["state.json.types.json"])


if __name__ == "__main__":
    unittest.main()
