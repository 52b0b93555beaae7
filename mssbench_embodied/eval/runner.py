"""The run loop: episodes over situation pairs, K in flight, flushed to episodes.jsonl, resumable.

A failure while setting up, acting, judging or saving one episode is recorded as that episode's
error (or ``judge_error``) and the run goes on. Frame files are named from sanitised ids and stay
under the output directory (eval/paths.py). ``RunTotals`` keeps token usage, call counts and seconds
across ``--resume`` in ``run_totals.json``."""
from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import cv2
import gymnasium as gym
import numpy as np

from ..agents.base import Agent, EpisodeContext
from ..scenarios.captions import caption
from .judge import heuristic_label, judge_response
from .paths import out_file
from .records import UNKNOWN, EpisodeRecord, StepRecord

EPISODES = "episodes.jsonl"
TOTALS = "run_totals.json"


def episode_key(rec: Mapping[str, Any]) -> tuple[str, str, str]:
    """(agent, pair_id, variant): an episode is run at most once per output directory."""
    return rec["agent"], rec["pair_id"], rec["variant"]


def load_done(path: Path) -> list[EpisodeRecord]:
    """Complete records of an earlier (possibly killed) run; a torn last line is cut off."""
    if not path.exists():
        return []
    data = path.read_bytes()
    good_end, out = 0, []
    for line in data.splitlines(keepends=True):
        if not line.endswith(b"\n"):
            break
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            break
        good_end += len(line)
    if good_end != len(data):
        with open(path, "r+b") as f:
            f.truncate(good_end)
    seen: dict[tuple, EpisodeRecord] = {}
    for rec in out:
        seen.setdefault(episode_key(rec), EpisodeRecord.from_dict(rec))  # never duplicate an episode
    return list(seen.values())


class EpisodeWriter:
    """Appends one JSON line per finished episode and fsyncs it, so kill -9 loses nothing written."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the run, closed by close()

    def write(self, rec: EpisodeRecord) -> None:
        """Append one record and fsync."""
        self.f.write(json.dumps(rec.to_dict(), default=_jsonable) + "\n")
        self.f.flush()
        os.fsync(self.f.fileno())

    def close(self) -> None:
        """Close the file."""
        self.f.close()


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


def save_frame(out_dir: Path | None, parts: tuple[str, ...], rgb: np.ndarray | None) -> str | None:
    """Write a frame as PNG at out_dir/<sanitised parts> (eval.paths.out_file); return its path relative
    to out_dir (None: no frame or no out_dir)."""
    if rgb is None or out_dir is None:
        return None
    p = out_file(out_dir, *parts)
    p.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(p), np.ascontiguousarray(rgb[..., ::-1]), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return p.relative_to(out_dir).as_posix()


def _reason(e: BaseException) -> str:
    return f"{type(e).__name__}: {' '.join(str(e).split())[:500]}"


async def run_episode(agent: Agent, env: gym.Env, pair_id: str, variant: str, seed: int, out_dir: Path | None,
                      judge: Any = None) -> EpisodeRecord:
    """One episode: reset the pair's variant, let the agent act, judge the world and the answer.
    Frames are saved under out_dir/frames (none if out_dir is None). Never raises on a failure of
    the episode: it is recorded as the episode's error."""
    t0 = time.time()
    base: Any = env.unwrapped  # a SituationEnv
    ctx = EpisodeContext(pair_id, variant, env)
    try:
        obs, info = env.reset(seed=seed, options={"pair_id": pair_id, "variant": variant})
        ctx.caption = caption(base.backend.last_event.metadata, base.realised.anchor_id)
        first = save_frame(out_dir, ("frames", agent.name, f"{pair_id}__{variant}_first.png"), obs.get("image"))
    except Exception as e:  # a situation that cannot be set up: an error record, not a dead run
        spec = next((p for p in getattr(base, "pairs", ()) if getattr(p, "id", None) == pair_id), None)
        return EpisodeRecord(agent=agent.name, pair_id=pair_id, variant=variant,
                             instruction=str(getattr(spec, "instruction", "")),
                             category=str(getattr(spec, "category", UNKNOWN)),
                             hazard_kind=str(getattr(spec, "hazard", UNKNOWN)),
                             template=str(getattr(spec, "template", "")), room=str(getattr(spec, "room", "")),
                             error=f"setup failed: {_reason(e)}", seconds=round(time.time() - t0, 3))
    steps: list[StepRecord] = []
    acted = False
    try:
        await agent.begin(obs, info, ctx)
        while not ctx.error and len(steps) < base.max_steps:
            d = await agent.act(obs, info, ctx)
            if ctx.error:
                break
            obs, _, term, trunc, info = env.step(d.action)
            label = d.action if isinstance(d.action, str) else " ".join(x for x in base.actions[int(d.action)] if x)
            steps.append(StepRecord(action=label, success=info["action_success"], message=info["message"],
                                    hazards=info["hazards"], reasoning=d.reasoning))
            verb = (label.split() or [""])[0].lower()  # an empty action is a failed step, not a crash
            acted |= bool(info["action_success"]) and verb not in ("refuse", "done")
            ctx.last_result = info
            if term or trunc:
                break
    except Exception as e:  # an agent bug must not kill the run: record it as an error
        ctx.error = f"{type(e).__name__}: {e}"
    try:
        last = save_frame(out_dir, ("frames", agent.name, f"{pair_id}__{variant}_last.png"),
                          base.backend.last_event.frame)
    except Exception as e:  # noqa: BLE001 - a frame that cannot be written is an error of this episode
        last, ctx.error = None, ctx.error or f"saving the last frame failed: {_reason(e)}"
    hazards = info.get("episode_hazards", [])
    if info.get("rule_errors") and ctx.error is None:  # the judgement is incomplete: never count it as safe
        ctx.error = "hazard rule error: " + "; ".join(f"{e['rule']} at step {e['step']}: {e['error']}"
                                                      for e in info["rule_errors"])
    rec = EpisodeRecord(
        agent=agent.name, pair_id=pair_id, variant=variant, instruction=info["instruction"],
        category=info["category"], hazard_kind=info["hazard_kind"], template=info["template"],
        room=info["room"], steps=steps, exchanges=[asdict(x) for x in ctx.exchanges],
        hazards=hazards, task_success=bool(info.get("task_success")), refused=bool(info.get("refused")),
        warned=ctx.warned, acted=acted, mitigated=bool(info.get("mitigated")),
        answer_text=ctx.answer_text, yes_no=ctx.yes_no, error=ctx.error,
        frames={"first": first, "last": last}, seconds=round(time.time() - t0, 3),
    )
    if ctx.error is None:
        try:
            if judge is not None:
                j = await judge_response(judge, info["instruction"], ctx.answer_text or "")
                rec.rubric_label, rec.rubric_source, rec.judge_error = j.label, "llm", j.error
            else:
                rec.rubric_label, rec.rubric_source = heuristic_label(ctx.answer_text), "heuristic"
        except Exception as e:  # a judge or cache failure leaves the episode unlabelled, never the run dead
            rec.rubric_label, rec.rubric_source, rec.judge_error = None, "llm", f"judge failed: {_reason(e)}"
    return rec


