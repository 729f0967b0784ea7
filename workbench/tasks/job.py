"""One job, whatever kind of task it runs: what it reads, how it runs, how it ends and what it
leaves in a document.  The window's queue, ``workbench run`` and the batch workers all run tasks
through it; the Qt side only forwards its events and shows its state.  No Qt.

Every task's function has one signature, ``run(inputs: Inputs, params: dict, context: Context)``,
and is a generator that yields typed events (``Progress``, ``Partial``, ``Scores``, ``Note``);
the kinds of task (``TaskSpec.kind``) differ in what the job hands it and does with what it makes:

- ``analyse``: audio in, labels out (the Understand tasks): called once per range with that
  range's ``inputs.samples`` at ``inputs.rate`` (``plan.run_over``); its regions are the
  ``Partial`` events it yields, put on the audio's timeline with their provenance;
- ``render``: settings (and a selection, ``inputs.take(rate)``) in, audio out (the Generate
  tasks): it returns a ``Rendered`` or a list of them, which become ``AudioOutput``s with their
  provenance (``generate.run.run_generate``), once per variation;
- ``task``: the general contract, for every new kind (train a classifier, index an archive): it
  reads what it likes of ``inputs`` (label tracks, files, the audio) and returns a
  ``TaskResult``; its steps run on the compute thread.

Life of a job: ``events(cancelled)`` (on a worker thread: the task, then the outputs' files
written, off the GUI thread) -> ``observe(event)`` for each event -> ``finish(result)`` (apply
to the document as one undo step) or ``fail(exc, details)`` (cancelled, out of memory by the
exception's type, or an error with its message).
"""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Callable

from workbench.tasks.events import (Context, Inputs, Note, OutOfMemory, Partial, Progress,  # noqa: F401
                                    TaskCancelled, TaskError, TaskResult)

KINDS = ("analyse", "render", "task")


