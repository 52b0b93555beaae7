#!/usr/bin/env bash
# The Ray/RLlib tests (pytest -m ray) in the Ray virtualenv: set it up (idempotent), then run them.
# Usage: bash scripts/test_ray.sh [pytest args]   (RAY_VENV: the virtualenv, default .venv-ray)
# Fails if a test fails, if Ray is missing there (MSSBENCH_REQUIRE_RAY turns the skip into a failure),
# and if no test ran (pytest's exit code 5).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${RAY_VENV:-.venv-ray}"
bash scripts/setup_ray.sh "$VENV"
export MSSBENCH_REQUIRE_RAY=1
# a Ray started by a test must not join a cluster named by the caller's environment
unset RAY_ADDRESS
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -m ray -rs "$@" tests/test_rllib.py
