"""ProcTHOR house JSON -> one room as a RoomSpec (sim/procthor.py), and reset(house) on the embedded backend
(the whole house: tests/test_procthor_house.py)."""
from __future__ import annotations

import copy
import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from thor_data import PROCTHOR

from mssbench_embodied.sim import procthor
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.notes import clear_notes
from mssbench_embodied.sim.procthor import HouseError, convert_house, house_to_room, is_house
from mssbench_embodied.sim.rooms import FLOOR_ID, RoomSpecError, load_room


@pytest.fixture(scope="module")
def house() -> dict[str, Any]:
    return json.loads(PROCTHOR.read_text(encoding="utf-8"))


def _walk(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for o in objs:
        out.append(o)
        out.extend(_walk(o.get("children", [])))
    return out


def test_default_room_is_the_agents(house: dict[str, Any]) -> None:
    load = convert_house(house)
    spec = load.spec
    assert load.room_id == "room|2" and spec.room_type == "kitchen"
    b = spec.bounds
    assert (b.x_min, b.x_max, b.z_min, b.z_max) == (8.767, 15.781, 0.0, 5.26)
    assert spec.wall_height == pytest.approx(2.6135, abs=1e-3)
    assert (spec.agent.position.x, spec.agent.position.z, spec.agent.yaw, spec.agent.horizon) == (12.5, 2.5, 90, 30)
    assert any("door" in d for d in load.dropped) and any("room|3" in d for d in load.dropped)
    assert "dropped" in spec.source


def test_objects_keep_ids_asset_ids_and_children(house: dict[str, Any]) -> None:
    spec = house_to_room(house)
    fridge = spec.object("Fridge|2|1")
    assert fridge.asset_id == "Fridge_5" and fridge.parents == [FLOOR_ID]
    assert fridge.bottom == pytest.approx(0.0, abs=1e-6)  # floor-standing: as tall as twice its centre height
    assert fridge.size.y == pytest.approx(2 * 0.8464, abs=0.01)
    assert spec.object("Apple|surface|2|2").parents == ["Fridge|2|1"]  # a child in the fridge
    counter = spec.object("CounterTop|2|0")
    kids = [o for o in spec.objects if o.parents == ["CounterTop|2|0"]]
    assert len(kids) == 14
    for k in kids:  # children rest on the counter's top, inside its footprint
        assert k.bottom == pytest.approx(counter.top, abs=1e-6)
        assert abs(k.center.x - counter.center.x) <= counter.size.x / 2 + 1e-9
        assert abs(k.center.z - counter.center.z) <= counter.size.z / 2 + 1e-9
    raw_ids = {o["id"] for o in _walk(house["objects"])}
    assert {o.object_id for o in spec.objects} - raw_ids == {FLOOR_ID, "window|2|0"}
    window = spec.object("window|2|0")
    assert window.object_type == "Window" and window.asset_id == "Window_Hung_32x60"
    assert spec.bounds.contains(window.center.x, window.center.z)
    assert window.center.z - window.size.z / 2 == pytest.approx(0.0, abs=1e-9)  # flush with the z = 0 wall


def test_states_and_unknown_types(house: dict[str, Any]) -> None:
    lamp = house_to_room(house, "room|5").object("FloorLamp|5|3")
    assert lamp.state == {"isToggled": True}
    laptop = house_to_room(house, "room|10").object("Laptop|surface|10|85")
    assert laptop.state["openness"] == pytest.approx(0.5062, abs=1e-4) and laptop.state["isOpen"] is True
    assert house_to_room(house, "room|6").object("Bed|6|0|0").state == {"isDirty": True}
    bath = convert_house(house, "room|11")
    assert any("WashingMachine|11|3" in d and "unknown" in d for d in bath.dropped)
    assert "WashingMachine|11|3" not in {o.object_id for o in bath.spec.objects}


@pytest.mark.parametrize("rid", [f"room|{i}" for i in range(2, 12)])
def test_every_room_loads_and_steps(house: dict[str, Any], rid: str) -> None:
    spec = house_to_room(house, rid)
    be = EmbeddedBackend(render=False)
    ev = be.reset(spec)
    md = ev.metadata
    assert md["lastActionSuccess"] and len(md["objects"]) == len(spec.objects)
    start = dict(md["agent"]["position"])
    moved = be.step({"action": "MoveAhead"}).metadata
    assert moved["lastActionSuccess"] == (moved["agent"]["position"] != start)
    assert len(be.step({"action": "GetReachablePositions"}).metadata["actionReturn"]) > 0


def test_reset_with_the_house_dict_renders_and_notes_once(house: dict[str, Any]) -> None:
    clear_notes()
    be = EmbeddedBackend(width=128, height=128, renderer="numpy")
    with pytest.warns(UserWarning, match=r"ProcTHOR house: loaded 10 rooms, \d+ wall pieces, 8 doors"):
        ev = be.reset(house)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        be.reset(house)  # the note is given once
    md = ev.metadata
    assert md["sceneName"] == "Procedural"  # the whole house (tests/test_procthor_house.py)
    assets = {o["objectId"]: o["assetId"] for o in md["objects"]}
    assert assets["Fridge|2|1"] == "Fridge_5" and assets["Egg|surface|2|4"] == "Egg_6"
    frame = ev.frame
    assert frame is not None and frame.shape == (128, 128, 3) and len(np.unique(frame.reshape(-1, 3), axis=0)) > 10
    assert "Fridge|2|1" in ev.instance_masks and ev.instance_masks["Fridge|2|1"].sum() > 100


def _bad(house: dict[str, Any], edit: Any) -> str:
    h = copy.deepcopy(house)
    edit(h)
    with pytest.raises(HouseError) as ei:
        convert_house(h)
    assert ei.value.__cause__ is None and (ei.value.__context__ is None or ei.value.__suppress_context__)
    return str(ei.value)


def test_malformed_houses_name_the_field(house: dict[str, Any]) -> None:
    assert "missing required field 'objects'" in _bad(house, lambda h: h.pop("objects"))
    assert "objects: expected a list, got dict" in _bad(house, lambda h: h.update(objects={}))
    msg = _bad(house, lambda h: h["objects"][3]["position"].update(x=math.nan))
    assert "objects[3].position.x: not a finite number (nan)" in msg
    msg = _bad(house, lambda h: h["objects"][0]["children"][1]["position"].update(y="high"))
    assert "objects[0].children[1].position.y: not a finite number ('high')" in msg
    assert "objects[2].position: missing required field 'z'" in _bad(
        house, lambda h: h["objects"][2]["position"].pop("z"))
    assert "objects[4].physics: unsupported field" in _bad(house, lambda h: h["objects"][4].update(physics=1))
    assert "top level.skybox: unsupported field" in _bad(house, lambda h: h.update(skybox="x"))
    assert "rooms[1].roomType: unsupported room type 'Garage'" in _bad(
        house, lambda h: h["rooms"][1].update(roomType="Garage"))
    assert "rooms[0].floorPolygon: needs at least 3 points" in _bad(
        house, lambda h: h["rooms"][0].update(floorPolygon=[]))
    assert "walls[5].polygon[0].x" in _bad(house, lambda h: h["walls"][5]["polygon"][0].update(x=math.inf))
    assert "windows[0].lintel: unsupported field" in _bad(house, lambda h: h["windows"][0].update(lintel=1))
    assert "objects[1].openness: must be within [0, 1]" in _bad(house, lambda h: h["objects"][1].update(openness=2))
    assert "objects[1].isOn: expected true/false" in _bad(house, lambda h: h["objects"][1].update(isOn="yes"))
    assert "objects[0].id: expected a non-empty string" in _bad(house, lambda h: h["objects"][0].update(id=7))
    assert "rooms: the house has no rooms" in _bad(house, lambda h: h.update(rooms=[]))
    with pytest.raises(HouseError, match=r"no room 'room\|99' \(rooms: room\|2, room\|3"):
        convert_house(house, "room|99")
    with pytest.raises(HouseError, match="top level: expected an object, got list"):
        convert_house([house])


def test_backend_reset_errors_are_clear(house: dict[str, Any]) -> None:
    be = EmbeddedBackend(render=False)
    h = copy.deepcopy(house)
    h["objects"][0]["position"]["x"] = math.nan
    with pytest.raises(RoomSpecError, match=r"<house>: objects\[0\].position.x: not a finite number"):
        be.reset(h)
    del h["walls"]  # still taken for a house, so the error names the missing field
    with pytest.raises(RoomSpecError, match="<house>: top level: missing required field 'walls'"):
        be.reset(h)
    assert is_house(house) and is_house({"rooms": []}) and not is_house("rooms")
    assert not is_house({"sceneName": "x", "objects": []})


def test_rooms_without_the_agent_start_at_a_free_spot(house: dict[str, Any]) -> None:
    load = convert_house(house, "room|3")  # a rectangle given with 5 corners; the agent is elsewhere
    assert not any("rectangle" in d for d in load.dropped) and any("agent pose" in d for d in load.dropped)
    spec, p = load.spec, load.spec.agent.position
    assert spec.bounds.contains(p.x, p.z, margin=0.25)
    for o in spec.objects:
        if o.object_type != "Floor" and o.bottom < 1.0:  # not standing inside anything
            assert abs(p.x - o.center.x) >= o.size.x / 2 or abs(p.z - o.center.z) >= o.size.z / 2, o.object_id
    h = copy.deepcopy(house)
    del h["metadata"]
    assert convert_house(h).room_id == "room|2"  # no agent: the first room


def test_cli_writes_a_room_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r5.json"
    assert procthor.main([str(PROCTHOR), str(out), "--room", "room|5"]) == 0
    assert "room|5, living_room" in capsys.readouterr().out
    assert load_room(out).object("FloorLamp|5|3").asset_id == "Floor_Lamp_23"
    bad = tmp_path / "bad.json"
    bad.write_text('{"rooms": [], "walls": [], "objects": []}', encoding="utf-8")
    assert procthor.main([str(bad), str(out)]) == 1
    assert "rooms: the house has no rooms" in capsys.readouterr().out
