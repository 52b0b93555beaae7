"""A whole ProcTHOR house (sim/procthor_house.py, sim/layout.py): rooms, walls with doorways, windows,
navigation between rooms, walls that block sight and are drawn, and clear errors for malformed houses."""
from __future__ import annotations

import collections
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
from mssbench_embodied.sim.actions.poses import walkable
from mssbench_embodied.sim.controller import Controller
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.procthor import HouseError
from mssbench_embodied.sim.procthor_house import WALL_THICKNESS, load_house
from mssbench_embodied.sim.rooms import RoomSpecError, load_room, room_to_json, write_room
from mssbench_embodied.sim.world import AGENT_RADIUS, AGENT_Y


@pytest.fixture(scope="module")
def house() -> dict[str, Any]:
    return json.loads(PROCTHOR.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def backend(house: dict[str, Any]) -> EmbeddedBackend:
    be = EmbeddedBackend(render=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        be.reset(house)
    return be


def _walk(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for o in objs:
        out.append(o)
        out.extend(_walk(o.get("children", [])))
    return out


def _teleport(be: EmbeddedBackend, x: float, z: float, yaw: float, horizon: float = 0.0) -> dict[str, Any]:
    return be.step(dict(action="TeleportFull", position=dict(x=x, y=AGENT_Y, z=z), rotation=dict(x=0, y=yaw, z=0),
                        horizon=horizon, standing=True)).metadata


def test_the_whole_house_loads(house: dict[str, Any]) -> None:
    load = load_house(house)
    spec, lay = load.spec, load.layout
    assert spec.scene_name == "Procedural" and spec.room_type == "kitchen"  # the agent starts in the kitchen
    assert [r.id for r in lay.rooms] == [r["id"] for r in house["rooms"]]
    b = spec.bounds
    assert (b.x_min, b.x_max, b.z_min, b.z_max) == (0.0, 15.781, 0.0, 17.535)
    # one Floor per room, named by the room id, as AI2-THOR names a house's floors
    floors = {o.object_id for o in spec.objects if o.object_type == "Floor"}
    assert floors == {r["id"] for r in house["rooms"]}
    # every door of the JSON; the front door (openness 0) is closed, the others are open
    assert {d.id for d in lay.doors} == {d["id"] for d in house["doors"]}
    assert [d.id for d in lay.doors if not d.open] == ["door|1|3"]
    # windows are Window objects with their asset ids, in their wall's line
    windows = {o.object_id: o for o in spec.objects if o.object_type == "Window"}
    assert set(windows) == {w["id"] for w in house["windows"]}
    assert windows["window|2|0"].asset_id == "Window_Hung_32x60" and windows["window|2|0"].center.z == 0.0
    # every object of every room whose type the table knows, with its assetId
    raw = {o["id"]: o for o in _walk(house["objects"])}
    ids = {o.object_id for o in spec.objects}
    assert set(raw) - ids == {"WashingMachine|11|3"}
    for o in spec.objects:
        if o.object_id in raw:
            assert o.asset_id == raw[o.object_id].get("assetId", "")
    assert spec.object("Fridge|2|1").asset_id == "Fridge_5"
    # the agent at the house's start pose
    a = spec.agent
    assert (a.position.x, a.position.z, a.yaw, a.horizon) == (12.5, 2.5, 90.0, 30.0)
    assert load.spec.house == lay


def test_objects_are_in_their_rooms(house: dict[str, Any]) -> None:
    load = load_house(house)
    spec, lay = load.spec, load.layout
    floors = {r.id for r in lay.rooms}
    by_id = {o.object_id: o for o in spec.objects}
    n_floor = 0
    for raw in house["objects"]:  # top-level objects: in the room whose floor holds their position
        o = by_id.get(raw["id"])
        if o is None:
            continue
        room = lay.room_at(raw["position"]["x"], raw["position"]["z"])
        assert room in floors and room == f"room|{raw['id'].split('|')[1]}", raw["id"]  # "Fridge|2|1": room|2
        if o.parents:
            assert o.parents == [room], o.object_id  # floor-standing: on its own room's Floor
            n_floor += 1
        assert lay.room_at(o.center.x, o.center.z) == room, o.object_id
    assert n_floor > 30
    assert spec.object("Fridge|2|1").parents == ["room|2"] and spec.object("Bed|6|0|0").parents == ["room|6"]


def test_no_object_box_reaches_through_a_wall(house: dict[str, Any]) -> None:
    lay = load_house(house).layout
    spec = load_house(house).spec
    walls = [(np.subtract(w.center, np.divide(w.size, 2)), np.add(w.center, np.divide(w.size, 2))) for w in lay.walls]
    for o in spec.objects:
        if o.object_type in ("Floor", "Window"):
            continue
        lo, hi = o.center.as_array() - o.size.as_array() / 2, o.center.as_array() + o.size.as_array() / 2
        for wlo, whi in walls:
            ax = 0 if whi[0] - wlo[0] < whi[2] - wlo[2] else 2
            if np.all(lo < whi) and np.all(wlo < hi):  # overlapping a wall: only within its thickness, one side
                assert lo[ax] >= wlo[ax] - 1e-9 or hi[ax] <= whi[ax] + 1e-9, o.object_id


def test_walls_are_cut_at_doors_and_windows(house: dict[str, Any]) -> None:
    lay = load_house(house).layout
    door = next(d for d in lay.doors if d.id == "door|2|3")  # kitchen <-> living room, in the z = 5.26 wall
    assert door.open and door.center[2] == pytest.approx(5.26)
    on_line = [w for w in lay.walls if abs(w.center[2] - 5.26) < 1e-6 and w.size[2] == WALL_THICKNESS]
    x0, x1 = door.center[0] - door.size[0] / 2, door.center[0] + door.size[0] / 2
    low = [w for w in on_line if w.center[1] - w.size[1] / 2 < 0.01]  # pieces standing on the floor
    assert all(w.center[0] + w.size[0] / 2 <= x0 + 1e-6 or w.center[0] - w.size[0] / 2 >= x1 - 1e-6 for w in low)
    assert sum(w.size[0] for w in low) == pytest.approx(15.781 - 8.767 - door.size[0], abs=1e-6)
    lintel = [w for w in on_line if w.center[1] - w.size[1] / 2 > 2.0]
    assert len(lintel) == 1 and lintel[0].size[0] == pytest.approx(door.size[0])
    # the wall between rooms 3 and 4 is "empty" in the JSON: an open boundary, no wall
    assert not [w for w in lay.walls if abs(w.center[0] - 8.767) < 1e-6 and 5.26 < w.center[2] < 8.767]
    # a wall shared by two rooms is built once
    assert len({(w.center, w.size) for w in lay.walls}) == len(lay.walls)


def test_reachable_positions_span_the_rooms_through_doors(backend: EmbeddedBackend) -> None:
    pts = backend.step({"action": "GetReachablePositions"}).metadata["actionReturn"]
    lay = backend.world.layout
    assert lay is not None
    cells = {(round(p["x"], 2), round(p["z"], 2)) for p in pts}
    rooms = collections.Counter(lay.room_at(x, z) for x, z in cells)
    assert None not in rooms and set(rooms) == {r.id for r in lay.rooms}  # on a floor, in every room
    for x, z in cells:  # never inside (or within the agent's radius of) a wall
        assert not lay.blocked(x, z, AGENT_RADIUS - 1e-6)
    # a path on the grid from the kitchen to every room: through the doors
    start = (12.5, 2.5)
    seen, queue = {start}, collections.deque([start])
    while queue:
        x, z = queue.popleft()
        for dx, dz in ((0.25, 0), (-0.25, 0), (0, 0.25), (0, -0.25)):
            n = (round(x + dx, 2), round(z + dz, 2))
            if n in cells and n not in seen and walkable(backend.world, (x, z), n):
                seen.add(n)
                queue.append(n)
    assert {lay.room_at(x, z) for x, z in seen} == set(rooms)
    # nothing outside the house: the corner the kitchen's L leaves out is not floor
    assert lay.room_at(15.0, 1.0) is None and (15.0, 1.0) not in cells


def test_walking_through_a_door_and_into_a_wall(backend: EmbeddedBackend) -> None:
    lay = backend.world.layout
    assert lay is not None
    door = next(d for d in lay.doors if d.id == "door|2|3")
    md = _teleport(backend, 13.75, 4.5, 0.0)
    assert md["lastActionSuccess"] and lay.room_at(13.75, 4.5) == "room|2"
    for _ in range(6):
        md = backend.step({"action": "MoveAhead"}).metadata
        assert md["lastActionSuccess"], md["errorMessage"]
    p = md["agent"]["position"]
    assert p["z"] > door.center[2] and lay.room_at(p["x"], p["z"]) == "room|3"
    md = _teleport(backend, 11.75, 4.5, 0.0)  # in front of solid wall
    for _ in range(6):
        md = backend.step({"action": "MoveAhead"}).metadata
    assert not md["lastActionSuccess"] and md["agent"]["position"]["z"] < 5.26 - AGENT_RADIUS
    assert not walkable(backend.world, (11.75, 5.0), (11.75, 5.5))
    assert walkable(backend.world, (13.75, 5.0), (13.75, 5.5))
    assert not _teleport(backend, 11.75, 5.26, 0.0)["lastActionSuccess"]  # inside the wall
    assert not _teleport(backend, 15.0, 1.0, 0.0)["lastActionSuccess"]  # outside the floors


def test_a_dropped_object_lands_on_its_rooms_floor(house: dict[str, Any]) -> None:
    be = EmbeddedBackend(render=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        be.reset(house)
    # in the bathroom room|7, where the bounding box of the bedroom room|6's floor also reaches
    assert _teleport(be, 9.5, 13.0, 90.0, 30.0)["lastActionSuccess"]
    assert be.step(dict(action="PickupObject", objectId="Plunger|7|3", forceAction=True)).metadata["lastActionSuccess"]
    md = be.step(dict(action="DropHandObject")).metadata
    plunger = next(o for o in md["objects"] if o["objectId"] == "Plunger|7|3")
    assert md["lastActionSuccess"] and plunger["parentReceptacles"] == ["room|7"]


def test_walls_block_sight(backend: EmbeddedBackend) -> None:
    md = _teleport(backend, 11.75, 6.0, 180.0)  # living room, facing the kitchen's TV through the wall
    assert md["lastActionSuccess"]
    vis = {o["objectId"] for o in md["objects"] if o["visible"]}
    assert "Television|2|4" not in vis and "Painting|3|4" in vis  # the painting on this side is seen
    world = backend.world
    layout = world.layout
    try:  # without the walls the TV (0.8 m away) would be visible: the wall is what hides it
        world.layout, world._geom = None, None
        assert world.is_visible("Television|2|4")
    finally:
        world.layout, world._geom = layout, None
    assert not world.is_visible("Television|2|4")


@pytest.mark.parametrize("renderer", ["numpy"])
def test_frames_show_walls_and_the_doorway(house: dict[str, Any], renderer: str) -> None:
    be = EmbeddedBackend(width=96, height=96, renderer=renderer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        be.reset(house)
    _teleport(be, 10.0, 4.0, 0.0)  # facing the solid part of the kitchen's north wall, 1.26 m away
    wall = be.last_event
    assert wall.depth_frame is not None
    assert wall.depth_frame[48, 48] == pytest.approx(5.26 - 0.01 - 4.0, abs=0.05)
    seg, wall_rgb = wall.instance_segmentation_frame, list(be.color_of("Wall"))
    assert seg is not None and list(seg[48, 48]) == wall_rgb  # drawn as the Wall class, like the room shell
    _teleport(be, 13.75, 4.0, 0.0)  # facing the doorway: the living room beyond
    door = be.last_event
    assert door.depth_frame is not None and door.depth_frame[48, 48] > 3.0  # the far wall of the living room
    seg = door.instance_segmentation_frame
    assert seg is not None and list(seg[15, 48]) == wall_rgb  # the lintel over the doorway, 1.25 m away
    assert door.depth_frame[15, 48] == pytest.approx(1.25, abs=0.05)
    assert any(k.split("|")[1] == "3" for k in door.instance_masks if "|" in k)  # objects of the living room
    be.close()


def test_the_controller_loads_a_house(house: dict[str, Any]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = Controller(scene=house, width=64, height=64)
    try:
        md = c.last_event.metadata
        assert md["sceneName"] == "Procedural" and len(md["objects"]) == len(load_house(house).spec.objects)
        ev = c.step(action="GetReachablePositions")
        assert len(ev.metadata["actionReturn"]) > 2000
        bad = copy.deepcopy(house)
        bad["doors"][0]["wall0"] = "wall|nowhere"
        with pytest.raises(ValueError, match=r"doors\[0\]\.wall0: no wall 'wall\|nowhere'"):
            c.reset(bad)
    finally:
        c.stop()


def test_room_file_round_trip(house: dict[str, Any], tmp_path: Path) -> None:
    spec = load_house(house).spec
    back = load_room(write_room(spec, tmp_path / "house.json"))
    assert back == spec and back.house == spec.house
    assert "house" in room_to_json(spec) and "house" not in room_to_json(load_room("kitchen_b"))


def _bad(house: dict[str, Any], edit: Any) -> str:
    h = copy.deepcopy(house)
    edit(h)
    with pytest.raises(HouseError) as ei:
        load_house(h)
    assert ei.value.__cause__ is None and (ei.value.__context__ is None or ei.value.__suppress_context__)
    assert "\n" not in str(ei.value)
    return str(ei.value)


def _wall_index(h: dict[str, Any], wid: str) -> int:
    return next(i for i, w in enumerate(h["walls"]) if w["id"] == wid)


def test_malformed_houses_name_the_field(house: dict[str, Any]) -> None:
    assert "top level: missing required field 'rooms'" in _bad(house, lambda h: h.pop("rooms"))
    assert "rooms: the house has no rooms" in _bad(house, lambda h: h.update(rooms=[]))
    assert "rooms[2].floorPolygon: encloses no area" in _bad(house, lambda h: h["rooms"][2].update(
        floorPolygon=[{"x": 0, "y": 0, "z": 0}, {"x": 1, "y": 0, "z": 0}, {"x": 2, "y": 0, "z": 0}]))
    assert "rooms[1].floorPolygon: expected a list, got str" in _bad(
        house, lambda h: h["rooms"][1].update(floorPolygon="square"))
    assert "rooms[0].floorPolygon[1]: repeats the next point" in _bad(
        house, lambda h: h["rooms"][0]["floorPolygon"].insert(1, dict(h["rooms"][0]["floorPolygon"][1])))
    assert "rooms[3].id: duplicate room id 'room|2'" in _bad(house, lambda h: h["rooms"][3].update(id="room|2"))
    assert "walls[4].polygon[2].y: not a finite number (nan)" in _bad(
        house, lambda h: h["walls"][4]["polygon"][2].update(y=math.nan))
    assert "doors[1].wall0: no wall 'wall|6|missing'" in _bad(
        house, lambda h: h["doors"][1].update(wall0="wall|6|missing"))
    assert "doors[0].room1: no room 'room|77'" in _bad(house, lambda h: h["doors"][0].update(room1="room|77"))
    assert "windows[2].holePolygon: needs 2 corner points" in _bad(
        house, lambda h: h["windows"][2]["holePolygon"].pop())
    assert "doors[3].holePolygon: x 1.06303 -> 30 lies beyond wall" in _bad(
        house, lambda h: h["doors"][3]["holePolygon"][1].update(x=30))
    assert "doors[2].holePolygon: the second corner must lie above and after the first" in _bad(
        house, lambda h: h["doors"][2].update(holePolygon=h["doors"][2]["holePolygon"][::-1]))
    assert "doors[4].openness: not a finite number (inf)" in _bad(
        house, lambda h: h["doors"][4].update(openness=math.inf))
    assert "doors[0].hinge: unsupported field" in _bad(house, lambda h: h["doors"][0].update(hinge="left"))

    def skew(h: dict[str, Any]) -> None:
        h["walls"][0]["polygon"][1]["x"] += 0.5
        h["walls"][0]["polygon"][3]["x"] += 0.5

    def stretch(h: dict[str, Any]) -> None:  # a wall (and room) 150 m long
        for i in range(4):
            h["walls"][1]["polygon"][i]["x"] += 150.0 if h["walls"][1]["polygon"][i]["x"] > 9 else 0.0

    assert "walls[0].polygon: the wall is not axis-aligned (wall|2|8.77|0.00|8.77|5.26)" in _bad(house, skew)
    assert "walls[7].roomId: no room 'room|42'" in _bad(house, lambda h: h["walls"][7].update(roomId="room|42"))
    assert "rooms[0].floorPolygon[0].x: 5000.0 is beyond 1000" in _bad(
        house, lambda h: h["rooms"][0]["floorPolygon"][0].update(x=5000.0))
    assert "walls[1].polygon: the wall is longer or taller than 100 m (wall|2|8.77|5.26|15.78|5.26)" in _bad(
        house, stretch)
    msg = _bad(house, lambda h: h["metadata"]["agent"]["position"].update(x=math.nan))
    assert "metadata.agent.position.x: not a finite number (nan)" in msg


def test_reset_errors_are_clear(house: dict[str, Any]) -> None:
    be = EmbeddedBackend(render=False)
    h = copy.deepcopy(house)
    h["doors"][5]["wall1"] = "wall|8|gone"
    with pytest.raises(RoomSpecError, match=r"^<house>: doors\[5\]\.wall1: no wall 'wall\|8\|gone'$"):
        be.reset(h)


def test_an_agent_outside_the_floors_starts_inside(house: dict[str, Any]) -> None:
    h = copy.deepcopy(house)
    h["metadata"]["agent"]["position"].update(x=15.0, z=1.0)  # the corner the kitchen's L leaves out
    load = load_house(h)
    p = load.spec.agent.position
    assert load.layout.room_at(p.x, p.z) == "room|2" and any("agent pose" in d for d in load.dropped)


def test_cli_writes_the_whole_house(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "house.json"
    assert procthor.main([str(PROCTHOR), str(out), "--whole"]) == 0
    assert "the whole house: 10 rooms" in capsys.readouterr().out
    spec = load_room(out)
    assert spec.house is not None and len(spec.house.doors) == 8 and spec.object("room|6").object_type == "Floor"
    with pytest.raises(SystemExit):
        procthor.main([str(PROCTHOR), str(out), "--whole", "--room", "room|3"])


def test_mutated_houses_load_or_raise_house_error(house: dict[str, Any]) -> None:
    """Random leaf edits (wrong types, NaN, huge numbers, deleted keys) never escape as another exception."""
    small = copy.deepcopy(house)
    small["objects"] = small["objects"][:6]

    def leaves(o: Any, p: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        kids = o.items() if isinstance(o, dict) else enumerate(o) if isinstance(o, list) else []
        return [p] + [q for k, v in kids for q in leaves(v, p + (k,))]

    paths = [p for p in leaves(small) if p and p[0] != "proceduralParameters"]
    rng = np.random.default_rng(7)
    values: list[Any] = [None, "x", math.nan, math.inf, -1e9, [], {}, 0, True, 500.0, [1]]
    outcomes: collections.Counter[str] = collections.Counter()
    for _ in range(60):
        h = copy.deepcopy(small)
        p = paths[int(rng.integers(len(paths)))]
        parent = h
        for k in p[:-1]:
            parent = parent[k]
        if isinstance(parent, dict) and rng.random() < 0.2:
            del parent[p[-1]]
        else:
            parent[p[-1]] = values[int(rng.integers(len(values)))]
        try:
            load_house(h)
            outcomes["ok"] += 1
        except HouseError as e:
            assert "\n" not in str(e) and str(e).startswith("<house>: ")
            outcomes["error"] += 1
    assert outcomes["error"] > 20 and outcomes["ok"] > 0
