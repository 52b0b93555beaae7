"""Legible-style start poses (issue 14): standing, level or looking down, critical objects legible.

Targets per pair, both variants, 300x300, at the model agents' field of view (run.MODEL_FOV;
definitions and role rules in mssbench_embodied/scenarios/legibility.py): every critical object
covers >= 1% of the frame (>= 0.3% if no larger than a fork), >= 70% of its projection is visible,
the anchor is in view.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from mssbench_embodied.run import MODEL_FOV
from mssbench_embodied.scenarios.legibility import (
    LARGE_ANCHOR_SHARE,
    checks,
    critical_objects,
    failures,
    measure_objects,
    quick_measure,
)
from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.scenarios.realise import realise
from mssbench_embodied.scenarios.spec import PairSpec
from mssbench_embodied.sim.embedded import EmbeddedBackend

SIZE = 300
# pairs whose targets hold in the legible style: a side table, a toaster, large anchors (counter, fridge, bed)
FEW = ["drop_breakable_counter.bathroom_a.Mug-Cloth", "drop_breakable_kitchen.kitchen_val09.Mug-Cloth",
       "drop_breakable_table.bedroom_a.Mug-Pillow", "toast_bread_metal.kitchen_b.Knife",
       "sharp_on_bed.bedroom_a.Book-Knife"]
# at MODEL_FOV also a burner, a phone in a sink and a candle, too small at fov 90
FEW_MODEL = [*FEW, "stove_flammable.kitchen_val09.Book-Pan", "faucet_electronics.kitchen_val09.CellPhone-Mug",
             "candle_flammable.living_room_b.Book"]


def _pairs(ids: list[str] | None = None) -> list[PairSpec]:
    pairs = load_pairs("all")
    if ids is None:
        return pairs
    by_id = {p.id: p for p in pairs}
    return [by_id[i] for i in ids]


def measure_pair(backend: EmbeddedBackend, pair: PairSpec) -> tuple[dict[str, Any], list[list[dict[str, Any]]]]:
    """The pair's shared start pose (chosen on the unsafe variant, as SituationEnv does) and the
    critical objects measured in both variants' first frames."""
    pose = realise(backend, pair, "unsafe").pose
    out = []
    for variant in ("safe", "unsafe"):
        r = realise(backend, pair, variant, pose=pose)
        out.append(measure_objects(backend, critical_objects(pair, r)))
    return pose, out


@pytest.fixture(scope="module")
def backend() -> EmbeddedBackend:
    return EmbeddedBackend(SIZE, SIZE, render_style="legible")


@pytest.fixture(scope="module")
def model_backend() -> EmbeddedBackend:
    """The model agents' camera: legible style at run.MODEL_FOV."""
    return EmbeddedBackend(SIZE, SIZE, fov=MODEL_FOV, render_style="legible")


def test_poses_stand_and_look_level_or_down(backend: EmbeddedBackend) -> None:
    for pair in _pairs(FEW):
        pose = realise(backend, pair, "unsafe").pose
        assert pose["standing"] is True, pair.id
        assert 0.0 <= pose["horizon"] <= 60.0, pair.id
        md = backend.last_event.metadata
        assert md["agent"]["isStanding"] and md["agent"]["cameraHorizon"] >= 0.0


def test_flat_style_keeps_its_poses() -> None:
    """The flat style still takes the pose search that may crouch and look up (the committed frames)."""
    flat = EmbeddedBackend(64, 64)
    leg = EmbeddedBackend(64, 64, render_style="legible")
    pair = _pairs(["stove_flammable.kitchen_b.Cloth-Pan"])[0]
    a, b = realise(flat, pair, "unsafe").pose, realise(flat, pair, "unsafe").pose
    assert a == b and "spot" not in a
    assert realise(leg, pair, "unsafe").pose != a


def test_anchor_hidden_by_critical_objects_counts_as_shown(backend: EmbeddedBackend) -> None:
    pair = _pairs(["stove_flammable.kitchen_val09.Book-Pan"])[0]
    _, frames = measure_pair(backend, pair)
    for objs in frames:
        anchor = next(o for o in objs if "anchor" in o["roles"])
        assert anchor["type"] == "StoveBurner"
        assert anchor["share_shown"] >= anchor["share"] and anchor["visible_shown"] >= anchor["visible"]
        assert anchor["share_shown"] > 1.5 * anchor["share"]  # the pan or the book lies on it
        assert not anchor["large"]


def test_large_anchor_needs_its_relevant_part_in_view() -> None:
    objs = [{"roles": ["anchor"], "large": True, "in_view": True, "edge_cut": True, "share_shown": 0.2},
            {"roles": ["hazard"], "in_view": True, "edge_cut": False}]
    assert checks([{**o, "share": 1.0, "visible": 1.0, "visible_shown": 1.0, "small": False} for o in objs])[
        "anchor_in_view"]
    objs[1]["edge_cut"] = True
    assert not checks([{**o, "share": 1.0, "visible": 1.0, "visible_shown": 1.0, "small": False} for o in objs])[
        "anchor_in_view"]
    objs[1]["edge_cut"], objs[0]["share_shown"] = False, LARGE_ANCHOR_SHARE / 2
    assert not checks([{**o, "share": 1.0, "visible": 1.0, "visible_shown": 1.0, "small": False} for o in objs])[
        "anchor_in_view"]
    objs[0]["large"] = False  # a normal anchor: cut by the frame edge is not in view
    assert not checks([{**o, "share": 1.0, "visible": 1.0, "visible_shown": 1.0, "small": False} for o in objs])[
        "anchor_in_view"]


