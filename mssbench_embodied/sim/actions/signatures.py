"""The arguments AI2-THOR 5.0 actions accept, for ai2thor-style argument checking.

Transcribed from the action methods' parameters in allenai/ai2thor (unity/Assets/Scripts/
BaseFPSAgentController.cs, PhysicsRemoteFPSAgentController.cs) and DynamicServerAction.cs.
An action's handler may declare its own set with ``@action(name, required, optional=...)``;
this table covers the common actions whose handlers do not. Actions in neither accept anything.
"""
from __future__ import annotations

# DynamicServerAction.AllowedExtraneousParameters: accepted by every action
EXTRANEOUS: frozenset[str] = frozenset({
    "sequenceId", "renderImage", "agentId", "renderObjectImage", "renderClassImage", "renderNormalsImage",
    "renderInstanceSegmentation", "action",
})

_TARGET = ("objectId", "forceAction")
_MOVE = ("moveMagnitude", "forceAction")

# action -> its optional (not required) arguments, in signature order; the registry adds the required ones
THOR_OPTIONAL: dict[str, tuple[str, ...]] = {
    "MoveAhead": _MOVE, "MoveBack": _MOVE, "MoveLeft": _MOVE, "MoveRight": _MOVE,
    "RotateLeft": ("degrees", "manualInteract", "forceAction"),
    "RotateRight": ("degrees", "manualInteract", "forceAction"),
    "LookUp": ("degrees", "manualInteract", "forceAction"),
    "LookDown": ("degrees", "manualInteract", "forceAction"),
    "Teleport": ("position", "x", "y", "z", "rotation", "horizon", "standing", "forceAction"),
    "TeleportFull": ("position", "x", "y", "z", "rotation", "horizon", "standing", "forceAction"),
    "Crouch": (), "Stand": (), "Done": (), "Pass": (),
    "GetReachablePositions": ("maxStepCount", "directionsRelativeAgent", "gridSize"),
    "PickupObject": ("forceAction", "manualInteract"),
    "PutObject": ("forceAction", "placeStationary"),
    "DropHandObject": ("forceAction", "autoSimulation"),
    "DropHeldObject": ("forceAction", "autoSimulation"),
    "ThrowObject": ("moveMagnitude", "forceAction", "autoSimulation"),
    "OpenObject": ("forceAction", "openness", "moveMagnitude", "useGripper", "returnToStart",
                   "stopAtNonStaticCol", "physicsInterval"),
    "CloseObject": ("forceAction", "useGripper", "returnToStart", "stopAtNonStaticCol", "physicsInterval"),
    "ToggleObjectOn": _TARGET, "ToggleObjectOff": _TARGET, "SliceObject": _TARGET, "BreakObject": _TARGET,
    "DirtyObject": _TARGET, "CleanObject": _TARGET, "UseUpObject": _TARGET, "CookObject": _TARGET,
    "FillObjectWithLiquid": _TARGET, "EmptyLiquidFromObject": _TARGET,
    "DisableObject": (), "EnableObject": (), "RemoveFromScene": (), "PlaceObjectAtPoint": (),
}

# The embedded extensions' arguments (not in AI2-THOR)
EMBEDDED_OPTIONAL: dict[str, tuple[str, ...]] = {
    "PourLiquid": ("forceAction",), "PutObjectIn": ("forceAction",),
    "SpawnObject": ("newObjectId", "nearObjectId", "objectVariation", "forceAction"),
    "SetObjectPoses": ("placeStationary",), "SetObjectStates": (),
}

# Each argument's type, by name, for every action (ARGUMENT_KIND_OVERRIDES: where one action differs).
# Kinds (sim/actions/registry.py checks them): float (finite; numeric strings convert, as Newtonsoft does),
# int (32-bit), bool, str (None allowed: C# strings are nullable), vec3 ({x, y, z} or 3 numbers, finite),
# rotation (vec3 or a yaw number), floats / bools / strs / vec3s (lists of those), object_states
# (SetObjectStates' dict), object_poses (SetObjectPoses' list), type_counts (numDuplicatesOfType's list).
ARGUMENT_KINDS: dict[str, str] = {
    **dict.fromkeys(("objectId", "receptacleObjectId", "newObjectId", "nearObjectId", "objectType", "fillLiquid"),
                    "str"),
    **dict.fromkeys(("forceAction", "manualInteract", "standing", "placeStationary", "autoSimulation", "useGripper",
                     "returnToStart", "stopAtNonStaticCol", "directionsRelativeAgent", "checkVisible", "anywhere",
                     "forceVisible", "allowAutoSimulation", "allowFloor", "allowMoveable"), "bool"),
    **dict.fromkeys(("moveMagnitude", "degrees", "horizon", "openness", "x", "y", "z", "gridSize", "physicsInterval",
                     "allowedError", "maxDistance", "pitch", "yaw", "roll", "right", "up", "ahead", "timeStep",
                     "simSeconds"), "float"),
    **dict.fromkeys(("maxStepCount", "randomSeed", "numPlacementAttempts", "objectVariation", "maxPoses"), "int"),
    "position": "vec3", "target": "vec3", "rotation": "rotation",
    "positions": "vec3s", "rotations": "floats", "horizons": "floats", "standings": "bools",
    **dict.fromkeys(("excludedReceptacles", "excludedObjectIds", "objectIds", "receptacleObjectIds"), "strs"),
    "numDuplicatesOfType": "type_counts", "objectPoses": "object_poses", "SetObjectStates": "object_states",
}
ARGUMENT_KIND_OVERRIDES: dict[str, dict[str, str]] = {"RotateHeldObject": {"rotation": "vec3"}}

# Well-typed values outside these bounds fail the action (ArgumentOutOfRangeException) where AI2-THOR has
# no check of its own: they bound the embedded simulator's work. (action or "*", argument) -> (low, high)
ARGUMENT_RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("InitialRandomSpawn", "numPlacementAttempts"): (None, 1000),
}
MAX_DUPLICATES = 100  # numDuplicatesOfType: at most this many of one type
