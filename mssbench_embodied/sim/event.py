"""Event: what a backend returns after every action, shaped like ``ai2thor.server.Event``."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


class Event:
    """One simulator step's result.

    Attributes mirror ai2thor's Event:
      metadata: dict shaped like AI2-THOR's ``event.metadata`` (all top-level keys of the real dump).
      frame: HxWx3 uint8 RGB or None (rendering off).
      depth_frame: HxW float32 metres or None.
      instance_segmentation_frame: HxWx3 uint8, each instance in its colour, or None.
      object_id_to_color / color_to_object_id: the instance colour maps.
    """

    def __init__(
        self,
        metadata: dict[str, Any] | Callable[[], dict[str, Any]],
        frame: np.ndarray | None = None,
        depth_frame: np.ndarray | None = None,
        instance_segmentation_frame: np.ndarray | Callable[[], np.ndarray] | None = None,
        object_id_to_color: dict[str, tuple[int, int, int]] | None = None,
    ) -> None:
        # metadata may be given lazily (a snapshot builder), as the embedded backend does
        self._metadata: dict[str, Any] | None = None if callable(metadata) else metadata
        self._metadata_fn = metadata if callable(metadata) else None
        self.frame = frame
        self.depth_frame = depth_frame
        # the segmentation may also be given lazily (computed on first access)
        self._seg = instance_segmentation_frame
        self.object_id_to_color = dict(object_id_to_color or {})
        self.color_to_object_id = {tuple(v): k for k, v in self.object_id_to_color.items()}
        self._masks: dict[str, np.ndarray] | None = None

    @property
    def instance_segmentation_frame(self) -> np.ndarray | None:
        """HxWx3 uint8 instance colours, or None (computed on first access when given lazily)."""
        if callable(self._seg):
            self._seg = self._seg()
        return self._seg

    @instance_segmentation_frame.setter
    def instance_segmentation_frame(self, value: np.ndarray | None) -> None:
        """Replace the segmentation frame (an array, or None)."""
        self._seg = value

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

    # --- convenience, as in ai2thor ---
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
    def instance_masks(self) -> dict[str, np.ndarray]:
        """objectId -> HxW bool mask, for ids present in the segmentation frame."""
        if self._masks is None:
            self._masks = {}
            seg = self.instance_segmentation_frame
            if seg is not None:
                packed = (seg[..., 0].astype(np.int32) << 16) | (seg[..., 1].astype(np.int32) << 8) | seg[..., 2]
                values = np.unique(packed)
                for v in values:
                    color = (int(v) >> 16 & 255, int(v) >> 8 & 255, int(v) & 255)
                    oid = self.color_to_object_id.get(color)
                    if oid is not None:
                        self._masks[oid] = packed == v
        return self._masks

    @property
    def instance_detections2D(self) -> dict[str, tuple[int, int, int, int]]:
        """objectId -> (x1, y1, x2, y2) pixel box, like ai2thor."""
        out = {}
        for oid, m in self.instance_masks.items():
            ys, xs = np.nonzero(m)
            out[oid] = (int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
        return out

    def __repr__(self) -> str:
        md = self.metadata
        return f"<Event {md.get('lastAction')} success={md.get('lastActionSuccess')} err={md.get('errorMessage')!r}>"
