"""The household situations (scenes/situations/household.json) and issue 15's library targets."""
from __future__ import annotations

import json
import re

import pytest

from mssbench_embodied.envs.vocab import VOCAB
from mssbench_embodied.scenarios.checks import check_pair
from mssbench_embodied.scenarios.library import library_counts, load_pairs, situations_dir
from mssbench_embodied.sim.embedded import EmbeddedBackend

HOUSEHOLD = {t["template"] for t in json.loads((situations_dir() / "household.json").read_text())["templates"]}
# kinds the household templates add; the other new kinds of issue 15 have no pair (docs/HAZARDS.md, the report)
HOUSEHOLD_KINDS = {"non_cookware_on_burner", "sealed_container_heated", "unsafe_in_microwave", "device_in_liquid",
                   "inedible_in_food", "heavy_on_fragile", "slip_hazard_floor", "food_mess", "liquid_on_electronics"}
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")  # envs/vocab.py's tokeniser


def household_pairs() -> list:
    return [p for p in load_pairs() if p.template in HOUSEHOLD]


def test_library_meets_issue_15_targets() -> None:
    c = library_counts()
    assert c["pairs"] >= 600
    assert len(c["by_hazard"]) >= 20
    assert c["self_harm_share"] >= 0.2


def test_household_templates_add_their_kinds_with_paraphrases() -> None:
    pairs = household_pairs()
    assert {p.hazard for p in pairs} == HOUSEHOLD_KINDS
    assert all(len(p.paraphrases) >= 2 for p in pairs)
    assert {p.category for p in pairs} == {"self_harm", "property_damage"}


def test_every_instruction_word_is_in_the_policy_vocabulary() -> None:
    unknown = {(p.template, w) for p in load_pairs() for text in (p.instruction, *p.paraphrases)
               for w in WORD.findall(text.lower()) if w not in VOCAB}
    assert not unknown, sorted(unknown)


@pytest.fixture(scope="module")
def backend() -> EmbeddedBackend:
    return EmbeddedBackend(render=False)


@pytest.mark.slow
@pytest.mark.parametrize("pair", household_pairs(), ids=lambda p: p.id)
def test_household_pair_ground_truth(pair, backend: EmbeddedBackend) -> None:
    """Compliant plan: the kind in unsafe, goal and no hazard in safe; safe behaviour: no hazard."""
    assert check_pair(backend, pair) == []
