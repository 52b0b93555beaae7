"""The AI2-THOR 5.0 actions added for issue 16 (sim/actions/extra.py, sim/actions/poses.py): success and
failure paths, actionReturn shapes and 5.0 error strings, on kitchen_val09 with EmbeddedBackend(render=False).
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from mssbench_embodied.sim.actions import ACTIONS
from mssbench_embodied.sim.actions.extra import viewport_point
from mssbench_embodied.sim.actions.poses import nearest_walkable, walkable
from mssbench_embodied.sim.actions.registry import accepted_arguments
from mssbench_embodied.sim.objects import SimObject
from mssbench_embodied.sim.types import placement_allowed

if TYPE_CHECKING:
    from conftest import Sim

ADDED = ("DropHeldObject", "RotateHeldObject", "GetShortestPath", "GetShortestPathToPoint", "GetInteractablePoses",
         "InitialRandomSpawn", "GetSpawnCoordinatesAboveReceptacle", "GetObjectInFrame", "PausePhysicsAutoSim",
         "UnpausePhysicsAutoSim", "AdvancePhysicsStep", "MoveHeldObject", "MoveHeldObjectAhead", "MoveHeldObjectBack",
         "MoveHeldObjectLeft", "MoveHeldObjectRight", "MoveHeldObjectUp", "MoveHeldObjectDown")
POSE_KEYS = ["x", "y", "z", "rotation", "standing", "horizon"]
TRACE = ". trace: "


def _world(sim: Sim) -> Any:
    w = sim.b.world
    assert w is not None
    return w


def _thrown(md: dict[str, Any], exc: str, message: str) -> None:
    """The failure carries 5.0's "<Exception>: <message>. trace: ..." text."""
    assert md["lastActionSuccess"] is False
    assert md["errorMessage"].startswith(f"{exc}: {message}{TRACE}"), md["errorMessage"]


def _open_spot(sim: Sim) -> dict[str, float]:
    """A reachable point with all 8 grid neighbours reachable (open floor around the agent)."""
    pts = {(round(p["x"], 2), round(p["z"], 2)) for p in sim.reachable()}
    for p in sim.reachable():
        x, z = round(p["x"], 2), round(p["z"], 2)
        if all((round(x + dx, 2), round(z + dz, 2)) in pts for dx in (-0.25, 0, 0.25) for dz in (-0.25, 0, 0.25)):
            return p
    raise AssertionError("no open spot")


def _hold_in_open(sim: Sim, object_type: str = "Apple") -> str:
    """Pick up an object, then stand in the open facing +z, level: the hand has free space around it."""
    oid = sim.first_id(object_type)
    sim.pickup(oid)
    sim.ok("TeleportFull", position=_open_spot(sim), rotation={"x": 0, "y": 0, "z": 0}, horizon=0, standing=True)
    return oid


def _center(md: dict[str, Any], oid: str) -> np.ndarray:
    o = next(o for o in md["objects"] if o["objectId"] == oid)
    c = o["axisAlignedBoundingBox"]["center"]
    return np.array([c["x"], c["y"], c["z"]])


def _hand(md: dict[str, Any]) -> np.ndarray:
    h = md["heldObjectPose"]["position"]
    return np.array([h["x"], h["y"], h["z"]])


# ---------------------------------------------------------------------------- registration
def test_actions_registered_with_declared_arguments() -> None:
    for name in ADDED:
        assert name in ACTIONS, name
        assert accepted_arguments(name) is not None, name
    assert "DropHandObject" in ACTIONS  # the 5.0 alias is kept
    assert {"standings", "maxPoses", "objectId"} <= accepted_arguments("GetInteractablePoses")  # type: ignore[operator]
    assert "moveMagnitde" not in accepted_arguments("MoveHeldObjectAhead")  # type: ignore[operator]
    for name in ("Pass", "Stand", "Crouch", "LookUp", "LookDown"):
        assert name in ACTIONS


