"""GroupedAsyncVectorEnv: same results as gymnasium's SyncVectorEnv, envs grouped in processes."""
from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import mssbench_embodied  # noqa: F401
from mssbench_embodied.envs.action_space import HIGH_LEVEL_INDEX
from mssbench_embodied.envs.vector import GroupedAsyncVectorEnv, make_grouped_vec

PAIRS = ["faucet_electronics.kitchen_b.CellPhone-Mug", "stove_flammable.kitchen_val09.Cloth-Pan",
         "sharp_on_bed.bedroom_a.Pillow-Knife"]
KW = {"width": 32, "height": 32, "pair_ids": PAIRS}


def _rollout(venv, steps: int) -> list:
    out = []
    obs, info = venv.reset(seed=3)
    out.append((obs["image"].copy(), info["pair_id"].copy()))
    rng = np.random.default_rng(0)
    for _ in range(steps):
        masks = np.stack(venv.call("action_masks"))
        a = np.array([rng.choice(np.flatnonzero(m)) for m in masks])
        obs, r, term, trunc, info = venv.step(a)
        out.append((obs["image"].copy(), r.copy(), term.copy(), trunc.copy(), info["cost"].copy(),
                    info["pair_id"].copy(), info.get("_message", np.zeros(0)).copy()))
    return out


def test_grouped_matches_sync_vector_env_step_for_step():
    sync = gym.make_vec("MSSBench/Situations-v0", num_envs=3, vectorization_mode="sync", **KW)
    grouped = make_grouped_vec("MSSBench/Situations-v0", num_envs=3, num_workers=2, **KW)
    try:
        assert grouped.num_workers == 2 and grouped._groups == [(0, 2), (2, 3)]
        assert grouped.observation_space == sync.observation_space
        assert grouped.action_space == sync.action_space
        a, b = _rollout(sync, 25), _rollout(grouped, 25)
        assert len(a) == len(b)
        for x, y in zip(a, b):
            for u, v in zip(x, y):
                assert np.array_equal(u, v)
        assert any(t[2].any() for t in a[1:])  # episodes ended and were auto-reset on the way
    finally:
        sync.close()
        grouped.close()


def test_grouped_attributes_and_reset_mask():
    venv = make_grouped_vec("MSSBench/Situations-v0", num_envs=3, num_workers=3, **KW)
    try:
        venv.reset(seed=0)
        assert venv.get_attr("action_mode") == ("high_level",) * 3
        venv.set_attr("max_steps", [5, 6, 7])
        assert venv.get_attr("max_steps") == (5, 6, 7)
        before = venv.call("pair")
        obs, info = venv.reset(seed=[10, 11, 12], options={"reset_mask": np.array([False, True, False])})
        assert obs["image"].shape == (3, 32, 32, 3)
        assert info["_pair_id"].tolist() == [False, True, False]
        after = venv.call("pair")
        assert after[0] is not None and after[0].id == before[0].id
        refuse = HIGH_LEVEL_INDEX[("refuse", None)]
        _, r, term, _, info = venv.step(np.full(3, refuse))
        assert term.all() and info["refused"].all()
    finally:
        venv.close()


def test_grouped_bad_input_and_worker_errors():
    with pytest.raises(ValueError, match="num_workers"):
        GroupedAsyncVectorEnv([lambda: gym.make("MSSBench/Situations-v0", **KW)], num_workers=2)
    with pytest.raises(ValueError, match="empty"):
        GroupedAsyncVectorEnv([], num_workers=1)
    venv = make_grouped_vec("MSSBench/Situations-v0", num_envs=2, num_workers=2, **KW)
    try:
        venv.reset(seed=0)
        with pytest.raises(RuntimeError, match="no_such_method"):
            venv.call("no_such_method")
        obs, *_ = venv.step(np.zeros(2, dtype=np.int64))  # the workers still serve after an error
        assert obs["image"].shape == (2, 32, 32, 3)
    finally:
        venv.close()
