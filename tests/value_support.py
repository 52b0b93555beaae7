"""Comparing object graphs (worlds, snapshots) value by value in tests."""
from __future__ import annotations

from typing import Any

import numpy as np


def plain_values(x: Any) -> Any:
    """Every value of an object graph as plain data (arrays as (dtype, shape, bytes)), for equality."""
    if isinstance(x, np.ndarray):
        return ("array", x.dtype.str, x.shape, x.tobytes())
    if isinstance(x, dict):
        return ("dict", [(k, plain_values(v)) for k, v in x.items()])
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [plain_values(v) for v in x])
    if hasattr(x, "__dict__") and not isinstance(x, type):
        return (type(x).__name__, plain_values(vars(x)))
    return x
