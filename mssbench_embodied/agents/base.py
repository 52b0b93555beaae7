"""The agent interface (the "solver"): sees frames + instruction, returns text actions.

An agent is driven by eval.episode.play_episode one episode at a time:
    await agent.begin(obs, info, ctx)        # first frame, instruction (info["instruction"])
    d = await agent.act(obs, info, ctx)      # repeated: a Decision with the next text action
Actions are text in the env's text mode ("Toggle Faucet", "Refuse", "Done"); agents that act on
the high-level Discrete space (trained policies) set `action_mode = "high_level"`.
The Agent protocol and its data types are defined in mssbench_embodied.protocol (re-exported here).
"""
from __future__ import annotations

from ..protocol import Agent, Decision, EpisodeContext, Exchange
from ..scenarios.verbs import VERB

__all__ = ["Agent", "Decision", "EpisodeContext", "Exchange", "to_text"]


def to_text(step: str) -> str:
    """A reference-plan step ("toggle_on Faucet") as a text action ("Toggle Faucet")."""
    verb, *rest = step.split()
    return " ".join([VERB[verb].word, *rest])
