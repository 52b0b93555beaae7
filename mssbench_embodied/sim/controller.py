"""Controller: a drop-in for ``ai2thor.controller.Controller`` that runs on the embedded backend.

    from mssbench_embodied import Controller          # in place of: from ai2thor.controller import Controller
    with Controller(scene="FloorPlan1", gridSize=0.25, renderInstanceSegmentation=True) as c:
        event = c.step(action="MoveAhead")
        if not event: print(event.metadata["errorMessage"])

Same constructor keywords, ``step``/``reset``/``stop``, context manager, ``last_event`` and
``raise_for_failure`` as ai2thor 5.0; arguments are checked as AI2-THOR checks them (an unknown or
misspelt argument, or a value of the wrong type or not finite, raises ValueError with AI2-THOR's
InvalidArgument message, a missing one its MissingArguments message: sim/actions/registry.py's
`check_arguments`, the check the embedded backend runs too). Unity-only options (platform,
commit_id, ...) are accepted and ignored with a one-time warning. ``Controller(backend="thor", ...)``
builds the real ai2thor Controller.
"""
from __future__ import annotations

import copy
import importlib
import re
from typing import Any

from .actions import ACTIONS
from .actions.registry import check_arguments, invalid_argument_message
from .embedded import EmbeddedBackend
from .event import Event
from .notes import clear_notes, note_once
from .rooms import RoomSpecError

__all__ = ["Controller", "DEFAULT_SCENE", "IGNORED_ARGUMENTS", "INIT_PARAMETERS", "clear_notes",
           "invalid_argument_message"]

DEFAULT_SCENE = "FloorPlan1"  # ai2thor starts the first iTHOR scene of its build when none is given

# ai2thor Controller arguments that only concern the Unity process: accepted, ignored, noted once
IGNORED_ARGUMENTS: frozenset[str] = frozenset({
    "quality", "fullscreen", "headless", "port", "start_unity", "local_executable_path", "local_build",
    "commit_id", "branch", "x_display", "host", "image_dir", "save_image_per_frame", "download_only",
    "include_private_scenes", "server_class", "gpu_device", "platform", "server_timeout", "server_start_timeout",
    "add_depth_noise",
    # Initialize parameters with no effect on the embedded simulator
    "fastActionEmit", "autoSimulation", "antiAliasing", "makeAgentsVisible", "renderNormalsImage",
    "renderFlowImage", "continuous", "continuousMode", "cameraNearPlane", "cameraFarPlane",
})

# the Initialize parameters the embedded simulator honours, with ai2thor's defaults
INIT_PARAMETERS: dict[str, Any] = {
    "gridSize": 0.25, "snapToGrid": True, "visibilityDistance": 1.5, "renderDepthImage": False,
    "renderInstanceSegmentation": False, "renderSemanticSegmentation": False, "fieldOfView": 90.0,
    "rotateStepDegrees": 90.0, "agentMode": "default",
}
_RENAMED = {"renderObjectImage": "renderInstanceSegmentation", "renderClassImage": "renderSemanticSegmentation"}
_EMBEDDED_OPTIONS = ("renderer", "render_style")  # embedded-only extras, passed to EmbeddedBackend
_MOVES = frozenset({"MoveAhead", "MoveBack", "MoveLeft", "MoveRight"})
_ROTATIONS = frozenset({"RotateLeft", "RotateRight"})


def missing_arguments_message(action: str, missing: list[str]) -> str:
    """AI2-THOR's MissingArguments errorMessage."""
    return f"action: {action} is missing the following arguments: {','.join(missing)}"


