"""World-space triangle soup shared by both renderers: meshes placed, lit, tagged with ids.

Lighting (Lambert + ambient, baked per face) lives here so GL and numpy colours agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .prims import Mesh
from .scene import ID_CEILING, ID_WALL, RenderScene, RoomGeometry
from .shapes import object_mesh

LIGHT = np.array([0.35, 1.0, 0.45]) / np.linalg.norm([0.35, 1.0, 0.45])
FILL = np.array([-0.6, 0.25, -0.5]) / np.linalg.norm([-0.6, 0.25, -0.5])
ROOM_PAD = 0.01  # room surfaces sit 1 cm outside the bounds, so objects touching them win


def shade(normals: np.ndarray, albedo: np.ndarray, emissive: np.ndarray) -> np.ndarray:
    """Per-face colour (uint8): ambient + key + fill; emissive faces are unlit."""
    k = 0.5 + 0.42 * np.maximum(normals @ LIGHT, 0.0) + 0.18 * np.maximum(normals @ FILL, 0.0)
    col = albedo * np.where(emissive, 1.0, k)[:, None]
    return np.clip(col + 0.5, 0, 255).astype(np.uint8)


def room_bounds(room: RoomGeometry) -> tuple[np.ndarray, np.ndarray]:
    lo = np.array([room.x_min - ROOM_PAD, -ROOM_PAD, room.z_min - ROOM_PAD])
    hi = np.array([room.x_max + ROOM_PAD, room.wall_height, room.z_max + ROOM_PAD])
    return lo, hi


# face order: x_min, x_max, floor, ceiling, z_min, z_max (inward normals)
ROOM_NORMALS = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], np.float64)
ROOM_IDS = np.array([ID_WALL, ID_WALL, ID_WALL, ID_CEILING, ID_WALL, ID_WALL], np.int32)


def room_face_colors(room: RoomGeometry) -> np.ndarray:
    alb = np.array([room.wall_color, room.wall_color, room.floor_color, room.wall_color, room.wall_color,
                    room.wall_color], np.float64)
    alb[3] *= 0.97
    return shade(ROOM_NORMALS, alb, np.zeros(6, bool))


def room_triangles(room: RoomGeometry) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(tris (12,3,3), normals, colors uint8, ids) for walls, floor and ceiling."""
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
    return tris_a, normals, np.repeat(cols, 2, axis=0), np.repeat(ROOM_IDS, 2)


@dataclass
class WorldGeometry:
    tris: np.ndarray  # (N,3,3) float32 world coordinates (objects first, then 12 room triangles)
    normals: np.ndarray  # (N,3) float32
    colors: np.ndarray  # (N,3) uint8, lit
    ids: np.ndarray  # (N,) int32
    closed: np.ndarray  # (N,) bool
    n_objects: int  # number of object triangles (room triangles follow)
    room: RoomGeometry
    version: int


def _yaw_rot(q: int) -> np.ndarray:
    a = math.radians(90 * q)
    c, s = round(math.cos(a)), round(math.sin(a))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], np.float64)  # Unity yaw: +z -> +x at 90


class WorldBuilder:
    """Builds and caches the world triangle soup; per-object results are memoised too."""

    def __init__(self) -> None:
        self._geo: WorldGeometry | None = None
        self._key: tuple = ()
        self._obj_cache: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def get(self, scene: RenderScene) -> WorldGeometry:
        """Geometry for `scene`, rebuilt when the version, room or object list changes."""
        key = (scene.version, scene.room, tuple(map(id, scene.objects)))
        if self._geo is not None and self._key == key:
            return self._geo
        self._geo, self._key = self.build(scene), key
        return self._geo

    def _place(self, obj, mesh: Mesh, q: int, center: np.ndarray, lsize: np.ndarray):
        r = _yaw_rot(q)
        tris = (mesh.tris.astype(np.float64) * lsize) @ r.T + center
        n = (mesh.normals / lsize) @ r.T
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
        cols = shade(n, mesh.colors.astype(np.float64), mesh.emissive)
        return tris.astype(np.float32), n.astype(np.float32), cols, mesh.closed

    def build(self, scene: RenderScene) -> WorldGeometry:
        parts, ids = [], []
        if len(self._obj_cache) > 4096:
            self._obj_cache.clear()
        for i, obj in enumerate(scene.objects):
            if not obj.enabled:
                continue
            q = int(round(float(obj.rotation[1]) / 90.0)) % 4
            size = np.asarray(obj.size, np.float64)
            lsize = size[[2, 1, 0]] if q % 2 else size
            mesh = object_mesh(obj, lsize)
            if not len(mesh):
                continue
            key = (id(mesh), q, tuple(np.round(np.asarray(obj.center, np.float64), 5)), tuple(np.round(lsize, 3)))
            placed = self._obj_cache.get(key)
            if placed is None or placed[4] is not mesh:
                placed = (*self._place(obj, mesh, q, np.asarray(obj.center, np.float64), lsize), mesh)
                self._obj_cache[key] = placed
            parts.append(placed)
            ids.append(np.full(len(mesh), i, np.int32))
        rt = room_triangles(scene.room)
        tris = np.concatenate([p[0] for p in parts] + [rt[0]])
        normals = np.concatenate([p[1] for p in parts] + [rt[1]])
        cols = np.concatenate([p[2] for p in parts] + [rt[2]])
        closed = np.concatenate([p[3] for p in parts] + [np.zeros(12, bool)])
        idarr = np.concatenate(ids + [rt[3]]).astype(np.int32)
        n_obj = len(tris) - 12
        return WorldGeometry(tris, normals, cols, idarr, closed, n_obj, scene.room, scene.version)
