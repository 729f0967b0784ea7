"""Train a classifier from the user's labels: a task of the general kind (tasks/job.py), label
tracks and files in, a model folder out.  No Qt.

Head mode: the backbone is frozen; each recording's frames are embedded once and cached
(``understand/embeddings.embed``), each labelled region is the mean of its own frames, and a
linear head is fitted on them together with each region heard alone (``clip_vectors``, cached
too): a head that learnt regions only in context scored 0.63 on regions heard alone, as
Classify hears them (YAMNet, tones and noise bursts with a background class; both views: 1.0).
The held-out scores come from a head fitted without the held-out examples; the head written to
the folder is then fitted on every example.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.tasks.events import ModelOutput, Progress, TaskCancelled, TaskError, TaskResult
from workbench.tasks.understand import embeddings as bb
from workbench.tasks.teach import head as hd
from workbench.tasks.teach.examples import Dataset, choose, from_paths, split


@dataclass
class Trained:
    head: hd.Head
    metrics: dict
    summary: dict
    backbone: dict
    cached: int = 0                  # recordings whose frames came from the cache


def parse_merge(text: str) -> dict:
    """``"chirp=bird, trill=bird"`` -> {"chirp": "bird", "trill": "bird"}."""
    out = {}
    for part in str(text or "").replace(";", ",").split(","):
        if "=" in part:
            a, b = (s.strip() for s in part.split("=", 1))
            if a and b:
                out[a] = b
        elif part.strip():
            raise TaskError(f"“{part.strip()}”: a merge is written OLD=NEW (chirp=bird)")
    return {k: v for k, v in out.items() if k != v}


def vectors(data: Dataset, model: bb.Backbone, cancelled=lambda: False, share=(0.0, 0.9)):
    """Two vectors per example, recording by recording (each embedded once, cached): its own
    frames pooled from the whole recording, and the example heard alone (as Classify hears a
    region).  Yields Progress; returns (in context, alone, recordings found in the cache)."""
    from workbench.tasks.runner import load_input

    inside = alone = None
    by_recording: dict[int, list[int]] = {}
    for i, e in enumerate(data.examples):
        by_recording.setdefault(e.recording, []).append(i)
    used = sorted(by_recording)
    hits = 0
    t0 = time.monotonic()
    for n, k in enumerate(used):
        if cancelled():
            raise TaskCancelled()
        rec = data.recordings[k]
        samples = load_input(rec.audio, 0.0, rec.audio.frames / rec.audio.sample_rate, model.rate)
        frames, hit = bb.embed(model, samples, cancelled)
        hits += hit
        mine = by_recording[k]
        spans = [(data.examples[i].start, data.examples[i].end) for i in mine]
        own = bb.clip_vectors(model, samples, spans, cancelled)
        if inside is None:
            inside = np.zeros((len(data.examples), frames.shape[1]), np.float32)
            alone = np.zeros_like(inside)
        for i, v in zip(mine, own):
            e = data.examples[i]
            inside[i] = bb.pool(frames, model.hop, model.window, e.start, e.end)
            alone[i] = v
        a, b = share
        yield Progress(a + (b - a) * (n + 1) / len(used),
                       f"Embedded {n + 1} of {len(used)} recordings ({time.monotonic() - t0:.0f} s)")
    return inside, alone, hits


def learn(data: Dataset, backbone_name: str | None, device: str = "cpu", held_out: float = 0.25,
          cancelled=lambda: False):
    """Embed, split, fit, measure, fit on everything: a generator that returns a ``Trained``."""
    yield Progress(0.0, f"Loading {backbone_name or bb.YAMNET}")
    model = bb.backbone(backbone_name, device)
    inside, alone, hits = yield from vectors(data, model, cancelled)
    labels = [e.label for e in data.examples]
    classes = sorted(set(labels))
    train_i, test_i, how = split(data, held_out)
    yield Progress(0.92, "Fitting the head")
    trial = hd.fit(np.vstack([inside[train_i], alone[train_i]]), [labels[i] for i in train_i] * 2)
    # measured as Classify will use it: each held-out region heard alone
    guess = [trial.classes[j] for j in trial.probabilities(alone[test_i]).argmax(axis=1)]
    metrics = hd.measure([labels[i] for i in test_i], guess, classes)
    final = hd.fit(np.vstack([inside, alone]), labels * 2, start=trial)
    counts = data.counts()
    summary = {"examples": len(labels), "recordings": len({e.recording for e in data.examples}),
               "held_out": len(test_i), "split": how, "counts": {c: counts[c] for c in classes},
               "warnings": list(data.warnings)}
    yield Progress(1.0, "Trained")
    return Trained(final, metrics, summary, model.describe(), hits)


def trained_folders() -> list[str]:
    """The classifiers trained here (in the data folder's classifiers/), newest first."""
    from workbench.core.paths import data_dir

    root = data_dir() / "classifiers"
    try:
        found = [p for p in root.iterdir() if (p / "config.json").exists() and not p.name.endswith((".writing", ".old"))]
    except OSError:
        return []
    return [str(p) for p in sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)]


