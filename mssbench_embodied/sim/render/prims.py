"""Low-poly mesh primitives in a unit box [-0.5, 0.5]^3 (y up, front = +z)."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Color = tuple[float, float, float]
Vec3 = np.ndarray | Sequence[float]  # a point or direction: array or (x, y, z)


@dataclass
class Mesh:
    """Triangles with per-face normals, albedo and flags."""

    tris: np.ndarray  # (n,3,3) float32, unit-box coordinates
    normals: np.ndarray  # (n,3) float32, outward face normals
    colors: np.ndarray  # (n,3) float32, albedo 0..255
    emissive: np.ndarray  # (n,) bool: unlit (glowing) faces
    closed: np.ndarray  # (n,) bool: part of a closed convex solid (back faces may be culled)

    def __len__(self) -> int:
        return len(self.tris)

    def copy(self) -> Mesh:
        """A deep copy."""
        return Mesh(self.tris.copy(), self.normals.copy(), self.colors.copy(), self.emissive.copy(), self.closed.copy())


def concat(meshes: list[Mesh]) -> Mesh:
    """One mesh of all the faces, in order."""
    meshes = [m for m in meshes if len(m)]
    if not meshes:
        z = np.zeros((0, 3), np.float32)
        return Mesh(np.zeros((0, 3, 3), np.float32), z, z.copy(), np.zeros(0, bool), np.zeros(0, bool))
    fields = ("tris", "normals", "colors", "emissive", "closed")
    return Mesh(*(np.concatenate([getattr(m, f) for m in meshes]) for f in fields))


def _ring(n: int, phase: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    a = np.arange(n) * (2 * math.pi / n) + phase
    return np.cos(a), np.sin(a)


PARA_IJK = np.array([(i, j, k) for i in (0, 1) for j in (0, 1) for k in (0, 1)], np.float64)
_PARA_Q = ((0, 1, 3, 2), (4, 5, 7, 6), (0, 1, 5, 4), (2, 3, 7, 6), (0, 2, 6, 4), (1, 3, 7, 5))
PARA_TRIS = np.array([(a, b, c) for a, b, c, _ in _PARA_Q] + [(a, c, d) for a, _, c, d in _PARA_Q])  # corner indices


class MeshBuilder:
    """Collects triangles; normals are oriented away from each primitive's reference point."""

    def __init__(self) -> None:
        self._parts: list[Mesh] = []

    def add(self, tris: np.ndarray, color: Color, ref: Vec3 | None = None, normal: Vec3 | None = None,
            emissive: bool = False, closed: bool = False, invert: bool = False) -> None:
        """Add triangles facing `normal`, or away from `ref`; `invert` flips them (inner walls)."""
        t = np.asarray(tris, dtype=np.float64).reshape(-1, 3, 3)
        if not len(t):
            return
        a, b = t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]
        # np.cross(a, b), spelled out: the same arithmetic without its per-call overhead (meshes built per frame)
        n = np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1], a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                      a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], 1)
        ln = np.linalg.norm(n, axis=1)
        keep = ln > 1e-12
        t, n, ln = t[keep], n[keep], ln[keep]
        n = n / ln[:, None]
        if normal is not None:
            flip = n @ np.asarray(normal, dtype=np.float64) < 0
        else:
            flip = np.einsum("ij,ij->i", n, t.mean(axis=1) - np.asarray(ref, dtype=np.float64)) < 0
        n[flip] *= -1
        if invert:
            n = -n
        k = len(t)
        self._parts.append(Mesh(t.astype(np.float32), n.astype(np.float32),
                                np.full((k, 3), np.asarray(color, np.float32)),
                                np.full(k, emissive), np.full(k, closed)))

    def extend(self, mesh: Mesh) -> None:
        """Add a built mesh as it is."""
        self._parts.append(mesh)

    def build(self) -> Mesh:
        """The mesh of everything added."""
        return concat(self._parts)

    # ---- primitives -------------------------------------------------------------------
    def box(self, lo: Vec3, hi: Vec3, color: Color, emissive: bool = False, skip: str = "",
            invert: bool = False) -> None:
        """Axis box; skip e.g. "t" (top), "b" (bottom), "f"/"k" (front +z / back -z), "l"/"r" (-x/+x)."""
        x0, y0, z0 = lo
        x1, y1, z1 = hi
        faces = {
            "t": [(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)],
            "b": [(x0, y0, z0), (x1, y0, z0), (x1, y0, z1), (x0, y0, z1)],
            "f": [(x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)],
            "k": [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0)],
            "l": [(x0, y0, z0), (x0, y1, z0), (x0, y1, z1), (x0, y0, z1)],
            "r": [(x1, y0, z0), (x1, y1, z0), (x1, y1, z1), (x1, y0, z1)],
        }
        tris = []
        for key, q in faces.items():
            if key not in skip:
                tris += [(q[0], q[1], q[2]), (q[0], q[2], q[3])]
        ref = (np.asarray(lo, float) + np.asarray(hi, float)) / 2
        self.add(np.array(tris), color, ref=ref, emissive=emissive, closed=not skip and not invert, invert=invert)

    def quad(self, p0: Vec3, p1: Vec3, p2: Vec3, p3: Vec3, color: Color, normal: Vec3, emissive: bool = False) -> None:
        """Quad p0..p3 (two triangles) facing `normal`."""
        self.add(np.array([(p0, p1, p2), (p0, p2, p3)]), color, normal=normal, emissive=emissive)

    def cyl(self, cx: float, cz: float, rx: float, rz: float, y0: float, y1: float, color: Color, n: int = 10,
            top: bool = True, bottom: bool = False, top_scale: float = 1.0, emissive: bool = False,
            invert: bool = False, top_color: Color | None = None) -> None:
        """Vertical (frustum) cylinder; top radius = radius * top_scale."""
        c, s = _ring(n, math.pi / n)
        b = np.stack([cx + rx * c, np.full(n, y0), cz + rz * s], 1)
        t = np.stack([cx + rx * top_scale * c, np.full(n, y1), cz + rz * top_scale * s], 1)
        j = np.roll(np.arange(n), -1)
        side = np.concatenate([np.stack([b, b[j], t[j]], 1), np.stack([b, t[j], t], 1)])
        closed = top and bottom and not invert
        self.add(side, color, ref=(cx, (y0 + y1) / 2, cz), emissive=emissive, closed=closed, invert=invert)
        if top:
            self.disk(cx, cz, rx * top_scale, rz * top_scale, y1, top_color or color, n, emissive=emissive,
                      closed=closed)
        if bottom:
            self.disk(cx, cz, rx, rz, y0, color, n, up=False, closed=closed)

    def disk(self, cx: float, cz: float, rx: float, rz: float, y: float, color: Color, n: int = 10, up: bool = True,
             emissive: bool = False, closed: bool = False) -> None:
        """Horizontal elliptic disk at height y, facing up (or down)."""
        c, s = _ring(n, math.pi / n)
        p = np.stack([cx + rx * c, np.full(n, y), cz + rz * s], 1)
        j = np.roll(np.arange(n), -1)
        ctr = np.tile([cx, y, cz], (n, 1))
        self.add(np.stack([ctr, p, p[j]], 1), color, normal=(0, 1 if up else -1, 0), emissive=emissive, closed=closed)

    def annulus(self, cx: float, cz: float, r0: float, r1: float, y: float, color: Color, n: int = 12,
                emissive: bool = False, sz: float = 1.0) -> None:
        """Flat ring facing up; sz scales the z radii (elliptic rings)."""
        c, s = _ring(n, math.pi / n)
        a = np.stack([cx + r0 * c, np.full(n, y), cz + r0 * sz * s], 1)
        b = np.stack([cx + r1 * c, np.full(n, y), cz + r1 * sz * s], 1)
        j = np.roll(np.arange(n), -1)
        self.add(np.concatenate([np.stack([a, b, b[j]], 1), np.stack([a, b[j], a[j]], 1)]), color, normal=(0, 1, 0),
                 emissive=emissive)

    def sphere(self, c: Vec3, r: float | Vec3, color: Color, n_lat: int = 4, n_lon: int = 8,
               emissive: bool = False) -> None:
        """UV sphere (or ellipsoid, with per-axis radii r) centred at c."""
        lat = np.linspace(-math.pi / 2, math.pi / 2, n_lat + 1)
        lon = np.arange(n_lon) * (2 * math.pi / n_lon)
        unit = np.stack(np.broadcast_arrays(np.cos(lat)[:, None] * np.cos(lon)[None],
                                            np.sin(lat)[:, None] + 0 * lon[None],
                                            np.cos(lat)[:, None] * np.sin(lon)[None]), -1)
        pts = unit * np.asarray(r, float) + np.asarray(c, float)
        j = np.roll(np.arange(n_lon), -1)
        tris = []
        for i in range(n_lat):
            a, b = pts[i], pts[i + 1]
            if i > 0:
                tris.append(np.stack([a, a[j], b[j]], 1))
            if i < n_lat - 1:
                tris.append(np.stack([a, b[j], b], 1))
        self.add(np.concatenate(tris), color, ref=c, emissive=emissive, closed=True)

    def basin(self, lo: Vec3, hi: Vec3, inset: float, depth_lo: float, rim: Color, inner: Color, floor: Color) -> None:
        """Recessed open-top tray: rim frame at y=hi, sloped inner walls down to depth_lo, floor."""
        x0, y0, z0 = lo
        x1, y1, z1 = hi
        ix0, ix1, iz0, iz1 = x0 + inset, x1 - inset, z0 + inset, z1 - inset
        bx0, bx1 = ix0 + inset * 0.5, ix1 - inset * 0.5
        bz0, bz1 = iz0 + inset * 0.5, iz1 - inset * 0.5
        up = (0, 1, 0)
        self.quad((x0, y1, z0), (x1, y1, z0), (x1, y1, iz0), (x0, y1, iz0), rim, up)
        self.quad((x0, y1, iz1), (x1, y1, iz1), (x1, y1, z1), (x0, y1, z1), rim, up)
        self.quad((x0, y1, iz0), (ix0, y1, iz0), (ix0, y1, iz1), (x0, y1, iz1), rim, up)
        self.quad((ix1, y1, iz0), (x1, y1, iz0), (x1, y1, iz1), (ix1, y1, iz1), rim, up)
        c = ((x0 + x1) / 2, y1 + 10.0, (z0 + z1) / 2)  # inner walls face up/inwards
        walls = [((ix0, iz0), (ix1, iz0), (bx1, bz0), (bx0, bz0)), ((ix1, iz0), (ix1, iz1), (bx1, bz1), (bx1, bz0)),
                 ((ix1, iz1), (ix0, iz1), (bx0, bz1), (bx1, bz1)), ((ix0, iz1), (ix0, iz0), (bx0, bz0), (bx0, bz1))]
        for (a, b, cc, d) in walls:
            q = np.array([(a[0], y1, a[1]), (b[0], y1, b[1]), (cc[0], depth_lo, cc[1]), (d[0], depth_lo, d[1])])
            self.add(np.array([(q[0], q[1], q[2]), (q[0], q[2], q[3])]), inner, ref=c, invert=True)
        self.quad((bx0, depth_lo, bz0), (bx1, depth_lo, bz0), (bx1, depth_lo, bz1), (bx0, depth_lo, bz1), floor, up)
        # outer skirt (sides, no top)
        self.box((x0, y0, z0), (x1, y1, z1), rim, skip="t")

    def para(self, o: Vec3, u: Vec3, v: Vec3, w: Vec3, color: Color, emissive: bool = False) -> None:
        """Parallelepiped (rotated box) from corner o and edge vectors u, v, w."""
        o, u, v, w = (np.asarray(a, float) for a in (o, u, v, w))
        # corners o + i*u + j*v + k*w (i, j, k in 0, 1; i slowest), evaluated left to right for all 8 at once
        c = o + PARA_IJK[:, :1] * u + PARA_IJK[:, 1:2] * v + PARA_IJK[:, 2:] * w
        self.add(c[PARA_TRIS], color, ref=o + (u + v + w) / 2, emissive=emissive, closed=True)

    def shell(self, lo: Vec3, hi: Vec3, wall: float, color: Color, inner: Color, side: str = "f",
              inner_emissive: bool = False) -> None:
        """Hollow box open on `side` ("f" front +z or "t" top): outer skin, inner skin, rim."""
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        self.box(lo, hi, color, skip=side)
        ilo, ihi = lo + wall, hi - wall
        ax = 2 if side == "f" else 1
        ihi[ax] = hi[ax]
        self.box(ilo, ihi, inner, skip=side, invert=True, emissive=inner_emissive)
        a, b = [i for i in range(3) if i != ax]
        h = hi[ax]

        def p(u: float, v: float) -> np.ndarray:
            r = np.zeros(3)
            r[a], r[b], r[ax] = u, v, h
            return r
        nrm = np.zeros(3)
        nrm[ax] = 1
        for (u0, u1, v0, v1) in [(lo[a], hi[a], lo[b], ilo[b]), (lo[a], hi[a], ihi[b], hi[b]),
                                 (lo[a], ilo[a], ilo[b], ihi[b]), (ihi[a], hi[a], ilo[b], ihi[b])]:
            self.quad(p(u0, v0), p(u1, v0), p(u1, v1), p(u0, v1), color, nrm)


