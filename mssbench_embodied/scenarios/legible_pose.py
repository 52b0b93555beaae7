"""Start poses for the legible style: standing, level or looking down, scored on the segmentation.

Candidates stand on reachable spots near the anchor, at eye height, aimed at the critical objects
(the anchor too unless it is large) with the horizon clamped to [0, 60] degrees (never upward).
A cheap projection of the objects' boxes ranks them; the best few are rendered in every variant
given (the pose is shared by a pair's variants) and measured with `legibility.measure_objects`.
The first batch with a pose meeting every target in every variant gives the pose (its largest
worst-object margin); else the pose with the most targets met, then the largest margin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..sim.navigation import CAMERA_HEIGHT, facing
from .legibility import SHARE_TARGET, SMALL_SHARE_TARGET, checks, is_large, is_small, margin, measure_objects

if TYPE_CHECKING:
    from ..sim.embedded import EmbeddedBackend

MIN_GAP, MAX_GAP = 0.2, 1.6  # m between the agent position and the anchor's footprint
MAX_HORIZON = 60.0
BATCH = 4  # poses rendered per round (in every variant)
MAX_RENDERED = 16  # poses rendered at most
NUDGES = (0.0, 0.1, 0.2)  # m off the reachable grid towards the aim
FILL = 0.5  # guessed share of an object's projected box its pixels cover
EDGE = 0.97  # NDC bound a box must stay within to count as inside the frame


@dataclass
class View:
    """One variant to score poses on: its world snapshot, critical roles and the boxes to aim at."""

    state: bytes
    roles: dict[str, list[str]]
    boxes: dict[str, tuple[np.ndarray, np.ndarray]]  # objectId -> (lo, hi) of the non-held critical objects


def object_box(obj: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) corners of an object's axis-aligned box in metadata."""
    bb = obj["axisAlignedBoundingBox"]
    c = np.array([bb["center"][k] for k in "xyz"], np.float64)
    s = np.array([bb["size"][k] for k in "xyz"], np.float64)
    return c - s / 2, c + s / 2


def _corners(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])


def _project(pts: np.ndarray, cam: np.ndarray, yaw: float, horizon: float, tan_half: float) -> np.ndarray | None:
    """NDC (x, y) of points for an AI2-THOR camera (yaw 0 = +z, positive horizon looks down); None if behind."""
    y, h = math.radians(yaw), math.radians(horizon)
    fwd = np.array([math.sin(y) * math.cos(h), -math.sin(h), math.cos(y) * math.cos(h)])
    right = np.array([math.cos(y), 0.0, -math.sin(y)])
    up = np.cross(fwd, right)
    rel = pts - cam
    z = rel @ fwd
    if np.any(z < 0.05):
        return None
    return np.stack([rel @ right / z, rel @ up / z], axis=1) / tan_half


def prescore(cam: np.ndarray, yaw: float, horizon: float, tan_half: float, anchor: tuple[np.ndarray, np.ndarray],
             anchor_large: bool, targets: list[tuple[np.ndarray, np.ndarray, bool]]) -> tuple[bool, float]:
    """(every box where it must be, worst guessed share / target) of a pose, from box projections only."""
    ok, worst = True, math.inf
    for lo, hi, small, is_anchor in [(*t, False) for t in targets] + [(*anchor, False, True)]:
        ndc = _project(_corners(lo, hi), cam, yaw, horizon, tan_half)
        if ndc is None:
            return False, 0.0
        mn, mx = ndc.min(axis=0), ndc.max(axis=0)
        inside = bool(np.all(mn >= -EDGE) and np.all(mx <= EDGE))
        clipped = np.clip(mx, -1, 1) - np.clip(mn, -1, 1)
        share = float(max(clipped[0], 0.0) * max(clipped[1], 0.0)) / 4.0 * FILL
        if is_anchor and anchor_large:
            worst = min(worst, share / 0.1)
            continue
        ok = ok and inside
        worst = min(worst, share / (SMALL_SHARE_TARGET if small else SHARE_TARGET))
    return ok, worst


