"""Checkpoint families written the way a Python job writes them, for the rollback tests.

Every file is written atomically (temp file in the same folder, fsync, os.replace), as the
seeds recommend, then given an old mtime so the quiet period sees a family at rest unless a
test says otherwise. Prints a JSON object {relative path: sha256} of what it wrote.

  checkpoints.py ring DIR NAME COUNT [--broken-current]
  checkpoints.py triple DIR NAME COUNT
  checkpoints.py rewrite FILE [--keep-mtime]
  checkpoints.py writer FILE STOPFILE        rewrites FILE in a loop until STOPFILE exists
"""
import datetime
import hashlib
import json
import os
import pickle
import sys
import tempfile
import time

AGE_SECONDS = 3600


def atomic_write(path, data):
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path) or ".", suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def age(path, seconds):
    t = time.time() - seconds
    os.utime(path, (t, t))


def envelope(step, outputs):
    state = {"step": step, "phase": "supervision", "phase_outputs": outputs}
    blob = json.dumps(state, sort_keys=True, default=str)
    return {
        "state": state,
        "checksum": hashlib.sha256(blob.encode()).hexdigest(),
        "schema_version": 3,
        "is_complete": True,
        "saved_at": datetime.datetime(2026, 1, 30, 12, 0, step % 60).isoformat(),
    }


def ring(directory, name, count, broken_current):
    written = {}
    for i in range(count):
        rel = f"{name}.json" if i == 0 else f"{name}.{i}.json"
        path = os.path.join(directory, rel)
        step = 100 - i * 10
        data = json.dumps(envelope(step, {"lit_result": {"report": f"report at step {step}", "n": step}}), indent=2).encode()
        if i == 0 and broken_current:
            # The job was killed mid-write by a non-atomic writer: the current file is cut short.
            data = data[: len(data) // 2]
        atomic_write(path, data)
        age(path, AGE_SECONDS + i * 60)
        written[rel] = sha256(path)
    age(directory, AGE_SECONDS)
    return written


def triple(directory, name, count):
    written = {}
    for i in range(count):
        stem = name if i == 0 else f"{name}.{i}"
        step = 70 - i * 10
        context = {"graph": ["task_a", "task_b"], "channel": {"task_a.__result__": {"data": step}}, "at": datetime.datetime(2026, 1, 30, 12, 0, i)}
        members = {
            f"{stem}.pkl": pickle.dumps(context, protocol=4),
            f"{stem}.state.json": json.dumps({"schema_version": "1.0", "steps": step, "completed_tasks": ["task_a"], "pending_tasks": [{"task_id": "task_b"}]}).encode(),
            f"{stem}.meta.json": json.dumps({"checkpoint_id": f"cp-{step}", "created_at": "2026-01-30T12:00:00", "user_metadata": {"stage": "paid"}}).encode(),
        }
        for rel, data in members.items():
            path = os.path.join(directory, rel)
            atomic_write(path, data)
            age(path, AGE_SECONDS + i * 60)
            written[rel] = sha256(path)
    age(directory, AGE_SECONDS)
    return written


def rewrite(path, keep_mtime):
    stat = os.stat(path)
    with open(path, "rb") as f:
        data = f.read()
    atomic_write(path, data + b"\n ")
    if keep_mtime:
        os.utime(path, (stat.st_atime, stat.st_mtime))
        os.utime(os.path.dirname(path), (stat.st_atime, stat.st_mtime))
    return {os.path.basename(path): sha256(path)}


def writer(path, stop_file):
    n = 0
    while not os.path.exists(stop_file):
        n += 1
        atomic_write(path, json.dumps(envelope(1000 + n, {"lit_result": {"report": "x" * 2000, "n": n}}), indent=2).encode())
        if n == 1:
            print("started", flush=True)
        time.sleep(0.01)
    print(f"stopped {n}", flush=True)


def main(argv):
    command = argv[1]
    if command == "ring":
        out = ring(argv[2], argv[3], int(argv[4]), "--broken-current" in argv)
    elif command == "triple":
        out = triple(argv[2], argv[3], int(argv[4]))
    elif command == "rewrite":
        out = rewrite(argv[2], "--keep-mtime" in argv)
    elif command == "writer":
        writer(argv[2], argv[3])
        return
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
