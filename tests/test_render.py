"""Renderer tests: conventions, depth, GL/numpy agreement, visible state, fallback."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from gl_support import GL, KINDS

from mssbench_embodied.sim import render
from mssbench_embodied.sim.objects import SimObject
from mssbench_embodied.sim.render import Camera, RenderScene, RoomGeometry, make_renderer
from mssbench_embodied.sim.render.bench import POSES, kitchen_scene

W = H = 120
ROOM = RoomGeometry(-4.0, 4.0, -4.0, 4.0, 3.0)




@pytest.fixture(params=KINDS)
def renderer(request):
    r = make_renderer(W, H, kind=request.param)
    yield r
    r.close()


def obj(t: str, center, size=None, yaw: float = 0.0, **state) -> SimObject:
    o = SimObject.create(t, center, size=size, yaw=yaw)
    for k, v in state.items():
        setattr(o, k, v)
    return o


def scene(objects, pos=(0.0, 1.5, 0.0), yaw=0.0, horizon=0.0, fov=90.0, version=0) -> RenderScene:
    return RenderScene(objects, ROOM, Camera(np.array(pos, float), yaw, horizon, fov), version)


def test_output_shapes_and_dtypes(renderer):
    out = renderer.render(scene([obj("Bread", [0, 1.5, 2.0])]))
    assert out.rgb.shape == (H, W, 3) and out.rgb.dtype == np.uint8
    assert out.depth.shape == (H, W) and out.depth.dtype == np.float32
    assert out.ids.shape == (H, W) and out.ids.dtype == np.int32
    assert renderer.kind in ("gl", "numpy")
    assert set(np.unique(out.ids)) <= {-3, -2, -1, 0}


def test_object_ahead_is_centred(renderer):
    out = renderer.render(scene([obj("Bread", [0, 1.5, 2.0], size=[0.3, 0.3, 0.3])]))
    assert out.ids[H // 2, W // 2] == 0
    ys, xs = np.nonzero(out.ids == 0)
    assert abs(xs.mean() - (W - 1) / 2) < 2 and abs(ys.mean() - (H - 1) / 2) < 2


def test_not_mirrored_and_yaw(renderer):
    o = obj("Bread", [1.0, 1.5, 2.0], size=[0.3, 0.3, 0.3])
    out = renderer.render(scene([o]))
    assert (out.ids == 0).any() and np.nonzero(out.ids == 0)[1].mean() > W / 2  # +x is on the right
    out = renderer.render(scene([obj("Bread", [2.0, 1.5, 0.0], size=[0.3, 0.3, 0.3])], yaw=90.0))
    assert out.ids[H // 2, W // 2] == 0  # yaw 90 looks along +x
    out = renderer.render(scene([obj("Bread", [0.0, 2.5, 2.0], size=[0.3, 0.3, 0.3])]))
    assert np.nonzero(out.ids == 0)[0].mean() < H / 2  # higher objects are near row 0
    assert (out.ids[0] == -3).all()  # ceiling at the top, looking level from y=1.5 in a 3 m room
    assert (out.ids[-1] == -2).all()  # room floor at the bottom


def test_horizon_positive_looks_down(renderer):
    o = [obj("Bread", [0.0, 0.5, 2.0], size=[0.3, 0.3, 0.3])]
    rows = []
    for hz in (0.0, 30.0):
        out = renderer.render(scene(o, horizon=hz))
        rows.append(np.nonzero(out.ids == 0)[0].mean())
    assert rows[0] > H / 2 and rows[1] < rows[0] and abs(rows[1] - H / 2) < abs(rows[0] - H / 2)


def test_depth_is_view_axis_distance(renderer):
    out = renderer.render(scene([obj("Bread", [0.0, 1.5, 2.0], size=[0.4, 0.4, 0.4])]))
    assert abs(float(out.depth[H // 2, W // 2]) - 1.8) < 0.01
    # view-axis (not euclidean) depth: the wall behind is flat at z = 4 (+1 cm padding)
    out = renderer.render(scene([]))
    assert abs(float(out.depth[H // 2, 5]) - 4.01) < 0.05
    out = renderer.render(scene([], pos=(0.0, 1.5, 0.0), horizon=-89.0, fov=30))
    assert abs(float(out.depth[H // 2, W // 2]) - 1.5) < 0.05  # ceiling 1.5 m above


def test_geometry_cached_by_version():
    r = make_renderer(32, 32, kind="numpy")
    s = scene([obj("Bread", [0.0, 1.5, 2.0])])
    r.render(s)
    g = r.geometry(s)
    s.camera = Camera(np.array([0.1, 1.5, 0.0]), 10.0, 5.0)
    r.render(s)
    assert r.geometry(s) is g
    s.version += 1
    assert r.geometry(s) is not g


@pytest.mark.skipif(not GL, reason="no EGL/GL")
def test_gl_numpy_id_agreement():
    sc = kitchen_scene()
    assert len(sc.objects) >= 60
    g, n = make_renderer(160, 160, kind="gl"), make_renderer(160, 160, kind="numpy")
    try:
        for p, yaw, hor in POSES:
            sc.camera = Camera(np.array(p), yaw, hor)
            a, b = g.render(sc), n.render(sc)
            assert (a.ids == b.ids).mean() >= 0.98
            same = a.ids == b.ids
            assert np.median(np.abs(a.depth - b.depth)[same]) < 1e-3
            assert np.abs(a.rgb.astype(int) - b.rgb.astype(int))[same].mean() < 3.0
    finally:
        g.close()
        n.close()


def _mask_pair(renderer, make, **cam):
    outs = []
    for v, on in enumerate((False, True)):
        outs.append(renderer.render(scene([make(on)], version=v, **cam)))
    return outs


def test_burner_glows_when_on(renderer):
    off, on = _mask_pair(renderer, lambda s: obj("StoveBurner", [0, 0.9, 1.0], is_toggled=s),
                         pos=(0, 1.5, 0.4), horizon=45.0)

    def redness(o):
        m = o.ids == 0
        assert m.sum() > 20
        c = o.rgb[m].astype(float)
        return (c[:, 0] - c[:, 1]).mean()
    assert redness(on) > redness(off) + 60


def test_faucet_water_visible(renderer):
    off, on = _mask_pair(renderer, lambda s: obj("Faucet", [0, 1.1, 1.0], yaw=180.0, is_toggled=s),
                         pos=(0, 1.5, 0.2), horizon=20.0)
    assert (on.ids == 0).sum() > (off.ids == 0).sum() * 1.1
    blue = on.rgb[on.ids == 0].astype(int)
    assert ((blue[:, 2] - blue[:, 0]) > 80).sum() > 10


def test_microwave_open_and_on_differ(renderer):
    outs = []
    for v, (op, tg) in enumerate([(False, False), (True, False), (False, True)]):
        m = obj("Microwave", [0, 1.0, 1.2], size=[0.5, 0.3, 0.38], yaw=180.0, is_open=op, is_toggled=tg)
        outs.append(renderer.render(scene([m], pos=(0.0, 1.3, 0.2), horizon=15.0, version=v)))
    closed, opened, lit = outs
    assert (closed.ids != opened.ids).mean() > 0.005
    assert np.abs(closed.rgb.astype(int) - opened.rgb.astype(int)).mean() > 2
    yellow = lambda o: ((o.rgb[..., 0].astype(int) > 200) & (o.rgb[..., 2] < 170) & (o.ids == 0)).sum()
    assert yellow(lit) > yellow(closed) + 20


def test_phone_in_sink_visible_from_above(renderer):
    sink = obj("SinkBasin", [0.0, 0.81, 0.8], size=[0.6, 0.22, 0.5], yaw=180.0)
    phone = obj("CellPhone", [0.0, 0.7 + 0.005 + 0.002, 0.8], size=[0.07, 0.01, 0.15])
    for hz in (30.0, 45.0):
        out = renderer.render(scene([sink, phone], pos=(0.0, 1.576, 0.0), horizon=hz))
        assert (out.ids == 1).sum() > 5, hz


@pytest.mark.parametrize("state", [dict(is_broken=True), dict(is_filled=True, fill_liquid="wine"),
                                   dict(is_dirty=True), dict(is_cooked=True), dict(is_sliced=True)])
def test_generic_states_change_the_image(state):
    r = make_renderer(64, 64, kind="numpy")
    base = r.render(scene([obj("Mug", [0, 1.0, 0.6], size=[0.2, 0.18, 0.2])], horizon=45.0, fov=60))
    changed = r.render(scene([obj("Mug", [0, 1.0, 0.6], size=[0.2, 0.18, 0.2], **state)], horizon=45.0, fov=60,
                             version=1))
    assert np.abs(base.rgb.astype(int) - changed.rgb.astype(int)).sum() > 0


def test_open_containers_show_more(renderer):
    for t in ("Fridge", "Cabinet", "Drawer"):
        spec_size = np.asarray(SimObject.create(t, [0, 0, 0]).size)
        outs = []
        for v, op in enumerate((False, True)):
            o = obj(t, [0, 0.1 + spec_size[1] / 2, 1.4], yaw=180.0, is_open=op)
            outs.append(renderer.render(scene([o], pos=(0.3, 1.5, 0.0), horizon=25.0, version=v)))
        changed = (outs[0].ids != outs[1].ids) | (np.abs(outs[0].rgb.astype(int) - outs[1].rgb).max(-1) > 20)
        assert changed.mean() > 0.01, t


def test_auto_falls_back_with_one_warning(monkeypatch):
    from mssbench_embodied.sim.render import gl

    def boom():
        raise RuntimeError("no EGL here")
    monkeypatch.setattr(gl, "create_context", boom)
    monkeypatch.setattr(render, "fallback_warned", False)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        r1 = make_renderer(16, 16, kind="auto")
        r2 = make_renderer(16, 16, kind="auto")
    assert r1.kind == r2.kind == "numpy"
    msgs = [w for w in rec if "numpy" in str(w.message)]
    assert len(msgs) == 1
    out = r1.render(scene([]))
    assert out.rgb.shape == (16, 16, 3)
    with pytest.raises(ValueError):
        make_renderer(16, 16, kind="vulkan")


def test_every_type_and_state_builds():
    from mssbench_embodied.sim.types import OBJECT_TYPES

    objs = []
    for i, name in enumerate(sorted(OBJECT_TYPES)):
        o = SimObject.create(name, [(i % 12) * 0.6 - 3.3, 0.6, (i // 12) * 0.6 - 3.0], yaw=90.0 * (i % 4))
        o.is_open = o.is_toggled = i % 2 == 0
        o.is_broken = o.is_sliced = i % 3 == 0
        o.is_filled, o.fill_liquid = i % 5 == 0, "coffee"
        objs.append(o)
    out = make_renderer(64, 64, kind="numpy").render(scene(objs, pos=(0.0, 2.5, -3.9), horizon=30.0))
    assert (out.ids >= 0).sum() > 100
