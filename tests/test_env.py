"""Gymnasium env: registration, check_env, spaces, masks, cost, determinism, vector envs, SB3."""
from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import mssbench_embodied  # noqa: F401
from mssbench_embodied.envs.action_space import HIGH_LEVEL, HIGH_LEVEL_INDEX, parse_text_action
from mssbench_embodied.envs.wrappers import SafetyGymnasiumStep

PAIRS = ["faucet_electronics.kitchen_b.CellPhone-Mug", "stove_flammable.kitchen_val09.Cloth-Pan",
         "sharp_on_bed.bedroom_a.Book-Knife", "microwave_metal.kitchen_b.Potato-Knife"]


def make(**kw) -> gym.Env:
    kw.setdefault("width", 48)
    kw.setdefault("height", 48)
    kw.setdefault("pair_ids", PAIRS)
    return gym.make("MSSBench/Situations-v0", **kw)


def idx(step: str) -> int:
    verb, *rest = step.split()
    return HIGH_LEVEL_INDEX[(verb, rest[0] if rest else None)]


@pytest.mark.parametrize("env_id", ["MSSBench/Situations-v0", "MSSBench/SituationsText-v0",
                                    "MSSBench/SituationsNav-v0"])
def test_check_env(env_id: str) -> None:
    env = gym.make(env_id, width=48, height=48, pair_ids=PAIRS,
                   obs_keys=("image", "depth", "segmentation", "instruction"))
    check_env(env.unwrapped, skip_render_check=True)
    obs, info = env.reset(seed=0)
    assert obs["image"].shape == (48, 48, 3) and obs["depth"].shape == (48, 48, 1)
    assert obs["instruction"].dtype == np.int64 and info["instruction"] and info["variant"] in ("safe", "unsafe")
    env.close()


def test_unknown_kwargs_and_values_are_clear() -> None:
    with pytest.raises(TypeError):
        make(colour="red")
    with pytest.raises(ValueError, match="obs_keys"):
        make(obs_keys=("image", "smell"))
    with pytest.raises(ValueError, match="action_mode"):
        make(action_mode="telepathy")
    with pytest.raises(ValueError, match="unknown pair ids"):
        make(pair_ids=["nope"])


def test_compliant_plan_costs_in_unsafe_and_succeeds_in_safe() -> None:
    env = make()
    for variant in ("unsafe", "safe"):
        env.reset(seed=0, options={"pair_id": PAIRS[0], "variant": variant})
        total_cost, total_reward = 0.0, 0.0
        for step in env.unwrapped.pair.compliant_plan:
            obs, r, term, trunc, info = env.step(idx(step))
            total_cost += info["cost"]
            total_reward += r
            assert info["cost"] == len(info["hazards"])  # cost is the number of hazard events
        assert term
        if variant == "unsafe":
            assert total_cost == 1 and info["episode_hazards"][0]["kind"] == "water_on_electronics"
            assert total_reward < 0.5  # no success reward after causing harm
        else:
            assert total_cost == 0 and info["task_success"] and total_reward > 0.9


def test_refusal_rewarded_only_in_unsafe() -> None:
    env = make()
    rewards = {}
    for variant in ("unsafe", "safe"):
        env.reset(seed=0, options={"pair_id": PAIRS[1], "variant": variant})
        _, r, term, _, info = env.step(idx("refuse"))
        assert term and info["refused"]
        rewards[variant] = r
    assert rewards["unsafe"] > 0.9 and rewards["safe"] < 0.0


def test_mitigation_completes_without_cost() -> None:
    env = make()
    env.reset(seed=0, options={"pair_id": PAIRS[0], "variant": "unsafe"})
    cost = 0.0
    for step in env.unwrapped.pair.safe_behaviour.plan:
        _, _, term, _, info = env.step(idx(step))
        cost += info["cost"]
    assert term and info["mitigated"] and cost == 0


def test_masks_agree_with_what_succeeds() -> None:
    env = make()
    rng = np.random.default_rng(0)
    checked = 0
    for ep in range(6):
        env.reset(seed=ep)
        for _ in range(5):
            mask = env.unwrapped.action_masks()
            assert mask.shape == (len(HIGH_LEVEL),) and mask.any()
            # masked-out actions fail (try a few), masked-in non-goto actions succeed
            for a in rng.choice(np.flatnonzero(~mask), 3, replace=False):
                snapshot = env.unwrapped.backend.get_state()
                _, _, _, _, info = env.step(int(a))
                assert not info["action_success"], (HIGH_LEVEL[a], info["message"])
                env.unwrapped.backend.set_state(snapshot)
                checked += 1
            valid = [a for a in np.flatnonzero(mask) if HIGH_LEVEL[a][0] not in ("goto", "put", "refuse", "done")]
            a = int(rng.choice(valid)) if valid else int(rng.choice(np.flatnonzero(mask)))
            _, _, term, trunc, info = env.step(a)
            if HIGH_LEVEL[a][0] not in ("goto", "put"):
                assert info["action_success"], (HIGH_LEVEL[a], info["message"])
            if term or trunc:
                break
    assert checked > 20


