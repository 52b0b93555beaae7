#!/usr/bin/env bash
# Set up (idempotent), check (ruff, import layers, mypy), then run the whole test suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not slow"`. Any failure fails the run,
# and so does pytest's exit code 5 (no test collected).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all,thor
# the tools installed by the `dev` extra live next to this interpreter
PATH="$(python -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
echo "== ruff check"; ruff check .
echo "== lint-imports"; lint-imports
echo "== mypy"; mypy
echo "== pytest"
python -m pytest -q -p no:cacheprovider "$@"
# Ray/RLlib tests in their own virtualenv (ray[rllib] pins gymnasium 1.2.2; the suite above runs the newest)
echo "== ray"; bash scripts/test_ray.sh
