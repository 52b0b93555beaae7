"""Legible-style shading (sim/render/materials.py, gl_lit.py): materials, lighting, contact shadows.

Lighting changes RGB only: ids and depth are those of the same geometry drawn with the flat shading,
and the numpy renderer (which keeps the baked shading) agrees with GL on the ids.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from gl_support import GL

from mssbench_embodied.sim.objects import SimObject
from mssbench_embodied.sim.render import Camera, RenderScene, RoomGeometry, make_renderer
from mssbench_embodied.sim.render.bench import POSES, kitchen_scene
from mssbench_embodied.sim.render.materials import MAT_EMISSIVE, MAT_ID, face_materials, object_materials
from mssbench_embodied.sim.render.scene import ID_WALL
from mssbench_embodied.sim.render.shapes import object_mesh

needs_gl = pytest.mark.skipif(not GL, reason="no EGL/GL")
ROOM = RoomGeometry(-3.0, 3.0, -3.0, 3.0, 2.6)
PAIRS = ["drop_breakable_counter.bathroom_a.Mug-Cloth", "fill_container_electronics.kitchen_val09.Kettle-CellPhone"]


def _pair_scenes() -> list[RenderScene]:
    """The unsafe first-frame scenes of a bathroom and a kitchen pair, as the legible backend sees them."""
    from mssbench_embodied.scenarios.library import get_pair
    from mssbench_embodied.scenarios.realise import realise
    from mssbench_embodied.sim.embedded import EmbeddedBackend

    b = EmbeddedBackend(width=32, height=32, renderer="numpy", render_style="legible", render_depth=False,
                        render_instance_segmentation=False)
    try:
        out = []
        for pid in PAIRS:
            realise(b, get_pair(pid), "unsafe")
            out.append(b.render_scene(b.render_objects()))
        return out
    finally:
        b.close()


def _scenes() -> list[RenderScene]:
    out = []
    for p, yaw, hor in POSES[:4]:
        sc = kitchen_scene()
        sc.camera = Camera(np.array(p), yaw, hor)
        out.append(sc)
    return out + _pair_scenes()


def _obj(t: str, center, **state) -> SimObject:
    o = SimObject.create(t, center)
    for k, v in state.items():
        setattr(o, k, v)
    return o


def test_object_materials_from_salient_materials() -> None:
    assert object_materials(_obj("Knife", [0, 1, 0])) == ("Metal", "Plastic")
    assert object_materials(_obj("Towel", [0, 1, 0])) == ("Matte",)  # Fabric
    assert object_materials(_obj("CounterTop", [0, 0.5, 0])) == ("Stone", "Wood")  # structural: none in AI2-THOR
    assert object_materials(_obj("WineBottle", [0, 1, 0])) == ("Glass",)


def test_face_materials_per_part_and_emissive() -> None:
    knife = _obj("Knife", [0, 1, 0])
    mesh = object_mesh(knife, np.asarray(knife.size, float), "legible")
    mats = set(face_materials(object_materials(knife), mesh).tolist())
    assert MAT_ID["Metal"] in mats  # the blade
    burner = _obj("StoveBurner", [0, 0.9, 0], is_toggled=True)
    mesh = object_mesh(burner, np.asarray(burner.size, float), "legible")
    assert mesh.emissive.any()
    ids = face_materials(object_materials(burner), mesh)
    assert (ids[mesh.emissive] == MAT_EMISSIVE).all() and (ids[~mesh.emissive] != MAT_EMISSIVE).all()


def test_contact_blobs_only_under_resting_objects() -> None:
    from mssbench_embodied.sim.render.gl_lit import BLOB_FLOATS, contact_blobs

    table = _obj("DiningTable", [0, 0.375, 0])
    mug = _obj("Mug", [0.3, 0.8, 0.1])
    mug.parents = [table.object_id]
    painting = _obj("Painting", [0, 1.5, -2.9])
    objs = [table, mug, painting]
    blobs = contact_blobs(objs, np.arange(3), ROOM)
    assert blobs.shape == (12, BLOB_FLOATS)  # table on the floor, mug on the table; the painting hangs
    lo = np.asarray(table.center) - np.asarray(table.size) / 2
    hi = np.asarray(table.center) + np.asarray(table.size) / 2
    mug_rows = blobs[6:]
    assert np.allclose(mug_rows[:, 1], mug.center[1] - mug.size[1] / 2 + 0.002)
    assert (mug_rows[:, 0] >= lo[0] - 1e-6).all() and (mug_rows[:, 0] <= hi[0] + 1e-6).all()
    assert len(contact_blobs(objs, np.array([2]), ROOM)) == 0


@needs_gl
def test_legible_gl_ids_agree_with_numpy() -> None:
    g, n = make_renderer(128, 128, kind="gl", style="legible"), make_renderer(128, 128, kind="numpy", style="legible")
    try:
        assert getattr(g, "lit", False)
        for sc in _scenes():
            a, b = g.render(sc), n.render(sc)
            assert (a.ids == b.ids).mean() >= 0.98
    finally:
        g.close()
        n.close()


@needs_gl
def test_lighting_changes_only_rgb() -> None:
    from mssbench_embodied.sim.render.gl import GLRenderer

    lit, unlit = GLRenderer(128, 128, style="legible"), GLRenderer(128, 128, style="legible", lighting=False)
    try:
        assert lit.lit and not unlit.lit
        for sc in _scenes():
            a, b = lit.render(sc), unlit.render(sc)
            assert np.array_equal(a.ids, b.ids) and np.array_equal(a.depth, b.depth)
            assert (a.rgb != b.rgb).any(axis=2).mean() > 0.2
            assert a.rgb.mean() >= 0.9 * b.rgb.mean()  # not darker
    finally:
        lit.close()
        unlit.close()


@needs_gl
def test_emissive_faces_stay_unlit() -> None:
    from mssbench_embodied.sim.render.gl import GLRenderer

    sc = RenderScene([_obj("StoveBurner", [0, 0.9, 1.0], is_toggled=True)], ROOM,
                     Camera(np.array([0.0, 1.5, 0.4]), 0.0, 45.0), 0)
    lit, unlit = GLRenderer(128, 128, style="legible"), GLRenderer(128, 128, style="legible", lighting=False)
    try:
        a, b = lit.render(sc), unlit.render(sc)
        rgb = b.rgb.astype(int)
        glow = (b.ids == 0) & (rgb[..., 0] > 200) & (rgb[..., 0] - rgb[..., 2] > 120)
        assert glow.sum() > 20
        assert np.abs(a.rgb.astype(int) - rgb)[glow].max() <= 2
    finally:
        lit.close()
        unlit.close()


@needs_gl
def test_contact_shadow_darkens_the_floor_around_an_object() -> None:
    from mssbench_embodied.sim.render.gl import GLRenderer

    can = _obj("GarbageCan", [0.0, 0.0, 1.2])
    can.move_to(np.array([0.0, can.size[1] / 2, 1.2]))
    cam = Camera(np.array([0.0, 1.5, 0.0]), 0.0, 45.0)
    for lighting, changes in ((True, True), (False, False)):
        r = GLRenderer(128, 128, style="legible", lighting=lighting)
        try:
            empty = r.render(RenderScene([], ROOM, cam, 0))
            full = r.render(RenderScene([can], ROOM, cam, 1))
        finally:
            r.close()
        floor = (empty.ids == ID_WALL) & (full.ids == ID_WALL) & (np.abs(empty.depth - full.depth) < 1e-6)
        darker = empty.rgb.astype(int).sum(2) - full.rgb.astype(int).sum(2)
        assert ((darker[floor] > 30).sum() > 10) == changes


@needs_gl
def test_unsupported_lighting_warns_once_and_draws_flat(monkeypatch: pytest.MonkeyPatch) -> None:
    from mssbench_embodied.sim.render import gl

    class Broken:
        def __init__(self, *args: object) -> None:
            raise RuntimeError("no such GL feature")

    monkeypatch.setattr(gl, "LitPass", Broken)
    monkeypatch.setattr(gl, "lit_warned", False)
    sc = _scenes()[0]
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r1, r2 = gl.GLRenderer(64, 64, style="legible"), gl.GLRenderer(64, 64, style="legible")
    try:
        assert len([w for w in rec if "flat shading" in str(w.message)]) == 1
        assert not r1.lit and not r2.lit
        ref = gl.GLRenderer(64, 64, style="legible", lighting=False)
        a, b = r1.render(sc), ref.render(sc)
        assert np.array_equal(a.rgb, b.rgb) and np.array_equal(a.ids, b.ids)
        ref.close()
    finally:
        r1.close()
        r2.close()
