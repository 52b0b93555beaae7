"""The situation library: load scenes/situations/*.json, expand templates, validate, split.

Split rule (documented in scenes/situations/README.md): a pair's split is decided by a stable
hash of (template, its substituted object/receptacle combination) - not of the room - so a
held-out combination never appears in train in any room. About 25% of combinations go to test.

A file with any problem (unreadable, schema, semantics, a room it names that is missing or broken, a pair
`realise` could not set up there: `RealisationCheck`) is left out whole, with a warning; the other files stay
usable. `library_problems` lists every problem as one 'file: field: message' line (`scenes validate`).
"""
from __future__ import annotations

import hashlib
import warnings
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ..sim.data import SceneFileError, display_path, field_path, read_json, scenes_root
from ..sim.rooms import room_library, rooms_dir
from .realise import RealisationCheck
from .spec import (
    MAX_FILE_PAIRS,
    PairSpec,
    SituationFile,
    SpecError,
    TemplateSpec,
    expand_template,
    validate_pair,
)

if TYPE_CHECKING:
    from ..sim.rooms import RoomSpec

TEST_FRACTION_BUCKETS = 4  # 1 in 4 combinations is held out
_JSON_ERROR = "{where}: invalid JSON at line {line} column {col}: {msg}"


def situations_dir() -> Path:
    """The situation library in use: ``scenes_root()/situations`` ($MSSBENCH_SCENES_DIR overrides)."""
    return scenes_root() / "situations"


def _at(at: str, field: str, joiner: str = ".") -> str:
    """'templates[0]' + 'rooms[1]' -> 'templates[0].rooms[1]' (a field of an expanded pair follows ': ')."""
    if not field:
        return at
    return f"{at}{'' if field.startswith('[') and joiner == '.' else joiner}{field}" if at else field


def _validated(model: type[BaseModel], data: Any, where: str, at: str = "", joiner: str = ".") -> Any:
    """model.model_validate(data), with the first error as a SpecError 'file: field: message'."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        path = _at(at, field_path(tuple(err["loc"])), joiner) or "<top>"
        raise SpecError(f"{where}: {path}: {msg}") from None


class _Rooms:
    """The room library a situation file is checked against: usable rooms, broken files, initial metadata."""

    def __init__(self) -> None:
        self.good, self.bad = room_library()
        self._checks: dict[str, RealisationCheck] = {}

    def problem(self, name: str) -> str | None:
        """Why a situation cannot use room ``name`` (None if it can)."""
        if name in self.good and name not in self._checks:
            try:
                self._checks[name] = RealisationCheck(_initial_metadata(self.good[name]))
            except Exception as e:  # a valid file the simulator still cannot load: report it, go on
                self.bad[name] = (f"{display_path(rooms_dir() / (name + '.json'))}: the embedded simulator cannot "
                                  f"load it: {type(e).__name__}: {e}")
                del self.good[name]
        if name in self.good:
            return None
        if name in self.bad:
            return f"room {name!r} cannot be used: {display_path(rooms_dir() / (name + '.json'))} has errors"
        known = ", ".join(sorted(self.good)) or "none"
        return f"no room {name!r} in {display_path(rooms_dir())} (rooms: {known})"

    def check(self, name: str) -> RealisationCheck:
        """Checks pairs against the room's initial AI2-THOR metadata (what realise starts from); call
        ``problem(name)`` first."""
        return self._checks[name]


def _initial_metadata(room: RoomSpec) -> dict[str, Any]:
    from ..sim.embedded import EmbeddedBackend

    return EmbeddedBackend(width=8, height=8, render=False).reset(room).metadata


def combination_key(template: str, values: dict[str, str]) -> str:
    """The name of a template's object / receptacle combination: its substituted values, not the room."""
    return template + "|" + "|".join(f"{k}={values[k]}" for k in sorted(values))


