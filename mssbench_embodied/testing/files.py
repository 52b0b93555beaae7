"""File helpers for tests and probes that check what a run wrote (and that nothing leaked)."""
from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = ["all_bytes"]


def all_bytes(out: Path) -> dict[str, bytes]:
    """Every file's bytes under ``out`` by relative path; an inspect ``.eval`` log (a zip) also member by
    member, as ``"<log>:<member>"``."""
    files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for name in [n for n in files if n.endswith(".eval")]:
        with zipfile.ZipFile(out / name) as z:
            files.update({f"{name}:{m}": z.read(m) for m in z.namelist()})
    return files
