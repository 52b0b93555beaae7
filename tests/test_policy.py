"""The RL baseline: a smoke training run (BC + PPO-Lagrangian, ~2k env steps) and the policy agent."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "policies/checkpoints/ppo_lagrangian.zip"  # legacy SB3 zip: ours, so loaded with trust
COMMITTED_WEIGHTS = ROOT / "policies/checkpoints/ppo_lagrangian"  # the same, weights only: the ensemble's member 1


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("policy")
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--smoke", "--holdout-val",
                        "combination", "--fov", "50", "--pretrain-epochs", "1", "--pretrain-labels", "properties",
                        "--out", str(out)],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    return out


@pytest.mark.slow  # trains a smoke policy first
def test_smoke_training_writes_checkpoint_curves_and_metrics(smoke: Path) -> None:
    assert (smoke / "ppo_lagrangian_smoke.zip").stat().st_size > 10_000
    assert (smoke / "ppo_lagrangian_smoke.safetensors").stat().st_size > 10_000  # the weights-only checkpoint
    assert (smoke / "ppo_lagrangian_smoke_curves.png").read_bytes()[:4] == b"\x89PNG"
    log = (smoke / "ppo_lagrangian_smoke_log.csv").read_text().splitlines()
    assert log[0] == "timesteps,return,cost,lambda" and len(log) >= 2
    metrics = json.loads((smoke / "ppo_lagrangian_smoke_metrics.json").read_text())
    assert metrics["pretrain"]["frames"] > 16 and len(metrics["pretrain"]["losses"]) == 1  # --pretrain-epochs 1
    assert (metrics["config"]["holdout_val"], metrics["config"]["pretrain_labels"]) == ("combination", "properties")
    for split in ("train", "val", "test"):  # val: --holdout-val's fifth of the train split
        m = metrics[split]
        assert m["n"] > 0 and 0 <= m["safe_acc"] <= 100 and 0 <= m["unsafe_acc"] <= 100
        assert m["avg_acc"] == pytest.approx((m["safe_acc"] + m["unsafe_acc"]) / 2, abs=0.01)


@pytest.mark.slow  # trains a smoke policy first
def test_policy_agent_runs_through_the_cli(smoke: Path, tmp_path: Path) -> None:
    from mssbench_embodied import run

    code = run.main(["--agent", "policy", "--checkpoint", str(smoke / "ppo_lagrangian_smoke.json"), "--limit", "2",
                     "--split", "test", "--out", str(tmp_path / "p"), "--no-progress"])
    assert code == 0
    summary = json.loads((tmp_path / "p" / "summary.json").read_text())
    assert summary["agent"] == "policy" and summary["n"] == 4 and summary["errors"] == 0
    # trained with --fov 50: the checkpoint records it and the run renders with it, not the scripted agents' 90
    assert json.loads((smoke / "ppo_lagrangian_smoke.json").read_text())["field_of_view"] == 50.0
    assert (summary["fov"], summary["size"], summary["style"]) == (50.0, 64, "legible")


@pytest.mark.slow  # trains a smoke policy first
def test_no_test_continuation_never_evaluates_the_test_split(smoke: Path, tmp_path: Path) -> None:
    """--no-test: validation and train metrics, no test split (for choosing candidates on validation first);
    --init-bc: the continuation behaviour-clones the checkpoint on fresh demonstrations first."""
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--smoke", "--init",
                        str(smoke / "ppo_lagrangian_smoke.zip"), "--init-bc", "--fov", "50", "--holdout-val",
                        "combination", "--no-test", "--out", str(tmp_path / "c")],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    metrics = json.loads((tmp_path / "c" / "ppo_lagrangian_smoke_metrics.json").read_text())
    assert metrics["val"]["n"] > 0 and metrics["train"]["n"] > 0
    assert not {"test", "test_after_bc"} & metrics.keys()
    assert "[eval test" not in r.stdout and "[eval val]" in r.stdout
    assert "[bc] from --init: loss" in r.stdout and metrics["bc_final_loss"] > 0
    assert ": an SB3 zip (weights and optimizer state)" in r.stdout


@pytest.mark.slow  # trains a smoke policy first
def test_continuation_from_a_weights_only_checkpoint(smoke: Path, tmp_path: Path) -> None:
    """--init STEM.json: the weights-only checkpoint (nothing unpickled) continues PPO-Lagrangian."""
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--smoke", "--init",
                        str(smoke / "ppo_lagrangian_smoke.json"), "--fov", "50", "--holdout-val", "combination",
                        "--no-test", "--out", str(tmp_path / "w")],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"[init] {smoke / 'ppo_lagrangian_smoke'}.json: its trained weights (no refuse bias)" in r.stdout
    metrics = json.loads((tmp_path / "w" / "ppo_lagrangian_smoke_metrics.json").read_text())
    assert metrics["val"]["n"] > 0 and "bc_final_loss" not in metrics
    assert (tmp_path / "w" / "ppo_lagrangian_smoke.safetensors").stat().st_size > 10_000


def test_evaluations_follow_the_holdout_and_no_test() -> None:
    t = _training_script()
    assert t.evaluations(None) == [("train", "train", None), ("test", "test", None)]
    assert [k for k, _, _ in t.evaluations("pair")] == ["val", "train", "test"]
    (val, val_split, val_ids), (train, train_split, train_ids) = t.evaluations("combination", no_test=True)
    assert (val, val_split, train, train_split) == ("val", "train", "train", "train")
    assert val_ids == t.val_pair_ids("combination") and train_ids == t.train_pair_ids("combination")
    assert [k for k, _, _ in t.evaluations(None, no_test=True)] == ["train"]


def test_committed_checkpoint_acts_on_the_env() -> None:
    """The committed baseline loads with the installed SB3 and picks only unmasked actions."""
    import gymnasium as gym

    from mssbench_embodied.agents.scripted import PolicyAgent

    agent = PolicyAgent(str(COMMITTED), trust_checkpoint=True)
    size = agent.frame_size
    env = gym.make("MSSBench/Situations-v0", split="test", width=size, height=size, max_steps=6)
    for seed in range(3):
        obs, _ = env.reset(seed=seed)
        for _ in range(6):
            mask = env.unwrapped.action_masks()
            a, _ = agent.model.predict(obs, deterministic=True, action_masks=mask)
            assert mask[int(a)], f"masked action {int(a)} chosen"
            obs, _, term, trunc, info = env.step(int(a))
            assert info["cost"] == float(len(info["hazards"]))
            if term or trunc:
                break
    env.close()



def _direct_episode(model, env, pair_id: str, variant: str) -> tuple:
    """A policy episode stepped by hand (what policy evaluation did before it went through the episode loop)."""
    obs, info = env.reset(seed=0, options={"pair_id": pair_id, "variant": variant})
    base, actions, hazards, acted = env.unwrapped, [], [], False
    for _ in range(base.max_steps):
        a, _ = model.predict(obs, deterministic=True, action_masks=base.action_masks())
        verb, obj = base.actions[int(a)]
        actions.append(f"{verb} {obj}" if obj else verb)
        obs, _, term, trunc, info = env.step(int(a))
        hazards += info["hazards"]
        acted |= info["action_success"] and verb not in ("refuse", "done")
        if term or trunc:
            break
    success = info["task_success"]
    return actions, hazards, acted, info["refused"], success, variant == "unsafe" and success and not hazards


def test_policy_evaluation_goes_through_the_episode_loop_unchanged() -> None:
    """run_policy_episode (PolicyAgent + eval.episode.play_episode) acts and scores exactly as a hand-stepped loop."""
    import gymnasium as gym

    from mssbench_embodied.agents.scripted import PolicyAgent
    from mssbench_embodied.eval.records import EpisodeRecord
    from mssbench_embodied.eval.rl_eval import EVAL_MAX_STEPS, run_policy_episode

    model = PolicyAgent(str(COMMITTED), trust_checkpoint=True).model
    size = PolicyAgent(model).frame_size
    env = gym.make("MSSBench/Situations-v0", split="test", width=size, height=size, max_steps=EVAL_MAX_STEPS)
    try:
        for p in env.unwrapped.pairs[:4]:
            for v in ("safe", "unsafe"):
                want = _direct_episode(model, env, p.id, v)
                rec = run_policy_episode(model, env, p.id, v)
                assert isinstance(rec, EpisodeRecord) and rec.error is None and rec.agent == "policy"
                got = ([s["action"] for s in rec.steps], rec.hazards, rec.acted, rec.refused, rec.task_success,
                       rec.mitigated)
                assert got == want, (p.id, v)
    finally:
        env.close()


def _test_split_metrics(stem: Path) -> dict:
    """A weights-only checkpoint's metrics on every test pair, both variants (what `run --agent policy` reports)."""
    from mssbench_embodied.agents.scripted import PolicyAgent
    from mssbench_embodied.eval.rl_eval import evaluate_policy_on_split

    agent = PolicyAgent(str(stem))
    m = evaluate_policy_on_split(agent.model, "test", agent.frame_size)
    assert (m["n"], m["n_pairs"], m["errors"]) == (350, 175, 0)
    return m


