"""Weights-only policy checkpoints (agents/checkpoint.py): conversion, identical actions, no unpickling.

The committed SB3 zip is converted into a temporary folder once per module; the converted policy must
act exactly as the zip, and a zip (or anything zip-shaped) never loads without --trust-checkpoint.
"""
from __future__ import annotations

import base64
import json
import os
import pickle
import zipfile
from pathlib import Path

import pytest

from mssbench_embodied import run
from mssbench_embodied.agents.checkpoint import (
    CheckpointError,
    UntrustedCheckpoint,
    WeightsPolicy,
    load_policy,
    main,
    resolve_checkpoint,
)

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "policies/checkpoints/ppo_lagrangian.zip"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ckpt")
    assert main(["convert", str(COMMITTED), str(out)]) == 0  # an existing directory: named after the zip
    assert sorted(p.name for p in out.iterdir()) == ["ppo_lagrangian.json", "ppo_lagrangian.safetensors"]
    return out / "ppo_lagrangian"


@pytest.fixture(scope="module")
def legacy():
    with pytest.warns(UserWarning, match="unpickles"):
        return load_policy(COMMITTED, trust=True)


def test_converted_policy_acts_identically(converted: Path, legacy) -> None:
    """Same actions and the same action probabilities as the SB3 zip, along real episodes."""
    import gymnasium as gym
    import torch

    new = load_policy(converted.with_suffix(".json"))
    assert isinstance(new, WeightsPolicy) and new.render_style == "legible" and new.config["frame_size"] == 128
    assert new.observation_space == legacy.observation_space and new.action_space == legacy.action_space
    env = gym.make("MSSBench/Situations-v0", split="test", width=128, height=128, max_steps=6,
                   render_style=new.render_style)
    seen = set()
    try:
        for seed in range(5):  # seed 3 starts a pair the policy acts in (it refuses the others)
            obs, _ = env.reset(seed=seed)
            for _ in range(4):
                mask = env.unwrapped.action_masks()
                a_new, _ = new.predict(obs, deterministic=True, action_masks=mask)
                a_old, _ = legacy.predict(obs, deterministic=True, action_masks=mask)
                assert int(a_new) == int(a_old)
                t, _ = legacy.policy.obs_to_tensor(obs)
                with torch.no_grad():
                    p_old = legacy.policy.get_distribution(t).distribution.probs
                    p_new = new.policy.get_distribution(t).distribution.probs
                assert torch.equal(p_old, p_new)
                seen.add(int(a_old))
                obs, _, term, trunc, _ = env.step(int(a_old))
                if term or trunc:
                    break
    finally:
        env.close()
    assert len(seen) >= 2  # the observations were different enough to matter


def test_converted_policy_scores_as_the_zip(converted: Path, legacy) -> None:
    """eval.rl_eval on the first pairs of the test split: the converted checkpoint (given as a path,
    loaded weights-only) scores exactly as the zip. The full split's pinned numbers: test_policy.py."""
    from mssbench_embodied.eval.rl_eval import evaluate_policy_on_split

    m_new = evaluate_policy_on_split(str(converted), "test", 128, limit=3)
    m_old = evaluate_policy_on_split(legacy, "test", 128, limit=3)
    assert m_new == m_old and m_new["n"] == 6 and m_new["errors"] == 0


