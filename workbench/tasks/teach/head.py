"""A classifier head on frozen embeddings: fit it, measure it, write its model folder (read back
and run by ``understand/trained.py``).  No Qt.

The head is a multinomial logistic regression on standardised embeddings (scikit-learn's
L-BFGS, classes weighted by their counts): seconds for ten thousand examples on two cores, and
its weights are one matrix, so the folder holds plain safetensors, never a pickle.

A model folder:
- ``model.safetensors``: ``head.weight`` (classes x dim), ``head.bias``, ``input.mean``,
  ``input.scale``;
- ``config.json``: ``"workbench": "classifier-head"``, the backbone (id, revision, rate, hop),
  how a region is pooled, the classes (``id2label`` as transformers names them);
- ``metrics.json`` and ``README.md``: the model card (the Hub's metadata header, the data, the
  held-out scores and the confusion matrix, the date).
"""
from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import numpy as np

from workbench.tasks.events import TaskError
from workbench.tasks.understand.trained import MARK, Head



def fit(x: np.ndarray, labels: list[str], strength: float = 1.0, start: Head | None = None) -> Head:
    """A head for ``labels`` (one per row of ``x``); ``start``: a head fitted on part of the same
    examples (the held-out trial), whose solution the search starts from (a third of the time
    on 1,000 examples of YAMNet's embeddings)."""
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    z = (x - mean) / scale
    warm = start is not None and start.solver is not None and list(start.classes) == classes
    model = start.solver if warm else LogisticRegression(C=strength, max_iter=500, class_weight="balanced")
    model.set_params(warm_start=warm)
    model.fit(z, y)
    weight, bias = model.coef_.astype(np.float32), model.intercept_.astype(np.float32)
    if len(classes) == 2:                 # scikit-learn keeps one row for two classes: softmax wants two
        weight = np.vstack([-weight / 2, weight / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], np.float32)
    return Head(classes, weight, bias, mean.astype(np.float32), scale.astype(np.float32), solver=model)


def measure(truth: list[str], guess: list[str], classes: list[str]) -> dict:
    """Accuracy, macro-F1, each class's precision/recall/F1/support and the confusion matrix
    (rows: the truth, columns: the guess, in ``classes``' order)."""
    k = {c: i for i, c in enumerate(classes)}
    matrix = np.zeros((len(classes), len(classes)), int)
    for t, g in zip(truth, guess):
        matrix[k[t], k[g]] += 1
    rows = {}
    for c, i in k.items():
        tp = matrix[i, i]
        p = tp / matrix[:, i].sum() if matrix[:, i].sum() else 0.0
        r = tp / matrix[i].sum() if matrix[i].sum() else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        rows[c] = {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4),
                   "support": int(matrix[i].sum())}
    present = [c for c in classes if rows[c]["support"]]
    return {"accuracy": round(float(np.trace(matrix) / max(1, matrix.sum())), 4),
            "macro_f1": round(float(np.mean([rows[c]["f1"] for c in present])) if present else 0.0, 4),
            "classes": rows, "confusion": matrix.tolist(), "labels": list(classes)}


