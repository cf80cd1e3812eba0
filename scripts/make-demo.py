#!/usr/bin/env python3
"""Write the demo workspace: checkpoints of an agent run, a training job and two workflow engines,
each family showing one way a resume goes wrong (or does not).

    python3 scripts/make-demo.py demo          # what `npm run demo:regen` does

Standard library only. The output is deterministic: no randomness, no clock, fixed mtimes
(os.utime), pickle protocol 4, so regenerating writes the same bytes. Git does not keep mtimes,
so the script also writes `.demo-mtimes.json` (relative path -> epoch seconds); `npm start`
applies it to its scratch copy so generation order by mtime agrees with the names.

Pickles name classes of the producing programs (graflow, thala); those modules do not exist
here, so the script registers inert stand-in modules in sys.modules before pickling. Paths
pickle as `pathlib.PosixPath` on Python <= 3.12; newer Pythons may name another module.
"""

import copy
import hashlib
import json
import os
import pickle
import shutil
import sys
import types
from datetime import datetime, timedelta, timezone
from pathlib import Path, PosixPath

T0 = datetime(2026, 5, 4, 9, 0, 0, tzinfo=timezone.utc)
MTIMES = {}


def at(minutes, seconds=0):
    """A fixed instant, minutes after T0."""
    return T0 + timedelta(minutes=minutes, seconds=seconds)


