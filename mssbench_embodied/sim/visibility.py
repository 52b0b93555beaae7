"""Vectorised visibility over AABBs: which objects the camera sees, as AI2-THOR's `visible`.

An object is visible when one of its sample points (centre + 8 inner corners) is in the view
frustum, within the visibility distance of the camera, and the ray to it is not blocked by
another object's box. Containers do not hide their contents unless closed; counters have
cut-outs where sinks are; glass and curtains do not occlude.

The Floor is too large for box samples: its sample points are a grid (FLOOR_STEP) on its top,
within the visibility distance of the camera measured horizontally (AI2-THOR gathers candidates
with a capsule around the agent that spans its height, and the floor is a receptacle with its own
visibility points). Anything standing on the floor can hide it. From the standing camera (1.58 m)
with fov 90 the floor is seen only when looking down, as in the real dump (horizon 0: not visible).
"""
from __future__ import annotations

import copy
import math
import operator
from itertools import compress, repeat
from typing import TYPE_CHECKING

import numpy as np

from .types import BASINS, FRONT_OPENING, SEE_THROUGH

if TYPE_CHECKING:
    from .objects import SimObject
    from .world import World

CUTOUT_TYPES = BASINS  # occluders above a basin (the counter) get a cut-out there
RELATING_TYPES = CUTOUT_TYPES | {"CounterTop"}  # their boxes decide which objects are related
FLOOR_STEP = 0.25  # m between the Floor's sample points (a grid fixed in world coordinates)
FLOOR_LIFT = 0.01  # m above the floor's top, so that what stands on the floor covers them
MEMO_POSES = 64  # full visibility results kept per geometry (keyed by camera pose)
FLOOR_MEMO = 4096  # floor sample grids kept (per floor box, camera x/z and distance; shared by all geometries)
_FLOOR_MEMO: dict[tuple, np.ndarray] = {}
_OBJECT_ID = operator.attrgetter("object_id")
_OFFSETS = np.array([[0, 0, 0]] + [[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)], np.float64)


def _signature(o: SimObject) -> tuple[str, ...]:
    """An object's links: when they change, its `related` row is recomputed."""
    return tuple(o.parents)


