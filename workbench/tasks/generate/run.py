"""Running a Generate task: parameters in, an ``AudioOutput`` with its provenance out.  No Qt."""
from __future__ import annotations

import time

from workbench import __version__
from workbench.tasks.events import AudioOutput, Context, Inputs, Progress, TaskError, TaskResult


def run_generate(spec, params: dict, rate: int, cancelled=lambda: False, checkpoint: str | None = None,
                 device: str = "auto", selection=None):
    """Generator: yields Progress, returns a TaskResult holding the AudioOutputs made.

    Generators without a model render at ``rate``; a model renders at its own rate (the
    timeline resamples).  ``selection`` is None or ``take(rate) -> mono float32`` of the
    selected audio, for tasks that read it (a voice, a melody, audio to continue).
    "variations" N runs the task N times with seeds seed, seed+1, ..."""
    t0 = time.perf_counter()
    values = spec.parse_params(params)
    model = checkpoint or (spec.checkpoints[0] if spec.checkpoints else "")
    yield Progress(0.0, spec.title)
    folder = None
    if spec.needs_model:
        from workbench.tasks.models import fetch

        folder = yield from fetch(model, cancelled)
    takes = int(values.get("variations", 1))
    outputs: list[AudioOutput] = []
    for take in range(takes):
        these = dict(values)
        if "seed" in these:
            these["seed"] = int(values["seed"]) + take
        gen = spec.runner()(Inputs(rate=int(rate), take=selection), these, Context(folder, device, cancelled))
        made = yield from _scaled(gen, take / takes, 1 / takes, f"take {take + 1}/{takes}" if takes > 1 else "")
        for piece in _pieces(made):
            provenance = {"task": spec.id, "params": spec.applicable(these, model), "rate": piece.rate,
                          "software": f"Audio Workbench {__version__}"}
            if model:
                provenance["model"] = model
            if "seed" in provenance["params"]:
                provenance["seed"] = these["seed"]
            if takes > 1:
                provenance["take"] = take + 1
            provenance.update(piece.extra)
            name = piece.name or describe(spec, these)
            if takes > 1:
                name = f"{name} (seed {these['seed']})"
            outputs.append(AudioOutput(name, piece.samples, piece.rate, provenance,
                                       offset=piece.offset, take=take, anchor=piece.anchor))
    seconds = time.perf_counter() - t0
    for o in outputs:
        o.provenance["seconds"] = round(seconds / takes, 3)
    return TaskResult(audio=outputs, seconds=seconds)


def _scaled(gen, base: float, span: float, prefix: str):
    """Re-yield a task's progress as part ``base .. base + span`` of the whole job."""
    while True:
        try:
            event = next(gen)
        except StopIteration as stop:
            return stop.value
        if isinstance(event, Progress):
            msg = f"{prefix}: {event.message}" if prefix and event.message else (event.message or prefix)
            event = Progress(base + span * event.fraction, msg, event.stage)
        yield event


def _pieces(made):
    """A runner's return value (a Rendered, or a list of them: the sentences of a long text) as
    a list; anything else is the runner's mistake, said in words."""
    from workbench.tasks.generate.engine import Rendered

    pieces = [made] if isinstance(made, Rendered) else made
    if not isinstance(pieces, list) or not all(isinstance(p, Rendered) for p in pieces):
        raise TaskError(f"the task returned {type(made).__name__}, not Rendered audio")
    return pieces


def describe(spec, values: dict) -> str:
    """A short clip name from the task and its most telling setting."""
    for key, unit in (("frequency", " Hz"), ("colour", ""), ("digits", ""), ("tempo", " BPM")):
        if key in values:
            v = values[key]
            return f"{spec.title} {v:g}{unit}" if isinstance(v, float) else f"{spec.title} {v}{unit}"
    return spec.title


def metadata(output: AudioOutput) -> dict:
    """Tags for an exported file (WAV INFO / FLAC and Ogg Vorbis comments): the same writer as a
    generated clip exported from the timeline (core.mix.provenance_tags)."""
    from workbench.core.mix import provenance_tags

    return provenance_tags(output.name, output.provenance)
