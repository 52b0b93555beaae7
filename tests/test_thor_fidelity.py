"""AI2-THOR 5.0 semantics of the embedded simulator: one test per row of docs/THOR_FIDELITY.md.

Each test is named ``test_fNN_...`` after the row's id; `test_every_row_is_tested` ties the table to
this module. Failures that AI2-THOR 5.0 throws are checked to the exact string before ". trace:".
Runs on kitchen_val09 (conftest's `sim`).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mssbench_embodied.safety.engine import HazardEngine
from mssbench_embodied.sim.effects import HEAT_DECAY

if TYPE_CHECKING:
    from conftest import Sim

DOC = Path(__file__).resolve().parents[1] / "docs" / "THOR_FIDELITY.md"
FAUCET = "Faucet|-00.95|+00.95|-00.65"
SINK_BASIN = "Sink|-00.70|+00.93|-00.65|SinkBasin"
MICROWAVE = "Microwave|+01.04|+01.68|-01.30"
FRIDGE = "Fridge|+00.97|+00.00|+01.25"
DRAWER = "Drawer|+00.64|+00.76|-00.65"
KNIFE = "Knife|+00.87|+00.70|-00.60"
BURNER = "StoveBurner|+00.84|+00.92|-01.10"
KNOB = "StoveKnob|+00.67|+00.90|-01.09"
PAN = "Pan|+00.85|+00.95|-01.08"
COUNTER = "CounterTop|-01.24|+00.97|-00.64"
COFFEE = "CoffeeMachine|+00.89|+00.90|-02.13"
TOASTER = "Toaster|+00.98|+00.90|+00.33"
NOWHERE = "Nothing|+00.00|+00.00|+00.00"
F = {"forceAction": True}


# ---------------------------------------------------------------------------- helpers
def thrown(sim: Sim, action: str, exc_type: str, message: str, **kw: Any) -> dict:
    """Run an action that AI2-THOR 5.0 fails by throwing: errorMessage is exactly
    ``"<ExceptionType>: <message>. trace: <stack>"`` (BaseFPSAgentController.ProcessControlCommand)."""
    md = sim.fail(action, **kw)
    head, sep, trace = md["errorMessage"].partition(". trace: ")
    assert sep and trace.strip(), md["errorMessage"]
    assert head == f"{exc_type}: {message}", md["errorMessage"]
    return md


def name(sim: Sim, oid: str) -> str:
    """An object's name (AI2-THOR messages use transform.name)."""
    return str(sim.obj(oid)["name"])


def spawn(sim: Sim, object_type: str, receptacle: str) -> str:
    """Create an object (embedded extension SpawnObject) and return its id."""
    return str(sim.ok("SpawnObject", objectType=object_type, receptacleObjectId=receptacle)["actionReturn"]["objectId"])


def clear(sim: Sim, receptacle: str) -> None:
    """Disable what a receptacle holds."""
    for cid in sim.obj(receptacle)["receptacleObjectIds"] or []:
        sim.ok("DisableObject", objectId=cid)


def hold(sim: Sim, oid: str) -> None:
    """Pick an object up with forceAction (no walking)."""
    sim.ok("PickupObject", objectId=oid, **F)
    assert sim.held() == oid


def slice_bread(sim: Sim) -> str:
    """Slice the Bread; return one BreadSliced id."""
    sim.ok("SliceObject", objectId=sim.first_id("Bread"), **F)
    return sim.first_id("BreadSliced")


# ---------------------------------------------------------------------------- target lookup
def test_f01_unknown_object_id(sim: Sim) -> None:
    for action in ("PickupObject", "OpenObject", "ToggleObjectOn", "SliceObject", "BreakObject", "PutObject"):
        thrown(sim, action, "ArgumentException",
               f"objectId: {NOWHERE} is not the objectId on any object in the scene!", objectId=NOWHERE)


def test_f02_out_of_visibility_distance(sim: Sim) -> None:
    bottle = sim.first("Bottle")
    assert bottle["distance"] > 1.5
    thrown(sim, "PickupObject", "NullReferenceException", "Target object not found within the specified visibility.",
           objectId=bottle["objectId"])


def test_f03_not_in_view(sim: Sim) -> None:
    plate = sim.first("Plate")
    assert not plate["visible"]
    thrown(sim, "PickupObject", "NullReferenceException", "Target object not found within the specified visibility.",
           objectId=plate["objectId"])


