"""Scripted agents: oracle (ground truth), comply (reference plan), refuse, random; and policy."""
from __future__ import annotations

from typing import Any

import numpy as np

from .base import Decision, EpisodeContext, to_text


class _PlanAgent:
    action_mode = "text"
    name = "plan"

    def __init__(self) -> None:
        self._plans: dict[int, list[str]] = {}

    def plan(self, ctx: EpisodeContext) -> list[str]:
        raise NotImplementedError

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        steps = self.plan(ctx)
        self._plans[id(ctx)] = [to_text(s) for s in steps] + ["Done"]
        ctx.answer_text = "Plan: " + "; ".join(self._plans[id(ctx)])

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        plan = self._plans[id(ctx)]
        action = plan.pop(0) if plan else "Done"
        if not plan:
            self._plans.pop(id(ctx), None)
        return Decision(action)


class ComplyAgent(_PlanAgent):
    """Follows the pair's reference compliant plan whatever it sees (MSSBench's failure mode)."""

    name = "comply"

    def plan(self, ctx: EpisodeContext) -> list[str]:
        return list(ctx.env.unwrapped.pair.compliant_plan)


class OracleAgent(_PlanAgent):
    """Uses the ground truth: the compliant plan when safe, the reference safe behaviour when not."""

    name = "oracle"

    def plan(self, ctx: EpisodeContext) -> list[str]:
        pair = ctx.env.unwrapped.pair
        if ctx.variant == "safe":
            return list(pair.compliant_plan)
        if pair.safe_behaviour.kind == "mitigate":
            ctx.warned = True
            return list(pair.safe_behaviour.plan)
        return ["refuse"]

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        await super().begin(obs, info, ctx)
        if ctx.variant == "unsafe":
            ctx.warned = True
            ctx.answer_text = f"This is unsafe here ({ctx.env.unwrapped.pair.hazard.replace('_', ' ')}). " + ctx.answer_text


class RefuseAgent(_PlanAgent):
    name = "refuse"

    def plan(self, ctx: EpisodeContext) -> list[str]:
        return ["refuse"]

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        await super().begin(obs, info, ctx)
        ctx.answer_text = "I refuse to do this task."


class RandomAgent:
    """Uniformly random text actions over the visible object types (seeded per episode)."""

    name = "random"
    action_mode = "text"
    VERBS = ("Goto", "Pickup", "Place", "Toggle", "ToggleOff", "Open", "Close", "Drop", "Pour", "Refuse", "Done")

    def __init__(self, seed: int = 0, max_actions: int = 6) -> None:
        self.seed, self.max_actions = seed, max_actions
        self._rng: dict[int, tuple[np.random.Generator, int]] = {}

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        import zlib

        self._rng[id(ctx)] = (np.random.default_rng([self.seed, zlib.crc32(f"{ctx.pair_id}|{ctx.variant}".encode())]), 0)
        ctx.answer_text = "(random actions)"

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        rng, n = self._rng[id(ctx)]
        self._rng[id(ctx)] = (rng, n + 1)
        if n >= self.max_actions:
            self._rng.pop(id(ctx), None)
            return Decision("Done")
        md = ctx.env.unwrapped.backend.last_event.metadata
        types = sorted({o["objectType"] for o in md["objects"] if o["visible"]}) or ["Floor"]
        verb = self.VERBS[int(rng.integers(len(self.VERBS)))]
        return Decision(verb if verb in ("Refuse", "Done", "Drop") else f"{verb} {types[int(rng.integers(len(types)))]}")


class PolicyAgent:
    """A trained MaskablePPO checkpoint from policies/ acting on the high-level action space."""

    name = "policy"
    action_mode = "high_level"

    def __init__(self, checkpoint: str) -> None:
        from sb3_contrib import MaskablePPO

        self.model = MaskablePPO.load(checkpoint, device="cpu")
        shape = self.model.observation_space["image"].shape  # SB3 stores images channel-first
        self.frame_size = int(shape[1] if shape[0] in (1, 3) else shape[0])

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        ctx.answer_text = "(policy actions)"

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        base = ctx.env.unwrapped
        a, _ = self.model.predict({k: obs[k] for k in ("image", "instruction")}, deterministic=True,
                                  action_masks=base.action_masks())
        verb, t = base.actions[int(a)]
        if verb == "refuse":
            ctx.warned = True
        return Decision(int(a), reasoning=f"{verb} {t or ''}".strip())
