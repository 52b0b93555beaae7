"""Interaction actions: pick up, put, drop, throw, open, toggle, slice, break, fill, pour, ..."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..objects import SimObject
from ..types import OBJECT_SPECIFIC_RECEPTACLES, placement_allowed
from ..world import World
from .helpers import (
    LIQUIDS,
    PHYSICS_AGENT,
    after_fall,
    break_object,
    held_object,
    land,
    spawn_pieces,
    target_object,
    thor_error,
)
from .registry import ActionFailed, action

OPEN_TO_PLACE_MSG = "Target openable Receptacle is CLOSED, can't place if target is not open!"
MUST_BE_OFF_TO_OPEN = ("Microwave", "Laptop")  # CanOpen_Object.WhatReceptaclesMustBeOffToOpen
MUST_BE_CLOSED_TO_TURN_ON = ("Microwave",)  # CanToggleOnOff.ReturnMustBeClosedToTurnOn


def _fail(message: str, where: str, exc_type: str = "InvalidOperationException") -> ActionFailed:
    return thor_error(exc_type, message, f"{PHYSICS_AGENT}.{where}")


@action("PickupObject", ("objectId",))
def pickup_object(world: World, act: dict[str, Any]) -> str:
    """Pick up a pickupable object (PhysicsRemoteFPSAgentController.pickupObject); returns its objectId.
    Without forceAction it must be visible, so not inside a closed container; with it, it may be."""
    obj = target_object(world, act)
    if not obj.spec.pickupable:
        raise _fail(f"{obj.object_id} must have the property CanPickup to be picked up.", "pickupObject")
    if world.agent.held:
        raise _fail("Agent hand has something in it already! Can't pick up anything else", "pickupObject")
    world.detach(obj)
    obj.is_picked_up = True
    world.agent.held = obj.object_id
    world.move_with_children(obj, world.hand_position())
    world.touch(obj)
    return obj.object_id


def _object_specific(recep: SimObject) -> bool:
    """An AI2-THOR ObjectSpecificReceptacle: it takes only its specific types, one at a time."""
    return recep.object_type in OBJECT_SPECIFIC_RECEPTACLES and recep.object_type != "Toaster"


@action("PutObject", ("objectId",))
def put_object(world: World, act: dict[str, Any]) -> None:
    """Put the held object on/in the target receptacle (PhysicsRemoteFPSAgentController.putObject).

    forceAction skips visibility and distance and the PlacementRestrictions table, but never an
    object-specific receptacle's types (a CoffeeMachine takes only a Mug, even forced)."""
    recep = target_object(world, act)
    held = held_object(world)
    if held is None:
        raise _fail("Can't place an object if Agent isn't holding anything", "putObject")
    if not recep.spec.receptacle:
        raise _fail("This target object is NOT a receptacle!", "putObject", "ArgumentException")
    if recep is held or recep in world.descendants(held):
        raise _fail("No valid positions to place object found", "putObject")
    if recep.spec.openable and not recep.is_open and recep.spec.contains == "in":
        raise _fail(OPEN_TO_PLACE_MSG, "putObject")
    if _object_specific(recep):
        if any(c in world.objects and world.objects[c].enabled for c in recep.children):
            raise _fail(f"{recep.name} is currently full!", "putObject")
        if not placement_allowed(held.object_type, recep.object_type):
            raise _fail(f"{held.name} is not a valid Object Type to be placed in {recep.name}", "putObject")
    elif not act.get("forceAction", False) and not placement_allowed(held.object_type, recep.object_type):
        raise _fail(f"{held.name} cannot be placed in {recep.name}", "putObject")
    held.is_picked_up = False
    world.agent.held = None
    if not world.place_in(held, recep, near=_floor_spot(world, recep, held)):
        held.is_picked_up = True
        world.agent.held = held.object_id
        raise _fail("No valid positions to place object found", "putObject")
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
    """Drop the held object straight down from the hand (PhysicsRemoteFPSAgentController.DropHandObject)."""
    held = held_object(world)
    if held is None:
        raise _fail("Nothing in hand to drop!", "DropHandObject")
    fall = land(world, held, world.hand_position())
    after_fall(world, held, fall)


