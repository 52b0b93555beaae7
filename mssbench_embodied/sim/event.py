"""Event: what a backend returns after every action; an ``ai2thor.server.Event`` when ai2thor is installed.

Every accessor of ai2thor 5.0's Event is implemented here (masks, detections, semantic frame, pose,
...), so the class behaves the same with or without ai2thor; with it, the class also subclasses
``ai2thor.server.Event`` (``isinstance`` holds). Metadata and the segmentation frame may be given
lazily, as the embedded backend does, and are built on first access.
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    _EventBase = object
else:
    try:  # a real ai2thor Event when ai2thor is installed (pure Python; no Unity needed)
        from ai2thor.server import Event as _EventBase
    except ImportError:  # pragma: no cover - ai2thor is an optional dependency
        _EventBase = object

__all__ = ["Event", "Masks", "class_name"]

Box = tuple[int, int, int, int]


def class_name(name: str) -> str:
    """The class of a colour entry: the objectType of an objectId ("Mug|+01|..." -> "Mug"), else the name."""
    return name.split("|")[0]


def _pack(rgb: Any) -> int:
    r, g, b = (int(c) for c in rgb)
    return r | g << 8 | b << 16


def _box(mask: np.ndarray) -> Box | None:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    return int(cols[0]), int(rows[0]), int(cols[-1]), int(rows[-1])


class Masks(Mapping[str, np.ndarray]):
    """name -> HxW bool mask, for the names whose colours occur in the frame (ai2thor's Lazy*Masks)."""

    def __init__(self, masks: dict[str, np.ndarray], background: Callable[[], np.ndarray | None] | None = None):
        self._masks = masks
        self._background = background

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._masks and key == "background" and self._background is not None:
            m = self._background()  # ai2thor: pixels of colours not in metadata["colors"], on request only
            if m is not None:
                return m
        return self._masks[key]

    def __contains__(self, key: object) -> bool:
        if key == "background" and key not in self._masks and self._background is not None:
            return self._background() is not None
        return key in self._masks

    def __iter__(self) -> Iterator[str]:
        return iter(self._masks)

    def __len__(self) -> int:
        return len(self._masks)


class _Segmentation:
    """Masks and boxes of one instance-segmentation frame, given metadata["colors"]."""

    def __init__(self, seg: np.ndarray, colors: list[dict[str, Any]]) -> None:
        self.packed = seg[..., 0].astype(np.uint32) | seg[..., 1].astype(np.uint32) << 8 \
            | seg[..., 2].astype(np.uint32) << 16
        self.present = {int(v) for v in np.unique(self.packed)}
        self.instance_colors: dict[str, int] = {}
        self.class_colors: dict[str, list[int]] = {}
        self.class_entry: dict[str, int] = {}  # the class-level colour entries ("Mug", "Wall", ...)
        for c in colors:
            key = _pack(c["color"])
            if "|" in c["name"]:
                self.instance_colors[c["name"]] = key
            else:
                self.class_entry[c["name"]] = key
            self.class_colors.setdefault(class_name(c["name"]), []).append(key)

    def instance_masks(self) -> Masks:
        return Masks({n: self.packed == k for n, k in self.instance_colors.items() if k in self.present})

    def class_masks(self) -> Masks:
        out = {}
        for cls, keys in self.class_colors.items():
            hit = [k for k in keys if k in self.present]
            if hit:
                out[cls] = np.isin(self.packed, hit)
        return Masks(out, self.background)

    def background(self) -> np.ndarray | None:
        known = {k for keys in self.class_colors.values() for k in keys}
        rest = [k for k in self.present if k not in known]
        return np.isin(self.packed, rest) if rest else None

    def class_detections(self) -> dict[str, tuple[Box, ...]]:
        out = {}
        for cls, keys in self.class_colors.items():
            boxes = [b for k in keys if k in self.present and (b := _box(self.packed == k)) is not None]
            if boxes:
                out[cls] = tuple(boxes)
        return out

    def semantic_frame(self) -> np.ndarray:
        """Each instance pixel in its class's colour (the class-level entry of metadata["colors"])."""
        lut: dict[int, int] = {}
        for name, key in self.instance_colors.items():
            cls = self.class_entry.get(class_name(name))
            if cls is not None:
                lut[key] = cls
        flat = self.packed.ravel()
        values, inverse = np.unique(flat, return_inverse=True)
        mapped = np.array([lut.get(int(v), int(v)) for v in values], dtype=np.uint32)[inverse]
        out = mapped.reshape(self.packed.shape)
        return np.stack([out & 255, out >> 8 & 255, out >> 16 & 255], axis=-1).astype(np.uint8)


class Event(_EventBase):
    """One simulator step's result, with ai2thor's Event API.

    Attributes as in ai2thor: metadata (dict), frame (HxWx3 uint8 RGB or None), depth_frame (HxW float32
    metres or None), instance_segmentation_frame / semantic_segmentation_frame (HxWx3 uint8 or None),
    instance_masks, class_masks, instance_detections2D, class_detections2D, object_id_to_color,
    color_to_object_id, screen_width/height, cv2img, pose, pose_discrete; ``bool(event)`` is
    lastActionSuccess.
    """

    def __init__(
        self,
        metadata: dict[str, Any] | Callable[[], dict[str, Any]],
        frame: np.ndarray | None = None,
        depth_frame: np.ndarray | None = None,
        instance_segmentation_frame: np.ndarray | Callable[[], np.ndarray] | None = None,
        object_id_to_color: dict[str, tuple[int, int, int]] | None = None,
        semantic_segmentation: bool = False,
    ) -> None:
        # no super().__init__(): ai2thor's reads the metadata at once; ours may be lazy
        self._metadata: dict[str, Any] | None = None if callable(metadata) else metadata
        self._metadata_fn = metadata if callable(metadata) else None
        self.frame = frame
        self.depth_frame = depth_frame
        self.normals_frame: np.ndarray | None = None
        self.flow_frame: np.ndarray | None = None
        self._seg = instance_segmentation_frame
        self._given = object_id_to_color  # normalised on first use (most events never read colours)
        self.semantic_segmentation_requested = bool(semantic_segmentation)  # derive the semantic frame
        self._hide_instance = False
        self._semantic_frame: np.ndarray | None = None
        self._segmentation: _Segmentation | None = None
        self._color_maps: tuple[dict[str, tuple[int, ...]], dict[tuple[int, ...], str]] | None = None
        self._cache: dict[str, Any] = {}
        self.third_party_camera_frames: list[np.ndarray] = []
        self.third_party_depth_frames: list[np.ndarray] = []
        self.third_party_instance_segmentation_frames: list[np.ndarray] = []
        self.third_party_semantic_segmentation_frames: list[np.ndarray] = []
        self.third_party_normals_frames: list[np.ndarray] = []
        self.third_party_flows_frames: list[np.ndarray] = []
        self.third_party_instance_masks: list[Mapping[str, np.ndarray]] = []
        self.third_party_class_masks: list[Mapping[str, np.ndarray]] = []
        self.events = [self]

    # ------------------------------------------------------------------ metadata
    @property
    def metadata(self) -> dict[str, Any]:
        """AI2-THOR's metadata dict (built on first access when given lazily)."""
        if self._metadata is None:
            assert self._metadata_fn is not None
            self._metadata = self._metadata_fn()
            self._metadata_fn = None
        return self._metadata

    @metadata.setter
    def metadata(self, value: dict[str, Any]) -> None:
        """Replace the metadata dict (a lazy builder, if still pending, is dropped)."""
        self._metadata, self._metadata_fn = value, None
        self._reset_derived()

    def _reset_derived(self) -> None:
        self._segmentation, self._color_maps, self._semantic_frame = None, None, None
        self._cache.clear()

    def __bool__(self) -> bool:
        """lastActionSuccess, as in ai2thor."""
        return bool(self.metadata["lastActionSuccess"])

    @property
    def screen_width(self) -> int:
        """metadata["screenWidth"]."""
        return int(self.metadata["screenWidth"])

    @property
    def screen_height(self) -> int:
        """metadata["screenHeight"]."""
        return int(self.metadata["screenHeight"])

    @property
    def objects(self) -> list[dict[str, Any]]:
        """metadata["objects"]."""
        return self.metadata["objects"]

    def get_object(self, object_id: str) -> dict[str, Any] | None:
        """The metadata dict of one object, or None."""
        for o in self.metadata["objects"]:
            if o["objectId"] == object_id:
                return o
        return None

    def objects_by_type(self, object_type: str) -> list[dict[str, Any]]:
        """The metadata dicts of the objects of a type."""
        return [o for o in self.metadata["objects"] if o["objectType"] == object_type]

    @property
    def pose(self) -> tuple[int, int, int, int]:
        """(x, z, yaw, horizon) in thousandths, as ai2thor's Event.pose."""
        a = self.metadata["agent"]
        return (round(a["position"]["x"] * 1000), round(a["position"]["z"] * 1000),
                round(a["rotation"]["y"] * 1000), round(a["cameraHorizon"] * 1000))

    @property
    def pose_discrete(self) -> tuple[int, int, int, int]:
        """(x, z) in 0.25 m cells, yaw in quarter turns, horizon in degrees, as ai2thor's Event.pose_discrete."""
        a = self.metadata["agent"]
        return (int(a["position"]["x"] / 0.25), int(a["position"]["z"] / 0.25), int(a["rotation"]["y"] / 90.0),
                int(round(a["cameraHorizon"])))

    # ------------------------------------------------------------------ frames and colours
    @property
    def cv2img(self) -> np.ndarray:
        """The frame in BGR channel order (OpenCV's)."""
        assert self.frame is not None, "no frame: rendering is off"
        return self.frame[..., ::-1]

    def cv2image(self) -> np.ndarray:
        """Deprecated alias of cv2img (ai2thor warns too)."""
        warnings.warn("Deprecated - please use event.cv2img", stacklevel=2)
        return self.cv2img

    @property
    def image_data(self) -> None:
        """Removed in ai2thor (warns and gives None)."""
        warnings.warn("Event.image_data has been removed - RGB data can be retrieved from event.frame and "
                      "encoded to an image format", stacklevel=2)
        return None

    @property
    def class_segmentation_frame(self) -> np.ndarray | None:
        """Deprecated name of semantic_segmentation_frame."""
        warnings.warn("event.class_segmentation_frame has been renamed to event.semantic_segmentation_frame.",
                      DeprecationWarning, stacklevel=2)
        return self.semantic_segmentation_frame

    def _raw_segmentation(self) -> np.ndarray | None:
        if callable(self._seg):
            self._seg = self._seg()
        return self._seg

    def hide_instance_segmentation(self) -> None:
        """Report no instance frame, masks or boxes (renderInstanceSegmentation=False); the frame may still
        feed semantic_segmentation_frame."""
        self._hide_instance = True
        self._cache.clear()

    @property
    def instance_segmentation_frame(self) -> np.ndarray | None:
        """HxWx3 uint8 instance colours, or None (computed on first access when given lazily)."""
        return None if self._hide_instance else self._raw_segmentation()

    @instance_segmentation_frame.setter
    def instance_segmentation_frame(self, value: np.ndarray | None) -> None:
        """Replace the segmentation frame (an array, or None)."""
        self._seg, self._hide_instance = value, False
        self._segmentation, self._semantic_frame = None, None
        self._cache.clear()

    @property
    def semantic_segmentation_frame(self) -> np.ndarray | None:
        """HxWx3 uint8 class colours (renderSemanticSegmentation), or None."""
        if self._semantic_frame is None and self.semantic_segmentation_requested \
                and (s := self._seg_data(raw=True)) is not None:
            self._semantic_frame = s.semantic_frame()
        return self._semantic_frame

    @semantic_segmentation_frame.setter
    def semantic_segmentation_frame(self, value: np.ndarray | None) -> None:
        """Replace the semantic frame (as ai2thor's add_image_classes does)."""
        self._semantic_frame = value

    def _colors(self) -> tuple[dict[str, tuple[int, ...]], dict[tuple[int, ...], str]]:
        if self._color_maps is None:
            by_id = {c["name"]: tuple(int(x) for x in c["color"]) for c in self.metadata.get("colors") or []}
            by_id.update({k: tuple(int(x) for x in v) for k, v in (self._given or {}).items()})
            self._color_maps = by_id, {v: k for k, v in by_id.items()}
        return self._color_maps

    @property
    def object_id_to_color(self) -> dict[str, tuple[int, ...]]:
        """Name (objectId or class) -> segmentation colour, from metadata["colors"]."""
        return self._colors()[0]

    @property
    def color_to_object_id(self) -> dict[tuple[int, ...], str]:
        """Segmentation colour -> name, from metadata["colors"]."""
        return self._colors()[1]

    def _seg_data(self, raw: bool = False) -> _Segmentation | None:
        if self._hide_instance and not raw:
            return None
        if self._segmentation is None:
            seg = self._raw_segmentation()
            if seg is None:
                return None
            colors = [{"name": k, "color": list(v)} for k, v in self.object_id_to_color.items()]
            self._segmentation = _Segmentation(seg, colors)
        return self._segmentation

    def _derived(self, key: str, make: Callable[[_Segmentation], Any], empty: Any) -> Any:
        if key not in self._cache:
            s = self._seg_data()
            self._cache[key] = empty if s is None else make(s)
        return self._cache[key]

    # ai2thor's add_image_ids()/process_colors_ids() assign the masks and boxes: an assigned value wins
    @property
    def instance_masks(self) -> Mapping[str, np.ndarray]:
        """objectId -> HxW bool mask, for the objects in the segmentation frame ({} without one)."""
        return self._derived("instance_masks", _Segmentation.instance_masks, {})

    @instance_masks.setter
    def instance_masks(self, value: Mapping[str, np.ndarray]) -> None:
        """Replace the instance masks."""
        self._cache["instance_masks"] = value

    @property
    def class_masks(self) -> Mapping[str, np.ndarray]:
        """objectType (or structure name) -> HxW bool mask of all its instances ({} without a frame)."""
        return self._derived("class_masks", _Segmentation.class_masks, {})

    @class_masks.setter
    def class_masks(self, value: Mapping[str, np.ndarray]) -> None:
        """Replace the class masks."""
        self._cache["class_masks"] = value

    @property
    def instance_detections2D(self) -> dict[str, Box | None] | None:
        """objectId -> (x1, y1, x2, y2) pixel box; None without a segmentation frame (as ai2thor)."""
        return self._derived("instance_detections2D",
                             lambda s: {k: _box(m) for k, m in s.instance_masks().items()}, None)

    @instance_detections2D.setter
    def instance_detections2D(self, value: Mapping[str, Box | None] | None) -> None:
        """Replace the instance boxes."""
        self._cache["instance_detections2D"] = value

    @property
    def class_detections2D(self) -> dict[str, tuple[Box, ...]]:
        """objectType -> the boxes of its instances ({} without a segmentation frame)."""
        return self._derived("class_detections2D", _Segmentation.class_detections, {})

    @class_detections2D.setter
    def class_detections2D(self, value: Mapping[str, tuple[Box, ...]]) -> None:
        """Replace the class boxes."""
        self._cache["class_detections2D"] = value

    def __repr__(self) -> str:
        md = self.metadata
        ret = str(md.get("actionReturn"))
        ret = ret[:100] + "..." if len(ret) > 100 else ret
        return (f"<mssbench_embodied Event at {hex(id(self))}\n    .metadata[\"lastAction\"] = {md.get('lastAction')}"
                f"\n    .metadata[\"lastActionSuccess\"] = {md.get('lastActionSuccess')}"
                f"\n    .metadata[\"errorMessage\"] = \"{str(md.get('errorMessage')).replace(chr(10), ' ')}"
                f"\n    .metadata[\"actionReturn\"] = {ret}\n>")

    __str__ = __repr__
