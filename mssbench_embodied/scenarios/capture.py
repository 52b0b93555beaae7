"""Capture a live (or dumped) AI2-THOR scene as an embedded room file (the scenes/rooms/*.json format).

CLI (wired as ``python -m mssbench_embodied.scenes capture ...``):
  capture --from-dump DUMP.json --room-type kitchen --out my_scenes/rooms/x.json   (offline)
  capture --scene FloorPlan1 --room-type kitchen --out my_scenes/rooms/fp1.json  (needs a Unity build)

Load a captured room by its path (``load_room("my_scenes/rooms/x.json")``) or point $MSSBENCH_SCENES_DIR at my_scenes.
``--out`` refuses the shipped room library (scenes/rooms/, which the tests check room by room)
unless ``--into-library`` says that adding the room to it is intended.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..sim.rooms import (
    ROOM_TYPES,
    ROOMS_DIR,
    RoomSpecError,
    parse_room,
    room_from_metadata,
    room_to_json,
    write_room,
)
from ..sim.types import OBJECT_TYPES


def _strip_unknown(metadata: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Drop objects whose type the embedded type table lacks (and references to them)."""
    objs = metadata.get("objects") or []
    dropped = sorted({o["objectType"] for o in objs if o.get("objectType") not in OBJECT_TYPES})
    if not dropped:
        return metadata, []
    keep = [dict(o) for o in objs if o.get("objectType") in OBJECT_TYPES]
    ids = {o["objectId"] for o in keep}
    for o in keep:
        for key in ("parentReceptacles", "controlledObjects", "receptacleObjectIds"):
            if o.get(key):
                o[key] = [i for i in o[key] if i in ids]
    return {**metadata, "objects": keep}, dropped


def capture_scene(metadata: dict[str, Any], room_type: str, scene_name: str | None = None) -> dict[str, Any]:
    """AI2-THOR ``event.metadata`` -> room JSON dict (validated; loads with load_room)."""
    if room_type not in ROOM_TYPES:
        raise ValueError(f"room_type must be one of {ROOM_TYPES}, not {room_type!r}")
    md, dropped = _strip_unknown(dict(metadata))
    thor_name = str(md.get("sceneName") or "thor_scene")
    name = scene_name or thor_name.removesuffix("_physics")
    spec = room_from_metadata(md, room_type=room_type, scene_name=name, where=f"<metadata of {thor_name}>")
    source = f"captured from AI2-THOR scene {thor_name}"
    if dropped:
        source += f" (dropped types unknown to the embedded table: {', '.join(dropped)})"
    return room_to_json(spec.model_copy(update={"source": source}))


def write_room_json(room: dict[str, Any], out_path: str | Path) -> Path:
    """Validate a room dict and write it in the repo's compact room-file format."""
    return write_room(parse_room(room, str(out_path)), out_path)


def capture_from_controller(controller_or_backend: Any, scene: Any, room_type: str,
                            out_path: str | Path | None = None, scene_name: str | None = None) -> dict[str, Any]:
    """Load `scene` in a live ThorBackend or ai2thor Controller, capture it, optionally write it."""
    ev = controller_or_backend.reset(scene)
    room = capture_scene(dict(ev.metadata), room_type, scene_name)
    if out_path is not None:
        write_room_json(room, out_path)
    return room


def in_room_library(path: str | Path) -> bool:
    """Whether `path` lies in the shipped room library (``sim.rooms.ROOMS_DIR``)."""
    return Path(path).expanduser().resolve().is_relative_to(ROOMS_DIR.resolve())


def main(argv: list[str] | None = None) -> int:
    """The ``scenes capture`` CLI; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["capture"]:
        argv = argv[1:]
    ap = argparse.ArgumentParser(prog="capture", description="capture an AI2-THOR scene as a room file")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-dump", type=Path, help="a saved event.metadata JSON (offline)")
    src.add_argument("--scene", help="an AI2-THOR scene to load live, e.g. FloorPlan1 (needs a Unity build)")
    ap.add_argument("--room-type", required=True, choices=ROOM_TYPES)
    ap.add_argument("--out", required=True, type=Path, help="the room file to write (not in scenes/rooms/)")
    ap.add_argument("--into-library", action="store_true",
                    help="allow --out inside the shipped room library scenes/rooms/ (adds a room every test checks)")
    ap.add_argument("--scene-name", default=None, help="sceneName of the room file (default: the THOR scene)")
    ap.add_argument("--platform", default="auto", choices=("auto", "CloudRendering", "Linux64"))
    args = ap.parse_args(argv)
    if in_room_library(args.out) and not args.into_library:
        print(f"refusing to write {args.out}: it is in the shipped room library {ROOMS_DIR}, which the tests "
              "check room by room. Write it elsewhere (e.g. --out my_scenes/rooms/x.json) and load it by its path, "
              "or pass --into-library to add it to the library on purpose.", file=sys.stderr)
        return 1
    try:
        if args.from_dump is not None:
            try:
                md = json.loads(args.from_dump.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as e:
                print(f"{args.from_dump}: cannot read the dump: {e}", file=sys.stderr)
                return 1
            room = capture_scene(md, args.room_type, args.scene_name)
            write_room_json(room, args.out)
        else:
            from ..sim.thor import ThorBackend, ThorStartupError

            backend = ThorBackend(platform=args.platform)
            try:
                room = capture_from_controller(backend, args.scene, args.room_type, args.out, args.scene_name)
            except ThorStartupError as e:
                print(e, file=sys.stderr)
                return 2
            finally:
                backend.close()
    except (RoomSpecError, ValueError) as e:
        print(e, file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(room['objects'])} objects)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
