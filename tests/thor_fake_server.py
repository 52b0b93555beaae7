"""A fake AI2-THOR Unity build for offline tests.

`FakeThorWorld` replays the real metadata dump recorded by AI2-THOR's authors
(instance_segmentation_metadata.json) and updates it for the actions the tests use.
`serve_fifo` speaks ai2thor's FIFO protocol (the Unity side of ai2thor.fifo_server), so
`install_fake_build` can put an executable into ~/.ai2thor/releases/thor-Linux64-<commit>/
and ai2thor's OWN Controller launches it as if it were Unity. `FakeController` is the
in-process alternative for controller_factory injection.
"""
from __future__ import annotations

import copy
import json
import math
import os
import re
import shlex
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
from thor_data import DUMP  # tests/ is on sys.path: pytest's pythonpath, or this script's own folder

SCENES = [f"FloorPlan{i}_physics" for r in (0, 200, 300, 400) for i in range(r + 1, r + 31)]


class Fail(Exception):
    pass


class Missing(Exception):
    pass


class FakeThorWorld:
    """State machine over a real AI2-THOR metadata dump."""

    def __init__(self, dump: Path | str = DUMP, width: int = 300, height: int = 300) -> None:
        self.template = json.loads(Path(dump).read_text())
        self.width, self.height = width, height
        self.render_depth = self.render_ids = False
        self.visibility_distance = 1.5
        self.fov = 90.0
        self.init_params: dict[str, Any] = {}
        self.actions: list[dict[str, Any]] = []
        self.disabled: dict[str, dict[str, Any]] = {}
        self._load("Startup")

    # ------------------------------------------------------------ state
    def _load(self, scene: str) -> None:
        self.md = copy.deepcopy(self.template)
        self.md["sceneName"] = scene
        self.disabled = {}

    def obj(self, oid: Any) -> dict[str, Any]:
        for o in self.md["objects"]:
            if o["objectId"] == oid:
                return o
        raise Fail(f"Object ID appears to be invalid: {oid}")

    def _target(self, act: dict[str, Any], key: str = "objectId") -> dict[str, Any]:
        if key not in act:
            raise Missing(f"{act['action']} is missing the argument {key}")
        o = self.obj(act[key])
        if not act.get("forceAction") and not o["visible"]:
            raise Fail(f"{o['objectId']} is not interactable and (perhaps it is occluded by something).")
        return o

    def held(self) -> dict[str, Any] | None:
        inv = self.md["inventoryObjects"]
        return self.obj(inv[0]["objectId"]) if inv else None

    def _detach(self, o: dict[str, Any]) -> None:
        for pid in o.get("parentReceptacles") or []:
            for p in self.md["objects"]:
                if p["objectId"] == pid and p.get("receptacleObjectIds"):
                    p["receptacleObjectIds"] = [c for c in p["receptacleObjectIds"] if c != o["objectId"]]
        o["parentReceptacles"] = None

    def _move(self, o: dict[str, Any], x: float, y: float, z: float) -> None:
        c = o["axisAlignedBoundingBox"]["center"]
        dy = c["y"] - o["position"]["y"]
        o["position"] = {"x": x, "y": y, "z": z}
        o["axisAlignedBoundingBox"]["center"] = {"x": x, "y": y + dy, "z": z}

    def _camera(self) -> tuple[np.ndarray, float, float]:
        a = self.md["agent"]
        p = a["position"]
        return np.array([p["x"], p["y"] + 0.675, p["z"]]), a["rotation"]["y"], a["cameraHorizon"]

    def _update_visibility(self) -> None:
        cam, yaw, hor = self._camera()
        self.md["cameraPosition"] = {"x": cam[0], "y": cam[1], "z": cam[2]}
        fwd = np.array([math.sin(math.radians(yaw)) * math.cos(math.radians(hor)), -math.sin(math.radians(hor)),
                        math.cos(math.radians(yaw)) * math.cos(math.radians(hor))])
        for o in self.md["objects"]:
            c = o["axisAlignedBoundingBox"]["center"]
            d = np.array([c["x"], c["y"], c["z"]]) - cam
            dist = float(np.linalg.norm(d))
            o["distance"] = dist
            ang = math.degrees(math.acos(max(-1.0, min(1.0, float(d @ fwd) / max(dist, 1e-6)))))
            o["visible"] = bool(o.get("isPickedUp") or (dist <= self.visibility_distance and ang <= self.fov / 2))
            o["isInteractable"] = o["visible"]

    # ------------------------------------------------------------ protocol
    def handle(self, act: dict[str, Any]) -> dict[str, Any]:
        name = act.get("action")
        self.actions.append(act)
        md = self.md
        md.update(lastAction=name, lastActionSuccess=True, errorMessage="", errorCode="", actionReturn=None)
        fn = getattr(self, f"a_{name}", None)
        try:
            if fn is None:
                md.update(lastActionSuccess=False, errorCode="InvalidAction", errorMessage=f"Invalid action: {name}")
            else:
                md["actionReturn"] = fn(act)
        except Missing as e:
            md.update(lastActionSuccess=False, errorCode="MissingArguments", errorMessage=str(e))
        except Fail as e:
            md.update(lastActionSuccess=False, errorMessage=str(e))
        self._update_visibility()
        out = copy.deepcopy(md)
        out.update(screenWidth=self.width, screenHeight=self.height, depthFormat="Meters", fov=self.fov)
        return out

    def frames(self) -> dict[str, bytes]:
        h, w = self.height, self.width
        rgb = np.full((h, w, 3), 110, np.uint8)
        ids = np.zeros((h, w, 3), np.uint8)
        depth = np.full((h, w), 3.0, np.float32)
        colors = {c["name"]: c["color"] for c in self.md.get("colors") or []}
        vis = [o for o in self.md["objects"] if o["visible"] and o["objectId"] in colors]
        for i, o in enumerate(vis):  # one vertical stripe per visible object
            x0, x1 = i * w // len(vis), (i + 1) * w // len(vis)
            ids[:, x0:x1] = colors[o["objectId"]]
            rgb[:, x0:x1] = (40 + 7 * i) % 256
            depth[:, x0:x1] = o["distance"]
        out = {"image": np.flip(rgb, 0).tobytes()}
        if self.render_depth:
            out["image_depth"] = np.flip(depth, 0).tobytes()
        if self.render_ids:
            out["image_ids"] = np.flip(ids, 0).tobytes()
        return out

    # ------------------------------------------------------------ actions
    def a_Startup(self, act: dict[str, Any]) -> None:
        return None

    def a_GetScenesInBuild(self, act: dict[str, Any]) -> list[str]:
        return SCENES + [self.template["sceneName"]]  # the dump's own scene (iTHOR_Kitchen_Val_09)

    def a_Reset(self, act: dict[str, Any]) -> None:
        self._load(act["sceneName"])

    def a_ChangeResolution(self, act: dict[str, Any]) -> None:
        self.width, self.height = int(act["x"]), int(act["y"])

    def a_ChangeQuality(self, act: dict[str, Any]) -> None:
        return None

    def a_Initialize(self, act: dict[str, Any]) -> dict[str, float]:
        self.init_params = dict(act)
        self.render_depth = bool(act.get("renderDepthImage"))
        self.render_ids = bool(act.get("renderInstanceSegmentation"))
        self.fov = float(act.get("fieldOfView", 90.0))
        self.visibility_distance = float(act.get("visibilityDistance", 1.5))
        return {"cameraNearPlane": 0.1, "cameraFarPlane": 20.0}

    def a_Done(self, act: dict[str, Any]) -> None:
        return None

    def a_GetReachablePositions(self, act: dict[str, Any]) -> list[dict[str, float]]:
        sb = self.md["sceneBounds"]
        c, s = sb["center"], sb["size"]
        y = self.md["agent"]["position"]["y"]
        out = []
        for x in np.arange(math.ceil((c["x"] - s["x"] / 2 + 0.3) * 4) / 4, c["x"] + s["x"] / 2 - 0.3, 0.25):
            for z in np.arange(math.ceil((c["z"] - s["z"] / 2 + 0.3) * 4) / 4, c["z"] + s["z"] / 2 - 0.3, 0.25):
                blocked = False
                for o in self.md["objects"]:
                    if o["objectType"] in ("Floor", "Window") or o.get("pickupable"):
                        continue
                    bb = o["axisAlignedBoundingBox"]
                    oc, os_ = bb["center"], bb["size"]
                    if (abs(x - oc["x"]) < os_["x"] / 2 + 0.2 and abs(z - oc["z"]) < os_["z"] / 2 + 0.2
                            and oc["y"] - os_["y"] / 2 < 1.5):
                        blocked = True
                        break
                if not blocked:
                    out.append({"x": float(x), "y": y, "z": float(z)})
        return out

    def a_TeleportFull(self, act: dict[str, Any]) -> None:
        for k in ("position", "rotation", "horizon", "standing"):
            if k not in act:
                raise Missing(f"TeleportFull is missing the argument {k}")
        if not -30.0 <= float(act["horizon"]) <= 60.0:
            raise Fail("horizon must be in [-30, 60]")
        a = self.md["agent"]
        a["position"] = {k: float(act["position"][k]) for k in "xyz"}
        a["rotation"] = {"x": 0.0, "y": float(act["rotation"]["y"]), "z": 0.0}
        a["cameraHorizon"] = float(act["horizon"])
        a["isStanding"] = bool(act["standing"])

    def a_PickupObject(self, act: dict[str, Any]) -> None:
        o = self._target(act)
        if self.md["inventoryObjects"]:
            raise Fail("Agent hand has something in it already! Can't pick up anything else")
        if not o["pickupable"]:
            raise Fail(f"{o['objectId']} must have the Pickupable property to be picked up.")
        self._detach(o)
        o["isPickedUp"] = True
        cam, _, _ = self._camera()
        self._move(o, float(cam[0]), float(cam[1]) - 0.3, float(cam[2]))
        self.md["inventoryObjects"] = [{"objectId": o["objectId"], "objectType": o["objectType"]}]

    def a_PutObject(self, act: dict[str, Any]) -> None:
        held = self.held()
        if held is None:
            raise Fail("Can't place an object if Agent isn't holding anything")
        r = self._target(act)
        if not r["receptacle"]:
            raise Fail("This target object is NOT a receptacle!")
        if r["openable"] and not r["isOpen"]:
            raise Fail("Target openable Receptacle is CLOSED, can't place if target is closed!")
        c = r["axisAlignedBoundingBox"]["center"]
        self._move(held, c["x"], c["y"], c["z"])
        held["isPickedUp"] = False
        held["parentReceptacles"] = [r["objectId"]]
        r["receptacleObjectIds"] = list(r.get("receptacleObjectIds") or []) + [held["objectId"]]
        self.md["inventoryObjects"] = []

    def a_DropHandObject(self, act: dict[str, Any]) -> None:
        held = self.held()
        if held is None:
            raise Fail("Nothing is in the agent's hand to drop!")
        floor = next(o for o in self.md["objects"] if o["objectType"] == "Floor")
        a = self.md["agent"]["position"]
        self._move(held, a["x"], 0.0, a["z"])
        held["isPickedUp"], held["parentReceptacles"] = False, [floor["objectId"]]
        floor["receptacleObjectIds"] = list(floor.get("receptacleObjectIds") or []) + [held["objectId"]]
        self.md["inventoryObjects"] = []

    def _flag(self, act: dict[str, Any], cap: str, key: str, value: Any, what: str) -> dict[str, Any]:
        o = self._target(act)
        if not o[cap]:
            raise Fail(f"{o['objectId']} is not {what}")
        o[key] = value
        return o

    def a_ToggleObjectOn(self, act: dict[str, Any]) -> None:
        self._flag(act, "toggleable", "isToggled", True, "toggleable")

    def a_ToggleObjectOff(self, act: dict[str, Any]) -> None:
        self._flag(act, "toggleable", "isToggled", False, "toggleable")

    def a_OpenObject(self, act: dict[str, Any]) -> None:
        self._flag(act, "openable", "isOpen", True, "openable")["openness"] = 1.0

    def a_CloseObject(self, act: dict[str, Any]) -> None:
        self._flag(act, "openable", "isOpen", False, "openable")["openness"] = 0.0

    def a_BreakObject(self, act: dict[str, Any]) -> None:
        self._flag(act, "breakable", "isBroken", True, "breakable")

    def a_FillObjectWithLiquid(self, act: dict[str, Any]) -> None:
        if "fillLiquid" not in act:
            raise Missing("FillObjectWithLiquid is missing the argument fillLiquid")
        self._flag(act, "canFillWithLiquid", "isFilledWithLiquid", True, "fillable")["fillLiquid"] = act["fillLiquid"]

    def a_EmptyLiquidFromObject(self, act: dict[str, Any]) -> None:
        o = self._flag(act, "canFillWithLiquid", "isFilledWithLiquid", False, "fillable")
        o["fillLiquid"] = None

    def a_DisableObject(self, act: dict[str, Any]) -> None:
        o = self.obj(act.get("objectId"))
        parents = list(o.get("parentReceptacles") or [])
        self._detach(o)
        o["parentReceptacles"] = parents or None  # kept while hidden: where it reappears
        self.md["objects"].remove(o)
        self.disabled[o["objectId"]] = o

    def a_EnableObject(self, act: dict[str, Any]) -> None:
        """The object reappears where it was disabled, back in its receptacles."""
        o = self.disabled.pop(str(act.get("objectId")), None)
        if o is None:
            raise Fail(f"No disabled object with id {act.get('objectId')}")
        self.md["objects"].append(o)
        for pid in o.get("parentReceptacles") or []:
            p = next((x for x in self.md["objects"] if x["objectId"] == pid), None)
            if p is not None:
                p["receptacleObjectIds"] = list(p.get("receptacleObjectIds") or []) + [o["objectId"]]


