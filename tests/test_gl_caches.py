"""GL renderer caches of the legible style: the hand's own buffer and packed rows reused across scenes.

Frames drawn through the caches equal those of a renderer that builds everything from scratch.
"""
from __future__ import annotations

import numpy as np
import pytest
from gl_support import GL

from mssbench_embodied.sim.objects import SimObject
from mssbench_embodied.sim.render import Camera
from mssbench_embodied.sim.render.bench import POSES, kitchen_scene
from mssbench_embodied.sim.render.camera import camera_basis
from mssbench_embodied.sim.render.geometry import WorldBuilder

needs_gl = pytest.mark.skipif(not GL, reason="no EGL/GL")


def _same(a, b) -> bool:
    return bool(np.array_equal(a.rgb, b.rgb) and np.array_equal(a.ids, b.ids) and np.array_equal(a.depth, b.depth))


def test_split_soup_and_hand_make_the_attached_soup() -> None:
    sc = kitchen_scene()
    held = sc.objects[-1]
    held.is_picked_up = True
    whole = WorldBuilder("legible").get(sc)
    world, rows = WorldBuilder("legible").split_rows(sc)
    assert rows is not None and len(rows.tris) and len(world.tris) + len(rows.tris) == len(whole.tris)
    n = len(world.tris)
    for k in ("tris", "normals", "colors", "ids", "closed", "surface"):
        assert np.array_equal(getattr(world, k), getattr(whole, k)[:n]), k
    basis, pos = camera_basis(sc.camera), np.asarray(sc.camera.position, np.float64)
    assert np.array_equal((rows.tris @ basis + pos).astype(np.float32), whole.tris[n:])  # the rows, placed
    assert np.array_equal(rows.ids, whole.ids[n:]) and np.array_equal(rows.surface, whole.surface[n:])
    assert WorldBuilder("flat").split_rows(sc)[1] is None
    assert all(b > a for a, b, _ in world.parts) and sum(b - a for a, b, _ in world.parts) == len(world.tris) - 12


@needs_gl
@pytest.mark.parametrize("lighting", [True, False])
def test_cached_frames_equal_fresh_ones_across_scenes_and_held_objects(lighting: bool) -> None:
    from mssbench_embodied.sim.render.gl import GLRenderer

    cached = GLRenderer(96, 80, style="legible", lighting=lighting)
    fresh = GLRenderer(96, 80, style="legible", lighting=lighting)
    try:
        for k, (p, yaw, hor) in enumerate(POSES):
            sc = kitchen_scene(Camera(np.array(p), yaw, hor), version=k)  # new objects, same content: reused rows
            if k % 2:
                sc.objects = list(sc.objects) + [SimObject.create("Mug", [0.1, 1.2, 0.5])]  # rows move
            if k >= 3:  # an object in the hand: drawn in the gripper's buffer
                sc.objects[k].is_picked_up = True
            for look in (0.0, 12.0):  # a camera move rewrites only the hand's buffer
                sc.camera = Camera(np.array(p), yaw + look, hor)
                fresh.clear_cache()
                assert _same(cached.render(sc), fresh.render(sc)), (k, look)
    finally:
        cached.close()
        fresh.close()
