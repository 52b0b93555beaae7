"""`scenes sheet`: the contact sheet of first frames (HTML and PNG grid), and `scenes render --style`."""
from __future__ import annotations

import base64
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest

from mssbench_embodied.scenarios.library import get_pair, load_pairs
from mssbench_embodied.scenarios.sheet import GAP, LABEL_H, PAD, SheetEntry, grid_size, sheet_html
from mssbench_embodied.scenes import main as scenes_main
from mssbench_embodied.scenes import select_pairs

# two pairs, in library order
FAUCET = ["faucet_electronics.kitchen_val09.CellPhone-Mug", "faucet_electronics.kitchen_b.CellPhone-Mug"]
SIZE = 64


class Page(HTMLParser):
    """Collects the img sources and the text of an HTML page; fails on unbalanced div tags."""

    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.text: list[str] = []
        self.divs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.srcs.append(dict(attrs)["src"] or "")
        self.divs += tag == "div"

    def handle_endtag(self, tag: str) -> None:
        self.divs -= tag == "div"
        assert self.divs >= 0, "closing div without an opening one"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    p.close()
    assert p.divs == 0, "unclosed div"
    return p


def decode(src: str) -> np.ndarray:
    """An RGB frame from a data URI."""
    head, b64 = src.split(",", 1)
    assert head in ("data:image/webp;base64", "data:image/jpeg;base64"), head
    img = cv2.imdecode(np.frombuffer(base64.b64decode(b64), np.uint8), cv2.IMREAD_COLOR)
    assert img is not None
    return img[..., ::-1]


def run(*argv: str) -> int:
    return scenes_main(["sheet", *argv])


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One `scenes sheet` run on two faucet pairs: HTML and PNG grid at 64x64."""
    d = tmp_path_factory.mktemp("sheet")
    html_path, png_path = d / "out" / "sheet.html", d / "grid.png"
    assert run("--out", str(html_path), "--png", str(png_path), "--pairs", "faucet_electronics.kitchen*CellPhone-Mug",
               "--size", str(SIZE), "--cols", "1") == 0
    return html_path, png_path


def test_html_has_every_pair_escaped_and_two_frames_each(sheet: tuple[Path, Path]) -> None:
    page = sheet[0].read_text(encoding="utf-8")
    p = parse(page)
    pairs = [get_pair(i) for i in FAUCET]
    assert len(p.srcs) == 2 * len(pairs)
    for src in p.srcs:
        assert decode(src).shape == (SIZE, SIZE, 3)
    text = " ".join(p.text)
    for pair in pairs:
        assert pair.id in text and pair.instruction in text and pair.template in text and pair.hazard in text
    assert "2 pairs" in text


def mean_diff(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def test_html_frames_are_the_agents_first_frames(sheet: tuple[Path, Path], tmp_path: Path) -> None:
    """The text env (what model agents get, here in a fresh process) starts from the sheet's frames: exactly
    in the PNG grid; in the HTML up to lossy compression (nearer its own variant's frame than the other's)."""
    out = tmp_path / "env.npz"
    code = textwrap.dedent(f"""
        import gymnasium as gym, numpy as np, mssbench_embodied.envs
        env = gym.make("MSSBench/SituationsText-v0", width={SIZE}, height={SIZE}, pair_ids={FAUCET!r})
        frames = {{}}
        for pid in {FAUCET!r}:
            for v in ("safe", "unsafe"):
                frames[pid + "/" + v] = env.reset(options={{"pair_id": pid, "variant": v}})[0]["image"]
        np.savez({str(out)!r}, **frames)
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    env = np.load(out)
    srcs = parse(sheet[0].read_text(encoding="utf-8")).srcs
    bgr = cv2.imread(str(sheet[1]))
    assert bgr is not None
    grid = bgr[..., ::-1]  # lossless: one pair per row
    for i, pid in enumerate(FAUCET):  # library order, safe then unsafe
        y = PAD + i * (SIZE + LABEL_H + PAD)
        assert np.array_equal(grid[y:y + SIZE, PAD:PAD + SIZE], env[pid + "/safe"])
        assert np.array_equal(grid[y:y + SIZE, PAD + SIZE + GAP:PAD + 2 * SIZE + GAP], env[pid + "/unsafe"])
        safe, unsafe = decode(srcs[2 * i]), decode(srcs[2 * i + 1])
        assert mean_diff(safe, env[pid + "/safe"]) < min(4.0, mean_diff(safe, env[pid + "/unsafe"]))
        assert mean_diff(unsafe, env[pid + "/unsafe"]) < min(4.0, mean_diff(unsafe, env[pid + "/safe"]))


