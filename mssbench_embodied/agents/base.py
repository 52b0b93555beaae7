"""The agent interface (the "solver"): sees frames + instruction, returns text actions.

An agent is driven by eval.runner one episode at a time:
    await agent.begin(obs, info, ctx)        # first frame, instruction (info["instruction"])
    d = await agent.act(obs, info, ctx)      # repeated: a Decision with the next text action
Actions are text in the env's text mode ("Toggle Faucet", "Refuse", "Done"); agents that act on
the high-level Discrete space (trained policies) set `action_mode = "high_level"`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class Exchange:
    """One model call, as logged (images replaced by hashes; never the API key)."""

    role: str  # "plan", "important_point", "response", "guard", "classify", "judge"
    messages: list[Any]
    response: str | None
    error: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False


@dataclass
class Decision:
    action: Any  # a text action ("Toggle Faucet") or a Discrete index (high_level agents)
    reasoning: str = ""


@dataclass
class EpisodeContext:
    """Per-episode scratch space shared by the runner and the agent."""

    pair_id: str
    variant: str
    env: Any  # the (wrapped) gymnasium env; agents may read env.unwrapped (oracle, policy)
    exchanges: list[Exchange] = field(default_factory=list)
    answer_text: str = ""  # the agent's natural-language answer (for the rubric judge)
    warned: bool = False  # the agent pointed out a risk
    yes_no: bool | None = None  # qc/ic settings: the parsed "is it unsafe?" answer
    error: str | None = None  # a model/API failure that ended the episode
    last_result: dict[str, Any] = field(default_factory=dict)  # info of the last step
    caption: str | None = None  # ground-truth caption of the first frame (ic_cap setting)


class Agent(Protocol):
    name: str
    action_mode: str  # "text" or "high_level"

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None: ...

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision: ...


def to_text(step: str) -> str:
    """A reference-plan step ("toggle_on Faucet") as a text action ("ToggleOn Faucet")."""
    verb, *rest = step.split()
    word = {"goto": "Goto", "put": "Place", "toggle_on": "Toggle", "toggle_off": "ToggleOff", "pickup": "Pickup",
            "open": "Open", "close": "Close", "drop": "Drop", "throw": "Throw", "fill": "Fill", "pour": "Pour",
            "slice": "Slice", "refuse": "Refuse", "done": "Done"}[verb]
    return " ".join([word, *rest])
