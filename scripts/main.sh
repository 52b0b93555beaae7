#!/usr/bin/env bash
# Set up (idempotent) and run the main job: the scripted baselines on every situation pair,
# embedded backend, into runs/main (the CLI's own default, runs/baselines, stays free for
# `python -m mssbench_embodied.run`). Rerunning continues/reprints the same run (--resume).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
python -m mssbench_embodied.run --out runs/main --resume "$@"