def test_png_grid_has_the_documented_layout(sheet: tuple[Path, Path]) -> None:
    img = cv2.imread(str(sheet[1]))
    assert img is not None
    # one column, two rows: 8 + (64 + 6 + 64 + 8) wide, 8 + 2 * (64 + 46 + 8) tall
    assert (PAD, GAP, LABEL_H) == (8, 6, 46)
    assert img.shape == (8 + 2 * (64 + 46 + 8), 8 + 64 + 6 + 64 + 8, 3)
    assert grid_size(2, 1, SIZE) == (img.shape[1], img.shape[0])
    assert grid_size(7, 3, 100) == (8 + 3 * (206 + 8), 8 + 3 * (146 + 8))
    # the first cell's safe frame is the first HTML frame (lossy there)
    first = decode(parse(sheet[0].read_text(encoding="utf-8")).srcs[0])
    assert mean_diff(img[PAD:PAD + SIZE, PAD:PAD + SIZE, ::-1], first) < 4.0
    assert (img[PAD:PAD + SIZE, PAD + SIZE:PAD + SIZE + GAP] == 255).all()  # the white gap


def test_text_is_escaped() -> None:
    pair = load_pairs()[0]
    evil = pair.model_copy(update={"instruction": 'Put <script>alert("x")</script> & go', "id": "a<b>&c"})
    frame = np.zeros((8, 8, 3), np.uint8)
    page = sheet_html([SheetEntry(evil, frame, frame), SheetEntry(pair, frame, frame, error="no <pose>")],
                      title="t<i>")
    assert "<script>" not in page and "<b>" not in page and "<pose>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; go" in page
    p = parse(page)
    assert 'Put <script>alert("x")</script> & go' in p.text and "a<b>&c" in " ".join(p.text)
    assert len(p.srcs) == 4


def test_pair_selection() -> None:
    assert [p.id for p in select_pairs(None, ["faucet_electronics.kitchen*CellPhone-Mug"], None)] == FAUCET
    assert [p.id for p in select_pairs(None, [f"{FAUCET[1]},{FAUCET[0]}"], None)] == FAUCET  # library order
    assert len(select_pairs("test", None, 5)) == 5
    assert {p.split for p in select_pairs("test", ["*"], None)} == {"test"}


@pytest.mark.parametrize(("argv", "message"), [
    ([], "needs --out"),
    (["--png", "grid.jpg"], "--png must name a .png file"),
    (["--out", "s.html", "--limit", "0"], "--limit must be at least 1"),
    (["--png", "g.png", "--cols", "0"], "--cols must be at least 1"),
    (["--out", "s.html", "--size", "8"], "--size must be at least 32"),
    (["--out", "s.html", "--pairs", "no_such_pair.*"], "no pair matches no_such_pair.*"),
])
def test_bad_arguments_exit_2_and_write_nothing(argv: list[str], message: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", [["--style", "shiny"], ["--split", "dev"], ["--limit", "x"]])
def test_bad_choices_exit_2(argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        run("--out", str(tmp_path / "s.html"), *argv)
    assert e.value.code == 2
    assert "invalid" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("style", ["flat", "legible"])
def test_render_takes_a_style(style: str, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    assert scenes_main(["render", FAUCET[0], "--out", str(out), "--size", str(SIZE), "--style", style]) == 0
    img = cv2.imread(str(out))
    assert img is not None and img.shape == (SIZE, 2 * SIZE + GAP, 3)
