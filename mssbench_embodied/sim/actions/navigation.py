"""AI2-THOR navigation actions: moves, rotations, teleports, crouch/stand, Pass, Done.

Pure navigation changes no object state or relation (a held object stays held), so these actions
cannot cause a hazard; `NAVIGATION_ACTIONS` is every action this module registers.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..world import AGENT_Y, World
from .helpers import held_object, parse_xyz, parse_yaw
from .registry import ACTIONS, ActionFailed, action

# the agent moves of a discrete navigation action space
MOVES: tuple[str, ...] = ("MoveAhead", "MoveBack", "MoveLeft", "MoveRight", "RotateLeft", "RotateRight",
                          "LookUp", "LookDown")

# ---------------------------------------------------------------------------- navigation
HORIZON_MIN, HORIZON_MAX = -30.0, 60.0  # degrees: the default agent's camera limits


def _room_diagonal(world: World) -> float:
    x0, x1, z0, z1 = world.bounds
    return math.hypot(x1 - x0, z1 - z0)


def _move(world: World, act: dict[str, Any], direction: np.ndarray, name: str) -> None:
    mag = float(act.get("moveMagnitude", 0.25))
    if abs(mag) > _room_diagonal(world):  # it would leave the room: blocked by a wall on the way
        raise ActionFailed(f"Agent 0 is blocked from moving {mag} in direction {name}")
    dest = world.agent.position + direction * mag
    steps = max(1, int(math.ceil(abs(mag) / 0.05)))
    for k in range(1, steps + 1):
        p = world.agent.position + direction * mag * k / steps
        if not world.is_free(float(p[0]), float(p[2])):
            raise ActionFailed(f"Agent 0 is blocked from moving {mag} in direction {name}")
    world.agent.position = dest
    _carry_held(world)


def _carry_held(world: World) -> None:
    held = held_object(world)
    if held is not None:
        world.move_with_children(held, world.hand_position())


@action("MoveAhead")
def move_ahead(world: World, act: dict[str, Any]) -> None:
    """Move forward by moveMagnitude (0.25 m), if the path is free."""
    _move(world, act, world.forward(), "forward")


@action("MoveBack")
def move_back(world: World, act: dict[str, Any]) -> None:
    """Move backward by moveMagnitude (0.25 m), if the path is free."""
    _move(world, act, -world.forward(), "back")


@action("MoveLeft")
def move_left(world: World, act: dict[str, Any]) -> None:
    """Move left by moveMagnitude (0.25 m), if the path is free."""
    _move(world, act, -world.right(), "left")


@action("MoveRight")
def move_right(world: World, act: dict[str, Any]) -> None:
    """Move right by moveMagnitude (0.25 m), if the path is free."""
    _move(world, act, world.right(), "right")


@action("RotateLeft")
def rotate_left(world: World, act: dict[str, Any]) -> None:
    """Turn left by degrees (90)."""
    world.agent.yaw = (world.agent.yaw - float(act.get("degrees", 90.0)) % 360.0) % 360.0
    _carry_held(world)


@action("RotateRight")
def rotate_right(world: World, act: dict[str, Any]) -> None:
    """Turn right by degrees (90)."""
    world.agent.yaw = (world.agent.yaw + float(act.get("degrees", 90.0)) % 360.0) % 360.0
    _carry_held(world)


@action("LookUp")
def look_up(world: World, act: dict[str, Any]) -> None:
    """Tilt the camera up by degrees (30), to at most 30 degrees above the horizon."""
    h = world.agent.horizon - float(act.get("degrees", 30.0))
    if h < HORIZON_MIN - 1e-6:
        raise ActionFailed("can't look up beyond 30 degrees above the forward horizon")
    if h > HORIZON_MAX + 1e-6:  # a negative angle looks down
        raise ActionFailed("can't look down beyond 60 degrees below the forward horizon")
    _tilt(world, h)


def _tilt(world: World, horizon: float) -> None:
    """Set the camera's horizon; a hand moved from its default (``hand_shift``) returns to it with the new
    pose (``World.hand_pose_key``), and so does what it holds. The default hand does not follow the tilt."""
    shifted = getattr(world, "hand_shift", None) is not None
    world.agent.horizon = horizon
    if shifted:
        _carry_held(world)


@action("LookDown")
def look_down(world: World, act: dict[str, Any]) -> None:
    """Tilt the camera down by degrees (30), to at most 60 degrees below the horizon."""
    h = world.agent.horizon + float(act.get("degrees", 30.0))
    if h > HORIZON_MAX + 1e-6:
        raise ActionFailed("can't look down beyond 60 degrees below the forward horizon")
    if h < HORIZON_MIN - 1e-6:  # a negative angle looks up
        raise ActionFailed("can't look up beyond 30 degrees above the forward horizon")
    _tilt(world, h)


def _teleport(world: World, pos: np.ndarray, yaw: float | None, horizon: float | None, force: bool) -> None:
    x0, x1, z0, z1 = world.bounds
    if not (x0 <= pos[0] <= x1 and z0 <= pos[2] <= z1):  # even forced: the agent stays in the scene
        raise ActionFailed(f"Teleport failed: ({pos[0]:.2f}, {pos[2]:.2f}) is outside the scene bounds")
    if not force and not world.is_free(float(pos[0]), float(pos[2])):
        raise ActionFailed(f"Teleport failed: ({pos[0]:.2f}, {pos[2]:.2f}) is not a free position for the agent")
    if horizon is not None and not HORIZON_MIN - 1e-6 <= horizon <= HORIZON_MAX + 1e-6:
        raise ActionFailed(f"Teleport failed: horizon {horizon} is outside [-30, 60]")
    world.agent.position = np.array([pos[0], AGENT_Y, pos[2]])
    if yaw is not None:
        world.agent.yaw = yaw % 360.0
    if horizon is not None:
        world.agent.horizon = horizon
    _carry_held(world)


@action("Teleport")
def teleport(world: World, act: dict[str, Any]) -> None:
    """Move the agent to a position (and optionally a rotation and horizon)."""
    here = world.agent.position
    flat = {"x": act.get("x", here[0]), "y": act.get("y", AGENT_Y), "z": act.get("z", here[2])}
    pos = parse_xyz(act.get("position") if "position" in act else
                    (flat if "x" in act or "z" in act else None), here)
    yaw = parse_yaw(act["rotation"]) if "rotation" in act else None
    _teleport(world, pos, yaw, act.get("horizon"), bool(act.get("forceAction", False)))


@action("TeleportFull", ("position", "rotation", "horizon", "standing"))
def teleport_full(world: World, act: dict[str, Any]) -> None:
    """Set the agent's position, rotation, horizon and standing at once."""
    was_standing, world.agent.is_standing = world.agent.is_standing, bool(act["standing"])
    try:  # standing first so that the held object is carried to the new hand height
        _teleport(world, parse_xyz(act["position"]), parse_yaw(act["rotation"]), float(act["horizon"]),
                  bool(act.get("forceAction", False)))
    except ActionFailed:
        world.agent.is_standing = was_standing  # a failed teleport changes nothing
        raise


