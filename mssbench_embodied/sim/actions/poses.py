"""AI2-THOR 5.0 navigation queries: GetShortestPath, GetShortestPathToPoint, GetInteractablePoses.

Transcribed from allenai/ai2thor unity/Assets/Scripts/BaseFPSAgentController.cs (GetShortestPath,
getShortestPath, GetSimObjectNavMeshTarget, getReachablePositionToObjectVisible,
SafelyComputeNavMeshPath, GetShortestPathToPoint) and PhysicsRemoteFPSAgentController.cs
(getInteractablePoses). AI2-THOR's NavMesh is the project's navigation grid (World.is_free /
reachable_positions, paths by sim/navigation.grid_path); visibility is sim/visibility.py's.
"""
from __future__ import annotations

import math
from collections import deque
from typing import Any

import numpy as np

from ..navigation import grid_path
from ..objects import SimObject
from ..world import AGENT_Y, GRID_SIZE, World
from .extra import arg_float, arg_vec, cs_num, cs_vec, out_of_range, thrown
from .registry import ActionFailed, action

DEFAULT_ALLOWED_ERROR = 0.0001  # BaseFPSAgentController.DefaultAllowedErrorInShortestPath
NAVMESH_SAMPLE = 0.2  # m: NavMesh.SamplePosition radius floor in SafelyComputeNavMeshPath
WALK_STEP = 0.05  # m between the free-space samples of a straight segment
_BASE = "BaseFPSAgentController"


# ---------------------------------------------------------------------------- the "NavMesh"
def floor_y(world: World) -> float:
    """Height of the walkable surface (the Floor's top; 0 without a Floor)."""
    floors = world.of_type("Floor")
    return max(f.top for f in floors) if floors else 0.0


