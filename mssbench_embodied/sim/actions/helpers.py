"""Helpers shared by the action groups: argument parsing, targets, falls, breakage, settling."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..objects import SimObject
from ..world import World
from .registry import ActionFailed

LIQUIDS = ("water", "coffee", "wine")
DROP_BREAK_HEIGHT = 0.8  # m: the ceramic/glass break_height of sim/types.py (each type has its own)
THROW_BREAK_MAGNITUDE = 50.0


BASE_AGENT = "UnityStandardAssets.Characters.FirstPerson.BaseFPSAgentController"
PHYSICS_AGENT = "UnityStandardAssets.Characters.FirstPerson.PhysicsRemoteFPSAgentController"


def thor_error(exc_type: str, message: str, where: str) -> ActionFailed:
    """A failure AI2-THOR 5.0 reports from a thrown exception, in its wording
    (BaseFPSAgentController.ProcessControlCommand): ``"<ExceptionType>: <message>. trace: <stack>"``."""
    return ActionFailed(f"{exc_type}: {message}. trace:   at {where} (embedded)")


def interactable(world: World, obj: SimObject) -> bool:
    """Within visibility distance of the camera and visible; an object in a closed container never is."""
    if world.is_hidden(obj) or world.camera_distance(obj) > world.visibility_distance:
        return False
    return world.is_visible(obj.object_id)


def target_object(world: World, act: dict[str, Any], key: str = "objectId") -> SimObject:
    """The object act[key] names, as BaseFPSAgentController.getInteractableSimObjectFromId resolves it:
    an unknown id fails; so does one not visible within visibilityDistance, unless forceAction (every
    action, PutObject included) or the object is the held one."""
    oid = act.get(key)
    obj = world.get(oid) if isinstance(oid, str) else None
    where = f"{BASE_AGENT}.getInteractableSimObjectFromId"
    if obj is None:
        raise thor_error("ArgumentException", f"objectId: {oid} is not the objectId on any object in the scene!", where)
    if not act.get("forceAction", False) and not obj.is_picked_up and not interactable(world, obj):
        raise thor_error("NullReferenceException", "Target object not found within the specified visibility.", where)
    return obj


def held_object(world: World) -> SimObject | None:
    """The object in the agent's hand, or None."""
    return world.objects.get(world.agent.held) if world.agent.held else None


def parse_xyz(v: Any, fallback: np.ndarray | None = None) -> np.ndarray:
    """A 3-vector from an {"x", "y", "z"} dict or a sequence; `fallback` when v is None."""
    if isinstance(v, dict):
        return np.array([float(v.get("x", 0.0)), float(v.get("y", 0.0)), float(v.get("z", 0.0))])
    if v is None and fallback is not None:
        return fallback
    return np.asarray(v, dtype=np.float64)


def parse_yaw(v: Any) -> float:
    """Yaw in degrees from a rotation dict ({"y": ...}) or a number."""
    return float(v.get("y", 0.0)) if isinstance(v, dict) else float(v)


def break_object(world: World, obj: SimObject) -> None:
    """Break: flag it, turn it off; an Egg also becomes an EggCracked."""
    if obj.is_broken:
        return
    obj.is_broken = True
    if obj.spec.toggleable:
        obj.is_toggled = False
    if obj.is_filled:
        obj.is_filled, obj.fill_liquid = False, None
    world.touch(obj)
    if obj.spec.broken_type:
        spawn_pieces(world, obj, obj.spec.broken_type, 1)


def spawn_pieces(world: World, obj: SimObject, piece_type: str, n: int) -> None:
    """Add n pieces of piece_type where obj lies; obj leaves the scene (a cracking Egg stays, broken)."""
    parent = world.objects.get(obj.parents[0]) if obj.parents else None
    for i in range(n):
        piece = SimObject.create(piece_type, obj.center.copy(), None, object_id=f"{obj.object_id}|{piece_type}_{i}")
        span = obj.size[0] * 0.8
        offset = (i - (n - 1) / 2) * (span / max(n, 1))
        piece.move_to(np.array([obj.center[0] + offset, obj.bottom + piece.size[1] / 2, obj.center[2]]))
        piece.temperature, piece.heat, piece.is_cooked = obj.temperature, obj.heat, obj.is_cooked
        if piece.object_id in world.objects:
            continue
        world.add(piece)
        if parent is not None:
            world.attach(piece, parent)
    if piece_type != "EggCracked":
        for c in world.retire(obj):
            settle(world, c)
    world.touch(obj)


def land(world: World, obj: SimObject, point: np.ndarray) -> float:
    """Drop obj straight down from point; returns the fall height."""
    recep = world.receptacle_below(point, exclude=[obj.object_id, *[d.object_id for d in world.descendants(obj)]])
    floor = world.of_type("Floor")
    if recep is None and floor:
        recep = floor[0]
    start = float(point[1] - obj.size[1] / 2)
    obj.is_picked_up = False
    world.agent.held = None
    world.touch(obj)
    if recep is None or not world.place_in(obj, recep, near=point):
        base = world.objects.get(floor[0].object_id) if floor else None
        if base is not None and world.place_in(obj, base, near=point):
            recep = base
        else:
            world.move_with_children(obj, np.array([point[0], obj.size[1] / 2, point[2]]))
            return start
    return start - obj.bottom


def breaks_on_landing(world: World, obj: SimObject, fall: float, thrown: float = 0.0) -> bool:
    """Whether obj, just landed after falling `fall` m (thrown with magnitude `thrown`), breaks.

    Only breakable types break: from their type's ``break_height`` or a throw of at least
    THROW_BREAK_MAGNITUDE, never on a ``soft`` surface (sim/types.py explains how this relates to
    AI2-THOR's impulse thresholds)."""
    height = obj.spec.break_height
    if not obj.spec.breakable or height is None:
        return False
    if any(world.objects[p].spec.soft for p in obj.parents if p in world.objects):
        return False
    return fall >= height or thrown >= THROW_BREAK_MAGNITUDE


def after_fall(world: World, obj: SimObject, fall: float, thrown: float = 0.0) -> None:
    """Consequences of landing: a fall from the type's break height or a hard throw breaks a
    breakable (not on a soft surface); liquid spills."""
    on_floor = any(world.objects[p].object_type == "Floor" for p in obj.parents if p in world.objects)
    if breaks_on_landing(world, obj, fall, thrown):
        break_object(world, obj)
    if obj.is_filled and (on_floor or obj.is_broken or thrown > 0):
        obj.is_filled, obj.fill_liquid = False, None
        world.touch(obj)



def settle(world: World, obj: SimObject) -> None:
    """Attach obj to the receptacle it rests on, if any."""
    # tolerate the few cm by which AI2-THOR objects sink into their support (dump: Apple 2 cm)
    probe = np.array([obj.center[0], obj.bottom + min(0.035, float(obj.size[1]) / 2), obj.center[2]])
    recep = world.receptacle_below(probe, exclude=[obj.object_id, *[d.object_id for d in world.descendants(obj)]])
    if recep is not None:
        world.attach(obj, recep)
