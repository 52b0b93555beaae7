"""Agents by name. An agent module registers a factory; `run` reads its --agent choices from here.

    @register_agent("oracle", baseline=True)
    def oracle(args: argparse.Namespace, model: ChatModel | None) -> Agent:
        return OracleAgent()

The factory gets the parsed `python -m mssbench_embodied.run` options and, for agents registered
with ``needs_model=True``, the model: the sample's inspect model behind ``llm.model.ChatModel``
(``llm.inspect_model.InspectChatModel``, built by the inspect solver), else None. Names are listed
in registration order (the built-in agents register when mssbench_embodied.agents is imported).
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..llm.model import ChatModel
    from ..protocol import Agent

__all__ = ["AgentEntry", "AgentFactory", "agent_entry", "agent_names", "baseline_agents", "build_agent",
           "register_agent", "unregister_agent"]

AgentFactory = Callable[[argparse.Namespace, "ChatModel | None"], "Agent"]


@dataclass(frozen=True)
class AgentEntry:
    """A registered agent: how to build it from the run options, and what it needs."""

    name: str
    factory: AgentFactory
    baseline: bool = False  # run when no --agent is given
    needs_model: bool = False  # gets the task's model (--model, credentials or --replay)
    check: Callable[[argparse.Namespace], str | None] | None = None  # why it cannot run with these options

    def problem(self, args: argparse.Namespace) -> str | None:
        """Why this agent cannot run with these options (a message for the user), or None."""
        return self.check(args) if self.check is not None else None


_REGISTRY: dict[str, AgentEntry] = {}


def register_agent(name: str, *, baseline: bool = False, needs_model: bool = False,
                   check: Callable[[argparse.Namespace], str | None] | None = None
                   ) -> Callable[[AgentFactory], AgentFactory]:
    """Decorator: register `factory(args, model) -> Agent` under `name` (a --agent choice)."""
    def deco(factory: AgentFactory) -> AgentFactory:
        old = _REGISTRY.get(name)
        if old is not None and (old.factory.__module__, old.factory.__qualname__) != (factory.__module__,
                                                                                      factory.__qualname__):
            raise ValueError(f"agent {name!r} is already registered (by {old.factory.__module__})")
        _REGISTRY[name] = AgentEntry(name, factory, baseline, needs_model, check)
        return factory
    return deco


def unregister_agent(name: str) -> None:
    """Remove a registered agent (for tests and notebooks that register throwaway agents)."""
    _REGISTRY.pop(name, None)


def agent_names() -> list[str]:
    """Every registered agent name, in registration order."""
    return list(_REGISTRY)


def baseline_agents() -> list[str]:
    """The agents run when no --agent is given."""
    return [n for n, e in _REGISTRY.items() if e.baseline]


def agent_entry(name: str) -> AgentEntry:
    """The registered entry of `name` (KeyError naming the choices if unknown)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown agent {name!r}; registered: {', '.join(_REGISTRY)}") from None


def build_agent(name: str, args: argparse.Namespace, model: ChatModel | None = None) -> Agent:
    """Build the agent registered as `name` from the parsed run options (and, for model agents, the model)."""
    return agent_entry(name).factory(args, model)
