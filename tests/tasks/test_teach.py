"""Teach (issue 28): a classifier from the user's own labels, trained on frozen embeddings of a
bundled backbone (YAMNet, real weights), written as a model folder that Classify runs; every bad
input refused in words, the model folder that was there never half-written."""
import json
import os

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import drain
from workbench.core.audio import open_audio
from workbench.core.document import Document
from workbench.core.regions import Region
from workbench.formats.labels import write_labels
from workbench.tasks import registry
from workbench.tasks.events import TaskCancelled, TaskError
from workbench.tasks.job import Job
from workbench.tasks.understand import embeddings as bb
from workbench.tasks.teach import examples as ex
from workbench.tasks.teach import head as hd
from workbench.tasks.teach.train import vectors
from workbench.tasks.understand import trained

RATE = 16000


def calls(seed: int, seconds: float = 24.0):
    """Tone calls and noise bursts of random length, pitch and gap in a quiet noise floor, and
    their labels."""
    rng = np.random.default_rng(seed)
    x = (0.01 * rng.standard_normal(int(seconds * RATE))).astype(np.float32)
    regions, t = [], 0.5
    while t < seconds - 1.5:
        d = float(rng.uniform(0.4, 1.2))
        n, a = int(d * RATE), int(t * RATE)
        if rng.integers(2):
            x[a:a + n] += 0.3 * rng.standard_normal(n) * np.hanning(n)
            regions.append(Region(t, t + d, "noise"))
        else:
            x[a:a + n] += 0.3 * np.sin(2 * np.pi * rng.uniform(600, 1500) * np.arange(n) / RATE)
            regions.append(Region(t, t + d, "tone"))
        t += d + float(rng.uniform(0.3, 1.0))
    return x, regions


@pytest.fixture
def folder(tmp_path):
    """Three recordings with a Praat TextGrid beside each."""
    d = tmp_path / "set"
    d.mkdir()
    for k in range(3):
        x, regions = calls(k)
        sf.write(d / f"rec{k}.wav", x, RATE)
        write_labels(d / f"rec{k}.TextGrid", [("calls", regions)])
    return d


def test_labels_in_a_document_train_a_classifier_that_classify_runs_on_another_recording(tmp_path):
    x, regions = calls(1)
    sf.write(tmp_path / "a.wav", x, RATE)
    audio = open_audio(tmp_path / "a.wav").load_all()
    doc = Document()
    track = doc.add_label_track("Calls", regions)
    before = [(r.start, r.end, r.text) for r in track]
    job = Job(registry.get("train"), {"name": "calls", "background": True}, bb.YAMNET, "cpu", audio=audio, doc=doc,
              labels=[(track.name, list(track))], output=str(tmp_path / "model"))
    events, result = drain(job.events())
    assert events and events[-1].fraction == 1.0
    job.finish(result)
    assert job.state == "done" and [(r.start, r.end, r.text) for r in track] == before   # untouched
    (model,) = result.models
    assert model.tasks == ("classify", "tag") and model.classes == ["background", "noise", "tone"]
    assert model.metrics["accuracy"] >= 0.9 and np.array(model.metrics["confusion"]).sum() == model.summary["held_out"]
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    assert config["backbone"]["id"] == bb.YAMNET and config["backbone"]["revision"]
    assert config["id2label"] == {"0": "background", "1": "noise", "2": "tone"}
    card = (tmp_path / "model" / "README.md").read_text()
    assert card.startswith("---\n") and "pipeline_tag: audio-classification" in card and "Confusion matrix" in card
    # another recording, never heard: Classify on each of its regions, with the folder as model
    # (each region heard alone, as a head that learnt regions only in context heard them badly)
    y, truth = calls(7)
    sf.write(tmp_path / "b.wav", y, RATE)
    other = open_audio(tmp_path / "b.wav").load_all()
    spans = [r for r in truth]
    run = Job(registry.get("classify"), {}, model.folder, "cpu", audio=other, ranges=[(r.start, r.end) for r in spans])
    _, found = drain(run.events())
    said = [r.text for r in found.tracks[0][1]]
    assert np.mean([a == b.text for a, b in zip(said, truth)]) >= 0.9