def candidates(metadata: dict[str, Any], reachable: list[dict[str, float]], anchor_id: str, views: list[View],
               fov: float) -> list[dict[str, Any]]:
    """Standing TeleportFull dicts, best guess first (one aim per spot), horizon in [0, MAX_HORIZON]."""
    anchor = next(o for o in metadata["objects"] if o["objectId"] == anchor_id)
    alo, ahi = object_box(anchor)
    large = is_large(ahi - alo)
    tboxes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for v in views:
        tboxes.update({k: b for k, b in v.boxes.items() if k != anchor_id})
    targets = [(lo, hi, is_small(hi - lo)) for lo, hi in tboxes.values()]
    aim_sets = [[(lo, hi) for lo, hi, _ in targets] + ([] if large else [(alo, ahi)])]
    if targets:
        aim_sets.append([(lo, hi) for lo, hi, _ in targets])
    aims = []
    for boxes in aim_sets:
        lo = np.min([b[0] for b in boxes] or [alo], axis=0)
        hi = np.max([b[1] for b in boxes] or [ahi], axis=0)
        aims.append((lo + hi) / 2)
    if large and not targets:
        aims = [(alo + ahi) / 2]
    tan_half = math.tan(math.radians(fov) / 2)
    scored = []
    for p in reachable:
        gap = math.hypot(max(alo[0] - p["x"], 0.0, p["x"] - ahi[0]), max(alo[2] - p["z"], 0.0, p["z"] - ahi[2]))
        if gap < MIN_GAP or gap > MAX_GAP:
            continue
        spot = (p["x"], p["z"])
        for aim in aims:
            dx, dz = aim[0] - p["x"], aim[2] - p["z"]
            n = math.hypot(dx, dz) or 1.0
            for step in NUDGES:  # off-grid steps towards the aim (TeleportFull rejects spots that collide)
                q = {"x": round(float(p["x"] + dx / n * step), 3), "y": p["y"], "z": round(float(p["z"] + dz / n * step), 3)}
                aim_obj = {"axisAlignedBoundingBox": {"center": {"x": aim[0], "y": aim[1], "z": aim[2]}}}
                yaw, horizon = facing((q["x"], q["z"]), q["y"], aim_obj, standing=True)
                horizon = min(max(horizon, 0.0), MAX_HORIZON)
                cam = np.array([q["x"], q["y"] + CAMERA_HEIGHT, q["z"]])
                fits, worst = prescore(cam, yaw, horizon, tan_half, (alo, ahi), large, targets)
                scored.append(((fits, round(min(worst, 3.0), 4), -step), spot, q, yaw, horizon))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [{"action": "TeleportFull", "position": q, "rotation": {"x": 0.0, "y": yaw, "z": 0.0},
             "horizon": horizon, "standing": True, "spot": spot} for _, spot, q, yaw, horizon in scored]


def _score(backend: EmbeddedBackend, view: View, pose: dict[str, Any]) -> tuple[int, float] | None:
    ev = backend.step(pose)
    if not ev.metadata["lastActionSuccess"]:
        return None
    objs = measure_objects(backend, view.roles, skip=frozenset({"held"}))
    c = checks(objs)
    return int(c["share"]) + int(c["visible"]) + int(c["anchor_in_view"]), min(margin(objs), 3.0)


def choose_legible_pose(backend: EmbeddedBackend, metadata: dict[str, Any], reachable: list[dict[str, float]],
                        anchor_id: str, views: list[View]) -> dict[str, Any] | None:
    """The start pose (see the module docstring), or None when no candidate pose teleports."""
    cands = candidates(metadata, reachable, anchor_id, views, backend.fov)
    best: tuple[tuple[int, float], dict[str, Any]] | None = None
    done: set[tuple[float, float]] = set()  # reachable spots with a pose rendered already
    rendered = 0
    i = 0
    while rendered < MAX_RENDERED and i < len(cands):
        batch: list[dict[str, Any]] = []
        while len(batch) < BATCH and i < len(cands):
            c = cands[i]
            i += 1
            if c["spot"] in done:
                continue
            pose = {k: v for k, v in c.items() if k != "spot"}
            if not backend.step(pose).metadata["lastActionSuccess"]:
                continue  # collides: try the spot's next pose
            done.add(c["spot"])
            batch.append(pose)
        rendered += len(batch)
        scores = []
        for v in views:
            backend.set_state(v.state)
            scores.append([_score(backend, v, c) for c in batch])
        for j, c in enumerate(batch):
            per = [s[j] for s in scores]
            if any(x is None for x in per):
                continue
            key = (sum(x[0] for x in per if x is not None), min(x[1] for x in per if x is not None))
            if best is None or key > best[0]:
                best = (key, c)
        if best is not None and best[0][0] == 3 * len(views) and best[0][1] >= 1.0:
            break
    return best[1] if best is not None else None
