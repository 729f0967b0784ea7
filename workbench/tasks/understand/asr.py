"""Speech recognition with any transformers checkpoint: Whisper (segment or word timestamps,
language, translate) or CTC models (wav2vec 2.0, HuBERT: word timestamps).

Long audio is cut at pauses that silero-vad finds into windows of at most 30 s, so no word is
split and each window's timestamps only need its offset.  That gives progress and partial
results window by window, and Cancel stops a window mid-decode (a stopping criterion), where
one pipeline call over an hour would do neither.
"""
from __future__ import annotations

import numpy as np

from workbench.core.regions import Region
from workbench.tasks.models import cached, choose_device
from workbench.tasks.runner import Partial, Progress, TaskCancelled, TaskError

WINDOW_S = 30.0          # Whisper's own window
MIN_GAP_S = 0.3          # a pause at least this long may end a window


def windows(samples: np.ndarray, rate: int, speech: list[tuple[float, float]] | None = None,
            max_s: float = WINDOW_S) -> list[tuple[int, int]]:
    """Sample ranges of at most ``max_s`` that start and end in pauses between speech regions.
    Speech longer than a window is cut at the window length (nothing else to do)."""
    n = len(samples)
    if speech is None or not speech:
        return [(a, min(n, a + int(max_s * rate))) for a in range(0, n, int(max_s * rate))]
    out = []
    start = None
    end = None
    for a, b in speech:
        a, b = int(a * rate), int(b * rate)
        if start is None:
            start, end = a, b
        elif b - start <= max_s * rate:
            end = b
        else:
            out.append((start, end))
            start, end = a, b
        while end - start > max_s * rate:   # one very long stretch of speech
            out.append((start, start + int(max_s * rate)))
            start += int(max_s * rate)
    if start is not None:
        out.append((start, end))
    return out


def _load(checkpoint: str, device: str):
    try:
        from transformers import pipeline
    except ImportError as exc:
        raise TaskError("speech recognition needs transformers: pip install transformers") from exc
    import torch

    dtype = torch.float16 if device == "cuda" else torch.float32
    try:
        return pipeline("automatic-speech-recognition", model=checkpoint, device=device, dtype=dtype,
                        trust_remote_code=False)
    except OSError as exc:
        raise TaskError(f"the model “{checkpoint}” could not be loaded: {exc}") from exc
    except ValueError as exc:
        raise TaskError(f"“{checkpoint}” is not a speech recognition checkpoint ({exc})") from exc


def run(samples: np.ndarray, rate: int, params: dict, checkpoint=None, cancelled=lambda: False):
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    checkpoint = checkpoint or "openai/whisper-small"
    device = choose_device(params.get("device", "auto"))
    yield Progress(0.0, f"Loading {checkpoint}")
    asr = cached(f"asr:{checkpoint}:{device}", lambda: _load(checkpoint, device))
    whisper = asr.model.config.model_type == "whisper"

    class Cancel(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            return bool(cancelled())

    yield Progress(0.02, "Finding speech")
    speech = None
    try:
        from silero_vad import get_speech_timestamps

        from workbench.tasks.understand.vad import _model as vad_model

        stamps = get_speech_timestamps(torch.from_numpy(samples), cached("silero-vad", vad_model),
                                       sampling_rate=rate, min_silence_duration_ms=int(MIN_GAP_S * 1000),
                                       speech_pad_ms=200)
        speech = [(s["start"] / rate, s["end"] / rate) for s in stamps]
    except ImportError:
        pass
    spans = windows(samples, rate, speech)
    total = sum(b - a for a, b in spans) or 1
    done = 0
    word_level = params["timestamps"] == "word"
    for a, b in spans:
        if cancelled():
            raise TaskCancelled()
        kwargs = {"return_timestamps": "word" if (word_level or not whisper) else True}
        if whisper:
            gen = {"num_beams": params["beams"], "stopping_criteria": StoppingCriteriaList([Cancel()])}
            multilingual = getattr(asr.model.generation_config, "is_multilingual", False)
            if multilingual:
                if params["language"]:
                    gen["language"] = params["language"]
                gen["task"] = params["task"]
            kwargs["generate_kwargs"] = gen
        try:
            out = asr({"raw": samples[a:b], "sampling_rate": rate}, **kwargs)
        except torch.cuda.OutOfMemoryError as exc:
            raise TaskError(f"the GPU ran out of memory running {checkpoint}") from exc
        if cancelled():
            raise TaskCancelled()
        regions = _regions(out, a / rate, (b - a) / rate)
        done += b - a
        yield Partial(regions)
        yield Progress(0.05 + 0.95 * done / total, f"{done / rate:.0f} s of speech transcribed")


def _regions(out: dict, offset: float, length: float) -> list[Region]:
    """Pipeline chunks to regions on the input's timeline; empty or broken stamps are mended."""
    chunks = out.get("chunks") or ([{"timestamp": (0.0, length), "text": out.get("text", "")}]
                                   if out.get("text", "").strip() else [])
    regions = []
    for k, c in enumerate(chunks):
        text = c.get("text", "").strip()
        if not text:
            continue
        s, e = c.get("timestamp", (None, None))
        s = 0.0 if s is None else float(s)
        if e is None or e < s:  # Whisper sometimes leaves the last stamp open or backwards
            nxt = next((float(d["timestamp"][0]) for d in chunks[k + 1:]
                        if d.get("timestamp") and d["timestamp"][0] is not None), None)
            e = nxt if nxt is not None and nxt > s else min(length, s + 1.0)
        regions.append(Region(offset + min(s, length), offset + min(float(e), length), text))
    return regions