def test_a_folder_of_recordings_splits_by_recording_and_the_command_line_says_json(folder, tmp_path, capsys,
                                                                                   monkeypatch):
    from workbench.cli import main

    out = tmp_path / "clf"
    assert main(["train", str(folder), "-o", str(out), "--background", "--json"]) == 0
    said = json.loads(capsys.readouterr().out)
    assert said["folder"] == str(out) and set(said["labels"]) == {"background", "noise", "tone"}
    assert said["data"]["split"].startswith("by recording") and said["macro_f1"] >= 0.8
    assert main(["run", "classify", str(folder / "rec0.wav"), "--model", str(out), "-o", str(tmp_path / "r.txt"),
                 "--regions", str(folder / "rec0.TextGrid")]) == 0
    rows = [line.split("\t")[2] for line in (tmp_path / "r.txt").read_text().splitlines()]
    assert rows and all(r in ("noise", "tone", "background") for r in rows)
    # one label file per recording, given in order, and a count that does not match
    assert main(["train", str(folder / "rec0.wav"), str(folder / "rec1.wav"), "--labels",
                 str(folder / "rec0.TextGrid"), "-o", str(out)]) == 2
    assert "2 audio inputs" in capsys.readouterr().err
    # offline, a Hub backbone not in the cache: the message names train's own option
    from huggingface_hub import constants      # imported before the variable is set: it reads it once

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["train", str(folder), "-o", str(out), "--backbone", "someone/not-cached-here"]) != 0
    err = capsys.readouterr().err
    assert "not in the local model cache" in err and "--backbone FOLDER" in err and "--model" not in err, err