# ---------------------------------------------------------------- in-process fake Controller
class FakeController:
    """Controller look-alike for controller_factory=...: .step(**kw), .reset, .last_event, .stop."""

    def __init__(self, scene: Any = None, width: int = 300, height: int = 300, **init: Any) -> None:
        self.world = FakeThorWorld(width=width, height=height)
        self.init_kwargs = dict(init)
        self.stopped = False
        init = {k: v for k, v in init.items() if k not in ("platform", "server_timeout", "server_start_timeout")}
        self._init = init
        self.last_event = self.reset(scene)

    def _event(self, md: dict[str, Any]) -> Any:
        from ai2thor.server import DepthFormat, Event

        e = Event(md)
        fr = self.world.frames()
        e.add_image(fr["image"])
        if "image_depth" in fr:
            e.add_image_depth(fr["image_depth"], depth_format=DepthFormat.Meters, camera_near_plane=0.1,
                              camera_far_plane=20.0, add_noise=False, noise_indices=None)
        if "image_ids" in fr:
            e.add_image_ids(fr["image_ids"])
        return e

    def step(self, action: Any = None, **kw: Any) -> Any:
        act = dict(action) if isinstance(action, dict) else {"action": action}
        act.update(kw)
        self.last_event = self._event(self.world.handle(act))
        md = self.last_event.metadata
        if not md["lastActionSuccess"] and md["errorCode"] in ("InvalidAction", "MissingArguments",
                                                                "AmbiguousAction", "InvalidArgument"):
            raise ValueError(md["errorMessage"])
        return self.last_event

    def reset(self, scene: Any = None, **kw: Any) -> Any:
        name = scene if isinstance(scene, str) else "Procedural"
        if re.match(r"^FloorPlan[0-9]+$", name):  # as ai2thor's Controller.normalize_scene
            name += "_physics"
        self.step(action="Reset", sceneName=name)
        self.last_event = self.step(action="Initialize", **self._init)
        return self.last_event

    def stop(self) -> None:
        self.stopped = True


