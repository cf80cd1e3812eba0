"""Save-time type manifest for JSON checkpoints (format ``ckpt-types/1``).

``json.dump`` forgets what the program held: a tuple comes back as a list, ``{1: ...}`` as
``{"1": ...}``, a datetime as whatever ``default=`` made of it. Call this next to the dump and
Checkpoint Doctor can say, per JSON Pointer, what each value was before it was saved::

    json.dump(state, f, default=str)              # or cls=YourEncoder
    from ckpt_types import write_type_manifest
    write_type_manifest(state, path)              # writes <path>.types.json

The manifest lists every value JSON cannot hold as such (datetime, Decimal, Path, bytes, set,
custom objects, ...) and every container whose JSON shape differs (tuple, a dict with non-str
keys, subclasses of dict/list/tuple/int/str such as OrderedDict, namedtuple, IntEnum), keyed by
the JSON Pointer where ``json.dumps`` lays it out. Each entry has the module-qualified type and a
short repr, plus ``str`` (what ``default=str`` writes), ``len``, ``keys`` and ``base`` when they
apply. Plain str/int/float/bool/None/list/dict values are not listed: they round-trip.

Standard library only; Python 3.9+. One file: copy it next to your code.
"""

import json
import math
import os
import reprlib
import tempfile

__all__ = ["FORMAT", "manifest_path", "type_manifest", "write_type_manifest"]

FORMAT = "ckpt-types/1"

# Reprs are for a person reading a report: short, and never the whole of a 100 MB blob.
_REPR = reprlib.Repr()
_REPR.maxstring = 120
_REPR.maxother = 120
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdict = 8
_REPR.maxlevel = 3
_MAX_STR = 1000
_MAX_BYTES_SHOWN = 48

_NATIVE_BASES = (
    (str, "builtins.str"),
    (bool, "builtins.bool"),
    (int, "builtins.int"),
    (float, "builtins.float"),
    (list, "builtins.list"),
    (tuple, "builtins.tuple"),
    (dict, "builtins.dict"),
)


def manifest_path(json_path):
    """The manifest's path for a JSON checkpoint path: ``<json_path>.types.json``."""
    return os.fspath(json_path) + ".types.json"


def _qualname(t):
    return "%s.%s" % (t.__module__, t.__qualname__)


def _escape(token):
    return token.replace("~", "~0").replace("/", "~1")


def _float_key(f):
    # json.encoder's floatstr: repr, with NaN/Infinity spelled as JSON's Python dialect does.
    if f != f:
        return "NaN"
    if f == math.inf:
        return "Infinity"
    if f == -math.inf:
        return "-Infinity"
    return float.__repr__(f)


def _json_key(key):
    """The object key json.dumps writes for a dict key, or None where it raises TypeError."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float_key(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    return None


def _safe(fn, value, fallback):
    try:
        return fn(value)
    except Exception:  # a user's __repr__/__str__ must not break their save
        return fallback


def _short_repr(value):
    if isinstance(value, (bytes, bytearray)):
        head = bytes(value[:_MAX_BYTES_SHOWN])
        text = repr(head) + ("..." if len(value) > _MAX_BYTES_SHOWN else "")
        return "bytearray(%s)" % text if isinstance(value, bytearray) else text
    return _safe(_REPR.repr, value, "<%s object>" % _qualname(type(value)))


def _entry(value, base=None):
    t = type(value)
    entry = {"type": _qualname(t), "repr": _short_repr(value)}
    if not isinstance(value, (bytes, bytearray, set, frozenset, list, tuple, dict)):
        text = _safe(str, value, None)
        if text is not None and len(text) <= _MAX_STR:
            entry["str"] = text
    try:
        entry["len"] = len(value)
    except Exception:
        pass
    if base is not None:
        entry["base"] = base
    return entry


def _native_base(value):
    """(base name, exact) for a value json.dumps writes natively, else (None, False)."""
    for cls, name in _NATIVE_BASES:
        if isinstance(value, cls):
            return name, type(value) is cls
    if value is None:
        return "builtins.NoneType", True
    return None, False


def type_manifest(state):
    """The ``ckpt-types/1`` manifest of ``state`` as a dict (see the module docstring).

    Walks iteratively, so deep states do not hit the recursion limit. Raises ValueError on a
    circular reference, as ``json.dumps`` does.
    """
    types = {}
    # (value, pointer, None) to visit; (None, None, id) to leave a container, so that `active`
    # holds the containers on the current path (json.dumps' own circular-reference check).
    stack = [(state, "", None)]
    active = set()
    while stack:
        value, pointer, leave = stack.pop()
        if leave is not None:
            active.discard(leave)
            continue
        base, exact = _native_base(value)
        if base is None:
            types[pointer] = _entry(value)
            continue
        if base in ("builtins.list", "builtins.tuple", "builtins.dict"):
            if id(value) in active:
                raise ValueError("Circular reference detected at %r" % (pointer or "/"))
            if base == "builtins.dict":
                key_types = sorted({_qualname(type(k)) for k in value})
                odd_keys = [k for k in key_types if k != "builtins.str"]
                if odd_keys or not exact:
                    entry = _entry(value, None if exact else base)
                    if odd_keys:
                        entry["keys"] = key_types
                    types[pointer] = entry
                children = []
                for k, v in value.items():
                    token = _json_key(k)
                    if token is not None:
                        children.append((v, pointer + "/" + _escape(token)))
            else:
                if base == "builtins.tuple" or not exact:
                    types[pointer] = _entry(value, None if exact and base == "builtins.tuple" else base)
                children = [(v, "%s/%d" % (pointer, i)) for i, v in enumerate(value)]
            active.add(id(value))
            stack.append((None, None, id(value)))
            for child, child_pointer in reversed(children):
                stack.append((child, child_pointer, None))
            continue
        if not exact:
            # An int/float/str/bool subclass (IntEnum, StrEnum, numpy scalars that subclass float):
            # json.dumps writes the plain value, the type is gone.
            types[pointer] = _entry(value, base)
    return {"format": FORMAT, "types": types}


def write_type_manifest(state, json_path):
    """Write ``<json_path>.types.json`` atomically (temp file, fsync, rename); return its path.

    Call it right after writing the JSON checkpoint at ``json_path``.
    """
    path = manifest_path(json_path)
    directory = os.path.dirname(os.path.abspath(path))
    text = json.dumps(type_manifest(state), indent=1, sort_keys=True, ensure_ascii=True, allow_nan=False)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    # Make the rename itself durable; not possible on every platform (Windows), and not fatal.
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return path
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return path
