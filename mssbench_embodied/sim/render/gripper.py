"""Legible style: the agent's robot gripper, holding the held object low in the frame (render-only).

The held object and what rests in it are drawn in the gripper at a fixed camera-relative place, scaled
down so their projected box covers at most HELD_SHARE of the frame; their world boxes do not change.
Everything here lies 0.1-0.35 m ahead of the camera, so plain depth testing draws it in front of the
furniture (the agent keeps 0.2 m from obstacles). Camera space: x right, y up, z forward (camera.py).
"""
from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .camera import camera_basis
from .geometry import HandPart, WorldGeometry, shade
from .prims import BatchMeshBuilder, Color, Mesh, MeshBuilder, concat
from .scene import ID_AGENT, NEAR, Camera

HAND_DEPTH = 0.2  # m ahead of the camera: the held object's centre
REGION = (0.0, 0.85, -0.86, -0.14)  # NDC box (x0, x1, y0, y1; y up) the held object's projection stays in
HELD_SHARE = 0.11  # largest share of the frame the held object's projected bounding box may cover
DISPLAY_YAW, DISPLAY_TILT = 205.0, -18.0  # deg: front towards the camera, one side and the top in view
OPEN_GAP = 0.07  # m between the open fingers (nothing held)
FINGER_W, FINGER_D = 0.011, 0.016  # finger thickness (x) and depth (z), m
METAL: Color = (92.0, 95.0, 102.0)  # fingers, palm
DARK: Color = (52.0, 54.0, 58.0)  # wrist, joints
ARM: Color = (122.0, 126.0, 134.0)  # forearm
PAD: Color = (30.0, 30.0, 32.0)  # rubber finger tips


@dataclass
class HeldPart:
    """One in-hand object: its object index, faces relative to the held object's centre, and unit-box mesh."""

    index: int
    tris: np.ndarray  # (n,3,3) float64: world offsets from the held object's centre
    normals: np.ndarray  # (n,3) float64, world axes
    mesh: Mesh  # albedo, emissive and closed flags per face (same order as tris)
    surface: np.ndarray | None  # legible shading inputs per face, when the soup carries them
    key: tuple[object, ...]  # equal exactly when tris, normals, mesh and surface are (geometry.HandPart)


@dataclass
class HandRows:
    """Camera-space faces of the gripper and of the held object(s) in it."""

    tris: np.ndarray  # (n,3,3) float64, camera space
    normals: np.ndarray  # (n,3) float64, camera space
    albedo: np.ndarray  # (n,3) float64, 0..255
    emissive: np.ndarray  # (n,) bool
    closed: np.ndarray  # (n,) bool
    ids: np.ndarray  # (n,) int32: object index, or ID_AGENT for the gripper
    surface: np.ndarray | None  # (n,4) float32 shading inputs, or None


def _rot_x(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], np.float64)


def _rot_y(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]], np.float64)


DISPLAY = _rot_x(DISPLAY_TILT) @ _rot_y(DISPLAY_YAW)  # the held object's local frame -> camera space


def hand_center(fy: float) -> np.ndarray:
    """Camera-space point (m) the held object is centred on: the middle of REGION at HAND_DEPTH."""
    x0, x1, y0, y1 = REGION
    return np.array([(x0 + x1) / 2 * HAND_DEPTH / fy, (y0 + y1) / 2 * HAND_DEPTH / fy, HAND_DEPTH])


def fits(pts: np.ndarray, fy: float) -> bool:
    """Whether camera-space points project inside REGION with a bounding box of at most HELD_SHARE."""
    return _fits_xyz(pts[:, 0], pts[:, 1], pts[:, 2], fy)


def _fits_xyz(px: np.ndarray, py: np.ndarray, z: np.ndarray, fy: float) -> bool:
    """fits() of the points with these coordinates."""
    if z.min() < NEAR + 0.02:
        return False
    x, y = fy * px / z, fy * py / z
    x0, x1, y0, y1 = REGION
    return bool(x.min() >= x0 and x.max() <= x1 and y.min() >= y0 and y.max() <= y1
                and (x.max() - x.min()) * (y.max() - y.min()) <= 4.0 * HELD_SHARE)