# ---------------------------------------------------------------- FIFO (the Unity side)
def _header(ftype: int, n: int) -> bytes:
    return struct.pack("!BI", ftype, n)


def _read_action(pipe: Any) -> dict[str, Any] | None:
    act = None
    while True:
        head = pipe.read(5)
        if len(head) < 5:
            return None
        ftype, n = struct.unpack("!BI", head)
        body = pipe.read(n) if n else b""
        if ftype == 2:  # ACTION
            act = json.loads(body)
        elif ftype == 255:
            return act


def _send(pipe: Any, md: dict[str, Any], seq: int, files: dict[str, bytes]) -> None:
    import msgpack  # type: ignore[import-untyped]

    body = msgpack.dumps({"agents": [md], "sequenceId": seq, "activeAgentId": 0, "thirdPartyCameras": []})
    msg = _header(1, len(body)) + body
    for key, ftype in (("image", 4), ("image_depth", 5), ("image_ids", 9)):
        if key in files:
            msg += _header(ftype, len(files[key])) + files[key]
    pipe.write(msg + _header(255, 0))
    pipe.flush()


def serve_fifo(argv: list[str]) -> int:
    def arg(flag: str, default: int) -> int:
        return int(argv[argv.index(flag) + 1]) if flag in argv else default

    world = FakeThorWorld(width=arg("-screen-width", 300), height=arg("-screen-height", 300))
    log = os.environ.get("MSSBENCH_FAKE_THOR_LOG")
    with open(os.environ["AI2THOR_FIFO_SERVER_PIPE_PATH"], "wb") as out:
        _send(out, world.handle({"action": "Startup"}), 0, world.frames())
        with open(os.environ["AI2THOR_FIFO_CLIENT_PIPE_PATH"], "rb") as inp:
            while True:
                act = _read_action(inp)
                if act is None:
                    return 0
                if log:
                    with open(log, "a") as f:
                        f.write(json.dumps(act) + "\n")
                md = world.handle(act)
                _send(out, md, int(act.get("sequenceId", 0)), world.frames())


