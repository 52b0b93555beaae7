"""The legible style's robot gripper: the held object is drawn in it, small and low in the frame.

Render-only: from the same pose, metadata (positions, visibility) is the same in both styles, and the flat
style has no gripper.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
from gl_support import GL, KINDS

from mssbench_embodied.envs.situation_env import SituationEnv
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.render import NEAR, make_renderer
from mssbench_embodied.sim.render.gripper import HELD_SHARE, REGION, fit_scale, fits, hand_center
from mssbench_embodied.sim.render.scene import ID_AGENT

SIZE = 120
# (pair, variant): a held pillow (25-36% of the frame in the flat style), a pot of water, a butter knife
HELD = [("drop_breakable_table.bedroom_a.Mug-Pillow", "safe"),
        ("drop_full_container_kitchen.kitchen_val09.Pot-water", "unsafe"),
        ("sharp_on_sofa.living_room_b.Book-ButterKnife", "unsafe")]


def _first(pair: str, variant: str, style: str, kind: str = "auto") -> SituationEnv:
    env = SituationEnv(pair_ids=[pair], variant=variant, width=SIZE, height=SIZE, render_style=style,
                       renderer=kind, obs_keys=("image", "depth", "segmentation", "instruction"))
    env.reset(seed=0)
    return env


def _metadata(env: SituationEnv) -> str:
    md = env.backend.last_event.metadata
    return json.dumps({k: md[k] for k in ("objects", "agent", "inventoryObjects")}, sort_keys=True, default=str)


@pytest.mark.parametrize("pair,variant", HELD)
def test_held_object_small_low_and_in_the_gripper(pair, variant):
    flat, leg = _first(pair, variant, "flat"), _first(pair, variant, "legible")
    try:
        # the legible style picks its own start pose; from the same pose the world is the same (render-only)
        agent = leg.backend.last_event.metadata["agent"]
        ev = flat.backend.step({"action": "TeleportFull", "position": agent["position"], "rotation": agent["rotation"],
                                "horizon": agent["cameraHorizon"], "standing": agent["isStanding"],
                                "forceAction": True})
        assert ev.metadata["lastActionSuccess"], ev.metadata["errorMessage"]
        assert _metadata(flat) == _metadata(leg)
        b = leg.backend
        held = b.world.agent.held
        assert held is not None
        ev = b.last_event
        mask = ev.instance_masks[held]  # the held object keeps its instance id
        assert 0.002 < mask.mean() <= 0.125
        rows, cols = np.nonzero(mask)
        assert rows.min() >= SIZE // 2  # all of it in the lower half
        assert cols.min() >= SIZE * 0.4  # and on the right: the anchor is looked at in the middle
        scene = b.render_scene(b.render_objects())
        assert b.renderer is not None
        out = b.renderer.render(scene)
        grip = out.ids == ID_AGENT
        assert grip.sum() > 20 and np.nonzero(grip)[0].mean() > SIZE / 2
        d = ev.depth_frame[grip]  # true depth: just ahead of the camera
        assert (d > NEAR).all() and (d < 0.4).all()
        seg = ev.instance_segmentation_frame
        assert (seg[grip] == 0).all()  # no object in the segmentation
        assert not any(m[grip].any() for m in ev.instance_masks.values())
        assert not (flat.backend.renderer.render(flat.backend.render_scene(flat.backend.render_objects())).ids
                    == ID_AGENT).any()
    finally:
        flat.close()
        leg.close()


def test_empty_hand_shows_open_gripper_and_pixel_shares_work():
    b = EmbeddedBackend(96, 96, renderer="numpy", render_style="legible")
    ev = b.reset("kitchen_b")
    assert b.world is not None and b.world.agent.held is None
    out = b.renderer.render(b.render_scene(b.render_objects()))
    grip = out.ids == ID_AGENT
    assert grip.sum() > 10
    assert np.nonzero(grip)[0].min() >= 96 // 2  # low in the frame
    oid = next(iter(ev.instance_masks))
    assert 0.0 < b.pixel_shares([oid])[oid] <= 1.0


@pytest.mark.parametrize("kind", KINDS)
def test_hand_follows_the_camera_and_patches_equal_a_fresh_render(kind):
    pair, variant = HELD[1]
    env = _first(pair, variant, "legible", kind)
    fresh = make_renderer(SIZE, SIZE, kind=kind, style="legible")
    b = env.backend
    held = b.world.agent.held
    assert held is not None
    steps = [("RotateLeft", {}), ("LookDown", {}), ("MoveAhead", {}), ("LookUp", {}), ("RotateRight", {}),
             ("DropHandObject", {}), ("RotateLeft", {}), ("PickupObject", {"objectId": held, "forceAction": True}),
             ("LookDown", {})]
    expect: str | None = held
    try:
        for action, kw in steps:
            ok = b.step(action, **kw).metadata["lastActionSuccess"]
            assert ok or action not in ("DropHandObject", "PickupObject"), action
            scene = b.render_scene(b.render_objects())
            fresh.clear_cache()
            a, f = b.renderer.render(scene), fresh.render(scene)
            assert np.array_equal(a.ids, f.ids) and np.array_equal(a.rgb, f.rgb)
            assert np.array_equal(a.depth, f.depth)
            assert (a.ids == ID_AGENT).sum() > 20  # the gripper, open or holding
            expect = None if action == "DropHandObject" else held if action == "PickupObject" else expect
            assert b.world.agent.held == expect
            if expect is not None:
                assert b.last_event.instance_masks[expect].mean() > 0.002
    finally:
        fresh.close()
        env.close()


@pytest.mark.parametrize("kind", KINDS)
def test_carrying_an_object_reuses_its_hand_rows(kind, monkeypatch):
    """The hand rows depend on the held parts' offsets from the held centre, computed from their meshes: walking
    with a pot of water (its world faces move) builds them once, and every frame equals a fresh renderer's."""
    from mssbench_embodied.sim.render import gripper

    calls: list[int] = []
    real = gripper.hand_rows
    monkeypatch.setattr(gripper, "hand_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    env = _first(*HELD[1], "legible", kind)
    fresh = make_renderer(SIZE, SIZE, kind=kind, style="legible")
    b = env.backend
    held = b.world.agent.held
    assert held is not None
    try:
        built, centres = len(calls), {tuple(b.world.objects[held].center)}
        for action in ("MoveAhead", "MoveBack", "MoveBack", "MoveAhead", "MoveAhead"):
            b.step(action)
            centres.add(tuple(b.world.objects[held].center))
            scene = b.render_scene(b.render_objects())
            fresh.clear_cache()
            assert np.array_equal(b.renderer.render(scene).rgb, fresh.render(scene).rgb), action
        assert len(centres) >= 3  # the pot went places
        assert len(calls) == built + 5  # the fresh renderer's builds only
    finally:
        fresh.close()
        env.close()


@pytest.mark.skipif(not GL, reason="no EGL/GL")
def test_numpy_and_gl_agree_on_the_hand():
    pair, variant = HELD[0]
    env = _first(pair, variant, "legible", "numpy")
    gl = make_renderer(SIZE, SIZE, kind="gl", style="legible")
    try:
        b = env.backend
        scene = b.render_scene(b.render_objects())
        n, g = b.renderer.render(scene).ids, gl.render(scene).ids
        held = [i for i, o in enumerate(scene.objects) if o.is_picked_up]
        for ident in [ID_AGENT, *held]:
            a, c = n == ident, g == ident
            assert (a ^ c).sum() <= 0.05 * max(a.sum(), 1)
    finally:
        gl.close()
        env.close()


def test_fit_scale_shrinks_big_objects_into_the_region():
    fy = 1.0
    center = hand_center(fy)
    rng = np.random.default_rng(0)
    pillow = (rng.random((200, 3)) - 0.5) * np.array([0.6, 0.4, 0.2])  # much too big for the hand
    s = fit_scale(pillow, center, fy)
    assert 0 < s < 1 and fits(center + s * pillow, fy) and not fits(center + 1.02 * s * pillow, fy)
    p = center + s * pillow
    x, y = p[:, 0] / p[:, 2], p[:, 1] / p[:, 2]
    assert (x.max() - x.min()) * (y.max() - y.min()) <= 4 * HELD_SHARE + 1e-9
    assert y.max() <= REGION[3] < 0
    egg = (rng.random((50, 3)) - 0.5) * 0.05
    assert fit_scale(egg, center, fy) == 1.0  # small things keep their size
