"""Sound-event tagging through the real audio-classification pipeline, on a tiny AST built here."""
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import drain
from workbench.core.audio import open_audio
from workbench.tasks import registry
from workbench.tasks.runner import run_task
from workbench.tasks.understand.tag import merge


def tiny_ast(folder: Path, labels=("dog", "siren", "speech", "music")) -> str:
    import torch
    from transformers import ASTConfig, ASTFeatureExtractor, ASTForAudioClassification

    torch.manual_seed(0)          # the same random weights every run: tests do not flake
    folder.mkdir()
    config = ASTConfig(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                       intermediate_size=64, max_length=128, num_mel_bins=64,
                       id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)})
    ASTForAudioClassification(config).save_pretrained(folder)
    ASTFeatureExtractor(num_mel_bins=64, max_length=128).save_pretrained(folder)
    return str(folder)


def test_merge_joins_adjacent_windows_per_label():
    windows = [(0, 1, [("dog", 0.9), ("cat", 0.1)]), (1, 2, [("dog", 0.7)]), (2, 3, [("cat", 0.8)]),
               (3, 4, [("dog", 0.6), ("cat", 0.5)])]
    got = [(r.start, r.end, r.text, r.confidence) for r in merge(windows, 0.4)]
    assert got == [(0, 2, "dog", 0.9), (2, 4, "cat", 0.8), (3, 4, "dog", 0.6)]


