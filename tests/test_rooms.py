"""Room scene files: loading, conversion, round trip, geometry, validation errors."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from thor_data import DUMP

from mssbench_embodied.sim.rooms import (
    ROOM_TYPES,
    ROOMS_DIR,
    ObjectSpec,
    RoomSpec,
    RoomSpecError,
    list_rooms,
    load_room,
    parse_room,
    room_from_metadata,
    room_to_json,
)
from mssbench_embodied.sim.rooms import (
    main as rooms_cli,
)
from mssbench_embodied.sim.types import placement_allowed, type_spec

CONVERTED = "kitchen_val09"
AUTHORED = [n for n in list_rooms() if n != CONVERTED]
TOL = 0.02
WALL_MOUNTED = {"Window", "Painting", "Poster", "Mirror", "LightSwitch", "Blinds", "Curtains",
                "ShowerHead", "ShowerCurtain", "ShowerGlass", "TowelHolder", "HandTowelHolder",
                "ToiletPaperHanger"}


def _rect(o: ObjectSpec) -> tuple[float, float, float, float]:
    c, s = o.center, o.size
    return c.x - s.x / 2, c.x + s.x / 2, c.z - s.z / 2, c.z + s.z / 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...], eps: float = 1e-6) -> bool:
    return a[0] < b[1] - eps and b[0] < a[1] - eps and a[2] < b[3] - eps and b[2] < a[3] - eps


def _obstacles(spec: RoomSpec) -> list[ObjectSpec]:
    """Floor-standing things the agent's body collides with."""
    return [o for o in spec.objects if o.object_type not in ("Floor", "BathtubBasin") and o.bottom < 0.3
            and set(o.parents) <= {"Floor|+00.00|+00.00|+00.00"} and max(o.size.x, o.size.z) >= 0.1]


# ------------------------------------------------------------------------------- loading


def test_every_room_file_loads() -> None:
    names = list_rooms()
    assert CONVERTED in names and len(names) >= 8
    for name in names:
        spec = load_room(name)
        assert spec.objects and spec.objects[0].object_type == "Floor"
        assert load_room(name) is spec  # cached
        assert load_room(ROOMS_DIR / f"{name}.json") is spec


def test_each_room_type_present_and_many_types() -> None:
    specs = [load_room(n) for n in list_rooms()]
    assert {s.room_type for s in specs} == set(ROOM_TYPES)
    types = {o.object_type for s in specs for o in s.objects}
    assert len(types) >= 50, sorted(types)
    for s in specs:
        assert s.objects_of_type("Floor")[0].object_id == "Floor|+00.00|+00.00|+00.00"


def test_dump_loads_directly_and_matches_converted_file() -> None:
    direct = load_room(DUMP)
    conv = load_room(CONVERTED)
    assert len(direct.objects) == len(conv.objects) == 67
    raw = json.loads(DUMP.read_text())["objects"]
    key = lambda s: [(o.object_id, o.object_type, tuple(o.parents)) for o in s.objects]  # noqa: E731
    assert key(direct) == key(conv) == [(o["objectId"], o["objectType"],
                                         tuple(o["parentReceptacles"] or ())) for o in raw]
    assert conv.scene_name == "iTHOR_Kitchen_Val_09" and conv.room_type == "kitchen"
    assert conv.object("StoveKnob|+00.67|+00.90|-01.37").controlled == ["StoveBurner|+01.08|+00.92|-01.50"]
    assert conv.agent.yaw == 90.0 and conv.agent.position.y == pytest.approx(0.9009992)
    assert conv.bounds.x_min == pytest.approx(-4.4) and conv.bounds.z_max == pytest.approx(3.2)


def test_convert_cli(tmp_path: Path) -> None:
    out = tmp_path / "k.json"
    assert rooms_cli(["convert", str(DUMP), str(out), "--room-type", "kitchen"]) == 0
    assert [o.object_id for o in load_room(out).objects] == [o.object_id for o in load_room(CONVERTED).objects]


@pytest.mark.parametrize("name", list_rooms())
def test_round_trip(name: str, tmp_path: Path) -> None:
    spec = load_room(name)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(room_to_json(spec)))
    assert load_room(path) == spec
    assert parse_room(room_to_json(spec)) == spec


