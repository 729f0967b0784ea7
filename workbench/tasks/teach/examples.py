"""Training examples from the user's labels: label tracks of the open document, projects, or
audio files with label files beside them (any format the workbench reads).  Which classes,
merged or dropped, an optional background class from unlabelled stretches, and a held-out
split.  Every refusal says what to change.  No Qt.
"""
from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workbench.tasks.events import TaskError
from workbench.tasks.teach.review import is_answer, is_guesses

BACKGROUND = "background"
AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3", ".aif", ".aiff", ".opus", ".w64", ".caf")


@dataclass
class Recording:
    name: str
    audio: object                 # anything with read(a, b), sample_rate, frames
    looked: tuple | None = None   # (start, end) its hand labels span: what a person looked through


@dataclass(frozen=True)
class Example:
    recording: int                # index into the dataset's recordings
    start: float
    end: float
    label: str


@dataclass
class Dataset:
    recordings: list[Recording] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(e.label for e in self.examples)

    def add(self, name: str, audio, tracks) -> None:
        """One recording and its label tracks ((name, regions) pairs): a region outside the
        audio is cut to it or, wholly outside, left out with a warning."""
        duration = audio.frames / audio.sample_rate
        k = len(self.recordings)
        self.recordings.append(Recording(name, audio))
        outside = empty = 0
        spans, by_hand = [], []
        for _track, regions in tracks:
            for r in regions:
                text = r.text.strip()
                if not text:
                    empty += 1
                    continue
                a, b = max(0.0, r.start), min(duration, r.end)
                if b - a <= 1e-3:
                    outside += 1
                    continue
                self.examples.append(Example(k, a, b, text))
                spans.append((a, b, text))
                if not is_answer(r):
                    by_hand.append((a, b))
        if by_hand:
            self.recordings[k].looked = (min(a for a, _ in by_hand), max(b for _, b in by_hand))
        if outside:
            self.warnings.append(f"{name}: {outside} label(s) lie outside its {duration:.1f} s of audio "
                                 f"and were left out")
        if empty:
            self.warnings.append(f"{name}: {empty} label(s) without text were left out")
        spans.sort()
        clash = sum(1 for (a0, b0, t0), (a1, b1, t1) in zip(spans, spans[1:]) if a1 < b0 - 1e-3 and t0 != t1)
        if clash:
            self.warnings.append(f"{name}: {clash} pair(s) of labels with different texts overlap: "
                                 f"their audio teaches both classes")


def from_paths(paths, dataset: Dataset | None = None, only: dict | None = None) -> Dataset:
    """Projects (.awproj/.awbundle), audio files with label files beside them (same name, any
    label format), label files with their audio beside them, or folders of either.  ``only``:
    {project file: the names of its label tracks to read} (a project not in it: all its tracks
    of hand labels)."""
    from workbench.formats.labels import FORMATS

    data = dataset or Dataset()
    label_ext = tuple(e for f in FORMATS for e in f.extensions)
    pairs: list[tuple[Path, list[Path]]] = []
    named = {os.path.normcase(os.path.abspath(k)): v for k, v in (only or {}).items()}
    for given in map(Path, paths):
        if not given.exists():
            raise TaskError(f"“{given}” does not exist")
        if given.suffix.lower() in (".awproj", ".awbundle"):
            _add_project(data, given, named.get(os.path.normcase(os.path.abspath(given))))
            continue
        files = sorted(p for p in given.rglob("*") if p.is_file()) if given.is_dir() else [given]
        audio = [p for p in files if p.suffix.lower() in AUDIO_EXTENSIONS]
        labels = [p for p in files if p.name.lower().endswith(label_ext) and p not in audio]
        if not given.is_dir() and not audio:          # a label file: its audio lies beside it
            audio = [p for p in sorted(given.parent.iterdir()) if p.suffix.lower() in AUDIO_EXTENSIONS
                     and _beside(p, given)]
            if not audio:
                raise TaskError(f"“{given.name}” matches no audio: put the recording it labels beside "
                                f"it with the same name (say {given.name.split('.')[0]}.wav)")
            labels = [given]
        for a in audio:
            mine = [p for p in (labels if given.is_dir() or labels else sorted(a.parent.iterdir()))
                    if p.name.lower().endswith(label_ext) and _beside(a, p)]
            pairs.append((a, mine))
        lonely = [p for p in labels if not any(_beside(a, p) for a in audio) and _reads_as_labels(p)]
        if lonely:
            data.warnings.append(f"{len(lonely)} label file(s) match no audio (say "
                                 f"{lonely[0].name}): a label file needs its recording beside it")
    for audio_path, label_paths in pairs:
        if not label_paths:
            data.warnings.append(f"{audio_path.name}: no label file beside it")
            continue
        add_pair(data, audio_path, label_paths)
    return data


