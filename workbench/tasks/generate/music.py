"""Music with MusicGen (transformers): from a text prompt, continuing the selected audio, or
following the selection's melody (musicgen-melody checkpoints).  Progress counts the decoder's
steps (one per 1/50 s of audio); Cancel raises inside the next step.  No Qt.

musicgen-melody's own processor needs torchaudio (its STFT and resampler), which has no build for
every torch; the chroma it feeds the model is computed here with numpy instead, to the same recipe
(centred periodic-Hann STFT, power normalised by the window, librosa's chroma filters, one-hot of
the strongest pitch class per frame), from the checkpoint's preprocessor_config.json."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from workbench.tasks.events import Progress, TaskError
from workbench.tasks.generate.engine import (inference, Rendered, Steps, as_frames, blocking, loading, model_type,
                                             on_helper, seed_everything, torch_dtype)
from workbench.tasks.models import cached, choose_device

DEFAULT = "facebook/musicgen-small"
DELAY = 3     # MusicGen's delay pattern costs a few steps that make no audio


def _load(folder: str, device: str):
    kind = model_type(folder)
    if kind not in ("musicgen", "musicgen_melody"):
        raise TaskError(f"“{folder}” is not a MusicGen checkpoint (its config says “{kind or 'nothing'}”)")

    def load():
        if kind == "musicgen_melody":
            from transformers import AutoTokenizer
            from transformers import MusicgenMelodyForConditionalGeneration as Model

            processor = MelodyInputs(AutoTokenizer.from_pretrained(folder), _features_config(folder))
        else:
            from transformers import AutoProcessor
            from transformers import MusicgenForConditionalGeneration as Model

            processor = AutoProcessor.from_pretrained(folder)
        return kind, processor, Model.from_pretrained(folder, dtype=torch_dtype(device)).to(device).eval()

    return cached(f"music:{folder}:{device}", lambda: loading(folder, "MusicGen", load))


# what the chroma reads from preprocessor_config.json, the default, and the range it must be in
FEATURES = {"sampling_rate": (32000, 8000, 192000), "n_fft": (16384, 256, 65536),
            "hop_length": (4096, 64, 65536), "num_chroma": (12, 1, 48), "chunk_length": (30, 1, 60)}


def _features_config(folder: str) -> dict:
    """The chroma settings of a melody checkpoint: defaults where the file or a key is missing,
    a message (not a traceback, not a huge allocation) where a value is not a sane number."""
    try:
        config = json.loads((Path(folder) / "preprocessor_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        config = {}
    config = config if isinstance(config, dict) else {}
    out = {}
    for key, (default, low, high) in FEATURES.items():
        value = config.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high \
                or value != int(value):
            raise TaskError(f"“{folder}” has a damaged preprocessor_config.json: {key} is {value!r}, "
                            f"not a whole number from {low} to {high}")
        out[key] = int(value)
    return out


def melody_chroma(audio: np.ndarray, config: dict) -> np.ndarray:
    """(frames, num_chroma) one-hot float32: the strongest pitch class of each frame of mono audio
    at config's sampling_rate, as MusicgenMelodyFeatureExtractor computes it (at most chunk_length
    seconds; a frame every hop_length samples)."""
    from transformers.audio_utils import chroma_filter_bank

    n_fft, hop = int(config.get("n_fft", 16384)), int(config.get("hop_length", 4096))
    rate, n_chroma = int(config.get("sampling_rate", 32000)), int(config.get("num_chroma", 12))
    x = np.asarray(audio, dtype=np.float32)[: int(config.get("chunk_length", 30)) * rate]
    if len(x) < n_fft:                  # too short for one frame: centred in silence
        pad = n_fft - len(x)
        x = np.pad(x, (pad // 2, pad - pad // 2))
    x = np.pad(x, n_fft // 2, mode="reflect")
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n_fft) / n_fft)).astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(x, n_fft)[::hop]
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2 / float(np.sum(window ** 2))
    filters = chroma_filter_bank(sampling_rate=rate, num_frequency_bins=n_fft, tuning=0, num_chroma=n_chroma)
    raw = power @ filters.T
    chroma = np.zeros(raw.shape, dtype=np.float32)
    chroma[np.arange(len(raw)), raw.argmax(axis=1)] = 1.0
    return chroma


class MelodyInputs:
    """Called as the model's processor would be: the text through the checkpoint's tokenizer, the
    selection (at the model's rate) as chroma input_features."""

    def __init__(self, tokenizer, config: dict):
        self.tokenizer, self.config = tokenizer, config

    def __call__(self, text, padding=True, return_tensors="pt", audio=None, sampling_rate=None):
        import torch

        inputs = dict(self.tokenizer(text, padding=padding, return_tensors=return_tensors))
        if audio is not None:
            rate = int(self.config.get("sampling_rate", 32000))
            if sampling_rate != rate:
                raise TaskError(f"the melody must be at {rate} Hz, not {sampling_rate} Hz")
            inputs["input_features"] = torch.from_numpy(melody_chroma(audio, self.config))[None]
        return inputs


def render_music(inputs, values: dict, context):
    selection, cancelled, checkpoint, device = inputs.take, context.cancelled, context.model, context.device
    prompt = values["text"].strip()
    use = values["use_selection"]
    if not prompt and use == "ignore":
        raise TaskError("Describe the music to make (genre, instruments, mood, tempo)")
    device = choose_device(device)
    yield Progress(0.0, f"Loading {checkpoint}")
    kind, processor, model = yield from on_helper(lambda: _load(checkpoint, device), f"Loading {checkpoint}",
                                                  cancelled)
    frame_rate = int(model.config.audio_encoder.frame_rate)
    out_rate = int(model.config.audio_encoder.sampling_rate)
    kwargs: dict = {}
    prompt_frames = 0
    if use != "ignore":
        if selection is None:
            raise TaskError("Select the audio to continue (or set Selection to “ignore”)")
        in_rate = out_rate
        if kind == "musicgen_melody":       # the chroma's rate, which may differ from the codec's
            in_rate = int(processor.config.get("sampling_rate", out_rate))
        audio = selection(in_rate)
        if len(audio) < in_rate // 10:
            raise TaskError("The selection is too short: select at least a tenth of a second")
        if use == "as the melody" and kind != "musicgen_melody":
            raise TaskError("Following a melody needs a musicgen-melody checkpoint "
                            "(facebook/musicgen-melody); this one can continue the selection instead")
        if use == "continue it" and kind == "musicgen_melody":
            raise TaskError("musicgen-melody follows a melody but does not continue audio: use "
                            "facebook/musicgen-small (or medium, large) to continue the selection")
        audio = audio[: 30 * in_rate]
        kwargs["audio"] = audio
        kwargs["sampling_rate"] = in_rate
        if use == "continue it":
            prompt_frames = len(audio)
    inputs = processor(text=[prompt or "music"], padding=True, return_tensors="pt", **kwargs)
    inputs = {k: v.to(device) for k, v in inputs.items()}
    if "input_values" in inputs:
        inputs["input_values"] = inputs["input_values"].to(model.dtype)
    if "input_features" in inputs:
        inputs["input_features"] = inputs["input_features"].to(model.dtype)
    new_tokens = int(round(float(values["duration"]) * frame_rate)) + DELAY
    settings = dict(max_new_tokens=new_tokens, do_sample=True, guidance_scale=float(values["guidance"]),
                    temperature=float(values["temperature"]), top_k=int(values["top_k"]))
    if float(values["top_p"]) > 0:
        settings["top_p"] = float(values["top_p"])
    seed_everything(int(values["seed"]))     # MusicGen rejects generator=: the global seed it is
    steps = Steps(new_tokens + 1, "steps", cancelled)
    handle = steps.hook(model.decoder)
    try:
        audio = yield from blocking(inference(lambda: model.generate(**inputs, **settings)), steps, "Composing")
    finally:
        handle.remove()
    frames = as_frames(audio)
    if prompt_frames:      # generate returns the prompt it continued, then the new music
        frames = frames[prompt_frames:]
    extra = {"engine": "MusicGen", "text": prompt, "use_selection": use}
    return [Rendered(frames, out_rate, prompt[:60] or "Continuation", 0.0, extra,
                     anchor="end" if prompt_frames else "")]