def test_f04_force_action_skips_visibility(sim: Sim) -> None:
    bottle = sim.first_id("Bottle")
    sim.ok("PickupObject", objectId=bottle, **F)
    assert sim.held() == bottle


def test_f05_exception_report_format(sim: Sim) -> None:
    md = sim.fail("PickupObject", objectId=NOWHERE)
    assert re.fullmatch(r"ArgumentException: .+\. trace: .+", md["errorMessage"], re.S)


def test_f06_failed_action_returns_event(sim: Sim) -> None:
    ev = sim.b.step({"action": "PickupObject", "objectId": NOWHERE})
    assert ev.metadata["lastActionSuccess"] is False and ev.metadata["lastAction"] == "PickupObject"


# ---------------------------------------------------------------------------- PickupObject
def test_f07_pickup_not_pickupable(sim: Sim) -> None:
    thrown(sim, "PickupObject", "InvalidOperationException",
           f"{MICROWAVE} must have the property CanPickup to be picked up.", objectId=MICROWAVE, **F)


def test_f08_pickup_hand_full(sim: Sim) -> None:
    hold(sim, sim.first_id("Apple"))
    thrown(sim, "PickupObject", "InvalidOperationException",
           "Agent hand has something in it already! Can't pick up anything else", objectId=sim.first_id("Tomato"), **F)


