"""moderngl renderer: EGL standalone context, one draw call, MRT (colour + id/depth).

Attachment 0: RGBA8 colour. Attachment 1: RG32F = (id + 4, linear view depth); 0 = cleared.
The world VBO is rebuilt only when scene.version changes.
"""
from __future__ import annotations

import numpy as np

from .camera import projection_matrix, view_matrix
from .geometry import WorldBuilder
from .scene import FAR, ID_NOTHING, RenderOutput, RenderScene

ID_OFFSET = 4.0
FRONT_FACE = "ccw"  # winding is made CCW about each face normal (checked against numpy culling)

VERTEX = """
#version 330
uniform mat4 mvp;
uniform vec4 zrow;
in vec3 in_pos;
in vec3 in_col;
in float in_id;
out vec3 v_col;
out float v_depth;
flat out float v_id;
void main() {
    vec4 p = vec4(in_pos, 1.0);
    gl_Position = mvp * p;
    v_depth = dot(zrow, p);
    v_col = in_col;
    v_id = in_id;
}
"""

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


def create_context():  # patched by tests to simulate a machine without GL
    import moderngl

    return moderngl.create_standalone_context(backend="egl", require=330)


class GLRenderer:
    kind = "gl"

    def __init__(self, width: int, height: int, fov: float = 90.0) -> None:
        self.width, self.height, self.fov = int(width), int(height), float(fov)
        self.ctx = create_context()
        ctx = self.ctx
        self.prog = ctx.program(vertex_shader=VERTEX, fragment_shader=FRAGMENT)
        size = (self.width, self.height)
        self._col = ctx.renderbuffer(size, 4)
        self._idd = ctx.renderbuffer(size, 2, dtype="f4")
        self._zb = ctx.depth_renderbuffer(size)
        self.fbo = ctx.framebuffer([self._col, self._idd], self._zb)
        self._world = WorldBuilder()
        self._vbo = None
        self._vao = None
        self._nverts = 0
        self._uploaded: object = None

    def _upload(self, scene: RenderScene) -> None:
        geo = self._world.get(scene)
        # wind every triangle counter-clockwise about its normal; open (two-sided) triangles
        # get a reversed twin, so back-face culling matches the numpy renderer exactly
        tris = geo.tris.copy()
        cr = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
        flip = np.einsum("ij,ij->i", cr, geo.normals) < 0
        tris[flip, 1], tris[flip, 2] = geo.tris[flip, 2], geo.tris[flip, 1]
        twin = ~geo.closed
        tris = np.concatenate([tris, tris[twin][:, ::-1]])
        cols = np.concatenate([geo.colors, geo.colors[twin]])
        ids = np.concatenate([geo.ids, geo.ids[twin]])
        n = len(tris)
        data = np.empty((n, 3, 7), np.float32)
        data[..., :3] = tris
        data[..., 3:6] = (cols.astype(np.float32) / 255.0)[:, None, :]
        data[..., 6] = (ids.astype(np.float32) + ID_OFFSET)[:, None]
        raw = data.tobytes()
        if self._vbo is not None and self._vbo.size >= len(raw):
            self._vbo.write(raw)
        else:
            if self._vao is not None:
                self._vao.release()
                self._vbo.release()
            self._vbo = self.ctx.buffer(reserve=max(len(raw), 1024) * 3 // 2)
            self._vbo.write(raw)
            self._vao = self.ctx.vertex_array(self.prog, [(self._vbo, "3f 3f 1f", "in_pos", "in_col", "in_id")])
        self._nverts = n * 3
        self._uploaded = geo

    def render(self, scene: RenderScene) -> RenderOutput:
        import moderngl

        if self._world.get(scene) is not self._uploaded or self._vao is None:
            self._upload(scene)
        cam = scene.camera
        fov = float(cam.fov or self.fov)
        view = view_matrix(cam)
        mvp = projection_matrix(fov, self.width, self.height) @ view
        self.prog["mvp"].write(mvp.T.astype(np.float32).tobytes())
        self.prog["zrow"].write(view[2].astype(np.float32).tobytes())
        self.fbo.use()
        self.ctx.viewport = (0, 0, self.width, self.height)
        self.ctx.enable(moderngl.DEPTH_TEST)
        self.ctx.enable(moderngl.CULL_FACE)
        self.ctx.front_face = FRONT_FACE
        self.fbo.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        self._vao.render(moderngl.TRIANGLES, vertices=self._nverts)
        w, h = self.width, self.height
        rgb = np.empty((h, w, 3), np.uint8)
        idd = np.empty((h, w, 2), np.float32)
        self.fbo.read_into(rgb, components=3, attachment=0, alignment=1)
        self.fbo.read_into(idd, components=2, attachment=1, dtype="f4", alignment=1)
        ids = idd[..., 0].astype(np.int32)  # exact small integers
        ids -= int(ID_OFFSET)
        nothing = ids == -int(ID_OFFSET)
        ids[nothing] = ID_NOTHING
        depth = idd[..., 1].copy()
        depth[nothing] = FAR
        return RenderOutput(rgb, depth, ids)

    def close(self) -> None:
        if getattr(self, "ctx", None) is not None:
            self.ctx.release()
            self.ctx = None
