"""Running a Generate task: parameters in, an ``AudioOutput`` with its provenance out.  No Qt."""
from __future__ import annotations

import time

from workbench import __version__
from workbench.tasks.events import AudioOutput, Progress, TaskResult


def run_generate(spec, params: dict, rate: int, cancelled=lambda: False, checkpoint: str | None = None):
    """Generator: yields Progress, returns a TaskResult holding one AudioOutput at ``rate``."""
    t0 = time.perf_counter()
    values = spec.parse_params(params)
    yield Progress(0.0, spec.title)
    samples = yield from spec.runner()(None, int(rate), values, cancelled=cancelled, checkpoint=checkpoint)
    provenance = {"task": spec.id, "params": values, "rate": int(rate),
                  "software": f"Audio Workbench {__version__}"}
    if checkpoint:
        provenance["model"] = checkpoint
    if "seed" in values:
        provenance["seed"] = values["seed"]
    name = describe(spec, values)
    return TaskResult(audio=[AudioOutput(name, samples, int(rate), provenance)],
                      seconds=time.perf_counter() - t0)


def describe(spec, values: dict) -> str:
    """A short clip name from the task and its most telling setting."""
    for key, unit in (("frequency", " Hz"), ("colour", ""), ("digits", ""), ("tempo", " BPM")):
        if key in values:
            v = values[key]
            return f"{spec.title} {v:g}{unit}" if isinstance(v, float) else f"{spec.title} {v}{unit}"
    return spec.title


def metadata(output: AudioOutput) -> dict:
    """Tags for an exported file (WAV INFO / FLAC and Ogg Vorbis comments)."""
    import json

    prov = output.provenance
    return {"title": output.name, "software": prov.get("software", ""),
            "comment": json.dumps({k: v for k, v in prov.items() if k != "software"},
                                  ensure_ascii=False, sort_keys=True)}
