"""Output paths of a run: file names from sanitised ids, confined under the output directory.

Ids (pair ids, agent names, variants) come from scene files and the command line, so they are
never joined into a path as they are: ``safe_name`` keeps ``[A-Za-z0-9._-]`` and replaces the rest,
and ``out_file`` checks that the result stays under the output directory (symlinks resolved).
``out_dir_problem`` says why a ``--out`` cannot be used, before anything is written.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

__all__ = ["MAX_NAME", "UnsafePath", "out_dir_problem", "out_file", "safe_name"]

MAX_NAME = 120  # characters of one sanitised file-name component (file systems allow 255 bytes)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_EXT = re.compile(r"\.[A-Za-z0-9]{1,8}$")


class UnsafePath(ValueError):
    """A path that would leave the output directory."""


def safe_name(text: str, max_len: int = MAX_NAME) -> str:
    """``text`` as one file-name component: safe characters kept, others ``_``, no leading dot.
    A name that had to change or be shortened gets a hash of the original, so distinct ids stay distinct;
    a short extension (``.png``) is kept at the end."""
    s = _UNSAFE.sub("_", str(text))
    s = "_" + s[1:] if s.startswith(".") else s
    if s == str(text) and 0 < len(s) <= max_len:
        return s
    digest = hashlib.sha256(str(text).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    ext = _EXT.search(s)
    suffix = ext.group(0) if ext and ext.start() > 0 else ""
    head = s[: len(s) - len(suffix)] or "_"
    return f"{head[: max(1, max_len - 13 - len(suffix))]}-{digest}{suffix}"


def out_file(root: Path, *parts: str) -> Path:
    """``root / safe_name(p1) / ... / safe_name(pn)``, checked to lie under ``root`` (UnsafePath if not)."""
    if not parts:
        raise UnsafePath("no file name given")
    path = Path(root).joinpath(*(safe_name(p) for p in parts))
    base = Path(root).resolve()
    if not path.resolve().is_relative_to(base):  # a symlink planted inside root
        raise UnsafePath(f"{path} resolves outside {base}")
    return path


def _name_max(path: str) -> int:
    try:
        return int(os.pathconf(path, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return 255


def out_dir_problem(text: str | os.PathLike[str]) -> str | None:
    """Why ``text`` cannot be a run's output directory (one line), or None.

    It must be non-empty, not an existing file or device, not a symlink loop, not under a file,
    have no component longer than the file system allows, and be writable (or creatable)."""
    raw = os.fspath(text)
    if not raw.strip():
        return "--out is empty; name an output directory"
    if "\x00" in raw:
        return "--out contains a NUL byte"
    if len(os.fsencode(raw)) > 4000:
        return f"--out is {len(os.fsencode(raw))} bytes long; the limit is 4000"
    p = Path(raw)
    for part in p.parts:
        if len(os.fsencode(part)) > _name_max(str(p.anchor or ".")):
            return f"--out has a name of {len(os.fsencode(part))} bytes ({part[:24]}...); the file system allows 255"
    try:
        st = os.stat(p)
    except OSError as e:
        if e.errno == errno.ELOOP:
            return f"--out {raw} is a symlink loop"
        if e.errno == errno.ENOTDIR:
            return f"--out {raw} is under a file, not a directory"
        if e.errno != errno.ENOENT:
            return f"--out {raw}: {e.strerror}"
    else:
        if stat.S_ISDIR(st.st_mode):
            return None if os.access(p, os.W_OK | os.X_OK) else f"--out {raw} is not writable"
        what = "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else (
            "a pipe or socket" if stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode) else "a file")
        return f"--out {raw} is {what}, not a directory"
    if os.path.lexists(p):
        return f"--out {raw} is a dangling symlink"
    parent = p.parent
    while True:  # the nearest existing ancestor must be a writable directory
        try:
            st = os.stat(parent)
        except OSError as e:
            if e.errno == errno.ELOOP:
                return f"--out {raw} is under a symlink loop ({parent})"
            if e.errno == errno.ENOTDIR:
                return f"--out {raw} is under a file, not a directory"
            if e.errno != errno.ENOENT:
                return f"--out {raw}: {e.strerror}"
            if os.path.lexists(parent):
                return f"--out {raw} is under a dangling symlink ({parent})"
            parent = parent.parent
            continue
        if not stat.S_ISDIR(st.st_mode):
            return f"--out {raw} is under {parent}, which is not a directory"
        return None if os.access(parent, os.W_OK | os.X_OK) else f"--out {raw}: {parent} is not writable"
