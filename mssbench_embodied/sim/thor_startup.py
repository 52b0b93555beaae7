"""Start-up checks for the real AI2-THOR backend: pre-flight checks and error classification.

Every problem becomes a `ThorStartupError` with a `.case` and a one-paragraph message that
says how to fix it; the run CLI prints the message and exits 2.
"""
from __future__ import annotations

import ctypes.util
import glob
import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ICD_DIRS = ("/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d")
PLATFORMS = ("CloudRendering", "Linux64")

# case -> (what went wrong, how to fix it)
_FIXES: dict[str, tuple[str, str]] = {
    "build_download": (
        "the AI2-THOR Unity build is not on this machine and cannot be downloaded (the build store is "
        "unreachable or has no build for this commit/platform)",
        "on a machine with network access run `python -c \"import ai2thor.controller as c; "
        "c.Controller(download_only=True, platform='{platform}')\"` (or pass platform= as the backend "
        "will), then copy the unzipped build directory ~/.ai2thor/releases/thor-{platform}-<commit>/ "
        "(with its metadata.json) to the same path on this machine; no network is needed after that",
    ),
    "no_vulkan": (
        "the CloudRendering platform needs Vulkan, and {detail}",
        "install the Vulkan loader and the NVIDIA driver's Vulkan ICD (Ubuntu: `sudo apt-get install -y "
        "libvulkan1 vulkan-tools` plus the NVIDIA driver package matching the kernel module, e.g. "
        "libnvidia-gl-<version>, which provides /usr/share/vulkan/icd.d/nvidia_icd.json); check with "
        "`vulkaninfo --summary`, or use platform='Linux64' with an X server",
    ),
    "no_display": (
        "the Linux64 platform needs an X display, and {detail}",
        "start a virtual display (`Xvfb :99 -screen 0 1024x768x24 &` then `export DISPLAY=:99`), "
        "or on a headless GPU server use platform='CloudRendering' (Vulkan)",
    ),
    "cuda_tools": (
        "CUDA_VISIBLE_DEVICES is set, so ai2thor 5.0.0 runs `vulkaninfo` and `nvidia-smi -L` to map "
        "CUDA devices to Vulkan devices, and {detail}",
        "install them (Ubuntu: `sudo apt-get install -y vulkan-tools` and the NVIDIA utils package, "
        "e.g. nvidia-utils-<version>), or unset CUDA_VISIBLE_DEVICES and choose the GPU another way",
    ),
    "other": (
        "the AI2-THOR controller raised an unexpected error while starting{detail}",
        "see docs/THOR.md (GPU server set-up); the Unity log is in ~/.ai2thor/log/unity.log and "
        "~/.config/unity3d/Allen Institute for Artificial Intelligence/AI2-THOR/Player.log",
    ),
}


class ThorStartupError(RuntimeError):
    """AI2-THOR cannot start here. `.case` is one of build_download, no_vulkan, no_display,
    cuda_tools, other; the message is one paragraph ending with the fix."""

    def __init__(self, case: str, detail: str = "", platform: str = "CloudRendering",
                 original: BaseException | None = None) -> None:
        what, fix = _FIXES[case]
        msg = f"AI2-THOR could not start: {what.format(detail=detail)}. Fix: {fix.format(platform=platform)}."
        if original is not None:
            first = (str(original).strip().splitlines() or [""])[0][:300]
            msg += f" (ai2thor said: {type(original).__name__}: {first})"
        super().__init__(msg)
        self.case = case
        self.detail = detail
        self.platform = platform
        self.original = original


def resolve_platform(platform: str = "auto", env: Mapping[str, str] | None = None) -> str:
    """"auto" -> CloudRendering without DISPLAY (headless GPU server), Linux64 with one."""
    env = os.environ if env is None else env
    if platform == "auto":
        return "Linux64" if env.get("DISPLAY") else "CloudRendering"
    if platform not in PLATFORMS:
        raise ValueError(f"platform must be 'auto', 'CloudRendering' or 'Linux64', not {platform!r}")
    return platform


def vulkan_icds(env: Mapping[str, str] | None = None) -> list[str]:
    """Vulkan ICD json files the loader would find (VK_ICD_FILENAMES / VK_DRIVER_FILES or icd.d)."""
    env = os.environ if env is None else env
    listed = env.get("VK_ICD_FILENAMES") or env.get("VK_DRIVER_FILES")
    if listed:
        return [p for p in listed.split(os.pathsep) if p and os.path.isfile(p)]
    return sorted(p for d in ICD_DIRS for p in glob.glob(os.path.join(d, "*.json")))


def _cuda_devices(env: Mapping[str, str]) -> list[str]:
    return [x.strip() for x in env.get("CUDA_VISIBLE_DEVICES", "").split(",") if x.strip().isdigit()]


def preflight(platform: str, controller_kwargs: dict[str, Any] | None = None,
              env: Mapping[str, str] | None = None) -> None:
    """Raise ThorStartupError for problems visible before creating the Controller."""
    env = os.environ if env is None else env
    kw = controller_kwargs or {}
    if platform == "CloudRendering":
        if ctypes.util.find_library("vulkan") is None:
            raise ThorStartupError("no_vulkan", "the Vulkan loader libvulkan.so.1 was not found", platform)
        if not vulkan_icds(env):
            raise ThorStartupError("no_vulkan", f"no Vulkan driver (ICD json) is installed in {' or '.join(ICD_DIRS)}",
                                   platform)
    elif platform == "Linux64" and not (kw.get("x_display") or env.get("DISPLAY")):
        raise ThorStartupError("no_display", "DISPLAY is not set", platform)
    mapping = Path.home() / ".ai2thor" / "cuda-vulkan-mapping.json"  # ai2thor skips the tools if cached
    if (_cuda_devices(env) or kw.get("gpu_device") is not None) and not mapping.exists():
        missing = [t for t in ("vulkaninfo", "nvidia-smi") if shutil.which(t) is None]
        if missing:
            raise ThorStartupError("cuda_tools", f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                                   "not on PATH", platform)


def classify_startup_exception(exc: BaseException, platform: str) -> ThorStartupError:
    """Map an exception raised while constructing ai2thor's Controller to a ThorStartupError."""
    if isinstance(exc, ThorStartupError):
        return exc
    text = str(exc)
    low = text.lower()
    try:
        import requests

        net = isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                               requests.exceptions.HTTPError))
    except ImportError:  # pragma: no cover - requests comes with ai2thor
        net = False
    if net or "invalid commit_id" in low or "no build exists" in low:
        return ThorStartupError("build_download", "", platform, exc)
    if "vulkaninfo failed" in low or "nvidia-smi` failed" in low or "nvidia-smi failed" in low:
        return ThorStartupError("cuda_tools", "one of them failed to run", platform, exc)
    if "vulkan" in low:
        return ThorStartupError("no_vulkan", "Unity could not initialise Vulkan", platform, exc)
    if "x display" in low or "x11" in low or "display" in low and "xlib" in low:
        return ThorStartupError("no_display", "no usable X display was found", platform, exc)
    return ThorStartupError("other", "", platform, exc)