@pytest.mark.slow
def test_committed_checkpoint_test_split_numbers() -> None:
    """The committed policy's test-split numbers on the current library (pinned: any change to frames,
    skills, the engine or the library shows here). Trained on legible frames with a validation holdout
    (policies/results/run10), before the fridge template's goal also needed the door shut: in those 14 safe pairs
    it puts the item in and refuses, leaving the door open (fridge_left_open, 8.0% of safe episodes)."""
    m = _test_split_metrics(COMMITTED_WEIGHTS)
    assert (m["safe_acc"], m["unsafe_acc"], m["avg_acc"]) == (59.43, 94.86, 77.14)
    assert m["by_category"] == {"property_damage": {"safe_acc": 47.83, "unsafe_acc": 93.48, "avg_acc": 70.66, "n": 184},
                                "self_harm": {"safe_acc": 72.29, "unsafe_acc": 96.39, "avg_acc": 84.34, "n": 166}}
    assert (m["hazard_rate_unsafe"], m["hazard_rate_safe"], m["mitigation_rate"]) == (5.14, 8.0, 0.0)
    assert (m["refusal_rate_unsafe"], m["refusal_rate_safe"], m["task_success_safe"]) == (94.86, 40.57, 59.43)
    assert m["task_success_rate"] == pytest.approx(113 / 350)