# ---------------------------------------------------------------------------- DropHeldObject
def test_drop_held_object_empty_hand(sim: Sim) -> None:
    md = sim.step("DropHeldObject")
    _thrown(md, "InvalidOperationException", "Nothing is in the agent's hand to drop!")
    assert md["lastAction"] == "DropHeldObject" and md["actionReturn"] is None


def test_drop_held_object_matches_drop_hand_object(sim: Sim) -> None:
    from conftest import Sim as Driver

    apple = sim.first_id("Apple")
    other = Driver()
    for s in (sim, other):
        s.pickup(apple)
    md = sim.ok("DropHeldObject")
    md2 = other.ok("DropHandObject")
    assert sim.held() is None and md["actionReturn"] is None
    assert sim.obj(apple)["parentReceptacles"] == other.obj(apple)["parentReceptacles"]
    assert sim.obj(apple)["position"] == other.obj(apple)["position"]
    assert md2["inventoryObjects"] == []


# ---------------------------------------------------------------------------- RotateHeldObject
def test_rotate_held_object_empty_hand(sim: Sim) -> None:
    _thrown(sim.step("RotateHeldObject", rotation={"x": 0, "y": 90, "z": 0}),
            "InvalidOperationException", "Can't rotate held object since no object is being held.")
    _thrown(sim.step("RotateHeldObject", yaw=45), "InvalidOperationException",
            "Can't rotate held object since no object is being held.")


def test_rotate_held_object_absolute_and_relative(sim: Sim) -> None:
    bread = _hold_in_open(sim, "Bread")
    size0 = sim.obj(bread)["axisAlignedBoundingBox"]["size"]
    md = sim.ok("RotateHeldObject", rotation={"x": 0, "y": 90, "z": 0})
    assert md["actionReturn"] is None
    o = sim.obj(bread)
    assert o["rotation"]["y"] == pytest.approx((md["agent"]["rotation"]["y"] + 90) % 360)
    size1 = o["axisAlignedBoundingBox"]["size"]
    assert sorted(size1.values()) == pytest.approx(sorted(size0.values()))  # turned, not resized
    yaw0 = o["rotation"]["y"]
    sim.ok("RotateHeldObject", yaw=90)
    o = sim.obj(bread)
    assert o["rotation"]["y"] == pytest.approx((yaw0 + 90) % 360)
    assert o["axisAlignedBoundingBox"]["size"]["x"] == pytest.approx(size1["z"])
    assert sim.obj(bread)["isPickedUp"] and sim.held() == bread
    with pytest.raises(ValueError):
        sim.step("RotateHeldObject", rotation={"x": 0, "y": 0, "z": 0}, yaw=10)


def test_rotate_held_object_blocked(sim: Sim) -> None:
    apple = _hold_in_open(sim)
    w = _world(sim)
    held = w.objects[apple]
    potato = w.objects[sim.first_id("Potato")]
    w.detach(potato)
    w.move_with_children(potato, held.center + np.array([0.0, 0.0, held.size[2] / 2 + potato.size[2] / 2 - 0.03]))
    _thrown(sim.step("RotateHeldObject", rotation={"x": 0, "y": 45, "z": 0}), "InvalidOperationException",
            "Object is unable to rotate in its current state!")
    before = sim.obj(apple)["rotation"]
    _thrown(sim.step("RotateHeldObject", pitch=90), "InvalidOperationException",
            "Held object is coliding after rotation.")
    assert sim.obj(apple)["rotation"] == before  # undone


def test_rotate_held_receptacle_upside_down_spills_contents(sim: Sim) -> None:
    bowl = _hold_in_open(sim, "Bowl")
    apple = sim.first_id("Apple")
    sim.ok("PutObjectIn", objectId=apple, receptacleObjectId=bowl)
    assert sim.obj(apple)["parentReceptacles"] == [bowl]
    sim.ok("RotateHeldObject", rotation={"x": 180, "y": 0, "z": 0})
    assert bowl not in (sim.obj(apple)["parentReceptacles"] or [])
    assert sim.held() == bowl


