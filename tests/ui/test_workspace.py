"""The workspace: the timeline keeps most of a laptop-sized window with the panels a user works
with open; the layout is remembered (and a damaged one falls back); nothing a user needs is cut
off without its whole text on hover; an empty window says what to do."""
import random
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from workbench.core.settings import Settings
from workbench.tasks import registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import workspace as probe  # noqa: E402


@pytest.fixture
def working(qtbot):
    """The real window at 1280x720 with the demo open, the Understand panel, the Regions list
    and the Jobs shown (what tests/benchmarks/workspace.py measures)."""
    app = QApplication.instance()
    window, tab = probe.working_window(app, (1280, 720))
    qtbot.addWidget(window)
    yield window, tab
    window.job_queue.cancel_all()


def test_the_lanes_get_most_of_a_1280x720_window(working):
    window, tab = working
    assert window.understand_panel.isVisible() and window.understand_panel.width() > 200
    figures = probe.shares(window, tab)
    assert figures["width"] >= probe.FLOOR["width"], figures
    assert figures["height"] >= probe.FLOOR["height"], figures
    # the panels are one side panel: tabs of one group, not three docks around the timeline
    tabbed = set(window.tabifiedDockWidgets(window.understand_panel))
    assert {window.regions_dock, window.jobs_dock} <= tabbed


def test_the_panel_keeps_its_width_whatever_the_task(working, qtbot):
    from panels import choose

    window, _ = working
    panel = window.understand_panel
    widths = set()
    for spec_id in [s.id for s in registry.all_tasks("understand")]:
        choose(panel, spec_id)
        qtbot.wait(30)
        widths.add((spec_id, panel.width()))
    assert len({w for _, w in widths}) == 1, widths
    window.ctx.view.show_dock("generate")          # Ctrl+G: the Generate tab comes to the front
    qtbot.wait(30)
    # (a tab behind another is "visible" to Qt; what is on screen is its visible region)
    assert not window.generate_panel.visibleRegion().isEmpty()
    assert window.understand_panel.visibleRegion().isEmpty()
    assert window.generate_panel.width() == panel.width()


