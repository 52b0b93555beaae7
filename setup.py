"""Package layout that pyproject.toml cannot express: the repository's top-level ``scenes/``
folder (rooms and situations) ships inside the package as ``mssbench_embodied/_scenes``
(package data, read with importlib.resources by ``mssbench_embodied.sim.data``). Only its
``*.json`` and ``*.md`` files ship, never code. Metadata and dependencies are in pyproject.toml.
"""
from setuptools import find_namespace_packages, find_packages, setup
from setuptools.command.build_py import build_py

SCENES = "mssbench_embodied._scenes"
SCENE_PACKAGES = [SCENES, *(f"{SCENES}.{p}" for p in find_namespace_packages(where="scenes"))]


class BuildPy(build_py):
    """build_py that ships no modules from scenes/ (it holds data and, at times, authoring scripts)."""

    def find_package_modules(self, package, package_dir):
        if package in SCENE_PACKAGES:
            return []
        return super().find_package_modules(package, package_dir)


setup(
    packages=[*find_packages(include=["mssbench_embodied", "mssbench_embodied.*"]), *SCENE_PACKAGES],
    package_dir={SCENES: "scenes"},
    package_data={"mssbench_embodied": ["py.typed"], **{p: ["*.json", "*.md"] for p in SCENE_PACKAGES}},
    cmdclass={"build_py": BuildPy},
)
