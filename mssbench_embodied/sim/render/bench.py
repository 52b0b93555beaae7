"""Renderer benchmark: `python -m mssbench_embodied.sim.render.bench [--size 300] [--frames 100]`;
`--styles` compares flat and legible GL frames instead (compare_styles).

Builds a synthetic ~70-object kitchen (also used by tests/test_render.py).
"""
from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np

from ..objects import SimObject
from ..types import type_spec
from .geometry import WorldBuilder
from .scene import Camera, Renderer, RenderScene, RoomGeometry


def _on(obj_type: str, x: float, base_y: float, z: float, yaw: float = 0.0,
        size: Sequence[float] | None = None) -> SimObject:
    s = np.asarray(size if size is not None else type_spec(obj_type).size, float)
    return SimObject.create(obj_type, [x, base_y + s[1] / 2, z], size=s, yaw=yaw)


def kitchen_objects() -> list[SimObject]:
    """~70 objects: counters along +z wall, sink, stove, fridge, table with tableware."""
    objs: list[SimObject] = [SimObject.create("Floor", [0, -0.01, 0], size=[5.0, 0.02, 4.0])]
    cz, top = 1.7, 0.9
    for x0, x1 in ((-1.8, -0.8), (-0.2, 0.6), (0.6, 2.4)):
        objs.append(_on("CounterTop", (x0 + x1) / 2, 0, cz, 180, [x1 - x0, top, 0.6]))
    objs.append(_on("Cabinet", -0.5, 0.0, cz + 0.05, 180, [0.6, 0.7, 0.5]))
    objs.append(_on("SinkBasin", -0.5, 0.7, cz, 180, [0.6, 0.22, 0.5]))
    objs.append(_on("Faucet", -0.5, 0.92, 1.93, 180))
    objs.append(_on("Window", -0.5, 1.2, 1.98, 180))
    objs.append(_on("Fridge", -2.1, 0.0, 1.6, 180))
    for x in (-1.5, -1.0, 0.1, 1.2, 1.8):
        objs.append(_on("Cabinet", x, 1.5, 1.82, 180, [0.5, 0.7, 0.35]))
    for x in (1.5, 2.1):
        objs.append(_on("Drawer", x, 0.6, 1.42, 180, [0.5, 0.18, 0.05]))
    for (x, z) in ((0.8, 1.55), (1.15, 1.55), (0.8, 1.85), (1.15, 1.85)):
        objs.append(_on("StoveBurner", x, top, z))
    for i in range(4):
        objs.append(_on("StoveKnob", 0.75 + 0.15 * i, 0.8, 1.39, 180))
    objs += [_on("Microwave", -1.5, top, 1.75, 180), _on("Toaster", -1.05, top, 1.8, 180),
             _on("CoffeeMachine", 2.0, top, 1.8, 180), _on("Pan", 0.8, top + 0.04, 1.55),
             _on("Pot", 1.15, top + 0.04, 1.85), _on("Kettle", 1.6, top, 1.7), _on("Knife", 0.3, top, 1.6),
             _on("Fork", 0.2, top, 1.6), _on("Spatula", 0.45, top, 1.75), _on("WineBottle", 2.2, top, 1.6),
             _on("SoapBottle", -0.1, top, 1.85), _on("DishSponge", -0.05, top, 1.65), _on("Bread", -1.3, top, 1.6),
             _on("PaperTowelRoll", 1.9, top, 1.55), _on("Mug", -0.7, 0.7, 1.7), _on("Plate", -0.35, 0.7, 1.72),
             _on("CellPhone", -0.55, 0.7, 1.6), _on("Egg", -1.65, top, 1.55), _on("Apple", -1.7, top, 1.8)]
    objs.append(_on("DiningTable", 0.0, 0.0, -0.6))
    for (x, z, yaw) in ((-0.45, -1.2, 0), (0.45, -1.2, 0), (-0.45, 0.0, 180), (0.45, 0.0, 180)):
        objs.append(_on("Chair", x, 0.0, z, yaw))
    t = 0.75
    objs += [_on("Plate", -0.4, t, -0.4), _on("Plate", 0.4, t, -0.4), _on("Mug", -0.2, t, -0.5),
             _on("Bowl", 0.1, t, -0.7), _on("Laptop", 0.35, t, -0.85), _on("Book", -0.45, t, -0.85),
             _on("Candle", 0.0, t, -0.45), _on("Tomato", 0.15, t, -0.4), _on("Apple", -0.05, t, -0.8),
             _on("CellPhone", 0.55, t, -0.5), _on("WineBottle", -0.6, t, -0.6), _on("Knife", 0.25, t, -0.6)]
    objs += [_on("Painting", -2.47, 1.3, -0.5, 90), _on("Television", 2.45, 1.1, -0.5, 270, [0.08, 0.6, 1.0]),
             _on("HousePlant", -2.2, 0.0, -1.7), _on("GarbageCan", 2.2, 0.0, 0.9), _on("FloorLamp", 2.2, 0.0, -1.7),
             _on("HandTowel", -2.45, 0.9, 0.6, 90, [0.04, 0.45, 0.3]),
             _on("Shelf", -2.35, 1.2, 0.6, 90, [0.3, 0.02, 0.8]),
             _on("Book", -2.35, 1.22, 0.45, 90), _on("Bowl", -2.35, 1.22, 0.8)]
    return objs


KITCHEN_ROOM = RoomGeometry(-2.5, 2.5, -2.0, 2.0, 2.6)


