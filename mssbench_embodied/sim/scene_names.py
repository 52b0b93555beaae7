"""What the embedded backend's ``reset(scene)`` accepts, resolved to a RoomSpec.

* a RoomSpec, a room name (scenes/rooms), a room JSON path, or a parsed room JSON / metadata dump dict;
* the ``sceneName`` of a room in the library (a captured room, e.g. ``iTHOR_Kitchen_Val_09``);
* an iTHOR name ``FloorPlan<N>`` (``_physics`` suffix allowed): N in 1-30 kitchen, 201-230 living
  room, 301-330 bedroom, 401-430 bathroom. A library room captured from that very scene (its
  ``sceneName`` is the FloorPlan name) is used as is; otherwise the N-th bundled room of that type,
  cyclically, with a one-time ``UserWarning`` naming the room used;
* a ProcTHOR house dict: the whole house (sim/procthor_house.py: every room, walls with their
  doorways, windows, objects), with a one-time note on what was dropped. One room of it as a plain
  room: ``sim.procthor.house_to_room(house, "room|3")``.

RoboTHOR (``FloorPlan_Train1_1``, ``FloorPlan_Val2_3``, ...) and ArchitecTHOR names raise a
RoomSpecError: those are multi-room apartments with no bundled counterpart. Anything else raises
a RoomSpecError naming the scene (TypeError for a value of the wrong type).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from .notes import note_once
from .procthor import is_house
from .procthor_house import load_house
from .rooms import RoomSpec, RoomSpecError, RoomType, list_rooms, load_room, parse_room

ITHOR_RE = re.compile(r"^FloorPlan(\d+)(_physics)?$")
ROBOTHOR_RE = re.compile(r"^FloorPlan_(Train|Val|test-dev|test-challenge)[\w-]*$|^ArchitecTHOR", re.IGNORECASE)
ITHOR_RANGES: dict[RoomType, range] = {"kitchen": range(1, 31), "living_room": range(201, 231),
                                       "bedroom": range(301, 331), "bathroom": range(401, 431)}


def ithor_room_type(name: str) -> RoomType | None:
    """The room type of an iTHOR scene name (``FloorPlan12`` -> kitchen), or None if it is not one."""
    m = ITHOR_RE.match(name)
    if m is None:
        return None
    n = int(m.group(1))
    return next((t for t, r in ITHOR_RANGES.items() if n in r), None)


def _library() -> list[tuple[str, RoomSpec]]:
    out = []
    for name in list_rooms():
        try:
            out.append((name, load_room(name)))
        except RoomSpecError:
            continue  # a broken file in a user's library does not hide the others
    return out


def floorplan_room(name: str) -> tuple[str, bool]:
    """(library room name, captured) for an iTHOR FloorPlan name; RoomSpecError if there is none."""
    rtype = ithor_room_type(name)
    if rtype is None:
        ranges = ", ".join(f"{r.start}-{r.stop - 1} {t}" for t, r in ITHOR_RANGES.items())
        raise RoomSpecError(f"scene {name!r}: not an iTHOR scene number (iTHOR: FloorPlan<N>, N in {ranges})")
    base = name.removesuffix("_physics")
    library = _library()
    for room_name, spec in library:
        if spec.scene_name.removesuffix("_physics") == base:
            return room_name, True
    same = sorted(n for n, spec in library if spec.room_type == rtype)
    if not same:
        raise RoomSpecError(f"scene {name!r}: no bundled {rtype} room to stand in for it")
    n = int(ITHOR_RE.match(name).group(1))  # type: ignore[union-attr]
    return same[(n - ITHOR_RANGES[rtype].start) % len(same)], False


def resolve(scene: Any) -> RoomSpec:
    """The RoomSpec the embedded backend loads for ``scene`` (see the module doc)."""
    if isinstance(scene, RoomSpec):
        return scene
    if isinstance(scene, dict):
        if is_house(scene):
            load = load_house(scene, where="<house>")
            digest = hashlib.sha1(json.dumps(scene, sort_keys=True, default=str).encode()).hexdigest()
            lay = load.layout
            note_once(f"house:{digest}",
                      f"ProcTHOR house: loaded {len(lay.rooms)} rooms, {len(lay.walls)} wall pieces, {len(lay.doors)} "
                      f"doors, {len(load.spec.objects)} objects; dropped: {'; '.join(load.dropped) or 'nothing'}")
            return load.spec
        return parse_room(scene, "<scene dict>")
    if isinstance(scene, Path):
        return load_room(scene)
    if not isinstance(scene, str):
        raise TypeError(f"scene must be a room name, FloorPlan name, path, RoomSpec or ProcTHOR house dict, "
                        f"not {type(scene).__name__}")
    if not scene.strip():
        raise RoomSpecError("scene '': empty scene name")
    if scene.lstrip().startswith("{"):
        raise RoomSpecError("scene: a JSON string was given; pass the parsed dict (json.loads) instead")
    if any(len(part) > 255 for part in Path(scene).parts):
        raise RoomSpecError(f"scene {scene[:40]!r}...: not a room name or path (a name part over 255 characters)")
    if ROBOTHOR_RE.match(scene):
        raise RoomSpecError(f"scene {scene!r}: RoboTHOR/ArchitecTHOR scenes are not bundled with the embedded "
                            "backend; use an iTHOR FloorPlan name, a room name or a ProcTHOR house dict")
    if scene.startswith("FloorPlan"):
        room_name, captured = floorplan_room(scene)
        if not captured:
            note_once(f"floorplan:{scene}", f"{scene} is not bundled: using the {load_room(room_name).room_type} "
                                        f"room {room_name!r} in its place")
        return load_room(room_name)
    if scene in list_rooms() or Path(scene).suffix == ".json" or Path(scene).parent != Path("."):
        return load_room(scene)
    for room_name, spec in _library():
        if spec.scene_name == scene:
            return load_room(room_name)
    return load_room(scene)  # RoomSpecError: no such room (known: ...)
