"""Furniture, appliances and room parts (registered into shapes.SHAPES)."""
from __future__ import annotations

import math

import numpy as np

from ..prims import Color, Mesh, MeshBuilder
from .registry import DARK, LIQUID, STEEL, ShapeState, face_thin_axis, mix, mul, shape

WHITE: Color = (238, 238, 236)
WOOD: Color = (120, 85, 55)
LIT: Color = (255, 225, 130)


def door(b: MeshBuilder, x0: float, x1: float, y0: float, y1: float, z: float, thick: float, c: Color,
         openness: float, s: np.ndarray, hinge_right: bool = False) -> None:
    """Door in the front plane z (thickness towards +z), swung open about a vertical hinge."""
    if openness <= 0:
        b.box((x0, y0, z), (x1, y1, z + thick), c)
        return
    a = math.radians(100.0 * min(openness, 1.0))
    w = (x1 - x0) * s[0]  # metres
    hx, sign = (x1, -1.0) if hinge_right else (x0, 1.0)
    u = np.array([sign * w * math.cos(a) / s[0], 0.0, w * math.sin(a) / s[2]])
    t = np.array([-sign * math.sin(a) * thick * s[2] / s[0], 0.0, math.cos(a) * thick])
    b.para((hx, y0, z), u, (0, y1 - y0, 0), t, c)


@shape("microwave", toggle=True, open_=True)
def _microwave(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    # front = +z; the viewer's left is +x: hinge there, control panel on the viewer's right (-x)
    inner = LIT if st.toggled else (205, 205, 200)
    if st.openness > 0:
        b.shell((-0.5, -0.5, -0.5), (0.5, 0.5, 0.4), 0.08, c, inner, "f", inner_emissive=st.toggled)
        b.disk(0.1, -0.05, 0.3, 0.3, -0.41, (150, 150, 150), 8)
        door(b, -0.3, 0.5, -0.5, 0.5, 0.4, 0.1, mul(c, 0.8), st.openness, s, hinge_right=True)
    else:
        b.box((-0.5, -0.5, -0.5), (0.5, 0.5, 0.4), c)
        b.box((-0.3, -0.5, 0.4), (0.5, 0.5, 0.5), mul(c, 0.8))
        win = LIT if st.toggled else (30, 32, 38)
        b.quad((-0.15, -0.35, 0.51), (0.42, -0.35, 0.51), (0.42, 0.35, 0.51), (-0.15, 0.35, 0.51), win, (0, 0, 1),
               emissive=st.toggled)
    b.box((-0.5, -0.5, 0.4), (-0.3, 0.5, 0.5), DARK)
    b.quad((-0.46, 0.1, 0.51), (-0.34, 0.1, 0.51), (-0.34, 0.35, 0.51), (-0.46, 0.35, 0.51),
           (90, 255, 120) if st.toggled else (60, 70, 60), (0, 0, 1), emissive=st.toggled)


@shape("toaster", toggle=True)
def _toaster(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.5, -0.5, -0.5), (0.42, 0.4, 0.5), c)
    b.box((0.42, -0.1, -0.08), (0.5, 0.1, 0.08), DARK)
    slot = GLOW2 if st.toggled else (20, 20, 20)
    for z0, z1 in ((-0.3, -0.08), (0.08, 0.3)):
        b.quad((-0.35, 0.41, z0), (0.3, 0.41, z0), (0.3, 0.41, z1), (-0.35, 0.41, z1), slot, (0, 1, 0),
               emissive=st.toggled)


GLOW2: Color = (255, 120, 30)


def _opened_body(b: MeshBuilder, c: Color, inner: Color, st: ShapeState) -> None:
    if st.openness > 0:
        b.shell((-0.5, -0.5, -0.5), (0.5, 0.5, 0.42), 0.06, c, inner, "f")
    else:
        b.box((-0.5, -0.5, -0.5), (0.5, 0.5, 0.42), c)