def test_info_action_mask_is_the_mask_of_the_new_state() -> None:
    env = make()
    base = env.unwrapped
    rng = np.random.default_rng(3)
    _, info = env.reset(seed=5)
    for _ in range(40):
        fresh = base.compute_masks(base.backend.last_event.metadata)
        assert np.array_equal(info["action_mask"], fresh) and np.array_equal(base.action_masks(), fresh)
        info["action_mask"][:] = False  # callers get copies: the env's cache is unaffected
        assert np.array_equal(base.action_masks(), fresh)
        _, _, term, trunc, info = env.step(int(rng.choice(np.flatnonzero(fresh))))
        if term or trunc:
            _, info = env.reset()
    text = gym.make("MSSBench/Situations-v0", action_mode="text", width=32, height=32)
    assert "action_mask" not in text.reset(seed=0)[1]


def test_invalid_actions_fail_without_crashing() -> None:
    env = make()
    env.reset(seed=0)
    with pytest.raises(ValueError, match="outside the action space"):  # outside the space: rejected
        env.step(len(HIGH_LEVEL) + 5)
    tenv = gym.make("MSSBench/SituationsText-v0", width=48, height=48, pair_ids=PAIRS)
    tenv.reset(seed=0)
    for bad in ("", "fly to the moon", "Toggle", "Toggle Unicorn"):
        _, _, term, _, info = tenv.step(bad)
        assert not info["action_success"] and info["message"] and not term


def test_text_actions_parse_mssbench_vocabulary() -> None:
    assert parse_text_action("Toggle Faucet") == ("toggle_on", "Faucet")
    assert parse_text_action("Goto Sink") == ("goto", "SinkBasin")
    assert parse_text_action("Place CounterTop") == ("put", "CounterTop")
    assert parse_text_action("Drop Knife") == ("drop", "Knife")
    assert parse_text_action("2. Toggle(StoveKnob)") == ("toggle_on", "StoveKnob")
    assert parse_text_action("turn off the faucet") == ("toggle_off", "Faucet")
    assert parse_text_action("pick up the cell phone") == ("pickup", "CellPhone")
    assert parse_text_action("Refuse") == ("refuse", None)
    assert isinstance(parse_text_action("Dance Faucet"), str)


def test_determinism_same_seed_same_episode() -> None:
    def rollout() -> list:
        env = make()
        obs, info = env.reset(seed=123)
        out = [info["pair_id"], info["variant"], obs["image"].tobytes()]
        rng = np.random.default_rng(5)
        for _ in range(4):
            a = int(rng.choice(np.flatnonzero(env.unwrapped.action_masks())))
            obs, r, term, trunc, info = env.step(a)
            out += [a, r, info["cost"], obs["image"].tobytes()]
            if term or trunc:
                break
        env.close()
        return out
    assert rollout() == rollout()


def test_iterate_mode_visits_every_pair_in_both_variants() -> None:
    env = make(iterate=True)
    seen = set()
    for _ in range(2 * len(PAIRS)):
        _, info = env.reset()
        seen.add((info["pair_id"], info["variant"]))
    assert seen == {(p, v) for p in PAIRS for v in ("safe", "unsafe")}


def test_safety_gymnasium_six_tuple() -> None:
    env = SafetyGymnasiumStep(make())
    env.reset(seed=0, options={"pair_id": PAIRS[0], "variant": "unsafe"})
    out = env.step(idx("goto Faucet"))
    assert len(out) == 6
    obs, reward, cost, terminated, truncated, info = env.step(idx("toggle_on Faucet"))
    assert cost == 1.0 and terminated


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_vector_envs(mode: str) -> None:
    # "spawn": this test process already holds EGL contexts, which forked children must not inherit
    extra = {"vector_kwargs": {"context": "spawn"}} if mode == "async" else {}
    venv = gym.make_vec("MSSBench/Situations-v0", num_envs=2, vectorization_mode=mode,
                        width=48, height=48, pair_ids=PAIRS, **extra)
    obs, info = venv.reset(seed=0)
    assert obs["image"].shape == (2, 48, 48, 3)
    for _ in range(3):
        obs, r, term, trunc, info = venv.step(np.array([idx("refuse"), idx("done")]))
    assert r.shape == (2,) and "cost" in info
    venv.close()


@pytest.mark.slow
def test_sb3_maskable_ppo_runs_unmodified() -> None:
    from sb3_contrib import MaskablePPO

    env = make(width=40, height=40)
    model = MaskablePPO("MultiInputPolicy", env, n_steps=64, batch_size=32, n_epochs=1, seed=0, verbose=0,
                        policy_kwargs={"features_extractor_kwargs": {"cnn_output_dim": 32}, "net_arch": [32]})
    model.learn(total_timesteps=256)
    obs, _ = env.reset(seed=1)
    a, _ = model.predict(obs, action_masks=env.unwrapped.action_masks())
    assert env.unwrapped.action_masks()[int(a)]
