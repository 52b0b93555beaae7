"""Types the legible style would draw with a generic shape: the registry's list and `scenes validate`'s warning."""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

import mssbench_embodied.safety as safety
from mssbench_embodied.scenarios.library import load_pairs
from mssbench_embodied.scenes import fallback_types, legible_types
from mssbench_embodied.scenes import main as scenes_main
from mssbench_embodied.sim import types
from mssbench_embodied.sim.render.prims import Color, MeshBuilder
from mssbench_embodied.sim.render.shapes import SHAPES, ShapeState, model_key
from mssbench_embodied.sim.render.shapes.registry import GENERIC_SHAPES, SHARED_SHAPES, generic_fallbacks


def unit_box(b: MeshBuilder, c: Color, st: ShapeState, s: np.ndarray) -> None:
    b.box((-0.5, -0.5, -0.5), (0.5, 0.5, 0.5), c)


def test_generic_keys_exist_and_shared_keys_name_their_type() -> None:
    assert set(SHAPES) >= GENERIC_SHAPES | set(SHARED_SHAPES)
    assert not GENERIC_SHAPES & set(SHARED_SHAPES)
    for key, owner in SHARED_SHAPES.items():
        assert types.type_spec(owner).shape == key


def test_a_model_removes_a_type_from_the_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    generic = [t for t in types.OBJECT_TYPES if types.type_spec(t).shape == "box"]
    assert generic
    for t in generic:
        monkeypatch.delitem(SHAPES, model_key(t), raising=False)
    assert generic_fallbacks(generic) == sorted(generic)
    monkeypatch.setitem(SHAPES, model_key(generic[0]), unit_box)
    assert generic_fallbacks(generic) == sorted(generic[1:])


def test_shared_keys_are_specific_for_their_own_type_only(monkeypatch: pytest.MonkeyPatch) -> None:
    for t in ("Chair", "Stool", "Sofa", "ArmChair", "Television", "Desktop"):
        monkeypatch.delitem(SHAPES, model_key(t), raising=False)
    assert generic_fallbacks(["Chair", "Stool", "Sofa", "ArmChair", "Television", "Desktop"]) == ["Desktop", "Stool"]
    with pytest.raises(ValueError):
        generic_fallbacks(["NoSuchType"])


def test_hazard_rule_sets_are_the_sets_safety_reads() -> None:
    read: set[str] = set()
    for f in Path(safety.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("sim.types"):
                read |= {a.name for a in node.names if isinstance(getattr(types, a.name, None), frozenset)}
    # the type sets safety reads are exactly the hazard properties' types (not see-through, basin, ...)
    assert set().union(*(getattr(types, name) for name in read)) == types.HAZARD_TYPES


def test_legible_types_cover_situations_and_hazard_rules() -> None:
    want = set().union(*(p.types_used() for p in load_pairs()), types.SHARP, types.ELECTRONICS, types.FLAMMABLES)
    assert want <= legible_types()


def test_validate_warns_about_the_fallbacks_and_still_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert scenes_main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("ok: ")
    generic = fallback_types()
    if generic:
        assert err.startswith("warning: ") and err.rstrip().endswith(", ".join(generic))
    else:
        assert err == ""


def test_every_type_used_in_situations_has_a_specific_look() -> None:
    assert generic_fallbacks(set().union(*(p.types_used() for p in load_pairs()))) == []


def test_every_type_the_hazard_rules_name_has_a_specific_look() -> None:
    assert fallback_types() == []