# -- the folder ------------------------------------------------------------------------------------
def save(folder, head: Head, backbone: dict, summary: dict, metrics: dict) -> Path:
    """Write the model folder whole or not at all (``write_whole``).  On a backbone whose own
    audio-classification head is the same arithmetic (``backbone["exact"]``: wav2vec 2.0 and its
    kin), the folder is also that transformers checkpoint, which ``pipeline()`` loads."""
    from safetensors.numpy import save_file

    def write(temp: Path, stamp: str) -> None:
        exact = bool(backbone.get("exact"))
        # C order: scikit-learn's coefficients are Fortran-ordered, and safetensors writes the
        # buffer as it lies (a transposed head scored 0.19 where the trained one scored 1.0)
        save_file({k: np.ascontiguousarray(v, np.float32) for k, v in (
            ("head.weight", head.weight), ("head.bias", head.bias), ("input.mean", head.mean),
            ("input.scale", head.scale))}, str(temp / ("head.safetensors" if exact else "model.safetensors")))
        config = {"workbench": MARK, "backbone": backbone, "pooling": "mean of the region's own frames",
                  "classes": head.classes, "id2label": {str(i): c for i, c in enumerate(head.classes)},
                  "label2id": {c: i for i, c in enumerate(head.classes)}, "trained": stamp}
        if exact:
            config = {**as_transformers(temp, head, backbone["id"]), **config}
        (temp / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        described(temp, head.classes, backbone, summary, metrics, stamp,
                  "a linear head on the frozen embeddings, each region pooled from its own frames,")

    return write_whole(folder, write)


def described(temp: Path, classes, backbone: dict, summary: dict, metrics: dict, stamp: str, how: str) -> None:
    """metrics.json and the model card, beside the weights."""
    (temp / "metrics.json").write_text(json.dumps({**metrics, "data": summary}, indent=1), encoding="utf-8")
    (temp / "README.md").write_text(card(classes, backbone, summary, metrics, stamp, how), encoding="utf-8")


def write_whole(folder, write) -> Path:
    """``write(temp_folder, stamp)`` into a new folder beside ``folder``, then swapped in: a full
    disk, a failure or a crash leaves the model that was there."""
    folder = Path(folder).expanduser()
    folder.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    temp = folder.with_name(folder.name + ".writing")
    shutil.rmtree(temp, ignore_errors=True)
    try:
        temp.mkdir()
        write(temp, stamp)
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise TaskError(f"the model could not be written to {folder.parent} ({exc.strerror or exc}); "
                        f"the folder that was there is untouched") from exc
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    old = folder.with_name(folder.name + ".old")
    if folder.exists():
        shutil.rmtree(old, ignore_errors=True)
        folder.rename(old)
    temp.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return folder


def as_transformers(folder: Path, head: Head, backbone: str) -> dict:
    """Write ``head`` on ``backbone`` as its family's ...ForSequenceClassification checkpoint:
    the projector is the head with the standardisation folded in (mean pooling commutes with
    it), the classifier the identity.  Returns the checkpoint's config, to which the
    workbench's own keys are added."""
    import torch
    from transformers import AutoFeatureExtractor, AutoModelForAudioClassification
    from transformers.utils import logging

    n = len(head.classes)
    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()          # "some weights were newly initialised": they are, here
    try:
        model = AutoModelForAudioClassification.from_pretrained(
            backbone, num_labels=n, classifier_proj_size=n, id2label=dict(enumerate(head.classes)),
            label2id={c: i for i, c in enumerate(head.classes)}, trust_remote_code=False)
    finally:
        logging.set_verbosity(verbosity)
    w = head.weight / head.scale[None, :]
    with torch.no_grad():
        model.projector.weight.copy_(torch.from_numpy(np.ascontiguousarray(w, np.float32)))
        model.projector.bias.copy_(torch.from_numpy((head.bias - w @ head.mean).astype(np.float32)))
        model.classifier.weight.copy_(torch.eye(n))
        model.classifier.bias.zero_()
    model.save_pretrained(folder, safe_serialization=True)
    AutoFeatureExtractor.from_pretrained(backbone).save_pretrained(folder)
    return json.loads((folder / "config.json").read_text(encoding="utf-8"))


def card(classes, backbone: dict, summary: dict, metrics: dict, stamp: str,
         how: str = "a linear head on the frozen embeddings") -> str:
    """The model card: the Hub's metadata header, then what it was trained on and how it scored."""
    head = ["---", "library_name: audio-workbench", "pipeline_tag: audio-classification",
            "tags:", "- audio-classification", "- audio-workbench", f"base_model: {backbone['hub_id']}"
            if backbone.get("hub_id") else f"# backbone: {Path(backbone['id']).name}", "model-index:",
            "- name: classifier", "  results:", "  - task: {type: audio-classification}",
            "    metrics:", f"    - {{type: accuracy, value: {metrics['accuracy']}}}",
            f"    - {{type: f1, name: macro F1, value: {metrics['macro_f1']}}}", "---", ""]
    lines = [f"# A classifier of {len(classes)} classes", "",
             f"Trained with Audio Workbench on {stamp}: {how} of "
             f"`{backbone.get('hub_id') or Path(backbone['id']).name}` (revision "
             f"{backbone.get('revision') or 'unknown'}).", "", "## Data", "",
             f"- {summary.get('examples', 0)} examples from {summary.get('recordings', 0)} recording(s); "
             f"held out: {summary.get('held_out', 0)}, split {summary.get('split', '')}", ""]
    lines += ["| class | examples | precision | recall | F1 |", "|---|---|---|---|---|"]
    for c in classes:
        m = metrics["classes"].get(c, {})
        lines.append(f"| {c} | {summary.get('counts', {}).get(c, 0)} | {m.get('precision', 0):.2f} | "
                     f"{m.get('recall', 0):.2f} | {m.get('f1', 0):.2f} |")
    lines += ["", f"Held-out accuracy {metrics['accuracy']:.3f}, macro-F1 {metrics['macro_f1']:.3f}.", "",
              "## Confusion matrix (rows: the truth; columns: the guess)", "",
              "| | " + " | ".join(classes) + " |", "|---" * (len(classes) + 1) + "|"]
    for c, row in zip(classes, metrics["confusion"]):
        lines.append(f"| **{c}** | " + " | ".join(map(str, row)) + " |")
    for w in summary.get("warnings", []):
        lines.append(f"\n> {w}")
    lines += ["", "## Use", "", "Audio Workbench: choose this folder as the model of Classify or "
              "Sound events, or `workbench run classify FILE --model FOLDER`.", ""]
    return "\n".join(head + lines)
