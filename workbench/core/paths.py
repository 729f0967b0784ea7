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
