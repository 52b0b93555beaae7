"""The one backend interface. Both the embedded simulator and real AI2-THOR implement it."""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from .event import Event


@runtime_checkable
class Backend(Protocol):
    """AI2-THOR-speaking simulator.

    reset(scene, seed) loads a room (a scene name from scenes/rooms, a path, or a parsed
    RoomSpec) and returns the first Event. step(action) takes AI2-THOR's dict form, e.g.
    ``{"action": "ToggleObjectOn", "objectId": "Faucet|-00.39|+00.93|-03.61"}``, and
    returns an Event. Failed actions return lastActionSuccess=False with errorMessage;
    an unknown action or a missing argument raises ValueError.
    """

    name: str

    def reset(self, scene: Any, seed: int | None = None) -> Event: ...

    def step(self, action: dict[str, Any] | str, **kwargs: Any) -> Event: ...

    @property
    def last_event(self) -> Event: ...

    def close(self) -> None: ...


def make_backend(name: str = "embedded", **kwargs: Any) -> Backend:
    """Build a backend by name: "embedded" (default) or "thor" (needs the `thor` extra)."""
    if name == "embedded":
        from .embedded import EmbeddedBackend

        return EmbeddedBackend(**kwargs)
    if name == "thor":
        from .thor import ThorBackend

        return ThorBackend(**kwargs)
    raise ValueError(f"unknown backend {name!r}; choose 'embedded' or 'thor'")
