#!/usr/bin/env bash
# Set up (idempotent) and run the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q --upgrade pip >/dev/null
# torch 2.13.0 is pinned here because a plain `torch` may pull a multi-GB CUDA build.
python -m pip install -q "torch==2.13.0" -e ".[all]"
python -m pytest -q -p no:cacheprovider "$@"
