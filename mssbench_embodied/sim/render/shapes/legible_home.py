"""Legible-style models of household objects: devices, textiles, paper, bathroom items, furniture, lamps.

Each builder fills the unit box (front = +z) and works in metres through the size `s`, so round
parts stay round however the box is scaled. Decals (screens, print, labels) sit on the faces,
never outside the box.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..prims import Color, Mesh, MeshBuilder, Vec3
from .registry import (
    DARK,
    ROT_Y90,
    STEEL,
    Y_TO_Z,
    ShapeState,
    along_long_axis,
    face_thin_axis,
    mix,
    model,
    mul,
    transform,
)

WHITE: Color = (240, 240, 236)
PAPER: Color = (236, 232, 220)
INK: Color = (70, 70, 74)
SCREEN_OFF: Color = (20, 22, 28)
SHEEN: Color = (52, 58, 72)  # reflection band on a dark screen
FLAME: Color = (255, 150, 30)
FLAME_CORE: Color = (255, 240, 160)
WARM: Color = (255, 236, 170)  # lit lamp shade
UP = (0.0, 1.0, 0.0)
FRONT = (0.0, 0.0, 1.0)


def _pq(b: MeshBuilder, o: Vec3, u: Vec3, v: Vec3, n: Vec3, a0: float, b0: float, a1: float, b1: float,
        color: Color, off: float = 0.0, emissive: bool = False) -> None:
    """Quad o + a*u + b*v (a in a0..a1, b in b0..b1) pushed `off` along the unit normal n."""
    o_, u_, v_, n_ = (np.asarray(x, float) for x in (o, u, v, n))
    p = o_ + n_ * off
    b.quad(p + a0 * u_ + b0 * v_, p + a1 * u_ + b0 * v_, p + a1 * u_ + b1 * v_, p + a0 * u_ + b1 * v_, color, n_,
           emissive=emissive)


def _disk_on(b: MeshBuilder, c: Vec3, u: Vec3, v: Vec3, n: Vec3, color: Color, k: int = 12,
             emissive: bool = False) -> None:
    """Elliptic disk centred at c with semi-axes u, v, facing n."""
    c_, u_, v_ = (np.asarray(x, float) for x in (c, u, v))
    a = np.arange(k) * 2 * math.pi / k
    p = c_ + np.cos(a)[:, None] * u_ + np.sin(a)[:, None] * v_
    j = np.roll(np.arange(k), -1)
    b.add(np.stack([np.tile(c_, (k, 1)), p, p[j]], 1), color, normal=n, emissive=emissive)


def _surface(b: MeshBuilder, pts: np.ndarray, color: Callable[[int, int], Color], ref: Vec3) -> None:
    """Grid surface pts[i, j] (3,), one colour per cell, normals away from ref."""
    for i in range(pts.shape[0] - 1):
        for j in range(pts.shape[1] - 1):
            a, bb, c, d = pts[i, j], pts[i + 1, j], pts[i + 1, j + 1], pts[i, j + 1]
            b.add(np.array([(a, bb, c), (a, c, d)]), color(i, j), ref=ref)


def _screen(b: MeshBuilder, o: Vec3, u: Vec3, v: Vec3, n: Vec3, on: bool, off: float, kind: str = "desk") -> None:
    """A display on the rectangle o + [0,1]u + [0,1]v: a desktop or TV picture when on, dark glass with a
    reflection when off."""
    if not on:
        _pq(b, o, u, v, n, 0, 0, 1, 1, SCREEN_OFF, off)
        o_, u_, v_ = (np.asarray(x, float) for x in (o, u, v))
        p = o_ + np.asarray(n, float) * off * 2
        b.quad(p + 0.55 * u_ + 0.0 * v_, p + 0.72 * u_, p + 0.32 * u_ + 1.0 * v_, p + 0.15 * u_ + 1.0 * v_, SHEEN, n)
        return
    if kind == "tv":
        _pq(b, o, u, v, n, 0, 0.45, 1, 1, (120, 185, 245), off, True)
        _pq(b, o, u, v, n, 0, 0, 1, 0.45, (70, 160, 80), off, True)
        _pq(b, o, u, v, n, 0.15, 0.3, 0.6, 0.5, (40, 120, 60), off * 2, True)
        _pq(b, o, u, v, n, 0.72, 0.68, 0.84, 0.85, (255, 225, 90), off * 2, True)
        return
    _pq(b, o, u, v, n, 0, 0, 1, 1, (95, 160, 235), off, True)
    _pq(b, o, u, v, n, 0, 0, 1, 0.1, (30, 40, 60), off * 2, True)  # taskbar
    _pq(b, o, u, v, n, 0.12, 0.25, 0.7, 0.85, (250, 250, 250), off * 2, True)  # window
    _pq(b, o, u, v, n, 0.12, 0.75, 0.7, 0.85, (60, 110, 200), off * 3, True)  # its title bar
    for k in range(3):
        _pq(b, o, u, v, n, 0.18, 0.62 - k * 0.12, 0.6, 0.67 - k * 0.12, (150, 150, 160), off * 3, True)
    _pq(b, o, u, v, n, 0.76, 0.6, 0.9, 0.75, (250, 200, 60), off * 2, True)  # icon


def _long_x(f: Callable[[MeshBuilder, Color, ShapeState, np.ndarray], Mesh], b: MeshBuilder, c: Color,
            st: ShapeState, s: np.ndarray) -> Mesh:
    """Build with f along x (front +z); turned a quarter when the box is longer in z."""
    if s[0] < s[2] * 0.95:
        return transform(f(b, c, st, s[[2, 1, 0]]), ROT_Y90)
    return f(b, c, st, s)


# ---- devices ------------------------------------------------------------------------------------
@model("Laptop", toggle=True, open_=True)
def _laptop(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    t = min(0.3, 0.018 / s[1])  # base thickness
    e = 0.0015 / s[1]
    base_top = -0.5 + t
    body = mix(c, STEEL, 0.35)
    b.box((-0.498, -0.5, -0.5), (0.498, base_top, 0.498), body)
    if st.openness > 0 or st.toggled:
        # keyboard deck: dark key field with rows of keys, touchpad in front
        z0, z1 = -0.38, 0.12
        b.quad((-0.44, base_top + e, z0), (0.44, base_top + e, z0), (0.44, base_top + e, z1),
               (-0.44, base_top + e, z1), DARK, UP)
        key = mix(c, WHITE, 0.25)
        for r in range(5):
            za = z0 + 0.02 + r * 0.095
            for k in range(10):
                xa = -0.42 + k * 0.085
                b.quad((xa, base_top + 2 * e, za), (xa + 0.065, base_top + 2 * e, za),
                       (xa + 0.065, base_top + 2 * e, za + 0.07), (xa, base_top + 2 * e, za + 0.07), key, UP)
        b.quad((-0.15, base_top + e, 0.2), (0.15, base_top + e, 0.2), (0.15, base_top + e, 0.44),
               (-0.15, base_top + e, 0.44), mul(body, 0.8), UP)
        # hinge barrel and a lid leaning back
        hz = min(0.12, 0.015 / s[2])
        b.box((-0.4, base_top, -0.5), (0.4, base_top + 0.6 * t, -0.5 + hz), mul(DARK, 1.3))
        lt = min(0.1, 0.008 / s[2])
        lean = min(0.2, 0.04 / s[2])
        o = np.array([-0.5, base_top, -0.5 + lean + lt])
        v = np.array([0.0, 0.5 - base_top, -lean])
        b.para(o - (0, 0, lt), (1.0, 0, 0), v, (0, 0, lt), body)
        n = np.array([0.0, lean * s[2] / s[1], (0.5 - base_top)])
        n = n / np.linalg.norm(n)
        bz = 0.05
        _screen(b, o + (0.05, 0, 0) + v * 0.07, np.array([0.9, 0, 0]), v * (1 - 0.07 - bz), n, st.toggled, 0.004)
        _disk_on(b, o + (0.5, 0, 0) + v * 0.965 + n * 0.004, (0.012, 0, 0), v * 0.012, n, (20, 20, 20), 6)
    else:
        # closed: lid on the base, seam, a logo, a lit edge of the keyboard at the front notch
        lid = 2 * t
        b.box((-0.498, base_top, -0.5), (0.498, min(0.5, base_top + lid * 0.8), 0.498), mix(body, STEEL, 0.5))
        top = min(0.5, base_top + lid * 0.8)
        b.quad((-0.5, base_top - 0.1 * t, 0.5), (0.5, base_top - 0.1 * t, 0.5), (0.5, base_top + 0.15 * t, 0.5),
               (-0.5, base_top + 0.15 * t, 0.5), DARK, FRONT)
        _disk_on(b, (0.0, top + 1e-3, 0.0), (0.07, 0, 0), (0, 0, 0.09), UP, mix(body, WHITE, 0.6), 10)
        b.quad((-0.12, top + 1e-3, 0.44), (0.12, top + 1e-3, 0.44), (0.12, top + 1e-3, 0.47), (-0.12, top + 1e-3, 0.47),
               mul(body, 0.8), UP)  # finger notch
        for x, nx in ((0.5, 1), (-0.5, -1)):  # ports on the sides
            for z in (-0.25, -0.05, 0.15):
                b.quad((x, base_top - 0.6 * t, z), (x, base_top - 0.6 * t, z + 0.1), (x, base_top - 0.25 * t, z + 0.1),
                       (x, base_top - 0.25 * t, z), (15, 15, 18), (nx, 0, 0))
        b.box((-0.42, -0.5, -0.5), (0.42, top, -0.46), mul(DARK, 1.2))
    return b.build()


def _phone_flat(b: MeshBuilder, c: Color, on: bool, s: np.ndarray) -> None:
    """Phone lying screen up: body, bezel, glass (icons when on), speaker slot and camera dot."""
    e = min(0.12, 0.0006 / s[1])
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5 - 3 * e, 0.5), mix(c, STEEL, 0.45))
    bx, bz = min(0.2, 0.005 / s[0]), min(0.2, 0.012 / s[2])
    b.quad((-0.5 + 0.02, 0.5 - 2.5 * e, -0.5 + 0.02), (0.5 - 0.02, 0.5 - 2.5 * e, -0.5 + 0.02),
           (0.5 - 0.02, 0.5 - 2.5 * e, 0.5 - 0.02), (-0.5 + 0.02, 0.5 - 2.5 * e, 0.5 - 0.02), (12, 12, 14), UP)
    x0, x1, z0, z1 = -0.5 + bx, 0.5 - bx, -0.5 + bz, 0.5 - bz
    y = 0.5 - 2 * e
    if on:
        b.quad((x0, y, z0), (x1, y, z0), (x1, y, z1), (x0, y, z1), (80, 130, 230), UP, emissive=True)
        b.quad((x0, y + e, 0.0), (x1, y + e, 0.0), (x1, y + e, z1), (x0, y + e, z1), (150, 90, 210), UP,
               emissive=True)
        cols = [(250, 90, 80), (90, 210, 120), (250, 200, 60), (240, 240, 245)]
        for r in range(4):
            for k in range(3):
                xa = x0 + 0.1 + k * (x1 - x0 - 0.2) / 3 + 0.03
                za = z0 + 0.1 + r * 0.14
                b.quad((xa, y + 2 * e, za), (xa + 0.16, y + 2 * e, za), (xa + 0.16, y + 2 * e, za + 0.08),
                       (xa, y + 2 * e, za + 0.08), cols[(r + k) % 4], UP, emissive=True)
    else:
        b.quad((x0, y, z0), (x1, y, z0), (x1, y, z1), (x0, y, z1), SCREEN_OFF, UP)
        b.quad((x0 + 0.35, y + e, z0), (x0 + 0.6, y + e, z0), (x0 + 0.05, y + e, z1), (x0, y + e, z1 - 0.3),
               SHEEN, UP)
    b.quad((-0.15, y, -0.5 + bz * 0.35), (0.15, y, -0.5 + bz * 0.35), (0.15, y, -0.5 + bz * 0.6),
           (-0.15, y, -0.5 + bz * 0.6), (70, 70, 78), UP)
    _disk_on(b, (0.25, y + e, -0.5 + bz * 0.5), (min(0.1, 0.002 / s[0]), 0, 0), (0, 0, min(0.1, 0.002 / s[2])), UP,
             (5, 5, 8), 6)


@model("CellPhone", toggle=True)
def _cellphone(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    thin = int(np.argmin(s))
    if thin == 1:
        _phone_flat(b, c, st.toggled, s)
        return b.build()
    if thin == 2:  # standing, screen to +z
        _phone_flat(b, c, st.toggled, np.array([s[0], s[2], s[1]]))
        return transform(b.build(), Y_TO_Z)
    _phone_flat(b, c, st.toggled, np.array([s[1], s[0], s[2]]))
    return transform(b.build(), np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], np.float32))


@model("AlarmClock")
def _alarm_clock(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    return _long_x(_alarm_clock_x, b, c, st, s)


def _alarm_clock_x(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    # round twin-bell clock: body drum facing +z, cream face, ticks and hands, two bells and feet
    r = min(s[0] * 0.36, s[1] * 0.36)
    cy = -0.5 + (0.02 + r) / s[1]
    rx, ry = r / s[0], r / s[1]
    m = MeshBuilder()
    m.cyl(0, -cy, rx, ry, -0.45, 0.42, c, n=16, bottom=True)
    b.extend(transform(m.build(), Y_TO_Z))
    fz = 0.43
    _disk_on(b, (0, cy, fz), (rx * 0.95, 0, 0), (0, ry * 0.95, 0), FRONT, mix(c, STEEL, 0.6), 16)
    _disk_on(b, (0, cy, fz + 0.01), (rx * 0.8, 0, 0), (0, ry * 0.8, 0), FRONT, (250, 246, 232), 16)
    for k in range(12):
        a = k * math.pi / 6
        ca, sa = math.cos(a), math.sin(a)
        w = 0.1 if k % 3 == 0 else 0.05
        p0 = np.array([ca * rx * 0.62, cy + sa * ry * 0.62, fz + 0.02])
        p1 = np.array([ca * rx * 0.76, cy + sa * ry * 0.76, fz + 0.02])
        d = np.array([-sa * rx * w * 0.5, ca * ry * w * 0.5, 0])
        b.quad(p0 - d, p1 - d, p1 + d, p0 + d, (30, 30, 30), FRONT)
    for ang, ln, w, col in ((math.radians(60), 0.45, 0.09, (20, 20, 20)), (math.radians(165), 0.7, 0.06, (20, 20, 20)),
                            (math.radians(-40), 0.72, 0.025, (200, 30, 30))):
        ca, sa = math.cos(ang), math.sin(ang)
        p0 = np.array([0, cy, fz + 0.03])
        p1 = p0 + np.array([ca * rx * ln, sa * ry * ln, 0])
        d = np.array([-sa * rx * w * 0.5, ca * ry * w * 0.5, 0])
        b.quad(p0 - d, p1 - d, p1 + d, p0 + d, col, FRONT)
    bell = mix(c, STEEL, 0.8)
    br = min(0.03, r * 0.62)
    # back: a metal cover plate with two winding keys
    _disk_on(b, (0, cy, -0.455), (rx * 0.75, 0, 0), (0, ry * 0.75, 0), (0, 0, -1), bell, 14)
    for kx in (-0.3, 0.3):
        b.box((kx * rx - 0.06, cy - 0.12 * ry, -0.5), (kx * rx + 0.06, cy + 0.12 * ry, -0.455), (200, 165, 80))
    for sx in (-1, 1):
        bxc = sx * 0.62 * r / s[0]
        byc = cy + 0.8 * ry
        b.sphere((bxc, min(byc, 0.5 - br / s[1]), 0), (br / s[0], br / s[1], min(0.45, br / s[2])), bell, 3, 8)
        b.box((sx * 0.5 * rx - 0.04, -0.5, -0.15), (sx * 0.5 * rx + 0.04, cy - ry * 0.75, 0.15), DARK)  # feet
    b.box((-0.02, cy + ry * 0.9, -0.05), (0.02, 0.5 - 0.005 / s[1], 0.05), bell)
    return b.build()


@model("RemoteControl")
def _remote(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    ls = s if s[2] >= s[0] else s[[2, 1, 0]]
    e = min(0.1, 0.0008 / ls[1])
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5 - 3 * e, 0.5), c)
    b.box((-0.42, 0.5 - 3 * e, -0.5), (0.42, 0.5 - 2 * e, -0.05), mul(c, 1.4))
    y = 0.5 - 2 * e
    bw = min(0.3, 0.009 / ls[0])
    bl = min(0.05, 0.006 / ls[2])

    def btn(x: float, z: float, col: Color, w: float = bw, ln: float = bl) -> None:
        b.quad((x - w / 2, y + e, z - ln / 2), (x + w / 2, y + e, z - ln / 2), (x + w / 2, y + e, z + ln / 2),
               (x - w / 2, y + e, z + ln / 2), col, UP)
    btn(-0.22, -0.42, (220, 40, 40))  # power
    _disk_on(b, (0, y + e, -0.22), (0.36, 0, 0), (0, 0, 0.36 * ls[0] / ls[2]), UP, (150, 150, 158), 10)
    _disk_on(b, (0, y + 2 * e, -0.22), (0.13, 0, 0), (0, 0, 0.13 * ls[0] / ls[2]), UP, (60, 60, 66), 8)
    for k, col in enumerate(((220, 50, 50), (60, 180, 70), (240, 200, 40), (60, 110, 220))):
        btn(-0.33 + k * 0.22, -0.02, col, bw * 0.8)
    for r in range(4):
        for k in range(3):
            btn(-0.27 + k * 0.27, 0.1 + r * 0.1, (185, 185, 192))
    return along_long_axis(b.build(), s)


@model("Watch")
def _watch(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Wristwatch lying flat: a strap running out of both sides of a thin round case (holes on one end, a
    buckle on the other), a white face with twelve hour marks and two hands, a crown. A thick case with a
    short strap reads as an alarm clock."""
    strap = (70, 45, 30) if sum(c) > 200 else (140, 140, 145)
    b.box((-0.2, -0.5, -0.5), (0.2, -0.36, 0.5), strap)
    for z in (-0.44, -0.36, -0.28):
        b.quad((-0.04, -0.355, z - 0.02), (0.04, -0.355, z - 0.02), (0.04, -0.355, z + 0.02), (-0.04, -0.355, z + 0.02),
               mul(strap, 0.45), UP)
    b.box((-0.24, -0.5, 0.38), (0.24, -0.3, 0.46), STEEL)  # buckle
    b.box((-0.17, -0.5, 0.4), (0.17, -0.3, 0.44), strap)
    rx, rz = 0.3, 0.3 * s[0] / s[2]
    b.cyl(0, 0, rx, rz, -0.5, 0.2, c, n=16, bottom=True)
    b.annulus(0, 0, rx * 0.78, rx, 0.205, mul(c, 1.15), 16, sz=rz / rx)
    b.disk(0, 0, rx * 0.78, rz * 0.78, 0.205, (245, 245, 240), 16)
    for k in range(12):
        a = k * math.pi / 6
        r0, r1, w = (0.14, 0.2, 0.025) if k % 3 else (0.12, 0.21, 0.035)
        dx, dz = math.sin(a), math.cos(a)
        px, pz = dz * w, -dx * w
        b.quad((dx * r0 - px, 0.21, (dz * r0 - pz) * rz / rx), (dx * r1 - px, 0.21, (dz * r1 - pz) * rz / rx),
               (dx * r1 + px, 0.21, (dz * r1 + pz) * rz / rx), (dx * r0 + px, 0.21, (dz * r0 + pz) * rz / rx),
               (30, 30, 34), UP)
    b.quad((-0.02, 0.22, 0.0), (0.02, 0.22, 0.0), (0.02, 0.22, -0.17), (-0.02, 0.22, -0.17), (20, 20, 20), UP)
    b.quad((0.0, 0.22, -0.02), (0.0, 0.22, 0.02), (0.12, 0.22, 0.02), (0.12, 0.22, -0.02), (20, 20, 20), UP)
    b.box((rx - 0.02, -0.3, -0.04), (rx + 0.07, 0.0, 0.04), mul(c, 0.9))  # crown