def fit_scale(offsets: np.ndarray, center: np.ndarray, fy: float) -> float:
    """Largest uniform scale <= 1 at which center + scale * offsets fits (see `fits`)."""
    if fits(center + offsets, fy):
        return 1.0
    # per coordinate, the same arithmetic as fits(center + mid * offsets, fy), on contiguous columns
    o = np.ascontiguousarray(np.asarray(offsets, np.float64).T)
    c = np.asarray(center, np.float64)
    lo, hi = 0.0, 1.0
    for _ in range(22):
        mid = (lo + hi) / 2
        ok = _fits_xyz(c[0] + mid * o[0], c[1] + mid * o[1], c[2] + mid * o[2], fy)
        lo, hi = (mid, hi) if ok else (lo, mid)
    return lo


def _finger(b: MeshBuilder, x: float, side: int, y0: float, y1: float, z: float, tilt: float) -> None:
    """A finger from (x, y0) up to y1; side -1 left, +1 right (its inner face at x); tilt: outward lean, m."""
    o = np.array([x - FINGER_W if side < 0 else x, y0, z - FINGER_D / 2])
    tip = y1 - y0
    pad = min(0.012, tip * 0.3)
    up = np.array([side * tilt * (tip - pad) / tip, tip - pad, 0.0])
    b.para(o, (FINGER_W, 0, 0), up, (0, 0, FINGER_D), METAL)
    b.para(o + up, (FINGER_W, 0, 0), (side * tilt * pad / tip, pad, 0), (0, 0, FINGER_D), PAD)


def gripper_mesh(lo: np.ndarray | None, hi: np.ndarray | None, fy: float) -> Mesh:
    """The gripper in camera space: palm under the box lo..hi, a finger on each side, wrist and forearm
    down to the lower right; with no box (nothing held) the fingers stand open at the hand's place."""
    if lo is None or hi is None:
        c = hand_center(fy)
        half, bottom, top, cz, tilt = OPEN_GAP / 2, c[1] - 0.02, c[1] + 0.028, c[2], 0.012
        cx = c[0]
    else:
        cx, cz = (lo[0] + hi[0]) / 2, (lo[2] + hi[2]) / 2
        half, bottom, tilt = (hi[0] - lo[0]) / 2 + 0.001, lo[1], 0.0
        top = bottom + max(0.6 * (hi[1] - lo[1]), 0.028)
    b = BatchMeshBuilder()
    x_l, x_r = cx - half, cx + half
    _finger(b, x_l, -1, bottom - 0.006, top, cz, tilt)
    _finger(b, x_r, 1, bottom - 0.006, top, cz, tilt)
    palm_z = max(FINGER_D / 2 + 0.006, 0.02)
    b.box((x_l - FINGER_W - 0.002, bottom - 0.02, cz - palm_z), (x_r + FINGER_W + 0.002, bottom - 0.006, cz + palm_z),
          METAL)
    b.cyl(cx, cz, 0.017, 0.017, bottom - 0.042, bottom - 0.02, DARK, n=12, top=True, bottom=True)
    o = np.array([cx - 0.015, bottom - 0.052, cz - 0.015])
    b.para(o, (0.03, 0, 0), (0.13, -0.17, -0.03), (0, 0, 0.03), ARM)
    b.box((cx - 0.019, bottom - 0.056, cz - 0.019), (cx + 0.019, bottom - 0.04, cz + 0.019), DARK)
    return b.build()


_GRIPPERS: OrderedDict[tuple[bytes, bytes, float], Mesh] = OrderedDict()  # recent gripper meshes (read only)
GRIPPER_CACHE = 32


def _gripper_cached(lo: np.ndarray | None, hi: np.ndarray | None, fy: float) -> Mesh:
    """gripper_mesh, remembered for the last GRIPPER_CACHE boxes (exact keys: the same box gives the same mesh)."""
    if lo is None or hi is None:
        key = (b"", b"", fy)
    else:
        key = (np.asarray(lo, np.float64).tobytes(), np.asarray(hi, np.float64).tobytes(), fy)
    g = _GRIPPERS.get(key)
    if g is None:
        g = _GRIPPERS[key] = gripper_mesh(lo, hi, fy)
        if len(_GRIPPERS) > GRIPPER_CACHE:
            _GRIPPERS.popitem(last=False)
    else:
        _GRIPPERS.move_to_end(key)
    return g


