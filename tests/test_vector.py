"""GroupedAsyncVectorEnv: same results as gymnasium's SyncVectorEnv, envs grouped in processes."""
from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

import mssbench_embodied  # noqa: F401
from mssbench_embodied.envs.action_space import HIGH_LEVEL_INDEX
from mssbench_embodied.envs.vector import GroupedAsyncVectorEnv, make_grouped_vec

PAIRS = ["faucet_electronics.kitchen_b.CellPhone-Mug", "stove_flammable.kitchen_val09.Cloth-Pan",
         "sharp_on_bed.bedroom_a.Book-Knife"]
KW = {"width": 32, "height": 32, "pair_ids": PAIRS}
pytestmark = pytest.mark.slow  # each test spawns worker processes


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
        assert grouped.num_workers == 2 and grouped.groups == [(0, 2), (2, 3)]
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
        venv.call_async("reward_config")
        with pytest.raises(RuntimeError, match="call_async"):
            venv.step(np.zeros(3, dtype=np.int64))
        assert [c["step_penalty"] for c in venv.call_wait()] == [0.01] * 3
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
        venv.processes[1].kill()
        venv.processes[1].join()
        with pytest.raises(RuntimeError, match="worker 1 exited"):
            venv.step(np.zeros(2, dtype=np.int64))
    finally:
        venv.close()
    with pytest.raises(RuntimeError, match="unexpected keyword argument 'bogus'"):
        make_grouped_vec("MSSBench/Situations-v0", num_envs=1, num_workers=1, bogus=1, **KW)


def test_make_vec_vector_entry_point_gives_the_grouped_env():
    venv = gym.make_vec("MSSBench/SituationsNav-v0", num_envs=3, vectorization_mode="vector_entry_point",
                        num_workers=2, **KW)
    try:
        assert isinstance(venv, GroupedAsyncVectorEnv) and venv.num_workers == 2
        assert venv.get_attr("action_mode") == ("navigation",) * 3 and venv.get_attr("max_steps") == (60,) * 3
        obs, info = venv.reset(seed=0)
        assert obs["image"].shape == (3, 32, 32, 3) and info["action_mask"].shape[0] == 3
    finally:
        venv.close()


def _per_env_record(obs, r, term, trunc, info, i: int) -> tuple:
    return (obs["image"][i].tobytes(), float(r[i]), bool(term[i]), bool(trunc[i]), str(info["pair_id"][i]),
            info["action_mask"][i].tobytes())


def test_pool_mode_gives_each_env_the_trajectory_it_has_in_sync_mode():
    n = 4
    pool = make_grouped_vec("MSSBench/Situations-v0", num_envs=n, num_workers=2, **KW)
    sync = gym.make_vec("MSSBench/Situations-v0", num_envs=n, vectorization_mode="sync", **KW)
    try:
        rngs = [np.random.default_rng(100 + i) for i in range(n)]
        got: list[list[tuple]] = [[] for _ in range(n)]
        pool.async_reset(seed=3)
        for _ in range(30):
            obs, r, term, trunc, info = pool.recv()
            ids = info["env_id"]
            assert len(ids) == 2 and obs["image"].shape == (2, 32, 32, 3)
            for k, i in enumerate(ids):
                got[i].append(_per_env_record(obs, r, term, trunc, info, k))
            pool.send([rngs[i].choice(np.flatnonzero(m)) for i, m in zip(ids, info["action_mask"])], ids)
        while pool.in_flight:  # drain; then the lock-step API works again
            pool.recv()
        assert pool.step(np.zeros(n, dtype=np.int64))[0]["image"].shape == (n, 32, 32, 3)

        rngs = [np.random.default_rng(100 + i) for i in range(n)]
        want: list[list[tuple]] = [[] for _ in range(n)]
        obs, info = sync.reset(seed=3)
        r, term, trunc = np.zeros(n), np.zeros(n, bool), np.zeros(n, bool)
        for _ in range(max(map(len, got))):
            for i in range(n):
                want[i].append(_per_env_record(obs, r, term, trunc, info, i))
            a = np.array([rngs[i].choice(np.flatnonzero(info["action_mask"][i])) for i in range(n)])
            obs, r, term, trunc, info = sync.step(a)
        assert sum(map(len, got)) == 60
        for i in range(n):
            assert got[i] == want[i][:len(got[i])], f"env {i} diverged"
        assert any(rec[2] for env in got for rec in env)  # episodes ended and were auto-reset
    finally:
        pool.close()
        sync.close()


def test_pool_mode_misuse_is_a_clear_error_and_close_drains():
    venv = make_grouped_vec("MSSBench/Situations-v0", num_envs=3, num_workers=2, **KW)
    try:
        with pytest.raises(RuntimeError, match="no batch in flight"):
            venv.recv()
        venv.async_reset(seed=0)
        with pytest.raises(RuntimeError, match="in flight"):
            venv.step(np.zeros(3, dtype=np.int64))
        with pytest.raises(RuntimeError, match="in flight"):
            venv.call("action_masks")
        with pytest.raises(RuntimeError, match="call_wait"):
            venv.call_wait()
        obs, r, term, trunc, info = venv.recv()
        ids = info["env_id"]
        assert r.tolist() == [0.0] * len(ids) and not term.any()
        with pytest.raises(ValueError, match="not a worker group"):
            venv.send(np.zeros(1, dtype=np.int64), [0])
        with pytest.raises(ValueError, match="actions for"):
            venv.send(np.zeros(len(ids) + 1, dtype=np.int64), ids)
        other = [g for g in ([0, 1], [2]) if g != ids.tolist()][0]
        with pytest.raises(RuntimeError, match="still stepping"):
            venv.send(np.zeros(len(other), dtype=np.int64), other)
        venv.send(np.zeros(len(ids), dtype=np.int64), ids)
    finally:
        venv.close()  # two batches in flight: close drains them and returns
    assert all(not p.is_alive() for p in venv.processes)
