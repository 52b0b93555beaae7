"""The caches that make env steps cheap leave every result as a fresh computation gives it.

- metadata: the per-version object list, the lazy colours, the visibility memo (shared by geometry
  versions whose arrays did not change) against the metadata of an unpickled copy of the world,
  which starts with no cache, after each step of a random high-level episode;
- action masks: the grouped mask plan against the per-action rule it replaced;
- ``bench``'s env-vs-simulator section reports one consistent ratio;
- goto trying its candidate poses quietly (no Event per pose) against stepping each pose, over random
  episodes: the same observations, rewards, infos, metadata, world time and held-object positions;
- the visibility memo kept when only a held object moved answers as a geometry built afresh.
"""
from __future__ import annotations

import json
import pickle
from typing import Any

import gymnasium as gym
import numpy as np
import pytest

from mssbench_embodied import bench
from mssbench_embodied.envs.action_space import verb_possible
from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.sim.actions import MOVES
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.visibility import VisibilityGeometry

PAIRS = [p.id for p in load_pairs("train")][::97][:5]


def _fresh_metadata(backend: EmbeddedBackend, name: str, success: bool, error: str, ret: object) -> dict:
    """The metadata a world without any cache gives for the backend's current state."""
    w = pickle.loads(pickle.dumps(backend.world))
    w.visibility_distance, w.fov = backend.visibility_distance, backend.fov
    return w.metadata(name, success, error, ret, backend.width, backend.height)()


def _reference_colors(backend: EmbeddedBackend) -> list[dict]:
    """metadata["colors"] as the backend built it eagerly from the world: drawn names, other objects, classes."""
    drawn = backend._id_to_color
    objs = [o for o in backend.world.objects.values() if o.enabled]
    names = list(drawn) + [o.object_id for o in objs if o.object_id not in drawn]
    types = [o.object_type for o in objs] + [k.split("|")[0] for k in names if "|" in k]
    names += [t for t in dict.fromkeys(types) if t not in set(names)]
    return [{"color": list(backend.color_of(k)), "name": k} for k in names]


def _reference_masks(env: gym.Env, md: dict) -> np.ndarray:
    """The per-action mask rule compute_masks implements (one verb_possible per action in reach)."""
    u = env.unwrapped
    goto_ok = {o["objectType"] for o in md["objects"] if not o["isPickedUp"]}
    near = [o for o in md["objects"] if (o["visible"] and o["isInteractable"]) or o["isPickedUp"]]
    near_md, near_types = {**md, "objects": near}, {o["objectType"] for o in near}
    out = np.zeros(len(u.actions), dtype=bool)
    for i, (verb, t) in enumerate(u.actions):
        if verb in MOVES:
            out[i] = True
        elif verb == "goto":
            out[i] = t in goto_ok
        elif t is not None and t not in near_types:
            out[i] = False
        else:
            out[i] = verb_possible(near_md, verb, t)
    return out


@pytest.mark.parametrize("seed", [0, 1])
def test_cached_metadata_and_masks_equal_fresh_ones(seed: int) -> None:
    env = gym.make("MSSBench/Situations-v0", width=32, height=32, pair_ids=PAIRS,
                   obs_keys=("image", "segmentation", "instruction"))
    u = env.unwrapped
    rng = np.random.default_rng(seed)
    _, info = env.reset(seed=seed)
    checked = 0
    for _ in range(40):
        ev = u.backend.last_event
        md = ev.metadata
        fresh = _fresh_metadata(u.backend, md["lastAction"], md["lastActionSuccess"], md["errorMessage"],
                                md["actionReturn"])
        fresh_colors = _reference_colors(u.backend)
        assert json.dumps({**md, "colors": None}, sort_keys=True) == json.dumps({**fresh, "colors": None},
                                                                                  sort_keys=True)
        assert md["colors"] == fresh_colors
        assert np.array_equal(info["action_mask"], _reference_masks(env, md))
        checked += 1
        _, _, term, trunc, info = env.step(int(rng.choice(np.flatnonzero(info["action_mask"]))))
        if term or trunc:
            _, info = env.reset(seed=int(rng.integers(1 << 30)))
    env.close()
    assert checked == 40


def test_visibility_memo_is_dropped_when_a_box_moves() -> None:
    b = EmbeddedBackend(width=32, height=32, render=False)
    b.reset("kitchen_val09")
    w = b.world
    assert w is not None
    a = w.agent
    args = (a.camera_position, w.view_dir(), w.right(), w.fov, w.visibility_distance)
    g = w.visibility_geometry()
    seen = g.visible(*args)
    assert g.memo and seen
    target = next(w.objects[i] for i in sorted(seen) if w.objects[i].spec.pickupable)
    w.move_with_children(target, target.center + np.array([0.0, 5.0, 0.0]))  # far out of view
    g2 = w.visibility_geometry()
    assert g2 is not g and g2.memo is not g.memo and not g2.memo
    assert target.object_id not in g2.visible(*args)
    assert g.visible(*args) == seen  # the old version's memo still answers for the old state


