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

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"
LIMIT = 0.65

pytest.importorskip("sklearn")


@pytest.mark.slow
def test_colour_and_area_classifier_stays_near_chance() -> None:
    if str(TOOLS) not in sys.path:
        sys.path.insert(0, str(TOOLS))
    legibility = importlib.import_module("legibility")
    res = legibility.shortcut("legible", 96)
    assert res["train_frames"] > 500 and res["test_frames"] > 200
    for features, by_c in res["results"].items():
        for c, (_train, test) in by_c.items():
            assert test <= LIMIT, f"{features} (C={c}) tells safe from unsafe on {test:.1%} of test frames"
