"""Voice activity with silero-vad (weights inside the PyPI wheel: works offline)."""
from __future__ import annotations

import numpy as np

from workbench.core.regions import Region
from workbench.tasks.models import cached
from workbench.tasks.events import Partial, Progress, TaskError

CHUNK_SECONDS = 30.0   # one chunk takes ~0.5 s on two cores: cancel answers within a second


def _model():
    try:
        from silero_vad import load_silero_vad
    except ImportError as exc:
        raise TaskError("voice activity needs the silero-vad package: pip install silero-vad") from exc
    return load_silero_vad()


def run(inputs, params: dict, context):
    samples, rate, cancelled = inputs.samples, inputs.rate, context.cancelled
    import torch
    from silero_vad import get_speech_timestamps

    model = cached("silero-vad", _model)
    total = max(1, len(samples))
    chunk = int(CHUNK_SECONDS * rate)
    found: list[tuple[float, float]] = []
    shown = 0                       # found[:shown] went out as partial results
    for start in range(0, len(samples), chunk):
        if cancelled():
            return
        piece = torch.from_numpy(np.ascontiguousarray(samples[start:start + chunk]))
        stamps = get_speech_timestamps(
            piece, model, threshold=params["threshold"], sampling_rate=rate,
            min_speech_duration_ms=params["min_speech_ms"],
            min_silence_duration_ms=params["min_silence_ms"], speech_pad_ms=params["pad_ms"])
        new = [((start + s["start"]) / rate, (start + s["end"]) / rate) for s in stamps]
        # a region cut by a chunk boundary continues in the next chunk: join them
        gap = params["min_silence_ms"] / 1000 + 2 * params["pad_ms"] / 1000
        if found and new and new[0][0] - found[-1][1] <= gap and start > 0:
            found[-1] = (found[-1][0], new.pop(0)[1])
        found.extend(new)
        # every region but the last is settled (the last may go on in the next chunk): show them
        if len(found) > shown + 1:
            yield Partial([Region(a, b, "speech") for a, b in found[shown:-1]])
            shown = len(found) - 1
        yield Progress(min(1.0, (start + chunk) / total), f"{(start + chunk) / rate:.0f} s listened")
    if found[shown:]:
        yield Partial([Region(a, b, "speech") for a, b in found[shown:]])