class Controller:
    """ai2thor.controller.Controller on the embedded simulator (or the real one with backend="thor").

    Args (ai2thor's): scene, width, height, gridSize, snapToGrid, visibilityDistance, renderDepthImage,
    renderInstanceSegmentation, renderSemanticSegmentation, fieldOfView, rotateStepDegrees, agentMode
    ("default" only), depth_format; Unity-only options are ignored with a note. Embedded extras:
    renderer, render_style (see EmbeddedBackend).
    """

    def __new__(cls, *args: Any, backend: str = "embedded", **kwargs: Any) -> Any:
        """Build the embedded Controller, or ai2thor's own for backend="thor" (needs a Unity build)."""
        if backend == "thor":
            return importlib.import_module("ai2thor.controller").Controller(*args, **kwargs)
        if backend != "embedded":
            raise ValueError(f"unknown backend {backend!r}; choose 'embedded' or 'thor'")
        return super().__new__(cls)

    def __init__(self, scene: Any = None, width: int = 300, height: int = 300, depth_format: Any = None,
                 backend: str = "embedded", **kwargs: Any) -> None:
        self.width, self.height = int(width), int(height)
        self.depth_format = depth_format
        self.options = {k: kwargs.pop(k) for k in _EMBEDDED_OPTIONS if k in kwargs}
        self.initialization_parameters: dict[str, Any] = {}
        self._init_params(kwargs)
        self.scene: Any = None
        self.last_event: Event | None = None
        self.last_action: dict[str, Any] | None = None
        self.server: EmbeddedBackend | None = None
        self._key: tuple[Any, ...] = ()
        self.reset(scene if scene is not None else DEFAULT_SCENE)

    # ------------------------------------------------------------------ lifecycle
    def _init_params(self, params: dict[str, Any]) -> None:
        """Validate and merge Initialize parameters (ValueError naming an unknown one)."""
        for key, value in params.items():
            key = _RENAMED.get(key, key)
            if key in IGNORED_ARGUMENTS:
                note_once(key, f"Controller({key}=...) only concerns AI2-THOR's Unity process; the embedded backend "
                           "ignores it")
            elif key in INIT_PARAMETERS:
                self.initialization_parameters[key] = value
            else:
                raise ValueError(f"Controller/Initialize got an argument the embedded AI2-THOR backend does not "
                                 f"know: {key!r} (known: {', '.join(sorted(INIT_PARAMETERS))})")
        mode = str(self.param("agentMode")).lower()
        if mode != "default":
            raise ValueError(f"agentMode={self.param('agentMode')!r} is not supported by the embedded backend: "
                             "only agentMode='default' (the iTHOR agent); use backend='thor' for arm/locobot/stretch")
        if float(self.param("gridSize")) != 0.25:
            note_once("gridSize", "gridSize != 0.25: moves use it, but GetReachablePositions keeps the 0.25 m grid")

    def param(self, name: str) -> Any:
        """The current value of an Initialize parameter (ai2thor's default if never set)."""
        return self.initialization_parameters.get(name, INIT_PARAMETERS[name])

    def _backend_key(self) -> tuple[Any, ...]:
        return (self.width, self.height, *(self.param(k) for k in ("fieldOfView", "visibilityDistance",
                "renderDepthImage", "renderInstanceSegmentation", "renderSemanticSegmentation")),
                tuple(sorted(self.options.items())))

    def _make_backend(self) -> EmbeddedBackend:
        depth, inst = bool(self.param("renderDepthImage")), bool(self.param("renderInstanceSegmentation"))
        sem = bool(self.param("renderSemanticSegmentation"))
        return EmbeddedBackend(width=self.width, height=self.height, fov=float(self.param("fieldOfView")),
                               visibility_distance=float(self.param("visibilityDistance")), render_depth=depth,
                               render_instance_segmentation=inst or sem, **self.options)

    def reset(self, scene: Any = None, **init_params: Any) -> Event:
        """Load a scene (None: the current one) with updated Initialize parameters; returns the first Event."""
        if scene is None:
            scene = self.scene
        if scene is None:
            raise ValueError("no scene: call reset(scene) or Controller(scene=...)")
        self.width = int(init_params.pop("width", self.width))
        self.height = int(init_params.pop("height", self.height))
        self._init_params(init_params)
        key = self._backend_key()
        if self.server is None or key != self._key:  # a new backend only when rendering settings change
            if self.server is not None:
                self.server.close()
            self.server, self._key = self._make_backend(), key
        try:
            ev = self.server.reset(copy.deepcopy(scene) if isinstance(scene, dict) else scene)
        except RoomSpecError as e:
            name = scene.get("id", "house dict") if isinstance(scene, dict) else scene
            raise ValueError(f"Scene {name!r} cannot be loaded by the embedded backend: {e}") from None
        self.scene = scene
        return self._finish(ev)

    def ithor_scenes(self, include_kitchens: bool = True, include_living_rooms: bool = True,
                     include_bedrooms: bool = True, include_bathrooms: bool = True) -> list[str]:
        """iTHOR's FloorPlan names, as ai2thor lists them (the embedded backend maps each to a room)."""
        ranges = [(include_kitchens, 0), (include_living_rooms, 200), (include_bedrooms, 300),
                  (include_bathrooms, 400)]
        return [f"FloorPlan{base + i}_physics" for use, base in ranges if use for i in range(1, 31)]

    def robothor_scenes(self, include_train: bool = True, include_val: bool = True) -> list[str]:
        """RoboTHOR's scene names, as ai2thor lists them (the embedded backend cannot load them)."""
        stages = [("Train", 12)] * include_train + [("Val", 3)] * include_val
        return [f"FloorPlan_{stage}{w}_{o}" for stage, n in stages for w in range(1, n + 1) for o in range(1, 6)]

    def scene_names(self) -> list[str]:
        """iTHOR then RoboTHOR scene names, as ai2thor's scene_names()."""
        return self.ithor_scenes() + self.robothor_scenes()

    def multi_step_physics(self, action: dict[str, Any], timeStep: float = 0.05,  # ai2thor's argument names
                           max_steps: int = 20) -> list[Event]:
        """Run an action with physics paused, as ai2thor does (the embedded world is at rest after each action)."""
        events = []
        if "PausePhysicsAutoSim" in ACTIONS:
            self.step(action={"action": "PausePhysicsAutoSim"}, raise_for_failure=True)
        events.append(self.step(action))
        if "UnpausePhysicsAutoSim" in ACTIONS:
            self.step(action={"action": "UnpausePhysicsAutoSim"}, raise_for_failure=True)
        return events

    def random_initialize(self, *args: Any, **kwargs: Any) -> None:
        """Removed from ai2thor: raises as ai2thor does."""
        raise Exception("RandomInitialize has been removed.  Use InitialRandomSpawn - https://ai2thor.allenai.org/"
                        "ithor/documentation/actions/initialization/#object-position-randomization")

    def start(self, *args: Any, **kwargs: Any) -> None:
        """Start the simulator (ai2thor launches Unity here; the embedded backend is already running)."""

    def stop_unity(self) -> None:
        """Stop the simulator process (the same as stop() here)."""
        self.stop()

    @property
    def scenes_in_build(self) -> set[str]:
        """The scene names reset() accepts by name: iTHOR's FloorPlans (bundled rooms load too)."""
        return set(self.ithor_scenes())

    @staticmethod
    def normalize_scene(scene: str) -> str:
        """ai2thor's FloorPlan<N> -> FloorPlan<N>_physics."""
        return scene + "_physics" if re.match(r"^FloorPlan[0-9]+$", scene) else scene

    def stop(self) -> None:
        """Release the renderer (ai2thor stops its Unity process)."""
        if self.server is not None:
            self.server.close()

    def __enter__(self) -> Controller:
        return self

    def __exit__(self, *args: Any) -> None:
        self.stop()

    # ------------------------------------------------------------------ actions
    def step(self, action: str | dict[str, Any] | None = None, **action_args: Any) -> Event:
        """Run one action: ``step(action="X", **args)``, ``step(dict(action="X", ...))`` or ``step("X")``.

        A failed action returns its Event (``bool(event)`` is False); ``raise_for_failure=True`` raises
        RuntimeError instead. Unknown actions and invalid or missing arguments raise ValueError.
        """
        act: dict[str, Any] = copy.deepcopy(action) if isinstance(action, dict) else {"action": action}
        raise_for_failure = bool(action_args.pop("raise_for_failure", False))
        act.update(copy.deepcopy(action_args))
        rotation = act.get("rotation")
        if rotation is not None and not isinstance(rotation, dict):  # as ai2thor's step does
            act["rotation"] = {"y": rotation}
        self.last_action = act
        name = act.get("action")
        if not isinstance(name, str) or name not in ACTIONS:
            raise ValueError(f"Invalid action: {name}")
        self._check(name, act)
        assert self.server is not None
        ev = self._finish(self.server.step(self._with_defaults(name, act)))
        if not ev and raise_for_failure:
            raise RuntimeError(ev.metadata.get("errorMessage") or f"{act} failed")
        return ev

    def _check(self, name: str, act: dict[str, Any]) -> None:
        required = ACTIONS[name][1]
        if "objectId" in required and "objectId" not in act and ("x" in act or "y" in act):
            raise ValueError(f"{name}: the embedded backend targets objects by objectId; "
                             "screen coordinates (x, y) are not supported")
        check_arguments(name, act)  # unknown arguments and wrong types: the one check, shared with the backend
        flat = name in ("TeleportFull", "Teleport") and "position" not in act and "x" in act
        missing = [k for k in required if k not in act and not (flat and k == "position")]
        if missing:
            raise ValueError(missing_arguments_message(name, missing))

    def _with_defaults(self, name: str, act: dict[str, Any]) -> dict[str, Any]:
        out = dict(act)
        if name in _MOVES and out.get("moveMagnitude") is None:
            out["moveMagnitude"] = float(self.param("gridSize"))
        if name in _ROTATIONS and out.get("degrees") is None:
            out["degrees"] = float(self.param("rotateStepDegrees"))
        if name == "TeleportFull" and "position" not in out and "x" in out:
            out["position"] = {k: out.pop(k) for k in ("x", "y", "z") if k in out}
        return out

    def _finish(self, ev: Event) -> Event:
        """Apply the render flags to an Event as ai2thor would have rendered it, and keep it as last_event."""
        ev.semantic_segmentation_requested = bool(self.param("renderSemanticSegmentation"))
        if not self.param("renderInstanceSegmentation"):
            ev.hide_instance_segmentation()
        if self.depth_format is not None and ev.depth_frame is not None:
            ev.depth_frame = _convert_depth(ev.depth_frame, self.depth_format)
        self.last_event = ev
        return ev


def _convert_depth(depth: Any, depth_format: Any) -> Any:
    """Metres -> ai2thor's DepthFormat (Meters, Normalized over near/far 0.1-20 m, Millimeters)."""
    kind = getattr(depth_format, "name", str(depth_format))
    if kind == "Meters":
        return depth
    if kind == "Millimeters":
        return depth * 1000.0
    if kind == "Normalized":
        return depth / (20.0 - 0.1)
    raise ValueError(f"unknown depth_format {depth_format!r} (Meters, Normalized or Millimeters)")
