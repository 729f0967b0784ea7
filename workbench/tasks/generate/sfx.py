"""Sound effects by text-to-audio diffusion (diffusers): AudioLDM 2, AudioLDM and Stable Audio
Open, whichever pipeline the checkpoint's model_index.json names.  Progress per denoising step
through the pipeline's step callback, which also raises to cancel; seeds through a CPU
torch.Generator, so the same seed repeats.  No Qt."""
from __future__ import annotations

import json
from pathlib import Path

from workbench.tasks.events import Progress, TaskError
from workbench.tasks.generate.engine import (Rendered, Steps, as_frames, blocking, inference, loading, on_helper,
                                             torch_dtype)
from workbench.tasks.models import cached, choose_device

DEFAULT = "cvssp/audioldm2"
PIPELINES = ("AudioLDM2Pipeline", "AudioLDMPipeline", "StableAudioPipeline")


def _load(folder: str, device: str):
    try:
        index = json.loads((Path(folder) / "model_index.json").read_text(encoding="utf-8"))
        name = index.get("_class_name", "")
    except (OSError, ValueError, AttributeError):
        name = ""
    if name not in PIPELINES:
        raise TaskError(f"“{folder}” is not a text-to-audio diffusion checkpoint this program runs "
                        f"({name or 'no model_index.json'}; AudioLDM 2, AudioLDM and Stable Audio work)")

    def load():
        try:
            import diffusers
        except ImportError as exc:
            raise TaskError("Sound effects need diffusers: pip install diffusers") from exc
        pipe = getattr(diffusers, name).from_pretrained(folder, dtype=torch_dtype(device),
                                                        use_safetensors=None)
        pipe.set_progress_bar_config(disable=True)
        return name, pipe.to(device)

    return cached(f"sfx:{folder}:{device}", lambda: loading(folder, "text-to-audio", load))


def output_rate(name: str, pipe) -> int:
    if name == "StableAudioPipeline":
        return int(pipe.vae.sampling_rate)
    return int(pipe.vocoder.config.sampling_rate)


def render_sfx(inputs, values: dict, context):
    cancelled, checkpoint, device = context.cancelled, context.model, context.device
    import torch

    prompt = values["text"].strip()
    if not prompt:
        raise TaskError("Describe the sound to make (“rain on a tin roof, distant thunder”)")
    device = choose_device(device)
    yield Progress(0.0, f"Loading {checkpoint}")
    name, pipe = yield from on_helper(lambda: _load(checkpoint, device), f"Loading {checkpoint}", cancelled)
    n = int(values["steps"])
    steps = Steps(n, "steps", cancelled)
    args = dict(prompt=prompt, num_inference_steps=n, guidance_scale=float(values["guidance"]),
                negative_prompt=values["negative"].strip() or None,
                generator=torch.Generator("cpu").manual_seed(int(values["seed"])),
                callback=steps.tick, callback_steps=1)
    if name == "StableAudioPipeline":
        args["audio_end_in_s"] = float(values["duration"])
    else:
        args["audio_length_in_s"] = float(values["duration"])
    try:
        result = yield from blocking(inference(lambda: pipe(**args)), steps, "Denoising")
    except (ValueError, TypeError) as exc:    # a duration or step count the pipeline refuses
        raise TaskError(f"{name[:-8]} refused these settings: {exc}") from exc
    audio = as_frames(result.audios[0])
    extra = {"engine": name[:-8], "text": prompt}
    if values["negative"].strip():
        extra["negative"] = values["negative"].strip()
    return [Rendered(audio, output_rate(name, pipe), prompt[:60], 0.0, extra)]
