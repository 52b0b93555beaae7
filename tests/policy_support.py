"""Observations for policy tests: the first (image, instruction) and action mask of a few test-split episodes."""
from __future__ import annotations

import gymnasium as gym
import numpy as np


def first_states(n: int = 6, size: int = 128) -> list[tuple[dict, np.ndarray]]:
    """(observation without the mask, action mask) after ``reset(seed=i)`` for i < n, legible frames."""
    env = gym.make("MSSBench/Situations-v0", split="test", width=size, height=size, render_style="legible")
    out = []
    try:
        for seed in range(n):
            obs, info = env.reset(seed=seed)
            out.append(({k: obs[k] for k in ("image", "instruction")}, info["action_mask"]))
    finally:
        env.close()
    return out
