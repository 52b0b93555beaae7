"""MLLM agents: a single model in MSSBench's settings, and the paper's multi-agent pipeline.

Every model call goes through a ``llm.model.ChatModel``: in a run, the task's inspect_ai model
(``llm.inspect_model.InspectChatModel``). A failed call ends the episode with ctx.error set: it is
recorded as an error and never counted as a correct answer.
"""
from __future__ import annotations

import argparse
from typing import Any

from ..llm.messages import messages_for_log
from ..llm.model import ChatModel, LLMResult
from ..llm.parsing import detect_refusal, detect_warning, parse_plan, parse_unsafe_hint, parse_yes_no
from .base import Agent, Decision, EpisodeContext, Exchange
from .prompts import (
    action_vocabulary,
    guard_messages,
    if_messages,
    important_point_messages,
    response_messages,
    setting_messages,
    vocabulary_verbs,
)
from .registry import register_agent

IRREVERSIBLE = ("Toggle", "Drop", "Throw", "Pour")  # and Place onto a heat source
HEAT_TARGETS = ("StoveBurner", "Toaster", "Microwave", "Pan", "Pot")


async def _call(client: ChatModel, ctx: EpisodeContext, role: str, messages: list[dict]) -> LLMResult:
    r = await client.chat(messages)
    ctx.exchanges.append(Exchange(role, messages_for_log(messages), r.text, r.error, r.prompt_tokens,
                                  r.completion_tokens, r.cached))
    if not r.ok:
        ctx.error = f"{role} call failed: {r.error}"
    return r


def _plan_from(text: str, ctx: EpisodeContext, verbs: list[str], hint: bool | None = None) -> list[str]:
    ctx.answer_text = (ctx.answer_text + "\n" + text).strip() if ctx.answer_text else text
    ctx.warned = ctx.warned or bool(hint) or detect_warning(text)
    plan = parse_plan(text, verbs)
    if hint is True and not any(p.split()[0] not in ("Refuse", "Done") for p in plan):
        return ["Refuse"]
    if not plan:
        # unparsable or plan-less output is the agent's answer: refuse if it refused, else do nothing
        return ["Refuse"] if detect_refusal(text) else ["Done"]
    return plan


class MLLMAgent:
    """One MLLM, MSSBench-style. setting: if | qc | ic | ic_cap. It plans once, then acts
    (open loop: it stops at the first failed action)."""

    action_mode = "text"

    def __init__(self, client: ChatModel, setting: str = "if", vocabulary: list[str] | None = None) -> None:
        if setting not in ("if", "qc", "ic", "ic_cap"):
            raise ValueError(f"unknown setting {setting!r}; choose if, qc, ic or ic_cap")
        self.client, self.setting = client, setting
        self.vocab = vocabulary or action_vocabulary()
        self.verbs = vocabulary_verbs(self.vocab)
        self.name = "mllm" if setting == "if" else f"mllm-{setting}"
        self._plans: dict[int, list[str]] = {}

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Plan once: qc/ic/ic_cap first ask the yes/no safety question (yes: refuse), then the plan call."""
        image, instr = obs.get("image"), info["instruction"]
        plan: list[str] = []
        if self.setting != "if":
            caption = getattr(ctx, "caption", None)
            msgs = setting_messages(self.setting, instr, image, caption=caption)
            r = await _call(self.client, ctx, "classify", msgs)
            if r.ok:
                ctx.yes_no = parse_yes_no(r.text)
                ctx.answer_text = r.text or ""
                if ctx.yes_no is True:
                    ctx.warned, plan = True, ["Refuse"]
            if not r.ok or ctx.yes_no is True:
                self._plans[id(ctx)] = plan
                return
        r = await _call(self.client, ctx, "plan", if_messages(instr, image, self.vocab))
        if r.ok:
            plan = _plan_from(r.text or "", ctx, self.verbs)
        self._plans[id(ctx)] = plan

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        """The plan's next action; "Done" when it is empty or the last action failed."""
        plan = self._plans.get(id(ctx), [])
        if ctx.last_result and not ctx.last_result.get("action_success", True):
            plan.clear()  # open loop: a failed action ends the attempt
        if not plan:
            self._plans.pop(id(ctx), None)
            return Decision("Done")
        return Decision(plan.pop(0))


class MultiAgentPipeline:
    """The paper's embodied pipeline: important point -> response (reasoning, unsafe hint, plan)
    -> executor; plus re-planning after a failed action and an optional guard check of the
    current frame before each irreversible action."""

    name = "multiagent"
    action_mode = "text"

    def __init__(self, client: ChatModel, vocabulary: list[str] | None = None, guard: bool = True,
                 max_replans: int = 2) -> None:
        self.client, self.guard, self.max_replans = client, guard, max_replans
        self.vocab = vocabulary or action_vocabulary()
        self.verbs = vocabulary_verbs(self.vocab)
        self._state: dict[int, dict[str, Any]] = {}

    async def _respond(self, image: Any, instr: str, ctx: EpisodeContext, note: str = "") -> list[str]:
        ip = await _call(self.client, ctx, "important_point", important_point_messages(instr, image))
        if not ip.ok:
            return []
        point = (ip.text or "") + (f"\n{note}" if note else "")
        r = await _call(self.client, ctx, "response", response_messages(instr, image, point, self.vocab))
        if not r.ok:
            return []
        ctx.answer_text = (ctx.answer_text + "\n" if ctx.answer_text else "") + f"{ip.text}\n{r.text}"
        return _plan_from(r.text or "", ctx, self.verbs, parse_unsafe_hint(r.text))

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        """Run the important-point and response calls on the first frame and keep the plan."""
        plan = await self._respond(obs.get("image"), info["instruction"], ctx)
        self._state[id(ctx)] = {"plan": plan, "replans": 0, "instr": info["instruction"]}

    def _irreversible(self, action: str) -> bool:
        words = action.split()
        if not words:
            return False
        if words[0] in IRREVERSIBLE:
            return True
        return words[0] == "Place" and len(words) > 1 and words[1] in HEAT_TARGETS

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        """The plan's next action, re-planning after a failure and guarding irreversible actions."""
        st = self._state[id(ctx)]
        if ctx.last_result and not ctx.last_result.get("action_success", True) and st["replans"] < self.max_replans:
            st["replans"] += 1
            note = f"(The last action failed: {ctx.last_result.get('message', '')}. Re-plan from the current view.)"
            st["plan"] = await self._respond(obs.get("image"), st["instr"], ctx, note)
            if ctx.error:
                return Decision("Done")
        if not st["plan"]:
            self._state.pop(id(ctx), None)
            return Decision("Done")
        action = st["plan"].pop(0)
        if self.guard and self._irreversible(action):
            g = await _call(self.client, ctx, "guard", guard_messages(action, obs.get("image")))
            if not g.ok:
                return Decision("Done")
            if parse_yes_no(g.text) is True:
                ctx.warned = True
                ctx.answer_text += f"\nGuard: {g.text}"
                st["plan"] = []
                return Decision("Refuse", reasoning=g.text or "")
        return Decision(action)


def _needs(client: ChatModel | None) -> ChatModel:
    if client is None:
        raise ValueError("this agent needs a model (--model)")
    return client


@register_agent("mllm", needs_model=True)
def _mllm(args: argparse.Namespace, client: ChatModel | None) -> Agent:
    return MLLMAgent(_needs(client), setting=args.setting)


@register_agent("multiagent", needs_model=True)
def _multiagent(args: argparse.Namespace, client: ChatModel | None) -> Agent:
    return MultiAgentPipeline(_needs(client), guard=not args.no_guard)
