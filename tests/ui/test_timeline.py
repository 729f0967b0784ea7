"""The window as a user drives it: open, look, zoom, scroll, select, with real input events."""
import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from audio_fixtures import signal, write
from conftest import click, drag, lane_point, wheel


@pytest.fixture
def ten_seconds(tmp_path):
    return write(tmp_path / "ten.wav", signal(48000 * 10, 2), 48000, "WAV", "PCM_16")


def span(tab):
    t0, t1 = tab.timeline.view_range()
    return t1 - t0


def test_open_shows_every_channel_and_the_spectrogram(window, open_loaded, ten_seconds, qtbot):
    tab = open_loaded(ten_seconds)
    kinds = [lane.kind for lane in tab.timeline.lanes]
    assert kinds == ["wave", "wave", "spec"]
    assert span(tab) == pytest.approx(10.0)
    for lane in tab.timeline.lanes[:2]:
        x, y = lane.getData()
        assert 0 < len(x) <= 2 * lane.plot_width() + 2   # never more points than pixels (min+max)
        assert y.max() > 0.5 and y.min() < -0.5
    qtbot.waitUntil(tab.timeline.spectrogram_complete, timeout=10000)
    assert "ten.wav" in window.status_text.text()
    assert "48000 Hz, stereo" in window.info_label.text()
    assert window.windowTitle() == "ten.wav — Audio Workbench"


def test_while_idle_the_spectrogram_computes_the_tiles_either_side(window, open_loaded, tmp_path, qtbot):
    """The next pan finds its tiles ready: once the view is complete, a view's width of tiles
    before and after it is computed in the background (and nothing more)."""
    tab = open_loaded(write(tmp_path / "minute.wav", signal(48000 * 60, 1), 48000, "WAV", "PCM_16"))
    tl = tab.timeline
    tl.set_view(20.0, 25.0)            # a finer zoom than the whole minute: tiles of their own
    qtbot.waitUntil(tl.spectrogram_complete, timeout=10000)
    lane = next(lane for lane in tl.lanes if lane.kind == "spec")
    pixels = int(lane.plot_width())
    hop, ahead = lane.tiles.keys_for(25.0, 30.0, pixels)
    _, behind = lane.tiles.keys_for(15.0, 20.0, pixels)
    qtbot.waitUntil(lambda: all(lane.tiles.get(k) is not None for k in ahead + behind), timeout=10000)
    _, far = lane.tiles.keys_for(40.0, 45.0, pixels)
    assert all(lane.tiles.get(k) is None for k in far)       # only the neighbours
    tl.set_view(25.0, 30.0)
    assert tl.spectrogram_complete()                          # the pan is drawn at once


def test_zoom_shortcuts_like_audacity(window, open_loaded, ten_seconds, qtbot):
    tab = open_loaded(ten_seconds)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert span(tab) == pytest.approx(5.0)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert span(tab) == pytest.approx(2.5)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert span(tab) == pytest.approx(5.0)
    tab.document.set_selection(2.0, 2.5)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert tab.timeline.view_range() == pytest.approx((2.0, 2.5))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert tab.timeline.view_range() == pytest.approx((0.0, 10.0))
    qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert tab.document.selection == (0.0, 10.0)


def test_zoom_reaches_single_samples_and_draws_them(window, open_loaded, ten_seconds):
    tab = open_loaded(ten_seconds)
    for _ in range(30):
        tab.timeline.zoom_in()
    assert span(tab) == pytest.approx(16 / 48000)
    lane = tab.timeline.lanes[0]
    x, y = lane.getData()
    assert len(x) <= 18
    assert lane.dots
    src = tab.document.tracks[0].sources[0]
    first = int(round(x[0] * 48000))
    np.testing.assert_allclose(y, src.read(first, first + len(y))[:, 0])


def test_drag_selects_click_places_cursor_shift_click_extends(window, open_loaded, ten_seconds):
    tab = open_loaded(ten_seconds)
    lane = tab.timeline.lanes[0]
    view = tab.timeline.graphics.viewport()
    drag(view, lane_point(lane, 2.0), lane_point(lane, 4.0))
    a, b = tab.document.selection
    assert a == pytest.approx(2.0, abs=0.05) and b == pytest.approx(4.0, abs=0.05)
    from workbench.ui.docks import format_time

    assert f"Selection {format_time(a)} – {format_time(b)}" in window.position_label.text()
    assert tab.timeline.lanes[2].selection_shown     # shown on the spectrogram too
    click(view, lane_point(lane, 6.0), Qt.KeyboardModifier.ShiftModifier)
    a, b = tab.document.selection
    assert a == pytest.approx(2.0, abs=0.05) and b == pytest.approx(6.0, abs=0.05)
    # dragging a selection edge moves that edge only
    drag(view, lane_point(lane, b), lane_point(lane, 7.0))
    a, b = tab.document.selection
    assert a == pytest.approx(2.0, abs=0.05) and b == pytest.approx(7.0, abs=0.05)
    click(view, lane_point(lane, 5.0))
    assert tab.document.selection is None
    assert tab.document.cursor == pytest.approx(5.0, abs=0.05)
    assert "Cursor 0:00:05" in window.position_label.text()


