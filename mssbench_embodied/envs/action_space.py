"""Action modes of the situation env: high-level (verb x object slot), text, navigation.

Verbs, their order and their text aliases come from scenarios/verbs.py.
high_level: Discrete(len(HIGH_LEVEL)). Index i is HIGH_LEVEL[i] = (verb, object type or None):
    for each verb in OBJECT_VERBS, one action per type in OBJECT_SLOTS (verb-major order),
    then (verb, None) for each verb in FREE_VERBS: drop, throw, refuse, done.
navigation: Discrete(len(NAVIGATION)): the AI2-THOR moves in NAV_MOVES, then OBJECT_VERBS offered
    in navigation mode (all but goto) x OBJECT_SLOTS on visible objects, then FREE_VERBS.
text: a string such as "Toggle Faucet" (MSSBench's Goto/Place/Toggle/Drop, or our wider verbs).
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..scenarios.verbs import FREE_VERBS as FREE_VERBS
from ..scenarios.verbs import OBJECT_VERBS as OBJECT_VERBS
from ..scenarios.verbs import TABLE, VERB, VERBS, VerbTable
from ..sim.actions import MOVES

OBJECT_SLOTS: tuple[str, ...] = (
    "AlarmClock", "AluminumFoil", "Apple", "ArmChair", "BathtubBasin", "Bed", "Book", "Bottle", "Bowl", "Bread",
    "BreadSliced", "ButterKnife", "Candle", "CellPhone", "Cloth", "CoffeeMachine", "CoffeeTable", "CounterTop",
    "Desk", "DiningTable", "DishSponge", "Drawer", "Egg", "Faucet", "Floor", "Fork", "Fridge", "GarbageCan",
    "HandTowel", "Kettle", "Knife", "Laptop", "Lettuce", "Microwave", "Mug", "Newspaper", "Pan",
    "PaperTowelRoll", "Pillow", "Plate", "Pot", "Potato", "RemoteControl", "ShowerHead", "SideTable",
    "SinkBasin", "SoapBar", "SoapBottle", "Sofa", "Spatula", "Spoon", "SprayBottle", "Statue", "StoveBurner",
    "StoveKnob", "TeddyBear", "TissueBox", "Toaster", "Tomato", "Towel", "Vase", "Watch", "WateringCan",
    "Window", "WineBottle",
)
NAV_MOVES: tuple[str, ...] = MOVES
Action = tuple[str, str | None]  # (verb or move, object type or None)


def high_level_actions(table: VerbTable = TABLE, slots: tuple[str, ...] = OBJECT_SLOTS) -> tuple[Action, ...]:
    """The high_level mode's actions: object verbs x slots (verb-major), then the free verbs."""
    return tuple([(v, t) for v in table.object_verbs for t in slots] + [(v, None) for v in table.free_verbs])


def navigation_mode_actions(table: VerbTable = TABLE, slots: tuple[str, ...] = OBJECT_SLOTS,
                            moves: tuple[str, ...] = NAV_MOVES) -> tuple[Action, ...]:
    """The navigation mode's actions: moves, object verbs offered there x slots, then the free verbs."""
    return tuple([(m, None) for m in moves]
                 + [(v, t) for v in table.object_verbs if table.by_name[v].navigation_mode for t in slots]
                 + [(v, None) for v in table.free_verbs])


HIGH_LEVEL: tuple[Action, ...] = high_level_actions()
HIGH_LEVEL_INDEX = {a: i for i, a in enumerate(HIGH_LEVEL)}
NAVIGATION: tuple[Action, ...] = navigation_mode_actions()

# text mode: MSSBench's four verbs and our wider set -> skill verbs
TEXT_VERBS: dict[str, str] = TABLE.text_aliases
_VERB_HINT = "/".join(v.word for v in VERBS if v.paper) + " or " + "/".join(v.word for v in VERBS if not v.paper)
SYNONYMS: dict[str, str] = {
    "sink": "SinkBasin", "tap": "Faucet", "stove": "StoveKnob", "burner": "StoveBurner", "stoveknob": "StoveKnob",
    "knob": "StoveKnob", "fridge": "Fridge", "refrigerator": "Fridge", "counter": "CounterTop", "phone": "CellPhone",
    "cellphone": "CellPhone", "remote": "RemoteControl", "couch": "Sofa", "shower": "ShowerHead", "tub": "BathtubBasin",
    "bathtub": "BathtubBasin", "table": "DiningTable", "towel": "Towel", "foil": "AluminumFoil", "tv": "Television",
    "oven": "Microwave", "bin": "GarbageCan", "trash": "GarbageCan", "sponge": "DishSponge", "soap": "SoapBar",
    "bread": "Bread", "toast": "BreadSliced", "slice": "BreadSliced", "kettle": "Kettle",
}
_SLOT_KEYS = {t.lower(): t for t in OBJECT_SLOTS}


def object_from_text(text: str) -> str | None:
    """Object type named in free text ("the cell phone", "CellPhone|+00.1|...", "sink")."""
    s = text.strip().split("|")[0]
    key = re.sub(r"[^a-z]", "", s.lower().removeprefix("the ").removeprefix("a "))
    key = re.sub(r"^(the|a|an)", "", key) if key not in _SLOT_KEYS else key
    if key in _SLOT_KEYS:
        return _SLOT_KEYS[key]
    if key in SYNONYMS:
        return SYNONYMS[key]
    from ..sim.types import OBJECT_TYPES

    for t in OBJECT_TYPES:
        if t.lower() == key:
            return t
    return None


