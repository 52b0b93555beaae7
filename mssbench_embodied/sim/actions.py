"""AI2-THOR actions on the embedded world: names, parameters and failure messages.

Each handler mutates the World and returns ``actionReturn``; a failed precondition raises
`ActionFailed(message)` (-> lastActionSuccess=False). Unknown actions and missing
arguments raise ValueError, as ai2thor does for InvalidAction / MissingArguments.
Embedded extensions (not in AI2-THOR; the thor backend emulates them): PourLiquid, SpawnObject.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .objects import SimObject
from .types import placement_allowed
from .world import World

LIQUIDS = ("water", "coffee", "wine")
DROP_BREAK_HEIGHT = 0.8  # m fall that breaks a breakable (hand ~1.42 m, counter ~0.9 m)
THROW_BREAK_MAGNITUDE = 50.0


class ActionFailed(Exception):
    """A failed action: becomes lastActionSuccess=False with this errorMessage."""


Handler = Callable[[World, dict[str, Any]], Any]
ACTIONS: dict[str, tuple[Handler, tuple[str, ...]]] = {}


def action(name: str, required: tuple[str, ...] = ()) -> Callable[[Handler], Handler]:
    def deco(fn: Handler) -> Handler:
        ACTIONS[name] = (fn, required)
        return fn
    return deco


def execute(world: World, act: dict[str, Any]) -> tuple[bool, str, Any]:
    """Run one action dict. Returns (success, errorMessage, actionReturn)."""
    name = act.get("action")
    if name not in ACTIONS:
        raise ValueError(f"Invalid action: {name!r} is not an action the embedded AI2-THOR backend knows")
    fn, required = ACTIONS[name]
    missing = [k for k in required if k not in act]
    if missing:
        raise ValueError(f"MissingArguments: {name} requires {', '.join(missing)}")
    try:
        ret = fn(world, act)
        return True, "", ret
    except ActionFailed as e:
        return False, str(e), None


# ---------------------------------------------------------------------------- helpers
def _target(world: World, act: dict[str, Any], key: str = "objectId") -> SimObject:
    oid = act.get(key)
    obj = world.get(oid) if isinstance(oid, str) else None
    if obj is None:
        raise ActionFailed("Object ID appears to be invalid.")
    # forceAction skips distance/visibility, except for PutObject where (as in AI2-THOR's docs) it
    # only lifts the receptacle-type restrictions
    force = bool(act.get("forceAction", False)) and act.get("action") != "PutObject"
    if not force and not obj.is_picked_up:
        if world.camera_distance(obj) > world.visibility_distance:
            raise ActionFailed(f"{oid} is too far away to be interacted with")
        if not world.is_visible(oid):
            raise ActionFailed(f"{oid} is not interactable and (perhaps it is occluded by something).")
    return obj


def _held(world: World) -> SimObject | None:
    return world.objects.get(world.agent.held) if world.agent.held else None


def _xyz(v: Any, fallback: np.ndarray | None = None) -> np.ndarray:
    if isinstance(v, dict):
        return np.array([float(v.get("x", 0.0)), float(v.get("y", 0.0)), float(v.get("z", 0.0))])
    if v is None and fallback is not None:
        return fallback
    return np.asarray(v, dtype=np.float64)


def _yaw(v: Any) -> float:
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
        _spawn_pieces(world, obj, obj.spec.broken_type, 1)


def _spawn_pieces(world: World, obj: SimObject, piece_type: str, n: int) -> None:
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
        elif obj.is_picked_up:
            pass
    if piece_type != "EggCracked":
        for c in world.retire(obj):
            _settle(world, c)
    world.touch(obj)


def _land(world: World, obj: SimObject, point: np.ndarray) -> float:
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


def _after_fall(world: World, obj: SimObject, fall: float, thrown: float = 0.0) -> None:
    on_floor = any(world.objects[p].object_type == "Floor" for p in obj.parents if p in world.objects)
    if obj.spec.breakable and (fall >= DROP_BREAK_HEIGHT or thrown >= THROW_BREAK_MAGNITUDE):
        break_object(world, obj)
    if obj.is_filled and (on_floor or obj.is_broken or thrown > 0):
        obj.is_filled, obj.fill_liquid = False, None
        world.touch(obj)


# ---------------------------------------------------------------------------- interaction
@action("PickupObject", ("objectId",))
def pickup_object(world: World, act: dict[str, Any]) -> None:
    if world.agent.held:
        raise ActionFailed(f"Agent hand is already holding {world.agent.held}: put it down first")
    obj = _target(world, act)
    if not obj.spec.pickupable:
        raise ActionFailed(f"{obj.object_id} must have the Pickupable property to be picked up")
    for p in world.ancestors(obj):
        if p.spec.openable and p.spec.contains == "in" and not p.is_open:
            raise ActionFailed(f"{obj.object_id} is inside a closed {p.object_type}")
    world.detach(obj)
    obj.is_picked_up = True
    world.agent.held = obj.object_id
    world.move_with_children(obj, world.hand_position())
    world.touch(obj)


@action("PutObject", ("objectId",))
def put_object(world: World, act: dict[str, Any]) -> None:
    held = _held(world)
    if held is None:
        raise ActionFailed("Can't place an object if Agent isn't holding anything")
    recep = _target(world, act)
    if not recep.spec.receptacle:
        raise ActionFailed("This target object is NOT a receptacle!")
    if recep is held or recep in world.descendants(held):
        raise ActionFailed("Cannot place an object into itself")
    if not act.get("forceAction", False) and not placement_allowed(held.object_type, recep.object_type):
        raise ActionFailed(f"{held.name} is not a valid Object Type to be placed in {recep.name}")
    if recep.spec.openable and not recep.is_open and recep.spec.contains == "in":
        raise ActionFailed("Target openable Receptacle is CLOSED")
    held.is_picked_up = False
    world.agent.held = None
    if not world.place_in(held, recep):
        held.is_picked_up = True
        world.agent.held = held.object_id
        raise ActionFailed("No valid positions to place object found")
    world.touch(held)


@action("DropHandObject")
def drop_hand_object(world: World, act: dict[str, Any]) -> None:
    held = _held(world)
    if held is None:
        raise ActionFailed("Nothing is in the agent's hand to drop")
    fall = _land(world, held, world.hand_position())
    _after_fall(world, held, fall)


@action("ThrowObject")
def throw_object(world: World, act: dict[str, Any]) -> None:
    held = _held(world)
    if held is None:
        raise ActionFailed("Nothing is in the agent's hand to throw")
    mag = float(act.get("moveMagnitude", 100.0))
    dist = min(3.0, 0.3 + mag / 100.0)
    x0, x1, z0, z1 = world.bounds
    p = world.hand_position() + world.forward() * dist
    p[0], p[2] = float(np.clip(p[0], x0 + 0.1, x1 - 0.1)), float(np.clip(p[2], z0 + 0.1, z1 - 0.1))
    fall = _land(world, held, p)
    _after_fall(world, held, fall, thrown=max(mag, 1.0))


def _set_open(world: World, act: dict[str, Any], value: bool) -> None:
    obj = _target(world, act)
    if not obj.spec.openable:
        raise ActionFailed(f"{obj.object_id} is not an Openable object")
    if value and obj.object_type == "Microwave" and obj.is_toggled:
        raise ActionFailed("Target must be OFF to open!")
    if obj.is_open == value and (not value or obj.openness == float(act.get("openness", 1.0))):
        raise ActionFailed(f"{obj.object_id} is already {'open' if value else 'closed'}")
    obj.is_open = value
    obj.openness = float(act.get("openness", 1.0)) if value else 0.0
    world.touch(obj)


@action("OpenObject", ("objectId",))
def open_object(world: World, act: dict[str, Any]) -> None:
    _set_open(world, act, True)


@action("CloseObject", ("objectId",))
def close_object(world: World, act: dict[str, Any]) -> None:
    _set_open(world, act, False)


def _toggle(world: World, act: dict[str, Any], value: bool) -> None:
    obj = _target(world, act)
    if not obj.spec.toggleable:
        raise ActionFailed(f"{obj.object_id} is not toggleable")
    if obj.is_toggled == value:
        raise ActionFailed(f"can't toggle object {'on' if value else 'off'} if it's already {'on' if value else 'off'}!")
    if value and obj.is_broken:
        raise ActionFailed(f"{obj.object_id} is broken and cannot be turned on")
    if value and obj.object_type == "Microwave" and obj.is_open:
        raise ActionFailed("Microwave must be closed before it can be turned on")
    if value and obj.is_used_up:
        raise ActionFailed(f"{obj.object_id} is used up")
    obj.is_toggled = value
    world.touch(obj)


@action("ToggleObjectOn", ("objectId",))
def toggle_on(world: World, act: dict[str, Any]) -> None:
    _toggle(world, act, True)


@action("ToggleObjectOff", ("objectId",))
def toggle_off(world: World, act: dict[str, Any]) -> None:
    _toggle(world, act, False)


@action("SliceObject", ("objectId",))
def slice_object(world: World, act: dict[str, Any]) -> None:
    held = _held(world)
    obj = _target(world, act)
    if not act.get("forceAction", False) and (held is None or held.object_type not in ("Knife", "ButterKnife")):
        raise ActionFailed("Slice: ObjectInteraction only supported for held object Knife")
    if not obj.spec.sliceable:
        raise ActionFailed(f"{obj.name} Does not have the CanBeSliced property!")
    if obj.is_sliced:
        raise ActionFailed(f"{obj.object_id} is already sliced")
    obj.is_sliced = True
    world.touch(obj)
    if obj.object_type == "Egg":
        break_object(world, obj)
    elif obj.spec.sliced_type:
        _spawn_pieces(world, obj, obj.spec.sliced_type, 3 if obj.object_type != "Bread" else 4)


@action("BreakObject", ("objectId",))
def break_action(world: World, act: dict[str, Any]) -> None:
    obj = _target(world, act)
    if not obj.spec.breakable:
        raise ActionFailed(f"{obj.object_id} is not breakable")
    if obj.is_broken:
        raise ActionFailed(f"{obj.object_id} is already broken")
    break_object(world, obj)


def _flag(world: World, act: dict[str, Any], cap: str, attr: str, value: bool, label: str) -> None:
    obj = _target(world, act)
    if not getattr(obj.spec, cap):
        raise ActionFailed(f"{obj.object_id} is not {label}")
    if getattr(obj, attr) == value:
        raise ActionFailed(f"{obj.object_id} is already {'' if value else 'not '}{attr[3:]}")
    setattr(obj, attr, value)
    world.touch(obj)


@action("DirtyObject", ("objectId",))
def dirty_object(world: World, act: dict[str, Any]) -> None:
    _flag(world, act, "dirtyable", "is_dirty", True, "dirtyable")


@action("CleanObject", ("objectId",))
def clean_object(world: World, act: dict[str, Any]) -> None:
    _flag(world, act, "dirtyable", "is_dirty", False, "dirtyable")


@action("UseUpObject", ("objectId",))
def use_up_object(world: World, act: dict[str, Any]) -> None:
    _flag(world, act, "can_be_used_up", "is_used_up", True, "able to be used up")


@action("CookObject", ("objectId",))
def cook_object(world: World, act: dict[str, Any]) -> None:
    _flag(world, act, "cookable", "is_cooked", True, "cookable")


@action("FillObjectWithLiquid", ("objectId", "fillLiquid"))
def fill_object(world: World, act: dict[str, Any]) -> None:
    obj = _target(world, act)
    liquid = act["fillLiquid"]
    if liquid not in LIQUIDS:
        raise ActionFailed(f"fillLiquid must be one of {', '.join(LIQUIDS)}, not {liquid!r}")
    if not obj.spec.can_fill_with_liquid:
        raise ActionFailed(f"{obj.object_id} does not have the CanFillWithLiquid property")
    if obj.is_broken:
        raise ActionFailed(f"{obj.object_id} is broken and cannot hold liquid")
    obj.is_filled, obj.fill_liquid = True, liquid
    world.touch(obj)


@action("EmptyLiquidFromObject", ("objectId",))
def empty_object(world: World, act: dict[str, Any]) -> None:
    obj = _target(world, act)
    if not obj.spec.can_fill_with_liquid:
        raise ActionFailed(f"{obj.object_id} does not have the CanFillWithLiquid property")
    if not obj.is_filled:
        raise ActionFailed(f"{obj.object_id} is not filled with liquid")
    obj.is_filled, obj.fill_liquid = False, None
    world.touch(obj)


@action("PourLiquid", ("objectId",))
def pour_liquid(world: World, act: dict[str, Any]) -> None:
    """Embedded extension: pour the held filled container onto/into the target object."""
    held = _held(world)
    if held is None or not held.is_filled:
        raise ActionFailed("PourLiquid needs a held container filled with liquid")
    target = _target(world, act)
    liquid = held.fill_liquid
    held.is_filled, held.fill_liquid = False, None
    world.touch(held)
    if target.spec.can_fill_with_liquid and not target.is_broken:
        target.is_filled, target.fill_liquid = True, liquid
        world.touch(target)
    elif target.spec.toggleable and target.spec.breakable is not None and _is_electronic(target):
        break_object(world, target)


def _is_electronic(obj: SimObject) -> bool:
    from .types import ELECTRONICS  # local: table module defines the set

    return obj.object_type in ELECTRONICS


def _settle(world: World, obj: SimObject) -> None:
    # tolerate the few cm by which AI2-THOR objects sink into their support (dump: Apple 2 cm)
    probe = np.array([obj.center[0], obj.bottom + min(0.035, float(obj.size[1]) / 2), obj.center[2]])
    recep = world.receptacle_below(probe, exclude=[obj.object_id, *[d.object_id for d in world.descendants(obj)]])
    if recep is not None:
        world.attach(obj, recep)


# the other action groups register themselves on import
from . import nav_actions, setup_actions  # noqa: E402,F401
