"""Agents: the Agent protocol (mssbench_embodied.protocol), scripted baselines, the policy agent and
MLLM agents, registered by name (agents/registry.py). Importing this package registers them all."""
from __future__ import annotations

from . import scripted  # noqa: F401  (registers oracle, comply, refuse, random, policy)

# isort: split
from . import mllm  # noqa: F401  (registers mllm, multiagent: after the scripted agents, as --agent lists them)
from .base import Agent, Decision, EpisodeContext, Exchange
from .registry import (
    AgentEntry,
    agent_entry,
    agent_names,
    baseline_agents,
    build_agent,
    register_agent,
    unregister_agent,
)

__all__ = ["Agent", "AgentEntry", "Decision", "EpisodeContext", "Exchange", "agent_entry", "agent_names",
           "baseline_agents", "build_agent", "register_agent", "unregister_agent"]