def split_of(template: str, values: dict[str, str]) -> str:
    """"test" or "train" for a template and its substituted values (stable hash; the room is not part)."""
    h = int(hashlib.sha1(combination_key(template, values).encode()).hexdigest(), 16)
    return "test" if h % TEST_FRACTION_BUCKETS == 0 else "train"


def _entries(path: Path, where: str, rooms: _Rooms) -> tuple[list[tuple[str, str, dict[str, Any]]], list[str]]:
    """(where, joiner, pair body) of every pair a file defines, templates expanded; and the problems found."""
    data = read_json(path, where, _JSON_ERROR)
    doc: SituationFile = _validated(SituationFile, data, where)
    raw: list[tuple[str, str, dict[str, Any]]] = []
    problems: list[str] = []
    templates: list[tuple[int, TemplateSpec]] = []
    for i, t in enumerate(doc.templates):
        try:
            templates.append((i, _validated(TemplateSpec, t, where, f"templates[{i}]")))
        except SpecError as e:
            problems.append(str(e))
    total = len(doc.pairs) + sum(t.expansion_count() for _, t in templates)  # counted before any expansion
    if total > MAX_FILE_PAIRS:
        raise SpecError(f"{where}: templates: the file expands to {total} pairs, over the limit of "
                        f"{MAX_FILE_PAIRS} per file")
    for i, tmpl in templates:
        bad_rooms = [f"{where}: templates[{i}].rooms[{j}]: {rooms.problem(r)}"
                     for j, r in enumerate(tmpl.rooms) if rooms.problem(r)]
        if bad_rooms:
            problems.extend(bad_rooms)
            continue
        try:
            bodies = expand_template(tmpl)
        except ValueError as e:
            problems.append(f"{where}: templates[{i}] ({tmpl.template}): {e}")
            continue
        raw.extend((f"templates[{i}] ({tmpl.template}) -> {b['id']}", ": ", b) for b in bodies)
    for i, p in enumerate(doc.pairs):
        raw.append((f"pairs[{i}]", ".", {"template": p.get("id", f"pair{i}"), **p}))
    return raw, problems


def _check_file(path: Path, rooms: _Rooms) -> tuple[list[PairSpec], list[str]]:
    """The pairs of one situation file and its problems ('file: field: message' lines)."""
    where = display_path(path)
    try:
        raw, problems = _entries(path, where, rooms)
    except SceneFileError as e:
        return [], [str(e)]
    out: list[PairSpec] = []
    seen: set[str] = set()
    for at, joiner, body in raw:
        try:
            pair: PairSpec = _validated(PairSpec, body, where, at, joiner)
            validate_pair(pair)
        except SpecError as e:
            problems.append(str(e))
            continue
        except ValueError as e:  # validate_pair: 'field: message'
            problems.append(f"{where}: {_at(at, str(e), joiner)}")
            continue
        room_problem = rooms.problem(pair.room)
        unreal = [f"room: {room_problem}"] if room_problem else rooms.check(pair.room).problems(pair)
        if pair.id in seen:
            unreal.append(f"id: duplicate pair id {pair.id!r}")
        seen.add(pair.id)
        if unreal:
            problems.extend(f"{where}: {_at(at, u, joiner)}" for u in unreal)
            continue
        pair.split = split_of(pair.template, pair.vars)
        out.append(pair)
    return out, problems


def load_file(path: Path) -> list[PairSpec]:
    """Load one situation file ({"templates": [...], "pairs": [...]}); SpecError lists every problem, one line
    each naming the file and the field. Rooms come from ``rooms_dir()``."""
    pairs, problems = _check_file(Path(path), _Rooms())
    if problems:
        raise SpecError("\n".join(problems))
    return pairs


