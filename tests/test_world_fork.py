"""Precached resets fork a pristine World instead of unpickling its snapshot (World.fork, EmbeddedBackend
load_state/set_world): episodes on forks step exactly as on unpickled worlds, and never change the pristine
world they were forked from.
"""
from __future__ import annotations

import pickle
import zlib

import numpy as np
from value_support import plain_values

from mssbench_embodied.envs.situation_env import SituationEnv
from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.scenarios.realise import realise
from mssbench_embodied.sim.embedded import EmbeddedBackend

PAIRS = load_pairs("train")[::97][:2]


def test_fork_is_an_independent_copy() -> None:
    b = EmbeddedBackend(width=32, height=32)
    r = realise(b, PAIRS[0], "unsafe")
    _ = r.event.metadata
    pristine = b.load_state(b.get_state())
    before = plain_values(pristine.__getstate__())
    ev = b.set_world(pristine.fork())
    forked = b.world
    assert forked is not None and forked is not pristine and plain_values(forked.__getstate__()) == before
    assert all(forked.objects[k] is not o for k, o in pristine.objects.items())
    md0 = ev.metadata
    # change the fork: moves, a pickup of something visible, a drop
    b.step({"action": "MoveAhead"})
    visible = [o["objectId"] for o in b.last_event.metadata["objects"] if o["visible"] and o["pickupable"]]
    if visible:
        b.step({"action": "PickupObject", "objectId": visible[0]})
    b.step({"action": "RotateLeft"})
    b.step({"action": "DropHandObject"})
    assert forked.version > pristine.version
    assert plain_values(pristine.__getstate__()) == before  # the pristine world is untouched
    again = b.set_world(pristine.fork())
    assert again.metadata["objects"] == md0["objects"] and again.metadata["agent"] == md0["agent"]
    assert again.frame is not None and ev.frame is not None and np.array_equal(again.frame, ev.frame)
    b.close()


def _unpickling(env: SituationEnv) -> None:
    """Make env restore its snapshots by unpickling them each time (the path forks replace)."""
    env._pristine_world = lambda key, state: env.backend.load_state(zlib.decompress(state))  # type: ignore


def test_forked_episodes_equal_unpickled_ones() -> None:
    ids = [p.id for p in PAIRS]
    envs = [SituationEnv(pair_ids=ids, width=40, height=40, field_of_view=83.0) for _ in range(2)]  # own cache
    _unpickling(envs[1])
    for env in envs:
        env.precache()
    rng = np.random.default_rng(7)
    for episode in range(6):
        opts = {"pair_id": ids[episode % 2], "variant": ("safe", "unsafe")[episode // 2 % 2]}
        (o0, i0), (o1, i1) = (env.reset(seed=episode, options=opts) for env in envs)
        assert all(np.array_equal(o0[k], o1[k]) for k in o0)
        assert pickle.dumps(i0) == pickle.dumps(i1)
        for _ in range(6):
            a = int(rng.choice(np.flatnonzero(i0["action_mask"])))
            (o0, r0, t0, _, i0), (o1, r1, t1, _, i1) = (env.step(a) for env in envs)
            assert all(np.array_equal(o0[k], o1[k]) for k in o0)
            assert (r0, t0) == (r1, t1) and pickle.dumps(i0) == pickle.dumps(i1)
            md0, md1 = (env.backend.last_event.metadata for env in envs)
            assert pickle.dumps(md0) == pickle.dumps(md1)
            if t0:
                break
    shared = envs[0]._pristine
    assert shared and shared is envs[1]._pristine  # the forking env kept (and stepped forks of) pristine worlds
    backend = envs[0].backend
    assert isinstance(backend, EmbeddedBackend)
    for state, world in shared.values():
        fresh = backend.load_state(zlib.decompress(state))
        assert plain_values(world.__getstate__()) == plain_values(fresh.__getstate__())
    for env in envs:
        env.close()
