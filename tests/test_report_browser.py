"""report.html (one run) and the side-by-side page (`compare --html`) in a real browser: headless Chromium
screenshots them and dumps the DOM after the page's own script ran. The page must render (a non-blank
screenshot, the overall table), its script must run without a JavaScript error (the `data-js` marker, no
"Uncaught" in the console), the URL fragment must filter the episodes, and a model answer that tries to
break out of the HTML (`</script><img src=x onerror=...>`) must stay text. In CI (CI set) a missing Chromium
fails the test; elsewhere it skips. scripts/setup.sh installs Chromium when run as root."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAIServer
from mllm_support import FAUCET, episodes, llm_args, run_main

from mssbench_embodied import compare
from mssbench_embodied.eval.metrics import episode_correct

HOSTILE = "</script><img src=x onerror=alert(1)>"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if (path := shutil.which(name)) is not None:
            return path
    if os.environ.get("CI"):
        pytest.fail("Chromium is missing in CI: scripts/setup.sh installs it (apt-get install chromium) as root")
    pytest.skip("no Chromium on this machine (apt-get install chromium)")


def _chromium(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run Chromium in its own process group; on a timeout (a page that hangs, e.g. on a JS alert) kill the
    whole group and fail."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"Chromium hung for {timeout:g} s on {args[-1]} (a JavaScript dialog from injected text?)")
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def browse(url: str, tmp: Path, screenshot: Path | None = None) -> tuple[str, str]:
    """(DOM after the scripts ran, console log) of `url`; with `screenshot`, also a 1280x2000 PNG of it."""
    base = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            f"--user-data-dir={tmp / 'chromium-profile'}", "--enable-logging=stderr", "--v=0"]
    if screenshot is not None:
        shot = _chromium([*base, "--window-size=1280,2000", f"--screenshot={screenshot}", url])
        assert screenshot.is_file(), shot.stderr[-2000:]
    dump = _chromium([*base, "--dump-dom", url])
    assert dump.returncode == 0, dump.stderr[-2000:]
    return dump.stdout, dump.stderr


class Dom(HTMLParser):
    """The elements of a dumped DOM: (tag, attributes, text directly inside), and every text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def attr(self, tag: str, name: str) -> list[str | None]:
        return [a.get(name) for t, a in self.elements if t == tag and name in a]


def assert_rendered(png: Path) -> None:
    """The screenshot shows something: many non-white pixels and more than a few colours."""
    from PIL import Image

    im = Image.open(png).convert("RGB")
    small = im.resize((im.width // 4, im.height // 4))
    pixels = list(small.getdata())
    inked = sum(1 for p in pixels if min(p) < 200)
    assert inked > 0.01 * len(pixels), f"{png}: almost blank ({inked} of {len(pixels)} pixels inked)"
    assert len(set(pixels)) > 20, f"{png}: {len(set(pixels))} colours"


def assert_script_ran(dom: Dom, console: str) -> None:
    body = [a for t, a in dom.elements if t == "body"]
    assert body and body[0].get("data-js") == "ok", "the page's script did not run to its end"
    assert "Uncaught" not in console, [line for line in console.splitlines() if "Uncaught" in line]


def assert_hostile_is_text(dom: Dom) -> None:
    assert "x" not in dom.attr("img", "src"), "a model answer became an <img> element"
    assert not any(k.startswith("on") for _, a in dom.elements for k in a), "an event-handler attribute got in"


def checked_page(url: str, tmp_path: Path, png: Path) -> Dom:
    """Screenshot and DOM of a page: rendered, its script ran to the end, the hostile answer is text."""
    text, console = browse(url, tmp_path, png)
    assert_rendered(png)
    dom = Dom(text)
    assert_script_ran(dom, console)
    assert_hostile_is_text(dom)
    return dom


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """A model run whose every answer starts with HOSTILE (it complies: unsafe wrong), and the oracle on the
    same pair."""
    root = tmp_path_factory.mktemp("browser")
    with FakeOpenAIServer(responder=lambda req: HOSTILE + "\n1. Goto Faucet\n2. Toggle Faucet") as srv:
        assert run_main(root / "hostile", *llm_args(srv, "mllm"), "--pairs", FAUCET) == 0
    assert run_main(root / "oracle", "--agent", "oracle", "--pairs", FAUCET) == 0
    return {"hostile": root / "hostile", "oracle": root / "oracle"}


def test_report_renders_filters_and_keeps_model_text_as_text(runs: dict[str, Path], tmp_path: Path) -> None:
    report = runs["hostile"] / "report.html"
    eps = episodes(runs["hostile"])
    assert any(HOSTILE in e["answer_text"] for e in eps)
    dom = checked_page(report.as_uri(), tmp_path, tmp_path / "report.png")
    assert any(HOSTILE in t for t in dom.text)  # shown, as text
    assert "overall" in dom.attr("h2", "id") and "safe_acc" in dom.text and "avg_acc" in dom.text
    # the fragment filters: only the wrong episodes are shown, and the count says so
    wrong = sum(1 for e in eps if not episode_correct(e))
    assert 0 < wrong < len(eps)
    text, console = browse(report.as_uri() + "#outcome=wrong", tmp_path)
    dom = Dom(text)
    assert_script_ran(dom, console)
    shown = [a for t, a in dom.elements if t == "details" and "ep" in (a.get("class") or "").split()]
    assert len(shown) == len(eps)
    assert sum(1 for a in shown if "display: none" not in (a.get("style") or "")) == wrong
    assert all(a.get("data-outcome") == "wrong" for a in shown if "display: none" not in (a.get("style") or ""))
    count = text.split("id=\"shown\">", 1)[1].split("<", 1)[0]
    assert count == str(wrong)


def test_side_by_side_page_renders_with_the_differences(runs: dict[str, Path], tmp_path: Path) -> None:
    page = tmp_path / "side" / "compare.html"
    assert compare.main([str(runs["oracle"]), str(runs["hostile"]), "--html", str(page)]) == 1  # a regression
    dom = checked_page(page.as_uri(), tmp_path, tmp_path / "side.png")
    assert str(runs["oracle"]) in dom.text and str(runs["hostile"]) in dom.text  # a column per run
    assert "unsafe_acc" in dom.text and "hazard_rate_unsafe" in dom.text
    # the highlighted rows are the episodes whose outcome differs: here the unsafe variant
    oracle = {(e["pair_id"], e["variant"]): episode_correct(e) for e in episodes(runs["oracle"])}
    model = {(e["pair_id"], e["variant"]): episode_correct(e) for e in episodes(runs["hostile"])}
    differ = sum(oracle[k] != model[k] for k in oracle)
    assert differ == 1
    rows = [a.get("class") for t, a in dom.elements if t == "tr" and a.get("class") in ("diff", "same")]
    assert rows.count("diff") == differ and rows.count("same") == len(oracle) - differ
    # each run's report is linked, relative to the page, and the links resolve
    hrefs = [h for h in dom.attr("a", "href") if h and "report.html" in h]
    assert hrefs and all((page.parent / h.split("#")[0]).resolve().is_file() for h in hrefs)