@action("Crouch")
def crouch(world: World, act: dict[str, Any]) -> None:
    """Crouch (lowers the camera)."""
    if not world.agent.is_standing:
        raise ActionFailed("Already crouching.")  # PhysicsRemoteFPSAgentController.Crouch
    world.agent.is_standing = False
    _carry_held(world)


@action("Stand")
def stand(world: World, act: dict[str, Any]) -> None:
    """Stand up from a crouch."""
    if world.agent.is_standing:
        raise ActionFailed("Already standing.")  # PhysicsRemoteFPSAgentController.Stand
    world.agent.is_standing = True
    _carry_held(world)


@action("GetReachablePositions")
def get_reachable_positions(world: World, act: dict[str, Any]) -> list[dict[str, float]]:
    """The grid positions the agent can stand on (actionReturn)."""
    return [{"x": x, "y": AGENT_Y, "z": z} for x, z in world.reachable_positions()]


@action("Done")
def done(world: World, act: dict[str, Any]) -> None:
    """Do nothing (ends an episode in AI2-THOR's convention)."""
    return None


@action("Pass")
def pass_(world: World, act: dict[str, Any]) -> None:
    """Do nothing."""
    return None


NAVIGATION_ACTIONS: frozenset[str] = frozenset(n for n, (fn, _) in ACTIONS.items() if fn.__module__ == __name__)
