"""Ensemble checkpoints (agents/checkpoint.py ``"ensemble": N``, agents/tta.py ``mean_probs``).

Members are the committed policy and copies of it with perturbed action heads (so they disagree). An ensemble
acts on the mean of its members' masked distributions (checked against each member's distribution computed on
its own); an ensemble of identical members acts exactly as the one policy; bad ensembles fail with one line.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from policy_support import first_states

from mssbench_embodied import run
from mssbench_embodied.agents.checkpoint import CheckpointError, load_policy, main, save_ensemble, save_policy
from mssbench_embodied.agents.scripted import PolicyAgent
from mssbench_embodied.agents.tta import mean_probs, tta_action

COMMITTED = Path(__file__).resolve().parents[1] / "policies/checkpoints/ppo_lagrangian.json"


def _perturbed(seed: int, scale: float = 0.5):
    pol = load_policy(COMMITTED)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in pol.policy.action_net.parameters():
            p.add_(torch.randn(p.shape, generator=gen) * scale)
    return pol


@pytest.fixture(scope="module")
def members():
    return [load_policy(COMMITTED), _perturbed(1), _perturbed(2)]


@pytest.fixture(scope="module")
def ensemble(members, tmp_path_factory: pytest.TempPathFactory):
    stem = tmp_path_factory.mktemp("ens") / "ens"
    jpath, wpath = save_ensemble(members, stem, extra={"note": "three"})
    assert (jpath.name, wpath.name) == ("ens.json", "ens.safetensors")
    return load_policy(jpath)


@pytest.fixture(scope="module")
def states() -> list[tuple[dict, np.ndarray]]:
    return first_states()


def test_an_ensemble_round_trips_its_members(members, ensemble) -> None:
    assert ensemble.config["ensemble"] == 3 and ensemble.config["note"] == "three"
    assert ensemble.render_style == "legible" and len(ensemble.policies) == 3
    for src, got in zip(members, ensemble.policies):
        a, b = src.policy.state_dict(), got.state_dict()
        assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_the_ensemble_acts_on_the_mean_of_its_members(members, ensemble, states) -> None:
    disagreements = 0
    for obs, mask in states:
        t, _ = members[0].policy.obs_to_tensor(obs)
        with torch.no_grad():
            each = [m.policy.get_distribution(t, action_masks=mask[None]).distribution.probs[0] for m in members]
        mean = torch.stack(each).mean(0)
        a, _ = ensemble.predict(obs, deterministic=True, action_masks=mask)
        assert mask[int(a)] and float(mean[int(a)]) == pytest.approx(float(mean.max()), abs=1e-6)
        assert torch.allclose(mean_probs(ensemble.policies, obs, mask)[0], mean, atol=1e-6)
        assert tta_action(ensemble.policies, obs, mask, (0,)) == int(a)
        disagreements += len({int(torch.argmax(p)) for p in each}) > 1
    assert disagreements >= 1  # the members differ where it matters


def test_batched_and_sampled_predictions(ensemble, states) -> None:
    obs = {k: np.stack([o[k] for o, _ in states]) for k in ("image", "instruction")}
    masks = np.stack([m for _, m in states])
    batch, _ = ensemble.predict(obs, deterministic=True, action_masks=masks)
    single = [int(ensemble.predict(o, deterministic=True, action_masks=m)[0]) for o, m in states]
    assert batch.shape == (len(states),) and list(batch) == single
    unmasked, _ = ensemble.predict(obs, deterministic=True)  # no masks: every action allowed
    assert unmasked.shape == (len(states),)
    torch.manual_seed(0)
    sampled, _ = ensemble.predict(obs, deterministic=False, action_masks=masks)
    assert all(masks[i, int(a)] for i, a in enumerate(sampled))


def test_identical_members_act_as_the_one_policy(tmp_path: Path, states) -> None:
    one = load_policy(COMMITTED)
    twin = load_policy(save_ensemble([one, load_policy(COMMITTED)], tmp_path / "twin")[0])
    for obs, mask in states:
        assert int(twin.predict(obs, deterministic=True, action_masks=mask)[0]) == \
            int(one.predict(obs, deterministic=True, action_masks=mask)[0])


def test_the_agent_and_the_runner_use_every_member(ensemble, tmp_path: Path, members) -> None:
    agent = PolicyAgent(ensemble)
    assert len(agent.policies) == 3 and agent.shifts == (0,) and agent.render_style == "legible"
    assert len(PolicyAgent(ensemble, shifts=[-2, 0, 2]).policies) == 3
    stem = tmp_path / "ens"
    save_ensemble(members[:2], stem)
    assert run.main(["--agent", "policy", "--checkpoint", str(stem), "--limit", "1", "--split", "test",
                     "--no-progress", "--out", str(tmp_path / "out")]) == 0
    s = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (s["n"], s["errors"], s["size"]) == (2, 0, 128)


def test_the_cli_builds_and_shows_an_ensemble(tmp_path: Path, capsys, members) -> None:
    a, b = save_policy(members[0], tmp_path / "a")[0], save_policy(members[1], tmp_path / "b")[0]
    assert main(["ensemble", str(tmp_path / "ab"), str(a), str(b)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert main(["show", str(tmp_path / "ab.json")]) == 0
    shown = json.loads(capsys.readouterr().out)
    single = sum(int(t.numel()) for t in members[0].policy.parameters())
    assert shown["ensemble"] == 2 and shown["member_checkpoints"] == ["a", "b"] and shown["parameters"] == 2 * single
    (tmp_path / "r1").mkdir(), (tmp_path / "r2").mkdir()
    runs = [save_policy(m, tmp_path / r / "ppo_lagrangian")[0] for m, r in zip(members[:2], ("r1", "r2"))]
    assert main(["ensemble", str(tmp_path / "rr"), *map(str, runs)]) == 0  # same stems: the folder tells them apart
    assert json.loads((tmp_path / "rr.json").read_text())["member_checkpoints"] == ["r1/ppo_lagrangian",
                                                                                     "r2/ppo_lagrangian"]
    capsys.readouterr()
    assert main(["ensemble", str(tmp_path / "x"), str(a)]) == 2  # one member
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2 to 16 members" in err
    assert main(["ensemble", str(tmp_path / "x"), str(a), str(tmp_path / "missing.json")]) == 2
    assert capsys.readouterr().err.count("\n") == 1 and not (tmp_path / "x.json").exists()


def test_members_of_different_shapes_are_refused(tmp_path: Path, members) -> None:
    from gymnasium import spaces

    other = load_policy(COMMITTED)
    other.policy.observation_space = spaces.Dict({**other.policy.observation_space.spaces,
                                                  "image": spaces.Box(0, 255, (3, 64, 64), np.uint8)})
    with pytest.raises(CheckpointError, match="ensemble member 1: its observation_space differs"):
        save_ensemble([members[0], other], tmp_path / "bad")
    narrow = load_policy(COMMITTED)
    narrow.config = {**narrow.config, "field_of_view": 50.0}
    with pytest.raises(CheckpointError, match=r"different fields of view: \[50.0, 90.0\]"):
        save_ensemble([members[0], narrow], tmp_path / "bad")
    nested = load_policy(save_ensemble(members[:2], tmp_path / "n")[0])
    with pytest.raises(CheckpointError, match="itself an ensemble"):
        save_ensemble([members[0], nested], tmp_path / "bad")
    assert not (tmp_path / "bad.json").exists()


@pytest.mark.parametrize(("value", "message"), [
    (1.5, "ensemble must be an integer from 2 to 16, got 1.5"), (True, "got True"), (17, "got 17"),
    (0, "got 0"), (2, "weights do not fit the config"),
])
def test_malformed_ensemble_configs_fail_with_one_line(members, tmp_path: Path, value: object,
                                                       message: str) -> None:
    jpath, _ = save_ensemble(members, tmp_path / "e")  # three members' tensors
    cfg = json.loads(jpath.read_text())
    cfg["ensemble"] = value
    jpath.write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError) as info:
        load_policy(jpath)
    assert message in str(info.value) and str(jpath.with_suffix("")) in str(info.value) and "\n" not in str(info.value)


def test_a_refuse_bias_raises_the_refuse_logit_at_load_and_keeps_the_weights(tmp_path: Path, capsys, members,
                                                                             states) -> None:
    from mssbench_embodied.envs.action_space import HIGH_LEVEL_INDEX

    refuse = HIGH_LEVEL_INDEX[("refuse", None)]
    a = save_policy(members[0], tmp_path / "a")[0]
    assert main(["refuse-bias", str(tmp_path / "a_b3"), str(a), "3"]) == 0
    biased = load_policy(tmp_path / "a_b3.json")
    assert biased.config["refuse_bias"] == 3.0
    assert (tmp_path / "a_b3.safetensors").read_bytes() == (tmp_path / "a.safetensors").read_bytes()
    before, after = members[0].policy.state_dict(), biased.policy.state_dict()
    for k in before:
        if k == "action_net.bias":
            assert float(after[k][refuse] - before[k][refuse]) == pytest.approx(3.0)
            assert torch.equal(torch.cat([after[k][:refuse], after[k][refuse + 1:]]),
                               torch.cat([before[k][:refuse], before[k][refuse + 1:]]))
        else:
            assert torch.equal(before[k], after[k]), k
    # the largest bias makes every state where refusing is allowed a refusal
    assert main(["refuse-bias", str(tmp_path / "a_max"), str(a), "20"]) == 0
    always = load_policy(tmp_path / "a_max.json")
    assert all(int(always.predict(o, deterministic=True, action_masks=m)[0]) == refuse for o, m in states if m[refuse])
    # an ensemble with a bias raises it in every member
    b = save_policy(members[1], tmp_path / "b")[0]
    assert main(["ensemble", str(tmp_path / "ab"), str(a), str(b), "--refuse-bias", "1.5"]) == 0
    ens = load_policy(tmp_path / "ab.json")
    for src, got in zip(members[:2], ens.policies):
        assert float((got.action_net.bias[refuse] - src.policy.action_net.bias[refuse]).detach()) == pytest.approx(1.5)
    capsys.readouterr()
    # bad values and a biased member fail with one line and write nothing
    x = str(tmp_path / "x")
    for argv in (["refuse-bias", x, str(a), "25"], ["refuse-bias", x, str(a), "nan"],
                 ["ensemble", x, str(a), str(tmp_path / "a_b3.json")]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and ("refuse_bias" in err), err
    assert not (tmp_path / "x.json").exists()


@pytest.mark.parametrize("value", ["2", True, float("inf"), -21, [1]])
def test_malformed_refuse_bias_fails_with_one_line(members, tmp_path: Path, value: object) -> None:
    jpath, _ = save_policy(members[0], tmp_path / "p")
    cfg = json.loads(jpath.read_text())
    cfg["refuse_bias"] = value
    jpath.write_text(json.dumps(cfg))  # inf is written as Infinity, which Python's json reads back
    with pytest.raises(CheckpointError) as info:
        load_policy(jpath)
    msg = str(info.value)
    assert "refuse_bias must be a number from -20 to 20" in msg and str(jpath) in msg and "\n" not in msg


def test_members_extract_and_rebuild_the_default_ensemble(tmp_path: Path, capsys) -> None:
    """`member OUT ENSEMBLE K` writes member K alone (weights as trained, no refuse bias); the six members of the
    committed default, rebuilt with its refuse bias, give its tensors back exactly."""
    from safetensors.torch import load_file

    default = COMMITTED.with_name("ppo_lagrangian_ensemble.json")
    cfg = json.loads(default.read_text())
    outs = []
    for k in range(cfg["ensemble"]):
        assert main(["member", str(tmp_path / f"m{k}"), str(default), str(k)]) == 0
        outs.append(tmp_path / f"m{k}.json")
    one = json.loads(outs[4].read_text())
    assert not {"ensemble", "refuse_bias", "member_checkpoints"} & one.keys()
    assert one["member_of"] == f"ppo_lagrangian_ensemble #4 ({cfg['member_checkpoints'][4]})"
    assert (one["render_style"], one["frame_size"], one["field_of_view"]) == ("legible", 128, 90.0)
    assert main(["ensemble", str(tmp_path / "again"), *map(str, outs), "--refuse-bias", str(cfg["refuse_bias"])]) == 0
    a, b = load_file(str(default.with_suffix(".safetensors"))), load_file(str(tmp_path / "again.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)
    capsys.readouterr()
    assert main(["member", str(tmp_path / "x"), str(default), "6"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "member 6 out of range (the ensemble has members 0 to 5)" in err
    assert main(["member", str(tmp_path / "x"), str(COMMITTED), "0"]) == 2
    assert "one policy, not an ensemble" in capsys.readouterr().err and not (tmp_path / "x.json").exists()
