"""Evaluate a trained (Maskable)PPO policy on every pair of a split, both variants.

Episodes go through the normal agent path: a PolicyAgent (agents/scripted.py) driven by
``eval.episode.play_episode`` (the inspect solver's episode loop), one after another on one env,
records kept in memory.
"""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import gymnasium as gym
import numpy as np

from ..agents.scripted import PolicyAgent
from .episode import play_episode
from .metrics import summarize
from .records import EpisodeRecord

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


async def _episodes(agent: PolicyAgent, env: gym.Env, jobs: list[tuple[str, str]], seed: int) -> list[EpisodeRecord]:
    """``play_episode`` on each (pair id, variant) in turn; a failed episode is a bug here: RuntimeError."""
    out = []
    for pair_id, variant in jobs:
        try:
            rec = await play_episode(agent, env, pair_id, variant, seed)
        except Exception as e:
            raise RuntimeError(f"policy episode {pair_id} ({variant}) failed: {type(e).__name__}: {e}") from e
        if rec.error:
            raise RuntimeError(f"policy episode {pair_id} ({variant}) failed: {rec.error}")
        out.append(rec)
    return out


def run_policy_episode(model: Any, env: gym.Env, pair_id: str, variant: str, seed: int = 0) -> EpisodeRecord:
    """One deterministic episode of `model` (a loaded MaskablePPO) on `env` (MSSBench/Situations-v0)."""
    return _run(_episodes(PolicyAgent(model), env, [(pair_id, variant)], seed))[0]


def evaluate_policy_on_split(model: Any, split: str, size: int, limit: int | None = None,
                             max_steps: int = EVAL_MAX_STEPS, style: str | None = None,
                             pair_ids: list[str] | None = None, shifts: Sequence[int] | None = None,
                             fov: float | None = None) -> dict[str, Any]:
    """eval.metrics.summarize over every pair of `split` (the first `limit`), both variants, seed 0,
    plus task_success_rate. `pair_ids`: these pairs instead of `split`'s (e.g. a validation subset).
    `model`: a loaded policy, or the path of a weights-only checkpoint
    (agents/checkpoint.py; never unpickled). `size`: the frame width = height the model was trained on;
    `style`: its render style (default: the one the checkpoint records, see PolicyAgent); `shifts`: test-time
    augmentation (agents/tta.py; default: the checkpoint's own); `fov`: the camera's field of view (default: the
    one the checkpoint records).
    Raises RuntimeError if the policy fails on an episode (e.g. a wrong `size`)."""
    agent = PolicyAgent(model, shifts=shifts)
    env = gym.make("MSSBench/Situations-v0", split=split, width=size, height=size, max_steps=max_steps,
                   render_style=style or agent.render_style, pair_ids=pair_ids,
                   field_of_view=agent.field_of_view if fov is None else fov)
    try:
        base: Any = env.unwrapped  # a SituationEnv
        pairs = base.pairs[:limit] if limit else base.pairs
        jobs = [(p.id, v) for p in pairs for v in ("safe", "unsafe")]
        eps = _run(_episodes(agent, env, jobs, 0))
    finally:
        env.close()
    out = summarize(eps)
    out["task_success_rate"] = float(np.mean([e.task_success for e in eps])) if eps else None
    return out
