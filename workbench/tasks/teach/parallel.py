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


def _embed(path: str, backbone: str, spans: list) -> tuple[object, str]:
    """One recording's frames and its regions heard alone, into the cache: (the backbone, the
    audio's content key)."""
    from workbench.core.audio import open_audio
    from workbench.tasks.runner import load_input
    from workbench.tasks.understand import embeddings as bb

    model = _ready.get(backbone) or _ready.setdefault(backbone, bb.backbone(backbone))
    audio = open_audio(path).load_all()
    samples = load_input(audio, 0.0, audio.frames / audio.sample_rate, model.rate)
    bb.embed(model, samples)
    bb.clip_vectors(model, samples, spans)
    return model, bb.content_key(samples)


def _embed_file(path: str, backbone: str, spans: list) -> None:      # a pool worker's job
    _embed(path, backbone, spans)


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
        running = {pool.submit(_embed_file, path, backbone, spans) for path, spans in files}
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


class _Embedder:
    """A Ray actor: loads the backbone once; each recording's bytes come to it, and its cache
    files (frames, regions heard alone) go back, so the cluster needs no shared disk."""

    def __init__(self, backbone: str) -> None:
        self.backbone = backbone

    def run(self, name: str, data: bytes, spans: list):
        import tempfile
        from pathlib import Path

        from workbench.tasks.understand import embeddings as bb

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            model, key = _embed(str(path), self.backbone, spans)
        cache = bb.cache_folder(model)
        return cache.name, {p.name: p.read_bytes() for p in (cache / f"{key}.npy", cache / f"{key}-clips.npz")
                            if p.exists()}


def prefetch_ray(data, backbone: str, address: str, workers: int | None = None, cancelled=lambda: False,
                 remote_env: dict | None = None):
    """Generator: the file recordings of ``data`` embedded on a Ray cluster (``auto``: one
    started here); their cache files are written here as each comes back.  Returns how many.
    ``remote_env``: environment variables of the actors (a test gives them a cache of their own,
    as on another machine)."""
    from pathlib import Path

    from workbench.core.paths import cache_dir
    from workbench.tasks.cluster import join_ray

    files = [(str(rec.audio.path), [(e.start, e.end) for e in data.examples if e.recording == k])
             for k, rec in enumerate(data.recordings) if getattr(rec.audio, "path", None) is not None]
    files = [(p, s) for p, s in files if s]
    ray, started_here = join_ray(address, workers)
    done = 0
    try:
        count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        options = {"runtime_env": {"env_vars": remote_env}} if remote_env else {}
        actors = [ray.remote(num_cpus=1, **options)(_Embedder).remote(backbone)
                  for _ in range(min(count, len(files)) or 1)]
        idle, running, pending = list(actors), {}, list(files)
        while pending or running:
            if cancelled():
                raise TaskCancelled()
            while pending and idle:
                path, spans = pending.pop(0)
                who = idle.pop()
                running[who.run.remote(Path(path).name, Path(path).read_bytes(), spans)] = who
            ready, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
            for ref in ready:
                idle.append(running.pop(ref))
                slug, cache_files = ray.get(ref)
                folder = cache_dir() / "embeddings" / slug
                folder.mkdir(parents=True, exist_ok=True)
                for name, content in cache_files.items():
                    part = folder / (name + ".part")
                    part.write_bytes(content)
                    part.replace(folder / name)
                done += 1
                yield Progress(0.9 * done / len(files), f"Embedded {done} of {len(files)} recordings on the cluster")
    finally:
        if started_here:
            ray.shutdown()
    return done
