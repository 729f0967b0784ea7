"""Content overview: speech / music / noise / silence regions, the quick first pass over a new
recording.  An AudioSet classifier (YAMNet bundled, or any AST-style checkpoint with AudioSet's
class names) scores short windows; the classes are pooled by the AudioSet ontology's branches,
quiet windows are silence whatever the model says, a three-window vote smooths the choice and
turns shorter than the least length join their neighbours."""
from __future__ import annotations

import numpy as np

from workbench.core.regions import Region
from workbench.core.scores import middles
from workbench.tasks.events import Partial, Progress, TaskCancelled, TaskError

GROUPS = ("speech", "music", "noise", "silence")
# The ontology's branches as runs of its class list (YAMNet's 521 and AudioSet's 527 keep the
# ontology's order): Human voice > Speech and the talk-like calls; Singing and Music; Silence.
SPEECH = (("Speech", "Speech synthesizer"), ("Shout", "Whispering"),
          ("Hubbub, speech noise, speech babble", "Hubbub, speech noise, speech babble"))
MUSIC = (("Singing", "Humming"), ("Music", "Scary music"))
SILENCE = (("Silence", "Silence"),)


def group_columns(labels) -> dict[str, np.ndarray]:
    """Column indices of each group in a classifier's label list; the rest are noise."""
    index = {name: i for i, name in enumerate(labels)}
    out, taken = {}, set()
    for group, runs in (("speech", SPEECH), ("music", MUSIC), ("silence", SILENCE)):
        cols = []
        for first, last in runs:
            if first not in index or last not in index:
                raise TaskError(f"the classifier has no “{first if first not in index else last}” "
                                f"class: the content overview needs an AudioSet classifier (YAMNet, "
                                f"or an AST fine-tuned on AudioSet)")
            cols += range(index[first], index[last] + 1)
        out[group] = np.array(sorted(set(cols) - taken), int)
        taken |= set(cols)
    out["noise"] = np.array([i for i in range(len(labels)) if i not in taken], int)
    return out


def pooled(probabilities: np.ndarray, columns: dict[str, np.ndarray]) -> np.ndarray:
    """(windows, 4) group scores: the strongest class of each branch."""
    return np.stack([probabilities[:, columns[g]].max(axis=1) if len(columns[g])
                     else np.zeros(len(probabilities)) for g in GROUPS], axis=1)


def decide(scores: np.ndarray, loudness_db: np.ndarray, silence_db: float) -> np.ndarray:
    """Each window's group: silence when quieter than ``silence_db``, else the best branch;
    then a vote of each window with its neighbours (one odd window does not make a region)."""
    choice = np.where(loudness_db < silence_db, GROUPS.index("silence"), scores.argmax(axis=1))
    if len(choice) >= 3:
        voted = choice.copy()
        for i in range(1, len(choice) - 1):
            a, b, c = choice[i - 1:i + 2]
            if a == c != b:
                voted[i] = a
        choice = voted
    return choice


def turns(choice: np.ndarray, spans: list[tuple[float, float]], min_s: float, hop_s: float) -> list:
    """Runs of one group as (group, start, end, windows); runs shorter than ``min_s`` join the
    longer of their neighbours, shortest first (as speaker turns do)."""
    from workbench.tasks.understand.speakers import absorb_short, runs_of

    if not len(choice):
        return []
    runs = absorb_short(runs_of(np.asarray(choice)), int(np.ceil(min_s / hop_s - 1e-9)))
    return [(g, spans[a][0], spans[b - 1][1], range(a, b)) for a, b, g in runs]


def run(inputs, params: dict, context):
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    from workbench.tasks.models import choose_device, load_pipeline, threads
    from workbench.tasks.understand import yamnet

    checkpoint = checkpoint or yamnet.YAMNET
    duration = len(samples) / rate
    yield Progress(0.0, f"Loading {checkpoint}")
    if checkpoint == yamnet.YAMNET:
        model = yamnet.load(threads())
        labels = model.labels
        win, hop = int(yamnet.PATCH_S * rate), int(yamnet.HOP_S * rate)
    else:
        device = choose_device(device)
        model = load_pipeline("audio-classification", "audio classification", checkpoint, device)
        labels = [model.model.config.id2label[i] for i in range(len(model.model.config.id2label))]
        win, hop = int(params["window_s"] * rate), max(1, int(params["hop_s"] * rate))
    columns = group_columns(labels)
    starts = list(range(0, max(1, len(samples) - win + hop), hop))
    if checkpoint == yamnet.YAMNET:
        yield Progress(0.1, "Listening")
        probabilities = model.probabilities(samples, cancelled)[:len(starts)]
        starts = starts[:len(probabilities)]
    else:
        column = {name: i for i, name in enumerate(labels)}
        probabilities = np.zeros((len(starts), len(labels)), np.float32)
        for n, s in enumerate(starts):
            if cancelled():
                raise TaskCancelled()
            for x in model({"raw": samples[s:s + win], "sampling_rate": rate}, top_k=len(labels)):
                probabilities[n, column[x["label"]]] = float(x["score"])
            yield Progress((n + 1) / len(starts), f"{n + 1}/{len(starts)} windows")
    loudness = np.array([10 * np.log10(np.mean(np.square(samples[s:s + win], dtype=np.float64)) + 1e-12)
                         for s in starts])
    scores = pooled(probabilities, columns)
    choice = decide(scores, loudness, params["silence_db"])
    middle = middles(starts, win, hop, rate, duration)
    spans = [middle[s] for s in starts]
    regions = []
    for g, a, b, members in turns(choice, spans, params["min_region_s"], hop / rate):
        confidence = float(np.mean([1.0 if GROUPS[g] == "silence" and loudness[i] < params["silence_db"]
                                    else scores[i, g] for i in members]))
        regions.append(Region(a, b, GROUPS[g], confidence=round(confidence, 3)))
    yield Partial(regions)
