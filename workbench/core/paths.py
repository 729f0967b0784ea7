"""Where the workbench keeps its files: the user's config, cache and data folders (platformdirs),
each overridable by an environment variable (tests and portable installs use them).  No Qt."""
from __future__ import annotations

import os
from pathlib import Path

APP = "audio-workbench"


def _folder(env: str, kind: str) -> Path:
    if os.environ.get(env):
        return Path(os.environ[env])
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP))


def config_dir() -> Path:
    """settings.json: WORKBENCH_CONFIG_DIR, else the user config folder."""
    return _folder("WORKBENCH_CONFIG_DIR", "config")


def cache_dir() -> Path:
    """Decoded audio, opened bundles, converted models: WORKBENCH_CACHE_DIR, else the user cache."""
    return _folder("WORKBENCH_CACHE_DIR", "cache")


def data_dir() -> Path:
    """Recovery files: WORKBENCH_DATA_DIR, else the user data folder."""
    return _folder("WORKBENCH_DATA_DIR", "data")


def resources_dir() -> Path | None:
    """The icons, the demo recording and the licence texts: WORKBENCH_RESOURCES; the bundle's
    own copy (PyInstaller unpacks data beside the code, in ``sys._MEIPASS``); ``resources/`` of a
    source checkout; or ``share/audio-workbench`` of a wheel install.  None when none is there."""
    import sys

    candidates = [Path(os.environ["WORKBENCH_RESOURCES"])] if os.environ.get("WORKBENCH_RESOURCES") else []
    if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
        candidates.append(Path(sys._MEIPASS) / "resources")
    candidates += [Path(__file__).resolve().parents[2] / "resources",
                   Path(sys.prefix) / "share" / APP]
    return next((c for c in candidates if (c / "demo" / "demo.flac").is_file()), None)


def demo_recording() -> Path | None:
    folder = resources_dir()
    return folder / "demo" / "demo.flac" if folder is not None else None
