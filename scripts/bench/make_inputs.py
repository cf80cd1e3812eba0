"""Write the benchmark inputs with Python's own json, pickle and hashlib (standard library only).

Usage: python3 make_inputs.py OUT_DIR [--scale S] [--only NAME[,NAME...]]
NAME is one of: big, json, pickle, diff, scan, renderer.

S scales every size (1.0 = the sizes BENCHMARKS.md reports: a 1 GiB file, a 100 MB JSON, a
100 MB pickle of a million dicts, two 50 MB generations, 2,000 families x 5 generations). Each
input is written once and marked done with its parameters, so repeated runs reuse it.
Prints one JSON object: input name -> path (and, for the scan folder, what it holds).
"""
import datetime
import hashlib
import json
import os
import pickle
import random
import shutil
import sys

GEN_TIME = 1_780_000_000  # fixed mtimes so the generation order never depends on the clock


def state_record(i, rng):
    """One record of a training/agent state: nested dicts, floats, ids past 2**53, NaN."""
    return {
        "id": 2**53 + 1 + i * 7,
        "step": i,
        "loss": rng.random() * 3,
        "lr": 1e-7 * (1 + rng.random()),
        "name": f"worker-{i % 97}/shard-{i % 13}",
        "ok": i % 5 != 0,
        "tags": ["alpha", "beta", "gamma"][: 1 + i % 3],
        "metrics": {
            "acc": rng.random(),
            "f1": rng.random(),
            "nan_guard": float("nan") if i % 1000 == 0 else 0.5,
            "hist": {"p50": rng.random(), "p99": rng.random() * 10},
        },
        "parent": None if i % 11 == 0 else i - 1,
    }


def records_for(target_bytes, seed):
    rng = random.Random(seed)
    records = []
    size = 0
    i = 0
    while size < target_bytes:
        r = state_record(i, rng)
        records.append(r)
        size += len(json.dumps(r)) + 2
        i += 1
    return records


def mutate_leaves(node, rng, fraction, counter):
    """Change about `fraction` of the scalar leaves in place (same type, other value)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, (dict, list)):
                mutate_leaves(v, rng, fraction, counter)
            else:
                counter[1] += 1
                if rng.random() < fraction:
                    counter[0] += 1
                    node[k] = changed(v, rng)
    elif isinstance(node, list):
        for idx, v in enumerate(node):
            if isinstance(v, (dict, list)):
                mutate_leaves(v, rng, fraction, counter)
            else:
                counter[1] += 1
                if rng.random() < fraction:
                    counter[0] += 1
                    node[idx] = changed(v, rng)


def changed(v, rng):
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    if isinstance(v, float):
        return rng.random() * 3
    if isinstance(v, str):
        return v + "'"
    return 0  # None becomes 0


def write_json(path, target_bytes, seed):
    records = records_for(target_bytes, seed)
    with open(path, "w") as f:
        json.dump({"schema_version": 3, "run": "bench", "records": records}, f)
    # JSON.parse cannot read NaN: its copy has the same bytes with NaN written as 0.0 (same length).
    with open(path, "rb") as f:
        data = f.read()
    with open(path[:-5] + ".strict.json", "wb") as f:
        f.write(data.replace(b"NaN", b"0.0"))


def write_diff_pair(a_path, b_path, target_bytes, seed):
    records = records_for(target_bytes, seed)
    doc = {"schema_version": 3, "run": "bench", "records": records}
    with open(a_path, "w") as f:
        json.dump(doc, f)
    counter = [0, 0]
    mutate_leaves(doc, random.Random(seed + 1), 0.01, counter)
    with open(b_path, "w") as f:
        json.dump(doc, f)
    with open(b_path + ".changed", "w") as f:
        json.dump({"changed": counter[0], "leaves": counter[1]}, f)


def write_pickle(path, n):
    base = datetime.datetime(2026, 5, 25, 10, 0, 0)
    items = []
    for i in range(n):
        items.append(
            {
                "i": i,
                "at": base + datetime.timedelta(seconds=i, microseconds=i % 997),
                "v": i * 0.5,
                "k": "s%d" % (i % 1000),
                "d": datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 365),
                "ok": i % 3 == 0,
                "name": "rec-%07d" % i,
                "score": i / 7,
                "shape": (i % 7, i % 5),
            }
        )
    with open(path, "wb") as f:
        pickle.dump({"schema_version": 2, "items": items}, f, protocol=5)


def write_big(path, target_bytes):
    rng = random.Random(7)
    chunk = rng.randbytes(1 << 20)
    with open(path, "wb") as f:
        left = target_bytes
        while left > 0:
            f.write(chunk[: min(left, len(chunk))])
            left -= len(chunk)


def envelope(state):
    # seed 003's writer: checksum of json.dumps(state, sort_keys=True, default=str)
    text = json.dumps(state, sort_keys=True, default=str)
    return {
        "schema_version": 3,
        "saved_at": "2026-05-28T20:26:40+00:00",
        "is_complete": True,
        "checksum": hashlib.sha256(text.encode()).hexdigest(),
        "state": state,
    }


def small_state(fam, gen, rng):
    return {
        "family": fam,
        "step": gen * 100,
        "phase_outputs": {f"phase{p}": {"score": rng.random(), "tokens": rng.randrange(1 << 40)} for p in range(8)},
        "history": [{"t": gen * 10 + k, "loss": rng.random()} for k in range(20)],
        "big_id": 2**64 + fam,
    }


def letters(n):
    """A digit-free family name part: a family's own name must not look like a counter."""
    out = ""
    for _ in range(4):
        out = "abcdefghijklmnopqrstuvwxyz"[n % 26] + out
        n //= 26
    return out


