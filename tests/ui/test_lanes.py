"""The lanes: one light item per row, one interface for every kind, and what they paint (read
back from the screen's pixels, not from the items' state)."""
import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from audio_fixtures import write
from workbench.dsp.spectrogram import hz_to_scale
from workbench.ui.theme import LIGHT
from workbench.ui.timeline.axes import time_ticks
from workbench.ui.timeline.lanes import Lane


@pytest.fixture
def half_tone(tmp_path):
    """4 s mono: 2 s of silence, then a 1 kHz tone at 0.9."""
    t = np.arange(4 * 48000) / 48000
    data = np.where(t >= 2.0, 0.9 * np.sin(2 * np.pi * 1000 * t), 0.0).astype(np.float32)
    return write(tmp_path / "half.wav", data, 48000, "WAV", "FLOAT")


def _screen(tab):
    view = tab.timeline.graphics
    return view, view.viewport().grab().toImage()


def _pixel(view, image, lane, t, v) -> QColor:
    p = view.mapFromScene(lane.scene_point(t, v))
    return image.pixelColor(p.x(), p.y())


def test_every_lane_is_one_light_item_with_one_interface(window, open_loaded, half_tone, qtbot):
    tab = open_loaded(half_tone)
    doc, tl = tab.document, tab.timeline
    doc.add_label_track("Notes")
    assert [lane.kind for lane in tl.lanes] == ["wave", "spec", "labels"]
    assert all(isinstance(lane, Lane) for lane in tl.lanes)
    # no view box, plot item or axis item per lane: the cost that kept 32 lanes above 16 ms
    heavy = (pg.ViewBox, pg.PlotItem, pg.AxisItem, pg.InfiniteLine, pg.LinearRegionItem)
    assert not [i for i in tl.graphics.scene().items() if isinstance(i, heavy)]
    tl.set_view(1.0, 3.0)
    xs = set()
    for lane in tl.lanes:
        for t in (1.0, 1.7, 3.0):
            assert lane.t_of(lane.x_of(t)) == pytest.approx(t)
            assert lane.time_at(lane.scene_point(t)) == pytest.approx(t)
        xs.add(round(lane.scene_point(1.7).x(), 6))      # one range: every lane puts t at one x
        assert lane.x_of(1.0) == pytest.approx(lane.plot_rect().left())
        assert lane.x_of(3.0) == pytest.approx(lane.plot_rect().right())
    assert len(xs) == 1
    assert tl.track_at(tl.lanes[1].scene_point(2.0)) is doc.tracks[0]
    assert tl.track_at(tl.lanes[2].scene_point(2.0)).name == "Notes"


def test_the_lanes_paint_the_audio_the_selection_and_the_playhead(window, open_loaded, half_tone, qtbot):
    tab = open_loaded(half_tone)
    tl = tab.timeline
    wave, spec = tl.lanes
    qtbot.waitUntil(tl.spectrogram_complete, timeout=10000)
    qtbot.wait(50)
    view, image = _screen(tab)
    blue = QColor(LIGHT.wave)

    def wave_pixels(t):
        top = view.mapFromScene(wave.scene_point(t, 1.0)).y()
        bottom = view.mapFromScene(wave.scene_point(t, -1.0)).y()
        x = view.mapFromScene(wave.scene_point(t)).x()
        return sum(image.pixelColor(x, y) == blue for y in range(top, bottom + 1)), bottom - top

    quiet, height = wave_pixels(1.0)
    loud, _ = wave_pixels(3.0)
    assert quiet <= 3                      # silence: the zero line and nothing else
    assert loud >= 0.8 * height            # the tone fills ±0.9 of the lane

    def brightness(t, hz):
        c = _pixel(view, image, spec, t, float(hz_to_scale(hz, tl.params.scale, 48000, tl.params.min_freq)))
        return c.red() + c.green() + c.blue()

    assert brightness(3.0, 1000) > brightness(3.0, 8000) + 200      # the tone's row lights up
    assert brightness(1.0, 1000) < 150                                # silence stays dark

    tab.document.set_selection(0.5, 1.5)
    tl.show_playhead(3.5, follow=False)
    qtbot.wait(20)
    view, image = _screen(tab)
    inside, outside = _pixel(view, image, wave, 1.0, 0.6), _pixel(view, image, wave, 0.25, 0.6)
    assert inside != outside and inside.blue() > inside.red()          # the selection's blue veil
    assert _pixel(view, image, wave, 3.5, 1.04) == QColor(LIGHT.playhead)
    tl.show_playhead(None)
    qtbot.wait(20)
    view, image = _screen(tab)
    assert _pixel(view, image, wave, 3.5, 1.04) != QColor(LIGHT.playhead)


