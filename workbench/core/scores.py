"""Scores kept with a label track: what a model said about every window for every label, so a
new threshold re-filters the regions at once with no model run (zero-shot labels, sound events,
keywords).  No Qt.

A table holds the windows (start, end, in the document's time), the labels, and a windows x
labels matrix of scores in [0, 1].  ``regions(threshold)`` merges, per label, touching windows at
or above the threshold into one region whose confidence is the best score in it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from workbench.formats.region import Region

MAX_WINDOWS = 2_000_000
MAX_LABELS = 1000


def merge(windows, threshold: float, gap: float = 1e-6, origin=None) -> list[Region]:
    """Per label, windows ``(start, end, [(label, score), ...])`` above ``threshold`` that touch
    or overlap become one region whose confidence is the best score in it."""
    open_: dict[str, list] = {}
    out: list[Region] = []

    def close(label):
        s, e, best = open_.pop(label)
        out.append(Region(s, e, label, confidence=best, origin=origin))

    for a, b, scores in windows:
        present = {label: s for label, s in scores if s >= threshold}
        for label in list(open_):
            if label not in present and open_[label][1] + gap < a:
                close(label)
        for label, score in present.items():
            if label in open_ and a <= open_[label][1] + gap:
                s, e, best = open_[label]
                open_[label] = [s, max(e, b), max(best, score)]
            else:
                if label in open_:
                    close(label)
                open_[label] = [a, b, score]
    for label in list(open_):
        close(label)
    return sorted(out, key=lambda r: (r.start, -r.confidence))


def middles(starts: list[int], win: int, hop: int, rate: int, duration: float) -> dict:
    """Each window (by its first sample) speaks for its middle hop, in seconds, so regions do not
    smear a window's length; the first reaches back to 0 and the last on to the end."""
    out = {}
    for s in starts:
        mid = s + win / 2
        a, b = max(0.0, (mid - hop / 2) / rate), min(duration, (mid + hop / 2) / rate)
        out[s] = (0.0 if s == starts[0] else a, duration if s == starts[-1] else b)
    return out



@dataclass
class ScoreTable:
    labels: list[str]
    spans: np.ndarray                 # (windows, 2) start and end seconds
    values: np.ndarray                # (windows, labels) float32 scores in [0, 1]
    threshold: float = 0.5
    origin: tuple = ()                # (("model", ...), ("task", ...)) for the regions it makes
    kind: str = "probability"         # what the numbers are, for the user
    hidden: tuple = ()                # labels the user chose not to show
    sources: list = field(default_factory=list)   # per window, the region it was run on ("" none)

    def __post_init__(self) -> None:
        self.spans = np.asarray(self.spans, np.float64).reshape(-1, 2)
        self.values = np.asarray(self.values, np.float32).reshape(len(self.spans), len(self.labels))
        self.sources = list(self.sources) if len(self.sources) == len(self.spans) else []

    def from_source(self, link: str) -> "ScoreTable":
        """The same table, every window marked as run on the region ``link``."""
        return ScoreTable(list(self.labels), self.spans, self.values, self.threshold, self.origin,
                          self.kind, tuple(self.hidden), [link] * len(self.spans))

    def __len__(self) -> int:
        return len(self.spans)

    def regions(self, threshold: float | None = None, labels=None) -> list[Region]:
        """The regions at ``threshold`` (the table's own when None), for ``labels`` (those not
        hidden when None)."""
        threshold = self.threshold if threshold is None else threshold
        labels = set(self.labels) - set(self.hidden) if labels is None else set(labels)
        keep = [i for i, name in enumerate(self.labels) if name in labels]
        order = np.argsort(self.spans[:, 0], kind="stable")
        windows = []
        for w in order:
            row = self.values[w]
            hit = [(self.labels[i], float(row[i])) for i in keep if row[i] >= threshold]
            windows.append((float(self.spans[w, 0]), float(self.spans[w, 1]), hit))
        regions = merge(windows, threshold, origin=self.origin or None)
        if not any(self.sources):
            return regions
        first = {}                       # a region starts where its first window starts
        for w in order:
            first.setdefault(float(self.spans[w, 0]), self.sources[w])
        return [r.with_(origin=tuple(sorted(dict(r.origin or (), source=first[r.start]).items())))
                if first.get(r.start) else r for r in regions]

    def shifted(self, offset: float) -> "ScoreTable":
        return ScoreTable(list(self.labels), self.spans + offset, self.values, self.threshold,
                          self.origin, self.kind, tuple(self.hidden), self.sources)

    def joined(self, other: "ScoreTable") -> "ScoreTable":
        """Two runs of one task (two regions run on) as one table."""
        if list(other.labels) != list(self.labels):
            raise ValueError("score tables with different labels do not join")
        sources = ((self.sources or [""] * len(self)) + (other.sources or [""] * len(other))
                   if self.sources or other.sources else [])
        return ScoreTable(list(self.labels), np.concatenate([self.spans, other.spans]),
                          np.concatenate([self.values, other.values]), self.threshold, self.origin,
                          self.kind, tuple(self.hidden), sources)

    def to_dict(self) -> dict:
        return {"labels": list(self.labels), "threshold": self.threshold, "kind": self.kind,
                "origin": dict(self.origin), "hidden": list(self.hidden),
                "spans": [[round(a, 4), round(b, 4)] for a, b in self.spans.tolist()],
                "values": [[round(v, 4) for v in row] for row in self.values.tolist()],
                **({"sources": list(self.sources)} if any(self.sources) else {})}

    @classmethod
    def from_dict(cls, d) -> "ScoreTable":
        """A table from a project file; ValueError for anything malformed."""
        if not isinstance(d, dict):
            raise ValueError("a score table must be a table")
        labels, spans, values = d.get("labels"), d.get("spans"), d.get("values")
        if (not isinstance(labels, list) or not 1 <= len(labels) <= MAX_LABELS
                or not all(isinstance(x, str) for x in labels)):
            raise ValueError(f"a score table needs 1–{MAX_LABELS} labels")
        if not isinstance(spans, list) or not isinstance(values, list) or len(spans) != len(values) \
                or len(spans) > MAX_WINDOWS:
            raise ValueError("a score table needs as many score rows as windows")
        try:
            s = np.array(spans, np.float64).reshape(len(spans), 2)
            v = np.array(values, np.float32).reshape(len(values), len(labels))
        except (TypeError, ValueError):
            raise ValueError("a score table's windows or scores are not numbers in rows") from None
        if not (np.isfinite(s).all() and np.isfinite(v).all()) or (s[:, 1] < s[:, 0]).any():
            raise ValueError("a score table holds bad numbers")
        threshold = d.get("threshold", 0.5)
        if not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
            raise ValueError("a score table's threshold must be a number")
        origin = d.get("origin") or {}
        if not isinstance(origin, dict):
            raise ValueError("a score table's origin must be a table")
        hidden = d.get("hidden") or []
        if not isinstance(hidden, list):
            raise ValueError("a score table's hidden labels must be a list")
        sources = d.get("sources") or []
        if not isinstance(sources, list) or (sources and (len(sources) != len(spans) or
                                                          not all(isinstance(x, str) for x in sources))):
            raise ValueError("a score table's sources must be one text per window")
        return cls(list(labels), s, v, float(threshold),
                   tuple(sorted((str(k), str(x)) for k, x in origin.items())), str(d.get("kind", "probability")),
                   tuple(str(h) for h in hidden if h in labels), sources)
