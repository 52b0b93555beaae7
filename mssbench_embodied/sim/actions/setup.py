"""AI2-THOR setup actions (SetObjectStates, SetObjectPoses, PlaceObjectAtPoint, Disable/Enable) and
the embedded extensions SpawnObject / PutObjectIn (registered into actions.ACTIONS)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..rooms import TEMPERATURES
from ..world import STATE_ATTRS, STATE_KEYS, World
from .helpers import LIQUIDS, PHYSICS_AGENT, parse_xyz, settle, thor_error
from .registry import ActionFailed, action

# ---------------------------------------------------------------------------- setup
# AI2-THOR's SetObjectStates.stateChange -> the flag it sets (PhysicsRemoteFPSAgentController.SetObjectStates)
STATE_CHANGES = {"toggleable": "isToggled", "openable": "isOpen", "canBeUsedUp": "isUsedUp", "breakable": "isBroken",
                 "cookable": "isCooked", "sliceable": "isSliced", "canFillWithLiquid": "isFilledWithLiquid",
                 "dirtyable": "isDirty"}
_CAPS = {"toggleable": "toggleable", "openable": "openable", "canBeUsedUp": "can_be_used_up",
         "breakable": "breakable", "cookable": "cookable", "sliceable": "sliceable",
         "canFillWithLiquid": "can_fill_with_liquid", "dirtyable": "dirtyable"}


def _state_change(world: World, spec: dict[str, Any]) -> None:
    """AI2-THOR's form: every object of `objectType` with the `stateChange` capability takes the state
    (toggleable/openable from isToggled/isOpen; the others are set, as AI2-THOR's one-way actions do)."""
    change, otype = spec.get("stateChange"), spec.get("objectType")
    if change is None or otype is None:
        raise thor_error("ArgumentNullException", "Value cannot be null.", f"{PHYSICS_AGENT}.SetObjectStates")
    if change not in STATE_CHANGES:
        raise thor_error("ArgumentException", "Invald stateChange!", f"{PHYSICS_AGENT}.SetObjectStates")
    key = STATE_CHANGES[change]
    value: Any = bool(spec.get(key, True)) if change in ("toggleable", "openable") else True
    liquid = spec.get("fillLiquid") or "water"
    if change == "canFillWithLiquid" and liquid not in LIQUIDS:
        raise thor_error("ArgumentException", f"liquidType: {liquid} not a valid Liquid!", "Fill.FillObject")
    for obj in world.of_type(otype):
        if not getattr(obj.spec, _CAPS[change]):
            continue
        if change == "canFillWithLiquid":
            if not obj.is_filled:
                obj.is_filled, obj.fill_liquid = True, liquid
        else:
            setattr(obj, STATE_ATTRS[key], value)
            if change == "openable":
                obj.openness = 1.0 if value else 0.0
        world.touch(obj)


def _check_state_values(spec: dict[str, Any]) -> None:
    """The embedded form's values in range (their types are checked with the arguments)."""
    where = f"{PHYSICS_AGENT}.SetObjectStates"
    if "openness" in spec and not 0.0 <= spec["openness"] <= 1.0:
        raise thor_error("ArgumentOutOfRangeException", "Openness must be in [0:1]", where)
    if "temperature" in spec and spec["temperature"] not in TEMPERATURES:
        raise thor_error("ArgumentException", f"temperature: {spec['temperature']} is not one of "
                         f"{', '.join(TEMPERATURES)}", where)
    if spec.get("fillLiquid") is not None and spec["fillLiquid"] not in LIQUIDS:
        raise thor_error("ArgumentException", f"liquidType: {spec['fillLiquid']} not a valid Liquid!",
                         "Fill.FillObject")


def _in_scene(world: World, p: np.ndarray, what: str) -> None:
    """ActionFailed unless point p lies within the scene's bounds (floor to ceiling, with a 1 m margin)."""
    x0, x1, z0, z1 = world.bounds
    if not (x0 - 1.0 <= p[0] <= x1 + 1.0 and -1.0 <= p[1] <= world.wall_height + 1.0 and z0 - 1.0 <= p[2] <= z1 + 1.0):
        raise ActionFailed(f"{what}: position ({p[0]:.2f}, {p[1]:.2f}, {p[2]:.2f}) is outside the scene bounds")


@action("SetObjectStates", ("SetObjectStates",))
def set_object_states(world: World, act: dict[str, Any]) -> None:
    """Set states by AI2-THOR's ``{objectType, stateChange, <flag>}``; embedded extension: state keys
    (isOpen, isToggled, fillLiquid, temperature, ...) of one ``objectId`` or of every object of a type."""
    spec = act["SetObjectStates"]
    if "stateChange" in spec:
        _state_change(world, spec)
        return
    keys = [k for k in spec if k in STATE_KEYS]
    _check_state_values(spec)
    if "objectId" in spec:
        one = world.get(spec["objectId"])
        targets = [one] if one is not None else []
    else:
        targets = world.of_type(spec.get("objectType", ""))
    if not targets:
        raise ActionFailed("SetObjectStates matched no object")
    for obj in targets:
        for k in keys:
            setattr(obj, STATE_ATTRS[k], spec[k])
            if k == "isOpen":
                obj.openness = 1.0 if spec[k] else 0.0
            elif k == "openness":
                obj.is_open = spec[k] > 0
        # keep isFilledWithLiquid and fillLiquid consistent, as AI2-THOR reports them
        if "fillLiquid" in keys and "isFilledWithLiquid" not in keys:
            obj.is_filled = obj.fill_liquid is not None
        if obj.is_filled and (obj.fill_liquid is None or not obj.spec.can_fill_with_liquid):
            fillable = obj.spec.can_fill_with_liquid
            obj.is_filled, obj.fill_liquid = fillable, "water" if fillable else None
        if not obj.is_filled:
            obj.fill_liquid = None
        world.touch(obj)


@action("SetObjectPoses", ("objectPoses",))
def set_object_poses(world: World, act: dict[str, Any]) -> None:
    """Place the listed objects by name; pickupable or moveable objects not listed leave the scene."""
    by_name = {o.name: o for o in world.objects.values() if o.enabled}
    listed = set()
    for pose in act["objectPoses"]:
        obj = by_name.get(pose.get("objectName"))
        if obj is None:
            raise ActionFailed(f"SetObjectPoses: no object named {pose.get('objectName')!r}")
        listed.add(obj.object_id)
        if world.agent.held == obj.object_id:  # posed explicitly: it leaves the hand
            world.agent.held, obj.is_picked_up = None, False
        pos = parse_xyz(pose["position"])
        _in_scene(world, pos, "SetObjectPoses")
        world.detach(obj)
        world.move_with_children(obj, pos + (obj.center - obj.position))
        if "rotation" in pose:
            obj.rotation = parse_xyz(pose["rotation"])
        settle(world, obj)
    for obj in list(world.objects.values()):
        movable = obj.spec.pickupable or obj.spec.moveable
        if obj.enabled and movable and obj.object_id not in listed and not obj.is_picked_up:
            for c in world.retire(obj):
                settle(world, c)



@action("PlaceObjectAtPoint", ("objectId", "position"))
def place_object_at_point(world: World, act: dict[str, Any]) -> None:
    """Put a pickupable or moveable object at a point and let it settle."""
    obj = world.get(act["objectId"])
    if obj is None:
        raise ActionFailed("Object ID appears to be invalid.")
    if not (obj.spec.pickupable or obj.spec.moveable):
        raise ActionFailed(f"{obj.object_id} is not pickupable or moveable")
    p = parse_xyz(act["position"])
    _in_scene(world, p, "PlaceObjectAtPoint")
    if obj.is_picked_up:
        obj.is_picked_up, world.agent.held = False, None
    world.detach(obj)
    world.move_with_children(obj, np.array([p[0], p[1] + obj.size[1] / 2, p[2]]))
    settle(world, obj)


@action("DisableObject", ("objectId",))
def disable_object(world: World, act: dict[str, Any]) -> None:
    """Take an object (and what it holds) out of the scene."""
    obj = world.get(act["objectId"])
    if obj is None:
        raise ActionFailed("Object ID appears to be invalid.")
    world.retire(obj, with_contents=True)


@action("RemoveFromScene", ("objectId",))
def remove_from_scene(world: World, act: dict[str, Any]) -> None:
    """Alias of DisableObject."""
    disable_object(world, act)


@action("EnableObject", ("objectId",))
def enable_object(world: World, act: dict[str, Any]) -> None:
    """Bring a disabled object (and what it held) back."""
    obj = world.objects.get(act["objectId"])
    if obj is None:
        raise ActionFailed("Object ID appears to be invalid.")
    if obj.enabled:
        return
    world.detach(obj)  # off whatever it rested on when disabled (that may still be out of the scene)
    for o in [obj, *world.descendants(obj)]:  # what it carried was disabled with it
        o.enabled = True
        world.touch(o)
    settle(world, obj)


@action("SpawnObject", ("objectType", "receptacleObjectId"))
def spawn_object(world: World, act: dict[str, Any]) -> dict[str, str]:
    """Embedded extension: create an object of a type on/in a receptacle. ``objectVariation`` (an int
    >= 0, as in AI2-THOR's CreateObject) picks its asset: assetId becomes ``<objectType>_<n>``, and the
    legible renderer draws the asset's finish (sim/render/shapes/finishes.py)."""
    variation = act.get("objectVariation")
    if variation is not None and variation < 0:
        raise ActionFailed(f"SpawnObject: objectVariation must be an int >= 0, got {variation!r}")
    recep = world.get(act["receptacleObjectId"])
    if recep is None:
        raise ActionFailed("Object ID appears to be invalid.")
    if act.get("newObjectId") is not None and act["newObjectId"] in world.objects:
        raise ActionFailed(f"duplicate objectId {act['newObjectId']}")
    try:
        near = world.get(act["nearObjectId"]) if act.get("nearObjectId") else None
        obj = world.spawn(act["objectType"], recep, act.get("newObjectId"), near=None if near is None else near.center)
    except ValueError as e:
        raise ActionFailed(str(e)) from None
    if variation is not None:
        obj.asset_id = f"{obj.object_type}_{variation}"
    return {"objectId": obj.object_id}


@action("PutObjectIn", ("objectId", "receptacleObjectId"))
def put_object_in(world: World, act: dict[str, Any]) -> None:
    """Embedded setup extension: move objectId onto/into receptacleObjectId (like pickup+put with forceAction)."""
    obj, recep = world.get(act["objectId"]), world.get(act["receptacleObjectId"])
    if obj is None or recep is None:
        raise ActionFailed("Object ID appears to be invalid.")
    if not recep.spec.receptacle:
        raise ActionFailed("This target object is NOT a receptacle!")
    if not world.place_in(obj, recep):
        raise ActionFailed("No valid positions to place object found")
    if world.agent.held == obj.object_id:
        world.agent.held, obj.is_picked_up = None, False
        world.touch(obj)

