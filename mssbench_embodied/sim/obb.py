"""objectOrientedBoundingBox: the yawed box of a pickupable or moveable object, as AI2-THOR reports it.

Objects are stored as axis-aligned boxes plus a yaw; the oriented box is recovered from the AABB
(the footprint whose rotation by the yaw has that AABB). AI2-THOR gives this box only for
pickupable or moveable objects (None for the others; checked against the real metadata dump).
"""
from __future__ import annotations

import math
from typing import Any

from .objects import SimObject

__all__ = ["oriented_box"]


def _footprint(width: float, depth: float, yaw: float) -> tuple[float, float]:
    """The (w, d) of the yawed rectangle whose axis-aligned bounds are width x depth."""
    c, s = abs(math.cos(math.radians(yaw))), abs(math.sin(math.radians(yaw)))
    det = c * c - s * s
    if abs(det) < 0.2:  # near 45 degrees the footprint is ambiguous: keep the bounds
        return width, depth
    w, d = (c * width - s * depth) / det, (c * depth - s * width) / det
    return (w, d) if w > 0 and d > 0 else (width, depth)


def oriented_box(o: SimObject) -> dict[str, Any] | None:
    """{"cornerPoints": 8 corners, bottom four then top four}, or None for a static object."""
    if not (o.spec.pickupable or o.spec.moveable):
        return None
    yaw = float(o.rotation[1])
    w, d = _footprint(float(o.size[0]), float(o.size[2]), yaw)
    c, s = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    # Unity: the local x axis after yaw is (c, 0, -s), the local z axis (s, 0, c); in Python floats,
    # in the same operation order as centre + ex * a + ez * b on arrays (bit-identical, ~5x faster)
    cx, cy, cz = o.center.tolist()
    sy = float(o.size[1])
    lo, hi = float(cy - sy / 2), float(cy + sy / 2)
    corners = []
    for y in (lo, hi):
        for sx, sz in ((-1, -1), (-1, 1), (1, 1), (1, -1)):
            a, b = sx * w / 2, sz * d / 2
            corners.append([cx + c * a + s * b, y, cz + (-s) * a + c * b])
    return {"cornerPoints": corners}
