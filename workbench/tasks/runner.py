"""Running a task: a generator that yields progress and partial results and returns the result.

The GUI runs it on a worker thread; the CLI runs it inline.  Audio reaches the task at the
rate the model wants (soxr) and as one channel (mix, left or right).  No Qt.
"""
from __future__ import annotations

import time

import numpy as np

from workbench.core.regions import Region
from workbench.tasks.events import (AudioOutput, Context, Inputs, Note, Partial, Progress, Scores,  # noqa: F401
                                     TaskCancelled, TaskError, TaskResult, drive)
from workbench.tasks.spec import is_bundled


MAX_UPSAMPLE = 48          # 16 kHz models take 333 Hz and up; 48 kHz (CLAP) takes 1 kHz and up


def load_input(audio, start: float, end: float, rate: int | None, channel: str = "mix") -> np.ndarray:
    """Mono float32 of [start, end) seconds of ``audio`` (anything with read/sample_rate),
    resampled to ``rate``; read in blocks so an hour never exists twice."""
    import soxr

    sr = audio.sample_rate
    a, b = int(round(start * sr)), int(round(end * sr))
    rate = rate or sr
    if rate > sr * MAX_UPSAMPLE:
        # a damaged header (1 Hz) would make a 44 kB file hours of audio to resample: minutes of
        # CPU for nothing a model could hear
        raise TaskError(f"the audio's sample rate is {sr:g} Hz: too low for this task's model, which "
                        f"hears {rate:g} Hz (at most {MAX_UPSAMPLE}x up is done; the file may be damaged)")
    out = []
    stream = soxr.ResampleStream(sr, rate, 1, dtype="float32") if rate != sr else None
    for s in range(a, b, 1 << 20):
        block = audio.read(s, min(b, s + (1 << 20)))
        if channel == "left" or block.shape[1] == 1:
            mono = block[:, 0]
        elif channel == "right":
            mono = block[:, 1]
        else:
            mono = block.mean(axis=1) if block.shape[1] > 1 else block[:, 0]
        mono = np.ascontiguousarray(mono, np.float32)
        out.append(mono if stream is None else stream.resample_chunk(mono, last=s + (1 << 20) >= b))
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def fetched_here(spec, model: str) -> bool:
    """Whether the workbench fetches ``model`` before running ``spec``: not a bundled model, and
    not one whose own library fetches it (pyannote)."""
    return (spec.needs_model and bool(model) and not is_bundled(model)
            and not model.startswith(spec.fetched_by))


def model_for(spec, checkpoint: str | None, cancelled=lambda: False):
    """Generator: the model a run uses (``checkpoint``, else the spec's first), downloaded first
    when it is a Hub id not yet here; None for a task without one.  Bundled models and those
    fetched by their own library (pyannote) are passed on as named."""
    model = checkpoint or (spec.checkpoints[0] if spec.checkpoints else "")
    if fetched_here(spec, model):
        from workbench.tasks.models import fetch

        return (yield from fetch(model, cancelled))
    return model or None


def run_task(spec, audio, params: dict, start: float = 0.0, end: float | None = None,
             checkpoint: str | None = None, cancelled=lambda: False, channel: str = "mix",
             device: str = "auto"):
    """Generator over one input range: yields Progress / Partial, returns TaskResult.
    Region times come back on the audio's timeline (offset by ``start``)."""
    t0 = time.perf_counter()
    end = audio.duration if end is None else end
    yield Progress(0.0, "Reading audio")
    samples = load_input(audio, start, end, spec.sample_rate, channel)
    rate = spec.sample_rate or audio.sample_rate
    values = spec.parse_params(params)
    model = checkpoint or (spec.checkpoints[0] if spec.checkpoints else "")
    checkpoint = yield from model_for(spec, checkpoint, cancelled)
    from workbench.tasks import compute

    asked = cancelled
    cancelled = lambda: asked() or compute.stopping()   # noqa: E731 - exiting stops it too
    # every step of the task on the compute thread, where all model work runs
    gen = compute.stepped(spec.runner()(Inputs(audio=audio, ranges=[(start, end)], samples=samples, rate=rate),
                                        values, Context(checkpoint, device, cancelled)), cancelled)
    regions: list[Region] = []
    notes: list[str] = []
    table = None
    origin = (("model", model), ("task", spec.id))
    try:
        while True:
            if cancelled():
                raise TaskCancelled()
            event = next(gen)
            if isinstance(event, Partial):
                shifted = [r.with_(start=r.start + start, end=r.end + start, origin=origin) for r in event.regions]
                regions.extend(shifted)
                yield Partial(shifted)
            elif isinstance(event, Note):
                notes.append(event.text)
            elif isinstance(event, Scores):
                table = event.table.shifted(start)
                table.origin = origin
            else:
                yield event
    except StopIteration:
        pass
    tracks = [(spec.output_track, regions)] if spec.output_track else []
    return TaskResult(tracks, seconds=time.perf_counter() - t0, notes=notes,
                      scores={spec.output_track: table} if table is not None and tracks else {})
