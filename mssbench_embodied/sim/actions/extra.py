"""AI2-THOR 5.0 actions the embedded simulator lacked: held-object manipulation, physics stepping,
GetObjectInFrame, GetSpawnCoordinatesAboveReceptacle and InitialRandomSpawn.

Semantics and error strings are transcribed from allenai/ai2thor unity/Assets/Scripts
(PhysicsRemoteFPSAgentController.cs, BaseFPSAgentController.cs, PhysicsSceneManager.cs, Contains.cs);
each handler's docstring names its source. An action that *throws* in AI2-THOR reports
``"<ExceptionType>: <message>. trace: ..."`` (BaseFPSAgentController.ProcessControlCommand), which
`thrown` reproduces with helpers.thor_error. Navigation queries (GetShortestPath*, GetInteractablePoses)
are in poses.py.
"""
from __future__ import annotations

import json
import math
import weakref
from typing import Any

import numpy as np

from ..objects import SimObject
from ..types import OBJECT_TYPES, placement_allowed, type_spec
from ..world import World
from .helpers import held_object, land, parse_xyz, thor_error
from .registry import ACTIONS, ActionFailed, action
from .signatures import MAX_DUPLICATES

ROOM_SHELL = "room shell"  # what a ray that hits no object ends on (walls, ceiling)
TRIGGER_HEIGHT = 0.2  # m: the receptacle trigger box above a surface (AI2-THOR's boxes vary by asset)
SPAWN_GRID = 20  # Contains.GetValidSpawnPointsFromTopOfTriggerBox: 20 x 20 cells, 21 x 21 points
_PAUSED: weakref.WeakSet[World] = weakref.WeakSet()  # worlds whose physics auto-simulation is paused


# ---------------------------------------------------------------------------- AI2-THOR error formats
def cs_num(v: float) -> str:
    """A number as C#'s float.ToString() prints it (60 -> "60", 0.5 -> "0.5")."""
    v = float(v)
    return str(int(v)) if v.is_integer() else format(v, ".7g")


def cs_vec(p: np.ndarray | list[float], digits: int = 2) -> str:
    """A Vector3 as Unity's ToString("F<digits>") prints it: "(1.00, 0.90, -2.00)"."""
    return "(" + ", ".join(f"{float(c):.{digits}f}" for c in p) + ")"


def thrown(exc_type: str, message: str, where: str) -> ActionFailed:
    """The failure of an action that throws in AI2-THOR 5.0 (helpers.thor_error's format); `where` is
    ``<Controller>.<method>`` in UnityStandardAssets.Characters.FirstPerson."""
    return thor_error(exc_type, message, f"UnityStandardAssets.Characters.FirstPerson.{where}")


def out_of_range(param: str, where: str) -> ActionFailed:
    """Mono's ArgumentOutOfRangeException(paramName), as ai2thor's C# constructs it with a sentence."""
    return thrown("ArgumentOutOfRangeException",
                  f"Specified argument was out of the range of valid values.\nParameter name: {param}", where)


def _bad_arg(act: dict[str, Any], key: str, value: Any, type_name: str) -> ActionFailed:
    """ai2thor's InvalidArgument text (BaseFPSAgentController.ProcessControlCommand, on a failed conversion)."""
    shown = json.dumps(value) if isinstance(value, (type(None), bool, int, float, str)) else str(value)
    return ActionFailed(f"action: {act.get('action')} has an invalid argument: {key} (=={shown}). "
                        f"Cannot convert to: {type_name}")


def arg_float(act: dict[str, Any], key: str, default: float | None = None) -> float:
    """act[key] (or default) as a float; a value C# cannot convert fails the action as 5.0 reports it."""
    value = act.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad_arg(act, key, value, "float")
    try:
        out = float(value)
    except ValueError:
        raise _bad_arg(act, key, value, "float") from None
    if not math.isfinite(out):
        raise _bad_arg(act, key, value, "float")
    return out


