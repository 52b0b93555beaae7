"""Scripted agents: oracle (ground truth), comply (reference plan), refuse, random; and policy."""
from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..scenarios.verbs import VERB
from .base import Agent, Decision, EpisodeContext, to_text
from .registry import register_agent


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
        """The pair's compliant plan, in either variant."""
        return list(ctx.env.unwrapped.pair.compliant_plan)


class OracleAgent(_PlanAgent):
    """Uses the ground truth: the compliant plan when safe, the reference safe behaviour when not."""

    name = "oracle"

    def plan(self, ctx: EpisodeContext) -> list[str]:
        """Safe: the compliant plan; unsafe: the mitigation plan (warning), else ["refuse"]."""
        pair = ctx.env.unwrapped.pair
        if ctx.variant == "safe":
            return list(pair.compliant_plan)
        if pair.safe_behaviour.kind == "mitigate":
            ctx.warned = True
            return list(pair.safe_behaviour.plan)
        return ["refuse"]

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Plan the episode; in the unsafe variant, warn about the pair's hazard in the answer."""
        await super().begin(obs, info, ctx)
        if ctx.variant == "unsafe":
            ctx.warned = True
            hazard = ctx.env.unwrapped.pair.hazard.replace("_", " ")
            ctx.answer_text = f"This is unsafe here ({hazard}). " + ctx.answer_text


class RefuseAgent(_PlanAgent):
    """Refuses every task, safe or not (the over-cautious baseline)."""

    name = "refuse"

    def plan(self, ctx: EpisodeContext) -> list[str]:
        """Always ["refuse"]."""
        return ["refuse"]

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Plan the refusal and answer with a refusal sentence."""
        await super().begin(obs, info, ctx)
        ctx.answer_text = "I refuse to do this task."


class RandomAgent:
    """Uniformly random text actions over the visible object types (seeded per episode)."""

    name = "random"
    action_mode = "text"
    # the verbs it draws, in draw order (a seeded run's actions depend on it); it draws no throw, fill or slice
    DRAWN = ("goto", "pickup", "put", "toggle_on", "toggle_off", "open", "close", "drop", "pour", "refuse", "done")
    VERBS = tuple(VERB[v].word for v in DRAWN)  # as text-action words
    BARE = frozenset(VERB[v].word for v in DRAWN if not VERB[v].takes_object)  # drawn without an object

    def __init__(self, seed: int = 0, max_actions: int = 6) -> None:
        self.seed, self.max_actions = seed, max_actions
        self._rng: dict[int, tuple[np.random.Generator, int]] = {}

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Seed this episode's generator from the agent seed, the pair id and the variant."""
        import zlib

        key = zlib.crc32(f"{ctx.pair_id}|{ctx.variant}".encode())
        self._rng[id(ctx)] = (np.random.default_rng([self.seed, key]), 0)
        ctx.answer_text = "(random actions)"

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        """A random drawn verb on a random visible object type; "Done" after max_actions."""
        rng, n = self._rng[id(ctx)]
        self._rng[id(ctx)] = (rng, n + 1)
        if n >= self.max_actions:
            self._rng.pop(id(ctx), None)
            return Decision("Done")
        md = ctx.env.unwrapped.backend.last_event.metadata
        types = sorted({o["objectType"] for o in md["objects"] if o["visible"]}) or ["Floor"]
        verb = self.VERBS[int(rng.integers(len(self.VERBS)))]
        return Decision(verb if verb in self.BARE else f"{verb} {types[int(rng.integers(len(types)))]}")


class PolicyAgent:
    """A trained MaskablePPO checkpoint from policies/ acting on the high-level action space."""

    name = "policy"
    action_mode = "high_level"

    def __init__(self, checkpoint: str | Path | Any, trust_checkpoint: bool = False,
                 shifts: Sequence[int] | None = None) -> None:
        """`checkpoint`: a weights-only checkpoint path (agents/checkpoint.py), or a loaded model (as
        during training). A legacy SB3 .zip (pickle: runs code) loads only with `trust_checkpoint`.
        `shifts`: test-time augmentation (agents/tta.py; ``(0,)``: none); default: the checkpoint's own
        ``test_time_shifts``, else none. An ensemble checkpoint acts on its members' mean distribution."""
        from .checkpoint import DEFAULT_FOV
        from .tta import checkpoint_shifts, parse_shifts

        if isinstance(checkpoint, (str, Path)):
            from .checkpoint import load_policy

            self.model = load_policy(checkpoint, trust=trust_checkpoint)
        else:
            self.model = checkpoint
        self.shifts = checkpoint_shifts(self.model) if shifts is None else parse_shifts(list(shifts), "shifts")
        self.policies: list[Any] = list(getattr(self.model, "policies", None) or [getattr(self.model, "policy", None)])
        if self.shifts != (0,) and not hasattr(self.policies[0], "get_distribution"):
            raise ValueError(f"test-time augmentation (shifts {list(self.shifts)}) needs a Stable-Baselines3 "
                             f"maskable policy, not {type(self.model).__name__}")
        obs_space: Any = self.model.observation_space  # a spaces.Dict
        shape = obs_space["image"].shape  # SB3 stores images channel-first
        self.frame_size = int(shape[1] if shape[0] in (1, 3) else shape[0])
        # the render style it was trained on: training stores it on the model (saved with it);
        # checkpoints from before render styles saw flat frames
        self.render_style: str = str(getattr(self.model, "render_style", "flat"))
        # and the camera's field of view (checkpoints that do not record it saw SituationEnv's default)
        self.field_of_view: float = float(getattr(self.model, "field_of_view", DEFAULT_FOV))

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Nothing to plan: the policy acts step by step."""
        ctx.answer_text = "(policy actions)"

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        """The model's deterministic masked action index (the mean distribution over shifted views with
        test-time augmentation, and over an ensemble's members); choosing refuse counts as a warning."""
        base = ctx.env.unwrapped
        seen = {k: obs[k] for k in ("image", "instruction")}
        if self.shifts == (0,) and len(self.policies) == 1:
            a, _ = self.model.predict(seen, deterministic=True, action_masks=base.action_masks())
        else:
            from .tta import tta_action

            a = tta_action(self.policies, seen, base.action_masks(), self.shifts)
        verb, t = base.actions[int(a)]
        if verb == "refuse":
            ctx.warned = True
        return Decision(int(a), reasoning=f"{verb} {t or ''}".strip())


# --agent choices, in the order `run` lists them (see agents/registry.py)
@register_agent("oracle", baseline=True)
def _oracle(args: argparse.Namespace, client: Any) -> Agent:
    return OracleAgent()


@register_agent("comply", baseline=True)
def _comply(args: argparse.Namespace, client: Any) -> Agent:
    return ComplyAgent()


@register_agent("refuse", baseline=True)
def _refuse(args: argparse.Namespace, client: Any) -> Agent:
    return RefuseAgent()


@register_agent("random", baseline=True)
def _random(args: argparse.Namespace, client: Any) -> Agent:
    return RandomAgent(seed=args.seed)


def _checkpoint_problem(args: argparse.Namespace) -> str | None:
    from .checkpoint import checkpoint_problem

    return checkpoint_problem(args.checkpoint, trust=bool(getattr(args, "trust_checkpoint", False)))


@register_agent("policy", check=_checkpoint_problem)
def _policy(args: argparse.Namespace, client: Any) -> Agent:
    return PolicyAgent(str(args.checkpoint), trust_checkpoint=bool(getattr(args, "trust_checkpoint", False)))
