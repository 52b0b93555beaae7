"""Where the scene library (rooms/, situations/) lives.

``$MSSBENCH_SCENES_DIR`` overrides; otherwise the library that ships with the package: package
data ``mssbench_embodied/_scenes`` in an installed wheel (found with importlib.resources), or the
repository's top-level ``scenes/`` folder in a source checkout (editable install).
``read_json`` reads one scene file with the limits every reader applies (size, encoding, depth, strict JSON).
"""
from __future__ import annotations

import codecs
import json
import math
import os
import stat
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

SCENES_ENV = "MSSBENCH_SCENES_DIR"
CHECKOUT_SCENES = Path(__file__).resolve().parents[2] / "scenes"


@lru_cache(maxsize=1)
def shipped_scenes_root() -> Path:
    """The shipped scene library: package data in a wheel, else ``<repo>/scenes`` of a checkout."""
    packaged = files("mssbench_embodied") / "_scenes"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged.resolve()
    return CHECKOUT_SCENES


def scenes_root() -> Path:
    """The scene library in use: ``$MSSBENCH_SCENES_DIR`` if set, else ``shipped_scenes_root()``."""
    env = os.environ.get(SCENES_ENV)
    return Path(env).expanduser().resolve() if env else shipped_scenes_root()


# ----------------------------------------------------------------------------- reading scene files

MAX_FILE_BYTES = 4 * 1024 * 1024
"""Largest scene file (room or situation) read, in bytes."""
MAX_DEPTH = 32
"""Deepest nesting of JSON arrays/objects a scene file may have (the shipped files use 6)."""
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


class SceneFileError(ValueError):
    """A scene file (room or situation) cannot be used; each line of the message names the file and the field."""


def display_path(path: Path) -> str:
    """How messages name a file: relative to the repository checkout when inside it, else absolute."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(CHECKOUT_SCENES.parent))
    except ValueError:
        return str(path)


def field_path(loc: tuple[Any, ...]) -> str:
    """A pydantic / JSON location as messages show it: ('objects', 3, 'position', 'x') -> 'objects[3].position.x'."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {k!r} in one JSON object")
        out[k] = v
    return out


def _walk_problem(data: Any) -> str | None:
    """The first nesting-depth or non-finite-number problem of a parsed document, as 'field: message'."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, float) and not math.isfinite(node):
            return (f"{field_path(loc) or '<top>'}: {node} is not a finite number "
                    "(NaN, Infinity and overflowing numbers are not allowed)")
        if isinstance(node, (dict, list)):
            if len(loc) >= MAX_DEPTH:
                return f"{field_path(loc)}: nested deeper than {MAX_DEPTH} levels"
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((v, (*loc, k)) for k, v in reversed(list(items)))
    return None


JSON_ERROR = "{where}: line {line} col {col}: invalid JSON: {msg}"


def read_json(path: Path, where: str | None = None, json_error: str = JSON_ERROR) -> Any:
    """Parse one scene file with the limits every reader applies; SceneFileError names the file.

    The file must be a regular file of at most MAX_FILE_BYTES, UTF-8 (with or without a byte-order mark;
    UTF-16/32 and legacy encodings are detected and rejected), strict JSON (no NaN/Infinity, no number that
    overflows, no duplicate key) nested at most MAX_DEPTH deep. ``json_error`` formats a syntax error.
    """
    where = where or display_path(path)
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise SceneFileError(f"{where}: not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise SceneFileError(f"{where}: file is {st.st_size} bytes, over the limit of {MAX_FILE_BYTES}")
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise SceneFileError(f"{where}: cannot read: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SceneFileError(f"{where}: file is over the limit of {MAX_FILE_BYTES} bytes")
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise SceneFileError(f"{where}: encoding: the file is {name} (byte-order mark); save it as UTF-8")
    raw = raw.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in raw:
        raise SceneFileError(f"{where}: encoding: the file has NUL bytes (UTF-16 or UTF-32 without a byte-order "
                             "mark?); save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        col = e.start - (raw.rfind(b"\n", 0, e.start) + 1) + 1
        raise SceneFileError(f"{where}: encoding: not UTF-8 (byte 0x{raw[e.start]:02x} at line {line} col {col}; "
                             "Latin-1 or another legacy encoding?); save it as UTF-8") from None
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as e:
        raise SceneFileError(json_error.format(where=where, line=e.lineno, col=e.colno, msg=e.msg)) from None
    except RecursionError:
        raise SceneFileError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as e:  # a duplicate key, an integer with too many digits
        raise SceneFileError(f"{where}: invalid JSON: {e}") from None
    problem = _walk_problem(data)
    if problem:
        raise SceneFileError(f"{where}: {problem}")
    return data