def kitchen_scene(camera: Camera | None = None, version: int = 0) -> RenderScene:
    """The synthetic kitchen seen from `camera` (default: standing at the table, looking at the counters)."""
    cam = camera or Camera(np.array([0.0, 1.576, 0.6]), 0.0, 30.0)
    return RenderScene(kitchen_objects(), KITCHEN_ROOM, cam, version)


POSES = [((0.0, 1.576, 0.6), 0.0, 30.0), ((0.0, 1.576, 0.0), 180.0, 0.0), ((-0.5, 1.576, 0.9), 0.0, 45.0),
         ((1.0, 1.576, 0.5), 30.0, 20.0), ((0.0, 1.576, 0.0), 90.0, 10.0), ((0.5, 1.576, -1.5), 270.0, 0.0)]


def _time(renderer: Renderer, scene: RenderScene, frames: int) -> tuple[float, float]:
    """(median, mean) ms per camera-only frame."""
    renderer.render(scene)
    ts = []
    for i in range(frames):
        p, yaw, hor = POSES[i % len(POSES)]
        scene.camera = Camera(np.array(p), yaw, hor)
        t0 = time.perf_counter()
        renderer.render(scene)
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts) * 1000.0), float(np.mean(ts) * 1000.0)


def compare_styles(sizes: Sequence[int] = (300, 512), rounds: int = 8, frames: int = 24) -> dict[int, dict[str, float]]:
    """Flat vs legible GL ms/frame (RGB + depth + ids, camera moves over POSES) per size, in one run.

    Three renderers: flat, legible without lighting (models and gripper, baked flat shading) and
    legible. Rounds rotate which goes first; each figure is the median over all its frames. Prints
    and returns {size: {variant: ms}}; the budget is legible <= 1.5x flat."""
    from .gl import GLRenderer

    variants = ("flat", "legible unlit", "legible")
    out: dict[int, dict[str, float]] = {}
    for size in sizes:
        rs = {"flat": GLRenderer(size, size, style="flat"),
              "legible unlit": GLRenderer(size, size, style="legible", lighting=False),
              "legible": GLRenderer(size, size, style="legible")}
        scenes = {v: kitchen_scene() for v in variants}
        ts: dict[str, list[float]] = {v: [] for v in variants}
        for v, r in rs.items():
            r.render(scenes[v])  # build, upload (and the shadow map)
        for k in range(rounds):
            for v in variants[k % 3:] + variants[:k % 3]:
                r, scene = rs[v], scenes[v]
                for i in range(frames):
                    p, yaw, hor = POSES[i % len(POSES)]
                    scene.camera = Camera(np.array(p), yaw, hor)
                    t0 = time.perf_counter()
                    r.render(scene)
                    ts[v].append(time.perf_counter() - t0)
        ms = {v: float(np.median(ts[v]) * 1000.0) for v in variants}
        bump = {}
        for v, r in rs.items():  # one object moved: re-upload (and, legible, the shadow pass)
            scene, t0 = scenes[v], time.perf_counter()
            for _ in range(5):
                scene.objects[-1].move_to(scene.objects[-1].center + 0.001)
                scene.version += 1
                r.render(scene)
            bump[v] = (time.perf_counter() - t0) / 5 * 1000.0
            r.close()
        flat = ms["flat"]
        print(f"{size}x{size} camera moves (median of {rounds * frames} frames each): flat {flat:.2f} ms/frame, "
              f"legible unlit {ms['legible unlit']:.2f} ({ms['legible unlit'] / flat:.2f}x), "
              f"legible {ms['legible']:.2f} ({ms['legible'] / flat:.2f}x); lighting alone "
              f"{ms['legible'] / ms['legible unlit']:.2f}x")
        print(f"{size}x{size} with a version bump: " + ", ".join(f"{v} {bump[v]:.2f}" for v in variants) + " ms")
        out[size] = ms
    return out


def main(argv: list[str] | None = None) -> None:
    """Time each available renderer on the synthetic kitchen and print ms per frame."""
    from . import make_renderer

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--size", type=int, default=300)
    ap.add_argument("--frames", type=int, default=100)
    ap.add_argument("--styles", action="store_true", help="compare flat vs legible GL (300 and 512) instead")
    a = ap.parse_args(argv)
    if a.styles:
        compare_styles()
        return
    scene = kitchen_scene()
    geo_tris = None
    for kind in ("gl", "numpy"):
        try:
            r = make_renderer(a.size, a.size, kind=kind)
        except Exception as exc:  # pragma: no cover - machine without GL
            print(f"{kind}: unavailable ({exc})")
            continue
        med, mean = _time(r, scene, a.frames if kind == "gl" else max(12, a.frames // 4))
        t0 = time.perf_counter()
        for _ in range(5):  # geometry rebuild (version bump, one object moved)
            scene.objects[-1].move_to(scene.objects[-1].center + 0.001)
            scene.version += 1
            r.render(scene)
        ms_v = (time.perf_counter() - t0) / 5 * 1000.0
        geo_tris = len(WorldBuilder().get(scene).tris)
        print(f"{kind:5s} {a.size}x{a.size}: {med:6.2f} ms/frame median ({mean:.2f} mean) camera moves; "
              f"{ms_v:6.2f} ms/frame with a version bump")
        r.close()
    print(f"scene: {len(scene.objects)} objects, {geo_tris} triangles")


if __name__ == "__main__":
    main()