def write(root, rel, data, when):
    """Write bytes (or text) and pin the mtime."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    stamp = int(when.timestamp())
    os.utime(path, (stamp, stamp))
    MTIMES[rel] = stamp


def dumps_indented(value):
    return json.dumps(value, indent=2)


# --- research-agent: a healthy ring buffer ------------------------------------------------------

def agent_state(step):
    transcript = [
        {"role": "system", "content": "You triage production incidents. Use tools; cite log lines."},
        {"role": "user", "content": "p95 latency on checkout-api doubled after the 09:05 deploy. Find out why."},
        {"role": "assistant", "tool_call": {"id": "call_01", "name": "query_logs", "args": {"service": "checkout-api", "since": "2026-05-04T09:00:00Z", "level": "warn"}}},
        {"role": "tool", "tool_call_id": "call_01", "content": "412 lines; top: 'pool exhausted: waited 1840ms for connection' (388x)"},
        {"role": "assistant", "tool_call": {"id": "call_02", "name": "diff_deploy", "args": {"service": "checkout-api", "from": "v2026.05.03-2", "to": "v2026.05.04-1"}}},
        {"role": "tool", "tool_call_id": "call_02", "content": "config: db.pool.max_size 40 -> 12; code: 3 files in payments/"},
        {"role": "assistant", "tool_call": {"id": "call_03", "name": "query_metrics", "args": {"metric": "db_pool_wait_ms", "service": "checkout-api", "window": "30m"}}},
        {"role": "tool", "tool_call_id": "call_03", "content": "p95 db_pool_wait_ms: 9 -> 1712 at 09:06"},
        {"role": "assistant", "content": "Hypothesis: the pool size cut in v2026.05.04-1 starves request handlers. Checking rollout notes."},
        {"role": "assistant", "tool_call": {"id": "call_04", "name": "read_doc", "args": {"path": "runbooks/checkout-api/rollback.md"}}},
        {"role": "tool", "tool_call_id": "call_04", "content": "Rollback: `deployctl rollback checkout-api --to v2026.05.03-2` (needs on-call approval)."},
    ]
    shown = transcript[: 7 + (step - 39) * 2]
    return {
        "schema_version": 3,
        "run_id": "triage-2026-05-04-checkout-latency",
        "graph": "incident_triage_agent",
        "step": step,
        "status": "awaiting_approval" if step == 41 else "running",
        "messages": shown,
        "scratchpad": {
            "hypotheses": ["db pool size reduced in deploy", "payments client retries"][: 1 + (step >= 40)],
            "evidence": {"pool_exhausted_lines": 388, "p95_wait_ms_before": 9, "p95_wait_ms_after": 1712},
        },
        "budget": {"tokens_used": 61234 + 9120 * (step - 39), "token_limit": 400000, "usd_spent": round(0.7342 + 0.1185 * (step - 39), 4)},
        "updated_at": at(17 + step - 39, 12).isoformat(),
    }


def research_agent(root):
    for suffix, step, minute in (("", 41, 19), (".1", 40, 18), (".2", 39, 17)):
        write(root, f"research-agent/agent_state{suffix}.json", dumps_indented(agent_state(step)), at(minute, 12))


# --- training-run: the current generation was cut off mid-write --------------------------------

def trainer_state(global_step):
    history = []
    for i, step in enumerate(range(50, global_step + 1, 50)):
        loss = round(2.91 * (0.9962 ** i) + 0.21, 4)
        lr = round(3e-4 * min(1.0, step / 500) * (1 - step / 12000), 10)
        history.append({"epoch": round(step / 3000, 4), "grad_norm": round(1.8 * (0.997 ** i) + 0.35, 4), "learning_rate": lr, "loss": loss, "step": step})
        if step % 600 == 0:
            history.append({"epoch": round(step / 3000, 4), "eval_loss": round(loss + 0.043, 4), "eval_runtime": 41.2871, "eval_samples_per_second": 242.205, "step": step})
    evals = [h for h in history if "eval_loss" in h]
    best = min(evals, key=lambda h: h["eval_loss"])
    return {
        "best_metric": best["eval_loss"],
        "best_model_checkpoint": f"/scratch/runs/llama-3b-sft/checkpoint-{best['step']}",
        "epoch": round(global_step / 3000, 4),
        "eval_steps": 600,
        "global_step": global_step,
        "is_hyper_param_search": False,
        "is_local_process_zero": True,
        "is_world_process_zero": True,
        "log_history": history,
        "logging_steps": 50,
        "max_steps": 12000,
        "num_train_epochs": 4,
        "save_steps": 600,
        "total_flos": 1.2345678901234567e18 * global_step / 6000,
        "train_batch_size": 16,
        "trial_name": None,
        "trial_params": None,
    }


def sorted_json(value):
    return json.dumps(value, indent=2, sort_keys=True) + "\n"


def training_run(root):
    full = sorted_json(trainer_state(7200)).encode("utf-8")
    # The trainer was OOM-killed while writing: the file stops in the middle of log_history.
    cut = full.rindex(b'"loss": ', 0, int(len(full) * 0.62)) + len(b'"loss": 1.')
    write(root, "training-run/trainer_state.json", full[:cut], at(44, 3))
    write(root, "training-run/trainer_state.1.json", sorted_json(trainer_state(6600)), at(38, 51))
    write(root, "training-run/trainer_state.2.json", sorted_json(trainer_state(6000)), at(32, 40))


# --- pipeline-run-42: integrity envelopes, the current one fails its checksum ---------------------

def envelope(state, saved_at, checksum_of=None):
    blob = json.dumps(checksum_of if checksum_of is not None else state, sort_keys=True, default=str)
    return {
        "state": state,
        "checksum": hashlib.sha256(blob.encode()).hexdigest(),
        "schema_version": 3,
        "is_complete": True,
        "saved_at": saved_at,
    }


def pipeline_state(completed):
    artifacts = {}
    names = ["fetch_tickets", "dedupe", "classify", "extract_entities", "summarize", "draft_replies", "review_queue"]
    for n in range(1, completed + 1):
        artifacts[f"step_{n}"] = {
            "type": "table" if n < 5 else "document",
            "name": names[n - 1],
            "uri": f"s3://support-pipeline/runs/run-42/step_{n}/{names[n - 1]}.parquet",
            "rows": 1840 - 37 * n,
            "score": 0.1 * n + 0.2 if n == 3 else round(0.9 - 0.011 * n, 3),
        }
    return {
        "run_id": "run-42",
        "workflow": "support-ticket-digest",
        "completed_steps": completed,
        "artifacts": artifacts,
        "completed_at": {f"step_{n}": at(50 + 2 * n).isoformat() for n in range(1, completed + 1)},
        "owner": "Zoë Müller",
        "params": {"language": "de", "max_tickets": 2000, "temperature": 0.2},
    }


def pipeline_run(root):
    d = "pipeline-run-42"
    write(root, f"{d}/checkpoint.2.json", json.dumps(envelope(pipeline_state(5), at(61).isoformat())), at(61))
    write(root, f"{d}/checkpoint.1.json", json.dumps(envelope(pipeline_state(6), at(63).isoformat())), at(63))
    # Two writers raced: the checksum was computed over the full state, but the state that reached
    # disk lost step_5's artifact (completed_steps still says 7). Loading it leads to a KeyError at step 8.
    full = pipeline_state(7)
    torn = copy.deepcopy(full)
    del torn["artifacts"]["step_5"]
    write(root, f"{d}/checkpoint.json", json.dumps(envelope(torn, at(65).isoformat(), checksum_of=full)), at(65))


# --- graflow-session: .pkl + .state.json + .meta.json triples ------------------------------------

def stand_in_class(module, qualname):
    """An importable-looking class so pickle names `module.qualname`, as the real program would."""
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        sys.modules.setdefault(name, types.ModuleType(name))
    cls = type(qualname, (), {"__module__": module, "__qualname__": qualname})
    setattr(sys.modules[module], qualname, cls)
    return cls


ExecutionContext = stand_in_class("graflow.core.context", "ExecutionContext")
TaskGraph = stand_in_class("graflow.core.graph", "TaskGraph")
MemoryChannel = stand_in_class("graflow.channels.memory", "MemoryChannel")

PIPELINE = ["load_corpus", "chunk", "embed", "cluster", "label_clusters", "summarize", "publish"]


def graflow_context(steps, done):
    graph = TaskGraph()
    graph.__dict__ = {"nodes": list(PIPELINE), "edges": [(a, b) for a, b in zip(PIPELINE, PIPELINE[1:])]}
    channel = MemoryChannel()
    results = {}
    for task in PIPELINE[:done]:
        results[f"{task}.__result__"] = {"ok": True, "items": 1200 // (1 + PIPELINE.index(task)), "finished_at": at(70 + PIPELINE.index(task) * 4)}
    channel.__dict__ = {"name": "session-7f3a", "_data": results}
    ctx = ExecutionContext()
    ctx.__dict__ = {
        "session_id": "session-7f3a",
        "graph": graph,
        "channel": channel,
        "steps": steps,
        "max_steps": 200,
        "cycle_counts": {"label_clusters": max(0, done - 4)},
        "completed_tasks": set(range(done)),
        "backend": "memory",
        "start_node": "load_corpus",
    }
    return ctx


def graflow_session(root):
    d = "graflow-session"
    for steps, done, minute in ((20, 3, 80), (30, 4, 86), (40, 5, 92)):
        base = f"{d}/checkpoint_{steps:04d}"
        when = at(minute)
        write(root, f"{base}.pkl", pickle.dumps(graflow_context(steps, done), protocol=4), when)
        pending = [
            {
                "task_id": task,
                "task_data": {"strategy": "reference", "module": "pipelines.topic_map", "name": task, "qualname": task},
                "status": "pending",
                "created_at": (when - timedelta(seconds=5)).timestamp(),
                "strategy": "reference",
                "retry_count": 0,
                "max_retries": 3,
                "last_error": None,
            }
            for task in PIPELINE[done:done + 2]
        ]
        state = {
            "schema_version": "1.0",
            "session_id": "session-7f3a",
            "steps": steps,
            "completed_tasks": PIPELINE[:done],
            "cycle_counts": {"label_clusters": max(0, done - 4)},
            "pending_tasks": pending,
            "current_task": PIPELINE[done],
        }
        meta = {
            "checkpoint_id": f"session-7f3a-{steps:04d}",
            "session_id": "session-7f3a",
            "created_at": when.isoformat(),
            "steps": steps,
            "backend": "local",
            "user_metadata": {"stage": PIPELINE[done], "note": "periodic checkpoint"},
        }
        write(root, f"{base}.state.json", json.dumps(state, indent=2), when)
        write(root, f"{base}.meta.json", json.dumps(meta, indent=2), when)


# --- lit-review: a JSON checkpoint with its typed pickle twin (what default=str changed) ----------

class CheckpointJSONEncoder(json.JSONEncoder):
    """The encoder from the workflow's storage module, verbatim in behaviour."""

    def default(self, obj):
        if isinstance(obj, datetime):
            return obj.isoformat()
        if isinstance(obj, bytes):
            return f"<bytes: {len(obj)} bytes skipped>"
        if isinstance(obj, Path):
            return str(obj)
        return super().default(obj)


