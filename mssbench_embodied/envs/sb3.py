"""Stable-Baselines3 VecEnv over GroupedAsyncVectorEnv: many envs in few processes for SB3.

SB3 trains on its own VecEnv API (auto-reset within the step, `terminal_observation` in the
info, a list of info dicts). SubprocVecEnv runs one env per process; this adapter runs
`num_envs` envs in `num_workers` processes (lock step), as DummyVecEnv would step them:

    from mssbench_embodied.envs.sb3 import make_sb3_vec
    venv = make_sb3_vec("MSSBench/Situations-v0", num_envs=8, num_workers=2, width=64, height=64)
    model = MaskablePPO("MultiInputPolicy", venv)     # needs the "rl" extra

Action masks come with every step (info["action_mask"]), so MaskablePPO's
env_method("action_masks") costs no extra round trip to the workers. make_sb3_vec wraps the env in
SB3's VecMonitor, so each finished episode's return, length and cost reach SB3's logger
(``rollout/ep_rew_mean``) and ``model.ep_info_buffer`` (``{"r", "l", "t", "episode_cost"}``). As with
any SB3 VecEnvWrapper, the reset infos are the inner env's: ``venv.unwrapped.reset_infos``.
"""
from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode
from stable_baselines3.common.vec_env import VecMonitor
from stable_baselines3.common.vec_env.base_vec_env import VecEnv, VecEnvIndices, VecEnvStepReturn

from .vector import GroupedAsyncVectorEnv, make_grouped_vec


def split_infos(info: dict[str, Any], n: int) -> list[dict[str, Any]]:
    """Gymnasium vector infos (arrays over envs, `_key` presence masks) -> one dict per env."""
    out: list[dict[str, Any]] = [{} for _ in range(n)]
    for key, val in info.items():
        if key.startswith("_"):
            continue
        present = info.get(f"_{key}", np.ones(n, dtype=bool))
        parts = split_infos(val, n) if isinstance(val, dict) else val
        for i in np.flatnonzero(present):
            out[i][key] = parts[i]
    return out


class GroupedSB3VecEnv(VecEnv):
    """An SB3 VecEnv backed by a GroupedAsyncVectorEnv made with autoreset_mode SAME_STEP.

    Each step's info carries ``episode_cost``, the sum of ``cost`` over the episode so far (for
    ``VecMonitor(info_keywords=("episode_cost",))``, which records the last step's value)."""

    def __init__(self, venv: GroupedAsyncVectorEnv) -> None:
        if venv.autoreset_mode != AutoresetMode.SAME_STEP:
            raise ValueError("GroupedSB3VecEnv needs a GroupedAsyncVectorEnv with autoreset_mode=SAME_STEP "
                             f"(SB3 resets within the step), not {venv.autoreset_mode}")
        self.venv = venv
        super().__init__(venv.num_envs, venv.single_observation_space, venv.single_action_space)
        self._actions: np.ndarray | None = None
        self._masks: np.ndarray | None = None  # from the last infos; None when unknown
        self._costs = np.zeros(self.num_envs)  # each env's cost since its episode began

    def reset(self) -> Any:
        """Resets every env with the seeds and options set through seed() / set_options(); returns the observations."""
        if any(o != self._options[0] for o in self._options):
            raise ValueError("GroupedSB3VecEnv passes one options dict to every env; got different ones")
        obs, info = self.venv.reset(seed=list(self._seeds), options=self._options[0] or None)
        self.reset_infos = split_infos(info, self.num_envs)
        self._masks = info.get("action_mask")
        self._costs[:] = 0.0
        self._reset_seeds()
        self._reset_options()
        return obs

    def step_async(self, actions: np.ndarray) -> None:
        """Stores the actions for step_wait."""
        self._actions = np.asarray(actions)

    def step_wait(self) -> VecEnvStepReturn:
        """Steps every env as DummyVecEnv does: auto-reset, terminal_observation in the info, one info per env."""
        if self._actions is None:
            raise RuntimeError("step_wait() without step_async()")
        obs, rew, term, trunc, info = self.venv.step(self._actions)
        self._actions = None
        self._masks = info.get("action_mask")
        dones = term | trunc
        infos = split_infos({k: v for k, v in info.items() if k not in ("final_obs", "final_info")}, self.num_envs)
        if dones.any():  # as DummyVecEnv: the step's info with terminal_observation; the reset's apart
            final = split_infos(info["final_info"], self.num_envs)
            for i in np.flatnonzero(dones).tolist():
                self.reset_infos[i] = infos[i]
                infos[i] = {**final[i], "terminal_observation": info["final_obs"][i]}
        for i in range(self.num_envs):
            infos[i]["TimeLimit.truncated"] = bool(trunc[i] and not term[i])
            self._costs[i] += float(infos[i].get("cost", 0.0))
            infos[i]["episode_cost"] = float(self._costs[i])
        self._costs[dones] = 0.0
        return obs, rew.astype(np.float32), dones, infos

    def close(self) -> None:
        """Closes the grouped env."""
        self.venv.close()

    def get_attr(self, attr_name: str, indices: VecEnvIndices = None) -> list[Any]:
        """An attribute of the envs at indices."""
        values = self.venv.get_attr(attr_name)
        return [values[i] for i in self._get_indices(indices)]

    def set_attr(self, attr_name: str, value: Any, indices: VecEnvIndices = None) -> None:
        """Sets an attribute of the envs at indices."""
        idx = list(self._get_indices(indices))
        if len(idx) != self.num_envs:
            current = list(self.venv.get_attr(attr_name))
            for i in idx:
                current[i] = value
            self.venv.set_attr(attr_name, current)
        else:
            self.venv.set_attr(attr_name, [value] * self.num_envs)

    def env_method(self, method_name: str, *method_args: Any, indices: VecEnvIndices = None,
                   **method_kwargs: Any) -> list[Any]:
        """Calls a method of the envs at indices (action_masks comes from the last step's info)."""
        idx = list(self._get_indices(indices))
        if method_name == "action_masks" and not method_args and not method_kwargs and self._masks is not None:
            return [self._masks[i].copy() for i in idx]  # the masks that came with the last step
        values = self.venv.call(method_name, *method_args, **method_kwargs)
        return [values[i] for i in idx]

    def env_is_wrapped(self, wrapper_class: type[gym.Wrapper], indices: VecEnvIndices = None) -> list[bool]:
        """Whether the envs at indices are wrapped in wrapper_class."""
        values = self.venv.env_is_wrapped(wrapper_class)
        return [values[i] for i in self._get_indices(indices)]


def make_sb3_vec(env_id: str, num_envs: int, num_workers: int = 2, context: str = "spawn",
                 **kwargs: Any) -> VecMonitor:
    """`num_envs` copies of a registered env (made with `kwargs`) in `num_workers` processes, as
    an SB3 VecEnv: a GroupedSB3VecEnv (``.unwrapped``) in a VecMonitor that logs each episode's
    return, length and ``episode_cost``."""
    venv = GroupedSB3VecEnv(make_grouped_vec(env_id, num_envs, num_workers, context, AutoresetMode.SAME_STEP,
                                             **kwargs))
    return VecMonitor(venv, info_keywords=("episode_cost",))
