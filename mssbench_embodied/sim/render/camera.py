"""Projection math shared by the GL and numpy renderers (AI2-THOR conventions).

Camera space: x right, y up, z forward (view depth). Image row 0 is the top.
"""
from __future__ import annotations

import math

import numpy as np

from .scene import FAR, NEAR, Camera


def camera_basis(cam: Camera) -> np.ndarray:
    """3x3 matrix whose rows are right, up, forward in world coordinates."""
    y, h = math.radians(cam.yaw), math.radians(cam.horizon)
    fwd = [math.sin(y) * math.cos(h), -math.sin(h), math.cos(y) * math.cos(h)]
    up = [math.sin(y) * math.sin(h), math.cos(h), math.cos(y) * math.sin(h)]
    right = [math.cos(y), 0.0, -math.sin(y)]
    return np.array([right, up, fwd], dtype=np.float64)


def view_matrix(cam: Camera) -> np.ndarray:
    """4x4 world -> camera (x right, y up, z forward)."""
    r = camera_basis(cam)
    m = np.eye(4)
    m[:3, :3] = r
    m[:3, 3] = -r @ np.asarray(cam.position, dtype=np.float64)
    return m


def camera_to_world(cam: Camera) -> np.ndarray:
    """4x4 camera -> world, view_matrix's inverse (camera-space rows placed in the world, e.g. the gripper)."""
    m = np.eye(4)
    m[:3, :3], m[:3, 3] = camera_basis(cam).T, cam.position
    return m


def focal(fov: float, width: int, height: int) -> tuple[float, float]:
    """(fx, fy) in NDC units: ndc_x = fx * x/z, ndc_y = fy * y/z (vertical fov)."""
    fy = 1.0 / math.tan(math.radians(fov) / 2.0)
    return fy * height / width, fy


def projection_matrix(fov: float, width: int, height: int, near: float = NEAR, far: float = FAR) -> np.ndarray:
    """Camera -> GL clip space, with y flipped so GL's first read-back row is the image top."""
    fx, fy = focal(fov, width, height)
    p = np.zeros((4, 4))
    p[0, 0] = fx
    p[1, 1] = -fy
    p[2, 2] = (far + near) / (far - near)
    p[2, 3] = -2.0 * far * near / (far - near)
    p[3, 2] = 1.0
    return p


def to_pixels(cam_pts: np.ndarray, fov: float, width: int, height: int) -> np.ndarray:
    """Camera-space points (...,3) with z>0 -> continuous pixel coords (...,2) (col, row)."""
    fx, fy = focal(fov, width, height)
    z = cam_pts[..., 2]
    px = (fx * cam_pts[..., 0] / z + 1.0) * (width / 2.0)
    py = (1.0 - fy * cam_pts[..., 1] / z) * (height / 2.0)
    return np.stack([px, py], axis=-1)
