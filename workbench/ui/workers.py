"""Run a core generator on a QThread; progress, result and errors come back on the GUI thread.

The generator owns the work and checks ``cancelled()`` between chunks; this class only forwards
(superqt's GeneratorWorker is the model).
"""
from __future__ import annotations

import traceback
from typing import Any, Callable, Iterator

from PySide6.QtCore import QThread, Signal


class GeneratorWorker(QThread):
    progress = Signal(float)          # fraction in [0, 1]
    message = Signal(str)             # what the work is doing now
    stage = Signal(str)               # the work moved on ("download" -> "": the model is here)
    partial = Signal(object)          # a partial result (tasks: regions found so far)
    done = Signal(object)             # what the generator returned
    failed = Signal(object, str)      # the exception, the traceback as text
    cancelled = Signal()

    def __init__(self, make: Callable[[Callable[[], bool]], Iterator[Any]], parent=None) -> None:
        super().__init__(parent)
        self._make = make
        self._cancel = False

    def cancel(self) -> None:
        self._cancel = True

    def is_cancelled(self) -> bool:
        return self._cancel

    def run(self) -> None:  # worker thread
        try:
            gen = self._make(self.is_cancelled)
            stage = ""
            while True:
                try:
                    value = next(gen)
                except StopIteration as stop:
                    result = stop.value
                    break
                if isinstance(value, (int, float)):
                    self.progress.emit(float(value))
                elif hasattr(value, "fraction"):      # tasks.runner.Progress
                    if getattr(value, "stage", "") != stage:
                        stage = value.stage
                        self.stage.emit(stage)
                    self.progress.emit(float(value.fraction))
                    if value.message:
                        self.message.emit(value.message)
                elif hasattr(value, "regions"):       # tasks.runner.Partial
                    self.partial.emit(value)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            if self._cancel:
                self.cancelled.emit()
            else:
                self.failed.emit(exc, traceback.format_exc())
            return
        if self._cancel:
            self.cancelled.emit()
        else:
            self.done.emit(result)
