"""Text to speech with any transformers checkpoint of three families, told apart by the
checkpoint's config: VITS / MMS-TTS (one forward pass per sentence), SpeechT5 (a speaker
x-vector and a HiFi-GAN vocoder) and Bark (voice presets, ♪ sung ♪ text, [laughs]-style cues);
and the local voice that ships with the workbench, Kokoro (local_voices.py), which needs no
download.

Long text is cut at sentence ends (engine.split_text); the pieces become one clip with the
pauses kept, or a clip each.  No Qt.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.tasks.events import Progress, TaskCancelled, TaskError
from workbench.tasks.generate.engine import (Rendered, Steps, as_frames, blocking, inference, join_pieces,
                                             loading, model_type, on_helper, seed_everything,
                                             split_text, torch_dtype)
from workbench.tasks.generate import local_voices
from workbench.tasks.models import cached, choose_device, fetch, threads
from workbench.tasks.spec import is_bundled

DEFAULT = "facebook/mms-tts-eng"
VOCODER = "microsoft/speecht5_hifigan"
SPEAKER_MODEL = "microsoft/wavlm-base-plus-sv"
FAMILIES = {"vits": "VITS", "speecht5": "SpeechT5", "bark": "Bark", "kokoro": "Kokoro"}


def _load_local(checkpoint: str):
    if checkpoint != local_voices.KOKORO:
        raise TaskError(f"There is no built-in voice “{checkpoint}”; the built-in one is {local_voices.KOKORO}")
    from workbench.core.paths import cache_dir

    return "kokoro", None, cached(f"tts:{checkpoint}", lambda: local_voices.load(cache_dir() / "voices", threads()))


def _load(folder: str, device: str):
    kind = model_type(folder)
    if kind not in FAMILIES:
        raise TaskError(f"“{folder}” is not a speech model this program can run (its config says "
                        f"“{kind or 'nothing'}”; VITS/MMS-TTS, SpeechT5 and Bark checkpoints work)")

    def load():
        from transformers import AutoModel, AutoProcessor, AutoTokenizer

        if kind == "vits":
            from transformers import VitsModel

            return kind, AutoTokenizer.from_pretrained(folder), VitsModel.from_pretrained(
                folder, dtype=torch_dtype(device)).to(device).eval()
        if kind == "speecht5":
            from transformers import SpeechT5ForTextToSpeech

            return kind, AutoProcessor.from_pretrained(folder), SpeechT5ForTextToSpeech.from_pretrained(
                folder, dtype=torch_dtype(device)).to(device).eval()
        return kind, AutoProcessor.from_pretrained(folder), AutoModel.from_pretrained(
            folder, dtype=torch_dtype(device)).to(device).eval()

    return cached(f"tts:{folder}:{device}", lambda: loading(folder, "speech", load))


def render_tts(inputs, values: dict, context):
    """Task runner: yields Progress, returns a list of Rendered (one, or one per sentence)."""
    selection, cancelled, checkpoint, device = inputs.take, context.cancelled, context.model, context.device

    text = values["text"].strip()
    if not text:
        raise TaskError("Type the text to speak")
    device = choose_device(device)
    yield Progress(0.0, f"Loading {checkpoint}")
    load = (lambda: _load_local(checkpoint)) if is_bundled(checkpoint) else (lambda: _load(checkpoint, device))
    kind, processor, model = yield from on_helper(load, f"Loading {checkpoint}", cancelled)
    pieces = split_text(text)
    voice = yield from _voice(kind, values, selection, processor, cancelled, device)
    out_rate = _rate(kind, model, processor)
    parts = []
    for i, piece in enumerate(pieces):
        if cancelled():
            raise TaskCancelled()
        seed_everything(int(values["seed"]) + i)
        what = f"Sentence {i + 1}/{len(pieces)}" if len(pieces) > 1 else "Speaking"
        span = 1.0 / len(pieces)
        if kind == "vits":
            model.speaking_rate = float(values["speaking_rate"])
            wave = yield from on_helper(lambda: _vits(model, processor, piece, device, cancelled), what, cancelled)
            yield Progress((i + 1) * span, what)
        elif kind == "kokoro":
            wave = yield from local_voices.speak(model, piece, values["voice"], float(values["speaking_rate"]),
                                                 cancelled, what)
            yield Progress((i + 1) * span, what)
        elif kind == "speecht5":
            wave = yield from _speecht5(model, processor, piece, voice, values, cancelled, device,
                                        what, i * span, span)
        else:
            wave = yield from _bark(model, processor, piece, voice, cancelled, device, what, i * span, span)
        parts.append(as_frames(wave)[:, 0])
    extra = {"engine": FAMILIES[kind], "text": text}
    if values["voice"] or kind == "kokoro":
        extra["voice"] = values["voice"] or local_voices.VOICES[0]
    elif kind == "speecht5":
        extra["voice"] = "the selection" if selection is not None else local_voices.VOICES[0]
    if values["pieces"] == "a clip per sentence" and len(parts) > 1:
        out, at = [], 0.0
        for piece, wave in zip(pieces, parts):
            out.append(Rendered(wave[:, None], out_rate, _name(piece), at, dict(extra, text=piece)))
            at += len(wave) / out_rate + float(values["pause"])
        return out
    joined = join_pieces(parts, out_rate, float(values["pause"]))
    return [Rendered(joined[:, None], out_rate, _name(text), 0.0, extra)]


def _name(text: str) -> str:
    words = text.split()
    return " ".join(words[:6]) + ("…" if len(words) > 6 else "")


def _rate(kind: str, model, processor) -> int:
    if kind == "vits":
        return int(model.config.sampling_rate)
    if kind == "bark":
        return int(model.generation_config.sample_rate)
    if kind == "kokoro":
        return local_voices.RATE
    return 16000   # SpeechT5's HiFi-GAN writes 16 kHz


def _vits(model, tokenizer, text: str, device: str, cancelled=lambda: False):
    """One forward pass; Cancel is checked before each of its layers and vocoder blocks (a
    long sentence on a CPU takes seconds), so it answers within a fraction of a second."""
    import torch

    inputs = tokenizer(text, return_tensors="pt").to(device)
    if inputs["input_ids"].shape[-1] == 0:
        raise TaskError(f"The model's tokenizer keeps nothing of “{text}”: it does not read this "
                        f"script (MMS voices read one language each; uroman romanizes others)")
    steps = Steps(1, "", cancelled)
    blocks = [*model.text_encoder.encoder.layers, *model.flow.flows, *model.decoder.resblocks]
    handles = [steps.hook(b) for b in blocks]
    try:
        with torch.inference_mode():
            return model(**inputs).waveform
    finally:
        for h in handles:
            h.remove()


def _speecht5(model, processor, text, voice, values, cancelled, device, what, base, span):
    from transformers import SpeechT5HifiGan

    vocoder_id = values["vocoder"] or VOCODER
    folder = yield from fetch(vocoder_id, cancelled)
    vocoder = yield from on_helper(lambda: cached(f"vocoder:{folder}:{device}", lambda: loading(
        vocoder_id, "HiFi-GAN vocoder",
        lambda: SpeechT5HifiGan.from_pretrained(folder, dtype=torch_dtype(device)).to(device).eval())),
        "Loading the vocoder", cancelled)
    inputs = processor(text=text, return_tensors="pt")
    ids = inputs["input_ids"].to(device)
    # the decoder runs once per 2 spectrogram frames; the model stops on its own, 20x the text at most
    steps = Steps(ids.shape[-1] * 20 // model.config.reduction_factor, "frames", cancelled)
    handle = steps.hook(model.speecht5.decoder)
    try:
        speak = inference(lambda: model.generate_speech(ids, voice.to(device, model.dtype), vocoder=vocoder,
                                                        maxlenratio=20.0))
        return (yield from blocking(speak, steps, what, base, span))
    finally:
        handle.remove()


def _bark(model, processor, text, voice, cancelled, device, what, base, span):
    inputs = processor(text, voice_preset=voice or None, return_tensors="pt")
    inputs = {k: (v.to(device) if hasattr(v, "to") else v) for k, v in inputs.items()}
    if "history_prompt" in inputs:
        inputs["history_prompt"] = {k: v.to(device) for k, v in inputs["history_prompt"].items()}
    semantic = int(model.generation_config.semantic_config.get("max_new_tokens") or 768)
    steps = Steps(semantic * 2, "tokens", cancelled)   # semantic tokens, then (about as many) coarse ones
    handles = [steps.hook(model.semantic), steps.hook(model.coarse_acoustics), steps.hook(model.fine_acoustics)]
    try:
        bark = inference(lambda: model.generate(**inputs, do_sample=True))
        return (yield from blocking(bark, steps, what, base, span))
    finally:
        for h in handles:
            h.remove()


def _voice(kind, values, selection, processor, cancelled, device):
    """The voice: SpeechT5 needs a speaker x-vector (of a preset, from a .npy file, or computed
    from the selected speech; a preset when there is neither name nor selection); Bark takes a
    preset name; VITS voices are fixed by the checkpoint."""
    import torch

    name = values["voice"].strip()
    if kind == "bark":
        if name and processor.speaker_embeddings is not None and name not in processor.speaker_embeddings:
            known = sorted(k for k in processor.speaker_embeddings if k != "repo_or_path")
            raise TaskError(f"Bark has no voice preset “{name}”; this checkpoint has: "
                            f"{', '.join(known[:12])}{'…' if len(known) > 12 else ''}")
        if name and processor.speaker_embeddings is None:
            raise TaskError(f"This Bark checkpoint ships no voice presets, so “{name}” cannot be used; "
                            f"leave Voice empty")
        return name
    if kind != "speecht5":
        return None
    if name in local_voices.VOICES or (not name and selection is None):
        preset = name or local_voices.VOICES[0]
        yield Progress(0.0, f"Taking the voice of the preset {preset}")
        selection = yield from preset_recording(preset, cancelled)
        return (yield from speaker_vector(selection, values["speaker_model"] or SPEAKER_MODEL, cancelled, device))
    if name:
        path = Path(name).expanduser()
        try:
            vector = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise TaskError(f"The voice “{name}” could not be read: give a preset "
                            f"({', '.join(local_voices.VOICES)}) or a .npy file holding one speaker "
                            f"x-vector ({exc})") from exc
        vector = np.asarray(vector, np.float32).reshape(-1)
        if vector.size != 512 or not np.isfinite(vector).all():
            raise TaskError(f"The voice file “{name}” holds {vector.size} numbers; a SpeechT5 voice "
                            f"is a 512-number speaker x-vector")
        return torch.from_numpy(vector)[None]
    yield Progress(0.0, "Taking the voice from the selection")
    return (yield from speaker_vector(selection, values["speaker_model"] or SPEAKER_MODEL, cancelled, device))


PRESET_TEXT = ("The north wind and the sun were disputing which was the stronger, when a traveller "
               "came along wrapped in a warm cloak.")


def preset_recording(voice: str, cancelled=lambda: False):
    """Generator: a SpeechT5 voice preset is a recording of one of the local voices reading a
    fixed passage (made here, offline), from which the named x-vector model takes the voice just
    as it takes one from a selection; returns it as a selection (a function of the rate)."""
    import soxr

    _, _, kokoro = yield from on_helper(lambda: _load_local(local_voices.KOKORO), "Loading the preset voices",
                                        cancelled)
    audio = yield from local_voices.speak(kokoro, PRESET_TEXT, voice, 1.0, cancelled, f"Reading as {voice}")
    return lambda rate: soxr.resample(audio, local_voices.RATE, rate).astype(np.float32)


def speaker_vector(selection, checkpoint: str, cancelled=lambda: False, device: str = "cpu"):
    """Generator: a unit-length speaker x-vector (1, 512) of the selected speech, by a
    transformers x-vector model (WavLM/wav2vec 2.0 ...ForXVector)."""
    import torch
    from transformers import AutoFeatureExtractor, AutoModelForAudioXVector

    folder = yield from fetch(checkpoint, cancelled)

    def load():
        return (AutoFeatureExtractor.from_pretrained(folder),
                AutoModelForAudioXVector.from_pretrained(folder).to(device).eval())

    fe, model = yield from on_helper(lambda: cached(f"xvector:{folder}:{device}", lambda: loading(
        checkpoint, "speaker x-vector", load)), "Loading the voice model", cancelled)
    audio = selection(int(fe.sampling_rate))
    if len(audio) < fe.sampling_rate // 2:
        raise TaskError("The selection is too short to take a voice from: select at least a second of speech")
    inputs = fe(audio[: 30 * fe.sampling_rate], sampling_rate=fe.sampling_rate, return_tensors="pt")

    def embed():
        with torch.inference_mode():
            return model(**{k: v.to(device) for k, v in inputs.items()}).embeddings

    emb = yield from on_helper(embed, "Taking the voice", cancelled)
    if emb.shape[-1] != 512:
        raise TaskError(f"“{checkpoint}” makes {emb.shape[-1]}-number speaker vectors; SpeechT5 needs 512")
    return torch.nn.functional.normalize(emb.float().cpu(), dim=-1)
