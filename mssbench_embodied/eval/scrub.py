"""Scrub a secret (the API key) from an inspect ``.eval`` log after the run.

inspect's transcript keeps the provider's answers verbatim, so an endpoint that echoes the key into
its answer would leave the key in the log. ``scrub_log`` rewrites the log's zip members with every
occurrence of the secret replaced by ``***`` (the log's JSON stays valid: keys are printable ASCII).
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

__all__ = ["MASK", "scrub_log"]

MASK = b"***"


def scrub_log(path: str | Path, secret: str | None) -> int:
    """Replace ``secret`` in every member of the zip log at ``path``; the number of members changed.
    Secrets shorter than 8 characters or absent from the log leave it untouched."""
    if not secret or len(secret) < 8:
        return 0
    p, needle = Path(path), secret.encode()
    with zipfile.ZipFile(p) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    if not any(needle in data for _, data in members):
        return 0
    tmp = p.with_name(p.name + ".scrub")
    changed = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            if needle in data:
                data, changed = data.replace(needle, MASK), changed + 1
            out.writestr(info, data)
    os.replace(tmp, p)
    return changed