def test_wheel_scrolls_and_ctrl_wheel_zooms_at_the_pointer(window, open_loaded, ten_seconds):
    tab = open_loaded(ten_seconds)
    tab.timeline.set_view(2.0, 4.0)
    lane = tab.timeline.lanes[0]
    view = tab.timeline.graphics.viewport()
    wheel(view, lane_point(lane, 3.0), -120)
    assert tab.timeline.view_range() == pytest.approx((2.2, 4.2), abs=1e-6)
    wheel(view, lane_point(lane, 3.2), 240, Qt.KeyboardModifier.ControlModifier)
    t0, t1 = tab.timeline.view_range()
    assert t1 - t0 == pytest.approx(1.0, rel=1e-3)
    assert t0 < 3.2 < t1


def test_scrollbar_and_overview_move_the_view(window, open_loaded, ten_seconds):
    tab = open_loaded(ten_seconds)
    tl = tab.timeline
    tl.set_view(0.0, 1.0)
    bar = tl.scrollbar
    assert bar.pageStep() == pytest.approx(bar.maximum() / 9, rel=0.01)
    bar.setValue(bar.maximum())
    assert tl.view_range() == pytest.approx((9.0, 10.0), abs=1e-3)
    assert tl.overview.region.getRegion() == pytest.approx((9.0, 10.0), abs=1e-3)
    tl.overview.region.setRegion((4.0, 5.0))     # what dragging the marked range does
    assert tl.view_range() == pytest.approx((4.0, 5.0), abs=1e-3)


def test_cursor_keys_home_end(window, open_loaded, ten_seconds, qtbot):
    tab = open_loaded(ten_seconds)
    tab.timeline.set_view(4, 5)
    qtbot.keyClick(window, Qt.Key.Key_End)
    assert tab.document.cursor == pytest.approx(10.0)
    assert tab.timeline.view_range()[1] == pytest.approx(10.0)
    qtbot.keyClick(window, Qt.Key.Key_Home)
    assert tab.document.cursor == 0.0 and tab.timeline.view_range()[0] == 0.0


def test_broken_file_gets_a_message_and_nothing_else_is_affected(window, open_loaded, ten_seconds,
                                                                  tmp_path):
    good = open_loaded(ten_seconds)
    good.document.set_selection(1.0, 2.0)
    bad = tmp_path / "notes.wav"
    bad.write_text("meeting notes, not audio\n" * 10)
    assert window.ctx.files.open_file(bad) is None
    assert window.tabs.count() == 1 and window.current_tab() is good
    assert good.document.selection == (1.0, 2.0)
    box = window.messages[-1]
    assert "notes.wav" in box.text() and "plain text" in box.text()
    assert box.icon() == QMessageBox.Icon.Warning and not box.isModal()
    assert "notes.wav" in window.status_text.text()


def test_truncated_file_opens_with_a_warning(window, open_loaded, ten_seconds, tmp_path):
    cut = tmp_path / "cut.wav"
    cut.write_bytes(ten_seconds.read_bytes()[: 44 + 4 * 48000 * 3])
    tab = open_loaded(cut)
    assert tab.document.duration == pytest.approx(3.0)
    assert any("truncated" in box.text() for box in window.messages)


def test_compressed_file_decodes_in_the_background_with_progress(window, qtbot, tmp_path):
    path = write(tmp_path / "long.flac", signal(48000 * 60, 2), 48000, "FLAC", "PCM_16")
    seen = []
    tab = window.ctx.files.open_file(path)
    tab.worker.progress.connect(seen.append)
    assert window.tabs.count() == 1         # the tab is there at once, while decoding
    qtbot.waitUntil(lambda: tab.loaded, timeout=30000)
    assert len(seen) >= 3 and seen[-1] == 1.0
    assert window.progress.isHidden()
    assert tab.document.duration == pytest.approx(60.0)


def test_closing_a_tab_while_decoding_cancels_it(window, qtbot, tmp_path):
    path = write(tmp_path / "long.flac", signal(48000 * 60, 2), 48000, "FLAC", "PCM_16")
    tab = window.ctx.files.open_file(path)
    worker = tab.worker
    src = tab.document.first_source
    t = time.monotonic()
    window.ctx.files.close_current()
    took = time.monotonic() - t
    assert worker.isFinished()
    assert window.tabs.count() == 0 and window.stack.currentIndex() == 0
    # decoding stopped where it was: it did not finish while the window waited
    assert took < 1.0, f"closing took {took:.1f} s"
    assert not src.loaded and src.available_frames < 48000 * 60