def hand_rows(parts: Sequence[HeldPart], held_yaw: np.ndarray, fov: float, with_surface: bool) -> HandRows:
    """Camera-space faces of the held parts (moved into the hand, scaled to fit) and the gripper.

    held_yaw: the held object's 3x3 yaw rotation (local -> world)."""
    fy = 1.0 / math.tan(math.radians(fov) / 2.0)
    center = hand_center(fy)
    tris: list[np.ndarray] = []
    normals: list[np.ndarray] = []
    ids: list[np.ndarray] = []
    lo = hi = None
    if parts:
        to_cam = held_yaw @ DISPLAY.T  # world offset (row) -> local -> camera space
        local = [p.tris @ to_cam for p in parts]
        pts = np.concatenate([t.reshape(-1, 3) for t in local])
        mid = (pts.min(0) + pts.max(0)) / 2
        s = fit_scale(pts - mid, center, fy)
        for p, t in zip(parts, local):
            tris.append(center + s * (t - mid))
            normals.append(np.asarray(p.normals, np.float64) @ to_cam)
            ids.append(np.full(len(t), p.index, np.int32))
        allp = np.concatenate([t.reshape(-1, 3) for t in tris])
        lo, hi = allp.min(0), allp.max(0)
    g = _gripper_cached(lo, hi, fy)
    meshes = [p.mesh for p in parts] + [g]
    surface = None
    if with_surface:
        from .materials import MAT_ID
        from .materials import surface as make_surface

        mats = np.where(np.all(g.colors == np.asarray(PAD, np.float32), axis=1), MAT_ID["Rubber"], MAT_ID["Metal"])
        gs = make_surface(g.colors, mats.astype(np.float32))
        surface = np.concatenate([p.surface if p.surface is not None else make_surface(
            p.mesh.colors, np.full(len(p.mesh), MAT_ID["Plastic"], np.float32)) for p in parts] + [gs])
    m = concat(meshes)
    return HandRows(np.concatenate(tris + [g.tris.astype(np.float64)]),
                    np.concatenate(normals + [g.normals.astype(np.float64)]), m.colors.astype(np.float64),
                    m.emissive, m.closed, np.concatenate(ids + [np.full(len(g), ID_AGENT, np.int32)]), surface)


def hand_inputs(parts: Sequence[HeldPart], held_yaw: np.ndarray, fov: float, with_surface: bool) -> tuple[object, ...]:
    """Everything hand_rows' result depends on, exactly: equal inputs give equal rows.

    The parts' keys stand for their offsets from the held centre, computed from their meshes, so carrying an
    object from place to place keeps the rows (geometry.WorldBuilder.held_parts)."""
    return (fov, with_surface, held_yaw.tobytes(), tuple(p.key for p in parts))


def _cam_key(cam: Camera) -> tuple[float, ...]:
    return (*np.asarray(cam.position, np.float64).tolist(), float(cam.yaw), float(cam.horizon), float(cam.fov))


HAND_CACHE = 16  # hand rows remembered per overlay (carrying an object, the same offsets recur)


