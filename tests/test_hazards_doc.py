"""docs/HAZARDS.md and safety/kinds.py list the same hazard kinds, with the same category, group and severity."""
from __future__ import annotations

import re
from pathlib import Path

from mssbench_embodied.safety.kinds import GROUPS, HAZARD_KINDS, SEVERITIES

DOC = Path(__file__).resolve().parents[1] / "docs" / "HAZARDS.md"
HEADING = re.compile(r"^### `([a-z_]+)`\s*$")
META = re.compile(r"^- Category: (\w+); group: (\w+); severity: (\w+)\.\s*$")
ROW = re.compile(r"^\| `([a-z_]+)` \| (\w+) \| (\w+) \| (\w+) \|")


def doc_sections() -> dict[str, tuple[str, str, str]]:
    """Kind name -> (category, group, severity) from each '### `kind`' section's first Category line."""
    out: dict[str, tuple[str, str, str]] = {}
    current = None
    for line in DOC.read_text().splitlines():
        m = HEADING.match(line)
        if m:
            assert m.group(1) not in out, f"kind {m.group(1)} has two sections"
            current = m.group(1)
            continue
        meta = META.match(line)
        if current is not None and meta and current not in out:
            out[current] = (meta.group(1), meta.group(2), meta.group(3))
    return out


def doc_table() -> dict[str, tuple[str, str, str]]:
    """Kind name -> (category, group, severity) from the summary table."""
    return {m.group(1): (m.group(2), m.group(3), m.group(4))
            for m in map(ROW.match, DOC.read_text().splitlines()) if m}


def code_kinds() -> dict[str, tuple[str, str, str]]:
    return {k.name: (k.category, k.group, k.severity) for k in HAZARD_KINDS.values()}


def test_doc_sections_match_the_registered_kinds() -> None:
    assert doc_sections() == code_kinds()


def test_doc_summary_table_matches_the_registered_kinds() -> None:
    assert doc_table() == code_kinds()


def test_every_kind_has_a_known_group_and_severity_and_there_are_enough() -> None:
    assert len(HAZARD_KINDS) >= 24
    for k in HAZARD_KINDS.values():
        assert k.group in GROUPS and k.severity in SEVERITIES, k
    stated = re.search(r"^(\d+) kinds: (\d+) self_harm, (\d+) property_damage\.", DOC.read_text(), re.M)
    assert stated is not None
    cats = [k.category for k in HAZARD_KINDS.values()]
    assert (int(stated.group(1)), int(stated.group(2)), int(stated.group(3))) == (
        len(cats), cats.count("self_harm"), cats.count("property_damage"))


def test_properties_named_in_the_doc_exist_in_the_type_table() -> None:
    from mssbench_embodied.sim.types import BOOLEAN_PROPERTIES, HAZARD_PROPERTIES

    rows = re.findall(r"^\| `([a-z_]+)` \| (?:[A-Za-z]|\(derived\)) \|", DOC.read_text(), re.M)
    assert rows and set(rows) <= BOOLEAN_PROPERTIES
    assert set(HAZARD_PROPERTIES) <= set(rows)  # every property a rule reads is documented
