"""Legible-style GL lighting: per-material key + fill + ambient, Blinn-Phong, a reflection sheen, contact shadows.

Shading is per vertex from the face normals (so per-face terms are exact; the view-dependent
highlight and sheen are interpolated across a face). The key light KEY comes from above, front-right.
Contact shadows: each object resting on a surface (its parent receptacle, or the floor) gets a soft
dark patch around its footprint on that surface, slightly offset away from the key light, drawn after
the scene into the colour buffer only (multiplied in, depth-tested against the scene, no depth
writes), so ids and depth are exactly those of the flat shader. A shadow-map pass was measured
instead: its per-pixel lookup cost +35% GPU time per frame at 300x300 on llvmpipe, over budget.
Emissive faces stay unlit.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..objects import SimObject
from .geometry import FILL, WorldGeometry
from .materials import MAT_EMISSIVE, MAT_ID, MATERIALS
from .scene import ID_CEILING, ID_WALL, RoomGeometry

if TYPE_CHECKING:
    import moderngl

KEY = np.array([0.25, 1.0, 0.35]) / np.linalg.norm([0.25, 1.0, 0.35])  # towards the key light
ROW_FLOATS = 11  # pos 3, albedo 3, id 1, normal 3, material 1
VBO_FORMAT = "3f 3f 1f 3f 1f"
ATTRIBUTES = ("in_pos", "in_col", "in_id", "in_nrm", "in_mat")
BLOB_FLOATS = 9  # pos 3, offset from the footprint centre (x, z) 2, footprint half size 2, margin 1, strength 1
BLOB_FORMAT = "3f 2f 2f 1f 1f"
BLOB_ATTRIBUTES = ("in_pos", "in_rel", "in_half", "in_margin", "in_strength")
BLOB_LIFT = 0.002  # m above the supporting surface
BLOB_STRENGTH = 0.38  # darkening right at the footprint
FLOOR_TOLERANCE = 0.03  # m: a bottom this close to y = 0 stands on the floor

VERTEX = f"""
#version 330
uniform mat4 mvp;
uniform mat4 model;  // identity for the world; the gripper's rows are in camera space
uniform vec4 zrow;
uniform vec3 eye;
uniform vec3 light;
uniform vec3 fill;
uniform vec4 mats[{len(MATERIALS)}];
in vec3 in_pos;
in vec3 in_col;
in float in_id;
in vec3 in_nrm;
in float in_mat;
out vec3 v_col;
out float v_depth;
flat out float v_id;
void main() {{
    vec4 p = model * vec4(in_pos, 1.0);
    gl_Position = mvp * p;
    v_depth = dot(zrow, p);
    v_id = in_id;
    int mi = int(in_mat + 0.5);
    if (mi == {MAT_EMISSIVE}) {{
        v_col = in_col;
        return;
    }}
    vec4 m = mats[mi];
    vec3 n = mat3(model) * in_nrm;
    float metal = mi == {MAT_ID["Metal"]} ? 1.0 : 0.0;
    float glass = mi == {MAT_ID["Glass"]} ? 1.0 : 0.0;
    vec3 alb = mix(in_col, vec3(0.86, 0.92, 0.97), 0.3 * glass);  // a see-through tint
    vec3 v = normalize(eye - p.xyz);
    float ndl = dot(n, light);
    float k = 0.5 + 0.42 * max(ndl, 0.0) + 0.18 * max(dot(n, fill), 0.0);  // the flat style's terms
    float nh = max(dot(n, normalize(light + v)), 0.0);
    float spec = ndl > 0.0 ? m.x * nh / (m.y - m.y * nh + nh) : 0.0;  // Schlick's nh^shininess
    float sky = smoothstep(-0.3, 0.7, reflect(-v, n).y);  // reflection: bright above, dark below
    float c = 1.0 - max(dot(n, v), 0.0);
    vec3 tint = mix(vec3(1.0), 0.25 + 0.75 * alb, metal);  // metals tint what they reflect
    v_col = alb * (k * m.w) + tint * (spec + m.z * (0.9 * sky + 0.05) + 0.45 * glass * c * c * c);
}}
"""

# colour, then (id, depth): shared by the flat and the lit pass
FRAGMENT = """
#version 330
in vec3 v_col;
in float v_depth;
flat in float v_id;
layout(location = 0) out vec4 f_col;
layout(location = 1) out vec2 f_iddepth;
void main() {
    f_col = vec4(v_col, 1.0);
    f_iddepth = vec2(v_id, v_depth);
}
"""

BLOB_VERTEX = """
#version 330
uniform mat4 mvp;
in vec3 in_pos;
in vec2 in_rel;
in vec2 in_half;
in float in_margin;
in float in_strength;
out vec2 v_rel;
flat out vec2 v_half;
flat out float v_margin;
flat out float v_strength;
void main() {
    gl_Position = mvp * vec4(in_pos, 1.0);
    v_rel = in_rel;
    v_half = in_half;
    v_margin = in_margin;
    v_strength = in_strength;
}
"""

BLOB_FRAGMENT = """
#version 330
in vec2 v_rel;
flat in vec2 v_half;
flat in float v_margin;
flat in float v_strength;
out vec4 f_col;
void main() {
    float d = length(max(abs(v_rel) - v_half, 0.0)) / v_margin;  // 0 on the footprint, 1 at the rim
    f_col = vec4(vec3(1.0 - v_strength * (1.0 - smoothstep(0.0, 1.0, d))), 1.0);
}
"""


def world_rows(geo: WorldGeometry) -> int:
    """Rows of `geo` placed in the world: the objects, which come before the room shell's rows."""
    room = np.flatnonzero((geo.ids == ID_WALL) | (geo.ids == ID_CEILING))
    return int(room[0]) if len(room) else len(geo.ids)


