"""Screenshots of every panel and dialog, as a user sees them, to look at:

    xvfb-run -s "-screen 0 1280x720x24" env QT_QPA_PLATFORM=xcb \
        .venv/bin/python tests/benchmarks/screens.py OUT_DIR [--size 1280 720]

The real window at the size given (a real X window under xvfb-run) with the demo open, after
voice activity and sound events ran and Kokoro spoke a sentence onto a new track: the empty start,
each side-panel tab in front, the Understand and Generate forms of every task, and the Models,
Preferences, About and Export dialogs.  It prints each picture's name and, for each dialog, its
size against the screen's (a dialog wider or taller than the screen is marked).
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # tests/panels.py

TRANSCRIPT = ["Welcome to Audio Workbench. This is a short demo recording, made for the project.",
              "Someone is at the door. Listen to the dog, and then the bell.",
              "Label it, transcribe it, or make new sounds for it."]


def main() -> int:
    from workspace import screenshot_args

    args, out = screenshot_args()
    from PySide6.QtWidgets import QApplication

    from workspace import pump, shooter

    app = QApplication.instance() or QApplication([])
    from panels import choose
    from workbench.core.paths import demo_recording
    from workbench.core.regions import Region
    from workbench.core.settings import Settings
    from workbench.tasks import registry
    from workbench.ui.main_window import MainWindow

    w = MainWindow(Settings(autosave_seconds=0), save_settings=False)
    w.ctx.files.ask_unsaved = lambda doc: "discard"
    w.resize(*args.size)
    w.show()
    pump(app, 0.5)
    shot, shots = shooter(app, w, out)

    shot("00-empty-start")
    tab = w.ctx.files.open_file(str(demo_recording()))
    pump(app, until=lambda: tab.loaded)
    for task in ("vad", "tag"):
        job = w.ctx.tasks.run_task(registry.get(task), {}, "file", "")
        pump(app, until=lambda: job.state not in ("queued", "running"), timeout=300)
        print(task, job.state, job.error)
    doc = tab.document
    vad = doc.label_tracks[0]
    # what speech recognition writes (a track named after its task and model), to see the
    # transcript view's long lines; the words are the demo's own (resources/demo/README.md)
    doc.add_label_track("Speech recognition (openai/whisper-small)",
                        [Region(r.start, r.end, text) for r, text in zip(vad, TRANSCRIPT)])
    w.ctx.view.show_dock("generate")
    choose(w.generate_panel, "tts")
    job = w.ctx.tasks.generate(registry.get("tts"), {"text": "Good morning. The weather report says rain."},
                               "new track", "kokoro (bundled)")
    pump(app, until=lambda: job.state not in ("queued", "running"), timeout=300)
    print("tts", job.state, job.error)
    pump(app, until=tab.timeline.spectrogram_complete, timeout=30)
    for name in ("understand", "generate", "regions", "generated", "transcript", "scores", "jobs", "history"):
        w.ctx.view.show_dock(name)
        shot(f"10-panel-{name}")
    for panel_name, panel in (("understand", w.understand_panel), ("generate", w.generate_panel)):
        w.ctx.view.show_dock(panel_name)
        for spec in registry.all_tasks(panel_name):
            choose(panel, spec.id)
            panel.scroller.verticalScrollBar().setValue(0)
            shot(f"20-{panel_name}-{spec.id}")
            bar = panel.scroller.verticalScrollBar()
            if bar.maximum() > 0:             # the rest of a long form
                bar.setValue(bar.maximum())
                shot(f"20-{panel_name}-{spec.id}-end")
    screen = app.primaryScreen().availableGeometry()
    dialogs = {"models": lambda: (w.ctx.tasks.show_models(), w.ctx.tasks._models_dialog)[1],
               "preferences": w.ctx.view.show_preferences, "about": w.ctx.view.show_about,
               "export": lambda: (w.ctx.files.export_audio_dialog(), w.ctx.files._export_dialog)[1]}
    print(f"screen {screen.width()}x{screen.height()}")
    for name, open_ in dialogs.items():
        dialog = open_()
        pump(app, 0.3)
        size = dialog.frameGeometry()
        fits = size.width() <= screen.width() and size.height() <= screen.height()
        print(f"dialog {name}: {size.width()}x{size.height()}{'' if fits else '  WIDER OR TALLER THAN THE SCREEN'}")
        shot(f"30-dialog-{name}", dialog)
        dialog.close()
    w.ctx.view.show_dock("understand")
    shot("40-working")
    print("\n".join(shots))
    w.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
