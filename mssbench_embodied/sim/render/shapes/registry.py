"""Per-type low-poly meshes in the unit AABB (front = +z), with visible object state.

The registry: `shape(name)` registers a builder; `object_mesh(obj, local_size)` returns a
cached `Mesh`. Unknown shape keys fall back to "box".
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from ...objects import SimObject
from ...types import type_spec
from ..prims import Color, Mesh, MeshBuilder, Vec3, concat
from .finishes import finish

LIQUID: dict[str, Color] = {"water": (60, 120, 230), "coffee": (90, 55, 30), "wine": (110, 15, 35)}
STEEL: Color = (195, 198, 205)
DARK: Color = (35, 35, 40)
GLOW: Color = (255, 95, 25)


class ShapeState(NamedTuple):
    """The object state a mesh shows (the build cache's key with the shape, colour and size)."""

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
    """The visible state of an object."""
    op = (obj.openness if obj.openness > 0 else 1.0) if obj.is_open else 0.0
    liq = (obj.fill_liquid or "water") if obj.is_filled else None
    return ShapeState(bool(obj.is_toggled), round(float(op), 2), bool(obj.is_broken), liq, bool(obj.is_dirty),
                      bool(obj.is_cooked), bool(obj.is_sliced), bool(obj.is_used_up),
                      getattr(obj, "temperature", "RoomTemp") == "Hot")


def mul(c: Color, k: float) -> Color:
    """Colour scaled by k (capped at 255)."""
    return min(255.0, c[0] * k), min(255.0, c[1] * k), min(255.0, c[2] * k)


def mix(c: Color, d: Color, t: float) -> Color:
    """Linear blend from c (t=0) to d (t=1)."""
    return c[0] * (1 - t) + d[0] * t, c[1] * (1 - t) + d[1] * t, c[2] * (1 - t) + d[2] * t


# builder(b, colour, state, size in metres): adds to b, or returns the finished unit-box mesh
Builder = Callable[[MeshBuilder, Color, ShapeState, np.ndarray], Mesh | None]
SHAPES: dict[str, Builder] = {}
FILL_HANDLED: set[str] = set()  # shapes that draw their own liquid
TOGGLE_HANDLED: set[str] = set()  # shapes that draw their own on-state
OPEN_HANDLED: set[str] = set()


def shape(name: str, fill: bool = False, toggle: bool = False, open_: bool = False) -> Callable[[Builder], Builder]:
    """Register the decorated builder for shape `name`; the flags say it draws its own liquid, on-state, opening."""
    def deco(f: Builder) -> Builder:
        SHAPES[name] = f
        (FILL_HANDLED.add(name) if fill else None)
        (TOGGLE_HANDLED.add(name) if toggle else None)
        (OPEN_HANDLED.add(name) if open_ else None)
        return f
    return deco


# ---- transforms on meshes -------------------------------------------------------------
def transform(m: Mesh, mat: np.ndarray, offset: Vec3 = (0.0, 0.0, 0.0)) -> Mesh:
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
        norm = np.array([1 + w, 1, 1 + w], np.float32)[:, None]
        mat = np.array([[w, 0, 1], [0, 1, 0], [-w, 0, 1]], np.float32) / norm
        return transform(m, mat)
    return transform(m, ROT_Y90) if size[0] > size[2] * 1.05 else m


def face_thin_axis(m: Mesh, size: np.ndarray) -> Mesh:
    """Panels built facing +z are turned to face +x when the box is thinner in x."""
    return transform(m, ROT_Y90) if size[0] < size[2] * 0.95 else m


def broken_mesh(m: Mesh) -> Mesh:
    """Split into four shifted, tilted, darkened fragments."""
    c = m.tris.mean(axis=1)
    parts = []
    for i, (sx, sz) in enumerate([(-1, -1), (-1, 1), (1, -1), (1, 1)]):
        sel = ((c[:, 0] >= 0) == (sx > 0)) & ((c[:, 2] >= 0) == (sz > 0))
        if not sel.any():
            continue
        f = Mesh(m.tris[sel], m.normals[sel], m.colors[sel] * (0.55 + 0.08 * i), m.emissive[sel], m.closed[sel] & False)
        a = math.radians(12 * (1 if i % 2 else -1))
        rot = np.array([[math.cos(a), -math.sin(a) * 0.3, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]],
                       np.float32)
        f = transform(f, rot * 0.8)
        f.tris[..., 1] -= 0.1 * (i % 2)
        f.tris[..., 0] += 0.07 * sx
        f.tris[..., 2] += 0.07 * sz
        parts.append(f)
    out = concat(parts)
    out.tris = np.clip(out.tris, -0.5, 0.5)
    return out


def sliced_mesh(m: Mesh, size: np.ndarray, n: int = 4) -> Mesh:
    """n slices along the long horizontal axis, with gaps, alternately shaded."""
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


def finish_mesh(m: Mesh, key: str, st: ShapeState, size: np.ndarray) -> Mesh:
    """Add the generic state marks a builder did not draw: liquid, on-light, slices, cooked, dirty, broken, hot."""
    b = MeshBuilder()
    b.extend(m)
    if st.liquid and key not in FILL_HANDLED:
        b.disk(0, 0, 0.42, 0.42, 0.5 + 0.01, LIQUID.get(st.liquid, LIQUID["water"]), 10)
    if st.toggled and key not in TOGGLE_HANDLED:
        b.box((0.3, 0.3, 0.5), (0.45, 0.45, 0.53), (90, 255, 120), emissive=True)
    m = b.build()
    if st.sliced:
        m = sliced_mesh(m, size)
    if st.used_up:
        m = transform(m, np.diag([1.0, 0.3, 1.0]).astype(np.float32), (0, -0.35, 0))
    if st.cooked:
        m.colors = m.colors * 0.45 + np.array([120, 65, 25], np.float32) * 0.55
    if st.dirty:
        m.colors = m.colors * 0.55 + np.array([60, 48, 30], np.float32) * 0.3
    if st.broken:
        m = broken_mesh(m)
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
    sz = np.maximum(np.asarray(size, np.float64), 1e-3)
    b = MeshBuilder()
    f = SHAPES.get(key)
    if f is None:
        key, f = "box", SHAPES["box"]
    out = f(b, color, st, sz)
    m = out if isinstance(out, Mesh) else b.build()
    return finish_mesh(m, key, st, sz)


def model(object_type: str, fill: bool = False, toggle: bool = False,
          open_: bool = False) -> Callable[[Builder], Builder]:
    """Register the decorated builder as the legible-style model of `object_type` (shape "model:<type>")."""
    return shape(model_key(object_type), fill=fill, toggle=toggle, open_=open_)


def model_key(object_type: str) -> str:
    """The shape key of an object type's legible-style model."""
    return f"model:{object_type}"


def has_model(object_type: str) -> bool:
    """Whether the legible style has an object-specific model for this type."""
    return model_key(object_type) in SHAPES


# flat shape keys that are generic for every type using them (see generic_fallbacks)
GENERIC_SHAPES: frozenset[str] = frozenset({
    "box", "slab", "cylinder", "sphere", "utensil", "bottle", "box_open", "egg", "knife", "towel",
})
# flat shape keys drawn for one type (the value) and reused for others: generic for the others
SHARED_SHAPES: dict[str, str] = {"tv": "Television", "bed": "Bed", "chair": "Chair", "kettle": "Kettle"}


def generic_fallbacks(types: Iterable[str]) -> list[str]:
    """The types (sorted) the legible style draws with a generic shape; unknown types raise ValueError.

    A type falls back when it has no `@model` and its flat shape key does not depict it:
    - generic for every type (GENERIC_SHAPES): box, slab, cylinder, sphere (primitives); utensil (one
      stick-and-blob for forks, ladles, pens, spatulas, spoons, brushes); bottle (soap, spray and
      wine bottles, vases); box_open (boxes, bins, hampers); egg (a plain ellipsoid, also Potato's);
      knife (two slabs, no blade or handle); towel (a striped slab that reads as a book);
    - specific for one type only (SHARED_SHAPES): tv (Television; not Desktop), bed (Bed; not
      DogBed), chair (Chair; a backed chair is no Stool), kettle (Kettle; not WateringCan);
    - specific for every type using them: all other keys, e.g. lamp (DeskLamp and FloorLamp are both
      lamps), sofa (an ArmChair is a one-seat sofa), book (only Book), mug, phone, laptop, candle,
      burner and the furniture and fixtures (table for every table type, cabinet for Dresser).
    """
    def generic(t: str) -> bool:
        key = type_spec(t).shape
        return key in GENERIC_SHAPES or SHARED_SHAPES.get(key, t) != t
    return sorted(t for t in set(types) if not has_model(t) and generic(t))


def object_mesh(obj: SimObject, local_size: np.ndarray, style: str = "flat") -> Mesh:
    """The cached mesh of an object in a render style.

    flat: its type's shape and colour (see-through types name an open/frame-only shape in the type
    table, so the renderer hides nothing visibility treats as visible); legible: its type's model
    when one is registered, else the flat shape, in the object's finish (finishes.py).
    """
    r, g, b = obj.spec.color
    colour: Color = (float(r), float(g), float(b))
    x, y, z = (round(float(v), 3) for v in local_size)
    key = obj.spec.shape
    if style == "legible":
        colour = finish(obj)
        if has_model(obj.object_type):
            key = model_key(obj.object_type)
    return build_mesh(key, colour, state_of(obj), (x, y, z))
