"""Speech recognition with any transformers checkpoint: Whisper (segment or word timestamps,
language, translate) or CTC models (wav2vec 2.0, HuBERT: word timestamps).

Long pauses are shortened first (``Squeezed``: fewer windows hold the same speech), then the
audio is cut in the middle of pauses into windows of at most 30 s (an energy scan finds them in
milliseconds), so no word is split and each window's times only need mapping back.  That gives
progress and partial results window by window, and Cancel stops a window mid-decode (a stopping
criterion), where one pipeline call over an hour would do neither.
"""
from __future__ import annotations


from workbench.core.regions import Region
from workbench.tasks.models import choose_device, load_pipeline
from workbench.tasks.events import OutOfMemory, Partial, Progress, TaskCancelled, TaskError
from workbench.tasks.understand.language import code_of
from workbench.tasks.understand.pauses import (  # noqa: F401  (asr.windows etc. as before)
    WINDOW_S, MIN_GAP_S, SQUEEZE_FROM_S, KEEP_PAUSE_S, TOKENS_PER_S, FRAME_S, EDGE_PAD_S,
    energy, pauses, snap_to_speech, speech_spans, voiced_spans, missed, Squeezed, windows)

ENGLISH = {"", "en", "english"}


def language_code(value: str) -> str:
    """The language parameter as Whisper wants it: a code from a code, a name, or a Language
    region's text ("de German"); "unknown" (a region language ID was unsure of) detects."""
    value = str(value or "").strip()
    if value.lower() in ("unknown", ""):
        return ""
    if value.lower() == "from regions":
        return value
    return code_of(value) or value


def check_language(checkpoint: str, multilingual: bool, params: dict) -> None:
    """An English-only Whisper given another language would ignore it: say so instead."""
    language = str(params.get("language") or "").strip().lower()
    if language == "from regions":
        raise TaskError("Language “from regions” takes each region's language: run on each region "
                        "of a Language track (Run on: Regions of …)")
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


def run(inputs, params: dict, context):
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    checkpoint = checkpoint or "openai/whisper-small"
    device = choose_device(device)
    params = dict(params, language=language_code(params.get("language", "")))
    word_level = params["timestamps"] == "word"
    yield Progress(0.0, f"Loading {checkpoint}")
    if use_ctranslate2(params.get("engine", "auto"), checkpoint, device):
        yield from _run_ctranslate2(samples, rate, params, checkpoint, cancelled, device, word_level)
        return
    yield from _run_transformers(samples, rate, params, checkpoint, cancelled, device, word_level)


def _run_transformers(samples, rate, params, checkpoint, cancelled, device, word_level):
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
    benchmark where this takes 8).  Progress comes from generate's monitor_progress through
    ``compute.emit`` (the call is one step); Cancel aborts it from the stopping criterion; the
    segments arrive together at the end."""
    from workbench.tasks import compute

    yield Progress(0.02, "Transcribing (Whisper long-form, beam search)")
    n = len(samples)
    value = decode.whole(samples, lambda p: compute.emit(Progress(0.02 + 0.93 * p, f"{p * n / rate:.0f} s transcribed")))
    if cancelled():
        raise TaskCancelled()
    rms, frame, threshold = energy(samples, rate)
    found = snap_to_speech(value, rms, frame, rate, threshold)
    yield Partial(found)
    yield from _second_pass(decode, samples, rate, found, rms, frame, threshold, cancelled)


def _second_pass(decode, samples, rate, found, rms, frame, threshold, cancelled, spans=None):
    """Speech the first pass left without text is read again on its own."""
    if spans is None:
        spans = speech_spans(rms, frame, rate, threshold)
    for a, b in missed(spans, found):
        if cancelled():
            raise TaskCancelled()
        lo, hi = max(0, int((a - 0.2) * rate)), min(len(samples), int((b + 0.2) * rate))
        regions = snap_to_speech(decode(samples[lo:hi], lo / rate), rms, frame, rate, threshold, spans)
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
    spans = voiced_spans(samples, rate)
    duration = len(samples) / rate or 1.0
    found: list[Region] = []
    # the audio as it is (not Squeezed): more sentences per window raise faster-whisper's
    # compression ratio over its threshold on repetitive speech, and its temperature fallback
    # then decodes windows again (measured: 2x slower on the benchmark)
    for regions, position in whisper_ct2.transcribe(model, samples, rate, params, word_level, cancelled):
        if regions:
            regions = snap_to_speech(regions, rms, frame, rate, threshold, spans)
            found += regions
            yield Partial(regions)
        yield Progress(0.05 + 0.95 * min(1.0, position / duration), f"{position:.0f} s transcribed")
    if cancelled():
        raise TaskCancelled()

    def decode(piece, offset):
        return [r.with_(start=r.start + offset, end=r.end + offset) for regions, _ in
                whisper_ct2.transcribe(model, piece, rate, params, word_level, cancelled) for r in regions]

    yield from _second_pass(decode, samples, rate, found, rms, frame, threshold, cancelled, spans)


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
            raise OutOfMemory(f"the GPU ran out of memory running {checkpoint}") from exc
        return _regions(out, offset, len(piece) / rate)

    def whole(samples, progress):
        """The whole input through Whisper's long-form decoding; ``progress`` gets fractions."""
        gen = options(stopping_criteria=StoppingCriteriaList([Abort()]),
                      monitor_progress=lambda p: progress(float(p[0][0]) / max(1.0, float(p[0][1]))))
        try:
            out = asr({"raw": samples, "sampling_rate": rate}, return_timestamps=True, generate_kwargs=gen)
        except torch.cuda.OutOfMemoryError as exc:
            raise OutOfMemory(f"the GPU ran out of memory running {checkpoint}") from exc
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
