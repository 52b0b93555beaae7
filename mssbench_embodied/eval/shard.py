"""Sharded runs: ``--shard i/N`` runs a fixed part of a task's samples; ``merge_logs`` joins the shards.

Shard ``i/N`` holds the samples at positions ``i-1, i-1+N, i-1+2N, ...`` of the task's dataset, whose
order is fixed by the pairs library (never by the machine), so the same command picks the same ids
everywhere. The ids go to inspect as ``eval(sample_id=...)``; the log's eval metadata records the
shard and a digest of the whole dataset's ids (``SHARD_KEY``).

``merge_logs`` (inspect's log API: the samples of every shard in dataset order, metrics recomputed with
``recompute_metrics``) refuses shards of different runs (task, arguments, model, grader, generation
config, epochs, versions, revision or dataset differ), shards given twice or missing, overlapping
samples, and shards that did not finish. The merged log is the log a single run would have written,
sample for sample.
"""
from __future__ import annotations

import copy
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inspect_ai import Task
from inspect_ai.log import EvalLog, recompute_metrics

from . import inspect as _inspect  # noqa: F401  (registers the task's metrics, which recompute_metrics resolves)
from .resume import EXECUTION_ARGS, RUNTIME

__all__ = ["SHARD_KEY", "MergeRefused", "Shard", "dataset_digest", "merge_logs", "parse_shard", "shard_eval_args",
           "save_log", "shard_sample_ids", "write_merged"]

SHARD_KEY = "mssbench_shard"  # eval metadata of a shard's log: index, count, dataset_samples, dataset_digest
MERGED_KEY = "mssbench_merged"  # eval metadata of a merged log: shards, files (and what the caller adds)


class MergeRefused(ValueError):
    """The logs cannot be merged into one run (one-line reason)."""


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based)."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """``"i/N"`` with 1 <= i <= N; ValueError otherwise."""
    head, sep, tail = str(text).partition("/")
    try:
        shard = Shard(int(head), int(tail)) if sep else None
    except ValueError:
        shard = None
    if shard is None or not 1 <= shard.index <= shard.count:
        raise ValueError(f"--shard must be i/N with 1 <= i <= N (e.g. 2/4), not {text!r}")
    return shard


def shard_sample_ids(ids: Sequence[Any], shard: Shard) -> list[Any]:
    """The ids of ``shard``: every N-th id of ``ids`` from position i-1 (all shards together: each id once)."""
    return [sid for k, sid in enumerate(ids) if k % shard.count == shard.index - 1]


def dataset_digest(ids: Sequence[Any]) -> str:
    """A digest of the dataset's ids in order: shards of one run share it."""
    return hashlib.sha256("\n".join(str(i) for i in ids).encode()).hexdigest()[:16]


def shard_eval_args(task: Task, shard: Shard) -> dict[str, Any]:
    """``inspect_ai.eval`` keyword arguments that run only ``shard`` of ``task``: ``sample_id`` and the
    shard's ``metadata``. ValueError if the shard would be empty (more shards than samples)."""
    ids = [s.id for s in task.dataset]
    chosen = shard_sample_ids(ids, shard)
    if not chosen:
        raise ValueError(f"--shard {shard}: the run has only {len(ids)} samples; use at most {len(ids)} shards")
    return {"sample_id": chosen,
            "metadata": {SHARD_KEY: {"index": shard.index, "count": shard.count, "dataset_samples": len(ids),
                                     "dataset_digest": dataset_digest(ids)}}}


def _name(log: EvalLog) -> str:
    return Path(log.location).name if log.location else f"shard {_shard(log)}"


def _shard(log: EvalLog) -> Shard | None:
    info = (log.eval.metadata or {}).get(SHARD_KEY)
    if not isinstance(info, dict):
        return None
    return Shard(int(info["index"]), int(info["count"]))


def _identity(log: EvalLog) -> dict[str, Any]:
    """What must be equal across the shards of one run."""
    ev = log.eval
    gen = {k: v for k, v in ev.model_generate_config.model_dump(exclude_none=True).items() if k not in RUNTIME}
    roles = {k: [c.model for c in v] if isinstance(v, list) else v.model for k, v in (ev.model_roles or {}).items()}
    info = (ev.metadata or {}).get(SHARD_KEY) or {}
    args = {k: v for k, v in ev.task_args.items() if k not in EXECUTION_ARGS}
    solver_args = {k: v for k, v in (ev.solver_args or {}).items() if k not in EXECUTION_ARGS}
    return {"task": ev.task, "task version": ev.task_version, "task arguments": args, "model": ev.model,
            "model roles": roles, "generation config": gen, "solver arguments": solver_args,
            "epochs": ev.config.epochs or 1, "epochs reducer": ev.config.epochs_reducer,
            "versions": dict(ev.packages or {}), "revision": ev.revision.commit if ev.revision else None,
            "shard count": info.get("count"), "dataset": (info.get("dataset_samples"), info.get("dataset_digest"))}


