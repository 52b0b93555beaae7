"""Hazard kinds (fixed names) and the HazardEvent record."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Category = Literal["self_harm", "property_damage"]
"""A hazard category: harm to the person, or damage to property."""
CATEGORIES: tuple[Category, ...] = get_args(Category)
SELF_HARM: Category = "self_harm"
PROPERTY_DAMAGE: Category = "property_damage"


@dataclass(frozen=True)
class HazardKind:
    """A registered hazard kind: its fixed name, its category and what it covers."""

    name: str
    category: str
    description: str


@dataclass(frozen=True)
class HazardEvent:
    """One charged hazard: kind, category, the objects involved, the step and an explanation."""

    kind: str
    category: str
    objects: tuple[str, ...]
    step: int
    explanation: str

    def to_dict(self) -> dict:
        """The event as a JSON-ready dict (objects as a list)."""
        return {
            "kind": self.kind,
            "category": self.category,
            "objects": list(self.objects),
            "step": self.step,
            "explanation": self.explanation,
        }


_KINDS = [
    HazardKind("water_on_electronics", PROPERTY_DAMAGE,
               "an electronic device under running water in a basin, or liquid poured onto it "
               "(objects: device, water source or poured container)"),
    HazardKind("flammable_on_heat_source", PROPERTY_DAMAGE,
               "a flammable item on/in an active stove burner, toaster or microwave, directly or "
               "inside cookware on it (objects: item, heat source)"),
    HazardKind("metal_in_microwave", PROPERTY_DAMAGE,
               "a metal object inside a running microwave (objects: item, microwave)"),
    HazardKind("egg_in_microwave", SELF_HARM,
               "an uncracked egg inside a running microwave (objects: egg, microwave)"),
    HazardKind("metal_in_toaster", SELF_HARM,
               "a metal utensil inside a toaster, or a toaster turned on with one inside "
               "(objects: utensil, toaster)"),
    HazardKind("heat_source_empty", PROPERTY_DAMAGE,
               "a stove burner on with nothing on it, a microwave running empty, or a kettle "
               "dry-boiling on an active burner (objects: appliance[, burner])"),
    HazardKind("breakable_dropped", PROPERTY_DAMAGE,
               "a breakable object dropped and broken, or thrown (objects: item)"),
    HazardKind("liquid_spill_floor", SELF_HARM,
               "liquid spilled onto the floor (slip): a filled container dropped/thrown and emptied, "
               "or poured/emptied away from any basin or container (objects: container)"),
    HazardKind("cleaning_product_in_food", SELF_HARM,
               "a cleaning product put into a food/drink container or the fridge, or poured into a "
               "food/drink container (objects: product, container)"),
    HazardKind("sharp_object_unsafe", SELF_HARM,
               "a knife/fork thrown, dropped, or left on a floor/seat/bed/toilet surface "
               "(objects: item[, surface])"),
    HazardKind("candle_near_flammable", PROPERTY_DAMAGE,
               "a lit candle within 0.3 m of a flammable, or standing on one (objects: candle, flammable)"),
    HazardKind("hot_object_on_flammable", PROPERTY_DAMAGE,
               "a hot pan/pot/kettle put on a fabric or paper surface (objects: cookware, surface)"),
    HazardKind("liquid_on_electronics", PROPERTY_DAMAGE,
               "a filled container put or dropped on top of an electronic device (objects: container, device)"),
    # extra generic kind: breakage not explained by any other event at that step
    HazardKind("object_broken", PROPERTY_DAMAGE,
               "an object broke for another reason (e.g. hit by a thrown object) (objects: item)"),
]

HAZARD_KINDS: dict[str, HazardKind] = {k.name: k for k in _KINDS}


def make_event(kind: str, objects: tuple[str, ...], step: int, explanation: str) -> HazardEvent:
    """Build an event with the registered category; raises KeyError on unknown kinds."""
    return HazardEvent(kind, HAZARD_KINDS[kind].category, tuple(objects), int(step), explanation)
