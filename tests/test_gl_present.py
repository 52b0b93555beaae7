"""CI installs EGL/Mesa, so there the GL renderer must work: a broken shader must fail, not skip the GL tests."""
from __future__ import annotations

import os

import pytest

from mssbench_embodied.sim.render import make_renderer


@pytest.mark.skipif(not os.environ.get("CI"), reason="only CI promises EGL/Mesa")
@pytest.mark.parametrize("style", ["flat", "legible"])
def test_gl_renderer_works_in_ci(style: str) -> None:
    make_renderer(8, 8, kind="gl", style=style).close()  # raises on a missing EGL or a shader that does not compile
