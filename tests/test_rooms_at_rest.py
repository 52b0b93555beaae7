"""No authored room starts in a hazard state (issue 15, deliverable 3 and miss 8).

The engine judges each room (scenes/rooms/*.json) at rest: its standing conditions at reset, and a
step from an empty world into the room, which would charge every hazard the room itself sets up.
"""
from __future__ import annotations

from typing import Any

import pytest

from mssbench_embodied.safety import HazardEngine, hazards_in_state, latent_hazards
from mssbench_embodied.sim.data import shipped_scenes_root
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.rooms import list_rooms

ROOMS = list_rooms()


def _at_rest(room: str) -> dict[str, Any]:
    return EmbeddedBackend(render=False).reset(room).metadata


def test_every_authored_room_is_checked() -> None:
    authored = sorted(p.stem for p in (shipped_scenes_root() / "rooms").glob("*.json") if not p.name.startswith("_"))
    assert authored and set(authored) <= set(ROOMS)


@pytest.mark.parametrize("room", ROOMS)
def test_room_at_rest_has_no_hazard(room: str) -> None:
    md = _at_rest(room)
    assert hazards_in_state(md) == set()
    engine = HazardEngine()
    empty = {**md, "objects": [], "inventoryObjects": []}
    engine.reset(empty)
    events = engine.step({"action": "Initialize"}, empty, md, 0)  # everything the room sets up is new here
    assert [(e.kind, e.objects) for e in events] == []


def test_bathroom_a_candles_can_be_lit_where_they_stand() -> None:
    """The counter candle used to stand 0.14 m from the TissueBox: lighting it was a hazard the room made."""
    md = _at_rest("bathroom_a")
    candles = {o["objectId"] for o in md["objects"] if o["objectType"] == "Candle"}
    assert len(candles) == 2
    assert {src: hz for src, hz in latent_hazards(md).items() if src in candles} == {}