@lru_cache(maxsize=8)
def _load_all(root: str, stamp: tuple[tuple[str, float], ...],
              room_stamp: tuple[tuple[str, float], ...]) -> tuple[tuple[PairSpec, ...], tuple[str, ...]]:
    rooms = _Rooms()
    problems: list[str] = []
    pairs: list[PairSpec] = []
    seen: dict[str, str] = {}
    for name, _ in stamp:
        path = Path(root) / name
        got, bad = _check_file(path, rooms)
        dup = [p.id for p in got if p.id in seen]
        if dup:
            bad.append(f"{display_path(path)}: id: duplicate pair id {dup[0]!r} (also in {seen[dup[0]]})")
        if bad:
            problems.extend(bad)
            continue
        seen.update((p.id, name) for p in got)
        pairs.extend(got)
    room_problems = [line for msg in rooms.bad.values() for line in msg.splitlines()]
    return tuple(pairs), tuple(room_problems + problems)


def _stamp(d: Path) -> tuple[tuple[str, float], ...]:
    """(name, mtime) of a folder's JSON files: the library is reloaded when one changes (-1: unreadable)."""
    def mtime(f: Path) -> float:
        try:
            return f.stat().st_mtime
        except OSError:  # a dangling link or a file removed meanwhile: read_json reports it
            return -1.0
    files = sorted(d.glob("*.json")) if d.is_dir() else []
    return tuple((f.name, mtime(f)) for f in files)


def library_problems(directory: Path | None = None) -> list[str]:
    """Every problem of the room and situation files in use, one 'file: field: message' line each; a file with
    any problem is left out of ``load_pairs`` (the others stay usable)."""
    d = Path(directory) if directory else situations_dir()
    return list(_load_all(str(d), _stamp(d), _stamp(rooms_dir()))[1])


def load_pairs(split: str | None = None, directory: Path | None = None) -> list[PairSpec]:
    """All situation pairs of the valid files (optionally one split: "train" | "test"), in a stable order.
    Files with problems are left out, with a warning listing them (``library_problems``)."""
    d = Path(directory) if directory else situations_dir()
    loaded, problems = _load_all(str(d), _stamp(d), _stamp(rooms_dir()))
    if problems:
        files = sorted({line.split(": ", 1)[0] for line in problems})
        warnings.warn(f"{len(files)} scene file(s) with errors left out ({', '.join(files)}); "
                      f"`python -m mssbench_embodied.scenes validate` lists them:\n" + "\n".join(problems),
                      UserWarning, stacklevel=2)
    pairs = list(loaded)
    if split not in (None, "all"):
        if split not in ("train", "test"):
            raise ValueError(f"unknown split {split!r}; choose train, test or all")
        pairs = [p for p in pairs if p.split == split]
    return pairs


def get_pair(pair_id: str) -> PairSpec:
    """The situation pair with this id; KeyError if none."""
    for p in load_pairs():
        if p.id == pair_id:
            return p
    raise KeyError(f"no situation pair with id {pair_id!r}")


def library_counts(pairs: list[PairSpec] | None = None) -> dict[str, Any]:
    """Counts that `python -m mssbench_embodied.scenes list` prints."""
    from ..sim.rooms import load_room

    pairs = load_pairs() if pairs is None else pairs
    rooms = {p.room for p in pairs}
    room_types = Counter(load_room(r).room_type for r in rooms)
    types: set[str] = set()
    verbs: set[str] = set()
    for p in pairs:
        types |= p.types_used()
        verbs |= p.verbs_used()
    cats = Counter(p.category for p in pairs)
    return {
        "pairs": len(pairs),
        "samples": 2 * len(pairs),
        "by_category": dict(cats),
        "self_harm_share": round(cats.get("self_harm", 0) / max(1, len(pairs)), 3),
        "by_hazard": dict(sorted(Counter(p.hazard for p in pairs).items())),
        "by_split": dict(Counter(p.split for p in pairs)),
        "templates": len({p.template for p in pairs}),
        "rooms": len(rooms),
        "room_types": dict(room_types),
        "object_types_used": len(types),
        "verbs_used": sorted(verbs),
    }
