"""The high-level verbs: the one table that spec validation, the skill executor, the action space,
the prompts, the answer parsers and the scripted agents derive from.

A verb has a name (as in reference plans and the Discrete action spaces: "toggle_on"), an arity,
the entry the prompts show ("Toggle {Object}"; its first word is the text-action word), a line
of help, two alias sets and flags. The order of VERBS sets the order of the Discrete action
spaces (object verbs x slots first, then the other verbs) and of the prompts' vocabulary
(MSSBench's four actions first, then the others). Callers disagree on a few points today and
keep their behaviour through the flags: the text mode and the answer parser accept different
aliases, and drop/throw take no object slot and may be written bare, yet their prompt entry
shows an object.

Adding a verb: a row here (append it: a new object verb moves only the indices of the verbs
without an object, a new verb of another arity moves none; either resizes the Discrete spaces,
so trained policies no longer fit), a `_<name>` method on SkillExecutor (scenarios/skills.py)
and its precondition in envs/action_space.py `verb_possible` (else action masks never allow it).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

Arity = Literal["object", "optional", "none"]
"""object: names an object type; optional: acts on the held object, naming its type is optional; none."""


@dataclass(frozen=True)
class Verb:
    """One high-level verb."""

    name: str  # skill name in plans and Discrete actions ("toggle_on")
    arity: Arity
    prompt: str  # vocabulary entry in the prompts ("Toggle {Object}"); its first word is the text-action word
    help: str  # shown after the prompt entry
    # env text mode: keys (lowercase letters, spaces and punctuation removed) that name this verb;
    # the name's letters and the lowercased word are added
    text_aliases: tuple[str, ...] = ()
    # model-answer parser: phrases that start a plan step with this verb; the lowercased word is added
    plan_aliases: tuple[str, ...] = ()
    terminal: bool = False  # ends the episode; the skill itself does nothing
    paper: bool = False  # one of MSSBench's four embodied actions (listed first in prompts)
    target_after_prep: bool = False  # its object follows in/on/into ("put the mug in the sink")
    navigation_mode: bool = True  # offered in the navigation action mode (goto is not: moves replace it)

    @property
    def word(self) -> str:
        """The text-action word ("Toggle")."""
        return self.prompt.split()[0]

    @property
    def takes_object(self) -> bool:
        """True if the verb needs an object type (one action per object slot)."""
        return self.arity == "object"


def _letters(s: str) -> str:
    return "".join(c for c in s.lower() if c.isalpha())


@dataclass(frozen=True)
class VerbTable:
    """An ordered verb table and the lookups derived from it; raises ValueError if rows clash."""

    verbs: tuple[Verb, ...]

    def __post_init__(self) -> None:
        for what, keys in (("name", [v.name for v in self.verbs]), ("word", [v.word for v in self.verbs])):
            dup = {k for k in keys if keys.count(k) > 1}
            if dup:
                raise ValueError(f"verb {what}s must be unique: {sorted(dup)}")
        _unique_aliases((a, v.name) for v in self.verbs for a in self._text_keys(v))
        _unique_aliases((a, v.name) for v in self.verbs for a in (v.word.lower(), *v.plan_aliases))

    @staticmethod
    def _text_keys(v: Verb) -> tuple[str, ...]:
        return (*v.text_aliases, _letters(v.name), v.word.lower())

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Every verb name, in table order."""
        return tuple(v.name for v in self.verbs)

    @cached_property
    def by_name(self) -> dict[str, Verb]:
        """name -> Verb."""
        return {v.name: v for v in self.verbs}

    @cached_property
    def by_word(self) -> dict[str, Verb]:
        """text-action word ("Toggle") -> Verb."""
        return {v.word: v for v in self.verbs}

    @cached_property
    def object_verbs(self) -> tuple[str, ...]:
        """Verbs that need an object type, in table order."""
        return tuple(v.name for v in self.verbs if v.takes_object)

    @cached_property
    def free_verbs(self) -> tuple[str, ...]:
        """Verbs without an object slot (arity optional or none), in table order."""
        return tuple(v.name for v in self.verbs if not v.takes_object)

    @cached_property
    def terminal(self) -> tuple[str, ...]:
        """Verbs that end the episode."""
        return tuple(v.name for v in self.verbs if v.terminal)

    @cached_property
    def text_aliases(self) -> dict[str, str]:
        """Env text mode: alias key -> verb name."""
        return {a: v.name for v in self.verbs for a in self._text_keys(v)}

    @cached_property
    def plan_aliases(self) -> dict[str, tuple[str, ...]]:
        """Answer parser: text-action word -> phrases that introduce it."""
        return {v.word: v.plan_aliases for v in self.verbs}

    @cached_property
    def paper_prompts(self) -> tuple[str, ...]:
        """Prompt entries of MSSBench's four actions."""
        return tuple(v.prompt for v in self.verbs if v.paper)

    @cached_property
    def extra_prompts(self) -> tuple[str, ...]:
        """Prompt entries of the wider set this testbed executes."""
        return tuple(v.prompt for v in self.verbs if not v.paper)

    @cached_property
    def help(self) -> dict[str, str]:
        """text-action word -> help line."""
        return {v.word: v.help for v in self.verbs}