def test_defaults_filled() -> None:
    spec = parse_room({
        "sceneName": "t", "roomType": "bedroom", "bounds": {"xMin": 0, "xMax": 3, "zMin": 0, "zMax": 3},
        "agent": {"position": {"x": 1, "y": 0.9, "z": 1}, "rotation": {"x": 0, "y": 90, "z": 0}},
        "objects": [{"objectType": "Desk", "position": {"x": 1.5, "y": 0.0, "z": 2.5},
                     "rotation": {"x": 0, "y": 90, "z": 0}}],
    })
    desk = spec.objects[0]
    sx, sy, sz = type_spec("Desk").size
    assert desk.object_id == "Desk|+01.50|+00.00|+02.50" and desk.name.startswith("Desk_")
    assert (desk.size.x, desk.size.y, desk.size.z) == (sz, sy, sx)  # yaw 90 swaps x/z
    assert desk.center.y == pytest.approx(sy / 2) and spec.agent.yaw == 90.0


def test_room_from_metadata_minimal() -> None:
    md = {"sceneName": "S", "sceneBounds": {"center": {"x": 0, "y": 1, "z": 0}, "size": {"x": 4, "y": 2, "z": 4}},
          "agent": {"position": {"x": 0, "y": 0.9009992, "z": 0}, "rotation": {"x": 0, "y": 0, "z": 0},
                    "cameraHorizon": 30},
          "objects": [{"objectType": "Mug", "objectId": "Mug|1", "position": {"x": 1, "y": 0, "z": 1},
                       "rotation": {"x": 0, "y": 0, "z": 0}, "parentReceptacles": None, "isDirty": True,
                       "fillLiquid": "Water", "isFilledWithLiquid": True, "temperature": "Hot"}]}
    spec = room_from_metadata(md, room_type="living_room")
    assert spec.objects[0].state == {"isFilledWithLiquid": True, "fillLiquid": "water", "isDirty": True,
                                     "temperature": "Hot"}
    assert spec.agent.horizon == 30 and spec.bounds.x_max == 2.0


# ------------------------------------------------------------------------------- geometry


@pytest.mark.parametrize("name", AUTHORED)
def test_children_rest_on_parent_inside_footprint(name: str) -> None:
    spec = load_room(name)
    for o in spec.objects:
        assert spec.bounds.contains(o.center.x, o.center.z), o.object_id
        for pid in o.parents:
            p = spec.object(pid)
            for (lo, hi), (plo, phi) in zip(np.reshape(_rect(o), (2, 2)), np.reshape(_rect(p), (2, 2))):
                if hi - lo > phi - plo:  # bigger than its support (Pan on a burner): centre inside
                    lo = hi = (lo + hi) / 2
                assert plo - TOL <= lo and hi <= phi + TOL, (o.object_id, pid)
            surface = p.top if type_spec(p.object_type).contains == "on" else p.bottom
            assert abs(o.bottom - surface) <= TOL, (o.object_id, pid, o.bottom, surface)
            assert placement_allowed(o.object_type, p.object_type), (o.object_id, pid)


@pytest.mark.parametrize("name", AUTHORED)
def test_no_overlaps(name: str) -> None:
    """Siblings on one receptacle do not overlap; floor fixtures do not intersect in 3D."""
    spec = load_room(name)
    by_parent: dict[str, list[ObjectSpec]] = {}
    for o in spec.objects:
        for p in o.parents:
            by_parent.setdefault(p, []).append(o)
    for pid, kids in by_parent.items():
        if pid.startswith("Floor"):
            continue
        for a, b in itertools.combinations(kids, 2):
            assert not _overlap(_rect(a), _rect(b)), (a.object_id, b.object_id)
    solid = [o for o in spec.objects if not o.parents and o.object_type != "Floor"] + by_parent.get(
        "Floor|+00.00|+00.00|+00.00", [])
    nested = {("Bathtub", "BathtubBasin"), ("Sink", "SinkBasin"), ("ShelvingUnit", "Shelf"),
              ("Dresser", "Drawer")}
    for a, b in itertools.combinations(solid, 2):
        if (a.object_type, b.object_type) in nested or (b.object_type, a.object_type) in nested:
            continue
        vertical = a.bottom < b.top - 1e-6 and b.bottom < a.top - 1e-6
        assert not (vertical and _overlap(_rect(a), _rect(b))), (a.object_id, b.object_id)


def _free_cells(spec: RoomSpec, radius: float = 0.2) -> list[tuple[float, float]]:
    b, obs = spec.bounds, [_rect(o) for o in _obstacles(spec)]
    cells = []
    for x in np.arange(b.x_min + 0.25, b.x_max, 0.25):
        for z in np.arange(b.z_min + 0.25, b.z_max, 0.25):
            if not b.contains(x, z, radius):
                continue
            if not any(_overlap((x - radius, x + radius, z - radius, z + radius), r) for r in obs):
                cells.append((float(x), float(z)))
    return cells


