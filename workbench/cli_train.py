"""``workbench train``: a classifier from labelled audio, headless, over the same core as the
window's Train task (tasks/teach)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def train_command(argv: list[str]) -> int:
    from workbench.tasks.cluster import ClusterError
    from workbench.tasks.models import set_audience
    from workbench.tasks.events import TaskCancelled, TaskError, drive
    from workbench.tasks.understand import embeddings as bb
    from workbench.tasks.teach import examples as ex
    from workbench.tasks.teach import head as hd
    from workbench.tasks.teach.train import learn, parse_merge

    set_audience("cli", option="--backbone")          # what a message tells the user to give
    p = argparse.ArgumentParser(prog="workbench train", description="Train a classifier from "
                                "labelled audio: audio files with label files beside them (any "
                                "format the workbench reads), folders of them, or projects.")
    p.add_argument("inputs", nargs="+", metavar="AUDIO_OR_PROJECT")
    p.add_argument("--labels", nargs="+", metavar="LABELS", help="label files, one per audio "
                   "input in the same order (default: the label files beside each recording)")
    p.add_argument("--backbone", default=bb.YAMNET, help=f"what hears: {bb.YAMNET}, {bb.VOICE}, or "
                   "a transformers audio model's Hub id or folder (default: %(default)s)")
    p.add_argument("--classes", default="", help="comma-separated labels to learn (default: all)")
    p.add_argument("--merge", default="", metavar="OLD=NEW,...", help="labels to merge into another")
    p.add_argument("--background", action="store_true", help="also learn a background class from "
                   "the unlabelled stretches between each recording's first and last label")
    p.add_argument("--held-out", type=float, default=0.25, help="share kept aside to measure it")
    p.add_argument("--mode", choices=("head", "finetune"), default="head", help="head: the backbone stays "
                   "frozen and a head learns in seconds (default); finetune: the whole transformers model "
                   "learns, stopped early (a GPU advised)")
    p.add_argument("--epochs", type=int, default=10, help="finetune: at most this many passes")
    p.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    p.add_argument("--workers", type=int, default=0, metavar="N", help="embed the recordings in N worker "
                   "processes first, each loading the backbone once (large sets; default: one process)")
    p.add_argument("--cluster", metavar="ADDRESS", help="embed the recordings on a Ray cluster first: "
                   "ray://HOST:PORT, or auto to start one here (pip install 'audio-workbench[cluster]')")
    p.add_argument("-o", "--output", required=True, metavar="FOLDER", help="the model folder to write")
    p.add_argument("--json", action="store_true", help="the held-out metrics as JSON on stdout")
    p.add_argument("--push-to-hub", metavar="REPO", help="then upload the folder to this Hub repository "
                   "(you/name), private unless --public, with the token of `hf auth login` or HF_TOKEN")
    p.add_argument("--public", action="store_true", help="with --push-to-hub: a public repository")
    args = p.parse_args(argv)
    if not 0.05 <= args.held_out <= 0.5:
        print("workbench train: --held-out is a share between 0.05 and 0.5", file=sys.stderr)
        return 2
    try:
        data = ex.Dataset()
        if args.labels:
            audio = [a for a in args.inputs if Path(a).suffix.lower() not in (".awproj", ".awbundle")]
            if len(audio) != len(args.labels):
                print(f"workbench train: {len(args.labels)} label files for {len(audio)} audio inputs: "
                      f"give one per recording, in the same order", file=sys.stderr)
                return 2
            for a, lab in zip(audio, args.labels):
                ex.add_pair(data, a, [lab])
            ex.from_paths([a for a in args.inputs if a not in audio], data)
        else:
            ex.from_paths(args.inputs, data)
        if not data.examples:
            raise TaskError("no labelled regions found: each recording needs a label file beside it "
                            "(same name), or --labels")
        chosen = ex.choose(data, args.classes.split(","), parse_merge(args.merge), args.background)
        model = _model(args.backbone)
        from workbench.tasks.models import choose_device

        if args.mode == "finetune":
            from workbench.tasks.teach import finetune as ft
            from workbench.tasks.spec import is_bundled

            if is_bundled(model):
                raise TaskError("--mode finetune changes a transformers model's weights: give one with "
                                "--backbone (wav2vec 2.0, HuBERT, WavLM, AST, Whisper)")
            done = drive(ft.finetune(chosen, model, choose_device(args.device), args.held_out, args.epochs),
                         lambda e: _progress(e.fraction, e.message))
            folder = ft.save(args.output, done)
        else:
            if args.cluster:
                from workbench.tasks.teach.parallel import prefetch_ray

                drive(prefetch_ray(chosen, model, args.cluster, args.workers or None),
                      lambda e: _progress(e.fraction, e.message))
            elif args.workers > 1:
                from workbench.tasks.teach.parallel import prefetch

                drive(prefetch(chosen, model, args.workers), lambda e: _progress(e.fraction, e.message))
            done = drive(learn(chosen, model, choose_device(args.device), args.held_out),
                         lambda e: _progress(e.fraction, e.message))
            folder = hd.save(args.output, done.head, done.backbone, done.summary, done.metrics)
        if args.push_to_hub:
            from workbench.tasks.teach.share import share

            url = drive(share(folder, args.push_to_hub, private=not args.public),
                        lambda e: _progress(e.fraction, e.message))
            print(f"\rshared: {url}", file=sys.stderr)
    except (TaskError, TaskCancelled, OSError, ClusterError) as exc:
        print(f"\rworkbench train: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nworkbench train: stopped; the model folder is untouched", file=sys.stderr)
        return 130
    m = done.metrics
    print(f"\r{' ' * 78}\r", end="", file=sys.stderr)
    for w in done.summary["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    print(f"{len(done.metrics['labels'])} classes from {done.summary['examples']} examples; held out "
          f"{done.summary['held_out']} ({done.summary['split']}): accuracy {m['accuracy']:.3f}, "
          f"macro-F1 {m['macro_f1']:.3f}; written to {folder}", file=sys.stderr)
    if args.json:
        print(json.dumps({"folder": str(folder), **m, "data": done.summary}))
    return 0


def _model(name: str) -> str:
    """The backbone as the window's Train task gets it: bundled as named, a folder as it is, a
    Hub id fetched (or found in the cache) first."""
    from workbench.tasks import registry
    from workbench.tasks.events import drive
    from workbench.tasks.runner import model_for

    return drive(model_for(registry.get("train"), name), lambda e: _progress(e.fraction, e.message))


def _progress(fraction: float, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r[{'#' * int(fraction * 30):.<30}] {fraction * 100:5.1f}% {message[:40]:<40}", end="",
              file=sys.stderr, flush=True)
