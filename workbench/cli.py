"""``workbench``: opens the window, or (later sub-commands) runs the same core headless.

Qt is imported only when the window is wanted, so ``workbench --version`` and batch commands
start fast and work without a display.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from workbench import __version__


def _gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="workbench", description="Audio Workbench: see, hear, label and "
                                "generate audio with AI models on one timeline.",
                                epilog="Headless: 'workbench tasks' lists tasks; 'workbench run TASK "
                                       "INPUT... -o OUT' runs one (see 'workbench run --help'); "
                                       "'workbench download MODEL...' fetches models.")
    p.add_argument("files", nargs="*", metavar="FILE", help="recordings to open")
    p.add_argument("--version", action="version", version=f"Audio Workbench {__version__}")
    p.add_argument("--theme", choices=("system", "light", "dark"), help="colour theme for this run")
    p.add_argument("--self-test", action="store_true",
                   help="check this install end to end, offscreen and offline (open the demo, draw "
                        "it, voice activity, a tone, save and reopen a project); exit 0 when it works")
    p.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    return p


AUDIO_EXTENSIONS = {".wav", ".wave", ".flac", ".ogg", ".oga", ".opus", ".mp3", ".aif", ".aiff",
                    ".aifc", ".rf64", ".w64", ".caf", ".au"}


def _tasks_command(argv: list[str]) -> int:
    from workbench.tasks import registry

    argparse.ArgumentParser(prog="workbench tasks", description="List the tasks and their "
                            "parameters.").parse_args(argv)
    for spec in registry.all_tasks():
        print(f"{spec.id:12s} {spec.title}  [{spec.panel}]")
        print(f"{'':12s} {spec.description}")
        if spec.checkpoints and spec.needs_model:
            from workbench.tasks.model_status import status

            print(f"{'':12s} models:")
            for c in spec.checkpoints:
                print(f"{'':12s}   {c}: {status(c, spec).text}")
        elif spec.checkpoints:
            print(f"{'':12s} model: {', '.join(spec.checkpoints)}")
        for p in spec.params:
            rng = f" ({_number(p.min)}–{_number(p.max)})" if p.min is not None and p.max is not None else ""
            if p.kind == "choice":
                rng = f" (one of: {', '.join(map(str, p.choices))})"
            unit = f" {p.unit}" if p.unit else ""
            print(f"{'':12s}   --param {p.name}={p.default}{unit}{rng}  {p.help or p.title}")
    return 0


def _inputs(paths: list[str]) -> list[tuple[Path, Path]]:
    """(file, where its output goes under an output folder): a folder's files keep their place
    in the folder's tree; files named directly go at the top."""
    found = []
    for p in map(Path, paths):
        if p.is_dir():
            found += [(f, f.relative_to(p)) for f in sorted(p.rglob("*"))
                      if f.suffix.lower() in AUDIO_EXTENSIONS and f.is_file()]
        else:
            found.append((p, Path(p.name)))
    return found


def _targets(inputs: list[tuple[Path, Path]], out: Path, ext: str) -> list[Path]:
    """One output path per input, never the same twice: ``day2/interview.wav`` and
    ``day2/interview.flac`` become ``interview.wav<ext>`` and ``interview.flac<ext>``."""
    plain = [out / rel.with_suffix(ext) for _, rel in inputs]
    clash = {t for t in plain if plain.count(t) > 1}
    targets = [out / rel.with_name(rel.name + ext) if t in clash else t
               for t, (_, rel) in zip(plain, inputs)]
    seen: dict[Path, int] = {}
    for i, t in enumerate(targets):           # the same file named twice: number the rest
        if t in seen:
            seen[t] += 1
            targets[i] = t.with_name(f"{t.stem}-{seen[t]}{t.suffix}")
        else:
            seen[t] = 1
    return targets