def install_fake_build(home: Path, platform: str = "Linux64", commit_id: str | None = None) -> Path:
    """Write ~/.ai2thor/releases/thor-<platform>-<commit>/ with metadata.json and a fake executable."""
    import ai2thor.build

    commit_id = commit_id or ai2thor.build.COMMIT_ID
    name = f"thor-{platform}-{commit_id}"
    base = home / ".ai2thor" / "releases" / name
    base.mkdir(parents=True, exist_ok=True)
    (base / "metadata.json").write_text(json.dumps({"server_types": ["FIFO"]}))
    exe = base / name
    # a sh wrapper, not a python shebang: long interpreter paths break shebangs
    script = shlex.quote(str(Path(__file__).resolve()))
    exe.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} {script} \"$@\"\n")
    exe.chmod(0o755)
    return base


def prepare_home(home: Path, monkeypatch: Any) -> Path:
    """Point ai2thor at a fake build under `home` (HOME, DISPLAY, action log) and return `home`."""
    import ai2thor.platform

    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.delenv("AI2THOR_VISIBILITY_DISTANCE", raising=False)
    monkeypatch.setenv("MSSBENCH_FAKE_THOR_LOG", str(home / "actions.jsonl"))
    # the one patch ai2thor's own tests use: no X server to validate here
    monkeypatch.setattr(ai2thor.platform.Linux64, "validate", classmethod(lambda cls, request: []))
    install_fake_build(home)
    return home


def sent_actions(home: Path) -> list[dict[str, Any]]:
    """The actions the fake build received, in order (from MSSBENCH_FAKE_THOR_LOG)."""
    return [json.loads(line) for line in (home / "actions.jsonl").read_text().splitlines()]


if __name__ == "__main__":
    raise SystemExit(serve_fifo(sys.argv[1:]))
