"""Pure numpy z-buffer rasteriser (fallback when GL is unavailable).

Same triangles, camera and lighting as the GL renderer. Triangles are back-face culled
(closed solids only), near-clipped, projected, cut into one pixel span per (triangle, row),
expanded to fragments in one flat batch and resolved with an int64 (depth | tri) minimum.
"""
from __future__ import annotations

import numpy as np

from .camera import camera_basis, focal, to_pixels
from .geometry import WorldBuilder, WorldGeometry
from .scene import FAR, ID_NOTHING, NEAR, RenderOutput, RenderScene, RenderStyle

TRI_BITS = 22
TRI_MASK = (1 << TRI_BITS) - 1
SENTINEL = TRI_MASK  # "no triangle" in the key's low bits
EPS = -1e-5  # barycentric slack so shared edges never leave cracks


def _clip_near(v: np.ndarray, src: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip camera-space triangles (N,3,3) against z = NEAR; returns new tris and source ids."""
    inside = v[..., 2] >= NEAR
    cnt = inside.sum(1)
    out, osrc = [v[cnt == 3]], [src[cnt == 3]]

    def lerp(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        t = (NEAR - a[:, 2]) / (b[:, 2] - a[:, 2])
        return a + (b - a) * t[:, None]

    for k in (1, 2):
        sel = np.nonzero(cnt == k)[0]
        if not len(sel):
            continue
        tv = v[sel]
        # rotate so vertex 0 is the lone inside (k=1) or lone outside (k=2) vertex
        first = np.argmax(inside[sel], 1) if k == 1 else np.argmin(inside[sel], 1)
        order = (first[:, None] + np.arange(3)[None]) % 3
        tv = np.take_along_axis(tv, order[:, :, None], 1)
        a, b, c = tv[:, 0], tv[:, 1], tv[:, 2]
        if k == 1:
            out.append(np.stack([a, lerp(a, b), lerp(a, c)], 1))
            osrc.append(src[sel])
        else:
            ib, ic = lerp(b, a), lerp(c, a)
            out += [np.stack([b, c, ic], 1), np.stack([b, ic, ib], 1)]
            osrc += [src[sel], src[sel]]
    return np.concatenate(out), np.concatenate(osrc)


class NumpyRenderer:
    """The pure numpy renderer (a Renderer): same frames as GLRenderer, no GL needed."""

    kind = "numpy"

    def __init__(self, width: int, height: int, fov: float = 90.0, style: RenderStyle = "flat") -> None:
        self.width, self.height, self.fov = int(width), int(height), float(fov)
        self.style: RenderStyle = style
        self._world = WorldBuilder(style)

    def close(self) -> None:
        """Drop the cached geometry."""
        self._world = WorldBuilder(self.style)

    def geometry(self, scene: RenderScene) -> WorldGeometry:
        """The world triangle soup drawn for `scene` (cached per scene version, patched when it can be)."""
        return self._world.get(scene)

    def clear_cache(self) -> None:
        """Forget the cached geometry: the next render builds it from scratch."""
        self._world = WorldBuilder(self.style)

    def render(self, scene: RenderScene) -> RenderOutput:
        """Draw the scene from its camera."""
        geo = self._world.get(scene)
        cam = scene.camera
        fov = float(cam.fov or self.fov)
        w, h = self.width, self.height
        basis = camera_basis(cam)
        pos = np.asarray(cam.position, np.float64)
        zkey = np.full(w * h, (np.int64(np.float32(FAR).view(np.int32)) << TRI_BITS) | SENTINEL)
        ntri = len(geo.tris)
        tris = geo.tris[:ntri]
        src = np.arange(ntri, dtype=np.int64)
        # backface-cull closed solids (their back faces are always hidden)
        if ntri:
            cen = tris.mean(1)
            back = geo.closed[:ntri] & (np.einsum("ij,ij->i", geo.normals[:ntri], cen - pos) > 0)
            tris, src = tris[~back], src[~back]
        v = (tris.astype(np.float64) - pos) @ basis.T
        fx, fy = focal(fov, w, h)
        x, y, z = v[..., 0], v[..., 1], v[..., 2]
        out = ((fx * x > z).all(1) | (-fx * x > z).all(1) | (fy * y > z).all(1) | (-fy * y > z).all(1)
               | (z < NEAR).all(1) | (z > FAR).all(1))
        v, src = v[~out], src[~out]
        if len(v):
            v, src = _clip_near(v, src)
            self._raster(v, src, fov, zkey)
        t = zkey & TRI_MASK
        nothing = t == SENTINEL
        t[nothing] = 0
        depth = (zkey >> TRI_BITS).astype(np.int32).view(np.float32)
        ids = geo.ids[t]
        ids[nothing] = ID_NOTHING
        rgb = geo.colors[t]
        rgb[nothing] = 0
        return RenderOutput(rgb.reshape(h, w, 3).astype(np.uint8), depth.reshape(h, w), ids.reshape(h, w))

    def _raster(self, v: np.ndarray, src: np.ndarray, fov: float, zkey: np.ndarray) -> None:
        """Scanline spans per (triangle, row), expanded to pixels, resolved by int64 min."""
        w, h = self.width, self.height
        p = to_pixels(v, fov, w, h)  # (K,3,2)
        iz = 1.0 / v[..., 2]
        xs, ys = p[..., 0], p[..., 1]
        area = (xs[:, 1] - xs[:, 0]) * (ys[:, 2] - ys[:, 0]) - (xs[:, 2] - xs[:, 0]) * (ys[:, 1] - ys[:, 0])
        c0 = np.clip(np.ceil(xs.min(1) - 0.5), 0, w).astype(np.int64)
        c1 = np.clip(np.floor(xs.max(1) - 0.5), -1, w - 1).astype(np.int64)
        r0 = np.clip(np.ceil(ys.min(1) - 0.5), 0, h).astype(np.int64)
        r1 = np.clip(np.floor(ys.max(1) - 0.5), -1, h - 1).astype(np.int64)
        keep = (np.abs(area) > 1e-12) & (c1 >= c0) & (r1 >= r0)
        if not keep.any():
            return
        xs, ys, iz, area, src = xs[keep], ys[keep], iz[keep], area[keep], src[keep]
        c0, c1, r0, r1 = c0[keep], c1[keep], r0[keep], r1[keep]
        k = len(xs)
        # barycentric w_e(X, Y) = a_e X + b_e Y + c_e at pixel centres; 1/z likewise
        a = np.empty((k, 3))
        b = np.empty((k, 3))
        c = np.empty((k, 3))
        for e in range(3):
            i, j = (e + 1) % 3, (e + 2) % 3
            a[:, e] = -(ys[:, j] - ys[:, i]) / area
            b[:, e] = (xs[:, j] - xs[:, i]) / area
            c[:, e] = -(a[:, e] * xs[:, i] + b[:, e] * ys[:, i])
        za, zb, zc = (a * iz).sum(1), (b * iz).sum(1), (c * iz).sum(1)
        # one span per (triangle, row)
        nr = r1 - r0 + 1
        t = np.repeat(np.arange(k), nr)
        row = np.arange(len(t)) - np.repeat(np.cumsum(nr) - nr, nr) + r0[t]
        yc = row + 0.5
        kk = b[t] * yc[:, None] + c[t] + (-EPS)  # w_e = a_e X + kk_e >= 0
        at = a[t]
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = -kk / at
        lo = np.where(at > 0, bound, -np.inf).max(1)
        hi = np.where(at < 0, bound, np.inf).min(1)
        dead = ((at == 0) & (kk < 0)).any(1)
        x0 = np.maximum(np.ceil(lo - 0.5), c0[t])
        x1 = np.minimum(np.floor(hi - 0.5), c1[t])
        n = np.where(dead, 0, x1 - x0 + 1)
        live = n > 0
        t, row, x0, n = t[live], row[live], x0[live].astype(np.int64), n[live].astype(np.int64)
        if not len(t):
            return
        tot = int(n.sum())
        off = np.arange(tot, dtype=np.int64) - np.repeat(np.cumsum(n) - n, n)
        pix = np.repeat(row * w + x0, n) + off
        iz0 = (za[t] * (x0 + 0.5) + zb[t] * (row + 0.5) + zc[t]).astype(np.float32)
        izs = np.repeat(iz0, n) + np.repeat(za[t].astype(np.float32), n) * off.astype(np.float32)
        izs = np.maximum(izs, np.float32(1e-6))
        depth = (np.float32(1.0) / izs).view(np.int32).astype(np.int64)
        keys = (depth << TRI_BITS) | np.repeat(src[t], n)
        np.minimum.at(zkey, pix, keys)