def test_the_head_survives_its_folder_exactly():
    """safetensors writes a buffer as it lies: scikit-learn's Fortran-ordered coefficients came
    back transposed (a trained head scored 0.19 after loading)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((90, 6)).astype(np.float32)
    y = ["a"] * 30 + ["b"] * 30 + ["c"] * 30
    x[:30, 0] += 3
    x[30:60, 1] += 3
    h = hd.fit(x, y)
    folder = hd.save(os.path.join(os.environ["WORKBENCH_DATA_DIR"], "roundtrip"), h, {"id": "test"}, {},
                     hd.measure(y, y, h.classes))
    again, _ = trained.load(folder)
    assert np.allclose(again.probabilities(x), h.probabilities(x), atol=1e-6)


def test_retraining_after_relabelling_reads_the_cache(folder):
    data = ex.from_paths([folder])
    model = bb.backbone(bb.YAMNET)
    samples = np.zeros(RATE * 3, np.float32)
    samples[RATE:2 * RATE] = 0.2
    first, hit = bb.embed(model, samples)
    assert not hit
    bb._memory.clear()                       # a new session: from the disk
    again, hit = bb.embed(model, samples)
    assert hit and np.array_equal(first, again)
    inside, alone, _ = drain(vectors(data, model))[1]
    assert inside.shape == alone.shape == (len(data.examples), 1024)


def test_pooling_takes_a_region_s_own_frames_or_the_nearest():
    frames = np.arange(10, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)
    assert bb.pool(frames, 0.5, 1.0, 1.0, 2.0)[0] == pytest.approx(np.mean([1, 2, 3]))   # centres 1.0, 1.5, 2.0
    assert bb.pool(frames, 0.5, 1.0, 2.1, 2.2)[0] == 3           # shorter than the hop: the nearest


def test_bad_labels_are_refused_in_words(folder, tmp_path):
    (folder / "config.json").write_text('{"architectures": ["x"]}')      # not labels: no warning
    (folder / "README.txt").write_text("what these recordings are\n")
    data = ex.from_paths([folder])
    assert not any("match no audio" in w for w in data.warnings), data.warnings
    write_labels(folder / "stray.TextGrid", [("x", [Region(0, 1, "a")])])   # labels: a warning
    assert any("match no audio" in w for w in ex.from_paths([folder]).warnings)
    (folder / "stray.TextGrid").unlink()
    with pytest.raises(TaskError, match="at least two classes"):
        ex.choose(data, ["tone"])
    with pytest.raises(TaskError, match="no labels say"):
        ex.choose(data, ["tone", "bird"])
    one = ex.Dataset()
    x, _ = calls(0)
    sf.write(tmp_path / "one.wav", x, RATE)
    one.add("one.wav", open_audio(tmp_path / "one.wav").load_all(),
            [("L", [Region(1, 2, "a"), Region(3, 4, "a"), Region(5, 6, "b"), Region(900, 901, "a"),
                    Region(23.5, 30, "b"), Region(7, 8, " ")])])
    assert any("outside" in w for w in one.warnings) and any("without text" in w for w in one.warnings)
    assert one.examples[-1].end == pytest.approx(len(x) / RATE)          # cut to the audio
    with pytest.raises(TaskError, match="b has fewer than two"):
        ex.choose(ex.Dataset(one.recordings, one.examples[:3], []), [])
    assert any("fewer than 5" in w for w in ex.choose(one).warnings)
    clash = ex.Dataset()
    clash.add("c", open_audio(tmp_path / "one.wav"), [("L", [Region(1, 3, "a"), Region(2, 4, "b")])])
    assert any("overlap" in w for w in clash.warnings)
    lonely = tmp_path / "lonely.TextGrid"
    write_labels(lonely, [("x", [Region(0, 1, "a")])])
    with pytest.raises(TaskError, match="matches no audio"):
        ex.from_paths([lonely])
    (tmp_path / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    write_labels(tmp_path / "broken.TextGrid", [("x", [Region(0, 1, "a")])])
    with pytest.raises(TaskError, match="broken.wav"):
        ex.from_paths([tmp_path / "broken.wav"])
    from workbench.tasks.teach.train import parse_merge

    assert parse_merge("chirp=bird, trill = bird") == {"chirp": "bird", "trill": "bird"}
    with pytest.raises(TaskError, match="OLD=NEW"):
        parse_merge("chirp")


def test_a_cancel_or_a_full_disk_leaves_the_model_that_was_there(folder, tmp_path, monkeypatch):
    from workbench.tasks.teach.train import learn

    out = tmp_path / "kept"
    data = ex.choose(ex.from_paths([folder]))
    done = drain(learn(data, bb.YAMNET))[1]
    hd.save(out, done.head, done.backbone, done.summary, done.metrics)
    kept = {p.name: p.read_bytes() for p in out.iterdir()}
    bb._memory.clear()
    ticks = iter(range(10 ** 6))
    with pytest.raises(TaskCancelled):
        job = Job(registry.get("train"), {}, bb.YAMNET, "cpu", files=[str(folder)], output=str(out))
        drain(job.events(cancelled=lambda: next(ticks) > 3))

    def full(*_a, **_k):
        raise OSError(28, "No space left on device")

    import safetensors.numpy

    monkeypatch.setattr(safetensors.numpy, "save_file", full)
    with pytest.raises(TaskError, match="No space left.*untouched"):
        hd.save(out, done.head, done.backbone, done.summary, done.metrics)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == kept
    assert not list(tmp_path.glob("kept.*"))


def test_background_comes_only_from_between_hand_labels(tmp_path):
    """The background class is cut from the stretch a person labelled by hand (first to last
    hand label): not from the half of the recording nobody labelled yet (it holds calls too), and
    a review answer (a person answered one guess) does not widen that stretch; a recording with
    answers only gives no background."""
    from workbench.tasks.teach.review import ANSWER

    x, regions = calls(9, seconds=40.0)
    sf.write(tmp_path / "half.wav", x, RATE)
    audio = open_audio(tmp_path / "half.wav").load_all()
    hand = [r for r in regions if r.end < 20.0]
    answers = [r.with_(origin=ANSWER) for r in regions if r.start > 30.0][:2]
    data = ex.Dataset()
    data.add("half.wav", audio, [("Calls", hand + answers)])
    data.add("answers-only.wav", audio, [("Reviewed", [r.with_(origin=ANSWER) for r in regions[:4]])])
    chosen = ex.choose(data, background=True)
    background = [e for e in chosen.examples if e.label == ex.BACKGROUND]
    assert background and all(e.recording == 0 for e in background)
    first, last = min(r.start for r in hand), max(r.end for r in hand)
    assert all(first <= e.start and e.end <= last + 1e-9 for e in background), [(e.start, e.end) for e in background]
    for e in background:                                   # and never over a label
        assert not any(r.start < e.end and e.start < r.end for r in hand)


def test_the_split_keeps_every_class_to_learn_from(folder):
    data = ex.from_paths([folder])
    train, test, how = ex.split(data)
    assert how.startswith("by recording") and not set(train) & set(test)
    assert {data.examples[i].label for i in train} == {"noise", "tone"}
    recs = {data.examples[i].recording for i in test}
    assert not recs & {data.examples[i].recording for i in train}
    one = ex.Dataset(data.recordings, [e for e in data.examples if e.recording == 0], [])
    train, test, how = ex.split(one)
    assert how.startswith("stratified") and {one.examples[i].label for i in test} == {"noise", "tone"}


def test_also_from_reads_other_projects_and_folders(folder, tmp_path):
    """The window's “Also from”: a saved project and a folder of labelled recordings add to the
    label tracks of the open one."""
    from workbench.core.project import save_project

    x, regions = calls(11)
    sf.write(tmp_path / "p.wav", x, RATE)
    doc = Document()
    doc.add_track(open_audio(tmp_path / "p.wav").load_all())
    doc.add_label_track("Calls", regions)
    # a model's guesses there (Classify with a trained folder) are not labels to learn from
    doc.add_label_track("?", [Region(r.start, r.end, "tone", confidence=0.5) for r in regions])
    save_project(doc, tmp_path / "other.awproj")
    y, mine = calls(12)
    sf.write(tmp_path / "open.wav", y, RATE)
    job = Job(registry.get("train"), {"more": f"{tmp_path / 'other.awproj'}; {folder}"}, bb.YAMNET, "cpu",
              audio=open_audio(tmp_path / "open.wav").load_all(), labels=[("Mine", mine)],
              output=str(tmp_path / "m"))
    _, result = drain(job.events())
    summary = result.models[0].summary
    assert summary["recordings"] == 5
    assert summary["examples"] == len(regions) + len(mine) + len(ex.from_paths([folder]).examples)
    assert any("guesses" in w for w in summary["warnings"])


def tiny_wav2vec2(base):
    import torch
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2Model

    torch.manual_seed(0)
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=RATE, padding_value=0.0, do_normalize=True,
                             return_attention_mask=True).save_pretrained(base)
    Wav2Vec2Model(Wav2Vec2Config(hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                 intermediate_size=64, conv_dim=(32, 32), conv_stride=(5, 4),
                                 conv_kernel=(10, 4), num_conv_pos_embeddings=16,
                                 num_conv_pos_embedding_groups=2)).save_pretrained(base)
    return str(base)


def test_fine_tune_mode_writes_a_standard_checkpoint_stopped_early_and_honestly_scored(folder, tmp_path):
    """The whole model learns; early stopping watches a share of the training examples, never the
    held-out ones; the folder is a plain AutoModelForAudioClassification checkpoint."""
    from transformers import pipeline

    base = tiny_wav2vec2(tmp_path / "w2v")
    out = tmp_path / "tuned"
    job = Job(registry.get("train"), {"mode": "fine-tune", "epochs": 30}, base, "cpu", files=[str(folder)],
              output=str(out))
    events, result = drain(job.events())
    model = result.models[0]
    assert model.classes == ["noise", "tone"] and "Epoch 1" in events[2].message
    s = model.summary
    assert s["stopped_early"] and s["epochs"] < 30         # a random tiny model stops improving at once
    assert s["validation"] > 0 and s["validation"] + s["held_out"] < s["examples"]
    assert (out / "model.safetensors").exists() and (out / "preprocessor_config.json").exists()
    assert not trained.is_head(out)                       # a plain checkpoint: Classify loads it as one
    clf = pipeline("audio-classification", model=str(out), device="cpu")
    x, regions = calls(30)
    said = [clf({"raw": x[int(r.start * RATE):int(r.end * RATE)], "sampling_rate": RATE}, top_k=1)[0]["label"]
            for r in regions]
    assert set(said) <= {"noise", "tone"}
    assert "fine-tuned" in (out / "README.md").read_text()
    with pytest.raises(TaskError, match="choose one"):
        drain(Job(registry.get("train"), {"mode": "fine-tune"}, bb.YAMNET, "cpu", files=[str(folder)],
                  output=str(tmp_path / "no")).events())


def test_fine_tune_on_whisper_feeds_its_encoder_the_30_s_it_takes(folder, tmp_path):
    """Whisper's encoder takes exactly 3,000 mel frames: a batch padded to its longest clip was
    refused ("expects the mel input features to be of length 3000"), so fine-tune mode failed
    on every Whisper.  A tiny random Whisper fine-tunes and loads in ``pipeline``."""
    import torch
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperModel, pipeline

    base = tmp_path / "whisper"
    torch.manual_seed(0)
    WhisperFeatureExtractor().save_pretrained(base)
    WhisperModel(WhisperConfig(d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                               decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
                               num_mel_bins=80)).save_pretrained(base)
    out = tmp_path / "tuned"
    job = Job(registry.get("train"), {"mode": "fine-tune", "epochs": 1}, str(base), "cpu", files=[str(folder)],
              output=str(out))
    _, result = drain(job.events())
    assert result.models[0].classes == ["noise", "tone"]
    assert json.loads((out / "config.json").read_text())["architectures"] == ["WhisperForAudioClassification"]
    clf = pipeline("audio-classification", model=str(out), device="cpu")
    x, regions = calls(31)
    said = clf({"raw": x[int(regions[0].start * RATE):int(regions[0].end * RATE)], "sampling_rate": RATE})
    assert {d["label"] for d in said} == {"noise", "tone"}


def test_a_head_on_wav2vec2_is_a_checkpoint_that_transformers_pipeline_loads(folder, tmp_path):
    """On a backbone whose own classification head is a projector, the mean over frames and a
    classifier, the folder is that checkpoint too: ``pipeline("audio-classification")`` loads
    it and gives the workbench's scores."""
    from transformers import pipeline

    base = tiny_wav2vec2(tmp_path / "w2v")
    out = tmp_path / "clf"
    job = Job(registry.get("train"), {}, base, "cpu", files=[str(folder)], output=str(out))
    _, result = drain(job.events())
    assert (out / "head.safetensors").exists() and (out / "preprocessor_config.json").exists()
    clf = pipeline("audio-classification", model=str(out), device="cpu")
    ours = trained.Classifier(str(out))
    x, regions = calls(21)
    for r in regions[:4]:
        clip = x[int(r.start * RATE):int(r.end * RATE)]
        theirs = {s["label"]: s["score"] for s in clf({"raw": clip, "sampling_rate": RATE}, top_k=2)}
        mine = {s["label"]: s["score"] for s in ours({"raw": clip, "sampling_rate": RATE}, top_k=2)}
        assert theirs.keys() == mine.keys() == {"noise", "tone"}
        assert all(abs(theirs[k] - mine[k]) < 1e-4 for k in mine), (theirs, mine)


