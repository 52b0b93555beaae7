"""The public API: docstrings on every public definition, each package's ``__all__`` resolvable, py.typed shipped."""
from __future__ import annotations

import importlib
import pkgutil
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

import mssbench_embodied

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = Path(mssbench_embodied.__file__).resolve().parent
PACKAGES = ["mssbench_embodied", *sorted(
    m.name for m in pkgutil.walk_packages(mssbench_embodied.__path__, "mssbench_embodied.") if m.ispkg)]


def test_every_public_definition_has_a_docstring() -> None:
    check = runpy.run_path(str(ROOT / "tools" / "check_docstrings.py"))["missing_docstrings"]
    missing, total = check(PACKAGE_DIR)
    assert total > 400  # the walk found the package's definitions
    assert not missing, f"{len(missing)} of {total} public definitions lack a docstring:\n" + "\n".join(missing)


def test_packages_found() -> None:
    assert {"mssbench_embodied.sim", "mssbench_embodied.sim.actions", "mssbench_embodied.scenarios",
            "mssbench_embodied.llm"} <= set(PACKAGES)


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist(name: str) -> None:
    pkg = importlib.import_module(name)
    exported = getattr(pkg, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert all(isinstance(n, str) for n in exported)
    assert len(set(exported)) == len(exported), f"{name}.__all__ has duplicates"
    absent = [n for n in exported if not hasattr(pkg, n)]
    assert not absent, f"{name}.__all__ names what it does not define: {absent}"
    unlisted = sorted(set(exported) - set(dir(pkg)))  # lazy names need the package's __dir__
    assert not unlisted, f"dir({name}) lacks {unlisted}"


def test_root_all_is_the_version_and_the_subpackages() -> None:
    subpackages = {n.split(".")[1] for n in PACKAGES if n.count(".") == 1}
    assert set(mssbench_embodied.__all__) == {"__version__", "Controller", *subpackages}  # Controller: issue 16
    assert mssbench_embodied.eval is importlib.import_module("mssbench_embodied.eval")


def _modules_loaded_by(statement: str) -> set[str]:
    """The mssbench_embodied modules a fresh interpreter has loaded after running ``statement``."""
    code = f"import sys; {statement}; print(' '.join(m for m in sys.modules if m.startswith('mssbench_embodied')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def test_import_stays_cheap() -> None:
    """The package import registers the envs without loading the simulator, scenarios, agents or eval."""
    assert _modules_loaded_by("import mssbench_embodied") == {
        "mssbench_embodied", "mssbench_embodied.lazy", "mssbench_embodied.envs", "mssbench_embodied.envs.vector",
        "mssbench_embodied.envs.wrappers"}
    loaded = _modules_loaded_by("import mssbench_embodied.eval")
    assert "mssbench_embodied.eval" in loaded
    assert not {m for m in loaded if m.startswith("mssbench_embodied.eval.")}  # its names load on first use


def test_scenarios_realise_is_the_function() -> None:
    import mssbench_embodied.scenarios as scenarios
    import mssbench_embodied.scenarios.skills  # noqa: F401  (imports the realise module too)
    from mssbench_embodied.scenarios.realise import realise

    assert scenarios.realise is realise and callable(scenarios.realise)


def test_py_typed_shipped() -> None:
    assert (PACKAGE_DIR / "py.typed").is_file()
    assert "py.typed" in (ROOT / "setup.py").read_text()  # declared as package data