@shape("fridge", open_=True)
def _fridge(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    _opened_body(b, c, WHITE, st)
    if st.openness > 0:
        for y in (-0.2, 0.1, 0.3):
            b.box((-0.44, y, -0.44), (0.44, y + 0.02, 0.4), (200, 215, 225))
    door(b, -0.5, 0.5, 0.26, 0.5, 0.42, 0.08, c, st.openness, s)
    door(b, -0.5, 0.5, -0.5, 0.24, 0.42, 0.08, c, st.openness, s)
    if st.openness <= 0:
        for y0, y1 in ((0.3, 0.45), (-0.05, 0.2)):
            b.quad((0.38, y0, 0.51), (0.43, y0, 0.51), (0.43, y1, 0.51), (0.38, y1, 0.51), STEEL, (0, 0, 1))


@shape("cabinet", open_=True)
def _cabinet(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    _opened_body(b, mul(c, 0.9), mul(c, 0.6), st)
    if st.openness > 0:
        b.box((-0.44, -0.03, -0.44), (0.44, 0.0, 0.4), mul(c, 0.7))
    door(b, -0.48, 0.48, -0.48, 0.48, 0.42, 0.08, c, st.openness, s)
    if st.openness <= 0:
        b.box((0.32, -0.05, 0.5), (0.4, 0.05, 0.54), STEEL)


@shape("drawer", open_=True)
def _drawer(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    if st.openness <= 0:
        b.box((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5), c)
        b.box((-0.15, -0.05, 0.5), (0.15, 0.05, 0.55), STEEL)
        return
    dz = 0.7 * st.openness  # pulled out along +z
    b.shell((-0.48, -0.48, -0.5 + dz), (0.48, 0.4, 0.42 + dz), 0.05, mul(c, 0.9), mul(c, 0.55), "t")
    b.box((-0.5, -0.5, 0.42 + dz), (0.5, 0.5, 0.5 + dz), c)
    b.box((-0.15, -0.05, 0.5 + dz), (0.15, 0.05, 0.55 + dz), STEEL)


@shape("counter")
def _counter(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    t = min(0.5, 0.05 / s[1])
    b.box((-0.5, 0.5 - t, -0.5), (0.5, 0.5, 0.5), c)
    if t < 0.5:
        b.box((-0.48, -0.5, -0.48), (0.48, 0.5 - t, 0.48), mix(c, WOOD, 0.6))


@shape("table")
def _table(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    t = min(0.3, 0.05 / s[1])
    b.box((-0.5, 0.5 - t, -0.5), (0.5, 0.5, 0.5), c)
    lx, lz = min(0.1, 0.05 / s[0]), min(0.1, 0.05 / s[2])
    for sx in (-1, 1):
        for sz in (-1, 1):
            x0, z0 = sx * 0.45 - lx / 2, sz * 0.45 - lz / 2
            b.box((x0, -0.5, z0), (x0 + lx, 0.5 - t, z0 + lz), mul(c, 0.8))


@shape("chair")
def _chair(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.5, -0.06, -0.5), (0.5, 0.04, 0.5), c)
    b.box((-0.5, 0.04, -0.5), (0.5, 0.5, -0.4), mul(c, 0.9))
    for sx in (-1, 1):
        for sz in (-1, 1):
            b.box((sx * 0.44 - 0.05, -0.5, sz * 0.44 - 0.05), (sx * 0.44 + 0.05, -0.06, sz * 0.44 + 0.05), mul(c, 0.7))


@shape("sofa")
def _sofa(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5, -0.22), mul(c, 0.9))
    b.box((-0.38, -0.5, -0.22), (0.38, -0.05, 0.5), c)
    b.box((-0.36, -0.05, -0.2), (0.36, 0.08, 0.48), mul(c, 1.1))
    for x0 in (-0.5, 0.38):
        b.box((x0, -0.5, -0.22), (x0 + 0.12, 0.15, 0.5), mul(c, 0.95))


@shape("bed")
def _bed(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.5, -0.5, -0.45), (0.5, -0.15, 0.5), WOOD)
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5, -0.45), mul(WOOD, 0.9))
    b.box((-0.48, -0.15, -0.45), (0.48, 0.1, 0.48), WHITE)
    b.box((-0.49, 0.1, -0.1), (0.49, 0.16, 0.49), c)
    b.box((-0.35, 0.1, -0.42), (0.35, 0.25, -0.2), (245, 245, 245))


