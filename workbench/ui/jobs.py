"""Jobs in the window: tasks queued and run one at a time on a worker thread, with progress,
ETA and Cancel.  The job itself (what it runs, how it ends, what it adds to the document) is
``tasks.job.Job``, Qt-free; this queue forwards its events to the views.
"""
from __future__ import annotations


from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QDockWidget, QHeaderView, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QToolButton)

from workbench.tasks.job import Job
from workbench.tasks.runner import TaskResult
from workbench.ui.workers import GeneratorWorker

__all__ = ["Job", "JobQueue", "JobsDock", "JobsIndicator"]


class JobQueue(QObject):
    changed = Signal(object)        # the job whose state or progress changed
    finished = Signal(object)       # done, failed or cancelled
    partial = Signal(object, list)  # the job, regions found so far (for a preview)
    generated = Signal(object, object, list)   # a Generate job, its TaskResult, the clips' files

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []
        self._ended: set[int] = set()      # ids of the jobs whose end was announced

    def submit(self, job: Job) -> Job:
        self.jobs.append(job)
        self.changed.emit(job)
        self._next()
        return job

    def wait(self, job: Job):
        """An asyncio future (on the GUI's qasync loop) that resolves to ``job`` when it ends:
        flows that chain jobs await it instead of chaining signal handlers."""
        from workbench.ui.asyncloop import loop

        future = loop().create_future()
        if job.state in ("done", "failed", "cancelled"):
            future.set_result(job)
            return future

        def ended(j):
            if j is job and not future.done():
                self.finished.disconnect(ended)
                future.set_result(j)

        self.finished.connect(ended)
        return future

    def cancel(self, job: Job) -> None:
        if job.state == "queued":
            job.state = "cancelled"
            self.changed.emit(job)
            self.finished.emit(job)
        elif job.state == "running" and job.worker is not None:
            job.worker.cancel()

    def cancel_all(self, doc=None) -> None:
        """Cancel every job (of ``doc``, or all) and wait for the running one to stop."""
        for job in list(self.jobs):
            if doc is not None and job.doc is not doc:
                continue
            if job.state == "queued":
                self.cancel(job)
            elif job.state == "running" and job.worker is not None:
                worker = job.worker
                worker.cancel()
                worker.wait(5000)
                if job.state == "running":      # its signal has not been delivered yet
                    self._end(job, "cancelled")

    def running(self) -> Job | None:
        return next((j for j in self.jobs if j.state == "running"), None)

    def _next(self) -> None:
        if self.running() is not None:
            return  # one job at a time: a GPU holds one model well, two badly
        job = next((j for j in self.jobs if j.state == "queued"), None)
        if job is None:
            return
        if job.doc is not None and job.audio is None and job.run is None:
            job.audio = job.doc.mix()       # what the user hears, the model hears
        worker = GeneratorWorker(job.events, self)
        job.state = "running"
        job.worker = worker
        worker.event.connect(lambda event: self._event(job, event))
        worker.done.connect(lambda result: self._done(job, result))
        worker.failed.connect(lambda exc, tb: self._failed(job, exc, tb))
        worker.cancelled.connect(lambda: self._end(job, "cancelled"))
        self.changed.emit(job)
        worker.start()

    def _event(self, job: Job, event) -> None:
        """The Qt side only forwards: the job reads the event, the views redraw."""
        job.observe(event)
        regions = getattr(event, "regions", None)
        if regions is not None:
            self.partial.emit(job, list(regions))
        self.changed.emit(job)

    def _done(self, job: Job, result: TaskResult) -> None:
        """Labels become label tracks, audio becomes clips: one undo step (Job.finish); the
        audio's files were written on the worker.  Generated audio always goes to the Generated
        list too."""
        job.finish(result)
        if job.state == "done" and job.run is None and result.audio:
            self.generated.emit(job, result, job.sources)
        self._end(job, job.state)

    def _failed(self, job: Job, exc, details: str) -> None:
        job.fail(exc, details)
        self._end(job, job.state)

    def _end(self, job: Job, state: str) -> None:
        if id(job) in self._ended:
            return  # already ended (a late signal after cancel_all)
        self._ended.add(id(job))
        job.state = state
        if job.worker is not None:
            job.worker.wait(2000)
            job.worker = None
        self.changed.emit(job)
        self.finished.emit(job)
        self._next()


COLUMNS = ("Task", "State", "Progress", "ETA", "")


class JobsDock(QDockWidget):
    """Every job of the session, newest in view: its task, what it is doing (wrapped, so a
    narrow side panel shows all of it), progress with the time left, and Cancel."""

    def __init__(self, queue: JobQueue, parent=None) -> None:
        super().__init__("Jobs", parent)
        self.setObjectName("jobs-dock")
        self.queue = queue
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(20)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)   # the state says most
        for col, width in ((2, 64), (3, 40), (4, 26)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.table.setColumnWidth(col, width)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(True)
        self.setWidget(self.table)
        self.rows: dict[int, int] = {}
        queue.changed.connect(self.show_job)

    def show_job(self, job: Job) -> None:
        key = id(job)
        if key not in self.rows:
            row = self.table.rowCount()
            self.table.insertRow(row)
            self.rows[key] = row
            self.table.setItem(row, 0, QTableWidgetItem(job.spec.title))
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setTextVisible(False)
            self.table.setCellWidget(row, 2, bar)
            cancel = QPushButton("✕")
            cancel.setToolTip("Cancel this job")
            cancel.setAccessibleName("Cancel")
            cancel.clicked.connect(lambda: self.queue.cancel(job))
            self.table.setCellWidget(row, 4, cancel)
            self.table.scrollToItem(self.table.item(row, 0))    # the new job is in view
        row = self.rows[key]
        state = job.state + (f" ({job.found} found)" if job.found else "")
        if job.state == "running" and job.message:
            state = f"{state}: {job.message}"
        if job.state == "failed":
            state = f"failed: {job.error}"
        item = QTableWidgetItem(state)
        item.setToolTip(job.details or job.error or job.message or state)
        self.table.setItem(row, 1, item)
        self.table.cellWidget(row, 2).setValue(int(job.fraction * 1000))
        eta = job.eta
        self.table.setItem(row, 3, QTableWidgetItem("" if eta is None else f"{eta:.0f} s"))
        self.table.cellWidget(row, 4).setEnabled(job.state in ("queued", "running"))


class JobsIndicator(QToolButton):
    """The jobs in the status bar, always in sight: what runs and how far it is; a click opens
    the Jobs list.  Hidden until the first job."""

    def __init__(self, queue: JobQueue, open_list, parent=None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setToolTip("Jobs: click for the list (Ctrl+Shift+J)")
        self.clicked.connect(open_list)
        queue.changed.connect(lambda _job: self.refresh())
        self.hide()

    def refresh(self) -> None:
        jobs = self.queue.jobs
        if not jobs:
            self.hide()
            return
        running = next((j for j in jobs if j.state == "running"), None)
        waiting = sum(j.state == "queued" for j in jobs)
        if running is not None:
            text = f"⏵ {running.spec.title} {running.fraction:.0%}"
            if running.eta is not None:
                text += f" · {running.eta:.0f} s left"
        else:
            last = jobs[-1]
            text = f"{last.spec.title}: {last.state}"
        if waiting:
            text += f" · {waiting} waiting"
        failed = sum(j.state == "failed" for j in jobs)
        if failed:
            text += f" · {failed} failed"
        self.setText(text)
        self.show()