def test_f09_pickup_returns_object_id(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    assert sim.ok("PickupObject", objectId=apple, **F)["actionReturn"] == apple


def test_f10_pickup_from_closed_fridge_needs_force(sim: Sim) -> None:
    egg = sim.first_id("Egg")
    assert FRIDGE in sim.obj(egg)["parentReceptacles"] and not sim.obj(FRIDGE)["isOpen"]
    sim.goto(FRIDGE)
    thrown(sim, "PickupObject", "NullReferenceException", "Target object not found within the specified visibility.",
           objectId=egg)


def test_f11_pickup_from_closed_fridge_forced(sim: Sim) -> None:
    egg = sim.first_id("Egg")
    sim.ok("PickupObject", objectId=egg, **F)
    assert sim.held() == egg and not sim.obj(FRIDGE)["isOpen"]


def test_f12_pickup_carries_contents(sim: Sim) -> None:
    plate, apple = sim.first_id("Plate"), sim.first_id("Apple")
    sim.put_in(apple, plate)
    hold(sim, plate)
    assert sim.obj(apple)["parentReceptacles"] == [plate]
    hand = sim.md["heldObjectPose"]["position"]
    assert abs(sim.obj(apple)["position"]["x"] - hand["x"]) < 0.3


# ---------------------------------------------------------------------------- PutObject
def test_f13_put_nothing_held(sim: Sim) -> None:
    thrown(sim, "PutObject", "InvalidOperationException", "Can't place an object if Agent isn't holding anything",
           objectId=COUNTER, **F)


def test_f14_put_on_non_receptacle(sim: Sim) -> None:
    hold(sim, sim.first_id("Apple"))
    thrown(sim, "PutObject", "ArgumentException", "This target object is NOT a receptacle!",
           objectId=sim.first_id("Tomato"), **F)


def test_f15_put_in_closed_receptacle(sim: Sim) -> None:
    hold(sim, sim.first_id("Apple"))
    thrown(sim, "PutObject", "InvalidOperationException",
           "Target openable Receptacle is CLOSED, can't place if target is not open!", objectId=FRIDGE, **F)


def test_f16_put_placement_restriction(sim: Sim) -> None:
    fork = sim.first_id("Fork")
    hold(sim, fork)
    sim.goto(MICROWAVE)
    sim.ok("OpenObject", objectId=MICROWAVE)
    thrown(sim, "PutObject", "InvalidOperationException", f"{name(sim, fork)} cannot be placed in "
           f"{name(sim, MICROWAVE)}", objectId=MICROWAVE)


def test_f17_force_lifts_placement_restriction(sim: Sim) -> None:
    fork = sim.first_id("Fork")
    hold(sim, fork)
    sim.ok("OpenObject", objectId=MICROWAVE, **F)
    sim.ok("PutObject", objectId=MICROWAVE, **F)
    assert sim.obj(fork)["parentReceptacles"] == [MICROWAVE]


def test_f18_object_specific_receptacle_even_forced(sim: Sim) -> None:
    clear(sim, COFFEE)
    apple = sim.first_id("Apple")
    hold(sim, apple)
    thrown(sim, "PutObject", "InvalidOperationException",
           f"{name(sim, apple)} is not a valid Object Type to be placed in {name(sim, COFFEE)}", objectId=COFFEE, **F)
    assert sim.held() == apple


def test_f19_object_specific_receptacle_full(sim: Sim) -> None:
    clear(sim, COFFEE)
    sim.ok("PutObjectIn", objectId=sim.first_id("Mug"), receptacleObjectId=COFFEE)
    hold(sim, sim.first_id("Cup"))
    thrown(sim, "PutObject", "InvalidOperationException", f"{name(sim, COFFEE)} is currently full!",
           objectId=COFFEE, **F)


def test_f20_put_forced_skips_visibility_and_distance(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    hold(sim, apple)
    shelf = sim.first("Bottle")["parentReceptacles"][0]
    assert sim.obj(shelf)["distance"] > 1.5
    sim.ok("PutObject", objectId=shelf, **F)
    assert sim.obj(apple)["parentReceptacles"] == [shelf]


def test_f21_put_no_valid_position(sim: Sim) -> None:
    plate = sim.first_id("Plate")
    for _ in range(60):
        if not sim.step("SpawnObject", objectType="Apple", receptacleObjectId=plate)["lastActionSuccess"]:
            break
    hold(sim, sim.first_id("Bread"))
    thrown(sim, "PutObject", "InvalidOperationException", "No valid positions to place object found",
           objectId=plate, **F)


def test_f22_put_unforced_needs_visibility(sim: Sim) -> None:
    hold(sim, sim.first_id("Apple"))
    shelf = sim.first("Bottle")["parentReceptacles"][0]
    thrown(sim, "PutObject", "NullReferenceException", "Target object not found within the specified visibility.",
           objectId=shelf)


# ---------------------------------------------------------------------------- DropHandObject / ThrowObject
def test_f23_drop_nothing(sim: Sim) -> None:
    thrown(sim, "DropHandObject", "InvalidOperationException", "Nothing in hand to drop!")


def test_f24_throw_needs_move_magnitude(sim: Sim) -> None:
    hold(sim, sim.first_id("Apple"))
    with pytest.raises(ValueError, match="MissingArguments"):
        sim.step("ThrowObject")


def test_f25_throw_nothing(sim: Sim) -> None:
    thrown(sim, "ThrowObject", "InvalidOperationException", "Nothing in Hand to Throw!", moveMagnitude=100)


def test_f26_hard_throw_breaks_breakable(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    hold(sim, mug)
    sim.ok("ThrowObject", moveMagnitude=200)
    assert sim.held() is None and sim.obj(mug)["isBroken"]


# ---------------------------------------------------------------------------- Open / Close
def test_f27_open_open_object_succeeds(sim: Sim) -> None:
    sim.ok("OpenObject", objectId=FRIDGE, **F)
    sim.ok("OpenObject", objectId=FRIDGE, **F)
    assert sim.obj(FRIDGE)["isOpen"] and sim.obj(FRIDGE)["openness"] == 1.0


def test_f28_close_closed_object_succeeds(sim: Sim) -> None:
    sim.ok("CloseObject", objectId=FRIDGE, **F)
    assert not sim.obj(FRIDGE)["isOpen"]


def test_f29_openness_above_one(sim: Sim) -> None:
    thrown(sim, "OpenObject", "InvalidOperationException", "Openness must be in [0:1]", objectId=FRIDGE, openness=1.5,
           **F)


def test_f30_openness_below_zero(sim: Sim) -> None:
    thrown(sim, "OpenObject", "InvalidOperationException", "Openness must be in [0:1]", objectId=FRIDGE,
           openness=-0.1, **F)
    assert not sim.obj(FRIDGE)["isOpen"]


def test_f31_partial_openness(sim: Sim) -> None:
    sim.ok("OpenObject", objectId=FRIDGE, openness=0.5, **F)
    assert sim.obj(FRIDGE)["isOpen"] and sim.obj(FRIDGE)["openness"] == 0.5


def test_f32_legacy_move_magnitude(sim: Sim) -> None:
    sim.ok("OpenObject", objectId=FRIDGE, moveMagnitude=0.0, **F)  # 0 meant fully open
    assert sim.obj(FRIDGE)["openness"] == 1.0


def test_f33_open_not_openable(sim: Sim) -> None:
    thrown(sim, "OpenObject", "InvalidOperationException", f"{COUNTER} is not an Openable object", objectId=COUNTER,
           **F)


def test_f34_open_running_microwave(sim: Sim) -> None:
    sim.ok("ToggleObjectOn", objectId=MICROWAVE, **F)
    thrown(sim, "OpenObject", "InvalidOperationException", "Target must be OFF to open!", objectId=MICROWAVE, **F)


# ---------------------------------------------------------------------------- ToggleObjectOn / Off
def test_f35_toggle_not_toggleable(sim: Sim) -> None:
    thrown(sim, "ToggleObjectOn", "InvalidOperationException", f"{BURNER} is not toggleable!", objectId=BURNER, **F)


def test_f36_toggle_on_when_on(sim: Sim) -> None:
    sim.ok("ToggleObjectOn", objectId=FAUCET, **F)
    thrown(sim, "ToggleObjectOn", "InvalidOperationException", "can't toggle object on if it's already on!",
           objectId=FAUCET, **F)


def test_f37_toggle_off_when_off(sim: Sim) -> None:
    thrown(sim, "ToggleObjectOff", "InvalidOperationException", "can't toggle object off if it's already off!",
           objectId=FAUCET, **F)


def test_f38_toggle_open_microwave(sim: Sim) -> None:
    sim.ok("OpenObject", objectId=MICROWAVE, **F)
    thrown(sim, "ToggleObjectOn", "InvalidOperationException", "Target must be closed to Toggle On!",
           objectId=MICROWAVE, **F)


def test_f39_toggle_broken(sim: Sim) -> None:
    phone = sim.first_id("CellPhone")
    sim.ok("BreakObject", objectId=phone, **F)
    thrown(sim, "ToggleObjectOn", "InvalidOperationException", "Target is broken and cannot be Toggled On!",
           objectId=phone, **F)


def test_f40_knob_drives_burner(sim: Sim) -> None:
    sim.ok("ToggleObjectOn", objectId=KNOB, **F)
    assert sim.obj(BURNER)["isToggled"]
    sim.ok("ToggleObjectOff", objectId=KNOB, **F)
    assert not sim.obj(BURNER)["isToggled"]


# ---------------------------------------------------------------------------- SliceObject
def test_f41_slice_needs_no_knife(sim: Sim) -> None:
    assert sim.held() is None
    sim.ok("SliceObject", objectId=sim.first_id("Apple"), **F)
    assert len(sim.ev.objects_by_type("AppleSliced")) >= 2


def test_f42_slice_held_object(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    hold(sim, apple)
    thrown(sim, "SliceObject", "InvalidOperationException",
           "target object cannot be sliced if it is in the agent's hand", objectId=apple, **F)


def test_f43_slice_not_sliceable(sim: Sim) -> None:
    thrown(sim, "SliceObject", "InvalidOperationException", f"{name(sim, PAN)} Does not have the CanBeSliced property!",
           objectId=PAN, **F)


def test_f44_sliced_object_is_gone(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    sim.ok("SliceObject", objectId=apple, **F)
    assert sim.ev.get_object(apple) is None
    thrown(sim, "SliceObject", "ArgumentException",
           f"objectId: {apple} is not the objectId on any object in the scene!", objectId=apple, **F)


def test_f45_slice_egg_cracks(sim: Sim) -> None:
    sim.ok("SliceObject", objectId=sim.first_id("Egg"), **F)
    assert sim.ev.objects_by_type("EggCracked")


# ---------------------------------------------------------------------------- BreakObject
def test_f46_break_broken_succeeds(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    sim.ok("BreakObject", objectId=mug, **F)
    sim.ok("BreakObject", objectId=mug, **F)
    assert sim.obj(mug)["isBroken"]


def test_f47_break_not_breakable(sim: Sim) -> None:
    thrown(sim, "BreakObject", "InvalidOperationException", f"{name(sim, PAN)} does not have the CanBreak property!",
           objectId=PAN, **F)


def test_f48_break_held_releases_hand(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    hold(sim, mug)
    sim.ok("BreakObject", objectId=mug, **F)
    assert sim.held() is None and sim.obj(mug)["isBroken"] and not sim.obj(mug)["isPickedUp"]


# ---------------------------------------------------------------------------- DirtyObject / CleanObject
def test_f49_dirty_not_dirtyable(sim: Sim) -> None:
    thrown(sim, "DirtyObject", "InvalidOperationException", f"{name(sim, FAUCET)} does not have CanBeDirty property!",
           objectId=FAUCET, **F)


def test_f50_dirty_dirty(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    sim.ok("DirtyObject", objectId=mug, **F)
    thrown(sim, "DirtyObject", "InvalidOperationException", f"{name(sim, mug)} is already dirty!", objectId=mug, **F)


def test_f51_clean_clean(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    thrown(sim, "CleanObject", "InvalidOperationException", f"{name(sim, mug)} is already Clean!", objectId=mug, **F)


def test_f52_clean_not_dirtyable(sim: Sim) -> None:
    thrown(sim, "CleanObject", "InvalidOperationException", f"{name(sim, FAUCET)} does not have dirtyable property!",
           objectId=FAUCET, **F)


# ---------------------------------------------------------------------------- Fill / Empty
def test_f53_fill_full(sim: Sim) -> None:
    cup = sim.first_id("Cup")
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="water", **F)
    thrown(sim, "FillObjectWithLiquid", "InvalidOperationException", "Object is already filled!", objectId=cup,
           fillLiquid="wine", **F)
    assert sim.obj(cup)["fillLiquid"] == "water"


def test_f54_fill_unknown_liquid(sim: Sim) -> None:
    thrown(sim, "FillObjectWithLiquid", "ArgumentException", "liquidType: lava not a valid Liquid!",
           objectId=sim.first_id("Cup"), fillLiquid="lava", **F)


def test_f55_fill_not_fillable(sim: Sim) -> None:
    thrown(sim, "FillObjectWithLiquid", "InvalidOperationException", f"{name(sim, PAN)} does not have CanBeFilled "
           "property!", objectId=PAN, fillLiquid="water", **F)


def test_f56_coffee_fill_is_hot(sim: Sim) -> None:
    cup = sim.first_id("Cup")
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="coffee", **F)
    assert sim.obj(cup)["temperature"] == "Hot"
    sim.ok("FillObjectWithLiquid", objectId=sim.first_id("Mug"), fillLiquid="water", **F)
    assert sim.obj(sim.first_id("Mug"))["temperature"] == "RoomTemp"


def test_f57_empty_empty(sim: Sim) -> None:
    thrown(sim, "EmptyLiquidFromObject", "InvalidOperationException", "Object is already empty!",
           objectId=sim.first_id("Cup"), **F)


# ---------------------------------------------------------------------------- UseUpObject / CookObject
def test_f58_use_up_used_up_succeeds(sim: Sim) -> None:
    roll = spawn(sim, "ToiletPaper", COUNTER)
    sim.ok("UseUpObject", objectId=roll, **F)
    sim.ok("UseUpObject", objectId=roll, **F)
    assert sim.obj(roll)["isUsedUp"]


def test_f59_use_up_not_usable(sim: Sim) -> None:
    thrown(sim, "UseUpObject", "InvalidOperationException", f"{name(sim, PAN)} does not have CanBeUsedUp property!",
           objectId=PAN, **F)


def test_f60_cook_cooked_succeeds(sim: Sim) -> None:
    potato = sim.first_id("Potato")
    sim.ok("CookObject", objectId=potato, **F)
    sim.ok("CookObject", objectId=potato, **F)
    assert sim.obj(potato)["isCooked"]


def test_f61_cook_not_cookable(sim: Sim) -> None:
    thrown(sim, "CookObject", "InvalidOperationException", "Target object is not cookable!", objectId=PAN, **F)


# ---------------------------------------------------------------------------- SetObjectStates
def test_f62_set_object_states_object_type_state_change(sim: Sim) -> None:
    sim.ok("SetObjectStates", SetObjectStates={"objectType": "Fridge", "stateChange": "openable", "isOpen": True})
    assert sim.obj(FRIDGE)["isOpen"]
    sim.ok("SetObjectStates", SetObjectStates={"objectType": "Mug", "stateChange": "dirtyable"})
    assert all(o["isDirty"] for o in sim.ev.objects_by_type("Mug"))


def test_f63_set_object_states_bad_state_change(sim: Sim) -> None:
    thrown(sim, "SetObjectStates", "ArgumentException", "Invald stateChange!",
           SetObjectStates={"objectType": "Mug", "stateChange": "melty"})


def test_f64_set_object_states_no_object_type(sim: Sim) -> None:
    thrown(sim, "SetObjectStates", "ArgumentNullException", "Value cannot be null.",
           SetObjectStates={"stateChange": "openable", "isOpen": True})


# ---------------------------------------------------------------------------- contextual effects
def test_f65_faucet_fills_empty_container(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    assert SINK_BASIN in sim.obj(mug)["parentReceptacles"]
    sim.ok("ToggleObjectOn", objectId=FAUCET, **F)
    assert sim.obj(mug)["isFilledWithLiquid"] and sim.obj(mug)["fillLiquid"] == "water"


def test_f66_faucet_keeps_other_liquid(sim: Sim) -> None:
    cup = sim.first_id("Cup")
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="wine", **F)
    sim.put_in(cup, SINK_BASIN)
    sim.ok("ToggleObjectOn", objectId=FAUCET, **F)
    assert sim.obj(cup)["fillLiquid"] == "wine"


def test_f67_faucet_cleans(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    sim.ok("DirtyObject", objectId=mug, **F)
    sim.ok("ToggleObjectOn", objectId=FAUCET, **F)
    assert not sim.obj(mug)["isDirty"]


def test_f68_faucet_puts_out_candle(sim: Sim) -> None:
    candle = spawn(sim, "Candle", SINK_BASIN)
    sim.ok("ToggleObjectOn", objectId=candle, **F)
    sim.ok("ToggleObjectOn", objectId=FAUCET, **F)
    assert not sim.obj(candle)["isToggled"]


def test_f69_water_does_not_break_phone(sim: Sim) -> None:
    phone = sim.first_id("CellPhone")
    sim.ok("ToggleObjectOn", objectId=phone, **F)
    sim.put_in(phone, SINK_BASIN)
    sim.ok("ToggleObjectOn", objectId=FAUCET, **F)
    sim.wait(2)
    o = sim.obj(phone)
    assert not o["isBroken"] and o["isToggled"]


def test_f70_microwave_heats_but_does_not_toast_bread(sim: Sim) -> None:
    piece = slice_bread(sim)
    sim.ok("OpenObject", objectId=MICROWAVE, **F)
    sim.put_in(piece, MICROWAVE)
    sim.ok("CloseObject", objectId=MICROWAVE, **F)
    sim.ok("ToggleObjectOn", objectId=MICROWAVE, **F)
    assert sim.obj(piece)["temperature"] == "Hot" and not sim.obj(piece)["isCooked"]


def test_f71_microwave_cooks_potato(sim: Sim) -> None:
    potato = sim.first_id("Potato")
    sim.ok("OpenObject", objectId=MICROWAVE, **F)
    sim.put_in(potato, MICROWAVE)
    sim.ok("CloseObject", objectId=MICROWAVE, **F)
    sim.ok("ToggleObjectOn", objectId=MICROWAVE, **F)
    assert sim.obj(potato)["isCooked"] and sim.obj(potato)["temperature"] == "Hot"


def test_f72_toaster_toasts_bread(sim: Sim) -> None:
    piece = slice_bread(sim)
    clear(sim, TOASTER)
    sim.put_in(piece, TOASTER)
    sim.ok("ToggleObjectOn", objectId=TOASTER, **F)
    assert sim.obj(piece)["isCooked"] and sim.obj(piece)["temperature"] == "Hot"


def test_f73_open_microwave_does_not_heat(sim: Sim) -> None:
    potato = sim.first_id("Potato")
    sim.ok("OpenObject", objectId=MICROWAVE, **F)
    sim.put_in(potato, MICROWAVE)
    sim.ok("SetObjectStates", SetObjectStates={"objectId": MICROWAVE, "isToggled": True})
    sim.wait()
    assert not sim.obj(potato)["isCooked"]


def test_f74_hot_burner_cooks_through_pan(sim: Sim) -> None:
    potato = sim.first_id("Potato")
    sim.put_in(potato, PAN)
    sim.ok("ToggleObjectOn", objectId=KNOB, **F)
    assert sim.obj(PAN)["temperature"] == "Hot"
    assert sim.obj(potato)["isCooked"] and sim.obj(potato)["temperature"] == "Hot"


def test_f75_fridge_cools(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    sim.ok("OpenObject", objectId=FRIDGE, **F)
    sim.put_in(apple, FRIDGE)
    sim.wait()
    assert sim.obj(apple)["temperature"] == "Cold"


def test_f76_temperature_returns_to_room_temp(sim: Sim) -> None:
    cup = sim.first_id("Cup")
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="coffee", **F)
    sim.wait(int(round(1.0 / HEAT_DECAY)) + 2)
    assert sim.obj(cup)["temperature"] == "RoomTemp"


def test_f77_coffee_machine_fills_empty_mug_hot(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    clear(sim, COFFEE)
    sim.put_in(mug, COFFEE)
    sim.ok("ToggleObjectOn", objectId=COFFEE, **F)
    o = sim.obj(mug)
    assert o["fillLiquid"] == "coffee" and o["temperature"] == "Hot"


def test_f78_coffee_machine_keeps_water(sim: Sim) -> None:
    mug = sim.first_id("Mug")
    sim.ok("FillObjectWithLiquid", objectId=mug, fillLiquid="water", **F)
    clear(sim, COFFEE)
    sim.put_in(mug, COFFEE)
    sim.ok("ToggleObjectOn", objectId=COFFEE, **F)
    sim.wait()
    assert sim.obj(mug)["fillLiquid"] == "water"


def test_f79_broken_device_stays_off(sim: Sim) -> None:
    phone = sim.first_id("CellPhone")
    sim.ok("SetObjectStates", SetObjectStates={"objectId": phone, "isBroken": True, "isToggled": True})
    sim.wait()
    assert sim.obj(phone)["isBroken"] and not sim.obj(phone)["isToggled"]


def test_f80_water_hazard_without_breakage(sim: Sim) -> None:
    phone = sim.first_id("CellPhone")
    sim.put_in(phone, SINK_BASIN)
    engine = HazardEngine()
    engine.reset(sim.md)
    prev = sim.md
    act = {"action": "ToggleObjectOn", "objectId": FAUCET, "forceAction": True}
    md = sim.ok("ToggleObjectOn", objectId=FAUCET, forceAction=True)
    kinds = [e.kind for e in engine.step(act, prev, md, 1)]
    assert "water_on_electronics" in kinds and "object_broken" not in kinds
    assert not sim.obj(phone)["isBroken"]


# ---------------------------------------------------------------------------- embedded extensions
def test_f81_pour_liquid_extension(sim: Sim) -> None:
    cup, mug, phone = sim.first_id("Cup"), sim.first_id("Mug"), sim.first_id("CellPhone")
    hold(sim, cup)
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="water", **F)
    sim.ok("PourLiquid", objectId=phone, **F)
    assert not sim.obj(phone)["isBroken"] and not sim.obj(cup)["isFilledWithLiquid"]
    sim.ok("FillObjectWithLiquid", objectId=cup, fillLiquid="wine", **F)
    sim.ok("PourLiquid", objectId=mug, **F)
    assert sim.obj(mug)["fillLiquid"] == "wine"


def test_f82_spawn_object_extension(sim: Sim) -> None:
    oid = spawn(sim, "Candle", COUNTER)
    assert sim.obj(oid)["parentReceptacles"] == [COUNTER]


def test_f83_put_object_in_extension(sim: Sim) -> None:
    apple = sim.first_id("Apple")
    sim.put_in(apple, PAN)
    assert sim.held() is None


def test_f84_set_object_states_by_id_extension(sim: Sim) -> None:
    sim.ok("SetObjectStates", SetObjectStates={"objectId": sim.first_id("Cup"), "temperature": "Cold"})
    assert sim.obj(sim.first_id("Cup"))["temperature"] == "Cold"


# ---------------------------------------------------------------------------- agent
def test_f85_crouch_when_crouching(sim: Sim) -> None:
    sim.ok("Crouch")
    assert sim.fail("Crouch")["errorMessage"] == "Already crouching."


def test_f86_stand_when_standing(sim: Sim) -> None:
    assert sim.fail("Stand")["errorMessage"] == "Already standing."


# ---------------------------------------------------------------------------- the table
def _rows() -> list[list[str]]:
    rows = []
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| F") and len(cells) >= 6:
            rows.append(cells)
    return rows


def test_every_row_is_tested() -> None:
    rows = _rows()
    assert len(rows) >= 60
    ids = [r[0] for r in rows]
    assert len(set(ids)) == len(ids)
    tests = {n.split("_")[1].upper() for n in dir(sys.modules[__name__]) if re.match(r"test_f\d\d_", n)}
    assert set(ids) == tests
    for r in rows:
        assert r[-1].startswith(f"`test_{r[0].lower()}_"), r
