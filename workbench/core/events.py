"""A tiny observer: core objects emit, views subscribe; the core never knows who listens."""
from __future__ import annotations

from typing import Any, Callable


class Signal:
    """``sig.connect(fn)``; ``sig.emit(*args)`` calls every listener in connection order."""

    def __init__(self) -> None:
        self._slots: list[Callable[..., Any]] = []

    def connect(self, slot: Callable[..., Any]) -> Callable[..., Any]:
        if slot not in self._slots:
            self._slots.append(slot)
        return slot

    def disconnect(self, slot: Callable[..., Any]) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        for slot in list(self._slots):
            slot(*args)
