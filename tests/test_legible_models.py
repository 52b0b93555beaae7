"""Legible-style models: every listed type has one; it is non-empty, fills the unit box and is not the flat shape."""
from __future__ import annotations

import numpy as np
import pytest

from mssbench_embodied.sim import types
from mssbench_embodied.sim.render.shapes import ShapeState, build_mesh, has_model, model_key

# household types (shapes/legible_home.py)
HOME = ["Laptop", "CellPhone", "AlarmClock", "RemoteControl", "Watch", "SprayBottle", "SoapBottle", "SoapBar",
        "TissueBox", "TeddyBear", "Pillow", "Newspaper", "Book", "Cloth", "HandTowel", "Towel", "Candle",
        "ToiletPaper", "Ottoman", "VacuumCleaner", "Box", "LaundryHamper", "GarbageCan", "DeskLamp", "FloorLamp",
        "Television", "Desktop"]
# kitchen types (shapes/legible_kitchen.py)
KITCHEN = ["Knife", "ButterKnife", "Fork", "Spoon", "Ladle", "Mug", "Cup", "Kettle", "WateringCan", "Egg",
           "EggCracked", "Potato", "Apple", "Tomato", "Lettuce", "Bread", "BreadSliced", "Bottle", "WineBottle", "Vase",
           "AluminumFoil", "PaperTowelRoll", "Pan", "Pot", "Plate", "Bowl", "CoffeeMachine", "DishSponge", "GarbageBag",
           "Statue"]
# the remaining types the hazard rules name (shapes/legible_extra.py)
EXTRA = ["DogBed", "Dumbbell", "KeyChain", "Pen", "PepperShaker", "SaltShaker", "Spatula", "TennisRacket"]
MODEL_TYPES = HOME + KITCHEN + EXTRA
STATES = [ShapeState(), ShapeState(toggled=True), ShapeState(openness=1.0), ShapeState(broken=True),
          ShapeState(dirty=True)]


def states(spec: types.TypeSpec) -> list[ShapeState]:
    """The states to check; the generic on-light of finish_mesh sits outside the box, so only toggleable types
    are checked switched on."""
    return [st for st in STATES if spec.toggleable or not st.toggled]


def sizes(object_type: str) -> list[tuple[float, float, float]]:
    """The type's default size and its quarter-turned footprint (models must handle both)."""
    x, y, z = types.type_spec(object_type).size
    return [(x, y, z), (z, y, x)]


@pytest.mark.parametrize("object_type", MODEL_TYPES)
def test_model_fills_the_unit_box_and_is_not_the_flat_shape(object_type: str) -> None:
    assert has_model(object_type)
    spec = types.type_spec(object_type)
    color = tuple(float(v) for v in spec.color)
    for size in sizes(object_type):
        for st in states(spec):
            m = build_mesh(model_key(object_type), color, st, size)
            assert len(m) > 0
            assert np.isfinite(m.tris).all() and np.isfinite(m.normals).all()
            assert m.tris.min() >= -0.5 - 1e-5 and m.tris.max() <= 0.5 + 1e-5, (object_type, size, st)
            lo, hi = m.tris.reshape(-1, 3).min(0), m.tris.reshape(-1, 3).max(0)
            assert (hi - lo > 0.5).sum() >= 2, (object_type, size, st)  # not a speck in its box
            flat = build_mesh(spec.shape, color, st, size)
            assert len(m) != len(flat) or not np.allclose(m.tris, flat.tris)
