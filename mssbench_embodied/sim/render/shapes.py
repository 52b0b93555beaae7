"""Per-type low-poly meshes in the unit AABB (front = +z), with visible object state.

`object_mesh(obj, local_size)` returns a cached `Mesh`; shapes for furniture and appliances
live in shapes_big.py. Unknown shape keys fall back to "box".
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable, NamedTuple

import numpy as np

from ..objects import SimObject
from .prims import Color, Mesh, MeshBuilder, concat

LIQUID: dict[str, Color] = {"water": (60, 120, 230), "coffee": (90, 55, 30), "wine": (110, 15, 35)}
STEEL: Color = (195, 198, 205)
DARK: Color = (35, 35, 40)
GLOW: Color = (255, 95, 25)


class ShapeState(NamedTuple):
    toggled: bool = False
    openness: float = 0.0  # 0 closed .. 1 fully open
    broken: bool = False
    liquid: str | None = None  # set when filled
    dirty: bool = False
    cooked: bool = False
    sliced: bool = False
    used_up: bool = False
    hot: bool = False  # temperature == "Hot": reddish tint and steam wisps


def state_of(obj: SimObject) -> ShapeState:
    op = (obj.openness if obj.openness > 0 else 1.0) if obj.is_open else 0.0
    liq = (obj.fill_liquid or "water") if obj.is_filled else None
    return ShapeState(bool(obj.is_toggled), round(float(op), 2), bool(obj.is_broken), liq, bool(obj.is_dirty),
                      bool(obj.is_cooked), bool(obj.is_sliced), bool(obj.is_used_up),
                      getattr(obj, "temperature", "RoomTemp") == "Hot")


def mul(c: Color, k: float) -> Color:
    return tuple(min(255.0, v * k) for v in c)  # type: ignore[return-value]


def mix(c: Color, d: Color, t: float) -> Color:
    return tuple(a * (1 - t) + b * t for a, b in zip(c, d))  # type: ignore[return-value]


Builder = Callable[[MeshBuilder, Color, ShapeState, np.ndarray], None]
SHAPES: dict[str, Builder] = {}
FILL_HANDLED: set[str] = set()  # shapes that draw their own liquid
TOGGLE_HANDLED: set[str] = set()  # shapes that draw their own on-state
OPEN_HANDLED: set[str] = set()


def shape(name: str, fill: bool = False, toggle: bool = False, open_: bool = False) -> Callable[[Builder], Builder]:
    def deco(f: Builder) -> Builder:
        SHAPES[name] = f
        (FILL_HANDLED.add(name) if fill else None)
        (TOGGLE_HANDLED.add(name) if toggle else None)
        (OPEN_HANDLED.add(name) if open_ else None)
        return f
    return deco


# ---- transforms on meshes -------------------------------------------------------------
def transform(m: Mesh, mat: np.ndarray, offset=(0.0, 0.0, 0.0)) -> Mesh:
    """Apply a linear map (3x3) plus offset; normals use the inverse transpose."""
    out = m.copy()
    out.tris = (m.tris @ mat.T + np.asarray(offset, np.float32)).astype(np.float32)
    n = m.normals @ np.linalg.inv(mat)
    out.normals = (n / np.linalg.norm(n, axis=1, keepdims=True)).astype(np.float32)
    return out


ROT_Y90 = np.array([[0, 0, 1], [0, 1, 0], [-1, 0, 0]], np.float32)  # +z -> +x
Y_TO_Z = np.array([[1, 0, 0], [0, 0, -1], [0, 1, 0]], np.float32)  # +y -> +z


def along_long_axis(m: Mesh, size: np.ndarray, width: float | None = None) -> Mesh:
    """Meshes built along z run along the box's long horizontal axis. With `width` (metres)
    and a squarish footprint (an AABB of a diagonally lying knife), they run along the diagonal."""
    lo, hi = sorted((float(size[0]), float(size[2])))
    if width is not None and hi < 2.0 * lo:
        w = min(0.5, width / lo)
        mat = np.array([[w, 0, 1], [0, 1, 0], [-w, 0, 1]], np.float32) / np.float32([1 + w, 1, 1 + w])[:, None]
        return transform(m, mat)
    return transform(m, ROT_Y90) if size[0] > size[2] * 1.05 else m


def face_thin_axis(m: Mesh, size: np.ndarray) -> Mesh:
    """Panels built facing +z are turned to face +x when the box is thinner in x."""
    return transform(m, ROT_Y90) if size[0] < size[2] * 0.95 else m


def _break(m: Mesh) -> Mesh:
    """Split into four shifted, tilted, darkened fragments."""
    c = m.tris.mean(axis=1)
    parts = []
    for i, (sx, sz) in enumerate([(-1, -1), (-1, 1), (1, -1), (1, 1)]):
        sel = ((c[:, 0] >= 0) == (sx > 0)) & ((c[:, 2] >= 0) == (sz > 0))
        if not sel.any():
            continue
        f = Mesh(m.tris[sel], m.normals[sel], m.colors[sel] * (0.55 + 0.08 * i), m.emissive[sel], m.closed[sel] & False)
        a = math.radians(12 * (1 if i % 2 else -1))
        rot = np.array([[math.cos(a), -math.sin(a) * 0.3, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]], np.float32)
        f = transform(f, rot * 0.8)
        f.tris[..., 1] -= 0.1 * (i % 2)
        f.tris[..., 0] += 0.07 * sx
        f.tris[..., 2] += 0.07 * sz
        parts.append(f)
    out = concat(parts)
    out.tris = np.clip(out.tris, -0.5, 0.5)
    return out


def _slice(m: Mesh, size: np.ndarray, n: int = 4) -> Mesh:
    ax = 0 if size[0] >= size[2] else 2
    w = 0.8 / n
    gap = (1.0 - w * n) / (n - 1)
    parts = []
    for i in range(n):
        s = np.eye(3, dtype=np.float32)
        s[ax, ax] = w
        off = [0.0, 0.0, 0.0]
        off[ax] = -0.5 + w / 2 + i * (w + gap)
        p = transform(m, s, off)
        p.colors = p.colors * (1.0 if i % 2 else 0.85)
        p.closed[:] = False
        parts.append(p)
    return concat(parts)


def _finish(m: Mesh, key: str, st: ShapeState, size: np.ndarray) -> Mesh:
    b = MeshBuilder()
    b.extend(m)
    if st.liquid and key not in FILL_HANDLED:
        b.disk(0, 0, 0.42, 0.42, 0.5 + 0.01, LIQUID.get(st.liquid, LIQUID["water"]), 10)
    if st.toggled and key not in TOGGLE_HANDLED:
        b.box((0.3, 0.3, 0.5), (0.45, 0.45, 0.53), (90, 255, 120), emissive=True)
    m = b.build()
    if st.sliced:
        m = _slice(m, size)
    if st.used_up:
        m = transform(m, np.diag([1.0, 0.3, 1.0]).astype(np.float32), (0, -0.35, 0))
    if st.cooked:
        m.colors = m.colors * 0.45 + np.array([120, 65, 25], np.float32) * 0.55
    if st.dirty:
        m.colors = m.colors * 0.55 + np.array([60, 48, 30], np.float32) * 0.3
    if st.broken:
        m = _break(m)
    if st.hot:
        m.colors = m.colors * 0.8 + np.array([255, 70, 40], np.float32) * 0.2
        m = concat([m, steam(size)])
    return m


STEAM: Color = (232, 232, 236)


def steam(size: np.ndarray, height: float = 0.22, n: int = 4) -> Mesh:
    """Pale wisps rising above the object's top (unit-box coordinates of an object of `size` m):
    thin crossed vertical quads, slightly wavy, so they read from any direction."""
    b = MeshBuilder()
    sx, sy, sz = (max(float(v), 1e-3) for v in size)
    w = 0.012  # metres, half-width of a wisp
    span = 0.28  # wisps spread over this share of the footprint around the centre
    for i in range(n):
        a = 2 * math.pi * i / n + 0.4
        cx, cz = span * math.cos(a), span * math.sin(a)
        h = height * (0.75 + 0.25 * ((i * 7) % 3) / 2)
        y0 = 0.5 + 0.03 / sy
        segs = 3
        for k in range(segs):
            ya, yb = y0 + h / sy * k / segs, y0 + h / sy * (k + 1) / segs
            off = (0.012 if (k + i) % 2 else -0.012)
            xa, xb = cx + off / sx, cx - off / sx
            for dx, dz in ((w / sx, 0.0), (0.0, w / sz)):
                b.quad((xa - dx, ya, cz - dz), (xa + dx, ya, cz + dz), (xb + dx, yb, cz + dz), (xb - dx, yb, cz - dz),
                       STEAM, normal=(dz, 0, -dx) if dz else (0, 0, 1), emissive=True)
    return b.build()


@lru_cache(maxsize=4096)
def build_mesh(key: str, color: Color, st: ShapeState, size: tuple[float, float, float]) -> Mesh:
    """Mesh for shape `key` in the unit box; `size` is the local (unrotated) AABB size in metres."""
    from . import shapes_big  # noqa: F401  (registers the large shapes)
    sz = np.maximum(np.asarray(size, np.float64), 1e-3)
    b = MeshBuilder()
    f = SHAPES.get(key)
    if f is None:
        key, f = "box", SHAPES["box"]
    out = f(b, color, st, sz)
    m = out if isinstance(out, Mesh) else b.build()
    return _finish(m, key, st, sz)


# The simulator's visibility treats these as see-through, so the renderer must not hide what
# is behind them: glass is drawn as its frame only, curtains and blinds as drawn back / rolled up.
SEE_THROUGH_SHAPES: dict[str, str] = {
    "ShowerGlass": "glass_frame", "ShowerDoor": "glass_frame", "ShowerCurtain": "shower_curtain",
    "Curtains": "curtains_open", "Blinds": "blinds_up",
}


def object_mesh(obj: SimObject, local_size: np.ndarray) -> Mesh:
    color = tuple(float(c) for c in obj.spec.color)
    size = tuple(round(float(v), 3) for v in local_size)
    key = SEE_THROUGH_SHAPES.get(obj.object_type, obj.spec.shape)
    return build_mesh(key, color, state_of(obj), size)  # type: ignore[arg-type]


# ---- small objects ------------------------------------------------------------------------
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
