"""Backend-neutral navigation helpers over AI2-THOR metadata: poses facing a target.

`goto` in the envs teleports to the nearest reachable pose facing the target, as AI2-THOR
controllers do (GetReachablePositions + TeleportFull). These are pure functions of metadata.
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from typing import Any

from .types import FRONT_OPENING

CAMERA_HEIGHT = 0.675  # camera above agent position (iTHOR), standing
CROUCH_CAMERA_HEIGHT = 0.0
MIN_STANDOFF = 0.25  # m between the agent position and the target's footprint
MAX_STANDOFF = 1.0


def _box(obj: dict[str, Any]) -> tuple[list[float], list[float]]:
    bb = obj["axisAlignedBoundingBox"]
    c, s = bb["center"], bb["size"]
    lo = [c["x"] - s["x"] / 2, c["y"] - s["y"] / 2, c["z"] - s["z"] / 2]
    hi = [c["x"] + s["x"] / 2, c["y"] + s["y"] / 2, c["z"] + s["z"] / 2]
    return lo, hi


def facing(agent_xz: tuple[float, float], agent_y: float, obj: dict[str, Any],
           standing: bool = True) -> tuple[float, float]:
    """(yaw, horizon) in degrees that point the camera at the object's box centre."""
    c = obj["axisAlignedBoundingBox"]["center"]
    dx, dz = c["x"] - agent_xz[0], c["z"] - agent_xz[1]
    yaw = math.degrees(math.atan2(dx, dz)) % 360.0
    dist = math.hypot(dx, dz)
    dy = (agent_y + (CAMERA_HEIGHT if standing else CROUCH_CAMERA_HEIGHT)) - c["y"]
    horizon = math.degrees(math.atan2(dy, max(dist, 1e-6)))
    return round(yaw, 1), round(max(-30.0, min(60.0, horizon)), 1)


def candidate_poses(metadata: dict[str, Any], reachable: list[dict[str, float]], object_id: str,
                    max_candidates: int = 8) -> list[dict[str, Any]]:
    """TeleportFull argument dicts, best first, for standing near and facing `object_id`."""
    obj = next((o for o in metadata["objects"] if o["objectId"] == object_id), None)
    if obj is None:
        return []
    lo, hi = _box(obj)
    scored = []
    for p in reachable:
        gx = max(lo[0] - p["x"], 0.0, p["x"] - hi[0])
        gz = max(lo[2] - p["z"], 0.0, p["z"] - hi[2])
        gap = math.hypot(gx, gz)
        if gap < MIN_STANDOFF or gap > MAX_STANDOFF:
            continue
        # prefer about 0.5 m from the footprint, then the nearest to the agent's current spot
        a = metadata["agent"]["position"]
        scored.append((abs(gap - 0.5), math.hypot(p["x"] - a["x"], p["z"] - a["z"]), p["x"], p["z"], p))
    scored.sort(key=lambda t: t[:4])
    out = []
    for standing in (True, False):  # crouch only when no standing pose works
        for *_, p in scored[:max_candidates]:
            yaw, horizon = facing((p["x"], p["z"]), p["y"], obj, standing)
            out.append({"action": "TeleportFull", "position": {"x": p["x"], "y": p["y"], "z": p["z"]},
                        "rotation": {"x": 0.0, "y": yaw, "z": 0.0}, "horizon": horizon, "standing": standing})
    return out


def goto_pose(metadata: dict[str, Any], reachable: list[dict[str, float]], object_id: str) -> dict[str, Any] | None:
    """The best TeleportFull dict facing the target, or None if no reachable spot is near it."""
    c = candidate_poses(metadata, reachable, object_id, 1)[:1]
    return c[0] if c else None


def front_direction(obj: dict[str, Any]) -> tuple[float, float]:
    """Unit (x, z) direction an object faces: its yaw (rotation.y) as in AI2-THOR (0 = +z)."""
    yaw = math.radians(float(obj.get("rotation", {}).get("y", 0.0)))
    return math.sin(yaw), math.cos(yaw)


