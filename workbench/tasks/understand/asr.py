"""Speech recognition with any transformers checkpoint: Whisper (segment or word timestamps,
language, translate) or CTC models (wav2vec 2.0, HuBERT: word timestamps).

Long pauses are shortened first (``Squeezed``: fewer windows hold the same speech), then the
audio is cut in the middle of pauses into windows of at most 30 s (an energy scan finds them in
milliseconds), so no word is split and each window's times only need mapping back.  That gives
progress and partial results window by window, and Cancel stops a window mid-decode (a stopping
criterion), where one pipeline call over an hour would do neither.
"""
from __future__ import annotations

import numpy as np

from workbench.core.regions import Region
from workbench.tasks.models import choose_device, load_pipeline
from workbench.tasks.events import Partial, Progress, TaskCancelled, TaskError

WINDOW_S = 30.0          # Whisper's own window
MIN_GAP_S = 0.25         # a pause at least this long may end a window


SQUEEZE_FROM_S = 0.6     # pauses at least this long are shortened ...
KEEP_PAUSE_S = 0.3       # ... to this
TOKENS_PER_S = 8.0       # a generous ceiling on Whisper's tokens per second of audio
FRAME_S = 0.02
EDGE_PAD_S = 0.08        # kept around speech when a segment edge is snapped to it


def energy(samples: np.ndarray, rate: int, frame_s: float = FRAME_S):
    """RMS per frame and the level below which a frame counts as quiet."""
    frame = max(1, int(frame_s * rate))
    n = len(samples) // frame
    if n == 0:
        return np.zeros(0), frame, 0.0
    rms = np.sqrt(np.mean(samples[: n * frame].reshape(n, frame).astype(np.float64) ** 2, axis=1))
    return rms, frame, max(1e-4, 0.05 * float(np.percentile(rms, 95)))


