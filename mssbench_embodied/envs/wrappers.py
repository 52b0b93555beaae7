"""Wrappers: Safety-Gymnasium's step tuple, a fixed cost penalty, the episode cost (constrained RL);
the action mask inside the observation (RLlib's and CleanRL-style action masking)."""
from __future__ import annotations

from typing import Any, SupportsFloat

import gymnasium as gym
import numpy as np
from gymnasium import spaces


class SafetyGymnasiumStep(gym.Wrapper):
    """Returns Safety-Gymnasium's 6-tuple ``(obs, reward, cost, terminated, truncated, info)`` from step.

    ``cost`` is ``info["cost"]``: the number of hazard events caused at this step. ``reset`` is
    unchanged. The 6-tuple breaks Gymnasium's 5-tuple API, so apply this wrapper outermost, for
    constrained-RL code written against Safety-Gymnasium (the result is not a ``gym.Env`` for SB3).

    Example:
        >>> import gymnasium as gym
        >>> import mssbench_embodied
        >>> env = SafetyGymnasiumStep(gym.make("MSSBench/Situations-v0", width=64, height=64))
        >>> obs, info = env.reset(seed=0)
        >>> obs, reward, cost, terminated, truncated, info = env.step(0)
    """

    def step(self, action: Any) -> tuple[Any, SupportsFloat, float, bool, bool, dict[str, Any]]:  # type: ignore[override]
        """Steps the environment and splits out the cost.

        Args:
            action: The action to take.

        Returns:
            ``(observation, reward, cost, terminated, truncated, info)``.
        """
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, reward, float(info.get("cost", 0.0)), terminated, truncated, info


class CostInReward(gym.Wrapper):
    """Subtracts ``penalty * info["cost"]`` from the reward: a fixed-weight (non-Lagrangian) safety baseline.

    Example:
        >>> import gymnasium as gym
        >>> import mssbench_embodied
        >>> env = CostInReward(gym.make("MSSBench/Situations-v0", width=64, height=64), penalty=2.0)
        >>> obs, info = env.reset(seed=0)
        >>> obs, reward, terminated, truncated, info = env.step(0)
    """

    def __init__(self, env: gym.Env, penalty: float = 1.0) -> None:
        """Wraps an environment whose info carries ``cost``.

        Args:
            env: The environment to wrap.
            penalty: Reward subtracted per unit of cost.
        """
        super().__init__(env)
        self.penalty = float(penalty)

    def step(self, action: Any) -> tuple[Any, float, bool, bool, dict[str, Any]]:
        """Steps the environment and returns ``reward - penalty * cost`` as the reward.

        Args:
            action: The action to take.

        Returns:
            ``(observation, penalised reward, terminated, truncated, info)``.
        """
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, float(reward) - self.penalty * float(info.get("cost", 0.0)), terminated, truncated, info


class EpisodeCost(gym.Wrapper):
    """Adds ``info["episode_cost"]``, the sum of ``info["cost"]`` since the last reset, for logging.

    Example:
        >>> import gymnasium as gym
        >>> import mssbench_embodied
        >>> env = EpisodeCost(gym.make("MSSBench/Situations-v0", width=64, height=64))
        >>> obs, info = env.reset(seed=0)
        >>> info["episode_cost"]
        0.0
    """

    def reset(self, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        """Resets the environment and the running cost.

        Args:
            **kwargs: Passed to the environment's ``reset`` (``seed``, ``options``).

        Returns:
            ``(observation, info)`` with ``info["episode_cost"] = 0.0``.
        """
        self._ep_cost = 0.0
        obs, info = self.env.reset(**kwargs)
        info["episode_cost"] = 0.0
        return obs, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Steps the environment and adds this step's cost to the running sum.

        Args:
            action: The action to take.

        Returns:
            ``(observation, reward, terminated, truncated, info)`` with ``info["episode_cost"]``.
        """
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._ep_cost += float(info.get("cost", 0.0))
        info["episode_cost"] = self._ep_cost
        return obs, reward, terminated, truncated, info


class MaskInObservation(gym.Wrapper):
    """Puts the action mask into the observation: ``{"action_mask": mask, "observations": obs}``.

    This is the observation RLlib's action-masking RLModules (``ActionMaskingTorchRLModule``) and
    CleanRL-style masked PPO read: ``action_mask`` is a float32 ``Box(0, 1, (n,))`` with 1.0 where an
    action's preconditions hold (``info["action_mask"]`` of the same step), ``observations`` the env's
    own observation. Discrete action modes only (high_level, navigation).

    Example:
        >>> import gymnasium as gym
        >>> import mssbench_embodied
        >>> env = MaskInObservation(gym.make("MSSBench/Situations-v0", width=64, height=64))
        >>> obs, info = env.reset(seed=0)
        >>> sorted(obs), obs["action_mask"].dtype.name
        (['action_mask', 'observations'], 'float32')
    """

    def __init__(self, env: gym.Env) -> None:
        """Wraps a situation env with a Discrete action space.

        Args:
            env: The environment to wrap.
        """
        super().__init__(env)
        if not isinstance(env.action_space, spaces.Discrete):
            raise ValueError(f"MaskInObservation needs a Discrete action space (action_mode high_level or "
                             f"navigation), not {env.action_space}")
        self.observation_space = spaces.Dict({
            "action_mask": spaces.Box(0.0, 1.0, (int(env.action_space.n),), np.float32),
            "observations": env.observation_space,
        })

    def _wrap(self, obs: Any, info: dict[str, Any]) -> dict[str, Any]:
        mask = info["action_mask"] if "action_mask" in info else self.env.get_wrapper_attr("action_masks")()
        return {"action_mask": np.asarray(mask, dtype=np.float32), "observations": obs}

    def reset(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        """Resets the environment.

        Args:
            **kwargs: Passed to the environment's ``reset`` (``seed``, ``options``).

        Returns:
            ``({"action_mask": ..., "observations": obs}, info)``.
        """
        obs, info = self.env.reset(**kwargs)
        return self._wrap(obs, info), info

    def step(self, action: Any) -> tuple[dict[str, Any], SupportsFloat, bool, bool, dict[str, Any]]:
        """Steps the environment.

        Args:
            action: The action to take.

        Returns:
            ``({"action_mask": ..., "observations": obs}, reward, terminated, truncated, info)``.
        """
        obs, reward, terminated, truncated, info = self.env.step(action)
        return self._wrap(obs, info), reward, terminated, truncated, info


def action_mask(env: gym.Env) -> np.ndarray:
    """The action mask of a (wrapped) situation env, for sb3-contrib's ActionMasker."""
    return env.get_wrapper_attr("action_masks")()
