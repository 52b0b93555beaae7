"""Legible-style models of the remaining hazard-rule types: dog bed, dumbbell, keys, pen, shakers, spatula, racket.

Each builder works in metres (parts sized from the object's size `s`), then scales the result into
the unit box (front = +z) with `to_unit`, so round parts stay round. Long objects are designed along
z (head at +z) and turned to the box's long axis like cutlery (`head_up`, `along_long_axis`).
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ..prims import Color, Mesh, MeshBuilder
from .legible_kitchen import HOLE, Y_TO_X, bar, facet_jitter, head_up, lathe, long_wide, long_x, prism
from .registry import DARK, STEEL, Y_TO_Z, ShapeState, along_long_axis, mix, model, mul, transform

CREAM: Color = (236, 226, 204)
STRING: Color = (240, 232, 200)  # not grey: materials.py would shade grey faces of a metal object as metal
GLASS: Color = (188, 210, 232)
SALT: Color = (252, 247, 216)
GRIP: Color = (36, 36, 40)


# ---- helpers ---------------------------------------------------------------------------
def to_unit(m: Mesh, dims: Sequence[float]) -> Mesh:
    """A mesh built in metres (centred on the box) scaled into the unit box of size `dims`, clipped to it."""
    out = transform(m, np.diag(1.0 / np.maximum(np.asarray(dims, float), 1e-4)).astype(np.float32))
    out.tris = np.clip(out.tris, -0.5, 0.5)
    return out


def long_z_dims(s: np.ndarray, width: float) -> np.ndarray:
    """(wide, high, long) metres of a long object designed along z; a squarish footprint (lying diagonally,
    see `along_long_axis`) is `width` wide along its diagonal."""
    L, W = long_wide(s)
    if L < 2.0 * W:
        return np.array([width, float(s[1]), math.hypot(L, W) * 0.8])
    return np.array([W, float(s[1]), L])


def tube_loop(b: MeshBuilder, pts: np.ndarray, rh: float | np.ndarray, rv: float | np.ndarray,
              colors: Sequence[Color], closed: bool = True) -> None:
    """A tube along the horizontal centreline pts (n, 3), counter-clockwise seen from above; the elliptic
    cross-section is rh across the loop and rv high. colors[j] colours the j-th of k facets round the
    tube (facet 0 faces outwards, k/4 up)."""
    p = np.asarray(pts, float)
    n, k = len(p), len(colors)
    t = np.roll(p, -1, 0) - np.roll(p, 1, 0)
    if not closed:
        t[0], t[-1] = p[1] - p[0], p[-1] - p[-2]
    out = np.stack([t[:, 2], np.zeros(n), -t[:, 0]], 1)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    phi = (np.arange(k) + 0.5) * 2 * math.pi / k
    rh_ = np.broadcast_to(np.asarray(rh, float), (n,))[:, None, None]
    rv_ = np.broadcast_to(np.asarray(rv, float), (n,))[:, None, None]
    ring = (p[:, None] + np.cos(phi)[None, :, None] * rh_ * out[:, None]
            + np.sin(phi)[None, :, None] * rv_ * np.array([0.0, 1.0, 0.0]))
    for i in range(n if closed else n - 1):
        i2 = (i + 1) % n
        ref = (p[i] + p[i2]) / 2
        for j in range(k):
            j2 = (j + 1) % k
            b.add(np.array([(ring[i, j], ring[i2, j], ring[i2, j2]), (ring[i, j], ring[i2, j2], ring[i, j2])]),
                  colors[j], ref=ref)


def flat_poly(b: MeshBuilder, pts: Sequence[tuple[float, float]], y0: float, y1: float, color: Color,
              top: Color | None = None) -> None:
    """A thin plate over a convex (x, z) polygon (metres) from y0 to y1."""
    prism(b, pts, y0, y1, color, top=top)


def along(o: np.ndarray, u: np.ndarray, pts: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """Points (a, v) of a local frame (a along unit u, v across it) placed at o, as (x, z)."""
    v = np.array([-u[1], u[0]])
    return [(float(o[0] + a * u[0] + w * v[0]), float(o[1] + a * u[1] + w * v[1])) for a, w in pts]


# ---- dog bed ---------------------------------------------------------------------------
@model("DogBed")
def dog_bed(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Round padded dog bed: a thick bolster rim (fleece-lined inside) dipping low at the front (+z),
    a soft cushion inside with a paw print, on a flat base."""
    W, H, D = (float(v) for v in s)
    ax, az = W / 2, D / 2
    tw = min(0.12, 0.24 * min(ax, az), 0.7 * H)
    a = np.linspace(0, 2 * math.pi, 49)[:-1]
    front = np.maximum(0.0, np.sin(a)) ** 3
    lumps = 1.0 - 0.07 * np.cos(16 * a) ** 2  # stuffed sections between stitched seams
    top = H / 2 - 0.6 * H * front
    rv = (top + H / 2) / 2 * lumps
    pts = np.stack([(ax - tw) * np.cos(a), -H / 2 + rv, (az - tw) * np.sin(a)], 1)
    lining = mix(c, CREAM, 0.55)
    k = 10
    phi = (np.arange(k) + 1.0) * 2 * math.pi / k
    cols = [lining if math.cos(p) < 0.35 and math.sin(p) > -0.5 else (mul(c, 1.08) if math.sin(p) > 0 else c)
            for p in phi]
    tube_loop(b, pts, tw * lumps, rv, cols)
    b.cyl(0, 0, ax - tw * 0.6, az - tw * 0.6, -H / 2, -H / 2 + 0.02 * H, mul(c, 0.7), n=24, bottom=True)
    ca, cz = ax - 1.45 * tw, az - 1.45 * tw
    y0, h = -H / 2 + 0.02 * H, 0.36 * H
    cush = mix(c, CREAM, 0.7)
    lathe(b, [(y0, 1.0), (y0 + 0.55 * h, 1.0), (y0 + 0.85 * h, 0.9), (y0 + h, 0.55), (y0 + 1.05 * h, 0.0)],
          [mul(cush, 0.92), cush, cush, cush], 0, 0, ca, cz, 20)
    yt = y0 + 1.02 * h + 0.002
    paw = mix(c, DARK, 0.25)
    r = 0.16 * min(ca, cz)
    b.disk(0, 0.2 * r, 1.1 * r, 0.9 * r, yt, paw, 12)
    for dx, dz in ((-1.25, -1.0), (-0.45, -1.55), (0.45, -1.55), (1.25, -1.0)):
        b.disk(dx * r, dz * r, 0.38 * r, 0.45 * r, yt, paw, 8)
    return to_unit(b.build(), (W, H, D))


