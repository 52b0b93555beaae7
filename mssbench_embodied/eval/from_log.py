"""A run's ``summary.json`` and ``report.html`` derived from its inspect ``.eval`` log.

Each sample's ``EpisodeRecord`` is read from the store (``eval.inspect.RECORD``), or from the execution
score's metadata when the store is gone (a sample inspect recovered after a kill); the rubric label
from the ``rubric`` score. An errored sample (a model failure, a grader failure, a crash) counts as
an episode with an error, never as a correct or incorrect answer: inspect leaves it out of its
metrics, ``summarize`` counts it under ``errors``. Token usage and seconds are summed over the
samples, so a resumed (retried) run's totals cover every episode the log keeps, plus the attempts it
replaced (the errored samples of the logs in ``superseded/``). Every step's frame
is taken from the transcript and written under ``frames/`` (sanitised names, confined to the
output folder) for the report.
"""
from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Any

from inspect_ai.event import InfoEvent
from inspect_ai.log import EvalLog, EvalSample, resolve_sample_attachments

from .inspect.transcript import RECORD, STEPS
from .metrics import episode_correct, rubric_summary, summarize
from .paths import out_file
from .records import EpisodeRecord
from .replay import role_model

__all__ = ["episode_records", "errored_samples", "replaced_attempts", "summary_from_log", "write_outputs"]

_FRAME = re.compile(r"!\[([^\]]*)\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)")


def _record(sample: EvalSample, agent: str) -> EpisodeRecord:
    meta = sample.metadata or {}
    data = sample.store.get(RECORD)
    execution = (sample.scores or {}).get("execution")
    if not isinstance(data, dict) and execution is not None:  # a sample recovered from a killed run
        data = (execution.metadata or {}).get(RECORD)
    if isinstance(data, dict):
        rec = EpisodeRecord.from_dict(data)
    else:  # the sample failed before the episode ended: an error record from the metadata
        rec = EpisodeRecord(agent=agent, pair_id=str(meta.get("pair_id", sample.id)),
                            variant=str(meta.get("variant", sample.target)), instruction=str(sample.input),
                            category=str(meta.get("category", "")), hazard_kind=str(meta.get("hazard_kind", "")),
                            template=str(meta.get("template", "")), room=str(meta.get("room", "")))
    if sample.error is not None:
        rec.error = rec.error or " ".join(sample.error.message.split())[:500]
    rubric = (sample.scores or {}).get("rubric")
    if rubric is not None and sample.error is None:
        md = rubric.metadata or {}
        rec.rubric_label, rec.rubric_source = md.get("label"), md.get("source")
    rec.seconds = round(float(sample.total_time or 0.0), 3)
    return rec


def episode_records(log: EvalLog) -> list[EpisodeRecord]:
    """One record per sample (and epoch) of the log, in sample order."""
    agent = str((log.eval.metadata or {}).get("agent") or log.eval.task_args.get("agent", ""))
    return [_record(s, agent) for s in log.samples or []]


def errored_samples(log: EvalLog) -> list[str]:
    """Ids of the log's samples that ended in an error (with the epoch when there are several)."""
    many = (log.eval.config.epochs or 1) > 1
    return [f"{s.id}#{s.epoch}" if many else str(s.id) for s in log.samples or [] if s.error is not None]


def _usage(samples: list[EvalSample]) -> dict[str, int]:
    tot = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0, "calls": 0, "errors": 0}
    for s in samples:
        for u in (s.model_usage or {}).values():
            tot["prompt_tokens"] += u.input_tokens
            tot["completion_tokens"] += u.output_tokens
            tot["total_tokens"] += u.total_tokens
        calls = [e for e in s.events if getattr(e, "event", None) == "model"]
        tot["calls"] += len(calls)
        tot["errors"] += sum(1 for e in calls if getattr(e, "error", None))
    return tot