def _sample_points(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Centre and 8 inner corners (45% of the half size out) of each box: (n, 9, 3)."""
    return ((lo + hi) / 2)[:, None, :] + _OFFSETS[None, :, :] * ((hi - lo) * 0.45)[:, None, :]


def _xz_overlap(alo: np.ndarray, ahi: np.ndarray, blo: np.ndarray, bhi: np.ndarray) -> bool:
    return bool(alo[0] < bhi[0] and blo[0] < ahi[0] and alo[2] < bhi[2] and blo[2] < ahi[2])


class VisibilityGeometry:
    """Per-version geometry arrays for vectorised visibility."""

    def __init__(self, world: World) -> None:
        self.version = world.version
        objs = [o for o in world.objects.values() if o.enabled]
        self.objs = objs
        self.revs = [world.revisions.get(o.object_id, 0) for o in objs]
        self.sigs = [_signature(o) for o in objs]
        self.ids = [o.object_id for o in objs]
        n = len(objs)
        self.index = index = {oid: i for i, oid in enumerate(self.ids)}
        self.lo = np.array([o.center - o.size / 2 for o in objs]).reshape(n, 3)
        self.hi = np.array([o.center + o.size / 2 for o in objs]).reshape(n, 3)
        self.held = np.array([o.is_picked_up for o in objs], dtype=bool)
        hidden = np.array([world.is_hidden(o) for o in objs], dtype=bool)
        self.floor = floor = np.array([o.object_type == "Floor" for o in objs], dtype=bool)
        self.candidate = ~(hidden | floor | self.held)
        clear = np.array([o.object_type in SEE_THROUGH for o in objs], dtype=bool)
        self.occluder = ~(hidden | floor | self.held | clear)  # held objects never block (as in AI2-THOR)
        # contents of an appliance with a door/slot are seen only from in front of its opening
        self.box_front = np.zeros((n, 4))  # container centre x, z and front x, z (0 = no container)
        for i, o in enumerate(objs):
            self._set_box_front(world, i, o)
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
        self.points = _sample_points(self.lo, self.hi)  # (n, 9, 3)
        self.layout = getattr(world, "layout", None)
        walls = self.layout.wall_boxes() if self.layout is not None else ()
        self.walls = np.asarray(walls, np.float64).reshape(-1, 2, 3)  # a house's wall boxes (lo, hi) occlude too
        # full results by camera pose; shared by an updated copy whose arrays are all unchanged
        self.memo: dict[tuple, frozenset[str]] = {}

    def wall_blocked(self, cam: np.ndarray, p: np.ndarray) -> np.ndarray:
        """Which rays cam -> p (P, 3) pass through a wall box of the house before reaching p."""
        if not len(self.walls) or not len(p):
            return np.zeros(len(p), dtype=bool)
        d = p - cam
        inv = 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)
        t1 = (self.walls[None, :, 0] - cam) * inv[:, None, :]  # (P, W, 3)
        t2 = (self.walls[None, :, 1] - cam) * inv[:, None, :]
        tmin = np.minimum(t1, t2).max(axis=2)
        tmax = np.maximum(t1, t2).min(axis=2)
        return ((tmax >= tmin) & (tmin > 0.0) & (tmin < 0.999)).any(axis=1)

    def _set_box_front(self, world: World, i: int, o: SimObject) -> None:
        self.box_front[i] = 0.0
        for p in world.ancestors(o):
            if p.object_type in FRONT_OPENING and p.spec.contains == "in":
                yaw = math.radians(float(p.rotation[1]))
                self.box_front[i] = (p.center[0], p.center[2], math.sin(yaw), math.cos(yaw))
                break

    def _flags(self, world: World, i: int, o: SimObject) -> None:
        hidden = world.is_hidden(o)
        self.held[i] = o.is_picked_up
        self.candidate[i] = not (hidden or o.object_type == "Floor" or o.is_picked_up)
        self.occluder[i] = self.candidate[i] and o.object_type not in SEE_THROUGH

    def _related_row(self, world: World, o: SimObject) -> set[int]:
        """Indices related to o: itself, ancestors, descendants, and counter/cut-out pairs."""
        index, objs = self.index, self.objs
        anc = world.ancestors(o)
        out = {index[x.object_id] for x in [o, *anc, *world.descendants(o)] if x.object_id in index}
        for c in (x for x in [o, *anc] if x.object_type in CUTOUT_TYPES and x.object_id in index):
            ci = index[c.object_id]
            out.update(j for j, q in enumerate(objs) if q.object_type == "CounterTop"
                       and _xz_overlap(self.lo[ci], self.hi[ci], self.lo[j], self.hi[j]))
        if o.object_type == "CounterTop":
            k = index[o.object_id]
            for ci, c in enumerate(objs):
                if c.object_type in CUTOUT_TYPES and _xz_overlap(self.lo[ci], self.hi[ci], self.lo[k], self.hi[k]):
                    out.update(index[x.object_id] for x in [c, *world.descendants(c)] if x.object_id in index)
        return out

    def rebound(self, objects: dict[str, SimObject]) -> VisibilityGeometry:
        """This geometry for a forked world (World.fork): the same arrays and memo (replaced, never changed
        in place, by `updated`), with the fork's object instances (`objects`: its objectId -> object)."""
        new = copy.copy(self)
        new.objs = [objects[oid] for oid in self.ids]
        return new

    def updated(self, world: World) -> VisibilityGeometry | None:
        """A copy for the world's new version with only the changed objects' rows (and their
        contents') recomputed; None when the object list changed or a counter or sink moved."""
        objs = [o for o in world.objects.values() if o.enabled]
        # the same instances, their revisions and the changed rows, in C-level loops (`goto` asks per pose)
        if len(objs) != len(self.objs) or not all(map(operator.is_, objs, self.objs)):
            return None
        revs = list(map(world.revisions.get, map(_OBJECT_ID, objs), repeat(0)))
        changed = list(compress(range(len(revs)), map(operator.ne, revs, self.revs)))
        for i in changed:
            o = objs[i]
            if o.object_id != self.ids[i]:
                return None
            if o.object_type in RELATING_TYPES and not (np.array_equal(o.center - o.size / 2, self.lo[i])
                                                        and np.array_equal(o.center + o.size / 2, self.hi[i])):
                return None
        new = copy.copy(self)
        new.version, new.revs = world.version, revs
        if not changed:
            return new  # same arrays: the memo stays valid

        def with_contents(idx: list[int]) -> list[int]:
            out = set(idx)
            for i in idx:
                out.update(self.index[d.object_id] for d in world.descendants(objs[i]) if d.object_id in self.index)
            return sorted(out)

        rows = with_contents(changed)
        relink = [i for i in changed if _signature(objs[i]) != self.sigs[i]]
        for name in ("lo", "hi", "box_front", "held", "candidate", "occluder", "points"):
            setattr(new, name, getattr(self, name).copy())
        for i in rows:
            o = objs[i]
            new.lo[i], new.hi[i] = o.center - o.size / 2, o.center + o.size / 2
            new._set_box_front(world, i, o)
            new._flags(world, i, o)
        new.points[rows] = _sample_points(new.lo[rows], new.hi[rows])
        # a row held before and after is no candidate and no occluder: where it is cannot change a result
        # (the held object following the camera keeps the memo)
        loose = ~(self.held & new.held)
        cmp = [i for i in rows if loose[i]]
        same = all(np.array_equal(getattr(new, k)[cmp], getattr(self, k)[cmp])
                   for k in ("lo", "hi", "box_front", "held", "candidate", "occluder"))
        if relink:
            new.sigs = list(self.sigs)
            new.related = self.related.copy()
            for i in relink:
                new.sigs[i] = _signature(objs[i])
            for k in with_contents(relink):
                row = new._related_row(world, objs[k])
                new.related[k, :] = new.related[:, k] = False
                new.related[k, list(row)] = new.related[list(row), k] = True
            same = same and np.array_equal(new.related[np.ix_(loose, loose)], self.related[np.ix_(loose, loose)])
        if not same:  # a state change that moves no box and flips no flag (a toggle) keeps the memo
            new.memo = {}
        return new

    def floor_points(self, i: int, cam: np.ndarray, max_dist: float) -> np.ndarray:
        """Sample points (k, 3) on the top of Floor row ``i`` within ``max_dist`` of ``cam``, horizontally
        (read-only: memoised on the row's box, the camera's x and z and ``max_dist``)."""
        lo, hi = self.lo[i], self.hi[i]
        key = (lo.tobytes(), hi.tobytes(), lo.dtype.str, cam[[0, 2]].tobytes(), cam.dtype.str, max_dist,
               type(max_dist))
        pts = _FLOOR_MEMO.get(key)
        if pts is None:
            if len(_FLOOR_MEMO) >= FLOOR_MEMO:
                _FLOOR_MEMO.clear()
            pts = _FLOOR_MEMO[key] = self._floor_points(lo, hi, cam, max_dist)
            pts.flags.writeable = False
        return pts

    @staticmethod
    def _floor_points(lo: np.ndarray, hi: np.ndarray, cam: np.ndarray, max_dist: float) -> np.ndarray:
        axes = []
        for a in (0, 2):
            first = math.ceil(max(lo[a], cam[a] - max_dist) / FLOOR_STEP)
            last = math.floor(min(hi[a], cam[a] + max_dist) / FLOOR_STEP)
            axes.append(np.arange(first, last + 1) * FLOOR_STEP)
        xs, zs = np.meshgrid(axes[0], axes[1], indexing="ij")
        pts = np.stack([xs.ravel(), np.full(xs.size, hi[1] + FLOOR_LIFT), zs.ravel()], axis=1)
        near = np.hypot(pts[:, 0] - cam[0], pts[:, 2] - cam[2]) <= max_dist
        inside = np.all((pts[:, [0, 2]] > lo[[0, 2]]) & (pts[:, [0, 2]] < hi[[0, 2]]), axis=1)
        return pts[near & inside]

    def visible_floor_points(self, i: int, cam: np.ndarray, fwd: np.ndarray, rgt: np.ndarray, fov: float,
                             max_dist: float) -> np.ndarray:
        """The sample points of Floor row ``i`` that the camera sees (in view, in reach, not covered)."""
        p = self.floor_points(i, cam, max_dist)
        p = p[self._in_view(p - cam, fwd, rgt, fov)]
        p = p[~self.wall_blocked(cam, p)]
        if self.layout is not None and any(r.id == self.ids[i] for r in self.layout.rooms):  # a house room's floor
            p = p[[self.layout.room_at(float(x), float(z)) == self.ids[i] for x, _, z in p]].reshape(-1, 3)
        if len(p) == 0:
            return p
        # only boxes below the camera and over the xz region spanned by the camera and the points can cut a ray
        lo_xz, hi_xz = np.minimum(p.min(axis=0), cam), np.maximum(p.max(axis=0), cam)
        occ = np.flatnonzero(self.occluder & ~self.floor & (self.lo[:, 1] < cam[1])
                             & (self.lo[:, 0] < hi_xz[0]) & (self.hi[:, 0] > lo_xz[0])
                             & (self.lo[:, 2] < hi_xz[2]) & (self.hi[:, 2] > lo_xz[2]))
        if len(occ) == 0:
            return p
        d = p - cam
        inv = (1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)).T[:, :, None]  # slab test, axis-major: (3, P, 1)
        t1 = (self.lo[occ] - cam).T[:, None, :] * inv  # (3, P, O)
        t2 = (self.hi[occ] - cam).T[:, None, :] * inv
        near, far = np.minimum(t1, t2), np.maximum(t1, t2)
        tmin = np.maximum(np.maximum(near[0], near[1]), near[2])
        tmax = np.minimum(np.minimum(far[0], far[1]), far[2])
        blocked = (tmax >= tmin) & (tmin > 0.0) & (tmin < 1.0)  # a box on the floor also covers the points below it
        return p[~blocked.any(axis=1)]

    @staticmethod
    def _in_view(rel: np.ndarray, fwd: np.ndarray, rgt: np.ndarray, fov: float) -> np.ndarray:
        """Which camera-relative points (..., 3) lie in the view frustum (square image, fov in degrees)."""
        f0, f1, f2 = fwd.tolist()
        r0, r1, r2 = rgt.tolist()
        # np.cross(fwd, rgt), spelled out: the same arithmetic without its per-call overhead
        up = np.array([f1 * r2 - f2 * r1, f2 * r0 - f0 * r2, f0 * r1 - f1 * r0])
        if up[1] < 0:
            up = -up
        tan_h = math.tan(math.radians(fov / 2))
        depth = rel @ fwd
        return (depth > 0.1) & (np.abs(rel @ rgt) <= depth * tan_h) & (np.abs(rel @ up) <= depth * tan_h)

    def visible(self, cam: np.ndarray, fwd: np.ndarray, rgt: np.ndarray, fov: float, max_dist: float,
                only: int | None = None) -> set[str]:
        """Ids visible from ``cam`` (fwd/rgt axes, fov in degrees) up to ``max_dist``; held ids always.

        ``only`` restricts the test to one row of the geometry. Full results are memoised per pose."""
        n = len(self.ids)
        if n == 0:
            return set()
        if only is None:
            key = (cam.tobytes(), fwd.tobytes(), rgt.tobytes(), float(fov), float(max_dist))
            hit = self.memo.get(key)
            if hit is None:
                if len(self.memo) >= MEMO_POSES:
                    self.memo.clear()
                hit = self.memo[key] = frozenset(self._visible(cam, fwd, rgt, fov, max_dist, None))
            return set(hit)
        return self._visible(cam, fwd, rgt, fov, max_dist, only)

    def _visible(self, cam: np.ndarray, fwd: np.ndarray, rgt: np.ndarray, fov: float, max_dist: float,
                 only: int | None) -> set[str]:
        vis = {self.ids[i] for i in map(int, np.flatnonzero(self.floor))
               if (only is None or only == i) and len(self.visible_floor_points(i, cam, fwd, rgt, fov, max_dist))}
        if only is not None and self.floor[only]:
            return vis | {self.ids[i] for i in np.nonzero(self.held)[0]}
        return vis | self._visible_boxes(cam, fwd, rgt, fov, max_dist, only)

    def _visible_boxes(self, cam: np.ndarray, fwd: np.ndarray, rgt: np.ndarray, fov: float, max_dist: float,
                       only: int | None) -> set[str]:
        dist = np.linalg.norm(np.clip(cam, self.lo, self.hi) - cam, axis=1)
        cand = self.candidate & (dist <= max_dist)
        bf = self.box_front
        cand &= ((cam[0] - bf[:, 0]) * bf[:, 2] + (cam[2] - bf[:, 1]) * bf[:, 3]) >= 0.0
        if only is not None:  # one row: test its sample points only
            pi = np.flatnonzero(self._in_view(self.points[only] - cam, fwd, rgt, fov)) if cand[only] \
                else np.zeros(0, dtype=np.intp)
            oi = np.full(len(pi), only, dtype=np.intp)
        else:
            oi, pi = np.nonzero(self._in_view(self.points - cam, fwd, rgt, fov) & cand[:, None])
        vis = {self.ids[i] for i in np.nonzero(self.held)[0]}
        if len(oi) == 0:
            return vis
        # an object is visible when one of its rays is clear: test each object's first in-view point
        # (the centre when it is in view), then the other points of the objects still unseen only
        first = np.r_[True, oi[1:] != oi[:-1]]  # oi is sorted (np.nonzero is row-major)
        seen = oi[first][self._clear(cam, dist, oi[first], pi[first])]
        vis.update(self.ids[i] for i in seen)
        rest = ~first & ~np.isin(oi, seen)
        if rest.any():
            vis.update(self.ids[i] for i in np.unique(oi[rest][self._clear(cam, dist, oi[rest], pi[rest])]))
        return vis

    def _clear(self, cam: np.ndarray, dist: np.ndarray, oi: np.ndarray, pi: np.ndarray) -> np.ndarray:
        """Which rays from ``cam`` to sample points ``pi`` of rows ``oi`` no box or wall blocks (``dist``: each
        row's box distance from ``cam``). Each ray's answer is independent of the others tested with it."""
        p = self.points[oi, pi]
        d = p - cam  # (P, 3)
        # only boxes nearer than the farthest sample point can cut a ray (the hit must lie on it)
        occ = np.flatnonzero(self.occluder & (dist <= np.sqrt((d * d).sum(axis=1).max()) + 1e-6))
        lo, hi = self.lo[occ], self.hi[occ]
        d = np.where(np.abs(d) < 1e-12, 1e-12, d)
        inv = 1.0 / d
        t1 = (lo[None] - cam) * inv[:, None, :]
        t2 = (hi[None] - cam) * inv[:, None, :]
        tmin = np.minimum(t1, t2).max(axis=2)
        tmax = np.maximum(t1, t2).min(axis=2)
        inside = np.all((p[:, None, :] >= lo[None] - 0.01) & (p[:, None, :] <= hi[None] + 0.01), axis=2)
        blocked = (tmax >= tmin) & (tmin > 0.0) & (tmin < 0.97) & ~self.related[np.ix_(oi, occ)] & ~inside
        return ~blocked.any(axis=1) & ~self.wall_blocked(cam, p)