class BatchMeshBuilder(MeshBuilder):
    """A MeshBuilder that orients and normalises all its triangles in one pass at build(), for meshes rebuilt
    per frame (the gripper): fewer numpy calls, the same per-row arithmetic, so the same mesh (faces facing
    a given normal are oriented by a dot product spelled as einsum, not matmul; only its sign is used)."""

    def __init__(self) -> None:
        super().__init__()
        # (tris, colour, reference point or None, normal or None, emissive, closed, invert)
        self._raw: list[tuple[np.ndarray, Color, Vec3 | None, Vec3 | None, bool, bool, bool]] = []

    def add(self, tris: np.ndarray, color: Color, ref: Vec3 | None = None, normal: Vec3 | None = None,
            emissive: bool = False, closed: bool = False, invert: bool = False) -> None:
        """Queue triangles (see MeshBuilder.add); they are oriented at build()."""
        t = np.asarray(tris, dtype=np.float64).reshape(-1, 3, 3)
        if len(t):
            self._raw.append((t, color, ref, normal, emissive, closed, invert))

    def extend(self, mesh: Mesh) -> None:
        """Add a built mesh as it is (after what was queued before it)."""
        self._flush()
        self._parts.append(mesh)

    def build(self) -> Mesh:
        """The mesh of everything added."""
        self._flush()
        return concat(self._parts)

    def _flush(self) -> None:
        raw, self._raw = self._raw, []
        if not raw:
            return
        counts = np.array([len(r[0]) for r in raw])
        t = np.concatenate([r[0] for r in raw])
        a, b = t[:, 1] - t[:, 0], t[:, 2] - t[:, 0]
        n = np.stack([a[:, 1] * b[:, 2] - a[:, 2] * b[:, 1], a[:, 2] * b[:, 0] - a[:, 0] * b[:, 2],
                      a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]], 1)
        ln = np.linalg.norm(n, axis=1)
        by_normal = np.repeat([r[3] is not None for r in raw], counts)
        # per row: the facing normal, or the reference point to face away from
        vec = np.repeat(np.array([r[3] if r[3] is not None else r[2] for r in raw], np.float64), counts, axis=0)
        part = np.repeat(np.arange(len(raw)), counts)
        keep = ln > 1e-12
        t, n, ln, by_normal, vec, part = t[keep], n[keep], ln[keep], by_normal[keep], vec[keep], part[keep]
        n = n / ln[:, None]
        toward = np.where(by_normal[:, None], vec, t.mean(axis=1) - vec)
        flip = np.einsum("ij,ij->i", n, toward) < 0
        n[flip] *= -1
        inv = np.array([r[6] for r in raw])[part]
        n[inv] = -n[inv]
        self._parts.append(Mesh(t.astype(np.float32), n.astype(np.float32),
                                np.array([r[1] for r in raw], np.float32)[part],
                                np.array([r[4] for r in raw], bool)[part], np.array([r[5] for r in raw], bool)[part]))
