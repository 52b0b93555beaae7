"""moderngl renderer: EGL standalone context, one draw call, MRT (colour + id/depth).

Attachment 0: RGBA8 colour. Attachment 1: RG32F = (id + 5, linear view depth); 0 = cleared.
The world VBO is rewritten only when scene.version changes, and then only the changed
objects' rows when the geometry was patched (see WorldBuilder). The legible gripper (with the held
object) has a small VBO of its own in camera space, drawn in the soup's order through a model matrix, so a camera
move writes only that matrix (unlit: also the rows, whose baked shading follows the camera).
"""
from __future__ import annotations

import os
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .camera import camera_basis, camera_to_world, projection_matrix, view_matrix
from .cull import ObjectRuns, draw_ranges, frustum_planes, object_runs
from .geometry import WorldBuilder, WorldGeometry, shade
from .gl_lit import FRAGMENT, LitPass, pack_lit, world_rows
from .scene import FAR, ID_CEILING, ID_NOTHING, ID_WALL, Camera, RenderOutput, RenderScene, RenderStyle

if TYPE_CHECKING:
    import moderngl

    from .gripper import HandRows

PART_CACHE = 1024  # placements whose packed rows the legible renderer keeps (resets reuse them)
IDENTITY = np.eye(4, dtype=np.float32).tobytes()  # the model matrix of world rows
ID_OFFSET = 5.0  # every id from ID_AGENT (-4) up stays above the cleared 0
FRONT_FACE = "ccw"  # winding is made CCW about each face normal (checked against numpy culling)

VERTEX = """
#version 330
uniform mat4 mvp;
uniform mat4 model;  // identity for the world; the gripper's rows are in camera space
uniform vec4 zrow;
in vec3 in_pos;
in vec3 in_col;
in float in_id;
out vec3 v_col;
out float v_depth;
flat out float v_id;
void main() {
    vec4 p = model * vec4(in_pos, 1.0);
    gl_Position = mvp * p;
    v_depth = dot(zrow, p);
    v_col = in_col;
    v_id = in_id;
}
"""



lit_warned = False  # set once a legible renderer has warned that it fell back to flat shading
_current: list[moderngl.Context | None] = [None]  # the context made current last (renderers may share a process)


def create_context() -> moderngl.Context:  # patched by tests to simulate a machine without GL
    """A standalone EGL context (OpenGL 3.3)."""
    import moderngl

    # Mesa llvmpipe: rasterise in the calling thread. Its worker threads cost more than they save
    # on our frames (64x64: 145 vs 88 env steps/s; 300x300: equal or faster) and compete with
    # other env processes for the cores. Set LP_NUM_THREADS yourself to override.
    os.environ.setdefault("LP_NUM_THREADS", "0")

    # moderngl's stub types each **settings value as a dict; backend is a string
    return moderngl.create_standalone_context(backend="egl", require=330)  # type: ignore[arg-type]


@dataclass
class PartRows:
    """One placement's packed vertex rows (ids unset) and twins, and its world box (float64 of the float32 rows)."""

    placed: object  # the placement (kept alive, so its id() cannot be reused while cached)
    main: np.ndarray
    twins: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


