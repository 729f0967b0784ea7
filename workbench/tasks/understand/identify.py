"""Speaker identification: enroll named voices from labelled speech into the voice library (in
the user's data folder), then name the speakers of other recordings by them.

Enrolling takes each region's text as the name of whoever speaks in it (run it on each region of
a Speakers track whose speakers were renamed).  Identifying diarizes the recording as "Who spoke
when" does, then names each speaker by the enrolled voice nearest to the mean of its windows'
vectors (cosine similarity): the name when the similarity reaches the threshold, "Unknown N"
below it.  Each turn's confidence is that similarity.  No Qt.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from workbench.core.regions import Region
from workbench.formats.voices import VoiceLibraryError, read_library, write_library
from workbench.tasks.events import Note, Partial, Progress, TaskError
from workbench.tasks.models import choose_device
from workbench.tasks.understand import speakers as S

LIBRARY = "voices.json"
PLACEHOLDER = re.compile(r"^(speaker|unknown)\s*\d*$", re.IGNORECASE)


def library_path(given: str = "") -> Path:
    if given:
        return Path(given).expanduser()
    from workbench.core import paths

    return paths.data_dir() / LIBRARY


def model_key(checkpoint: str | None) -> str:
    """The name voices are kept under: the bundled model, a Hub id (also when it arrives as a
    folder of the Hub cache), or a local folder's absolute path."""
    if not checkpoint or checkpoint == S.RESEMBLYZER:
        return S.RESEMBLYZER
    parts = Path(checkpoint).parts
    for i, part in enumerate(parts):
        if part.startswith("models--") and i + 1 < len(parts) and parts[i + 1] == "snapshots":
            return part[len("models--"):].replace("--", "/")
    path = Path(checkpoint)
    return str(path.resolve()) if path.exists() else checkpoint


def load(given: str = ""):
    try:
        return read_library(library_path(given))
    except VoiceLibraryError as exc:
        raise TaskError(f"The voice library is damaged and was left as it is: {exc}") from None


def voice_of(samples: np.ndarray, rate: int, checkpoint, cancelled, device: str):
    """(mean of unit window vectors, windows, seconds of speech) of one speaker's audio."""
    if rate != S.RATE:
        raise TaskError(f"speaker vectors are made at {S.RATE} Hz, not {rate} Hz")
    spans = yield from S.speech(samples, rate, cancelled)
    wins = S.windows(spans)
    if not wins:
        return None
    yield Progress(0.3, f"Loading {checkpoint or S.RESEMBLYZER}")
    model = S.voice_model(checkpoint, device)
    vecs = yield from S.vectors_of(model, samples, rate, wins, cancelled)
    return vecs.mean(axis=0), len(wins), sum(b - a for a, b in spans)


def enroll(inputs, params: dict, context):
    """Add this audio's speech to the voice called ``params["name"]``."""
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    name = str(params.get("name", "")).strip()
    if not name or name.lower() == "from regions":
        raise TaskError("Enrolling needs the speaker's name: run on each region of a track whose "
                        "regions are named after their speakers, or type the name")
    if PLACEHOLDER.match(name):
        raise TaskError(f"“{name}” is not a name yet: rename the speakers (double-click a turn, "
                        f"or in the Transcript) before enrolling them")
    library = load(params.get("library", ""))
    found = yield from voice_of(samples, rate, checkpoint, cancelled, choose_device(device))
    if found is None:
        yield Note(f"{name}: no speech found to enroll")
        return
    mean, count, seconds = found
    try:
        voice = library.enroll(model_key(checkpoint), name, mean, count, seconds)
        write_library(library_path(params.get("library", "")), library)
    except ValueError as exc:
        raise TaskError(str(exc)) from None
    except OSError as exc:
        raise TaskError(f"Could not save the voice library: {exc.strerror or exc}") from None
    yield Note(f"{name}: {seconds:.1f} s of speech enrolled ({voice.seconds:.0f} s in all)")


def match(centroids: np.ndarray, voices: dict, threshold: float) -> list[tuple[str | None, float]]:
    """For each unit centroid, the nearest voice's name and its similarity; None as the name
    when the nearest is below ``threshold``."""
    if not voices:
        return [(None, 0.0)] * len(centroids)
    names = list(voices)
    table = np.array([voices[n].vector for n in names], np.float64)
    table /= np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-12)
    sims = np.asarray(centroids, np.float64) @ table.T
    out = []
    for row in sims:
        best = int(row.argmax())
        out.append((names[best] if row[best] >= threshold else None, float(row[best])))
    return out


def identify(inputs, params: dict, context):
    """Who spoke when, by name: enrolled voices where they match, "Unknown N" elsewhere."""
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    key = model_key(checkpoint)
    voices = load(params.get("library", "")).voices(key)
    if not voices:
        raise TaskError(f"No voices are enrolled for {key} yet: name the speakers of a recording "
                        f"and run “Enroll voices” on each region of its Speakers track first")
    found = yield from S.diarize(samples, rate, params, checkpoint, cancelled, choose_device(device))
    if not found:
        return
    _, _, vecs, labels, spans = found
    k = int(labels.max()) + 1
    centroids = np.stack([vecs[labels == s].mean(axis=0) for s in range(k)])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
    named = match(centroids, voices, float(params.get("threshold", 0.8)))
    titles, strangers = [], 0
    for name, _ in named:
        if name is None:
            strangers += 1
            name = f"Unknown {strangers}"
        titles.append(name)
    yield Partial([Region(a, b, titles[s], confidence=round(named[s][1], 4)) for a, b, s in spans])