def write_scan_tree(root, families, generations):
    """`families` checkpoint families of `generations` generations each, 100 families per folder.

    Three kinds, as real jobs write them: rings of integrity-envelope JSON (seed 003),
    numbered JSON series (`job-<letters>_step_00000K.json`) and numbered pickle series. One family in
    twenty has a current generation cut short by a crash.
    """
    rng = random.Random(11)
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    kinds = {"ring": 0, "numbered_json": 0, "numbered_pickle": 0, "broken_current": 0}
    files = 0
    base = datetime.datetime(2026, 5, 25, 10, 0, 0)
    for fam in range(families):
        folder = os.path.join(root, "run_%03d" % (fam // 100))
        os.makedirs(folder, exist_ok=True)
        kind = ("ring", "numbered_json", "numbered_pickle")[fam % 3]
        kinds[kind] += 1
        broken = fam % 20 == 7
        kinds["broken_current"] += broken
        paths = []
        for gen in range(generations):
            state = small_state(fam, gen, rng)
            if kind == "ring":
                # current first: agentNNNN.json, agentNNNN.1.json, ...; gen counts from the oldest
                idx = generations - 1 - gen
                name = "agent%04d.json" % fam if idx == 0 else "agent%04d.%d.json" % (fam, idx)
                data = json.dumps(envelope(state)).encode()
            elif kind == "numbered_json":
                name = "job-%s_step_%06d.json" % (letters(fam), gen)
                data = json.dumps(state).encode()
            else:
                name = "model-%s_step_%06d.pkl" % (letters(fam), gen)
                state["saved"] = base + datetime.timedelta(minutes=gen)
                data = pickle.dumps(state, protocol=5)
            path = os.path.join(folder, name)
            if broken and gen == generations - 1:
                data = data[: len(data) * 2 // 3]
            with open(path, "wb") as f:
                f.write(data)
            t = GEN_TIME + fam + gen * 600
            os.utime(path, (t, t))
            paths.append(path)
            files += 1
    return {"files": files, "families": families, "generations": generations, "kinds": kinds}


def write_renderer_family(folder, target_bytes):
    """One ring family whose current generation is about `target_bytes` of JSON, older ones small."""
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    rng = random.Random(5)
    for idx in (2, 1):
        name = "trainer_state.%d.json" % idx
        with open(os.path.join(folder, name), "w") as f:
            json.dump(envelope(small_state(idx, 3 - idx, rng)), f)
        t = GEN_TIME + (3 - idx) * 600
        os.utime(os.path.join(folder, name), (t, t))
    records = records_for(target_bytes, 3)
    state = {"step": 3000, "records": records}
    path = os.path.join(folder, "trainer_state.json")
    with open(path, "w") as f:
        json.dump(envelope(state), f)
    os.utime(path, (GEN_TIME + 3 * 600, GEN_TIME + 3 * 600))


def ensure(out, name, params, writer, result):
    marker = os.path.join(out, name + ".done")
    want = json.dumps(params, sort_keys=True)
    if not (os.path.exists(marker) and open(marker).read() == want):
        info = writer()
        with open(marker, "w") as f:
            f.write(want)
        if info is not None:
            with open(marker + ".info", "w") as f:
                json.dump(info, f)
    info_path = marker + ".info"
    if os.path.exists(info_path):
        with open(info_path) as f:
            result[name + "_info"] = json.load(f)


def main():
    out = sys.argv[1]
    scale = float(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 1.0
    only = set(sys.argv[sys.argv.index("--only") + 1].split(",")) if "--only" in sys.argv else None
    os.makedirs(out, exist_ok=True)
    mb = 1_000_000
    p = lambda n: os.path.join(out, n)
    want = lambda n: only is None or n in only
    result = {}

    big = int((1 << 30) * scale)
    if want("big"):
        ensure(out, "big", {"bytes": big}, lambda: write_big(p("big.bin"), big), result)
        result["big"] = p("big.bin")
    json_bytes = int(100 * mb * scale)
    if want("json"):
        ensure(out, "json", {"bytes": json_bytes, "v": 2}, lambda: write_json(p("state.json"), json_bytes, 1), result)
        result["json"] = p("state.json")
        result["json_strict"] = p("state.strict.json")
    n_dicts = max(1, int(1_000_000 * scale))
    if want("pickle"):
        ensure(out, "pickle", {"dicts": n_dicts, "v": 3}, lambda: write_pickle(p("state.pkl"), n_dicts), result)
        result["pickle"] = p("state.pkl")
    gen_bytes = int(50 * mb * scale)
    if want("diff"):
        ensure(out, "diff", {"bytes": gen_bytes, "v": 2}, lambda: write_diff_pair(p("gen-a.json"), p("gen-b.json"), gen_bytes, 2), result)
        result["diff_a"] = p("gen-a.json")
        result["diff_b"] = p("gen-b.json")
    fams = max(3, int(2000 * scale))
    if want("scan"):
        ensure(out, "scan", {"families": fams, "generations": 5, "v": 3}, lambda: write_scan_tree(p("scan"), fams, 5), result)
        result["scan"] = p("scan")
    if want("renderer"):
        ensure(out, "renderer", {"bytes": json_bytes, "v": 2}, lambda: write_renderer_family(p("renderer"), json_bytes), result)
        result["renderer"] = p("renderer")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