def test_share_uploads_the_folder_with_the_user_s_token_and_it_downloads_again(folder, tmp_path):
    """Share (offered, never automatic): a private repository made with the user's token, the
    folder in one commit; the workbench's downloader then fetches it and Classify runs it.  No
    token, a bad name: a message."""
    from hubmirror import HubMirror

    from workbench.tasks import downloads
    from workbench.tasks.teach.share import share
    from workbench.tasks.teach.train import learn

    data = ex.choose(ex.from_paths([folder]))
    done = drain(learn(data, bb.YAMNET))[1]
    model = hd.save(tmp_path / "mine", done.head, done.backbone, done.summary, done.metrics)
    hub = tmp_path / "hub"
    hub.mkdir()
    with HubMirror(hub) as mirror:
        with pytest.raises(TaskError, match="did not accept the token"):
            drain(share(model, "me/calls", token="wrong", endpoint=mirror.endpoint))
        with pytest.raises(TaskError, match="not a Hub repository name"):
            drain(share(model, "me/../calls", token=mirror.token, endpoint=mirror.endpoint))
        events, url = drain(share(model, "me/calls", token=mirror.token, endpoint=mirror.endpoint))
        assert url.endswith("/me/calls") and events[-1].message == "Shared" and mirror.private["me/calls"]
        assert sorted(p.name for p in (hub / "me" / "calls").iterdir()) == sorted(p.name for p in model.iterdir())
        fetched = drain(downloads.download("me/calls", cache_dir=tmp_path / "cache", endpoint=mirror.endpoint))[1]
        # the command line: only when asked (--push-to-hub), with the login's token (HF_TOKEN here)
        from huggingface_hub import constants

        from workbench.cli import main

        mp = pytest.MonkeyPatch()
        mp.setattr(constants, "ENDPOINT", mirror.endpoint)
        mp.setenv("HF_TOKEN", mirror.token)
        try:
            assert main(["train", str(folder), "-o", str(tmp_path / "cli"), "--push-to-hub", "me/cli", "--public"]) == 0
        finally:
            mp.undo()
        assert (hub / "me" / "cli" / "config.json").exists() and mirror.private["me/cli"] is False
    clf = trained.Classifier(fetched)
    x, regions = calls(5)
    r = regions[0]
    assert clf({"raw": x[int(r.start * RATE):int(r.end * RATE)], "sampling_rate": RATE}, top_k=1)[0]["label"] == r.text


