"""Who spoke when: speech regions (silero-vad), a voice vector per short window of speech, the
windows clustered into speakers (scikit-learn's spectral clustering; the number given or
estimated), and the window labels smoothed into "Speaker N" turns.  Also the diarization error rate that measures it.

Two voice-vector backends, one interface (``embed(list of 16 kHz windows) -> unit vectors``):
- Resemblyzer's GE2E encoder, whose weights (17 MB) ship inside the ``resemblyzer`` wheel: it
  works offline like silero-vad.  Only the weights file is read (``torch.load(weights_only=True)``);
  the package's own Python would import librosa, so its mel front end is redone here with
  transformers' audio utilities (same window, hop, Slaney mel bank, power spectrum).
- Any transformers x-vector checkpoint (``AutoModelForAudioXVector``: WavLM/wav2vec 2.0 with an
  x-vector head, e.g. microsoft/wavlm-base-plus-sv), by Hub id or local folder.
"""
from __future__ import annotations

import importlib.util
import os

import numpy as np

from workbench.core.regions import Region
from workbench.tasks.events import Context, Inputs, Partial, Progress, TaskCancelled, TaskError
from workbench.tasks.models import cached, choose_device

RATE = 16000
WINDOW_S = 1.5          # one voice vector per window of speech ...
HOP_S = 0.75            # ... every hop
MIN_WINDOW_S = 0.4      # speech shorter than this gets no vector of its own (it takes its neighbours')
STEP_S = 0.05           # the grid on which window votes become turns
BATCH = 16
RESEMBLYZER = "resemblyzer (bundled)"


