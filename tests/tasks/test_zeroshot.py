"""Zero-shot labels (CLAP): prompts parsed and refused in words, scores kept with the output
track so that a new threshold re-filters the regions with no model call (counted), kept across
undo and project save; the real transformers CLAP path on a tiny offline model."""
from __future__ import annotations

import random

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import direct, drain
from workbench.core import project as P
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.scores import ScoreTable
from workbench.tasks import registry
from workbench.tasks.apply import apply_result
from workbench.tasks.events import TaskError
from workbench.tasks.plan import run_over
from workbench.tasks.understand import zeroshot as Z
from fake_clap import FakeClap

RATE = 48000


def test_prompts_one_per_line_or_by_semicolons():
    assert Z.prompts_of("dog bark\n siren \n\ndog bark") == ["dog bark", "siren"]
    assert Z.prompts_of("a dog, barking; applause") == ["a dog, barking", "applause"]
    for bad in ("", " ;\n ; ", ";".join(f"p{k}" for k in range(300)), "x" * 300):
        with pytest.raises(TaskError):
            Z.prompts_of(bad)
    rng = random.Random(3)
    for _ in range(500):               # anything typed is a list of prompts or a refusal in words
        text = "".join(rng.choice("ab ;\n\t,\x00é{}\u200b") for _ in range(rng.randint(0, 60)))
        try:
            got = Z.prompts_of(text)
        except TaskError:
            continue
        assert got and all(p == p.strip() and p for p in got)


def test_relative_scores_share_each_window_and_similarities_stand_alone():
    sims = np.array([[0.5, 0.1, -0.2], [0.0, 0.0, 0.0]])
    rel = Z.scores_of(sims, 30.0, "relative")
    assert np.allclose(rel.sum(axis=1), 1.0) and rel[0].argmax() == 0 and np.allclose(rel[1], 1 / 3)
    assert Z.scores_of(sims, 30.0, "similarity").tolist() == [[0.5, 0.1, 0.0], [0.0, 0.0, 0.0]]


def test_a_score_table_makes_regions_at_any_threshold_and_survives_json():
    table = ScoreTable(["beep", "hiss"], [(0, 1), (1, 2), (2, 3), (3, 4)],
                       [[0.9, 0.1], [0.7, 0.3], [0.2, 0.8], [0.6, 0.4]], threshold=0.5)
    assert [(r.start, r.end, r.text, r.confidence) for r in table.regions()] == \
        [(0, 2, "beep", pytest.approx(0.9)), (2, 3, "hiss", pytest.approx(0.8)), (3, 4, "beep", pytest.approx(0.6))]
    assert [(r.start, r.end) for r in table.regions(0.65)] == [(0, 2), (2, 3)]
    assert [r.text for r in table.regions(0.25, labels={"hiss"})] == ["hiss"]
    back = ScoreTable.from_dict(table.to_dict())
    assert back.labels == table.labels and np.allclose(back.values, table.values)
    assert [r.text for r in back.regions()] == [r.text for r in table.regions()]
    d = table.to_dict()
    for bad in ({**d, "labels": []}, {**d, "values": d["values"][:-1]}, {**d, "spans": [[0, "x"]] * 4},
                {**d, "values": [[float("nan"), 0]] * 4}, {**d, "spans": [[2, 1]] * 4}, {**d, "threshold": "hi"},
                {**d, "values": [[0.1]] * 4}, [], {**d, "labels": [1, 2]}):
        with pytest.raises(ValueError):
            ScoreTable.from_dict(bad)


def test_regions_made_again_from_scores_keep_the_region_they_were_run_on():
    """Run on each region of a track, then refiltered: each region still names its source."""
    a = ScoreTable(["beep"], [(0, 1), (1, 2)], [[0.9], [0.2]]).from_source("Speakers@0.000-2.000")
    b = ScoreTable(["beep"], [(5, 6), (6, 7)], [[0.3], [0.8]]).from_source("Speakers@5.000-7.000")
    joined = a.joined(b)
    for table in (joined, ScoreTable.from_dict(joined.to_dict())):
        for threshold in (0.5, 0.25):
            got = [(r.start, dict(r.origin)["source"]) for r in table.regions(threshold)]
            assert got == [(0, "Speakers@0.000-2.000"), (6 if threshold == 0.5 else 5, "Speakers@5.000-7.000")]
    plain = ScoreTable(["beep"], [(0, 1)], [[0.9]])
    assert "sources" not in plain.to_dict() and "source" not in dict(plain.regions()[0].origin or ())
    assert a.joined(plain).sources == ["Speakers@0.000-2.000", "Speakers@0.000-2.000", ""]
    with pytest.raises(ValueError, match="sources"):
        ScoreTable.from_dict({**joined.to_dict(), "sources": ["x"]})


@pytest.fixture
def scene(tmp_path):
    """4 s quiet, 4 s of beep, 4 s quiet, 4 s of hiss, 2 s quiet."""
    t = np.arange(4 * RATE) / RATE
    rng = np.random.default_rng(0)
    parts = [np.zeros(4 * RATE), 0.5 * np.sin(2 * np.pi * 1000 * t), np.zeros(4 * RATE),
             0.3 * rng.standard_normal(4 * RATE), np.zeros(2 * RATE)]
    path = tmp_path / "scene.wav"
    sf.write(str(path), np.concatenate(parts).astype(np.float32), RATE)
    return path