# ---- dumbbell --------------------------------------------------------------------------
@model("Dumbbell")
@long_x
def dumbbell(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Dumbbell along its long axis: a knurled steel bar with collars and two weight plates on each end."""
    L, H, D = (float(v) for v in s)
    R = min(H, D) / 2
    m = MeshBuilder()
    plate, lip = c, mix(c, (235, 235, 235), 0.3)
    prof: list[tuple[float, float]] = []
    cols: list[Color] = []

    def seg(y: float, r: float, col: Color | None = None) -> None:
        prof.append((y, r))
        if col is not None:
            cols.append(col)
    y = -L / 2
    t_out, t_in, t_col = 0.09 * L, 0.11 * L, 0.035 * L
    seg(y, 0.3 * R)
    seg(y + 0.01 * L, 0.3 * R, STEEL)
    seg(y + 0.01 * L, 0.78 * R, mul(plate, 0.85))
    seg(y + t_out, 0.78 * R, plate)
    seg(y + t_out, 1.0 * R, lip)
    seg(y + t_out + 0.01 * L, 1.0 * R, lip)
    seg(y + t_out + t_in - 0.01 * L, 1.0 * R, plate)
    seg(y + t_out + t_in, 1.0 * R, lip)
    seg(y + t_out + t_in, 0.42 * R, mul(plate, 0.85))
    seg(y + t_out + t_in + t_col, 0.42 * R, STEEL)
    seg(y + t_out + t_in + t_col, 0.26 * R, STEEL)
    half = list(prof)
    hcols = list(cols)
    y_grip = half[-1][0]
    knurl = [(y_grip + (-2 * y_grip) * i / 8, 0.26 * R) for i in range(1, 8)]
    full = half + knurl + [(-yy, r) for yy, r in reversed(half)]
    fcols = hcols + [mul(STEEL, 0.78) if i % 2 else STEEL for i in range(8)] + list(reversed(hcols))
    lathe(m, full, fcols, 0, 0, 1.0, 1.0, 16)
    out = transform(m.build(), Y_TO_X)
    return to_unit(out, (L, H, D))


# ---- keys ------------------------------------------------------------------------------
def key(b: MeshBuilder, hole: np.ndarray, u: np.ndarray, length: float, y: float, blade: Color, head: Color,
        t: float = 0.0018) -> None:
    """A flat key whose bow hole sits at `hole` (x, z), pointing along unit u: round bow, shoulder, toothed blade."""
    br = 0.0085
    o = hole + u * 0.55 * br
    n = 12
    ang = np.linspace(0, 2 * math.pi, n, endpoint=False)
    flat_poly(b, [(float(o[0] + br * math.cos(q)), float(o[1] + br * math.sin(q))) for q in ang], y, y + t, head,
              top=mul(head, 1.1))
    b.disk(float(hole[0]), float(hole[1]), 0.0024, 0.0024, y + t + 0.0003, HOLE, 8)
    bl = length - 2 * br
    w = 0.0065
    a0 = br * 0.8
    flat_poly(b, along(o, u, [(a0, -w * 0.8), (a0 + 0.004, -w * 0.8), (a0 + 0.004, w * 0.8), (a0, w * 0.8)]),
              y, y + t, mul(blade, 0.95))
    flat_poly(b, along(o, u, [(a0 + 0.004, -w / 2), (a0 + bl - 0.004, -w / 2), (a0 + bl, 0.0), (a0 + bl, w / 2),
                              (a0 + 0.004, w / 2)]), y, y + t, mul(blade, 0.92), top=blade)
    tw = (bl - 0.01) / 4
    for i in range(4):
        a = a0 + 0.006 + i * tw
        d = 0.0028 if i % 2 else 0.0018
        flat_poly(b, along(o, u, [(a, -w / 2 + 0.0002), (a + tw, -w / 2 + 0.0002), (a + tw * 0.5, -w / 2 - d)]),
                  y, y + t, mul(blade, 0.92), top=blade)
    bar(b, tuple(np.r_[o[0], y + t + 0.0002, o[1]] + np.r_[u[0], 0, u[1]] * (a0 + 0.006)),
        tuple(np.r_[o[0], y + t + 0.0002, o[1]] + np.r_[u[0], 0, u[1]] * (a0 + bl - 0.004)),
        (0, 0.0003, 0), (0.0012 * -u[1], 0, 0.0012 * u[0]), mul(blade, 0.7))  # the groove along the blade


@model("KeyChain")
@long_x
def key_chain(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Keys on a ring, lying flat: a steel split ring at -x and three keys fanning out to +x (one in the
    type's brass, one steel, one with a coloured head)."""
    L, H, D = (float(v) for v in s)
    rr = min(0.011, 0.22 * D, 0.16 * L)
    th = min(0.0016, 0.12 * H)
    rc = np.array([-L / 2 + rr + th + 0.001, 0.0])
    y = -H / 2
    keys = ((-0.42, c, mix(c, (255, 245, 200), 0.15)), (0.05, STEEL, STEEL), (0.45, mul(STEEL, 0.9), (200, 45, 40)))
    for i, (ang, blade, head) in enumerate(keys):
        u = np.array([math.cos(ang), math.sin(ang)])
        hole = rc + rr * u
        reach = [(L / 2 - 0.001 - hole[0]) / max(u[0], 1e-3)]
        if abs(u[1]) > 1e-3:
            reach.append((D / 2 - 0.005 - abs(hole[1])) / abs(u[1]))
        length = min(0.06, min(reach) + 0.55 * 0.0085)
        key(b, hole, u, length, y + i * 0.0019, blade, head)
    a = np.linspace(0, 2 * math.pi, 21)[:-1]
    yr = y + 3 * 0.0019 + th
    pts = np.stack([rc[0] + rr * np.cos(a), np.full(len(a), yr), rc[1] + rr * np.sin(a)], 1)
    tube_loop(b, pts, th, th, [mix(STEEL, (255, 255, 255), 0.3), STEEL, mul(STEEL, 0.8), mul(STEEL, 0.7),
                               mul(STEEL, 0.85), STEEL])
    return to_unit(b.build(), (L, H, D))


# ---- pen -------------------------------------------------------------------------------
@model("Pen")
def pen(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Ballpoint pen lying along its long axis: coloured barrel, ribbed dark grip, steel cone and point at +z,
    a click button and a steel pocket clip at -z."""
    W, H, L = long_z_dims(s, 0.012)
    r = min(0.45 * W, 0.36 * H)
    m = MeshBuilder()
    y0 = -L / 2
    grip = mix(c, DARK, 0.7)
    prof = [(y0, 0.0), (y0, 0.5 * r), (y0 + 0.004, 0.5 * r), (y0 + 0.004, 0.9 * r), (y0 + 0.008, 1.0 * r),
            (L / 2 - 0.04, 1.0 * r), (L / 2 - 0.037, 1.02 * r)]
    cols: list[Color] = [STEEL, STEEL, STEEL, mul(c, 0.9), c, STEEL]
    rib = L / 2 - 0.037
    for i in range(6):
        prof.append((rib + 0.004 * (i + 1), 1.06 * r if i % 2 == 0 else 1.0 * r))
        cols.append(grip)
    prof += [(L / 2 - 0.012, 0.96 * r), (L / 2 - 0.002, 0.3 * r), (L / 2, 0.0)]
    cols += [grip, (205, 185, 120), DARK]
    lathe(m, prof, cols, 0, 0, 1.0, 1.0, 12)
    pm = transform(m.build(), Y_TO_Z)
    out = MeshBuilder()
    out.extend(pm)
    cw, ct = min(0.0024, 0.5 * W), min(0.0012, H / 2 - r)
    yc = r + ct / 2
    bar(out, (0, yc, -L / 2 + 0.009), (0, yc, -L / 2 + 0.05), (cw, 0, 0), (0, ct, 0), STEEL)
    bar(out, (0, r * 0.7, -L / 2 + 0.011), (0, yc, -L / 2 + 0.011), (cw, 0, 0), (0, 0, 0.004), mul(STEEL, 0.85))
    out.sphere((0, yc - ct * 0.3, -L / 2 + 0.05), (cw * 0.6, ct * 0.9, 0.0025), STEEL, 2, 6)
    m2 = out.build()
    m2.tris[..., 1] += -H / 2 + r
    return along_long_axis(to_unit(m2, (W, H, L)), s, width=0.012)


# ---- shakers ---------------------------------------------------------------------------
def shaker(b: MeshBuilder, c: Color, s: np.ndarray, holes: int, seed: int) -> Mesh:
    """A glass shaker filled with its spice (colour c, speckled), a chrome screw cap with dark holes on top."""
    W, H, D = (float(v) for v in s)
    R = min(W, D) / 2
    yc = H / 2 - 0.24 * H
    fill = yc - 0.08 * H
    body = MeshBuilder()
    k = 12  # rows of the spice: small faces keep the per-vertex glass highlights smooth
    rows = [(-H / 2, 0.9), (-H / 2 + 0.006, 1.0)] + [(-H / 2 + 0.006 + (fill + H / 2 - 0.006) * i / k, 1.0)
                                                    for i in range(1, k + 1)]
    white = sum(c) > 600
    c = SALT if white else c  # a faint warm tint keeps white salt from being shaded as the metal cap
    glass = mix(GLASS, (70, 100, 140), 0.4) if white else mix(GLASS, c, 0.12)  # darker glass above white salt
    prof = rows + [(yc - 0.012, 0.96), (yc, 0.84)]
    cols = [mul(c, 0.85)] + [c] * k + [glass, mul(glass, 0.9)]
    ribs = 0.0 if white else 0.03  # glass shading shows every rib facet: white salt stays smooth
    lathe(body, prof, cols, 0, 0, R, R, 24, wobble=lambda a, y: 1.0 + ribs * np.cos(9 * a))
    bm = body.build()
    spice = np.all(np.abs(bm.colors - np.asarray(c, np.float32)) < 1, axis=1)
    # mottled ground pepper, kept below materials.py's metal threshold (grey faces of 70+ shade as metal)
    grain = facet_jitter(bm.copy(), 0.0 if white else 0.15, seed)
    bm.colors[spice] = grain.colors[spice]
    b.extend(bm)
    chrome = mix(STEEL, (255, 255, 255), 0.15)
    lathe(b, [(yc, 0.88), (yc + 0.3 * (H / 2 - yc), 0.9), (yc + 0.36 * (H / 2 - yc), 0.86),
              (yc + 0.7 * (H / 2 - yc), 0.86), (H / 2 - 0.004, 0.76), (H / 2 - 0.001, 0.68), (H / 2 - 0.001, 0.0)],
          [chrome, mul(chrome, 0.75), chrome, mul(chrome, 1.05), mul(chrome, 1.1), mul(chrome, 1.1)], 0, 0, R, R, 18)
    hr = min(0.0045, 0.13 * R)
    pts = [(0.0, 0.0)] + [(0.4 * R * math.cos(2 * math.pi * i / (holes - 1) + 0.3),
                            0.4 * R * math.sin(2 * math.pi * i / (holes - 1) + 0.3)) for i in range(holes - 1)]
    for x, z in pts:
        b.disk(x, z, hr, hr, H / 2 - 0.0003, (22, 20, 20), 10)
    return to_unit(b.build(), (W, H, D))


@model("SaltShaker")
def salt_shaker(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Salt shaker: a glass body full of white salt under a chrome cap with many holes."""
    return shaker(b, c, s, 7, 3)


@model("PepperShaker")
def pepper_shaker(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Pepper shaker: a glass body full of dark ground pepper under a chrome cap with a few holes."""
    return shaker(b, c, s, 4, 5)


# ---- spatula ---------------------------------------------------------------------------
@model("Spatula")
def spatula(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Slotted turner lying along its long axis: a wide flat blade with long slots at +z, an angled neck,
    a steel ferrule and a handle with a hanging hole at -z."""
    W, H, L = long_z_dims(s, 0.06)
    bw = W / 2
    bl = min(0.4 * L, 2.0 * W)
    z1, z0 = L / 2, L / 2 - bl
    t = min(0.0025, 0.2 * H)
    yb = -H / 2
    top = mul(c, 1.25)
    edge = mix(c, (230, 230, 230), 0.25)
    ns = 4
    sw = 0.09 * W
    gap = (2 * bw - ns * sw) / (ns + 1)
    zs0, zs1 = z0 + 0.3 * bl, z1 - 0.14 * bl
    ch = 0.12 * W
    prism(b, [(-bw, zs1), (bw, zs1), (bw, z1 - ch), (bw - ch, z1), (-bw + ch, z1), (-bw, z1 - ch)], yb, yb + t, c,
          top=edge)
    prism(b, [(-bw * 0.82, z0), (bw * 0.82, z0), (bw, zs0), (-bw, zs0)], yb, yb + t, c, top=top)
    for i in range(ns + 1):
        x = -bw + i * (gap + sw)
        b.box((x, yb, zs0), (x + gap, yb + t, zs1), c)
        b.quad((x, yb + t + 1e-4, zs0), (x + gap, yb + t + 1e-4, zs0), (x + gap, yb + t + 1e-4, zs1),
               (x, yb + t + 1e-4, zs1), top, (0, 1, 0))
    hw = min(0.022, 0.36 * W)
    ht = min(0.011, 0.6 * H)
    yh = H / 2 - ht / 2
    zn = z0 - 0.1 * L
    bar(b, (0, yb + t / 2, z0 + 0.01), (0, yh, zn), (hw * 0.7, 0, 0), (0, t * 1.6, 0), c)
    bar(b, (0, yh, zn + 0.003), (0, yh, zn - 0.025), (hw * 0.9, 0, 0), (0, ht * 0.9, 0), STEEL)
    prism(b, [(-hw / 2, zn - 0.025), (hw / 2, zn - 0.025), (hw / 2, -L / 2 + hw * 0.4), (hw * 0.3, -L / 2),
              (-hw * 0.3, -L / 2), (-hw / 2, -L / 2 + hw * 0.4)], yh - ht / 2, yh + ht / 2, c, top=top)
    for z in (zn - 0.035, zn - 0.06):
        b.disk(0, z, 0.0025, 0.0025, yh + ht / 2 + 3e-4, STEEL, 8)
    b.disk(0, -L / 2 + hw * 0.6, hw * 0.22, hw * 0.22, yh + ht / 2 + 3e-4, HOLE, 10)
    b.annulus(0, -L / 2 + hw * 0.6, hw * 0.22, hw * 0.3, yh + ht / 2 + 2e-4, edge, 10)
    return along_long_axis(head_up(to_unit(b.build(), (W, H, L)), s), s, width=0.06)


# ---- tennis racket ---------------------------------------------------------------------
@model("TennisRacket")
def tennis_racket(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """Tennis racket lying flat along its long axis: an oval frame with a string grid at +z, an open throat
    and a wrapped grip with a butt cap at -z."""
    W, H, L = long_z_dims(s, 0.3)
    ft = min(0.012, 0.06 * W)
    rv = min(0.012, 0.3 * H)
    hr = min(0.016, 0.42 * H, 0.1 * W)
    ym = -H / 2 + rv  # the frame rests on the floor; the grip's centre is higher
    yg = -H / 2 + 1.18 * hr
    ha = W / 2 - ft
    hb = min(0.23 * L, 1.3 * ha)
    zc = L / 2 - ft - hb
    a = np.linspace(0, 2 * math.pi, 41)[:-1]
    pts = np.stack([ha * np.cos(a), np.full(len(a), ym), zc + hb * np.sin(a)], 1)
    tube_loop(b, pts, ft, rv, [c, mul(c, 1.15), mul(c, 1.2), mul(c, 0.95), mul(c, 0.85), mul(c, 0.8)])
    sw, stk = 0.0035, 0.0012
    for x in np.linspace(-ha, ha, 10)[1:-1]:
        dz = hb * math.sqrt(max(0.0, 1 - (x / ha) ** 2))
        b.box((x - sw / 2, ym + 0.0005, zc - dz), (x + sw / 2, ym + 0.0005 + stk, zc + dz), STRING)
    for z in np.linspace(zc - hb, zc + hb, 13)[1:-1]:
        dx = ha * math.sqrt(max(0.0, 1 - ((z - zc) / hb) ** 2))
        b.box((-dx, ym - 0.0008, z - sw / 2), (dx, ym - 0.0008 + stk, z + sw / 2), mul(STRING, 0.93))
    zt = zc - hb
    zh = max(zt - 0.14 * L, -L / 2 + 0.3 * L)
    for sx in (-1, 1):
        x0 = sx * 0.55 * ha
        z0 = zc - hb * math.sqrt(1 - 0.55 ** 2)
        bar(b, (x0, ym, z0 + 0.005), (sx * hr * 0.5, yg, zh), (ft * 1.6, 0, 0), (0, rv * 1.8, 0), c)
    hm = MeshBuilder()
    y0, y1 = -L / 2, zh
    wraps = 9
    prof = [(y0, 1.18), (y0 + 0.012, 1.18), (y0 + 0.012, 1.0)]
    cols: list[Color] = [mul(c, 0.9), c]
    for i in range(1, wraps + 1):
        prof.append((y0 + 0.012 + (y1 - 0.06 - y0 - 0.012) * i / wraps, 1.0))
        cols.append(mix(c, GRIP, 0.45) if i % 2 == 0 else GRIP)
    prof += [(y1 - 0.03, 0.9), (y1, 0.8)]
    cols += [c, c]
    lathe(hm, prof, cols, 0, 0, hr, hr, 8)
    h = transform(hm.build(), Y_TO_Z)
    h.tris[..., 1] += yg
    b.extend(h)
    return along_long_axis(to_unit(b.build(), (W, H, L)), s, width=0.3)


@model("LightSwitch")
def light_switch(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Wall switch facing +z: a bevelled cover plate, two screws and a rocker tilted up when on (lit
    pilot dot), down when off."""
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5, -0.1), c)
    b.box((-0.42, -0.44, -0.1), (0.42, 0.44, 0.05), mul(c, 1.04))
    for y in (-0.36, 0.36):
        b.box((-0.06, y - 0.03, 0.05), (0.06, y + 0.03, 0.09), STEEL)
    rocker = mul(c, 0.9)
    lo, hi = (0.12, 0.5) if st.toggled else (0.5, 0.12)  # the pressed end sits low
    b.box((-0.2, -0.24, 0.05), (0.2, 0.0, 0.05 + 0.8 * lo), rocker)
    b.box((-0.2, 0.0, 0.05), (0.2, 0.24, 0.05 + 0.8 * hi), mul(rocker, 1.08))
    dot_y = 0.14 if st.toggled else -0.14
    b.box((-0.05, dot_y - 0.04, 0.45), (0.05, dot_y + 0.04, 0.5), (255, 150, 40) if st.toggled else DARK,
          emissive=st.toggled)


@model("CreditCard")
def credit_card(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Plastic card lying flat: coloured body, a gold chip, embossed number dashes and a name line."""
    b.box((-0.46, -0.5, -0.3), (0.46, 0.5, 0.3), c)
    top = 0.5
    b.quad((-0.32, top + 0.01, -0.16), (-0.14, top + 0.01, -0.16), (-0.14, top + 0.01, 0.0), (-0.32, top + 0.01, 0.0),
           (214, 180, 90), (0, 1, 0))
    for k in range(4):
        x0 = -0.36 + k * 0.19
        b.quad((x0, top + 0.01, 0.08), (x0 + 0.14, top + 0.01, 0.08), (x0 + 0.14, top + 0.01, 0.12),
               (x0, top + 0.01, 0.12), mix(c, (250, 250, 250), 0.7), (0, 1, 0))
    b.quad((-0.36, top + 0.01, 0.18), (0.05, top + 0.01, 0.18), (0.05, top + 0.01, 0.21), (-0.36, top + 0.01, 0.21),
           mix(c, (250, 250, 250), 0.5), (0, 1, 0))