def test_worker_processes_fill_the_cache_that_training_reads(folder, tmp_path):
    """--workers: the recordings are embedded in worker processes first; the training that
    follows finds every embedding in the cache and writes the very same head."""
    import shutil

    from workbench.cli import main
    from workbench.tasks.teach.parallel import prefetch
    from workbench.tasks.teach.train import learn

    assert main(["train", str(folder), "-o", str(tmp_path / "one")]) == 0
    cache = bb.cache_folder(bb.backbone(bb.YAMNET))
    shutil.rmtree(cache)
    bb._memory.clear()
    data = ex.choose(ex.from_paths([folder]))
    events, embedded = drain(prefetch(data, bb.YAMNET, 2))
    assert embedded == 3 and events[-1].message.endswith("in 2 worker processes")
    assert len(list(cache.glob("*.npy"))) == 3 and len(list(cache.glob("*-clips.npz"))) == 3
    assert drain(learn(data, bb.YAMNET))[1].cached == 3          # not one recording embedded again
    shutil.rmtree(cache)
    bb._memory.clear()
    assert main(["train", str(folder), "-o", str(tmp_path / "two"), "--workers", "2"]) == 0
    assert (tmp_path / "one" / "model.safetensors").read_bytes() == (tmp_path / "two" / "model.safetensors").read_bytes()