def parse_columns(text: str | None) -> dict | None:
    """--columns start=onset,end=offset,text=label -> {"start": "onset", ...}."""
    if not text:
        return None
    out = {}
    for part in text.split(","):
        what, eq, name = part.partition("=")
        if not eq or not what.strip() or not name.strip():
            raise ValueError(f"--columns takes WHAT=COLUMN pairs separated by commas "
                             f"(start=onset,end=offset,text=label), not “{part}”")
        out[what.strip().lower()] = name.strip()
    return out


def _spans(path: str, track: str | None, columns: dict | None = None):
    """The regions of one track of a label file as ranges that remember their text."""
    from workbench.formats.labels import read_labels
    from workbench.tasks.plan import Span

    tracks = read_labels(Path(path), columns)
    if not tracks:
        raise KeyError(f"{path} has no label tracks")
    names = [name for name, _ in tracks]
    if track is not None and track not in names:
        raise KeyError(f"{path} has no track “{track}”; it has {', '.join(names)}")
    name = track if track is not None else tracks[0][0]
    spans = [Span(r.start, r.end, r.text, name) for r in dict(tracks)[name] if not r.is_point]
    if not spans:
        raise KeyError(f"{path} has no regions to run on")
    return spans


def _quiet_libraries() -> None:
    """transformers' warnings and its 'Loading weights' bars are not ours to show: our own
    progress bar says what is happening (a real error still arrives as an exception)."""
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TQDM_DISABLE", "1")


def _run_command(argv: list[str]) -> int:
    from workbench.formats.labels import LabelFormatError, format_for
    from workbench.tasks import registry

    p = argparse.ArgumentParser(prog="workbench run", description="Run a task headless: an "
                                "Understand task on files or folders writes their labels; a "
                                "Generate task (tone, noise, ...) writes an audio file.")
    p.add_argument("task", help="a task id (see: workbench tasks)")
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="audio files or folders (Understand tasks)")
    p.add_argument("--output", "-o",
                   help="a label file (.txt .srt .vtt .TextGrid .eaf .csv .json .selections.txt) "
                        "or, for several inputs, a folder (tasks that write no labels, such as "
                        "enroll, need none)")
    p.add_argument("--regions", metavar="LABELS", help="run on each region of this label file "
                   "(one input): e.g. enroll the voices named in a Speakers track")
    p.add_argument("--track", help="which track of --regions (default: its first)")
    p.add_argument("--columns", metavar="WHAT=COLUMN,...",
                   help="which columns of a --regions table hold what, where their names do not "
                        "say: e.g. start=onset,end=offset,text=label")
    p.add_argument("--format", default=".json", help="extension of each file written into a folder")
    p.add_argument("--model", help="Hub id or local folder of the checkpoint")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument("--text", help="the text or description a Generate task speaks or makes "
                                  "(the same as --param text=...)")
    p.add_argument("--channel", choices=("mix", "left", "right"), default="mix")
    p.add_argument("--rate", type=int, default=48000, help="sample rate of generated audio (Hz)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto",
                   help="where models run (auto: a GPU when there is one)")
    p.add_argument("--workers", type=int, default=0, metavar="N", help="worker processes for "
                   "many files, each loading the model once (default: what this machine allows)")
    p.add_argument("--cluster", metavar="ADDRESS", help="spread the files over a Ray cluster: "
                   "ray://HOST:PORT, or auto to start one here (pip install 'audio-workbench[cluster]')")
    p.add_argument("--report", metavar="FILE", help="per-file summary, .csv or .json (default: "
                   "workbench-report.csv in the output folder)")
    p.add_argument("--redo", action="store_true", help="run again on files whose output is "
                   "complete already (skipped by default, so a stopped batch resumes)")
    args = p.parse_args(argv)
    try:
        spec = registry.get(args.task)
        given = dict(kv.split("=", 1) for kv in args.param if "=" in kv)
        if args.text is not None:
            given["text"] = args.text
        params = spec.parse_params(given)
    except (KeyError, ValueError) as exc:
        print(f"workbench run: {exc.args[0]}", file=sys.stderr)
        return 2
    bad = [kv for kv in args.param if "=" not in kv]
    if bad:
        print(f"workbench run: --param needs NAME=VALUE, got {bad[0]}", file=sys.stderr)
        return 2
    if args.output is None and (spec.kind == "render" or spec.output_track):
        print("workbench run: -o/--output is required (where the results go)", file=sys.stderr)
        return 2
    if spec.kind == "render":
        return _generate(spec, params, args)
    if spec.kind == "task":
        return _task(spec, params, args)
    inputs = _inputs(args.inputs)
    try:
        spans = _spans(args.regions, args.track, parse_columns(args.columns)) if args.regions else None
    except (LabelFormatError, OSError, KeyError, ValueError) as exc:
        hint = ("; name them with --columns start=COLUMN,end=COLUMN,text=COLUMN"
                if getattr(exc, "header", None) else "")
        print(f"workbench run: {getattr(exc, 'problem', None) or (exc.args or [exc])[0]}{hint}", file=sys.stderr)
        return 2
    if spans is not None and len(inputs) != 1:
        print("workbench run: --regions goes with one input file", file=sys.stderr)
        return 2
    out = Path(args.output or os.devnull)
    several = len(inputs) > 1 or any(Path(p).is_dir() for p in args.inputs)
    to_folder = several or out.is_dir() or (args.output or "").endswith(("/", "\\"))
    if not inputs:
        print("workbench run: no audio files found", file=sys.stderr)
        return 2
    if several and out.suffix and not out.is_dir():
        print(f"workbench run: {len(inputs)} inputs need a folder for -o, not the file name "
              f"“{out.name}” (add --format {out.suffix} to choose the label format)", file=sys.stderr)
        return 2
    ext = args.format if args.format.startswith(".") else "." + args.format
    try:
        if args.output:
            format_for(("x" + ext) if to_folder else out)
    except LabelFormatError as exc:
        print(f"workbench run: {exc.problem}", file=sys.stderr)
        return 2
    targets = _targets(inputs, out, ext) if to_folder and args.output else [out] * len(inputs)
    report = args.report or (str(out / "workbench-report.csv") if to_folder and args.output else "")
    while report and Path(report) in targets:     # an input called workbench-report.wav
        report = str(Path(report).with_stem(Path(report).stem + "-1"))
    return _understand(spec, params, args, [(path, t if args.output else "") for (path, _), t
                                             in zip(inputs, targets)], spans, report)


