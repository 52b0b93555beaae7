"""Contextual effects applied after every action, as AI2-THOR does them.

- A running Faucet/ShowerHead fills empty fillable objects under it with water (Fill.OnTriggerStay),
  cleans dirty ones and puts out a lit Candle. It harms nothing: water on an electronic is the hazard
  engine's to judge (AI2-THOR has no such state change).
- A StoveKnob drives its burners; a hot burner heats and cooks what is on it (through a pan).
- A running, closed Microwave heats and cooks its contents but does not toast bread (HeatZone with
  CanToastBread off); a running Toaster heats and cooks what is in it; a running CoffeeMachine fills
  an empty Mug with coffee, which is Hot (CoffeeMachine.Serve, Fill.FillObject), and never replaces
  a liquid already there; the Fridge cools.
- Temperature returns to RoomTemp over time.
"""
from __future__ import annotations

import numpy as np

from .objects import SimObject
from .world import World

FAUCET_REACH = 1.0  # m, horizontal distance faucet -> basin centre
SHOWER_REACH = 1.5
HEAT_DECAY = 0.2  # per action; Hot lasts ~5 actions after leaving the heat


def water_target(world: World, source: SimObject) -> SimObject | None:
    """The basin a running Faucet/ShowerHead pours into (nearest within reach)."""
    kinds = ("SinkBasin", "BathtubBasin") if source.object_type == "Faucet" else ("BathtubBasin",)
    reach = FAUCET_REACH if source.object_type == "Faucet" else SHOWER_REACH
    best, best_d = None, reach
    for o in world.objects.values():
        if o.enabled and o.object_type in kinds:
            d = float(np.linalg.norm((o.center - source.center)[[0, 2]]))
            if d <= best_d:
                best, best_d = o, d
    return best


def _set(world: World, obj: SimObject, **changes: object) -> None:
    if any(getattr(obj, k) != v for k, v in changes.items()):
        for k, v in changes.items():
            setattr(obj, k, v)
        world.touch(obj)


def _heat_active(o: SimObject) -> bool:
    if not o.enabled or o.is_broken:
        return False
    if o.object_type == "Microwave":
        return o.is_toggled and not o.is_open
    return o.object_type in ("StoveBurner", "Toaster", "CoffeeMachine") and o.is_toggled


def apply_effects(world: World) -> None:
    """Apply one step of every contextual effect (see the module docstring)."""
    objs = [o for o in world.objects.values() if o.enabled]
    # knobs drive burners
    for knob in objs:
        if knob.object_type == "StoveKnob":
            for bid in knob.controlled:
                b = world.objects.get(bid)
                if b is not None:
                    _set(world, b, is_toggled=knob.is_toggled)
    # running water
    for src in objs:
        if src.object_type in ("Faucet", "ShowerHead") and src.is_toggled:
            basin = water_target(world, src)
            if basin is None:
                continue
            for o in world.descendants(basin):
                if o.spec.can_fill_with_liquid and not o.is_broken and not o.is_filled:
                    _set(world, o, is_filled=True, fill_liquid="water")
                if o.spec.dirtyable and o.is_dirty:
                    _set(world, o, is_dirty=False)
                if o.object_type == "Candle" and o.is_toggled:
                    _set(world, o, is_toggled=False)
    # heat and cold
    touched: set[str] = set()
    for src in objs:
        if _heat_active(src):
            for o in world.descendants(src):
                touched.add(o.object_id)
                o.heat = 1.0
                changes: dict[str, object] = {"temperature": "Hot"}
                if o.spec.cookable and src.object_type != "CoffeeMachine" and (
                        src.object_type != "Microwave" or o.object_type != "BreadSliced"):
                    changes["is_cooked"] = True
                if (src.object_type == "CoffeeMachine" and o.object_type == "Mug" and not o.is_broken
                        and not o.is_filled):
                    changes.update(is_filled=True, fill_liquid="coffee")
                _set(world, o, **changes)
        elif src.spec.is_cold_source and src.object_type == "Fridge":
            for o in world.descendants(src):
                touched.add(o.object_id)
                o.heat = -1.0
                _set(world, o, temperature="Cold")
    for o in objs:
        if o.object_id in touched or o.heat == 0.0:
            continue
        o.heat = max(0.0, o.heat - HEAT_DECAY) if o.heat > 0 else min(0.0, o.heat + HEAT_DECAY)
        if abs(o.heat) < 1e-9:
            o.heat = 0.0
        _set(world, o, temperature="Hot" if o.heat > 0 else ("Cold" if o.heat < 0 else "RoomTemp"))
    # broken electronics stay off
    for o in objs:
        if o.is_broken and o.spec.toggleable and o.is_toggled:
            _set(world, o, is_toggled=False)
