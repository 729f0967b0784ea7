"""All model work runs on one long-lived compute thread: single calls, a task generator's steps,
and a Generate task's model calls (engine.blocking), which run inline when they are already on
it instead of waiting on themselves."""
import threading

import pytest

from audio_fixtures import drain
from workbench.tasks import compute
from workbench.tasks.events import Progress
from workbench.tasks.generate.engine import Steps, blocking


def test_calls_run_on_one_lasting_thread_and_errors_come_back():
    names = {compute.run(lambda: threading.current_thread().name) for _ in range(5)}
    assert names == {"workbench-compute"}
    first = compute.run(threading.get_ident)
    assert compute.run(threading.get_ident) == first != threading.get_ident()
    assert not compute.here() and compute.run(compute.here)
    with pytest.raises(ZeroDivisionError):
        compute.run(lambda: 1 / 0)
    assert compute.run(lambda: 7) == 7       # the thread survived its caller's error


def test_a_stepped_generator_runs_each_step_there_and_keeps_its_events_and_result():
    seen, closed = [], []

    def task():
        try:
            for i in range(3):
                seen.append(threading.current_thread().name)
                yield Progress(i / 3, f"step {i}")
            seen.append(threading.current_thread().name)
            return "done"
        finally:
            closed.append(threading.current_thread().name)

    events, result = drain(compute.stepped(task()))
    assert [e.message for e in events] == ["step 0", "step 1", "step 2"] and result == "done"
    assert set(seen) == {"workbench-compute"} and closed == ["workbench-compute"]

    def failing():
        yield Progress(0.0, "start")
        raise ValueError("broken model")

    with pytest.raises(ValueError, match="broken model"):
        drain(compute.stepped(failing()))
    # closing it early (a cancelled job) closes the task there too
    closed.clear()
    gen = compute.stepped(task())
    next(gen)
    gen.close()
    assert closed == ["workbench-compute"]


def test_a_model_call_made_on_the_compute_thread_runs_inline():
    steps = Steps(1, "", lambda: False)
    where = compute.run(lambda: drain(blocking(lambda: threading.current_thread().name, steps, "x"))[1])
    assert where == "workbench-compute"          # no deadlock waiting on itself
    _, where = drain(blocking(lambda: threading.current_thread().name, steps, "x"))
    assert where == "workbench-compute"


def test_a_long_step_reports_through_emit_and_cancel_is_answered_while_it_runs():
    """One long model call is one step: what it emits comes out while it runs; Cancel ends the
    caller's wait at once, the step finishes on the compute thread, and the task closes there
    after it.  No thread is started for it."""
    import time

    from workbench.tasks.events import TaskCancelled

    release, closed = threading.Event(), []

    def task():
        try:
            yield Progress(0.0, "loading")
            for k in range(3):                      # a native call that reports as it goes
                compute.emit(Progress(k / 3, f"window {k}"))
                time.sleep(0.05)
            yield Progress(1.0, "done")
            release.wait(5)                         # the next step: a long call, not interruptible
            yield Progress(1.0, "never seen")
        finally:
            closed.append(threading.current_thread().name)

    asked = threading.Event()
    threads = threading.active_count()
    gen = compute.stepped(task(), asked.is_set)
    messages = [next(gen).message for _ in range(5)]
    assert messages == ["loading", "window 0", "window 1", "window 2", "done"]
    assert threading.active_count() == threads
    threading.Timer(0.2, asked.set).start()
    t = time.monotonic()
    with pytest.raises(TaskCancelled):
        next(gen)
    assert time.monotonic() - t < 0.4 and not closed       # the step is still running there
    release.set()
    compute.run(lambda: None)                              # after it: the close
    assert closed == ["workbench-compute"]
