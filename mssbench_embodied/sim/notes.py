"""One-time user notes (a warning given once per key), shared by the Controller and scene loading."""
from __future__ import annotations

import warnings

_NOTED: set[str] = set()


def clear_notes() -> None:
    """Forget which one-time notes were given (each is given again once; for tests)."""
    _NOTED.clear()


def note_once(key: str, message: str) -> None:
    """Warn with `message` the first time `key` is seen (stack level: the caller's caller)."""
    if key not in _NOTED:
        _NOTED.add(key)
        warnings.warn(message, UserWarning, stacklevel=4)
