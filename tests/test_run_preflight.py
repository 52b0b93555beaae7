"""The run CLI refuses, before any sample runs, with one line and exit 2: an unknown inspect provider,
missing credentials of the chosen provider (as inspect's provider names them), an unreachable endpoint
(--base-url or OPENAI_BASE_URL: a closed port on 127.0.0.1). No internet: nothing listens on that port."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAIServer

from mssbench_embodied.eval import preflight

ROOT = Path(__file__).resolve().parents[1]
KEY_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "TOGETHER_API_KEY", "AZUREAI_OPENAI_API_KEY",
            "AZURE_OPENAI_API_KEY")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS and not k.lower().endswith("_proxy")}
    return {**env, **extra}


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mssbench_embodied.run", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refused(p: subprocess.CompletedProcess, out: Path, *words: str) -> str:
    """The single stderr line of a run refused with exit 2 that wrote nothing."""
    lines = p.stderr.strip().splitlines()
    assert p.returncode == 2 and len(lines) == 1, (p.returncode, p.stderr)
    assert not out.exists() and p.stdout.strip() == ""
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert "[bold]" not in lines[0] and "Traceback" not in lines[0]
    return lines[0]


def test_unknown_provider(tmp_path: Path) -> None:
    out, model = tmp_path / "o", "gtp4o/model"
    line = refused(cli("--agent", "mllm", "--model", model, "--limit", "1", "--out", str(out), env=clean_env()),
                   out, "--model", "unknown model provider", model.split("/")[0])
    assert "anthropic" in line and "openai" in line  # the providers inspect's registry knows


@pytest.mark.parametrize("model,var", [("openai/gpt-4o", "OPENAI_API_KEY"),
                                       ("together/some-model", "TOGETHER_API_KEY")])
def test_missing_credentials_of_the_provider(tmp_path: Path, model: str, var: str) -> None:
    out = tmp_path / "o"
    refused(cli("--agent", "mllm", "--model", model, "--limit", "1", "--out", str(out), env=clean_env()),
            out, "--model", var)


def test_missing_grader_credentials(tmp_path: Path) -> None:
    """The grader's provider is checked too, with an agent that needs no model (inspect's openai-api/SERVICE
    derives the variable from the service name)."""
    out = tmp_path / "o"
    refused(cli("--agent", "refuse", "--judge-model", "openai-api/acme/m", "--limit", "1", "--out", str(out),
                env=clean_env()), out, "--judge-model", "ACME_API_KEY")


def test_anthropic_names_its_key_or_package(tmp_path: Path) -> None:
    out = tmp_path / "o"
    line = refused(cli("--agent", "mllm", "--model", "anthropic/claude-x", "--limit", "1", "--out", str(out),
                       env=clean_env()), out, "--model")
    assert "ANTHROPIC_API_KEY" in line or "pip install anthropic" in line


def test_unreachable_endpoint(tmp_path: Path) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/v1"
    out = tmp_path / "o"
    refused(cli("--agent", "mllm", "--model", "m", "--base-url", url, "--limit", "1", "--out", str(out),
                env=clean_env(OPENAI_API_KEY="k")), out, url, "refused")
    refused(cli("--agent", "mllm", "--model", "openai/m", "--limit", "1", "--out", str(out),
                env=clean_env(OPENAI_API_KEY="k", OPENAI_BASE_URL=url)), out, url)
    refused(cli("--agent", "refuse", "--judge-model", "j", "--base-url", url, "--limit", "1", "--out", str(out),
                env=clean_env(OPENAI_API_KEY="k")), out, "--judge-model", url)


def test_reachable_endpoint_runs(tmp_path: Path) -> None:
    with FakeOpenAIServer(default="Refuse: no.") as srv:
        p = cli("--agent", "mllm", "--model", "m", "--base-url", srv.base_url, "--limit", "1", "--size", "32",
                "--out", str(tmp_path / "o"), "--no-progress", env=clean_env(OPENAI_API_KEY="k"))
        assert p.returncode == 0, p.stderr
        assert srv.chat_requests  # the preflight's connection is not a request


def test_endpoint_problem_kinds(monkeypatch) -> None:
    assert preflight.endpoint_problem("ftp://x/") and preflight.endpoint_problem("http:///v1")
    port = closed_port()
    assert "refused" in (preflight.endpoint_problem(f"http://127.0.0.1:{port}") or "")

    def no_such_host(*a, **k):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    problem = preflight.endpoint_problem("http://llm.example:8000/v1")
    assert problem and "not found" in problem and "llm.example" in problem

    def hang(*a, **k):
        time.sleep(10)

    monkeypatch.setattr(socket, "getaddrinfo", hang)
    t0 = time.time()
    problem = preflight.endpoint_problem("http://llm.example:8000/v1", timeout=0.5)
    assert problem and "within 0.5 s" in problem and time.time() - t0 < 5  # a hanging lookup is bounded


def test_plain_strips_markup() -> None:
    assert preflight.plain("ERROR: Unable\n\nNo [bold][blue]X_KEY[/blue][/bold] set.") == "Unable No X_KEY set."
