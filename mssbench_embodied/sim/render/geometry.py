"""World-space triangle soup shared by both renderers: meshes placed, lit, tagged with ids.

Lighting (Lambert + ambient, baked per face) lives here so GL and numpy colours agree.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from ..objects import SimObject
from .materials import face_materials, object_materials, room_surface, surface
from .prims import Color, Mesh, MeshBuilder
from .scene import ID_CEILING, ID_WALL, RenderScene, RenderStyle, RoomGeometry
from .shapes import WOOD, mix, object_mesh

if TYPE_CHECKING:
    from .gripper import HandRows

LIGHT = np.array([0.35, 1.0, 0.45]) / np.linalg.norm([0.35, 1.0, 0.45])
FILL = np.array([-0.6, 0.25, -0.5]) / np.linalg.norm([-0.6, 0.25, -0.5])
ROOM_PAD = 0.01  # room surfaces sit 1 cm outside the bounds, so objects touching them win


def shade(normals: np.ndarray, albedo: np.ndarray, emissive: np.ndarray) -> np.ndarray:
    """Per-face colour (uint8): ambient + key + fill; emissive faces are unlit."""
    k = 0.5 + 0.42 * np.maximum(normals @ LIGHT, 0.0) + 0.18 * np.maximum(normals @ FILL, 0.0)
    col = albedo * np.where(emissive, 1.0, k)[:, None]
    return np.clip(col + 0.5, 0, 255).astype(np.uint8)


def room_bounds(room: RoomGeometry) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) corners of the room shell, ROOM_PAD outside the bounds."""
    lo = np.array([room.x_min - ROOM_PAD, -ROOM_PAD, room.z_min - ROOM_PAD])
    hi = np.array([room.x_max + ROOM_PAD, room.wall_height, room.z_max + ROOM_PAD])
    return lo, hi


# face order: x_min, x_max, floor, ceiling, z_min, z_max (inward normals)
ROOM_NORMALS = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], np.float64)
ROOM_IDS = np.array([ID_WALL, ID_WALL, ID_WALL, ID_CEILING, ID_WALL, ID_WALL], np.int32)


def room_face_colors(room: RoomGeometry) -> np.ndarray:
    """Lit colours (6, 3) uint8 of the room faces, in ROOM_NORMALS order."""
    alb = np.array([room.wall_color, room.wall_color, room.floor_color, room.wall_color, room.wall_color,
                    room.wall_color], np.float64)
    alb[3] *= 0.97
    return shade(ROOM_NORMALS, alb, np.zeros(6, bool))


def wall_box_triangles(room: RoomGeometry) -> tuple[np.ndarray, np.ndarray]:
    """(tris (12k,3,3), outward normals (12k,3)) of the room's inner wall boxes (a house's walls)."""
    if not room.walls:
        return np.zeros((0, 3, 3), np.float32), np.zeros((0, 3), np.float32)
    boxes = np.asarray(room.walls, np.float64).reshape(-1, 2, 3)
    tris, normals = [], []
    for f in range(6):  # faces -x, +x, -y, +y, -z, +z
        ax, side = f // 2, f % 2
        a, b = [i for i in range(3) if i != ax]
        corners = []
        for ua, ub in ((0, 0), (1, 0), (1, 1), (0, 1)):
            p = np.empty((len(boxes), 3))
            p[:, ax], p[:, a], p[:, b] = boxes[:, side, ax], boxes[:, ua, a], boxes[:, ub, b]
            corners.append(p)
        n = np.zeros(3)
        n[ax] = 1.0 if side else -1.0
        tris += [np.stack([corners[0], corners[1], corners[2]], 1), np.stack([corners[0], corners[2], corners[3]], 1)]
        normals += [np.repeat(n[None], len(boxes), 0)] * 2
    return np.concatenate(tris).astype(np.float32), np.concatenate(normals).astype(np.float32)


