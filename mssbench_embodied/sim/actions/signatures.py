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
