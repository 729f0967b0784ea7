"""Run a core generator on a QThread; progress, result and errors come back on the GUI thread.

The generator owns the work and checks ``cancelled()`` between chunks; this class only forwards
(superqt's GeneratorWorker is the model).
"""
from __future__ import annotations

import queue
import traceback
from typing import Any, Callable, Iterator

from PySide6.QtCore import QThread, Qt, Signal

from workbench.tasks.events import Partial, Progress


class GeneratorWorker(QThread):
    """Runs ``make(cancelled)`` on its own thread and re-emits what it yields on the GUI thread.

    The worker thread never emits a signal that carries Python objects: it puts each event on a
    queue and pokes the GUI thread with an argument-free signal.  A queued signal carrying a
    Python object copies it under Qt's signal lock and needs the GIL for that copy, while the GUI
    thread may hold the GIL and wait for the same (pooled) Qt lock in a destructor: a deadlock
    the test suite hit when garbage collection deleted a window while a job reported progress.
    """

    progress = Signal(float)          # fraction in [0, 1]
    message = Signal(str)             # what the work is doing now
    stage = Signal(str)               # the work moved on ("download" -> "": the model is here)
    partial = Signal(object)          # a partial result (tasks: regions found so far)
    event = Signal(object)            # every Progress and Partial as it came (a job reads them)
    done = Signal(object)             # what the generator returned
    failed = Signal(object, str)      # the exception, the traceback as text
    cancelled = Signal()
    _poke = Signal()                  # worker thread -> GUI thread: events are waiting

    def __init__(self, make: Callable[[Callable[[], bool]], Iterator[Any]], parent=None) -> None:
        super().__init__(parent)
        self._make = make
        self._cancel = False
        self._events: queue.SimpleQueue = queue.SimpleQueue()
        self._poke.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        self._cancel = True

    def is_cancelled(self) -> bool:
        return self._cancel

    def _post(self, signal_name: str, *args) -> None:   # worker thread
        self._events.put((signal_name, args))
        self._poke.emit()

    def _drain(self) -> None:   # GUI thread
        while True:
            try:
                name, args = self._events.get_nowait()
            except queue.Empty:
                return
            getattr(self, name).emit(*args)

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
                    self._post("progress", float(value))
                elif isinstance(value, Progress):
                    self._post("event", value)
                    if value.stage != stage:
                        stage = value.stage
                        self._post("stage", stage)
                    self._post("progress", float(value.fraction))
                    if value.message:
                        self._post("message", value.message)
                elif isinstance(value, Partial):
                    self._post("event", value)
                    self._post("partial", value)
                else:   # every event reaches the GUI: an unknown one is a bug to see, not to drop
                    self._post("failed", TypeError(f"a task yielded {type(value).__name__}, which "
                                                   f"nothing knows how to show"), "")
                    return
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            if self._cancel:
                self._post("cancelled")
            else:
                self._post("failed", exc, traceback.format_exc())
            return
        if self._cancel:
            self._post("cancelled")
        else:
            self._post("done", result)