def room_triangles(room: RoomGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(tris (12+12k,3,3), normals, colors uint8, ids) for walls, floor and ceiling, then the k inner wall boxes."""
    lo, hi = room_bounds(room)
    cols = room_face_colors(room)
    tris = []
    for f in range(6):
        ax = [0, 0, 1, 1, 2, 2][f]
        v = (lo if f % 2 == 0 else hi)[ax]
        a, b = [i for i in range(3) if i != ax]
        q = []
        for ua, ub in ((0, 0), (1, 0), (1, 1), (0, 1)):
            p = np.zeros(3)
            p[ax], p[a], p[b] = v, (lo, hi)[ua][a], (lo, hi)[ub][b]
            q.append(p)
        tris += [(q[0], q[1], q[2]), (q[0], q[2], q[3])]
    tris_a = np.array(tris, np.float32)
    normals = np.repeat(ROOM_NORMALS, 2, axis=0).astype(np.float32)
    wt, wn = wall_box_triangles(room)
    wcols = shade(wn.astype(np.float64), np.tile(np.array(room.wall_color, np.float64), (len(wn), 1)),
                  np.zeros(len(wn), bool))
    return (np.concatenate([tris_a, wt]), np.concatenate([normals, wn]),
            np.concatenate([np.repeat(cols, 2, axis=0), wcols]),
            np.concatenate([np.repeat(ROOM_IDS, 2), np.full(len(wt), ID_WALL, np.int32)]))


_SERIAL = itertools.count()
ORIGIN_KEYS = 65536  # per-object placement keys kept across snapshot restores (WorldBuilder._part)


@dataclass
class WorldGeometry:
    """The lit world triangle soup of one scene version."""

    tris: np.ndarray  # (N,3,3) float32 world coordinates (objects, 12 room triangles, legible: the gripper)
    normals: np.ndarray  # (N,3) float32
    colors: np.ndarray  # (N,3) uint8, lit
    ids: np.ndarray  # (N,) int32
    closed: np.ndarray  # (N,) bool
    room: RoomGeometry
    version: int
    surface: np.ndarray | None = None  # legible style: (N,4) float32 albedo rgb 0..1 + material id
    parent: int | None = None  # serial of the soup this one patches (None: built from scratch)
    # (old start, old end, new start, new end) row ranges re-placed since that parent
    dirty: tuple[tuple[int, int, int, int], ...] = ()
    serial: int = field(default_factory=lambda: next(_SERIAL))
    # (start, end, placement) of each object's non-empty row run, in row order (WorldBuilder soups): the rows
    # start:end are that placement's (Placed) rows, so renderers may cache per-placement work
    parts: tuple[tuple[int, int, Any], ...] = ()


def _yaw_rot(q: int) -> np.ndarray:
    a = math.radians(90 * q)
    c, s = round(math.cos(a)), round(math.sin(a))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], np.float64)  # Unity yaw: +z -> +x at 90


# ---- counter tops with holes --------------------------------------------------------------
# A converted AI2-THOR counter slab's box often spans the sink (or a tub surround the bath);
# drawn as a solid box it would cover the basin and what lies in it. Such slabs are cut:
# the footprints of overlapping basins are subtracted (grid decomposition into boxes).
HOLE_CUTTERS: dict[str, frozenset[str]] = {
    "CounterTop": frozenset({"Sink", "SinkBasin", "Bathtub", "BathtubBasin"}),
    "Bathtub": frozenset({"BathtubBasin"}),
}
HOLE_MARGIN = 0.005  # m the hole is shrunk by, so the basin rim still meets the slab
Rect = tuple[float, float, float, float]  # (x0, x1, z0, z1)
Holes = tuple[Rect, ...]


def _aabb(obj: SimObject) -> tuple[np.ndarray, np.ndarray]:
    c, z = np.asarray(obj.center, np.float64), np.asarray(obj.size, np.float64)
    return c - z / 2, c + z / 2


def counter_holes(scene: RenderScene) -> dict[int, Holes]:
    """{object index: ((x0, x1, z0, z1), ...)} for counter slabs overlapped by basins."""
    objs = [(i, o) for i, o in enumerate(scene.objects) if o.enabled]
    out: dict[int, Holes] = {}
    for i, o in objs:
        cutters = HOLE_CUTTERS.get(o.object_type)
        if cutters is None or o.object_type == "Bathtub":
            continue  # a bathtub is drawn open-topped already
        lo, hi = _aabb(o)
        holes = []
        for j, c in objs:
            if j == i or c.object_type not in cutters:
                continue
            clo, chi = _aabb(c)
            # the basin must reach up to the slab (its top within the slab's top region)
            if chi[1] < lo[1] - 0.05 or clo[1] > hi[1] - 1e-3:
                continue
            x0, x1 = max(lo[0], clo[0] + HOLE_MARGIN), min(hi[0], chi[0] - HOLE_MARGIN)
            z0, z1 = max(lo[2], clo[2] + HOLE_MARGIN), min(hi[2], chi[2] - HOLE_MARGIN)
            if x1 - x0 > 0.02 and z1 - z0 > 0.02:
                holes.append((round(x0, 4), round(x1, 4), round(z0, 4), round(z1, 4)))
        if holes:
            out[i] = tuple(sorted(holes))
    return out


def subtract_rects(lo: tuple[float, float], hi: tuple[float, float], holes: Holes) -> list[Rect]:
    """Cells (x0, x1, z0, z1) covering rectangle lo..hi minus the holes, merged along x rows."""
    xs = sorted({lo[0], hi[0], *[h[0] for h in holes], *[h[1] for h in holes]})
    zs = sorted({lo[1], hi[1], *[h[2] for h in holes], *[h[3] for h in holes]})
    xs = [x for x in xs if lo[0] <= x <= hi[0]]
    zs = [z for z in zs if lo[1] <= z <= hi[1]]
    cells = []
    for z0, z1 in zip(zs, zs[1:]):
        run: list[float] | None = None
        for x0, x1 in zip(xs, xs[1:]):
            cx, cz = (x0 + x1) / 2, (z0 + z1) / 2
            free = not any(h[0] <= cx <= h[1] and h[2] <= cz <= h[3] for h in holes)
            if free and run is not None and abs(run[1] - x0) < 1e-9:
                run[1] = x1
            elif free:
                if run is not None:
                    cells.append((run[0], run[1], z0, z1))
                run = [x0, x1]
            else:
                if run is not None:
                    cells.append((run[0], run[1], z0, z1))
                run = None
        if run is not None:
            cells.append((run[0], run[1], z0, z1))
    return [c for c in cells if c[1] - c[0] > 1e-4 and c[3] - c[2] > 1e-4]


def cut_counter_mesh(obj: SimObject, holes: Holes) -> Mesh:
    """World-space mesh of a counter slab (the "counter" shape: top + inset body) with holes."""
    lo, hi = _aabb(obj)
    r, g, bl = obj.spec.color
    c: Color = (float(r), float(g), float(bl))
    t = min(hi[1] - lo[1], 0.05)
    b = MeshBuilder()
    body = mix(c, WOOD, 0.6)
    for x0, x1, z0, z1 in subtract_rects((lo[0], lo[2]), (hi[0], hi[2]), holes):
        b.box((x0, hi[1] - t, z0), (x1, hi[1], z1), c)
        if hi[1] - t > lo[1] + 1e-4:
            b.box((x0, lo[1], z0), (x1, hi[1] - t, z1), body)
    return b.build()


# ---- toaster contents ------------------------------------------------------------------------
# The world lays a toaster's contents flat inside its box (hidden by the body); drawn like a
# real toaster, they stand upright in a slot with their top part sticking out.
SLOTS_LOCAL = ((-0.025, -0.19), (-0.025, 0.19))  # slot centres (x, z) in the toaster's unit box
STICK_OUT = 0.45  # share of the item's length above the toaster top


def toaster_slots(scene: RenderScene) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """{object index: (world centre, rotation)} for items resting in a toaster."""
    by_id = {o.object_id: o for o in scene.objects if o.enabled}
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    used: dict[str, int] = {}
    for i, o in enumerate(scene.objects):
        if not o.enabled or not o.parents:
            continue
        t = by_id.get(o.parents[0])
        if t is None or t.object_type != "Toaster":
            continue
        k = used.get(t.object_id, 0)
        used[t.object_id] = k + 1
        tq = int(round(float(t.rotation[1]) / 90.0)) % 4
        tsize = np.asarray(t.size, np.float64)
        tl = tsize[[2, 1, 0]] if tq % 2 else tsize
        sx, sz = SLOTS_LOCAL[k % 2]
        off = _yaw_rot(tq) @ np.array([sx * tl[0], 0.0, sz * tl[2]])
        q = int(round(float(o.rotation[1]) / 90.0)) % 4
        size = np.asarray(o.size, np.float64)
        lsize = size[[2, 1, 0]] if q % 2 else size
        length = float(max(lsize[0], lsize[2]))
        # stand the long horizontal axis up; keep the flat face along the slot (toaster's x)
        tilt = np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], np.float64) if lsize[2] >= lsize[0] else \
            np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], np.float64)
        rot = _yaw_rot(tq) @ tilt
        top = float(t.center[1] + tsize[1] / 2)
        ctr = np.asarray(t.center, np.float64) + off
        ctr[1] = top + (STICK_OUT - 0.5) * length
        out[i] = (ctr, rot)
    return out


# Objects whose change can alter another object's geometry (counter holes, toaster slots):
# when one of these changes, the whole soup is rebuilt instead of patched.
RESTRUCTURING = frozenset(HOLE_CUTTERS) | frozenset().union(*HOLE_CUTTERS.values()) | {"Toaster"}
# one object placed in the world: (tris, normals, lit colours, closed, its unit-box mesh,
# legible-style surface (albedo + material id) or None)
Placed = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Mesh, np.ndarray | None]
# legible in-hand object: (index, faces and normals relative to the held object's centre (float64), mesh,
# surface or None, a key equal exactly when the rest is)
HandPart = tuple[int, np.ndarray, np.ndarray, Mesh, np.ndarray | None, tuple[Any, ...]]


def in_hand(scene: RenderScene) -> frozenset[int]:
    """Indices of the held objects (is_picked_up) and of everything resting in them, recursively."""
    ids = {o.object_id for o in scene.objects if o.enabled and o.is_picked_up}
    new = ids
    while new:
        new = {o.object_id for o in scene.objects
               if o.enabled and o.object_id not in ids and not ids.isdisjoint(o.parents)}
        ids |= new
    return frozenset(i for i, o in enumerate(scene.objects) if o.enabled and o.object_id in ids)


class WorldBuilder:
    """Builds and caches the world triangle soup; per-object results are memoised too.

    With `scene.revisions`, a version change re-places only the objects whose revision changed
    and splices them into the old soup, so moving or opening one object costs one placement,
    not a rebuild.
    Patched and rebuilt soups are identical (the same per-object placement code).
    """

    def __init__(self, style: RenderStyle = "flat") -> None:
        self.style: RenderStyle = style
        self._geo: WorldGeometry | None = None
        self._key: tuple[Any, ...] = ()
        self._objs: list[SimObject] = []
        self._revs: tuple[int, ...] | None = None
        self._ranges: list[tuple[int, int]] = []
        self._placed: list[Placed | None] = []  # each object's placement (aligned with _ranges)
        self._special: set[int] = set()  # objects with cut holes or standing in a toaster
        self._holes: dict[int, Holes] = {}
        self._upright: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._obj_cache: dict[tuple[Any, ...], Placed] = {}
        # (snapshot digest, objectId) -> (placement key or None for no mesh, mesh, quarter turns, local size)
        self._origin_keys: dict[tuple[bytes, str], tuple[Any, Mesh, int, np.ndarray]] = {}
        self._in_hand: frozenset[int] = frozenset()  # legible: drawn in the gripper, not in the world
        self._hand: Any = None  # legible: gripper.HandOverlay

    def get(self, scene: RenderScene) -> WorldGeometry:
        """Geometry for `scene`, rebuilt (or patched) when the version, room or object list changes;
        the legible style adds the agent's gripper, holding the held object, for the scene's camera."""
        geo = self._soup(scene)
        if self.style != "legible":
            return geo
        return self._overlay().attach(scene.camera, geo, lambda: self.held_parts(scene))

    def split_rows(self, scene: RenderScene) -> tuple[WorldGeometry, HandRows | None]:
        """`get`'s soup and hand apart, for renderers that place the hand themselves: (the world without the hand,
        the camera-space hand rows, or None in the flat style)."""
        geo = self._soup(scene)
        if self.style != "legible":
            return geo, None
        return geo, self._overlay().rows(scene.camera, geo, lambda: self.held_parts(scene))

    def _overlay(self) -> Any:
        if self._hand is None:
            from .gripper import HandOverlay  # gripper.py builds on this module

            self._hand = HandOverlay()
        return self._hand

    def held_parts(self, scene: RenderScene) -> tuple[list[HandPart], np.ndarray]:
        """Legible style: (the in-hand objects as HandParts, the held object's yaw matrix)."""
        held = [o for i, o in enumerate(scene.objects) if i in self._in_hand and o.is_picked_up]
        if not held:
            return [], np.eye(3)
        ctr = np.asarray(held[0].center, np.float64)
        parts = [p for i in sorted(self._in_hand) if (p := self._hand_part(i, scene.objects[i], ctr)) is not None]
        q = int(round(float(held[0].rotation[1]) / 90.0)) % 4
        return parts, _yaw_rot(q)

    def _hand_part(self, i: int, obj: SimObject, held_center: np.ndarray) -> HandPart | None:
        """Object i's faces as offsets from the held object's centre, computed from its mesh (not from
        float32 world triangles), so that carrying the object about gives bit-equal offsets and key. (Counters, the
        only objects with cut holes, cannot be picked up.)"""
        mesh, q, lsize = self._mesh_of(obj)
        if not len(mesh):
            return None
        ctr, rot = self._upright[i] if i in self._upright else (obj.center, _yaw_rot(q))
        rel = np.round(np.asarray(ctr, np.float64) - held_center, 9) + 0.0  # + 0.0: no negative zeros in the key
        tris = (mesh.tris.astype(np.float64) * lsize) @ rot.T + rel
        n = (mesh.normals / lsize) @ rot.T
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
        surf = self._surface(obj, mesh)
        key = (i, id(mesh), np.asarray(rot, np.float64).tobytes(), lsize.tobytes(), rel.tobytes(),
               None if surf is None else surf.tobytes())
        return i, tris, n, mesh, surf, key

    def _mesh_of(self, obj: SimObject) -> tuple[Mesh, int, np.ndarray]:
        """(mesh, quarter turns of yaw, local size) of an object in this style."""
        q = int(round(float(obj.rotation[1]) / 90.0)) % 4
        size = np.asarray(obj.size, np.float64)
        lsize = size[[2, 1, 0]] if q % 2 else size
        return object_mesh(obj, lsize, self.style), q, lsize

    def _soup(self, scene: RenderScene) -> WorldGeometry:
        key = (scene.version, scene.room, tuple(map(id, scene.objects)))
        if self._geo is not None and self._key == key:
            return self._geo
        geo = None
        revs = tuple(scene.revisions) if scene.revisions is not None else None
        if revs is not None and self._revs is not None and self._geo is not None and key[1:] == self._key[1:]:
            geo = self._patch(scene, [i for i, (a, b) in enumerate(zip(revs, self._revs)) if a != b])
        if geo is None:
            geo = self.build(scene)
        # keep the objects alive, so their ids cannot be reused by new objects while cached
        self._geo, self._key, self._objs, self._revs = geo, key, list(scene.objects), revs
        return geo

    @staticmethod
    def _place_rot(mesh: Mesh, r: np.ndarray, center: np.ndarray,
                   lsize: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        tris = (mesh.tris.astype(np.float64) * lsize) @ r.T + center
        n = (mesh.normals / lsize) @ r.T
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
        cols = shade(n, mesh.colors.astype(np.float64), mesh.emissive)
        return tris.astype(np.float32), n.astype(np.float32), cols, mesh.closed

    def _surface(self, obj: SimObject, mesh: Mesh) -> np.ndarray | None:
        """Legible style: per-face albedo and material id (see materials.py); flat: None."""
        if self.style != "legible":
            return None
        return surface(mesh.colors, face_materials(object_materials(obj), mesh))

    def _part(self, i: int, obj: SimObject, holes: dict[int, Holes],
              upright: dict[int, tuple[np.ndarray, np.ndarray]],
              origin_key: tuple[bytes, str] | None = None) -> Placed | None:
        """(tris, normals, colours, closed, mesh) of object i placed in the world, or None
        (None too for in-hand objects of the legible style: see held_parts). ``origin_key``: (snapshot digest,
        objectId) of an object unchanged since its world was restored (RenderScene.origin): its mesh and
        placement key are looked up, not recomputed."""
        if i in self._in_hand:
            return None
        if i in holes:
            hkey = ("cut", tuple(np.round(np.asarray(obj.center, np.float64), 5)),
                    tuple(np.round(np.asarray(obj.size, np.float64), 4)), obj.spec.color, holes[i])
            placed = self._obj_cache.get(hkey)
            if placed is None:
                mesh = cut_counter_mesh(obj, holes[i])
                placed = (*self._place_rot(mesh, _yaw_rot(0), np.zeros(3), np.ones(3)), mesh, self._surface(obj, mesh))
                self._obj_cache[hkey] = placed
            return placed
        known = self._origin_keys.get(origin_key) if origin_key is not None and i not in upright else None
        if known is not None:
            key, mesh, q, lsize = known
            if key is None:
                return None
        else:
            mesh, q, lsize = self._mesh_of(obj)
            if not len(mesh):
                if origin_key is not None and i not in upright:
                    self._remember(origin_key, (None, mesh, q, lsize))
                return None
            if i in upright:
                ctr, rot = upright[i]
                return (*self._place_rot(mesh, rot, ctr, lsize), mesh, self._surface(obj, mesh))
            key = (id(mesh), q, tuple(np.round(np.asarray(obj.center, np.float64), 5)), tuple(np.round(lsize, 3)))
            if self.style == "legible":  # meshes are shared across types; materials are not
                key += (object_materials(obj),)
            if origin_key is not None:
                self._remember(origin_key, (key, mesh, q, lsize))  # the mesh is kept: its id stays unique
        placed = self._obj_cache.get(key)
        if placed is None or placed[4] is not mesh:
            placed = (*self._place_rot(mesh, _yaw_rot(q), np.asarray(obj.center, np.float64), lsize), mesh,
                      self._surface(obj, mesh))
            self._obj_cache[key] = placed
        return placed

    def _remember(self, origin_key: tuple[bytes, str], known: tuple[Any, Mesh, int, np.ndarray]) -> None:
        if len(self._origin_keys) >= ORIGIN_KEYS:
            self._origin_keys.clear()
        self._origin_keys[origin_key] = known

    def _patch(self, scene: RenderScene, changed: list[int]) -> WorldGeometry | None:
        """Re-place only the changed objects; None when a full rebuild is needed."""
        old = self._geo
        assert old is not None
        if self.style == "legible":
            hand = in_hand(scene)
            if hand != self._in_hand:  # objects taken into the hand leave the world, put ones come back
                changed = sorted(set(changed) | (hand ^ self._in_hand))
                self._in_hand = hand
        toasters = {o.object_id for o in scene.objects if o.object_type == "Toaster"}
        holes, upright = self._holes, self._upright
        for i in changed:
            obj = scene.objects[i]
            if not obj.enabled:
                return None
            if i in self._special or obj.object_type in RESTRUCTURING or not toasters.isdisjoint(obj.parents):
                # counter holes or toaster slots may have changed: patch only if they did not
                holes, upright = counter_holes(scene), toaster_slots(scene)
                if holes != self._holes or upright.keys() != self._upright.keys() or any(
                        not (np.array_equal(c, self._upright[k][0]) and np.array_equal(r, self._upright[k][1]))
                        for k, (c, r) in upright.items()):
                    return None
                break
        # splice: unchanged runs of the old soup, each changed object's new placement in between
        pieces: list[tuple] = []
        ids: list[np.ndarray] = []
        dirty, ranges, pos, size, shift = [], [], 0, 0, 0
        changed_set = set(changed)
        placements = list(self._placed)
        for i, (a, b) in enumerate(self._ranges):
            if i not in changed_set:
                ranges.append((a + shift, b + shift))
                continue
            part = placements[i] = self._part(i, scene.objects[i], holes, upright)
            n = 0 if part is None else len(part[0])
            keep = slice(pos, a)
            pieces.append((old.tris[keep], old.normals[keep], old.colors[keep], old.closed[keep],
                           None if old.surface is None else old.surface[keep]))
            ids.append(old.ids[keep])
            size += a - pos
            if part is not None:
                pieces.append((*part[:4], part[5]))
                ids.append(np.full(n, i, np.int32))
            dirty.append((a, b, size, size + n))
            ranges.append((size, size + n))
            size, pos, shift = size + n, b, shift + n - (b - a)
        keep = slice(pos, None)
        pieces.append((old.tris[keep], old.normals[keep], old.colors[keep], old.closed[keep],
                       None if old.surface is None else old.surface[keep]))
        ids.append(old.ids[keep])
        self._ranges, self._placed = ranges, placements
        if all(a == b and na == nb for a, b, na, nb in dirty):  # no rows changed (e.g. only the held object moved)
            return WorldGeometry(old.tris, old.normals, old.colors, old.ids, old.closed, scene.room, scene.version,
                                 surface=old.surface, parent=old.serial, parts=old.parts)
        tris, normals, cols, closed = (np.concatenate([p[k] for p in pieces]) for k in range(4))
        surf = None if old.surface is None else np.concatenate([p[4] for p in pieces])
        return WorldGeometry(tris, normals, cols, np.concatenate(ids), closed, scene.room, scene.version,
                             surface=surf, parent=old.serial, dirty=tuple(dirty), parts=self._parts())

    def _parts(self) -> tuple[tuple[int, int, Placed], ...]:
        return tuple((a, b, p) for (a, b), p in zip(self._ranges, self._placed) if p is not None and b > a)

    def build(self, scene: RenderScene) -> WorldGeometry:
        """Geometry for `scene` from scratch (per-object placements still come from the cache)."""
        parts: list[Placed] = []
        ids: list[np.ndarray] = []
        if len(self._obj_cache) > 4096:
            self._obj_cache.clear()
        holes = counter_holes(scene)
        upright = toaster_slots(scene)
        self._holes, self._upright, self._special = holes, upright, set(holes) | set(upright)
        self._in_hand = in_hand(scene) if self.style == "legible" else frozenset()
        self._ranges, self._placed = [], []
        start = 0
        origin, revs = scene.origin, scene.revisions
        for i, obj in enumerate(scene.objects):
            okey = (origin[0], obj.object_id) if origin is not None and revs is not None and revs[i] <= origin[1] \
                else None
            placed = self._part(i, obj, holes, upright, origin_key=okey) if obj.enabled else None
            self._placed.append(placed)
            if placed is None:
                self._ranges.append((start, start))
                continue
            parts.append(placed)
            ids.append(np.full(len(placed[0]), i, np.int32))
            self._ranges.append((start, start + len(placed[0])))
            start += len(placed[0])
        rt = room_triangles(scene.room)
        tris = np.concatenate([p[0] for p in parts] + [rt[0]])
        normals = np.concatenate([p[1] for p in parts] + [rt[1]])
        cols = np.concatenate([p[2] for p in parts] + [rt[2]])
        closed = np.concatenate([p[3] for p in parts] + [np.zeros(len(rt[0]), bool)])
        idarr = np.concatenate(ids + [rt[3]]).astype(np.int32)
        surf = None
        if self.style == "legible":
            room_surf = np.repeat(room_surface(scene.room), 2, 0)
            n_walls = len(rt[0]) - len(room_surf)
            room_surf = np.concatenate([room_surf, np.repeat(room_surf[:1], n_walls, 0)])  # inner walls: as the shell's
            surf = np.concatenate([p[5] for p in parts if p[5] is not None] + [room_surf])
        return WorldGeometry(tris, normals, cols, idarr, closed, scene.room, scene.version, surface=surf,
                             parts=self._parts())
