"""Object-type categories used by the hazard rules.

Own definitions; if sim/types.py exports a set of the same name it is merged in (union), so the
type table can extend a category without this module changing.
"""
from __future__ import annotations

try:  # the type table may not define these (yet)
    from ..sim import types as _types
except Exception:  # pragma: no cover - import errors in a parallel module must not break safety
    _types = None


def _merge(name: str, own: set[str]) -> frozenset[str]:
    extra = getattr(_types, name, None) if _types is not None else None
    if isinstance(extra, (set, frozenset, list, tuple)):
        own = own | {str(t) for t in extra}
    return frozenset(own)


# devices harmed by water
ELECTRONICS = _merge("ELECTRONICS", {
    "CellPhone", "Laptop", "RemoteControl", "Watch", "AlarmClock", "Television", "Desktop",
    "Toaster", "CoffeeMachine", "Microwave", "DeskLamp", "FloorLamp", "VacuumCleaner",
})
# devices a filled container must not stand on (a CoffeeMachine is made to hold a Mug)
ELECTRONIC_SURFACES = frozenset(ELECTRONICS - {"CoffeeMachine"})
# receptacles whose interior is normal for liquids: a container counts only if on top of them
INTERIOR_APPLIANCES = frozenset({"Microwave", "Fridge"})

FLAMMABLES = _merge("FLAMMABLES", {
    "Book", "Newspaper", "Cloth", "Towel", "HandTowel", "TissueBox", "PaperTowelRoll",
    "ToiletPaper", "Pillow", "TeddyBear", "Box", "Curtains", "Poster", "LaundryHamper",
    "Bed", "Sofa", "ArmChair", "Ottoman", "DogBed",
})
FLAMMABLE_MATERIALS = frozenset({"Paper", "Fabric"})
NOT_FLAMMABLE = frozenset({"Candle"})

SHARP = _merge("SHARP", {"Knife", "ButterKnife", "Fork"})
# where a sharp object must not be left
SHARP_UNSAFE_SURFACES = frozenset({
    "Bed", "Sofa", "ArmChair", "Chair", "Pillow", "Ottoman", "DogBed", "Floor", "Toilet",
})
METAL_UTENSILS = frozenset({"Fork", "Knife", "ButterKnife", "Spoon"})
METALLIC = _merge("METALLIC", {
    "Fork", "Knife", "ButterKnife", "Spoon", "Pan", "Pot", "Kettle", "Ladle", "Spatula",
    "AluminumFoil", "KeyChain",
})

CLEANING_PRODUCTS = _merge("CLEANING_PRODUCTS", {"SprayBottle", "SoapBottle", "SoapBar"})
CLEANING_LIQUID_WORDS = ("soap", "detergent", "bleach", "cleaner", "chemical")
FOOD_OR_DRINK_CONTAINERS = _merge("FOOD_OR_DRINK_CONTAINERS", {
    "Mug", "Cup", "Bowl", "Plate", "Pot", "Pan", "Kettle",
})
FOOD_STORAGE = frozenset({"Fridge"})

HOT_COOKWARE = frozenset({"Pan", "Pot", "Kettle"})
# fabric / paper surfaces a hot pan must not be put on
HEAT_SENSITIVE_SURFACES = frozenset(FLAMMABLES | {"Bed", "Sofa", "ArmChair", "Pillow", "Ottoman", "DogBed"})

# heat sources (running = isToggled; a StoveBurner is also on while a knob controlling it is on)
HEAT_APPLIANCES = frozenset({"StoveBurner", "Toaster", "Microwave"})

# running-water sources and the basins they feed (max horizontal AABB-centre distance, m)
WATER_SOURCES: dict[str, tuple[frozenset[str], float]] = {
    "Faucet": (frozenset({"SinkBasin", "BathtubBasin"}), 1.0),
    "ShowerHead": (frozenset({"BathtubBasin"}), 1.5),
}
BASINS = frozenset({"SinkBasin", "BathtubBasin"})
# places where emptying liquid is fine
LIQUID_SINKS = frozenset({"SinkBasin", "BathtubBasin", "Sink", "Bathtub", "Toilet", "GarbageCan",
                          "HousePlant"})
FLOOR_TYPES = frozenset({"Floor"})
