"""Shapes of small objects: utensils, dishes, devices, books, textiles, fixtures, plants."""
from __future__ import annotations

import math

import numpy as np

from ..prims import Color, Mesh, MeshBuilder
from .registry import DARK, GLOW, LIQUID, STEEL, Y_TO_Z, ShapeState, along_long_axis, mix, mul, shape, transform

FULL = ((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5))


@shape("box")
@shape("slab")
@shape("floor")
def _box(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box(*FULL, c)


@shape("cylinder")
def _cylinder(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, 0, 0.5, 0.5, -0.5, 0.5, c, n=12, bottom=True, top_color=mul(c, 1.1))


def cup(b: MeshBuilder, cx: float, cz: float, rx: float, rz: float, y0: float, y1: float, c: Color,
        st: ShapeState, top_scale: float = 1.0, wall: float = 0.85, floor: float = 0.15, n: int = 10,
        liquid_h: float = 0.75) -> None:
    """Open-top vessel with inner wall, inner floor, rim and optional liquid surface."""
    b.cyl(cx, cz, rx, rz, y0, y1, c, n=n, top=False, bottom=True, top_scale=top_scale)
    fy = y0 + floor * (y1 - y0)
    ir = wall * (1 + (top_scale - 1) * floor)
    inner = mul(c, 0.75)
    b.cyl(cx, cz, rx * ir, rz * ir, fy, y1, inner, n=n, top=False, invert=True, top_scale=wall * top_scale / ir)
    b.disk(cx, cz, rx * ir, rz * ir, fy, mul(c, 0.6), n)
    b.annulus(cx, cz, rx * wall * top_scale, rx * top_scale, y1, c, n, sz=rz / rx)
    if st.liquid:
        ly = fy + liquid_h * (y1 - fy)
        k = ir + (wall * top_scale - ir) * liquid_h
        b.disk(cx, cz, rx * k, rz * k, ly, LIQUID.get(st.liquid, LIQUID["water"]), n)
        drips(b, cx, cz, rx, rz, y0, y1, top_scale, LIQUID.get(st.liquid, LIQUID["water"]))


def drips(b: MeshBuilder, cx: float, cz: float, rx: float, rz: float, y0: float, y1: float, top_scale: float,
          color: Color, length: float = 0.35) -> None:
    """Liquid running down the outer wall from the rim, so a full vessel reads as full from the side."""
    def r_at(y: float) -> float:
        return 1.04 * (1 + (top_scale - 1) * (y - y0) / (y1 - y0))
    ya, yb = y1, y1 - length * (y1 - y0)
    for a, w in ((0.5, 0.22), (2.6, 0.16), (4.4, 0.19), (5.6, 0.12)):
        pts = []
        for y in (ya, yb):
            for da in (-w / 2, w / 2):
                k = r_at(y)
                pts.append((cx + rx * k * math.cos(a + da), y, cz + rz * k * math.sin(a + da)))
        nrm = (math.cos(a), 0.0, math.sin(a))
        b.quad(pts[0], pts[1], pts[3], pts[2], color, nrm)


@shape("mug", fill=True)
def _mug(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    m = MeshBuilder()
    cup(m, 0, 0, 0.5, 0.5, -0.5, 0.5, c, st)
    body = transform(m.build(), np.diag([0.74, 1, 1]).astype(np.float32), (-0.13, 0, 0))
    b.extend(body)
    b.box((0.23, 0.2, -0.07), (0.48, 0.32, 0.07), c)
    b.box((0.23, -0.3, -0.07), (0.48, -0.18, 0.07), c)
    b.box((0.38, -0.18, -0.07), (0.48, 0.2, 0.07), c)
    return b.build()


@shape("bowl", fill=True)
def _bowl(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    cup(b, 0, 0, 0.3, 0.3, -0.5, 0.5, c, st, top_scale=0.5 / 0.3, wall=0.88, floor=0.2, n=12, liquid_h=0.6)


@shape("plate")
def _plate(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, 0, 0.35, 0.35, -0.5, 0.2, c, n=12, bottom=True, top_color=mul(c, 1.05))
    b.cyl(0, 0, 0.35, 0.35, 0.2, 0.5, c, n=12, top=False, top_scale=0.5 / 0.35)
    b.annulus(0, 0, 0.35, 0.5, 0.5, mul(c, 0.95), 12)


@shape("pan", fill=True)
def _pan(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    m = MeshBuilder()
    cup(m, 0, 0, 0.5, 0.5, -0.5, 0.5, c, st, wall=0.9, floor=0.3, n=12, liquid_h=0.4)
    b.extend(transform(m.build(), np.diag([1, 1, 0.64]).astype(np.float32), (0, 0, -0.18)))
    b.box((-0.07, -0.05, 0.14), (0.07, 0.12, 0.5), DARK)
    return along_long_axis(b.build(), s)


@shape("pot", fill=True)
def _pot(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    cup(b, 0, 0, 0.38, 0.5, -0.5, 0.5, c, st, wall=0.9, floor=0.1, n=12, liquid_h=0.7)
    for sx in (-1, 1):
        b.box((sx * 0.38 if sx > 0 else -0.5, 0.2, -0.12), (0.5 if sx > 0 else -0.38, 0.34, 0.12), DARK)


@shape("kettle", fill=True)
def _kettle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, -0.05, 0.4, 0.42, -0.5, 0.15, c, n=10, bottom=True, top_scale=0.7, top_color=mul(c, 0.9))
    b.box((-0.06, 0.15, -0.08), (0.06, 0.22, 0.04), DARK)
    b.para((-0.05, -0.3, 0.3), (0.1, 0, 0), (0, 0.08, 0), (0, 0.3, 0.2), c)
    b.box((-0.05, 0.35, -0.35), (0.05, 0.45, 0.2), DARK)
    b.box((-0.05, 0.1, -0.35), (0.05, 0.35, -0.25), DARK)
    if st.liquid:
        b.disk(0, -0.05, 0.12, 0.12, 0.16, LIQUID.get(st.liquid, LIQUID["water"]), 8)
        drips(b, 0, -0.05, 0.4, 0.42, -0.5, 0.15, 0.7, LIQUID.get(st.liquid, LIQUID["water"]), 0.4)


@shape("knife")
def _knife(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    b.box((-0.5, -0.5, -0.05), (0.5, 0.2, 0.5), STEEL)
    b.box((-0.45, -0.5, -0.5), (0.45, 0.5, -0.05), c if sum(c) < 450 else DARK)
    return along_long_axis(b.build(), s, width=0.03)


@shape("utensil")
def _utensil(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    b.box((-0.2, -0.5, -0.5), (0.2, 0.0, 0.15), c)
    b.sphere((0, -0.1, 0.32), (0.5, 0.3, 0.18), c, 3, 6)
    return along_long_axis(b.build(), s, width=0.04)


@shape("bottle", fill=True)
def _bottle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    body = mix(c, LIQUID.get(st.liquid or "", c), 0.5) if st.liquid else c
    b.cyl(0, 0, 0.5, 0.5, -0.5, 0.15, body, n=10, top=False, bottom=True)
    b.cyl(0, 0, 0.5, 0.5, 0.15, 0.3, c, n=10, top=False, top_scale=0.4)
    b.cyl(0, 0, 0.2, 0.2, 0.3, 0.45, c, n=8, top=False)
    b.cyl(0, 0, 0.22, 0.22, 0.45, 0.5, DARK, n=8)


@shape("phone", toggle=True)
def _phone(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.5, -0.5, -0.5), (0.5, 0.3, 0.5), mul(DARK, 0.8))
    scr = (150, 205, 255) if st.toggled else (85, 90, 105)
    b.box((-0.44, 0.3, -0.46), (0.44, 0.5, 0.46), scr, emissive=st.toggled)


@shape("laptop", toggle=True, open_=True)
def _laptop(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.5, -0.5, -0.5), (0.5, -0.4, 0.5), c)
    b.quad((-0.45, -0.39, -0.1), (0.45, -0.39, -0.1), (0.45, -0.39, 0.45), (-0.45, -0.39, 0.45), DARK, (0, 1, 0))
    if st.openness > 0 or st.toggled:
        b.box((-0.5, -0.4, -0.5), (0.5, 0.5, -0.43), c)
        scr = (170, 210, 255) if st.toggled else (25, 28, 35)
        b.quad((-0.45, -0.3, -0.42), (0.45, -0.3, -0.42), (0.45, 0.45, -0.42), (-0.45, 0.45, -0.42), scr, (0, 0, 1),
               emissive=st.toggled)
    else:
        b.box((-0.5, -0.38, -0.5), (0.5, -0.28, 0.5), c)


@shape("book", open_=True)
def _book(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    paper = (235, 230, 215)
    if st.openness > 0:
        b.box((-0.5, -0.5, -0.5), (0.5, -0.3, 0.5), c)
        b.box((-0.48, -0.3, -0.48), (-0.02, 0.0, 0.48), paper)
        b.box((0.02, -0.3, -0.48), (0.48, 0.0, 0.48), paper)
        return
    b.box((-0.5, -0.5, -0.5), (0.5, -0.38, 0.5), c)
    b.box((-0.5, 0.38, -0.5), (0.5, 0.5, 0.5), c)
    b.box((-0.5, -0.38, -0.5), (-0.42, 0.38, 0.5), c)
    b.box((-0.42, -0.38, -0.47), (0.47, 0.38, 0.47), paper)


@shape("towel")
def _towel(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.48, -0.5, -0.48), (0.48, 0.5, 0.48), c)
    ax = int(np.argmax(s))
    lo, hi = np.array([-0.5] * 3), np.array([0.5] * 3)
    lo[ax], hi[ax] = 0.2, 0.32
    b.box(lo, hi, mul(c, 0.8))


@shape("burner", toggle=True)
def _burner(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, 0, 0.5, 0.5, -0.5, -0.1, (45, 45, 48), n=12, bottom=True)
    ring = GLOW if st.toggled else (80, 80, 85)
    b.annulus(0, 0, 0.12, 0.22, -0.08, ring, 12, emissive=st.toggled)
    b.annulus(0, 0, 0.3, 0.42, -0.08, ring, 12, emissive=st.toggled)
    if st.toggled:
        b.disk(0, 0, 0.12, 0.12, -0.085, (230, 60, 15), 8, emissive=True)
        b.annulus(0, 0, 0.22, 0.3, -0.085, (200, 45, 10), 12, emissive=True)


@shape("knob", toggle=True)
def _knob(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    m = MeshBuilder()
    m.cyl(0, 0, 0.5, 0.5, -0.5, 0.5, c, n=10, bottom=True)
    b.extend(transform(m.build(), Y_TO_Z))
    mark = (220, 40, 30) if st.toggled else (235, 235, 235)
    if st.toggled:
        b.box((0.0, -0.07, 0.5), (0.45, 0.07, 0.56), mark)
    else:
        b.box((-0.07, 0.0, 0.5), (0.07, 0.45, 0.56), mark)
    return b.build()


@shape("faucet", toggle=True)
def _faucet(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, -0.35, 0.22, 0.14, -0.5, 0.35, c, n=8, bottom=True)
    b.box((-0.1, 0.2, -0.35), (0.1, 0.35, 0.42), c)
    b.box((-0.1, 0.05, 0.28), (0.1, 0.2, 0.42), c)
    if st.toggled:
        drop = 0.35 / s[1]  # water falls 35 cm below the faucet
        b.cyl(0, 0.35, 0.09, 0.06, -0.5 - drop, 0.05, (80, 150, 255), n=8, bottom=True, emissive=True)


@shape("sink_basin", fill=True)
def _sink(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    inset = min(0.2, 0.04 / max(min(s[0], s[2]), 0.05))
    b.basin((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5), inset, -0.49, c, mul(c, 0.85), mul(c, 0.72))
    if st.liquid:
        b.quad((-0.4, 0.1, -0.4), (0.4, 0.1, -0.4), (0.4, 0.1, 0.4), (-0.4, 0.1, 0.4), LIQUID[st.liquid], (0, 1, 0))


@shape("candle", toggle=True)
def _candle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, 0, 0.5, 0.5, -0.5, 0.2, c, n=10, bottom=True)
    b.box((-0.03, 0.2, -0.03), (0.03, 0.28, 0.03), DARK)
    if st.toggled:
        b.sphere((0, 0.36, 0), (0.2, 0.14, 0.2), (255, 170, 40), 3, 6, emissive=True)
        b.sphere((0, 0.42, 0), (0.1, 0.08, 0.1), (255, 245, 170), 3, 6, emissive=True)


@shape("egg")
def _egg(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.sphere((0, 0, 0), (0.5, 0.5, 0.5), c, 5, 8)


@shape("sphere")
def _sphere(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.sphere((0, 0, 0), (0.5, 0.5, 0.5), c, 5, 10)


@shape("plant")
def _plant(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.cyl(0, 0, 0.28, 0.28, -0.5, -0.15, (160, 90, 60), n=8, top_scale=1.25, top_color=(70, 50, 35), bottom=True)
    leaf = c if c[1] > c[0] else (60, 140, 60)
    for (x, y, z, r) in [(0, 0.2, 0, 0.3), (-0.25, 0.05, 0.1, 0.22), (0.25, 0.1, -0.1, 0.22), (0.05, 0.05, 0.28, 0.2)]:
        b.sphere((x, y, z), (r, min(r, 0.5 - y), r), mul(leaf, 0.9 + 0.3 * y), 3, 6)