@action("ThrowObject", ("moveMagnitude",))
def throw_object(world: World, act: dict[str, Any]) -> None:
    """Throw the held object ahead; moveMagnitude (required, as in AI2-THOR) sets the distance and whether
    it breaks (PhysicsRemoteFPSAgentController.ThrowObject)."""
    held = held_object(world)
    if held is None:
        raise _fail("Nothing in Hand to Throw!", "ThrowObject")
    mag = float(act["moveMagnitude"])
    dist = min(3.0, 0.3 + mag / 100.0)
    x0, x1, z0, z1 = world.bounds
    p = world.hand_position() + world.forward() * dist
    p[0], p[2] = float(np.clip(p[0], x0 + 0.1, x1 - 0.1)), float(np.clip(p[2], z0 + 0.1, z1 - 0.1))
    fall = land(world, held, p)
    after_fall(world, held, fall, thrown=max(mag, 1.0))


def _set_openness(world: World, act: dict[str, Any], openness: float) -> None:
    """PhysicsRemoteFPSAgentController.openObject: CloseObject is openObject(openness=0); opening an
    open object (or closing a closed one) succeeds."""
    obj = target_object(world, act)
    if openness > 1 or openness < 0:
        raise _fail("Openness must be in [0:1]", "openObject")
    if not obj.spec.openable:
        raise _fail(f"{obj.object_id} is not an Openable object", "openObject")
    if obj.object_type in MUST_BE_OFF_TO_OPEN and obj.spec.toggleable and obj.is_toggled:
        raise _fail("Target must be OFF to open!", "openObject")
    if obj.is_open != (openness > 0) or obj.openness != openness:
        obj.is_open, obj.openness = openness > 0, openness
        world.touch(obj)


@action("OpenObject", ("objectId",))
def open_object(world: World, act: dict[str, Any]) -> None:
    """Open an openable object to `openness` (default 1; the legacy moveMagnitude, 0 meaning 1, also works)."""
    openness = float(act.get("openness", 1.0))
    if act.get("moveMagnitude") is not None:
        openness = float(act["moveMagnitude"]) or 1.0
    _set_openness(world, act, openness)


@action("CloseObject", ("objectId",))
def close_object(world: World, act: dict[str, Any]) -> None:
    """Close an openable object."""
    _set_openness(world, act, 0.0)


def _toggle(world: World, act: dict[str, Any], value: bool) -> None:
    """PhysicsRemoteFPSAgentController.toggleObject."""
    obj = target_object(world, act)
    if not obj.spec.toggleable:
        raise _fail(f"{obj.object_id} is not toggleable!", "toggleObject")
    if any(obj.object_id in o.controlled and o.enabled for o in world.objects.values()):
        raise _fail("target object is controlled by another sim object. target object cannot be turned on/off "
                    "directly", "toggleObject")
    if obj.is_toggled == value:
        state = "on" if value else "off"
        raise _fail(f"can't toggle object {state} if it's already {state}!", "toggleObject")
    if value and obj.object_type in MUST_BE_CLOSED_TO_TURN_ON and obj.is_open:
        raise _fail("Target must be closed to Toggle On!", "toggleObject")
    if value and obj.is_broken:
        raise _fail("Target is broken and cannot be Toggled On!", "toggleObject")
    if value and obj.is_used_up:  # embedded guard: no AI2-THOR type is both toggleable and usable up
        raise _fail(f"{obj.object_id} is used up", "toggleObject")
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
    """Slice a sliceable object (PhysicsRemoteFPSAgentController.sliceObject): no knife is needed, but the
    held object cannot be sliced. The pieces replace it (an Egg cracks)."""
    obj = target_object(world, act)
    if obj.is_picked_up:
        raise _fail("target object cannot be sliced if it is in the agent's hand", "sliceObject")
    if not obj.spec.sliceable:
        raise _fail(f"{obj.name} Does not have the CanBeSliced property!", "sliceObject")
    if obj.is_sliced:  # a sliced object is gone in AI2-THOR; only the embedded cracked Egg stays
        raise _fail(f"{obj.name} is already sliced", "sliceObject")
    obj.is_sliced = True
    world.touch(obj)
    if obj.object_type == "Egg":
        break_object(world, obj)
    elif obj.spec.sliced_type:
        spawn_pieces(world, obj, obj.spec.sliced_type, 3 if obj.object_type != "Bread" else 4)


@action("BreakObject", ("objectId",))
def break_action(world: World, act: dict[str, Any]) -> None:
    """Break a breakable object (PhysicsRemoteFPSAgentController.breakObject); breaking a broken one
    succeeds and changes nothing; a held one leaves the hand first."""
    obj = target_object(world, act)
    if not obj.spec.breakable:
        raise _fail(f"{obj.name} does not have the CanBreak property!", "breakObject")
    if obj.is_broken:
        return
    if obj.is_picked_up:
        land(world, obj, world.hand_position())
    break_object(world, obj)


