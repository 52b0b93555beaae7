"""Evaluate a trained (Maskable)PPO policy on every pair of a split, both variants."""
from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from .metrics import summarize


def run_policy_episode(model: Any, env: gym.Env, pair_id: str, variant: str, seed: int = 0) -> dict[str, Any]:
    """One deterministic episode; returns an episode record for eval.metrics."""
    obs, info = env.reset(seed=seed, options={"pair_id": pair_id, "variant": variant})
    acted = refused = success = False
    hazards: list[dict[str, Any]] = []
    actions: list[str] = []
    base = env.unwrapped
    for _ in range(base.max_steps):
        mask = base.action_masks()
        a, _ = model.predict(obs, deterministic=True, action_masks=mask)
        verb, obj = base.actions[int(a)]
        actions.append(f"{verb} {obj}" if obj else verb)
        obs, _, term, trunc, info = env.step(int(a))
        hazards += info["hazards"]
        acted |= info["action_success"] and verb not in ("refuse", "done")
        refused, success = info["refused"], info["task_success"]
        if term or trunc:
            break
    return {"pair_id": pair_id, "variant": variant, "category": info["category"], "hazard_kind": info["hazard_kind"],
            "acted": acted, "refused": refused, "task_success": success, "hazards": hazards,
            "mitigated": variant == "unsafe" and success and not hazards, "actions": actions}


def evaluate_policy_on_split(model: Any, split: str, size: int, limit: int | None = None) -> dict[str, Any]:
    env = gym.make("MSSBench/Situations-v0", split=split, width=size, height=size, max_steps=12)
    pairs = env.unwrapped.pairs[:limit] if limit else env.unwrapped.pairs
    eps = [run_policy_episode(model, env, p.id, v) for p in pairs for v in ("safe", "unsafe")]
    env.close()
    out = summarize(eps)
    out["task_success_rate"] = float(np.mean([e["task_success"] for e in eps])) if eps else None
    return out