class HandOverlay:
    """The gripper (and the held object in it) placed for the scene's camera, alone (`place`) or appended to a
    world soup (`attach`).

    The camera-space rows (`rows`) are rebuilt when the world soup changes (unless one of the last HAND_CACHE
    builds had exactly the same inputs); a camera move only re-places them (`place`; the lit GL renderer places
    them on the GPU instead).
    attach's result records its parent and dirty rows like a patched soup, so GL rewrites only those."""

    def __init__(self) -> None:
        self._base: WorldGeometry | None = None  # place's last soup
        self._rows: HandRows | None = None  # rows' last result and its soup
        self._rows_base: WorldGeometry | None = None
        self._fov = 0.0
        self._cam: tuple[float, ...] = ()
        self._placed: WorldGeometry | None = None
        self._att_base: WorldGeometry | None = None  # attach's last soup, hand rows and result
        self._att_hand: WorldGeometry | None = None
        self._out: WorldGeometry | None = None
        # recent rows by what they were built from (hand_inputs); the parts keep their meshes' ids from reuse
        self._recent: OrderedDict[tuple[object, ...], tuple[HandRows, list[HeldPart]]] = OrderedDict()

    def rows(self, scene_camera: Camera, base: WorldGeometry,
             held: Callable[[], tuple[list[HandPart], np.ndarray]]) -> HandRows:
        """The camera-space hand rows for the soup `base` at the camera's field of view (cached: rebuilt when the
        soup changes, unless one of the last HAND_CACHE builds had exactly the same inputs); `held` gives
        WorldBuilder.held_parts (the in-hand parts, the held yaw matrix)."""
        fov = float(scene_camera.fov or 90.0)
        rows = self._rows
        if rows is not None and base is self._rows_base and fov == self._fov:
            return rows
        placed, yaw = held()
        parts = [HeldPart(*p) for p in placed]
        inputs = hand_inputs(parts, yaw, fov, base.surface is not None)
        hit = self._recent.get(inputs)
        if hit is None:
            rows = hand_rows(parts, yaw, fov, base.surface is not None)
            self._recent[inputs] = (rows, parts)
            if len(self._recent) > HAND_CACHE:
                self._recent.popitem(last=False)
        else:
            rows = hit[0]
            self._recent.move_to_end(inputs)
        self._rows, self._rows_base, self._fov = rows, base, fov
        return rows

    def place(self, scene_camera: Camera, base: WorldGeometry,
              held: Callable[[], tuple[list[HandPart], np.ndarray]]) -> WorldGeometry:
        """The hand rows alone, in world space, for `scene_camera` and the soup `base` (cached per soup and
        camera pose; see `rows`)."""
        key = _cam_key(scene_camera)
        if self._placed is not None and base is self._base and key == self._cam:
            return self._placed
        rows = self.rows(scene_camera, base, held)
        basis = camera_basis(scene_camera)
        pos = np.asarray(scene_camera.position, np.float64)
        tris = (rows.tris @ basis + pos).astype(np.float32)
        nrm = rows.normals @ basis
        cols = shade(nrm, rows.albedo, rows.emissive)
        surf = rows.surface if base.surface is not None else None
        out = WorldGeometry(tris, nrm.astype(np.float32), cols, rows.ids, rows.closed, base.room, base.version,
                            surface=surf)
        self._base, self._cam, self._placed = base, key, out
        return out

    def attach(self, scene_camera: Camera, base: WorldGeometry,
               held: Callable[[], tuple[list[HandPart], np.ndarray]]) -> WorldGeometry:
        """The soup `base` plus the hand rows for `scene_camera` (see `place`)."""
        hand = self.place(scene_camera, base, held)
        prev_base, prev = self._att_base, self._out
        if prev is not None and base is prev_base and hand is self._att_hand:
            return prev
        nb = len(base.tris)
        parent: int | None = None
        dirty: tuple[tuple[int, int, int, int], ...] = ()
        if prev is not None and prev_base is not None:
            old_rows = len(prev.tris) - len(prev_base.tris)
            if base is prev_base:
                parent, dirty = prev.serial, ((nb, nb + old_rows, nb, nb + len(hand.tris)),)
            elif base.parent == prev_base.serial:
                ob = len(prev_base.tris)
                parent, dirty = prev.serial, base.dirty + ((ob, ob + old_rows, nb, nb + len(hand.tris)),)
        surf = None
        if base.surface is not None and hand.surface is not None:
            surf = np.concatenate([base.surface, hand.surface])
        out = WorldGeometry(np.concatenate([base.tris, hand.tris]), np.concatenate([base.normals, hand.normals]),
                            np.concatenate([base.colors, hand.colors]), np.concatenate([base.ids, hand.ids]),
                            np.concatenate([base.closed, hand.closed]), base.room, base.version,
                            surface=surf, parent=parent, dirty=dirty)
        self._att_base, self._att_hand, self._out = base, hand, out
        return out