@pytest.fixture
def noise_file(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "n.wav"
    sf.write(str(path), (0.2 * rng.standard_normal(16000 * 12)).astype(np.float32), 16000)
    return path


def test_tags_over_time_with_a_tiny_ast(noise_file, tmp_path):
    model = tiny_ast(tmp_path / "ast")
    src = open_audio(noise_file).load_all()
    _, result = drain(run_task(registry.get("tag"), src, {"threshold": 0.0, "top_k": 1}, checkpoint=model))
    name, regions = result.tracks[0]
    assert name == "Sound events" and regions
    assert all(r.text in ("dog", "siren", "speech", "music") and 0 <= r.confidence <= 1 for r in regions)
    # top-1 with no threshold labels every moment: the regions tile the file
    covered = sorted((r.start, r.end) for r in regions)
    assert covered[0][0] == 0.0 and max(e for _, e in covered) == pytest.approx(12.0)


def test_top_labels_of_the_whole_range(noise_file, tmp_path):
    model = tiny_ast(tmp_path / "ast")
    src = open_audio(noise_file).load_all()
    _, result = drain(run_task(registry.get("tag"), src, {"mode": "whole range", "top_k": 3},
                            checkpoint=model))
    regions = result.tracks[0][1]
    assert len(regions) == 3 and all((r.start, r.end) == (0.0, 12.0) for r in regions)
    assert regions[0].confidence >= regions[1].confidence >= regions[2].confidence


def test_command_line_tagging_keeps_confidence(noise_file, tmp_path):
    import csv
    import subprocess
    import sys

    model = tiny_ast(tmp_path / "ast")
    out = subprocess.run([sys.executable, "-m", "workbench", "run", "tag", str(noise_file), "--model", model,
                          "--param", "threshold=0", "--param", "top_k=1", "-o", str(tmp_path / "t.csv")],
                         capture_output=True, text=True, timeout=300,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(open(tmp_path / "t.csv")))
    assert rows and all(r["track"] == "Sound events" and 0 <= float(r["confidence"]) <= 1 for r in rows)


def test_tags_stream_as_they_settle(tmp_path):
    """Tags over time send regions out once a later window has passed them; together the
    partial results are exactly the final regions."""
    from workbench.tasks.runner import Partial, Progress

    model = tiny_ast(tmp_path / "ast")
    # loud noise, a tone, silence, in turns: even random weights rank labels differently on them
    rng, t = np.random.default_rng(3), np.arange(16000 * 3) / 16000
    parts = [0.5 * rng.standard_normal(len(t)), 0.5 * np.sin(2 * np.pi * 440 * t), np.zeros(len(t))] * 3
    path = tmp_path / "turns.wav"
    sf.write(str(path), np.concatenate(parts).astype(np.float32), 16000)
    src = open_audio(path).load_all()
    events, result = drain(run_task(registry.get("tag"), src, {"threshold": 0.0, "top_k": 1, "hop_s": 1.0},
                                    checkpoint=model))
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("Partial") >= 2
    first = kinds.index("Partial")
    assert any(isinstance(e, Progress) and e.fraction < 1 for e in events[first:])   # before the end
    streamed = sorted((r.start, r.end, r.text) for e in events if isinstance(e, Partial) for r in e.regions)
    assert streamed == sorted((r.start, r.end, r.text) for r in result.tracks[0][1])


def test_keywords_keep_every_word_score_and_start_with_the_chosen_words(noise_file, tmp_path):
    """Keyword spotting through the real pipeline: every window's score for every word is kept,
    the words not asked for start hidden, and choosing others later needs no model."""
    from workbench.core.document import Document
    from workbench.tasks.apply import apply_result
    from workbench.tasks.runner import TaskError

    words = ("yes", "no", "stop", "_unknown_")
    model = tiny_ast(tmp_path / "kws", labels=words)
    src = open_audio(noise_file).load_all()
    spec = registry.get("keywords")
    _, result = drain(run_task(spec, src, {"keywords": "yes, stop", "threshold": 0.0}, checkpoint=model))
    table = result.scores["Keywords"]
    assert table.labels == list(words) and table.hidden == ("no", "_unknown_")
    assert len(table) == int((12 - 1.0) / 0.25) + 1 and np.allclose(table.values.sum(axis=1), 1.0, atol=1e-4)
    (name, regions), = result.tracks
    assert name == "Keywords" and {r.text for r in regions} <= {"yes", "stop"} and regions
    doc = Document()
    (track,) = apply_result(doc, result)
    doc.refilter(track.id, 0.0, labels={"no"})
    assert {r.text for r in track} == {"no"}
    _, everything = drain(run_task(spec, src, {"threshold": 0.0}, checkpoint=model))
    assert everything.scores["Keywords"].hidden == ("_unknown_",)       # all words, not the filler
    with pytest.raises(TaskError, match="does not know banana"):
        drain(run_task(spec, src, {"keywords": "yes, banana"}, checkpoint=model))


def test_classify_each_region_keeps_the_region_it_came_from(noise_file, tmp_path):
    from workbench.core.document import Document
    from workbench.tasks.plan import ranges_for, run_over

    model = tiny_ast(tmp_path / "intent", labels=("pay_bill", "balance", "abroad"))
    doc = Document()
    doc.add_track(open_audio(noise_file).load_all())
    turns = doc.add_label_track("Speakers")
    doc.add_region(turns.id, 1.0, 4.0, "Ann")
    doc.add_region(turns.id, 5.0, 9.5, "Bob")
    _, result = drain(run_over(registry.get("classify"), doc.mix(), {}, ranges_for(doc, f"regions:{turns.id}"),
                               checkpoint=model))
    ((name, regions),) = result.tracks
    assert name == "Classes" and [(r.start, r.end) for r in regions] == [(1.0, 4.0), (5.0, 9.5)]
    assert all(r.text in ("pay_bill", "balance", "abroad") and 0 < r.confidence <= 1 for r in regions)
    assert [dict(r.origin)["source"] for r in regions] == ["Speakers@1.000-4.000", "Speakers@5.000-9.500"]
    assert dict(regions[0].origin)["task"] == "classify"
    _, sure = drain(run_over(registry.get("classify"), doc.mix(), {"min_confidence": 0.999}, [(1.0, 4.0)],
                             checkpoint=model))
    assert sure.tracks[0][1][0].text == "unknown"               # not confident enough to say


def test_a_wav2vec2_intent_classifier_runs_through_classify(noise_file, tmp_path):
    """XLS-R intent models (MINDS-14) are wav2vec 2.0 sequence classifiers: a tiny one through
    the real audio-classification pipeline, whole range and each region."""
    from tinygen import tiny_wav2vec2_classifier

    model = tiny_wav2vec2_classifier(tmp_path / "xlsr")
    src = open_audio(noise_file).load_all()
    _, result = drain(run_task(registry.get("classify"), src, {}, 2.0, 6.0, checkpoint=model))
    ((name, (region,)),) = result.tracks
    assert name == "Classes" and (region.start, region.end) == (2.0, 6.0)
    assert region.text in ("pay_bill", "balance", "abroad") and 1 / 3 <= region.confidence <= 1
    assert dict(region.origin)["model"] == model
