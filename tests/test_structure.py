"""Structure rules from the task-contract issue (27) that a test can check; the layers are
checked by the import-linter (test_boundary.py).  Each rule names what it found, so a break says
where."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"


def sources(under: str = ""):
    for path in sorted((PACKAGE / under).rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8")


def test_model_work_starts_no_thread_of_its_own():
    """One concurrency rule: model work runs on the compute thread (or in a batch worker
    process); no thread is started per run anywhere in tasks/."""
    allowed = {"tasks/compute.py", "tasks/batch.py"}
    found = [name for name, text in sources("tasks") if "threading.Thread(" in text and name not in allowed]
    assert not found, found


def test_nothing_registers_at_exit_when_imported():
    """atexit.register in a module's body runs on import (twice, two modules did): a hook is
    registered by the code that needs it, when it needs it."""
    found = []
    for name, text in sources():
        for node in ast.parse(text).body:
            for call in ast.walk(node) if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                               ast.ClassDef)) else ():
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                        and call.func.attr == "register" and getattr(call.func.value, "id", "") == "atexit":
                    found.append(f"{name}:{call.lineno}")
    assert not found, found


PRIVATE = re.compile(r"\b(?:doc|document|self\.doc|tab\.document|job\.doc|window|self\.window|"
                     r"self\.ctx\.window)\._[a-z]\w*")


def test_no_module_reaches_into_the_document_s_or_the_window_s_privates():
    """The document's privates were the UI's API (recording called _insert_track and _set_clips
    outside the undo history; _free_name was called from three places); controllers called the
    main window's private methods.  Only the object's own module (and the document's mixin) may."""
    own = {"core/document.py", "core/audio_edits.py", "ui/main_window.py"}
    found = [f"{name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}"
             for name, text in sources() if name not in own for m in PRIVATE.finditer(text)]
    assert not found, found


RAW = re.compile(r"\.raw_(?:insert_track|remove_track|move_track|track_fields|clips|rate|withdraw)\(")


def test_the_document_s_raw_changes_are_made_only_by_commands_and_its_own_modules():
    """raw_* change the document and record nothing (what a command's do and undo call):
    commands, the history, the document's own modules and a project being read call them;
    nothing else does, so every other change is an undoable step."""
    callers = {"core/commands.py", "core/history.py", "core/document.py", "core/audio_edits.py",
               "core/project.py"}
    found = [name for name, text in sources() if RAW.search(text) and name not in callers]
    assert not found, found


def test_no_package_and_its_own_modules_import_each_other():
    """ui/controllers/__init__.py imported its four modules, which imported Controller from it:
    a loop the import-linter's sibling rule does not see.  A package's __init__ may import its
    modules, or be imported by them, not both."""
    import_of = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s+([\w, ()]+)|import\s+([\w.]+))", re.M)
    found = []
    for init in sorted(PACKAGE.rglob("__init__.py")):
        package = "workbench." + ".".join(init.parent.relative_to(PACKAGE).parts) if init.parent != PACKAGE \
            else "workbench"
        children = {p.stem for p in init.parent.glob("*.py") if p.name != "__init__.py"} | \
            {p.name for p in init.parent.iterdir() if (p / "__init__.py").exists()}
        text = init.read_text(encoding="utf-8")
        down = {m for m in import_of.findall(text)
                if (m[0] or m[2]).startswith(package + ".") or (m[0] == package and set(
                    n.strip() for n in m[1].strip("()").split(",")) & children)}
        up = [p.name for p in init.parent.glob("*.py") if p.name != "__init__.py"
              and re.search(rf"^\s*from\s+{re.escape(package)}\s+import\s+(?!(?:{'|'.join(children)})\b)",
                            p.read_text(encoding="utf-8"), re.M)]
        if down and up:
            found.append(f"{package}: imports its modules and is imported by {up}")
    assert not found, found