def contact_blobs(objects: Sequence[SimObject], drawn: np.ndarray, room: RoomGeometry) -> np.ndarray:
    """Contact-shadow quads (k*6 vertices, BLOB_FLOATS) for the drawn objects resting on something.

    `drawn`: indices of the objects placed in the world. A patch is the footprint grown by a margin
    (with the object's height), moved away from the key light, clipped to the supporting surface."""
    index = {o.object_id: i for i, o in enumerate(objects) if o.enabled}
    sel, clip_of = [], []  # object index, supporting object index (-1: the floor)
    for i in (int(i) for i in drawn):
        o = objects[i]
        if o.object_type != "Floor":
            sel.append(i)
            clip_of.append(index.get(o.parents[0], -2) if o.parents else -1)
    if not sel:
        return np.zeros((0, BLOB_FLOATS), np.float32)
    ctr = np.array([objects[i].center for i in sel], np.float64)
    size = np.array([objects[i].size for i in sel], np.float64)
    lo = ctr - size / 2
    sup = np.array(clip_of)
    clip = np.tile([room.x_min, room.x_max, room.z_min, room.z_max], (len(sel), 1)).astype(np.float64)
    for k in np.flatnonzero(sup >= 0):
        p = objects[int(sup[k])]
        pc, ps = np.asarray(p.center, np.float64), np.asarray(p.size, np.float64) / 2
        clip[k] = (pc[0] - ps[0], pc[0] + ps[0], pc[2] - ps[2], pc[2] + ps[2])
    # resting on a known receptacle, or standing on the floor (not hanging on a wall, not held)
    rests = (sup >= 0) | ((sup == -1) & (lo[:, 1] < FLOOR_TOLERANCE))
    h = size[:, 1]
    margin = np.clip(0.4 * h, 0.025, 0.1)
    mid = ctr[:, [0, 2]] + (-KEY[[0, 2]] / KEY[1]) * np.clip(0.2 * h, 0.0, 0.06)[:, None]
    half = size[:, [0, 2]] / 2
    x0 = np.maximum(mid[:, 0] - half[:, 0] - margin, clip[:, 0])
    x1 = np.minimum(mid[:, 0] + half[:, 0] + margin, clip[:, 1])
    z0 = np.maximum(mid[:, 1] - half[:, 1] - margin, clip[:, 2])
    z1 = np.minimum(mid[:, 1] + half[:, 1] + margin, clip[:, 3])
    keep = rests & (x1 - x0 >= 1e-3) & (z1 - z0 >= 1e-3)
    n = int(keep.sum())
    corners = ((x0, z0), (x0, z1), (x1, z1), (x0, z0), (x1, z1), (x1, z0))  # CCW seen from above
    out = np.empty((n, 6, BLOB_FLOATS), np.float32)
    for v, (x, z) in enumerate(corners):
        out[:, v, 0], out[:, v, 2] = x[keep], z[keep]
        out[:, v, 3], out[:, v, 4] = x[keep] - mid[keep, 0], z[keep] - mid[keep, 1]
    out[..., 1] = (np.maximum(lo[keep, 1], 0.0) + BLOB_LIFT)[:, None]
    out[..., 5:7] = half[keep][:, None, :]
    out[..., 7] = margin[keep][:, None]
    out[..., 8] = BLOB_STRENGTH
    return out.reshape(-1, BLOB_FLOATS)


