"""Start poses for the legible style: standing, level or looking down, scored on the segmentation.

Candidates stand on reachable spots near the anchor (and up to 0.2 m off the grid towards the
aim; 0.3 m in round 2), at eye height, aimed at the critical objects (and the anchor unless it is
large), on a grid of horizons around the aim (HORIZON_OFFSETS, clamped to [0, 60] degrees: never upward). A
projection of the objects' boxes ranks them (every box where it must be in the frame, then the
worst guessed share / target). The best ones are rendered in every variant given (a pair's
variants share the pose) and measured with `legibility.quick_measure`, in two rounds: first the
aimed poses (no horizon offset) of the FIRST_TRIED best spots, one per spot; if none meets every
target, the best remaining candidates of the whole grid, at most PER_SPOT from one spot, up to
MAX_TRIED in all. The first pose meeting every target in every variant is taken, else the one
whose worst variant meets the most targets, then has the largest worst-object margin (a pose
stops being rendered once one variant shows it cannot beat the best). The first round is the
search of before the grid, so a pair it served (by the quick measure) keeps its pose; so does a pair
whose round-1 best pose the quick measure misjudged (`measure_objects` finds it meets every target in
every variant: a pan over its burner), checked before round 2.
An open anchor's body box must fit the frame, not its swung door (legibility rule 4).
The views draw the open gripper where the held object will be; realisation then checks the chosen pose
with the held object made (a View's `after`) and, where only it spoils the pose, searches again with it
made and a wider budget (HELD_MAX_TRIED, HELD_PER_SPOT), taking that pose only if it meets every target.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..sim.navigation import CAMERA_HEIGHT
from .legibility import (
    LARGE_ANCHOR_SHARE,
    SHARE_TARGET,
    SMALL_SHARE_TARGET,
    checks,
    is_large,
    is_small,
    margin,
    measure_objects,
    quick_measure,
)

if TYPE_CHECKING:
    from ..sim.embedded import EmbeddedBackend

MIN_GAP, MAX_GAP = 0.2, 1.6  # m between the agent position and the anchor's footprint
MAX_HORIZON = 60.0
FIRST_TRIED = 4  # round 1: aimed poses of this many spots
MAX_TRIED = 14  # poses rendered (in every variant) at most, both rounds
PER_SPOT = 3  # round 2: poses from one reachable spot at most
HELD_MAX_TRIED, HELD_PER_SPOT = 80, 8  # the same, searching again with the held object made (realise)
NUDGES = (0.0, 0.1, 0.2, 0.3)  # m off the reachable grid towards the aim
FIRST_NUDGES = 0.2  # round 1 nudges at most this far
HORIZON_OFFSETS = (0.0, 8.0, -8.0)  # degrees added to the aimed horizon (positive: looking further down)
FILL = 0.5  # guessed share of an object's projected box its pixels cover
EDGE = 0.97  # NDC bound a box must stay within to count as inside the frame


@dataclass
class View:
    """One variant to score poses on: its world snapshot, critical roles and the boxes to aim at."""

    state: bytes
    roles: dict[str, list[str]]
    boxes: dict[str, tuple[np.ndarray, np.ndarray]]  # objectId -> (lo, hi) of the non-held critical objects
    # run after each teleport: makes what realisation makes then (the held object), returns the roles to score
    after: Callable[[EmbeddedBackend], dict[str, list[str]]] | None = None


def object_box(obj: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) corners of an object's axis-aligned box in metadata."""
    bb = obj["axisAlignedBoundingBox"]
    c = np.array([bb["center"][k] for k in "xyz"], np.float64)
    s = np.array([bb["size"][k] for k in "xyz"], np.float64)
    return c - s / 2, c + s / 2


