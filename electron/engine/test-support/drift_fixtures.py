"""Checkpoints for the diff and drift tests, written the way real programs write them.

Usage: python3 drift_fixtures.py <dir> <repo root>
- default-str/state.json: json.dumps(state, default=str), next to state.pkl (its typed twin)
- encoder/work.json: seed 000's CheckpointJSONEncoder, next to work.pkl
- manifest/state.json: default=str plus python/ckpt_types.py's state.json.types.json
- inferred/state.json: default=str alone
- queue/current_work.json + current_work.1.json: a ring where phase_outputs was emptied
"""
import json
import os
import pickle
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path, PosixPath

out, repo = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(repo, "python"))
from ckpt_types import write_type_manifest  # noqa: E402


class CheckpointJSONEncoder(json.JSONEncoder):
    """Seed 000's encoder, verbatim in behaviour."""

    def default(self, obj):
        if isinstance(obj, datetime):
            return obj.isoformat()
        if isinstance(obj, date):
            return obj.isoformat()
        if isinstance(obj, bytes):
            return f"<bytes: {len(obj)} bytes skipped>"
        if isinstance(obj, Path):
            return str(obj)
        return super().default(obj)


def state():
    return {
        "run_id": "run-123",
        "started_at": datetime(2026, 5, 4, 9, 12, 31, 482113, tzinfo=timezone.utc),
        "day": date(2026, 5, 4),
        "budget_left": timedelta(hours=1, minutes=30),
        "cost": Decimal("12.3400"),
        "shape": (3, 224, 224),
        "seen": {"a", "b"},
        "papers_per_year": {2022: 9, 2023: 11},
        "image_bytes": b"\x89PNG\r\n\x1a\n" + bytes(range(40)),
        "output_path": PosixPath("/srv/run/out.md"),
        "big_id": 2**64 + 1,
        "loss": float("nan"),
    }


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)


s = state()
write(os.path.join(out, "default-str/state.json"), json.dumps(s, default=str, indent=2))
write(os.path.join(out, "default-str/state.pkl"), pickle.dumps(s, protocol=4))

# The seed's encoder cannot write timedelta, Decimal or set: the program that used it held only
# what it could save, so its state is the part the encoder accepts.
work = {k: v for k, v in s.items() if k not in ("budget_left", "cost", "seen")}
write(os.path.join(out, "encoder/work.json"), json.dumps(work, cls=CheckpointJSONEncoder, indent=2))
write(os.path.join(out, "encoder/work.pkl"), pickle.dumps(work, protocol=4))

manifest_json = os.path.join(out, "manifest/state.json")
write(manifest_json, json.dumps(s, default=str, indent=2))
write_type_manifest(s, manifest_json)

write(os.path.join(out, "inferred/state.json"), json.dumps(s, default=str, indent=2))


def current_work(phase, outputs):
    return {"active_tasks": [{"task_id": "task-5d1e", "phase": phase, "phase_outputs": outputs}], "version": 7}


outputs = json.loads(json.dumps({"lit_result": {"report": "14 of 22 papers", "retrieved_at": datetime(2026, 5, 4)}}, cls=CheckpointJSONEncoder))
write(os.path.join(out, "queue/current_work.1.json"), json.dumps(current_work("lit_review", outputs), indent=2))
write(os.path.join(out, "queue/current_work.json"), json.dumps(current_work("supervision", {}), indent=2))
t = os.path.getmtime(os.path.join(out, "queue/current_work.json"))
os.utime(os.path.join(out, "queue/current_work.1.json"), (t - 60, t - 60))
