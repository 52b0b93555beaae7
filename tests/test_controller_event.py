"""Events are ai2thor Events: every accessor checked against the real ``ai2thor.server.Event`` built from
the same frames and metadata; class-level colours, objectOrientedBoundingBox and assetId against the
real metadata dump (issue 16, deliverable 2)."""
from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from ai2thor.server import DepthFormat
from ai2thor.server import Event as ThorEvent
from thor_data import DUMP

from mssbench_embodied.sim.controller import Controller
from mssbench_embodied.sim.event import Event


def controller(scene: str = "FloorPlan1", **kw: Any) -> Controller:
    """An embedded Controller rendering every frame kind."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return Controller(scene=scene, renderDepthImage=True, renderInstanceSegmentation=True,
                          renderSemanticSegmentation=True, **kw)


def real_twin(ev: Event) -> ThorEvent:
    """ai2thor's own Event over the same metadata and frames, fed as the Unity server feeds it."""
    md = json.loads(json.dumps(ev.metadata))
    md["depthFormat"] = "Meters"
    real = ThorEvent(md)
    real.add_image(np.flip(ev.frame, 0).tobytes())
    real.add_image_depth(np.flip(ev.depth_frame, 0).astype(np.float32).tobytes(), depth_format=DepthFormat.Meters,
                         camera_near_plane=0.1, camera_far_plane=20.0, add_noise=False, noise_indices=None)
    real.add_image_ids(np.flip(ev.instance_segmentation_frame, 0).tobytes())
    real.add_image_classes(np.flip(ev.semantic_segmentation_frame, 0).tobytes())
    return real


def same_masks(a: Any, b: Any) -> bool:
    return set(a) == set(b) and all(np.array_equal(a[k], b[k]) for k in a)


def no_depth_format(md: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in md.items() if k != "depthFormat"}


# accessor -> (read it, compare ours with real)
ACCESSORS: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], bool]]] = {
    "bool": (bool, lambda a, b: a == b),
    "metadata": (lambda e: json.loads(json.dumps(e.metadata)), lambda a, b: a == no_depth_format(b)),
    "screen_width": (lambda e: e.screen_width, lambda a, b: a == b),
    "screen_height": (lambda e: e.screen_height, lambda a, b: a == b),
    "frame": (lambda e: e.frame, np.array_equal),
    "cv2img": (lambda e: e.cv2img, np.array_equal),
    "depth_frame": (lambda e: e.depth_frame, np.array_equal),
    "instance_segmentation_frame": (lambda e: e.instance_segmentation_frame, np.array_equal),
    "semantic_segmentation_frame": (lambda e: e.semantic_segmentation_frame, np.array_equal),
    "object_id_to_color": (lambda e: e.object_id_to_color, lambda a, b: a == b),
    "color_to_object_id": (lambda e: e.color_to_object_id, lambda a, b: a == b),
    "instance_masks": (lambda e: e.instance_masks, same_masks),
    "class_masks": (lambda e: e.class_masks, same_masks),
    "class_masks[background]": (lambda e: e.class_masks.get("background"),
                                lambda a, b: (a is None and b is None) or np.array_equal(a, b)),
    "instance_detections2D": (lambda e: dict(e.instance_detections2D), lambda a, b: a == b),
    "class_detections2D": (lambda e: dict(e.class_detections2D), lambda a, b: a == b),
    "pose": (lambda e: e.pose, lambda a, b: a == b),
    "pose_discrete": (lambda e: e.pose_discrete, lambda a, b: a == b),
    "get_object": (lambda e: e.get_object(e.metadata["objects"][3]["objectId"]), lambda a, b: a == b),
    "objects_by_type": (lambda e: e.objects_by_type("Mug"), lambda a, b: a == b),
    "events": (lambda e: len(e.events), lambda a, b: a == b),
}


@pytest.fixture(scope="module")
def events() -> list[Event]:
    """A successful start, a failed action and a turned view (different masks), all rendered."""
    c = controller()
    out = [c.last_event, c.step(action="PickupObject", objectId=c.last_event.metadata["objects"][0]["objectId"])]
    out.append(c.step(action="RotateRight"))
    out.append(c.step(action="LookDown"))
    c.stop()
    return out


def test_events_are_ai2thor_events(events: list[Event]) -> None:
    assert all(isinstance(e, ThorEvent) for e in events)
    assert [bool(e) for e in events] == [e.metadata["lastActionSuccess"] for e in events] == [True, False, True, True]


