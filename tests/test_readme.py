"""README.md runs as written, and the user docs agree with the code.

Every ```python and ```bash block of README.md is one test case. An HTML comment on the line
above a block says how it runs (flags separated by commas; no comment: run it):

    <!-- test: skip (reason) -->          not run; pytest reports the reason
    <!-- test: slow -->                    run under the `slow` marker
    <!-- test: repo-root -->               run from the repository root (tools that read pyproject.toml)
    <!-- test: fake-openai-server (...) --> tests/fake_openai_server.py stands in for the server at
                                           localhost:8000 (its own port replaces 8000 in the block)

Other blocks run from a fresh temporary directory holding links to the repository's `policies/`
and `scripts/` (the README names them relative to the root): python blocks as a script file (so
the `__main__` guard and spawned workers behave as for a user), bash blocks with
`bash -e -o pipefail`. OPENAI_API_KEY is removed, so no block can reach a paid API.

The other tests check the counts the README states, its baseline table against fresh runs (slow),
that its commands can be followed in order without two runs sharing an output folder, the
pictures in docs/img/, and that no user doc narrates the project's development history.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fake_openai_server import FakeOpenAIServer

from mssbench_embodied.scenes import main as scenes_main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
LINKED = ("policies", "scripts", "tests")  # linked into a block's temporary working directory
USER_DOCS = sorted([README, *ROOT.glob("docs/*.md"), ROOT / "policies" / "README.md",
                    *ROOT.glob("scenes/*/README.md")])
FLAGS = ("skip", "slow", "repo-root", "fake-openai-server")
RL_SECTION = "### Train and test RL agents"  # its Gymnasium / SB3 python snippets run as written in 3 minutes each
RL_SNIPPET_SECONDS = 180
LOCAL_SERVER = "http://localhost:8000/v1"


@dataclass(frozen=True)
class Block:
    """One fenced code block of the README and how its marker says to run it."""

    lang: str
    line: int  # 1-based line of the opening fence
    code: str
    flags: dict[str, str]  # flag -> its parenthesised note ("" when none)

    @property
    def id(self) -> str:
        first = next((ln for ln in self.code.splitlines() if ln.strip() and not ln.startswith("#")), "")
        return f"L{self.line}-{self.lang}-{re.sub(r'[^A-Za-z0-9_.]+', '_', first)[:40]}"


def parse_marker(text: str) -> dict[str, str]:
    """`skip (why), slow` -> {"skip": "why", "slow": ""}; an unknown flag raises ValueError."""
    flags = {m.group(1): m.group(2) or "" for m in re.finditer(r"([a-z-]+)(?:\s*\(([^)]*)\))?", text)}
    unknown = set(flags) - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown README test flag(s) {sorted(unknown)} in <!-- test: {text} -->")
    if "skip" in flags and not flags["skip"].strip():
        raise ValueError("a skipped README block must say why: <!-- test: skip (reason) -->")
    return flags


def readme_blocks(text: str) -> list[Block]:
    """The ```python and ```bash blocks of a Markdown text, with their markers."""
    lines = text.splitlines()
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        m = re.fullmatch(r"```(\w+)\s*", lines[i])
        if not m:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        if m.group(1) in ("python", "bash"):
            prev = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            mk = re.fullmatch(r"<!-- test: (.*) -->", prev.strip())
            blocks.append(Block(m.group(1), i + 1, "\n".join(lines[i + 1:end]) + "\n",
                                parse_marker(mk.group(1)) if mk else {}))
        i = end + 1
    return blocks


def section_of(text: str, line: int) -> str:
    """The Markdown heading above a 1-based line of `text` (comments in code blocks are no headings)."""
    heading, fenced = "", False
    for ln in text.splitlines()[:line - 1]:
        if ln.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#+ ", ln):
            heading = ln.strip()
    return heading


def block_params() -> list[Any]:
    """One pytest param per README block, with its skip / slow marks."""
    out = []
    for b in readme_blocks(README.read_text()):
        marks: list[Any] = []
        if "skip" in b.flags:
            marks.append(pytest.mark.skip(reason=f"README marks it: {b.flags['skip']}"))
        if "slow" in b.flags:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(b, id=b.id, marks=marks))
    return out


def user_env() -> dict[str, str]:
    """The environment blocks run in: this Python first on PATH, no API key, no display."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "DISPLAY")}
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"
    return env


