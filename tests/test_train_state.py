"""Resume points of a training run (agents/train_state.py): weights, optimizer state and JSON state, no pickle."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from mssbench_embodied.agents.checkpoint import _build_policy, read_config
from mssbench_embodied.agents.train_state import (
    ResumeError,
    load_resume_point,
    read_resume_state,
    remove_resume_point,
    resume_json,
    save_resume_point,
)

CONFIG = Path(__file__).resolve().parents[1] / "policies/checkpoints/ppo_lagrangian.json"


def _policy(net_arch: list[int] | None = None) -> Any:
    cfg = read_config(CONFIG)
    if net_arch is not None:
        cfg = {**cfg, "policy": {**cfg["policy"], "net_arch": net_arch}}
    return _build_policy(cfg, CONFIG)


def _trained(seed: int) -> Any:
    """A policy after two Adam steps on a random loss (so the optimizer has state)."""
    torch.manual_seed(seed)
    pol = _policy()
    for g in pol.optimizer.param_groups:
        g["lr"] = 1e-3
    for _ in range(2):
        pol.optimizer.zero_grad()
        loss = sum((p * torch.randn_like(p)).sum() for p in pol.action_net.parameters())
        loss.backward()
        pol.optimizer.step()
    return pol


def test_a_resume_point_round_trips_weights_optimizer_and_state(tmp_path: Path) -> None:
    src = _trained(1)
    state = {"num_timesteps": 512, "lambda": 4.06, "rows": [{"timesteps": 64, "return": 0.1}]}
    save_resume_point(tmp_path / "r", src, state)
    assert read_resume_state(tmp_path / "r") == state
    dst = _policy()
    assert load_resume_point(tmp_path / "r", dst) == state
    a, b = src.state_dict(), dst.state_dict()
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    oa, ob = src.optimizer.state_dict(), dst.optimizer.state_dict()
    assert oa["param_groups"] == [{**g, "betas": tuple(g["betas"])} for g in ob["param_groups"]]
    assert oa["state"].keys() == ob["state"].keys() and len(oa["state"]) > 0
    for i in oa["state"]:
        for name, v in oa["state"][i].items():
            assert torch.equal(torch.as_tensor(v), torch.as_tensor(ob["state"][i][name])), (i, name)
    # the next optimizer step is the same from either
    for pol in (src, dst):
        pol.optimizer.zero_grad()
        sum(p.sum() for p in pol.action_net.parameters()).backward()
        pol.optimizer.step()
    assert torch.equal(src.action_net.weight, dst.action_net.weight)


def test_each_save_replaces_the_last_and_removal_leaves_nothing(tmp_path: Path) -> None:
    pol = _trained(2)
    for n in (1, 2, 3):
        save_resume_point(tmp_path / "r", pol, {"n": n})
    assert read_resume_state(tmp_path / "r") == {"n": 3}
    assert len(list(tmp_path.glob("r-*.safetensors"))) == 1
    remove_resume_point(tmp_path / "r")
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_save_leaves_the_previous_point_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pol = _trained(3)
    save_resume_point(tmp_path / "r", pol, {"n": 1})

    def fail(*_: Any, **__: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", fail)  # dies after the new tensors, before the JSON
    with pytest.raises(KeyboardInterrupt):
        save_resume_point(tmp_path / "r", _trained(4), {"n": 2})
    monkeypatch.undo()
    dst = _policy()
    assert load_resume_point(tmp_path / "r", dst) == {"n": 1}
    assert torch.equal(dst.action_net.weight, pol.action_net.weight)


def test_bad_resume_points_fail_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ResumeError, match=r"r\.json: missing"):
        read_resume_state(tmp_path / "r")
    save_resume_point(tmp_path / "r", _trained(5), {"n": 1})
    with pytest.raises(ResumeError, match="does not fit this run's policy"):
        load_resume_point(tmp_path / "r", _policy(net_arch=[64]))
    doc = json.loads(resume_json(tmp_path / "r").read_text())
    for bad, message in (({**doc, "tensors": "../r-x.safetensors"}, "tensors must name a r-\\*.safetensors file"),
                         ({**doc, "tensors": "r-gone.safetensors"}, "r-gone.safetensors: missing"),
                         ({**doc, "format": "other"}, "not a mssbench-resume v1 resume point"),
                         ({**doc, "state": []}, "state, param_groups or optimizer_scalars missing")):
        resume_json(tmp_path / "r").write_text(json.dumps(bad))
        with pytest.raises(ResumeError, match=message):
            load_resume_point(tmp_path / "r", _policy())
    resume_json(tmp_path / "r").write_text("{not json")
    with pytest.raises(ResumeError, match="not JSON"):
        read_resume_state(tmp_path / "r")