def _task(spec, params: dict, args) -> int:
    """A task of the general kind (tasks/job.py): it reads the INPUT files (the first audio file
    as its audio, when it reads audio) and the label tracks of --regions; its label outputs go to
    -o, which is also where it writes a folder it makes (a model); what else it did is said."""
    from workbench.core.audio import AudioOpenError, open_audio
    from workbench.formats.labels import LabelFormatError, read_labels, write_labels
    from workbench.tasks.job import Job
    from workbench.tasks.runner import TaskCancelled, TaskError, drive

    job = Job(spec, params, args.model or "", args.device, args.channel, files=list(args.inputs),
              output=args.output or "")
    try:
        if args.regions:
            job.labels = read_labels(Path(args.regions), parse_columns(args.columns))
        audio = [p for p in args.inputs if Path(p).is_file()]
        if audio and (set(spec.inputs) & {"file", "selection", "regions"} or job.labels):
            # the labels of --regions are times in the first audio input: it is what they label
            job.audio = open_audio(audio[0])
            for _ in job.audio.load():
                pass
            job.ranges = [(0.0, job.audio.duration)]
        result = drive(job.events(), lambda e: _bar(spec.id, e.fraction, e.message))
        if result.tracks and args.output:
            write_labels(Path(args.output), result.tracks)
    except (ValueError, KeyError, TaskError, TaskCancelled, OSError, AudioOpenError, LabelFormatError) as exc:
        print(f"\rworkbench run: {getattr(exc, 'problem', None) or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nworkbench run: stopped", file=sys.stderr)
        return 130
    said = [f"{len(r)} regions on “{name}”" for name, r in result.tracks] + list(result.notes)
    _bar(spec.id, 1.0, f"{'; '.join(said) or 'done'} ({result.seconds:.1f} s)", done=True)
    return 0