def test_the_ruler_ticks_on_a_clocks_steps():
    major, minor, decimals = time_ticks(0.0, 3600.0, 1200)
    assert list(major[:3]) == [0, 600, 1200] and decimals == 0        # ten minutes a label
    assert len(minor) > len(major)
    major, _, decimals = time_ticks(12.3, 12.4, 1000)
    assert np.diff(major) == pytest.approx(np.full(len(major) - 1, 0.02)) and decimals == 3
    assert major[0] >= 12.3 - 1e-9 and major[-1] <= 12.4 + 1e-9
    for span in (1e-4, 0.01, 1.0, 30.0, 600.0, 7200.0, 86400.0):
        major, _, _ = time_ticks(5.0, 5.0 + span, 1000)
        assert 2 <= len(major) <= 12, (span, len(major))     # a label every ~110 px, never crowded


def test_many_clips_look_as_a_few_do(window, half_tone, qtbot):
    """A few clips in view are drawn one by one, many as blits of pixel columns: both show an
    outline at each clip's edges and a name bar over each clip, and nothing in the gaps."""
    from pathlib import Path

    from workbench.core.audio import open_audio
    from workbench.core.document import Document
    from workbench.core.edits import EditedAudio
    from workbench.core.timeline import AudioTrack, Clip
    from workbench.ui.timeline.clips import FEW

    src = open_audio(half_tone).load_all()
    doc = Document()
    doc.project_rate = 48000
    content = EditedAudio.of(src)
    clips = [Clip(content, start=0.1 * j, trim_start=0, trim_end=src.frames - 2400, name=f"c{j}")
             for j in range(40)]                        # 50 ms of silence every 100 ms
    doc.raw_insert_track(0, AudioTrack("many", clips))
    doc.raw_insert_track(1, AudioTrack("other", [Clip(content, start=0.0)]))
    tab = window.ctx.files._add_document(doc, Path(half_tone))
    tab.loaded = True
    tl = tab.timeline
    lane = tl.lanes[0]
    grid, white = QColor(LIGHT.grid), QColor(LIGHT.lane)
    for view, shown in (((0.0, 0.5), 5), ((0.0, 4.0), 40)):
        tl.set_view(*view)
        assert (shown <= FEW) == (view[1] < 1)          # one view each way
        qtbot.wait(30)
        gv, image = _screen(tab)
        top = gv.mapFromScene(lane.sceneBoundingRect().topLeft()).y()
        bottom = gv.mapFromScene(lane.sceneBoundingRect().bottomLeft()).y()
        for clip in clips[:shown]:
            def px(t, y):
                return image.pixelColor(gv.mapFromScene(lane.scene_point(t)).x(), y)
            assert px(clip.start + 0.025, top + 8) not in (white, grid)        # the name bar
            assert px(clip.end + 0.025, top + 8) == white                      # a gap: nothing
            if clip is clips[0]:
                continue                                 # the cursor stands on its edge
            x = gv.mapFromScene(lane.scene_point(clip.start)).x()
            assert grid in [image.pixelColor(x + d, bottom - 6) for d in (-1, 0, 1)]   # its edge


