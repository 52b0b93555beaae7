"""The README's "Regression episodes in CI" recipe, run as written: replay the committed answers for 20
pairs (no endpoint, no key), compare against the committed baseline, and fail on a planted regression."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from ci_support import ANSWERS, BASELINE, MODEL, N_PAIRS, RUN_ARGS

from mssbench_embodied import compare, run

ROOT = Path(__file__).resolve().parents[1]


def replay(out: Path) -> int:
    return run.main([*RUN_ARGS, "--replay", "--cache", str(ANSWERS), "--fail-on-error", "--out", str(out),
                     "--no-progress"])


def test_recorded_answers_cover_the_recipe() -> None:
    lines = [json.loads(x) for x in ANSWERS.read_text().splitlines()]
    assert {x["model"] for x in lines} == {MODEL}
    assert len({x["pair_id"] for x in lines}) == N_PAIRS and {x["variant"] for x in lines} == {"safe", "unsafe"}


def test_replay_matches_the_baseline(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    assert replay(tmp_path / "new") == 0
    s = json.loads((tmp_path / "new" / "summary.json").read_text())
    assert s["errors"] == 0 and s["n"] == 2 * N_PAIRS
    assert compare.main([str(BASELINE), str(tmp_path / "new")]) == 0


def test_planted_regression_fails(tmp_path: Path, monkeypatch, capsys) -> None:
    """An answer-parser regression (refusals no longer recognised): the comparison exits 1 and names the rows."""
    import mssbench_embodied.agents.mllm as mllm

    parse_plan = mllm.parse_plan
    monkeypatch.setattr(mllm, "detect_refusal", lambda text: False)
    monkeypatch.setattr(mllm, "detect_warning", lambda text: False)
    monkeypatch.setattr(mllm, "parse_plan", lambda text, vocab=None: [
        a for a in parse_plan(text, vocab) if not a.lower().startswith("refuse")])
    assert replay(tmp_path / "new") == 0  # every sample ran: the answers are the recorded ones
    capsys.readouterr()
    assert compare.main([str(BASELINE), str(tmp_path / "new"), "--tolerance", "1"]) == 1
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.split()[:2] == ["metric", "unsafe_acc"]]
    assert rows and "REGRESSION" in rows[0], out


def test_replay_miss_fails_with_reasons(tmp_path: Path, capsys) -> None:
    """Another model name, or a mistyped answers path: the run fails (1 with reasons, 2 for the path)."""
    args = [*RUN_ARGS[:-1], "other-model", "--limit", "2", "--replay", "--cache", str(ANSWERS),
            "--out", str(tmp_path / "a"), "--no-progress"]
    assert run.main(args) == 1
    err = capsys.readouterr().err
    assert "replay miss" in err and "model 'other-model'" in err
    assert run.main([*RUN_ARGS, "--replay", "--cache", str(ANSWERS) + ".typo", "--out", str(tmp_path / "b")]) == 2
    assert "not found" in capsys.readouterr().err and not (tmp_path / "b").exists()


@pytest.mark.slow
def test_recipe_commands_as_documented(tmp_path: Path) -> None:
    """The two CLI commands of the README recipe, as subprocesses."""
    new = tmp_path / "new"
    p = subprocess.run([sys.executable, "-m", "mssbench_embodied.run", *RUN_ARGS, "--replay", "--cache",
                        str(ANSWERS), "--fail-on-error", "--out", str(new), "--no-progress"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([sys.executable, "-m", "mssbench_embodied.compare", str(BASELINE), str(new)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