def add_pair(data: Dataset, audio_path, label_paths) -> None:
    """One recording and the label files that label it."""
    from workbench.core.audio import AudioOpenError, open_audio
    from workbench.formats.labels import LabelFormatError, read_labels

    tracks = []
    for p in label_paths:
        try:
            tracks += read_labels(p)
        except LabelFormatError as exc:
            raise TaskError(str(exc)) from None
    try:
        source = open_audio(audio_path).load_all()       # read before it is heard: not silence
    except AudioOpenError as exc:
        raise TaskError(str(exc)) from None
    data.add(Path(audio_path).name, source, tracks)


def _reads_as_labels(path: Path) -> bool:
    """Whether a file with a label format's extension holds labels: a folder given to Train may
    hold other .json and .txt files (a model's config.json, a README.txt) that label nothing."""
    from workbench.formats.labels import LabelFormatError, read_labels

    try:
        return any(len(regions) for _name, regions in read_labels(path))
    except (LabelFormatError, OSError, ValueError):
        return False


def _beside(audio: Path, label: Path) -> bool:
    """A label file names the recording it labels: rec.wav <- rec.TextGrid, rec.txt,
    rec.Table.1.selections.txt (Raven)."""
    return label.parent == audio.parent and (label.name.lower().startswith(audio.stem.lower() + "."))


def _add_project(data: Dataset, path: Path, only=None) -> None:
    """A saved project's hand-labelled tracks (``only``: those names)."""
    from workbench.core.project import ProjectError, load_bundle, load_project

    try:
        doc, missing = (load_bundle if path.suffix.lower() == ".awbundle" else load_project)(path)
    except ProjectError as exc:
        raise TaskError(str(exc)) from None
    for track in doc.tracks:
        for source in track.sources:
            if getattr(source, "available_frames", source.frames) < source.frames:
                source.load_all()
    if missing:
        data.warnings.append(f"{path.name}: {len(missing)} audio file(s) are missing; their "
                             f"stretches are silent")
    tracks = [t for t in doc.label_tracks if only is None or t.name in only]
    guesses = [t.name for t in tracks if is_guesses(t)]
    if guesses:                     # a model's output (with its confidences) is not a person's label
        data.warnings.append(f"{path.name}: left out {len(guesses)} track(s) of a model's guesses "
                             f"(“{guesses[0]}”): accept them in Review to learn from them")
    data.add(path.name, doc.mix(), [(t.name, t.regions) for t in tracks if not is_guesses(t)])


