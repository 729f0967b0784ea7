"""Music with MusicGen (transformers): from a text prompt, continuing the selected audio, or
following the selection's melody (musicgen-melody checkpoints).  Progress counts the decoder's
steps (one per 1/50 s of audio); Cancel raises inside the next step.  No Qt."""
from __future__ import annotations

from workbench.tasks.events import Progress, TaskError
from workbench.tasks.generate.engine import (Rendered, Steps, as_frames, blocking, loading, model_type,
                                             on_helper, seed_everything, torch_dtype)
from workbench.tasks.models import cached, choose_device

DEFAULT = "facebook/musicgen-small"
DELAY = 3     # MusicGen's delay pattern costs a few steps that make no audio


def _load(folder: str, device: str):
    kind = model_type(folder)
    if kind not in ("musicgen", "musicgen_melody"):
        raise TaskError(f"“{folder}” is not a MusicGen checkpoint (its config says “{kind or 'nothing'}”)")

    def load():
        from transformers import AutoProcessor

        if kind == "musicgen_melody":
            from transformers import MusicgenMelodyForConditionalGeneration as Model
        else:
            from transformers import MusicgenForConditionalGeneration as Model
        return kind, AutoProcessor.from_pretrained(folder), Model.from_pretrained(
            folder, dtype=torch_dtype(device)).to(device).eval()

    return cached(f"music:{folder}:{device}", lambda: loading(folder, "MusicGen", load))


def render_music(selection, rate, values: dict, cancelled=lambda: False, checkpoint=None, device="auto"):
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
        audio = selection(out_rate)
        if len(audio) < out_rate // 10:
            raise TaskError("The selection is too short: select at least a tenth of a second")
        if use == "as the melody" and kind != "musicgen_melody":
            raise TaskError("Following a melody needs a musicgen-melody checkpoint "
                            "(facebook/musicgen-melody); this one can continue the selection instead")
        if use == "continue it" and kind == "musicgen_melody":
            raise TaskError("musicgen-melody follows a melody but does not continue audio: use "
                            "facebook/musicgen-small (or medium, large) to continue the selection")
        audio = audio[: 30 * out_rate]
        kwargs["audio"] = audio
        kwargs["sampling_rate"] = out_rate
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
        audio = yield from blocking(lambda: model.generate(**inputs, **settings), steps, "Composing")
    finally:
        handle.remove()
    frames = as_frames(audio)
    if prompt_frames:      # generate returns the prompt it continued, then the new music
        frames = frames[prompt_frames:]
    extra = {"engine": "MusicGen", "text": prompt, "use_selection": use}
    return [Rendered(frames, out_rate, prompt[:60] or "Continuation", 0.0, extra,
                     anchor="end" if prompt_frames else "")]