class GLRenderer:
    """The moderngl renderer (a Renderer): one standalone context per instance."""

    kind = "gl"
    lit: bool  # whether legible lighting is on

    def __init__(self, width: int, height: int, fov: float = 90.0, style: RenderStyle = "flat",
                 lighting: bool = True, cull: bool | None = None) -> None:
        """lighting (legible style only): per-material lighting and contact shadows (gl_lit.py); False, or
        a GL without what they need (one warning), draws the baked flat shading. Ids and depth are the same.
        cull: skip objects outside the view frustum (cull.py; same frames); default: in the legible style."""
        import moderngl

        self.width, self.height, self.fov = int(width), int(height), float(fov)
        self.style: RenderStyle = style
        self.ctx: moderngl.Context | None = create_context()
        _current[0] = ctx = self.ctx  # a new standalone context is made current
        self.prog = ctx.program(vertex_shader=VERTEX, fragment_shader=FRAGMENT)
        size = (self.width, self.height)
        self._col = ctx.renderbuffer(size, 4)
        self._idd = ctx.renderbuffer(size, 2, dtype="f4")
        self._zb = ctx.depth_renderbuffer(size)
        self.fbo = ctx.framebuffer([self._col, self._idd], self._zb)
        self._lit = self._make_lit(ctx, self.fbo) if style == "legible" and lighting else None
        self.lit = self._lit is not None
        prog = self._lit.prog if self._lit is not None else self.prog
        mvp, zrow, model = prog["mvp"], prog["zrow"], prog["model"]
        assert isinstance(mvp, moderngl.Uniform) and isinstance(zrow, moderngl.Uniform)
        assert isinstance(model, moderngl.Uniform)
        self._mvp, self._zrow, self._model = mvp, zrow, model
        model.write(IDENTITY)
        self._world = WorldBuilder(style)
        self._vbo: moderngl.Buffer | None = None
        self._vao: moderngl.VertexArray | None = None
        self._nverts = 0
        self._uploaded: WorldGeometry | None = None
        self._data: np.ndarray | None = None  # the VBO's contents, kept for patching
        self._twins_before = np.zeros(1, np.int64)
        self._shadows_stale = True
        self._casters = 0  # rows of objects placed in the world (they come first)
        self.cull = style == "legible" if cull is None else bool(cull)
        self._runs: ObjectRuns | None = None  # the uploaded objects' row runs and boxes (when culling)
        # legible: the gripper and the held object, in a buffer of their own (a camera move rewrites only it)
        self._hand_vbo: moderngl.Buffer | None = None
        self._hand_vao: moderngl.VertexArray | None = None
        self._hand: WorldGeometry | None = None  # the uploaded hand rows
        self._hand_rows = (0, 0)  # (main rows, all rows incl. twins) in the hand buffer
        # what the hand buffer holds: (HandRows, None) lit, (HandRows, camera pose) unlit
        self._hand_src: tuple[HandRows, tuple[float, ...] | None] | None = None
        self._hand_model = IDENTITY  # the hand rows' model matrix for the current camera (column-major bytes)
        self._part_rows: OrderedDict[int, PartRows] = OrderedDict()  # by id(placement), legible only

    @staticmethod
    def _make_lit(ctx: moderngl.Context, fbo: moderngl.Framebuffer) -> LitPass | None:
        """The legible lighting pass, or None (one warning) when this GL lacks what it needs."""
        global lit_warned
        try:
            return LitPass(ctx, fbo)
        except Exception as exc:  # a shader or framebuffer this GL does not support
            if not lit_warned:
                lit_warned = True
                warnings.warn(f"legible GL lighting unavailable ({type(exc).__name__}: {exc}); "
                              "using the flat shading", RuntimeWarning, stacklevel=3)
            return None

    def _pack(self, geo: WorldGeometry, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Vertex rows (b-a, 3, 7) for triangles a:b, and their reversed twins (open triangles).

        Every triangle is wound counter-clockwise about its normal; open (two-sided) triangles
        get a reversed twin, so back-face culling matches the numpy renderer exactly.
        With legible lighting the rows are gl_lit.pack_lit's (albedo, normal, material added)."""
        tris = geo.tris[a:b]
        e, f = tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0]
        # np.cross(e, f), spelled out: the same arithmetic without its per-call overhead (patched every frame)
        cr = np.stack([e[:, 1] * f[:, 2] - e[:, 2] * f[:, 1], e[:, 2] * f[:, 0] - e[:, 0] * f[:, 2],
                       e[:, 0] * f[:, 1] - e[:, 1] * f[:, 0]], 1)
        flip = np.einsum("ij,ij->i", cr, geo.normals[a:b]) < 0
        if self._lit is not None and geo.surface is not None:
            return pack_lit(tris, flip, geo.surface[a:b], geo.normals[a:b],
                            geo.ids[a:b].astype(np.float32) + ID_OFFSET, geo.closed[a:b])
        rows = np.empty((b - a, 3, 7), np.float32)
        rows[..., :3] = tris
        rows[flip, 1, :3], rows[flip, 2, :3] = tris[flip, 2], tris[flip, 1]
        rows[..., 3:6] = (geo.colors[a:b].astype(np.float32) / 255.0)[:, None, :]
        rows[..., 6] = (geo.ids[a:b].astype(np.float32) + ID_OFFSET)[:, None]
        return rows, rows[~geo.closed[a:b]][:, ::-1]

    def _layout(self, geo: WorldGeometry, parent: WorldGeometry | None) -> tuple[np.ndarray, int]:
        """(open rows before each row of `geo`, its object rows); those of the uploaded `parent` when `geo` only
        rewrote object rows in place (same row counts, same closed flags)."""
        c = self._casters
        if (parent is not None and len(geo.tris) == len(parent.tris) and c < len(geo.ids)
                and geo.ids[c] in (ID_WALL, ID_CEILING) and all(
                    a == na and b == nb and b <= c and np.array_equal(geo.closed[a:b], parent.closed[a:b])
                    for a, b, na, nb in geo.dirty)):
            return self._twins_before, c
        return np.concatenate([[0], np.cumsum(~geo.closed)]), world_rows(geo)  # twin rows follow the main rows

    def _upload(self, geo: WorldGeometry) -> None:
        old = self._uploaded
        patch = old is not None and geo.parent == old.serial and self._data is not None
        before, casters = self._layout(geo, old if patch else None)
        objects_changed = True
        if patch and old is not None and self._data is not None:
            self._patch(geo, before, old, self._data)
            # contact shadows depend on the object rows only: rows after them (room, gripper) do not matter
            objects_changed = casters != self._casters or any(
                na < casters and (b > a or nb > na) for a, b, na, nb in geo.dirty)
            self._shadows_stale |= objects_changed
        else:
            self._write(self._pack_all(geo, casters), None)
            self._shadows_stale = True
        if not self.cull:
            self._runs = None
        elif objects_changed or self._runs is None:
            self._runs = self._object_runs(geo, before, casters)
        self._twins_before, self._uploaded, self._casters = before, geo, casters

    def _cached_parts(self, geo: WorldGeometry, casters: int) -> bool:
        """Whether per-placement caches apply: the legible style, and geo.parts covering the object rows."""
        return self.style == "legible" and bool(geo.parts) and sum(b - a for a, b, _ in geo.parts) == casters

    def _part_entry(self, geo: WorldGeometry, a: int, b: int, placed: object) -> PartRows:
        """The packed rows (any ids) and world box of one placement's rows a:b of `geo` (cached)."""
        cache = self._part_rows
        hit = cache.get(id(placed))
        if hit is not None and hit.placed is placed:
            cache.move_to_end(id(placed))
            return hit
        main, twins = self._pack(geo, a, b)
        t = geo.tris[a:b]
        tmin = np.minimum(np.minimum(t[:, 0], t[:, 1]), t[:, 2])
        tmax = np.maximum(np.maximum(t[:, 0], t[:, 1]), t[:, 2])
        entry = cache[id(placed)] = PartRows(placed, main, twins, tmin.min(0).astype(np.float64),
                                             tmax.max(0).astype(np.float64))
        if len(cache) > PART_CACHE:
            cache.popitem(last=False)
        return entry

    def _pack_all(self, geo: WorldGeometry, casters: int) -> np.ndarray:
        """All rows of `geo` packed (main rows, then twins): objects' rows from the per-placement cache (their ids
        set afterwards) when it applies; the same data as packing the whole soup at once."""
        if not self._cached_parts(geo, casters):
            main, twins = self._pack(geo, 0, len(geo.tris))
            return np.concatenate([main, twins])
        entries = [self._part_entry(geo, a, b, p) for a, b, p in geo.parts]
        rm, rt = self._pack(geo, casters, len(geo.tris))
        main = np.concatenate([e.main for e in entries] + [rm])
        twins = np.concatenate([e.twins for e in entries] + [rt])
        main[..., 6] = (geo.ids.astype(np.float32) + ID_OFFSET)[:, None]  # column 6: the id in both row layouts
        twins[..., 6] = (geo.ids[~geo.closed].astype(np.float32) + ID_OFFSET)[:, None]
        return np.concatenate([main, twins])

    def _object_runs(self, geo: WorldGeometry, before: np.ndarray, casters: int) -> ObjectRuns:
        """cull.object_runs of `geo`, from the per-placement boxes when they apply (each placement is one run)."""
        if not self._cached_parts(geo, casters):
            return object_runs(geo.tris, geo.ids, before, casters)
        entries = [self._part_entry(geo, a, b, p) for a, b, p in geo.parts]
        ab = np.array([(a, b) for a, b, _ in geo.parts], np.int64)
        return ObjectRuns(ab, np.stack([before[ab[:, 0]], before[ab[:, 1]]], 1), np.array([e.lo for e in entries]),
                          np.array([e.hi for e in entries]), casters)

    def _vertex_array(self, vbo: moderngl.Buffer) -> moderngl.VertexArray:
        """The VAO drawing `vbo` with this renderer's program (lit or flat rows)."""
        if self._lit is not None:
            return self._lit.bind(vbo)
        assert self.ctx is not None
        return self.ctx.vertex_array(self.prog, [(vbo, "3f 3f 1f", "in_pos", "in_col", "in_id")])

    def _upload_hand(self, hand: WorldGeometry) -> None:
        """Write the hand rows (and their twins) to the hand buffer."""
        main, twins = self._pack(hand, 0, len(hand.tris))
        data = np.concatenate([main, twins])
        vbo = self._hand_vbo
        if vbo is None or vbo.size < data.nbytes:
            if self._hand_vao is not None:
                self._hand_vao.release()
            if vbo is not None:
                vbo.release()
            assert self.ctx is not None
            vbo = self._hand_vbo = self.ctx.buffer(reserve=max(data.nbytes, 1024) * 3 // 2)
            self._hand_vao = self._vertex_array(vbo)
        vbo.write(data)
        self._hand, self._hand_rows = hand, (len(main), len(data))

    def _draw(self, vao: moderngl.VertexArray, ranges: list[tuple[int, int]], n_main: int) -> None:
        """Draw row ranges of the world buffer in the soup's order: main rows, the hand's main rows, twins, the
        hand's twins (the hand's rows follow the world's in each section, as if appended to the soup)."""
        import moderngl

        hand = self._hand_vao if self._hand is not None else None
        hm, ha = self._hand_rows
        twins: list[tuple[int, int]] = []
        for a, b in ranges:
            if a < n_main:
                vao.render(moderngl.TRIANGLES, vertices=3 * (min(b, n_main) - a), first=3 * a)
            if b > n_main:
                twins.append((max(a, n_main), b))
        if hand is not None and hm:
            self._hand_draw(hand, 0, hm)
        for a, b in twins:
            vao.render(moderngl.TRIANGLES, vertices=3 * (b - a), first=3 * a)
        if hand is not None and ha > hm:
            self._hand_draw(hand, hm, ha)

    def _place_hand(self, rows: HandRows, cam: Camera, geo: WorldGeometry) -> None:
        """Keep the gripper's camera-space rows in the hand buffer, placed by the model matrix on the GPU. Lit, they
        are written once per rows; unlit, their baked shading follows the camera, so a camera move rewrites them."""
        pose = None if self._lit is not None else (*np.asarray(cam.position, np.float64).tolist(), cam.yaw, cam.horizon)
        src = self._hand_src
        if src is None or src[0] is not rows or src[1] != pose:
            colors = np.zeros((len(rows.tris), 3), np.uint8) if pose is None \
                else shade(rows.normals @ camera_basis(cam), rows.albedo, rows.emissive)
            self._upload_hand(WorldGeometry(rows.tris.astype(np.float32), rows.normals.astype(np.float32), colors,
                                            rows.ids, rows.closed, geo.room, geo.version, surface=rows.surface))
            self._hand_src = (rows, pose)
        self._hand_model = camera_to_world(cam).T.astype(np.float32).tobytes()

    def _hand_draw(self, hand: moderngl.VertexArray, a: int, b: int) -> None:
        """Draw rows a:b of the hand buffer through the camera's model matrix (then back to the identity)."""
        import moderngl

        self._model.write(self._hand_model)
        hand.render(moderngl.TRIANGLES, vertices=3 * (b - a), first=3 * a)
        self._model.write(IDENTITY)

    def _write(self, data: np.ndarray, ranges: list[tuple[int, int]] | None) -> None:
        """Make data the VBO's contents; `ranges` (rows) limits the write when the size is unchanged."""
        raw_size = data.nbytes
        vbo = self._vbo
        if vbo is None or vbo.size < raw_size:
            if self._vao is not None:
                self._vao.release()
            if vbo is not None:
                vbo.release()
            assert self.ctx is not None
            vbo = self._vbo = self.ctx.buffer(reserve=max(raw_size, 1024) * 3 // 2)
            self._vao = self._vertex_array(vbo)
            ranges = None
        # contiguous rows are written straight from the array (buffer protocol), without a bytes copy
        if ranges is None:
            vbo.write(data)
        else:
            row = data.strides[0]
            for a, b in ranges:
                if b > a:
                    vbo.write(data[a:b], offset=int(a) * row)
        self._data, self._nverts = data, len(data) * 3

    def _patch(self, geo: WorldGeometry, before: np.ndarray, uploaded: WorldGeometry, old: np.ndarray) -> None:
        """Splice the re-placed rows (and their twins) into the uploaded data `old`; write what changed."""
        n_old, old_before = len(uploaded.tris), self._twins_before
        if np.array_equal(before, old_before) and all(a == na and b == nb for a, b, na, nb in geo.dirty):
            # same rows in the same places (e.g. the legible gripper following the camera): overwrite them
            for a, b, _, _ in geo.dirty:
                old[a:b], old[n_old + before[a]:n_old + before[b]] = self._pack(geo, a, b)
            self._write(old, [r for a, b, _, _ in geo.dirty for r in ((a, b), (n_old + before[a], n_old + before[b]))])
            return
        mains, twins, pos = [], [], 0
        for a, b, na, nb in geo.dirty:
            mains.append(old[pos:a])
            twins.append(old[n_old + old_before[pos]:n_old + old_before[a]])
            m, t = self._pack(geo, na, nb)
            mains.append(m)
            twins.append(t)
            pos = b
        mains.append(old[pos:n_old])
        twins.append(old[n_old + old_before[pos]:])
        self._write(np.concatenate(mains + twins), None)  # rows moved: rewrite the buffer

    def render(self, scene: RenderScene) -> RenderOutput:
        """Draw the scene from its camera (re-uploading geometry only when it changed)."""
        self._draw_scene(scene)
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

    def render_rgb(self, scene: RenderScene) -> np.ndarray:
        """render()'s RGB frame alone (the same draw; the ids and depth attachment is not read back)."""
        self._draw_scene(scene)
        rgb = np.empty((self.height, self.width, 3), np.uint8)
        self.fbo.read_into(rgb, components=3, attachment=0, alignment=1)
        return rgb

    def _draw_scene(self, scene: RenderScene) -> None:
        """Draw the scene into the framebuffer (render()'s draw, before any read-back)."""
        import moderngl

        ctx = self.ctx
        if ctx is None:
            raise RuntimeError("GLRenderer.render() after close()")
        if _current[0] is not ctx:  # GL calls go to the current context: make it ours
            ctx.__enter__()
            _current[0] = ctx
        cam = scene.camera
        geo, rows = self._world.split_rows(scene)
        if rows is None:
            self._hand = self._hand_src = None
        else:
            self._place_hand(rows, cam, geo)
        if geo is not self._uploaded or self._vao is None:
            self._upload(geo)
        vao = self._vao
        assert vao is not None
        fov = float(cam.fov or self.fov)
        view = view_matrix(cam)
        mvp = projection_matrix(fov, self.width, self.height) @ view
        self._mvp.write(mvp.T.astype(np.float32).tobytes())
        self._zrow.write(view[2].astype(np.float32).tobytes())
        if self._lit is not None:
            if self._shadows_stale and self._uploaded is not None:
                self._lit.set_blobs(scene.objects, self._uploaded)
                self._shadows_stale = False
            self._lit.prepare(mvp.T.astype(np.float32).tobytes(), cam.position)
        self.fbo.use()
        ctx.viewport = (0, 0, self.width, self.height)
        ctx.enable(moderngl.DEPTH_TEST)
        ctx.enable(moderngl.CULL_FACE)
        ctx.front_face = FRONT_FACE
        self.fbo.clear(0.0, 0.0, 0.0, 0.0, depth=1.0)
        runs, up = self._runs, self._uploaded
        assert up is not None
        if runs is None and self._hand is None:
            vao.render(moderngl.TRIANGLES, vertices=self._nverts)
        elif runs is None:
            self._draw(vao, [(0, self._nverts // 3)], len(up.tris))
        else:
            before = self._twins_before
            self._draw(vao, draw_ranges(runs, frustum_planes(mvp), len(up.tris), int(before[runs.rows]),
                                        int(before[-1])), len(up.tris))
        if self._lit is not None:
            self._lit.draw_blobs()

    def geometry(self, scene: RenderScene) -> WorldGeometry:
        """The world triangle soup drawn for `scene` (cached per scene version, patched when it can be)."""
        return self._world.get(scene)

    def clear_cache(self) -> None:
        """Forget the cached geometry and the uploaded buffer: the next render builds and uploads from scratch."""
        self._world = WorldBuilder(self.style)
        self._uploaded = None
        self._runs = None
        self._hand = self._hand_src = None
        self._part_rows.clear()

    def close(self) -> None:
        """Release the GL context."""
        ctx = getattr(self, "ctx", None)
        if ctx is not None:
            if _current[0] is ctx:
                _current[0] = None
            if self._lit is not None:
                self._lit.release()
                self._lit, self.lit = None, False
            ctx.release()
            self.ctx = None
