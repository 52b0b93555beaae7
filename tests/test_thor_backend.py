"""Offline tests of the real AI2-THOR backend (no Unity, no network).

* ai2thor's own `Event` built from the real metadata dump, converted by our adapter.
* ai2thor's own `Controller`, unpatched except for the platform check (as ai2thor's tests do),
  launching a fake "Unity build" installed in a temporary ~/.ai2thor/releases/ that speaks
  ai2thor's FIFO protocol and replays/updates the real dump (tests/thor_fake_server.py).
* Every start-up error case, with ai2thor's real error texts (some raised by ai2thor itself).
* Live tests need a real build in ~/.ai2thor/releases and are skipped otherwise.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest

try:
    import ai2thor.build
    import ai2thor.controller
    import ai2thor.platform
    from ai2thor.server import DepthFormat
    from ai2thor.server import Event as ThorEvent
except Exception as _e:  # pragma: no cover - depends on the `thor` extra
    pytest.skip(f"ai2thor is not importable ({_e}); install the `thor` extra: pip install -e .[thor]",
                allow_module_level=True)

import thor_fake_server as fake  # noqa: E402
from thor_data import DUMP, PROCTHOR  # noqa: E402

from mssbench_embodied.scenarios import capture  # noqa: E402
from mssbench_embodied.sim import thor_startup  # noqa: E402
from mssbench_embodied.sim.embedded import EmbeddedBackend  # noqa: E402
from mssbench_embodied.sim.event import Event  # noqa: E402
from mssbench_embodied.sim.rooms import load_room  # noqa: E402
from mssbench_embodied.sim.thor import DEFAULT_SCENE_MAP, ThorBackend, convert_event, resolve_scene  # noqa: E402
from mssbench_embodied.sim.thor_startup import ThorStartupError  # noqa: E402

PHONE = "CellPhone|-01.95|+00.56|+02.69"
BASIN = "Sink|-00.70|+00.93|-00.65|SinkBasin"
FAUCET = "Faucet|-00.95|+00.95|-00.65"
CUP = "Cup|+01.08|+00.90|-00.77"
MUG = "Mug|-00.67|+00.77|-00.84"
COUNTER = "CounterTop|+00.93|+00.95|-00.21"
REAL_RELEASES = Path.home() / ".ai2thor" / "releases"  # read before any test changes HOME
HAS_BUILD = REAL_RELEASES.is_dir() and any(REAL_RELEASES.glob("thor-*"))


def dump() -> dict:
    return json.loads(DUMP.read_text())


def embedded_metadata() -> dict:
    return EmbeddedBackend(render=False).reset("kitchen_val09").metadata


def same_kind(a: object, b: object) -> bool:
    num = (int, float)
    return (isinstance(a, num) and isinstance(b, num) and not isinstance(a, bool) and not isinstance(b, bool)) \
        or a is None or b is None or type(a) is type(b)


# ------------------------------------------------------------------ event adapter
def test_convert_real_event_matches_embedded_shape() -> None:
    md = dump()
    md["depthFormat"] = "Meters"
    w, h = md["screenWidth"], md["screenHeight"]
    ev = ThorEvent(md)
    color = md["colors"][0]
    ids = np.zeros((h, w, 3), np.uint8)
    ids[:10, :20] = color["color"]
    ev.add_image(np.full((h, w, 3), 7, np.uint8).tobytes())
    ev.add_image_depth(np.full((h, w), 2.5, np.float32).tobytes(), depth_format=DepthFormat.Meters,
                       camera_near_plane=0.1, camera_far_plane=20.0, add_noise=False, noise_indices=None)
    ev.add_image_ids(ids.tobytes())

    out = convert_event(ev)
    assert isinstance(out, Event) and type(out.metadata) is dict
    assert out.frame.shape == (h, w, 3) and out.frame.dtype == np.uint8 and out.frame.flags["C_CONTIGUOUS"]
    assert out.depth_frame.shape == (h, w) and out.depth_frame.dtype == np.float32
    assert np.allclose(out.depth_frame, 2.5)  # metres, thanks to depthFormat
    assert out.instance_segmentation_frame.shape == (h, w, 3)
    assert out.object_id_to_color[color["name"]] == tuple(color["color"])
    assert out.instance_masks[color["name"]].sum() == 200  # flipped rows, same count
    emb = embedded_metadata()
    assert set(emb) <= set(out.metadata)
    for k in emb:
        assert same_kind(emb[k], out.metadata[k]), k
    obj_keys = set(emb["objects"][0])
    for o in out.metadata["objects"]:
        assert obj_keys <= set(o), o["objectId"]
    e0, t0 = emb["objects"][0], out.metadata["objects"][0]
    for k in obj_keys:
        assert same_kind(e0[k], t0[k]), k
    assert set(emb["agent"]) <= set(out.metadata["agent"])


# ------------------------------------------------------------------ scene mapping
def test_resolve_scene_maps_rooms_by_type_and_seed() -> None:
    spec = load_room("kitchen_val09")
    assert resolve_scene("FloorPlan7") == ("FloorPlan7", None)
    ranges = {"kitchen": range(1, 31), "living_room": range(201, 231), "bedroom": range(301, 331),
              "bathroom": range(401, 431)}
    for rtype, rng in ranges.items():
        s = spec.model_copy(update={"room_type": rtype, "scene_name": f"my_{rtype}"})
        picks = {resolve_scene(s, seed)[0] for seed in range(40)}
        assert all(int(p.removeprefix("FloorPlan")) in rng for p in picks), picks
        assert len(picks) > 5  # seed varies the choice
        assert resolve_scene(s, 3) == resolve_scene(s, 3) == (resolve_scene(s, 3)[0], rtype)
    assert resolve_scene("kitchen_val09", 0)[0] in DEFAULT_SCENE_MAP["kitchen"]
    assert resolve_scene("kitchen_val09", 0, {"kitchen_val09": "FloorPlan9"}) == ("FloorPlan9", None)
    assert resolve_scene(spec, 5, {"kitchen": ["FloorPlan2"]}) == ("FloorPlan2", "kitchen")
    captured = spec.model_copy(update={"scene_name": "FloorPlan12"})
    assert resolve_scene(captured, 1) == ("FloorPlan12", "kitchen")
    house = json.loads(PROCTHOR.read_text())
    assert resolve_scene(house)[0] is house
    with pytest.raises(ValueError, match="neither an AI2-THOR scene"):
        resolve_scene("no_such_room_xyz")


# ------------------------------------------------------------------ real Controller + fake Unity build
sent = fake.sent_actions


@pytest.fixture
def thor(fake_home: Path):
    b = ThorBackend(platform="Linux64", server_timeout=30, server_start_timeout=30)
    yield b
    b.close()


def test_reset_through_real_controller(thor: ThorBackend, fake_home: Path) -> None:
    ev = thor.reset("kitchen_val09", seed=0)
    assert isinstance(thor.controller, ai2thor.controller.Controller)
    exe = Path(thor.controller.server.unity_proc.args[0])  # the build ai2thor found and launched
    assert exe.name == f"thor-Linux64-{ai2thor.build.COMMIT_ID}"  # the Linux64 build of ai2thor's commit
    assert exe.parent == fake_home / ".ai2thor" / "releases" / exe.name
    assert isinstance(ev, Event) and ev is thor.last_event and type(ev.metadata) is dict
    assert ev.metadata["lastAction"] == "Initialize" and ev.metadata["lastActionSuccess"]
    assert thor.room_type == "kitchen" and thor.thor_scene in DEFAULT_SCENE_MAP["kitchen"]
    assert ev.frame.shape == (300, 300, 3) and ev.depth_frame.shape == (300, 300)
    assert ev.depth_frame.dtype == np.float32 and ev.instance_segmentation_frame.shape == (300, 300, 3)
    assert ev.object_id_to_color and set(embedded_metadata()) <= set(ev.metadata)
    msgs = sent(fake_home)
    reset = next(m for m in msgs if m["action"] == "Reset")
    assert reset["sceneName"] == f"{thor.thor_scene}_physics"
    init = next(m for m in msgs if m["action"] == "Initialize")
    assert init["renderDepthImage"] is True and init["renderInstanceSegmentation"] is True
    assert init["fieldOfView"] == 90.0 and init["visibilityDistance"] == 1.5
    assert init["gridSize"] == 0.25 and init["snapToGrid"] is False
    # a second reset reuses the Controller
    ctrl = thor.controller
    ev2 = thor.reset("FloorPlan301")
    assert thor.controller is ctrl and ev2.metadata["sceneName"] == "FloorPlan301_physics"


def test_actions_and_emulations_through_real_controller(thor: ThorBackend, fake_home: Path) -> None:
    thor.reset("kitchen_val09", seed=0)
    ev = thor.step({"action": "PutObjectIn", "objectId": PHONE, "receptacleObjectId": BASIN})
    assert ev.metadata["lastAction"] == "PutObjectIn" and ev.metadata["lastActionSuccess"], ev.metadata["errorMessage"]
    assert BASIN in ev.get_object(PHONE)["parentReceptacles"]
    assert PHONE in ev.get_object(BASIN)["receptacleObjectIds"]
    assert ev.metadata["inventoryObjects"] == []
    pick, put = [m for m in sent(fake_home) if m["action"] in ("PickupObject", "PutObject")][-2:]
    assert pick["objectId"] == PHONE and pick["forceAction"] is True
    assert put["objectId"] == BASIN and put["forceAction"] is True and put["placeStationary"] is True

    # a failed action returns an Event, never raises
    ev = thor.step("ToggleObjectOn", objectId=FAUCET)
    assert ev.metadata["lastActionSuccess"] is False and "not interactable" in ev.metadata["errorMessage"]
    ev = thor.goto(FAUCET)
    assert ev.metadata["lastAction"] == "TeleportFull" and ev.metadata["lastActionSuccess"]
    ev = thor.step("ToggleObjectOn", objectId=FAUCET)
    assert ev.metadata["lastActionSuccess"] and ev.get_object(FAUCET)["isToggled"] is True

    with pytest.raises(ValueError, match="Invalid action"):
        thor.step("FlyToTheMoon")
    with pytest.raises(ValueError, match="MissingArguments"):
        thor.step("PutObjectIn", objectId=PHONE)
    assert thor.step("Pass").metadata["lastAction"] == "Pass"
    assert sent(fake_home)[-1]["action"] == "Done"


def test_put_object_in_keeps_what_the_agent_holds(thor: ThorBackend) -> None:
    thor.reset("kitchen_val09", seed=0)
    assert thor.step("PickupObject", objectId=CUP).metadata["lastActionSuccess"]
    ev = thor.step("PutObjectIn", objectId=PHONE, receptacleObjectId=BASIN)
    assert ev.metadata["lastActionSuccess"]
    assert [o["objectId"] for o in ev.metadata["inventoryObjects"]] == [CUP]
    ev = thor.step("PutObjectIn", objectId=PHONE, receptacleObjectId=FAUCET)
    assert not ev.metadata["lastActionSuccess"] and "not a receptacle" in ev.metadata["errorMessage"]
    ev = thor.step("PutObjectIn", objectId="Nope|1", receptacleObjectId=BASIN)
    assert not ev.metadata["lastActionSuccess"] and "invalid" in ev.metadata["errorMessage"]


def test_spawn_pour_disable(thor: ThorBackend) -> None:
    thor.reset("kitchen_val09", seed=0)
    ev = thor.step("SpawnObject", objectType="Mug", receptacleObjectId=COUNTER)
    assert ev.metadata["lastActionSuccess"] and ev.metadata["actionReturn"] == {"objectId": MUG}
    assert COUNTER in ev.get_object(MUG)["parentReceptacles"]
    ev = thor.step("SpawnObject", objectType="Mug", receptacleObjectId=BASIN)
    assert not ev.metadata["lastActionSuccess"] and "no unused Mug" in ev.metadata["errorMessage"]
    ev = thor.step("SpawnObject", objectType="Laptop", receptacleObjectId=COUNTER)
    assert "cannot create objects" in ev.metadata["errorMessage"]

    ev = thor.step("PourLiquid", objectId=MUG)
    assert not ev.metadata["lastActionSuccess"] and "filled with liquid" in ev.metadata["errorMessage"]
    thor.step("PickupObject", objectId=CUP)
    thor.step("FillObjectWithLiquid", objectId=CUP, fillLiquid="coffee", forceAction=True)
    ev = thor.step("PourLiquid", objectId=MUG, forceAction=True)
    assert ev.metadata["lastAction"] == "PourLiquid" and ev.metadata["lastActionSuccess"], ev.metadata["errorMessage"]
    assert ev.get_object(MUG)["isFilledWithLiquid"] and ev.get_object(MUG)["fillLiquid"] == "coffee"
    assert not ev.get_object(CUP)["isFilledWithLiquid"]

    ev = thor.step("DisableObject", objectId=PHONE)
    assert ev.metadata["lastActionSuccess"] and ev.get_object(PHONE) is None
    assert thor.step("EnableObject", objectId=PHONE).get_object(PHONE) is not None


def test_close_stops_the_fake_unity_process(fake_home: Path) -> None:
    b = ThorBackend(platform="Linux64", server_timeout=30, server_start_timeout=30)
    b.reset("FloorPlan1")
    proc = b.controller.server.unity_proc
    assert proc.poll() is None
    b.close()
    assert b.controller is None
    proc.wait(timeout=10)
    with pytest.raises(RuntimeError, match="reset"):
        b.step("Pass")


def test_injected_controller_factory_skips_preflight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.setattr(thor_startup.ctypes.util, "find_library", lambda name: None)
    b = ThorBackend(controller_factory=fake.FakeController)
    ev = b.reset("FloorPlan2")
    assert b.controller.init_kwargs["platform"] is ai2thor.platform.CloudRendering
    assert ev.metadata["sceneName"] == "FloorPlan2_physics"
    assert b.step("PutObjectIn", objectId=PHONE, receptacleObjectId=BASIN).metadata["lastActionSuccess"]
    b.close()


# ------------------------------------------------------------------ start-up errors
def _raiser(exc: BaseException):
    def factory(**kw):
        raise exc
    return factory


def _start(monkeypatch: pytest.MonkeyPatch, exc: BaseException | None = None, **kw) -> ThorStartupError:
    if exc is not None:
        monkeypatch.setattr(ai2thor.controller, "Controller", _raiser(exc))
    with pytest.raises(ThorStartupError) as ei:
        ThorBackend(**kw).reset("FloorPlan1")
    msg = str(ei.value)
    assert "\n" not in msg and "Fix:" in msg  # one paragraph, with the fix
    return ei.value


@pytest.fixture
def good_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Everything present: vulkan loader + ICD, DISPLAY, no CUDA_VISIBLE_DEVICES."""
    icd = tmp_path / "nvidia_icd.json"
    icd.write_text("{}")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("VK_ICD_FILENAMES", str(icd))
    monkeypatch.setattr(thor_startup.ctypes.util, "find_library", lambda name: "libvulkan.so.1")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    return tmp_path