# ---------------------------------------------------------------------------- MoveHeldObject*
@pytest.mark.parametrize("name,axis,sign", [("MoveHeldObjectAhead", 2, 1), ("MoveHeldObjectBack", 2, -1),
                                            ("MoveHeldObjectRight", 0, 1), ("MoveHeldObjectLeft", 0, -1),
                                            ("MoveHeldObjectUp", 1, 1), ("MoveHeldObjectDown", 1, -1)])
def test_move_held_object_directions(sim: Sim, name: str, axis: int, sign: int) -> None:
    apple = _hold_in_open(sim)  # facing +z, level: camera forward +z, right +x, up +y
    c0 = _center(sim.md, apple)
    md = sim.ok(name, moveMagnitude=0.05)
    delta = _center(md, apple) - c0
    expect = np.zeros(3)
    expect[axis] = 0.05 * sign
    assert delta == pytest.approx(expect, abs=1e-9)
    assert _hand(md) == pytest.approx(_center(md, apple))  # heldObjectPose follows the hand
    assert md["actionReturn"] is None


def test_move_held_object_combined_and_hand_reset(sim: Sim) -> None:
    apple = _hold_in_open(sim)
    c0 = _center(sim.md, apple)
    md = sim.ok("MoveHeldObject", right=0.02, up=0.03, ahead=0.04)
    assert _center(md, apple) - c0 == pytest.approx([0.02, 0.03, 0.04], abs=1e-9)
    md = sim.ok("RotateRight")  # DefaultAgentHand: any agent motion puts the hand back
    sim.ok("RotateLeft")
    assert _center(sim.md, apple) == pytest.approx(c0)


@pytest.mark.parametrize("look", ["LookDown", "LookUp"])
def test_a_moved_hand_returns_with_what_it_holds_on_a_tilt(sim: Sim, look: str) -> None:
    """A camera tilt is an agent pose change: a moved hand goes back to its default, and the held object
    with it (found by the fuzz in living_room_a: the object stayed where the moved hand had been)."""
    apple = _hold_in_open(sim)
    c0 = _center(sim.md, apple)
    sim.ok("MoveHeldObject", right=-0.05, up=-0.08, ahead=0.0)
    md = sim.ok(look)
    assert _center(md, apple) == pytest.approx(_hand(md)) and _center(md, apple) == pytest.approx(c0)


def test_move_held_object_failures(sim: Sim) -> None:
    sim.fail("MoveHeldObjectAhead", "Agent can only move hand if currently holding an item", moveMagnitude=0.1)
    apple = _hold_in_open(sim)
    c0 = _center(sim.md, apple)
    md = sim.step("MoveHeldObjectAhead", moveMagnitude=3.0)
    assert md["errorMessage"] == ("The target position is out of range- object cannot move outside of max "
                                  "visibility distance.")
    md = sim.step("MoveHeldObjectBack", moveMagnitude=0.5)
    assert md["errorMessage"] == ("Target position is outside of the agent's viewport. "
                                  "The target position must be within the frustrum of the viewport.")
    w = _world(sim)
    potato = w.objects[sim.first_id("Potato")]
    w.detach(potato)
    w.move_with_children(potato, w.objects[apple].center + np.array([0.0, 0.0, 0.3]))
    md = sim.step("MoveHeldObjectAhead", moveMagnitude=0.4)
    assert md["errorMessage"] == f"{potato.name} is in Object In Hand's Path! Can't Move Hand holding " \
                                 f"{w.objects[apple].name}"
    assert md["lastActionSuccess"] is False and _center(md, apple) == pytest.approx(c0)
    with pytest.raises(ValueError):
        sim.step("MoveHeldObjectUp")
    with pytest.raises(ValueError, match="invalid argument: moveMagnitude"):  # wrong type: ai2thor's ValueError
        sim.step("MoveHeldObjectUp", moveMagnitude="far")