def arg_vec(act: dict[str, Any], key: str, value: Any = None) -> np.ndarray:
    """A Vector3 argument ({x, y, z} or 3 numbers; missing components are 0, as Newtonsoft fills them)."""
    value = act.get(key) if value is None else value
    try:
        v = parse_xyz(value)
    except (TypeError, ValueError):
        raise _bad_arg(act, key, value, "Vector3") from None
    if v.shape != (3,) or not np.all(np.isfinite(v)):
        raise _bad_arg(act, key, value, "Vector3")
    return v


# ---------------------------------------------------------------------------- camera geometry
def camera_axes(world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Camera position, forward, right and up (the frame sim/visibility.py's frustum uses)."""
    fwd, rgt = world.view_dir(), world.right()
    return world.agent.camera_position, fwd, rgt, np.cross(fwd, rgt)


def viewport_point(world: World, p: np.ndarray) -> tuple[float, float, float]:
    """Unity's Camera.WorldToViewportPoint for the square image: (x right, y up, depth), x/y in [0, 1] on screen."""
    cam, fwd, rgt, up = camera_axes(world)
    rel = np.asarray(p, dtype=np.float64) - cam
    depth = float(rel @ fwd)
    if depth <= 1e-9:
        return -1.0, -1.0, depth
    tan_h = math.tan(math.radians(world.fov / 2))
    return 0.5 + float(rel @ rgt) / (2 * depth * tan_h), 0.5 + float(rel @ up) / (2 * depth * tan_h), depth


def _ray_box(origin: np.ndarray, d: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[float, float]:
    """Entry and exit parameters of the ray origin + t d through the box (entry > exit: missed)."""
    inv = 1.0 / np.where(np.abs(d) < 1e-12, 1e-12, d)
    t1, t2 = (lo - origin) * inv, (hi - origin) * inv
    return float(np.minimum(t1, t2).max()), float(np.maximum(t1, t2).min())


def first_hit(world: World, origin: np.ndarray, d: np.ndarray, skip: frozenset[str] = frozenset()) -> SimObject | None:
    """The object a ray from origin along d meets first, or None when it reaches the room shell first.

    Boxes are AABBs: an open receptacle's shell does not hide what it holds (as in sim/visibility.py),
    so a hit on a receptacle yields to a hit on its (not hidden) contents."""
    x0, x1, z0, z1 = world.bounds
    shell = np.array([x0, -0.1, z0]), np.array([x1, world.wall_height, z1])
    t_out = _ray_box(origin, d, *shell)[1]
    hits: dict[str, float] = {}
    for o in world.objects.values():
        if not o.enabled or o.object_id in skip or world.is_hidden(o):
            continue
        t_in, t_exit = _ray_box(origin, d, o.center - o.size / 2, o.center + o.size / 2)
        if t_in <= t_exit and t_exit > 0 and max(t_in, 0.0) < t_out:
            hits[o.object_id] = max(t_in, 0.0)
    if not hits:
        return None
    best = world.objects[min(hits, key=lambda k: (hits[k], k))]
    while True:
        inner = [c.object_id for c in world.descendants(best) if c.object_id in hits]
        if not inner:
            return best
        best = world.objects[min(inner, key=lambda k: (hits[k], k))]


def _boxes_overlap(alo: np.ndarray, ahi: np.ndarray, o: SimObject) -> bool:
    lo, hi = o.center - o.size / 2, o.center + o.size / 2
    return bool(np.all(alo < hi - 1e-6) and np.all(lo + 1e-6 < ahi))


def _others(world: World, obj: SimObject) -> list[SimObject]:
    """Enabled objects other than obj and what it carries."""
    mine = {obj.object_id, *(d.object_id for d in world.descendants(obj))}
    return [o for o in world.objects.values() if o.enabled and o.object_id not in mine]


# ---------------------------------------------------------------------------- held object
@action("DropHeldObject", optional=("forceAction", "autoSimulation"))
def drop_held_object(world: World, act: dict[str, Any]) -> None:
    """Drop the held object (PhysicsRemoteFPSAgentController.cs, DropHeldObject). Throws
    "Nothing is in the agent's hand to drop!" with an empty hand; the fall itself is the embedded
    DropHandObject's (its 5.0 alias, kept), so both share landing and breakage."""
    if held_object(world) is None:
        raise thrown("InvalidOperationException", "Nothing is in the agent's hand to drop!",
                     "PhysicsRemoteFPSAgentController.DropHeldObject")
    ACTIONS["DropHandObject"][0](world, act)


def _quarter(delta: float) -> bool:
    return abs((delta % 180.0) - 90.0) < 1e-6


def _turn(world: World, held: SimObject, new: np.ndarray) -> None:
    """Set held's Euler rotation; quarter turns swap its AABB extents (yaw: x/z, pitch: y/z, roll: x/y)."""
    d = np.asarray(new, dtype=np.float64) - held.rotation
    size = held.size.copy()
    for axis, (a, b) in zip(range(3), ((1, 2), (0, 2), (0, 1))):
        if _quarter(float(d[axis])):
            size[[a, b]] = size[[b, a]]
    held.rotation, held.size = np.asarray(new, dtype=np.float64) % 360.0, size
    world.touch(held)


def _tilt(rotation: np.ndarray) -> float:
    """Angle in degrees between an object's up axis and world up (Unity Euler order Z, X, Y)."""
    c = math.cos(math.radians(float(rotation[0]))) * math.cos(math.radians(float(rotation[2])))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


@action("RotateHeldObject", optional=("rotation", "pitch", "yaw", "roll"))
def rotate_held_object(world: World, act: dict[str, Any]) -> None:
    """Rotate the held object (PhysicsRemoteFPSAgentController.cs, RotateHeldObject, both overloads).

    ``rotation`` (Vector3) sets the hand's local rotation; it fails if anything lies within the
    sphere of the object's largest extent around the hand (CheckIfAgentCanRotateHand), and tilting
    past 95 degrees drops what the object holds. ``pitch``/``yaw``/``roll`` rotate relative to the
    agent; a rotation that leaves the object overlapping something is undone and fails. Throws
    "Can't rotate held object since no object is being held." with an empty hand."""
    where = "PhysicsRemoteFPSAgentController.RotateHeldObject"
    relative = [k for k in ("pitch", "yaw", "roll") if k in act]
    if "rotation" in act and relative:
        raise ValueError(f"AmbiguousAction: RotateHeldObject takes either rotation or {'/'.join(relative)}")
    held = held_object(world)
    if held is None:
        raise thrown("InvalidOperationException", "Can't rotate held object since no object is being held.", where)
    others = _others(world, held)
    if "rotation" in act:
        radius = float(held.size.max())
        hand = held.center
        for o in others:
            if np.linalg.norm(np.clip(hand, o.center - o.size / 2, o.center + o.size / 2) - hand) < radius:
                raise thrown("InvalidOperationException", "Object is unable to rotate in its current state!", where)
        local = arg_vec(act, "rotation")
        _turn(world, held, np.array([local[0], world.agent.yaw + local[1], local[2]]))
        if _tilt(held.rotation) > 95.0:
            _spill_contents(world, held)
        return
    old_rot, old_size = held.rotation.copy(), held.size.copy()
    pitch, yaw, roll = (arg_float(act, k, 0.0) for k in ("pitch", "yaw", "roll"))
    _turn(world, held, held.rotation + np.array([pitch, yaw, -roll]))  # -roll: rolling rightward is positive
    lo, hi = held.center - held.size / 2, held.center + held.size / 2
    if any(_boxes_overlap(lo, hi, o) for o in others):
        held.rotation, held.size = old_rot, old_size
        world.touch(held)
        raise thrown("InvalidOperationException", "Held object is coliding after rotation.", where)


def _spill_contents(world: World, held: SimObject) -> None:
    """SimObjPhysics.DropContainedObjects: what a tipped-over held receptacle holds falls out."""
    for cid in list(held.children):
        child = world.objects.get(cid)
        if child is None:
            continue
        world.detach(child)
        land(world, child, child.center.copy())
        world.agent.held, held.is_picked_up = held.object_id, True  # land() empties the hand: restore it


def _move_held(world: World, act: dict[str, Any], delta: np.ndarray) -> None:
    """PhysicsRemoteFPSAgentController.CheckIfAgentCanMoveHand + moveHandToXYZ."""
    held = held_object(world)
    if held is None:
        raise ActionFailed("Agent can only move hand if currently holding an item")
    target = held.center + delta
    cam = world.agent.camera_position
    if math.hypot(target[0] - cam[0], target[2] - cam[2]) > world.visibility_distance:
        raise ActionFailed("The target position is out of range- object cannot move outside of max visibility "
                           "distance.")
    corners = target + np.array([[sx, sy, sz] for sx in (-1, 0, 1) for sy in (-1, 0, 1) for sz in (-1, 0, 1)
                                 if abs(sx) + abs(sy) + abs(sz) in (0, 3)]) * held.size * 0.45
    if not any(0 < vx < 1 and 0 < vy < 1 and z > 0 for vx, vy, z in (viewport_point(world, c) for c in corners)):
        raise ActionFailed("Target position is outside of the agent's viewport. "
                           "The target position must be within the frustrum of the viewport.")
    others = _others(world, held)
    if bool(act.get("forceVisible", False)):
        skip = frozenset({held.object_id, *(d.object_id for d in world.descendants(held))})
        hit = first_hit(world, cam, target - cam, skip)
        vx, vy, z = viewport_point(world, target)
        blocked = hit is not None and _ray_box(cam, target - cam, hit.center - hit.size / 2,
                                               hit.center + hit.size / 2)[0] < 1.0
        if blocked or not (0 < vx < 1 and 0 < vy < 1 and z > 0):
            raise ActionFailed("The target position is not in the Area of the Agent's Viewport!")
    half = held.size / 2
    start = [o for o in others if _boxes_overlap(held.center - half, held.center + half, o)]  # a sweep skips these
    steps = max(1, int(math.ceil(float(np.linalg.norm(delta)) / 0.02)))
    for k in range(1, steps + 1):
        c = held.center + delta * k / steps
        for o in others:
            if o not in start and _boxes_overlap(c - half, c + half, o):
                raise ActionFailed(f"{o.name} is in Object In Hand's Path! Can't Move Hand holding {held.name}")
    world.hand_shift = None
    world.hand_shift = (target - world.hand_position(), world.hand_pose_key())  # the hand moves with it
    world.move_with_children(held, target)


def _register_move(name: str, axis: int, sign: float) -> None:
    def handler(world: World, act: dict[str, Any]) -> None:
        cam_axes = camera_axes(world)[1:]  # forward, right, up
        _move_held(world, act, cam_axes[axis] * sign * arg_float(act, "moveMagnitude"))

    handler.__name__ = handler.__qualname__ = name
    way = name[len("MoveHeldObject"):].lower()
    handler.__doc__ = (f"Move the held object {way} by moveMagnitude along the camera's axes "
                       f"(PhysicsRemoteFPSAgentController.cs, {name}: moveHandToXYZ/CheckIfAgentCanMoveHand; "
                       "forceVisible keeps it visible).")
    action(name, ("moveMagnitude",), optional=("forceVisible",))(handler)


for _name, _axis, _sign in (("MoveHeldObjectAhead", 0, 1.0), ("MoveHeldObjectBack", 0, -1.0),
                            ("MoveHeldObjectRight", 1, 1.0), ("MoveHeldObjectLeft", 1, -1.0),
                            ("MoveHeldObjectUp", 2, 1.0), ("MoveHeldObjectDown", 2, -1.0)):
    _register_move(_name, _axis, _sign)


@action("MoveHeldObject", optional=("right", "up", "ahead", "forceVisible"))
def move_held_object(world: World, act: dict[str, Any]) -> None:
    """Move the held object by right/up/ahead metres along the camera's axes
    (PhysicsRemoteFPSAgentController.cs, MoveHeldObject; failures as CheckIfAgentCanMoveHand)."""
    _, fwd, rgt, up = camera_axes(world)
    delta = fwd * arg_float(act, "ahead", 0.0) + up * arg_float(act, "up", 0.0) + rgt * arg_float(act, "right", 0.0)
    _move_held(world, act, delta)


# ---------------------------------------------------------------------------- physics stepping
@action("PausePhysicsAutoSim", optional=())
def pause_physics(world: World, act: dict[str, Any]) -> None:
    """Pause physics auto-simulation (PhysicsRemoteFPSAgentController.cs, PausePhysicsAutoSim). The
    embedded world is always at rest (isSceneAtRest), so this only enables AdvancePhysicsStep."""
    _PAUSED.add(world)


@action("UnpausePhysicsAutoSim", optional=())
def unpause_physics(world: World, act: dict[str, Any]) -> None:
    """Resume physics auto-simulation (PhysicsRemoteFPSAgentController.cs, UnpausePhysicsAutoSim)."""
    _PAUSED.discard(world)


@action("AdvancePhysicsStep", optional=("timeStep", "simSeconds", "allowAutoSimulation"))
def advance_physics_step(world: World, act: dict[str, Any]) -> None:
    """Advance paused physics (PhysicsRemoteFPSAgentController.cs, AdvancePhysicsStep): accepted with
    its argument checks; nothing moves, since the embedded world is always at rest."""
    if not act.get("allowAutoSimulation", False) and world not in _PAUSED:
        raise ActionFailed("AdvancePhysicsStep can only be called if Physics AutoSimulation is currently paused or if "
                           "you have passed allowAutoSimulation=true! Either use the PausePhysicsAutoSim() action "
                           "first, or if you already used it, Physics AutoSimulation has been turned back on already.")
    step = arg_float(act, "timeStep", 0.02)
    if step <= 0.0 or step > 0.05:
        raise ActionFailed("Please use a timeStep between 0.0f and 0.05f. "
                           "Larger timeSteps produce inconsistent simulation results.")
    sim_seconds = act.get("simSeconds")
    if sim_seconds is not None and arg_float(act, "simSeconds") < 0.0:
        raise ActionFailed(f"simSeconds must be non-negative (simSeconds=={cs_num(arg_float(act, 'simSeconds'))}).")


def physics_paused(world: World) -> bool:
    """Whether PausePhysicsAutoSim is in force for this world."""
    return world in _PAUSED


# ---------------------------------------------------------------------------- screen and receptacle queries
@action("GetObjectInFrame", ("x", "y"), optional=("checkVisible",))
def get_object_in_frame(world: World, act: dict[str, Any]) -> str:
    """The objectId at normalised screen point (x, y), origin top left (BaseFPSAgentController.cs,
    GetObjectInFrame -> screenToWorldTarget). As in 5.0, the 4-argument screenToWorldTarget overload
    drops ``checkVisible``, so the hit object must be interactable whatever it says; messages print
    the flipped y, as 5.0 does."""
    where = "BaseFPSAgentController.screenToWorldTarget"
    x, y = arg_float(act, "x"), arg_float(act, "y")
    if x < 0 or x > 1 or y < 0 or y > 1:
        raise out_of_range("x/y must be in [0:1]", where)
    y = 1.0 - y
    cam, fwd, rgt, up = camera_axes(world)
    tan_h = math.tan(math.radians(world.fov / 2))
    d = fwd + (2 * x - 1) * tan_h * rgt + (2 * y - 1) * tan_h * up
    target = first_hit(world, cam, d / np.linalg.norm(d))
    if target is None:
        raise thrown("InvalidOperationException", f"no sim objects found at ({cs_num(x)},{cs_num(y)})", where)
    if not target.is_picked_up and not world.is_visible(target.object_id):
        raise thrown("InvalidOperationException", f"target hit ({target.object_id}) at ({cs_num(x)}, {cs_num(y)}) "
                     "is not currently Visible to Agent", where)
    return target.object_id


def _pos_in_view(world: World, p: np.ndarray) -> bool:
    """BaseFPSAgentController.assertPosInView: within reach horizontally, in front and in the
    viewport's vertical range (5.0 does not test x < 0)."""
    cam = world.agent.camera_position
    if math.hypot(p[0] - cam[0], p[2] - cam[2]) > world.visibility_distance:
        return False
    vx, vy, z = viewport_point(world, p)
    return not (z < 0 or vx > 1.0 or vy < 0.0 or vy > 1.0)


@action("GetSpawnCoordinatesAboveReceptacle", optional=("objectId", "anywhere"))
def get_spawn_coordinates(world: World, act: dict[str, Any]) -> list[dict[str, float]]:
    """Points above a receptacle (PhysicsRemoteFPSAgentController.cs, GetSpawnCoordinatesAboveReceptacle;
    Contains.cs, GetValidSpawnPointsFromTopOfTriggerBox): a 21 x 21 grid on the top of its trigger
    box (its footprint, TRIGGER_HEIGHT above a surface, the top of a container), x then z from the
    + corner; unless ``anywhere``, the receptacle must be visible and only points in view and reach
    are kept. A non-receptacle gives []."""
    oid = act.get("objectId")
    if oid is None:
        raise thrown("ArgumentNullException", "Value cannot be null.\nParameter name: key",
                     "PhysicsRemoteFPSAgentController.GetSpawnCoordinatesAboveReceptacle")
    target = world.get(oid) if isinstance(oid, str) else None
    if target is None:
        raise ActionFailed("Object ID appears to be invalid.")
    anywhere = bool(act.get("anywhere", False))
    if not anywhere and not world.is_visible(target.object_id):
        raise ActionFailed("No valid Receptacle found in view")
    if not target.spec.receptacle:
        return []
    lo, hi = target.center - target.size / 2, target.center + target.size / 2
    top = hi[1] if target.spec.contains == "in" else world.surface_y(target) + TRIGGER_HEIGHT
    pts = [np.array([hi[0] + (lo[0] - hi[0]) * i / SPAWN_GRID, top, hi[2] + (lo[2] - hi[2]) * j / SPAWN_GRID])
           for i in range(SPAWN_GRID + 1) for j in range(SPAWN_GRID + 1)]
    if not anywhere:
        pts = [p for p in pts if _pos_in_view(world, p)]
    return [{"x": float(p[0]), "y": float(p[1]), "z": float(p[2])} for p in pts]


# ---------------------------------------------------------------------------- InitialRandomSpawn
def _outside(recep: SimObject) -> bool:
    """ReceptacleRestrictions.SpawnOnlyOutsideReceptacles, approximated: receptacles without a door or lid."""
    return not (recep.spec.openable and recep.spec.contains == "in")


@action("InitialRandomSpawn", optional=("randomSeed", "forceVisible", "placeStationary", "numDuplicatesOfType",
                                        "excludedReceptacles", "excludedObjectIds", "objectIds",
                                        "receptacleObjectIds", "numPlacementAttempts", "allowFloor", "allowMoveable"))
def initial_random_spawn(world: World, act: dict[str, Any]) -> None:
    """Move pickupable objects to random valid receptacles, reproducibly from ``randomSeed``
    (BaseFPSAgentController.cs, InitialRandomSpawn; PhysicsSceneManager.cs, RandomSpawnRequiredSceneObjects).

    A held object is dropped out of the hand first; receptacles obey the placement restrictions,
    ``excludedReceptacles`` (types), ``receptacleObjectIds``, no Floor unless ``allowFloor``, and only
    open-topped ones with ``forceVisible``; a pickupable receptacle that holds something is skipped.
    ``numDuplicatesOfType`` keeps that many of a type, copying (``<id>_copy_<j>``) when there are
    fewer; an object that fits nowhere stays put (a copy is removed). Succeeds without actionReturn."""
    attempts = int(arg_float(act, "numPlacementAttempts", 5))
    if attempts <= 0:
        raise ActionFailed("numPlacementAttempts must be a positive integer.")
    excluded_types = set()
    for t in act.get("excludedReceptacles") or []:
        try:
            type_spec(t)
        except (KeyError, ValueError):
            raise ActionFailed(f"invalid Object Type used in excludedReceptacles array: {t}") from None
        excluded_types.add(t)
    if not act.get("allowFloor", False):
        excluded_types.add("Floor")
    excluded_ids = set()
    for oid in act.get("excludedObjectIds") or []:
        if world.get(oid) is None:
            raise ActionFailed(f"Cannot find sim object with id '{oid}'")
        excluded_ids.add(oid)
    held = held_object(world)
    if held is not None:  # "quick drop" the held object: it takes part in the spawn
        held.is_picked_up, world.agent.held = False, None
        world.detach(held)
    rng = np.random.default_rng(int(arg_float(act, "randomSeed", 0)) & 0xFFFFFFFF)
    movable = [o for o in sorted(world.objects.values(), key=lambda o: o.object_id) if o.enabled and (
        o.spec.pickupable or (act.get("allowMoveable", False) and o.spec.moveable))]
    to_place, copies = _with_duplicates(world, movable, act.get("numDuplicatesOfType") or [], rng)
    order = rng.permutation(len(to_place))
    only = act.get("objectIds")
    recep_ids = act.get("receptacleObjectIds")
    receps = [r for r in sorted(world.objects.values(), key=lambda o: o.object_id)
              if r.enabled and r.spec.receptacle and r.object_type not in excluded_types
              and (recep_ids is None or r.object_id in recep_ids)
              and (not act.get("forceVisible", False) or _outside(r))]
    for k in order:
        obj = to_place[int(k)]
        if (only is not None and obj.object_id not in only) or obj.object_id in excluded_ids:
            continue
        placed = False
        for r in (receps[int(i)] for i in rng.permutation(len(receps))):
            if r is obj or r in world.descendants(obj) or not placement_allowed(obj.object_type, r.object_type):
                continue
            if r.spec.pickupable and r.children:
                continue
            lo, hi = r.center - r.size / 2, r.center + r.size / 2
            for _ in range(attempts):
                if world.place_in(obj, r, near=rng.uniform(lo, hi)):
                    placed = True
                    break
            if placed:
                break
        if not placed and obj.object_id in copies:
            world.retire(obj)
            del world.objects[obj.object_id]
    if held is not None and not held.parents:
        land(world, held, world.hand_position())


def _with_duplicates(world: World, movable: list[SimObject], requests: list[dict[str, Any]],
                     rng: np.random.Generator) -> tuple[list[SimObject], set[str]]:
    """The objects to place after numDuplicatesOfType: at most `count` of a requested type (copies added
    when fewer exist); returns them and the ids of the copies."""
    wanted = {str(r["objectType"]): int(r["count"]) for r in requests}
    for t, n in wanted.items():
        if t not in OBJECT_TYPES:
            raise ActionFailed(f"invalid Object Type used in numDuplicatesOfType array: {t}")
        if not 0 <= n <= MAX_DUPLICATES:
            raise out_of_range(f"numDuplicatesOfType count must be in [0:{MAX_DUPLICATES}]",
                               "BaseFPSAgentController.InitialRandomSpawn")
    by_type: dict[str, list[SimObject]] = {}
    for o in movable:
        group = by_type.setdefault(o.object_type, [])
        if o.object_type not in wanted or len(group) < wanted[o.object_type]:
            group.append(o)
    out, copies = [], set()
    for t, group in by_type.items():
        out.extend(group)
        for j in range(max(0, wanted.get(t, 0) - len(group))):
            src = group[int(rng.integers(0, max(1, len(group) - 1)))]
            k = j
            while f"{src.object_id}_copy_{k}" in world.objects:  # copies of an earlier spawn stay
                k += 1
            copy = SimObject.create(src.object_type, src.center.copy(), src.size.copy(),
                                    object_id=f"{src.object_id}_copy_{k}", yaw=src.yaw)
            copy.asset_id = src.asset_id
            world.add(copy)
            out.append(copy)
            copies.add(copy.object_id)
    return out, copies