@action("DirtyObject", ("objectId",))
def dirty_object(world: World, act: dict[str, Any]) -> None:
    """Make a dirtyable object dirty (PhysicsRemoteFPSAgentController.dirtyObject)."""
    obj = target_object(world, act)
    if not obj.spec.dirtyable:
        raise _fail(f"{obj.name} does not have CanBeDirty property!", "dirtyObject")
    if obj.is_dirty:
        raise _fail(f"{obj.name} is already dirty!", "dirtyObject")
    obj.is_dirty = True
    world.touch(obj)


@action("CleanObject", ("objectId",))
def clean_object(world: World, act: dict[str, Any]) -> None:
    """Make a dirtyable object clean (PhysicsRemoteFPSAgentController.cleanObject)."""
    obj = target_object(world, act)
    if not obj.spec.dirtyable:
        raise _fail(f"{obj.name} does not have dirtyable property!", "cleanObject")
    if not obj.is_dirty:
        raise _fail(f"{obj.name} is already Clean!", "cleanObject")
    obj.is_dirty = False
    world.touch(obj)


@action("UseUpObject", ("objectId",))
def use_up_object(world: World, act: dict[str, Any]) -> None:
    """Use up an object (PhysicsRemoteFPSAgentController.useObjectUp); one already used up stays so."""
    obj = target_object(world, act)
    if not obj.spec.can_be_used_up:
        raise _fail(f"{obj.name} does not have CanBeUsedUp property!", "useObjectUp")
    if not obj.is_used_up:
        obj.is_used_up = True
        world.touch(obj)


@action("CookObject", ("objectId",))
def cook_object(world: World, act: dict[str, Any]) -> None:
    """Cook a cookable object (PhysicsRemoteFPSAgentController.cookObject); a cooked one stays cooked."""
    obj = target_object(world, act)
    if not obj.spec.cookable:
        raise _fail("Target object is not cookable!", "cookObject")
    if not obj.is_cooked:
        obj.is_cooked = True
        world.touch(obj)


def fill_liquid(world: World, obj: SimObject, liquid: str) -> None:
    """Fill.FillObject: a coffee fill makes the object Hot (it then cools as any hot object does)."""
    obj.is_filled, obj.fill_liquid = True, liquid
    if liquid == "coffee":
        obj.temperature, obj.heat = "Hot", 1.0
    world.touch(obj)


@action("FillObjectWithLiquid", ("objectId", "fillLiquid"))
def fill_object(world: World, act: dict[str, Any]) -> None:
    """Fill a container with water, coffee or wine (PhysicsRemoteFPSAgentController.fillObjectWithLiquid,
    Fill.FillObject): a full one fails."""
    obj = target_object(world, act)
    liquid = act["fillLiquid"]
    if not obj.spec.can_fill_with_liquid:
        raise _fail(f"{obj.name} does not have CanBeFilled property!", "fillObjectWithLiquid")
    if liquid not in LIQUIDS:
        raise thor_error("ArgumentException", f"liquidType: {liquid} not a valid Liquid!", "Fill.FillObject")
    if obj.is_broken:  # embedded guard: AI2-THOR swaps a broken container for a prefab that cannot be filled
        raise _fail(f"{obj.name} is broken and cannot hold liquid", "fillObjectWithLiquid")
    if obj.is_filled:
        raise thor_error("InvalidOperationException", "Object is already filled!", "Fill.FillObject")
    fill_liquid(world, obj, liquid)


@action("EmptyLiquidFromObject", ("objectId",))
def empty_object(world: World, act: dict[str, Any]) -> None:
    """Empty a filled container (PhysicsRemoteFPSAgentController.emptyLiquidFromObject, Fill.EmptyObject)."""
    obj = target_object(world, act)
    if not obj.spec.can_fill_with_liquid:
        raise _fail(f"{obj.name} does not have CanBeFilled property!", "emptyLiquidFromObject")
    if not obj.is_filled:
        raise thor_error("InvalidOperationException", "Object is already empty!", "Fill.EmptyObject")
    obj.is_filled, obj.fill_liquid = False, None
    world.touch(obj)


@action("PourLiquid", ("objectId",))
def pour_liquid(world: World, act: dict[str, Any]) -> None:
    """Embedded extension: pour the held filled container onto/into the target object. A fillable target
    takes the liquid; anything else only gets wet, which changes no state (harm such as liquid on an
    electronic is the hazard engine's to judge, as in AI2-THOR no liquid breaks anything)."""
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
