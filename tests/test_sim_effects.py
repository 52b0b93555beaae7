"""Contextual effects of the embedded simulator (water, heat, cold, breaking), on kitchen_val09."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mssbench_embodied.sim.effects import HEAT_DECAY

if TYPE_CHECKING:
    from conftest import Sim  # the `sim` fixture's driver

FAUCET = "Faucet|-00.95|+00.95|-00.65"
SINK_BASIN = "Sink|-00.70|+00.93|-00.65|SinkBasin"
MICROWAVE = "Microwave|+01.04|+01.68|-01.30"
FRIDGE = "Fridge|+00.97|+00.00|+01.25"
BURNER = "StoveBurner|+00.84|+00.92|-01.10"
KNOB = "StoveKnob|+00.67|+00.90|-01.09"
OTHER_KNOB = "StoveKnob|+00.67|+00.90|-01.52"
PAN = "Pan|+00.85|+00.95|-01.08"
COUNTER = "CounterTop|-01.24|+00.97|-00.64"
FLOOR = "Floor|+00.00|+00.00|+00.00"
DECAY_STEPS = int(round(1.0 / HEAT_DECAY)) + 2


@pytest.fixture
def sim(sim: Sim) -> Sim:
    """conftest's Sim after one GetReachablePositions step (world time advances with each step)."""
    sim.reachable()
    return sim


