"""Evaluate a trained (Maskable)PPO policy on every pair of a split, both variants.

Episodes go through the normal agent path: a PolicyAgent (agents/scripted.py) driven by
eval.runner, records kept in memory (no episodes.jsonl, no frames).
"""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import gymnasium as gym
import numpy as np

from ..agents.scripted import PolicyAgent
from .metrics import summarize
from .records import EpisodeRecord
from .runner import run_episode, run_episodes

__all__ = ["EVAL_MAX_STEPS", "evaluate_policy_on_split", "run_policy_episode"]

EVAL_MAX_STEPS = 12  # the episode length the policies in policies/ are trained with
T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion, also when called from inside a running event loop (notebooks)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as ex:
        return ex.submit(asyncio.run, coro).result()


def _checked(records: list[EpisodeRecord]) -> list[EpisodeRecord]:
    """The runner records an agent's exception as the episode's error; here it is a bug: raise it."""
    for r in records:
        if r.error:
            raise RuntimeError(f"policy episode {r.pair_id} ({r.variant}) failed: {r.error}")
    return records


def run_policy_episode(model: Any, env: gym.Env, pair_id: str, variant: str, seed: int = 0) -> EpisodeRecord:
    """One deterministic episode of `model` (a loaded MaskablePPO) on `env` (MSSBench/Situations-v0)."""
    return _checked([_run(run_episode(PolicyAgent(model), env, pair_id, variant, seed, None))])[0]


def evaluate_policy_on_split(model: Any, split: str, size: int, limit: int | None = None,
                             max_steps: int = EVAL_MAX_STEPS, style: str | None = None) -> dict[str, Any]:
    """eval.metrics.summarize over every pair of `split` (the first `limit`), both variants, seed 0,
    plus task_success_rate. `model`: a loaded policy, or the path of a weights-only checkpoint
    (agents/checkpoint.py; never unpickled). `size`: the frame width = height the model was trained on;
    `style`: its render style (default: the one the checkpoint records, see PolicyAgent).
    Raises RuntimeError if the policy fails on an episode (e.g. a wrong `size`)."""
    if isinstance(model, (str, Path)):
        model = PolicyAgent(model).model
    render_style = style or PolicyAgent(model).render_style

    def make_env() -> gym.Env:
        return gym.make("MSSBench/Situations-v0", split=split, width=size, height=size, max_steps=max_steps,
                        render_style=render_style)

    env = make_env()
    try:
        base: Any = env.unwrapped  # a SituationEnv
        pairs = base.pairs[:limit] if limit else base.pairs
        jobs = [(p.id, v) for p in pairs for v in ("safe", "unsafe")]
        eps = _checked(_run(run_episodes(PolicyAgent(model), make_env, jobs, None, pool=[env])))
    finally:
        env.close()
    out = summarize(eps)
    out["task_success_rate"] = float(np.mean([e.task_success for e in eps])) if eps else None
    return out
