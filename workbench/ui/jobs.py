"""Jobs: tasks queued and run one at a time on a worker thread, with progress, ETA and Cancel.

A finished job's regions land on a new label track as one undo step; a failed job becomes a
message with details; a cancelled job changes nothing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QDockWidget, QHeaderView, QProgressBar, QPushButton, QTableWidget,
                               QTableWidgetItem, QToolButton)

from workbench.tasks import compute
from workbench.tasks.apply import apply_result, source_for
from workbench.tasks.generate.run import run_generate
from workbench.tasks.plan import run_over
from workbench.tasks.runner import TaskCancelled, TaskError, TaskResult, load_input
from workbench.ui.workers import GeneratorWorker


@dataclass
class Job:
    spec: object
    doc: object
    params: dict
    ranges: list            # [(start, end)] in seconds
    model: str = ""
    channel: str = "mix"
    device: str = "auto"
    state: str = "queued"   # queued | running | done | failed | cancelled
    fraction: float = 0.0
    started: float = 0.0
    found: int = 0
    message: str = ""       # what it is doing now ("Downloading ...: 45 MB of 967 MB")
    stage: str = ""         # "download" while its model is fetched
    error: str = ""
    details: str = ""
    track_id: int | None = None
    notes: list = field(default_factory=list)     # what the task did besides regions and audio
    out_of_memory: bool = False
    where: str = "cursor"   # where a Generate task's clip goes
    selection: tuple | None = None   # what a Generate task reads (a voice, a melody), in seconds
    made: list = field(default_factory=list)   # the clips or tracks a finished job added
    found_so_far: list = field(default_factory=list, repr=False)   # regions streamed before the end
    run: object = field(default=None, repr=False)   # a job that is not a task run: make(cancelled)
    result: object = field(default=None, repr=False)   # what ``run`` returned
    entries: list = field(default_factory=list, repr=False)   # a Generate job's Generated entries
    flow: object = field(default=None, repr=False)      # the coroutine task that follows it up
    worker: GeneratorWorker | None = field(default=None, repr=False)

    @property
    def eta(self) -> float | None:
        if self.state != "running" or self.fraction <= 0.02:
            return None
        elapsed = time.monotonic() - self.started
        return elapsed / self.fraction * (1 - self.fraction)


class JobQueue(QObject):
    changed = Signal(object)        # the job whose state or progress changed
    finished = Signal(object)       # done, failed or cancelled
    partial = Signal(object, list)  # the job, regions found so far (for a preview)
    generated = Signal(object, object, list)   # a Generate job, its TaskResult, the clips' files

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.jobs: list[Job] = []

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
        job.state, job.started = "running", time.monotonic()
        audio = job.doc.mix() if job.run is None else None   # what the user hears, the model hears

        def generate(cancelled):
            take = None
            if job.selection is not None:
                a, b = job.selection
                take = lambda rate: load_input(audio, a, b, rate)   # noqa: E731
            return (yield from run_generate(job.spec, job.params, job.doc.sample_rate, cancelled,
                                            job.model or None, job.device, take))

        def work(cancelled):
            return (yield from run_over(job.spec, audio, job.params, job.ranges, job.model or None,
                                        cancelled, job.channel, job.device))

        if job.run is None and job.spec.panel == "generate":
            make = generate         # each model call goes to the compute thread (engine.blocking)
        else:                       # every step on the compute thread, where all model work runs
            steps = job.run or work
            make = lambda cancelled: compute.stepped(steps(cancelled), cancelled)   # noqa: E731
        worker = GeneratorWorker(make, self)
        job.worker = worker
        worker.progress.connect(lambda f: self._progress(job, f))
        worker.message.connect(lambda m: self._message(job, m))
        worker.stage.connect(lambda s: self._stage(job, s))
        worker.partial.connect(lambda p: self._partial(job, p))
        worker.done.connect(lambda regions: self._done(job, regions))
        worker.failed.connect(lambda exc, tb: self._failed(job, exc, tb))
        worker.cancelled.connect(lambda: self._end(job, "cancelled"))
        self.changed.emit(job)
        worker.start()

    def _progress(self, job: Job, fraction: float) -> None:
        job.fraction = fraction
        self.changed.emit(job)

    def _message(self, job: Job, message: str) -> None:
        job.message = message
        self.changed.emit(job)

    def _stage(self, job: Job, stage: str) -> None:
        job.stage, job.started, job.fraction = stage, time.monotonic(), 0.0  # the ETA starts over
        self.changed.emit(job)

    def _partial(self, job: Job, partial) -> None:
        job.found += len(partial.regions)
        job.found_so_far.extend(partial.regions)
        self.partial.emit(job, list(partial.regions))
        self.changed.emit(job)

    def _done(self, job: Job, result: TaskResult) -> None:
        """Labels become label tracks, audio becomes clips: one undo step (tasks/apply.py).
        Generated audio is written to files first and always goes to the Generated list; onto
        the timeline too unless the user keeps it in the list ("dock")."""
        if job.run is not None:      # a check or another helper job: its caller takes the result
            job.result, job.fraction = result, 1.0
            self._end(job, "done")
            return
        found = sum(len(r) for _, r in result.tracks) + len(result.audio)
        title = job.spec.title if result.audio else f"{job.spec.title}: {found} regions"
        try:
            sources = [source_for(o) for o in result.audio]
            job.made = [] if job.where == "dock" else apply_result(job.doc, result, job.where, title,
                                                                   sources=sources, selection=job.selection)
        except (OSError, ValueError) as exc:
            job.error = f"the result could not be added: {exc}"
            self._end(job, "failed")
            return
        labels = [t for t in job.made if t.kind == "labels"]
        job.track_id = labels[0].id if labels else None
        job.notes = list(result.notes)
        job.found = found
        job.fraction = 1.0
        if result.audio:
            self.generated.emit(job, result, sources)
        self._end(job, "done")

    def _failed(self, job: Job, exc, details: str) -> None:
        if isinstance(exc, TaskCancelled):
            self._end(job, "cancelled")
            return
        job.error = str(exc) if isinstance(exc, TaskError) else f"{type(exc).__name__}: {exc}"
        if "out of memory" in str(exc).lower() or type(exc).__name__ == "OutOfMemoryError":
            job.out_of_memory = True
            job.error = ("The GPU ran out of memory: the model and this much audio do not fit in it "
                         "(a smaller model, a shorter selection or closing other GPU programs helps). "
                         "The CPU is slower but has the memory: run it there?")
        job.details = details
        self._end(job, "failed")

    def _end(self, job: Job, state: str) -> None:
        if job.state in ("done", "failed", "cancelled"):
            return  # already ended (a late signal after cancel_all)
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
