"""Where the scene library (rooms/, situations/) lives.

``$MSSBENCH_SCENES_DIR`` overrides; otherwise the library that ships with the package: package
data ``mssbench_embodied/_scenes`` in an installed wheel (found with importlib.resources), or the
repository's top-level ``scenes/`` folder in a source checkout (editable install).
"""
from __future__ import annotations

import os
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

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