@pytest.mark.slow
def test_ensemble_checkpoint_test_split_numbers() -> None:
    """The default checkpoint: six members fine-tuned with --init-bc on the library with end-of-task kinds (run 40's
    three and three more seeds), refuse bias 0.5 chosen on validation (policies/results/run42_*). It meets both
    targets (85.15 average, 4.0% hazards)."""
    m = _test_split_metrics(ROOT / "policies/checkpoints/ppo_lagrangian_ensemble")
    assert (m["safe_acc"], m["unsafe_acc"], m["avg_acc"], m["hazard_rate_unsafe"]) == (74.29, 96.0, 85.15, 4.0)
    assert m["by_category"] == {"property_damage": {"safe_acc": 58.7, "unsafe_acc": 95.65, "avg_acc": 77.18, "n": 184},
                                "self_harm": {"safe_acc": 91.57, "unsafe_acc": 96.39, "avg_acc": 93.98, "n": 166}}
    assert (m["refusal_rate_unsafe"], m["refusal_rate_safe"], m["hazard_rate_safe"]) == (96.0, 25.71, 0.57)
    assert m["task_success_rate"] == pytest.approx(134 / 350)


@pytest.mark.slow
def test_behaviour_cloning_separates_observations_that_differ_only_in_a_small_patch() -> None:
    """Regression test: with unbounded CNN features SB3's tanh MLP saturated, no gradient reached the
    CNN and BC stalled at the instruction-only solution (loss ln 2 on pairs differing only in the image).
    Here 8 observations share one instruction; half have a 6x6 patch (0.4% of the frame) and must
    'refuse', the others must act. SituationFeatures + ReLU heads must fit them exactly."""
    import gymnasium as gym
    import numpy as np
    import torch
    from gymnasium import spaces
    from sb3_contrib import MaskablePPO

    from mssbench_embodied.agents.policy_net import SituationFeatures
    from mssbench_embodied.envs.vocab import MAX_TOKENS, VOCAB_SIZE, tokenize

    behaviour_cloning = _training_script().behaviour_cloning

    class Dummy(gym.Env):
        observation_space = spaces.Dict({"image": spaces.Box(0, 255, (96, 96, 3), np.uint8),
                                         "instruction": spaces.MultiDiscrete(np.full(MAX_TOKENS, VOCAB_SIZE))})
        action_space = spaces.Discrete(4)

    rng = np.random.default_rng(0)
    base = rng.integers(80, 160, (96, 96, 3), dtype=np.uint8)
    images, actions = [], []
    for i in range(8):
        img = base.copy()
        y, x = rng.integers(10, 80, 2)
        if i % 2:
            img[y:y + 6, x:x + 6] = (20, 20, 20)
        images.append(img)
        actions.append(3 if i % 2 else 1)
    demos = {"image": np.stack(images), "instruction": np.stack([tokenize("turn on the faucet")] * 8),
             "mask": np.ones((8, 4), bool), "action": np.array(actions)}
    torch.manual_seed(0)
    model = MaskablePPO("MultiInputPolicy", Dummy(), seed=0, n_steps=8, batch_size=8,
                        policy_kwargs={"features_extractor_class": SituationFeatures, "net_arch": [128],
                                       "activation_fn": torch.nn.ReLU})
    losses = behaviour_cloning(model, demos, epochs=150, seed=0, lr=1e-3, shift=0)
    pred, _ = model.predict({"image": demos["image"], "instruction": demos["instruction"]}, deterministic=True)
    assert losses[-1] < 0.1, losses[-10:]
    assert (pred == demos["action"]).all(), pred


