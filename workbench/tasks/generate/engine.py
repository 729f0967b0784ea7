"""What the model-driven generators share: loading a checkpoint once per device, seeding, real
progress and a Cancel that answers within a step, and long text cut into pieces.  No Qt.

A model's ``generate`` blocks until it is done, while a task must keep yielding ``Progress``; so
the call runs on the compute thread (``blocking``; tasks/compute.py) whose steps are counted by a forward hook on the
module that runs once per step (MusicGen's decoder, SpeechT5's decoder, a diffusion UNet).  The
same hook raises ``TaskCancelled`` when the user cancels: generate unwinds at the next step and
nothing is left behind.  (MusicGen's streamer and a StoppingCriteria returning True both fail in
transformers 5: ../shared/notes/environment.md; an exception in a forward hook is clean.)
"""
from __future__ import annotations

import re
import time
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import wait
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from workbench.tasks import compute
from workbench.tasks.events import Progress, TaskCancelled, TaskError


@dataclass
class Rendered:
    """One piece of generated audio: mono or multichannel float32 at the model's rate, placed
    ``offset`` seconds after the point it is dropped at (pieces of one long text follow each
    other), with what the model adds to the provenance."""
    samples: np.ndarray
    rate: int
    name: str = ""
    offset: float = 0.0
    extra: dict = field(default_factory=dict)
    anchor: str = ""      # "start" / "end": belongs at the selection's start (enhanced) or end (continued)


class Steps:
    """Counts a model's steps: ``tick`` from the model's thread (an increment, nothing that wakes
    anyone), read by the task's thread ten times a second.  Raises TaskCancelled inside the
    model when the user cancels."""

    def __init__(self, total: int, unit: str, cancelled: Callable[[], bool]) -> None:
        self.total, self.unit, self.cancelled = max(1, int(total)), unit, cancelled
        self.done = 0
        self.abandoned = False      # the task went away (Ctrl+C, a closed generator): stop too

    def tick(self, *_args, **_kwargs) -> None:
        if self.abandoned or self.cancelled():
            raise TaskCancelled()
        self.done += 1

    def hook(self, module):
        """A forward pre-hook on ``module`` that ticks once per call; remove() it after."""
        return module.register_forward_pre_hook(lambda *_: self.tick())


POLL_S = 0.1


def blocking(fn: Callable[[], object], steps: Steps, what: str, base: float = 0.0, span: float = 1.0,
             interrupt: Callable[[], None] | None = None):
    """Generator: runs ``fn()`` on the compute thread (tasks/compute.py), yielding Progress as
    ``steps`` advance (fraction ``base`` .. ``base + span`` of the whole job, with the step count
    and the time left in the message; at most ten a second); returns what fn returned, or raises
    what it raised.  ``interrupt()`` is called, once, from the waiting thread when the user
    cancels (a model run in one native call: ONNX Runtime's RunOptions.terminate).  Called on the
    compute thread itself, it runs fn there and then."""
    if compute.here():
        value = fn()
        yield Progress(base + span, what)
        return value
    t0 = time.monotonic()
    future = compute.submit(fn)
    shown = 0
    try:
        while True:
            try:
                value = future.result(timeout=POLL_S)
                break
            except FutureTimeout:
                if interrupt is not None and (steps.abandoned or steps.cancelled()):
                    interrupt()
                    interrupt = None
            done = steps.done
            if done == shown:
                continue
            shown = done
            frac = min(1.0, done / steps.total)
            elapsed = time.monotonic() - t0
            left = f", {elapsed / frac * (1 - frac):.0f} s left" if frac > 0.02 else ""
            yield Progress(base + span * frac, f"{what}: {done}/{steps.total} {steps.unit}{left}")
    except BaseException:       # KeyboardInterrupt, the generator closed, or fn's own error
        steps.abandoned = True  # the model stops at its next step
        if interrupt is not None:
            interrupt()
        if not future.done() and not future.cancel():
            wait([future], timeout=2.0)
        raise
    if steps.done and steps.unit:
        yield Progress(base + span * min(1.0, steps.done / steps.total),
                       f"{what}: {steps.done}/{steps.total} {steps.unit}")
    return value