def test_the_panel_a_task_is_listed_in_is_presentation_only():
    """`spec.panel == "generate"` was branched on in 9 places in 4 files to decide how a task
    runs and what its outputs are: that is ``kind`` now; only the panels themselves (and the
    registry's listing for them) read ``panel``."""
    presentation = {"ui/tasks_panel.py", "tasks/registry.py"}
    found = [f"{name}:{text[:m.start()].count(chr(10)) + 1}" for name, text in sources() if name not in presentation
             for m in re.finditer(r"panel\s*[!=]=", text)]
    assert not found, found


def test_there_is_one_job_class():
    found = [name for name, text in sources() if re.search(r"^class Job\b", text, re.M)]
    assert found == ["tasks/job.py"], found


def test_the_window_names_no_task():
    """The UI decided by task ids ("tts") and output track names ("Transcript"); the spec's typed
    fields (speaks_text, view, kind, inputs) say it now."""
    found = [f"{name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}" for name, text in sources("ui")
             for m in re.finditer(r"(?:spec\.id|output_track)\s*(?:==|!=|in)\s*[\"'(]", text)]
    assert not found, found


def test_the_timeline_knows_no_lane_s_internals():
    """view.py reached into the spectrogram lane's tiles, images, wanted and arrived and imported
    its private _lut; each lane kind owns its caches behind lanes.Lane's interface now, and the
    kinds are a table (view.LANES)."""
    text = (PACKAGE / "ui" / "timeline" / "view.py").read_text(encoding="utf-8")
    found = re.findall(r"\.(?:tiles|images|wanted|arrived)\b|\b_lut\b|SpectrogramTiles", text)
    assert not found, found


TRACK_KIND = re.compile(r"""(?:\.kind|\.word)\s*[!=]=\s*["'](?:audio|labels)["']|["'](?:audio|labels)["']\s*[!=]=\s*\w+\.kind""")


def test_track_kinds_are_types_in_one_table():
    """Track kinds were strings compared in 26 places in 10 files: a new kind of track meant
    finding them all.  Code asks core/tracks.py's table (or the type); the table names every
    kind once, and the project reader and writer go through it."""
    found = [f"{name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}"
             for name, text in sources() if name != "core/tracks.py" for m in TRACK_KIND.finditer(text)]
    assert not found, found
    from workbench.core import tracks

    assert len({row.type for row in tracks.KINDS}) == len({row.word for row in tracks.KINDS}) == len(tracks.KINDS)
    assert all(not hasattr(row.type, "kind") for row in tracks.KINDS), "the kind lives in the table"
    from workbench.ui.timeline.view import TRACK_LANES

    assert set(TRACK_LANES) == {row.type for row in tracks.KINDS}, "every kind of track has its lanes"


def test_every_task_s_function_has_the_one_signature():
    """Understand runners were run(samples, rate, params, checkpoint, cancelled, device) and
    Generate runners render_x(selection, rate, values, cancelled[, checkpoint, device]): now every
    task, of every kind, is fn(inputs, params, context)."""
    import inspect

    from workbench.tasks import registry

    found = {}
    for spec in registry.all_tasks():
        names = list(inspect.signature(spec.runner()).parameters)
        if len(names) != 3 or names[0] != "inputs" or names[2] != "context":
            found[spec.id] = names
    assert not found, found


NAMES_A_TASK = re.compile(r"""registry\.get\(\s*["']|\bspec\.id\s*[!=]=\s*["']|output_track\s*[!=]=\s*["']""")


def test_nothing_in_the_window_names_a_task():
    """The window asked for tasks by id ("tts", "asr", "Transcript"): what a task is and does is
    in its declaration (and in tasks/check.py for the speech check); the self-test, which runs
    named tasks on purpose, is the exception."""
    found = [f"{name}:{text[:m.start()].count(chr(10)) + 1}: {m.group(0)}"
             for name, text in sources("ui") if name != "ui/selftest.py" for m in NAMES_A_TASK.finditer(text)]
    assert not found, found
