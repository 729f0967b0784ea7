"""Archive-scale batches: one task over many files, in this process, in N worker processes that
each load the model once, or on a Ray cluster with one model-holding actor per worker.

Workers only analyse; this process writes every output (atomically, so an output that exists
is complete) and the report.  A rerun skips inputs whose outputs are complete and newer than
the input, so a batch killed at file 900 of 1000 goes on from there.  No Qt.
"""
from __future__ import annotations

import csv
import io
import json
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from workbench.tasks.cluster import ClusterError, join_ray  # noqa: F401 (batch.ClusterError, as before)

REPORT_FIELDS = ("file", "status", "seconds", "audio_seconds", "regions", "output", "error")


@dataclass
class Item:
    """One file of a batch: the recording, where its labels go, how long it is."""
    source: str            # the input recording
    target: str = ""       # its label file ("" for tasks that write none, such as enroll)
    duration: float = 0.0  # seconds of audio, from the header (0 when the header does not say)


@dataclass
class Record:
    """One line of the report."""
    file: str
    status: str            # done, skipped (complete already), failed, stopped
    seconds: float = 0.0   # wall time of the analysis
    audio_seconds: float = 0.0
    regions: int = 0
    output: str = ""
    error: str = ""
    notes: list = field(default_factory=list)


@dataclass(frozen=True)
class Settings:
    """What every worker runs: picklable, so it crosses to worker processes and Ray actors."""
    task: str
    params: tuple                      # (name, value) pairs
    model: str | None = None
    channel: str = "mix"
    device: str = "auto"
    spans: tuple | None = None         # (start, end, text, track) to run on instead of the file
    threads: int = 0                   # torch threads in each worker (0: leave as it is)


@dataclass
class Outcome:
    """What a worker sends back for one file."""
    tracks: list
    duration: float
    seconds: float
    notes: list


# -- planning -----------------------------------------------------------------------------------
def duration_of(path) -> float:
    """Seconds of audio from the file's header, for the audio-hours count; 0 when unknown."""
    try:
        import soundfile as sf

        info = sf.info(str(path))
        return info.frames / info.samplerate if info.samplerate > 0 and info.frames > 0 else 0.0
    except Exception:    # unreadable here: the worker will say why
        return 0.0


def is_complete(target: str, source: str) -> bool:
    """An output is complete when it exists, is not empty and is newer than its input (outputs
    are written atomically, so a killed run never leaves half a file under the real name)."""
    try:
        out, src = os.stat(target), os.stat(source)
    except OSError:
        return False
    return out.st_size > 0 and out.st_mtime >= src.st_mtime


RUNS = "workbench-runs.json"     # beside the outputs (and the report): which settings made each one


def fingerprint(settings: "Settings") -> str:
    """What makes two runs give the same output: the task, its parameters, the model, the
    channel and the regions run on (not the device or the number of threads)."""
    import hashlib

    from workbench.tasks import registry

    spec = registry.get(settings.task)
    model = settings.model or (spec.checkpoints[0] if spec.checkpoints else "")   # the default, by name
    what = [settings.task, sorted((str(k), repr(v)) for k, v in settings.params), model,
            settings.channel, repr(settings.spans)]
    return hashlib.sha256(json.dumps(what).encode("utf-8")).hexdigest()[:32]


