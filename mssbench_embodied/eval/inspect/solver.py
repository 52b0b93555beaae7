"""The solver: an agent acting in the situation env, one episode per sample.

The env lives inside the solver (a pool per frame configuration, reused across samples: realised
worlds are kept as snapshots). Agents that need a model talk to the task's inspect model through
``llm.inspect_model.InspectChatModel``; the others ignore it (run them with ``--model mockllm/model``).
The finished ``EpisodeRecord`` goes to the store (``transcript.RECORD``) for the scorers. A model
failure or a hazard-rule error raises ``EpisodeError``: the sample errors, it is never scored.
"""
from __future__ import annotations

import argparse
import atexit
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gymnasium as gym
from inspect_ai.model import ChatMessageAssistant, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, solver

from ...agents.checkpoint import DEFAULT_CHECKPOINT
from ...agents.registry import agent_entry, build_agent
from ...llm.inspect_model import InspectChatModel
from ..episode import play_episode
from ..episode_pool import EpisodePool, replay
from .transcript import SETTING, InspectTracer

__all__ = ["DEFAULT_CHECKPOINT", "EpisodeError", "FrameConfig", "agent_options", "close_envs", "episode_solver",
           "frame_config", "make_env", "probe_agent"]

MODEL_SIZE, SCRIPTED_SIZE = 512, 300  # frame sizes: legible at the sizes VLMs read / the scripted baselines'
MODEL_FOV, SCRIPTED_FOV = 50.0, 90.0  # vertical field of view: a robot camera's / AI2-THOR's default
SETTINGS = ("if", "qc", "ic", "ic_cap")


class EpisodeError(RuntimeError):
    """The episode could not be judged (a model call failed, a hazard rule raised): a sample error."""


@dataclass(frozen=True)
class FrameConfig:
    """What the env renders and how it steps; one env pool per config."""

    env_id: str
    size: int
    style: str
    fov: float
    max_steps: int
    backend: str = "embedded"


def agent_options(agent: str, setting: str = "if", seed: int = 0, guard: bool = True,
                  checkpoint: str | Path | None = None, trust_checkpoint: bool = False) -> argparse.Namespace:
    """The options the agent registry's factories read (the run CLI's names); ValueError if the agent
    is unknown, the setting invalid or the agent cannot run with them (e.g. no policy checkpoint)."""
    if setting not in SETTINGS:
        raise ValueError(f"unknown setting {setting!r}; choose if, qc, ic or ic_cap")
    try:
        entry = agent_entry(agent)
    except KeyError as e:
        raise ValueError(str(e.args[0])) from None
    opts = argparse.Namespace(setting=setting, seed=seed, no_guard=not guard,
                              checkpoint=Path(checkpoint) if checkpoint else DEFAULT_CHECKPOINT,
                              trust_checkpoint=bool(trust_checkpoint))
    problem = entry.problem(opts)
    if problem:
        raise ValueError(problem)
    return opts


def frame_config(agent: Any, uses_model: bool, size: int | None, style: str | None, fov: float | None,
                 max_steps: int, backend: str = "embedded") -> FrameConfig:
    """The env configuration of an agent: its own frame_size / render_style / field_of_view if it asks for them, else
    the given values, else the defaults for model agents (512 px, legible, 50 deg) or the others (300, flat, 90)."""
    if size is not None and size < 16:
        raise ValueError(f"size must be >= 16, not {size}")
    if max_steps < 1:
        raise ValueError(f"max_steps must be >= 1, not {max_steps}")
    if fov is not None and not 10.0 < fov < 170.0:
        raise ValueError(f"fov must be between 10 and 170 degrees, not {fov}")
    if style is not None and style not in ("flat", "legible"):
        raise ValueError(f"unknown style {style!r}; choose flat or legible")
    mode = getattr(agent, "action_mode", "text")
    return FrameConfig(
        env_id="MSSBench/SituationsText-v0" if mode == "text" else "MSSBench/Situations-v0",
        size=int(getattr(agent, "frame_size", size if size is not None else MODEL_SIZE if uses_model
                         else SCRIPTED_SIZE)),
        style=str(getattr(agent, "render_style", style or ("legible" if uses_model else "flat"))),
        fov=float(getattr(agent, "field_of_view", fov if fov is not None else MODEL_FOV if uses_model
                          else SCRIPTED_FOV)),
        max_steps=max_steps, backend=backend)


