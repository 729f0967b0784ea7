"""One long-lived thread for all model work, Understand and Generate alike.  No Qt.

Measured on these 2-core machines: once a thread has run torch ops and stays alive, torch ops on
a second thread run about 2.5x slower (two OpenMP teams on the same cores), and every fresh
thread pays for a new team on its first op (milliseconds per SpeechT5 sentence).  So model work
never runs on a job's own thread, and no thread is started per run: a Generate task hands each
model call to this thread (``engine.blocking``), and an Understand task runs each of its steps
here (``stepped``, which ``runner.run_task`` applies), while the caller's thread only waits and
reports.  A step that runs long says how far it got through ``emit`` (Whisper's long-form decode);
Cancel is answered at once while the step finishes here unobserved (CTranslate2 cannot stop inside
a window).  At exit the thread is given time to leave the native code it is in: a C++ runtime
still inside CTranslate2 when the interpreter goes away aborts ("terminate called without an
active exception").  The exit hook is registered when the thread starts, never at import.
"""
from __future__ import annotations

import atexit
import queue
import threading
from concurrent.futures import Future, TimeoutError as FutureTimeout
from typing import Callable, Generator, TypeVar

T = TypeVar("T")
POLL_S = 0.05            # how often a waiting caller looks at Cancel and at emitted events
EXIT_WAIT_S = 60.0       # at exit, how long the running step may take to finish
_work: queue.SimpleQueue = queue.SimpleQueue()
_thread: threading.Thread | None = None
_lock = threading.Lock()
_stopping = threading.Event()
_busy = threading.Condition()
_pending = 0                                  # calls submitted and not yet finished
_channel: queue.SimpleQueue | None = None    # where emit() sends, set while a stepped step runs


def _loop() -> None:
    while True:
        fn, future = _work.get()
        try:
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(fn())
                except BaseException as exc:   # noqa: BLE001 - handed to whoever waits on it
                    future.set_exception(exc)
        finally:
            _done_one()
        del fn, future                 # nothing of a finished call stays alive here


def _done_one() -> None:
    global _pending
    with _busy:
        _pending -= 1
        _busy.notify_all()


def here() -> bool:
    """Whether the caller is the compute thread."""
    return threading.current_thread() is _thread


def stopping() -> bool:
    """True once the program is exiting: a running task stops at its next look at Cancel."""
    return _stopping.is_set()


def _at_exit() -> None:
    _stopping.set()
    if _thread is not None and _thread.is_alive() and not here():
        with _busy:
            _busy.wait_for(lambda: _pending == 0, EXIT_WAIT_S)


def submit(fn: Callable[[], T]) -> Future:
    """``fn()`` on the compute thread (started on first use; a daemon, so a stuck model never
    keeps the program from exiting)."""
    global _thread, _pending
    with _lock:
        if _thread is None or not _thread.is_alive():
            first = _thread is None
            _thread = threading.Thread(target=_loop, name="workbench-compute", daemon=True)
            _thread.start()
            if first:
                atexit.register(_at_exit)
    future: Future = Future()
    with _busy:
        _pending += 1
    _work.put((fn, future))
    return future


def run(fn: Callable[[], T]) -> T:
    """``fn()`` on the compute thread, waiting for it (inline when already there)."""
    return fn() if here() else submit(fn).result()


def emit(event) -> None:
    """From inside a step running on the compute thread: hand ``event`` to the caller waiting on
    the step, which yields it at once (progress from inside one long model call).  Outside a
    stepped step it goes nowhere."""
    channel = _channel
    if channel is not None:
        channel.put(event)


def stepped(gen: Generator, cancelled: Callable[[], bool] | None = None) -> Generator:
    """Yields what ``gen`` yields and returns what it returns, running each of its steps (and its
    closing) on the compute thread: a task generator whose steps call models directly.  Events
    ``emit``-ted during a step are yielded as they come.  When ``cancelled()`` turns true during
    a step, ``TaskCancelled`` is raised here within ``POLL_S``; the step finishes on the compute
    thread and the generator is closed there after it.  On the compute thread itself: inline."""
    if here():
        return (yield from gen)
    from workbench.tasks.events import TaskCancelled

    channel: queue.SimpleQueue = queue.SimpleQueue()

    def step():
        global _channel
        _channel = channel
        try:
            return next(gen)
        finally:
            _channel = None

    finished = False
    future: Future | None = None
    try:
        while True:
            future = submit(step)
            while True:
                while not channel.empty():
                    yield channel.get()
                try:
                    event = future.result(timeout=POLL_S)
                    break
                except FutureTimeout:
                    if cancelled is not None and cancelled():
                        raise TaskCancelled() from None
                except StopIteration as stop:
                    while not channel.empty():
                        yield channel.get()
                    finished = True
                    return stop.value
            while not channel.empty():
                yield channel.get()
            yield event
    finally:
        if not finished:
            if future is None or future.done():
                run(gen.close)      # between steps: closed there and then
            else:
                submit(gen.close)   # after the step in flight (the queue keeps order), unwaited
