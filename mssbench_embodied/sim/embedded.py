"""The embedded backend: AI2-THOR semantics on our own World, rendered on the CPU."""
from __future__ import annotations

import hashlib
import pickle
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .actions import execute
from .effects import apply_effects
from .event import Event
from .objects import SimObject
from .render.scene import ID_AGENT, ID_CEILING, ID_WALL, STYLES, RenderStyle
from .rooms import SceneRef
from .scene_names import resolve as resolve_scene
from .world import World

if TYPE_CHECKING:
    from .render import Renderer, RenderOutput, RenderScene

TIME_STEP = 0.1  # simulated seconds per action (metadata currentTime)


def instance_color(name: str) -> tuple[int, int, int]:
    """Stable per-id segmentation colour (ai2thor also hashes ids to colours)."""
    h = hashlib.md5(name.encode()).digest()
    return (h[0], h[1], h[2])


class EmbeddedBackend:
    """AI2-THOR-compatible simulator on the CPU.

    Args:
        width, height: frame size (default 300x300). fov: vertical field of view, degrees.
        render: produce frame/depth/segmentation (False is fast, metadata only).
        renderer: "auto" (moderngl on EGL, numpy fallback), "gl" or "numpy".
        render_style: "flat" (the reference look) or "legible" (object-specific models).
        visibility_distance: interaction range in metres (AI2-THOR's visibilityDistance).
    """

    name = "embedded"

    def __init__(self, width: int = 300, height: int = 300, fov: float = 90.0, render: bool = True,
                 renderer: str = "auto", visibility_distance: float = 1.5, render_depth: bool = True,
                 render_instance_segmentation: bool = True, render_style: RenderStyle = "flat") -> None:
        self.width, self.height, self.fov = int(width), int(height), float(fov)
        self.render_enabled = bool(render)
        self.renderer_kind = renderer
        if render_style not in STYLES:
            raise ValueError(f"unknown render_style {render_style!r} (expected one of {', '.join(STYLES)})")
        self.render_style: RenderStyle = render_style
        self.visibility_distance = float(visibility_distance)
        self.render_depth = render_depth
        self.render_instance_segmentation = render_instance_segmentation
        self._renderer: Renderer | None = None
        self.world: World | None = None
        self._last: Event | None = None
        self.rng = np.random.default_rng(0)
        self._colors: dict[str, tuple[int, int, int]] = {}
        self._table_key: tuple[str, ...] | None = None
        self._packed: np.ndarray = np.zeros(3, np.uint32)
        self._id_to_color: dict[str, tuple[int, int, int]] = {}
        # (drawn map, object ids, metadata["colors"]) of the latest rendered event (_color_entries)
        self._color_cache: tuple[dict[str, tuple[int, int, int]], tuple[str, ...], list[dict[str, Any]]] | None = None

    # ------------------------------------------------------------------ interface
    def reset(self, scene: SceneRef, seed: int | None = None) -> Event:
        """Load a scene with a fresh RNG; returns the first Event.

        ``scene``: a room name, path or RoomSpec, an iTHOR ``FloorPlan<N>`` name or a ProcTHOR house
        dict (see sim/scene_names.py); RoomSpecError names a scene or field it cannot load."""
        spec = resolve_scene(scene)
        self.world = World.from_room(spec)
        self.world.visibility_distance = self.visibility_distance
        self.world.fov = self.fov
        self.rng = np.random.default_rng(seed)
        self._colors = {}
        apply_effects(self.world)
        return self._event("Initialize", True, "", {"cameraNearPlane": 0.1, "cameraFarPlane": 20.0})

    def step(self, action: dict[str, Any] | str, **kwargs: Any) -> Event:
        """Run one AI2-THOR action (dict, or name plus keyword arguments), apply effects, return its Event."""
        if self.world is None:
            raise RuntimeError("call reset(scene) before step()")
        if not isinstance(action, (str, dict)):
            raise ValueError(f"InvalidAction: step() takes an action name or dict, not {type(action).__name__}")
        act = {"action": action, **kwargs} if isinstance(action, str) else {**action, **kwargs}
        if not isinstance(act.get("action"), str):
            raise ValueError("InvalidAction: the action dict needs an 'action' name")
        return self._event(act["action"], *self.advance(act))

    def advance(self, act: dict[str, Any]) -> tuple[bool, str, Any]:
        """step() without its Event: run the action dict, apply effects, advance time; (success, error, return)."""
        assert self.world is not None
        success, error, ret = execute(self.world, act)
        apply_effects(self.world)
        self.world.time += TIME_STEP
        return success, error, ret

    @property
    def last_event(self) -> Event:
        """The Event of the latest reset or step."""
        if self._last is None:
            raise RuntimeError("no event yet: call reset(scene)")
        return self._last

    def get_state(self) -> bytes:
        """Snapshot of the whole world (embedded only): restore it with set_state(). The world's derived
        caches (World.derived_caches: metadata dicts, visibility arrays) go along, so a restore skips them."""
        if self.world is None:
            raise RuntimeError("call reset(scene) before get_state()")
        return pickle.dumps((self.world, self.world.derived_caches()), protocol=pickle.HIGHEST_PROTOCOL)

    def set_state(self, state: bytes) -> Event:
        """Restore a get_state() snapshot (or a pickled World); returns a fresh Event of it (lastAction "Pass")."""
        return self.set_world(self.load_state(state))

    @staticmethod
    def load_state(state: bytes) -> World:
        """A get_state() snapshot (or a pickled World) as a World with its derived caches, not made current:
        `set_world(world.fork())` restores it without unpickling again (the env keeps pristine worlds so)."""
        loaded = pickle.loads(state)
        if isinstance(loaded, tuple):
            loaded[0].adopt_caches(loaded[1])
            loaded = loaded[0]
        # restores of the same bytes give the same objects: the renderer keeps per-object work across them
        loaded.origin = (hashlib.blake2b(state, digest_size=16).digest(), loaded.version)
        return loaded

    def set_world(self, world: World) -> Event:
        """Make ``world`` the current world (with this backend's fov and visibility distance; it is stepped
        in place from now on); returns a fresh Event of it (lastAction "Pass"), as set_state does."""
        self.world = world
        self.world.visibility_distance = self.visibility_distance
        self.world.fov = self.fov
        return self._event("Pass", True, "", None)

    def pixel_shares(self, object_ids: list[str]) -> dict[str, float]:
        """Share of the frame each object covers from the current camera (renders, makes no event)."""
        if self.world is None:
            raise RuntimeError("call reset(scene) before pixel_shares()")
        objs = self.render_objects()
        ids = self._ensure_renderer().render(self.render_scene(objs)).ids
        counts = np.bincount(ids.ravel() - ID_AGENT, minlength=len(objs) - ID_AGENT)
        index = {o.object_id: i for i, o in enumerate(objs)}
        return {oid: (float(counts[index[oid] - ID_AGENT]) / ids.size if oid in index else 0.0) for oid in object_ids}

    def is_visible(self, object_id: str) -> bool:
        """Visibility of one object now (what metadata "visible" would say), without building metadata."""
        return self.world is not None and self.world.is_visible(object_id)

    def close(self) -> None:
        """Release the renderer (the world stays)."""
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None

    # ------------------------------------------------------------------ events and frames
    def color_of(self, name: str) -> tuple[int, int, int]:
        """Segmentation colour of an objectId (or "Wall"/"Ceiling")."""
        c = self._colors.get(name)
        if c is None:
            c = self._colors[name] = instance_color(name)
        return c

    def _event(self, name: str, success: bool, error: str, ret: Any) -> Event:
        w = self.world
        assert w is not None
        build = w.metadata(name, success, error, ret, self.width, self.height)
        frame = depth = seg = None
        id_to_color: dict[str, tuple[int, int, int]] = {}
        if self.render_enabled:
            frame, depth, seg, id_to_color = self._render()
        rendered = self.render_enabled

        def metadata() -> dict[str, Any]:
            md = build()
            md["colors"] = self._color_entries(id_to_color, md["objects"]) if rendered else []
            return md

        ev = Event(metadata, frame, depth if self.render_depth else None,
                   seg if self.render_instance_segmentation else None, id_to_color)
        self._last = ev
        return ev

    def _color_entries(self, drawn: dict[str, tuple[int, int, int]],
                       objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """metadata["colors"] of a rendered event, as real AI2-THOR: the drawn names, every other
        object (``objects``: the event's enabled objects, in order) and one entry per class.

        A pure function of the drawn map (replaced, never mutated) and the objects' ids (an id fixes its
        type): events that agree on both share one list, which is never mutated."""
        key = tuple([o["objectId"] for o in objects])
        cached = self._color_cache
        if cached is not None and cached[0] is drawn and cached[1] == key:
            return cached[2]
        entries = self._color_list(drawn, objects)
        self._color_cache = (drawn, key, entries)
        return entries

    def _color_list(self, drawn: dict[str, tuple[int, int, int]],
                    objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        names = list(drawn)
        names += [o["objectId"] for o in objects if o["objectId"] not in drawn]
        types = [o["objectType"] for o in objects]
        types += [k.split("|")[0] for k in names if "|" in k]  # e.g. "Sink" of a "Sink|...|SinkBasin"
        named = set(names)
        names += [t for t in dict.fromkeys(types) if t not in named]
        return [{"color": list(self.color_of(k)), "name": k} for k in names]

    def _ensure_renderer(self) -> Renderer:
        if self._renderer is None:
            from .render import make_renderer

            self._renderer = make_renderer(self.width, self.height, self.fov, kind=self.renderer_kind,
                                           style=self.render_style)
        return self._renderer

    @property
    def renderer(self) -> Renderer | None:
        """The renderer that drew the last frame (made on first use); None before that or after close()."""
        return self._renderer

    def render_objects(self) -> list[SimObject]:
        """The objects drawn: enabled ones, minus those replaced by their pieces (a broken Egg, sliced food)."""
        w = self.world
        assert w is not None
        return [o for o in w.objects.values() if o.enabled and not (o.object_type == "Egg" and o.is_broken)
                and not (o.is_sliced and o.spec.sliced_type and o.object_type != "Egg")]

    def render_scene(self, objs: list[SimObject]) -> RenderScene:
        """The render input for the current camera: these objects, the room shell, the agent's view."""
        from .render import Camera, RenderScene, RoomGeometry

        w = self.world
        assert w is not None
        x0, x1, z0, z1 = w.bounds
        walls = w.layout.wall_boxes() if w.layout is not None else ()
        return RenderScene(objects=objs, room=RoomGeometry(x0, x1, z0, z1, w.wall_height, walls=walls),
                           camera=Camera(w.agent.camera_position.copy(), w.agent.yaw, w.agent.horizon, self.fov),
                           version=w.version, revisions=[w.revisions.get(o.object_id, 0) for o in objs],
                           origin=getattr(w, "origin", None))  # worlds pickled before origin existed have none

    def _render(self) -> tuple[np.ndarray, np.ndarray | None, Callable[[], np.ndarray] | None,
                               dict[str, tuple[int, int, int]]]:
        """(RGB, depth, segmentation frame maker, id -> colour); with neither depth nor segmentation asked for,
        depth and segmentation are None and a renderer that can (GL: render_rgb) reads back the RGB frame only."""
        objs = self.render_objects()
        scene = self.render_scene(objs)
        out: RenderOutput | np.ndarray
        try:
            renderer = self._ensure_renderer()
            render_rgb = None if self.render_depth or self.render_instance_segmentation \
                else getattr(renderer, "render_rgb", None)
            out = render_rgb(scene) if render_rgb is not None else renderer.render(scene)
        except Exception as e:  # a broken GL context mid-run: fall back once
            if getattr(self._renderer, "kind", "") != "gl":
                raise
            warnings.warn(f"GL renderer failed ({e}); falling back to the numpy renderer", RuntimeWarning, stacklevel=2)
            from .render import make_renderer

            self._renderer = make_renderer(self.width, self.height, self.fov, kind="numpy", style=self.render_style)
            out = self._renderer.render(scene)
        names = tuple(o.object_id for o in objs)
        if self._table_key != names:  # colour lookup table, rebuilt only when the object list changes
            # rows: ids from ID_AGENT (-4) up; the gripper (-4) and nothing (-1) are black (no object)
            table = np.zeros((len(names) - ID_AGENT, 3), dtype=np.uint8)
            table[ID_CEILING - ID_AGENT], table[ID_WALL - ID_AGENT] = self.color_of("Ceiling"), self.color_of("Wall")
            for i, n in enumerate(names):
                table[i - ID_AGENT] = self.color_of(n)
            id_to_color = {n: self.color_of(n) for n in names}
            id_to_color.update(Wall=self.color_of("Wall"), Ceiling=self.color_of("Ceiling"))
            self._table_key, self._id_to_color = names, id_to_color
            self._packed = (table[:, 0].astype(np.uint32) | table[:, 1].astype(np.uint32) << 8
                            | table[:, 2].astype(np.uint32) << 16)
        if isinstance(out, np.ndarray):  # the RGB frame alone
            return out, None, None, self._id_to_color
        packed, ids = self._packed, out.ids

        def seg() -> np.ndarray:  # one uint32 gather, viewed as RGBA bytes (little-endian)
            return packed[ids - ID_AGENT].view(np.uint8).reshape(ids.shape + (4,))[..., :3]

        return out.rgb, out.depth.astype(np.float32, copy=False), seg, self._id_to_color  # replaced, never mutated