def test_the_layout_is_remembered_and_a_damaged_one_falls_back(qtbot):
    from workbench.ui.main_window import MainWindow

    first = MainWindow(Settings(), save_settings=False)
    qtbot.addWidget(first)
    first.resize(1280, 720)
    first.show()
    first.ctx.view.show_dock("generate")
    first.ctx.view.show_dock("regions")
    qtbot.wait(50)
    saved = first.ctx.view.save_layout()

    def reopened(layout):
        w = MainWindow(Settings(layout=layout), save_settings=False)
        qtbot.addWidget(w)
        w.resize(1280, 720)
        w.show()
        qtbot.wait(20)
        return w

    again = reopened(saved)
    assert again.generate_panel.isVisible() or again.regions_dock.isVisible()
    assert not again.understand_panel.isVisible()
    assert not again.generate_panel.isHidden() and not again.regions_dock.isHidden()
    # damaged or foreign: the default (every panel closed), no exception
    rng = random.Random(7)
    state = saved["state"]
    bad = [None, [], "x", {"version": 1, "state": state}, {"version": saved["version"]},
           {"version": saved["version"], "state": 12}, {"version": saved["version"], "state": "!!!"},
           {"version": saved["version"], "state": "A" * 300_000}]
    for _ in range(12):
        chars = list(state)
        for _ in range(rng.randint(1, 20)):
            chars[rng.randrange(len(chars))] = rng.choice("ABCxyz019+/=")
        bad.append({"version": saved["version"], "state": "".join(chars)})
    for layout in bad:
        w = reopened(layout)
        side = [d for d in w.side_docks if d.isVisible() and not d.isFloating()]
        # restored exactly, or the default; either way the timeline keeps its room
        assert all(d.width() <= w.width() // 2 for d in side), layout
        if not isinstance(layout, dict) or layout.get("version") != saved["version"] \
                or not isinstance(layout.get("state"), str) or layout["state"] in ("!!!", "A" * 300_000):
            assert side == [], layout
        w.close()
    # View ▸ Reset Layout: back to the default
    again.trigger("view.reset_layout")
    assert all(d.isHidden() for d in again.side_docks)


def test_names_elide_in_the_middle_with_the_whole_on_hover(window, open_loaded, tmp_path, qtbot):
    import numpy as np
    import soundfile as sf

    path = tmp_path / "a recording with a rather long name made in the workbench.wav"
    sf.write(path, np.zeros(8000, np.float32), 8000)
    tab = open_loaded(str(path))
    qtbot.wait(50)
    header = next(iter(tab.timeline.headers.headers.values()))
    shown = header.name.shown_text()
    assert shown != header.name.text() and "…" in shown
    assert shown.startswith("a r") and shown.endswith("wav")    # start and end, cut in the middle
    assert header.name.text() in header.name.toolTip()
    # a label track's name is beside its lane, wrapped, whole on hover
    doc = tab.document
    from workbench.core.regions import Region

    doc.add_label_track("Speech recognition (openai/whisper-small)", [Region(0.1, 0.4, "hello")])
    qtbot.waitUntil(lambda: bool(tab.timeline.headers.label_headers), timeout=3000)
    label = next(iter(tab.timeline.headers.label_headers.values()))
    assert label.toolTip() == "Speech recognition (openai/whisper-small)"
    assert "\n" in label.text() or label.text() == label.toolTip()


def test_a_long_status_message_does_not_widen_the_window(window):
    width = window.width()
    window.show_status("x" * 2000)
    QApplication.processEvents()
    assert window.width() == width
    assert window.status_text.is_elided() and window.status_text.toolTip() == "x" * 2000


def test_the_regions_columns_fit_the_panel(working, qtbot):
    window, tab = working
    from workbench.core.regions import Region

    tab.document.add_label_track("Words", [Region(0.1, 0.4, "hello", confidence=0.9)])
    window.ctx.view.show_dock("regions")
    qtbot.wait(50)
    table = window.regions_dock.table
    shown = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
    assert 4 in shown and 1 in shown                 # the text and the start, always
    assert sum(table.columnWidth(c) for c in shown) <= table.viewport().width() + 1
    tip = table.model().data(table.model().index(0, 4), Qt.ItemDataRole.ToolTipRole)
    assert "0:00:00.100" in tip and "0:00:00.400" in tip and "0.90" in tip and "Words" in tip


def test_an_empty_window_offers_the_demo_and_hides_what_needs_a_recording(window, qtbot):
    welcome = window.stack.widget(0)
    assert window.stack.currentWidget() is welcome
    assert not window.transport.play_action.isVisible() and not window.transport.record_action.isVisible()
    assert not window.generate_panel.run.isEnabled() and not window.understand_panel.run.isEnabled()
    from PySide6.QtWidgets import QLabel

    text = " ".join(w.text() for w in welcome.findChildren(QLabel))
    assert "Understand" in text and "Generate" in text
    welcome.demo.click()
    qtbot.waitUntil(lambda: window.current_tab() is not None and window.current_tab().loaded, timeout=20000)
    assert window.current_tab().document.title.startswith("demo")
    assert window.transport.play_action.isVisible()
    assert window.generate_panel.run.isEnabled()


def test_the_model_note_says_when_the_hub_cannot_be_reached(window, monkeypatch):
    from panels import choose

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    panel = window.understand_panel
    choose(panel, "asr")
    panel.model.setEditText("openai/whisper-large-v3")
    assert "cannot be reached" in panel.model_note.text()
    panel.model.setEditText("silero-vad (bundled)")
    assert "bundled" in panel.model_note.text()


def test_the_form_shows_what_applies_to_the_model(window, open_loaded, tmp_path):
    import numpy as np
    import soundfile as sf
    from PySide6.QtWidgets import QComboBox
    from panels import choose

    path = tmp_path / "mono.wav"
    sf.write(path, np.zeros(8000, np.float32), 8000)
    open_loaded(str(path))
    gen = window.generate_panel
    choose(gen, "tts")
    assert gen.model.currentText() == "kokoro (bundled)"            # the bundled voice by default
    hidden = {n for n, w in gen.widgets.items() if not gen.form.isRowVisible(w)}
    assert {"seed", "variations", "speaker_model", "vocoder"} <= hidden and "voice" not in hidden
    voice = gen.widgets["voice"]
    assert isinstance(voice, QComboBox) and voice.currentText() == "jf_alpha"
    assert voice.count() == 5 and "English" in voice.itemData(4, Qt.ItemDataRole.ToolTipRole)
    assert "seed" not in gen.values() and gen.values()["voice"] == "jf_alpha"
    gen.model.setEditText("microsoft/speecht5_tts")
    hidden = {n for n, w in gen.widgets.items() if not gen.form.isRowVisible(w)}
    assert not {"seed", "speaker_model", "vocoder"} & hidden and "speaking_rate" in hidden
    choose(gen, "tone")
    assert gen.widgets["sweep_to"].text() == "none"                  # zero in words
    assert gen.widgets["frequency"].text() == "440 Hz"               # the precision it has
    choose(gen, "enhance")
    assert gen.model.currentText() == "DeepFilterNet3 (bundled)" and "bundled" in gen.model_note.text()
    assert gen.widgets["post_filter"].singleStep() < gen.widgets["post_filter"].maximum() / 5
    und = window.understand_panel
    choose(und, "diarize")
    assert und.widgets["speakers"].text() == "estimate"
    assert [und.channel.itemData(i) for i in range(und.channel.count())] == ["mix"]   # a mono file
    choose(und, "overview")
    hidden = {n for n, w in und.widgets.items() if not und.form.isRowVisible(w)}
    assert {"window_s", "hop_s"} <= hidden                           # YAMNet hears fixed windows


def test_every_task_s_form_fits_the_panel_without_cutting(working, qtbot):
    """At the side panel's default width at 1280x720, no task's form is wider than the panel
    shows (it would be cut at the right: the panel does not scroll sideways)."""
    from panels import choose

    window, _ = working
    cut = []
    for name, panel in (("understand", window.understand_panel), ("generate", window.generate_panel)):
        window.ctx.view.show_dock(name)
        for spec in registry.all_tasks(name):
            choose(panel, spec.id)
            qtbot.wait(10)
            view, content = panel.scroller.viewport().width(), panel.scroller.widget().minimumSizeHint().width()
            if content > view:
                cut.append((spec.id, view, content))
    assert cut == []


def test_a_long_model_note_is_shown_whole_in_the_narrow_panel(working, qtbot, monkeypatch):
    """The Model note of a model that would download while the Hub is out of reach runs to
    seven lines at 1280x720; its form row was sized for another width and cut the first and
    last lines off (seen on the screenshots).  It asks for the height its text needs now."""
    from panels import choose

    window, _ = working
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    panel = window.understand_panel
    window.ctx.view.show_dock("understand")
    choose(panel, "classify")
    panel.model.setEditText("anton-l/xtreme_s_xlsr_300m_minds14")
    note = panel.model_note
    qtbot.waitUntil(lambda: note.height() >= note.heightForWidth(note.width()) > 3 * note.fontMetrics().height(),
                    timeout=3000)
    assert "cannot be reached" in note.text()


def test_a_short_label_shows_whole_in_a_narrow_box(qapp):
    """A review's "?" or a one-letter class in a box too narrow to elide in is shown whole; a
    long label there shows nothing rather than an unreadable scrap; wider boxes elide."""
    from PySide6.QtGui import QFont, QFontMetrics

    from workbench.ui.timeline.labels import MIN_TEXT_PX, shown_text

    metrics = QFontMetrics(QFont())
    narrow = MIN_TEXT_PX - 4
    assert shown_text(metrics, "?", narrow) == "?"
    assert shown_text(metrics, "A", narrow) == "A"
    assert shown_text(metrics, "background", narrow) == ""
    wide = metrics.horizontalAdvance("background") - 5
    assert shown_text(metrics, "background", wide).endswith("…")
    assert shown_text(metrics, "tone", 200) == "tone" and shown_text(metrics, "", 200) == ""