def _runs(folder: Path) -> dict:
    try:
        data = json.loads((folder / RUNS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def made_with(target: str) -> str | None:
    """The fingerprint of the settings that made ``target`` (None: not known)."""
    value = _runs(Path(target).parent).get(Path(target).name)
    return value if isinstance(value, str) else None


def note_made(target: str, print_: str) -> None:
    """Remember that ``target`` was made with the settings ``print_`` (an atomic write; a
    folder that cannot be written to only means the next run cannot skip it)."""
    from workbench.formats.atomic import write_text

    folder = Path(target).parent
    runs = _runs(folder)
    runs[Path(target).name] = print_
    try:
        write_text(folder / RUNS, json.dumps(runs, indent=1, sort_keys=True))
    except OSError:
        pass


def plan(pairs, redo: bool = False, settings: "Settings | None" = None) -> tuple[list[Item], list[Record]]:
    """Jobs for (source, target) pairs, and "skipped" records for those complete already:
    written after their source changed last, and (given ``settings``) made with these same
    settings: another model or other parameters make it again."""
    jobs, skipped = [], []
    want = fingerprint(settings) if settings is not None else None
    for source, target in pairs:
        source, target = str(source), str(target or "")
        if target and not redo and is_complete(target, source) and (want is None or made_with(target) == want):
            skipped.append(Record(source, "skipped", output=target, audio_seconds=duration_of(source)))
        else:
            jobs.append(Item(source, target, duration_of(source)))
    return jobs, skipped


def default_workers(device: str = "auto") -> int:
    """What the machine allows: one worker per GPU; on the CPU one per two cores (each worker
    uses two threads), and no more than the memory holds at ~3 GiB a worker."""
    if device in ("auto", "cuda"):
        try:
            import torch

            if torch.cuda.is_available():
                return max(1, torch.cuda.device_count())
        except ImportError:
            pass
    cores = os.cpu_count() or 1
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = 8 << 30
    return max(1, min(cores // 2, int(memory // (3 << 30))))


# -- one file, in whichever process ------------------------------------------------------------
def analyse(source: str, settings: Settings, progress: Callable = lambda event: None) -> Outcome:
    """Run the task on one recording; the model stays loaded in this process for the next.
    ``progress`` gets each Progress event (a download's have a stage)."""
    from workbench.core.audio import open_audio
    from workbench.tasks import registry
    from workbench.tasks.events import Progress, drive
    from workbench.tasks.job import Job
    from workbench.tasks.plan import Span

    spec = registry.get(settings.task)
    src = open_audio(source)
    try:
        for _ in src.load():
            pass
        ranges = ([Span(*s) for s in settings.spans] if settings.spans is not None
                  else [(0.0, src.duration)])
        job = Job(spec, dict(settings.params), settings.model or "", settings.device, settings.channel,
                  audio=src, ranges=ranges)
        result = drive(job.events(), lambda e: progress(e) if isinstance(e, Progress) else None)
        # what the opener noticed (a truncated file, an impossible length) is said, not lost
        warned = [f"warning: {w}" for w in src.info.warnings]
        return Outcome(result.tracks, src.duration, result.seconds, warned + list(result.notes))
    finally:
        src.close()


def _expected_errors() -> tuple:
    from workbench.core.audio import AudioOpenError
    from workbench.tasks.events import TaskCancelled, TaskError

    return AudioOpenError, TaskError, TaskCancelled, OSError, ValueError


def attempt(job: Item, settings: Settings, progress=lambda event: None) -> tuple[Item, Outcome | None, str]:
    """``analyse`` with the expected failures (a broken file, a missing model) as a message."""
    try:
        return job, analyse(job.source, settings, progress), ""
    except _expected_errors() as exc:
        return job, None, str(exc) or type(exc).__name__


def finish(job: Item, outcome: Outcome | None, error: str) -> Record:
    """Write one file's labels (atomically) and make its report line."""
    from workbench.formats.labels import LabelFormatError, write_labels

    if outcome is None:
        return Record(job.source, "failed", audio_seconds=job.duration, error=error)
    regions = sum(len(r) for _, r in outcome.tracks)
    record = Record(job.source, "done", round(outcome.seconds, 3), round(outcome.duration, 3), regions,
                    job.target, notes=outcome.notes)
    if job.target:
        target = Path(job.target)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_labels(target, outcome.tracks, **({"duration": outcome.duration}
                                                    if target.suffix.lower() == ".textgrid" else {}))
        except (OSError, LabelFormatError) as exc:
            record.status, record.error = "failed", str(exc)
    return record


@contextmanager
def _held_interrupt():
    """Hold Ctrl+C while one file's output is written and reported: an interrupt in between
    would leave an output on disk that the report calls stopped.  The interrupt is raised as
    soon as the block ends.  (Off the main thread there is no SIGINT to hold.)"""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught = []
    before = signal.signal(signal.SIGINT, lambda *_: caught.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
    if caught:
        raise KeyboardInterrupt


def _settle(i: int, job: Item, outcome: Outcome | None, error: str, meter: "Meter", on_record) -> Record:
    """Write one file's output, move the meter and report it, as one step Ctrl+C cannot split."""
    with _held_interrupt():
        record = finish(job, outcome, error)
        meter.finished(i, job.duration or record.audio_seconds)
        on_record(record)
    return record


# -- worker processes ---------------------------------------------------------------------------
_queue = None        # in a worker process: where its progress goes


def _worker_start(queue, threads: int) -> None:
    """A worker ignores Ctrl+C (the batch stops it) and uses its share of the cores."""
    import signal

    global _queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _queue = queue
    if threads:
        os.environ["WORKBENCH_THREADS"] = str(threads)
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import torch

        torch.set_num_threads(threads)


def _worker_run(index: int, job: Item, settings: Settings):
    last = [0.0]

    def progress(event) -> None:
        now = time.monotonic()
        if _queue is not None and not event.stage and now - last[0] > 0.5:
            last[0] = now
            _queue.put((index, event.fraction))

    return attempt(job, settings, progress)


class Meter:
    """Files and audio hours done, with the time left from the audio rate so far."""

    def __init__(self, jobs: list[Item], skipped: int = 0):
        self.files, self.skipped = len(jobs), skipped
        self.audio = sum(j.duration for j in jobs)
        self.done_files, self.done_audio = 0, 0.0
        self.partial: dict[int, float] = {}      # job index -> audio seconds of it done
        self.t0 = time.monotonic()

    def step(self, index: int, fraction: float, duration: float) -> None:
        self.partial[index] = fraction * duration

    def finished(self, index: int, duration: float) -> None:
        self.partial.pop(index, None)
        self.done_files += 1
        self.done_audio += duration

    @property
    def audio_done(self) -> float:
        return self.done_audio + sum(self.partial.values())

    @property
    def fraction(self) -> float:
        if self.audio > 0:
            return min(1.0, self.audio_done / self.audio)
        return self.done_files / self.files if self.files else 1.0

    def eta(self) -> float | None:
        """Seconds left, or None before there is a rate to go by."""
        elapsed = time.monotonic() - self.t0
        f = self.fraction
        if f <= 0.0 or elapsed < 1.0:
            return None
        return elapsed * (1.0 - f) / f

    def line(self) -> str:
        eta = self.eta()
        left = "" if eta is None else f", {_clock(eta)} left"
        skipped = f" ({self.skipped} already done)" if self.skipped else ""
        if self.audio >= 1800:
            audio = f"{self.audio_done / 3600:.2f}/{self.audio / 3600:.2f} h audio"
        else:
            audio = f"{self.audio_done / 60:.1f}/{self.audio / 60:.1f} min audio"
        return f"{self.done_files}/{self.files} files{skipped}, {audio}{left}"


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


Report = Callable[[Record], None]


def run_inline(jobs: list[Item], settings: Settings, meter: Meter, on_record: Report,
               on_progress=lambda: None) -> None:
    """Every file in this process, one after another (the single-process way).  A download's
    progress goes to ``on_progress(event)``; the rest moves the meter."""
    for i, job in enumerate(jobs):
        def progress(event, i=i, job=job):
            if event.stage:
                on_progress(event)
                return
            meter.step(i, event.fraction, job.duration)
            on_progress()
        _settle(i, *attempt(job, settings, progress), meter, on_record)
        on_progress()


def prefetch(settings: Settings, progress=lambda event: None) -> None:
    """Download the task's model once, here, before workers start (each would fetch it alone)."""
    from workbench.tasks import registry
    from workbench.tasks.events import drive
    from workbench.tasks.models import fetch
    from workbench.tasks.runner import fetched_here

    spec = registry.get(settings.task)
    model = settings.model or (spec.checkpoints[0] if spec.checkpoints else "")
    if fetched_here(spec, model):
        drive(fetch(model), progress)


def run_pool(jobs: list[Item], settings: Settings, workers: int, meter: Meter, on_record: Report,
             on_progress=lambda: None, work=None) -> None:
    """The files over ``workers`` processes.  A worker that dies (a crash in a decoder) takes
    only its own file down: the pool is rebuilt and the other files go on; a file that kills
    a worker twice is reported failed.  ``work`` (index, job, settings) -> attempt()'s triple
    replaces the analysis (a module-level function: it crosses to the workers by name)."""
    import multiprocessing
    import queue as queues
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")     # as on Windows and macOS: no forked torch
    progress_queue = context.Queue()
    threads = settings.threads or max(1, (os.cpu_count() or 1) // workers)
    pending = list(range(len(jobs)))
    crashes: dict[int, int] = {}
    while pending:
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_start,
                                   initargs=(progress_queue, threads))
        running = {}
        try:
            while pending or running:
                while pending and len(running) < workers * 2:    # a little queued, not all
                    running[pool.submit(work or _worker_run, pending[0], jobs[pending[0]], settings)] = pending[0]
                    pending.pop(0)
                done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
                while True:
                    try:
                        i, fraction = progress_queue.get_nowait()
                    except queues.Empty:
                        break
                    meter.step(i, fraction, jobs[i].duration)
                for future in done:
                    i = running[future]
                    result = future.result()               # raises when the worker died
                    del running[future]
                    _settle(i, *result, meter, on_record)
                on_progress()
        except BrokenProcessPool:
            for future, i in running.items():
                if future.done() and not future.exception():
                    _settle(i, *future.result(), meter, on_record)
                    continue
                crashes[i] = crashes.get(i, 0) + 1
                if crashes[i] >= 2:
                    meter.finished(i, jobs[i].duration)
                    on_record(Record(jobs[i].source, "failed", audio_seconds=jobs[i].duration,
                                     error="the worker process crashed reading this file"))
                else:
                    pending.insert(0, i)
        finally:
            _stop(pool)


def _stop(pool) -> None:
    """Shut a pool down now: queued files are dropped and running workers are ended (their
    files have no output yet, so a rerun does them)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.join(5)


# -- a Ray cluster ------------------------------------------------------------------------------
def run_ray(jobs: list[Item], settings: Settings, address: str, workers: int | None, meter: Meter,
            on_record: Report, on_progress=lambda: None) -> None:
    """The files over a Ray cluster (``ray://HOST:PORT``, or ``auto`` for one started here):
    one actor per worker holds the model; each file's bytes travel to an actor and its labels
    come back here as soon as it is done, so the cluster needs no shared disk."""
    ray, started_here = join_ray(address, workers)
    try:
        count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        gpus = 1 if settings.device in ("auto", "cuda") and ray.cluster_resources().get("GPU", 0) >= count else 0
        actor = ray.remote(num_cpus=1, num_gpus=gpus)(_Actor)
        actors = [actor.remote(settings) for _ in range(count)]
        idle = list(actors)
        running = {}
        pending = list(range(len(jobs)))
        while pending or running:
            while pending and idle:
                i = pending.pop(0)
                who = idle.pop()
                running[who.run.remote(Path(jobs[i].source).name, Path(jobs[i].source).read_bytes())] = (i, who)
            ready, _ = ray.wait(list(running), num_returns=1, timeout=0.5)
            for ref in ready:
                i, who = running.pop(ref)
                idle.append(who)
                try:
                    outcome, error = ray.get(ref)
                except ray.exceptions.RayError as exc:
                    outcome, error = None, f"the cluster lost this file: {exc}"
                _settle(i, jobs[i], outcome, error, meter, on_record)
            on_progress()
    finally:
        if started_here:
            ray.shutdown()


class _Actor:
    """A Ray actor: loads the model on its first file and keeps it for the rest."""

    def __init__(self, settings: Settings):
        self.settings = settings
        if settings.threads:
            os.environ["WORKBENCH_THREADS"] = str(settings.threads)

    def run(self, name: str, data: bytes):
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            _, outcome, error = attempt(Item(str(path)), self.settings)
        return outcome, error


# -- the report -------------------------------------------------------------------------------
def write_report(path, records: list[Record]) -> None:
    """Per file: status, seconds, regions, error; CSV, or JSON when the name ends .json."""
    from workbench.formats.atomic import write_text

    rows = [{k: v for k, v in asdict(r).items() if k in REPORT_FIELDS} for r in records]
    if str(path).lower().endswith(".json"):
        totals = {s: sum(r.status == s for r in records) for s in ("done", "skipped", "failed", "stopped")}
        text = json.dumps({"files": rows, "totals": totals}, indent=1, ensure_ascii=False) + "\n"
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, REPORT_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    write_text(Path(path), text)