@pytest.mark.parametrize("name", AUTHORED)
def test_agent_can_reach_everything(name: str) -> None:
    """Agent start is free; every object has a free 0.25 m grid cell within 1.0 m of its footprint."""
    spec = load_room(name)
    cells = _free_cells(spec)
    a = spec.agent.position
    assert (a.x, a.z) in cells and a.y == pytest.approx(0.9009992)
    for o in spec.objects[1:]:
        x0, x1, z0, z1 = _rect(o)
        d = [np.hypot(max(x0 - x, 0, x - x1), max(z0 - z, 0, z - z1)) for x, z in cells]
        assert min(d) <= 1.0, (o.object_id, min(d))


@pytest.mark.parametrize("name", AUTHORED)
def test_free_floor_in_front_of_fixtures(name: str) -> None:
    """Every floor-standing fixture/receptacle has a 0.6 m wide, 1.0 m deep free strip on some side."""
    spec = load_room(name)
    obs, b = _obstacles(spec), spec.bounds
    for o in obs:
        x0, x1, z0, z1 = _rect(o)
        others = [_rect(p) for p in obs if p is not o]
        ok = False
        for side in "NSEW":
            lo, hi = (x0, x1) if side in "NS" else (z0, z1)
            for s in np.arange(lo, max(lo, hi - 0.6) + 1e-9, 0.05):
                w = min(0.6, hi - lo)
                strip = {"N": (s, s + w, z1, z1 + 1.0), "S": (s, s + w, z0 - 1.0, z0),
                         "E": (x1, x1 + 1.0, s, s + w), "W": (x0 - 1.0, x0, s, s + w)}[side]
                inside = b.x_min <= strip[0] and strip[1] <= b.x_max and b.z_min <= strip[2] and strip[3] <= b.z_max
                if inside and not any(_overlap(strip, r) for r in others):
                    ok = True
                    break
            if ok:
                break
        assert ok, o.object_id


def test_room_specific_fixtures() -> None:
    k = load_room("kitchen_b")
    knobs, burners = k.objects_of_type("StoveKnob"), k.objects_of_type("StoveBurner")
    assert len(knobs) == len(burners) == 4
    assert sorted(c for kn in knobs for c in kn.controlled) == sorted(b.object_id for b in burners)
    for name in ("kitchen_b", "bathroom_a", "bathroom_b"):
        spec = load_room(name)
        basin, faucet = spec.objects_of_type("SinkBasin")[0], spec.objects_of_type("Faucet")[0]
        assert np.hypot(basin.center.x - faucet.center.x, basin.center.z - faucet.center.z) <= 0.3 + basin.size.z / 2
    for name in ("bathroom_a", "bathroom_b"):
        spec = load_room(name)
        tub, head = spec.objects_of_type("BathtubBasin")[0], spec.objects_of_type("ShowerHead")[0]
        x0, x1, z0, z1 = _rect(tub)
        assert x0 <= head.center.x <= x1 and z0 <= head.center.z <= z1 and head.bottom > tub.top
        assert head.controlled == [tub.object_id]


# ------------------------------------------------------------------------------- errors

BASE = {
    "sceneName": "Bad", "roomType": "kitchen", "bounds": {"xMin": 0, "xMax": 3, "zMin": 0, "zMax": 3},
    "agent": {"position": {"x": 1.0, "y": 0.9009992, "z": 1.0}, "rotation": {"x": 0, "y": 0, "z": 0},
              "cameraHorizon": 30},
    "objects": [
        {"objectType": "Floor", "objectId": "Floor|+00.00|+00.00|+00.00", "position": {"x": 0, "y": 0, "z": 0}},
        {"objectType": "CounterTop", "objectId": "CounterTop|1", "position": {"x": 1.5, "y": 0.9, "z": 2.7}},
        {"objectType": "StoveBurner", "objectId": "StoveBurner|1", "position": {"x": 0.5, "y": 0.92, "z": 2.7}},
        {"objectType": "Mug", "position": {"x": 1.5, "y": 0.92, "z": 2.7}, "parentReceptacles": ["CounterTop|1"]},
    ],
}


def _write(tmp_path: Path, data: object, name: str = "bad_room.json") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data, indent=1))
    return p


def _err(tmp_path: Path, mutate, name: str = "bad_room.json") -> str:  # type: ignore[no-untyped-def]
    data = json.loads(json.dumps(BASE))
    mutate(data)
    path = _write(tmp_path, data, name)
    with pytest.raises(RoomSpecError) as ei:
        load_room(path)
    msg = str(ei.value)
    assert str(path) in msg
    return msg


