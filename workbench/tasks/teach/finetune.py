"""Fine-tune mode: the whole transformers model learns the user's classes (a GPU is advised; a
CPU works for small models and sets), stopped early when a validation share of the training
examples stops improving, and written as a standard AutoModelForAudioClassification checkpoint
that Classify, Sound events and ``transformers.pipeline`` load.  No Qt.

The held-out examples (``examples.split``) are never seen while training nor used to stop it:
early stopping watches a fifth of the training examples, so the held-out scores stay honest.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass

from workbench.tasks.events import Progress, TaskCancelled, TaskError
from workbench.tasks.teach import head as hd
from workbench.tasks.teach.examples import Dataset, split


@dataclass
class Tuned:
    model: object
    features: object
    classes: list
    metrics: dict
    summary: dict
    backbone: dict


def finetune(data: Dataset, folder: str, device: str = "cpu", held_out: float = 0.25, epochs: int = 10,
             patience: int = 2, batch: int = 8, rate_of_learning: float = 3e-5, cancelled=lambda: False,
             seed: int = 0):
    """A generator over Progress; returns a ``Tuned``."""
    import torch
    from transformers import AutoFeatureExtractor, AutoModelForAudioClassification
    from transformers.utils import logging

    from workbench.tasks.runner import load_input
    from workbench.tasks.understand.embeddings import _hub_id, _revision

    labels = [e.label for e in data.examples]
    classes = sorted(set(labels))
    train_i, test_i, how = split(data, held_out, seed)
    inner = Dataset(data.recordings, [data.examples[i] for i in train_i])
    fit_k, watch_k, _ = split(inner, 0.2, seed + 1)
    fit_i, watch_i = [train_i[k] for k in fit_k], [train_i[k] for k in watch_k]
    yield Progress(0.0, f"Loading {folder}")
    torch.manual_seed(seed)
    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()          # the new head's weights are new: that is the point
    try:
        features = AutoFeatureExtractor.from_pretrained(folder, trust_remote_code=False)
        model = AutoModelForAudioClassification.from_pretrained(
            folder, num_labels=len(classes), id2label=dict(enumerate(classes)),
            label2id={c: i for i, c in enumerate(classes)}, ignore_mismatched_sizes=True,
            trust_remote_code=False)
    except (OSError, ValueError, KeyError) as exc:
        raise TaskError(f"“{folder}” cannot be fine-tuned as an audio classifier ({exc}); choose a "
                        f"transformers audio model (wav2vec 2.0, HuBERT, WavLM, AST, Whisper)") from exc
    finally:
        logging.set_verbosity(verbosity)
    rate = int(getattr(features, "sampling_rate", 16000))
    clips = []
    for e in data.examples:
        rec = data.recordings[e.recording]
        clips.append(load_input(rec.audio, e.start, e.end, rate))
    y = torch.tensor([classes.index(label) for label in labels])
    model.to(device).train()
    optimiser = torch.optim.AdamW(model.parameters(), lr=rate_of_learning)
    wanted = {"input_values", "input_features", "attention_mask"}      # what the models take

    # Whisper's encoder takes exactly its 30 s of frames ("max_length", its extractor's own
    # default); the others take a batch padded to its longest clip
    pad = "max_length" if hasattr(features, "nb_max_frames") else True

    def inputs(idx):
        got = features([clips[i] for i in idx], sampling_rate=rate, padding=pad, return_tensors="pt")
        return {k: v.to(device) for k, v in got.items() if k in wanted}

    def guess(idx) -> tuple[list[str], float]:
        model.eval()
        out, loss = [], 0.0
        with torch.inference_mode():
            for a in range(0, len(idx), batch):
                part = idx[a:a + batch]
                result = model(**inputs(part), labels=y[part].to(device))
                loss += float(result.loss) * len(part)
                out += [classes[j] for j in result.logits.argmax(dim=-1).tolist()]
        model.train()
        return out, loss / max(1, len(idx))

    best, best_state, bad, ran, stopped = None, None, 0, 0, False
    steps = epochs * ((len(fit_i) + batch - 1) // batch)
    done, t0 = 0, time.monotonic()
    rng = random.Random(seed)
    for epoch in range(epochs):
        order = fit_i[:]
        rng.shuffle(order)
        for a in range(0, len(order), batch):
            if cancelled():
                raise TaskCancelled()
            part = order[a:a + batch]
            loss = model(**inputs(part), labels=y[part].to(device)).loss
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
            done += 1
            yield Progress(0.05 + 0.9 * done / steps, f"Epoch {epoch + 1}: loss {loss.item():.3f} "
                                                      f"({time.monotonic() - t0:.0f} s)")
        ran = epoch + 1
        said, loss = guess(watch_i) if watch_i else ([], 0.0)
        score = (hd.measure([labels[i] for i in watch_i], said, classes)["macro_f1"], -loss)
        if best is None or score > best:
            best, bad = score, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
            if bad >= patience:
                stopped = True
                break
    model.load_state_dict(best_state)
    said, _ = guess(test_i)
    metrics = hd.measure([labels[i] for i in test_i], said, classes)
    counts = data.counts()
    summary = {"examples": len(labels), "recordings": len({e.recording for e in data.examples}),
               "held_out": len(test_i), "split": how, "counts": {c: counts[c] for c in classes},
               "warnings": list(data.warnings), "epochs": ran, "stopped_early": stopped,
               "validation": len(watch_i)}
    model.eval().to("cpu")
    backbone = {"id": str(folder), "revision": _revision(folder), "hub_id": _hub_id(folder), "rate": rate,
                "model_type": model.config.model_type}
    yield Progress(1.0, f"Fine-tuned: {ran} epochs" + (" (stopped early)" if stopped else ""))
    return Tuned(model, features, classes, metrics, summary, backbone)


def save(folder, tuned: Tuned):
    """The standard checkpoint (config, safetensors, feature extractor), its metrics and card,
    written whole or not at all."""
    import json

    from transformers.utils import logging

    def write(temp, stamp):
        shown = logging.is_progress_bar_enabled()
        logging.disable_progress_bar()          # the task's own progress says it
        try:
            tuned.model.save_pretrained(temp, safe_serialization=True)
        finally:
            if shown:
                logging.enable_progress_bar()
        tuned.features.save_pretrained(temp)
        config = json.loads((temp / "config.json").read_text(encoding="utf-8"))
        config["workbench_trained"] = {"backbone": tuned.backbone, "trained": stamp, "mode": "fine-tune"}
        (temp / "config.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        hd.described(temp, tuned.classes, tuned.backbone, tuned.summary, tuned.metrics, stamp,
                     f"the whole model fine-tuned ({tuned.summary['epochs']} epochs"
                     f"{', stopped early' if tuned.summary['stopped_early'] else ''})")

    return hd.write_whole(folder, write)