def close_up_poses(metadata: dict[str, Any], reachable: list[dict[str, float]], anchor_id: str,
                   targets: list[str], max_candidates: int = 40, min_gap: float = 0.2) -> list[dict[str, Any]]:
    """TeleportFull dicts near the anchor, nearest to the targets first, camera aimed at them.

    Standing poses come before crouching ones at equal distance (crouching costs 0.35 m). For
    appliances with a door or slot (FRONT_OPENING) only poses in front of the opening count.
    """
    by_id = {o["objectId"]: o for o in metadata["objects"]}
    anchor = by_id.get(anchor_id)
    if anchor is None:
        return []
    pts = [by_id[t]["axisAlignedBoundingBox"]["center"] for t in targets if t in by_id] or \
        [anchor["axisAlignedBoundingBox"]["center"]]
    aim = {k: sum(p[k] for p in pts) / len(pts) for k in ("x", "y", "z")}
    aim_obj = {"axisAlignedBoundingBox": {"center": aim}}
    lo, hi = _box(anchor)
    ac = anchor["axisAlignedBoundingBox"]["center"]
    front = front_direction(anchor) if anchor["objectType"] in FRONT_OPENING else None
    scored = []
    for p in reachable:
        gap = math.hypot(max(lo[0] - p["x"], 0.0, p["x"] - hi[0]), max(lo[2] - p["z"], 0.0, p["z"] - hi[2]))
        if gap < min_gap or gap > MAX_STANDOFF:
            continue
        if front is not None:
            dx, dz = p["x"] - ac["x"], p["z"] - ac["z"]
            n = math.hypot(dx, dz) or 1.0
            if (dx * front[0] + dz * front[1]) / n < math.cos(math.radians(50)):
                continue
        for standing in (True, False):
            cam_y = p["y"] + (CAMERA_HEIGHT if standing else CROUCH_CAMERA_HEIGHT)
            d = math.dist((p["x"], cam_y, p["z"]), (aim["x"], aim["y"], aim["z"])) + (0.0 if standing else 0.15)
            scored.append((round(d, 4), p["x"], p["z"], not standing, p, standing))
    scored.sort(key=lambda t: t[:4])
    out = []
    for *_, p, standing in scored[:max_candidates]:
        # off-grid nudges towards the target first (TeleportFull rejects spots that collide)
        dx, dz = aim["x"] - p["x"], aim["z"] - p["z"]
        n = math.hypot(dx, dz) or 1.0
        for step in (0.24, 0.16, 0.08, 0.0):
            q = {"x": round(p["x"] + dx / n * step, 3), "y": p["y"], "z": round(p["z"] + dz / n * step, 3)}
            yaw, horizon = facing((q["x"], q["z"]), q["y"], aim_obj, standing)
            out.append({"action": "TeleportFull", "position": q, "rotation": {"x": 0.0, "y": yaw, "z": 0.0},
                        "horizon": horizon, "standing": standing})
    return out


Point2 = tuple[float, float]


def grid_path(nodes: Sequence[Point2], start: Point2, goal: Point2, clear: Callable[[Point2, Point2], bool],
              step: float) -> list[Point2] | None:
    """Shortest (x, z) path from start to goal over grid `nodes` (8-connected where `clear` allows the
    segment), pulled taut to its corners as a NavMesh path is; None if goal is unreachable.

    start and goal join the grid at the nodes within 1.5 steps they see; `clear(a, b)` says whether
    the agent can walk the straight segment a-b.
    """
    key = {(round(x, 3), round(z, 3)): (x, z) for x, z in nodes}
    pts: list[Point2] = [start, goal, *key.values()]
    index = {k: i + 2 for i, k in enumerate(key)}
    nbrs: list[list[tuple[int, float]]] = [[] for _ in pts]

    def link(i: int, j: int) -> None:
        d = math.dist(pts[i], pts[j])
        nbrs[i].append((j, d))
        nbrs[j].append((i, d))

    for (kx, kz), i in index.items():
        for dx, dz in ((1, 0), (0, 1), (1, 1), (1, -1)):
            j = index.get((round(kx + dx * step, 3), round(kz + dz * step, 3)))
            if j is not None and (dx == 0 or dz == 0 or clear(pts[i], pts[j])):
                link(i, j)
    for end in (0, 1):
        for i in range(2, len(pts)):
            if math.dist(pts[end], pts[i]) <= 1.5 * step + 1e-9 and clear(pts[end], pts[i]):
                link(end, i)
    if clear(start, goal):
        link(0, 1)
    dist, prev, heap = {0: 0.0}, {0: -1}, [(0.0, 0)]
    while heap:
        d, i = heapq.heappop(heap)
        if i == 1:
            break
        if d > dist[i]:
            continue
        for j, w in nbrs[i]:
            if d + w < dist.get(j, math.inf) - 1e-12:
                dist[j], prev[j] = d + w, i
                heapq.heappush(heap, (d + w, j))
    if 1 not in prev:
        return None
    path, i = [], 1
    while i != -1:
        path.append(pts[i])
        i = prev[i]
    path.reverse()
    corners, k = [path[0]], 0
    while k < len(path) - 1:  # string pulling: jump to the farthest point still in line of sight
        j = len(path) - 1
        while j > k + 1 and not clear(path[k], path[j]):
            j -= 1
        corners.append(path[j])
        k = j
    return corners