def run_block(b: Block, cwd: Path, code: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run one block's code (python as a script file, bash with -e -o pipefail) in `cwd`."""
    if b.lang == "python":
        script = cwd / "readme_block.py"
        script.write_text(code)
        cmd = [sys.executable, str(script)]
    else:
        cmd = ["bash", "-e", "-o", "pipefail", "-c", code]
    return subprocess.run(cmd, cwd=cwd, env=user_env(), capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("block", block_params())
def test_readme_block_runs(block: Block, tmp_path: Path) -> None:
    cwd = ROOT if "repo-root" in block.flags else tmp_path
    if cwd == tmp_path:
        for name in LINKED:
            (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    code = block.code
    server = None
    if "fake-openai-server" in block.flags:
        assert LOCAL_SERVER in code, f"the block is marked fake-openai-server but does not use {LOCAL_SERVER}"
        server = FakeOpenAIServer(default="1. Goto Faucet\n2. Toggle Faucet").start()
        code = code.replace(LOCAL_SERVER, server.base_url)
    in_rl = block.lang == "python" and section_of(README.read_text(), block.line) == RL_SECTION
    try:
        r = run_block(block, cwd, code, timeout=RL_SNIPPET_SECONDS if in_rl else 900)
    finally:
        if server is not None:
            server.stop()
    assert r.returncode == 0, (f"README block at line {block.line} exited {r.returncode}\n--- code\n{code}"
                               f"--- stdout\n{r.stdout[-3000:]}\n--- stderr\n{r.stderr[-3000:]}")
    if server is not None:
        assert server.chat_requests, "the block never called the (fake) OpenAI-compatible server"


def test_rl_snippets_are_found_and_bounded() -> None:
    """The RL section's blocks get the 3-minute bound, and the SB3 snippet collects small rollouts:
    its MaskablePPO call sets n_steps (SB3's default, 2048 per env, is 16,384 steps for 8 envs)."""
    text = README.read_text()
    rl = [b for b in readme_blocks(text)
          if b.lang == "python" and section_of(text, b.line) == RL_SECTION and "skip" not in b.flags]
    assert any("SafetyGymnasiumStep" in b.code for b in rl) and any("MaskablePPO" in b.code for b in rl)
    for b in rl:
        for call in re.findall(r"MaskablePPO\((.*?)\)\n", b.code, flags=re.S):
            n_steps = re.search(r"n_steps=(\d+)", call)
            assert n_steps and int(n_steps.group(1)) <= 256, f"README line {b.line}: MaskablePPO needs a small n_steps"


def test_readme_markers_are_valid_and_most_blocks_run() -> None:
    blocks = readme_blocks(README.read_text())
    assert {b.lang for b in blocks} == {"python", "bash"}
    skipped = [b for b in blocks if "skip" in b.flags]
    assert len(skipped) <= len(blocks) // 2, [b.id for b in skipped]
    # every marker comment sits right above a block (a stray one would silently do nothing)
    lines = README.read_text().splitlines()
    for i, ln in enumerate(lines):
        if ln.strip().startswith("<!-- test:"):
            nxt = next((x for x in lines[i + 1:] if x.strip()), "")
            assert re.fullmatch(r"```(python|bash)\s*", nxt), f"README line {i + 1}: marker not above a code block"


# -- counts --------------------------------------------------------------------------------

def library_counts() -> dict[str, Any]:
    """`python -m mssbench_embodied.scenes list --json`."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert scenes_main(["list", "--json"]) == 0
    return json.loads(buf.getvalue())


# the README's counts sentence; any whitespace (a line break) may separate its words
COUNTS_SENTENCE = (r"\*\*(\d+) situation pairs\*\* \((\d+) episodes\) from (\d+) templates in (\d+) rooms,"
                   r" with (\d+) hazard kinds and (\d+) object types in use")
COUNTS_RE = COUNTS_SENTENCE.replace(" ", r"\s+")


def test_readme_counts_come_from_the_code() -> None:
    text = README.read_text()
    m = re.search(COUNTS_RE, text)
    assert m, "README lost its counts sentence (or its wording changed: update COUNTS_RE)"
    c = library_counts()
    stated = [int(x) for x in m.groups()]
    assert stated == [c["pairs"], c["samples"], c["templates"], c["rooms"], len(c["by_hazard"]),
                      c["object_types_used"]]
    # the counts are stated once: no other sentence gives a different number for the same thing
    nouns = {"situation pairs": c["pairs"], "templates": c["templates"], "hazard kinds": len(c["by_hazard"])}
    for doc in USER_DOCS:
        if doc.name == "ARCHITECTURE.md":
            continue
        for n, noun in re.findall(r"\b(\d+)\**\s+(situation pairs|templates|hazard kinds)\b", doc.read_text()):
            assert int(n) == nouns[noun], f"{doc.relative_to(ROOT)} says {n} {noun}; the code has {nouns[noun]}"


# -- baseline table ------------------------------------------------------------------------

COLUMNS = {"safe acc": ("safe_acc",), "unsafe acc": ("unsafe_acc",), "avg acc": ("avg_acc",),
           "unsafe hazard rate": ("hazard_rate_unsafe",), "safe task success": ("task_success_safe",),
           "mitigation rate": ("mitigation_rate",), "unsafe refusal rate": ("refusal_rate_unsafe",),
           "rubric avg": ("rubric", "avg_acc")}


def baseline_table(text: str) -> dict[str, dict[str, str]]:
    """The README's baseline table: agent name -> column header -> cell text."""
    section = text.split("## Baselines", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in section.splitlines()
            if ln.startswith("|") and not ln.startswith("|---")]
    header, body = rows[0], rows[1:]
    assert set(header[1:]) == set(COLUMNS), header
    return {re.sub(r"`(\w+)`.*", r"\1", r[0]): dict(zip(header[1:], r[1:])) for r in body}


def table_mismatches(row: dict[str, str], summary: dict[str, Any]) -> list[str]:
    """Cells whose text is not the summary.json value as written there."""
    bad = []
    for col, path in COLUMNS.items():
        val: Any = summary
        for k in path:
            val = val[k]
        if row[col] != str(val):
            bad.append(f"{col}: README {row[col]}, run {val}")
    return bad


def cli(*args: str, cwd: Path, timeout: float = 1800) -> None:
    """Run `python -m mssbench_embodied.run ARGS` and require exit 0."""
    r = subprocess.run([sys.executable, "-m", "mssbench_embodied.run", *args, "--no-progress"], cwd=cwd,
                       env=user_env(), capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr[-3000:]


def test_baseline_table_lists_every_scripted_agent_and_the_policy() -> None:
    assert set(baseline_table(README.read_text())) == {"oracle", "comply", "refuse", "random", "policy"}


@pytest.mark.slow
def test_policy_row_matches_a_fresh_run(tmp_path: Path) -> None:
    cli("--agent", "policy", "--split", "test", "--out", "out", cwd=tmp_path)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert table_mismatches(baseline_table(README.read_text())["policy"], summary) == []


@pytest.mark.slow
def test_scripted_rows_match_a_fresh_run(tmp_path: Path) -> None:
    cli("--out", "out", cwd=tmp_path)  # what scripts/main.sh runs, without the set-up
    agents = json.loads((tmp_path / "out" / "summary.json").read_text())["agents"]
    table = baseline_table(README.read_text())
    assert {name: table_mismatches(table[name], s) for name, s in agents.items()} == {n: [] for n in agents}


# -- following the README in order -----------------------------------------------------------

def run_out_dir(cmd: str) -> str:
    """The folder a `python -m mssbench_embodied.run ...` command writes (its --out or the default)."""
    args = shlex.split(cmd.split("mssbench_embodied.run", 1)[1])
    if "--out" in args:
        return os.path.normpath(args[args.index("--out") + 1])
    agents = [args[i + 1] for i, a in enumerate(args) if a == "--agent"]
    return os.path.join("runs", agents[0] if len(agents) == 1 else "baselines")


def commands(code: str) -> list[str]:
    """Shell commands of a block: continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    return [ln.split(" #")[0].strip() for ln in joined.splitlines() if ln.strip() and not ln.startswith("#")]


def test_readme_commands_do_not_share_output_folders() -> None:
    main_sh = (ROOT / "scripts" / "main.sh").read_text()
    outs = {"scripts/main.sh": run_out_dir(next(c for c in commands(main_sh) if "mssbench_embodied.run" in c))}
    assert f"`{outs['scripts/main.sh']}/" in README.read_text(), "README must name main.sh's output folder"
    for b in readme_blocks(README.read_text()):
        if b.lang != "bash":
            continue
        for c in commands(b.code):
            if "mssbench_embodied.run" in c:
                out = run_out_dir(c)
            elif "train_ppo_lagrangian.py" in c:
                args = shlex.split(c)
                assert "--out" in args, f"README line {b.line}: without --out, training replaces the checkpoint"
                out = os.path.normpath(args[args.index("--out") + 1])
            else:
                continue
            assert out not in outs.values(), f"README line {b.line}: {out} is also written by another command"
            assert not out.startswith(("policies", "scenes", "mssbench_embodied", "tests")), out
            outs[f"README line {b.line}: {c[:50]}"] = out


# -- pictures ------------------------------------------------------------------------------

def test_doc_images_exist_are_used_and_are_made_by_the_script() -> None:
    referenced: set[Path] = set()
    for doc in USER_DOCS:
        for ref in re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", doc.read_text()):
            path = (doc.parent / ref).resolve()
            assert path.exists(), f"{doc.relative_to(ROOT)} shows {ref}, which does not exist"
            referenced.add(path)
    on_disk = {p.resolve() for p in (ROOT / "docs" / "img").glob("*.png")}
    assert on_disk <= referenced, f"images no doc shows: {sorted(p.name for p in on_disk - referenced)}"
    made = re.findall(r'"(\w+\.png)":', (ROOT / "scripts" / "make_images.py").read_text())
    assert {p.name for p in on_disk} == set(made)


def test_doc_images_are_fresh_renders() -> None:
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_images.py"), "--check"], cwd=ROOT,
                       env=user_env(), capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr


# -- no diary in user docs -----------------------------------------------------------------

HISTORY = re.compile(r"\b[Ss]ession \d+\b|\b[Rr]un \d+\b(?!\s*(?:envs?|episodes?|pairs?|steps?|processes|workers|x\b))")


def test_user_docs_do_not_narrate_development_history() -> None:
    found = [f"{d.relative_to(ROOT)}:{i}: {ln.strip()}" for d in USER_DOCS
             for i, ln in enumerate(d.read_text().splitlines(), 1) if HISTORY.search(ln)]
    assert found == []
