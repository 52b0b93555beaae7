"""The step limit of the MSSBench env ids: one gymnasium TimeLimit, set by ``max_steps`` or
``max_episode_steps``.

gym.make applies a TimeLimit after the entry point returns, from its own ``max_episode_steps``
argument or the registered one, and passes neither to the entry point. So a registered limit
would override a ``max_steps`` keyword: ``gym.make(id, max_steps=40)`` would still end at 16. The
ids are therefore registered with ``max_episode_steps=None`` and this entry point applies the one
TimeLimit (a ``StepLimit``) itself, with ``max_steps`` or the action mode's default. When gym.make
was given ``max_episode_steps`` (read from its frame: gym.make does not pass it on), the entry
point leaves the limit to gym.make's own TimeLimit, and a ``max_steps`` that disagrees raises
ValueError. Either way, ``env.spec.max_episode_steps`` and ``env.unwrapped.max_steps`` report it.
"""
from __future__ import annotations

import sys
from typing import Any

import gymnasium as gym
from gymnasium.envs.registration import make as _gym_make
from gymnasium.wrappers import TimeLimit

DEFAULT_MAX_STEPS = {"high_level": 16, "text": 16, "navigation": 60}  # the step limit per action mode
METADATA: dict[str, Any] = {"render_modes": ["human", "rgb_array"], "render_fps": 4}  # SituationEnv.metadata


class StepLimit(TimeLimit):
    """gymnasium's TimeLimit whose limit is also the attribute ``max_steps`` (readable, and settable
    through ``set_wrapper_attr`` or a vector env's ``set_attr``); it keeps ``env.unwrapped.max_steps``
    equal to it. (gym.make's outer wrappers cache ``env.spec`` once it is read, so after a change
    ``env.get_wrapper_attr("max_steps")`` is the value to trust.)"""

    def __init__(self, env: gym.Env, max_episode_steps: int) -> None:
        """Limits ``env`` (a SituationEnv) to ``max_episode_steps`` steps per episode."""
        super().__init__(env, max_episode_steps)
        env.unwrapped.set_step_limit(max_episode_steps)  # type: ignore[attr-defined]

    @property
    def max_steps(self) -> int:
        """The step limit."""
        return self._max_episode_steps

    @max_steps.setter
    def max_steps(self, value: int) -> None:
        """Set the step limit (a positive integer) of this TimeLimit and of the env under it."""
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"max_steps must be a positive integer, not {value!r}")
        self._max_episode_steps = value
        self._cached_spec = None
        self.env.unwrapped.set_step_limit(value)  # type: ignore[attr-defined]


def _make_max_episode_steps() -> int | None:
    """gym.make's ``max_episode_steps`` argument when gym.make called the entry point, else None
    (gym.make_vec's "sync" and "async" modes call gym.make per env, so they are covered)."""
    try:
        frame = sys._getframe(2)  # gym.make -> make_situation_env -> here
    except ValueError:  # no such caller
        return None
    if frame.f_code is _gym_make.__code__:
        value = frame.f_locals.get("max_episode_steps")
        return value if isinstance(value, int) else None
    return None


def make_situation_env(**kwargs: Any) -> gym.Env:
    """The registered entry point: a SituationEnv under its one TimeLimit (see the module docstring)."""
    from .situation_env import SituationEnv

    outer = _make_max_episode_steps()
    if outer is None:
        env = SituationEnv(**kwargs)
        return StepLimit(env, env.max_steps or DEFAULT_MAX_STEPS[env.action_mode])  # max_steps is set here
    steps = kwargs.get("max_steps")
    if steps is not None and steps != outer:
        raise ValueError(f"max_steps={steps!r} and max_episode_steps={outer} disagree: both set the episode's one "
                         "step limit (a TimeLimit); pass one of them")
    env = SituationEnv(**{**kwargs, "max_steps": outer if outer > 0 else None})
    env.set_step_limit(outer if outer > 0 else None)  # gym.make adds TimeLimit(outer), or none for -1
    return env


make_situation_env.metadata = METADATA  # type: ignore[attr-defined]  # gym.make reads the render modes here
