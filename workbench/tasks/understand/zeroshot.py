"""Zero-shot labels with CLAP: the user types what to listen for ("dog bark", "siren",
"applause"); each prompt's text vector is compared with the audio vector of the range, or of
every window over time.  Every window's score for every prompt is kept with the output track
(a ScoreTable), so moving the threshold afterwards re-filters the regions without running the
model again.  Any CLAP checkpoint (ClapModel + ClapProcessor) by Hub id or local folder.  No Qt.

Scores: "relative" is the softmax over the prompts of the model's scaled similarities (what the
transformers zero-shot pipeline reports: the prompts share each window's probability, so add a
"silence" or "background" prompt for windows where none applies); "similarity" is the cosine
similarity itself (0 below zero), which does not depend on the other prompts.
"""
from __future__ import annotations

import re

import numpy as np

from workbench.core.scores import ScoreTable, middles
from workbench.tasks.events import Note, Partial, Progress, Scores, TaskCancelled, TaskError
from workbench.tasks.models import cached, choose_device

MAX_PROMPTS = 200
MAX_PROMPT_CHARS = 200
BATCH = 8


def prompts_of(text: str) -> list[str]:
    """The prompts in the form's text: one per line, or separated by ";" (commas stay inside a
    prompt: "a dog, barking").  Blank and repeated ones are dropped."""
    parts = [p.strip() for p in re.split(r"[\n;]", str(text or ""))]
    out = list(dict.fromkeys(p for p in parts if p))
    if not out:
        raise TaskError("Type what to listen for: one prompt per line (or separated by “;”), "
                        "e.g. dog bark; siren; applause")
    if len(out) > MAX_PROMPTS:
        raise TaskError(f"{len(out)} prompts is more than {MAX_PROMPTS}: split them into sets")
    long = next((p for p in out if len(p) > MAX_PROMPT_CHARS), None)
    if long is not None:
        raise TaskError(f"A prompt is longer than {MAX_PROMPT_CHARS} characters: “{long[:40]}…”")
    return out


class Clap:
    """A CLAP model and its processor, with counters of the calls made (tests count them)."""

    def __init__(self, folder: str, device: str = "cpu") -> None:
        import torch
        from transformers import ClapModel, ClapProcessor

        try:
            self.processor = ClapProcessor.from_pretrained(folder)
            self.model = ClapModel.from_pretrained(folder).eval().to(device)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise TaskError(f"“{folder}” is not a CLAP model (ClapModel with its processor, e.g. "
                            f"laion/clap-htsat-unfused): {exc}") from exc
        self.device, self._torch = device, torch
        self.rate = int(self.processor.feature_extractor.sampling_rate)
        self.scale = float(self.model.logit_scale_a.exp())
        self.audio_calls = self.text_calls = 0

    def text(self, prompts: list[str]) -> np.ndarray:
        torch = self._torch
        self.text_calls += 1
        inputs = self.processor.tokenizer(prompts, padding=True, return_tensors="pt")
        with torch.inference_mode():
            out = self.model.get_text_features(**{k: v.to(self.device) for k, v in inputs.items()})
        return _unit(out.pooler_output)

    def audio(self, pieces: list[np.ndarray]) -> np.ndarray:
        torch = self._torch
        self.audio_calls += 1
        inputs = self.processor.feature_extractor([np.asarray(p, np.float32) for p in pieces],
                                                  sampling_rate=self.rate, return_tensors="pt")
        with torch.inference_mode():
            out = self.model.get_audio_features(**{k: v.to(self.device) for k, v in inputs.items()})
        return _unit(out.pooler_output)


def _unit(t) -> np.ndarray:
    v = t.float().cpu().numpy()
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def load(checkpoint: str, device: str) -> Clap:
    return cached(f"clap:{checkpoint}@{device}", lambda: Clap(checkpoint, device))


def scores_of(sims: np.ndarray, scale: float, kind: str) -> np.ndarray:
    """Scores in [0, 1] from cosine similarities (windows x prompts)."""
    if kind == "similarity":
        return np.clip(sims, 0.0, 1.0)
    logits = sims * scale
    logits -= logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=1, keepdims=True)


def run(inputs, params: dict, context):
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    import soxr

    prompts = prompts_of(params.get("prompts", ""))
    checkpoint = checkpoint or "laion/clap-htsat-unfused"
    device = choose_device(device)
    yield Progress(0.0, f"Loading {checkpoint}")
    clap = load(checkpoint, device)
    template = str(params.get("template") or "{}")
    texts = [template.replace("{}", p) if "{}" in template else f"{template} {p}" for p in prompts]
    text = clap.text(texts)
    if rate != clap.rate:
        samples = soxr.resample(samples, rate, clap.rate).astype(np.float32)
        rate = clap.rate
    duration = len(samples) / rate
    win = int(min(params.get("window_s", 3.0), 10.0) * rate)
    hop = max(1, int(params.get("hop_s", 1.0) * rate))
    over_time = params.get("mode", "over time") == "over time" and len(samples) > win
    starts = list(range(0, max(1, len(samples) - win + hop), hop)) if over_time else \
        list(range(0, max(1, len(samples)), win))        # whole range: its windows, averaged
    step = BATCH if device == "cuda" else 2
    vectors = []
    for i in range(0, len(starts), step):
        if cancelled():
            raise TaskCancelled()
        vectors.append(clap.audio([samples[s:s + win] for s in starts[i:i + step]]))
        done = min(len(starts), i + step)
        yield Progress(done / len(starts), f"{done}/{len(starts)} windows")
    audio = np.concatenate(vectors) if vectors else np.zeros((0, text.shape[1]), np.float32)
    if over_time:
        middle = middles(starts, win, hop, rate, duration)    # as sound events do
        spans = [middle[s] for s in starts]
    else:
        audio = audio.mean(axis=0, keepdims=True)
        audio /= max(float(np.linalg.norm(audio)), 1e-12)
        spans = [(0.0, duration)]
    kind = params.get("score", "relative")
    values = scores_of(audio @ text.T, clap.scale, kind)
    table = ScoreTable(prompts, np.array(spans), values, float(params.get("threshold", 0.5)), kind=kind)
    if not over_time:
        ranked = sorted(zip(prompts, values[0]), key=lambda x: -x[1])
        yield Note(", ".join(f"{p} {v:.2f}" for p, v in ranked[:8]))
    yield Scores(table)
    yield Partial(table.regions())
