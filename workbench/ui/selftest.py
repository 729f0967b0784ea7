"""``workbench --self-test``: proves an install works end to end, offscreen and offline.

It opens the bundled demo recording in the real window, draws it, runs voice activity and a
generated tone through the same job queue the panels use, saves the project into a temporary
folder and opens it again, and lists the licences Help ▸ About shows.  Each step prints its time; the first that fails ends the run with
exit status 1 and a line naming the step and what went wrong.  Installers run it after building
(packaging/check_bundle.sh), and a user can run it when something seems broken.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path


class StepFailed(Exception):
    pass


def _wait(app, done, timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not done():
        if time.monotonic() > end:
            raise StepFailed(f"{what} did not finish within {timeout:.0f} s")
        app.processEvents()
        time.sleep(0.01)


def _messages(window) -> str:
    said = [f"{box.windowTitle()}: {box.text()}" for box in window.messages]
    return f" (the window said: {' | '.join(said)})" if said else ""


def _drawn_share(image) -> float:
    """The share of a picture's pixels that differ from its commonest colour: a blank timeline
    is nearly all one colour, a drawn waveform is not."""
    from collections import Counter

    w, h = image.width(), image.height()
    colours = Counter(image.pixel(x, y) for x in range(0, w, 2) for y in range(0, h, 2))
    total = sum(colours.values())
    return 1.0 - colours.most_common(1)[0][1] / total if total else 0.0


def run_self_test(out=sys.stdout) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="workbench-self-test-"))
    # Settings, recovery files and voices go to the scratch folder: the test leaves no trace.
    for var, sub in (("WORKBENCH_CONFIG_DIR", "config"), ("WORKBENCH_DATA_DIR", "data")):
        os.environ[var] = str(scratch / sub)
    t_start = time.perf_counter()
    state: dict = {}
    steps = [("start the window", _start), ("open the demo recording", _open_demo),
             ("draw the timeline offscreen", _draw), ("run voice activity", _voice_activity),
             ("generate a tone", _tone), ("save the project", _save), ("reopen the project", _reopen),
             ("list the licences", _licences)]
    code = 0
    for number, (name, step) in enumerate(steps, 1):
        t0 = time.perf_counter()
        try:
            said = step(state, scratch)
        except StepFailed as exc:
            print(f"self-test failed at step {number} ({name}): {exc}", file=sys.stderr, flush=True)
            code = 1
            break
        except Exception as exc:  # noqa: BLE001 - the point is to name the step that broke
            print(f"self-test failed at step {number} ({name}): {type(exc).__name__}: {exc}\n"
                  f"{traceback.format_exc()}", file=sys.stderr, flush=True)
            code = 1
            break
        print(f"ok {number} {name}: {said} ({time.perf_counter() - t0:.2f} s)", file=out, flush=True)
    if code == 0:
        print(f"self-test passed in {time.perf_counter() - t_start:.2f} s", file=out, flush=True)
    shutil.rmtree(scratch, ignore_errors=True)
    out.flush()
    sys.stderr.flush()
    os._exit(code)   # skip Qt's teardown of open documents: the verdict is already printed


def _start(state, scratch) -> str:
    from PySide6.QtWidgets import QApplication
    import pyqtgraph as pg

    from workbench import __version__
    from workbench.core.settings import Settings
    from workbench.ui.main_window import MainWindow

    pg.setConfigOptions(imageAxisOrder="row-major", antialias=False)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(Settings.load(), save_settings=False)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    state.update(app=app, window=window)
    return f"Audio Workbench {__version__}, Qt platform “{app.platformName()}”"


def _open_demo(state, scratch) -> str:
    from workbench.core.paths import demo_recording

    demo = demo_recording()
    if demo is None:
        raise StepFailed("the demo recording (resources/demo/demo.flac) is not part of this install")
    window, app = state["window"], state["app"]
    tabs = window.ctx.files.open_files([str(demo)])
    if not tabs:
        raise StepFailed(f"{demo} did not open{_messages(window)}")
    tab = tabs[0]
    _wait(app, lambda: tab.loaded or window.messages or tab not in window.all_tabs(), 60, "reading the demo")
    if not tab.loaded:
        raise StepFailed(f"{demo} did not open{_messages(window)}")
    duration = tab.document.duration
    if not 20 < duration < 30:
        raise StepFailed(f"the demo is {duration:.2f} s long; 23.66 s was expected")
    state["tab"] = tab
    return f"{demo.name}, {duration:.2f} s"


def _draw(state, scratch) -> str:
    app, tab = state["app"], state["tab"]
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)
    image = tab.timeline.grab().toImage()
    if image.width() < 200 or image.height() < 100:
        raise StepFailed(f"the timeline is {image.width()}x{image.height()} px")
    share = _drawn_share(image)
    if share < 0.02:
        raise StepFailed(f"the timeline looks blank ({share:.1%} of it differs from the background)")
    return f"{image.width()}x{image.height()} px, {share:.0%} drawn"


def _voice_activity(state, scratch) -> str:
    from workbench.tasks import registry

    window, app = state["window"], state["app"]
    job = window.ctx.tasks.run_task(registry.get("vad"), {}, "file")
    if job is None:
        raise StepFailed(f"the task did not start{_messages(window)}")
    _wait(app, lambda: job.state in ("done", "failed", "cancelled"), 180, "voice activity")
    if job.state != "done":
        raise StepFailed(f"the job {job.state}: {job.error}{_messages(window)}")
    regions = job.doc.label_track(job.track_id).regions
    # the demo has three sentences, at 0.6-5.1, 7.9-11.3 and 17.6-20.5 s (resources/demo/README.md)
    starts = [r.start for r in regions]
    for sentence in (0.6, 7.9, 17.6):
        if not any(abs(s - sentence) < 0.5 for s in starts):
            raise StepFailed(f"no speech found near {sentence} s (regions start at "
                             f"{', '.join(f'{s:.2f}' for s in starts)})")
    state["speech"] = [(r.start, r.end, r.text) for r in regions]
    return f"{len(regions)} speech regions"


def _tone(state, scratch) -> str:
    import numpy as np

    from workbench.core.mix import Mix
    from workbench.tasks import registry

    window, app, tab = state["window"], state["app"], state["tab"]
    tab.document.set_cursor(1.0)
    job = window.ctx.tasks.generate(registry.get("tone"), {"frequency": 440.0, "duration": 2.0}, where="new track")
    if job is None:
        raise StepFailed(f"the task did not start{_messages(window)}")
    _wait(app, lambda: job.state in ("done", "failed", "cancelled"), 60, "the tone")
    if job.state != "done" or not job.made:
        raise StepFailed(f"the job {job.state}: {job.error}{_messages(window)}")
    track = job.made[0]
    rate = tab.document.sample_rate
    samples = Mix([track], rate).read(int(1.0 * rate), int(3.0 * rate))[:, 0]
    crossings = np.count_nonzero(np.diff(np.signbit(samples)))
    hz = crossings / 2 / 2.0
    if abs(hz - 440) > 2:
        raise StepFailed(f"the tone on “{track.name}” is {hz:.1f} Hz; 440 Hz was asked for")
    state["tone"] = (track.name, samples)
    return f"440 Hz for 2 s on “{track.name}” at 1.0 s"


def _save(state, scratch) -> str:
    window, tab = state["window"], state["tab"]
    path = scratch / "self-test.awproj"
    if not window.ctx.files.save_as(tab, path) or not path.is_file():
        raise StepFailed(f"{path} was not written{_messages(window)}")
    state["project"] = path
    return f"{path.name}, {sum(f.stat().st_size for f in scratch.rglob('*') if f.is_file()) // 1024} kB"


def _reopen(state, scratch) -> str:
    import numpy as np

    from workbench.core.mix import Mix

    window = state["window"]
    tab = window.ctx.files.open_project(state["project"])
    if tab is None:
        raise StepFailed(f"the project did not open{_messages(window)}")
    doc = tab.document
    speech = next((t for t in doc.label_tracks if t.name == "Voice activity"), None)
    if speech is None:
        raise StepFailed(f"no “Voice activity” track; the tracks are {[t.name for t in doc.label_tracks]}")
    if [(r.start, r.end, r.text) for r in speech.regions] != state["speech"]:
        raise StepFailed("the voice-activity regions changed on the way through the project file")
    name, samples = state["tone"]
    tone = next((t for t in doc.tracks if t.name == name), None)
    if tone is None:
        raise StepFailed(f"the track “{name}” is missing; the tracks are {[t.name for t in doc.tracks]}")
    rate = doc.sample_rate
    again = Mix([tone], rate).read(int(1.0 * rate), int(3.0 * rate))[:, 0]
    if again.shape != samples.shape or np.max(np.abs(again - samples)) > 1e-4:
        raise StepFailed(f"the tone on “{name}” does not read back as it was saved")
    return f"{len(doc.tracks)} audio tracks, {len(speech.regions)} regions, the tone as saved"


def _licences(state, scratch) -> str:
    from workbench.ui.dialogs.about import AboutDialog

    dialog = AboutDialog(state["window"])
    rows = dialog.table.rowCount()
    if rows < 10:
        raise StepFailed(f"Help ▸ About lists only {rows} components")
    versions = ", ".join(f"{k} {dialog.shown_versions[k]}" for k in ("Qt", "torch", "transformers"))
    return f"{rows} components ({versions}); GPL: {', '.join(dialog.gpl) or 'none'}"
