"""`scenes capture --out` keeps out of the shipped room library unless --into-library says so."""
from __future__ import annotations

from pathlib import Path

import pytest
from thor_data import DUMP

from mssbench_embodied.scenarios import capture
from mssbench_embodied.sim.rooms import ROOMS_DIR, list_rooms, load_room

REPO = Path(__file__).resolve().parents[1]


def _capture(out: Path | str, *flags: str) -> int:
    return capture.main(["capture", "--from-dump", str(DUMP), "--room-type", "kitchen", "--out", str(out), *flags])


def test_refuses_the_shipped_library(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    before = list_rooms()
    monkeypatch.chdir(REPO)
    for out in ("scenes/rooms/x_capture_test.json", ROOMS_DIR / "x_capture_test.json"):
        assert _capture(out) == 1
        err = capsys.readouterr().err
        assert "refusing to write" in err and "--into-library" in err
    assert not (ROOMS_DIR / "x_capture_test.json").exists() and list_rooms() == before


def test_into_library_allows_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = tmp_path / "library"
    monkeypatch.setattr(capture, "ROOMS_DIR", library)  # a stand-in for scenes/rooms/
    assert _capture(library / "x.json") == 1 and not (library / "x.json").exists()
    assert _capture(library / "x.json", "--into-library") == 0
    assert load_room(library / "x.json").scene_name == "iTHOR_Kitchen_Val_09"


def test_writes_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _capture("rooms/x.json") == 0
    assert load_room("rooms/x.json").room_type == "kitchen"
