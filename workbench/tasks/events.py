"""What tasks yield and return, at the bottom of the tasks package: every task module, the
runner, the command line and the GUI's worker import these and nothing imports back.  No Qt.

A task is a generator: it yields ``Progress`` and ``Partial`` results as it goes and returns a
``TaskResult`` whose outputs are typed: label tracks (name, regions) and audio (``AudioOutput``:
samples, rate, where it should go, and what made it) and model folders (``ModelOutput``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.core.regions import Region


class TaskCancelled(Exception):
    pass


class TaskError(Exception):
    """A failure a user can act on (bad checkpoint, missing model, out of memory...)."""


class OutOfMemory(TaskError):
    """The device ran out of memory (the window then offers to run on the CPU)."""


@dataclass
class Progress:
    fraction: float
    message: str = ""
    stage: str = ""          # "download" while a model is fetched; "" for the task's own work


@dataclass
class Partial:
    regions: list[Region]


@dataclass
class Scores:
    """Every window's score for every label (a ``core.scores.ScoreTable``), kept with the
    output track so that a new threshold re-filters its regions without the model."""
    table: object


@dataclass
class Note:
    """A line for the user about what a task did that is neither a region nor audio (a voice
    enrolled in the library); it ends up in the result's ``notes``."""
    text: str


@dataclass
class AudioOutput:
    """Audio a task made: float32 samples (frames, channels) at ``rate``, a name for its clip,
    and its provenance (task, model, parameters, seed), which travels with the clip."""
    name: str
    samples: np.ndarray
    rate: int
    provenance: dict = field(default_factory=dict)
    offset: float = 0.0      # seconds after the drop point (the sentences of one text follow on)
    take: int = 0            # which variation: one track per take
    anchor: str = ""         # "start"/"end" of the selection it was made from: placed there

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


@dataclass
class ModelOutput:
    """A model a task wrote (a classifier trained from labels): its folder, the tasks that run
    it (("classify", "tag"): each region, or over time), its classes, its held-out scores and
    what it learnt from."""
    folder: str
    tasks: tuple
    classes: list[str]
    metrics: dict = field(default_factory=dict)
    summary: dict = field(default_factory=dict)


@dataclass
class Inputs:
    """What a task's function is given, typed (every kind of task, one signature:
    ``run(inputs, params, context)``): the audio, the ranges it runs on, the label tracks it
    reads ((name, regions) pairs), files or folders, the selection; for a task run on one range
    at a time (``analyse``), that range's mono ``samples`` at ``rate``; for one that makes audio
    (``render``), the ``rate`` to make it at and ``take(rate)``, the selection's audio, when it
    reads it.  ``more_labels``: label tracks of other open documents, each with its own audio:
    [(name, audio, [(track name, regions)])].  ``file_tracks``: for project files among
    ``files``, the names of the label tracks to read ({path: [names]}; a project not named
    there gives all its hand-labelled tracks)."""
    audio: object = None
    ranges: list = field(default_factory=list)
    labels: list = field(default_factory=list)
    files: list = field(default_factory=list)
    selection: tuple | None = None
    samples: np.ndarray | None = None
    rate: int = 0
    take: object = None
    more_labels: list = field(default_factory=list)
    file_tracks: dict = field(default_factory=dict)


@dataclass
class Context:
    """How a task's function runs: the model (a folder once fetched), the device, Cancel, and
    where the user wants what it writes as files (a model folder; "" when not said)."""
    model: str | None = None
    device: str = "auto"
    cancelled: object = lambda: False
    output: str = ""


@dataclass
class TaskResult:
    tracks: list[tuple[str, list[Region]]] = field(default_factory=list)   # label outputs
    audio: list[AudioOutput] = field(default_factory=list)                 # audio outputs
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)                         # what else it did
    scores: dict = field(default_factory=dict)        # output track name -> ScoreTable
    models: list[ModelOutput] = field(default_factory=list)   # model folders it wrote


def drive(gen, on_event=lambda event: None):
    """Run a task generator to the end, handing each event to ``on_event``; returns its result."""
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            return stop.value
        on_event(event)
