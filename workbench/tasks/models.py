"""Loaded models, kept so a second run starts at once (bounded: the least recently used goes),
and the device a task runs on.  No Qt."""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Any, Callable

MAX_LOADED = 3
_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def cached(key: str, load: Callable[[], Any]) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    model = load()
    with _lock:
        _cache[key] = model
        while len(_cache) > MAX_LOADED:
            _cache.popitem(last=False)
    return model


def loaded() -> list[str]:
    return list(_cache)


def choose_device(preference: str = "auto") -> str:
    """cuda, mps or cpu: the user's choice, else the best there is."""
    import torch

    if preference not in ("auto", ""):
        return preference
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def threads() -> int:
    return int(os.environ.get("WORKBENCH_THREADS", os.cpu_count() or 1))