def default_folder(name: str):
    from workbench.core.paths import data_dir

    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name.strip()) or "classifier"
    return data_dir() / "classifiers" / safe


def train(inputs, params, context):
    """The task: the label tracks of the document (with its audio) and any projects or folders
    given; returns the model folder as a typed output."""
    data = Dataset()
    if inputs.labels and inputs.audio is not None:
        data.add(getattr(inputs.audio, "name", "") or "this project", inputs.audio, inputs.labels)
    for name, audio, labels in inputs.more_labels:        # other open documents' answers
        if labels and audio is not None:
            data.add(name, audio, labels)
    more = [p.strip() for p in str(params.get("more", "")).split(";") if p.strip()]
    heard = getattr(inputs.audio, "path", None)          # the audio the label tracks label: read above
    files = [f for f in inputs.files if not (heard and Path(f).resolve() == Path(heard).resolve())] + more
    if files:
        from_paths(files, data, inputs.file_tracks)
    if not data.examples:
        raise TaskError("nothing to learn from: label regions on a label track (or give audio with "
                        "label files beside it), then train")
    classes = [c for c in str(params.get("classes", "")).split(",") if c.strip()]
    chosen = choose(data, classes, parse_merge(params.get("merge", "")), bool(params.get("background")))
    where = context.output or default_folder(str(params.get("name", "classifier")))
    held = float(params.get("held_out", 0.25))
    if params.get("mode", "head") == "fine-tune":
        from workbench.tasks.teach import finetune as ft
        from workbench.tasks.spec import is_bundled

        if not context.model or is_bundled(context.model):
            raise TaskError("fine-tuning changes a transformers model's own weights: choose one (wav2vec 2.0, "
                            "HuBERT, WavLM, AST, Whisper) as the model, or train a head on this one")
        tuned = yield from ft.finetune(chosen, context.model, _device(context.device), held,
                                       int(params.get("epochs", 10)), cancelled=context.cancelled)
        if context.cancelled():
            raise TaskCancelled()
        folder = ft.save(where, tuned)
        found, m, summary = tuned.classes, tuned.metrics, tuned.summary
    else:
        done = yield from learn(chosen, context.model, _device(context.device), held, context.cancelled)
        if context.cancelled():
            raise TaskCancelled()
        folder = hd.save(where, done.head, done.backbone, done.summary, done.metrics)
        found, m, summary = done.head.classes, done.metrics, done.summary
    return TaskResult(models=[ModelOutput(str(folder), ("classify", "tag"), found, m, summary)],
                      notes=[f"A classifier of {len(found)} classes from {summary['examples']} "
                             f"examples: held-out accuracy {m['accuracy']:.0%}, macro-F1 {m['macro_f1']:.2f} "
                             f"({summary['split']}); saved in {folder}"] + summary["warnings"])


def _device(device: str) -> str:
    from workbench.tasks.models import choose_device

    return choose_device(device)