@shape("tv", toggle=True)
def _tv(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5), mul(DARK, 0.7) if sum(c) > 500 else c)
    scr = (165, 205, 255) if st.toggled else (18, 20, 26)
    b.quad((-0.46, -0.42, 0.52), (0.46, -0.42, 0.52), (0.46, 0.46, 0.52), (-0.46, 0.46, 0.52), scr, (0, 0, 1),
           emissive=st.toggled)
    return face_thin_axis(b.build(), s)


@shape("lamp", toggle=True)
def _lamp(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, 0, 0.3, 0.3, -0.5, -0.44, c, n=8, bottom=True)
    b.cyl(0, 0, 0.05, 0.05, -0.44, 0.12, STEEL, n=6, top=False)
    shade = (255, 240, 185) if st.toggled else (230, 220, 195)
    b.cyl(0, 0, 0.5, 0.5, 0.1, 0.5, shade, n=10, top=True, bottom=True, top_scale=0.6, emissive=st.toggled)


@shape("bathtub", fill=True)
def _bathtub(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.basin((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5), 0.08, -0.4, c, mul(c, 0.9), mul(c, 0.8))
    if st.liquid:
        b.quad((-0.4, 0.15, -0.4), (0.4, 0.15, -0.4), (0.4, 0.15, 0.4), (-0.4, 0.15, 0.4), LIQUID[st.liquid], (0, 1, 0))


@shape("toilet", open_=True)
def _toilet(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.2, -0.5, -0.2), (0.2, -0.1, 0.25), c)
    b.cyl(0, 0.12, 0.38, 0.36, -0.15, 0.05, c, n=10, top=False, bottom=True)
    b.annulus(0, 0.12, 0.28, 0.38, 0.05, mul(c, 0.95), 10, sz=0.36 / 0.38)
    b.disk(0, 0.12, 0.28, 0.27, -0.05, (150, 190, 225), 10)
    b.box((-0.45, -0.15, -0.5), (0.45, 0.5, -0.25), c)
    if st.openness > 0:
        b.box((-0.35, 0.05, -0.25), (0.35, 0.45, -0.2), mul(c, 0.93))
    else:
        b.cyl(0, 0.12, 0.38, 0.36, 0.05, 0.1, mul(c, 0.93), n=10)


@shape("shower_head", toggle=True)
def _shower(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, 0, 0.5, 0.5, 0.2, 0.5, STEEL if sum(c) < 300 else c, n=10, bottom=True, top_scale=0.5)
    if st.toggled:
        drop = 1.2 / s[1]
        b.cyl(0, 0, 0.8, 0.8, -0.5 - drop, 0.2, (120, 175, 255), n=10, top=False, top_scale=0.5, emissive=True)


@shape("window")
def _window(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    f = 0.07
    for lo, hi in [((-0.5, -0.5, -0.5), (0.5, -0.5 + f, 0.5)), ((-0.5, 0.5 - f, -0.5), (0.5, 0.5, 0.5)),
                   ((-0.5, -0.5 + f, -0.5), (-0.5 + f, 0.5 - f, 0.5)), ((0.5 - f, -0.5 + f, -0.5), (0.5, 0.5 - f, 0.5)),
                   ((-0.02, -0.5 + f, -0.3), (0.02, 0.5 - f, 0.3))]:
        b.box(lo, hi, c)
    b.quad((-0.5, -0.5, 0), (0.5, -0.5, 0), (0.5, 0.5, 0), (-0.5, 0.5, 0), (175, 205, 235), (0, 0, 1), emissive=True)
    return face_thin_axis(b.build(), s)


@shape("painting")
def _painting(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5, 0.3), mul(c, 0.6))
    z, n = 0.31, (0, 0, 1)
    b.quad((-0.42, 0.0, z), (0.42, 0.0, z), (0.42, 0.42, z), (-0.42, 0.42, z), (140, 180, 220), n)
    b.quad((-0.42, -0.42, z), (0.42, -0.42, z), (0.42, 0.0, z), (-0.42, 0.0, z), mix(c, (90, 140, 70), 0.6), n)
    b.quad((0.1, 0.15, z + 0.01), (0.25, 0.15, z + 0.01), (0.25, 0.3, z + 0.01), (0.1, 0.3, z + 0.01),
           (240, 200, 80), n)
    return face_thin_axis(b.build(), s)


