"""Resume points of a training run: policy weights, optimizer state and the run's own state. No pickle.

A resume point is ``STEM.json`` (the optimizer's parameter groups and whatever JSON the training script keeps: its
flags, step count, Lagrange multiplier, log rows) naming ``STEM-<token>.safetensors`` (tensors: ``policy.*`` the
policy's weights, ``optim.<i>.<name>`` the optimizer's per-parameter state). Each save writes a new tensor file,
then replaces the JSON atomically, then deletes the older tensor files: an interrupted save leaves the previous
resume point whole.

    save_resume_point(stem, policy, state)    # state: a JSON-able dict
    state = load_resume_point(stem, policy)   # the weights into policy, the optimizer state into policy.optimizer
"""
from __future__ import annotations

import glob
import json
import os
import uuid
from pathlib import Path
from typing import Any

__all__ = ["RESUME_FORMAT", "ResumeError", "load_resume_point", "read_resume_state", "remove_resume_point",
           "resume_json", "save_resume_point"]

RESUME_FORMAT = "mssbench-resume"
_VERSION = 1
_MAX_JSON_BYTES = 64 << 20


class ResumeError(ValueError):
    """A resume point that is missing, malformed or does not fit the policy; the message names the file."""


def resume_json(stem: str | Path) -> Path:
    """``STEM.json``, the file that says what the resume point ``stem`` is (it names its tensor file)."""
    st = Path(stem)
    return st.with_name(st.name + ".json")


def _tensor_files(stem: Path) -> list[Path]:
    return sorted(stem.parent.glob(f"{glob.escape(stem.name)}-*.safetensors"))


def save_resume_point(stem: str | Path, policy: Any, state: dict[str, Any]) -> Path:
    """Write ``policy``'s weights, ``policy.optimizer``'s state and the JSON ``state`` as the resume point ``stem``;
    returns its JSON's path."""
    import torch
    from safetensors.torch import save_file

    st = Path(stem)
    jpath = resume_json(st)
    opt = policy.optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {f"policy.{k}": v.detach().clone().contiguous()
                                        for k, v in policy.state_dict().items()}
    scalars: dict[str, dict[str, Any]] = {}
    for i, group in opt["state"].items():
        for name, v in group.items():
            if isinstance(v, torch.Tensor):
                tensors[f"optim.{i}.{name}"] = v.detach().clone().contiguous()
            else:
                scalars.setdefault(str(i), {})[name] = v
    wname = f"{st.name}-{uuid.uuid4().hex[:12]}.safetensors"
    doc = {"format": RESUME_FORMAT, "version": _VERSION, "tensors": wname, "param_groups": opt["param_groups"],
           "optimizer_scalars": scalars, "state": state}
    text = json.dumps(doc, allow_nan=False) + "\n"  # fails before anything is written
    st.parent.mkdir(parents=True, exist_ok=True)
    tmp = st.with_name(wname + ".tmp")
    save_file(tensors, str(tmp), metadata={"format": RESUME_FORMAT})
    os.replace(tmp, st.with_name(wname))
    tmp = jpath.with_name(jpath.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, jpath)
    for old in _tensor_files(st):
        if old.name != wname:
            old.unlink(missing_ok=True)
    return jpath


def load_resume_point(stem: str | Path, policy: Any) -> dict[str, Any]:
    """Load the resume point ``stem`` into ``policy`` (weights, strict) and ``policy.optimizer``; return its JSON
    state. ResumeError (naming the file) if it is missing, malformed, or does not fit the policy."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    st = Path(stem)
    doc = _read_doc(resume_json(st))
    wpath = st.with_name(doc["tensors"])
    if not wpath.is_file():
        raise ResumeError(f"{wpath}: missing (named by {resume_json(st)})")
    try:
        tensors = load_file(str(wpath), device="cpu")
    except (SafetensorError, OSError) as e:
        raise ResumeError(f"{wpath}: unreadable ({type(e).__name__})") from None
    weights = {k[len("policy."):]: v for k, v in tensors.items() if k.startswith("policy.")}
    opt_state: dict[int, dict[str, Any]] = {}
    for k, v in tensors.items():
        if k.startswith("optim."):
            _, i, name = k.split(".", 2)
            opt_state.setdefault(int(i), {})[name] = v
    for i, sc in doc["optimizer_scalars"].items():
        opt_state.setdefault(int(i), {}).update(sc)
    try:
        policy.load_state_dict(weights, strict=True)
        policy.optimizer.load_state_dict({"state": opt_state, "param_groups": doc["param_groups"]})
    except (RuntimeError, ValueError, KeyError, TypeError) as e:
        msg = " ".join(str(e).split())[:300]
        raise ResumeError(f"{wpath}: does not fit this run's policy ({type(e).__name__}: {msg})") from None
    state: dict[str, Any] = doc["state"]
    return state


def read_resume_state(stem: str | Path) -> dict[str, Any]:
    """The JSON state of the resume point ``stem`` (without loading its tensors); ResumeError naming the file."""
    state: dict[str, Any] = _read_doc(resume_json(Path(stem)))["state"]
    return state


def _read_doc(jpath: Path) -> dict[str, Any]:
    if not jpath.is_file():
        raise ResumeError(f"{jpath}: missing")
    if jpath.stat().st_size > _MAX_JSON_BYTES:
        raise ResumeError(f"{jpath}: larger than {_MAX_JSON_BYTES} bytes")
    try:
        doc = json.loads(jpath.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        raise ResumeError(f"{jpath}: not JSON ({type(e).__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != RESUME_FORMAT or doc.get("version") != _VERSION:
        raise ResumeError(f"{jpath}: not a {RESUME_FORMAT} v{_VERSION} resume point")
    if not isinstance(doc.get("state"), dict) or not isinstance(doc.get("param_groups"), list) \
            or not isinstance(doc.get("optimizer_scalars"), dict):
        raise ResumeError(f"{jpath}: state, param_groups or optimizer_scalars missing")
    t = doc.get("tensors")
    if not isinstance(t, str) or Path(t).name != t or not t.startswith(jpath.stem + "-") \
            or not t.endswith(".safetensors"):
        raise ResumeError(f"{jpath}: tensors must name a {jpath.stem}-*.safetensors file beside it, got {t!r:.60}")
    return doc


def remove_resume_point(stem: str | Path) -> None:
    """Delete the resume point ``stem`` (its JSON first, so a half-removed one reads as missing)."""
    st = Path(stem)
    resume_json(st).unlink(missing_ok=True)
    for p in _tensor_files(st):
        p.unlink(missing_ok=True)
