"""Whisper on CTranslate2 (faster-whisper's decoder), for speed on the CPU.

The checkpoint is the same one the transformers path loads (a Hub snapshot or a local folder):
it is converted once with CTranslate2's own converter into float16 (computed in float32 on the CPU,
as faster-whisper does with its own models), kept in
the workbench's cache under a key of the folder, its weights' sizes and times, the quantization
and the CTranslate2 version, and loaded from there afterwards.  faster-whisper then decodes the
whole input with its own long-form loop (as fast as faster-whisper itself: the benchmark shows
both), streaming segments as partial results; segment edges are snapped to speech as on the
transformers path, which stays available (engine "transformers") and is the reference.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

from workbench.core.regions import Region
from workbench.tasks.models import cached, threads
from workbench.tasks.events import Progress, TaskError

WEIGHTS = (".safetensors", ".bin")


def available() -> bool:
    return all(importlib.util.find_spec(m) is not None for m in ("ctranslate2", "faster_whisper"))


def is_whisper(folder: str) -> bool:
    import json

    try:
        return json.loads((Path(folder) / "config.json").read_text()).get("model_type") == "whisper"
    except (OSError, ValueError):
        return False


def cache_root() -> Path:
    from workbench.tasks.models import ct2_cache_root

    return ct2_cache_root()


def key(folder: str, quantization: str) -> str:
    import ctranslate2

    h = hashlib.sha1(f"{Path(folder).resolve()}|{quantization}|{ctranslate2.__version__}".encode())
    for f in sorted(Path(folder).iterdir()):
        if f.suffix in WEIGHTS or f.name in ("config.json", "tokenizer.json"):
            st = f.stat()
            h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def convert(folder: str, quantization: str):
    """Generator: the CTranslate2 folder for ``folder`` (converted now if it is not yet)."""
    out = cache_root() / f"{Path(folder).resolve().name}-{quantization}-{key(folder, quantization)}"
    if (out / "model.bin").exists():
        return str(out)
    yield Progress(0.01, f"Converting {Path(folder).name} for CTranslate2 ({quantization}); once only")
    from ctranslate2.converters import TransformersConverter

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".converting-", dir=out.parent))
    try:
        copy = [f for f in ("tokenizer.json", "preprocessor_config.json") if (Path(folder) / f).exists()]
        TransformersConverter(folder, copy_files=copy, load_as_float16=False).convert(
            str(tmp / "model"), quantization=quantization, force=True)
        if not (tmp / "model" / "tokenizer.json").exists():   # faster-whisper reads tokenizer.json only
            from transformers import WhisperTokenizerFast

            WhisperTokenizerFast.from_pretrained(folder).backend_tokenizer.save(
                str(tmp / "model" / "tokenizer.json"))
        os.replace(tmp / "model", out)
    except Exception as exc:
        raise TaskError(f"{folder} could not be converted for CTranslate2 ({exc}); choose the "
                        f"transformers engine") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return str(out)


# Stored in float16 (half the disk of float32, and what faster-whisper's own models ship as) and
# computed in float32 on the CPU, float16 on a GPU: what faster-whisper does by default, so the
# words are the same as its.  int8 was 30% faster on the CPU and heard worse: on the benchmark's
# noisy interview (bench_asr.py, four noise draws) WER 0.170 at beam 5 against 0.143.
STORED = "float16"


def compute_type(device: str) -> str:
    return "float16" if device == "cuda" else "float32"


def load(folder: str, device: str):
    """A cached faster-whisper model for the checkpoint folder, converted on first use."""
    ct2 = yield from convert(folder, STORED)

    def make():
        from faster_whisper import WhisperModel

        return WhisperModel(ct2, device="cuda" if device == "cuda" else "cpu",
                            compute_type=compute_type(device), cpu_threads=threads(), num_workers=1)

    return cached(f"ct2:{ct2}:{device}:{compute_type(device)}", make)


def transcribe(model, samples, rate: int, params: dict, word_level: bool, cancelled):
    """Generator over faster-whisper's own long-form decoding of the whole input (30 s windows,
    each next one starting where the last segment ended: the accurate segment times the
    transformers pipeline's chunk stitching loses): yields (regions, seconds decoded so far) per
    segment.  faster-whisper decodes lazily, a window per step: run as the task's steps on the
    compute thread, Cancel is answered at once (``compute.stepped``) and the window in flight
    finishes there unobserved."""
    options = {"beam_size": params["beams"], "word_timestamps": word_level, "vad_filter": False}
    if model.model.is_multilingual:
        options["task"] = params["task"]
        if params["language"]:
            options["language"] = params["language"]
    segments, _info = model.transcribe(samples if rate == 16000 else _to16k(samples, rate), **options)
    duration = len(samples) / rate
    for seg in segments:
        if cancelled():
            return
        pieces = [(w.start, w.end, w.word) for w in seg.words or []] if word_level else \
            [(seg.start, seg.end, seg.text)]
        # times inside the audio: the last window is padded to 30 s, and a stamp can land there
        regions = [Region(min(a, duration), min(max(a, b), duration), text.strip())
                   for a, b, text in pieces if text.strip() and a < duration]
        yield regions, min(seg.end, duration)


def _to16k(samples, rate):
    import soxr

    return soxr.resample(samples, rate, 16000).astype("float32")