def png_bytes(width):
    """A small, fixed, valid-looking PNG header plus payload (content is irrelevant, size is not)."""
    return b"\x89PNG\r\n\x1a\n" + bytes((i * 7 + width) % 256 for i in range(width * 3))


def lit_result():
    return {
        "report": "Retrieval-augmented agents fail mostly at tool selection, not retrieval (14 of 22 papers).",
        "paper_corpus": {
            "10.48550/arXiv.2305.10601": {
                "title": "Tree of Thoughts: Deliberate Problem Solving with Large Language Models",
                "authors": ("Shunyu Yao", "Dian Yu", "Jeffrey Zhao"),
                "retrieved_at": datetime(2026, 5, 4, 9, 12, 31, 482113, tzinfo=timezone.utc),
                "pdf_path": PosixPath("/srv/thala/corpus/2305.10601.pdf"),
            },
            "10.48550/arXiv.2210.03629": {
                "title": "ReAct: Synergizing Reasoning and Acting in Language Models",
                "authors": ("Shunyu Yao", "Jeffrey Zhao", "Dian Yu", "Nan Du"),
                "retrieved_at": datetime(2026, 5, 4, 9, 12, 33, 104552, tzinfo=timezone.utc),
                "pdf_path": PosixPath("/srv/thala/corpus/2210.03629.pdf"),
            },
        },
        "citation_edges": [
            {"src": "10.48550/arXiv.2305.10601", "dst": "10.48550/arXiv.2210.03629", "discovered_at": datetime(2026, 5, 4, 9, 14, 2)},
        ],
        "papers_per_year": {2022: 9, 2023: 11, 2024: 2},
        "image_outputs": [{"caption": "Failure modes by category", "image_bytes": png_bytes(160)}],
        "illustrated_paths": {"lit_review": PosixPath("/srv/thala/outputs/lit_review.md")},
    }