def walkable(world: World, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the agent can walk the straight segment a-b (every WALK_STEP sample is free)."""
    n = max(1, int(math.ceil(math.dist(a, b) / WALK_STEP)))
    return all(world.is_free(a[0] + (b[0] - a[0]) * k / n, a[1] + (b[1] - a[1]) * k / n) for k in range(n + 1))


def nearest_walkable(world: World, x: float, z: float, radius: float) -> tuple[float, float] | None:
    """NavMesh.SamplePosition: the free point nearest (x, z) within radius, or None."""
    if world.is_free(x, z):
        return x, z
    x0, x1, z0, z1 = world.bounds
    radius = min(radius, math.hypot(x1 - x0, z1 - z0))  # farther than the room's diagonal finds nothing new
    for r in np.arange(0.01, radius + 1e-9, 0.01):
        for a in np.linspace(0.0, 2 * math.pi, 48, endpoint=False):
            px, pz = x + r * math.cos(a), z + r * math.sin(a)
            if world.is_free(px, pz):
                return float(px), float(pz)
    return None


def navmesh_path(world: World, start: np.ndarray, target: np.ndarray, allowed_error: float) -> dict[str, Any]:
    """BaseFPSAgentController.SafelyComputeNavMeshPath: ``{"corners": [...]}`` from start to target, or the
    InvalidOperationException AI2-THOR throws (no NavMesh near an end, both ends off it, no path)."""
    where = f"{_BASE}.SafelyComputeNavMeshPath"
    if not (np.all(np.isfinite(start)) and np.all(np.isfinite(target))):
        raise thrown("InvalidOperationException", "Raycast could not find the floor!", f"{_BASE}.getFloorY")
    y = floor_y(world)
    radius = max(NAVMESH_SAMPLE, allowed_error)
    hits = []
    for name, p in (("startPosition", start), ("targetPosition", target)):
        hit = nearest_walkable(world, float(p[0]), float(p[2]), radius)
        if hit is None:
            raise thrown("InvalidOperationException",
                         f"No point on NavMesh near {name} {cs_vec([p[0], y, p[2]])}.", where)
        hits.append(hit)
    (sx, sz), (tx, tz) = hits
    off_start = math.hypot(sx - start[0], sz - start[2])
    if off_start > allowed_error and math.hypot(tx - target[0], tz - target[2]) > allowed_error:
        raise thrown("InvalidOperationException", "Closest point on NavMesh was too far from the agent: "
                     f" (startPosition={cs_vec([start[0], y, start[2]], 3)}, closest navmesh position "
                     f"{cs_vec([sx, y, sz], 3)}) and (targetPosition={cs_vec([target[0], y, target[2]], 3)}, "
                     f"closest navmesh position {cs_vec([tx, y, tz], 3)}).", where)
    corners = grid_path(world.reachable_positions(), (sx, sz), (tx, tz), lambda a, b: walkable(world, a, b), GRID_SIZE)
    if corners is None:
        raise thrown("InvalidOperationException", f"Could not find path between {cs_vec([sx, y, sz], 3)} and "
                     f"{cs_vec([tx, y, tz], 3)} using the NavMesh.", where)
    return {"corners": [{"x": float(x), "y": y, "z": float(z)} for x, z in corners]}


# ---------------------------------------------------------------------------- visibility from a pose
def _axes(yaw: float, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    r, h = math.radians(yaw), math.radians(horizon)
    return (np.array([math.sin(r) * math.cos(h), -math.sin(h), math.cos(r) * math.cos(h)]),
            np.array([math.cos(r), 0.0, -math.sin(r)]))


def _camera_height(world: World, standing: bool) -> float:
    a = world.agent
    return a.camera_height if standing else a.crouch_camera_height


def seen_from(world: World, obj: SimObject, cam: np.ndarray, fwd: np.ndarray, rgt: np.ndarray, reach: float) -> bool:
    """Whether obj is visible from this camera pose within `reach` (sim/visibility.py); a held object never is
    (AI2-THOR hides the held object while it searches poses)."""
    if obj.is_picked_up:
        return False
    g = world.visibility_geometry()
    i = g.index.get(obj.object_id)
    return i is not None and obj.object_id in g.visible(cam, fwd, rgt, world.fov, reach, only=i)


def _aimed_visible(world: World, obj: SimObject, x: float, z: float) -> bool:
    """getReachablePositionToObjectVisible: the camera at (x, z) looking straight at obj sees it in reach."""
    cam = np.array([x, AGENT_Y + _camera_height(world, world.agent.is_standing), z])
    d = obj.center - cam
    n = float(np.linalg.norm(d))
    if n < 1e-9:
        return True
    fwd = d / n
    h = math.hypot(float(fwd[0]), float(fwd[2]))
    rgt = np.array([fwd[2] / h, 0.0, -fwd[0] / h]) if h > 1e-9 else np.array([1.0, 0.0, 0.0])
    return seen_from(world, obj, cam, fwd, rgt, world.visibility_distance)


def _visible_spot(world: World, obj: SimObject, start: np.ndarray) -> np.ndarray:
    """BFS over the grid from the cell nearest start to the first cell from which obj is interactable
    (4 directions, as getReachablePositionToObjectVisible); -inf when there is none."""
    cells = {(round(x, 2), round(z, 2)) for x, z in world.reachable_positions()}
    if not cells:
        return np.full(3, -np.inf)
    first = min(cells, key=lambda c: (math.hypot(c[0] - start[0], c[1] - start[2]), c))
    seen, queue = {first}, deque([first])
    while queue:
        c = queue.popleft()
        if _aimed_visible(world, obj, *c):
            return np.array([c[0], AGENT_Y, c[1]])
        for dx, dz in ((1, 0), (0, 1), (-1, 0), (0, -1)):
            n = (round(c[0] + dx * GRID_SIZE, 2), round(c[1] + dz * GRID_SIZE, 2))
            if n in cells and n not in seen:
                seen.add(n)
                queue.append(n)
    return np.full(3, -np.inf)


# ---------------------------------------------------------------------------- actions
def _items(act: dict[str, Any], key: str) -> list[Any]:
    """A list argument; anything else fails as ai2thor's InvalidArgument."""
    value = act[key]
    if not isinstance(value, (list, tuple)):
        raise ActionFailed(f"action: {act.get('action')} has an invalid argument: {key} (=={value}). "
                           "Cannot convert to: list")
    return list(value)


def _target_by_type_or_id(world: World, act: dict[str, Any]) -> SimObject:
    """BaseFPSAgentController.getSimObjectFromTypeOrId."""
    where = f"{_BASE}.getSimObjectFromTypeOrId"
    oid, otype = act.get("objectId"), act.get("objectType")
    if otype and not oid:
        wanted = str(otype).replace(" ", "").lower()
        ids = sorted(o.object_id for o in world.objects.values() if o.enabled and o.object_type.lower() == wanted)
        if not ids:
            raise thrown("ArgumentException", f"Object type {otype} was not found in the scene.", where)
        if len(ids) > 1:
            raise thrown("ArgumentException",
                         f"Multiple objects of type {otype} were found in the scene, cannot disambiguate.", where)
        oid = ids[0]
    if oid is None:
        raise thrown("ArgumentNullException", "Value cannot be null.\nParameter name: key", where)
    obj = world.get(oid)
    if obj is None:
        raise thrown("ArgumentException", f"Cannot find sim object with id {oid}", where)
    return obj


@action("GetShortestPath", optional=("position", "rotation", "objectType", "objectId", "allowedError"))
def get_shortest_path(world: World, act: dict[str, Any]) -> dict[str, Any]:
    """Shortest path to where an object is interactable (BaseFPSAgentController.cs, GetShortestPath ->
    getShortestPath -> GetSimObjectNavMeshTarget). The target (``objectId`` or a unique ``objectType``)
    must exist; the end is the first grid cell, breadth first from ``position`` (default: the agent),
    from which the camera aimed at it sees it in reach. actionReturn: ``{"corners": [{x, y, z}, ...]}``
    at floor height, start first. Failures are SafelyComputeNavMeshPath's; no such cell: "Raycast could
    not find the floor!" (5.0 then plans to -infinity)."""
    obj = _target_by_type_or_id(world, act)
    start = arg_vec(act, "position") if act.get("position") is not None else world.agent.position.copy()
    allowed = arg_float(act, "allowedError", DEFAULT_ALLOWED_ERROR)
    return navmesh_path(world, start, _visible_spot(world, obj, start), allowed)


@action("GetShortestPathToPoint", ("target",), optional=("position", "allowedError"))
def get_shortest_path_to_point(world: World, act: dict[str, Any]) -> dict[str, Any]:
    """Shortest path from ``position`` (default: the agent) to the point ``target``
    (BaseFPSAgentController.cs, GetShortestPathToPoint -> SafelyComputeNavMeshPath).
    actionReturn: ``{"corners": [{x, y, z}, ...]}``; failures as GetShortestPath's."""
    start = arg_vec(act, "position") if act.get("position") is not None else world.agent.position.copy()
    allowed = arg_float(act, "allowedError", DEFAULT_ALLOWED_ERROR)
    return navmesh_path(world, start, arg_vec(act, "target"), allowed)


@action("GetInteractablePoses", ("objectId",),
        optional=("positions", "rotations", "horizons", "standings", "maxDistance", "maxPoses"))
def get_interactable_poses(world: World, act: dict[str, Any]) -> list[dict[str, Any]]:
    """The agent poses from which an object is visible (PhysicsRemoteFPSAgentController.cs,
    getInteractablePoses): a list of ``{"x", "y", "z", "rotation", "standing", "horizon"}`` dicts that
    TeleportFull(**pose) takes, in 5.0's order (horizon, then standing, then rotation, then position).

    Defaults: positions = the reachable grid, rotations = every rotateStepDegrees (90) from the agent's
    yaw, horizons = [-30, 0, 30, 60], standings = [False, True], maxDistance = visibilityDistance
    (measured from the camera here, from the body in 5.0); positions farther from the object than
    maxDistance + its half diagonal + gridSize are skipped. Errors are 5.0's exceptions."""
    where = "PhysicsRemoteFPSAgentController.getInteractablePoses"
    step = float(getattr(world, "rotate_step_degrees", 90.0))
    rotations = act.get("rotations")
    if 360 % step != 0 and rotations is not None:
        raise thrown("InvalidOperationException", f"360 % rotateStepDegrees (360 % {cs_num(step)} != 0) must be 0, "
                     "unless 'rotations: float[]' is overwritten.", where)
    max_poses = act.get("maxPoses")
    if max_poses is not None and arg_float(act, "maxPoses") <= 0:
        raise out_of_range("maxPoses must be > 0.", where)
    reach = act.get("maxDistance")
    if reach is not None and arg_float(act, "maxDistance") <= 0:
        raise out_of_range("maxDistance must be >= 0 meters from the object.", where)
    reach = world.visibility_distance if reach is None else arg_float(act, "maxDistance")
    oid = act["objectId"]
    obj = world.get(oid) if isinstance(oid, str) else None
    if obj is None:
        raise thrown("ArgumentException", f"objectId: {oid} is not the objectId on any object in the scene!",
                     f"{_BASE}.getInteractableSimObjectFromId")
    standings = [bool(s) for s in _items(act, "standings")] if act.get("standings") is not None else [False, True]
    horizons = [arg_float({"action": act["action"], "horizons": h}, "horizons") for h in _items(act, "horizons")] \
        if act.get("horizons") is not None else [-30.0, 0.0, 30.0, 60.0]
    for h in horizons if act.get("horizons") is not None else []:
        if h > 60 or h < -30:
            raise thrown("ArgumentException", f"Each horizon must be in [-30:60]. You gave {cs_num(h)}.", where)
    if act.get("positions") is not None:
        positions = [arg_vec(act, "positions", p) for p in _items(act, "positions")]
    else:
        positions = [np.array([x, AGENT_Y, z]) for x, z in world.reachable_positions()]
    if rotations is None:
        offset = round(world.agent.yaw % step)
        rotations = [offset + k * step for k in range(round(360 / step))]
    rotations = [arg_float({"action": act["action"], "rotations": r}, "rotations") for r in
                 (_items(act, "rotations") if act.get("rotations") is not None else rotations)]
    if not horizons or not rotations or not positions or not standings:
        raise thrown("InvalidOperationException", "Every degree of freedom must have at least 1 valid value.", where)
    fudge = float(np.linalg.norm(obj.size / 2))
    near = [p for p in positions if float(np.linalg.norm(p - obj.position)) <= reach + fudge + GRID_SIZE]
    limit = math.inf if max_poses is None else int(arg_float(act, "maxPoses"))
    poses: list[dict[str, Any]] = []
    for horizon in horizons:
        for standing in standings:
            lift = np.array([0.0, _camera_height(world, standing), 0.0])
            for rotation in rotations:
                fwd, rgt = _axes(rotation, horizon)
                for p in near:
                    if seen_from(world, obj, p + lift, fwd, rgt, reach):
                        poses.append({"x": float(p[0]), "y": float(p[1]), "z": float(p[2]), "rotation": rotation,
                                      "standing": standing, "horizon": horizon})
                        if len(poses) >= limit:
                            return poses
    return poses