def test_base_fixture_is_valid(tmp_path: Path) -> None:
    spec = load_room(_write(tmp_path, BASE))
    assert len(spec.objects) == 4


def test_bad_json_reports_line_and_col(tmp_path: Path) -> None:
    p = _write(tmp_path, '{\n  "sceneName": "x",\n  "roomType": kitchen\n}')
    with pytest.raises(RoomSpecError, match=r"bad_room\.json: line 3 col 15: invalid JSON"):
        load_room(p)


def test_unknown_type(tmp_path: Path) -> None:
    msg = _err(tmp_path, lambda d: d["objects"][3].update(objectType="Mugg"))
    assert "objects[3].objectType: unknown AI2-THOR object type 'Mugg'" in msg


def test_schema_error_path(tmp_path: Path) -> None:
    msg = _err(tmp_path, lambda d: d["objects"][2]["position"].update(x="left"))
    assert "objects[2].position.x:" in msg
    msg = _err(tmp_path, lambda d: d.update(roomType="garage"))
    assert "roomType:" in msg
    msg = _err(tmp_path, lambda d: d["objects"][3].update(state={"isOn": True}))
    assert "objects[3].state: " in msg and "'isOn' not allowed" in msg
    msg = _err(tmp_path, lambda d: d["objects"][3].update(positon={"x": 0, "y": 0, "z": 0}))
    assert "objects[3].positon:" in msg
    msg = _err(tmp_path, lambda d: d["objects"][3].update(state={"isToggled": True}))
    assert "objects[3]: state.isToggled: a Mug is not toggleable" in msg
    msg = _err(tmp_path, lambda d: d["objects"][3].update(state={"fillLiquid": "milk"}))
    assert "objects[3].state: " in msg and "fillLiquid" in msg


def test_duplicate_id(tmp_path: Path) -> None:
    msg = _err(tmp_path, lambda d: d["objects"][3].update(objectId="CounterTop|1"))
    assert "objects[3].objectId: duplicate objectId 'CounterTop|1'" in msg


def test_missing_parent_and_non_receptacle(tmp_path: Path) -> None:
    msg = _err(tmp_path, lambda d: d["objects"][3].update(parentReceptacles=["Shelf|9"]))
    assert "objects[3].parentReceptacles[0]: parent receptacle 'Shelf|9' does not exist" in msg

    def mutate(d: dict) -> None:
        d["objects"].append({"objectType": "Apple", "position": {"x": 1.5, "y": 1.0, "z": 2.7},
                             "parentReceptacles": ["Mug|+01.50|+00.92|+02.70", "StoveBurner|1"]})
        d["objects"][3]["objectType"] = "Knife"
        d["objects"][3]["objectId"] = "Mug|+01.50|+00.92|+02.70"
    msg = _err(tmp_path, mutate)
    assert "objects[4].parentReceptacles[0]: 'Mug|+01.50|+00.92|+02.70' (Knife) is not a receptacle" in msg


def test_restriction_violation(tmp_path: Path) -> None:
    msg = _err(tmp_path, lambda d: d["objects"][3].update(parentReceptacles=["StoveBurner|1"]))
    assert "objects[3].parentReceptacles[0]: StoveBurner 'StoveBurner|1' cannot hold a Mug" in msg


def test_missing_controlled(tmp_path: Path) -> None:
    msg = _err(tmp_path, lambda d: d["objects"].append(
        {"objectType": "StoveKnob", "position": {"x": 0.5, "y": 0.8, "z": 2.3},
         "controlledObjects": ["StoveBurner|7"]}))
    assert "objects[4].controlledObjects[0]: controlled object 'StoveBurner|7' does not exist" in msg


def test_agent_out_of_bounds(tmp_path: Path) -> None:
    msg = _err(tmp_path, lambda d: d["agent"]["position"].update(x=3.5))
    assert "agent.position: (3.50, 1.00) is outside the room bounds" in msg


def test_unknown_room_name() -> None:
    with pytest.raises(RoomSpecError, match="no such room"):
        load_room("no_such_room_xyz")


def test_scenes_dir_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rooms").mkdir()
    _write(tmp_path / "rooms", BASE, "tiny.json")
    monkeypatch.setenv("MSSBENCH_SCENES_DIR", str(tmp_path))
    assert list_rooms() == ["tiny"] and load_room("tiny").scene_name == "Bad"