def _add(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    if a is None or b is None:
        return b if a is None else a
    return {k: a.get(k, 0) + b.get(k, 0) for k in dict.fromkeys([*a, *b])}


class RunTotals:
    """Token usage, call counts and seconds of every process that worked on one output directory.

    Earlier processes' totals are read from ``out_dir/run_totals.json``; ``save`` (after each episode)
    writes them plus this process's, atomically, so a resumed run's summary covers the whole run
    (a kill -9 loses at most the episodes then in flight)."""

    def __init__(self, out_dir: Path | None) -> None:
        self.path = out_dir / TOTALS if out_dir is not None else None
        self.t0 = time.time()
        self.before: dict[str, Any] = {}
        if self.path is not None and self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.before = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self.before = {}

    def current(self, usage: dict[str, Any] | None = None,
                judge_usage: dict[str, Any] | None = None) -> dict[str, Any]:
        """{"seconds", "usage", "judge_usage", "processes"}: earlier processes' totals plus this one's."""
        b = self.before
        return {"seconds": round(float(b.get("seconds") or 0.0) + time.time() - self.t0, 1),
                "usage": _add(b.get("usage"), usage), "judge_usage": _add(b.get("judge_usage"), judge_usage),
                "processes": int(b.get("processes") or 0) + 1}

    def save(self, usage: dict[str, Any] | None = None, judge_usage: dict[str, Any] | None = None) -> dict[str, Any]:
        """Write the current totals (if there is an output directory) and return them."""
        cur = self.current(usage, judge_usage)
        if self.path is not None:
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(json.dumps(cur), encoding="utf-8")
            os.replace(tmp, self.path)
        return cur


async def run_episodes(agent: Agent, make_env: Callable[[], gym.Env], jobs: list[tuple[str, str]],
                       out_dir: Path | None, seed: int = 0, concurrency: int = 1, judge: Any = None,
                       progress: Callable[[EpisodeRecord], None] | None = None,
                       pool: list[gym.Env] | None = None) -> list[EpisodeRecord]:
    """Run (pair_id, variant) jobs not yet in out_dir/episodes.jsonl; return all records in job order.
    `pool`: envs to reuse (kept open; their realised-world snapshots make resets cheap).
    out_dir None: keep the records in memory only (no episodes.jsonl, no frames, no resume)."""
    done = load_done(out_dir / EPISODES) if out_dir is not None else []
    have = {episode_key(r) for r in done}
    todo = [(p, v) for p, v in jobs if (agent.name, p, v) not in have]
    writer = EpisodeWriter(out_dir / EPISODES) if out_dir is not None else None
    envs: asyncio.Queue = asyncio.Queue()
    own = pool is None
    n = max(1, min(concurrency, len(todo) or 1))
    pool = [make_env() for _ in range(n)] if pool is None else pool[:n] + [make_env() for _ in range(n - len(pool))]
    for e in pool:
        envs.put_nowait(e)
    records = list(done)

    async def one(pair_id: str, variant: str) -> None:
        env = await envs.get()
        try:
            rec = await run_episode(agent, env, pair_id, variant, seed, out_dir, judge)
        finally:
            envs.put_nowait(env)
        if writer is not None:
            writer.write(rec)
        records.append(rec)
        if progress:
            progress(rec)

    sem = asyncio.Semaphore(max(1, concurrency))

    async def guarded(p: str, v: str) -> None:
        async with sem:
            await one(p, v)

    try:
        await asyncio.gather(*(guarded(p, v) for p, v in todo))
    finally:
        if writer is not None:
            writer.close()
        if own:
            for e in pool:
                e.close()
    order = {k: i for i, k in enumerate(jobs)}
    records = [r for r in records if (r.pair_id, r.variant) in order and r.agent == agent.name]
    records.sort(key=lambda r: order[(r.pair_id, r.variant)])
    return records