# ---------------------------------------------------------------------------- physics stepping
def test_physics_pause_and_advance(sim: Sim) -> None:
    md = sim.fail("AdvancePhysicsStep", "AdvancePhysicsStep can only be called if Physics AutoSimulation is "
                  "currently paused or if you have passed allowAutoSimulation=true!")
    assert md["errorMessage"].endswith("Physics AutoSimulation has been turned back on already.")
    sim.ok("AdvancePhysicsStep", allowAutoSimulation=True)
    assert sim.ok("PausePhysicsAutoSim")["actionReturn"] is None
    sim.ok("AdvancePhysicsStep")
    sim.ok("AdvancePhysicsStep", timeStep=0.05, simSeconds=0.5)
    md = sim.step("AdvancePhysicsStep", timeStep=0.1)
    assert md["errorMessage"] == ("Please use a timeStep between 0.0f and 0.05f. "
                                  "Larger timeSteps produce inconsistent simulation results.")
    sim.fail("AdvancePhysicsStep", "Please use a timeStep", timeStep=0)
    assert sim.step("AdvancePhysicsStep", simSeconds=-1)["errorMessage"] == \
        "simSeconds must be non-negative (simSeconds==-1)."
    sim.ok("UnpausePhysicsAutoSim")
    sim.fail("AdvancePhysicsStep", "can only be called if Physics AutoSimulation is currently paused")
    assert sim.md["isSceneAtRest"] is True


