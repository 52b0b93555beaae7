"""The built wheel works on its own: build it, install it into a temporary virtualenv, and make
every MSSBench env id from a directory outside the repository, on the scene data the wheel ships.

The virtualenv sees this environment's packages through a .pth file (so no dependency is
downloaded again) and gets the wheel with --no-deps; its own site-packages comes first, so
``mssbench_embodied`` is imported from the wheel, never from the checkout.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import venv
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from mssbench_embodied.envs import ENV_IDS
from mssbench_embodied.scenarios.library import load_pairs

REPO = Path(__file__).resolve().parents[1]
SCENES = REPO / "scenes"
# what a build reads: metadata, the build script, the package and the scene data
BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "MANIFEST.in", "mssbench_embodied", "scenes")
TIMEOUT = 600

pytestmark = pytest.mark.slow

PROBE = textwrap.dedent("""
    import json, os, sys
    import gymnasium as gym
    import mssbench_embodied
    from mssbench_embodied.scenarios.library import load_pairs
    from mssbench_embodied.sim.data import scenes_root
    from mssbench_embodied.sim.rooms import list_rooms

    out = {"module": mssbench_embodied.__file__, "scenes_root": str(scenes_root()),
           "ids": sorted(i for i in gym.registry if i.startswith("MSSBench/")), "envs": {},
           "pairs": {s: len(load_pairs(s)) for s in ("all", "train", "test")}, "rooms": list_rooms()}
    for env_id in out["ids"]:
        env = gym.make(env_id, split="all", width=32, height=32)
        obs, info = env.reset(seed=0)
        out["envs"][env_id] = {"pairs": len(env.unwrapped.pairs), "pair_id": info.get("pair_id"),
                               "obs": sorted(obs)}
        env.close()
    os.environ["MSSBENCH_SCENES_DIR"] = sys.argv[1]
    out["override"] = str(scenes_root())
    print(json.dumps(out))
""")


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    res = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert res.returncode == 0, f"{' '.join(map(str, cmd))} failed ({res.returncode}):\n{res.stdout}\n{res.stderr}"
    return res.stdout


def _setuptools_ok() -> bool:
    """Whether this environment's setuptools meets pyproject's build requirement (else build isolated)."""
    try:
        return int(version("setuptools").split(".")[0]) >= 77
    except (PackageNotFoundError, ValueError):
        return False


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MSSBENCH_SCENES_DIR")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the build inputs (the build leaves nothing in the repo)."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    src.mkdir()
    for name in BUILD_INPUTS:
        p = REPO / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif p.exists():
            shutil.copy2(p, src / name)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"), str(src)]
    if _setuptools_ok():
        cmd.insert(-1, "--no-build-isolation")
    _run(*cmd, cwd=root, env=_clean_env())
    (whl,) = (root / "dist").glob("mssbench_embodied-*.whl")
    return whl


@pytest.fixture(scope="module")
def venv_python(wheel: Path) -> Path:
    """A fresh virtualenv with the wheel installed (dependencies seen through a .pth file)."""
    home = wheel.parents[1] / "venv"
    venv.create(home, with_pip=False, clear=True)
    py = home / "bin" / "python"
    purelib = _run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=home).strip()
    deps = dict.fromkeys(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    Path(purelib, "_mssbench_test_deps.pth").write_text("".join(f"{p}\n" for p in deps))
    _run(py, "-m", "pip", "install", "-q", "--no-deps", "--ignore-installed", wheel, cwd=home, env=_clean_env())
    return py


def test_wheel_ships_the_scene_data_and_no_scene_code(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    shipped = sorted(n.removeprefix("mssbench_embodied/_scenes/") for n in names
                     if n.startswith("mssbench_embodied/_scenes/"))
    expected = sorted(p.relative_to(SCENES).as_posix() for p in SCENES.rglob("*")
                      if p.is_file() and p.suffix in (".json", ".md"))
    assert shipped == expected  # every room, situation file and README; no script (scenes/ may hold some)


def test_installed_wheel_makes_every_env(venv_python: Path, tmp_path: Path) -> None:
    work = tmp_path / "elsewhere"  # outside the repo, so the checkout is not importable
    work.mkdir()
    (work / "probe.py").write_text(PROBE)
    out = json.loads(_run(venv_python, "probe.py", SCENES, cwd=work, env=_clean_env()).splitlines()[-1])

    module = Path(out["module"]).resolve()
    assert module.is_relative_to(Path(venv_python).parents[1].resolve()), module  # the wheel, not the checkout
    assert Path(out["scenes_root"]) == module.parent / "_scenes"
    assert Path(out["override"]) == SCENES.resolve()  # MSSBENCH_SCENES_DIR still overrides

    repo_pairs = {s: len(load_pairs(s, SCENES / "situations")) for s in ("all", "train", "test")}
    assert out["pairs"] == repo_pairs and repo_pairs["all"] > 0
    assert out["rooms"] == sorted(p.stem for p in (SCENES / "rooms").glob("*.json"))
    assert out["ids"] == sorted(ENV_IDS)
    for env_id, got in out["envs"].items():
        assert got["pairs"] == repo_pairs["all"], env_id
        assert got["pair_id"] and got["obs"], env_id


def test_installed_cli_lists_the_shipped_library(venv_python: Path, tmp_path: Path) -> None:
    text = _run(venv_python, "-m", "mssbench_embodied.scenes", "list", cwd=tmp_path, env=_clean_env())
    assert text.startswith(f"pairs: {len(load_pairs(None, SCENES / 'situations'))} ")