def choose(data: Dataset, classes=(), merge: dict | None = None, background: bool = False,
           seed: int = 0) -> Dataset:
    """The examples of ``classes`` (all when empty), after ``merge`` (label -> class), with a
    background class of unlabelled stretches when asked.  Refuses fewer than two classes, or a
    class with fewer than two examples, saying which."""
    merge = merge or {}
    wanted = [c.strip() for c in classes if c.strip()]
    picked = []
    for e in data.examples:
        label = merge.get(e.label, e.label)
        if not wanted or label in wanted:
            picked.append(Example(e.recording, e.start, e.end, label))
    unknown = [c for c in wanted if c not in {e.label for e in picked} and c != BACKGROUND]
    if unknown:
        have = ", ".join(f"{k} ({n})" for k, n in Counter(merge.get(e.label, e.label)
                                                          for e in data.examples).most_common(12))
        raise TaskError(f"no labels say {', '.join(unknown)}; the labels are {have or 'none'}")
    out = Dataset(data.recordings, picked, list(data.warnings))
    if background:
        out.examples += _background(data, picked, seed)
    counts = out.counts()
    if len(counts) < 2:
        only = next(iter(counts), "nothing")
        raise TaskError(f"a classifier needs at least two classes; the labels chosen hold only "
                        f"“{only}” ({counts.get(only, 0)} examples): label another class, or add "
                        f"the background class (unlabelled stretches)")
    few = sorted(c for c, n in counts.items() if n < 2)
    if few:
        raise TaskError(f"{', '.join(few)} {'has' if len(few) == 1 else 'have'} fewer than two examples: "
                        f"label more, merge {'it' if len(few) == 1 else 'them'} into another class, "
                        f"or leave {'it' if len(few) == 1 else 'them'} out")
    rare = sorted(c for c, n in counts.items() if n < 5)
    if rare:
        out.warnings.append(f"fewer than 5 examples of {', '.join(rare)}: its scores will be rough")
    return out


def _background(data: Dataset, picked: list[Example], seed: int) -> list[Example]:
    """Unlabelled stretches between a recording's hand labels (the stretch a person looked
    through), as long as a typical example, as many as the largest class.  Not the rest of the
    recording (the half nobody labelled yet holds calls too) and not around review answers (a
    person answered those guesses, not the audio between them)."""
    if not picked:
        return []
    lengths = sorted(e.end - e.start for e in picked)
    size = max(0.2, lengths[len(lengths) // 2])
    want = max(Counter(e.label for e in picked).values())
    gaps = []
    for k, rec in enumerate(data.recordings):
        if rec.looked is None:
            continue
        taken = sorted((e.start, e.end) for e in data.examples if e.recording == k)
        t, end = rec.looked
        for a, b in taken + [(end, end)]:
            s, a = t, min(a, end)
            while a - s >= size:
                gaps.append(Example(k, s, s + size, BACKGROUND))
                s += size
            t = max(t, b)
    random.Random(seed).shuffle(gaps)
    return gaps[:want]


def split(data: Dataset, held_out: float = 0.25, seed: int = 0) -> tuple[list[int], list[int], str]:
    """Indices of the training and the held-out examples, and how they were split: by
    recording where there are several and every class keeps examples to learn from, else
    stratified (each class split in the same proportion)."""
    labels = [e.label for e in data.examples]
    classes = sorted(set(labels))
    recordings = sorted({e.recording for e in data.examples})
    rng = random.Random(seed)
    if len(recordings) >= 3:
        for _ in range(50):
            order = recordings[:]
            rng.shuffle(order)
            test_recs, n, target = set(), 0, held_out * len(labels)
            for r in order:               # the recordings that come nearest the share asked for
                size = sum(1 for e in data.examples if e.recording == r)
                if n == 0 or abs(n + size - target) < abs(n - target):
                    test_recs.add(r)
                    n += size
            train = [i for i, e in enumerate(data.examples) if e.recording not in test_recs]
            test = [i for i, e in enumerate(data.examples) if e.recording in test_recs]
            if test and {labels[i] for i in train} == set(classes):
                return train, test, f"by recording ({len(test_recs)} of {len(recordings)} held out)"
    train, test = [], []
    for c in classes:
        mine = [i for i, label in enumerate(labels) if label == c]
        rng.shuffle(mine)
        k = max(1, min(len(mine) - 1, int(round(held_out * len(mine)))))
        test += mine[:k]
        train += mine[k:]
    return sorted(train), sorted(test), "stratified (each class in the same proportion)"
