"""Incremental caches equal a rebuild from scratch: render soup, GL buffer, visibility.

Random masked high-level episodes move, open, fill, light and carry objects; after every step
the patched geometry, the frame and the visibility arrays are compared with fresh builds.
"""
from __future__ import annotations

import numpy as np
import pytest
from gl_support import GL, KINDS

from mssbench_embodied.envs.situation_env import SituationEnv
from mssbench_embodied.scenarios.skills import SkillExecutor
from mssbench_embodied.sim.render import make_renderer
from mssbench_embodied.sim.render.geometry import WorldBuilder
from mssbench_embodied.sim.visibility import VisibilityGeometry

FIELDS = ("tris", "normals", "colors", "ids", "closed")




def _random_steps(env: SituationEnv, seed: int, steps: int):
    rng = np.random.default_rng(seed)
    env.reset(seed=seed)
    t = 0
    for _ in range(steps):
        a = int(rng.choice(np.flatnonzero(env.action_masks())))
        _, _, term, _, _ = env.step(a)
        yield a
        t += 1
        if term or t >= env.max_steps:  # a bare env has no TimeLimit: end episodes as gym.make's would
            env.reset()
            t = 0


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_patched_frames_and_geometry_equal_a_rebuild(kind):
    env = SituationEnv(split="train", width=48, height=48, renderer=kind,
                       obs_keys=("image", "depth", "segmentation", "instruction"))
    fresh = make_renderer(48, 48, kind=kind)
    b = env.backend
    patched = changed_count = 0
    try:
        for _ in _random_steps(env, seed=11, steps=120):
            renderer = b.renderer
            assert renderer is not None
            scene = b.render_scene(b.render_objects())
            geo = renderer.geometry(scene)  # the soup of the step's frame (same scene version: the cached one)
            patched += geo.parent is not None
            changed_count += any(n1 - n0 != b1 - b0 for b0, b1, n0, n1 in geo.dirty)
            scene.revisions = None
            full = WorldBuilder().build(scene)
            for f in FIELDS:
                assert np.array_equal(getattr(full, f), getattr(geo, f)), f
            fresh.clear_cache()  # no cached soup, no patch
            out = fresh.render(scene)
            ev = b.last_event
            assert np.array_equal(out.rgb, ev.frame)
            assert np.array_equal(out.depth, ev.depth_frame)
            assert np.array_equal(out.ids, renderer.render(scene).ids)
    finally:
        fresh.close()
        env.close()
    assert patched >= 40  # the patch path is exercised, including triangle-count changes
    assert changed_count >= 1


def test_incremental_visibility_equals_a_rebuild():
    env = SituationEnv(split="test", width=32, height=32, obs_keys=("instruction",), render_mode=None)
    updated, prev = 0, None
    try:
        for _ in _random_steps(env, seed=5, steps=250):
            w = env.backend.world
            g = w.visibility_geometry()
            updated += prev is not None and g.objs is prev.objs and g is not prev
            prev = g
            f = VisibilityGeometry(w)
            for name in ("lo", "hi", "points", "box_front", "related", "candidate", "occluder", "held"):
                assert np.array_equal(getattr(f, name), getattr(g, name)), name
            a = w.agent
            args = (a.camera_position, w.view_dir(), w.right(), w.fov, w.visibility_distance)
            assert f.visible(*args) == g.visible(*args)
    finally:
        env.close()
    assert updated >= 100


def test_updated_visibility_rows_follow_a_carried_object():
    env = SituationEnv(split="train", width=32, height=32, obs_keys=("instruction",), render_mode=None)
    try:
        env.reset(seed=0)
        w = env.backend.world
        g0 = w.visibility_geometry()
        held = next(o for o in w.objects.values() if o.enabled and o.spec.pickupable and not o.children)
        w.move_with_children(held, held.center + np.array([0.3, 0.0, 0.0]))
        g1 = w.visibility_geometry()
        assert g1 is not g0 and g1.related is g0.related  # rows patched, relations shared
        i = g1.index[held.object_id]
        assert np.allclose(g1.lo[i] - g0.lo[i], [0.3, 0.0, 0.0])
        assert np.array_equal(g0.lo[i] + 0.0, g0.lo[i])  # the old geometry is left untouched
    finally:
        env.close()


@pytest.mark.skipif(not GL, reason="no EGL/GL")
def test_two_gl_renderers_in_one_process_do_not_mix_contexts():
    from mssbench_embodied.sim.render.bench import kitchen_scene

    sc = kitchen_scene()
    a = make_renderer(40, 40, kind="gl")
    first = a.render(sc).rgb
    b = make_renderer(40, 40, kind="gl")  # creating a context makes it current
    try:
        assert np.array_equal(a.render(sc).rgb, first)
        assert np.array_equal(b.render(sc).rgb, first)
        assert np.array_equal(a.render(sc).rgb, first)
    finally:
        a.close()
        b.close()


def test_failed_goto_leaves_the_agent_in_place_with_a_current_frame():
    env = SituationEnv(split="train", width=48, height=48)
    try:
        env.reset(seed=3)
        r = env.realised
        assert r is not None
        before = env.backend.last_event.metadata["agent"]
        no_view = [{"x": 99.0, "y": before["position"]["y"], "z": 99.0}]  # no pose can see anything
        ex = SkillExecutor(env.backend, r.bindings, r.anchor_id, no_view)
        oid = next(o["objectId"] for o in env.backend.last_event.metadata["objects"] if o["objectType"] == "Floor")
        t = next(o["objectType"] for o in env.backend.last_event.metadata["objects"] if o["objectId"] != oid
                 and not o["isPickedUp"])
        res = ex.run("goto", t)
        assert not res.success and "cannot find" in res.message
        ev = env.backend.last_event
        after = ev.metadata["agent"]
        assert after["position"] == before["position"] and after["rotation"] == before["rotation"]
        assert ev.frame is not None
    finally:
        env.close()


def test_relinking_a_container_updates_its_contents_relations():
    env = SituationEnv(split="train", width=32, height=32, obs_keys=("instruction",), render_mode=None)
    try:
        found = False
        for p in env.pairs[:40]:
            env.reset(options={"pair_id": p.id, "variant": "unsafe"})
            w = env.backend.world
            objs = [o for o in w.objects.values() if o.enabled]
            boxes = [o for o in objs if o.spec.pickupable and o.spec.receptacle and o.parents]
            items = [o for o in objs if o.spec.pickupable and not o.spec.receptacle and not o.children]
            pair = next(((b, i) for b in boxes for i in items if w.place_in(i, b)), None)
            if pair is None:
                continue
            box, item = pair
            other = next(o for o in objs if o.spec.receptacle and o.object_type == "CounterTop"
                         and o.object_id not in box.parents)
            g0 = w.visibility_geometry()
            w.detach(box)
            w.attach(box, other)  # the item's ancestors change, though the item itself did not
            g, f = w.visibility_geometry(), VisibilityGeometry(w)
            assert g.objs is g0.objs  # updated, not rebuilt
            for name in ("related", "candidate", "occluder", "box_front"):
                assert np.array_equal(getattr(f, name), getattr(g, name)), name
            found = True
            break
        assert found, "no pair has a pickupable container"
    finally:
        env.close()