# ---------------------------------------------------------------------------- running water
def test_faucet_fills_and_cleans_mug_in_basin(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    assert SINK_BASIN in sim.obj(mug)["parentReceptacles"]
    sim.ok("DirtyObject", objectId=mug, forceAction=True)
    sim.goto(FAUCET)
    sim.wait()
    assert not sim.obj(mug)["isFilledWithLiquid"]  # tap still off
    sim.ok("ToggleObjectOn", objectId=FAUCET)
    o = sim.obj(mug)
    assert o["isFilledWithLiquid"] and o["fillLiquid"] == "water" and not o["isDirty"]


def test_faucet_leaves_objects_outside_the_basin_alone(sim: Sim) -> None:
    cup = sim.first_id("Cup")
    sim.ok("DirtyObject", objectId=cup, forceAction=True)
    sim.ok("ToggleObjectOn", objectId=FAUCET, forceAction=True)
    o = sim.obj(cup)
    assert not o["isFilledWithLiquid"] and o["isDirty"]


def test_faucet_puts_out_candle(sim: Sim) -> None:
    md = sim.ok("SpawnObject", objectType="Candle", receptacleObjectId=COUNTER)
    candle = md["actionReturn"]["objectId"]
    sim.ok("ToggleObjectOn", objectId=candle, forceAction=True)
    sim.put_in(candle, SINK_BASIN)
    assert sim.obj(candle)["isToggled"]
    sim.ok("ToggleObjectOn", objectId=FAUCET, forceAction=True)
    assert not sim.obj(candle)["isToggled"]


def test_faucet_does_not_break_cellphone(sim: Sim) -> None:
    # AI2-THOR has no water damage: the world keeps the phone whole and on; the hazard engine judges it
    phone = sim.first_id("CellPhone")
    sim.ok("ToggleObjectOn", objectId=phone, forceAction=True)
    sim.put_in(phone, SINK_BASIN)
    sim.ok("ToggleObjectOn", objectId=FAUCET, forceAction=True)
    o = sim.obj(phone)
    assert not o["isBroken"] and o["isToggled"]
    sim.wait(3)
    assert not sim.obj(phone)["isBroken"] and sim.obj(phone)["isToggled"]


# ---------------------------------------------------------------------------- stove
def test_stove_knob_drives_its_burner_only(sim: Sim) -> None:
    assert sim.obj(KNOB)["controlledObjects"] == [BURNER]
    sim.goto(KNOB)
    sim.ok("ToggleObjectOn", objectId=KNOB)
    assert sim.obj(BURNER)["isToggled"]
    others = [o for o in sim.ev.objects_by_type("StoveBurner") if o["objectId"] != BURNER]
    assert not any(o["isToggled"] for o in others)
    sim.ok("ToggleObjectOff", objectId=KNOB)
    assert not sim.obj(BURNER)["isToggled"]


def test_hot_burner_heats_pan_and_cooks_food_in_it(sim: Sim) -> None:
    potato, egg = sim.first_id("Potato"), sim.first_id("Egg")
    sim.put_in(potato, PAN)
    sim.ok("BreakObject", objectId=egg, forceAction=True)
    cracked = sim.first_id("EggCracked")
    sim.put_in(cracked, PAN)
    sim.wait()
    assert sim.obj(PAN)["temperature"] == "RoomTemp" and not sim.obj(potato)["isCooked"]
    sim.goto(KNOB)
    sim.ok("ToggleObjectOn", objectId=KNOB)
    assert sim.obj(PAN)["temperature"] == "Hot"
    assert sim.obj(potato)["isCooked"] and sim.obj(potato)["temperature"] == "Hot"
    assert sim.obj(cracked)["isCooked"]


def test_other_burner_does_not_heat_pan(sim: Sim) -> None:
    # the Pan rests on the two front burners (x=0.84 and 1.08, z=-1.10): the back ones leave it cold
    sim.ok("ToggleObjectOn", objectId=OTHER_KNOB, forceAction=True)
    sim.wait()
    assert sim.obj(PAN)["temperature"] == "RoomTemp"


def test_temperature_returns_to_room_temp(sim: Sim) -> None:
    sim.ok("ToggleObjectOn", objectId=KNOB, forceAction=True)
    assert sim.obj(PAN)["temperature"] == "Hot"
    sim.ok("ToggleObjectOff", objectId=KNOB, forceAction=True)
    assert sim.obj(PAN)["temperature"] == "Hot"  # still hot right after
    sim.wait(DECAY_STEPS)
    assert sim.obj(PAN)["temperature"] == "RoomTemp"


def test_picked_up_hot_pan_cools(sim: Sim) -> None:
    sim.ok("ToggleObjectOn", objectId=KNOB, forceAction=True)
    sim.ok("PickupObject", objectId=PAN, forceAction=True)
    assert sim.obj(PAN)["temperature"] == "Hot"
    sim.wait(DECAY_STEPS)
    assert sim.obj(PAN)["temperature"] == "RoomTemp"
    assert sim.obj(BURNER)["isToggled"]


# ---------------------------------------------------------------------------- microwave
def test_microwave_heats_and_cooks_only_when_closed_and_on(sim: Sim) -> None:
    potato, mug = sim.first_id("Potato"), sim.first_id("Mug")
    sim.goto(MICROWAVE)
    sim.ok("OpenObject", objectId=MICROWAVE)
    sim.put_in(potato, MICROWAVE)
    sim.put_in(mug, MICROWAVE)
    sim.fail("ToggleObjectOn", objectId=MICROWAVE)  # open: cannot be turned on
    sim.wait()
    assert sim.obj(potato)["temperature"] == "RoomTemp" and not sim.obj(potato)["isCooked"]
    sim.ok("CloseObject", objectId=MICROWAVE)
    sim.wait()
    assert sim.obj(potato)["temperature"] == "RoomTemp"  # closed but off
    sim.ok("ToggleObjectOn", objectId=MICROWAVE)
    assert sim.obj(potato)["isCooked"] and sim.obj(potato)["temperature"] == "Hot"
    assert sim.obj(mug)["temperature"] == "Hot" and not sim.obj(mug)["isFilledWithLiquid"]
    sim.fail("OpenObject", objectId=MICROWAVE)  # on: cannot be opened
    sim.ok("ToggleObjectOff", objectId=MICROWAVE)
    sim.ok("OpenObject", objectId=MICROWAVE)
    sim.wait(DECAY_STEPS)
    assert sim.obj(potato)["temperature"] == "RoomTemp" and sim.obj(potato)["isCooked"]


def test_forced_open_microwave_does_not_heat(sim: Sim) -> None:
    potato = sim.first_id("Potato")
    sim.put_in(potato, MICROWAVE)
    sim.ok("SetObjectStates", SetObjectStates={"objectId": MICROWAVE, "isToggled": True, "isOpen": True})
    sim.wait()
    assert sim.obj(potato)["temperature"] == "RoomTemp" and not sim.obj(potato)["isCooked"]


# ---------------------------------------------------------------------------- toaster / coffee / fridge
def test_toaster_cooks_bread_slices(sim: Sim) -> None:
    sim.ok("SliceObject", objectId=sim.first_id("Bread"), forceAction=True)
    bread_slice = sim.first_id("BreadSliced")
    toaster = sim.first_id("Toaster")
    sim.goto(toaster)
    sim.ok("PickupObject", objectId=bread_slice, forceAction=True)
    sim.ok("PutObject", objectId=toaster)
    sim.wait()
    assert not sim.obj(bread_slice)["isCooked"]
    sim.ok("ToggleObjectOn", objectId=toaster)
    assert sim.obj(bread_slice)["isCooked"] and sim.obj(bread_slice)["temperature"] == "Hot"


def test_toaster_rejects_non_bread(sim: Sim) -> None:
    toaster = sim.first_id("Toaster")
    sim.ok("PickupObject", objectId=sim.first_id("Apple"), forceAction=True)
    sim.goto(toaster)
    sim.fail("PutObject", objectId=toaster)


def test_coffee_machine_fills_mug_with_hot_coffee(sim: Sim) -> None:
    mug, cm = sim.first_id("Mug"), sim.first_id("CoffeeMachine")
    sim.ok("PickupObject", objectId=mug, forceAction=True)
    sim.goto(cm)
    sim.ok("PutObject", objectId=cm)
    assert sim.obj(mug)["parentReceptacles"] == [cm]
    sim.ok("ToggleObjectOn", objectId=cm)
    o = sim.obj(mug)
    assert o["isFilledWithLiquid"] and o["fillLiquid"] == "coffee" and o["temperature"] == "Hot"


def test_fridge_makes_contents_cold(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    sim.goto(FRIDGE)
    sim.ok("OpenObject", objectId=FRIDGE)
    sim.ok("PickupObject", objectId=apple, forceAction=True)
    sim.ok("PutObject", objectId=FRIDGE)
    assert sim.obj(apple)["temperature"] == "Cold"
    sim.ok("PickupObject", objectId=apple, forceAction=True)
    sim.wait(DECAY_STEPS)
    assert sim.obj(apple)["temperature"] == "RoomTemp"


# ---------------------------------------------------------------------------- breaking and spilling
def _open_floor_pose(sim: Sim) -> None:
    """Stand in the open, facing open floor, so drops land on the Floor."""
    pts = {(round(p["x"], 2), round(p["z"], 2)) for p in sim.reachable()}
    for p in sim.reachable():
        x, z = round(p["x"], 2), round(p["z"], 2)
        if all((round(x, 2), round(z + d, 2)) in pts for d in (0.25, 0.5, 0.75, 1.0)):
            sim.ok("Teleport", position=p, rotation={"x": 0, "y": 0, "z": 0}, horizon=0)
            return
    raise AssertionError("no open floor")


@pytest.mark.parametrize("kind", ["Mug", "Cup", "Plate", "Bottle", "Vase"])
def test_breakable_breaks_when_dropped_on_floor(sim: Sim, kind: str) -> None:
    oid = sim.first_id(kind)
    sim.ok("PickupObject", objectId=oid, forceAction=True)
    _open_floor_pose(sim)
    sim.ok("DropHandObject")
    o = sim.obj(oid)
    assert FLOOR in o["parentReceptacles"] and o["isBroken"]
    sim.wait(3)
    assert sim.obj(oid)["isBroken"]  # a broken object stays broken


def test_unbreakable_survives_drop(sim: Sim) -> None:
    bowl = sim.first_id("Bowl")
    sim.ok("PickupObject", objectId=bowl, forceAction=True)
    _open_floor_pose(sim)
    sim.ok("DropHandObject")
    assert not sim.obj(bowl)["isBroken"] and FLOOR in sim.obj(bowl)["parentReceptacles"]


def test_gentle_drop_onto_counter_does_not_break(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    sim.ok("PickupObject", objectId=mug, forceAction=True)
    spot = None
    for counter in sim.ev.objects_by_type("CounterTop"):
        c = counter["axisAlignedBoundingBox"]
        lo = {k: c["center"][k] - c["size"][k] / 2 + 0.01 for k in "xz"}
        hi = {k: c["center"][k] + c["size"][k] / 2 - 0.01 for k in "xz"}
        for p in sim.reachable():
            for yaw, (dx, dz) in {0: (0, 1), 90: (1, 0), 180: (0, -1), 270: (-1, 0)}.items():
                hx, hz = p["x"] + 0.38 * dx, p["z"] + 0.38 * dz  # the hand is 0.38 m ahead
                if lo["x"] < hx < hi["x"] and lo["z"] < hz < hi["z"]:
                    spot = (p, yaw)
    assert spot is not None, "no spot with the hand over a counter"
    sim.ok("Teleport", position=spot[0], rotation={"x": 0, "y": spot[1], "z": 0}, horizon=0)
    md = sim.ok("DropHandObject")
    o = sim.obj(mug)
    parent = o["parentReceptacles"][0]
    assert parent != FLOOR, parent
    assert not o["isBroken"]
    assert md["inventoryObjects"] == []


def test_thrown_breakable_breaks(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    sim.ok("PickupObject", objectId=mug, forceAction=True)
    _open_floor_pose(sim)
    sim.ok("ThrowObject", moveMagnitude=100)
    assert sim.obj(mug)["isBroken"]


def test_dropped_egg_cracks(sim: Sim) -> None:
    egg = sim.first_id("Egg")
    sim.ok("OpenObject", objectId=FRIDGE, forceAction=True)
    sim.ok("PickupObject", objectId=egg, forceAction=True)
    _open_floor_pose(sim)
    sim.ok("DropHandObject")
    assert sim.obj(egg)["isBroken"]
    cracked = sim.ev.objects_by_type("EggCracked")
    assert len(cracked) == 1 and cracked[0]["parentReceptacles"] == [FLOOR]
    assert cracked[0]["cookable"]


def test_filled_cup_dropped_on_floor_loses_liquid(sim: Sim) -> None:
    for kind in ("Cup", "Pot"):  # breakable and unbreakable
        oid = sim.first_id(kind)
        sim.ok("FillObjectWithLiquid", objectId=oid, fillLiquid="water", forceAction=True)
        sim.ok("PickupObject", objectId=oid, forceAction=True)
        assert sim.obj(oid)["isFilledWithLiquid"]
        _open_floor_pose(sim)
        sim.ok("DropHandObject")
        o = sim.obj(oid)
        assert not o["isFilledWithLiquid"] and o["fillLiquid"] is None, kind


def test_broken_cup_cannot_be_filled(sim: Sim) -> None:
    cup = sim.first_id("Cup")
    sim.ok("BreakObject", objectId=cup, forceAction=True)
    sim.fail("FillObjectWithLiquid", objectId=cup, fillLiquid="water", forceAction=True)
    sim.put_in(cup, SINK_BASIN)
    sim.ok("ToggleObjectOn", objectId=FAUCET, forceAction=True)
    assert not sim.obj(cup)["isFilledWithLiquid"]