def summary_from_log(log: EvalLog, records: list[EpisodeRecord] | None = None) -> dict[str, Any]:
    """The run summary (``eval.metrics.summarize`` + rubric + run configuration) of one task log."""
    records = episode_records(log) if records is None else records
    ev, args = log.eval, log.eval.task_args
    meta = ev.metadata or {}
    gen = ev.model_generate_config.model_dump(exclude_none=True)
    setting = meta.get("setting")
    summary: dict[str, Any] = {
        "agent": meta.get("agent") or args.get("agent"), "backend": args.get("backend", "embedded"),
        "model": None if ev.model.startswith("mockllm/") else ev.model, "setting": setting,
        "split": args.get("split"), "seed": args.get("seed"), "pairs": args.get("pairs"), "limit": args.get("limit"),
        "size": meta.get("size"), "style": meta.get("style"), "fov": meta.get("fov"),
        "max_steps": args.get("max_steps"), "epochs": ev.config.epochs or 1, "generate_config": gen,
        "judge": role_model(log, "grader") or "heuristic", "status": log.status,
        "log": Path(log.location).name if log.location else None,
        "packages": dict(ev.packages or {}), "revision": ev.revision.commit if ev.revision else None,
        **summarize(records), "rubric": rubric_summary(records), "usage": _usage(log.samples or []),
        "seconds": round(sum(r.seconds for r in records), 1), "errored_samples": errored_samples(log),
        "error_reasons": sorted({f"{r.pair_id} ({r.variant}): {r.error}" for r in records if r.error}),
    }
    by_pair: dict[str, list[bool]] = {}
    for r in records:
        by_pair.setdefault(r.pair_id, []).append(episode_correct(r))
    summary["by_pair"] = {p: round(100.0 * sum(v) / len(v), 2) for p, v in by_pair.items()}
    if meta.get("mssbench_merged"):  # merged shards (eval.shard): which, and the retries of a Ray run
        summary["merged"] = meta["mssbench_merged"]
    if setting not in (None, "if"):
        from .judge import yes_no_correct

        yn = [yes_no_correct(r.get("yes_no"), r["variant"]) for r in records]
        summary["yes_no_acc"] = round(100 * sum(bool(x) for x in yn) / len(yn), 2) if yn else None
        summary["yes_no_unparsed"] = sum(x is None for x in yn)
    return summary


def replaced_attempts(folder: Path) -> list[EvalSample]:
    """The attempts a resumed run replaced: the errored samples of the logs in ``folder`` (``superseded/``).
    Each was run again, so the log kept holds only its last attempt; their tokens, calls and seconds
    were spent all the same."""
    from inspect_ai.log import read_eval_log_sample, read_eval_log_sample_summaries

    found: list[EvalSample] = []
    for path in sorted(folder.glob("*.eval")) if folder.is_dir() else []:
        try:
            errored = [s for s in read_eval_log_sample_summaries(str(path)) if s.error is not None]
            found += [read_eval_log_sample(str(path), s.id, s.epoch) for s in errored]
        except Exception:  # noqa: BLE001 - a damaged or partial log adds nothing
            continue
    return found


def _with_replaced(summary: dict[str, Any], replaced: list[EvalSample]) -> None:
    """Add the replaced attempts' usage, calls and seconds to the summary's totals (across resumes)."""
    for k, v in _usage(replaced).items():
        summary["usage"][k] += v
    summary["seconds"] = round(summary["seconds"] + sum(float(s.total_time or 0.0) for s in replaced), 1)
    summary["replaced_attempts"] = len(replaced)


def _frames(sample: EvalSample, out: Path, agent: str) -> list[tuple[str, str]]:
    """Every frame of the sample's transcript written under out/frames/<agent>/: (caption, relative path)."""
    shown: list[tuple[str, str]] = []
    for ev in sample.events:
        if not isinstance(ev, InfoEvent) or not isinstance(ev.data, str) or "data:image/png" not in ev.data:
            continue
        for m in _FRAME.finditer(ev.data):
            try:
                png = base64.b64decode(m.group(2), validate=True)
            except (binascii.Error, ValueError):
                continue
            path = out_file(out, "frames", agent, f"{sample.id}_e{sample.epoch}_{len(shown):02d}.png")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(png)
            shown.append((m.group(1), path.relative_to(out).as_posix()))
    return shown


def _shown(sample: EvalSample, rec: EpisodeRecord, out: Path) -> dict[str, Any]:
    """The report's view of one episode: the record, every step (from the store), frames, prompts and answers."""
    steps = sample.store.get(STEPS) or rec.steps
    frames = _frames(resolve_sample_attachments(sample, "full"), out, rec.agent)
    by_step = {cap: p for cap, p in frames}
    rows = [{**s, "frame": by_step.get(f"frame shown before step {s.get('t', i + 1)}")} for i, s in enumerate(steps)]
    return {**rec.to_dict(), "epoch": sample.epoch, "steps": rows, "actions": rows,
            "correct": None if rec.error else episode_correct(rec), "label": rec.rubric_label,
            "model_text": rec.answer_text, "frames": {"first": frames[0][1] if frames else None,
                                                      "last": frames[-1][1] if frames else None}}


def write_outputs(log: EvalLog, out: Path, wall_seconds: float | None = None) -> dict[str, Any]:
    """Write ``summary.json`` and ``report.html`` of one task log into ``out``; return the summary.
    ``wall_seconds``: the run's elapsed time over every process that worked on it (``run`` adds them up)."""
    import json

    from .report import write_report
    from .resume import SUPERSEDED

    records = episode_records(log)
    summary = summary_from_log(log, records)
    _with_replaced(summary, replaced_attempts(out / SUPERSEDED))
    if wall_seconds is not None:
        summary["wall_seconds"] = wall_seconds
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    shown = [_shown(s, r, out) for s, r in zip(log.samples or [], records, strict=True)]
    write_report(out, summary, shown)
    return summary
