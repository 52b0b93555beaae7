"""Wrappers: the Safety-Gymnasium cost convention, and a flat observation for simple policies."""
from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np


class SafetyGymnasiumStep(gym.Wrapper):
    """step() returns Safety-Gymnasium's 6-tuple (obs, reward, cost, terminated, truncated, info).

    cost is info["cost"]: the number of hazard events caused at this step. reset() is unchanged.
    Note: the 6-tuple breaks Gymnasium's 5-tuple API, so use this outermost, for constrained-RL
    code written against Safety-Gymnasium (it is not a gym.Env for SB3).
    """

    def step(self, action: Any) -> tuple[Any, float, float, bool, bool, dict[str, Any]]:  # type: ignore[override]
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, reward, float(info.get("cost", 0.0)), terminated, truncated, info


class CostInReward(gym.Wrapper):
    """reward - penalty * cost: a fixed-weight (non-Lagrangian) safety baseline for plain RL."""

    def __init__(self, env: gym.Env, penalty: float = 1.0) -> None:
        super().__init__(env)
        self.penalty = float(penalty)

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, reward - self.penalty * float(info.get("cost", 0.0)), terminated, truncated, info


class EpisodeCost(gym.Wrapper):
    """Adds info["episode_cost"] (running sum of costs) for logging."""

    def reset(self, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        self._ep_cost = 0.0
        obs, info = self.env.reset(**kwargs)
        info["episode_cost"] = 0.0
        return obs, info

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._ep_cost += float(info.get("cost", 0.0))
        info["episode_cost"] = self._ep_cost
        return obs, reward, terminated, truncated, info


def action_mask(env: gym.Env) -> np.ndarray:
    """The action mask of a (wrapped) situation env, for sb3-contrib's ActionMasker."""
    return env.get_wrapper_attr("action_masks")()