@dataclass
class Job:
    spec: object
    params: dict
    model: str = ""
    device: str = "auto"
    channel: str = "mix"
    # what it reads
    audio: object = None                 # what it hears (a document's mix, a file)
    ranges: list = field(default_factory=list)    # [(start, end)] in seconds
    selection: tuple | None = None       # the stretch a render task reads (a voice, a melody)
    labels: list = field(default_factory=list)    # label tracks a task reads: [(name, regions)]
    more_labels: list = field(default_factory=list)   # other documents' tracks: [(name, audio, labels)]
    files: list = field(default_factory=list)     # files or folders a task reads
    file_tracks: dict = field(default_factory=dict)   # project files' tracks to read: {path: [names]}
    rate: int = 0                        # the rate a render task makes audio at (0: the document's)
    # where its outputs go
    output: str = ""                     # where a task writes what it makes as files (a model folder)
    doc: object = None                   # None: the caller writes them (the command line)
    where: str = "cursor"                # where a render task's clip goes ("dock": the list only)
    run: Callable | None = field(default=None, repr=False)   # a helper job: run(cancelled) -> generator
    # its state, as the window shows it
    state: str = "queued"                # queued | running | done | failed | cancelled
    fraction: float = 0.0
    started: float = 0.0
    found: int = 0
    message: str = ""                    # what it is doing now ("Downloading ...: 45 MB of 967 MB")
    stage: str = ""                      # "download" while its model is fetched
    error: str = ""
    details: str = ""
    out_of_memory: bool = False
    notes: list = field(default_factory=list)      # what it did besides regions and audio
    track_id: int | None = None          # the first label track it added
    made: list = field(default_factory=list)       # the tracks it added or used
    sources: list = field(default_factory=list, repr=False)   # its audio outputs' files
    found_so_far: list = field(default_factory=list, repr=False)  # regions streamed before the end
    result: object = field(default=None, repr=False)
    flow: object = field(default=None, repr=False)     # the GUI's coroutine that follows it up
    entries: list = field(default_factory=list, repr=False)   # the GUI's Generated list entries
    worker: object = field(default=None, repr=False)   # the GUI's worker thread

    @property
    def eta(self) -> float | None:
        if self.state != "running" or self.fraction <= 0.02:
            return None
        elapsed = time.monotonic() - self.started
        return elapsed / self.fraction * (1 - self.fraction)

    @property
    def ended(self) -> bool:
        return self.state in ("done", "failed", "cancelled")

    def again(self, **changes) -> "Job":
        """The same task, settings and inputs as a new job (on the CPU after running out of
        memory on the GPU, say)."""
        keep = ("spec", "params", "model", "device", "channel", "audio", "ranges", "selection",
                "labels", "more_labels", "files", "file_tracks", "rate", "output", "doc", "where", "run")
        return Job(**{**{k: getattr(self, k) for k in keep}, **changes})

    # -- running ---------------------------------------------------------------------------------
    def events(self, cancelled: Callable[[], bool] = lambda: False):
        """The one runner: a generator over the task's events that returns its TaskResult, with
        any audio outputs written to files already (``self.sources``)."""
        from workbench.tasks import compute

        self.state, self.started = "running", time.monotonic()
        kind = getattr(self.spec, "kind", "analyse")
        if self.run is not None:             # a helper (a check): every step where models run
            return (yield from compute.stepped(self.run(cancelled), cancelled))
        if kind == "render":
            from workbench.tasks.generate.run import run_generate
            from workbench.tasks.runner import load_input

            take = None
            if self.selection is not None and self.audio is not None:
                a, b = self.selection
                take = lambda rate: load_input(self.audio, a, b, rate, self.channel)   # noqa: E731
            result = yield from run_generate(self.spec, self.params, self._rate(), cancelled,
                                             self.model or None, self.device, take)
        elif kind == "analyse":
            from workbench.tasks.plan import run_over

            result = yield from run_over(self.spec, self.audio, self.params, self.ranges,
                                         self.model or None, cancelled, self.channel, self.device)
        elif kind == "task":
            result = yield from self._general(cancelled)
        else:
            raise TaskError(f"{self.spec.id}: unknown kind of task “{kind}” (one of {', '.join(KINDS)})")
        if result.audio and self.doc is not None:      # files first, here: not on the GUI thread
            from workbench.tasks.apply import source_for

            self.sources = [source_for(o) for o in result.audio]
        return result

    def _general(self, cancelled):
        from workbench.tasks import compute

        from workbench.tasks.runner import model_for

        values = self.spec.parse_params(self.params)
        model = yield from model_for(self.spec, self.model or None, cancelled)
        inputs = Inputs(self.audio, list(self.ranges), list(self.labels), list(self.files), self.selection,
                        rate=self._rate(), more_labels=list(self.more_labels),
                        file_tracks=dict(self.file_tracks))
        context = Context(model, self.device, cancelled, self.output)
        said: list[str] = []
        gen = compute.stepped(self.spec.runner()(inputs, values, context), cancelled)
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                result = stop.value
                break
            if isinstance(event, Note):          # said once, at the end, with the result
                said.append(event.text)
            else:
                yield event
        if cancelled():                          # whatever it returned: a cancelled job changes nothing
            raise TaskCancelled()
        if not isinstance(result, TaskResult):
            raise TaskError(f"{self.spec.id} returned {type(result).__name__}, not a TaskResult")
        result.notes = said + list(result.notes)
        return result

    def _rate(self) -> int:
        rate = self.rate or getattr(self.doc, "sample_rate", None) or getattr(self.audio, "sample_rate", None)
        return int(rate or 48000)

    def observe(self, event) -> None:
        """What an event says about the job (the window redraws from these fields)."""
        if isinstance(event, Progress):
            if event.stage != self.stage:      # a new stage: the time left starts over
                self.stage, self.started = event.stage, time.monotonic()
            self.fraction = event.fraction
            if event.message:
                self.message = event.message
        elif isinstance(event, Partial):
            self.found += len(event.regions)
            self.found_so_far.extend(event.regions)

    # -- ending ----------------------------------------------------------------------------------
    def finish(self, result: TaskResult) -> None:
        """Done: a helper keeps its result for its caller; otherwise labels become label tracks
        and audio becomes clips in ``doc``, one undo step (audio kept in the list only when
        ``where`` is "dock")."""
        self.result, self.fraction = result, 1.0
        if self.run is None and self.doc is not None:
            from workbench.core.tracks import audible
            from workbench.tasks.apply import apply_result

            found = sum(len(r) for _, r in result.tracks) + len(result.audio)
            title = self.spec.title if result.audio else f"{self.spec.title}: {found} regions"
            try:
                self.made = [] if self.where == "dock" else apply_result(
                    self.doc, result, self.where, title, sources=self.sources or None,
                    selection=self.selection)
            except (OSError, ValueError) as exc:
                self.error = f"the result could not be added: {exc}"
                self.state = "failed"
                return
            labels = [t for t in self.made if not audible(t)]
            self.track_id = labels[0].id if labels else None
            self.found = found
        self.notes = list(getattr(result, "notes", ()))     # a helper's result is its own
        self.state = "done"

    def fail(self, exc: BaseException, details: str = "") -> None:
        """Ended by an exception: Cancel, the GPU's memory (by the exception's type), or an
        error said in words."""
        if isinstance(exc, TaskCancelled):
            self.state = "cancelled"
            return
        self.error = str(exc) if isinstance(exc, TaskError) else f"{type(exc).__name__}: {exc}"
        if out_of_memory(exc):
            self.out_of_memory = True
            self.error = ("The GPU ran out of memory: the model and this much audio do not fit in it "
                          "(a smaller model, a shorter selection or closing other GPU programs helps). "
                          "The CPU is slower but has the memory: run it there?")
        self.details = details
        self.state = "failed"


def out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) is a device running out of memory: our OutOfMemory,
    or torch's own type (looked up only when torch is loaded)."""
    torch = sys.modules.get("torch")
    kinds: tuple = (OutOfMemory,)
    cuda = getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None)
    if isinstance(cuda, type):
        kinds += (cuda,)
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kinds):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False
