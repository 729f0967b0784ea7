import threading

import numpy as np
import pytest

from audio_fixtures import signal, write
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.settings import Settings
from workbench.core.tiles import SpectrogramTiles
from workbench.dsp import spectrogram as spec


@pytest.fixture
def source(tmp_path):
    path = write(tmp_path / "t.wav", signal(48000 * 30, 2), 48000, "WAV", "PCM_16")
    src = open_audio(path).load_all()
    yield src
    src.close()


def test_tiles_are_computed_in_the_background_and_cached(source):
    ready = []
    done = threading.Event()

    expected = []

    def on_ready(key):
        ready.append((key, threading.current_thread().name))
        if len(ready) == len(expected):
            done.set()

    tiles = SpectrogramTiles(source, spec.SpectrogramParams(), on_ready)
    hop, keys = tiles.keys_for(0.0, 4.0, 800)
    expected.extend(keys)
    assert hop == 512                                    # 4 s on 800 px: the user's own hop
    assert len(keys) * spec.TILE_COLUMNS * hop >= 4 * 48000
    assert len(keys) <= 4 * 48000 // (spec.TILE_COLUMNS * hop) + 2
    tiles.want(keys)
    assert done.wait(10)
    assert all(name == "spectrogram-tiles" for _, name in ready)
    assert sorted(k for k, _ in ready) == sorted(keys)
    arr = tiles.get(keys[0])
    assert arr.shape == (512, spec.TILE_COLUMNS) and arr.dtype == np.float32 and arr.flags.c_contiguous
    tiles.close()


def test_zoomed_out_keys_cover_the_view_with_about_one_column_a_pixel(source):
    tiles = SpectrogramTiles(source, spec.SpectrogramParams())
    hop, keys = tiles.keys_for(0.0, 30.0, 1000)
    columns = len(keys) * spec.TILE_COLUMNS
    assert 500 <= columns <= 1000 + 2 * spec.TILE_COLUMNS
    assert hop * spec.TILE_COLUMNS * len(keys) >= 30 * 48000
    tiles.close()


def test_a_new_wish_drops_the_old_one(source):
    tiles = SpectrogramTiles(source, spec.SpectrogramParams())
    tiles.want([(512, i) for i in range(100)])
    tiles.want([(512, 0)])
    assert len(tiles._wanted) <= 1
    tiles.close()


def test_document_selection_and_cursor(source):
    doc = Document()
    seen = []
    doc.selection_changed.connect(seen.append)
    doc.add_track(source)
    assert doc.duration == pytest.approx(30.0)
    doc.set_selection(5.0, 2.0)
    assert doc.selection == (2.0, 5.0) and seen == [(2.0, 5.0)]
    doc.set_selection(-3, 100)
    assert doc.selection == (0.0, 30.0)
    doc.set_selection(4.0, 4.0)
    assert doc.selection is None
    doc.set_cursor(12.5)
    assert doc.play_range() == (12.5, 30.0)


def test_settings_round_trip_and_recent_files(tmp_path):
    s = Settings()
    for i in range(15):
        s.add_recent(tmp_path / f"{i}.wav")
    s.add_recent(tmp_path / "3.wav")
    assert len(s.recent_files) == 10 and s.recent_files[0].endswith("3.wav")
    s.spectrogram = {"n_fft": 4096}
    s.save(tmp_path / "s.json")
    again = Settings.load(tmp_path / "s.json")
    assert again == s
    (tmp_path / "bad.json").write_text("{not json")
    assert Settings.load(tmp_path / "bad.json") == Settings()
