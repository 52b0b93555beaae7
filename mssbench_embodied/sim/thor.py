"""The real AI2-THOR backend (ai2thor 5.0.0) behind the same Backend interface.

AI2-THOR actions pass straight through. The embedded extensions (sim/actions.py) are emulated
with real AI2-THOR actions: PutObjectIn, SpawnObject, PourLiquid, Pass. Our rooms map to real
iTHOR FloorPlans of the same room type (DEFAULT_SCENE_MAP, overridable with scene_map).
Start-up problems raise `ThorStartupError` (sim/thor_startup.py). See docs/THOR.md.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .event import Event
from .navigation import candidate_poses
from .rooms import RoomSpec, RoomSpecError, SceneRef, load_room, parse_room
from .thor_startup import ThorStartupError, classify_startup_exception, preflight, resolve_platform

__all__ = ["ThorBackend", "ThorStartupError", "DEFAULT_SCENE_MAP", "resolve_scene", "convert_event"]

DEFAULT_SCENE_MAP: dict[str, list[str]] = {
    "kitchen": [f"FloorPlan{i}" for i in range(1, 31)],
    "living_room": [f"FloorPlan{i}" for i in range(201, 231)],
    "bedroom": [f"FloorPlan{i}" for i in range(301, 331)],
    "bathroom": [f"FloorPlan{i}" for i in range(401, 431)],
}
THOR_SCENE_RE = re.compile(r"^FloorPlan[\w-]*$")


def _pick(choices: str | list[str], key: str, seed: int | None) -> str:
    if isinstance(choices, str):
        return choices
    if not choices:
        raise ValueError(f"scene_map entry for {key!r} is empty")
    h = int(hashlib.sha256(f"{key}|{seed}".encode()).hexdigest(), 16)
    return list(choices)[h % len(choices)]


def resolve_scene(scene: SceneRef | dict[str, Any], seed: int | None = None,
                  scene_map: dict[str, str | list[str]] | None = None) -> tuple[str | dict[str, Any], str | None]:
    """(what Controller.reset takes, our room type or None).

    Accepts an iTHOR scene name, a ProcTHOR house dict, or one of our rooms (name, path, RoomSpec,
    room JSON dict); our rooms map to a FloorPlan of the same room type, chosen by (name, seed).
    """
    smap = {**DEFAULT_SCENE_MAP, **(scene_map or {})}
    if isinstance(scene, dict):
        if "roomType" in scene:
            scene = parse_room(scene)
        else:
            return scene, None  # ProcTHOR house
    if isinstance(scene, (str, Path)) and not isinstance(scene, RoomSpec):
        name = str(scene)
        if scene_map and name in scene_map:
            return _pick(scene_map[name], name, seed), None
        if THOR_SCENE_RE.match(name):
            return name, None
        try:
            scene = load_room(name)
        except RoomSpecError as e:
            raise ValueError(f"{name!r} is neither an AI2-THOR scene name (FloorPlan...) "
                             f"nor one of our rooms: {e}") from None
    if isinstance(scene, RoomSpec):
        if THOR_SCENE_RE.match(scene.scene_name):  # captured from a real THOR scene
            return scene.scene_name, scene.room_type
        key = scene.scene_name if scene.scene_name in smap else scene.room_type
        return _pick(smap[key], scene.scene_name, seed), scene.room_type
    raise TypeError(f"cannot use {type(scene).__name__} as an AI2-THOR scene")


def convert_event(thor_event: Any) -> Event:
    """ai2thor.server.Event -> our Event (plain metadata dict, contiguous frames, colour map)."""
    md = dict(thor_event.metadata)

    def arr(a: Any, dtype: Any = None) -> np.ndarray | None:
        return None if a is None else np.ascontiguousarray(a, dtype=dtype)

    colors = {k: _rgb(v) for k, v in (getattr(thor_event, "object_id_to_color", None) or {}).items()}
    return Event(md, arr(getattr(thor_event, "frame", None), np.uint8),
                 arr(getattr(thor_event, "depth_frame", None), np.float32),
                 arr(getattr(thor_event, "instance_segmentation_frame", None), np.uint8), colors)


def _rgb(color: Any) -> tuple[int, int, int]:
    r, g, b = (int(c) for c in color)
    return r, g, b


def _default_factory(**kwargs: Any) -> Any:
    import ai2thor.controller  # looked up at call time so tests can patch it

    return ai2thor.controller.Controller(**kwargs)


def _find(md: dict[str, Any], oid: Any) -> dict[str, Any] | None:
    return next((o for o in md.get("objects") or [] if o.get("objectId") == oid), None)


def _held_id(md: dict[str, Any]) -> str | None:
    inv = md.get("inventoryObjects") or []
    return inv[0]["objectId"] if inv else None


class ThorBackend:
    """Real AI2-THOR behind the Backend protocol. The Controller is created on the first reset.

    Args:
        width, height, fov, visibility_distance: as the embedded backend's defaults.
        platform: "auto" (CloudRendering without DISPLAY, Linux64 with one), "CloudRendering", "Linux64".
        scene_map: our room name or room type -> FloorPlan name or list of names.
        controller_factory: callable(**kwargs) -> Controller-like object (default ai2thor's Controller).
        **controller_kwargs: passed to the Controller (e.g. commit_id, x_display, gpu_device).
    """

    name = "thor"

    def __init__(self, width: int = 300, height: int = 300, fov: float = 90.0, visibility_distance: float = 1.5,
                 platform: str = "auto", scene_map: dict[str, str | list[str]] | None = None,
                 controller_factory: Callable[..., Any] | None = None, **controller_kwargs: Any) -> None:
        self.width, self.height, self.fov = int(width), int(height), float(fov)
        self.visibility_distance = float(visibility_distance)
        self.platform = platform
        self.scene_map = dict(scene_map or {})
        self.controller_factory = controller_factory
        self.controller_kwargs = controller_kwargs
        self.controller: Any = None
        self.thor_scene: str | dict[str, Any] | None = None
        self.room_type: str | None = None
        self._last: Event | None = None
        self._spawned: set[str] = set()
        self._disabled: dict[str, str] = {}  # objectId -> objectType, disabled through this backend
        self._emulated: dict[str, Callable[[dict[str, Any]], Event]] = {
            "PutObjectIn": self._put_object_in, "SpawnObject": self._spawn_object,
            "PourLiquid": self._pour_liquid, "Pass": self._pass,
        }

    # ------------------------------------------------------------------ interface
    def init_params(self) -> dict[str, Any]:
        """Initialize parameters sent to AI2-THOR (continuous moves so exact-yaw teleports work)."""
        return dict(width=self.width, height=self.height, fieldOfView=self.fov,
                    visibilityDistance=self.visibility_distance, renderDepthImage=True,
                    renderInstanceSegmentation=True, gridSize=0.25, snapToGrid=False,
                    rotateStepDegrees=90, agentMode="default")

    def _start(self, scene: str | dict[str, Any]) -> Any:
        kwargs = {**self.init_params(), **self.controller_kwargs, "scene": scene}
        plat_name = resolve_platform(self.platform)
        if self.controller_factory is None:  # an injected factory is trusted (tests, custom set-ups)
            preflight(plat_name, kwargs)
        if "platform" not in kwargs:
            import ai2thor.platform

            kwargs["platform"] = getattr(ai2thor.platform, plat_name)
        factory = self.controller_factory or _default_factory
        try:
            return factory(**kwargs)
        except (TypeError, KeyboardInterrupt):
            raise
        except Exception as e:  # noqa: BLE001 - every start-up failure gets a readable message
            raise classify_startup_exception(e, plat_name) from e

    def reset(self, scene: SceneRef | dict[str, Any], seed: int | None = None) -> Event:
        """Load a scene (see resolve_scene), starting the Controller on first use; returns the first Event."""
        target, room_type = resolve_scene(scene, seed, self.scene_map)
        self._spawned, self._disabled = set(), {}
        if self.controller is None:
            self.controller = self._start(target)
            ev = self.controller.last_event
        else:
            ev = self.controller.reset(target)
        self.thor_scene, self.room_type = target, room_type
        return self._keep(convert_event(ev))

    def step(self, action: dict[str, Any] | str, **kwargs: Any) -> Event:
        """Run one action: AI2-THOR's own pass through, the embedded extensions are emulated."""
        if self.controller is None:
            raise RuntimeError("call reset(scene) before step()")
        act = {"action": action, **kwargs} if isinstance(action, str) else {**action, **kwargs}
        name = act.get("action")
        if not isinstance(name, str):
            raise ValueError("InvalidAction: the action dict needs an 'action' name")
        handler = self._emulated.get(name)
        if handler is not None:
            return self._keep(handler(act))
        ev = convert_event(self.controller.step(**act))
        if name in ("DisableObject", "EnableObject") and ev.metadata.get("lastActionSuccess"):
            self._track_disabled(name, act.get("objectId"))
        return self._keep(ev)

    @property
    def last_event(self) -> Event:
        """The Event of the latest reset or step."""
        if self._last is None:
            raise RuntimeError("no event yet: call reset(scene)")
        return self._last

    def close(self) -> None:
        """Stop the Controller (a later reset starts a new one)."""
        if self.controller is not None:
            try:
                self.controller.stop()
            finally:
                self.controller = None

    def goto(self, object_id: str) -> Event:
        """Teleport to the nearest reachable pose facing object_id (GetReachablePositions + TeleportFull)."""
        reach = self._raw("GetReachablePositions").metadata.get("actionReturn") or []
        poses = candidate_poses(self._md(), reach, object_id)
        ev = None
        for pose in poses:
            ev = self._raw(**pose)
            if ev.metadata.get("lastActionSuccess"):
                return self._keep(ev)
        if ev is None:
            ev = self._result("TeleportFull", False, f"no reachable pose near {object_id}")
        return self._keep(ev)

    # ------------------------------------------------------------------ helpers
    def _keep(self, ev: Event) -> Event:
        self._last = ev
        return ev

    def _raw(self, action: str | None = None, **kw: Any) -> Event:
        act = dict(kw)
        if action is not None:
            act["action"] = action
        return convert_event(self.controller.step(**act))

    def _md(self) -> dict[str, Any]:
        return self.controller.last_event.metadata

    def _result(self, name: str, success: bool, message: str = "", ret: Any = None) -> Event:
        """Event for an emulated action, built on the controller's latest state."""
        ev = convert_event(self.controller.last_event)
        md = ev.metadata
        md.update(lastAction=name, lastActionSuccess=success, errorMessage="" if success else message,
                  errorCode="" if success else md.get("errorCode") or "", actionReturn=ret)
        return ev

    def _track_disabled(self, name: str, oid: Any) -> None:
        """Remember disabled objects: SpawnObject may re-enable and reuse them (e.g. a cleared Mug)."""
        if name == "EnableObject":
            self._disabled.pop(oid, None)
            return
        prev = _find(self._last.metadata, oid) if self._last is not None else None
        if prev is not None:
            self._disabled[oid] = prev["objectType"]

    @staticmethod
    def _require(act: dict[str, Any], *keys: str) -> None:
        missing = [k for k in keys if k not in act]
        if missing:
            raise ValueError(f"MissingArguments: {act['action']} requires {', '.join(missing)}")

    # ------------------------------------------------------------------ emulated extensions
    def _pass(self, act: dict[str, Any]) -> Event:
        self._raw("Done")
        return self._result("Pass", True)

    def _place(self, name: str, oid: str, rid: str) -> str:
        """Move oid onto/into rid with forced pickup + put; '' on success, else the error."""
        md = self._md()
        obj, recep = _find(md, oid), _find(md, rid)
        if obj is None or recep is None:
            return f"Object ID appears to be invalid: {oid if obj is None else rid!r} is not in the scene"
        if not recep.get("receptacle"):
            return f"{name}: {rid} is not a receptacle"
        held = _held_id(md)
        put_aside = None
        if held and held != oid:  # AI2-THOR holds one object: set the other aside, pick it up again after
            ev = self._raw("DropHandObject", forceAction=True)
            if not ev.metadata["lastActionSuccess"]:
                return f"{name}: could not free the hand holding {held}: {ev.metadata['errorMessage']}"
            put_aside = held
        try:
            if held != oid:
                origin = list(obj.get("parentReceptacles") or [])
                ev = self._raw("PickupObject", objectId=oid, forceAction=True)
                if not ev.metadata["lastActionSuccess"]:
                    return f"{name}: could not pick up {oid}: {ev.metadata['errorMessage']}"
            else:
                origin = []
            ev = self._raw("PutObject", objectId=rid, forceAction=True, placeStationary=True)
            if not ev.metadata["lastActionSuccess"]:
                err = ev.metadata["errorMessage"]
                if origin:  # put it back where it was
                    self._raw("PutObject", objectId=origin[0], forceAction=True, placeStationary=True)
                if _held_id(self._md()) == oid and held != oid:
                    self._raw("DropHandObject", forceAction=True)
                return f"{name}: could not place {oid} in {rid}: {err}"
            after = _find(self._md(), oid) or {}
            parents = after.get("parentReceptacles") or []
            if rid not in parents:
                return f"{name}: {oid} did not come to rest in {rid} (parentReceptacles={parents})"
            return ""
        finally:
            if put_aside is not None:
                self._raw("PickupObject", objectId=put_aside, forceAction=True)

    def _put_object_in(self, act: dict[str, Any]) -> Event:
        self._require(act, "objectId", "receptacleObjectId")
        err = self._place("PutObjectIn", act["objectId"], act["receptacleObjectId"])
        return self._result("PutObjectIn", not err, err)

    def _spawn_object(self, act: dict[str, Any]) -> Event:
        """Real AI2-THOR cannot create objects: move an unused existing one of the type there."""
        self._require(act, "objectType", "receptacleObjectId")
        otype, rid = act["objectType"], act["receptacleObjectId"]
        md = self._md()
        if _find(md, rid) is None:
            return self._result("SpawnObject", False, f"Object ID appears to be invalid: {rid!r} is not in the scene")
        held = _held_id(md)
        cands = [o for o in md.get("objects") or [] if o.get("objectType") == otype
                 and o["objectId"] not in self._spawned and o["objectId"] != held
                 and o["objectId"] not in self._disabled and rid not in (o.get("parentReceptacles") or [])]
        if not cands:  # an object of the type set aside by DisableObject (situation clearing) is unused too
            for oid in [k for k, t in self._disabled.items() if t == otype and k not in self._spawned]:
                if not self._raw("EnableObject", objectId=oid).metadata["lastActionSuccess"]:
                    continue
                self._disabled.pop(oid)
                back = _find(self._md(), oid) or {}
                if rid in (back.get("parentReceptacles") or []) or not self._place("SpawnObject", oid, rid):
                    self._spawned.add(oid)
                    return self._result("SpawnObject", True, ret={"objectId": oid})
                self._raw("DisableObject", objectId=oid)  # could not place it: set it aside again
                self._disabled[oid] = otype
        if not cands:
            scene = md.get("sceneName", "?")
            return self._result("SpawnObject", False,
                                f"SpawnObject: real AI2-THOR cannot create objects, and scene {scene} has no unused "
                                f"{otype} to move to {rid} (choose a scene that has one, or another object type)")
        errors = []
        for cand in cands:
            err = self._place("SpawnObject", cand["objectId"], rid)
            if not err:
                self._spawned.add(cand["objectId"])
                return self._result("SpawnObject", True, ret={"objectId": cand["objectId"]})
            errors.append(err)
        return self._result("SpawnObject", False, errors[-1])

    def _pour_liquid(self, act: dict[str, Any]) -> Event:
        self._require(act, "objectId")
        md = self._md()
        held = _find(md, _held_id(md))
        if held is None or not held.get("isFilledWithLiquid"):
            return self._result("PourLiquid", False, "PourLiquid needs a held container filled with liquid")
        target = _find(md, act["objectId"])
        if target is None:
            return self._result("PourLiquid", False, "Object ID appears to be invalid.")
        if not act.get("forceAction") and not target.get("visible"):
            return self._result("PourLiquid", False,
                                f"{target['objectId']} is not interactable and (perhaps it is occluded by something).")
        liquid = str(held.get("fillLiquid") or "water").lower()
        ev = self._raw("EmptyLiquidFromObject", objectId=held["objectId"], forceAction=True)
        if not ev.metadata["lastActionSuccess"]:
            return self._result("PourLiquid", False, f"PourLiquid: could not empty {held['objectId']}: "
                                f"{ev.metadata['errorMessage']}")
        if target.get("canFillWithLiquid") and not target.get("isBroken"):
            ev = self._raw("FillObjectWithLiquid", objectId=target["objectId"], fillLiquid=liquid, forceAction=True)
        # liquid on anything else changes no state (as in the embedded backend): the hazard engine judges it
        if not ev.metadata["lastActionSuccess"]:
            return self._result("PourLiquid", False, f"PourLiquid: {ev.metadata['errorMessage']}")
        return self._result("PourLiquid", True)