def lit_review(root):
    value = lit_result()
    when = at(104, 9)
    write(root, "lit-review/lit_result.pkl", pickle.dumps(value, protocol=4), when)
    write(root, "lit-review/lit_result.json", json.dumps(value, indent=2, cls=CheckpointJSONEncoder), when)


# --- task-queue: phase_outputs emptied, plus the temp file of an interrupted write ---------------

def current_work(phase, phase_outputs, updated):
    return {
        "active_tasks": [
            {
                "task_id": "task-5d1e",
                "topic": "failure modes of tool-using LLM agents",
                "workflow": "lit_review_full",
                "run_id": "run-123",
                "phase": phase,
                "phase_outputs": phase_outputs,
                "started_at": at(100).isoformat(),
                "updated_at": updated.isoformat(),
            }
        ],
        "queue_length": 3,
        "version": 7,
    }


def task_queue(root):
    d = "task-queue"
    outputs = json.loads(json.dumps({"lit_result": lit_result()}, cls=CheckpointJSONEncoder))
    write(root, f"{d}/current_work.1.json", json.dumps(current_work("lit_review", outputs, at(108)), indent=2), at(108))
    # The supervision phase saved without its outputs (the datetime error was swallowed by
    # asyncio.gather(return_exceptions=True)): phase_outputs is {} now.
    write(root, f"{d}/current_work.json", json.dumps(current_work("supervision", {}, at(112)), indent=2), at(112))
    # A later flush died between open() and rename(): its temp file is still there.
    partial = json.dumps(current_work("supervision", outputs, at(115)), indent=2)[:700]
    write(root, f"{d}/current_work.3f9c2a1e.tmp", partial, at(115))


README = """# Demo workspace

Checkpoints written by `scripts/make-demo.py` (regenerate with `npm run demo:regen`). Each folder
is one job; `npm start` opens a scratch copy of this folder so nothing here is ever modified.

| folder | what you should see |
|---|---|
| `research-agent/` | a healthy ring buffer (`agent_state.json`, `.1`, `.2`) of an incident-triage agent |
| `training-run/` | `trainer_state.json` was cut off mid-write (OOM kill): truncated at a byte offset; fall back to `trainer_state.1.json` |
| `pipeline-run-42/` | integrity envelopes; the current one fails its sha256 checksum (two writers raced and step_5's artifact is gone) |
| `graflow-session/` | `.pkl` + `.state.json` + `.meta.json` triples; the pickles need the `graflow` package to load |
| `lit-review/` | a JSON checkpoint and its typed pickle twin: datetimes, bytes, tuples, paths and int keys drifted through the JSON encoder |
| `task-queue/` | `phase_outputs` emptied in the current generation, and the temp file of an interrupted atomic write |
"""


def main(argv):
    if len(argv) != 2:
        print("usage: make-demo.py <output-dir>", file=sys.stderr)
        return 2
    root = Path(argv[1])
    if root.exists():
        # Only ever replace a previous demo (or an empty folder), never an arbitrary directory.
        if any(root.iterdir()) and not (root / ".demo-mtimes.json").exists():
            print(f"refusing to overwrite {root}: it is not a demo workspace", file=sys.stderr)
            return 1
        shutil.rmtree(root)
    root.mkdir(parents=True)
    research_agent(root)
    training_run(root)
    pipeline_run(root)
    graflow_session(root)
    lit_review(root)
    task_queue(root)
    write(root, "README.md", README, at(0))
    manifest = json.dumps(dict(sorted(MTIMES.items())), indent=2) + "\n"
    (root / ".demo-mtimes.json").write_text(manifest)
    for rel in {str(Path(p).parent) for p in MTIMES} - {"."}:
        stamp = max(v for k, v in MTIMES.items() if str(Path(k).parent) == rel)
        os.utime(root / rel, (stamp, stamp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
