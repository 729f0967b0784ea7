"""pyannote.audio as an optional diarization backend, for users who have it installed and a
Hugging Face token with the pipeline's terms accepted (its models are gated).  pyannote fetches
its own pipeline and sub-models into the shared Hugging Face cache; the workbench passes the
audio, the number of speakers and the device, and turns its answer into "Speaker N" turns.
No Qt."""
from __future__ import annotations

import numpy as np

from workbench.tasks.events import Progress, TaskCancelled, TaskError

PREFIX = "pyannote/"       # pyannote/speaker-diarization-3.1, pyannote/speaker-diarization-community-1


def is_pyannote(checkpoint: str | None) -> bool:
    return bool(checkpoint) and checkpoint.startswith(PREFIX)


def _pipeline(checkpoint: str, device: str):
    from workbench.tasks.models import cached

    def load():
        try:
            from pyannote.audio import Pipeline
        except ImportError as exc:
            raise TaskError(f"“{checkpoint}” runs on pyannote.audio, which is not installed: "
                            f"pip install pyannote.audio (MIT), accept the model's terms on its "
                            f"Hub page, and log in with `hf auth login`; or use the bundled voice "
                            f"model") from exc
        from huggingface_hub import get_token

        token = get_token()
        if not token:
            raise TaskError(f"“{checkpoint}” is gated: accept its terms on its Hub page, then log "
                            f"in with `hf auth login` (or set HF_TOKEN) and run again")
        try:
            try:
                pipeline = Pipeline.from_pretrained(checkpoint, token=token)
            except TypeError:                      # pyannote 3.x names the argument otherwise
                pipeline = Pipeline.from_pretrained(checkpoint, use_auth_token=token)
        except Exception as exc:                   # noqa: BLE001 - network, gate, bad id: say it
            raise TaskError(f"pyannote could not load “{checkpoint}”: {exc}") from exc
        if pipeline is None:                       # pyannote 3.x returns None for a refused gate
            raise TaskError(f"pyannote could not load “{checkpoint}”: accept its terms on its Hub "
                            f"page with the account of your token")
        import torch

        pipeline.to(torch.device(device))
        return pipeline

    return cached(f"pyannote:{checkpoint}:{device}", load)


def diarize(samples: np.ndarray, rate: int, params: dict, checkpoint: str, cancelled=lambda: False,
            device: str = "cpu"):
    """Generator (progress) returning [(start, end, speaker index)], speakers numbered in the
    order they first speak."""
    import torch

    yield Progress(0.05, f"Loading {checkpoint}")
    pipeline = _pipeline(checkpoint, device)
    if cancelled():
        raise TaskCancelled()
    yield Progress(0.2, "pyannote is listening")
    n = int(params.get("speakers", 0))
    count = {"num_speakers": n} if n else {"max_speakers": int(params.get("max_speakers", 8))}
    waveform = torch.from_numpy(np.ascontiguousarray(samples, np.float32))[None]
    output = pipeline({"waveform": waveform, "sample_rate": rate}, **count)
    annotation = getattr(output, "speaker_diarization", output)   # pyannote 4 wraps it
    order: dict = {}
    turns = []
    for segment, _, speaker in sorted(annotation.itertracks(yield_label=True), key=lambda t: t[0].start):
        k = order.setdefault(speaker, len(order))
        turns.append((float(segment.start), float(segment.end), k))
    return turns
