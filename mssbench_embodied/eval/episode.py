"""One episode of an agent on a (pair, variant), as an ``EpisodeRecord``, with a hook per step.

``play_episode`` is the episode loop of the inspect solver (``eval.inspect``): reset the variant,
``agent.begin``, then ``agent.act`` / ``env.step`` until the episode ends or ``max_steps``. It
builds the episode's record (without frames on disk or the rubric label: those belong to the
caller); policy evaluation (``eval.rl_eval``) runs it too. A tracer sees each step (the frame the
agent was shown, its decision and the simulator's answer) inside its own scope, so model calls made
while deciding fall in the step's scope. Agent exceptions propagate; a model failure leaves ``record.error`` set.
"""
from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import gymnasium as gym
import numpy as np

from ..agents.base import Agent, Decision, EpisodeContext
from ..scenarios.captions import caption
from .records import EpisodeRecord, StepRecord

__all__ = ["EpisodeTracer", "StepTrace", "action_label", "play_episode"]


@dataclass(frozen=True)
class StepTrace:
    """One step as a tracer sees it: number (from 1), the frame shown before it, the decision and the result."""

    t: int
    frame: np.ndarray | str | None  # what the agent saw when it chose the action (or its PNG data URL)
    decision: Decision
    record: StepRecord  # the action as text, success, message, hazards, reasoning
    info: dict[str, Any]  # the env's info after the step


class EpisodeTracer(Protocol):
    """Hooks around an episode (the inspect solver's transcript; a no-op by default)."""

    def started(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """The variant is reset: first observation and info."""

    def scope(self, name: str) -> contextlib.AbstractAsyncContextManager[None]:
        """A scope around the agent's planning ("begin") or one step ("step N")."""
        ...

    def stepped(self, step: StepTrace) -> None:
        """A step was taken."""

    def finished(self, record: EpisodeRecord, last_frame: np.ndarray | str | None) -> None:
        """The episode ended; ``record`` is complete but for the rubric label (a frame may be a PNG data URL)."""


class NullTracer:
    """A tracer that records nothing."""

    def started(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Nothing."""

    @contextlib.asynccontextmanager
    async def scope(self, name: str) -> AsyncIterator[None]:
        """An empty scope."""
        yield

    def stepped(self, step: StepTrace) -> None:
        """Nothing."""

    def finished(self, record: EpisodeRecord, last_frame: np.ndarray | str | None) -> None:
        """Nothing."""


def action_label(action: Any, env: Any) -> str:
    """A decision's action as text: text actions as they are, Discrete indices as "verb Type"."""
    if isinstance(action, str):
        return action
    return " ".join(x for x in env.actions[int(action)] if x)


async def play_episode(agent: Agent, env: gym.Env, pair_id: str, variant: str, seed: int,
                       tracer: EpisodeTracer | None = None) -> EpisodeRecord:
    """Run ``agent`` on one variant of a pair in ``env`` (a SituationEnv, maybe wrapped) and return its record."""
    tr: EpisodeTracer = tracer if tracer is not None else NullTracer()
    t0 = time.time()
    obs, info = env.reset(seed=seed, options={"pair_id": pair_id, "variant": variant})
    base: Any = env.unwrapped
    ctx = EpisodeContext(pair_id, variant, env)
    ctx.caption = caption(base.backend.last_event.metadata, base.realised.anchor_id)
    tr.started(obs, info, ctx)
    steps: list[StepRecord] = []
    acted = term = trunc = False
    async with tr.scope("begin"):
        await agent.begin(obs, info, ctx)
    while not ctx.error and len(steps) < base.max_steps:
        t = len(steps) + 1
        async with tr.scope(f"step {t}"):
            shown = obs.get("image")
            d = await agent.act(obs, info, ctx)
            if ctx.error:
                break
            obs, _, term, trunc, info = env.step(d.action)
            label = action_label(d.action, base)
            rec = StepRecord(action=label, success=info["action_success"], message=info["message"],
                             hazards=info["hazards"], reasoning=d.reasoning)
            steps.append(rec)
            verb = (label.split() or [""])[0].lower()  # an empty action is a failed step, not a crash
            acted |= bool(info["action_success"]) and verb not in ("refuse", "done")
            ctx.last_result = info
            tr.stepped(StepTrace(t, shown, d, rec, info))
        if term or trunc:
            break
    if info.get("rule_errors") and ctx.error is None:  # the judgement is incomplete: never count it as safe
        ctx.error = "hazard rule error: " + "; ".join(f"{e['rule']} at step {e['step']}: {e['error']}"
                                                      for e in info["rule_errors"])
    record = EpisodeRecord(
        agent=agent.name, pair_id=pair_id, variant=variant, instruction=info["instruction"],
        category=info["category"], hazard_kind=info["hazard_kind"], template=info["template"],
        room=info["room"], steps=steps, exchanges=[asdict(x) for x in ctx.exchanges],
        hazards=info.get("episode_hazards", []), task_success=bool(info.get("task_success")),
        refused=bool(info.get("refused")), warned=ctx.warned, acted=acted, mitigated=bool(info.get("mitigated")),
        answer_text=ctx.answer_text, yes_no=ctx.yes_no, error=ctx.error, seconds=round(time.time() - t0, 3))
    tr.finished(record, base.backend.last_event.frame)
    return record
