"""Tests for the AI2-THOR object type table (mssbench_embodied/sim/types.py)."""
from __future__ import annotations

import json

import pytest
from thor_data import DUMP

from mssbench_embodied.sim import types as T
from mssbench_embodied.sim.types import OBJECT_TYPES, TypeSpec, type_spec

# metadata key -> TypeSpec field
FLAG_MAP = {
    "pickupable": "pickupable",
    "receptacle": "receptacle",
    "openable": "openable",
    "toggleable": "toggleable",
    "breakable": "breakable",
    "canFillWithLiquid": "can_fill_with_liquid",
    "dirtyable": "dirtyable",
    "cookable": "cookable",
    "sliceable": "sliceable",
    "canBeUsedUp": "can_be_used_up",
    "isHeatSource": "is_heat_source",
    "isColdSource": "is_cold_source",
    "moveable": "moveable",
}

SHAPES = {
    "box", "slab", "cylinder", "mug", "bowl", "plate", "pan", "pot", "kettle", "knife", "utensil",
    "bottle", "phone", "laptop", "book", "towel", "burner", "knob", "faucet", "sink_basin",
    "microwave", "toaster", "fridge", "cabinet", "drawer", "counter", "table", "chair", "sofa",
    "bed", "tv", "lamp", "candle", "egg", "sphere", "plant", "bathtub", "toilet", "shower_head",
    "window", "painting", "floor", "shelf", "box_open", "glass_frame", "shower_curtain", "curtains_open", "blinds_up",
}


@pytest.fixture(scope="module")
def dump_objects() -> list[dict]:
    return json.loads(DUMP.read_text())["objects"]


def test_dump_types_known_and_flags_equal(dump_objects: list[dict]) -> None:
    assert len({o["objectType"] for o in dump_objects}) == 47
    for obj in dump_objects:
        spec = type_spec(obj["objectType"])
        for key, field in FLAG_MAP.items():
            assert getattr(spec, field) == obj[key], (obj["objectType"], key)
        mats = obj["salientMaterials"]
        assert spec.salient_materials == (None if mats is None else tuple(mats)), obj["objectType"]
        assert spec.mass == obj["mass"], obj["objectType"]


def test_dump_default_sizes(dump_objects: list[dict]) -> None:
    first: dict[str, dict] = {}
    for obj in dump_objects:
        first.setdefault(obj["objectType"], obj)
    # the dump's Knife lies diagonally, so its box is not the knife's size; ours is a straight knife
    for name, obj in first.items():
        if name == "Knife":
            continue
        size = obj["axisAlignedBoundingBox"]["size"]
        assert type_spec(name).size == pytest.approx((size["x"], size["y"], size["z"]), abs=1e-3)


def test_count_and_names() -> None:
    assert len(OBJECT_TYPES) == 125
    for name, spec in OBJECT_TYPES.items():
        assert isinstance(spec, TypeSpec) and spec.name == name
    for name in ("AlarmClock", "TargetCircle", "Floor", "WineBottle", "CD", "TVStand"):
        assert name in OBJECT_TYPES


def test_quirks() -> None:
    burner = type_spec("StoveBurner")
    assert not burner.toggleable and burner.is_heat_source and burner.receptacle
    assert type_spec("Chair").receptacle and type_spec("Floor").receptacle
    phone = type_spec("CellPhone")
    assert phone.toggleable and phone.breakable and phone.pickupable
    for heater in ("Toaster", "CoffeeMachine", "Microwave"):
        assert type_spec(heater).is_heat_source
    assert type_spec("Fridge").is_cold_source and not type_spec("Fridge").is_heat_source
    assert not type_spec("Sink").receptacle and type_spec("SinkBasin").receptacle
    assert not type_spec("Egg").cookable and type_spec("Egg").sliceable
    assert not type_spec("Bowl").breakable
    assert type_spec("Floor").salient_materials == ("Wood",)
    assert type_spec("Fridge").salient_materials is None and type_spec("Fridge").mass == 0.0


def test_unknown_type_raises() -> None:
    with pytest.raises(ValueError, match="Nope"):
        type_spec("Nope")