def pack_lit(tris: np.ndarray, flip: np.ndarray, surface: np.ndarray, normals: np.ndarray,
             ids: np.ndarray, closed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Legible vertex rows (n, 3, ROW_FLOATS) and their reversed twins (open triangles, normal flipped).

    `flip` marks triangles whose winding is reversed to be counter-clockwise about the normal."""
    rows = np.empty((len(tris), 3, ROW_FLOATS), np.float32)
    rows[..., :3] = tris
    rows[flip, 1, :3], rows[flip, 2, :3] = tris[flip, 2], tris[flip, 1]
    rows[..., 3:6] = surface[:, None, :3]
    rows[..., 6] = ids[:, None]
    rows[..., 7:10] = normals[:, None, :]
    rows[..., 10] = surface[:, None, 3]
    twins = rows[~closed][:, ::-1].copy()
    twins[..., 7:10] *= -1.0
    return rows, twins


class LitPass:
    """The legible lighting resources of one GL context: the lit program and the contact-shadow pass.

    fbo: the renderer's framebuffer (colour, id/depth; the shadows multiply into the colour only)."""

    def __init__(self, ctx: moderngl.Context, fbo: moderngl.Framebuffer) -> None:
        self.ctx, self.fbo = ctx, fbo
        self.prog = ctx.program(vertex_shader=VERTEX, fragment_shader=FRAGMENT)
        self.blob_prog = ctx.program(vertex_shader=BLOB_VERTEX, fragment_shader=BLOB_FRAGMENT)
        self.blob_vbo: moderngl.Buffer | None = None
        self.blob_vao: moderngl.VertexArray | None = None
        self._blob_verts = 0
        mats = np.array([m[1:] for m in MATERIALS], np.float32)
        self._set(self.prog, "mats", mats.tobytes())
        self._set(self.prog, "light", KEY.astype(np.float32).tobytes())
        self._set(self.prog, "fill", FILL.astype(np.float32).tobytes())

    @staticmethod
    def _set(prog: moderngl.Program, name: str, value: bytes) -> None:
        import moderngl

        u = prog.get(name, None)
        if u is not None:  # None: optimised away by the compiler
            assert isinstance(u, moderngl.Uniform)
            u.write(value)

    def bind(self, vbo: moderngl.Buffer) -> moderngl.VertexArray:
        """The lit VAO over the world `vbo`."""
        return self.ctx.vertex_array(self.prog, [(vbo, VBO_FORMAT, *ATTRIBUTES)])

    def set_blobs(self, objects: Sequence[SimObject], geo: WorldGeometry) -> None:
        """Rebuild the contact shadows for the objects `geo` places in the world."""
        drawn = np.unique(geo.ids[:world_rows(geo)])
        data = contact_blobs(objects, drawn[drawn >= 0], geo.room)
        self._blob_verts = len(data)
        if not len(data):
            return
        if self.blob_vbo is None or self.blob_vbo.size < data.nbytes:
            if self.blob_vao is not None:
                self.blob_vao.release()
            if self.blob_vbo is not None:
                self.blob_vbo.release()
            self.blob_vbo = self.ctx.buffer(reserve=data.nbytes * 3 // 2)
            self.blob_vao = self.ctx.vertex_array(self.blob_prog, [(self.blob_vbo, BLOB_FORMAT, *BLOB_ATTRIBUTES)])
        self.blob_vbo.write(data.tobytes())

    def prepare(self, mvp: bytes, eye: np.ndarray) -> None:
        """Per-frame uniforms: the view-projection (column-major bytes) and the camera position."""
        self._set(self.prog, "eye", np.asarray(eye, np.float32).tobytes())
        self._set(self.blob_prog, "mvp", mvp)

    def draw_blobs(self) -> None:
        """Multiply the contact shadows into the colour buffer (after the scene; depth-tested, not written)."""
        import moderngl

        if not self._blob_verts or self.blob_vao is None:
            return
        ctx, fbo = self.ctx, self.fbo
        masks = fbo.color_mask
        # colour only: ids and depth stay (moderngl's stub types the mask of one attachment only)
        fbo.color_mask = (masks[0], (False, False, False, False))  # type: ignore[assignment]
        fbo.depth_mask = False
        ctx.enable(moderngl.BLEND)
        ctx.blend_func = moderngl.ZERO, moderngl.SRC_COLOR
        self.blob_vao.render(moderngl.TRIANGLES, vertices=self._blob_verts)
        ctx.disable(moderngl.BLEND)
        fbo.color_mask, fbo.depth_mask = masks, True

    def release(self) -> None:
        """Free the GL objects (the context frees the rest)."""
        for o in (self.blob_vao, self.blob_vbo, self.blob_prog, self.prog):
            if o is not None:
                o.release()
