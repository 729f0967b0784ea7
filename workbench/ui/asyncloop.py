"""The asyncio loop of the GUI: qasync runs asyncio on Qt's own event loop, so a flow that
chains jobs ("generate N, check each, show the best") is a coroutine awaiting them, written top
to bottom, not a chain of signal handlers.  One loop per application, made on first use."""
from __future__ import annotations

import asyncio

_loop = None


def loop():
    """The application's qasync loop (running whenever Qt's loop runs: app.exec, a dialog's
    exec, pytest-qt's waits)."""
    global _loop
    if _loop is None:
        import qasync
        from PySide6.QtWidgets import QApplication

        _loop = qasync.QEventLoop(QApplication.instance(), already_running=True)
        asyncio.set_event_loop(_loop)
    return _loop


def start(coro) -> asyncio.Task:
    """Run a coroutine on the GUI loop; its exceptions are logged, never lost."""
    task = loop().create_task(coro)
    task.add_done_callback(_report)
    return task


def _report(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        import logging

        logging.getLogger("workbench").error("a flow failed", exc_info=task.exception())
