"""Legible-style models of kitchen objects: cutlery, dishes, cookware, food, bottles, appliances.

Procedural low-poly geometry (this project's own), one `@model(type)` per object type, each in the
unit box (front = +z) with its type's base colour as the main colour and cues in contrasting tones.
Models built along z are turned to the box's long horizontal axis (`along_long_axis`).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from ..prims import Color, Mesh, MeshBuilder, Vec3
from .registry import DARK, LIQUID, STEEL, ShapeState, along_long_axis, mix, model, mul, transform
from .small import drips

WHITE_IN: Color = (236, 232, 224)  # light glaze inside coloured mugs and bowls
CRUMB: Color = (236, 214, 160)
CRUST: Color = (160, 98, 45)
LEAF: Color = (70, 140, 50)
STEM: Color = (95, 70, 40)
CARDBOARD: Color = (150, 110, 70)
HOLE: Color = (40, 32, 26)
FOIL: Color = (214, 218, 224)
LABEL: Color = (234, 224, 198)
SCOUR: Color = (46, 125, 60)
Y_TO_X = np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], np.float32)  # design +y -> +x (a rotation)
Y_TO_Z = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], np.float32)  # design +y -> +z


# ---- helpers ---------------------------------------------------------------------------
def colour_list(color: Color | Sequence[Color], k: int) -> list[Color]:
    """One colour repeated k times, or the given list of colours."""
    if isinstance(color[0], (int, float)):
        return [color] * k  # type: ignore[list-item]
    return [tuple(c) for c in color]  # type: ignore[misc, arg-type]


def prism(b: MeshBuilder, pts: Sequence[tuple[float, float]], y0: float, y1: float, color: Color,
          top: Color | None = None, bottom: bool = True) -> None:
    """Vertical prism over a convex polygon of (x, z) points, from y0 to y1."""
    p = np.asarray(pts, float)
    n = len(p)
    ctr = p.mean(0)
    lo = np.c_[p[:, 0], np.full(n, y0), p[:, 1]]
    hi = np.c_[p[:, 0], np.full(n, y1), p[:, 1]]
    j = np.roll(np.arange(n), -1)
    b.add(np.concatenate([np.stack([lo, lo[j], hi[j]], 1), np.stack([lo, hi[j], hi], 1)]), color,
          ref=(ctr[0], (y0 + y1) / 2, ctr[1]), closed=bottom)
    b.add(np.stack([np.tile([ctr[0], y1, ctr[1]], (n, 1)), hi, hi[j]], 1), top or color, normal=(0, 1, 0),
          closed=bottom)
    if bottom:
        b.add(np.stack([np.tile([ctr[0], y0, ctr[1]], (n, 1)), lo, lo[j]], 1), color, normal=(0, -1, 0), closed=True)


def lathe(b: MeshBuilder, prof: Sequence[tuple[float, float]], color: Color | Sequence[Color], cx: float = 0.0,
          cz: float = 0.0, kx: float = 0.5, kz: float = 0.5, n: int = 12, caps: bool = True, invert: bool = False,
          wobble: Callable[[np.ndarray, float], np.ndarray] | None = None, arc: tuple[float, float] | None = None,
          top_color: Color | None = None) -> None:
    """Surface of revolution about a vertical axis: prof is (y, r) bottom to top, r scaled by kx/kz.

    color: one colour or one per profile segment; caps closes open ends with disks; wobble(angle, y)
    scales the radius per vertex (lumps, ribs); arc=(a0, a1) draws only that angle range (leaves, labels).
    """
    if arc is None:
        a = np.arange(n + 1) * (2 * math.pi / n) + math.pi / n
    else:
        a = np.linspace(arc[0], arc[1], n + 1)
    rings = []
    for y, r in prof:
        k = np.full(n + 1, float(r)) * (wobble(a, y) if wobble is not None else 1.0)
        if arc is None:
            k[-1] = k[0]
        rings.append(np.stack([cx + kx * k * np.cos(a), np.full(n + 1, y), cz + kz * k * np.sin(a)], 1))
    cols = colour_list(color, len(prof) - 1)
    closed = caps and arc is None and not invert
    for i in range(len(prof) - 1):
        (y0, r0), (y1, r1) = prof[i], prof[i + 1]
        p, q = rings[i], rings[i + 1]
        t = np.concatenate([np.stack([p[:-1], p[1:], q[1:]], 1), np.stack([p[:-1], q[1:], q[:-1]], 1)])
        b.add(t, cols[i], ref=(cx, (y0 + y1) / 2 + (r1 - r0) * 10.0, cz), closed=closed, invert=invert)
    if caps and arc is None:
        for (y, r), ring, up in ((prof[0], rings[0], False), (prof[-1], rings[-1], True)):
            if r > 0:
                ctr = np.tile([cx, y, cz], (n, 1))
                b.add(np.stack([ctr, ring[:-1], ring[1:]], 1), (top_color or cols[-1]) if up else cols[0],
                      normal=(0, 1 if up else -1, 0), closed=closed)


def bar(b: MeshBuilder, p0: Vec3, p1: Vec3, v: Vec3, w: Vec3, color: Color) -> None:
    """A straight bar from p0 to p1 with cross-section edges v and w (centred on the segment)."""
    p0a, p1a, va, wa = (np.asarray(x, float) for x in (p0, p1, v, w))
    b.para(p0a - va / 2 - wa / 2, p1a - p0a, va, wa, color)


def loop(b: MeshBuilder, cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, z: float, depth: float,
         thick: float, color: Color, n: int = 7) -> None:
    """A handle: an elliptic arc in the xy plane at z (angles in degrees, 0 = +x, 90 = +y)."""
    a = np.radians(np.linspace(a0, a1, n + 1))
    pts = np.stack([cx + rx * np.cos(a), cy + ry * np.sin(a), np.full(n + 1, z)], 1)
    for i in range(n):
        d = pts[i + 1] - pts[i]
        rad = np.array([-d[1], d[0], 0.0])
        rad = rad / max(float(np.linalg.norm(rad)), 1e-9) * thick
        bar(b, pts[i] - d * 0.08, pts[i + 1] + d * 0.08, (0, 0, depth), rad, color)


def vessel(b: MeshBuilder, prof: Sequence[tuple[float, float]], outer: Color | Sequence[Color], inner: Color,
           st: ShapeState,
           cx: float = 0.0, cz: float = 0.0, kx: float = 0.5, kz: float = 0.5, wall: float = 0.88,
           floor: float = 0.15, liquid_h: float = 0.75, rim: Color | None = None, n: int = 12,
           spill: bool = True) -> None:
    """Open-top vessel: outer skin (prof; one colour or one per segment), inner skin (radius * wall),
    floor, rim and liquid when filled."""
    lathe(b, prof, outer, cx, cz, kx, kz, n, caps=False)
    cols = colour_list(outer, 1)
    base = cols[0]
    r_b = prof[0][1]
    b.disk(cx, cz, kx * r_b, kz * r_b, prof[0][0], base, n, up=False)
    y0, y1 = prof[0][0], prof[-1][0]
    fy = y0 + floor * (y1 - y0)
    inner_prof = [(y, r * wall) for y, r in prof if y >= fy]
    r_f = float(np.interp(fy, [p[0] for p in prof], [p[1] for p in prof])) * wall
    inner_prof = [(fy, r_f)] + [p for p in inner_prof if p[0] > fy]
    lathe(b, inner_prof, inner, cx, cz, kx, kz, n, caps=False, invert=True)
    b.disk(cx, cz, kx * r_f, kz * r_f, fy, mul(inner, 0.85), n)
    r_t = prof[-1][1]
    b.annulus(cx, cz, kx * r_t * wall, kx * r_t, y1, rim or cols[-1], n, sz=kz / kx)
    if st.liquid:
        liq = LIQUID.get(st.liquid, LIQUID["water"])
        ly = fy + liquid_h * (y1 - fy)
        r_l = float(np.interp(ly, [p[0] for p in inner_prof], [p[1] for p in inner_prof]))
        b.disk(cx, cz, kx * r_l, kz * r_l, ly, liq, n)
        if spill:
            drips(b, cx, cz, kx * r_t * 0.95, kz * r_t * 0.95, y0, y1, 1.0, liq, 0.35)


def facet_jitter(m: Mesh, amount: float, seed: int) -> Mesh:
    """Vary face brightness a little (mottled skins, crinkled foil)."""
    rng = np.random.default_rng(seed)
    m.colors = np.clip(m.colors * (1 + rng.uniform(-amount, amount, (len(m), 1))), 0, 255).astype(np.float32)
    return m


def long_wide(s: np.ndarray) -> tuple[float, float]:
    """(long, wide) horizontal extents in metres."""
    return max(float(s[0]), float(s[2])), min(float(s[0]), float(s[2]))


def x_to_z(m: Mesh) -> Mesh:
    """Turn a model built with its long axis along x so that it runs along z (design +x -> +z)."""
    return transform(m, np.array([[0, 0, -1], [0, 1, 0], [1, 0, 0]], np.float32))


Builder = Callable[[MeshBuilder, Color, ShapeState, np.ndarray], "Mesh | None"]


def long_x(f: Builder) -> Builder:
    """Wrap a builder designed with its long horizontal axis along x: boxes longer in z get it turned."""
    def g(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh | None:
        if s[2] <= s[0] * 1.05:
            return f(b, c, st, s)
        m = MeshBuilder()
        out = f(m, c, st, s[[2, 1, 0]])
        return x_to_z(out if isinstance(out, Mesh) else m.build())
    g.__doc__ = f.__doc__
    return g


def head_up(m: Mesh, s: np.ndarray) -> Mesh:
    """Cutlery is designed with its head (blade, tines, bowl) at +z. geometry.toaster_slots stands an item
    with +z up when z is its long axis, else with -x up: x-long items are turned half round first, so
    in a toaster the head always sticks out (lying down, either way looks the same)."""
    return transform(m, np.diag([-1.0, 1.0, -1.0]).astype(np.float32)) if s[0] > s[2] else m


EDGE: Color = (236, 240, 244)


def cutlery_steel(c: Color) -> Color:
    """Steel a shade darker than the type colour, so thin cutlery stands out on light counters."""
    return mul(c, 0.68) if sum(c) > 420 else c


def handle_color(c: Color) -> Color:
    """A dark handle colour that still belongs to the object."""
    return c if sum(c) < 240 else (38, 34, 32)


# ---- cutlery ---------------------------------------------------------------------------
@model("Knife")
def knife(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Chef's knife lying flat: pointed steel blade with a bright edge, bolster, dark handle with rivets."""
    blade = cutlery_steel(c)
    prism(b, [(-0.5, -0.1), (0.5, -0.1), (0.5, 0.12), (0.32, 0.32), (0.05, 0.44), (-0.38, 0.5), (-0.5, 0.42)],
          -0.5, -0.2, mul(blade, 0.9), top=blade)
    b.quad((0.25, -0.19, -0.1), (0.5, -0.19, -0.1), (0.5, -0.19, 0.12), (0.25, -0.19, 0.2), EDGE, (0, 1, 0))
    b.box((-0.5, -0.5, -0.16), (0.5, 0.2, -0.1), mul(STEEL, 0.8))
    h = handle_color((40, 34, 30) if sum(c) > 300 else c)
    prism(b, [(-0.3, -0.5), (0.3, -0.5), (0.38, -0.44), (0.38, -0.2), (0.32, -0.16), (-0.32, -0.16), (-0.38, -0.2),
              (-0.38, -0.44)], -0.5, 0.44, h)
    for z in (-0.42, -0.3, -0.2):
        b.quad((-0.1, 0.45, z - 0.025), (0.1, 0.45, z - 0.025), (0.1, 0.45, z + 0.025), (-0.1, 0.45, z + 0.025),
               (200, 200, 205), (0, 1, 0))
    return along_long_axis(head_up(b.build(), s), s, width=0.03)


