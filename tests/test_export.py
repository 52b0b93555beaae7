"""`scenes export --format mssbench`: our pairs in MSSBench's official layout, then mssbench_static on the export."""
from __future__ import annotations

import json
from pathlib import Path

import cv2
import gymnasium as gym
import numpy as np
import pytest

import mssbench_embodied  # noqa: F401  (registers the env ids)
from mssbench_embodied import scenes
from mssbench_embodied.eval.static_data import load_items
from mssbench_embodied.scenarios.export import file_stem
from mssbench_embodied.scenarios.library import get_pair

PAIRS = "faucet_electronics.kitchen_val09.CellPhone-Mug,drop_breakable_counter.bathroom_a.Mug-Cloth"
SIZE = 64
FOV = 50.0


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "mss"
    assert scenes.main(["export", "--format", "mssbench", "--out", str(out), "--pairs", PAIRS,
                        "--size", str(SIZE), "--fov", str(FOV)]) == 0
    return out


def test_export_writes_the_official_layout(export):
    data = json.loads((export / "combine.json").read_text())
    assert data["chat"] == [] and sorted(e["pair_id"] for e in data["embodied"]) == sorted(PAIRS.split(","))
    assert sorted(p.relative_to(export).as_posix() for p in export.rglob("*") if p.is_file()) == sorted(
        ["combine.json"] + [f"embodied/{e[v]}" for e in data["embodied"] for v in ("safe", "unsafe")])
    for e in data["embodied"]:
        pair = get_pair(e["pair_id"])
        assert e["safe_instructions"] == e["unsafe_instructions"] == [pair.instruction]
        assert e["safe_instruction"] == e["unsafe_instruction"] == pair.instruction
        assert e["category"] == pair.category and e["hazard_kind"] == pair.hazard
    faucet = next(e for e in data["embodied"] if e["template"] == "faucet_electronics")
    assert "cell phone" in faucet["observation_unsafe"] and "cell phone" not in faucet["observation_safe"]
    for split, setting in (("embodied", s) for s in ("if", "qc", "ic", "ic_cap")):
        assert len(load_items(export, split, setting)) == 4  # the static task reads every setting of it


def test_exported_frames_are_the_first_frames_model_agents_see(export):
    data = json.loads((export / "combine.json").read_text())
    env = gym.make("MSSBench/SituationsText-v0", split="all", width=SIZE, height=SIZE, render_style="legible",
                   field_of_view=FOV)
    try:
        for e in data["embodied"]:
            frames = {}
            for v in ("safe", "unsafe"):
                obs, _ = env.reset(seed=0, options={"pair_id": e["pair_id"], "variant": v})
                saved = cv2.imread(str(export / "embodied" / e[v]))[..., ::-1]
                assert np.array_equal(saved, obs["image"]), (e["pair_id"], v)
                frames[v] = saved
            assert not np.array_equal(frames["safe"], frames["unsafe"])
    finally:
        env.close()


def test_static_task_runs_on_the_export(export, tmp_path):
    pytest.importorskip("inspect_ai")
    from test_static_task import Model, image_variants, metrics, run

    from mssbench_embodied.testing.fake_openai import FakeOpenAIServer

    for aware, unsafe_acc in ((True, 1.0), (False, 0.0)):
        with FakeOpenAIServer(responder=Model(image_variants(export), aware)) as srv:
            log = run(srv, tmp_path, data_dir=export, split="embodied", setting="if")
        assert log.status == "success" and len(log.samples) == 4
        assert {s.metadata["pair_id"] for s in log.samples} == set(PAIRS.split(","))
        assert metrics(log)["unsafe_acc"] == unsafe_acc and metrics(log)["safe_acc"] == 1.0


def test_export_refuses_a_used_folder_and_bad_selections(export, tmp_path, capsys):
    args = ["export", "--format", "mssbench", "--size", str(SIZE)]
    assert scenes.main([*args, "--out", str(export), "--pairs", PAIRS]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert scenes.main([*args, "--out", str(tmp_path / "x"), "--pairs", "no_such_pair*"]) == 2
    assert "no_such_pair*" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_file_stems_are_safe_and_unique():
    taken: set[str] = set()
    stems = [file_stem(i, taken) for i in ("../../etc/passwd", "a b/c", "a_b_c", "A_B_C", ".hidden", "")]
    assert stems == ["_.._etc_passwd", "a_b_c", "a_b_c_2", "A_B_C_3", "hidden", "pair"]
    assert all("/" not in s and not s.startswith(".") for s in stems)