@pytest.mark.parametrize("name", sorted(ACCESSORS))
def test_accessor_matches_real_event(events: list[Event], name: str) -> None:
    read, same = ACCESSORS[name]
    for ev in events:
        real = real_twin(ev)
        assert same(read(ev), read(real)), (name, ev.metadata["lastAction"])


def test_instance_masks_have_objects_only(events: list[Event]) -> None:
    ev = events[0]
    assert ev.instance_masks and all("|" in k for k in ev.instance_masks)
    assert "Wall" not in ev.instance_masks and "Wall" in ev.class_masks  # the wall is a class, as in real THOR
    assert all(k == "background" or "|" not in k for k in ev.class_masks)


def test_semantic_frame_paints_each_class_in_its_colour(events: list[Event]) -> None:
    ev = events[2]
    real = real_twin(ev)  # real class masks come from the instance ids, independently of our semantic frame
    sem = ev.semantic_segmentation_frame
    for cls, mask in real.class_masks.items():
        if cls != "background":
            assert (sem[mask] == np.array(ev.object_id_to_color[cls], np.uint8)).all(), cls


def test_colors_have_class_level_entries_like_the_real_dump() -> None:
    real = json.loads(DUMP.read_text())
    for md in (real, controller().last_event.metadata):
        classes = {c["name"] for c in md["colors"] if "|" not in c["name"]}
        assert {o["objectType"] for o in md["objects"]} <= classes  # every objectType has a class entry
        assert {"Wall", "Ceiling"} <= classes


def test_render_flags_follow_ai2thor_defaults() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        c = Controller(scene="FloorPlan1")  # ai2thor's defaults: RGB only
    ev = c.last_event
    assert ev.frame is not None and ev.depth_frame is None and ev.instance_segmentation_frame is None
    assert ev.semantic_segmentation_frame is None and ev.instance_masks == {} and ev.class_masks == {}
    assert ev.instance_detections2D is None and ev.class_detections2D == {}
    ev = c.reset(renderSemanticSegmentation=True)  # semantic without instance frames, as Unity can
    assert ev.semantic_segmentation_frame is not None and ev.instance_segmentation_frame is None
    assert ev.instance_masks == {}


@pytest.fixture(scope="module")
def captured() -> tuple[dict[str, Any], dict[str, Any]]:
    """(our metadata, the real dump's) for the kitchen captured from that dump."""
    real = json.loads(DUMP.read_text())
    ours = controller(real["sceneName"]).last_event.metadata
    assert ours["sceneName"] == real["sceneName"]
    return ours, real


def test_object_oriented_boxes_where_real_thor_has_them(captured: tuple[dict[str, Any], dict[str, Any]]) -> None:
    ours, real = ({o["objectId"]: o for o in md["objects"]} for md in captured)
    common = set(ours) & set(real)
    assert len(common) >= 60
    with_box = {k for k in common if real[k]["objectOrientedBoundingBox"] is not None}
    assert len(with_box) == 36
    assert {k for k in common if ours[k]["objectOrientedBoundingBox"] is not None} == with_box
    for k in with_box:
        a = np.array(ours[k]["objectOrientedBoundingBox"]["cornerPoints"])
        b = np.array(real[k]["objectOrientedBoundingBox"]["cornerPoints"])
        worst = max(float(np.min(np.linalg.norm(b - p, axis=1))) for p in a)  # corner sets agree
        assert worst < 0.15, (k, worst)


def test_asset_ids_of_the_source_assets(captured: tuple[dict[str, Any], dict[str, Any]]) -> None:
    ours, real = ({o["objectId"]: o for o in md["objects"]} for md in captured)
    common = set(ours) & set(real)
    assert sum(1 for k in common if real[k]["assetId"]) >= 35
    assert all(ours[k]["assetId"] == real[k]["assetId"] for k in common)


def test_without_ai2thor_the_class_keeps_the_same_api(events: list[Event], monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of sim/event.py loaded with ai2thor hidden: not an ai2thor subclass, same accessor values."""
    import importlib.util
    import sys

    import mssbench_embodied.sim.event as module

    monkeypatch.setitem(sys.modules, "ai2thor.server", None)  # "import ai2thor.server" now fails
    spec = importlib.util.spec_from_file_location("event_without_ai2thor", module.__file__)
    assert spec is not None and spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(copy)
    assert copy.Event.__mro__[1] is object
    for ev in events:
        plain = copy.Event(ev.metadata, ev.frame, ev.depth_frame, ev.instance_segmentation_frame,
                           semantic_segmentation=True)
        for name, (read, same) in ACCESSORS.items():
            assert same(read(plain), read(ev)), name