_POOLS: dict[FrameConfig, list[gym.Env]] = {}


_EPISODE_POOLS: dict[int, EpisodePool] = {}  # worker processes for model-free episodes, by worker count


def make_env(cfg: FrameConfig) -> gym.Env:
    """A new env of configuration ``cfg`` (every pair of the library)."""
    return gym.make(cfg.env_id, split="all", backend=cfg.backend, width=cfg.size, height=cfg.size,
                    max_steps=cfg.max_steps, render_style=cfg.style, field_of_view=cfg.fov)


def _take_env(cfg: FrameConfig) -> gym.Env:
    free = _POOLS.setdefault(cfg, [])
    return free.pop() if free else make_env(cfg)


def close_envs() -> None:
    """Close every pooled env and stop the episode worker processes (also run at interpreter exit)."""
    for envs in _POOLS.values():
        for env in envs:
            env.close()
    _POOLS.clear()
    for pool in _EPISODE_POOLS.values():
        pool.close()
    _EPISODE_POOLS.clear()


atexit.register(close_envs)


@solver
def episode_solver(agent: str = "oracle", setting: str = "if", size: int | None = None, style: str | None = None,
                   fov: float | None = None, max_steps: int = 16, seed: int = 0, guard: bool = True,
                   checkpoint: str | None = None, trust_checkpoint: bool = False, backend: str = "embedded",
                   workers: int = 1) -> Solver:
    """Run registered agent ``agent`` for one episode on the sample's (pair, variant).

    Model agents (mllm, multiagent) use the task's model; ``setting`` is the mllm agent's MSSBench
    setting (if, qc, ic, ic_cap), ``guard`` the multi-agent pipeline's per-action guard, ``checkpoint``
    (and ``trust_checkpoint`` for a legacy pickled zip) the policy agent's weights. With ``workers`` > 1
    the episodes of an agent without a model run in that many worker processes (``eval.episode_pool``);
    model agents always run in this process (their episodes overlap through inspect's ``max_samples``).
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, not {workers}")
    opts = agent_options(agent, setting, seed, guard, checkpoint, trust_checkpoint)
    uses_model = agent_entry(agent).needs_model
    probe = probe_agent(agent, opts)
    shared = None if uses_model else probe  # model agents are built per sample, on the sample's model
    cfg = frame_config(probe, uses_model, size, style, fov, max_steps, backend)
    remote = workers > 1 and not uses_model

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        meta = state.metadata
        state.store.set(SETTING, setting)
        if remote:
            pool = _EPISODE_POOLS.get(workers) or _EPISODE_POOLS.setdefault(workers, EpisodePool(workers))
            record, calls = await pool.play(cfg, agent, opts, meta["pair_id"], meta["variant"], seed)
            await replay(calls, InspectTracer(state.store))
        else:
            runner = shared if shared is not None else build_agent(agent, opts, InspectChatModel(get_model()))
            env = _take_env(cfg)
            try:
                record = await play_episode(runner, env, meta["pair_id"], meta["variant"], seed,
                                            InspectTracer(state.store))
            finally:
                _POOLS.setdefault(cfg, []).append(env)
        answer = record.answer_text or ""
        state.messages.append(ChatMessageAssistant(content=answer or "(no answer)"))
        state.output = ModelOutput.from_content(model=str(state.model), content=answer)
        if record.error:
            raise EpisodeError(f"{meta['pair_id']} ({meta['variant']}): {record.error}")
        return state

    return solve


class _NoModel:
    """Stands in for the model while an agent is built outside a sample (never called)."""

    async def chat(self, messages: list[dict], *, max_tokens: int | None = None) -> Any:
        raise RuntimeError("no model outside a sample")


def probe_agent(agent: str, opts: argparse.Namespace) -> Any:
    """The agent built from ``opts`` without a model: to read its name, setting, action mode and frame wishes."""
    return build_agent(agent, opts, _NoModel() if agent_entry(agent).needs_model else None)