def _corners(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    return np.array([[x, y, z] for x in (lo[0], hi[0]) for y in (lo[1], hi[1]) for z in (lo[2], hi[2])])


def aim_angles(cams: np.ndarray, aim: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(yaw, horizon) in degrees pointing cameras (M, 3) at a point (AI2-THOR: yaw 0 = +z, positive looks down),
    rounded to 0.1 degree, the horizon clamped to [0, MAX_HORIZON]."""
    d = aim[None, :] - cams
    yaw = np.round(np.degrees(np.arctan2(d[:, 0], d[:, 2])) % 360.0, 1)
    hor = np.degrees(np.arctan2(-d[:, 1], np.maximum(np.hypot(d[:, 0], d[:, 2]), 1e-6)))
    return yaw, np.round(np.clip(hor, 0.0, MAX_HORIZON), 1)


def prescore(cams: np.ndarray, yaw: np.ndarray, horizon: np.ndarray, tan_half: float,
             boxes: list[tuple[np.ndarray, np.ndarray]], targets: np.ndarray,
             must_fit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per camera (M,): every must_fit box inside the frame, worst guessed share / target over the boxes."""
    y, h = np.radians(yaw), np.radians(horizon)
    fwd = np.stack([np.sin(y) * np.cos(h), -np.sin(h), np.cos(y) * np.cos(h)], axis=1)
    right = np.stack([np.cos(y), np.zeros_like(y), -np.sin(y)], axis=1)
    up = np.cross(fwd, right)
    pts = np.stack([_corners(lo, hi) for lo, hi in boxes])  # (B, 8, 3)
    rel = pts[None] - cams[:, None, None, :]  # (M, B, 8, 3)
    z = np.einsum("mbkc,mc->mbk", rel, fwd)
    front = np.all(z > 0.05, axis=(1, 2))
    zs = np.maximum(z, 0.05) * tan_half
    nx = np.einsum("mbkc,mc->mbk", rel, right) / zs
    ny = np.einsum("mbkc,mc->mbk", rel, up) / zs
    lo_x, hi_x, lo_y, hi_y = nx.min(2), nx.max(2), ny.min(2), ny.max(2)  # (M, B)
    inside = (lo_x >= -EDGE) & (hi_x <= EDGE) & (lo_y >= -EDGE) & (hi_y <= EDGE)
    w = np.clip(np.clip(hi_x, -1, 1) - np.clip(lo_x, -1, 1), 0, None)
    hgt = np.clip(np.clip(hi_y, -1, 1) - np.clip(lo_y, -1, 1), 0, None)
    ratio = w * hgt / 4.0 * FILL / targets[None, :]
    fits = front & np.all(inside | ~must_fit[None, :], axis=1)
    return fits, np.where(front, ratio.min(axis=1), 0.0)


def candidates(metadata: dict[str, Any], reachable: list[dict[str, float]], anchor_id: str, views: list[View],
               fov: float) -> list[dict[str, Any]]:
    """Standing TeleportFull dicts, best guess first, each with the reachable "spot" it comes from."""
    anchor = next(o for o in metadata["objects"] if o["objectId"] == anchor_id)
    alo, ahi = object_box(anchor)
    large = is_large(ahi - alo)
    tboxes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for v in views:
        tboxes.update({k: b for k, b in v.boxes.items() if k != anchor_id})
    boxes = [(alo, ahi), *tboxes.values()]
    targets = np.array([LARGE_ANCHOR_SHARE if large else SHARE_TARGET]
                       + [SMALL_SHARE_TARGET if is_small(hi - lo) else SHARE_TARGET for lo, hi in tboxes.values()])
    must_fit = np.array([not large] + [True] * len(tboxes))
    aim_sets = [boxes if not large or not tboxes else boxes[1:]]
    if tboxes and not large:
        aim_sets.append(boxes[1:])
    aims = [(np.min([b[0] for b in bs], axis=0) + np.max([b[1] for b in bs], axis=0)) / 2 for bs in aim_sets]
    spots = [p for p in reachable
             if MIN_GAP <= math.hypot(max(alo[0] - p["x"], 0.0, p["x"] - ahi[0]),
                                      max(alo[2] - p["z"], 0.0, p["z"] - ahi[2])) <= MAX_GAP]
    if not spots:
        return []
    base = np.array([[p["x"], p["y"], p["z"]] for p in spots])
    rows = []
    for ai, aim in enumerate(aims):
        d = aim[[0, 2]] - base[:, [0, 2]]
        dirs = d / np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-6)
        for step in NUDGES:
            pos = base.copy()
            pos[:, [0, 2]] = np.round(base[:, [0, 2]] + dirs * step, 3)
            cams = pos + np.array([0.0, CAMERA_HEIGHT, 0.0])
            yaw, aimed = aim_angles(cams, aim)
            for hi_, off in enumerate(HORIZON_OFFSETS):
                hor = np.round(np.clip(aimed + off, 0.0, MAX_HORIZON), 1)
                if off and np.array_equal(hor, aimed):
                    continue
                fits, worst = prescore(cams, yaw, hor, math.tan(math.radians(fov) / 2), boxes, targets, must_fit)
                for k in range(len(spots)):
                    rows.append((bool(fits[k]), round(min(float(worst[k]), 3.0), 4), -hi_, -step, -ai, -k,
                                 k, pos[k], float(yaw[k]), float(hor[k])))
    rows.sort(key=lambda t: t[:6], reverse=True)
    return [{"action": "TeleportFull", "position": {"x": float(pos[0]), "y": spots[k]["y"], "z": float(pos[2])},
             "rotation": {"x": 0.0, "y": yaw, "z": 0.0}, "horizon": hor, "standing": True,
             "spot": (spots[k]["x"], spots[k]["z"]), "aimed": neg_off == 0 and -neg_step <= FIRST_NUDGES}
            for _, _, neg_off, neg_step, *_, k, pos, yaw, hor in rows]


def _score(backend: EmbeddedBackend, roles: dict[str, list[str]], exact: bool = False) -> tuple[int, float]:
    """(targets met of share, visible, anchor in view; worst margin). The quick measure skips the held object,
    which no pose moves; the exact one measures it as the legibility test does."""
    objs = measure_objects(backend, roles) if exact else quick_measure(backend, roles, skip=frozenset({"held"}))
    c = checks(objs)
    return int(c["share"]) + int(c["visible"]) + int(c["anchor_in_view"]), min(margin(objs), 3.0)


def meets_targets(backend: EmbeddedBackend, pose: dict[str, Any], views: list[View],
                  exact: bool = True) -> tuple[bool, int]:
    """(the pose meets every target in every view by the exact measure, or the quick one, the view left loaded;
    -1: none, a view's ``after`` changed its state)."""
    for i, v in enumerate(views):
        backend.set_state(v.state)
        if not backend.step(pose).metadata["lastActionSuccess"]:
            return False, i
        if _score(backend, v.after(backend) if v.after else v.roles, exact=exact)[0] < 3:
            return False, -1 if v.after else i
    return True, -1 if views[-1].after else len(views) - 1


def choose_legible_pose(backend: EmbeddedBackend, metadata: dict[str, Any], reachable: list[dict[str, float]],
                        anchor_id: str, views: list[View], max_tried: int | None = None,
                        per_spot_max: int | None = None) -> dict[str, Any] | None:
    """The start pose (see the module docstring), or None when no candidate pose teleports. ``max_tried`` and
    ``per_spot_max``: round 2's budget (None: MAX_TRIED, PER_SPOT).

    The backend holds the last view's state on entry; on return it holds one of the views' states."""
    max_tried = MAX_TRIED if max_tried is None else max_tried
    per_spot_max = PER_SPOT if per_spot_max is None else per_spot_max
    best: tuple[tuple[int, float], dict[str, Any]] | None = None
    per_spot: dict[tuple[float, float], int] = {}  # reachable spot -> poses from it rendered already
    seen: set[tuple[float, float, float, float]] = set()
    loaded = -1 if views[-1].after else len(views) - 1  # the view whose state the backend holds (-1: none)
    cands = candidates(metadata, reachable, anchor_id, views, backend.fov)
    first = [(c, 1, FIRST_TRIED) for c in cands if c["aimed"]]
    for n, (c, limit, total) in enumerate([*first, *((c, per_spot_max, max_tried) for c in cands)]):
        if best is not None and best[0][0] == 3 and best[0][1] >= 1.0:
            break
        if n == len(first) and best is not None and best[0][0] < 3:
            # the quick measure can misjudge (a pan hiding its burner): round 1's best may meet every target
            ok, loaded = meets_targets(backend, best[1], views)
            if ok:
                break
        tried = sum(per_spot.values())
        if tried >= max_tried:
            break
        key4 = (c["position"]["x"], c["position"]["z"], c["rotation"]["y"], c["horizon"])
        if tried >= total or per_spot.get(c["spot"], 0) >= limit or key4 in seen:
            continue
        seen.add(key4)
        pose = {k: v for k, v in c.items() if k not in ("spot", "aimed")}
        order = list(range(len(views)))
        if loaded >= 0:
            order = order[loaded:] + order[:loaded]  # start with the view already loaded
        per: list[tuple[int, float]] = []
        for vi in order:
            if vi != loaded:
                backend.set_state(views[vi].state)
                loaded = vi
            if not backend.step(pose).metadata["lastActionSuccess"]:
                break  # collides: try the spot's next pose
            after = views[vi].after
            if after:
                loaded = -1  # the state will hold what `after` makes: reload the view for the next pose
            per.append(_score(backend, after(backend) if after else views[vi].roles))
            if best is not None and min(per) <= best[0]:
                break  # the views' minimum only falls: this pose cannot beat the best one
        if not per or (len(per) < len(views) and (best is None or min(per) > best[0])):
            continue  # collided
        per_spot[c["spot"]] = per_spot.get(c["spot"], 0) + 1
        key = min(per)
        if best is None or key > best[0]:
            best = (key, pose)
    return best[1] if best is not None else None
