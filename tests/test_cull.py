"""View-frustum culling in the GL renderer (sim/render/cull.py): same frames, fewer rows drawn."""
from __future__ import annotations

import numpy as np
import pytest
from gl_support import GL

from mssbench_embodied.sim.render import Camera
from mssbench_embodied.sim.render.bench import POSES, kitchen_scene
from mssbench_embodied.sim.render.camera import projection_matrix, view_matrix
from mssbench_embodied.sim.render.cull import draw_ranges, frustum_planes, object_runs, visible
from mssbench_embodied.sim.render.gl_lit import world_rows

needs_gl = pytest.mark.skipif(not GL, reason="no EGL/GL")


def test_frustum_planes_keep_what_is_in_view_and_drop_what_is_behind() -> None:
    cam = Camera(np.array([0.0, 1.5, 0.0]), 0.0, 0.0)  # looking along +z
    planes = frustum_planes(projection_matrix(90.0, 64, 64) @ view_matrix(cam))
    tris = np.array([[[0, 1.5, 2], [0.1, 1.5, 2], [0, 1.6, 2]],  # ahead
                     [[0, 1.5, -2], [0.1, 1.5, -2], [0, 1.6, -2]],  # behind
                     [[5, 1.5, 1], [5.1, 1.5, 1], [5, 1.6, 1]],  # far right, outside the 90 deg view
                     [[-1, 1.5, 2], [1, 1.5, 2], [0, 1.6, -3]]], np.float32)  # reaches into view from behind
    ids = np.arange(4, dtype=np.int32)
    runs = object_runs(tris, ids, np.arange(5), 4)
    assert visible(runs, planes).tolist() == [True, False, False, True]


def test_draw_ranges_follow_buffer_order_and_always_draw_the_rows_after_the_objects() -> None:
    cam = Camera(np.array([0.0, 1.5, 0.0]), 0.0, 0.0)
    planes = frustum_planes(projection_matrix(90.0, 64, 64) @ view_matrix(cam))
    ahead = [[0, 1.5, 2], [0.1, 1.5, 2], [0, 1.6, 2]]
    behind = [[0, 1.5, -2], [0.1, 1.5, -2], [0, 1.6, -2]]
    tris = np.array([ahead, ahead, behind, behind, ahead, behind], np.float32)  # 3 objects, then 1 room row
    ids = np.array([0, 0, 1, 1, 2, -2], np.int32)
    closed = np.array([False, True, False, False, True, False])
    before = np.concatenate([[0], np.cumsum(~closed)])  # open rows before each row: their twins' offsets
    runs = object_runs(tris, ids, before, 5)
    # main rows: object 0 (0-2), object 2 (4-5) and the room row (5-6) joined; twins (after the 6 main rows):
    # object 0's one twin (6-7), object 1's two skipped, the room row's twin (9-10)
    assert draw_ranges(runs, planes, 6, int(before[5]), int(before[-1])) == [(0, 2), (4, 7), (9, 10)]


@needs_gl
def test_culled_legible_frames_equal_unculled_ones() -> None:
    from mssbench_embodied.sim.render.gl import GLRenderer

    culled = GLRenderer(160, 120, style="legible")
    full = GLRenderer(160, 120, style="legible", cull=False)
    flat = GLRenderer(8, 8)
    assert culled.cull and not full.cull and not flat.cull  # on by default in the legible style only
    flat.close()
    try:
        skipped = 0
        for p, yaw, hor in POSES:
            sc = kitchen_scene()
            sc.camera = Camera(np.array(p), yaw, hor)
            a, b = culled.render(sc), full.render(sc)
            assert np.array_equal(a.rgb, b.rgb) and np.array_equal(a.ids, b.ids) and np.array_equal(a.depth, b.depth)
            geo = culled.geometry(sc)
            before = np.concatenate([[0], np.cumsum(~geo.closed)])
            runs = object_runs(geo.tris, geo.ids, before, world_rows(geo))
            skipped += int((~visible(runs, frustum_planes(
                projection_matrix(90.0, 160, 120) @ view_matrix(sc.camera)))).sum())
        assert skipped > 0
    finally:
        culled.close()
        full.close()