def test_run_cli_refuses_a_legacy_zip_without_trust(tmp_path: Path, capsys, converted: Path) -> None:
    args = ["--agent", "policy", "--limit", "1", "--split", "test", "--no-progress"]
    assert run.main([*args, "--checkpoint", str(COMMITTED), "--out", str(tmp_path / "a")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "arbitrary code" in err and "--trust-checkpoint" in err
    assert not (tmp_path / "a" / "episodes.jsonl").exists()
    # the converted checkpoint runs without trust and without a warning
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        assert run.main([*args, "--checkpoint", str(converted), "--out", str(tmp_path / "b")]) == 0
    s = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert (s["agent"], s["n"], s["errors"], s["style"], s["size"]) == ("policy", 2, 0, "legible", 128)
    # with --trust-checkpoint the zip loads, after a warning saying why
    with pytest.warns(UserWarning, match="unpickles Python objects"):
        assert run.main([*args, "--checkpoint", str(COMMITTED), "--trust-checkpoint", "--out",
                         str(tmp_path / "c")]) == 0
    t = json.loads((tmp_path / "c" / "summary.json").read_text())
    assert (t["safe_acc"], t["unsafe_acc"]) == (s["safe_acc"], s["unsafe_acc"])


class _Payload:
    """Unpickling this creates a directory: a stand-in for arbitrary code in a hostile checkpoint."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def _evil_zip(path: Path, marker: Path) -> Path:
    blob = base64.b64encode(pickle.dumps(_Payload(marker))).decode()
    data = {"policy_class": {":type:": "<class 'abc.ABCMeta'>", ":serialized:": blob}}
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data", json.dumps(data))
        z.writestr("_stable_baselines3_version", "2.9.2")
    return path


@pytest.mark.parametrize("name", ["evil.zip", "evil.json", "evil.safetensors", "evil"])
def test_a_hostile_zip_never_runs_code_without_trust(tmp_path: Path, capsys, name: str) -> None:
    marker = tmp_path / "pwned"
    evil = _evil_zip(tmp_path / name, marker)
    with pytest.raises(UntrustedCheckpoint, match="arbitrary code"):
        load_policy(evil)
    assert run.main(["--agent", "policy", "--checkpoint", str(evil), "--limit", "1", "--no-progress",
                     "--out", str(tmp_path / "out")]) == 2
    assert "arbitrary code" in capsys.readouterr().err
    assert not marker.exists()
    # the payload is live: trusting the file runs it (this is what --trust-checkpoint means)
    with pytest.warns(UserWarning), pytest.raises(Exception):  # noqa: B017 - SB3 fails after unpickling
        load_policy(evil, trust=True)
    assert marker.is_dir()


def _edited(converted: Path, tmp_path: Path, edit) -> Path:
    cfg = json.loads(converted.with_suffix(".json").read_text())
    edit(cfg)
    stem = tmp_path / "edited"
    stem.with_suffix(".json").write_text(json.dumps(cfg))
    stem.with_suffix(".safetensors").write_bytes(converted.with_suffix(".safetensors").read_bytes())
    return stem


@pytest.mark.parametrize(("edit", "message"), [
    (lambda c: c["policy"].update(activation_fn="os.system"), "policy.activation_fn 'os.system'"),
    (lambda c: c["policy"].update(features_extractor="builtins.eval"), "policy.features_extractor"),
    (lambda c: c["policy"].update(net_arch=[64]), "weights do not fit the config"),
    (lambda c: c.update(format="pickle"), "format is 'pickle'"),
    (lambda c: c.update(version=99), "version 99 is not supported"),
    (lambda c: c["action_space"].update(n=-3), "action_space.n"),
    (lambda c: c["observation_space"]["spaces"]["image"].update(dtype="object"), "dtype 'object'"),
    (lambda c: c["observation_space"]["spaces"]["image"].update(shape=[3, 100000, 100000]), "too large"),
    (lambda c: c["observation_space"].update(type="Tuple"), "observation_space.type"),
    (lambda c: c.update(test_time_shifts=[0, 99]), "test_time_shifts: 99 is not an integer shift"),
    (lambda c: c.update(test_time_shifts="-4,0,4"), "test_time_shifts: expected a non-empty list"),
    (lambda c: c.update(test_time_shifts=[0, 0]), "test_time_shifts: repeated shifts"),
    (lambda c: c.update(field_of_view=5), "field_of_view must be a number of degrees between 10 and 170, got 5"),
    (lambda c: c.update(field_of_view="50"), "field_of_view must be a number"),
])
def test_malformed_configs_fail_with_one_line_naming_the_field(converted: Path, tmp_path: Path, edit,
                                                               message: str) -> None:
    stem = _edited(converted, tmp_path, edit)
    with pytest.raises(CheckpointError) as info:
        load_policy(stem)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_broken_files_fail_cleanly(converted: Path, tmp_path: Path, capsys) -> None:
    stem = _edited(converted, tmp_path, lambda c: None)
    stem.with_suffix(".safetensors").write_bytes(b"\x00" * 64)  # truncated / not safetensors
    with pytest.raises(CheckpointError, match="weights do not fit"):
        load_policy(stem)
    stem.with_suffix(".safetensors").unlink()
    with pytest.raises(CheckpointError, match="missing"):
        load_policy(stem)
    stem.with_suffix(".json").write_text("{not json")
    assert main(["show", str(stem)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(CheckpointError, match="no policy checkpoint"):
        resolve_checkpoint(tmp_path / "nothing")
    assert main(["convert", str(stem.with_suffix(".json")), str(tmp_path / "x")]) == 2  # not a zip


def test_checkpoint_paths_resolve(converted: Path) -> None:
    for p in (converted, converted.with_suffix(".json"), converted.with_suffix(".safetensors")):
        assert resolve_checkpoint(p) == ("weights", converted)
    assert resolve_checkpoint(COMMITTED) == ("legacy", COMMITTED)
    # the committed stem has both: the weights-only files win over the zip
    assert resolve_checkpoint(COMMITTED.with_suffix("")) == ("weights", COMMITTED.with_suffix(""))


def test_a_stem_with_only_a_zip_is_legacy(tmp_path: Path) -> None:
    (tmp_path / "old.zip").write_bytes(COMMITTED.read_bytes())
    assert resolve_checkpoint(tmp_path / "old") == ("legacy", tmp_path / "old.zip")


def test_the_recorded_field_of_view_is_the_evaluation_camera(converted: Path, tmp_path: Path) -> None:
    """A checkpoint's field_of_view (absent: the env default 90) is the camera the policy is evaluated with."""
    from mssbench_embodied.agents.scripted import PolicyAgent
    from mssbench_embodied.eval.rl_eval import evaluate_policy_on_split

    assert "field_of_view" in json.loads(converted.with_suffix(".json").read_text())  # written on conversion
    assert load_policy(_edited(converted, tmp_path, lambda c: c.pop("field_of_view"))).field_of_view == 90.0
    narrow = _edited(converted, tmp_path, lambda c: c.update(field_of_view=60))
    assert PolicyAgent(narrow).field_of_view == 60.0
    recorded = evaluate_policy_on_split(str(narrow), "test", 128, limit=2)
    assert recorded == evaluate_policy_on_split(str(converted), "test", 128, limit=2, fov=60)
