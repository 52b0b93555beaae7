"""reset() by AI2-THOR scene names: iTHOR FloorPlans map to bundled or captured rooms (sim/scene_names.py)."""
from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from thor_data import DUMP

from mssbench_embodied.scenarios.capture import capture_scene, write_room_json
from mssbench_embodied.sim.data import SCENES_ENV
from mssbench_embodied.sim.embedded import EmbeddedBackend
from mssbench_embodied.sim.notes import clear_notes
from mssbench_embodied.sim.rooms import RoomSpecError, list_rooms, load_room
from mssbench_embodied.sim.scene_names import floorplan_room, ithor_room_type, resolve


@pytest.fixture(autouse=True)
def _fresh_notes() -> Iterator[None]:
    clear_notes()
    yield
    clear_notes()


@pytest.mark.parametrize(("name", "rtype"), [
    ("FloorPlan1", "kitchen"), ("FloorPlan30", "kitchen"), ("FloorPlan201", "living_room"),
    ("FloorPlan315", "bedroom"), ("FloorPlan430_physics", "bathroom"),
    ("FloorPlan31", None), ("FloorPlan200", None), ("FloorPlan431", None), ("FloorPlan_Train1_1", None),
    ("kitchen_b", None),
])
def test_ithor_room_types(name: str, rtype: str | None) -> None:
    assert ithor_room_type(name) == rtype


@pytest.mark.parametrize("name", ["FloorPlan1", "FloorPlan2", "FloorPlan205", "FloorPlan301", "FloorPlan412"])
def test_floorplans_map_to_a_bundled_room_of_the_same_type_with_one_note(name: str) -> None:
    rtype = ithor_room_type(name)
    with pytest.warns(UserWarning, match=rf"{name} is not bundled: using the {rtype} room '\w+' in its place"):
        spec = resolve(name)
    assert spec.room_type == rtype and spec.scene_name != name
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve(name) is spec  # same room again, no second note


def test_mapping_is_deterministic_and_cycles_through_the_type() -> None:
    kitchens = sorted(n for n in list_rooms() if load_room(n).room_type == "kitchen")
    picks = [floorplan_room(f"FloorPlan{n}")[0] for n in range(1, 1 + len(kitchens))]
    assert picks == kitchens
    assert floorplan_room("FloorPlan1_physics") == floorplan_room("FloorPlan1")


def test_a_captured_room_of_that_scene_is_used_without_a_note(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    dump = json.loads(DUMP.read_text(encoding="utf-8"))
    write_room_json(capture_scene({**dump, "sceneName": "FloorPlan7_physics"}, "kitchen"),
                    tmp_path / "rooms" / "fp7.json")
    monkeypatch.setenv(SCENES_ENV, str(tmp_path))
    assert floorplan_room("FloorPlan7") == ("fp7", True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ev = EmbeddedBackend(render=False).reset("FloorPlan7")
    assert ev.metadata["sceneName"] == "FloorPlan7" and len(ev.metadata["objects"]) == 67
    with pytest.raises(RoomSpecError, match="no bundled bedroom room"):  # this library has no bedroom
        resolve("FloorPlan301")


def test_scene_name_of_a_library_room() -> None:
    assert resolve("iTHOR_Kitchen_Val_09") is load_room("kitchen_val09")


def test_backend_reset_by_floorplan_name() -> None:
    be = EmbeddedBackend(render=False)
    with pytest.warns(UserWarning, match="FloorPlan2 is not bundled"):
        ev = be.reset("FloorPlan2")
    assert ev.metadata["lastActionSuccess"] and ev.metadata["sceneName"] == resolve("FloorPlan2").scene_name


@pytest.mark.parametrize(("scene", "message"), [
    ("FloorPlan31", r"scene 'FloorPlan31': not an iTHOR scene number \(iTHOR: FloorPlan<N>, N in 1-30 kitchen"),
    ("FloorPlan9999", "scene 'FloorPlan9999': not an iTHOR scene number"),
    ("FloorPlan_Train1_1", "scene 'FloorPlan_Train1_1': RoboTHOR/ArchitecTHOR scenes are not bundled"),
    ("FloorPlan_Val3_5", "RoboTHOR/ArchitecTHOR scenes are not bundled"),
    ("no_such_room", r"no_such_room.json: no such room \(known: .*kitchen_b"),
    ("", "empty scene name"),
    ('{"rooms": []}', "a JSON string was given; pass the parsed dict"),
    ("x" * 300, "not a room name or path"),
])
def test_unknown_scenes_raise_a_clear_error(scene: str, message: str) -> None:
    be = EmbeddedBackend(render=False)
    with pytest.raises(RoomSpecError, match=message) as ei:
        be.reset(scene)
    assert ei.value.__cause__ is None and (ei.value.__context__ is None or ei.value.__suppress_context__)


@pytest.mark.parametrize("scene", [7, 3.5, None, ["FloorPlan1"]])
def test_wrong_types_raise_type_error(scene: object) -> None:
    with pytest.raises(TypeError, match=f"scene must be a room name.*not {type(scene).__name__}"):
        EmbeddedBackend(render=False).reset(scene)  # type: ignore[arg-type]


def test_room_dicts_still_load() -> None:
    from mssbench_embodied.sim.rooms import room_to_json

    spec = resolve(room_to_json(load_room("kitchen_b")))
    assert spec.scene_name == load_room("kitchen_b").scene_name
    with pytest.raises(RoomSpecError, match="<scene dict>"):
        resolve({"sceneName": "x"})
