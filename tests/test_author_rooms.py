"""The committed room files are what their generators write, byte for byte.

Hand-authored rooms come from tools/author_rooms.py; kitchen_val09 is converted from the real
AI2-THOR dump (tests/data/thor/) by `python -m mssbench_embodied.sim.rooms convert`.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from thor_data import DUMP

from mssbench_embodied.sim.rooms import ROOMS_DIR, list_rooms
from mssbench_embodied.sim.rooms import main as rooms_cli

ROOT = Path(__file__).resolve().parents[1]
CONVERTED = "kitchen_val09"


def test_regenerated_rooms_equal_the_committed_files(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "author_rooms.py"), "--out", str(tmp_path)],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    written = sorted(p.name for p in tmp_path.glob("*.json"))
    assert written == sorted(f"{n}.json" for n in list_rooms() if n != CONVERTED)
    differ = [n for n in written if (tmp_path / n).read_bytes() != (ROOMS_DIR / n).read_bytes()]
    assert not differ, f"edit tools/author_rooms.py, not the JSON; regenerated files differ: {differ}"


def test_converted_room_equals_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / f"{CONVERTED}.json"
    assert rooms_cli(["convert", str(DUMP), str(out), "--room-type", "kitchen"]) == 0
    assert out.read_bytes() == (ROOMS_DIR / f"{CONVERTED}.json").read_bytes()
