"""Backend-neutral navigation helpers over AI2-THOR metadata: poses facing a target.

`goto` in the envs teleports to the nearest reachable pose facing the target, as AI2-THOR
controllers do (GetReachablePositions + TeleportFull). These are pure functions of metadata.
"""
from __future__ import annotations

import math
from typing import Any

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