def test_case_a_build_cannot_be_downloaded_real_ai2thor(good_env: Path) -> None:
    # the real Controller: no build in the (empty) releases dir, and the build store HEAD request
    # fails offline (or returns 404 for this commit online) -> ai2thor's own ValueError
    with pytest.raises(ThorStartupError) as ei:
        ThorBackend(platform="Linux64", commit_id="0" * 40).reset("FloorPlan1")
    e = ei.value
    assert e.case == "build_download" and isinstance(e.original, ValueError)
    assert "Invalid commit_id" in str(e) and "download_only=True" in str(e)
    assert "~/.ai2thor/releases/thor-Linux64-" in str(e)


def test_case_a_mapped_errors(good_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import requests

    e = _start(monkeypatch, ValueError("Invalid commit_id: 5e43486351ac6339c399c199e601c9dd18daecc3 - no build "
                                       "exists for arch=Linux platforms=CloudRendering"), platform="CloudRendering")
    assert e.case == "build_download" and "thor-CloudRendering-" in str(e)
    e = _start(monkeypatch, requests.exceptions.ConnectionError("Max retries exceeded with url: /ai2-thor-public/"),
               platform="Linux64")
    assert e.case == "build_download"


def test_case_b_no_vulkan(good_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY")  # auto -> CloudRendering
    monkeypatch.setattr(thor_startup.ctypes.util, "find_library", lambda name: None)
    e = _start(monkeypatch)
    assert e.case == "no_vulkan" and "libvulkan.so.1" in str(e) and "libvulkan1" in str(e)
    monkeypatch.setattr(thor_startup.ctypes.util, "find_library", lambda name: "libvulkan.so.1")
    monkeypatch.delenv("VK_ICD_FILENAMES")
    monkeypatch.setattr(thor_startup, "ICD_DIRS", (str(good_env / "none1"), str(good_env / "none2")))
    e = _start(monkeypatch)
    assert e.case == "no_vulkan" and "ICD" in str(e) and "NVIDIA" in str(e)
    monkeypatch.setenv("VK_ICD_FILENAMES", str(good_env / "nvidia_icd.json"))
    unity_exit = ("Unity process has exited - check ~/.config/unity3d/Allen\\ Institute\\ for\\ Artificial\\ "
                  "Intelligence/AI2-THOR/Player.log for errors. Confirm that Vulkan is properly configured on this "
                  "system using vulkaninfo from the vulkan-utils package. returncode=1")
    assert _start(monkeypatch, Exception(unity_exit)).case == "no_vulkan"
    validation = ("The following builds were found, but had missing dependencies. Only one valid platform is "
                  "required to run AI2-THOR.\nPlatform CloudRendering failed validation with the following errors: "
                  "Vulkan API driver missing.\n  CloudRendering requires libvulkan1.")
    assert _start(monkeypatch, Exception(validation), platform="CloudRendering").case == "no_vulkan"


def test_case_c_no_display(good_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY")
    e = _start(monkeypatch, platform="Linux64")
    assert e.case == "no_display" and "Xvfb" in str(e) and "CloudRendering" in str(e)
    monkeypatch.setenv("DISPLAY", ":0")
    validation = ("The following builds were found, but had missing dependencies. Only one valid platform is "
                  "required to run AI2-THOR.\nPlatform Linux64 failed validation with the following errors: "
                  "No valid X display found")
    assert _start(monkeypatch, Exception(validation), platform="Linux64").case == "no_display"


def test_case_d_cuda_tools_preflight(good_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    monkeypatch.setattr(thor_startup.shutil, "which", lambda t: None if t == "vulkaninfo" else f"/usr/bin/{t}")
    e = _start(monkeypatch, platform="CloudRendering")
    assert e.case == "cuda_tools" and "vulkaninfo is not on PATH" in str(e)
    assert "vulkan-tools" in str(e) and "unset CUDA_VISIBLE_DEVICES" in str(e)
    monkeypatch.setattr(thor_startup.shutil, "which", lambda t: None)
    assert "vulkaninfo and nvidia-smi are not on PATH" in str(_start(monkeypatch, platform="CloudRendering"))


def test_case_d_cuda_tools_real_ai2thor(fake_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # preflight bypassed (explicit factory): ai2thor 5.0.0 itself runs vulkaninfo and raises
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    empty = fake_home / "emptybin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(ThorStartupError) as ei:
        ThorBackend(platform="Linux64", controller_factory=ai2thor.controller.Controller,
                    server_timeout=30, server_start_timeout=30).reset("FloorPlan1")
    assert ei.value.case == "cuda_tools" and "vulkaninfo failed to run" in str(ei.value)
    monkeypatch.setattr(ai2thor.controller, "Controller", _raiser(RuntimeError(
        "`nvidia-smi` failed to run. To use CloudRendering, please ensure you have nvidia GPUs installed.")))
    monkeypatch.setattr(thor_startup.shutil, "which", lambda t: "/usr/bin/x")
    assert _start(monkeypatch, platform="Linux64").case == "cuda_tools"


def test_other_errors_and_platform_choice(good_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    e = _start(monkeypatch, RuntimeError("boom"), platform="Linux64")
    assert e.case == "other" and "boom" in str(e) and "unity.log" in str(e)
    monkeypatch.setattr(ai2thor.controller, "Controller", _raiser(TypeError("bad kwarg")))
    with pytest.raises(TypeError):
        ThorBackend(platform="Linux64").reset("FloorPlan1")
    assert thor_startup.resolve_platform("auto", {"DISPLAY": ":1"}) == "Linux64"
    assert thor_startup.resolve_platform("auto", {}) == "CloudRendering"
    with pytest.raises(ValueError):
        thor_startup.resolve_platform("Windows")
    thor_startup.preflight("CloudRendering", {}, {"VK_ICD_FILENAMES": str(good_env / "nvidia_icd.json")})


# ------------------------------------------------------------------ capture
def test_capture_from_real_dump_loads_in_embedded(tmp_path: Path) -> None:
    room = capture.capture_scene(dump(), "kitchen", None)
    assert room["sceneName"] == "iTHOR_Kitchen_Val_09" and room["roomType"] == "kitchen"
    out = tmp_path / "cap.json"
    assert capture.main(["capture", "--from-dump", str(DUMP), "--room-type", "kitchen", "--out", str(out)]) == 0
    spec = load_room(out)
    assert len(spec.objects) == len(dump()["objects"])
    assert spec.object(PHONE).parents == ["Shelf|-01.64|+00.55|+02.72"]
    ev = EmbeddedBackend(render=False).reset(spec)
    assert ev.metadata["lastActionSuccess"] and len(ev.metadata["objects"]) == len(spec.objects)
    assert capture.main(["--from-dump", str(tmp_path / "missing.json"), "--room-type", "kitchen",
                         "--out", str(out)]) == 1


def test_capture_drops_unknown_types() -> None:
    md = dump()
    extra = copy.deepcopy(md["objects"][0])
    extra.update(objectType="Hoverboard", objectId="Hoverboard|1", parentReceptacles=None)
    md["objects"].append(extra)
    floor = next(o for o in md["objects"] if o["objectType"] == "Floor")
    floor["receptacleObjectIds"] = list(floor["receptacleObjectIds"]) + ["Hoverboard|1"]
    room = capture.capture_scene(md, "kitchen", "k1")
    assert "Hoverboard" in room["source"] and all(o["objectType"] != "Hoverboard" for o in room["objects"])


def test_capture_live_through_fake_build(thor: ThorBackend, tmp_path: Path) -> None:
    out = tmp_path / "rooms" / "fp1.json"
    room = capture.capture_from_controller(thor, "FloorPlan1", "kitchen", out)
    assert room["sceneName"] == "FloorPlan1" and out.exists()
    spec = load_room(out)
    assert resolve_scene(spec, 4) == ("FloorPlan1", "kitchen")  # captured rooms map back to their scene
    assert EmbeddedBackend(render=False).reset(spec).metadata["lastActionSuccess"]


# ------------------------------------------------------------------ live (real Unity)
live = pytest.mark.skipif(not HAS_BUILD, reason=f"no AI2-THOR Unity build in {REAL_RELEASES} (pre-download it "
                          "with Controller(download_only=True); see docs/THOR.md)")


@live
def test_live_reset_and_put_object_in() -> None:  # pragma: no cover - needs a GPU server
    b = ThorBackend()
    try:
        ev = b.reset("kitchen_val09", seed=0)
        assert ev.frame.shape == (300, 300, 3) and ev.depth_frame is not None
        assert set(embedded_metadata()) <= set(ev.metadata)
        phone = ev.objects_by_type("Apple") or ev.objects_by_type("Tomato")
        sink = ev.objects_by_type("SinkBasin")
        if phone and sink:
            ev = b.step("PutObjectIn", objectId=phone[0]["objectId"], receptacleObjectId=sink[0]["objectId"])
            assert ev.metadata["lastActionSuccess"], ev.metadata["errorMessage"]
        with pytest.raises(ValueError):
            b.step("FlyToTheMoon")
    finally:
        b.close()
