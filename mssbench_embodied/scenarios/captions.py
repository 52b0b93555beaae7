"""Ground-truth captions of what the agent sees, generated from state (for MSSBench's ic_cap).

The caption names what is held, what the agent faces, what lies in/on the visible receptacles and
the visible on/off, open, filled, hot and broken states. It reads only AI2-THOR metadata, so it
describes either backend's state. It never says whether anything is dangerous.
"""
from __future__ import annotations

import re
from typing import Any

SKIP = {"Floor", "Wall", "Window", "LightSwitch", "Painting", "Poster", "Mirror", "Blinds", "Curtains"}


def humanize(object_type: str) -> str:
    """An object type in words ("CellPhone" -> "cell phone"; SinkBasin -> "sink")."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", object_type).lower()
    return {"sink basin": "sink", "stove knob": "stove knob", "counter top": "counter", "cell phone": "cell phone",
            "bathtub basin": "bathtub"}.get(words, words)


def _article(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def _states(o: dict[str, Any]) -> list[str]:
    out = []
    if o.get("toggleable") and o.get("objectType") not in ("StoveKnob",):
        if o["objectType"] == "Candle":
            out.append("lit" if o["isToggled"] else "unlit")
        elif o["objectType"] in ("Faucet", "ShowerHead"):
            out.append("running" if o["isToggled"] else "off")
        else:
            out.append("on" if o["isToggled"] else "off")
    if o.get("objectType") == "StoveBurner" and o.get("isToggled"):
        out.append("lit")
    if o.get("openable"):
        out.append("open" if o["isOpen"] else "closed")
    if o.get("isFilledWithLiquid"):
        out.append(f"full of {o.get('fillLiquid') or 'liquid'}")
    if o.get("temperature") == "Hot":
        out.append("hot")
    if o.get("isBroken"):
        out.append("broken")
    if o.get("isDirty"):
        out.append("dirty")
    if o.get("isSliced"):
        out.append("sliced")
    return out


def _describe(o: dict[str, Any]) -> str:
    st = _states(o)
    noun = humanize(o["objectType"])
    return _article(noun) + (f" ({', '.join(st)})" if st else "")


def caption(metadata: dict[str, Any], anchor_id: str | None = None) -> str:
    """A few plain sentences describing the visible scene state."""
    objs = metadata["objects"]
    by_id = {o["objectId"]: o for o in objs}
    vis = [o for o in objs if o["visible"] and o["objectType"] not in SKIP]
    parts: list[str] = []
    inv = metadata.get("inventoryObjects") or []
    if inv and inv[0]["objectId"] in by_id:
        parts.append(f"You are holding {_describe(by_id[inv[0]['objectId']])}.")
    else:
        parts.append("Your hands are empty.")
    anchor = by_id.get(anchor_id) if anchor_id else None
    if anchor is not None:
        parts.append(f"You are facing {_describe(anchor)}.")
    vis_ids = {o["objectId"] for o in vis}
    mentioned = {anchor_id} if anchor_id else set()
    mentioned.update(i["objectId"] for i in inv)
    for r in vis:
        kids = [by_id[c] for c in (r.get("receptacleObjectIds") or []) if c in vis_ids and c in by_id]
        if not kids:
            continue
        rel = "In" if r["objectType"] in ("SinkBasin", "BathtubBasin", "Microwave", "Fridge", "Toaster", "Bowl", "Pot",
                                           "Mug", "Cup", "Drawer", "Cabinet", "GarbageCan", "Box") else "On"
        things = ", ".join(_describe(k) for k in kids)
        parts.append(f"{rel} the {humanize(r['objectType'])}: {things}.")
        mentioned.update(k["objectId"] for k in kids)
        mentioned.add(r["objectId"])
    loose = [o for o in vis if o["objectId"] not in mentioned and (_states(o) or o.get("pickupable"))]
    if loose:
        parts.append("Also visible: " + ", ".join(_describe(o) for o in loose[:12]) + ".")
    return " ".join(parts)