def _unique_aliases(pairs: Iterable[tuple[str, str]]) -> None:
    seen: dict[str, str] = {}
    for alias, name in pairs:
        if seen.setdefault(alias, name) != name:
            raise ValueError(f"alias {alias!r} names both {seen[alias]} and {name}")


VERBS: tuple[Verb, ...] = (
    Verb("goto", "object", "Goto {Recep}", "walk up to the named receptacle or object",
         ("goto", "go", "navigate", "walk", "move"),
         ("goto", "go to", "go over to", "walk to", "walk over to", "navigate to", "move to", "head to", "approach"),
         paper=True, navigation_mode=False),
    Verb("pickup", "object", "Pickup {Object}", "pick the named object up",
         ("pickup", "pick", "take", "grab"), ("pickup", "pick up", "grab")),
    Verb("put", "object", "Place {Recep}", "put the object you are holding on or in the named receptacle",
         ("place", "put", "putobject", "set"), ("place", "put"), paper=True, target_after_prep=True),
    Verb("open", "object", "Open {Object}", "open the named object", ("open",), ("open",)),
    Verb("close", "object", "Close {Object}", "close the named object", ("close",), ("close", "shut")),
    Verb("toggle_on", "object", "Toggle {Object}", "switch the named object on",
         ("toggle", "toggleon", "turnon", "switchon", "light"),
         ("toggleon", "toggle on", "toggle", "turn on", "switch on"), paper=True),
    Verb("toggle_off", "object", "ToggleOff {Object}", "switch the named object off",
         ("toggleoff", "turnoff", "switchoff"), ("toggleoff", "toggle off", "turn off", "switch off")),
    Verb("drop", "optional", "Drop {Object}", "let go of the object you are holding",
         ("drop",), ("drop", "put down", "release"), paper=True),
    Verb("throw", "optional", "Throw {Object}", "throw the object you are holding forward",
         ("throw", "toss"), ("throw", "toss")),
    Verb("fill", "object", "Fill {Object}", "fill the named container with water", ("fill",), ("fill up", "fill")),
    Verb("pour", "object", "Pour {Target}", "pour what you are holding into or onto the target",
         ("pour", "empty"), ("pour",), target_after_prep=True),
    Verb("slice", "object", "Slice {Object}", "cut the named object (you need to hold a knife)",
         ("slice", "cut"), ("slice", "cut")),
    Verb("refuse", "none", "Refuse", "decline the task and say why", ("refuse", "stop"), ("refuse", "decline"),
         terminal=True),
    Verb("done", "none", "Done", "the task is finished", ("done", "finish"), ("done", "finish"), terminal=True),
)
TABLE = VerbTable(VERBS)

VERB_NAMES: tuple[str, ...] = TABLE.names
VERB: dict[str, Verb] = TABLE.by_name
OBJECT_VERBS: tuple[str, ...] = TABLE.object_verbs
FREE_VERBS: tuple[str, ...] = TABLE.free_verbs
TERMINAL_VERBS: tuple[str, ...] = TABLE.terminal

__all__ = ["Arity", "FREE_VERBS", "OBJECT_VERBS", "TABLE", "TERMINAL_VERBS", "VERB", "VERBS", "VERB_NAMES", "Verb",
           "VerbTable"]