def inference(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` to run under ``torch.inference_mode()``, as a plain call would be made: lighter than
    the ``no_grad`` that generate() and pipelines set themselves (no version counters or view
    tracking), which measured 5-9% on MusicGen's many small decoder steps."""
    def call():
        import torch

        with torch.inference_mode():
            return fn()
    return call


def on_helper(fn: Callable[[], object], what: str, cancelled=lambda: False):
    """Generator: ``fn()`` (loading a model, one forward pass) on the compute thread like every
    other piece of model work.  The task's own thread never runs torch: measured here, a second
    live thread that has run torch ops makes the other's ops 2.5x slower (two OpenMP pools on
    the same cores), so loading on the task's thread and generating elsewhere cost 160%."""
    if cancelled():
        raise TaskCancelled()
    return (yield from blocking(fn, Steps(1, "", cancelled), what))


def seed_everything(seed: int) -> None:
    """The same seed gives the same samples on the CPU (torch, numpy and random all drawn)."""
    import random

    import torch

    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    torch.manual_seed(seed)


def torch_dtype(device: str):
    import torch

    return torch.float16 if device == "cuda" else torch.float32


def model_type(folder: str) -> str:
    """``model_type`` from a checkpoint's config.json ("" when there is none: diffusers)."""
    import json
    from pathlib import Path

    try:
        return json.loads((Path(folder) / "config.json").read_text(encoding="utf-8")).get("model_type", "")
    except (OSError, ValueError, AttributeError):
        return ""


def loading(checkpoint: str, what: str, load: Callable[[], object]):
    """``load()`` with its failures turned into messages that say what to do."""
    from workbench.tasks.models import load_error

    try:
        return load()
    except (TaskError, TaskCancelled):
        raise
    except OSError as exc:
        raise TaskError(load_error(checkpoint, exc)) from exc
    except ImportError as exc:     # a checkpoint whose code wants a library we lack
        hint = " ".join(str(exc).split())
        raise TaskError(f"“{checkpoint}” needs a library that is not installed here: {hint}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise TaskError(f"“{checkpoint}” is not a {what} checkpoint ({exc})") from exc


SENTENCE_END = re.compile(r"(?<=[.!?;:。！？])\s+|\n\s*\n|\n")


def split_text(text: str, limit: int = 220) -> list[str]:
    """Sentences (at . ! ? ; : and line breaks), any still longer than ``limit`` characters cut
    at commas and then at spaces, so no piece hits a model's length limit."""
    pieces: list[str] = []
    for sentence in SENTENCE_END.split(text.strip()):
        sentence = sentence.strip()
        while len(sentence) > limit:
            cut = max(sentence.rfind(", ", 0, limit), sentence.rfind(" ", 0, limit))
            cut = cut + 1 if cut > limit // 3 else limit
            pieces.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            pieces.append(sentence)
    return pieces


def join_pieces(parts: list[np.ndarray], rate: int, pause: float) -> np.ndarray:
    """Pieces one after the other with ``pause`` seconds of silence between them."""
    gap = np.zeros(int(round(pause * rate)), np.float32)
    out: list[np.ndarray] = []
    for i, p in enumerate(parts):
        if i:
            out.append(gap)
        out.append(np.asarray(p, np.float32).reshape(-1))
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def as_frames(samples) -> np.ndarray:
    """float32 (frames, channels) from a model's output: (n,), (1, n), (1, channels, n)..."""
    a = samples.detach().float().cpu().numpy() if hasattr(samples, "detach") else np.asarray(samples)
    a = np.asarray(a, np.float32)
    while a.ndim > 2 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 1:
        return a[:, None]
    if a.shape[0] <= 8 and a.shape[0] < a.shape[1]:    # (channels, frames)
        a = a.T
    return np.ascontiguousarray(np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0), np.float32)
