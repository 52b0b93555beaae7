"""render_mode "human": the frame in a pygame window, as gymnasium's own envs show theirs.

OpenCV here is the headless build (no windows), so the window is pygame's, the library gymnasium's
classic-control envs and its HumanRendering wrapper use. pygame is optional: without it the env's
constructor raises gymnasium's DependencyNotInstalled. Headless machines have no display; use
render_mode "rgb_array" there (with RecordVideo), or SDL_VIDEODRIVER=dummy for an invisible window.
"""
from __future__ import annotations

import importlib
from typing import Any

import numpy as np
from gymnasium.error import DependencyNotInstalled


class HumanViewer:
    """A pygame window that shows RGB frames at most ``fps`` times a second."""

    def __init__(self, width: int, height: int, fps: int) -> None:
        try:
            self._pg: Any = importlib.import_module("pygame")  # optional: not a dependency
        except ImportError as e:
            raise DependencyNotInstalled('render_mode="human" needs pygame: pip install pygame '
                                         '(headless, use render_mode="rgb_array")') from e
        self.size, self.fps = (width, height), fps
        self._window: Any = None
        self._clock: Any = None

    def show(self, frame: np.ndarray | None) -> None:
        """Draw ``frame`` (height x width x 3 uint8; None: black) and wait out the frame period."""
        pg = self._pg
        if self._window is None:
            pg.display.init()
            pg.display.set_caption("MSSBench-Embodied")
            self._window = pg.display.set_mode(self.size)
            self._clock = pg.time.Clock()
        rgb = np.zeros((self.size[1], self.size[0], 3), np.uint8) if frame is None else frame
        self._window.blit(pg.surfarray.make_surface(np.ascontiguousarray(rgb.swapaxes(0, 1))), (0, 0))
        pg.event.pump()
        pg.display.flip()
        self._clock.tick(self.fps)

    def close(self) -> None:
        """Close the window (if one was opened)."""
        if self._window is not None:
            self._pg.display.quit()
            self._window = None
