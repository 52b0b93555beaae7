"""Vectorised visibility over AABBs: which objects the camera sees, as AI2-THOR's `visible`.

An object is visible when one of its sample points (centre + 8 inner corners) is in the view
frustum, within the visibility distance of the camera, and the ray to it is not blocked by
another object's box. Containers do not hide their contents unless closed; counters have
cut-outs where sinks are; glass and curtains do not occlude.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .types import FRONT_OPENING

if TYPE_CHECKING:
    from .world import World

CUTOUT_TYPES = frozenset({"Sink", "SinkBasin", "Bathtub", "BathtubBasin"})
SEE_THROUGH = frozenset({"Window", "ShowerGlass", "ShowerDoor", "ShowerCurtain", "Blinds", "Curtains"})


def _xz_overlap(alo: np.ndarray, ahi: np.ndarray, blo: np.ndarray, bhi: np.ndarray) -> bool:
    return bool(alo[0] < bhi[0] and blo[0] < ahi[0] and alo[2] < bhi[2] and blo[2] < ahi[2])


class VisibilityGeometry:
    """Per-version geometry arrays for vectorised visibility."""

    def __init__(self, world: World) -> None:
        self.version = world.version
        objs = [o for o in world.objects.values() if o.enabled]
        self.ids = [o.object_id for o in objs]
        n = len(objs)
        self.index = index = {oid: i for i, oid in enumerate(self.ids)}
        self.lo = np.array([o.center - o.size / 2 for o in objs]).reshape(n, 3)
        self.hi = np.array([o.center + o.size / 2 for o in objs]).reshape(n, 3)
        self.held = np.array([o.is_picked_up for o in objs], dtype=bool)
        hidden = np.array([world._hidden(o) for o in objs], dtype=bool)
        floor = np.array([o.object_type == "Floor" for o in objs], dtype=bool)
        self.candidate = ~(hidden | floor | self.held)
        clear = np.array([o.object_type in SEE_THROUGH for o in objs], dtype=bool)
        self.occluder = ~(hidden | floor | self.held | clear)  # held objects never block (as in AI2-THOR)
        # contents of an appliance with a door/slot are seen only from in front of its opening
        self.box_front = np.zeros((n, 4))  # container centre x, z and front x, z (0 = no container)
        for i, o in enumerate(objs):
            for p in world.ancestors(o):
                if p.object_type in FRONT_OPENING and p.spec.contains == "in":
                    yaw = math.radians(float(p.rotation[1]))
                    self.box_front[i] = (p.center[0], p.center[2], math.sin(yaw), math.cos(yaw))
                    break
        self.related = np.eye(n, dtype=bool)
        for i, o in enumerate(objs):
            for p in world.ancestors(o):
                j = index.get(p.object_id)
                if j is not None:
                    self.related[i, j] = self.related[j, i] = True
        # counters have cut-outs where sinks/basins are set into them
        for i, o in enumerate(objs):
            if o.object_type in CUTOUT_TYPES:
                for j, c in enumerate(objs):
                    if c.object_type == "CounterTop" and _xz_overlap(self.lo[i], self.hi[i], self.lo[j], self.hi[j]):
                        for d in [o, *world.descendants(o)]:
                            k = index.get(d.object_id)
                            if k is not None:
                                self.related[k, j] = self.related[j, k] = True
        centers = (self.lo + self.hi) / 2
        shrink = (self.hi - self.lo) * 0.45
        offs = np.array([[0, 0, 0]] + [[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], dtype=np.float64)
        self.points = centers[:, None, :] + offs[None, :, :] * shrink[:, None, :]  # (n, 9, 3)

    def visible(self, cam: np.ndarray, fwd: np.ndarray, rgt: np.ndarray, fov: float, max_dist: float,
                only: int | None = None) -> set[str]:
        n = len(self.ids)
        if n == 0:
            return set()
        up = np.cross(fwd, rgt)
        if up[1] < 0:
            up = -up
        tan_h = math.tan(math.radians(fov / 2))
        dist = np.linalg.norm(np.clip(cam, self.lo, self.hi) - cam, axis=1)
        cand = self.candidate & (dist <= max_dist)
        bf = self.box_front
        cand &= ((cam[0] - bf[:, 0]) * bf[:, 2] + (cam[2] - bf[:, 1]) * bf[:, 3]) >= 0.0
        if only is not None:
            keep = np.zeros(n, dtype=bool)
            keep[only] = True
            cand &= keep
        rel = self.points - cam
        depth = rel @ fwd
        ok = (depth > 0.1) & (np.abs(rel @ rgt) <= depth * tan_h) & (np.abs(rel @ up) <= depth * tan_h)
        ok &= cand[:, None]
        oi, pi = np.nonzero(ok)
        vis = {self.ids[i] for i in np.nonzero(self.held)[0]}
        if len(oi) == 0:
            return vis
        d = self.points[oi, pi] - cam  # (P, 3)
        d = np.where(np.abs(d) < 1e-12, 1e-12, d)
        inv = 1.0 / d
        t1 = (self.lo[None] - cam) * inv[:, None, :]
        t2 = (self.hi[None] - cam) * inv[:, None, :]
        tmin = np.minimum(t1, t2).max(axis=2)
        tmax = np.maximum(t1, t2).min(axis=2)
        p = self.points[oi, pi]
        inside = np.all((p[:, None, :] >= self.lo[None] - 0.01) & (p[:, None, :] <= self.hi[None] + 0.01), axis=2)
        blocked = (tmax >= tmin) & (tmin > 0.0) & (tmin < 0.97) & self.occluder[None, :] & ~self.related[oi] & ~inside
        clear = ~blocked.any(axis=1)
        vis.update(self.ids[i] for i in np.unique(oi[clear]))
        return vis