def parse_text_action(text: str) -> tuple[str, str | None] | str:
    """("verb", type or None) from a text action, or an error message string."""
    if not isinstance(text, str) or not text.strip():
        return "empty action"
    s = re.sub(r"^\s*(?:\d+[.)]|[-*])\s*", "", text.strip()).strip().rstrip(".")
    s = re.sub(r"[()\[\],:]", " ", s)
    words = s.split()
    verb, rest = None, []
    for n in (3, 2, 1):  # "go to", "turn on", "pick up", "toggle off", "Toggle"
        if len(words) >= n:
            key = re.sub(r"[^a-z]", "", "".join(words[:n]).lower())
            if key in TEXT_VERBS:
                verb, rest = TEXT_VERBS[key], words[n:]
                break
            if key.endswith("to") and key[:-2] in TEXT_VERBS:
                verb, rest = TEXT_VERBS[key[:-2]], words[n:]
                break
    if verb is None:
        return f"unknown action verb in {text!r}; use {_VERB_HINT}"
    if rest and rest[0].lower() in ("on", "off", "up", "to", "into", "onto"):
        if rest[0].lower() == "off" and verb == "toggle_on":
            verb = "toggle_off"
        rest = rest[1:]
    spec = VERB[verb]
    if spec.arity == "none":
        return verb, None
    if spec.target_after_prep:  # "Put the mug in the Microwave": the receptacle follows the preposition
        preps = [i for i, w in enumerate(rest) if w.lower() in ("in", "into", "on", "onto", "over", "inside")]
        if preps:
            rest = rest[preps[-1] + 1:]
    arg = " ".join(rest)
    if not arg:
        return (verb, None) if spec.arity == "optional" else f"{verb} needs an object, e.g. '{verb} Faucet'"
    obj = object_from_text(arg)
    if obj is None:
        return f"unknown object {arg!r} in {text!r}"
    return verb, obj


def action_index(action: Any, n: int) -> int:
    """A Discrete(n) action as an int; ValueError for anything outside the space.

    Accepted: ``int`` and numpy integer scalars or 0-d integer arrays in ``[0, n)``. Rejected: bools,
    floats (even 2.0, and inf or nan), strings ("5") and any other type, and indices out of range."""
    if isinstance(action, np.ndarray) and action.shape == ():
        action = action[()]
    if isinstance(action, (bool, np.bool_)) or not isinstance(action, (int, np.integer)):
        raise ValueError(f"a Discrete({n}) action must be an integer in [0, {n}) (int, numpy integer or "
                         f"0-d integer array), not {type(action).__name__} {action!r:.60}")
    if not 0 <= action < n:
        raise ValueError(f"action {int(action)} is outside the action space Discrete({n}): [0, {n})")
    return int(action)


def _visible(md: dict[str, Any], t: str) -> list[dict[str, Any]]:
    return [o for o in md["objects"] if o["objectType"] == t and o["visible"] and o["isInteractable"]]


def verb_possible(md: dict[str, Any], verb: str, t: str | None) -> bool:
    """Would this skill's preconditions hold in this state? (used for action masks)"""
    inv = md["inventoryObjects"]
    held = inv[0] if inv else None
    if verb in VERB and VERB[verb].terminal:
        return True
    if verb in ("drop", "throw"):
        return held is not None
    assert t is not None
    if verb == "goto":
        return any(o["objectType"] == t and not o["isPickedUp"] for o in md["objects"])
    vis = _visible(md, t)
    if verb == "pickup":
        return held is None and any(o["pickupable"] for o in vis)
    if verb == "put":
        return held is not None and any(o["receptacle"] and o["objectId"] != held["objectId"] and
                                        (not o["openable"] or o["isOpen"]) for o in vis)
    if verb == "open":
        return any(o["openable"] and not o["isOpen"] and not (o["objectType"] == "Microwave" and o["isToggled"])
                   for o in vis)
    if verb == "close":
        return any(o["openable"] and o["isOpen"] for o in vis)
    if verb == "toggle_on":
        return any(o["toggleable"] and not o["isToggled"] and not o["isBroken"] and
                   not (o["objectType"] == "Microwave" and o["isOpen"]) for o in vis)
    if verb == "toggle_off":
        return any(o["toggleable"] and o["isToggled"] for o in vis)
    if verb == "slice":
        return held is not None and held["objectType"] in ("Knife", "ButterKnife") and any(
            o["sliceable"] and not o["isSliced"] for o in vis)
    held_obj = next((o for o in md["objects"] if held and o["objectId"] == held["objectId"]), None)  # pour, fill
    if verb == "pour":
        return (held is not None and bool(held_obj and held_obj["isFilledWithLiquid"])
                and any(o["objectId"] != held["objectId"] for o in vis))
    if verb == "fill":
        faucet = _visible(md, "Faucet")
        if not faucet or any(f["isToggled"] for f in faucet):
            return False
        if held_obj is not None and held_obj["objectType"] == t:
            return bool(held_obj["canFillWithLiquid"])
        return False
    return False