def test_the_waveform_is_whole_on_a_hidpi_screen(window, open_loaded, half_tone):
    """At two device pixels per pixel every device column of the tone is drawn (no stripes
    between the envelope's columns) and the silence stays a line."""
    from PySide6.QtGui import QImage, QPainter

    tab = open_loaded(half_tone)
    wave = tab.timeline.lanes[0]
    r = wave.rect()
    image = QImage(int(r.width() * 2), int(r.height() * 2), QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(2.0)
    image.fill(QColor("white"))
    p = QPainter(image)
    wave.paint(p, None, None)
    p.end()
    pixels = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    drawn = (pixels == QColor(LIGHT.wave).rgba()).sum(axis=0)
    loud = drawn[int(wave.x_of(2.2) * 2):int(wave.x_of(3.8) * 2)]
    quiet = drawn[int(wave.x_of(0.2) * 2):int(wave.x_of(1.8) * 2)]
    assert loud.min() > 0.6 * image.height()
    assert quiet.max() <= 4


def test_a_short_clip_s_spectrogram_ends_where_the_clip_ends(window, open_loaded, half_tone, tmp_path, qtbot):
    """A 0.5 s clip on its own track in a 4 s document: its spectrogram lane is dark inside the
    clip (quiet) but is the background past its end, not a black block to the tile's end."""
    from workbench.core.audio import open_audio

    tab = open_loaded(half_tone)
    short = write(tmp_path / "short.wav", np.zeros(24000, np.float32), 48000, "WAV", "FLOAT")
    tab.document.add_track(open_audio(short).load_all(), offset=0.0, undoable=True)
    tl = tab.timeline
    qtbot.waitUntil(lambda: len([lane for lane in tl.lanes if lane.kind == "spec"]) == 2, timeout=5000)
    qtbot.waitUntil(tl.spectrogram_complete, timeout=10000)
    qtbot.wait(50)
    spec = [lane for lane in tl.lanes if lane.kind == "spec"][1]
    view, image = _screen(tab)
    inside = _pixel(view, image, spec, 0.25, 0.5)
    past = [_pixel(view, image, spec, t, 0.5) for t in (0.7, 1.0, 2.0)]
    assert inside.red() + inside.green() + inside.blue() < 150            # silence: dark
    assert all(c.red() + c.green() + c.blue() > 700 for c in past), [c.name() for c in past]


def test_a_spectrogram_being_computed_says_so(window, open_loaded, half_tone, qtbot):
    tab = open_loaded(half_tone)
    spec = next(lane for lane in tab.timeline.lanes if lane.kind == "spec")
    qtbot.waitUntil(tab.timeline.spectrogram_complete, timeout=10000)
    assert not spec.computing()
    spec.images.clear()                          # as a long file's first view, before its tiles
    spec.wanted = {("pending", 0)}
    spec.update()
    qtbot.wait(30)
    view, image = _screen(tab)
    c = _pixel(view, image, spec, 0.1, 0.93)      # the note's dark box, top left of the lane
    assert spec.computing() and c.red() + c.green() + c.blue() < 500     # white: 765


def test_a_region_s_whole_text_is_on_hover(window, open_loaded, half_tone):
    from workbench.core.regions import Region

    tab = open_loaded(half_tone)
    long = "a region whose text is far longer than the region is wide on screen"
    tab.document.add_label_track("Notes", [Region(1.0, 1.1, long, confidence=0.5)])
    lane = next(lane for lane in tab.timeline.lanes if lane.kind == "labels")
    region = lane.track.visible(0, 4)[0]
    tip = lane.region_tip(region)
    assert long in tip and "0:00:01.000" in tip and "0.50" in tip
    hit, _ = lane.handler.hit(1.05, lane.seconds_per_pixel())
    assert hit is region and lane.region_tip(None) == "Notes"
