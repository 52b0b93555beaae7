#!/usr/bin/env bash
# Idempotent set-up: EGL/Mesa system libraries (when root/sudo and apt are available), then pip.
# Usage: bash scripts/setup.sh [extras]   (default extras: all,thor)
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-all,thor}"
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo -n"
  if ! ldconfig -p 2>/dev/null | grep -q "libEGL_mesa.so.0"; then
    export DEBIAN_FRONTEND=noninteractive
    ($SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
        libegl1 libegl-mesa0 libgl1-mesa-dri libgl1 >/dev/null) \
      || echo "note: could not install EGL/Mesa; rendering falls back to the slower numpy rasterizer"
  fi
  # headless Chromium for the browser test of the HTML reports (tests/test_report_browser.py; it fails in CI
  # without it): as root only, when no Chromium is on PATH, bounded in time
  if [ "$(id -u)" -eq 0 ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    install_chromium() { timeout 900 apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }
    install_chromium || { timeout 300 apt-get update -qq >/dev/null 2>&1; install_chromium; } \
      || echo "note: could not install chromium; tests/test_report_browser.py fails in CI without it"
  fi
fi
python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
# torch 2.13.0 (CPU wheel) is pinned here: a plain `torch` may pull a multi-GB CUDA build.
python -m pip install -q "torch==2.13.0" -e ".[${EXTRAS}]"
# ai2thor pulls opencv-python next to opencv-python-headless: keep one cv2 (the headless one).
if python -m pip show -q opencv-python >/dev/null 2>&1; then
  python -m pip uninstall -q -y opencv-python >/dev/null
  python -m pip install -q --force-reinstall --no-deps "opencv-python-headless>=4.9,<6" >/dev/null
fi