@model("Television", toggle=True)
def _television(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    ls = np.array([max(s[0], s[2]), s[1], min(s[0], s[2])])
    frame = c if sum(c) < 240 else mul(DARK, 0.7)
    y0 = -0.5 + min(0.3, 0.12 / ls[1])  # screen above a pedestal stand
    b.box((-0.5, y0, -0.2), (0.5, 0.5, 0.2), frame)
    b.box((-0.08, -0.5 + 0.02 / ls[1], -0.1), (0.08, y0, 0.0), mul(frame, 1.4))
    b.box((-0.25, -0.5, -0.5), (0.25, -0.5 + 0.02 / ls[1], 0.5), mul(frame, 1.4))
    bx, by = 0.02 / ls[0], 0.025 / ls[1]
    _screen(b, (-0.5 + bx, y0 + by, 0.2), (1 - 2 * bx, 0, 0), (0, 0.5 - y0 - 2 * by, 0), FRONT, st.toggled, 0.05,
            "tv")
    b.quad((-0.02, y0 + by * 0.3, 0.21), (0.02, y0 + by * 0.3, 0.21), (0.02, y0 + by * 0.7, 0.21),
           (-0.02, y0 + by * 0.7, 0.21), (90, 220, 110) if st.toggled else (200, 40, 40), FRONT, emissive=True)
    return face_thin_axis(b.build(), s)


@model("Desktop", toggle=True)
def _desktop(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    ls = np.array([max(s[0], s[2]), s[1], min(s[0], s[2])])
    frame = c if sum(c) < 240 else mul(DARK, 0.7)
    y0 = -0.5 + min(0.4, 0.1 / ls[1])
    mz = min(0.3, 0.03 / ls[2])
    b.box((-0.5, y0, -0.5), (0.5, 0.5, -0.5 + mz), frame)
    b.box((-0.06, -0.5, -0.45), (0.06, y0, -0.5 + mz * 0.7), mul(frame, 1.5))
    b.box((-0.22, -0.5, -0.5), (0.22, -0.5 + 0.012 / ls[1], -0.05), mul(frame, 1.5))
    bx, by = 0.015 / ls[0], 0.02 / ls[1]
    _screen(b, (-0.5 + bx, y0 + by, -0.5 + mz), (1 - 2 * bx, 0, 0), (0, 0.5 - y0 - 2 * by, 0), FRONT, st.toggled,
            0.01)
    # keyboard in front
    kt = 0.015 / ls[1]
    b.box((-0.4, -0.5, 0.05), (0.4, -0.5 + kt, 0.5), (200, 200, 205))
    for r in range(4):
        z = 0.09 + r * 0.1
        b.quad((-0.37, -0.5 + kt + 0.003, z), (0.37, -0.5 + kt + 0.003, z), (0.37, -0.5 + kt + 0.003, z + 0.06),
               (-0.37, -0.5 + kt + 0.003, z + 0.06), (120, 120, 128), UP)
    return face_thin_axis(b.build(), s)


# ---- bottles and soap ---------------------------------------------------------------------------
@model("SprayBottle")
def _spray_bottle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    return _long_x(_spray_bottle_x, b, c, st, s)


def _spray_bottle_x(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    # bottle in the -x part, trigger head on top with its nozzle towards +x
    cx = -0.18
    r = min(0.32, 0.5 * s[2] / s[0])
    rz = r * s[0] / s[2]
    top = 0.18
    b.cyl(cx, 0, r, rz, -0.5, top - 0.06, c, n=12, bottom=True, top=False)
    b.cyl(cx, 0, r, rz, top - 0.06, top, c, n=12, top_scale=0.55)
    b.cyl(cx, 0, r * 1.01, rz * 1.01, -0.3, -0.02, mix(c, WHITE, 0.6), n=12, top=False)  # label band (tinted)
    head = trim(c)
    b.cyl(cx, 0, r * 0.3, rz * 0.3, top, top + 0.06, mul(head, 0.5), n=8)  # cap
    b.box((cx - r * 0.45, top + 0.06, -0.2), (cx + r * 0.55, 0.44, 0.2), head)  # pump housing
    b.para((cx + r * 0.5, 0.3, -0.16), (0.46 - cx - r * 0.5, 0.04, 0), (0, 0.14, 0), (0, 0, 0.32), head)  # shroud
    b.box((0.42, 0.32, -0.1), (0.5, 0.46, 0.1), mul(head, 0.5))  # nozzle
    b.para((cx + r * 0.7, 0.02, -0.12), (0.1, 0.28, 0), (0.1, -0.02, 0), (0, 0, 0.24), mul(c, 0.55))  # trigger
    return b.build()


def trim(c: Color) -> Color:
    """A pump or trigger head in a shade of the bottle's own colour (no fixed colour gives the type away)."""
    return mix(c, WHITE, 0.65) if sum(c) < 420 else mul(c, 0.45)


@model("SoapBottle")
def _soap_bottle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    rz = 0.42 * s[0] / s[2]
    b.cyl(0, 0, 0.42, rz, -0.5, 0.05, c, n=14, bottom=True, top=False)
    b.cyl(0, 0, 0.42, rz, 0.05, 0.15, c, n=14, top_scale=0.5)
    b.cyl(0, 0, 0.425, rz * 1.012, -0.35, -0.05, mix(c, WHITE, 0.6), n=14, top=False)  # label (tinted)
    b.cyl(0, 0, 0.426, rz * 1.014, -0.26, -0.2, mul(c, 0.7), n=14, top=False)
    pump = trim(c)
    b.cyl(0, 0, 0.24, 0.24 * s[0] / s[2], 0.15, 0.24, pump, n=10)  # collar
    b.cyl(0, 0, 0.06, 0.06 * s[0] / s[2], 0.24, 0.36, pump, n=6, top=False)
    b.box((-0.14, 0.36, -0.14), (0.14, 0.46, 0.14), pump)  # pump head
    b.box((0.0, 0.39, -0.06), (0.5, 0.45, 0.06), pump)  # spout
    b.box((0.44, 0.33, -0.05), (0.5, 0.39, 0.05), pump)


@model("SoapBar")
def _soap_bar(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    # rounded bar: an oblong lower part, a bevelled top, an embossed oval band and lettering
    b.cyl(0, 0, 0.5, 0.5, -0.5, 0.05, c, n=16, bottom=True, top=False)
    b.cyl(0, 0, 0.5, 0.5, 0.05, 0.42, mul(c, 1.05), n=16, top_scale=0.82, top_color=mul(c, 1.1))
    b.annulus(0, 0, 0.26, 0.33, 0.45, mul(c, 0.78), 14, sz=0.75)
    b.quad((-0.17, 0.45, -0.035), (0.17, 0.45, -0.035), (0.17, 0.45, 0.035), (-0.17, 0.45, 0.035), mul(c, 0.7), UP)


# ---- paper and textiles -------------------------------------------------------------------------
@model("TissueBox")
def _tissue_box(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    return _long_x(_tissue_box_x, b, c, st, s)


def _tissue_box_x(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    top = 0.5 - min(0.45, 0.05 / s[1])
    b.box((-0.5, -0.5, -0.496), (0.5, top, 0.496), c)
    band = mix(c, WHITE, 0.7)
    for z, nz in ((0.5, 1), (-0.5, -1)):
        zz = z
        b.quad((-0.5, -0.2, zz), (0.5, -0.2, zz), (0.5, 0.0, zz), (-0.5, 0.0, zz), band, (0, 0, nz))
    # oval slot and a tissue rising from it in a soft peak
    _disk_on(b, (0, top + 0.004, 0), (0.3, 0, 0), (0, 0, 0.22), UP, mul(c, 0.45), 12)
    w = (252, 252, 252)
    ridge = [(-0.22, top + 0.12), (-0.1, 0.42), (0.0, 0.5), (0.1, 0.44), (0.22, top + 0.14)]
    for (x0, y0), (x1, y1) in zip(ridge, ridge[1:]):
        for zs in (-1, 1):
            b.quad((x0, top, zs * 0.15), (x1, top, zs * 0.15), (x1, y1, zs * 0.02), (x0, y0, zs * 0.02),
                   mul(w, 1.0 if zs > 0 else 0.92), (0, 0.5, zs))
    b.add(np.array([((-0.22, top, -0.15), (-0.22, top, 0.15), (-0.22, top + 0.12, 0.02)),
                    ((0.22, top, -0.15), (0.22, top, 0.15), (0.22, top + 0.14, 0.02))]), mul(w, 0.95),
          ref=(0, top + 0.1, 0))
    return b.build()


@model("Newspaper")
def _newspaper(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    ls = s if s[2] >= s[0] else s[[2, 1, 0]]
    paper = mix(c, PAPER, 0.4)
    # folded in half: two leaves meeting at a slightly raised crease across the middle
    b.para((-0.5, -0.5, -0.5), (1.0, 0, 0), (0, 0.6, 0.5), (0, 0.4, 0), paper)
    b.para((-0.5, -0.5, 0.0), (1.0, 0, 0), (0, 0.4, 0), (0, -0.4, 0.5), mul(paper, 0.94))
    nb = np.array([0.0, 0.5 * ls[2] / ls[1], -0.6])
    nb = nb / np.linalg.norm(nb)
    nf = np.array([0.0, 0.5 * ls[2] / ls[1], 0.4])
    nf = nf / np.linalg.norm(nf)
    # print on the far leaf: masthead, headline, photo, columns; the near leaf: columns
    o, u, v = np.array([-0.5, -0.1, -0.5]), np.array([1.0, 0, 0]), np.array([0, 0.6, 0.5])
    off = 0.006
    _pq(b, o, u, v, nb, 0.06, 0.05, 0.94, 0.17, (25, 25, 28), off)
    _pq(b, o, u, v, nb, 0.06, 0.22, 0.94, 0.3, (90, 90, 95), off)
    _pq(b, o, u, v, nb, 0.06, 0.36, 0.46, 0.9, (105, 110, 120), off)
    _pq(b, o, u, v, nb, 0.12, 0.42, 0.4, 0.68, (160, 150, 130), off * 2)
    for k in range(7):
        _pq(b, o, u, v, nb, 0.52, 0.37 + k * 0.075, 0.94, 0.405 + k * 0.075, (130, 130, 134), off)
    o2, v2 = np.array([-0.5, 0.1, 0.0]), np.array([0, -0.6, 0.5])
    for col in range(3):
        for k in range(10):
            _pq(b, o2, u, v2, nf, 0.06 + col * 0.31, 0.08 + k * 0.085, 0.31 + col * 0.31, 0.11 + k * 0.085,
                (130, 130, 134), off)
    m = b.build()
    m.tris = np.clip(m.tris, -0.5, 0.5)
    return along_long_axis(m, s)


@model("Book", open_=True)
def _book(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    pages = (238, 232, 212)
    if st.openness > 0:
        b.box((-0.5, -0.5, -0.5), (0.5, -0.3, 0.5), c)
        for sx in (-1, 1):
            x0, x1 = (-0.48, -0.02) if sx < 0 else (0.02, 0.48)
            b.box((x0, -0.3, -0.47), (x1, -0.05 if sx < 0 else -0.02, 0.47), pages)
            for k in range(8):
                z = -0.38 + k * 0.1
                y = (-0.05 if sx < 0 else -0.02) + 0.004
                b.quad((x0 + 0.05, y, z), (x1 - 0.05, y, z), (x1 - 0.05, y, z + 0.035), (x0 + 0.05, y, z + 0.035),
                       (120, 120, 125), UP)
        return
    ct = min(0.2, 0.004 / s[1])
    b.box((-0.5, -0.5, -0.5), (0.5, -0.5 + ct, 0.5), c)
    b.box((-0.497, 0.5 - ct, -0.5), (0.5, 0.497, 0.5), c)
    b.box((-0.497, -0.5, -0.5), (-0.42, 0.497, 0.5), mul(c, 0.85))  # spine
    b.box((-0.42, -0.5 + ct, -0.48), (0.48, 0.5 - ct, 0.48), pages)
    # page lines on the fore edge and ends
    for k in range(1, 4):
        y = -0.5 + ct + k * (1 - 2 * ct) / 4
        b.quad((0.481, y - 0.02, -0.46), (0.481, y - 0.02, 0.46), (0.481, y + 0.02, 0.46), (0.481, y + 0.02, -0.46),
               (200, 192, 170), (1, 0, 0))
        b.quad((-0.4, y - 0.02, 0.481), (0.46, y - 0.02, 0.481), (0.46, y + 0.02, 0.481), (-0.4, y + 0.02, 0.481),
               (200, 192, 170), FRONT)
    # title label and ornament lines on the cover, bands on the spine
    gold = (225, 195, 95)
    b.quad((-0.2, 0.5, -0.3), (0.3, 0.5, -0.3), (0.3, 0.5, -0.05), (-0.2, 0.5, -0.05),
           mix(c, WHITE, 0.75), UP)
    for z in (0.15, 0.25):
        b.quad((-0.2, 0.5, z), (0.3, 0.5, z), (0.3, 0.5, z + 0.03), (-0.2, 0.5, z + 0.03), gold, UP)
    for z in (-0.4, 0.37):
        b.quad((-0.5, -0.3, z), (-0.5, 0.3, z), (-0.5, 0.3, z + 0.04), (-0.5, -0.3, z + 0.04), gold,
               (-1, 0, 0))


@model("Cloth")
def _cloth(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    # crumpled fabric: an irregular outline, folds (ridges) shaded across the top, a folded-over corner
    n = 11
    g = np.linspace(-0.5, 0.5, n)
    xx, zz = np.meshgrid(g, g, indexing="ij")
    wob = 0.05 * np.sin(7 * zz + 1) * (np.abs(xx) > 0.45) + 0.05 * np.sin(6 * xx) * (np.abs(zz) > 0.45)
    xx = np.clip(xx * (0.93 + 0.07 * np.cos(3 * zz)) + wob * np.sign(xx), -0.5, 0.5)
    zz = np.clip(zz * (0.93 + 0.07 * np.sin(3 * xx + 0.5)) + wob * np.sign(zz), -0.5, 0.5)
    ridge = np.sin(9 * (xx * 0.8 + zz * 0.6) + 0.6) + 0.6 * np.sin(13 * (zz - 0.3 * xx))
    yy = np.clip(-0.1 + 0.33 * ridge, -0.5, 0.5)
    pts = np.stack([xx, yy, zz], -1)

    def col(i: int, j: int) -> Color:
        r = float(ridge[i:i + 2, j:j + 2].mean())
        return mul(c, 0.72 + 0.22 * (r + 1.6) / 3.2)
    _surface(b, pts, col, (0, -50, 0))
    for e in (pts[0], pts[-1], pts[:, 0], pts[:, -1]):
        lo = e.copy()
        lo[:, 1] = -0.5
        for k in range(len(e) - 1):
            b.add(np.array([(e[k], e[k + 1], lo[k + 1]), (e[k], lo[k + 1], lo[k])]), mul(c, 0.6), ref=(0, 0, 0))
    b.add(np.array([((0.5, 0.52 - 0.1, 0.5), (0.05, 0.5, 0.5), (0.5, 0.5, 0.1))]), mul(c, 1.15), normal=UP)
    b.add(np.array([((0.5, 0.42, 0.5), (0.05, 0.42, 0.5), (0.5, 0.42, 0.1))]), mul(c, 0.5), normal=(0, -1, 0))


def _hanging_towel(b: MeshBuilder, c: Color, s: np.ndarray) -> None:
    """Towel folded over a bar, seen from the front: the rolled top, a shorter front layer with its hem, stripe
    bands across both layers."""
    ft = min(0.2, 0.04 / s[1])
    yc = 0.5 - ft / 2
    b.box((-0.5, -0.5, -0.25), (0.5, yc, 0.0), mul(c, 0.92))  # back layer, full length
    b.box((-0.5, -0.12, 0.0), (0.5, yc, 0.25), c)  # front layer
    b.box((-0.5, -0.12, 0.0), (0.5, -0.06, 0.25), mul(c, 0.8))  # its hem
    m = MeshBuilder()
    m.cyl(-yc, 0, ft / 2, 0.25, -0.5, 0.5, mul(c, 1.05), n=10, bottom=True)
    b.extend(transform(m.build(), np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], np.float32)))  # along x
    band = mix(c, WHITE, 0.85) if sum(c) < 600 else mul(c, 0.6)
    dark = mul(c, 0.55)
    for y0, col in ((-0.42, band), (-0.36, dark), (-0.3, band)):
        for z, nz in ((0.002, 1), (-0.252, -1)):
            b.quad((-0.5, y0, z), (0.5, y0, z), (0.5, y0 + 0.045, z), (-0.5, y0 + 0.045, z), col, (0, 0, nz))
    for y0, col in ((0.02, band), (0.08, dark), (0.14, band)):
        b.quad((-0.5, y0, 0.252), (0.5, y0, 0.252), (0.5, y0 + 0.045, 0.252), (-0.5, y0 + 0.045, 0.252), col, FRONT)
    b.quad((-0.5, -0.5, 0.002), (0.5, -0.5, 0.002), (0.5, -0.46, 0.002), (-0.5, -0.46, 0.002), mul(c, 0.75), FRONT)


def _folded_towel(b: MeshBuilder, c: Color) -> None:
    """Towel folded flat: stacked layers with rounded fold edges towards +z and a stripe."""
    for k, (y0, y1) in enumerate(((-0.5, -0.18), (-0.18, 0.16), (0.16, 0.5))):
        b.box((-0.5, y0, -0.5), (0.5, y1 - 0.02, 0.46), mul(c, 0.92 + 0.05 * k))
        b.box((-0.5, y0 + 0.04, 0.46), (0.5, y1 - 0.06, 0.5), mul(c, 0.8))
    band = mix(c, WHITE, 0.8) if sum(c) < 600 else mul(c, 0.6)
    b.quad((-0.5, 0.481, 0.1), (0.5, 0.481, 0.1), (0.5, 0.481, 0.2), (-0.5, 0.481, 0.2), band, UP)


def _towel(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    if s[1] <= min(s[0], s[2]):
        _folded_towel(b, c)
        return b.build()
    ls = np.array([max(s[0], s[2]), s[1], min(s[0], s[2])])
    _hanging_towel(b, c, ls)
    return face_thin_axis(b.build(), s)


model("Towel")(_towel)
model("HandTowel")(_towel)


@model("ToiletPaper")
def _toilet_paper(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    # a roll lying along x with its tail running out over the surface towards +z
    r = 0.5 * min(s[1], s[2]) * 0.86
    ry, rz = r / s[1], r / s[2]
    cy, cz = -0.5 + ry, -0.5 + rz
    rot = np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], np.float32)  # the cylinder's axis y -> x
    side = MeshBuilder()
    side.cyl(0, 0, ry, rz, -0.48, 0.48, c, n=16, top=False)
    end = MeshBuilder()
    end.annulus(0, 0, 0.45 * ry, ry, 0.48, mul(c, 0.93), 16, sz=rz / ry)
    end.annulus(0, 0, 0.3 * ry, 0.45 * ry, 0.48, (196, 160, 115), 16, sz=rz / ry)  # cardboard core
    end.disk(0, 0, 0.3 * ry, 0.3 * rz, 0.4, (60, 45, 35), 12)  # the hole
    b.extend(transform(side.build(), rot, (0, cy, cz)))
    for f in (1.0, -1.0):
        b.extend(transform(end.build(), rot @ np.diag([1.0, f, 1.0]).astype(np.float32), (0, cy, cz)))
    tail = mul(c, 0.97)
    zc = cz + rz
    b.quad((-0.44, cy, zc + 0.003), (0.44, cy, zc + 0.003), (0.44, -0.5 + 0.01, 0.5), (-0.44, -0.5 + 0.01, 0.5),
           tail, (0, 0.5, 1))
    b.quad((-0.44, -0.5 + 0.012, 0.3), (0.44, -0.5 + 0.012, 0.3), (0.44, -0.5 + 0.012, 0.31),
           (-0.44, -0.5 + 0.012, 0.31), (205, 205, 200), UP)
    return b.build()


@model("Candle", toggle=True)
def _candle(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    wax_top = 0.5 - min(0.5, 0.05 / s[1])
    dish = (200, 165, 80)
    b.cyl(0, 0, 0.5, 0.5, -0.5, -0.42, dish, n=14, bottom=True, top_scale=1.0)
    b.cyl(0, 0, 0.36, 0.36, -0.42, wax_top, c, n=14, top=False)
    b.disk(0, 0, 0.36, 0.36, wax_top, mul(c, 0.92), 14)
    b.annulus(0, 0, 0.28, 0.36, wax_top + 0.003, mix(c, WARM, 0.6) if st.toggled else mul(c, 1.05), 14,
              emissive=st.toggled)
    for a, ln in ((0.6, 0.22), (2.2, 0.14), (4.0, 0.3)):
        p = (0.365 * math.cos(a), wax_top, 0.365 * math.sin(a))
        q = (0.365 * math.cos(a + 0.35), wax_top, 0.365 * math.sin(a + 0.35))
        b.quad(p, q, (q[0], wax_top - ln, q[2]), (p[0], wax_top - ln, p[2]), mul(c, 1.06),
               (math.cos(a + 0.17), 0, math.sin(a + 0.17)))
    wick_top = wax_top + min(0.12, 0.012 / s[1])
    b.box((-0.03, wax_top, -0.03), (0.03, wick_top, 0.03), (25, 20, 15))
    if st.toggled:
        fh = 0.5 - wick_top
        fr = min(0.24, 0.016 / s[0])
        # a teardrop: a pale yellow bulb round the wick tapering to an orange tip
        b.sphere((0, wick_top + fh * 0.32, 0), (fr, fh * 0.32, fr), FLAME_CORE, 3, 8, emissive=True)
        b.cyl(0, 0, fr * 0.9, fr * 0.9, wick_top + fh * 0.4, 0.5, FLAME, n=8, top_scale=0.05, top=False,
              emissive=True)


# ---- soft toys and cushions ---------------------------------------------------------------------
@model("TeddyBear")
def _teddy_bear(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    """A sitting bear facing +z: body, head, round ears, arms, legs with pads, muzzle, eyes, nose."""
    def sph(x: float, y: float, z: float, r: float, col: Color, ry: float | None = None) -> None:
        b.sphere((x / s[0], y / s[1], z / s[2]), (r / s[0], (ry or r) / s[1], r / s[2]), col, 4, 10)
    W, H, D = s[0], s[1], s[2]  # metres; bear geometry scaled to the box
    k = min(W / 0.25, H / 0.35, D / 0.2)
    light = mix(c, (235, 215, 180), 0.55)
    sph(0, -0.04 * k, -0.01 * k, 0.075 * k, c, 0.095 * k)  # body
    sph(0, -0.035 * k, 0.045 * k, 0.05 * k, light, 0.065 * k)  # belly
    sph(0, 0.095 * k, 0.0, 0.07 * k, c)  # head
    sph(0, 0.08 * k, 0.055 * k, 0.032 * k, light, 0.026 * k)  # muzzle
    sph(0, 0.092 * k, 0.084 * k, 0.011 * k, (25, 18, 14), 0.008 * k)  # nose
    for sx in (-1, 1):
        sph(sx * 0.055 * k, 0.15 * k, -0.005 * k, 0.027 * k, c)  # ears
        sph(sx * 0.055 * k, 0.15 * k, 0.012 * k, 0.015 * k, light)
        sph(sx * 0.027 * k, 0.118 * k, 0.058 * k, 0.009 * k, (15, 12, 10))  # eyes
        sph(sx * 0.09 * k, -0.02 * k, 0.02 * k, 0.03 * k, c, 0.055 * k)  # arms
        sph(sx * 0.055 * k, -0.135 * k, 0.045 * k, 0.038 * k, c)  # legs
        sph(sx * 0.055 * k, -0.135 * k, 0.082 * k, 0.022 * k, light)  # foot pads
    m = b.build()
    m.tris = np.clip(m.tris, -0.5, 0.5)
    return m


def _puffy(b: MeshBuilder, c: Color, seam: Color, h_top: float, h_bot: float, p: float = 3.0, n: int = 9) -> None:
    """A cushion: top and bottom bulges meeting at a piped seam round the edge at y=0."""
    g = np.linspace(-0.5, 0.5, n)
    xx, zz = np.meshgrid(g, g, indexing="ij")
    bulge = np.sqrt(np.clip((1 - np.abs(2 * xx) ** p) * (1 - np.abs(2 * zz) ** p), 0, 1))
    pinch = 1 - 0.06 * (np.abs(2 * xx) * np.abs(2 * zz)) ** 2
    xs, zs = xx * pinch, zz * pinch
    for h, ref, k in ((h_top, (0, -50, 0), 1.0), (-h_bot, (0, 50, 0), 0.8)):
        pts = np.stack([xs, h * bulge, zs], -1)

        def col(i: int, j: int, k: float = k) -> Color:
            return mul(c, k * (0.9 + 0.1 * float(bulge[i, j])))
        _surface(b, pts, col, ref)
    e = 0.025
    ring = [(xs[i, 0], zs[i, 0]) for i in range(n)] + [(xs[-1, j], zs[-1, j]) for j in range(1, n)] + \
        [(xs[i, -1], zs[i, -1]) for i in range(n - 2, -1, -1)] + [(xs[0, j], zs[0, j]) for j in range(n - 2, 0, -1)]
    for (x0, z0), (x1, z1) in zip(ring, ring[1:] + ring[:1]):
        b.add(np.array([((x0, -e, z0), (x1, -e, z1), (x1, e, z1)), ((x0, -e, z0), (x1, e, z1), (x0, e, z0))]), seam,
              ref=(0, 0, 0))


@model("Pillow")
def _pillow(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    m = MeshBuilder()
    _puffy(m, c, mul(c, 0.7), 0.5, 0.5)
    return m.build()


WOOD_DARK: Color = (90, 60, 38)


@model("Ottoman")
def _ottoman(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> Mesh:
    leg = min(0.3, 0.07 / s[1])
    cush = min(0.4, 0.12 / s[1])
    body_top = 0.5 - cush * 0.6
    b.box((-0.47, -0.5 + leg, -0.47), (0.47, body_top, 0.47), mul(c, 0.9))
    for y in (-0.5 + leg + 0.02, body_top - 0.02):
        b.box((-0.48, y - 0.015, -0.48), (0.48, y + 0.015, 0.48), mul(c, 0.7))  # piping
    for sx in (-1, 1):
        for sz in (-1, 1):
            b.cyl(sx * 0.4, sz * 0.4, 0.04, 0.04, -0.5, -0.5 + leg, WOOD_DARK, n=6, top_scale=1.4)
    m = MeshBuilder()
    _puffy(m, mul(c, 1.1), mul(c, 0.7), 1.0, 0.2, p=4.0)
    b.extend(transform(m.build(), np.diag([0.98, cush * 0.6, 0.98]).astype(np.float32), (0, body_top, 0)))
    for x, z in ((-0.22, -0.22), (-0.22, 0.22), (0.22, -0.22), (0.22, 0.22)):  # tufting buttons
        b.sphere((x, body_top + cush * 0.6 * 0.8, z), (0.03, 0.03 * s[0] / s[1], 0.03), mul(c, 0.55), 2, 6)
    b.sphere((0.0, body_top + cush * 0.6 * 0.98, 0.0), (0.03, 0.03 * s[0] / s[1], 0.03), mul(c, 0.55), 2, 6)
    m2 = b.build()
    m2.tris = np.clip(m2.tris, -0.5, 0.5)
    return m2


# ---- containers ---------------------------------------------------------------------------------
def _flap(b: MeshBuilder, edge0: Vec3, edge1: Vec3, out: Vec3, color: Color) -> None:
    """A thin flap hinged on edge0-edge1 reaching to edge + out (drawn from both sides)."""
    e0, e1, o = (np.asarray(x, float) for x in (edge0, edge1, out))
    n = np.cross(e1 - e0, o)
    b.quad(e0, e1, e1 + o, e0 + o, color, n)
    b.quad(e0, e1, e1 + o, e0 + o, mul(color, 0.8), -n)


@model("Box")
def _box(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Cardboard box, open at the top (like the flat shape) with four flaps folded outwards, tape and a label."""
    top = 0.5 - min(0.3, 0.09 / s[1])
    inner = mul(c, 0.6)
    b.shell((-0.4, -0.5, -0.4), (0.4, top, 0.4), 0.03, c, inner, "t")
    fx = 0.1
    fy = 0.5 - top
    _flap(b, (-0.4, top, 0.4), (0.4, top, 0.4), (0, fy, fx), mul(c, 0.95))
    _flap(b, (-0.4, top, -0.4), (0.4, top, -0.4), (0, fy, -fx), mul(c, 0.95))
    _flap(b, (0.4, top, -0.4), (0.4, top, 0.4), (fx, fy, 0), mul(c, 0.9))
    _flap(b, (-0.4, top, -0.4), (-0.4, top, 0.4), (-fx, fy, 0), mul(c, 0.9))
    tape = (205, 185, 140)
    for z, nz in ((0.401, 1), (-0.401, -1)):
        b.quad((-0.06, top - 0.25, z), (0.06, top - 0.25, z), (0.06, top, z), (-0.06, top, z), tape, (0, 0, nz))
    b.quad((-0.32, -0.35, 0.402), (-0.02, -0.35, 0.402), (-0.02, -0.12, 0.402), (-0.32, -0.12, 0.402), WHITE, FRONT)
    for k in range(3):
        y = -0.3 + k * 0.055
        b.quad((-0.29, y, 0.404), (-0.08, y, 0.404), (-0.08, y + 0.02, 0.404), (-0.29, y + 0.02, 0.404), INK, FRONT)
    for x in (0.14, 0.26):  # "this way up" arrows
        b.add(np.array([((x - 0.05, -0.1, 0.402), (x + 0.05, -0.1, 0.402), (x, 0.0, 0.402))]), mul(c, 0.45),
              normal=FRONT)
        b.quad((x - 0.015, -0.25, 0.402), (x + 0.015, -0.25, 0.402), (x + 0.015, -0.1, 0.402),
               (x - 0.015, -0.1, 0.402), mul(c, 0.45), FRONT)


@model("LaundryHamper")
def _laundry_hamper(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Open wicker basket: woven walls (alternating shades), a rim, handle slots, clothes heaped inside."""
    top = 0.5 - min(0.3, 0.1 / s[1])
    b.shell((-0.497, -0.5, -0.497), (0.497, top, 0.497), 0.05, c, mul(c, 0.55), "t")
    rows, cols = 8, 8
    for face, nrm in (("f", (0, 0, 1)), ("k", (0, 0, -1)), ("r", (1, 0, 0)), ("l", (-1, 0, 0))):
        for i in range(rows):
            for j in range(cols):
                if (i + j) % 2:
                    continue
                y0 = -0.5 + (top + 0.5) * i / rows
                y1 = -0.5 + (top + 0.5) * (i + 1) / rows
                a0, a1 = -0.5 + j / cols, -0.5 + (j + 1) / cols
                if face in "fk":
                    z = 0.5 if face == "f" else -0.5
                    b.quad((a0, y0, z), (a1, y0, z), (a1, y1, z), (a0, y1, z), mul(c, 0.78), nrm)
                else:
                    x = 0.5 if face == "r" else -0.5
                    b.quad((x, y0, a0), (x, y0, a1), (x, y1, a1), (x, y1, a0), mul(c, 0.78), nrm)
    b.box((-0.5, top - 0.06, -0.5), (0.5, top, 0.5), mul(c, 0.7), skip="tb")
    for x, nx in ((0.5, 1), (-0.5, -1)):
        b.quad((x, top - 0.2, -0.15), (x, top - 0.2, 0.15), (x, top - 0.12, 0.15), (x, top - 0.12, -0.15),
               (40, 30, 20), (nx, 0, 0))
    for (x, z, r, col) in ((-0.2, -0.1, 0.25, (200, 70, 70)), (0.18, 0.12, 0.24, (80, 120, 200)),
                           (0.05, -0.22, 0.2, (235, 235, 230)), (-0.15, 0.22, 0.18, (90, 160, 100))):
        b.sphere((x, top - 0.02, z), (r, 0.5 - top + 0.02, r), col, 3, 8)
    b.para((0.1, top - 0.05, 0.3), (0.3, 0.0, 0.0), (0.0, -0.3, 0.15), (0, 0.06, 0.0), (80, 120, 200))


@model("GarbageCan")
def _garbage_can(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Tapered bin open at the top: a rolled rim, a dark liner folded over it, a pedal at the front."""
    rz = 0.5
    inner = (45, 45, 48)
    b.cyl(0, 0, 0.42, rz * 0.84, -0.5, 0.44, c, n=16, top=False, bottom=True, top_scale=1.19)
    b.cyl(0, 0, 0.38, rz * 0.76, -0.4, 0.44, inner, n=16, top=False, invert=True, top_scale=1.24)
    b.disk(0, 0, 0.38, rz * 0.76, -0.4, mul(inner, 0.8), 16)
    b.cyl(0, 0, 0.5, rz, 0.44, 0.5, mul(c, 0.8), n=16, top=False)  # rim band
    b.annulus(0, 0, 0.47, 0.5, 0.5, mul(c, 0.85), 16, sz=rz / 0.5)
    b.cyl(0, 0, 0.505, rz * 1.01, 0.36, 0.5, (30, 30, 32), n=16, top=False)  # liner over the rim
    for a in (0.3, 1.9, 3.4, 4.9):
        p = np.array([0.505 * math.cos(a), 0.36, rz * 1.01 * math.sin(a)])
        q = np.array([0.505 * math.cos(a + 0.3), 0.36, rz * 1.01 * math.sin(a + 0.3)])
        b.add(np.array([(p, q, (p + q) / 2 + (0, -0.1, 0))]), (30, 30, 32), ref=(0, 0.3, 0))
    b.box((-0.12, -0.5, 0.35), (0.12, -0.42, 0.5), mul(c, 0.6))


# ---- lamps and appliances -----------------------------------------------------------------------
def _shade(b: MeshBuilder, cx: float, cz: float, r0: float, r1: float, y0: float, y1: float, s: np.ndarray,
           base: Color, on: bool) -> None:
    """A drum/cone lamp shade (radius r0 at the bottom y0, r1 at the top y1, metres), lit when on."""
    shade = WARM if on else mix(base, WHITE, 0.55)
    b.cyl(cx, cz, r0 / s[0], r0 / s[2], y0, y1, shade, n=14, top=False, top_scale=r1 / r0, emissive=on)
    b.cyl(cx, cz, r0 / s[0] * 0.97, r0 / s[2] * 0.97, y0, y1, (255, 250, 220) if on else mul(shade, 0.6), n=14,
          top=False, top_scale=r1 / r0, invert=True, emissive=on)
    b.annulus(cx, cz, r0 / s[0] * 0.97, r0 / s[0], y0, mul(base, 0.8), 14, sz=s[0] / s[2])
    if on:
        b.sphere((cx, y0 + 0.25 * (y1 - y0), cz), (r0 * 0.3 / s[0], r0 * 0.3 / s[1], r0 * 0.3 / s[2]),
                 (255, 255, 235), 3, 8, emissive=True)


@model("DeskLamp", toggle=True)
def _desk_lamp(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Table lamp: a round base, a stem with a switch, a drum shade (glowing when on)."""
    b.cyl(0, 0, 0.4, 0.4, -0.5, -0.44, mul(c, 0.8), n=14, bottom=True, top_scale=0.85)
    b.cyl(0, 0, 0.3, 0.3, -0.44, -0.1, c, n=12, top_scale=0.55)  # vase-like body
    b.cyl(0, 0, 0.04, 0.04, -0.1, 0.1, STEEL, n=6, top=False)
    _shade(b, 0, 0, 0.5 * min(s[0], s[2]), 0.33 * min(s[0], s[2]), 0.02, 0.5, s, c, st.toggled)


@model("FloorLamp", toggle=True)
def _floor_lamp(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Floor lamp: a heavy round base, a thin pole, a drum shade at the top (glowing when on)."""
    pole = mix(c, DARK, 0.6)
    b.cyl(0, 0, 0.45, 0.45, -0.5, -0.48, pole, n=14, bottom=True, top_scale=0.8)
    pr = min(0.05, 0.012 / s[0])
    b.cyl(0, 0, pr, pr * s[0] / s[2], -0.48, 0.3, pole, n=6, top=False)
    y0 = 0.5 - min(0.4, 0.35 / s[1])
    _shade(b, 0, 0, 0.5 * min(s[0], s[2]), 0.4 * min(s[0], s[2]), y0, 0.5, s, c, st.toggled)


@model("VacuumCleaner")
def _vacuum(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    """Upright vacuum: floor head with wheels, a body with a clear dust bin, a handle pole with a grip loop."""
    h = 1.0 / s[1]  # unit per metre along y
    dark = (45, 45, 50)
    b.box((-0.5, -0.5, -0.05), (0.5, -0.5 + 0.07 * h, 0.5), dark)  # floor head
    b.box((-0.48, -0.5 + 0.07 * h, 0.3), (0.48, -0.5 + 0.09 * h, 0.5), c)
    for sx in (-1, 1):
        m = MeshBuilder()
        m.cyl(0, 0, 0.04 * h, 0.04 / s[2], -0.5, 0.5, (25, 25, 25), n=10, bottom=True)
        b.extend(transform(m.build(), np.array([[0, 1, 0], [-1, 0, 0], [0, 0, 1]], np.float32) *
                           np.array([0.08, 1, 1], np.float32)[:, None], (sx * 0.46, -0.5 + 0.04 * h, -0.25)))
    b.box((-0.35, -0.5 + 0.07 * h, -0.45), (0.35, -0.5 + 0.62 * h, 0.1), c)  # body
    b.cyl(0, 0.12, 0.28, 0.22, -0.5 + 0.22 * h, -0.5 + 0.52 * h, (175, 190, 205), n=12)  # dust bin
    b.cyl(0, 0.12, 0.281, 0.221, -0.5 + 0.3 * h, -0.5 + 0.36 * h, (120, 130, 140), n=12, top=False)
    b.box((-0.06, -0.5 + 0.62 * h, -0.3), (0.06, 0.42, -0.18), STEEL)  # pole
    b.box((-0.1, 0.3, -0.34), (0.1, 0.5, -0.14), dark)  # grip
    b.box((-0.1, 0.34, -0.3), (0.1, 0.46, -0.18), mul(c, 0.4))
    b.box((-0.26, -0.5 + 0.1 * h, -0.5), (-0.18, -0.5 + 0.6 * h, -0.42), dark)  # hose at the back
