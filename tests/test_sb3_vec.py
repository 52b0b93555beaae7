"""GroupedSB3VecEnv: SB3's VecEnv API over the grouped vector env, as DummyVecEnv behaves."""
from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest
from sb3_contrib import MaskablePPO
from stable_baselines3.common.monitor import Monitor
from stable_baselines3.common.vec_env import DummyVecEnv

import mssbench_embodied  # noqa: F401
from mssbench_embodied.envs.sb3 import GroupedSB3VecEnv, make_sb3_vec, split_infos
from mssbench_embodied.envs.vector import make_grouped_vec

PAIRS = ["faucet_electronics.kitchen_b.CellPhone-Mug", "stove_flammable.kitchen_val09.Cloth-Pan",
         "sharp_on_bed.bedroom_a.Book-Knife"]
KW = {"width": 32, "height": 32, "pair_ids": PAIRS, "max_steps": 4}


def test_split_infos_keeps_only_present_keys():
    info = {"a": np.array([1, 2]), "_a": np.array([True, False]),
            "b": {"c": np.array([5, 6]), "_c": np.array([False, True])}, "_b": np.array([False, True])}
    assert split_infos(info, 2) == [{"a": 1}, {"b": {"c": 6}}]


@pytest.mark.slow
def test_steps_like_dummy_vec_env():
    n = 3
    dummy = DummyVecEnv([lambda: gym.make("MSSBench/Situations-v0", **KW) for _ in range(n)])
    ours = make_sb3_vec("MSSBench/Situations-v0", n, num_workers=2, **KW)
    try:
        dummy.seed(3)
        ours.seed(3)
        a, b = dummy.reset(), ours.reset()
        assert all(np.array_equal(a[k], b[k]) for k in a)
        assert [i["pair_id"] for i in dummy.reset_infos] == [i["pair_id"] for i in ours.unwrapped.reset_infos]
        rng = np.random.default_rng(0)
        dones_seen = 0
        for _ in range(30):
            masks = np.stack(dummy.env_method("action_masks"))
            assert np.array_equal(masks, np.stack(ours.env_method("action_masks")))
            act = np.array([rng.choice(np.flatnonzero(m)) for m in masks])
            (o1, r1, d1, i1), (o2, r2, d2, i2) = dummy.step(act), ours.step(act)
            assert all(np.array_equal(o1[k], o2[k]) for k in o1)
            assert np.array_equal(r1, r2) and r2.dtype == np.float32 and np.array_equal(d1, d2)
            for x, y, done, rx, ry in zip(i1, i2, d1, dummy.reset_infos, ours.unwrapped.reset_infos):
                for key in ("pair_id", "variant", "cost", "message", "refused", "TimeLimit.truncated"):
                    assert x[key] == y[key], key
                assert ("terminal_observation" in x) == ("terminal_observation" in y) == bool(done)
                if done:
                    dones_seen += 1
                    tx, ty = x["terminal_observation"], y["terminal_observation"]
                    assert all(np.array_equal(tx[k], ty[k]) for k in tx)
                    assert rx["pair_id"] == ry["pair_id"] and rx["variant"] == ry["variant"]
        assert dones_seen >= 3  # episodes ended (refusals, done, step limit) and were reset
    finally:
        dummy.close()
        ours.close()


@pytest.mark.slow
def test_attributes_methods_and_wrappers():
    venv = make_sb3_vec("MSSBench/Situations-v0", 3, num_workers=2, **KW)
    try:
        venv.reset()
        assert venv.get_attr("max_steps") == [4, 4, 4] and venv.get_attr("max_steps", indices=[2]) == [4]
        venv.set_attr("max_steps", 7, indices=[1])
        assert venv.get_attr("max_steps") == [4, 7, 4]
        venv.set_attr("max_steps", 5)
        assert venv.get_attr("max_steps") == [5, 5, 5]
        masks = venv.env_method("action_masks", indices=[0, 2])
        fresh = venv.unwrapped.venv.call("action_masks")
        assert len(masks) == 2 and np.array_equal(masks[1], fresh[2])
        assert venv.env_is_wrapped(gym.wrappers.OrderEnforcing) == [True] * 3
        assert venv.env_is_wrapped(Monitor) == [False] * 3
        with pytest.raises(RuntimeError, match="step_async"):
            venv.step_wait()
        venv.set_options([{"variant": "unsafe"}, {}, {}])
        with pytest.raises(ValueError, match="one options dict"):
            venv.reset()
        venv.set_options({"variant": "unsafe"})
        venv.reset()
        assert [i["variant"] for i in venv.unwrapped.reset_infos] == ["unsafe"] * 3
    finally:
        venv.close()
    with pytest.raises(ValueError, match="SAME_STEP"):
        GroupedSB3VecEnv(make_grouped_vec("MSSBench/Situations-v0", 1, 1, **KW))


@pytest.mark.slow
def test_maskable_ppo_trains_on_it():
    venv = make_sb3_vec("MSSBench/Situations-v0", 4, num_workers=2, **{**KW, "width": 64, "height": 64})
    try:
        model = MaskablePPO("MultiInputPolicy", venv, n_steps=32, batch_size=64, n_epochs=1, seed=0, verbose=0)
        model.learn(256)
        assert model.num_timesteps >= 256
    finally:
        venv.close()