def pauses(samples: np.ndarray, rate: int, min_gap: float = MIN_GAP_S):
    """Sample positions in the middle of quiet stretches at least ``min_gap`` long (numpy energy:
    milliseconds for an hour, where a VAD model would take a minute), and the quiet threshold."""
    rms, frame, threshold = energy(samples, rate)
    if not len(rms):
        return np.zeros(0, np.int64), threshold
    quiet = np.concatenate([[False], rms < threshold, [False]])
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    starts, ends = edges[0::2], edges[1::2]
    long = (ends - starts) * frame / rate >= min_gap
    return ((starts[long] + ends[long]) // 2 * frame).astype(np.int64), threshold


def snap_to_speech(regions: list[Region], rms, frame: int, rate: int, threshold: float) -> list[Region]:
    """Whisper starts a window's first segment at 0 s, lets segments run into pauses, and may
    start one where the last ended: move each edge to the speech the region really holds (the
    stretches of speech it covers a good part of, not a neighbour's last syllable), else to its
    loud frames.  A segment with no loud frame at all is text made up over silence, and is left
    out."""
    spans = speech_spans(rms, frame, rate, threshold) if regions else []
    out = []
    for r in regions:
        held = [(a, b) for a, b in spans if min(b, r.end) - max(a, r.start) >= min(0.5 * (b - a), 0.25)]
        if held:
            start = max(r.start, held[0][0] - EDGE_PAD_S)
            end = min(r.end, held[-1][1] + EDGE_PAD_S)
            out.append(r.with_(start=start, end=max(start, end)))
            continue
        a, b = int(r.start * rate / frame), int(np.ceil(r.end * rate / frame))
        loud = np.flatnonzero(rms[a:b] >= threshold)
        if not len(loud):
            continue  # text over silence: Whisper's "Thank you." at a window's end, not speech
        start = max(r.start, (a + loud[0]) * frame / rate - EDGE_PAD_S)
        end = min(r.end, (a + loud[-1] + 1) * frame / rate + EDGE_PAD_S)
        out.append(r.with_(start=start, end=max(start, end)))
    return out


def speech_spans(rms, frame: int, rate: int, threshold: float, bridge_s: float = 0.3,
                 min_s: float = 0.3) -> list[tuple[float, float]]:
    """Stretches of loud frames (pauses shorter than ``bridge_s`` bridged), in seconds."""
    loud = np.concatenate([[False], rms >= threshold, [False]])
    edges = np.flatnonzero(np.diff(loud.astype(np.int8)))
    spans: list[list[float]] = []
    for a, b in zip(edges[0::2] * frame / rate, edges[1::2] * frame / rate):
        if spans and a - spans[-1][1] < bridge_s:
            spans[-1][1] = b
        else:
            spans.append([a, b])
    return [(a, b) for a, b in spans if b - a >= min_s]


def missed(spans, regions: list[Region]) -> list[tuple[float, float]]:
    """Speech that regions cover less than half of: Whisper sometimes ends a window early and
    the rest of it is never read (a last sentence simply missing)."""
    def covered(a, b):
        return sum(max(0.0, min(b, r.end) - max(a, r.start)) for r in regions)

    return [(a, b) for a, b in spans if covered(a, b) < 0.5 * (b - a)]


class Squeezed:
    """The audio with long pauses shortened to ``keep_s`` (Whisper still hears a break), so fewer
    30 s windows hold the same speech, and the map from its times back to the original's.  The
    idea of faster-whisper's VAD filter, with a numpy energy scan instead of a model."""

    def __init__(self, samples: np.ndarray, rate: int, rms, frame: int, threshold: float,
                 min_pause_s: float | None = None, keep_s: float | None = None) -> None:
        min_pause_s = SQUEEZE_FROM_S if min_pause_s is None else min_pause_s
        keep_s = KEEP_PAUSE_S if keep_s is None else keep_s
        quiet = np.concatenate([[False], rms < threshold, [False]])
        edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
        half = int(keep_s * rate / 2)
        cut = [(a * frame + half, b * frame - half) for a, b in zip(edges[0::2], edges[1::2])
               if (b - a) * frame >= min_pause_s * rate]
        keep, pos = [], 0                               # (original start, original end) kept
        for a, b in cut:
            keep.append((pos, a))
            pos = b
        keep.append((pos, len(samples)))
        self.orig = np.array([a for a, _ in keep], np.int64)
        lengths = np.array([b - a for a, b in keep], np.int64)
        self.comp = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
        self.samples = samples if len(keep) == 1 else np.concatenate([samples[a:b] for a, b in keep])
        self.rate = rate

    def original(self, t: float, end: bool = False) -> float:
        """A time in the squeezed audio on the original timeline (an end at a joint stays in
        the piece before it)."""
        x = t * self.rate
        i = max(0, int(np.searchsorted(self.comp, x, side="left" if end else "right")) - 1)
        return float(self.orig[i] + (x - self.comp[i])) / self.rate

    def region(self, r: Region) -> Region:
        return r.with_(start=self.original(r.start), end=self.original(r.end, end=True))


def windows(samples: np.ndarray, rate: int, max_s: float = WINDOW_S, min_s: float = 5.0):
    """Sample ranges of at most ``max_s`` covering the audio, cut in the middle of pauses (the
    last pause before the limit), so no word is split.  Silent windows are left out."""
    n = len(samples)
    cuts, threshold = pauses(samples, rate)
    out, start = [], 0
    while start < n:
        limit = start + int(max_s * rate)
        if limit >= n:
            end = n
        else:
            ok = cuts[(cuts > start + int(min_s * rate)) & (cuts <= limit)]
            end = int(ok[-1]) if len(ok) else limit
        piece = samples[start:end]
        if len(piece) and np.sqrt(np.mean(piece.astype(np.float64) ** 2)) >= threshold * 0.5:
            out.append((start, end))
        start = end
    return out


ENGLISH = {"", "en", "english"}


def check_language(checkpoint: str, multilingual: bool, params: dict) -> None:
    """An English-only Whisper given another language would ignore it: say so instead."""
    language = str(params.get("language") or "").strip().lower()
    if language == "from regions":
        raise TaskError("Language “from regions” takes each region's language: run on each region "
                        "of a Language track")
    if not multilingual and language not in ENGLISH:
        raise TaskError(f"“{checkpoint}” understands English only, so language={language} would be "
                        f"ignored: choose a multilingual Whisper (e.g. openai/whisper-small) or leave "
                        f"the language empty")
    if not multilingual and params.get("task") == "translate":
        raise TaskError(f"“{checkpoint}” understands English only and cannot translate: choose a "
                        f"multilingual Whisper")


def use_ctranslate2(engine: str, checkpoint: str, device: str) -> bool:
    """auto: CTranslate2 for Whisper on the CPU (where it is 2-3x faster), transformers otherwise."""
    from workbench.tasks.understand import whisper_ct2

    if engine == "transformers":
        return False
    if engine == "ctranslate2":
        if not whisper_ct2.available():
            raise TaskError("the CTranslate2 engine needs faster-whisper: pip install faster-whisper")
        if not whisper_ct2.is_whisper(checkpoint):
            raise TaskError(f"the CTranslate2 engine runs Whisper checkpoints; “{checkpoint}” is not "
                            f"one: choose the transformers engine")
        return True
    return device == "cpu" and whisper_ct2.available() and whisper_ct2.is_whisper(checkpoint)


def run(samples: np.ndarray, rate: int, params: dict, checkpoint=None, cancelled=lambda: False,
        device: str = "auto"):
    checkpoint = checkpoint or "openai/whisper-small"
    device = choose_device(device)
    word_level = params["timestamps"] == "word"
    yield Progress(0.0, f"Loading {checkpoint}")
    if use_ctranslate2(params.get("engine", "auto"), checkpoint, device):
        yield from _run_ctranslate2(samples, rate, params, checkpoint, cancelled, device, word_level)
        return
    decode = _transformers_decoder(checkpoint, device, params, cancelled, word_level, rate)
    if getattr(decode, "whisper", False) and params["beams"] > 1 and not word_level:
        yield from _run_longform(decode, samples, rate, cancelled)
        return
    yield Progress(0.02, "Finding speech")
    rms, frame, threshold = energy(samples, rate)
    squeezed = Squeezed(samples, rate, rms, frame, threshold)
    spans = windows(squeezed.samples, rate)
    total = sum(b - a for a, b in spans) or 1
    done = 0
    found: list[Region] = []
    for a, b in spans:
        if cancelled():
            raise TaskCancelled()
        regions = [squeezed.region(r) for r in decode(squeezed.samples[a:b], a / rate)]
        if cancelled():
            raise TaskCancelled()
        regions = snap_to_speech(regions, rms, frame, rate, threshold)
        found += regions
        done += b - a
        yield Partial(regions)
        yield Progress(0.05 + 0.95 * done / total, f"{done / rate:.0f} s of speech transcribed")
    yield from _second_pass(decode, samples, rate, found, rms, frame, threshold, cancelled)


def _run_longform(decode, samples, rate, cancelled):
    """Beam search on transformers: Whisper's own sequential long-form decoding of the whole
    input (each window starts where the last segment ended).  Per window, beam search runs on
    past the end of the speech ("Thank you very much." until the token limit: 32 s on the 89.6 s
    benchmark where this takes 11).  Progress comes from generate's monitor_progress, the call
    runs on a helper thread, Cancel aborts it from the stopping criterion; the segments arrive
    together at the end."""
    import queue
    import threading

    events: queue.Queue = queue.Queue()

    def work():
        try:
            events.put(("done", decode.whole(samples, lambda p: events.put(("progress", p)))))
        except BaseException as exc:  # noqa: BLE001 - raised again on the task's thread
            events.put(("error", exc))

    yield Progress(0.02, "Transcribing (Whisper long-form, beam search)")
    threading.Thread(target=work, name="whisper-longform", daemon=True).start()
    while True:
        try:
            kind, value = events.get(timeout=0.05)
        except queue.Empty:
            continue
        if kind == "progress":
            yield Progress(0.02 + 0.93 * value, f"{value * len(samples) / rate:.0f} s transcribed")
        elif kind == "error":
            raise value
        else:
            break
    if cancelled():
        raise TaskCancelled()
    rms, frame, threshold = energy(samples, rate)
    found = snap_to_speech(value, rms, frame, rate, threshold)
    yield Partial(found)
    yield from _second_pass(decode, samples, rate, found, rms, frame, threshold, cancelled)


def _second_pass(decode, samples, rate, found, rms, frame, threshold, cancelled):
    """Speech the first pass left without text is read again on its own."""
    for a, b in missed(speech_spans(rms, frame, rate, threshold), found):
        if cancelled():
            raise TaskCancelled()
        lo, hi = max(0, int((a - 0.2) * rate)), min(len(samples), int((b + 0.2) * rate))
        regions = snap_to_speech(decode(samples[lo:hi], lo / rate), rms, frame, rate, threshold)
        # no overlap with what the first pass said (its last segment may run into this speech)
        regions = [r.with_(start=min(r.end, max([r.start] + [f.end for f in found if f.start < r.start < f.end])))
                   for r in regions]
        if regions:
            yield Partial(regions)


def _run_ctranslate2(samples, rate, params, checkpoint, cancelled, device, word_level):
    from workbench.tasks.understand import whisper_ct2

    model = yield from whisper_ct2.load(checkpoint, device)
    check_language(checkpoint, model.model.is_multilingual, params)
    yield Progress(0.02, "Finding speech")
    rms, frame, threshold = energy(samples, rate)
    duration = len(samples) / rate or 1.0
    found: list[Region] = []
    # the audio as it is (not Squeezed): more sentences per window raise faster-whisper's
    # compression ratio over its threshold on repetitive speech, and its temperature fallback
    # then decodes windows again (measured: 2x slower on the benchmark)
    for regions, position in whisper_ct2.transcribe(model, samples, rate, params, word_level, cancelled):
        if regions:
            regions = snap_to_speech(regions, rms, frame, rate, threshold)
            found += regions
            yield Partial(regions)
        yield Progress(0.05 + 0.95 * min(1.0, position / duration), f"{position:.0f} s transcribed")
    if cancelled():
        raise TaskCancelled()

    def decode(piece, offset):
        return [r.with_(start=r.start + offset, end=r.end + offset) for regions, _ in
                whisper_ct2.transcribe(model, piece, rate, params, word_level, cancelled) for r in regions]

    yield from _second_pass(decode, samples, rate, found, rms, frame, threshold, cancelled)


def _transformers_decoder(checkpoint, device, params, cancelled, word_level, rate):
    """The reference path: a transformers pipeline per window; a stopping criterion cancels
    mid-window."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    asr = load_pipeline("automatic-speech-recognition", "speech recognition", checkpoint, device)
    whisper = asr.model.config.model_type == "whisper"
    if whisper:
        check_language(checkpoint, getattr(asr.model.generation_config, "is_multilingual", False), params)

    class Cancel(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            return bool(cancelled())

    class Abort(StoppingCriteria):   # long-form: stopping one window would go on to the next
        def __call__(self, input_ids, scores, **kwargs):
            if cancelled():
                raise TaskCancelled()
            return False

    def options(**extra):
        gen = {"num_beams": params["beams"], **extra}
        if getattr(asr.model.generation_config, "is_multilingual", False):
            if params["language"]:
                gen["language"] = params["language"]
            gen["task"] = params["task"]
        return gen

    def decode(piece, offset):
        kwargs = {"return_timestamps": "word" if (word_level or not whisper) else True}
        if whisper:
            # fast speech is ~6 tokens a second with timestamps: a window that would need more
            # is Whisper repeating itself (beam search past the end of the speech)
            kwargs["generate_kwargs"] = options(
                stopping_criteria=StoppingCriteriaList([Cancel()]),
                max_new_tokens=min(440, int(TOKENS_PER_S * len(piece) / rate) + 16))
        try:
            out = asr({"raw": piece, "sampling_rate": rate}, **kwargs)
        except torch.cuda.OutOfMemoryError as exc:
            raise TaskError(f"the GPU ran out of memory running {checkpoint}") from exc
        return _regions(out, offset, len(piece) / rate)

    def whole(samples, progress):
        """The whole input through Whisper's long-form decoding; ``progress`` gets fractions."""
        gen = options(stopping_criteria=StoppingCriteriaList([Abort()]),
                      monitor_progress=lambda p: progress(float(p[0][0]) / max(1.0, float(p[0][1]))))
        try:
            out = asr({"raw": samples, "sampling_rate": rate}, return_timestamps=True, generate_kwargs=gen)
        except torch.cuda.OutOfMemoryError as exc:
            raise TaskError(f"the GPU ran out of memory running {checkpoint}") from exc
        return _regions(out, 0.0, len(samples) / rate)

    decode.whisper = whisper
    decode.whole = whole
    return decode


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