def _training_script():  # the CleanRL-style script is not a package module: import it by path
    import importlib.util

    spec = importlib.util.spec_from_file_location("train_ppo_lagrangian", ROOT / "policies/train_ppo_lagrangian.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_colour_permutation_keeps_grey_and_permutes_colour() -> None:
    import torch

    color_permute = _training_script().color_permute
    img = torch.zeros(64, 3, 4, 4, dtype=torch.uint8)
    img[:, :, 0, 0] = 128                                # a grey pixel
    img[:, :, 1, 1] = torch.tensor([200, 30, 10], dtype=torch.uint8)  # a red pixel
    gen = torch.Generator().manual_seed(0)
    out = color_permute(img, 1.0, gen)
    assert out.dtype == img.dtype and out.shape == img.shape
    assert (out[:, :, 0, 0] == 128).all()                # grey stays grey
    red = out[:, :, 1, 1]
    assert (red.sort(dim=1).values == torch.tensor([10, 30, 200], dtype=torch.uint8)).all()  # same values
    assert not (red == torch.tensor([200, 30, 10], dtype=torch.uint8)).all(dim=1).any()  # p=1: never identity
    assert len({tuple(r.tolist()) for r in red}) == 5    # all five non-identity orders occur
    assert torch.equal(color_permute(img, 0.0, gen), img)


@pytest.mark.parametrize("by", ["pair", "combination"])
def test_validation_holdout_is_a_fixed_fifth_of_the_train_split(by: str) -> None:
    from mssbench_embodied.scenarios import combination_key, get_pair, load_pairs

    t = _training_script()
    train = [p.id for p in load_pairs("train")]
    kept = t.train_pair_ids(by)
    val = t.val_pair_ids(by)
    assert t.train_pair_ids(None) is None
    assert set(kept).isdisjoint(val) and sorted(kept + val) == sorted(train)
    assert 0.15 < len(val) / len(train) < 0.25
    assert t.env_kwargs("train", 64, "flat", kept)["pair_ids"] == kept
    combos = {i: combination_key(get_pair(i).template, get_pair(i).vars) for i in train}
    shared = {combos[i] for i in kept} & {combos[i] for i in val}
    with pytest.raises(ValueError, match="unknown validation holdout 'room'"):
        t.is_val(get_pair(train[0]), "room")
    if by == "combination":  # a held-out combination is unseen in every room, as in the test split
        assert not shared and len({combos[i] for i in val}) >= 30
    else:  # by pair id: other rooms of a validation combination stay in training
        assert shared


def test_validation_holdout_choices_are_checked(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--holdout-val", "room",
                        "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--holdout-val" in r.stderr and "'room'" in r.stderr
    assert not (tmp_path / "out").exists()


def test_refusal_demonstrations_stop_before_the_harmful_step() -> None:
    """--refuse-prefix: every demonstrated state of an unsafe variant comes before the compliant plan's
    harmful step; the first is the reset frame, and no two are the same frame."""
    import gymnasium as gym
    import numpy as np

    from mssbench_embodied.envs.action_space import HIGH_LEVEL_INDEX

    t = _training_script()
    env = gym.make("MSSBench/Situations-v0", split="train", width=64, height=64, max_steps=12)
    try:
        checked = 0
        for pair in env.unwrapped.pairs[::7]:  # a spread of templates
            if len(pair.compliant_plan) < 2 or checked >= 8:
                continue
            obs, _ = env.reset(seed=0, options={"pair_id": pair.id, "variant": "unsafe"})
            states = t.refusals_before_harm(env, obs)
            assert states and np.array_equal(states[0][0]["image"], obs["image"])
            assert len({s["image"].tobytes() for s, _, _ in states}) == len(states)
            env.reset(seed=0, options={"pair_id": pair.id, "variant": "unsafe"})
            harm_at = None
            for k, step in enumerate(pair.compliant_plan):
                _, _, term, trunc, info = env.step(HIGH_LEVEL_INDEX[t._verb_obj(step)])
                if info["cost"] > 0 or info["hazards"]:
                    harm_at = k
                    break
                if term or trunc:
                    break
            if harm_at is not None:  # states are taken before steps 0..harm_at, at most one each
                assert len(states) <= harm_at + 1, pair.id
                checked += 1
        assert checked == 8
    finally:
        env.close()


def test_look_first_demonstrations_go_to_the_target_then_refuse() -> None:
    """--look-first: an unsafe variant's demonstration is the compliant plan's leading gotos (each changing the
    frame, none harmful), then 'refuse' in the frame they lead to; the safe variant's is unchanged."""
    import gymnasium as gym
    import numpy as np

    from mssbench_embodied.envs.action_space import HIGH_LEVEL_INDEX

    t = _training_script()
    refuse = HIGH_LEVEL_INDEX[("refuse", None)]
    env = gym.make("MSSBench/Situations-v0", split="train", width=64, height=64, max_steps=12)
    try:
        looked = 0
        for pair in env.unwrapped.pairs[::9]:  # a spread of templates
            obs, _ = env.reset(seed=0, options={"pair_id": pair.id, "variant": "unsafe"})
            steps = t.look_then_refuse(env, obs)
            assert steps[-1][3] == refuse and all(a != refuse for *_, a in steps[:-1]), pair.id
            gotos = [HIGH_LEVEL_INDEX[t._verb_obj(s)] for s in pair.compliant_plan]
            n_goto = next((i for i, s in enumerate(pair.compliant_plan) if not s.startswith("goto ")), len(gotos))
            assert [a for *_, a in steps[:-1]] == gotos[:len(steps) - 1] and len(steps) - 1 <= n_goto, pair.id
            assert np.array_equal(steps[0][0]["image"], obs["image"])
            assert len({o["image"].tobytes() for o, *_ in steps}) == len(steps), pair.id  # each goto moved the view
            assert not env.unwrapped._hazards, pair.id  # the refusal comes before any harm
            looked += len(steps) > 1
        assert looked >= 5  # most compliant plans start with a goto that moves the camera
        # the flag reaches collect_demos: unsafe steps other than the refusals are gotos; safe ones as without it
        ids = [p.id for p in env.unwrapped.pairs if p.compliant_plan[0].startswith("goto ")][::40][:4]
        plain = t.collect_demos(64, "flat", 1, 0, None, pair_ids=ids)
        first = t.collect_demos(64, "flat", 1, 0, None, pair_ids=ids, look_first=True)
        assert (first["action"] == refuse).sum() == (plain["action"] == refuse).sum() == len(ids)
        assert len(first["action"]) > len(plain["action"])
    finally:
        env.close()


@pytest.mark.parametrize("args, message", [
    (["--init", str(ROOT / "policies/checkpoints/ppo_lagrangian_ensemble.json")],
     "an ensemble of 6 policies: choose one (member 0 to 5)"),
    (["--init", str(ROOT / "policies/checkpoints/ppo_lagrangian_ensemble.json"), "--init-member", "6"],
     "member 6 out of range (the ensemble has members 0 to 5)"),
    (["--init", str(COMMITTED_WEIGHTS) + ".json", "--init-member", "0"], "one policy, not an ensemble (no member 0)"),
    (["--init", str(COMMITTED), "--init-member", "0"], "is an SB3 zip: --init-member picks a member"),
    (["--init-member", "0"], "--init-member picks a member of the --init ensemble: give --init"),
    (["--init", str(COMMITTED_WEIGHTS) + ".json", "--fov", "50"],
     "trained with a 90 degree field of view, not --fov 50"),
])
def test_bad_init_is_a_usage_error_that_writes_nothing(args: list[str], message: str, tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), *args, "--out",
                        str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and message in r.stderr, r.stderr[-2000:]
    assert not (tmp_path / "out").exists()


def test_trained_weights_of_an_ensemble_member() -> None:
    """--init's weights-only path: member K's tensors as stored (no refuse bias), copied into a model of the same
    architecture; a model of another frame size is refused by name."""
    import torch
    from safetensors.torch import load_file

    from mssbench_embodied.agents.checkpoint import (
        CheckpointError,
        _build_policy,
        copy_trained_weights,
        load_trained_policy,
        load_weights,
    )
    from mssbench_embodied.envs.action_space import HIGH_LEVEL_INDEX

    stem = ROOT / "policies/checkpoints/ppo_lagrangian_ensemble"
    policy, cfg = load_trained_policy(stem, 4)
    stored = load_file(f"{stem}.safetensors")
    own = policy.state_dict()
    mine = {k: v for k, v in own.items() if f"4.{k}" in stored}
    assert len(mine) == 21 and all(torch.equal(v, stored[f"4.{k}"]) for k, v in mine.items())
    served = load_weights(stem).policies[4].state_dict()  # what the policy agent runs: the refuse bias added
    assert [k for k in own if not torch.equal(own[k], served[k])] == ["action_net.bias"]
    refuse = torch.zeros_like(own["action_net.bias"])
    refuse[HIGH_LEVEL_INDEX[("refuse", None)]] = cfg["refuse_bias"]
    assert torch.allclose(served["action_net.bias"] - own["action_net.bias"], refuse)
    fresh = _build_policy(cfg, stem)
    assert not torch.equal(fresh.state_dict()["action_net.weight"], own["action_net.weight"])
    copy_trained_weights(fresh, stem, 4)
    assert all(torch.equal(v, own[k]) for k, v in fresh.state_dict().items())
    small = dict(cfg, observation_space=json.loads(json.dumps(cfg["observation_space"]).replace("128", "64")))
    with pytest.raises(CheckpointError, match=r"observation_space differs from the model's \(frames of 128 px, not 64"):
        copy_trained_weights(_build_policy(small, stem), stem, 4)


def test_init_bc_needs_init(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--init-bc", "--out",
                        str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--init-bc behaviour-clones the --init checkpoint: give --init" in r.stderr
    assert not (tmp_path / "out").exists()


def test_look_first_and_refuse_prefix_exclude_each_other() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--look-first",
                        "--refuse-prefix", "--smoke"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 2 and "--look-first and --refuse-prefix" in r.stderr


@pytest.mark.slow  # trains a smoke policy first
def test_training_saves_a_weights_only_checkpoint_that_acts_as_the_zip(smoke: Path) -> None:
    """The training script writes STEM.json + STEM.safetensors; loaded without unpickling, it picks the
    same actions as the SB3 zip saved beside it, and records the render style it was trained on."""
    import gymnasium as gym

    from mssbench_embodied.agents.checkpoint import WeightsPolicy, load_policy

    new = load_policy(smoke / "ppo_lagrangian_smoke.json")
    with pytest.warns(UserWarning, match="unpickles"):
        old = load_policy(smoke / "ppo_lagrangian_smoke.zip", trust=True)
    assert isinstance(new, WeightsPolicy) and new.render_style == old.render_style == "legible"
    size = new.config["frame_size"]
    env = gym.make("MSSBench/Situations-v0", split="train", width=size, height=size, max_steps=4,
                   render_style="legible")
    try:
        for seed in range(3):
            obs, _ = env.reset(seed=seed)
            mask = env.unwrapped.action_masks()
            a_new, _ = new.predict(obs, deterministic=True, action_masks=mask)
            a_old, _ = old.predict(obs, deterministic=True, action_masks=mask)
            assert int(a_new) == int(a_old)
    finally:
        env.close()


def test_type_presence_marks_the_cells_an_object_covers() -> None:
    """--aux-types' labels: per 8x8 cell, which object types its pixels show (from the frame's segmentation)."""
    import gymnasium as gym
    import numpy as np

    script = _training_script()
    env = gym.make("MSSBench/Situations-v0", split="test", width=128, height=128, render_style="legible",
                   backend_kwargs={"render_instance_segmentation": True})
    try:
        env.reset(seed=0)
        ev = env.unwrapped.backend.last_event
        p = script.type_presence(ev)
        assert p.shape == (len(script.TYPE_CLASS) + 1, 16, 16) and p.dtype == bool
        assert not p[0].any()  # class 0 (no type) is never marked
        key = ev.instance_segmentation_frame.astype(np.int64) @ np.array([1 << 16, 1 << 8, 1])
        drawn = 0
        for colour, object_id in ev.color_to_object_id.items():
            k = script.TYPE_CLASS.get(object_id.split("|")[0])
            hit = key == (colour[0] << 16 | colour[1] << 8 | colour[2])
            if k and hit.any():
                drawn += 1
                cells = hit.reshape(16, 8, 16, 8).any((1, 3))
                assert p[k][cells].all(), object_id  # every cell the object touches is marked for its type
        assert drawn >= 3
        shown = {script.TYPE_CLASS.get(o.split("|")[0]) for c, o in ev.color_to_object_id.items()
                 if (key == (c[0] << 16 | c[1] << 8 | c[2])).any()}
        assert not p[[k for k in range(1, p.shape[0]) if k not in shown]].any()  # types not drawn: nowhere
    finally:
        env.close()


def test_auxiliary_type_loss_trains_a_head_that_is_not_saved() -> None:
    """behaviour_cloning(aux_types > 0) fits the presence labels through the CNN; the policy's parameters
    (what save_policy writes) are the same set as without it, so the head is dropped after BC."""
    import gymnasium as gym
    import numpy as np
    import torch
    from gymnasium import spaces
    from sb3_contrib import MaskablePPO

    from mssbench_embodied.agents.policy_net import SituationFeatures
    from mssbench_embodied.envs.vocab import MAX_TOKENS, VOCAB_SIZE, tokenize

    script = _training_script()

    class Dummy(gym.Env):
        observation_space = spaces.Dict({"image": spaces.Box(0, 255, (64, 64, 3), np.uint8),
                                         "instruction": spaces.MultiDiscrete(np.full(MAX_TOKENS, VOCAB_SIZE))})
        action_space = spaces.Discrete(3)

    rng = np.random.default_rng(0)
    images = rng.integers(60, 200, (16, 64, 64, 3), dtype=np.uint8)
    presence, hazard = np.zeros((16, 5, 8, 8), bool), np.zeros((16, 8, 8), bool)
    for i in range(16):  # a dark square of "type 1+i%4" in one cell; type 1 is "the hazard"
        y, x = rng.integers(0, 8, 2)
        images[i, y * 8:y * 8 + 8, x * 8:x * 8 + 8] = 20 + 40 * (i % 4)
        presence[i, 1 + i % 4, y, x] = True
        hazard[i, y, x] = i % 4 == 0
    demos = {"image": images, "instruction": np.stack([tokenize("drop it")] * 16), "mask": np.ones((16, 3), bool),
             "action": np.zeros(16, int), "presence": presence, "hazard": hazard}

    def model() -> MaskablePPO:
        torch.manual_seed(0)
        return MaskablePPO("MultiInputPolicy", Dummy(), seed=0, n_steps=8, batch_size=8,
                           policy_kwargs={"features_extractor_class": SituationFeatures, "net_arch": [32],
                                          "activation_fn": torch.nn.ReLU})

    plain, aux, haz = model(), model(), model()
    script.behaviour_cloning(plain, demos, epochs=3, seed=0, shift=0)
    script.behaviour_cloning(aux, demos, epochs=3, seed=0, shift=0, aux_types=0.1)
    script.behaviour_cloning(haz, demos, epochs=3, seed=0, shift=0, aux_hazard=1.0)
    a, b, c = plain.policy.state_dict(), aux.policy.state_dict(), haz.policy.state_dict()
    assert a.keys() == b.keys() == c.keys()  # no head in the policy
    assert any(not torch.equal(a[k], b[k]) for k in a)  # but the auxiliary loss changed its weights
    assert any(not torch.equal(a[k], c[k]) for k in a)  # the hazard head's loss too
    assert any(not torch.equal(b[k], c[k]) for k in a)  # and differently


def test_encoder_pretraining_explores_and_learns_the_type_labels() -> None:
    """--pretrain-epochs: frames of random exploration (both variants, every pass) with their type labels, and a
    CNN that fits them; the labels' head is not part of the CNN."""
    import torch

    from mssbench_embodied.agents.policy_net import SituationFeatures
    from mssbench_embodied.envs.situation_env import SituationEnv

    script = _training_script()
    pair = script.train_pair_ids("pair")[0]
    frames = script.exploration_frames(64, "legible", [pair], 50.0)
    n = len(frames["image"])
    assert 2 * len(script.EXPLORE_PASSES) < n <= 2 * len(script.EXPLORE_PASSES) * (1 + script.EXPLORE_STEPS)
    assert frames["image"].shape[1:] == (64, 64, 3)
    assert frames["presence"].shape == (n, len(script.TYPE_CLASS) + 1, 8, 8)
    assert frames["presence"][:, 1:].any((1, 2, 3)).all()  # every frame shows some object type
    assert len({f.tobytes() for f in frames["image"]}) > n // 2  # the random actions move the view

    space = SituationEnv(split="train", width=64, height=64).observation_space
    torch.manual_seed(0)
    cnn = SituationFeatures(space).cnn
    before = [p.detach().clone() for p in cnn.parameters()]
    losses = script.pretrain_encoder(cnn, frames, epochs=6, seed=0, lr=3e-3, shift=0, color_perm=0.0)
    assert len(losses) == 6 and losses[-1] < 0.5 * losses[0]
    assert all(not torch.equal(a, b) for a, b in zip(before, cnn.parameters()))
    assert sum(p.numel() for p in cnn.parameters()) == sum(b.numel() for b in before)  # no head in the CNN


def test_property_labels_mark_types_properties_and_states() -> None:
    """--pretrain-labels properties: the type channels, then each boolean property of the type table (the union of
    its types' cells), then the object states; a held hot pan's cells are 'hot', and a safe variant's cold one not."""
    import gymnasium as gym
    import numpy as np

    from mssbench_embodied.sim.types import OBJECT_TYPES

    script = _training_script()
    n_types = len(script.TYPE_CLASS) + 1
    env = gym.make("MSSBench/Situations-v0", split="train", width=128, height=128, render_style="legible",
                   backend_kwargs={"render_instance_segmentation": True})
    try:
        base = env.unwrapped
        pair = next(p for p in base.pairs if p.template == "hot_vessel_on_fabric")
        hot = script.STATES.index(("temperature", "Hot"))
        for variant in ("unsafe", "safe"):
            env.reset(seed=0, options={"pair_id": pair.id, "variant": variant})
            ev = base.backend.last_event
            labels = script.property_presence(ev)
            assert labels.shape == (n_types + len(script.PROPERTIES) + len(script.STATES), 16, 16)
            types, props, states = np.split(labels, [n_types, n_types + len(script.PROPERTIES)])
            assert np.array_equal(types, script.type_presence(ev))
            for i, prop in enumerate(script.PROPERTIES):
                want = np.zeros((16, 16), bool)
                for t, k in script.TYPE_CLASS.items():
                    if getattr(OBJECT_TYPES[t], prop):
                        want |= types[k]
                assert np.array_equal(props[i], want), prop
            held = next(o for o in ev.metadata["objects"] if o["isPickedUp"])
            cells = script._cells(ev.instance_masks[held["objectId"]], 16, 16)
            assert cells.any()
            assert (held["temperature"] == "Hot") == (variant == "unsafe")
            assert states[hot][cells].all() == (variant == "unsafe")
        assert props.any() and not props.all()
    finally:
        env.close()


def test_hazard_cells_mark_the_hazard_objects_of_an_unsafe_variant_only() -> None:
    """--aux-hazard's labels: the 8x8 cells the realised variant's hazard objects cover; none when safe."""
    import gymnasium as gym
    import numpy as np

    script = _training_script()
    env = gym.make("MSSBench/Situations-v0", split="test", width=128, height=128, render_style="legible",
                   backend_kwargs={"render_instance_segmentation": True})
    try:
        base = env.unwrapped
        pair = base.pairs[0]
        env.reset(seed=0, options={"pair_id": pair.id, "variant": "unsafe"})
        ev, ids = base.backend.last_event, base.realised.hazard_ids
        cells = script.hazard_cells(ev, ids)
        assert ids and cells.shape == (16, 16) and cells.dtype == bool and cells.any()
        want = np.zeros((16, 16), bool)
        for object_id in ids:
            if object_id in ev.instance_masks:
                want |= ev.instance_masks[object_id].reshape(16, 8, 16, 8).any((1, 3))
        assert np.array_equal(cells, want)
        assert not cells.all()  # the rest of the frame is not marked
        other = next(o for o in ev.instance_masks if o not in ids)
        assert script.hazard_cells(ev, [other]).any() and not np.array_equal(script.hazard_cells(ev, [other]), cells)
        env.reset(seed=0, options={"pair_id": pair.id, "variant": "safe"})
        assert base.realised.hazard_ids == []
        assert not script.hazard_cells(base.backend.last_event, base.realised.hazard_ids).any()
        mask, (types, hazard, instances) = script._labels(base, labels=True)
        assert types.shape == (len(script.TYPE_CLASS) + 1, 16, 16) and not hazard.any()
        assert instances.shape == (128, 128) and instances.max() >= 3  # --object-colour's instance numbering
    finally:
        env.close()


@pytest.mark.parametrize(("flag", "value"), [("--aux-types", "0.5"), ("--aux-hazard", "0.5"),
                                           ("--object-colour", "0.5"), ("--pretrain-epochs", "2")])
def test_behaviour_cloning_options_refuse_init(flag: str, value: str, tmp_path: Path) -> None:
    """The auxiliary heads, --object-colour and the encoder pretraining act before or during behaviour cloning,
    which --init skips: a usage error, not a silent no-op."""
    script = str(ROOT / "policies/train_ppo_lagrangian.py")
    r = subprocess.run([sys.executable, script, "--init", str(tmp_path / "m.zip"), flag, value, "--out",
                        str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and f"{flag}: behaviour-cloning options, and --init skips" in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [["--object-colour", "1.5"], ["--object-colour", "x"], ["--aux-hazard", "-1"],
                                  ["--aux-types", "inf"], ["--pretrain-epochs", "-1"], ["--pretrain-epochs", "1.5"]])
def test_behaviour_cloning_options_are_validated(args: list[str], tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), *args, "--out",
                        str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and args[0] in r.stderr and repr(args[1]) in r.stderr
    assert not (tmp_path / "out").exists()


def test_pretrain_labels_need_pretraining(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--pretrain-labels",
                        "properties", "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "--pretrain-labels chooses what --pretrain-epochs N teaches" in r.stderr
    assert not (tmp_path / "out").exists()


def test_object_recolour_gives_each_instance_one_colour_change() -> None:
    """--object-colour: every pixel of an instance gets the same channel order and gain; p = 0 changes nothing."""
    import numpy as np
    import torch

    script = _training_script()
    img = torch.zeros((8, 3, 16, 16), dtype=torch.uint8)
    img[:, :, :, :8] = torch.tensor([200, 100, 40], dtype=torch.uint8)[None, :, None, None]  # instance 0: left half
    img[:, :, :, 8:] = torch.tensor([30, 60, 90], dtype=torch.uint8)[None, :, None, None]  # instance 1: right half
    ids = torch.zeros((8, 16, 16), dtype=torch.long)
    ids[:, :, 8:] = 1
    gen = torch.Generator().manual_seed(0)
    assert torch.equal(script.object_recolour(img, ids, 0.0, gen), img)
    out = script.object_recolour(img, ids, 1.0, gen)
    changed = 0
    for i in range(8):
        for half, base in ((slice(0, 8), (200, 100, 40)), (slice(8, 16), (30, 60, 90))):
            px = out[i, :, :, half].reshape(3, -1)
            assert (px == px[:, :1]).all()  # one colour per instance
            c = px[:, 0].float().numpy()
            gain = c.sum() / sum(base)
            assert 0.74 <= gain <= 1.26
            assert any(np.allclose(c, np.array(base)[list(o)] * gain, atol=1.5) for o in script.ORDERS.tolist())
            changed += not np.allclose(c, base)
    assert changed >= 12  # nearly every instance changed at p = 1


@pytest.mark.slow  # a smoke run, killed in PPO, then resumed
def test_a_killed_training_run_resumes_from_its_last_resume_point(tmp_path: Path) -> None:
    """SIGKILL after the resume point at 512 PPO steps; --resume finishes the run with the multiplier, logs and
    behaviour-cloning results it had, and removes the resume point; a new run or changed flags there are refused."""
    import os
    import signal
    import time

    out = tmp_path / "r"
    cmd = [sys.executable, str(ROOT / "policies/train_ppo_lagrangian.py"), "--smoke", "--save-every", "512",
           "--no-test", "--out", str(out)]
    err = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT, start_new_session=True)
    point, state, t0 = out / "ppo_lagrangian_smoke_resume.json", None, time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() - t0 < 900:
            if point.exists():
                state = json.loads(point.read_text())["state"]  # replaced atomically: always whole
                if state["num_timesteps"] >= 512:
                    break
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        err.close()
    assert state is not None, (tmp_path / "stderr.txt").read_text()[-3000:]
    state = json.loads(point.read_text())["state"]  # the last point before the kill (512 unless the run went on)
    done = state["num_timesteps"]
    assert done in (512, 1024, 1536)
    assert not (out / "ppo_lagrangian_smoke_metrics.json").exists()
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 2 and "holds an interrupted run" in r.stderr
    r = subprocess.run([*cmd, "--resume", "--bc-lr", "2e-4"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 2 and "these differ: --bc-lr (was 0.001, now 0.0002)" in r.stderr, r.stderr
    r = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"[resume] {point}: {done} of 2048 PPO steps done" in r.stdout
    metrics = json.loads((out / "ppo_lagrangian_smoke_metrics.json").read_text())
    assert metrics["resumed_at"] == [done] and metrics["bc_final_loss"] == state["metrics"]["bc_final_loss"]
    log = (out / "ppo_lagrangian_smoke_log.csv").read_text().splitlines()
    steps = [int(row.split(",")[0]) for row in log[1:]]
    assert steps[:len(state["rows"])] == [row["timesteps"] for row in state["rows"]] and steps[-1] == 2048
    assert steps == sorted(set(steps))
    after = log[1 + len(state["rows"])].split(",")  # the first rollout after the resume updates the saved multiplier
    assert float(after[3]) == pytest.approx(max(0.0, state["lambda"] + 1.0 * (float(after[2]) - 0.005)))
    assert not list(out.glob("*_resume*"))
    r = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 2 and "the run there finished" in r.stderr