def test_a_local_ray_cluster_embeds_and_the_cache_files_come_back(folder, tmp_path):
    """--cluster: actors embed each recording's bytes (no shared disk needed) and send its cache
    files back; the training here then embeds nothing again."""
    pytest.importorskip("ray")
    import shutil

    from workbench.tasks.teach.parallel import prefetch_ray
    from workbench.tasks.teach.train import learn

    cache = bb.cache_folder(bb.backbone(bb.YAMNET))
    shutil.rmtree(cache, ignore_errors=True)
    bb._memory.clear()
    data = ex.choose(ex.from_paths([folder]))
    elsewhere = str(tmp_path / "the-nodes-own-cache")           # as on another machine
    events, embedded = drain(prefetch_ray(data, bb.YAMNET, "auto", 2, remote_env={"WORKBENCH_CACHE_DIR": elsewhere}))
    assert embedded == 3 and events[-1].message == "Embedded 3 of 3 recordings on the cluster"
    assert len(list(cache.glob("*.npy"))) == 3 and len(list(cache.glob("*-clips.npz"))) == 3
    assert len(list((tmp_path / "the-nodes-own-cache").rglob("*.npy"))) == 3     # embedded there
    assert drain(learn(data, bb.YAMNET))[1].cached == 3


def test_a_backbone_that_cannot_embed_is_a_message(folder, tmp_path):
    import json as js

    text_model = tmp_path / "bert"
    text_model.mkdir()
    (text_model / "config.json").write_text(js.dumps({"model_type": "bert", "hidden_size": 8}))
    job = Job(registry.get("train"), {}, str(text_model), "cpu", files=[str(folder)], output=str(tmp_path / "m"))
    with pytest.raises(TaskError, match="not an audio model"):
        drain(job.events())
    assert not (tmp_path / "m").exists()