@shape("shelf")
def _shelf(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    if s[1] < 0.12:
        b.box((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5), c)
        return
    t = min(0.1, 0.02 / s[1])
    for y in (-0.5, -0.5 + (1 - t) / 2, 0.5 - t):
        b.box((-0.5, y, -0.5), (0.5, y + t, 0.5), c)
    for x0 in (-0.5, 0.46):
        b.box((x0, -0.5, -0.5), (x0 + 0.04, 0.5, 0.5), mul(c, 0.85))


@shape("box_open")
def _box_open(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.shell((-0.5, -0.5, -0.5), (0.5, 0.4, 0.5), 0.04, c, mul(c, 0.7), "t")
    b.para((-0.5, 0.4, -0.5), (1.0, 0, 0), (0, 0.1, -0.0), (0, 0.0, 0.02), mul(c, 0.9))
    b.para((-0.5, 0.4, 0.48), (1.0, 0, 0), (0, 0.1, 0.0), (0, 0.0, 0.02), mul(c, 0.9))


def _panel_frame(b: MeshBuilder, c: Color, s: np.ndarray, f_m: float = 0.03) -> None:
    """Frame of a thin panel built facing +z (no pane)."""
    fx, fy = min(0.2, f_m / s[0]), min(0.2, f_m / s[1])
    for lo, hi in [((-0.5, -0.5, -0.5), (0.5, -0.5 + fy, 0.5)), ((-0.5, 0.5 - fy, -0.5), (0.5, 0.5, 0.5)),
                   ((-0.5, -0.5 + fy, -0.5), (-0.5 + fx, 0.5 - fy, 0.5)),
                   ((0.5 - fx, -0.5 + fy, -0.5), (0.5, 0.5 - fy, 0.5))]:
        b.box(lo, hi, c)


@shape("glass_frame")
def _glass_frame(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Shower glass / door: see-through, so only the metal frame is drawn."""
    ls = np.array([max(s[0], s[2]), s[1], min(s[0], s[2])])
    _panel_frame(b, mul(STEEL, 0.9), ls)
    return face_thin_axis(b.build(), s)


@shape("shower_curtain")
def _shower_curtain(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Curtain pushed aside: the rod across the top and a narrow bunched strip at one end."""
    ls = np.array([max(s[0], s[2]), s[1], min(s[0], s[2])])
    ry = min(0.1, 0.025 / ls[1])
    b.box((-0.5, 0.5 - ry, -0.2), (0.5, 0.5, 0.2), STEEL)
    w = min(0.2, 0.18 / ls[0])
    for k in range(3):
        x0 = 0.5 - w + k * w / 3
        b.box((x0, -0.35, -0.5 + 0.3 * (k % 2)), (x0 + w / 3, 0.5 - ry, 0.2 + 0.3 * (k % 2)), mul(c, 0.92 + 0.04 * k))
    return face_thin_axis(b.build(), s)


@shape("curtains_open")
def _curtains_open(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Window curtains drawn back to both sides, with the rod across the top."""
    ls = np.array([max(s[0], s[2]), s[1], min(s[0], s[2])])
    ry = min(0.1, 0.03 / ls[1])
    b.box((-0.5, 0.5 - ry, -0.3), (0.5, 0.5, 0.3), mul(c, 0.6))
    w = min(0.25, 0.22 / ls[0])
    for sx in (-1, 1):
        x0 = -0.5 if sx < 0 else 0.5 - w
        b.box((x0, -0.5, -0.5), (x0 + w, 0.5 - ry, 0.5), c)
        b.box((x0 + w * 0.3, -0.5, 0.5), (x0 + w * 0.45, 0.5 - ry, 0.55), mul(c, 0.85))
    return face_thin_axis(b.build(), s)


@shape("blinds_up")
def _blinds_up(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Blinds rolled up: a slat bundle at the top."""
    ls = np.array([max(s[0], s[2]), s[1], min(s[0], s[2])])
    h = min(0.3, 0.12 / ls[1])
    b.box((-0.5, 0.5 - h, -0.5), (0.5, 0.5, 0.5), c)
    b.box((-0.5, 0.5 - h - 0.01, -0.5), (0.5, 0.5 - h, 0.5), mul(c, 0.8))
    return face_thin_axis(b.build(), s)