def test_env_vs_sim_reports_one_consistent_ratio() -> None:
    out = bench.bench_env_vs_sim(6, "kitchen_val09", 6, 1, size=32, pair_ids=PAIRS[:1])
    assert out["frame"] == "32x32" and out["env_steps_per_s"] > 0
    assert out["env_sim_ratio"] == pytest.approx(out["env_steps_per_s"] / out["sim_rendered_steps_per_s_rgb_depth_seg"],
                                                 abs=0.002)
    assert out["env_sim_ratio_cpu"] == pytest.approx(out["env_steps_per_cpu_s"]
                                                     / out["sim_rendered_steps_per_cpu_s_rgb_depth_seg"], abs=0.002)


def _state(u: Any) -> tuple:
    """What must match bit for bit after a step: world time, agent pose, every object's boxes and flags."""
    w = u.backend.world
    objs = tuple((k, o.center.tobytes(), o.position.tobytes(), o.is_picked_up, o.temperature, o.heat)
                 for k, o in w.objects.items())
    a = w.agent
    return w.time, a.position.tobytes(), a.yaw, a.horizon, a.is_standing, a.held, objs


@pytest.mark.parametrize("seed", [3, 4])
def test_quiet_goto_equals_stepped_goto(seed: int) -> None:
    envs: list[Any] = [gym.make("MSSBench/Situations-v0", width=32, height=32, pair_ids=PAIRS,
                                obs_keys=("image", "segmentation", "instruction")) for _ in range(2)]
    rng = np.random.default_rng(seed)
    goto = [i for i, (v, _) in enumerate(envs[0].unwrapped.actions) if v == "goto"]

    def reset(s: int) -> dict:
        outs = [e.reset(seed=s) for e in envs]
        envs[1].unwrapped._exec.quiet_poses = False  # the reference: every candidate pose stepped
        assert envs[0].unwrapped._exec.quiet_poses
        return outs[0][1]

    info = reset(seed)
    gotos = held = 0
    for _ in range(60):
        allowed = np.flatnonzero(info["action_mask"])
        pick = [i for i in allowed if i in goto] if rng.random() < 0.5 else list(allowed)
        a = int(rng.choice(pick or allowed))
        outs = [e.step(a) for e in envs]
        (o0, r0, t0, tr0, i0), (o1, r1, t1, tr1, i1) = outs
        for k in o0:
            assert np.array_equal(o0[k], o1[k]), k
        assert (r0, t0, tr0) == (r1, t1, tr1)
        assert json.dumps({**i0, "action_mask": i0["action_mask"].tolist()}, sort_keys=True) == \
            json.dumps({**i1, "action_mask": i1["action_mask"].tolist()}, sort_keys=True)
        m0, m1 = (e.unwrapped.backend.last_event.metadata for e in envs)
        assert json.dumps(m0) == json.dumps(m1)  # key order too
        assert _state(envs[0].unwrapped) == _state(envs[1].unwrapped)
        gotos += a in goto
        held += bool(m0["inventoryObjects"]) and a in goto
        info = i0
        if t0 or tr0:
            info = reset(int(rng.integers(1 << 30)))
    for e in envs:
        e.close()
    assert gotos >= 15 and held >= 1


def test_visibility_memo_kept_when_only_the_held_object_moves() -> None:
    b = EmbeddedBackend(width=32, height=32, render=False)
    b.reset("kitchen_val09")
    w = b.world
    assert w is not None
    reach = w.reachable_positions()
    item = next(o for o in w.objects.values() if o.spec.pickupable and o.enabled)
    assert b.step({"action": "PickupObject", "objectId": item.object_id, "forceAction": True}).metadata[
        "lastActionSuccess"]
    g = w.visibility_geometry()
    kept = 0
    poses = list(enumerate(reach[:: max(1, len(reach) // 12)]))
    for k, (x, z) in poses + poses:  # the second round asks the kept memo for poses it has seen
        b.step({"action": "TeleportFull", "position": {"x": x, "y": 0.9, "z": z},
                "rotation": {"x": 0, "y": 90 * k, "z": 0}, "horizon": 30.0, "standing": True})
        g2 = w.visibility_geometry()
        kept += g2.memo is g.memo
        a = w.agent
        args = (a.camera_position, w.view_dir(), w.right(), w.fov, w.visibility_distance)
        assert g2.visible(*args) == VisibilityGeometry(w).visible(*args)
        g = g2
    assert kept >= len(poses)
