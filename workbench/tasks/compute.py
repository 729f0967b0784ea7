"""One long-lived thread for all model work, Understand and Generate alike.  No Qt.

Measured on these 2-core machines: once a thread has run torch ops and stays alive, torch ops on
a second thread run about 2.5x slower (two OpenMP teams on the same cores), and every fresh
thread pays for a new team on its first op (milliseconds per SpeechT5 sentence).  So model work
never runs on a job's own thread: a Generate task hands each model call to this thread
(``engine.blocking``), and an Understand job runs each of its steps here (``stepped``), while
the job's thread only waits and reports.  Jobs run one at a time, so nothing waits in the queue
behind another job's work for long.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Callable, Generator, TypeVar

T = TypeVar("T")
_work: queue.SimpleQueue = queue.SimpleQueue()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _loop() -> None:
    while True:
        fn, future = _work.get()
        if not future.set_running_or_notify_cancel():
            continue
        try:
            future.set_result(fn())
        except BaseException as exc:   # noqa: BLE001 - handed to whoever waits on the future
            future.set_exception(exc)
        del fn, future                 # nothing of a finished call stays alive here


def here() -> bool:
    """Whether the caller is the compute thread."""
    return threading.current_thread() is _thread


def submit(fn: Callable[[], T]) -> Future:
    """``fn()`` on the compute thread (started on first use; a daemon, so a stuck model never
    keeps the program from exiting)."""
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="workbench-compute", daemon=True)
            _thread.start()
    future: Future = Future()
    _work.put((fn, future))
    return future


def run(fn: Callable[[], T]) -> T:
    """``fn()`` on the compute thread, waiting for it (inline when already there)."""
    return fn() if here() else submit(fn).result()


def stepped(gen: Generator) -> Generator:
    """Yields what ``gen`` yields and returns what it returns, running each of its steps (and its
    closing) on the compute thread: a task generator whose steps call models directly."""
    try:
        while True:
            try:
                event = run(lambda: next(gen))
            except StopIteration as stop:
                return stop.value
            yield event
    finally:
        run(gen.close)
