"""A classifier trained here (tasks/teach): its folder read back and run with the
audio-classification pipeline's call, so Classify and Sound events run it as any checkpoint.
The head is a softmax over standardised embeddings of a backbone (``embeddings``); the folder
is written by ``teach.head.save``.  No Qt.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from workbench.tasks.events import TaskError

MARK = "classifier-head"       # config.json's "workbench": a folder this program wrote


@dataclass
class Head:
    classes: list[str]
    weight: np.ndarray        # (classes, dim)
    bias: np.ndarray          # (classes,)
    mean: np.ndarray          # (dim,)
    scale: np.ndarray         # (dim,)
    solver: object = field(default=None, repr=False, compare=False)   # the fit a later fit starts from

    def logits(self, x: np.ndarray) -> np.ndarray:
        z = (np.atleast_2d(x) - self.mean) / self.scale
        return z @ self.weight.T + self.bias

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        z = self.logits(x)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


def is_head(folder) -> bool:
    if not folder:
        return False
    try:
        return json.loads((Path(folder) / "config.json").read_text(encoding="utf-8")).get("workbench") == MARK
    except (OSError, ValueError, AttributeError):
        return False


def load(folder) -> tuple[Head, dict]:
    """The head and its config from a model folder (TaskError in words when it is not one)."""
    from safetensors.numpy import load_file

    folder = Path(folder)
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        classes = config["classes"]
        if not (isinstance(classes, list) and 2 <= len(classes) <= 10000 and all(isinstance(c, str) for c in classes)):
            raise ValueError("its classes are not a list of names")
        weights = folder / "head.safetensors"        # beside a transformers checkpoint of it
        w = load_file(str(weights if weights.exists() else folder / "model.safetensors"))
        head = Head(classes, *(np.asarray(w[k], np.float32) for k in ("head.weight", "head.bias", "input.mean",
                                                                     "input.scale")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise TaskError(f"“{folder}” is not a classifier this program wrote ({exc})") from exc
    except Exception as exc:      # safetensors' own error (a damaged header) is none of those
        raise TaskError(f"“{folder}”: its weights are damaged ({type(exc).__name__}: {str(exc)[:120]})") from exc
    n, dim = len(head.classes), len(head.mean)
    if head.weight.shape != (n, dim) or head.bias.shape != (n,) or head.mean.ndim != 1 \
            or head.scale.shape != (dim,) or not all(np.isfinite(a).all() for a in
                                                      (head.weight, head.bias, head.mean, head.scale)):
        raise TaskError(f"“{folder}”: its weights do not match its {n} classes")
    return head, config


def backbone_of(folder, config: dict) -> str:
    """Where the backbone is: the folder itself when it is a transformers checkpoint too, else
    the folder it was trained with, or (on another machine) its Hub id."""
    if config.get("architectures"):
        return str(folder)
    given = config["backbone"]
    if given["id"].endswith(" (bundled)") or Path(given["id"]).exists():
        return given["id"]
    return given.get("hub_id") or given["id"]


class Classifier:
    """A trained folder with the audio-classification pipeline's call, so Classify and Sound
    events run it as they run any checkpoint: ``clf({"raw", "sampling_rate"}, top_k)``."""

    def __init__(self, folder, device: str = "cpu") -> None:
        from workbench.tasks.understand.embeddings import backbone

        self.head, self.config = load(folder)
        self.backbone = backbone(backbone_of(folder, self.config), device)

    def probabilities(self, samples: np.ndarray, rate: int) -> np.ndarray:
        import soxr

        x = np.asarray(samples, np.float32)
        if rate != self.backbone.rate:
            x = soxr.resample(x, rate, self.backbone.rate).astype(np.float32)
        frames = self.backbone.frames(x)
        return self.head.probabilities(frames.mean(axis=0))[0]

    def __call__(self, inputs, top_k: int = 5, batch_size: int = 1):
        one = isinstance(inputs, dict)
        out = []
        for item in [inputs] if one else inputs:
            p = self.probabilities(item["raw"], int(item.get("sampling_rate", self.backbone.rate)))
            best = np.argsort(-p)[:top_k]
            out.append([{"label": self.head.classes[i], "score": float(p[i])} for i in best])
        return out[0] if one else out