def test_retrain_recipes_are_remembered_one_per_folder_newest_first(tmp_path):
    from workbench.tasks.teach import recipes

    for k in range(recipes.KEEP + 5):
        recipes.remember(recipes.Recipe(str(tmp_path / f"m{k}"), {"name": f"m{k}", "skip": None},
                                        home=str(tmp_path / f"p{k}.awproj"), tracks=["Calls"]))
    recipes.remember(recipes.Recipe(str(tmp_path / "m3"), {"name": "again"}, home=str(tmp_path / "p3.awproj"),
                                    answered={str(tmp_path / "away.awproj"): ["Reviewed"]}))
    kept = recipes.load()
    assert len(kept) == recipes.KEEP and kept[0].params == {"name": "again"}
    assert [r.folder for r in kept].count(str(tmp_path / "m3")) == 1
    assert recipes.find(tmp_path / "away.awproj").folder == str(tmp_path / "m3")     # an answered project
    assert recipes.find(tmp_path / "p7.awproj").folder == str(tmp_path / "m7")       # a home
    assert recipes.find(tmp_path / "nowhere.awproj", [str(tmp_path / "m9")]).folder == str(tmp_path / "m9")
    assert recipes.find(tmp_path / "p0.awproj") is None                              # the oldest, let go
    assert recipes.find(None) is None


def test_a_project_file_gives_only_the_tracks_named(tmp_path):
    from workbench.core.project import save_project

    x, regions = calls(11)
    sf.write(tmp_path / "p.wav", x, RATE)
    doc = Document()
    doc.add_track(open_audio(tmp_path / "p.wav").load_all())
    doc.add_label_track("Calls", regions)
    doc.add_label_track("Notes", [Region(0.0, 1.0, "wind")])
    save_project(doc, tmp_path / "p.awproj")
    every = ex.from_paths([tmp_path / "p.awproj"])
    named = ex.from_paths([tmp_path / "p.awproj"], only={str(tmp_path / "p.awproj"): ["Calls"]})
    assert len(every.examples) == len(regions) + 1 and len(named.examples) == len(regions)


def test_a_recipe_notes_its_home_and_the_projects_that_answered(tmp_path):
    """The project it was trained in is its home, once saved; another saved project that
    answers is noted as answers, never taking the home's place while the home's file is there."""
    from workbench.tasks.teach import recipes

    r = recipes.Recipe(str(tmp_path / "m"), {})
    r.note(None, {"Calls"})                                     # unsaved: nothing to name yet
    assert r.home == "" and r.tracks == []
    home, away = tmp_path / "home.awproj", tmp_path / "away.awproj"
    r.note(home, {"Calls"})
    assert r.home == str(home) and r.tracks == ["Calls"]
    home.write_text("{}")
    r.note(away, {"Reviewed"})                                   # read as the retrain's home, but
    r.note(away, {"More"}, answered=True)                        # home.awproj is there: answers
    assert r.home == str(home) and r.answered == {str(away): ["More", "Reviewed"]}
    r.note(home, {"Reviewed"}, answered=True)                    # its own answers: the home's tracks
    assert r.tracks == ["Calls", "Reviewed"] and r.home == str(home)
    home.unlink()
    r.note(tmp_path / "renamed.awproj", {"Calls"})               # the home's file gone: saved anew
    assert r.home == str(tmp_path / "renamed.awproj")
