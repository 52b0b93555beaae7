"""Paths of the real AI2-THOR files copied into tests/data/thor/ (source and licence in its README)."""
from __future__ import annotations

from pathlib import Path

THOR_DATA = Path(__file__).resolve().parent / "data" / "thor"
DUMP = THOR_DATA / "instance_segmentation_metadata.json"  # event.metadata after Initialize, iTHOR_Kitchen_Val_09
PROCTHOR = THOR_DATA / "procthor_train_1.json"  # a ProcTHOR house spec
