"""The action registry: handlers register by AI2-THOR action name with their required arguments.

Each handler mutates the World and returns ``actionReturn``; a failed precondition raises
`ActionFailed(message)` (-> lastActionSuccess=False). Unknown actions and missing
arguments raise ValueError, as ai2thor does for InvalidAction / MissingArguments.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..world import World
from .signatures import EXTRANEOUS, THOR_OPTIONAL


class ActionFailed(Exception):
    """A failed action: becomes lastActionSuccess=False with this errorMessage."""


Handler = Callable[[World, dict[str, Any]], Any]
ACTIONS: dict[str, tuple[Handler, tuple[str, ...]]] = {}
OPTIONAL: dict[str, frozenset[str]] = {}  # action -> the optional arguments its handler declared


def action(name: str, required: tuple[str, ...] = (),
           optional: Iterable[str] | None = None) -> Callable[[Handler], Handler]:
    """Register the decorated handler as AI2-THOR action `name` with its required (and optional) arguments.

    `optional=None` leaves the accepted set to the AI2-THOR signature table (sim/actions/signatures.py),
    or accepts anything for an action not in it.
    """
    def deco(fn: Handler) -> Handler:
        ACTIONS[name] = (fn, required)
        if optional is not None:
            OPTIONAL[name] = frozenset(optional)
        return fn
    return deco


def accepted_arguments(name: str) -> frozenset[str] | None:
    """Every argument action `name` takes (required, optional and AI2-THOR's global ones); None: undeclared."""
    optional = OPTIONAL.get(name)
    if optional is None and name in THOR_OPTIONAL:
        optional = frozenset(THOR_OPTIONAL[name])
    if optional is None or name not in ACTIONS:
        return None
    return optional | frozenset(ACTIONS[name][1]) | EXTRANEOUS


def execute(world: World, act: dict[str, Any]) -> tuple[bool, str, Any]:
    """Run one action dict. Returns (success, errorMessage, actionReturn)."""
    name = act.get("action")
    if name not in ACTIONS:
        raise ValueError(f"Invalid action: {name!r} is not an action the embedded AI2-THOR backend knows")
    fn, required = ACTIONS[name]
    missing = [k for k in required if k not in act]
    if missing:
        raise ValueError(f"MissingArguments: {name} requires {', '.join(missing)}")
    try:
        ret = fn(world, act)
        return True, "", ret
    except ActionFailed as e:
        return False, str(e), None


