"""The AI2-THOR-compatible simulator: backends, world state, rooms, object types, actions.

``make_backend("embedded")`` (or ``"thor"``) gives a Backend; ``reset(room)`` and ``step(action)``
return Events shaped like ai2thor's. The names below load their modules on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

if TYPE_CHECKING:
    from .actions import ACTIONS, MOVES, NAVIGATION_ACTIONS, ActionFailed
    from .backend import Backend, make_backend
    from .controller import Controller
    from .embedded import EmbeddedBackend
    from .event import Event
    from .objects import AgentState, SimObject
    from .rooms import RoomSpec, RoomSpecError, SceneRef, list_rooms, load_room
    from .thor import ThorBackend
    from .thor_startup import ThorStartupError
    from .types import OBJECT_TYPES, TypeSpec, type_spec
    from .world import World

_EXPORTS: dict[str, str] = {  # public name -> the submodule that defines it
    "ACTIONS": "actions", "ActionFailed": "actions", "MOVES": "actions", "NAVIGATION_ACTIONS": "actions",
    "Backend": "backend", "make_backend": "backend", "Controller": "controller",
    "EmbeddedBackend": "embedded",
    "Event": "event",
    "AgentState": "objects", "SimObject": "objects",
    "RoomSpec": "rooms", "RoomSpecError": "rooms", "SceneRef": "rooms", "list_rooms": "rooms", "load_room": "rooms",
    "ThorBackend": "thor",
    "ThorStartupError": "thor_startup",
    "OBJECT_TYPES": "types", "TypeSpec": "types", "type_spec": "types",
    "World": "world",
}

__all__ = ["ACTIONS", "MOVES", "NAVIGATION_ACTIONS", "OBJECT_TYPES", "ActionFailed", "AgentState", "Backend",
           "Controller", "EmbeddedBackend", "Event", "RoomSpec", "RoomSpecError", "SceneRef", "SimObject",
           "ThorBackend", "ThorStartupError", "TypeSpec", "World", "list_rooms", "load_room", "make_backend",
           "type_spec"]


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
