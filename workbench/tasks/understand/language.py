"""Which language is spoken: Whisper's own language detection (the probabilities of its language
tokens after <|startoftranscript|>, from one decoder step over up to 30 s), or any audio
classifier trained for it (e.g. a Whisper or MMS language-ID head), for the range or over time.

The region's text is the language's code and name ("de German"), so speech recognition run on
each region of the track can take its language from there (asr's language "from regions").
"""
from __future__ import annotations

import functools

import numpy as np

from workbench.core.regions import Region
from workbench.tasks.events import Partial, Progress, TaskCancelled, TaskError
from workbench.tasks.models import cached, choose_device, load_pipeline

WINDOW_S = 30.0
MAX_WINDOWS = 8          # a whole-range answer listens to at most this many 30 s windows


@functools.lru_cache(maxsize=1)
def names() -> dict[str, str]:
    """Language codes to names, as Whisper knows them (en -> English)."""
    from transformers.models.whisper.tokenization_whisper import LANGUAGES

    return {code: name.title() for code, name in LANGUAGES.items()}


def label(code: str) -> str:
    return f"{code} {names().get(code, code)}".strip()


def code_of(text: str) -> str:
    """A language code from a region's text: "de German" -> de, "German" -> de, "fr" -> fr."""
    text = (text or "").strip()
    if not text:
        return ""
    known = names()
    first = text.split()[0].lower()
    if first in known:
        return first
    by_name = {name.lower(): code for code, name in known.items()}
    return by_name.get(text.lower(), by_name.get(first, ""))


class WhisperLanguage:
    """Whisper's language detection, with probabilities."""

    def __init__(self, folder: str, device: str) -> None:
        import torch
        from transformers import AutoProcessor, GenerationConfig, WhisperForConditionalGeneration

        self.torch = torch
        self.processor = AutoProcessor.from_pretrained(folder)
        self.model = WhisperForConditionalGeneration.from_pretrained(folder).eval().to(device)
        gen = GenerationConfig.from_pretrained(folder)
        langs = getattr(gen, "lang_to_id", None) or {}
        if not getattr(gen, "is_multilingual", bool(langs)) or not langs:
            raise TaskError(f"“{folder}” is an English-only Whisper: language detection needs a "
                            f"multilingual one (e.g. openai/whisper-small)")
        self.codes = [tok.strip("<|>") for tok in langs]
        self.ids = list(langs.values())
        self.start = gen.decoder_start_token_id
        self.device = device

    def probabilities(self, pieces: list[np.ndarray], rate: int) -> np.ndarray:
        torch = self.torch
        feats = self.processor.feature_extractor(pieces, sampling_rate=rate, return_tensors="pt").input_features
        start = torch.full((len(pieces), 1), self.start, dtype=torch.long, device=self.device)
        with torch.inference_mode():
            logits = self.model(input_features=feats.to(self.device, self.model.dtype),
                                decoder_input_ids=start).logits[:, -1, :]
        return torch.softmax(logits[:, self.ids].float(), dim=-1).cpu().numpy()


class ClassifierLanguage:
    """An audio-classification checkpoint whose labels are languages."""

    def __init__(self, folder: str, device: str) -> None:
        self.pipe = load_pipeline("audio-classification", "language identification", folder, device)
        labels = self.pipe.model.config.id2label
        self.codes = [code_of(labels[i]) or labels[i] for i in sorted(labels)]
        self._index = {labels[i]: k for k, i in enumerate(sorted(labels))}

    def probabilities(self, pieces: list[np.ndarray], rate: int) -> np.ndarray:
        out = np.zeros((len(pieces), len(self.codes)), np.float32)
        for row, piece in enumerate(pieces):
            for s in self.pipe({"raw": piece, "sampling_rate": rate}, top_k=len(self.codes)):
                out[row, self._index[s["label"]]] = s["score"]
        return out


def detector(folder: str, device: str):
    def load():
        from transformers import AutoConfig

        try:
            config = AutoConfig.from_pretrained(folder)
        except (OSError, ValueError) as exc:
            raise TaskError(f"“{folder}” could not be loaded: {exc}") from exc
        archs = config.architectures or []
        if config.model_type == "whisper" and not any("Classification" in a for a in archs):
            return WhisperLanguage(folder, device)
        return ClassifierLanguage(folder, device)
    return cached(f"language:{folder}@{device}", load)


def run(inputs, params: dict, context):
    """The language of the range (its speech listened to in up to 8 windows of up to 30 s, cut
    at pauses, the probabilities averaged), or of each window over time (adjacent windows with
    the same language merged)."""
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    from workbench.tasks.understand.pauses import windows

    checkpoint = checkpoint or "openai/whisper-small"
    device = choose_device(device)
    yield Progress(0.0, f"Loading {checkpoint}")
    model = detector(checkpoint, device)
    duration = len(samples) / rate
    window = float(params.get("window_s", WINDOW_S))
    spans = windows(samples, rate, window, min(5.0, window / 2)) or ([(0, len(samples))] if len(samples) else [])
    if not spans:
        return
    over_time = params.get("mode") == "over time"
    if not over_time and len(spans) > MAX_WINDOWS:       # spread over the range, not its start
        spans = [spans[i] for i in np.linspace(0, len(spans) - 1, MAX_WINDOWS).round().astype(int)]
    probs = []
    for k, (a, b) in enumerate(spans):
        if cancelled():
            raise TaskCancelled()
        probs.append(model.probabilities([samples[a:b]], rate)[0])
        yield Progress((k + 1) / len(spans), f"{k + 1}/{len(spans)} windows")
    floor = params.get("min_confidence", 0.0)
    if not over_time:
        p = np.mean(probs, axis=0)
        best = int(np.argmax(p))
        text = label(model.codes[best]) if p[best] >= floor else "unknown"
        yield Partial([Region(0.0, duration, text, confidence=float(p[best]))])
        return
    regions: list[Region] = []
    for (a, b), p in zip(spans, probs):
        best = int(np.argmax(p))
        text = label(model.codes[best]) if p[best] >= floor else "unknown"
        start, end = a / rate, b / rate
        if regions and regions[-1].text == text and start - regions[-1].end < 1.0:
            last = regions[-1]
            regions[-1] = last.with_(end=end, confidence=max(last.confidence, float(p[best])))
        else:
            regions.append(Region(start, end, text, confidence=float(p[best])))
    yield Partial(regions)