def test_receptacle_restrictions() -> None:
    expected = {
        "StoveBurner": {"Pot", "Pan", "Kettle"},
        "Toaster": {"BreadSliced"},
        "CoffeeMachine": {"Mug"},
        "ToiletPaperHanger": {"ToiletPaper"},
        "TowelHolder": {"Towel"},
        "HandTowelHolder": {"HandTowel"},
    }
    for name, children in expected.items():
        assert type_spec(name).receptacle_for == frozenset(children)
    for name, spec in OBJECT_TYPES.items():
        if spec.receptacle_for is not None:
            assert spec.receptacle, name
            assert spec.receptacle_for <= OBJECT_TYPES.keys(), name
    for child, parents in T.PLACEMENT_RESTRICTIONS.items():
        assert child in OBJECT_TYPES and type_spec(child).pickupable, child
        assert parents <= OBJECT_TYPES.keys(), child
        # every listed parent is a receptacle, except the Sink (objects go into its SinkBasin)
        assert {p for p in parents if not type_spec(p).receptacle} <= {"Sink"}, child


def test_placement_allowed() -> None:
    assert T.placement_allowed("Pot", "StoveBurner")
    assert not T.placement_allowed("Apple", "StoveBurner")
    assert T.placement_allowed("BreadSliced", "Toaster")
    assert not T.placement_allowed("Bread", "Toaster")
    assert T.placement_allowed("Mug", "CoffeeMachine")
    assert not T.placement_allowed("Cup", "CoffeeMachine")
    assert not T.placement_allowed("Towel", "CounterTop")
    assert T.placement_allowed("Apple", "Fridge")
    assert T.placement_allowed("ScrubBrush", "CounterTop")  # no entry: unrestricted
    assert not T.placement_allowed("Apple", "Knife")
    with pytest.raises(ValueError):
        T.placement_allowed("Apple", "Nope")


def test_sliced_and_broken_types() -> None:
    pairs = {"Apple": "AppleSliced", "Bread": "BreadSliced", "Lettuce": "LettuceSliced",
             "Potato": "PotatoSliced", "Tomato": "TomatoSliced", "Egg": "EggCracked"}
    for whole, sliced in pairs.items():
        assert type_spec(whole).sliced_type == sliced
    assert type_spec("Egg").broken_type == "EggCracked"
    for name, spec in OBJECT_TYPES.items():
        if spec.sliceable:
            assert spec.sliced_type in OBJECT_TYPES, name
        if spec.sliced_type is not None:
            assert spec.sliced_type in OBJECT_TYPES and spec.sliceable, name
        if spec.broken_type is not None:
            assert spec.broken_type in OBJECT_TYPES and spec.breakable, name


def test_field_values_well_formed() -> None:
    for name, spec in OBJECT_TYPES.items():
        assert spec.shape in SHAPES, name
        assert spec.contains in ("on", "in"), name
        assert len(spec.size) == 3 and all(s > 0 for s in spec.size), name
        assert len(spec.color) == 3 and all(0 <= c <= 255 for c in spec.color), name
        assert spec.mass >= 0.0, name
        if spec.pickupable or spec.moveable:
            assert spec.salient_materials and spec.mass > 0.0, name
        if spec.contains == "in":
            assert spec.receptacle, name
        assert not (spec.structural and (spec.pickupable or spec.moveable)), name
    interior = ("Fridge", "Microwave", "Cabinet", "Drawer", "SinkBasin", "BathtubBasin", "Box",
                "GarbageCan", "Pot", "Bowl", "Cup", "Mug", "Safe", "LaundryHamper", "Toaster")
    for name in interior:
        assert type_spec(name).contains == "in", name
    assert type_spec("Dresser").contains == "on" and type_spec("CounterTop").contains == "on"
    for name in ("Floor", "CounterTop", "Cabinet", "Drawer", "Sink", "StoveBurner", "Fridge",
                 "Window", "Toilet", "Mirror"):
        assert type_spec(name).structural, name


def test_helper_sets() -> None:
    groups = (T.ELECTRONICS, T.FLAMMABLES, T.SHARP, T.METALLIC, T.FOOD_OR_DRINK_CONTAINERS,
              T.CLEANING_PRODUCTS, T.BREAKABLE)
    for group in groups:
        assert isinstance(group, frozenset) and group <= OBJECT_TYPES.keys()
    assert {"Fork", "Knife", "Spoon", "AluminumFoil", "Pot", "Pan"} <= T.METALLIC
    assert "Apple" not in T.METALLIC and "Microwave" not in T.METALLIC  # not pickupable
    assert {n for n, s in OBJECT_TYPES.items() if s.breakable} == T.BREAKABLE
    assert {"Egg", "Mug", "Window", "CellPhone"} <= T.BREAKABLE
    assert {"Knife", "ButterKnife"} <= T.SHARP
    assert {"CellPhone", "Laptop", "Toaster"} <= T.ELECTRONICS
    assert {"Towel", "Book", "PaperTowelRoll"} <= T.FLAMMABLES
