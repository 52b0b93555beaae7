"""Cheaper realisations and resets leave every result as the plain path gives it.

- ``start_pose`` finds the pose ``realise(pair, "unsafe")`` finds, and a variant realised from the
  state it prepared on the way equals one set up from scratch (Realised fields, every world value,
  metadata, frames), in the flat and the legible style;
- snapshots carry the world's metadata and visibility caches: a restored world's metadata equals that
  of a copy of the world with no cache, and stays equal after a step;
- an env's first (realised) and later (restored) resets give the same observation and info.
"""
from __future__ import annotations

import pickle
from dataclasses import fields
from typing import Any, Literal

import gymnasium as gym
import numpy as np
import pytest
from value_support import plain_values

from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.scenarios.realise import realise, start_pose
from mssbench_embodied.sim.embedded import EmbeddedBackend

PAIRS = load_pairs("all")[::131][:4]


def _world_values(b: EmbeddedBackend) -> Any:
    assert b.world is not None
    return plain_values(b.world.__getstate__())  # the state without caches


def _fields(r: Any) -> dict[str, Any]:
    return {f.name: getattr(r, f.name) for f in fields(r) if f.name != "event"}


@pytest.mark.parametrize("style", ["flat", "legible"])
def test_prepared_variants_equal_fresh_ones(style: Literal["flat", "legible"]) -> None:
    pairs = PAIRS if style == "flat" else PAIRS[:1]
    a, b = (EmbeddedBackend(width=64, height=64, render_style=style) for _ in range(2))
    for pair in pairs:
        pose = realise(a, pair, "unsafe").pose
        found, prepared = start_pose(b, pair)
        assert found == pose
        assert set(prepared) == ({"unsafe", "safe"} if style == "legible" else {"unsafe"})
        for variant in ("unsafe", "safe"):
            fresh = realise(a, pair, variant, pose=pose)
            kept = realise(b, pair, variant, pose=pose, prepared=prepared.get(variant))
            assert _fields(kept) == _fields(fresh)
            assert _world_values(b) == _world_values(a)
            assert kept.event.metadata == fresh.event.metadata
            for frame in ("frame", "depth_frame", "instance_segmentation_frame"):
                shown, expected = getattr(kept.event, frame), getattr(fresh.event, frame)
                assert shown is not None and expected is not None and np.array_equal(shown, expected)
    a.close()
    b.close()


def test_prepared_state_must_match() -> None:
    b = EmbeddedBackend(width=32, height=32, render=False)
    pose, prepared = start_pose(b, PAIRS[0])
    with pytest.raises(ValueError, match="is not"):
        realise(b, PAIRS[0], "safe", pose=pose, prepared=prepared["unsafe"])
    with pytest.raises(ValueError, match="is not"):
        realise(b, PAIRS[1], "unsafe", pose=pose, prepared=prepared["unsafe"])
    with pytest.raises(ValueError, match="start pose"):
        realise(b, PAIRS[0], "unsafe", prepared=prepared["unsafe"])


def _fresh_metadata(b: EmbeddedBackend, name: str) -> dict:
    w = pickle.loads(pickle.dumps(b.world))  # World pickles without its caches
    w.visibility_distance, w.fov = b.visibility_distance, b.fov
    md = w.metadata(name, True, "", None, b.width, b.height)()
    md.pop("colors")  # the backend's (drawn names), not the world's
    return md


def test_restored_caches_give_fresh_metadata() -> None:
    b = EmbeddedBackend(width=64, height=64)
    for pair in PAIRS[:2]:
        r = realise(b, pair, "unsafe")
        _ = r.event.metadata  # fills the visibility memo, which the snapshot carries
        state = b.get_state()
        ev = b.set_state(state)
        assert b.world is not None and b.world._md_list is not None and b.world._geom is not None  # caches kept
        md = dict(ev.metadata)
        md.pop("colors")
        assert md == _fresh_metadata(b, "Pass")
        ev = b.step({"action": "RotateLeft"})
        md = dict(ev.metadata)
        md.pop("colors")
        assert md == _fresh_metadata(b, "RotateLeft")
    # a snapshot of a world pickled alone (the old format) still restores
    ev = b.set_state(pickle.dumps(b.world))
    assert ev.metadata["lastAction"] == "Pass"
    b.close()


def test_restored_resets_equal_first_ones() -> None:
    ids = [p.id for p in PAIRS[:2]]
    first = gym.make("MSSBench/Situations-v0", width=48, height=48, pair_ids=ids, render_style="flat",
                     field_of_view=77.0)  # a config of its own: nothing cached yet
    shown = []
    for rnd in range(2):
        for pid in ids:
            for variant in ("safe", "unsafe"):
                obs, info = first.reset(seed=3, options={"pair_id": pid, "variant": variant})
                shown.append((rnd, pid, variant, obs, info))
    first.close()
    n = len(shown) // 2
    for (_, pid, v, obs, info), (_, pid2, v2, obs2, info2) in zip(shown[:n], shown[n:]):
        assert (pid, v) == (pid2, v2)
        assert all(np.array_equal(obs[k], obs2[k]) for k in obs)
        assert info.keys() == info2.keys()
        assert all(np.array_equal(info[k], info2[k]) if k == "action_mask" else info[k] == info2[k] for k in info)
