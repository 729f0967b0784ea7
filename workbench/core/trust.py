"""Which projects may read audio outside their own folder without asking: the ones this machine
saved, and the ones the user said yes to, each for exactly the files it named then.  A small JSON
store of sha256 keys in the data folder; damage reads as "ask again".  No Qt."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from workbench.formats import atomic

MAX_TRUSTED = 5000


def trust_file() -> Path:
    from workbench.core.paths import data_dir

    return data_dir() / "trusted-sources.json"


def _trust_key(path, files) -> str:
    text = "\n".join([str(Path(path).absolute())] + sorted(str(f) for f in files))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _trusted_keys() -> list[str]:
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
        keys = data.get("keys") if isinstance(data, dict) else None
        return [k for k in keys if isinstance(k, str)] if isinstance(keys, list) else []
    except (OSError, ValueError, RecursionError):
        return []                         # none or damaged: ask again, which is safe


def is_trusted(path, files) -> bool:
    """This machine saved the project at ``path`` naming these outside files, or the user said
    yes to exactly these before."""
    return _trust_key(path, files) in _trusted_keys()


def trust(path, files) -> None:
    """Remember that the project at ``path`` may read these files (the newest MAX_TRUSTED kept).
    A failure to remember is not a failure to open or save: it only means asking again."""
    key = _trust_key(path, files)
    keys = [k for k in _trusted_keys() if k != key] + [key]
    try:
        trust_file().parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(trust_file(), json.dumps({"keys": keys[-MAX_TRUSTED:]}).encode())
    except OSError:
        pass
