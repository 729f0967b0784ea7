"""The Teach task, declared once (no torch, no transformers on import)."""
from workbench.tasks.spec import Param, TaskSpec

TASKS = [TaskSpec(
    id="train",
    title="Train a classifier",
    panel="understand",
    kind="task",
    description="Teach it your sounds: a classifier from the regions you labelled (this project's "
                "label tracks, and projects or folders of audio with label files beside them). "
                "The backbone hears; a head learns your classes in seconds. Its folder then works "
                "as the model of Classify and Sound events.",
    run="workbench.tasks.teach.train:train",
    sample_rate=None,
    inputs=("labels",),
    checkpoints=("yamnet (bundled)", "resemblyzer (bundled)", "openai/whisper-base",
                 "facebook/wav2vec2-base", "MIT/ast-finetuned-audioset-10-10-0.4593"),
    output_track="",
    params=(
        Param("name", "str", "my-classifier", "Name", help="The model folder's name (in the "
              "workbench's data folder, unless the command line's -o says where)"),
        Param("mode", "choice", "head", "Mode", choices=("head", "fine-tune"),
              help="head: the backbone stays as it is and a head learns in seconds; fine-tune: the "
                   "whole transformers model learns (a GPU advised), stopped when it stops improving"),
        Param("epochs", "int", 10, "Epochs", 1, 200, help="Fine-tune: at most this many passes",
              when=("mode", "fine-tune")),
        Param("more", "paths", "", "Also from", help="Other projects, or folders of audio with "
              "label files beside each recording (any format the workbench reads), separated by “;”"),
        Param("classes", "str", "", "Classes", help="Comma-separated label texts to learn "
              "(empty: every label)"),
        Param("merge", "str", "", "Merge", help="OLD=NEW pairs, comma-separated: chirp=bird"),
        Param("background", "bool", False, "Background class",
              help="Also learn “background” from the unlabelled stretches between your labels "
                   "(not from a part of a recording you have not labelled yet)"),
        Param("held_out", "float", 0.25, "Held out", 0.1, 0.5,
              help="The share of examples kept aside to measure it"),
    ),
)]
