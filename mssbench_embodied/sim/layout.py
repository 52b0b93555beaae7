"""A multi-room house's fixed structure: floor polygons, wall boxes, doorways (ProcTHOR houses).

A room file may carry one (RoomSpec ``house``, JSON key ``"house"``); sim/procthor_house.py builds it
from a ProcTHOR house JSON. The world keeps it as ``World.layout``:

* navigation: the agent stands only inside a room's floor polygon (axis-aligned, L-shapes and the
  like allowed) and at least its radius away from every wall box that reaches below its head;
* rendering: the wall boxes are drawn as walls (segmentation class ``Wall``, like the room shell);
* walls are structure, not objects (the embedded type table has no ``Wall`` type), and a doorway is
  a gap in its wall: open doorways can be walked through, closed ones are wall.
"""
from __future__ import annotations

import math
from functools import cached_property
from typing import Annotated, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

AGENT_HEAD = 1.7  # m: wall boxes whose bottom is lower than this block the agent's body (lintels do not)
EDGE_EPS = 1e-6  # m: a point this close to a floor polygon's edge is inside it

Coord = Annotated[float, Field(ge=-1000.0, le=1000.0)]
Extent = Annotated[float, Field(gt=0.0, le=100.0)]


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid", allow_inf_nan=False)


class FloorArea(_Model):
    """One room of the house: its id (the objectId of its Floor), AI2-THOR room type and floor polygon (x, z)."""

    id: str = Field(min_length=1)
    room_type: str = Field(alias="roomType")
    floor_polygon: list[tuple[Coord, Coord]] = Field(alias="floorPolygon", min_length=3)


class WallBox(_Model):
    """One solid piece of a wall (a wall with doorways and windows is split into several)."""

    id: str = Field(min_length=1)
    center: tuple[Coord, Coord, Coord]
    size: tuple[Extent, Extent, Extent]


class Doorway(_Model):
    """A door hole in a wall: open ones can be walked through, closed ones are wall."""

    id: str = Field(min_length=1)
    asset_id: str = Field("", alias="assetId")
    rooms: tuple[str, str]
    wall: str
    open: bool
    center: tuple[Coord, Coord, Coord]
    size: tuple[Extent, Extent, Extent]


class HouseLayout(_Model):
    """Floor polygons, wall boxes and doorways of a multi-room house."""

    rooms: list[FloorArea] = Field(min_length=1)
    walls: list[WallBox] = Field(default_factory=list)
    doors: list[Doorway] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> HouseLayout:
        ids = [r.id for r in self.rooms]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"house.rooms: duplicate room id {dup[0]!r}")
        for i, d in enumerate(self.doors):
            for r in d.rooms:
                if r not in ids:
                    raise ValueError(f"house.doors[{i}].rooms: no room {r!r}")
        return self

    def __getstate__(self) -> dict[Any, Any]:
        """Pickle the fields only: the geometry caches below are rebuilt on demand."""
        state = super().__getstate__()
        state["__dict__"] = {k: v for k, v in state["__dict__"].items() if k in type(self).model_fields}
        return state

    # ------------------------------------------------------------------ geometry (cached)
    @cached_property
    def _blocking(self) -> tuple[np.ndarray, np.ndarray]:
        """(lo (W, 2), hi (W, 2)) x-z footprints of the wall boxes the agent's body hits."""
        boxes = [w for w in self.walls if w.center[1] - w.size[1] / 2 < AGENT_HEAD]
        c = np.array([(w.center[0], w.center[2]) for w in boxes], np.float64).reshape(-1, 2)
        s = np.array([(w.size[0], w.size[2]) for w in boxes], np.float64).reshape(-1, 2)
        return c - s / 2, c + s / 2

    @cached_property
    def _boxes(self) -> list[tuple[float, float, float, float]]:
        """Bounding rectangle (x0, x1, z0, z1) of each room's floor polygon."""
        out = []
        for r in self.rooms:
            xs, zs = [p[0] for p in r.floor_polygon], [p[1] for p in r.floor_polygon]
            out.append((min(xs), max(xs), min(zs), max(zs)))
        return out

    @cached_property
    def _memo(self) -> dict[tuple[float, float, float], bool]:
        return {}  # walkable() answers (grid points and walk samples repeat)

    def room_at(self, x: float, z: float) -> str | None:
        """The id of the room whose floor polygon holds (x, z) (edges included), or None."""
        near = [r for r, (bx0, bx1, bz0, bz1) in zip(self.rooms, self._boxes)
                if bx0 - EDGE_EPS <= x <= bx1 + EDGE_EPS and bz0 - EDGE_EPS <= z <= bz1 + EDGE_EPS]
        for r in near:  # inside (even-odd rule)
            pts, hit = r.floor_polygon, False
            for (x0, z0), (x1, z1) in zip(pts, pts[1:] + pts[:1]):
                if (z0 > z) != (z1 > z) and x < x0 + (z - z0) * (x1 - x0) / (z1 - z0):
                    hit = not hit
            if hit:
                return r.id
        for r in near:  # on an edge
            pts = r.floor_polygon
            for (x0, z0), (x1, z1) in zip(pts, pts[1:] + pts[:1]):
                dx, dz = x1 - x0, z1 - z0
                t = min(1.0, max(0.0, ((x - x0) * dx + (z - z0) * dz) / max(dx * dx + dz * dz, 1e-12)))
                if math.hypot(x0 + t * dx - x, z0 + t * dz - z) < EDGE_EPS:
                    return r.id
        return None

    def blocked(self, x: float, z: float, radius: float) -> bool:
        """Whether a body of this radius at (x, z) overlaps a wall box (square footprint, as for objects)."""
        lo, hi = self._blocking
        return bool(np.any((lo[:, 0] - radius < x) & (x < hi[:, 0] + radius)
                           & (lo[:, 1] - radius < z) & (z < hi[:, 1] + radius)))

    def walkable(self, x: float, z: float, radius: float) -> bool:
        """Whether the agent (this radius) may stand at (x, z): on a floor, clear of the walls."""
        key = (x, z, radius)
        memo = self._memo
        ok = memo.get(key)
        if ok is None:
            if len(memo) > 200_000:
                memo.clear()
            ok = memo[key] = self.room_at(x, z) is not None and not self.blocked(x, z, radius)
        return ok

    def wall_boxes(self) -> tuple[tuple[float, float, float, float, float, float], ...]:
        """Every wall box as (x0, y0, z0, x1, y1, z1), for the renderer."""
        out = []
        for w in self.walls:
            (cx, cy, cz), (sx, sy, sz) = w.center, w.size
            out.append((cx - sx / 2, cy - sy / 2, cz - sz / 2, cx + sx / 2, cy + sy / 2, cz + sz / 2))
        return tuple(out)
