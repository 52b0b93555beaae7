"""View-frustum culling for the GL renderer: draw only the objects' row runs that can reach the frame.

A triangle wholly outside the view frustum yields no fragment, so skipping it leaves every pixel as it
was; the kept rows are drawn in their buffer order, so depth ties resolve as before. Frames are identical.
Each object's rows (and their reversed twins) form one run with a world bounding box; the rows after
the objects (room shell, legible gripper) are always drawn.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MARGIN = 1e-3  # m: a box must lie this far outside a plane to be skipped
GAP = 0  # rows: skipped runs up to this long are drawn anyway (fewer draw calls, same pixels; 0 was fastest)


@dataclass
class ObjectRuns:
    """Row runs of the objects in an uploaded soup (main rows; twins as twin-section offsets) and their boxes."""

    main: np.ndarray  # (k, 2) int64 row ranges in the main section
    twins: np.ndarray  # (k, 2) int64 ranges in the twin section (add the main row count for buffer rows)
    lo: np.ndarray  # (k, 3) float64 world box corners
    hi: np.ndarray  # (k, 3)
    rows: int  # object rows (the runs cover 0..rows; the rest is always drawn)


def object_runs(tris: np.ndarray, ids: np.ndarray, before: np.ndarray, rows: int) -> ObjectRuns:
    """Runs of equal ids among the first `rows` rows; `before[i]`: open rows before row i (twin offsets)."""
    if rows == 0:
        z = np.zeros((0, 2), np.int64)
        return ObjectRuns(z, z.copy(), np.zeros((0, 3)), np.zeros((0, 3)), 0)
    starts = np.concatenate([[0], np.flatnonzero(ids[1:rows] != ids[:rows - 1]) + 1])
    ends = np.concatenate([starts[1:], [rows]])
    t = tris[:rows]
    lo = np.minimum.reduceat(np.minimum(np.minimum(t[:, 0], t[:, 1]), t[:, 2]), starts).astype(np.float64)
    hi = np.maximum.reduceat(np.maximum(np.maximum(t[:, 0], t[:, 1]), t[:, 2]), starts).astype(np.float64)
    return ObjectRuns(np.stack([starts, ends], 1), np.stack([before[starts], before[ends]], 1), lo, hi, rows)


def frustum_planes(mvp: np.ndarray) -> np.ndarray:
    """(5, 4) world-space planes (normal, offset; inside >= 0, normals of unit length) of the view frustum
    of the row-major clip matrix `mvp`: left, right, bottom, top, near (the far plane is beyond any room)."""
    m = np.asarray(mvp, np.float64)
    p = np.stack([m[3] + m[0], m[3] - m[0], m[3] + m[1], m[3] - m[1], m[3] + m[2]])
    return p / np.linalg.norm(p[:, :3], axis=1, keepdims=True)


def visible(runs: ObjectRuns, planes: np.ndarray) -> np.ndarray:
    """(k,) bool: the runs whose box is not wholly outside one of the planes (by more than MARGIN)."""
    if not len(runs.lo):
        return np.zeros(0, bool)
    ctr, ext = (runs.lo + runs.hi) / 2, (runs.hi - runs.lo) / 2
    n = planes[:, :3]
    reach = ctr @ n.T + ext @ np.abs(n).T + planes[:, 3]  # (k, planes): the box's farthest point inside
    return np.all(reach >= -MARGIN, axis=1)


def _merge(ranges: np.ndarray, out: list[tuple[int, int]]) -> None:
    """Append ascending (a, b) ranges to out, joining ranges at most GAP rows apart."""
    for a, b in ranges.tolist():
        if b <= a:
            continue
        if out and a - out[-1][1] <= GAP:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))


def draw_ranges(runs: ObjectRuns, planes: np.ndarray, n_main: int, before_rows: int,
                before_all: int) -> list[tuple[int, int]]:
    """Buffer row ranges to draw, in buffer order: visible object runs, then the rows after the objects
    (n_main rows in all), then the same for the twin section (before_rows / before_all: open rows
    before the first non-object row / in all)."""
    keep = visible(runs, planes)
    out: list[tuple[int, int]] = []
    _merge(runs.main[keep], out)
    _merge(np.array([[runs.rows, n_main]]), out)
    _merge(runs.twins[keep] + n_main, out)
    _merge(np.array([[n_main + before_rows, n_main + before_all]]), out)
    return out