# -- voice vectors -------------------------------------------------------------------------------
class Resemblyzer:
    """The GE2E speaker encoder of the resemblyzer package: 40 mel bands every 10 ms, 3 LSTM
    layers, a 256-d unit vector per 1.6 s."""

    name = RESEMBLYZER
    frames = 160
    # two groups of windows whose mean vectors are this close are one voice: one voice's parts
    # measured 0.77-0.89, distinct voices of five synthesizers 0.45-0.61 (bench_diarize.py), the
    # two SVOX Pico voices 0.78
    same_voice = 0.85

    def __init__(self, device: str = "cpu") -> None:
        import torch

        spec = importlib.util.find_spec("resemblyzer")
        path = os.path.join(spec.submodule_search_locations[0], "pretrained.pt") if spec else ""
        if not path or not os.path.exists(path):
            raise TaskError("the bundled voice model needs the resemblyzer package's weights: "
                            "pip install --no-deps resemblyzer (or choose an x-vector model such "
                            "as microsoft/wavlm-base-plus-sv)")
        state = torch.load(path, map_location="cpu", weights_only=True)["model_state"]

        class Encoder(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
                self.linear = torch.nn.Linear(256, 256)

            def forward(self, mels):
                _, (hidden, _) = self.lstm(mels)
                e = torch.relu(self.linear(hidden[-1]))
                return e / torch.norm(e, dim=1, keepdim=True).clamp_min(1e-9)

        self.model = Encoder()
        self.model.load_state_dict({k: v for k, v in state.items() if not k.startswith("similarity")})
        self.model.eval().to(device)
        self.device = device
        from transformers.audio_utils import mel_filter_bank, window_function

        self._bank = mel_filter_bank(num_frequency_bins=201, num_mel_filters=40, min_frequency=0.0,
                                     max_frequency=8000.0, sampling_rate=RATE, norm="slaney",
                                     mel_scale="slaney")
        self._window = window_function(400, "hann")

    def mel(self, x: np.ndarray) -> np.ndarray:
        from transformers.audio_utils import spectrogram

        rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if len(x) else 0.0
        if 0 < rms < 10 ** (-30 / 20):              # resemblyzer's -30 dBFS, raised only
            x = x * (10 ** (-30 / 20) / rms)
        return spectrogram(np.asarray(x, np.float64), self._window, frame_length=400, hop_length=160,
                           power=2.0, mel_filters=self._bank, center=True,
                           pad_mode="constant").T.astype(np.float32)

    def embed(self, pieces: list[np.ndarray]) -> np.ndarray:
        import torch

        mels = []
        for x in pieces:
            m = self.mel(x)[: self.frames]
            mels.append(np.pad(m, ((0, self.frames - len(m)), (0, 0))) if len(m) < self.frames else m)
        with torch.inference_mode():
            out = self.model(torch.from_numpy(np.stack(mels)).to(self.device))
        return out.float().cpu().numpy()


class XVectors:
    """A transformers x-vector model (AutoModelForAudioXVector) from a folder."""

    def __init__(self, folder: str, device: str = "cpu") -> None:
        import torch
        from transformers import AutoFeatureExtractor, AutoModelForAudioXVector

        self.name = folder
        self.features = AutoFeatureExtractor.from_pretrained(folder)
        self.model = AutoModelForAudioXVector.from_pretrained(folder).eval().to(device)
        self.device = device
        self._torch = torch

    def embed(self, pieces: list[np.ndarray]) -> np.ndarray:
        torch = self._torch
        inputs = self.features([np.asarray(p, np.float32) for p in pieces], sampling_rate=RATE,
                               return_tensors="pt", padding=True)
        with torch.inference_mode():
            out = self.model(**{k: v.to(self.device) for k, v in inputs.items()}).embeddings
        out = torch.nn.functional.normalize(out.float(), dim=-1)
        return out.cpu().numpy()


def voice_model(checkpoint: str | None, device: str = "cpu"):
    """The bundled encoder, or an x-vector checkpoint folder; kept loaded for the next run."""
    checkpoint = checkpoint or RESEMBLYZER
    if checkpoint == RESEMBLYZER:
        return cached(f"{RESEMBLYZER}@{device}", lambda: Resemblyzer(device))

    def load():
        try:
            return XVectors(checkpoint, device)
        except (OSError, ValueError, KeyError) as exc:
            raise TaskError(f"“{checkpoint}” is not a speaker-vector model (an x-vector head such as "
                            f"microsoft/wavlm-base-plus-sv): {exc}") from exc
    return cached(f"xvector:{checkpoint}@{device}", load)


# -- windows, clusters, turns --------------------------------------------------------------------
def windows(spans: list[tuple[float, float]], window_s: float = WINDOW_S,
            hop_s: float = HOP_S) -> list[tuple[float, float]]:
    """Windows of speech in seconds: ``window_s`` long every ``hop_s`` inside each span (the last
    one flush with the span's end); a span shorter than a window is one window."""
    out = []
    for a, b in spans:
        if b - a < MIN_WINDOW_S:
            continue
        if b - a <= window_s:
            out.append((a, b))
            continue
        n = int(np.ceil((b - a - window_s) / hop_s)) + 1
        for k in range(n):
            s = min(a + k * hop_s, b - window_s)
            out.append((s, s + window_s))
    return out


MIN_NEIGHBOURS = 6     # a short recording's windows keep at least this many neighbours


def affinity(vectors: np.ndarray, keep: float = 0.25) -> np.ndarray:
    """Cosine similarities, each vector keeping only its nearest ``keep`` share of neighbours
    (made symmetric): a window that straddles two voices then links to few of either, so it
    cannot bridge their clusters the way it does under average linkage.  At least
    ``MIN_NEIGHBOURS``: with a dozen windows a quarter is three, which broke one voice into as
    many parts as sentences (the one-voice demo came out as four speakers; bench_diarize.py)."""
    n = len(vectors)
    sim = vectors @ vectors.T
    k = max(min(n - 1, MIN_NEIGHBOURS), int(round(keep * n)))
    nearest = np.argsort(-sim, axis=1)[:, :k]
    pruned = np.zeros_like(sim)
    rows = np.arange(n)[:, None]
    pruned[rows, nearest] = np.clip(sim[rows, nearest], 0.0, None)
    pruned = (pruned + pruned.T) / 2
    np.fill_diagonal(pruned, 0.0)
    return pruned


def estimate_speakers(graph: np.ndarray, max_speakers: int = 8) -> int:
    """How many loosely joined parts the affinity graph has, by the eigengap of its normalised
    Laplacian (as many near-zero eigenvalues as parts); at least 2: whether there is more than
    one voice at all is for ``cluster`` to decide."""
    degree = np.maximum(graph.sum(axis=1), 1e-9)
    scale = 1.0 / np.sqrt(degree)
    laplacian = np.eye(len(graph)) - scale[:, None] * graph * scale[None, :]
    values = np.sort(np.linalg.eigvalsh(laplacian))[: max_speakers + 1]
    return int(np.clip(np.argmax(np.diff(values)) + 1, 2, max_speakers))


def merge_alike(vectors: np.ndarray, labels: np.ndarray, same_voice: float) -> np.ndarray:
    """Join clusters whose mean vectors are at least ``same_voice`` alike (cosine), the most
    alike first: a voice split into parts goes back together; distinct voices stay apart."""
    labels = labels.copy()
    while True:
        names = sorted(set(labels.tolist()))
        if len(names) < 2:
            return labels
        means = np.stack([vectors[labels == k].mean(axis=0) for k in names])
        means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
        sim = means @ means.T
        np.fill_diagonal(sim, -1.0)
        i, j = np.unravel_index(int(np.argmax(sim)), sim.shape)
        if sim[i, j] < same_voice:
            return labels
        labels[labels == names[j]] = names[i]


def cluster(vectors: np.ndarray, speakers: int = 0, max_speakers: int = 8,
            min_separation: float = 0.3, same_voice: float | None = None) -> np.ndarray:
    """A speaker number per vector (0, 1, ... in order of first appearance), by spectral
    clustering of the pruned affinity graph.  ``speakers`` > 0 fixes the count; 0 estimates it
    by the eigengap, and keeps one speaker when neither that split nor the split in two
    separates well (cosine silhouette below ``min_separation``: one real voice split in two
    scores 0.1-0.2, distinct voices 0.45 and up).  The split in two alone is not the test: with
    three voices, two of them alike, it merges those two and scores under 0.3.  With
    ``same_voice`` (the voice model's measure of one voice), parts of one voice found by the
    estimate are joined (``merge_alike``)."""
    import warnings

    from sklearn.cluster import SpectralClustering
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    if speakers == 1 or n < 3 or (speakers == 0 and n < 4):
        return np.zeros(n, np.int64)
    graph = affinity(vectors)

    def fit(k):
        with warnings.catch_warnings():     # "graph is not fully connected": fine, that is the point
            warnings.simplefilter("ignore", UserWarning)
            return SpectralClustering(n_clusters=k, affinity="precomputed",
                                      random_state=0).fit_predict(graph)

    if speakers > 0:
        labels = fit(min(speakers, n - 1))
    else:
        k = min(estimate_speakers(graph, max_speakers), n - 1)
        labels = fit(k)
        best = silhouette_score(vectors, labels, metric="cosine") if len(set(labels)) > 1 else -1.0
        if k != 2 and best < min_separation:
            # two voices of three alike: their split alone may be poor, the three-way one good
            two = fit(2)
            best = max(best, silhouette_score(vectors, two, metric="cosine"))
        if best < min_separation:
            labels = np.zeros(n, np.int64)
        elif same_voice is not None:
            labels = merge_alike(vectors, labels, same_voice)
    order: dict[int, int] = {}
    for label in labels:
        order.setdefault(int(label), len(order))
    return np.array([order[int(x)] for x in labels], np.int64)


def turns(spans: list[tuple[float, float]], wins: list[tuple[float, float]], labels: np.ndarray,
          min_turn_s: float = 1.0, step: float = STEP_S) -> list[tuple[float, float, int]]:
    """Window labels into speaker turns: every ``step`` of speech takes the speaker whose windows
    around it vote most (each window's vote is highest at its middle), a change of speaker needs
    ``min_turn_s`` of the new voice (shorter runs join the neighbour they sit in), and speech with
    no window of its own takes the nearest window's speaker."""
    if not len(wins):
        return []
    centres = np.array([(a + b) / 2 for a, b in wins])
    halves = np.array([(b - a) / 2 for a, b in wins])
    k = int(labels.max()) + 1
    out: list[tuple[float, float, int]] = []
    for a, b in spans:
        t = np.arange(a, b, step) + step / 2
        if not len(t):
            continue
        dist = np.abs(t[:, None] - centres[None, :]) / halves[None, :]
        weight = np.clip(1.0 - dist, 0.0, None)           # triangular votes inside each window
        votes = np.zeros((len(t), k))
        for s in range(k):
            votes[:, s] = weight[:, labels == s].sum(axis=1)
        who = votes.argmax(axis=1)
        none = votes.max(axis=1) <= 0
        if none.any():
            who[none] = labels[np.abs(t[none, None] - centres[None, :]).argmin(axis=1)]
        runs = runs_of(who)
        runs = absorb_short(runs, int(round(min_turn_s / step)))
        for s, e, speaker in runs:
            out.append((a + s * step, min(b, a + e * step), speaker))
    merged: list[tuple[float, float, int]] = []
    for s, e, speaker in out:
        if merged and merged[-1][2] == speaker and s - merged[-1][1] < 1e-6:
            merged[-1] = (merged[-1][0], e, speaker)
        else:
            merged.append((s, e, speaker))
    return merged


def runs_of(who: np.ndarray) -> list[list[int]]:
    """[first, past-last, value] of each run of one value."""
    change = np.flatnonzero(np.diff(who)) + 1
    edges = np.concatenate([[0], change, [len(who)]])
    return [[int(s), int(e), int(who[s])] for s, e in zip(edges[:-1], edges[1:])]


def absorb_short(runs: list[list[int]], shortest: int) -> list[list[int]]:
    """Runs shorter than ``shortest`` steps join a neighbour (the longer one), shortest first."""
    runs = [r[:] for r in runs]
    while len(runs) > 1:
        i = min(range(len(runs)), key=lambda j: runs[j][1] - runs[j][0])
        if runs[i][1] - runs[i][0] >= shortest:
            break
        left = runs[i - 1] if i > 0 else None
        right = runs[i + 1] if i + 1 < len(runs) else None
        into = left if right is None or (left is not None and left[1] - left[0] >= right[1] - right[0]) else right
        into[0], into[1] = min(into[0], runs[i][0]), max(into[1], runs[i][1])
        del runs[i]
        j = 0                                            # neighbours that now agree become one
        while j + 1 < len(runs):
            if runs[j][2] == runs[j + 1][2]:
                runs[j][1] = runs[j + 1][1]
                del runs[j + 1]
            else:
                j += 1
    return runs


# -- measuring it --------------------------------------------------------------------------------
def diarization_error(reference, hypothesis, step: float = 0.01, collar: float = 0.0) -> dict:
    """The diarization error rate of ``hypothesis`` against ``reference`` (both lists of
    (start, end, speaker)), on a grid of ``step`` seconds, with the best one-to-one map of
    hypothesis speakers to reference speakers (Hungarian): (missed + false alarm + confusion) /
    reference speech.  Overlapping reference speech counts each speaker; ``collar`` seconds around
    each reference boundary are not scored."""
    from scipy.optimize import linear_sum_assignment

    end = max([e for _, e, _ in list(reference) + list(hypothesis)] + [0.0])
    n = int(np.ceil(end / step)) + 1
    ref_names = sorted({s for _, _, s in reference})
    hyp_names = sorted({s for _, _, s in hypothesis})
    R = np.zeros((n, len(ref_names)), bool)
    H = np.zeros((n, len(hyp_names)), bool)
    for grid, names, items in ((R, ref_names, reference), (H, hyp_names, hypothesis)):
        for a, b, s in items:
            grid[int(round(a / step)): int(round(b / step)), names.index(s)] = True
    scored = np.ones(n, bool)
    if collar > 0:
        c = int(round(collar / step))
        for a, b, _ in reference:
            for t in (a, b):
                i = int(round(t / step))
                scored[max(0, i - c): i + c] = False
    R, H = R[scored], H[scored]
    overlap = R.T.astype(np.int64) @ H.astype(np.int64)       # frames both say, per pair
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ([], [])
    correct = int(overlap[rows, cols].sum()) if len(rows) else 0
    nref, nhyp = R.sum(axis=1), H.sum(axis=1)
    total = int(nref.sum())
    missed = int(np.clip(nref - nhyp, 0, None).sum())
    false_alarm = int(np.clip(nhyp - nref, 0, None).sum())
    confusion = int(np.minimum(nref, nhyp).sum()) - correct
    return {"der": (missed + false_alarm + confusion) / total if total else 0.0,
            "missed": missed * step, "false_alarm": false_alarm * step, "confusion": confusion * step,
            "speech": total * step,
            "mapping": {hyp_names[c]: ref_names[r] for r, c in zip(rows, cols)}}


# -- the task ------------------------------------------------------------------------------------
def speech(samples: np.ndarray, rate: int, cancelled, params: dict | None = None):
    """Speech spans in seconds, by the voice-activity task (silero-vad); yields its progress."""
    from workbench.tasks.understand import vad

    p = {"threshold": 0.5, "min_speech_ms": 250, "min_silence_ms": 300, "pad_ms": 30}
    p.update(params or {})
    spans = []
    for event in vad.run(Inputs(samples=samples, rate=rate), p, Context(cancelled=cancelled)):
        if isinstance(event, Partial):
            spans += [(r.start, r.end) for r in event.regions]
        elif isinstance(event, Progress):
            yield Progress(0.3 * event.fraction, "Finding speech")
    if cancelled():
        raise TaskCancelled()
    return spans


def vectors_of(model, samples: np.ndarray, rate: int, wins, cancelled, base=0.3, share=0.6):
    """A unit voice vector per window, in batches (progress and cancel between them)."""
    out = []
    for i in range(0, len(wins), BATCH):
        if cancelled():
            raise TaskCancelled()
        pieces = [samples[int(a * rate): int(b * rate)] for a, b in wins[i:i + BATCH]]
        out.append(model.embed(pieces))
        done = min(len(wins), i + BATCH)
        yield Progress(base + share * done / len(wins), f"Voices: {done}/{len(wins)} windows")
    return np.concatenate(out) if out else np.zeros((0, 1), np.float32)


def diarize(samples: np.ndarray, rate: int, params: dict, checkpoint=None, cancelled=lambda: False,
            device: str = "cpu"):
    """Generator (progress) returning (model, windows, vectors, labels, turns), or None when
    there is no speech: what both naming speakers by number and by voice need."""
    if rate != RATE:
        raise TaskError(f"speaker vectors are made at {RATE} Hz, not {rate} Hz")
    yield Progress(0.0, "Finding speech")
    spans = yield from speech(samples, rate, cancelled)
    if not spans:
        return None
    yield Progress(0.3, f"Loading {checkpoint or RESEMBLYZER}")
    model = voice_model(checkpoint, device)
    wins = windows(spans, params.get("window_s", WINDOW_S), params.get("hop_s", HOP_S))
    if not wins:
        return None
    vecs = yield from vectors_of(model, samples, rate, wins, cancelled)
    labels = cluster(vecs, int(params.get("speakers", 0)), int(params.get("max_speakers", 8)),
                     same_voice=getattr(model, "same_voice", None))
    yield Progress(0.95, f"{int(labels.max()) + 1} speakers")
    return model, wins, vecs, labels, turns(spans, wins, labels, params.get("min_turn_s", 1.0))


def run(inputs, params: dict, context):
    """Speaker diarization: "Speaker 1", "Speaker 2", ... turns on a Speakers track."""
    samples, rate, checkpoint, cancelled, device = (inputs.samples, inputs.rate, context.model,
                                                    context.cancelled, context.device)
    from workbench.tasks.understand import pyannote_backend

    if pyannote_backend.is_pyannote(checkpoint):
        found = yield from pyannote_backend.diarize(samples, rate, params, checkpoint, cancelled,
                                                    choose_device(device))
        yield Partial([Region(a, b, f"Speaker {s + 1}") for a, b, s in found])
        return
    found = yield from diarize(samples, rate, params, checkpoint, cancelled, choose_device(device))
    if found:
        yield Partial([Region(a, b, f"Speaker {s + 1}") for a, b, s in found[-1]])
