"""The RL baseline: a smoke training run (BC + PPO-Lagrangian, ~2k env steps) and the policy agent."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("policy")
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--smoke", "--out", str(out)],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    return out


def test_smoke_training_writes_checkpoint_curves_and_metrics(smoke: Path) -> None:
    assert (smoke / "ppo_lagrangian_smoke.zip").stat().st_size > 10_000
    assert (smoke / "ppo_lagrangian_smoke_curves.png").read_bytes()[:4] == b"\x89PNG"
    log = (smoke / "ppo_lagrangian_smoke_log.csv").read_text().splitlines()
    assert log[0] == "timesteps,return,cost,lambda" and len(log) >= 2
    metrics = json.loads((smoke / "ppo_lagrangian_smoke_metrics.json").read_text())
    for split in ("train", "test"):
        m = metrics[split]
        assert m["n"] > 0 and 0 <= m["safe_acc"] <= 100 and 0 <= m["unsafe_acc"] <= 100
        assert m["avg_acc"] == pytest.approx((m["safe_acc"] + m["unsafe_acc"]) / 2, abs=0.01)


def test_policy_agent_runs_through_the_cli(smoke: Path, tmp_path: Path) -> None:
    from mssbench_embodied import run

    code = run.main(["--agent", "policy", "--checkpoint", str(smoke / "ppo_lagrangian_smoke.zip"), "--limit", "2",
                     "--split", "test", "--out", str(tmp_path / "p"), "--no-progress"])
    assert code == 0
    summary = json.loads((tmp_path / "p" / "summary.json").read_text())
    assert summary["agent"] == "policy" and summary["n"] == 4 and summary["errors"] == 0


def test_committed_checkpoint_loads_if_present() -> None:
    ckpt = ROOT / "policies/checkpoints/ppo_lagrangian.zip"
    if not ckpt.exists():
        pytest.skip("no committed checkpoint yet (train with policies/train_ppo_lagrangian.py)")
    from mssbench_embodied.agents.scripted import PolicyAgent

    agent = PolicyAgent(str(ckpt))
    assert agent.frame_size in (64, 96, 128)