def _understand(spec, params: dict, args, pairs, spans, report: str) -> int:
    """An Understand task over files: here, in worker processes or on a Ray cluster; complete
    outputs skipped, a report written, progress in files and audio hours."""
    from workbench.tasks import batch
    from workbench.tasks.runner import TaskCancelled, TaskError

    settings = batch.Settings(spec.id, tuple(params.items()), args.model, args.channel, args.device,
                              tuple(tuple(s) + (s.text, s.track) for s in spans) if spans else None)
    jobs, records = batch.plan(pairs, redo=args.redo, settings=settings)
    made_with = batch.fingerprint(settings)
    meter = batch.Meter(jobs, skipped=len(records))
    total = len(pairs)
    for record in records:
        print(f"{Path(record.file).name}: complete already with these settings ({record.output}); "
              f"--redo to do again", file=sys.stderr)

    def on_record(record) -> None:
        records.append(record)
        label = f"[{len(records)}/{total}] {Path(record.file).name}"
        if record.status == "failed":
            print(f"\r{label}: {record.error}", file=sys.stderr)
            return
        if record.output and record.status == "done":
            batch.note_made(record.output, made_with)   # complete for these settings, next time
        where = f"{record.regions} regions -> {record.output}" if record.output else "done"
        _bar(label, 1.0, f"{where} ({record.seconds:.1f} s)", done=True)
        for line in dict.fromkeys(record.notes):
            print(f"  {line}", file=sys.stderr)

    def on_progress(download=None) -> None:
        if download is not None:                        # a model arriving before its first run
            _bar(f"[{len(records)}/{total}]", download.fraction, download.message)
        elif meter.done_files < meter.files:
            _bar(f"[{len(records)}/{total}]", meter.fraction, meter.line())

    # one file needs one process: no count of GPUs (importing torch for it took 1.4 s)
    workers = 1 if len(jobs) <= 1 else args.workers or batch.default_workers(args.device)
    workers = min(workers, max(1, len(jobs)))
    # side effects (a voice library) and one region list stay in one process
    alone = not spec.output_track or spans is not None
    try:
        if args.cluster and jobs:
            batch.run_ray(jobs, settings, args.cluster, args.workers, meter, on_record, on_progress)
        elif workers > 1 and not alone:
            batch.prefetch(settings, on_progress)
            batch.run_pool(jobs, settings, workers, meter, on_record, on_progress)
        else:
            batch.run_inline(jobs, settings, meter, on_record, on_progress)
    except (batch.ClusterError, TaskError, TaskCancelled) as exc:
        print(f"\rworkbench run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        done = {r.file for r in records}
        records += [batch.Record(j.source, "stopped", audio_seconds=j.duration) for j in jobs
                    if j.source not in done]
        _write_report(report, records)
        print(f"\nworkbench run: stopped; {sum(r.status in ('done', 'skipped') for r in records)} of "
              f"{total} files were complete and are kept; run it again to do the rest", file=sys.stderr)
        return 130
    _write_report(report, records)
    failed = sum(r.status == "failed" for r in records)
    if total > 1:
        print(f"{total - failed} of {total} files done" + (f", {failed} failed" if failed else "")
              + (f"; report: {report}" if report else ""), file=sys.stderr)
    return 1 if failed else 0


def _write_report(report: str, records) -> None:
    from workbench.tasks.batch import write_report

    if report:
        try:
            write_report(report, records)
        except OSError as exc:
            print(f"workbench run: the report was not written: {exc}", file=sys.stderr)


def _generate(spec, params: dict, args) -> int:
    """Write a Generate task's audio to -o, with its provenance in the file's tags.  Several
    outputs (variations, a clip per sentence) go to NAME-1.EXT, NAME-2.EXT, ...; a task that
    reads a selection (a voice, a melody, music to continue) reads the one INPUT file."""
    import soundfile as sf

    from workbench.core.audio import AudioOpenError, open_audio
    from workbench.formats import atomic
    from workbench.formats.export import CONTAINERS
    from workbench.tasks.generate.run import metadata
    from workbench.tasks.job import Job
    from workbench.tasks.runner import TaskCancelled, TaskError, drive

    out = Path(args.output)
    container = CONTAINERS.get(out.suffix.lower())
    if container is None:
        print(f"workbench run: {spec.id} writes audio: give -o a .wav, .flac or .ogg file", file=sys.stderr)
        return 2
    reads = spec.reads_selection
    if args.inputs and not reads:
        print(f"workbench run: {spec.id} makes audio from its parameters and reads no input files",
              file=sys.stderr)
        return 2
    if len(args.inputs) > 1:
        print(f"workbench run: {spec.id} reads one input file (the audio it takes a voice, a "
              f"melody or a beginning from), not {len(args.inputs)}", file=sys.stderr)
        return 2
    if not 1000 <= args.rate <= 768000:
        print(f"workbench run: --rate {args.rate} Hz is outside 1000-768000", file=sys.stderr)
        return 2
    job = Job(spec, params, args.model or "", args.device, args.channel, rate=args.rate)
    try:
        if args.inputs:
            src = open_audio(args.inputs[0])
            for _ in src.load():
                pass
            job.audio, job.selection = src, (0.0, src.duration)
        result = drive(job.events(), lambda e: _bar(spec.id, e.fraction, e.message if e.stage else ""))
        outputs = result.audio
        targets = [out] if len(outputs) == 1 else [
            out.with_name(f"{out.stem}-{n}{out.suffix}") for n in range(1, len(outputs) + 1)]
        subtype = {"WAV": "FLOAT", "FLAC": "PCM_24", "OGG": "VORBIS"}[container]
        for output, target in zip(outputs, targets):
            with atomic.replacing(target) as tmp, sf.SoundFile(
                    str(tmp), "w", output.rate, output.samples.shape[1], subtype=subtype, format=container) as f:
                for key, value in metadata(output).items():
                    setattr(f, key, value)
                f.write(output.samples)
    except (ValueError, TaskError, TaskCancelled, OSError, AudioOpenError) as exc:
        print(f"\rworkbench run: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\nworkbench run: stopped; {out} was not written", file=sys.stderr)
        return 130
    seconds = sum(o.duration for o in outputs)
    where = str(out) if len(outputs) == 1 else f"{targets[0].name} … {targets[-1].name}"
    _bar(spec.id, 1.0, f"{seconds:.2f} s -> {where} ({result.seconds:.1f} s)", done=True)
    return 0


LOG_EVERY_S = 5.0
_last_logged: list = [0.0, None]     # when, and what (label and the message's first clause)


def _bar(label: str, fraction: float, tail: str = "", done: bool = False) -> None:
    """Progress on stderr: one line redrawn in place on a terminal; into a log (not a terminal)
    a line when the stage changes (a new file, a new download), every few seconds, and at the
    end: not hundreds."""
    import shutil
    import time

    filled = int(fraction * 30)
    line = f"{label} [{'#' * filled}{'.' * (30 - filled)}] {fraction * 100:5.1f}% {tail}"
    if sys.stderr.isatty():
        width = shutil.get_terminal_size((100, 20)).columns - 1
        line = line[:width].ljust(width)
        print("\r" + line, end="\n" if done else "", file=sys.stderr, flush=True)
        return
    now = time.monotonic()
    what = (label, tail.split(",")[0])
    if done or what != _last_logged[1] or now - _last_logged[0] >= LOG_EVERY_S:
        _last_logged[:] = [now, what]
        print(line, file=sys.stderr, flush=True)


def _download_command(argv: list[str]) -> int:
    from workbench.tasks import downloads
    from workbench.tasks.runner import TaskCancelled, TaskError, drive

    p = argparse.ArgumentParser(prog="workbench download", description="Fetch models from the "
                                "Hugging Face Hub into the shared cache (the one transformers and "
                                "the hf command use), with progress; an interrupted download "
                                "continues where it stopped when run again.")
    p.add_argument("models", nargs="+", metavar="MODEL", help="Hub ids, e.g. openai/whisper-small")
    p.add_argument("--revision", help="a branch, tag or commit (default: main)")
    p.add_argument("--cache-dir", help="another cache folder (default: the Hugging Face cache)")
    args = p.parse_args(argv)
    failures = 0
    for model in args.models:
        try:
            folder = drive(downloads.download(model, args.revision, cache_dir=args.cache_dir),
                           lambda event: _bar(model, event.fraction, event.message.split(": ", 1)[-1]))
            _bar(model, 1.0, folder, done=True)
        except KeyboardInterrupt:
            print(f"\r{model}: stopped; run the same command again to continue", file=sys.stderr)
            return 130
        except (TaskError, TaskCancelled, OSError) as exc:
            failures += 1
            print(f"\r{model}: {exc}", file=sys.stderr)
    return 1 if failures else 0


def _voices_command(argv: list[str]) -> int:
    from workbench.formats.voices import VoiceLibraryError, read_library, write_library
    from workbench.tasks.understand.identify import library_path

    p = argparse.ArgumentParser(prog="workbench voices", description="The voice library that "
                                "'workbench run enroll' fills and 'workbench run identify' reads.")
    p.add_argument("action", choices=("list", "remove", "rename", "where"), nargs="?", default="list")
    p.add_argument("names", nargs="*", metavar="NAME", help="remove: NAME; rename: OLD NEW")
    p.add_argument("--library", default="", help="another library file (default: your data folder's)")
    args = p.parse_args(argv)
    path = library_path(args.library)
    if args.action == "where":
        print(path)
        return 0
    try:
        library = read_library(path)
    except VoiceLibraryError as exc:
        print(f"workbench voices: {exc}", file=sys.stderr)
        return 1
    if args.action == "list":
        if not library.names():
            print(f"No voices enrolled yet ({path})")
        for model, table in library.models.items():
            print(model)
            for name, voice in sorted(table.items()):
                print(f"  {name:24s} {voice.seconds:8.1f} s  {voice.updated}")
        return 0
    wanted = {"remove": 1, "rename": 2}[args.action]
    if len(args.names) != wanted:
        print(f"workbench voices: {args.action} takes {'NAME' if wanted == 1 else 'OLD NEW'}", file=sys.stderr)
        return 2
    try:
        changed = (library.remove(args.names[0]) if args.action == "remove"
                   else library.rename(*args.names))
    except ValueError as exc:
        print(f"workbench voices: {exc}", file=sys.stderr)
        return 1
    if not changed:
        print(f"workbench voices: there is no voice called “{args.names[0]}”", file=sys.stderr)
        return 1
    write_library(path, library)
    return 0


def _number(v: float) -> str:
    """A range's end as people write it: 2147483647, not 2.14748e+09."""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from workbench.tasks.models import set_audience

    set_audience("cli")
    if argv and argv[0] == "tasks":
        try:
            return _tasks_command(argv[1:])
        except BrokenPipeError:   # `workbench tasks | head`: the reader has all it wanted
            sys.stdout = open(os.devnull, "w")
            return 0
    if argv and argv[0] == "run":
        _quiet_libraries()
        return _run_command(argv[1:])
    if argv and argv[0] == "download":
        return _download_command(argv[1:])
    if argv and argv[0] == "voices":
        return _voices_command(argv[1:])
    if argv and argv[0] == "train":
        _quiet_libraries()
        from workbench.cli_train import train_command

        return train_command(argv[1:])
    if argv and not argv[0].startswith("-") and not Path(argv[0]).suffix and not Path(argv[0]).exists():
        print(f"workbench: “{argv[0]}” is not a command (the commands are tasks, run, train, download and voices) "
              f"nor a file to open", file=sys.stderr)
        return 2
    args = _gui_parser().parse_args(argv)
    if args.self_test:
        from workbench.ui.selftest import run_self_test

        return run_self_test()
    from workbench.ui.application import run_gui

    return run_gui(args.files, theme=args.theme, exit_when_shown=args.exit_when_shown)


if __name__ == "__main__":
    raise SystemExit(main())
