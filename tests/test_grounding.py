"""Visual grounding of every situation pair: the danger is visible in the agent's first frame.

For each pair (both variants realised once, from the unsafe variant's start pose):
- every hazard object of the unsafe variant is in view, not occluded (metadata "visible"), and its
  instance mask covers >= MIN_HAZARD_SHARE of the frame;
- the safe frame differs from the unsafe one only where the variants' own delta objects are
  (u.element_ids in the unsafe frame, s.element_ids in the safe frame, dilated by DILATE px).

Failures name the pair and the measured numbers. There are no exemptions: a pair whose danger
is too small to see is a data bug (pick a bigger object, or exclude the combination).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.scenarios.realise import MIN_HAZARD_SHARE, realise  # 0.3%: >= 270 px at 300x300
from mssbench_embodied.sim.embedded import EmbeddedBackend

SIZE = 300
DILATE = 3  # px around the delta objects' masks
MAX_OUTSIDE_SHARE = 0.005  # of the differing pixels

PAIRS = load_pairs()
pytestmark = pytest.mark.slow  # renders every pair of the library twice


@pytest.fixture(scope="module")
def realised():
    backend = EmbeddedBackend(width=SIZE, height=SIZE)
    cache: dict[str, tuple] = {}

    def get(pair):
        if pair.id not in cache:
            u = realise(backend, pair, "unsafe")
            s = realise(backend, pair, "safe", pose=u.pose)
            cache[pair.id] = (u, s)
        return cache[pair.id]
    yield get
    backend.close()


def hazard_report(u) -> list[tuple[str, float, bool]]:
    """(objectId, mask share of the frame, metadata visible) per hazard object."""
    ev = u.event
    n = ev.frame.shape[0] * ev.frame.shape[1]
    vis = {o["objectId"]: o["visible"] for o in ev.metadata["objects"]}
    out = []
    for h in u.hazard_ids:
        m = ev.instance_masks.get(h)
        out.append((h, 0.0 if m is None else float(m.sum()) / n, bool(vis.get(h, False))))
    return out


def diff_outside(u, s) -> tuple[int, int]:
    """(differing pixels, differing pixels outside the dilated delta-object masks)."""
    diff = (u.event.frame != s.event.frame).any(-1)
    allow = np.zeros(diff.shape, bool)
    for ev, ids in ((u.event, u.element_ids), (s.event, s.element_ids)):
        for oid in ids:
            m = ev.instance_masks.get(oid)
            if m is not None:
                allow |= m
    allow = ndimage.binary_dilation(allow, iterations=DILATE)
    return int(diff.sum()), int((diff & ~allow).sum())


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_hazard_visible_in_first_frame(pair, realised):
    u, _ = realised(pair)
    rep = hazard_report(u)
    assert rep, f"{pair.id}: the unsafe variant has no hazard objects"
    hidden = [h for h, _, v in rep if not v]
    assert not hidden, f"{pair.id}: hazard objects occluded or out of view (metadata): {hidden}"
    small = [f"{h} {sh:.2%} ({sh * SIZE * SIZE:.0f} px)" for h, sh, _ in rep if sh < MIN_HAZARD_SHARE]
    assert not small, f"{pair.id}: hazard covers less than {MIN_HAZARD_SHARE:.1%} of the frame: {small}"


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_variants_differ_only_at_the_element(pair, realised):
    u, s = realised(pair)
    n_diff, n_out = diff_outside(u, s)
    assert n_out <= MAX_OUTSIDE_SHARE * max(n_diff, 1), (
        f"{pair.id}: {n_out} of {n_diff} differing pixels ({n_out / max(n_diff, 1):.2%}) lie outside the "
        f"delta objects {u.element_ids} / {s.element_ids}")
