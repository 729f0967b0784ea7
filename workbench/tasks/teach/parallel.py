"""Embeddings of a large set over worker processes (``workbench train --workers N``): each
worker loads the backbone once and embeds whole recordings into the on-disk cache, so the
training that follows reads every embedding from the cache.  Only recordings that are files
travel (a project's mix is embedded in the main process).  No Qt.
"""
from __future__ import annotations

import os

from workbench.tasks.events import Progress, TaskCancelled

_ready: dict = {}       # in a worker: the backbone, loaded once


def _start(threads: int) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)        # the main process stops the workers
    os.environ["WORKBENCH_THREADS"] = str(threads)
    os.environ["OMP_NUM_THREADS"] = str(threads)


def _embed(path: str, backbone: str, spans: list) -> float:
    """One recording's frames and its regions heard alone, into the cache; its duration."""
    from workbench.core.audio import open_audio
    from workbench.tasks.runner import load_input
    from workbench.tasks.understand import embeddings as bb

    model = _ready.get(backbone) or _ready.setdefault(backbone, bb.backbone(backbone))
    audio = open_audio(path).load_all()
    samples = load_input(audio, 0.0, audio.frames / audio.sample_rate, model.rate)
    bb.embed(model, samples)
    bb.clip_vectors(model, samples, spans)
    return audio.frames / audio.sample_rate


def prefetch(data, backbone: str, workers: int, cancelled=lambda: False):
    """Generator: the file recordings of ``data`` embedded over ``workers`` processes (the
    progress counts recordings); returns how many were embedded there."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    files = []
    for k, rec in enumerate(data.recordings):
        path = getattr(rec.audio, "path", None)
        spans = [(e.start, e.end) for e in data.examples if e.recording == k]
        if path is not None and spans:
            files.append((str(path), spans))
    if workers < 2 or len(files) < 2:
        return 0
    context = multiprocessing.get_context("spawn")      # no forked torch, as on Windows and macOS
    threads = max(1, (os.cpu_count() or 1) // workers)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(threads,))
    done = 0
    try:
        running = {pool.submit(_embed, path, backbone, spans) for path, spans in files}
        while running:
            if cancelled():
                raise TaskCancelled()
            finished, running = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()                 # a worker's error is the run's error
                done += 1
                yield Progress(0.9 * done / len(files), f"Embedded {done} of {len(files)} recordings "
                                                         f"in {workers} worker processes")
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return done
