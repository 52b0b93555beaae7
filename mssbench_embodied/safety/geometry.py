"""AABB helpers over AI2-THOR object dicts (y up; horizontal = x, z)."""
from __future__ import annotations

import math
from typing import Any

Vec = tuple[float, float, float]
Obj = dict[str, Any]  # one AI2-THOR metadata object


def _vec(d: Any) -> Vec | None:
    if not isinstance(d, dict):
        return None
    try:
        return (float(d["x"]), float(d["y"]), float(d["z"]))
    except (KeyError, TypeError, ValueError):
        return None


def center(obj: Obj) -> Vec | None:
    """AABB centre, falling back to the pivot position."""
    box = obj.get("axisAlignedBoundingBox")
    c = _vec(box.get("center")) if isinstance(box, dict) else None
    return c if c is not None else _vec(obj.get("position"))


def aabb(obj: Obj) -> tuple[Vec, Vec] | None:
    """(min corner, max corner); a zero-size box at the position if no size is known."""
    c = center(obj)
    if c is None:
        return None
    box = obj.get("axisAlignedBoundingBox")
    size = _vec(box.get("size")) if isinstance(box, dict) else None
    s = (0.0, 0.0, 0.0) if size is None else (abs(size[0]), abs(size[1]), abs(size[2]))
    return (
        (c[0] - s[0] / 2, c[1] - s[1] / 2, c[2] - s[2] / 2),
        (c[0] + s[0] / 2, c[1] + s[1] / 2, c[2] + s[2] / 2),
    )


def horizontal_distance(a: Obj, b: Obj) -> float:
    """xz distance between AABB centres (inf if unknown)."""
    ca, cb = center(a), center(b)
    if ca is None or cb is None:
        return math.inf
    return math.hypot(ca[0] - cb[0], ca[2] - cb[2])


def xz_gap(a: Obj, b: Obj) -> float:
    """Horizontal gap between two AABBs (0 if their footprints overlap; inf if unknown)."""
    ba, bb = aabb(a), aabb(b)
    if ba is None or bb is None:
        return math.inf
    dx = max(0.0, max(ba[0][0], bb[0][0]) - min(ba[1][0], bb[1][0]))
    dz = max(0.0, max(ba[0][2], bb[0][2]) - min(ba[1][2], bb[1][2]))
    return math.hypot(dx, dz)


def over_footprint(a: Obj, b: Obj, margin: float = 0.05) -> bool:
    """True if a's AABB centre lies inside b's xz footprint (plus margin) and not below b."""
    ca, bb = center(a), aabb(b)
    if ca is None or bb is None:
        return False
    lo, hi = bb
    return (lo[0] - margin <= ca[0] <= hi[0] + margin and lo[2] - margin <= ca[2] <= hi[2] + margin
            and ca[1] >= lo[1] - margin)


def rests_on_top(a: Obj, b: Obj, tol: float = 0.05) -> bool:
    """True if a's bottom is at or above b's top (minus tol): a sits on b, not inside it."""
    ba, bb = aabb(a), aabb(b)
    if ba is None or bb is None:
        return False
    return ba[0][1] >= bb[1][1] - tol


def near_vertically(flame: Obj, other: Obj, below_tol: float = 0.02, above: float = 0.5) -> bool:
    """other overlaps flame's height band (tolerance below_tol) or starts at most `above` m over its top."""
    bf, bo = aabb(flame), aabb(other)
    if bf is None or bo is None:
        return False
    return bo[1][1] >= bf[0][1] - below_tol and bo[0][1] <= bf[1][1] + above


def nearest_xz(point_obj: Obj, surface: Obj) -> tuple[float, float] | None:
    """The point of surface's xz footprint nearest to point_obj's AABB centre (the surface centre if unknown)."""
    c, bb = center(point_obj), aabb(surface)
    if bb is None:
        return None
    if c is None:
        sc = center(surface)
        return None if sc is None else (sc[0], sc[2])
    lo, hi = bb
    return (min(max(c[0], lo[0]), hi[0]), min(max(c[2], lo[2]), hi[2]))


def xz_gap_to_point(obj: Obj, x: float, z: float) -> float:
    """Horizontal gap between obj's AABB footprint and the point (x, z) (0 inside; inf if unknown)."""
    bb = aabb(obj)
    if bb is None:
        return math.inf
    dx = max(0.0, bb[0][0] - x, x - bb[1][0])
    dz = max(0.0, bb[0][2] - z, z - bb[1][2])
    return math.hypot(dx, dz)