def test_thresholds_refilter_without_the_model_and_undo_and_reopen(scene, tmp_path, monkeypatch):
    fake = FakeClap()
    monkeypatch.setattr(Z, "load", lambda checkpoint, device: fake)
    doc = Document()
    doc.add_track(open_audio(scene).load_all())
    spec = registry.get("zeroshot")
    params = spec.parse_params({"prompts": "beep; hiss; quiet", "window_s": 1.0, "hop_s": 0.5,
                                "threshold": 0.6})
    _, result = drain(run_over(spec, doc.mix(), params, [(0.0, doc.duration)], checkpoint=str(tmp_path),
                               device="cpu"))
    (track,) = apply_result(doc, result)
    found = {(r.text, round(r.start), round(r.end)) for r in track if r.text != "quiet"}
    assert found == {("beep", 4, 8), ("hiss", 12, 16)}, found
    assert track.scores is not None and len(track.scores) == int((18 - 1.0) / 0.5) + 1
    assert all(r.origin and dict(r.origin)["task"] == "zeroshot" for r in track)
    calls = fake.audio_calls + fake.text_calls
    # the threshold moves: regions follow, the model is not asked again
    doc.refilter(track.id, 0.99)
    strict = {r.text for r in track}
    gesture = object()
    for th in (0.9, 0.5, 0.3, 0.2):          # one slider drag: one undo step
        doc.refilter(track.id, th, gesture=gesture)
    assert fake.audio_calls + fake.text_calls == calls
    assert len(track) >= 3 and strict <= {"beep", "hiss", "quiet"}
    assert track.scores.threshold == 0.2
    doc.history.undo()
    assert track.scores.threshold == 0.99 and {r.text for r in track} == strict
    doc.history.redo()
    loose = sorted((round(r.start, 3), r.text) for r in track)
    doc.refilter(track.id, 0.6, labels={"beep"})            # just one prompt's regions
    assert {r.text for r in track} == {"beep"}
    doc.history.undo()
    assert track.scores.hidden == () and sorted((round(r.start, 3), r.text) for r in track) == loose
    doc.history.redo()
    path = P.save_project(doc, tmp_path / "scene")
    back, _ = P.load_project(path)
    (kept,) = back.label_tracks
    assert kept.scores is not None and kept.scores.labels == ["beep", "hiss", "quiet"]
    assert kept.scores.hidden == ("hiss", "quiet") and {r.text for r in kept} == {"beep"}
    back.refilter(kept.id, 0.2)                                   # the hidden stay hidden
    assert {r.text for r in kept} == {"beep"}
    back.refilter(kept.id, 0.2, labels=kept.scores.labels)        # all shown again
    assert sorted((round(r.start, 3), r.text) for r in kept) == loose      # as before saving
    assert fake.audio_calls + fake.text_calls == calls


def test_whole_range_scores_the_range_and_says_them(scene, monkeypatch):
    fake = FakeClap()
    monkeypatch.setattr(Z, "load", lambda checkpoint, device: fake)
    x, _ = sf.read(str(scene), dtype="float32")
    params = registry.get("zeroshot").parse_params({"prompts": "beep\nhiss\nquiet", "mode": "whole range",
                                                    "threshold": 0.0})
    events, _ = drain(direct(Z.run, x[4 * RATE: 8 * RATE], RATE, params, checkpoint="fake", device="cpu"))
    note = next(e.text for e in events if type(e).__name__ == "Note")
    assert note.startswith("beep ")          # the best prompt first, with its score
    (table,) = [e.table for e in events if type(e).__name__ == "Scores"]
    assert len(table) == 1 and table.values[0].argmax() == 0


def test_a_real_clap_checkpoint_runs_through_transformers(scene, tmp_path):
    from tinygen import tiny_clap

    folder = tiny_clap(tmp_path / "clap")
    doc = Document()
    doc.add_track(open_audio(scene).load_all())
    spec = registry.get("zeroshot")
    params = spec.parse_params({"prompts": "beep; hiss", "window_s": 2.0, "hop_s": 2.0, "threshold": 0.0})
    _, result = drain(run_over(spec, doc.mix(), params, [(0.0, 6.0), (10.0, 16.0)], checkpoint=folder,
                               device="cpu"))
    table = result.scores["Zero-shot labels"]
    assert table.labels == ["beep", "hiss"] and len(table) == 6      # both ranges, 3 windows each
    assert np.allclose(table.values.sum(axis=1), 1.0, atol=1e-5)
    assert table.spans.min() >= 0.0 and table.spans.max() <= 16.0 and (table.spans[3:, 0] >= 10.0).all()
    clap = Z.load(folder, "cpu")
    assert clap.rate == 16000 and clap.audio_calls >= 2
    with pytest.raises(TaskError, match="not a CLAP model"):
        Z.Clap(str(tmp_path), "cpu")