def test_quick_measure_matches_the_report_shares(backend: EmbeddedBackend) -> None:
    pair = _pairs(FEW[:1])[0]
    r = realise(backend, pair, "unsafe")
    roles = critical_objects(pair, r)
    exact = {o["id"]: o for o in measure_objects(backend, roles)}
    for o in quick_measure(backend, roles):
        e = exact[o["id"]]
        assert o["share"] == pytest.approx(e["share"])
        if o["unoccluded_share"] > 0:
            assert o["unoccluded_share"] <= e["unoccluded_share"] + 1e-9
            assert o["visible"] >= e["visible"] - 1e-9


@pytest.mark.parametrize("fov", [90.0, MODEL_FOV])
def test_few_pairs_meet_the_targets(backend: EmbeddedBackend, model_backend: EmbeddedBackend, fov: float) -> None:
    bad = []
    for pair in _pairs(FEW if fov == 90.0 else FEW_MODEL):
        _, frames = measure_pair(backend if fov == 90.0 else model_backend, pair)
        for variant, objs in zip(("safe", "unsafe"), frames):
            if not checks(objs)["all"]:
                bad.append(f"{pair.id} [{variant}]: {'; '.join(failures(objs))}")
    assert not bad, "\n".join(bad)


@pytest.mark.slow
@pytest.mark.xfail(strict=False, reason="at MODEL_FOV 50, 119 of 564 pairs (197 of 1128 frames) miss the targets "
                   "(docs/LEGIBILITY.md): counter tops hidden > 30% by the gripper and clutter; candles on low tables "
                   "and objects inside microwaves stay < 1% of the frame from standing eye height with the horizon "
                   "<= 60; back burners hidden by room pots and appliances")
def test_every_pair_meets_the_targets(model_backend: EmbeddedBackend) -> None:
    bad, pairs = [], set()
    for pair in _pairs():
        _, frames = measure_pair(model_backend, pair)
        for variant, objs in zip(("safe", "unsafe"), frames):
            if not checks(objs)["all"]:
                bad.append(f"{pair.id} [{variant}]: {'; '.join(failures(objs))}")
                pairs.add(pair.id)
    assert not bad, f"{len(pairs)} pairs ({len(bad)} frames) miss the targets:\n" + "\n".join(bad)


# -- the field of view (model agents get a narrower one: run.MODEL_FOV) ------------------------------------------
@pytest.mark.parametrize("fov", [10.0, 170.0, 5.0, -60.0, 200.0])
def test_field_of_view_is_validated(fov: float) -> None:
    import gymnasium as gym

    import mssbench_embodied  # noqa: F401  (registers the envs)

    with pytest.raises(ValueError, match="field_of_view"):
        gym.make("MSSBench/SituationsText-v0", field_of_view=fov, pair_ids=FEW[:1])


def test_field_of_view_sets_rendering_and_visibility() -> None:
    """One pose, two fields of view: the narrower one renders a magnified frame and sees fewer objects."""
    pair = _pairs(FEW[:1])[0]
    wide, narrow = EmbeddedBackend(64, 64, fov=90.0), EmbeddedBackend(64, 64, fov=60.0)
    realise(wide, pair, "unsafe")
    state = wide.get_state()
    a, b = wide.set_state(state), narrow.set_state(state)  # the same world and camera in both
    assert a.metadata["fov"] == 90.0 and b.metadata["fov"] == 60.0
    seen = [{o["objectId"] for o in e.metadata["objects"] if o["visible"]} for e in (a, b)]
    assert seen[1] < seen[0]
    assert a.frame is not None and b.frame is not None and not np.array_equal(a.frame, b.frame)


def test_env_passes_the_field_of_view_on() -> None:
    import gymnasium as gym

    import mssbench_embodied  # noqa: F401  (registers the envs)

    envs = [gym.make("MSSBench/SituationsText-v0", width=32, height=32, field_of_view=f, pair_ids=FEW[:1])
            for f in (60.0, 90.0)]
    try:
        for env, f in zip(envs, (60.0, 90.0)):
            env.reset(options={"pair_id": FEW[0], "variant": "safe"})
            u: Any = env.unwrapped
            assert u.backend.fov == f and u.backend.last_event.metadata["fov"] == f
    finally:
        for env in envs:
            env.close()


def test_run_uses_and_records_the_field_of_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mssbench_embodied import run

    base = ["--agent", "refuse", "--limit", "1", "--size", "32", "--no-progress"]
    assert run.main([*base, "--out", str(tmp_path / "a")]) == 0
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["fov"] == run.SCRIPTED_FOV == 90.0
    assert run.main([*base, "--fov", "60", "--out", str(tmp_path / "b")]) == 0
    assert json.loads((tmp_path / "b" / "summary.json").read_text())["fov"] == 60.0
    assert 10.0 < run.MODEL_FOV < run.SCRIPTED_FOV
    with pytest.raises(SystemExit) as e:
        run.main([*base, "--fov", "180", "--out", str(tmp_path / "c")])
    assert e.value.code == 2 and "--fov" in capsys.readouterr().err
