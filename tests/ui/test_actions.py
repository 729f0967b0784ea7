"""The menus are built from actions that are data: every action's callback runs against the
context (the current document and the controllers), with and without a document, and does what
its menu item says; the window itself holds no command methods."""
import ast
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog

from audio_fixtures import write
from workbench.ui.actions import ACTIONS

NOT_HERE = {"file.quit"}          # closes the window (its own test: closing asks about unsaved work)


@pytest.fixture
def no_dialogs(monkeypatch):
    """File and number dialogs answer Cancel at once, as a user who changes their mind."""
    asked = []

    def cancel(*args, **kwargs):
        asked.append(args[1] if len(args) > 1 else "")
        return ("", "")

    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(cancel))
    monkeypatch.setattr(QInputDialog, "getDouble", staticmethod(lambda *a, **k: asked.append(a[1]) or (0.0, False)))
    return asked


@pytest.fixture
def tab(window, open_loaded, tmp_path):
    t = np.arange(48000 * 2) / 48000
    return open_loaded(write(tmp_path / "tone.wav", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
                             48000, "WAV", "FLOAT"))


def _close_dialogs(window):
    for child in list(window.findChildren(object)):
        if hasattr(child, "isModal") and child.isWindow() and child is not window and child.isVisible():
            child.close()


def test_every_action_is_data_with_a_callback_of_the_context():
    ids = [a.id for a in ACTIONS]
    assert len(ids) == len(set(ids))
    for action in ACTIONS:
        if action.id == "file.recent":       # a submenu
            continue
        assert callable(action.callback), action.id
        argc = action.callback.__code__.co_argcount
        assert argc == (2 if action.checkable else 1), action.id


def test_the_window_has_no_command_methods():
    """main_window.py builds docks and menus; what commands do lives in the controllers."""
    source = Path(__file__).parents[2] / "workbench" / "ui" / "main_window.py"
    tree = ast.parse(source.read_text())
    window = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "MainWindow")
    methods = {f.name for f in window.body if isinstance(f, ast.FunctionDef)}
    commands = {"open_dialog", "save", "save_as", "undo", "redo", "run_task", "generate", "zoom_in",
                "select_all", "play_stop", "record_stop", "show_preferences", "import_labels", "cut_audio"}
    assert not methods & commands
    assert len(source.read_text().splitlines()) <= 600


def test_every_action_runs_without_a_document(window, no_dialogs, qtbot):
    for action in ACTIONS:
        if action.id in NOT_HERE or action.id in ("file.recent", "help.demo"):
            continue
        window.trigger(action.id)
        _close_dialogs(window)
    assert window.current_tab() is None and "Open recordings" in no_dialogs
    window.trigger("help.demo")                   # the one that opens something by itself
    assert window.current_tab() is not None and "demo" in window.current_tab().document.title


def test_every_action_runs_on_a_document(window, tab, no_dialogs, qtbot):
    doc = tab.document
    doc.set_selection(0.5, 1.0)
    for action in ACTIONS:
        if action.id in NOT_HERE or action.id == "file.recent":
            continue
        if window.current_tab() is None:              # Close closed it: open it again
            tab = window.ctx.files.open_file(doc.first_source.path)
            qtbot.waitUntil(lambda: tab.loaded, timeout=20000)
            doc = tab.document
            doc.set_selection(0.5, 1.0)
        window.trigger(action.id)
        _close_dialogs(window)
    assert "Save project" in no_dialogs and "Gain" in no_dialogs   # the dialogs were asked


def test_actions_do_what_their_menu_says(window, tab, qtbot):
    doc = tab.document
    window.trigger("select.all")
    assert doc.selection == (0.0, pytest.approx(doc.duration))
    window.trigger("edit.silence")
    assert np.abs(doc.mix().read(0, 1000)).max() == 0
    window.trigger("edit.undo")
    assert np.abs(doc.mix().read(0, 1000)).max() > 0.1
    window.trigger("select.end")
    assert doc.cursor == pytest.approx(doc.duration) and doc.selection is None
    window.trigger("view.mode.spectrogram")
    assert window.settings.view_mode == "spectrogram" and tab.timeline.mode == "spectrogram"
    window.actions_by_id["view.history"].trigger()            # checkable: shows the dock
    assert window.history_dock.isVisible()
    window.actions_by_id["view.history"].trigger()
    assert not window.history_dock.isVisible()
    window.actions_by_id["clip.ripple"].trigger()             # on by default: now off
    assert doc.ripple is False
    window.trigger("clip.new_track")
    assert len(doc.tracks) == 2
    window.trigger("edit.undo")
    assert len(doc.tracks) == 1


def test_the_tasks_menu_lists_every_task_and_opens_its_panel_with_it_chosen(window, tab):
    """Tasks (before Help): each task of both panels, from the registry; choosing one shows its
    panel in front with that task chosen (Train a classifier among them)."""
    from workbench.tasks import registry

    titles = [a.text() for a in window.menuBar().actions()]
    assert titles.index("&Tasks") == titles.index("&Help") - 1
    for panel_name, panel in (("understand", window.understand_panel), ("generate", window.generate_panel)):
        for spec in registry.all_tasks(panel_name):
            window.trigger(f"tasks.{spec.id}")
            assert panel.isVisible() and panel.current_spec().id == spec.id, spec.id
    window.trigger("tasks.train")
    assert window.understand_panel.current_spec().title == "Train a classifier"
    entries = [a.text() for a in window.tasks_menu.actions() if not a.isSeparator()]
    assert "Train a classifier…" in entries and len(entries) == len(registry.all_tasks())   # (the headers: sections)
