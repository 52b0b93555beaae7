"""Interaction actions: pick up, put, drop, throw, open, toggle, slice, break, fill, pour, ..."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..objects import SimObject
from ..types import placement_allowed
from ..world import World
from .helpers import LIQUIDS, after_fall, break_object, held_object, is_electronic, land, spawn_pieces, target_object
from .registry import ActionFailed, action


@action("PickupObject", ("objectId",))
def pickup_object(world: World, act: dict[str, Any]) -> None:
    """Pick up a visible pickupable object (the hand must be empty; not from inside a closed container)."""
    if world.agent.held:
        raise ActionFailed(f"Agent hand is already holding {world.agent.held}: put it down first")
    obj = target_object(world, act)
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
    """Put the held object on/in the target receptacle."""
    held = held_object(world)
    if held is None:
        raise ActionFailed("Can't place an object if Agent isn't holding anything")
    recep = target_object(world, act)
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
    if not world.place_in(held, recep, near=_floor_spot(world, recep, held)):
        held.is_picked_up = True
        world.agent.held = held.object_id
        raise ActionFailed("No valid positions to place object found")
    world.touch(held)


def _floor_spot(world: World, recep: SimObject, obj: SimObject) -> np.ndarray | None:
    """On the Floor: the visible floor point nearest below the hand where obj stays in reach of the camera
    (if any: else the nearest); elsewhere None (the receptacle's centre first)."""
    if recep.object_type != "Floor":
        return None
    hand = world.hand_position()
    pts = world.visible_floor_points(recep)
    if len(pts) == 0:
        return hand
    pts = pts[np.argsort(np.hypot(pts[:, 0] - hand[0], pts[:, 2] - hand[2]), kind="stable")]
    cam, half = world.agent.camera_position, obj.size / 2
    lo = pts - np.array([half[0], 0.0, half[2]])
    lo[:, 1] = recep.top
    hi = lo + obj.size
    reach = np.linalg.norm(np.clip(cam, lo, hi) - cam, axis=1) <= world.visibility_distance
    return pts[int(np.argmax(reach))] if reach.any() else pts[0]


@action("DropHandObject")
def drop_hand_object(world: World, act: dict[str, Any]) -> None:
    """Drop the held object straight down from the hand."""
    held = held_object(world)
    if held is None:
        raise ActionFailed("Nothing is in the agent's hand to drop")
    fall = land(world, held, world.hand_position())
    after_fall(world, held, fall)


@action("ThrowObject")
def throw_object(world: World, act: dict[str, Any]) -> None:
    """Throw the held object ahead (moveMagnitude sets the distance and whether it breaks)."""
    held = held_object(world)
    if held is None:
        raise ActionFailed("Nothing is in the agent's hand to throw")
    mag = float(act.get("moveMagnitude", 100.0))
    dist = min(3.0, 0.3 + mag / 100.0)
    x0, x1, z0, z1 = world.bounds
    p = world.hand_position() + world.forward() * dist
    p[0], p[2] = float(np.clip(p[0], x0 + 0.1, x1 - 0.1)), float(np.clip(p[2], z0 + 0.1, z1 - 0.1))
    fall = land(world, held, p)
    after_fall(world, held, fall, thrown=max(mag, 1.0))


def _set_open(world: World, act: dict[str, Any], value: bool) -> None:
    obj = target_object(world, act)
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
    """Open an openable object (openness defaults to 1)."""
    _set_open(world, act, True)


@action("CloseObject", ("objectId",))
def close_object(world: World, act: dict[str, Any]) -> None:
    """Close an openable object."""
    _set_open(world, act, False)


def _toggle(world: World, act: dict[str, Any], value: bool) -> None:
    obj = target_object(world, act)
    if not obj.spec.toggleable:
        raise ActionFailed(f"{obj.object_id} is not toggleable")
    if obj.is_toggled == value:
        state = "on" if value else "off"
        raise ActionFailed(f"can't toggle object {state} if it's already {state}!")
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
    """Turn a toggleable object on."""
    _toggle(world, act, True)


@action("ToggleObjectOff", ("objectId",))
def toggle_off(world: World, act: dict[str, Any]) -> None:
    """Turn a toggleable object off."""
    _toggle(world, act, False)


@action("SliceObject", ("objectId",))
def slice_object(world: World, act: dict[str, Any]) -> None:
    """Slice a sliceable object with a held knife (an Egg cracks)."""
    held = held_object(world)
    obj = target_object(world, act)
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
        spawn_pieces(world, obj, obj.spec.sliced_type, 3 if obj.object_type != "Bread" else 4)


@action("BreakObject", ("objectId",))
def break_action(world: World, act: dict[str, Any]) -> None:
    """Break a breakable object."""
    obj = target_object(world, act)
    if not obj.spec.breakable:
        raise ActionFailed(f"{obj.object_id} is not breakable")
    if obj.is_broken:
        raise ActionFailed(f"{obj.object_id} is already broken")
    break_object(world, obj)


def _flag(world: World, act: dict[str, Any], cap: str, attr: str, value: bool, label: str) -> None:
    obj = target_object(world, act)
    if not getattr(obj.spec, cap):
        raise ActionFailed(f"{obj.object_id} is not {label}")
    if getattr(obj, attr) == value:
        raise ActionFailed(f"{obj.object_id} is already {'' if value else 'not '}{attr[3:]}")
    setattr(obj, attr, value)
    world.touch(obj)


@action("DirtyObject", ("objectId",))
def dirty_object(world: World, act: dict[str, Any]) -> None:
    """Make a dirtyable object dirty."""
    _flag(world, act, "dirtyable", "is_dirty", True, "dirtyable")


@action("CleanObject", ("objectId",))
def clean_object(world: World, act: dict[str, Any]) -> None:
    """Make a dirtyable object clean."""
    _flag(world, act, "dirtyable", "is_dirty", False, "dirtyable")


@action("UseUpObject", ("objectId",))
def use_up_object(world: World, act: dict[str, Any]) -> None:
    """Use up an object that can be used up."""
    _flag(world, act, "can_be_used_up", "is_used_up", True, "able to be used up")


@action("CookObject", ("objectId",))
def cook_object(world: World, act: dict[str, Any]) -> None:
    """Cook a cookable object."""
    _flag(world, act, "cookable", "is_cooked", True, "cookable")


@action("FillObjectWithLiquid", ("objectId", "fillLiquid"))
def fill_object(world: World, act: dict[str, Any]) -> None:
    """Fill a container with a liquid (water, coffee or wine)."""
    obj = target_object(world, act)
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
    """Empty a filled container."""
    obj = target_object(world, act)
    if not obj.spec.can_fill_with_liquid:
        raise ActionFailed(f"{obj.object_id} does not have the CanFillWithLiquid property")
    if not obj.is_filled:
        raise ActionFailed(f"{obj.object_id} is not filled with liquid")
    obj.is_filled, obj.fill_liquid = False, None
    world.touch(obj)


@action("PourLiquid", ("objectId",))
def pour_liquid(world: World, act: dict[str, Any]) -> None:
    """Embedded extension: pour the held filled container onto/into the target object."""
    held = held_object(world)
    if held is None or not held.is_filled:
        raise ActionFailed("PourLiquid needs a held container filled with liquid")
    target = target_object(world, act)
    liquid = held.fill_liquid
    held.is_filled, held.fill_liquid = False, None
    world.touch(held)
    if target.spec.can_fill_with_liquid and not target.is_broken:
        target.is_filled, target.fill_liquid = True, liquid
        world.touch(target)
    elif target.spec.toggleable and target.spec.breakable is not None and is_electronic(target):
        break_object(world, target)