def test_drop_files_onto_the_window(window, qtbot, ten_seconds):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(ten_seconds))])
    enter = QDragEnterEvent(QPoint(100, 100), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    # QApplication only routes a Drop during a real platform drag; deliver it as Qt then would.
    drop = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.event(drop)
    assert window.tabs.count() == 1
    assert window.tabs.tabText(0) == "ten.wav"


def test_recent_files_menu_reopens(window, open_loaded, ten_seconds, qtbot):
    open_loaded(ten_seconds)
    window.ctx.files.close_current()
    actions = window.recent_menu.actions()
    assert actions and actions[0].text() == str(ten_seconds.resolve())
    actions[0].trigger()
    assert window.tabs.count() == 1


def test_view_modes_and_frequency_scale(window, open_loaded, ten_seconds, qtbot):
    tab = open_loaded(ten_seconds)
    window.actions_by_id["view.mode.waveform"].trigger()
    assert [lane.kind for lane in tab.timeline.lanes] == ["wave", "wave"]
    window.actions_by_id["view.mode.spectrogram"].trigger()
    assert [lane.kind for lane in tab.timeline.lanes] == ["spec"]
    window.actions_by_id["view.scale.mel"].trigger()
    assert tab.timeline.params.scale == "mel"
    qtbot.waitUntil(tab.timeline.spectrogram_complete, timeout=10000)
    window.actions_by_id["view.mode.split"].trigger()
    assert len(tab.timeline.lanes) == 3


def test_preferences_apply_and_persist(window, open_loaded, ten_seconds, qtbot, tmp_path,
                                       monkeypatch):
    from workbench.core.settings import Settings

    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    window._save_settings = True
    tab = open_loaded(ten_seconds)
    window.ctx.view.show_preferences()
    dialog = window.ctx.view._preferences
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.n_fft.setCurrentIndex(dialog.n_fft.findData(4096))
    dialog.colormap.setCurrentIndex(dialog.colormap.findData("viridis"))
    dialog.accept()
    assert window.theme.name == "dark"
    assert tab.timeline.params.n_fft == 4096 and tab.timeline.params.colormap == "viridis"
    assert tab.timeline.lanes[0].background_colour().name() == "#26282c"
    saved = Settings.load(tmp_path / "cfg" / "settings.json")
    assert saved.theme == "dark" and saved.spectrogram == {"n_fft": 4096, "colormap": "viridis"}
    qtbot.waitUntil(tab.timeline.spectrogram_complete, timeout=10000)


def test_a_clip_above_the_project_rate_shows_its_whole_spectrum(window, open_loaded, tmp_path, qtbot):
    """A 96 kHz recording with a 30 kHz tone, imported into a 48 kHz project: its spectrogram
    lane is computed at 96 kHz, its axis reaches 48 kHz, and the tone is there (it used to be cut
    at the project's 24 kHz Nyquist)."""
    from audio_fixtures import write

    t = np.arange(48000) / 48000
    tab = open_loaded(write(tmp_path / "a.wav", (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
                            48000, "WAV", "FLOAT"))
    t96 = np.arange(96000) / 96000
    window.ctx.edits.import_audio(str(write(tmp_path / "bat.wav", (0.5 * np.sin(2 * np.pi * 30000 * t96))
                                            .astype(np.float32), 96000, "WAV", "FLOAT")))
    qtbot.waitUntil(lambda: tab.worker is None, timeout=10000)
    tl = tab.timeline
    assert tab.document.sample_rate == 48000
    first, bat = [lane for lane in tl.lanes if lane.kind == "spec"]
    assert first.rate == 48000 and bat.rate == 96000
    assert bat.layer.rate == 96000     # spectral labels and the Hz ruler at that rate
    qtbot.waitUntil(tl.spectrogram_complete, timeout=10000)
    first_tile = bat.images[min(bat.images, key=lambda k: (k[0], k[1]))]     # the one at 0 s
    image = np.asarray(first_tile.data, np.float32).mean(axis=(1, 2))
    from workbench.dsp.spectrogram import hz_to_scale

    p = tl.params
    row = int(len(image) * hz_to_scale(30000.0, p.scale, 96000, p.min_freq))
    below = int(len(image) * hz_to_scale(24000.0, p.scale, 96000, p.min_freq))
    assert image[row - 3: row + 4].max() > image[:below].max() + 60    # bright at 30 kHz, dark below 24