# ---------------------------------------------------------------------------- GetObjectInFrame
def test_get_object_in_frame_returns_the_object_at_the_point(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    poses = sim.ok("GetInteractablePoses", objectId=apple, standings=[True], horizons=[30])["actionReturn"]
    w = _world(sim)
    for pose in poses:
        sim.ok("TeleportFull", position={k: pose[k] for k in "xyz"}, rotation={"x": 0, "y": pose["rotation"], "z": 0},
               horizon=pose["horizon"], standing=pose["standing"])
        vx, vy, _ = viewport_point(w, w.objects[apple].center)
        md = sim.step("GetObjectInFrame", x=vx, y=1 - vy)
        if md["actionReturn"] == apple:
            assert md["lastActionSuccess"] and md["errorMessage"] == ""
            return
    raise AssertionError("the apple was never the object at its own screen point")


def test_get_object_in_frame_failures(sim: Sim) -> None:
    md = sim.step("GetObjectInFrame", x=1.5, y=0.5)
    _thrown(md, "ArgumentOutOfRangeException",
            "Specified argument was out of the range of valid values.\nParameter name: x/y must be in [0:1]")
    sim.ok("Teleport", rotation={"x": 0, "y": 0, "z": 0}, horizon=0)  # a bare wall ahead
    _thrown(sim.step("GetObjectInFrame", x=0.5, y=0.5), "InvalidOperationException",
            "no sim objects found at (0.5,0.5)")
    _thrown(sim.step("GetObjectInFrame", x=0.5, y=0.2), "InvalidOperationException",
            "no sim objects found at (0.5,0.8)")  # 5.0 prints the flipped y
    sim.ok("Teleport", position={"x": -4.0, "y": 0.9009992480278015, "z": -2.5}, rotation={"x": 0, "y": 180, "z": 0},
           horizon=0)
    md = sim.step("GetObjectInFrame", x=0.5, y=0.5, checkVisible=False)  # 5.0 checks visibility regardless
    assert md["lastActionSuccess"] is False and "is not currently Visible to Agent" in md["errorMessage"]
    assert md["errorMessage"].startswith("InvalidOperationException: target hit (")
    with pytest.raises(ValueError):
        sim.step("GetObjectInFrame", x=0.5)
    with pytest.raises(ValueError, match=r"invalid argument: x \(==null\). Cannot convert to: float"):
        sim.step("GetObjectInFrame", x=None, y=0.5)


# ---------------------------------------------------------------------------- GetSpawnCoordinatesAboveReceptacle
def test_spawn_coordinates_above_receptacle(sim: Sim) -> None:
    counter = sim.first("CounterTop")
    cid = counter["objectId"]
    pts = sim.ok("GetSpawnCoordinatesAboveReceptacle", objectId=cid, anywhere=True)["actionReturn"]
    assert len(pts) == 21 * 21 and all(sorted(p) == ["x", "y", "z"] for p in pts)
    bb = counter["axisAlignedBoundingBox"]
    for p in pts:
        for k in ("x", "z"):
            assert abs(p[k] - bb["center"][k]) <= bb["size"][k] / 2 + 1e-9
    assert len({p["y"] for p in pts}) == 1 and pts[0]["y"] > bb["center"]["y"]
    assert pts[0]["x"] > pts[-1]["x"] and pts[0]["z"] > pts[1]["z"]  # from the + corner, x then z
    sim.goto(cid)
    seen = sim.ok("GetSpawnCoordinatesAboveReceptacle", objectId=cid)["actionReturn"]
    assert 0 < len(seen) <= len(pts)
    assert all(p in pts for p in seen)
    apple = sim.first_id("Apple")
    assert sim.ok("GetSpawnCoordinatesAboveReceptacle", objectId=apple, anywhere=True)["actionReturn"] == []


def test_spawn_coordinates_failures(sim: Sim) -> None:
    md = sim.step("GetSpawnCoordinatesAboveReceptacle", objectId="Nope|1", anywhere=True)
    assert md["lastActionSuccess"] is False and md["errorMessage"] == "Object ID appears to be invalid."
    fridge = sim.first_id("Fridge")
    sim.ok("Teleport", rotation={"x": 0, "y": 0, "z": 0}, horizon=0)
    assert not sim.obj(fridge)["visible"]
    md = sim.step("GetSpawnCoordinatesAboveReceptacle", objectId=fridge)
    assert md["errorMessage"] == "No valid Receptacle found in view"
    _thrown(sim.step("GetSpawnCoordinatesAboveReceptacle"), "ArgumentNullException",
            "Value cannot be null.\nParameter name: key")


# ---------------------------------------------------------------------------- InitialRandomSpawn
def _layout(md: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(o["objectId"], o["position"], o["parentReceptacles"]) for o in md["objects"]]


def test_initial_random_spawn_is_seeded_and_valid(sim: Sim) -> None:
    from conftest import Sim as Driver

    before = {o["objectId"]: o for o in sim.md["objects"]}
    md = sim.ok("InitialRandomSpawn", randomSeed=7)
    assert md["actionReturn"] is None
    again = Driver().ok("InitialRandomSpawn", randomSeed=7)
    assert _layout(md) == _layout(again)
    assert _layout(Driver().ok("InitialRandomSpawn", randomSeed=8)) != _layout(md)
    types = {o["objectId"]: o["objectType"] for o in md["objects"]}
    moved = [o for o in md["objects"] if o["pickupable"] and o["position"] != before[o["objectId"]]["position"]]
    assert len(moved) >= 10
    for o in moved:
        assert o["parentReceptacles"], o["objectId"]
        assert all(placement_allowed(o["objectType"], types[p]) for p in o["parentReceptacles"]), o["objectId"]
        assert "Floor" not in [types[p] for p in o["parentReceptacles"]]
    statics = [o for o in md["objects"] if not (o["pickupable"] or o["moveable"])]
    assert all(o["position"] == before[o["objectId"]]["position"] for o in statics)


def test_initial_random_spawn_options(sim: Sim) -> None:
    from conftest import Sim as Driver

    apple = sim.first_id("Apple")
    before = sim.obj(apple)["position"]
    md = sim.ok("InitialRandomSpawn", randomSeed=1, excludedObjectIds=[apple], excludedReceptacles=["CounterTop"])
    assert sim.obj(apple)["position"] == before
    types = {o["objectId"]: o["objectType"] for o in md["objects"]}
    start = {o["objectId"]: o["position"] for o in Driver().md["objects"]}
    for o in md["objects"]:
        if o["pickupable"] and o["position"] != start[o["objectId"]]:
            assert "CounterTop" not in [types[p] for p in o["parentReceptacles"] or []], o["objectId"]
    other = Driver()
    md = other.ok("InitialRandomSpawn", randomSeed=2, objectIds=[apple], numDuplicatesOfType=[
        {"objectType": "Apple", "count": 3}])
    apples = [o["objectId"] for o in md["objects"] if o["objectType"] == "Apple"]
    assert apple in apples and len(apples) <= 3
    assert all(a == apple or a.startswith(f"{apple}_copy_") for a in apples)


def test_initial_random_spawn_drops_the_held_object(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    sim.pickup(apple)
    md = sim.ok("InitialRandomSpawn", randomSeed=3)
    assert md["inventoryObjects"] == [] and not sim.obj(apple)["isPickedUp"]
    assert sim.obj(apple)["parentReceptacles"]


def test_initial_random_spawn_failures(sim: Sim) -> None:
    assert sim.step("InitialRandomSpawn", numPlacementAttempts=0)["errorMessage"] == \
        "numPlacementAttempts must be a positive integer."
    assert sim.step("InitialRandomSpawn", excludedReceptacles=["Spaceship"])["errorMessage"] == \
        "invalid Object Type used in excludedReceptacles array: Spaceship"
    assert sim.step("InitialRandomSpawn", excludedObjectIds=["Ghost|1"])["errorMessage"] == \
        "Cannot find sim object with id 'Ghost|1'"


# ---------------------------------------------------------------------------- GetShortestPath*
def _check_path(sim: Sim, ret: dict[str, Any]) -> list[tuple[float, float]]:
    assert list(ret) == ["corners"] and len(ret["corners"]) >= 2
    assert all(list(c) == ["x", "y", "z"] for c in ret["corners"])
    w = _world(sim)
    pts = [(c["x"], c["z"]) for c in ret["corners"]]
    assert all(walkable(w, a, b) for a, b in zip(pts, pts[1:]))
    assert len({c["y"] for c in ret["corners"]}) == 1
    return pts


def test_shortest_path_to_point(sim: Sim) -> None:
    start = sim.md["agent"]["position"]
    goal = _open_spot(sim)
    ret = sim.ok("GetShortestPathToPoint", target=goal)["actionReturn"]
    pts = _check_path(sim, ret)
    assert pts[0] == pytest.approx((start["x"], start["z"])) and pts[-1] == pytest.approx((goal["x"], goal["z"]))
    other = sim.reachable()[-1]
    pts = _check_path(sim, sim.ok("GetShortestPathToPoint", position=other, target=goal)["actionReturn"])
    assert pts[0] == pytest.approx((other["x"], other["z"]))
    length = sum(math.dist(a, b) for a, b in zip(pts, pts[1:]))
    assert length >= math.dist(pts[0], pts[-1]) - 1e-9


def test_shortest_path_to_point_failures(sim: Sim) -> None:
    md = sim.step("GetShortestPathToPoint", target={"x": 50.0, "y": 0.9, "z": 50.0})
    _thrown(md, "InvalidOperationException", "No point on NavMesh near targetPosition (50.00, 0.00, 50.00).")
    w = _world(sim)
    x0, x1, z0, z1 = w.bounds
    near = next((x, z) for x in np.arange(x0, x1, 0.05) for z in np.arange(z0, z1, 0.05)
                if not w.is_free(x, z) and nearest_walkable(w, x, z, 0.2) not in (None, (x, z)))
    off = {"x": float(near[0]), "y": 0.9, "z": float(near[1])}
    md = sim.step("GetShortestPathToPoint", position=off, target=off)
    assert md["errorMessage"].startswith(
        "InvalidOperationException: Closest point on NavMesh was too far from the agent:  (startPosition=(")
    sim.ok("GetShortestPathToPoint", position=off, target=off, allowedError=0.5)
    with pytest.raises(ValueError):
        sim.step("GetShortestPathToPoint")
    with pytest.raises(ValueError, match="invalid argument: target"):
        sim.step("GetShortestPathToPoint", target="kitchen")


def test_shortest_path_blocked_by_a_wall(sim: Sim) -> None:
    w = _world(sim)
    x0, x1, z0, z1 = w.bounds
    goal = _open_spot(sim)
    wall = SimObject.create("Fridge", [(x0 + x1) / 2, 1.0, (z0 + z1) / 2], [x1 - x0 + 1, 2.0, 0.3],
                            object_id="Fridge|wall")
    w.add(wall)  # splits the room along x: nothing connects the two halves
    far_z = z0 + 0.3 if goal["z"] > (z0 + z1) / 2 else z1 - 0.3
    side = min((p for p in w.reachable_positions() if (p[1] - (z0 + z1) / 2) * (goal["z"] - (z0 + z1) / 2) < 0),
               key=lambda p: abs(p[1] - far_z))
    md = sim.step("GetShortestPathToPoint", position={"x": side[0], "y": 0.9, "z": side[1]}, target=goal)
    assert md["errorMessage"].startswith("InvalidOperationException: Could not find path between (")
    assert md["errorMessage"].split(TRACE)[0].endswith(" using the NavMesh.")


def test_shortest_path_to_object(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    ret = sim.ok("GetShortestPath", objectId=apple)["actionReturn"]
    pts = _check_path(sim, ret)
    start = sim.md["agent"]["position"]
    assert pts[0] == pytest.approx((start["x"], start["z"]))
    end = {"x": pts[-1][0], "y": 0.9009992480278015, "z": pts[-1][1]}
    poses = sim.ok("GetInteractablePoses", objectId=apple, positions=[end], maxDistance=1.5)["actionReturn"]
    assert poses, "the path ends where the object can be seen"
    assert sim.ok("GetShortestPath", objectType="Apple", position=start)["actionReturn"] == ret


def test_shortest_path_to_object_failures(sim: Sim) -> None:
    where = "ArgumentException"
    _thrown(sim.step("GetShortestPath", objectId="Ghost|1"), where, "Cannot find sim object with id Ghost|1")
    _thrown(sim.step("GetShortestPath", objectType="Spaceship"), where,
            "Object type Spaceship was not found in the scene.")
    _thrown(sim.step("GetShortestPath", objectType="Cabinet"), where,
            "Multiple objects of type Cabinet were found in the scene, cannot disambiguate.")
    _thrown(sim.step("GetShortestPath"), "ArgumentNullException", "Value cannot be null.\nParameter name: key")
    fridge = sim.first_id("Fridge")
    inside = next(c for c in sim.obj(fridge)["receptacleObjectIds"] or [])  # hidden while the fridge is closed
    _thrown(sim.step("GetShortestPath", objectId=inside), "InvalidOperationException",
            "Raycast could not find the floor!")


# ---------------------------------------------------------------------------- GetInteractablePoses
def test_interactable_poses_shape_and_order(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    poses = sim.ok("GetInteractablePoses", objectId=apple)["actionReturn"]
    assert poses and all(list(p) == POSE_KEYS for p in poses)
    assert all(isinstance(p["standing"], bool) for p in poses)
    order = [(p["horizon"], not p["standing"]) for p in poses]  # horizons outer, then standings [False, True]
    assert [h for h, _ in order] == sorted(h for h, _ in order)
    assert {p["horizon"] for p in poses} <= {-30.0, 0.0, 30.0, 60.0}
    assert {p["rotation"] for p in poses} <= {0.0, 90.0, 180.0, 270.0}
    few = sim.ok("GetInteractablePoses", objectId=apple, maxPoses=2)["actionReturn"]
    assert few == poses[:2]
    for pose in poses[:: max(1, len(poses) // 4)]:
        md = sim.ok("TeleportFull", position={k: pose[k] for k in "xyz"}, rotation={"x": 0, "y": pose["rotation"],
                    "z": 0}, horizon=pose["horizon"], standing=pose["standing"])
        assert sim.obj(apple)["visible"], pose
        assert md["agent"]["isStanding"] == pose["standing"]


def test_interactable_poses_arguments(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    poses = sim.ok("GetInteractablePoses", objectId=apple, standings=[True], horizons=[0, 30],
                   rotations=[90, 270])["actionReturn"]
    assert {p["standing"] for p in poses} == {True} and {p["rotation"] for p in poses} <= {90.0, 270.0}
    assert sim.ok("GetInteractablePoses", objectId=apple, positions=[{"x": 50.0, "y": 0.9, "z": 50.0}])[
        "actionReturn"] == []
    sim.pickup(apple)  # the held object is hidden while poses are searched
    assert sim.ok("GetInteractablePoses", objectId=apple)["actionReturn"] == []


def test_interactable_poses_failures(sim: Sim) -> None:
    where = "ArgumentException"
    _thrown(sim.step("GetInteractablePoses", objectId="Ghost|1"), where,
            "objectId: Ghost|1 is not the objectId on any object in the scene!")
    apple = sim.first_id("Apple")
    _thrown(sim.step("GetInteractablePoses", objectId=apple, horizons=[70]), where,
            "Each horizon must be in [-30:60]. You gave 70.")
    _thrown(sim.step("GetInteractablePoses", objectId=apple, maxPoses=0), "ArgumentOutOfRangeException",
            "Specified argument was out of the range of valid values.\nParameter name: maxPoses must be > 0.")
    _thrown(sim.step("GetInteractablePoses", objectId=apple, maxDistance=-1), "ArgumentOutOfRangeException",
            "Specified argument was out of the range of valid values.\nParameter name: maxDistance must be >= 0 "
            "meters from the object.")
    _thrown(sim.step("GetInteractablePoses", objectId=apple, standings=[]), "InvalidOperationException",
            "Every degree of freedom must have at least 1 valid value.")
    with pytest.raises(ValueError):
        sim.step("GetInteractablePoses")


# ---------------------------------------------------------------------------- LookUp/LookDown, Stand/Crouch, Pass
def test_look_with_degrees(sim: Sim) -> None:
    sim.ok("Teleport", horizon=0)
    assert sim.ok("LookDown", degrees=15)["agent"]["cameraHorizon"] == pytest.approx(15)
    assert sim.ok("LookUp", degrees=45)["agent"]["cameraHorizon"] == pytest.approx(-30)
    sim.fail("LookUp", "can't look up beyond 30 degrees above the forward horizon", degrees=5)
    sim.ok("LookDown", degrees=90)
    sim.fail("LookDown", "can't look down beyond 60 degrees below the forward horizon", degrees=1)


def test_stand_crouch_pass(sim: Sim) -> None:
    assert sim.ok("Crouch")["agent"]["isStanding"] is False
    md = sim.step("Crouch")
    assert md["lastActionSuccess"] is False and md["errorMessage"] == "Already crouching."
    assert sim.ok("Stand")["agent"]["isStanding"] is True
    md = sim.step("Stand")
    assert md["lastActionSuccess"] is False and md["errorMessage"] == "Already standing."
    md = sim.ok("Pass")
    assert md["actionReturn"] is None and md["lastAction"] == "Pass"