@model("ButterKnife")
def butter_knife(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Table knife: a narrow steel blade whose spine curves down to a rounded tip, a bright cutting edge,
    a slim neck and a thicker dark handle with a steel cap (a blade as wide as its handle reads as a spatula)."""
    steel = cutlery_steel(c)
    prism(b, [(-0.15, -0.08), (0.15, -0.08), (0.15, 0.28), (0.12, 0.4), (0.04, 0.47), (-0.06, 0.5), (-0.13, 0.48),
              (-0.15, 0.44)], -0.49, -0.2, mul(steel, 0.92), top=steel)
    for y, n in ((-0.195, (0, 1, 0)), (-0.495, (0, -1, 0))):  # the edge, bright on both faces
        b.quad((-0.15, y, -0.04), (-0.09, y, -0.04), (-0.09, y, 0.44), (-0.15, y, 0.44), EDGE, n)
    b.box((-0.09, -0.5, -0.16), (0.09, -0.1, -0.06), mul(steel, 0.8))
    h = handle_color((40, 34, 30) if sum(c) > 300 else c)
    prism(b, [(-0.11, -0.16), (0.11, -0.16), (0.18, -0.3), (0.21, -0.44), (0.16, -0.5), (-0.16, -0.5), (-0.21, -0.44),
              (-0.18, -0.3)], -0.5, 0.5, h, top=mul(h, 1.3))
    b.box((-0.12, -0.45, -0.2), (0.12, 0.45, -0.16), mix(steel, EDGE, 0.4))
    return along_long_axis(head_up(b.build(), s), s, width=0.02)


@model("Fork")
def fork(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Fork: four tines with gaps at +z, a spread head, a long handle."""
    c = cutlery_steel(c)
    for x0 in (-0.5, -0.21, 0.08, 0.37):
        b.box((x0, -0.5, 0.2), (x0 + 0.13, -0.2, 0.5), c)
    prism(b, [(-0.18, 0.02), (0.18, 0.02), (0.5, 0.14), (0.5, 0.21), (-0.5, 0.21), (-0.5, 0.14)], -0.5, -0.15,
          mul(c, 0.95))
    prism(b, [(-0.14, -0.46), (-0.18, 0.04), (0.18, 0.04), (0.14, -0.46)][::-1], -0.45, -0.1, c)
    prism(b, [(-0.2, -0.5), (0.2, -0.5), (0.26, -0.36), (0.2, -0.22), (-0.2, -0.22), (-0.26, -0.36)], -0.3, 0.5,
          mul(c, 0.88), top=mul(c, 1.06))
    return along_long_axis(head_up(b.build(), s), s, width=0.025)


@model("Spoon")
def spoon(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Spoon: oval bowl (darker hollow, bright rim) at +z and a slender handle."""
    c = cutlery_steel(c)
    vessel(b, [(-0.5, 0.55), (-0.2, 0.85), (0.05, 1.0)], c, mul(c, 0.78), ShapeState(), cz=0.24, kx=0.5,
           kz=0.26, wall=0.86, floor=0.3, rim=mix(c, (250, 250, 250), 0.4), n=12)
    prism(b, [(-0.1, -0.02), (0.1, -0.02), (0.14, -0.3), (0.22, -0.44), (0.14, -0.5), (-0.14, -0.5), (-0.22, -0.44),
              (-0.14, -0.3)], -0.2, 0.2, mul(c, 0.95), top=mul(c, 1.05))
    return along_long_axis(head_up(b.build(), s), s, width=0.03)


@model("Ladle")
def ladle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Ladle: a deep round bowl (dark inside) and a long handle ending in a hook."""
    c = cutlery_steel(c)
    L, W = long_wide(s)
    kz = 0.5 * W / L
    vessel(b, [(-0.5, 0.62), (-0.25, 0.9), (0.15, 1.0)], c, mul(c, 0.62), st, cz=0.5 - kz, kx=0.5, kz=kz,
           wall=0.88, floor=0.12, rim=mix(c, (250, 250, 250), 0.3), n=12, spill=False)
    z0 = 0.5 - 1.9 * kz
    bar(b, (0, 0.12, z0 + 0.04), (0, 0.4, -0.46), (0.16, 0, 0), (0, 0.1, 0), mul(c, 0.92))
    bar(b, (0, 0.42, -0.45), (0, 0.0, -0.49), (0.16, 0, 0), (0, 0, 0.02), mul(c, 0.85))
    return along_long_axis(head_up(b.build(), s), s)


# ---- dishes ----------------------------------------------------------------------------
def glaze_inside(c: Color) -> Color:
    """Inside colour of a glazed vessel: white in coloured ones, a shade darker in white ones."""
    return WHITE_IN if sum(c) < 560 else mul(c, 0.8)


@model("Mug", fill=True)
@long_x
def mug(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Mug: straight body with a light glazed inside, a ring handle with a visible hole on the long side."""
    L, W = long_wide(s)
    kx = 0.5 * min(1.0, W / L * 0.98)
    cx = -0.5 + kx
    vessel(b, [(-0.5, 0.94), (-0.46, 1.0), (0.5, 1.0)], c, glaze_inside(c), st, cx=cx, kx=kx, kz=0.49,
           wall=0.86, floor=0.1, liquid_h=0.82, rim=mix(c, (255, 255, 255), 0.25), n=14)
    right = cx + kx
    loop(b, right - 0.02, 0.0, 0.5 - right - 0.02, 0.3, -80, 80, 0.0, 0.22, 0.07, mul(c, 0.95), n=7)


@model("Cup", fill=True)
def cup_model(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Tumbler cup: tapered body, open top with a darker inside and a coloured band."""
    band = mix(c, (60, 95, 160), 0.55)
    vessel(b, [(-0.5, 0.78), (0.22, 0.94), (0.32, 0.96), (0.5, 1.0)], [c, band, c], glaze_inside(c), st,
           wall=0.88, floor=0.08, liquid_h=0.8, n=12)


@model("Plate")
def plate(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Plate: foot, a flat well and a wide rim with a coloured line."""
    line = mix(c, (50, 80, 150), 0.6)
    lathe(b, [(-0.5, 0.42), (-0.2, 0.66), (0.3, 0.94), (0.45, 1.0)], mul(c, 0.9), caps=False, n=16)
    b.disk(0, 0, 0.21, 0.21, -0.5, mul(c, 0.9), 16, up=False)
    lathe(b, [(-0.1, 0.0), (-0.1, 0.6), (0.25, 0.8), (0.3, 0.84), (0.36, 0.88), (0.45, 0.95), (0.45, 1.0)],
          [c, mix(c, (255, 255, 255), 0.4), c, line, c, c], caps=False, invert=True, n=16)


@model("Bowl", fill=True)
def bowl(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Bowl: rounded sides on a foot ring, a band below the rim, a lighter inside."""
    band = mix(c, (60, 95, 160), 0.5) if sum(c) > 450 else mix(c, (255, 255, 255), 0.4)
    b.cyl(0, 0, 0.3, 0.3, -0.5, -0.42, mul(c, 0.85), n=12, bottom=True)
    vessel(b, [(-0.42, 0.5), (-0.2, 0.78), (0.1, 0.93), (0.28, 0.98), (0.38, 1.0), (0.5, 1.0)],
           [c, c, c, band, c], glaze_inside(c), st, wall=0.9, floor=0.12, liquid_h=0.62, n=14)


# ---- cookware --------------------------------------------------------------------------
@model("Pan", fill=True)
def pan(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Frying pan: round, sloped walls, a bright steel rim, a grey inside and a long dark handle."""
    L, W = long_wide(s)
    kz = min(0.5 * W / L, 0.36)  # a squarish box (a pan lying diagonally) still leaves room for the handle
    inner = mix(c, (120, 120, 125), 0.45)
    vessel(b, [(-0.5, 0.8), (-0.3, 0.9), (0.3, 1.0)], c, inner, st, cz=-0.5 + kz, kx=kz * L / W, kz=kz, wall=0.93,
           floor=0.3, liquid_h=0.5, rim=(205, 208, 214), n=16, spill=False)
    hz = -0.5 + 2 * kz
    bar(b, (0, 0.0, hz - 0.04), (0, 0.3, 0.48), (0.14, 0, 0), (0, 0.22, 0), handle_color(mul(c, 0.6)))
    b.box((-0.09, -0.1, hz - 0.06), (0.09, 0.12, hz + 0.04), STEEL)
    return along_long_axis(b.build(), s)


@model("Pot", fill=True)
@long_x
def pot(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Cooking pot: straight walls, a rolled bright rim, a darker base band, loop handles on both sides."""
    kx = 0.5 * min(1.0, float(s[2]) / float(s[0]))
    rim = mix(c, (230, 232, 236), 0.55)
    vessel(b, [(-0.5, 0.96), (-0.42, 1.0), (0.36, 1.0), (0.42, 1.03), (0.5, 1.03)],
           [mul(c, 0.7), c, rim, rim], mul(c, 0.75), st, kx=kx, kz=0.48, wall=0.92, floor=0.06, liquid_h=0.72,
           rim=rim, n=16)
    h = handle_color(mul(c, 0.45))
    for sx in (-1, 1):
        x0, x1 = sx * (kx - 0.02), sx * 0.47
        for z0, z1 in ((-0.16, -0.1), (0.16, 0.1)):
            bar(b, (x0, 0.25, z0), (x1, 0.27, z1), (0, 0.09, 0), (0, 0, 0.05), h)
        bar(b, (x1, 0.27, -0.12), (x1, 0.27, 0.12), (0, 0.09, 0), (0.03, 0, 0), h)


@model("Kettle", fill=True)
@long_x
def kettle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Stovetop kettle: round body with a lid and knob, a spout towards +x, an arched dark handle,
    and a water window on the front that shows the fill."""
    r = 0.5 * min(float(s[0]), float(s[2])) * 0.96
    kx, kz = r / float(s[0]), r / float(s[2])
    cx = -0.5 + kx
    lathe(b, [(-0.5, 0.9), (-0.46, 1.0), (-0.1, 1.0), (0.08, 0.86), (0.2, 0.6), (0.22, 0.0)],
          [mul(c, 0.8), c, c, c, mul(c, 1.08)], cx, 0.0, kx, kz, 12)
    b.cyl(cx, 0, kx * 0.35, kz * 0.35, 0.2, 0.24, mul(c, 0.9), n=10)
    b.cyl(cx, 0, kx * 0.12, kz * 0.12, 0.24, 0.32, DARK, n=8)
    bar(b, (cx + kx * 0.85, -0.3, 0), (0.47, 0.12, 0), (0, 0, 0.16), (0.0, 0.16, 0.0), c)
    b.box((0.43, 0.08, -0.07), (0.5, 0.15, 0.07), mul(c, 0.6))
    h = handle_color(mul(c, 0.3))
    loop(b, cx, 0.2, kx * 0.55, 0.26, 15, 165, 0.0, 0.12, 0.06, h, n=8)
    win_z = kz * 0.972  # just in front of the body facet that faces +z (n=12)
    gx0, gx1 = cx - kx * 0.22, cx + kx * 0.22
    b.quad((gx0, -0.42, win_z), (gx1, -0.42, win_z), (gx1, -0.05, win_z), (gx0, -0.05, win_z), (48, 54, 62),
           (0, 0, 1))
    if st.liquid:
        liq = LIQUID.get(st.liquid, LIQUID["water"])
        b.quad((gx0, -0.41, win_z + 0.004), (gx1, -0.41, win_z + 0.004), (gx1, -0.14, win_z + 0.004),
               (gx0, -0.14, win_z + 0.004), liq, (0, 0, 1))
        drips(b, cx, 0, kx * 0.95, kz * 0.95, -0.5, -0.1, 1.0, liq, 0.5)


@model("WateringCan", fill=True)
@long_x
def watering_can(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Watering can: oval body, a long spout rising to +x with a rose, an arched handle over the top."""
    kz = 0.47
    kx = min(0.28, kz * float(s[2]) / float(s[0]) * 1.6)
    cx = -0.5 + kx
    lathe(b, [(-0.5, 0.92), (-0.46, 1.0), (0.08, 1.0), (0.16, 0.8)], [mul(c, 0.85), c, mul(c, 1.1)], cx, 0, kx,
          kz, 14, top_color=mul(c, 1.1))
    b.disk(cx - kx * 0.35, 0, kx * 0.32, kz * 0.32, 0.161, (40, 40, 42) if not st.liquid else
           LIQUID.get(st.liquid, LIQUID["water"]), 10)
    bar(b, (cx + kx * 0.7, -0.35, 0), (0.42, 0.25, 0), (0, 0, 0.14), (0.0, 0.09, 0.0), mul(c, 0.95))
    b.cyl(0.44, 0, 0.05, 0.2, 0.2, 0.36, mul(c, 0.7), n=8, top_color=(60, 62, 60))
    loop(b, cx, 0.16, kx * 0.75, 0.3, 10, 170, 0.0, 0.14, 0.07, mul(c, 0.8), n=8)
    if st.liquid:
        drips(b, cx, 0, kx * 0.95, kz * 0.95, -0.5, 0.16, 1.0, LIQUID.get(st.liquid, LIQUID["water"]), 0.4)


# ---- food ------------------------------------------------------------------------------
def egg_profile(k: int = 8) -> list[tuple[float, float]]:
    """Egg outline (y, r): blunt at -y, pointier at +y."""
    out = []
    for t in np.linspace(-math.pi / 2, math.pi / 2, k + 1):
        y = 0.5 * math.sin(t)
        r = math.cos(t) * (1.0 - 0.18 * math.sin(t)) / 1.0
        out.append((y, max(r, 0.0)))
    top = max(r for _, r in out)
    return [(y, r / top) for y, r in out]


@model("Egg")
def egg(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Egg lying on its side: an egg-shaped solid, one end pointier, along the long axis."""
    m = MeshBuilder()
    prof = [(y, r * 0.985) for y, r in egg_profile(9)]
    lathe(m, prof, c, 0, 0, 0.5, 0.5, 14)
    out = transform(m.build(), Y_TO_X)
    out.colors = out.colors * (0.97 + 0.06 * (out.normals[:, 1:2] > 0.3)).astype(np.float32)
    return x_to_z(out) if s[2] > s[0] * 1.05 else out


@model("EggCracked")
def egg_cracked(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """A cracked egg: a white splat with a yolk dome and two broken shell halves."""
    rng = np.random.default_rng(7)
    ang = np.linspace(0, 2 * math.pi, 13)[:-1]
    rad = 0.42 + rng.uniform(-0.07, 0.07, 12)
    pts = [(float(r * math.cos(a)) * 0.95, float(r * math.sin(a)) * 0.95) for r, a in zip(rad, ang)]
    prism(b, pts, -0.5, -0.3, (222, 205, 150), top=(246, 234, 196))
    b.sphere((0.02, -0.3, 0.0), (0.22, 0.2, 0.22), c if c[0] > c[2] + 60 else (245, 175, 30), 3, 10)
    shell = (225, 200, 160)
    for x, z in ((-0.3, 0.28), (0.3, -0.26)):
        b.cyl(x, z, 0.2, 0.2, -0.5, 0.3, shell, n=8, top=False, bottom=True, top_scale=1.0)
        b.cyl(x, z, 0.16, 0.16, -0.4, 0.3, (250, 245, 235), n=8, top=False, invert=True)
        b.annulus(x, z, 0.16, 0.2, 0.3, mul(shell, 0.9), 8)


def lumpy(seed: int, amount: float) -> Callable[[np.ndarray, float], np.ndarray]:
    """A deterministic per-vertex radius wobble (potatoes, bags)."""
    ph = np.random.default_rng(seed).uniform(0, 2 * math.pi, 4)

    def f(a: np.ndarray, y: float) -> np.ndarray:
        return 1.0 + amount * (np.sin(2 * a + ph[0] + 3 * y) * 0.6 + np.sin(3 * a + ph[1] - 5 * y) * 0.4
                               + np.cos(a + ph[2] + 7 * y) * 0.3)
    return f


@model("Potato")
def potato(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Potato: a lumpy oval, mottled brown skin with dark eyes."""
    m = MeshBuilder()
    prof = [(y, r * 0.9) for y, r in egg_profile(8)]
    prof = [(y, r * (0.92 if abs(y) < 0.45 else 1.0)) for y, r in prof]
    lathe(m, prof, c, 0, 0, 0.5, 0.5, 12, wobble=lumpy(3, 0.08))
    out = facet_jitter(m.build(), 0.12, 5)
    out = transform(out, Y_TO_Z)
    eb = MeshBuilder()
    for x, z in ((-0.15, 0.1), (0.18, -0.2), (0.05, 0.3)):
        eb.sphere((x, 0.38, z), (0.05, 0.03, 0.05), mul(c, 0.45), 2, 5)
    out2 = MeshBuilder()
    out2.extend(out)
    out2.extend(eb.build())
    return along_long_axis(out2.build(), s)


@model("Apple")
def apple(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Apple: round body with a dimpled top, a lighter blush low down, a brown stem and a leaf."""
    prof = [(-0.5, 0.0), (-0.48, 0.3), (-0.38, 0.66), (-0.15, 0.94), (0.08, 1.0), (0.26, 0.92), (0.38, 0.7),
            (0.43, 0.4), (0.38, 0.14), (0.34, 0.0)]
    light = mix(c, (235, 190, 70), 0.3)
    lathe(b, prof, [light, light, mix(c, light, 0.5), c, c, c, c, mul(c, 0.85), mul(c, 0.7)], 0, 0, 0.49, 0.49,
          14, wobble=lambda a, y: 1.0 + 0.03 * np.cos(5 * a) * (y > 0))
    bar(b, (0, 0.32, 0), (0.05, 0.5, 0.02), (0.06, 0, 0), (0, 0, 0.06), STEM)
    b.quad((0.05, 0.42, 0.02), (0.3, 0.44, 0.1), (0.34, 0.46, 0.2), (0.1, 0.44, 0.12), LEAF, (0, 1, 0))


@model("Tomato")
def tomato(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Tomato: squat ribbed red body with a green star-shaped calyx and stem on top."""
    prof = [(-0.5, 0.0), (-0.47, 0.4), (-0.32, 0.82), (-0.05, 1.0), (0.2, 0.95), (0.36, 0.72), (0.44, 0.4),
            (0.42, 0.0)]
    lathe(b, prof, [mul(c, 0.9), c, c, c, c, mix(c, (255, 200, 160), 0.15), c], 0, 0, 0.49, 0.49, 15,
          wobble=lambda a, y: 1.0 + 0.05 * np.cos(5 * a))
    g = mix(LEAF, c, 0.1)
    for k in range(5):
        a = 2 * math.pi * k / 5 + 0.3
        tip = (0.3 * math.cos(a), 0.43, 0.3 * math.sin(a))
        side = (-math.sin(a) * 0.07, 0.0, math.cos(a) * 0.07)
        b.add(np.array([[(0, 0.47, 0), (tip[0] + side[0] * 0.2, tip[1], tip[2] + side[2] * 0.2),
                         (0.12 * math.cos(a) + side[0], 0.46, 0.12 * math.sin(a) + side[2])],
                        [(0, 0.47, 0), (0.12 * math.cos(a) - side[0], 0.46, 0.12 * math.sin(a) - side[2]),
                         (tip[0] - side[0] * 0.2, tip[1], tip[2] - side[2] * 0.2)]]), g, normal=(0, 1, 0))
    b.cyl(0, 0, 0.05, 0.05, 0.44, 0.5, mul(g, 0.8), n=6)


@model("Lettuce")
def lettuce(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Lettuce head lying along its long axis: a pale crinkled heart opening at +z, wrapped in dark,
    ruffled outer leaves that flare open, with thick pale midribs and a pale stem stub at -z."""
    m = MeshBuilder()
    heart = mix(c, (225, 242, 160), 0.55)
    lathe(m, [(-0.5, 0.3), (-0.4, 0.68), (-0.1, 0.86), (0.2, 0.86), (0.38, 0.7), (0.46, 0.4), (0.48, 0.0)],
          [heart, heart, heart, mul(heart, 1.05), mul(heart, 1.1), mul(heart, 1.12)], 0, 0, 0.42, 0.42, 14,
          wobble=lambda a, y: 1.0 + 0.07 * np.cos(9 * a + 6 * y))
    leaves = ((0.0, 2.3, 0.15), (2.1, 4.3, 0.3), (4.1, 6.4, 0.05), (1.1, 3.3, -0.05), (3.2, 5.3, 0.22),
              (5.2, 7.3, 0.35))
    for i, (a0, a1, top) in enumerate(leaves):
        col = mul(c, 0.62 + 0.1 * (i % 3)) if i < 3 else mul(c, 0.9 + 0.08 * (i % 2))
        k = 0.5 if i < 3 else 0.47
        lathe(m, [(-0.5, 0.3), (-0.4, 0.8), (-0.1, 0.98), (top, 1.0), (top + 0.14, 1.0)], col, 0, 0, k * 0.93,
              k * 0.93, 9, caps=False, arc=(a0, a1), wobble=lambda a, y: 1.0 + 0.07 * np.cos(11 * a) * (y > 0.0))
    rib = mix(c, (240, 248, 210), 0.7)
    for a, top in ((0.6, 0.15), (1.7, 0.15), (2.6, 0.3), (3.5, 0.3), (4.6, 0.05), (5.6, 0.05)):
        ca, sa = math.cos(a), math.sin(a)
        bar(m, (0.2 * ca, -0.5, 0.2 * sa), (0.47 * ca, -0.15, 0.47 * sa), (-sa * 0.08, 0, ca * 0.08),
            (ca * 0.03, 0, sa * 0.03), rib)
        bar(m, (0.47 * ca, -0.15, 0.47 * sa), (0.47 * ca, top, 0.47 * sa), (-sa * 0.06, 0, ca * 0.06),
            (ca * 0.03, 0, sa * 0.03), rib)
    m.cyl(0, 0, 0.12, 0.12, -0.5, -0.46, (225, 230, 180), n=8, bottom=True)
    out = transform(m.build(), Y_TO_Z)
    out.tris = np.clip(out.tris, -0.5, 0.5)
    return along_long_axis(out, s)


def loaf_rings(nx: int = 9, ns: int = 12) -> np.ndarray:
    """Cross-section rings (nx, ns, 3) of a bread loaf along x: flat bottom, domed top, rounded ends."""
    sec = []
    for t in np.linspace(0, math.pi, ns - 3):
        sec.append((0.5 * math.cos(t), -0.2 + 0.7 * math.sin(t)))
    sec = [(-0.5, -0.2), (-0.48, -0.5), (0.48, -0.5), (0.5, -0.2)][::-1][:1] + sec + [(-0.48, -0.5), (0.48, -0.5)]
    sec = [(0.5, -0.2)] + sec[1:]
    rings = []
    for x in np.linspace(-0.5, 0.5, nx):
        u = abs(x) / 0.5
        f = math.sqrt(max(1 - u ** 4, 0.0)) * 0.25 + 0.75 if u < 1 else 0.7
        g = math.sqrt(max(1 - u ** 3, 0.0)) * 0.35 + 0.65 if u < 1 else 0.6
        rings.append([(x, -0.5 + (y + 0.5) * g, z * f) for z, y in sec])
    return np.asarray(rings, float)


@model("Bread")
def bread(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Bread loaf along its long axis: rounded crust top, darker ends, pale scoring slashes."""
    r = loaf_rings()
    nx, ns = r.shape[:2]
    j = np.roll(np.arange(ns), -1)
    for i in range(nx - 1):
        p, q = r[i], r[i + 1]
        t = np.concatenate([np.stack([p, p[j], q[j]], 1), np.stack([p, q[j], q], 1)])
        b.add(t, c, ref=((p[0, 0] + q[0, 0]) / 2, -0.2, 0.0), closed=True)
    for ring, sx in ((r[0], -1), (r[-1], 1)):
        ctr = np.tile(ring.mean(0), (ns, 1))
        b.add(np.stack([ctr, ring, ring[j]], 1), mul(c, 0.8), normal=(sx, 0, 0), closed=True)
    m = b.build()
    top = m.normals[:, 1] > 0.55
    m.colors[top] = np.asarray(mul(c, 0.82), np.float32)
    nb = MeshBuilder()
    nb.extend(m)
    for x in (-0.25, 0.0, 0.25):
        pts = []
        for dz, dx in ((-0.18, -0.07), (0.18, 0.07)):
            z = dz
            y = -0.2 + 0.7 * math.sqrt(max(1 - (z / 0.5) ** 2, 0.0))
            u = abs(x + dx) / 0.5
            g = math.sqrt(max(1 - u ** 3, 0.0)) * 0.35 + 0.65
            f = math.sqrt(max(1 - u ** 4, 0.0)) * 0.25 + 0.75
            pts.append((x + dx, min(0.5, -0.5 + (y + 0.5) * g + 0.01), z * f))
        a, bb = np.array(pts[0]), np.array(pts[1])
        w = np.array([0.035, 0, -0.0])
        nb.quad(a - w, a + w, bb + w, bb - w, CRUMB, (0, 1, 0))
    out = nb.build()
    out.tris = np.clip(out.tris, -0.5, 0.5)
    return x_to_z(out) if s[2] > s[0] * 1.05 else out


@model("BreadSliced")
def bread_slice(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """A slice lying flat: pale crumb with pores inside a brown crust, the classic domed outline."""
    outline = [(-0.42, -0.5), (0.42, -0.5), (0.46, 0.05)]
    outline += [(0.5 * math.cos(t), 0.12 + 0.38 * math.sin(t)) for t in np.linspace(0, math.pi, 9)]
    outline += [(-0.46, 0.05)]
    prism(b, outline, -0.5, 0.3, CRUST)
    inner = [(x * 0.84, z * 0.84 + 0.0) for x, z in outline]
    prism(b, inner, 0.2, 0.48, mul(c, 0.95), top=c, bottom=False)
    for x, z in ((-0.2, -0.2), (0.15, 0.1), (-0.05, 0.3), (0.25, -0.3), (-0.25, 0.15)):
        b.quad((x - 0.03, 0.5, z - 0.03), (x + 0.03, 0.5, z - 0.03), (x + 0.03, 0.5, z + 0.03),
               (x - 0.03, 0.5, z + 0.03), mul(c, 0.8), (0, 1, 0))


# ---- bottles and containers ------------------------------------------------------------
@model("Bottle", fill=True)
def bottle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Glass bottle: body, shoulder, neck and dark cap, a pale label; a fill tints the body."""
    body = mix(c, LIQUID.get(st.liquid or "", c), 0.5) if st.liquid else c
    lathe(b, [(-0.5, 0.9), (-0.47, 1.0), (-0.3, 1.0), (0.05, 1.0), (0.18, 0.86), (0.3, 0.44), (0.42, 0.38)],
          [mul(body, 0.85), body, mix(LABEL, c, 0.2), body, c, c], n=12, caps=False)
    b.disk(0, 0, 0.45, 0.45, -0.5, mul(body, 0.85), 12, up=False)
    lathe(b, [(-0.31, 1.02), (0.06, 1.02)], LABEL, n=12, caps=False)
    b.cyl(0, 0, 0.21, 0.21, 0.42, 0.5, DARK, n=8)


@model("WineBottle", fill=True)
def wine_bottle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Wine bottle: dark glass, high shoulders, a long neck with a foil capsule, a cream label with a title band."""
    glass = mul(c, 0.6) if sum(c) < 300 else mul(c, 0.35)
    lathe(b, [(-0.5, 0.9), (-0.47, 0.96), (0.08, 0.96), (0.16, 0.86), (0.26, 0.48), (0.3, 0.35), (0.5, 0.33)],
          [mul(glass, 0.8), glass, glass, glass, glass, (150, 30, 40)], n=12, top_color=(120, 25, 35))
    lathe(b, [(-0.36, 0.98), (-0.02, 0.98)], LABEL, n=10, caps=False, arc=(0.3, math.pi - 0.3))
    lathe(b, [(-0.22, 0.99), (-0.14, 0.99)], (120, 30, 40), n=10, caps=False, arc=(0.3, math.pi - 0.3))
    lathe(b, [(-0.36, 0.98), (-0.02, 0.98)], LABEL, n=10, caps=False, arc=(math.pi + 0.3, 2 * math.pi - 0.3))


@model("Vase")
def vase(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Vase: narrow foot, round belly with a light band, narrow neck, flared lip, dark opening."""
    band = mix(c, (245, 240, 225), 0.5)
    lathe(b, [(-0.5, 0.5), (-0.42, 0.58), (-0.2, 0.92), (-0.05, 1.0), (0.08, 1.0), (0.2, 0.82), (0.32, 0.45),
              (0.42, 0.42), (0.5, 0.58)], [mul(c, 0.8), c, c, band, c, c, c, mul(c, 1.1)], n=14, caps=False)
    b.disk(0, 0, 0.25, 0.25, -0.5, mul(c, 0.8), 14, up=False)
    b.disk(0, 0, 0.26, 0.26, 0.47, (30, 28, 28), 12)
    b.annulus(0, 0, 0.24, 0.29, 0.5, mul(c, 1.1), 14)


@model("AluminumFoil")
def aluminum_foil(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Foil roll lying along its long axis: crinkled shiny silver, cardboard core at the ends, a loose sheet."""
    m = MeshBuilder()
    foil = mix(c, FOIL, 0.5)
    lathe(m, [(-0.49, 0.92), (0.49, 0.92)], foil, 0, 0, 0.5, 0.5, 14, caps=False)
    for y in (-0.495, 0.495):
        m.disk(0, 0, 0.46, 0.46, y, mul(foil, 0.92), 14, up=y > 0)
        m.disk(0, 0, 0.24, 0.24, y * 1.005, CARDBOARD, 10, up=y > 0)
        m.disk(0, 0, 0.15, 0.15, y * 1.01, HOLE, 8, up=y > 0)
    out = facet_jitter(m.build(), 0.1, 11)
    out = transform(out, Y_TO_X)
    nb = MeshBuilder()
    nb.extend(out)
    nb.quad((-0.38, 0.15, 0.47), (0.38, 0.15, 0.47), (0.36, -0.5, 0.5), (-0.4, -0.5, 0.5), (240, 242, 246),
            (0, 0.05, 1))
    res = nb.build()
    return x_to_z(res) if s[2] > s[0] * 1.05 else res


@model("PaperTowelRoll")
def paper_towel_roll(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Paper towel roll on a stand: one tall white roll printed with small blue motifs, a loose sheet with its
    perforation, the brown core; a round steel base and the stand's rod with a knob above the roll (ring lines
    and no stand read as a stack of toilet rolls)."""
    y0, y1 = -0.43, 0.4
    lathe(b, [(y0, 0.96), (y1, 0.96)], c, n=16, caps=False)
    b.disk(0, 0, 0.48, 0.48, y0, mul(c, 0.9), 16, up=False)
    b.annulus(0, 0, 0.2, 0.48, y1, mul(c, 1.02), 16)
    b.annulus(0, 0, 0.1, 0.2, y1 + 0.002, CARDBOARD, 12)
    print_col = mix(c, (70, 120, 200), 0.55)
    for i in range(8):
        for j, y in enumerate(np.linspace(y0 + 0.1, y1 - 0.1, 5)):
            a = (i + 0.5 * (j % 2)) * math.pi / 4
            n = (math.cos(a), 0.0, math.sin(a))
            t = (-math.sin(a) * 0.05, 0.0, math.cos(a) * 0.05)
            cx, cz = 0.485 * n[0], 0.485 * n[2]
            b.quad((cx - t[0], y - 0.035, cz - t[2]), (cx + t[0], y - 0.035, cz + t[2]),
                   (cx + t[0], y + 0.035, cz + t[2]), (cx - t[0], y + 0.035, cz - t[2]), print_col, n)
    b.quad((-0.3, y1 - 0.25, 0.485), (0.3, y1 - 0.25, 0.485), (0.32, y0 + 0.05, 0.5), (-0.28, y0 + 0.05, 0.5),
           mul(c, 0.96), (0, 0.03, 1))  # the loose sheet
    b.quad((-0.3, y1 - 0.27, 0.488), (0.3, y1 - 0.27, 0.488), (0.3, y1 - 0.25, 0.488), (-0.3, y1 - 0.25, 0.488),
           mul(c, 0.7), (0, 0, 1))  # its perforation
    b.cyl(0, 0, 0.5, 0.5, -0.5, y0, STEEL, n=16, bottom=True)
    b.cyl(0, 0, 0.06, 0.06, y1, 0.46, STEEL, n=8, top=False)
    b.sphere((0, 0.46, 0), (0.1, 0.04, 0.1), mul(STEEL, 0.85), 3, 8)


@model("GarbageBag")
def garbage_bag(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Full bin bag: lumpy body, a cinched neck and a knot with two tied ears on top, glossy creases."""
    prof = [(-0.5, 0.6), (-0.44, 0.86), (-0.2, 1.0), (0.08, 0.96), (0.24, 0.74), (0.33, 0.4), (0.38, 0.16)]
    mb = MeshBuilder()
    lathe(mb, prof, c, 0, 0, 0.45, 0.45, 16, wobble=lumpy(9, 0.06))
    m = mb.build()
    gl = (m.normals[:, 1] > 0.2) & (np.abs(m.normals[:, 0] + m.normals[:, 2]) < 0.6)
    m.colors[gl] = np.asarray(mix(c, (150, 150, 160), 0.35), np.float32)
    b.extend(m)
    b.sphere((0, 0.4, 0), (0.09, 0.06, 0.09), mul(c, 1.3), 3, 6)
    k = mix(c, (140, 140, 150), 0.25)
    bar(b, (0, 0.4, 0), (-0.14, 0.47, 0.02), (0, 0, 0.1), (0.03, -0.03, 0), k)
    bar(b, (0, 0.4, 0), (0.14, 0.47, -0.02), (0, 0, 0.1), (0.03, 0.03, 0), k)


# ---- appliances, sponge, statue --------------------------------------------------------
@model("CoffeeMachine", toggle=True)
def coffee_machine(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Coffee machine: back tower, top head over an open drip tray with a steel spout, buttons and a water tank."""
    body = c
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5, -0.12), body)
    b.box((-0.5, 0.12, -0.12), (0.5, 0.5, 0.38), body)
    b.box((-0.46, 0.16, 0.38), (0.46, 0.46, 0.4), mul(body, 1.25))
    b.box((-0.5, -0.5, -0.12), (0.5, -0.4, 0.5), mul(body, 0.8))
    for x in np.linspace(-0.42, 0.34, 9):
        b.quad((x, -0.395, -0.05), (x + 0.05, -0.395, -0.05), (x + 0.05, -0.395, 0.45), (x, -0.395, 0.45),
               (150, 152, 156), (0, 1, 0))
    b.cyl(0.0, 0.12, 0.1, 0.08, 0.02, 0.12, STEEL, n=8, bottom=True)
    lit = st.toggled
    for i, x in enumerate((-0.36, -0.2, 0.2, 0.36)):
        col = (120, 230, 255) if lit and i == 0 else (205, 205, 210)
        b.quad((x - 0.05, 0.34, 0.405), (x + 0.05, 0.34, 0.405), (x + 0.05, 0.42, 0.405), (x - 0.05, 0.42, 0.405),
               col, (0, 0, 1), emissive=lit and i == 0)
    b.quad((-0.08, 0.22, 0.405), (0.08, 0.22, 0.405), (0.08, 0.3, 0.405), (-0.08, 0.3, 0.405),
           (90, 255, 120) if lit else (70, 60, 60), (0, 0, 1), emissive=lit)
    b.box((0.3, -0.38, -0.46), (0.48, 0.08, -0.14), (150, 190, 215))
    if lit:
        b.cyl(0.0, 0.12, 0.025, 0.02, -0.39, 0.02, (110, 65, 30), n=6, emissive=True)


@model("DishSponge")
def dish_sponge(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Kitchen sponge: a thick porous sponge layer in its colour on a green scouring layer."""
    oct_ = [(-0.44, -0.5), (0.44, -0.5), (0.5, -0.44), (0.5, 0.44), (0.44, 0.5), (-0.44, 0.5), (-0.5, 0.44),
            (-0.5, -0.44)]
    prism(b, oct_, -0.5, -0.12, SCOUR, top=SCOUR)
    prism(b, [(x * 0.98, z * 0.98) for x, z in oct_], -0.12, 0.49, mul(c, 0.95), top=c, bottom=False)
    rng = np.random.default_rng(4)
    pore = mul(c, 0.72)
    for x, z in rng.uniform(-0.38, 0.38, (14, 2)):
        b.quad((x - 0.035, 0.5, z - 0.025), (x + 0.035, 0.5, z - 0.025), (x + 0.035, 0.5, z + 0.025),
               (x - 0.035, 0.5, z + 0.025), pore, (0, 1, 0))


@model("Statue")
def statue(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Statue: a standing figure (head, torso, legs, one arm raised) on a plinth."""
    plinth = mul(c, 0.7) if sum(c) > 200 else mix(c, (200, 200, 200), 0.3)
    b.box((-0.46, -0.5, -0.46), (0.46, -0.4, 0.46), mul(plinth, 0.9))
    b.box((-0.4, -0.4, -0.4), (0.4, -0.3, 0.4), plinth)
    fig = c
    for sx in (-1, 1):
        bar(b, (sx * 0.1, -0.3, 0), (sx * 0.08, 0.02, 0), (0.14, 0, 0), (0, 0, 0.22), mul(fig, 0.92))
    prism(b, [(-0.2, -0.16), (0.2, -0.16), (0.26, 0.12), (-0.26, 0.12)], 0.0, 0.14, fig)
    prism(b, [(-0.26, -0.18), (0.26, -0.18), (0.3, 0.14), (-0.3, 0.14)], 0.14, 0.3, mul(fig, 1.05))
    b.cyl(0, 0, 0.06, 0.07, 0.28, 0.34, fig, n=6)
    b.sphere((0, 0.41, 0.0), (0.12, 0.09, 0.14), mul(fig, 1.08), 3, 8)
    bar(b, (-0.27, 0.27, 0), (-0.36, -0.02, 0.02), (0.1, 0, 0), (0, 0, 0.16), mul(fig, 0.95))
    bar(b, (0.27, 0.27, 0), (0.4, 0.48, 0.0), (0.1, 0, 0), (0, 0, 0.16), mul(fig, 0.95))