def _check(logs: Sequence[EvalLog]) -> list[Shard]:
    shards: list[Shard] = []
    for log in logs:
        shard = _shard(log)
        if shard is None:
            raise MergeRefused(f"{_name(log)} is not a shard (run with --shard i/N)")
        shards.append(shard)
    first = _identity(logs[0])
    for log in logs[1:]:
        now = _identity(log)
        diff = [f"{k} {first[k]!r} in {_name(logs[0])}, {now[k]!r} in {_name(log)}"
                for k in first if first[k] != now[k]]
        if diff:
            raise MergeRefused("the shards come from different runs: " + "; ".join(diff))
    count = shards[0].count
    seen: dict[int, str] = {}
    for log, shard in zip(logs, shards, strict=True):
        if shard.index in seen:
            raise MergeRefused(f"shard {shard} is given twice ({seen[shard.index]} and {_name(log)})")
        seen[shard.index] = _name(log)
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in seen]
    if missing:
        given = ", ".join(str(s) for s in sorted(shards, key=lambda s: s.index))
        raise MergeRefused(f"missing shard(s) {', '.join(missing)} (have {given})")
    owner: dict[Any, str] = {}
    for log in logs:
        epochs = range(1, (log.eval.config.epochs or 1) + 1)
        expected = {(sid, e) for sid in log.eval.dataset.sample_ids or [] for e in epochs}
        have = {(s.id, s.epoch) for s in log.samples or []}
        if log.status != "success" or not expected <= have:
            raise MergeRefused(f"shard {_shard(log)} ({_name(log)}) did not finish ({log.status}, "
                               f"{len(have & expected)} of {len(expected)} samples); rerun it with --resume")
        for sid in log.eval.dataset.sample_ids or []:
            if sid in owner:
                raise MergeRefused(f"sample {sid} is in two shards ({owner[sid]} and {_name(log)})")
            owner[sid] = _name(log)
    total = first["dataset"][0]
    if total is not None and len(owner) != total:
        raise MergeRefused(f"the shards hold {len(owner)} of the run's {total} samples")
    return shards


def _usage_sum(usages: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for usage in usages:
        for k, u in usage.items():
            out[k] = out[k] + u if k in out else copy.deepcopy(u)
    return out


def merge_logs(logs: Sequence[EvalLog]) -> EvalLog:
    """One log from every shard of a run (see the module docstring); MergeRefused when they do not form one run."""
    if not logs:
        raise MergeRefused("no shard logs to merge")
    shards = _check(logs)
    ordered = [lg for _, lg in sorted(zip(shards, logs, strict=True), key=lambda p: p[0].index)]
    count = shards[0].count
    # dataset order: shard i holds positions i-1, i-1+N, ...; interleave them back
    ids: list[Any] = []
    per_shard = [list(lg.eval.dataset.sample_ids or []) for lg in ordered]
    for k in range(max(len(p) for p in per_shard)):
        ids += [p[k] for p in per_shard if k < len(p)]
    digest = ((ordered[0].eval.metadata or {}).get(SHARD_KEY) or {}).get("dataset_digest")
    if digest is not None and dataset_digest(ids) != digest:
        raise MergeRefused("the shards' samples are not the run's dataset (its ids or their order differ)")
    position = {sid: k for k, sid in enumerate(ids)}
    merged = ordered[0].model_copy(deep=True)
    merged.location = ""
    merged.samples = sorted((copy.deepcopy(s) for lg in ordered for s in lg.samples or []),
                            key=lambda s: (s.epoch, position[s.id]))
    merged.eval.dataset.sample_ids = ids
    merged.eval.config.sample_id = None
    merged.eval.created = min(lg.eval.created for lg in ordered)
    meta = dict(merged.eval.metadata or {})
    meta.pop(SHARD_KEY, None)
    meta[MERGED_KEY] = {"shards": count, "files": [_name(lg) for lg in ordered],
                        "dataset_digest": dataset_digest(ids)}
    merged.eval.metadata = meta
    starts = [lg.stats.started_at for lg in ordered if lg.stats.started_at]
    ends = [lg.stats.completed_at for lg in ordered if lg.stats.completed_at]
    merged.stats.started_at = min(starts) if starts else ""
    merged.stats.completed_at = max(ends) if ends else ""
    merged.stats.model_usage = _usage_sum([lg.stats.model_usage for lg in ordered])
    merged.stats.role_usage = _usage_sum([lg.stats.role_usage for lg in ordered])
    recompute_metrics(merged)
    return merged


def save_log(log: EvalLog, out: Path) -> Path:
    """Write a merged log into ``out`` as ``<created>_<task>_merged.eval`` (inspect's format); sets its location."""
    from inspect_ai.log import write_eval_log

    from .paths import out_file

    out.mkdir(parents=True, exist_ok=True)
    stamp = log.eval.created.replace(":", "-").replace(".", "-")
    path = out_file(out, f"{stamp}_{log.eval.task.split('/')[-1]}_merged.eval")
    write_eval_log(log, str(path))
    log.location = str(path)
    return path


def write_merged(log: EvalLog, out: Path, wall_seconds: float | None = None) -> dict[str, Any]:
    """``save_log`` plus the log's ``summary.json`` and ``report.html`` (``eval.from_log``; the summary's
    ``merged`` is the merge record). Returns the summary."""
    from .from_log import write_outputs

    save_log(log, out)
    return write_outputs(log, out, wall_seconds=wall_seconds)
