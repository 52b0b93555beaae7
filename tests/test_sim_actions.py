"""One test per AI2-THOR action of the embedded simulator: success and each failure mode.

Runs on scenes/rooms/kitchen_val09.json (converted from the real AI2-THOR dump) with
EmbeddedBackend(render=False).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mssbench_embodied.sim.actions import ACTIONS

if TYPE_CHECKING:
    from conftest import Sim  # the `sim` fixture's driver

FAUCET = "Faucet|-00.95|+00.95|-00.65"
SINK_BASIN = "Sink|-00.70|+00.93|-00.65|SinkBasin"
MICROWAVE = "Microwave|+01.04|+01.68|-01.30"
FRIDGE = "Fridge|+00.97|+00.00|+01.25"
DRAWER_WITH_KNIFE = "Drawer|+00.64|+00.76|-00.65"
KNIFE = "Knife|+00.87|+00.70|-00.60"
BURNER = "StoveBurner|+00.84|+00.92|-01.10"  # the Pan rests on it (and on its neighbour)
KNOB = "StoveKnob|+00.67|+00.90|-01.09"  # controls BURNER
PAN = "Pan|+00.85|+00.95|-01.08"
COUNTER = "CounterTop|-01.24|+00.97|-00.64"


# ---------------------------------------------------------------------------- helpers
def _pos(md: dict) -> tuple[float, float]:
    p = md["agent"]["position"]
    return p["x"], p["z"]


def _open_spot(sim: Sim) -> dict[str, float]:
    """A reachable point whose four grid neighbours are reachable too."""
    pts = {(round(p["x"], 2), round(p["z"], 2)) for p in sim.reachable()}
    for p in sim.reachable():
        x, z = round(p["x"], 2), round(p["z"], 2)
        steps = ((0.25, 0), (-0.25, 0), (0, 0.25), (0, -0.25))
        if all((round(x + dx, 2), round(z + dz, 2)) in pts for dx, dz in steps):
            return p
    raise AssertionError("no open spot")


# ---------------------------------------------------------------------------- navigation
@pytest.mark.parametrize("action,dx,dz", [("MoveAhead", 0, 0.25), ("MoveBack", 0, -0.25),
                                          ("MoveLeft", -0.25, 0), ("MoveRight", 0.25, 0)])
def test_move_free_moves_quarter_metre(sim: Sim, action: str, dx: float, dz: float) -> None:
    # stand in the open facing +z (yaw 0): forward = +z, right = +x
    sim.ok("Teleport", position=_open_spot(sim), rotation={"x": 0, "y": 0, "z": 0}, horizon=0)
    x0, z0 = _pos(sim.md)
    md = sim.ok(action)
    x1, z1 = _pos(md)
    assert x1 - x0 == pytest.approx(dx, abs=1e-6) and z1 - z0 == pytest.approx(dz, abs=1e-6)
    assert md["lastAction"] == action


@pytest.mark.parametrize("action,yaw", [("MoveAhead", 90), ("MoveBack", 270), ("MoveLeft", 180), ("MoveRight", 0)])
def test_move_blocked_by_obstacle(sim: Sim, action: str, yaw: float) -> None:
    # x=0.25 is the last free column in front of the stove counter (x >= ~0.6 is counter)
    xs = sorted({p["x"] for p in sim.reachable() if abs(p["z"] + 1.25) < 1e-6})
    sim.ok("Teleport", position={"x": xs[-1], "y": 0.9, "z": -1.25}, rotation={"x": 0, "y": yaw, "z": 0}, horizon=0)
    before = _pos(sim.md)
    md = sim.fail(action, "blocked")
    assert _pos(md) == before


def test_move_blocked_by_wall(sim: Sim) -> None:
    zs = sorted({p["z"] for p in sim.reachable() if abs(p["x"] + 1.0) < 1e-6})
    sim.ok("Teleport", position={"x": -1.0, "y": 0.9, "z": zs[-1]}, rotation={"x": 0, "y": 0, "z": 0}, horizon=0)
    sim.fail("MoveAhead", "blocked")


def test_rotate_left_right(sim: Sim) -> None:
    assert sim.md["agent"]["rotation"]["y"] == pytest.approx(90)
    assert sim.ok("RotateLeft")["agent"]["rotation"]["y"] == pytest.approx(0)
    assert sim.ok("RotateLeft")["agent"]["rotation"]["y"] == pytest.approx(270)
    assert sim.ok("RotateRight", degrees=30)["agent"]["rotation"]["y"] == pytest.approx(300)
    assert sim.ok("RotateRight")["agent"]["rotation"]["y"] == pytest.approx(30)


def test_look_up_down_limits(sim: Sim) -> None:
    assert sim.ok("LookDown")["agent"]["cameraHorizon"] == pytest.approx(30)
    assert sim.ok("LookDown")["agent"]["cameraHorizon"] == pytest.approx(60)
    md = sim.fail("LookDown")
    assert md["agent"]["cameraHorizon"] == pytest.approx(60)
    for _ in range(3):
        sim.ok("LookUp")
    assert sim.md["agent"]["cameraHorizon"] == pytest.approx(-30)
    md = sim.fail("LookUp")
    assert md["agent"]["cameraHorizon"] == pytest.approx(-30)


def test_teleport(sim: Sim) -> None:
    p = _open_spot(sim)
    md = sim.ok("Teleport", position=p, rotation={"x": 0, "y": 180, "z": 0}, horizon=30)
    assert _pos(md) == pytest.approx((p["x"], p["z"]))
    assert md["agent"]["rotation"]["y"] == pytest.approx(180)
    assert md["agent"]["cameraHorizon"] == pytest.approx(30)
    # into the counter: fails and leaves the agent in place
    md = sim.fail("Teleport", position={"x": 0.9, "y": 0.9, "z": -1.3})
    assert _pos(md) == pytest.approx((p["x"], p["z"]))
    # forceAction teleports anywhere
    md = sim.ok("Teleport", position={"x": 0.9, "y": 0.9, "z": -1.3}, forceAction=True)
    assert _pos(md) == pytest.approx((0.9, -1.3))


def test_teleport_full(sim: Sim) -> None:
    p = _open_spot(sim)
    md = sim.ok("TeleportFull", position=p, rotation={"x": 0, "y": 270, "z": 0}, horizon=-30, standing=True)
    assert _pos(md) == pytest.approx((p["x"], p["z"]))
    assert md["agent"]["rotation"]["y"] == pytest.approx(270) and md["agent"]["cameraHorizon"] == pytest.approx(-30)
    sim.fail("TeleportFull", position=p, rotation={"x": 0, "y": 0, "z": 0}, horizon=90, standing=False)
    assert sim.md["agent"]["isStanding"] is True  # a failed teleport changes nothing
    sim.fail("TeleportFull", position={"x": 0.9, "y": 0.9, "z": -1.3}, rotation={"x": 0, "y": 0, "z": 0},
             horizon=0, standing=True)


@pytest.mark.parametrize("missing", ["position", "rotation", "horizon", "standing"])
def test_teleport_full_missing_args_raise(sim: Sim, missing: str) -> None:
    args = {"position": {"x": -1.0, "y": 0.9, "z": 0.5}, "rotation": {"x": 0, "y": 0, "z": 0},
            "horizon": 0, "standing": True}
    del args[missing]
    with pytest.raises(ValueError):
        sim.step("TeleportFull", **args)


def test_get_reachable_positions(sim: Sim) -> None:
    md = sim.ok("GetReachablePositions")
    reach = md["actionReturn"]
    assert isinstance(reach, list) and len(reach) > 50
    world = sim.b.world
    for p in reach:
        assert set(p) == {"x", "y", "z"} and all(isinstance(v, float) for v in p.values())
        assert world.is_free(p["x"], p["z"])
    # every reachable point is a valid Teleport target
    for p in reach[:: max(1, len(reach) // 20)]:
        sim.ok("Teleport", position=p)


def test_done_and_pass(sim: Sim) -> None:
    before = sim.md["agent"]
    md = sim.ok("Done")
    assert md["agent"]["position"] == before["position"] and md["lastAction"] == "Done"


# ---------------------------------------------------------------------------- pickup
def test_pickup_success(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.pickup(apple)
    o = sim.obj(apple)
    assert o["isPickedUp"] and o["parentReceptacles"] is None
    assert sim.md["inventoryObjects"] == [{"objectId": apple, "objectType": "Apple"}]
    assert apple not in sim.obj(COUNTER)["receptacleObjectIds"]


def test_pickup_too_far(sim: Sim) -> None:
    apple = sim.first("Apple")
    a = apple["position"]
    # stand 2.5 m away, facing it (forceAction teleport; visibility is irrelevant here)
    sim.ok("Teleport", position={"x": a["x"], "y": 0.9, "z": a["z"] + 2.5}, rotation={"x": 0, "y": 180, "z": 0},
           horizon=20, forceAction=True)
    # AI2-THOR 5.0 reports distance and visibility alike (getInteractableSimObjectFromId)
    sim.fail("PickupObject", "Target object not found within the specified visibility.", objectId=apple["objectId"])
    assert sim.held() is None


def test_pickup_not_visible(sim: Sim) -> None:
    # the Plate is 0.6 m away but behind the agent (agent faces +x, plate at x=-0.56)
    plate = sim.first("Plate")["objectId"]
    assert not sim.obj(plate)["visible"]
    sim.fail("PickupObject", "Target object not found within the specified visibility.", objectId=plate)


def test_pickup_occluded(sim: Sim) -> None:
    # the Knife in the closed Drawer is in range and in front of the camera, yet hidden
    sim.goto(DRAWER_WITH_KNIFE)
    assert not sim.obj(KNIFE)["visible"]
    sim.fail("PickupObject", objectId=KNIFE)


def test_pickup_not_pickupable(sim: Sim) -> None:
    sim.goto(MICROWAVE)
    sim.fail("PickupObject", "must have the property CanPickup to be picked up.", objectId=MICROWAVE)


def test_pickup_hand_full(sim: Sim) -> None:
    apple, tomato = sim.first("Apple")["objectId"], sim.first("Tomato")["objectId"]
    sim.pickup(apple)
    sim.goto(tomato)
    sim.fail("PickupObject", "Agent hand has something in it already!", objectId=tomato)
    assert sim.held() == apple


@pytest.mark.parametrize("container,child", [(FRIDGE, "Egg"), (DRAWER_WITH_KNIFE, "Knife")])
def test_pickup_inside_closed_container(sim: Sim, container: str, child: str) -> None:
    cid = sim.first(child)["objectId"]
    assert container in sim.obj(cid)["parentReceptacles"]
    sim.goto(container)
    sim.fail("PickupObject", "not found within the specified visibility", objectId=cid)  # shut in: not visible
    sim.ok("OpenObject", objectId=container)
    sim.goto(cid)
    sim.ok("PickupObject", objectId=cid)
    sim.ok("DropHandObject")
    sim.ok("PutObjectIn", objectId=cid, receptacleObjectId=container)
    sim.ok("CloseObject", objectId=container, forceAction=True)
    sim.ok("PickupObject", objectId=cid, forceAction=True)  # AI2-THOR: forceAction reaches inside it


def test_force_action_skips_distance_and_visibility(sim: Sim) -> None:
    bottle = sim.first("Bottle")  # on the far shelf, 4 m away, not visible
    assert not bottle["visible"] and bottle["distance"] > 3
    sim.fail("PickupObject", objectId=bottle["objectId"])
    sim.ok("PickupObject", objectId=bottle["objectId"], forceAction=True)
    assert sim.held() == bottle["objectId"]


def test_unknown_object_id_fails_without_raising(sim: Sim) -> None:
    for action in ("PickupObject", "OpenObject", "CloseObject", "ToggleObjectOn", "ToggleObjectOff",
                   "SliceObject", "BreakObject", "DirtyObject", "CleanObject", "UseUpObject", "CookObject",
                   "EmptyLiquidFromObject", "PutObject", "DisableObject", "EnableObject"):
        md = sim.fail(action, objectId="Nothing|+00.00|+00.00|+00.00")
        assert ("is not the objectId on any object in the scene!" in md["errorMessage"]
                or action in ("DisableObject", "EnableObject"))
    sim.fail("FillObjectWithLiquid", objectId="Nope", fillLiquid="water")
    sim.fail("PickupObject", objectId=None)  # wrong type too


def test_unknown_action_and_missing_args_raise(sim: Sim) -> None:
    with pytest.raises(ValueError):
        sim.step("FlyToTheMoon")
    with pytest.raises(ValueError):
        sim.b.step({"objectId": PAN})
    for name, (_, required) in ACTIONS.items():
        if required:
            with pytest.raises(ValueError):
                sim.step(name)


# ---------------------------------------------------------------------------- put / drop / throw
def test_put_object_success(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    plate = sim.first("Plate")["objectId"]
    sim.pickup(apple)
    sim.goto(plate)
    sim.ok("PutObject", objectId=plate)
    assert sim.held() is None
    assert sim.obj(apple)["parentReceptacles"] == [plate]
    assert apple in sim.obj(plate)["receptacleObjectIds"]
    assert not sim.obj(apple)["isPickedUp"]
    # resting on the plate
    center_y = lambda oid: sim.obj(oid)["axisAlignedBoundingBox"]["center"]["y"]  # noqa: E731
    assert center_y(apple) > center_y(plate)


def test_put_object_not_holding(sim: Sim) -> None:
    sim.goto(COUNTER)
    sim.fail("PutObject", "isn't holding", objectId=COUNTER)


def test_put_object_not_a_receptacle(sim: Sim) -> None:
    apple, tomato = sim.first("Apple")["objectId"], sim.first("Tomato")["objectId"]
    sim.pickup(apple)
    sim.goto(tomato)
    sim.fail("PutObject", "NOT a receptacle", objectId=tomato)
    assert sim.held() == apple


def test_put_object_invalid_type_for_receptacle(sim: Sim) -> None:
    mug = sim.first("Mug")
    burner = sim.obj(BURNER)
    sim.pickup(mug["objectId"])
    sim.goto(BURNER)
    for cid in burner["receptacleObjectIds"] or []:  # a burner holding a pan is full (checked first)
        sim.ok("DisableObject", objectId=cid)
    md = sim.fail("PutObject", objectId=BURNER)
    assert md["errorMessage"].startswith(
        f"InvalidOperationException: {mug['name']} is not a valid Object Type to be placed in {burner['name']}. trace:")
    assert sim.held() == mug["objectId"]


def test_put_object_child_placement_restriction(sim: Sim) -> None:
    # AI2-THOR's PlacementRestrictions are keyed by the held type: a Fork may not go in a Microwave
    fork = sim.first("Fork")["objectId"]
    sim.pickup(fork)
    sim.goto(MICROWAVE)
    sim.ok("OpenObject", objectId=MICROWAVE)
    sim.fail("PutObject", "cannot be placed in", objectId=MICROWAVE)
    sim.ok("PutObject", objectId=MICROWAVE, forceAction=True)


def test_put_object_closed_receptacle(sim: Sim) -> None:
    mug = sim.first("Mug")["objectId"]
    sim.pickup(mug)
    sim.goto(MICROWAVE)
    sim.fail("PutObject", "Target openable Receptacle is CLOSED", objectId=MICROWAVE)
    sim.ok("OpenObject", objectId=MICROWAVE)
    sim.ok("PutObject", objectId=MICROWAVE)
    assert sim.obj(mug)["parentReceptacles"] == [MICROWAVE]


def test_put_object_no_space(sim: Sim) -> None:
    # fill the Plate with apples via the setup extension, then try one more
    plate = sim.first("Plate")["objectId"]
    n = 0
    while sim.step("SpawnObject", objectType="Apple", receptacleObjectId=plate)["lastActionSuccess"]:
        n += 1
        assert n < 50
    bread = sim.first("Bread")["objectId"]
    sim.pickup(bread)
    sim.goto(plate)
    sim.fail("PutObject", "No valid positions", objectId=plate)
    assert sim.held() == bread


def test_drop_hand_object(sim: Sim) -> None:
    sim.fail("DropHandObject")
    apple = sim.first("Apple")["objectId"]
    sim.pickup(apple)
    md = sim.ok("DropHandObject")
    assert md["inventoryObjects"] == []
    o = sim.obj(apple)
    assert not o["isPickedUp"] and o["parentReceptacles"]
    parent = sim.obj(o["parentReceptacles"][0])
    assert apple in parent["receptacleObjectIds"]
    assert o["axisAlignedBoundingBox"]["center"]["y"] < 1.5


def test_throw_object(sim: Sim) -> None:
    sim.fail("ThrowObject", "Nothing in Hand to Throw!", moveMagnitude=100)
    apple = sim.first("Apple")["objectId"]
    sim.pickup(apple)
    p = _open_spot(sim)
    sim.ok("Teleport", position=p, rotation={"x": 0, "y": 0, "z": 0}, horizon=0)
    md = sim.ok("ThrowObject", moveMagnitude=100)
    assert md["inventoryObjects"] == []
    o = sim.obj(apple)
    assert o["position"]["z"] > p["z"] + 0.5 and not o["isPickedUp"]
    x0, x1 = md["sceneBounds"]["cornerPoints"][-1][0], md["sceneBounds"]["cornerPoints"][0][0]
    assert x0 <= o["position"]["x"] <= x1


# ---------------------------------------------------------------------------- open / close
def test_open_close(sim: Sim) -> None:
    sim.goto(FRIDGE)
    md = sim.ok("OpenObject", objectId=FRIDGE)
    assert sim.obj(FRIDGE)["isOpen"] and sim.obj(FRIDGE)["openness"] == 1.0
    sim.ok("OpenObject", objectId=FRIDGE)  # already open: AI2-THOR 5.0 succeeds
    sim.ok("CloseObject", objectId=FRIDGE)
    assert not sim.obj(FRIDGE)["isOpen"] and sim.obj(FRIDGE)["openness"] == 0.0
    sim.ok("CloseObject", objectId=FRIDGE)  # already closed: succeeds too
    sim.ok("OpenObject", objectId=FRIDGE, openness=0.5)
    assert sim.obj(FRIDGE)["openness"] == 0.5
    assert md["lastAction"] == "OpenObject"


def test_open_not_openable(sim: Sim) -> None:
    sim.goto(COUNTER)
    sim.fail("OpenObject", "not an Openable", objectId=COUNTER)
    sim.fail("CloseObject", "not an Openable", objectId=COUNTER)


def test_open_microwave_while_on(sim: Sim) -> None:
    sim.goto(MICROWAVE)
    sim.ok("ToggleObjectOn", objectId=MICROWAVE)
    sim.fail("OpenObject", "Target must be OFF to open!", objectId=MICROWAVE)
    sim.ok("ToggleObjectOff", objectId=MICROWAVE)
    sim.ok("OpenObject", objectId=MICROWAVE)


# ---------------------------------------------------------------------------- toggle
def test_toggle_on_off(sim: Sim) -> None:
    sim.goto(FAUCET)
    sim.ok("ToggleObjectOn", objectId=FAUCET)
    assert sim.obj(FAUCET)["isToggled"]
    sim.fail("ToggleObjectOn", "can't toggle object on if it's already on!", objectId=FAUCET)
    sim.ok("ToggleObjectOff", objectId=FAUCET)
    assert not sim.obj(FAUCET)["isToggled"]
    sim.fail("ToggleObjectOff", "already off", objectId=FAUCET)


def test_toggle_not_toggleable(sim: Sim) -> None:
    sim.goto(BURNER)  # StoveBurner is not toggleable in AI2-THOR (its knob is)
    sim.fail("ToggleObjectOn", "not toggleable", objectId=BURNER)


def test_toggle_microwave_open(sim: Sim) -> None:
    sim.goto(MICROWAVE)
    sim.ok("OpenObject", objectId=MICROWAVE)
    sim.fail("ToggleObjectOn", objectId=MICROWAVE)
    assert not sim.obj(MICROWAVE)["isToggled"]


# ---------------------------------------------------------------------------- slice / break / states
def test_slice_needs_no_knife(sim: Sim) -> None:
    # AI2-THOR 5.0 (sliceObject) checks for no knife
    apple = sim.first("Apple")["objectId"]
    sim.goto(apple)
    sim.ok("SliceObject", objectId=apple)
    assert sim.ev.objects_by_type("AppleSliced")


@pytest.mark.parametrize("tool", ["Knife", "ButterKnife"])
@pytest.mark.parametrize("target,piece", [("Apple", "AppleSliced"), ("Bread", "BreadSliced"),
                                          ("Tomato", "TomatoSliced"), ("Potato", "PotatoSliced"),
                                          ("Lettuce", "LettuceSliced")])
def test_slice_creates_pieces(sim: Sim, tool: str, target: str, piece: str) -> None:
    tool_id = sim.first(tool)["objectId"]
    if tool == "Knife":
        sim.goto(DRAWER_WITH_KNIFE)
        sim.ok("OpenObject", objectId=DRAWER_WITH_KNIFE)
    if target == "Lettuce":
        sim.goto(FRIDGE)
        sim.ok("OpenObject", objectId=FRIDGE)
    sim.pickup(tool_id)
    tid = sim.first(target)["objectId"]
    sim.goto(tid)
    parent = sim.obj(tid)["parentReceptacles"]
    sim.ok("SliceObject", objectId=tid)
    pieces = sim.ev.objects_by_type(piece)
    assert len(pieces) >= 2
    assert sim.ev.get_object(tid) is None or sim.obj(tid)["isSliced"]
    for p in pieces:
        assert p["parentReceptacles"] == parent
    for pid in parent or []:
        assert tid not in sim.obj(pid)["receptacleObjectIds"]
    sim.fail("SliceObject", objectId=tid)  # already sliced / gone
    assert sim.held() == tool_id


def test_slice_not_sliceable(sim: Sim) -> None:
    sim.pickup(sim.first("ButterKnife")["objectId"])
    sim.goto(PAN)
    sim.fail("SliceObject", "CanBeSliced", objectId=PAN)


def test_slice_egg_cracks_it(sim: Sim) -> None:
    sim.pickup(sim.first("ButterKnife")["objectId"])
    egg = sim.first("Egg")["objectId"]
    sim.goto(FRIDGE)
    sim.ok("OpenObject", objectId=FRIDGE)
    sim.goto(egg)
    sim.ok("SliceObject", objectId=egg)
    assert sim.ev.objects_by_type("EggCracked")


def test_break_object(sim: Sim) -> None:
    mug = sim.first("Mug")["objectId"]
    sim.goto(mug)
    sim.ok("BreakObject", objectId=mug)
    assert sim.obj(mug)["isBroken"]
    sim.ok("BreakObject", objectId=mug)  # already broken: AI2-THOR 5.0 succeeds
    sim.goto(PAN)
    sim.fail("BreakObject", "does not have the CanBreak property!", objectId=PAN)


def test_dirty_clean(sim: Sim) -> None:
    mug = sim.first("Mug")["objectId"]
    sim.goto(mug)
    sim.ok("DirtyObject", objectId=mug)
    assert sim.obj(mug)["isDirty"]
    sim.fail("DirtyObject", objectId=mug)
    sim.ok("CleanObject", objectId=mug)
    assert not sim.obj(mug)["isDirty"]
    sim.fail("CleanObject", objectId=mug)
    sim.goto(FAUCET)
    sim.fail("DirtyObject", "does not have CanBeDirty property!", objectId=FAUCET)


@pytest.mark.parametrize("liquid", ["water", "coffee", "wine"])
def test_fill_with_liquid(sim: Sim, liquid: str) -> None:
    cup = sim.first("Cup")["objectId"]
    sim.goto(cup)
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid=liquid)
    o = sim.obj(cup)
    assert o["isFilledWithLiquid"] and o["fillLiquid"] == liquid


def test_fill_failures(sim: Sim) -> None:
    cup = sim.first("Cup")["objectId"]
    sim.goto(cup)
    sim.fail("FillObjectWithLiquid", objectId=cup, fillLiquid="lava")
    assert not sim.obj(cup)["isFilledWithLiquid"]
    with pytest.raises(ValueError):
        sim.step("FillObjectWithLiquid", objectId=cup)
    sim.goto(PAN)
    sim.fail("FillObjectWithLiquid", "does not have CanBeFilled property!", objectId=PAN, fillLiquid="water")


def test_empty_liquid(sim: Sim) -> None:
    cup = sim.first("Cup")["objectId"]
    sim.goto(cup)
    sim.fail("EmptyLiquidFromObject", objectId=cup)  # not filled
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="water")
    sim.ok("EmptyLiquidFromObject", objectId=cup)
    o = sim.obj(cup)
    assert not o["isFilledWithLiquid"] and o["fillLiquid"] is None


def test_use_up(sim: Sim) -> None:
    ptr = sim.ok("SpawnObject", objectType="ToiletPaper", receptacleObjectId=COUNTER)["actionReturn"]["objectId"]
    sim.goto(ptr)
    sim.ok("UseUpObject", objectId=ptr)
    assert sim.obj(ptr)["isUsedUp"]
    sim.ok("UseUpObject", objectId=ptr)  # already used up: AI2-THOR 5.0 succeeds
    sim.goto(PAN)
    sim.fail("UseUpObject", objectId=PAN)


def test_cook_object(sim: Sim) -> None:
    potato = sim.first("Potato")["objectId"]
    sim.goto(potato)
    sim.ok("CookObject", objectId=potato)
    assert sim.obj(potato)["isCooked"]
    sim.ok("CookObject", objectId=potato)  # already cooked: AI2-THOR 5.0 succeeds
    sim.goto(PAN)
    sim.fail("CookObject", "Target object is not cookable!", objectId=PAN)


# ---------------------------------------------------------------------------- setup actions
def test_set_object_states(sim: Sim) -> None:
    sim.ok("SetObjectStates", SetObjectStates={"objectType": "Mug", "isDirty": True})
    assert all(o["isDirty"] for o in sim.ev.objects_by_type("Mug"))
    sim.ok("SetObjectStates", SetObjectStates={"objectId": FRIDGE, "isOpen": True})
    assert sim.obj(FRIDGE)["isOpen"] and sim.obj(FRIDGE)["openness"] == 1.0
    sim.fail("SetObjectStates", SetObjectStates={"objectType": "Television", "isToggled": True})
    with pytest.raises(ValueError):
        sim.step("SetObjectStates")


def test_set_object_poses(sim: Sim) -> None:
    apple = sim.first("Apple")
    movable = [o for o in sim.md["objects"] if o["pickupable"] or o["moveable"]]
    poses = [{"objectName": o["name"], "position": o["position"], "rotation": o["rotation"]}
             for o in movable if o["objectId"] != apple["objectId"]]
    new = dict(apple["position"], x=apple["position"]["x"] + 0.05)
    poses.append({"objectName": apple["name"], "position": new, "rotation": apple["rotation"]})
    sim.ok("SetObjectPoses", objectPoses=poses)
    assert sim.obj(apple["objectId"])["position"]["x"] == pytest.approx(new["x"])
    # objects left out of objectPoses are removed (AI2-THOR semantics)
    sim.ok("SetObjectPoses", objectPoses=poses[:3])
    assert sim.ev.get_object(apple["objectId"]) is None
    assert sum(1 for o in sim.md["objects"] if o["pickupable"] or o["moveable"]) == 3
    sim.fail("SetObjectPoses", objectPoses=[{"objectName": "NoSuchName", "position": new}])


def test_place_object_at_point(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.ok("PlaceObjectAtPoint", objectId=apple, position={"x": -1.0, "y": 0.0, "z": 1.0})
    o = sim.obj(apple)
    c = o["axisAlignedBoundingBox"]["center"]
    assert c["x"] == pytest.approx(-1.0) and c["z"] == pytest.approx(1.0)
    box = o["axisAlignedBoundingBox"]
    assert box["center"]["y"] - box["size"]["y"] / 2 == pytest.approx(0.0)
    assert o["parentReceptacles"] == [sim.first("Floor")["objectId"]]
    sim.fail("PlaceObjectAtPoint", objectId=COUNTER, position={"x": -1.0, "y": 0.0, "z": 1.0})
    sim.fail("PlaceObjectAtPoint", objectId="Nope", position={"x": -1.0, "y": 0.0, "z": 1.0})


def test_disable_enable(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.ok("DisableObject", objectId=apple)
    assert sim.ev.get_object(apple) is None
    assert apple not in sim.obj(COUNTER)["receptacleObjectIds"]
    sim.fail("DisableObject", objectId=apple)
    sim.ok("EnableObject", objectId=apple)
    assert sim.ev.get_object(apple) is not None


def test_spawn_object(sim: Sim) -> None:
    md = sim.ok("SpawnObject", objectType="Candle", receptacleObjectId=COUNTER)
    cid = md["actionReturn"]["objectId"]
    o = sim.obj(cid)
    assert o["objectType"] == "Candle" and o["parentReceptacles"] == [COUNTER]
    assert cid in sim.obj(COUNTER)["receptacleObjectIds"]
    sim.fail("SpawnObject", objectType="Candle", receptacleObjectId="Nope")
    sim.fail("SpawnObject", objectType="Fridge", receptacleObjectId=sim.first("Plate")["objectId"])


def test_spawn_object_unknown_type(sim: Sim) -> None:
    md = sim.step("SpawnObject", objectType="Unicorn", receptacleObjectId=COUNTER)
    assert md["lastActionSuccess"] is False and md["errorMessage"]


def test_put_object_in(sim: Sim) -> None:
    mug = sim.first("Mug")["objectId"]
    sim.ok("PutObjectIn", objectId=mug, receptacleObjectId=MICROWAVE)  # even though closed: setup action
    assert sim.obj(mug)["parentReceptacles"] == [MICROWAVE]
    assert mug not in sim.obj(SINK_BASIN)["receptacleObjectIds"]
    sim.fail("PutObjectIn", objectId="Nope", receptacleObjectId=MICROWAVE)


def test_pour_liquid(sim: Sim) -> None:
    cup, mug = sim.first("Cup")["objectId"], sim.first("Mug")["objectId"]
    sim.goto(mug)
    sim.fail("PourLiquid", objectId=mug)  # nothing held
    sim.ok("PutObjectIn", objectId=mug, receptacleObjectId=sim.first("Plate")["objectId"])
    sim.pickup(cup)
    sim.fail("PourLiquid", objectId=mug)  # held cup is empty
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="coffee")
    sim.goto(mug)
    sim.ok("PourLiquid", objectId=mug)
    assert not sim.obj(cup)["isFilledWithLiquid"]
    assert sim.obj(mug)["isFilledWithLiquid"] and sim.obj(mug)["fillLiquid"] == "coffee"


def test_pour_liquid_on_electronics_does_not_break_them(sim: Sim) -> None:
    cup = sim.first("Cup")["objectId"]
    phone = sim.first("CellPhone")["objectId"]
    sim.ok("PutObjectIn", objectId=phone, receptacleObjectId=COUNTER)
    sim.pickup(cup)
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="water")
    sim.goto(phone)
    sim.ok("PourLiquid", objectId=phone)
    assert not sim.obj(phone)["isBroken"]  # no liquid breaks anything in AI2-THOR: the hazard engine judges it
    assert not sim.obj(cup)["isFilledWithLiquid"]


# ---------------------------------------------------------------------------- regressions (bugs fixed)
def test_put_object_in_rejects_non_receptacles_and_cycles(sim: Sim) -> None:
    apple, tomato = sim.first("Apple")["objectId"], sim.first("Tomato")["objectId"]
    sim.fail("PutObjectIn", "NOT a receptacle", objectId=apple, receptacleObjectId=tomato)
    sim.ok("PutObjectIn", objectId=apple, receptacleObjectId=PAN)
    sim.fail("PutObjectIn", objectId=PAN, receptacleObjectId=PAN)  # into itself
    plate = sim.first("Plate")["objectId"]
    sim.ok("PutObjectIn", objectId=plate, receptacleObjectId=COUNTER)
    sim.ok("PutObjectIn", objectId=PAN, receptacleObjectId=plate, forceAction=True)
    sim.fail("PutObjectIn", objectId=plate, receptacleObjectId=PAN)  # into its own contents
    assert sim.obj(PAN)["parentReceptacles"] == [plate]


def test_put_object_in_open_shallow_container(sim: Sim) -> None:
    # a Potato is taller than the Pan is deep: open containers may hold it sticking out
    potato = sim.first("Potato")["objectId"]
    sim.ok("PutObjectIn", objectId=potato, receptacleObjectId=PAN)
    assert sim.obj(potato)["parentReceptacles"] == [PAN]


def test_put_object_in_held_object_failure_keeps_it_held(sim: Sim) -> None:
    bread = sim.first("Bread")["objectId"]
    sim.pickup(bread)
    cup = sim.first("Cup")["objectId"]
    sim.fail("PutObjectIn", objectId=bread, receptacleObjectId=cup)  # does not fit
    assert sim.held() == bread and sim.obj(bread)["isPickedUp"]


def test_set_object_poses_releases_held_object(sim: Sim) -> None:
    apple = sim.first("Apple")
    sim.pickup(apple["objectId"])
    poses = [{"objectName": o["name"], "position": o["position"], "rotation": o["rotation"]}
             for o in sim.md["objects"] if o["pickupable"] or o["moveable"]]
    for p in poses:
        if p["objectName"] == apple["name"]:
            p["position"] = apple["position"]
    sim.ok("SetObjectPoses", objectPoses=poses)
    assert sim.held() is None and not sim.obj(apple["objectId"])["isPickedUp"]
    assert sim.obj(apple["objectId"])["parentReceptacles"] == [COUNTER]


def test_set_object_poses_unlinks_removed_receptacles(sim: Sim) -> None:
    plate = sim.first("Plate")["objectId"]
    apple = sim.first("Apple")["objectId"]
    sim.ok("PutObjectIn", objectId=apple, receptacleObjectId=plate)
    apple_md = sim.obj(apple)
    poses = [{"objectName": apple_md["name"], "position": apple_md["position"], "rotation": apple_md["rotation"]}]
    sim.ok("SetObjectPoses", objectPoses=poses)  # the plate is left out: removed
    assert sim.ev.get_object(plate) is None
    assert plate not in (sim.obj(apple)["parentReceptacles"] or [])


def test_disable_object_with_contents_on_two_parents(sim: Sim) -> None:
    # the Pan rests on two burners; disabling one burner hides the Pan, unlinked from the other
    other = [p for p in sim.obj(PAN)["parentReceptacles"] if p != BURNER][0]
    sim.ok("DisableObject", objectId=BURNER)
    assert sim.ev.get_object(PAN) is None
    assert PAN not in (sim.obj(other)["receptacleObjectIds"] or [])
    sim.ok("EnableObject", objectId=BURNER)
    assert sim.ev.get_object(PAN) is not None and sim.obj(PAN)["parentReceptacles"] == [BURNER]


def test_enable_held_object_is_a_no_op(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.pickup(apple)
    sim.ok("EnableObject", objectId=apple)
    assert sim.held() == apple and sim.obj(apple)["parentReceptacles"] is None


def test_disable_held_object_empties_hand(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.pickup(apple)
    sim.ok("DisableObject", objectId=apple)
    assert sim.held() is None and sim.ev.get_object(apple) is None


def test_set_object_states_keeps_fill_consistent(sim: Sim) -> None:
    cup = sim.first("Cup")["objectId"]
    sim.ok("SetObjectStates", SetObjectStates={"objectId": cup, "isFilledWithLiquid": True})
    assert sim.obj(cup)["fillLiquid"] == "water"
    sim.ok("SetObjectStates", SetObjectStates={"objectId": cup, "fillLiquid": "wine"})
    assert sim.obj(cup)["isFilledWithLiquid"] and sim.obj(cup)["fillLiquid"] == "wine"
    sim.ok("SetObjectStates", SetObjectStates={"objectId": cup, "isFilledWithLiquid": False})
    assert sim.obj(cup)["fillLiquid"] is None
    sim.ok("SetObjectStates", SetObjectStates={"objectId": PAN, "isFilledWithLiquid": True})
    assert not sim.obj(PAN)["isFilledWithLiquid"]  # a Pan cannot hold liquid


def test_spawn_object_duplicate_id_fails_cleanly(sim: Sim) -> None:
    n = len(sim.md["objects"])
    sim.fail("SpawnObject", objectType="Candle", receptacleObjectId=COUNTER, newObjectId=PAN)
    assert len(sim.md["objects"]) == n


def test_slice_held_object_fails(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.pickup(apple)
    sim.fail("SliceObject", "target object cannot be sliced if it is in the agent's hand", objectId=apple,
             forceAction=True)
    assert sim.held() == apple and not sim.obj(apple)["isSliced"]


def test_crouch_stand_carries_held_object(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.pickup(apple)
    y0 = sim.md["cameraPosition"]["y"]
    md = sim.ok("Crouch")
    assert md["agent"]["isStanding"] is False and md["cameraPosition"]["y"] < y0
    held_y = md["heldObjectPose"]["position"]["y"]
    assert sim.obj(apple)["axisAlignedBoundingBox"]["center"]["y"] == pytest.approx(held_y)
    sim.fail("Crouch")
    md = sim.ok("Stand")
    assert md["agent"]["isStanding"] is True and md["cameraPosition"]["y"] == pytest.approx(y0)
    held_y = md["heldObjectPose"]["position"]["y"]
    assert sim.obj(apple)["axisAlignedBoundingBox"]["center"]["y"] == pytest.approx(held_y)
    sim.fail("Stand")


def test_remove_from_scene(sim: Sim) -> None:
    apple = sim.first("Apple")["objectId"]
    sim.ok("RemoveFromScene", objectId=apple)
    assert sim.ev.get_object(apple) is None
    sim.fail("RemoveFromScene", objectId=apple)
