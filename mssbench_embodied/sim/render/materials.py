"""Surface materials of the legible style: one material id per face, from AI2-THOR salientMaterials.

An object's materials come from its type's `salient_materials` (structural types, which have none
in AI2-THOR, get one here). Objects with several materials pick one per face from its colour:
grey parts (not dark) are the Metal, dark grey parts of a Glass object are a Screen (phones, TVs, doors),
the rest is the object's main non-metal material. Emissive faces get MAT_EMISSIVE (unlit).
"""
from __future__ import annotations

import numpy as np

from ..objects import SimObject
from .prims import Mesh
from .scene import RoomGeometry

# id: (name, specular strength, shininess, environment sheen, diffuse scale); gl_lit.py's shader reads it
MATERIALS: tuple[tuple[str, float, float, float, float], ...] = (
    ("Matte", 0.0, 8.0, 0.0, 1.0),  # paint, fabric, paper
    ("Wood", 0.12, 16.0, 0.0, 1.0),
    ("Plastic", 0.3, 32.0, 0.05, 1.0),
    ("Ceramic", 0.4, 60.0, 0.06, 1.0),
    ("Stone", 0.15, 20.0, 0.02, 1.0),  # counter tops
    ("Metal", 0.9, 40.0, 0.4, 0.55),
    ("Glass", 1.0, 110.0, 0.3, 0.85),  # clear glass: lightened, with a rim (see gl_lit.py)
    ("Screen", 0.9, 90.0, 0.1, 1.0),  # dark glass: phone and TV screens, oven doors
    ("Food", 0.22, 20.0, 0.0, 1.0),
    ("Rubber", 0.1, 10.0, 0.0, 1.0),
    ("Emissive", 0.0, 1.0, 0.0, 1.0),  # unlit, full brightness
)
MAT_ID: dict[str, int] = {m[0]: i for i, m in enumerate(MATERIALS)}
MAT_EMISSIVE = MAT_ID["Emissive"]

# AI2-THOR salientMaterials -> our shading class
SALIENT: dict[str, str] = {
    "Metal": "Metal", "Glass": "Glass", "Ceramic": "Ceramic", "Plastic": "Plastic", "Wood": "Wood",
    "Fabric": "Matte", "Paper": "Matte", "Sponge": "Matte", "Organic": "Matte", "Wax": "Plastic",
    "Soap": "Ceramic", "Food": "Food", "Rubber": "Rubber", "Leather": "Rubber", "Stone": "Stone",
}
# structural types (no salientMaterials in AI2-THOR): what they are made of
STRUCTURAL: dict[str, tuple[str, ...]] = {
    "CounterTop": ("Stone", "Wood"), "Cabinet": ("Wood",), "Drawer": ("Wood",), "Shelf": ("Wood",),
    "Fridge": ("Metal", "Plastic"), "Sink": ("Ceramic", "Metal"), "SinkBasin": ("Metal",),
    "Bathtub": ("Ceramic",), "BathtubBasin": ("Ceramic",), "Toilet": ("Ceramic",), "Faucet": ("Metal",),
    "ShowerHead": ("Metal",), "ShowerDoor": ("Glass", "Metal"), "ShowerGlass": ("Glass", "Metal"),
    "Window": ("Glass", "Wood"), "Mirror": ("Glass",), "StoveBurner": ("Metal",), "StoveKnob": ("Plastic",),
    "Painting": ("Fabric", "Wood"), "Poster": ("Paper",), "Curtains": ("Fabric",), "Blinds": ("Plastic",),
    "ShowerCurtain": ("Plastic",), "Bed": ("Fabric", "Wood"), "LightSwitch": ("Plastic",),
    "ToiletPaperHanger": ("Metal",), "TowelHolder": ("Metal",), "HandTowelHolder": ("Metal",),
}
ROOM_MATERIALS = np.array([MAT_ID["Matte"], MAT_ID["Matte"], MAT_ID["Wood"], MAT_ID["Matte"], MAT_ID["Matte"],
                           MAT_ID["Matte"]], np.float32)  # in geometry.ROOM_NORMALS order


def object_materials(obj: SimObject) -> tuple[str, ...]:
    """The object's shading classes, main one first (from salientMaterials, or STRUCTURAL)."""
    mats = obj.spec.salient_materials
    if mats is None:
        mats = STRUCTURAL.get(obj.object_type, ("Plastic",))
    out = tuple(dict.fromkeys(SALIENT.get(m, "Matte") for m in mats))
    return out or ("Plastic",)


def face_materials(mats: tuple[str, ...], mesh: Mesh) -> np.ndarray:
    """Material id per face (n,) float32 of a mesh of an object made of `mats`."""
    main = next((m for m in mats if m != "Metal"), mats[0])
    out = np.full(len(mesh), MAT_ID[main], np.float32)
    if len(mats) > 1 and len(mesh):
        c = mesh.colors.astype(np.float32)
        hi, lo = c.max(1), c.min(1)
        grey = hi - lo < 28
        if "Metal" in mats:
            out[grey & (hi >= 70)] = MAT_ID["Metal"]
        if "Glass" in mats:
            out[grey & (hi < 70)] = MAT_ID["Screen"]  # dark screens and doors
    elif mats == ("Metal",) and len(mesh):
        c = mesh.colors.astype(np.float32)
        out[c.max(1) < 60] = MAT_ID["Plastic"]  # black handles and knobs on metal things
    out[mesh.emissive] = MAT_EMISSIVE
    return out


def surface(albedo: np.ndarray, mat: np.ndarray) -> np.ndarray:
    """Per-face shading inputs (n, 4) float32: albedo r, g, b in 0..1 and the material id."""
    out = np.empty((len(albedo), 4), np.float32)
    out[:, :3] = np.asarray(albedo, np.float32) / 255.0
    out[:, 3] = mat
    return out


def room_surface(room: RoomGeometry) -> np.ndarray:
    """Shading inputs (6, 4) of the room faces (geometry.ROOM_NORMALS order), albedo unlit."""
    alb = np.array([room.wall_color] * 6, np.float64)
    alb[2] = room.floor_color
    alb[3] *= 0.97
    return surface(alb, ROOM_MATERIALS)
