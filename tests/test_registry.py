"""The agent registry: `run` takes its --agent choices, defaults, checks and agents from it."""
from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mssbench_embodied import run
from mssbench_embodied.agents import (
    Decision,
    EpisodeContext,
    agent_entry,
    agent_names,
    baseline_agents,
    register_agent,
    unregister_agent,
)
from mssbench_embodied.agents.scripted import OracleAgent, RandomAgent

PAIR = "faucet_electronics.kitchen_val09.CellPhone-Mug"


class Idle:
    """A text agent that only says Done."""

    name, action_mode = "idle", "text"

    async def begin(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> None:
        ctx.answer_text = "(idle)"

    async def act(self, obs: dict[str, Any], info: dict[str, Any], ctx: EpisodeContext) -> Decision:
        return Decision("Done")


@pytest.fixture
def idle() -> Iterator[str]:
    @register_agent("idle", check=lambda args: "idle needs --seed 7" if args.seed != 7 else None)
    def make_idle(args: argparse.Namespace, client: Any) -> Idle:
        return Idle()

    yield "idle"
    unregister_agent("idle")


def test_builtin_agents_in_cli_order() -> None:
    assert agent_names()[:7] == ["oracle", "comply", "refuse", "random", "policy", "mllm", "multiagent"]
    assert baseline_agents() == ["oracle", "comply", "refuse", "random"]
    assert [n for n in agent_names() if agent_entry(n).needs_model] == ["mllm", "multiagent"]


def test_factories_get_the_parsed_options() -> None:
    agent = run.build_agent("random", run.parse_args(["--agent", "random", "--seed", "5"]), None)
    assert isinstance(agent, RandomAgent) and agent.seed == 5
    assert isinstance(run.build_agent("oracle", run.parse_args([]), None), OracleAgent)
    with pytest.raises(KeyError, match="unknown agent 'nope'"):
        agent_entry("nope")


def test_mllm_factories_need_a_model() -> None:
    with pytest.raises(ValueError, match="needs a model"):
        run.build_agent("mllm", run.parse_args(["--agent", "mllm"]), None)


def test_a_registered_agent_runs_through_the_cli(idle: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert idle in agent_names() and idle not in baseline_agents()
    args = ["--agent", idle, "--pairs", PAIR, "--size", "32", "--no-progress"]
    assert run.main([*args, "--out", str(tmp_path / "a")]) == 2  # its check fails
    assert "idle needs --seed 7" in capsys.readouterr().err
    assert run.main([*args, "--seed", "7", "--out", str(tmp_path / "b")]) == 0
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert summary["agent"] == "idle" and summary["n"] == 2 and summary["setting"] is None


def test_a_name_cannot_be_taken_twice(idle: str) -> None:
    with pytest.raises(ValueError, match="already registered"):
        @register_agent(idle)
        def other(args: argparse.Namespace, client: Any) -> Idle:
            return Idle()


def test_unregistered_agents_are_not_cli_choices(idle: str) -> None:
    unregister_agent(idle)
    with pytest.raises(SystemExit):
        run.parse_args(["--agent", idle])
