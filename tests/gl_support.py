"""Whether this machine has EGL/GL, and renderer-kind parameters that skip "gl" without it."""
from __future__ import annotations

import pytest

from mssbench_embodied.sim.render import make_renderer


def gl_available() -> bool:
    try:
        make_renderer(8, 8, kind="gl").close()
        return True
    except Exception:
        return False


GL = gl_available()
KINDS = ["numpy", pytest.param("gl", marks=pytest.mark.skipif(not GL, reason="no EGL/GL"))]
