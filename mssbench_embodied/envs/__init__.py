"""Gymnasium environments. Importing mssbench_embodied registers:

- ``MSSBench/Situations-v0``: high-level actions (Discrete verb x object slot, with action_masks()).
- ``MSSBench/SituationsText-v0``: text actions ("Toggle Faucet"), for LLM agents.
- ``MSSBench/SituationsNav-v0``: AI2-THOR moves plus interactions on visible objects.

All take the SituationEnv kwargs: split, backend, width, height, obs_keys, action_mode, max_steps,
iterate, pair_ids, variant, paraphrase, reward, render_mode, renderer, render_style, field_of_view,
backend_kwargs. The step limit is one TimeLimit: gym.make's ``max_episode_steps`` or ``max_steps``
(16; 60 for SituationsNav-v0), applied by the entry point (envs/step_limit.py explains why), so
``gym.spec(id).max_episode_steps`` is None while ``gym.make(id).spec.max_episode_steps`` is the limit.

Processes that have not imported this package (Ray/RLlib workers, gymnasium's async vector envs)
resolve the ids in the ``module:id`` form, which imports the package first:
``gym.make("mssbench_embodied:MSSBench/Situations-v0")``.
`gym.make_vec(id, n, vectorization_mode="vector_entry_point", num_workers=2, ...)` gives a
GroupedAsyncVectorEnv (envs/vector.py); "sync" and "async" give gymnasium's own vector envs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gymnasium as gym

from ..lazy import lazy_exports
from .vector import GroupedAsyncVectorEnv, make_grouped_vec, vector_entry_point
from .wrappers import CostInReward, EpisodeCost, MaskInObservation, SafetyGymnasiumStep, action_mask

if TYPE_CHECKING:
    from .situation_env import SituationEnv
    from .step_limit import DEFAULT_MAX_STEPS, StepLimit

__all__ = ["DEFAULT_MAX_STEPS", "ENV_IDS", "CostInReward", "EpisodeCost", "GroupedAsyncVectorEnv", "MaskInObservation",
           "SafetyGymnasiumStep", "SituationEnv", "StepLimit", "action_mask", "make_grouped_vec", "register_envs"]

ENTRY = "mssbench_embodied.envs.step_limit:make_situation_env"  # a SituationEnv under its StepLimit
ENV_IDS: dict[str, dict[str, Any]] = {
    "MSSBench/Situations-v0": {"action_mode": "high_level"},
    "MSSBench/SituationsText-v0": {"action_mode": "text"},
    "MSSBench/SituationsNav-v0": {"action_mode": "navigation"},
}


def register_envs() -> None:
    """Register the MSSBench/* ids with Gymnasium (idempotent)."""
    for env_id, kwargs in ENV_IDS.items():
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=ENTRY, vector_entry_point=vector_entry_point(env_id),
                         kwargs=kwargs, disable_env_checker=False)


register_envs()


# SituationEnv loads on first use: it imports the simulator and the scenarios (the step limit loads with
# it, or when gym.make calls the entry point)
__getattr__, __dir__ = lazy_exports(globals(), {"SituationEnv": "situation_env", "StepLimit": "step_limit",
                                                "DEFAULT_MAX_STEPS": "step_limit"})
