"""`workbench tasks` and `workbench run`: the same core, headless, in batch."""
import subprocess
import sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[2]


def wb(*args, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def test_tasks_lists_parameters():
    out = wb("tasks")
    assert out.returncode == 0
    assert "vad" in out.stdout and "--param threshold=0.5" in out.stdout


def test_run_writes_labels_by_extension(speech_file, tmp_path):
    path, truth = speech_file
    out = wb("run", "vad", path, "-o", tmp_path / "speech.TextGrid", "--param", "pad_ms=20")
    assert out.returncode == 0, out.stderr
    from praatio import textgrid

    tg = textgrid.openTextgrid(str(tmp_path / "speech.TextGrid"), includeEmptyIntervals=False)
    entries = tg.getTier("Voice activity").entries
    assert len(entries) == 2 and abs(entries[0].start - truth[0][0]) < 0.2
    assert "100.0%" in out.stderr and "2 regions" in out.stderr


def test_batch_over_a_folder_reports_a_broken_file_and_goes_on(speech_file, tmp_path):
    path, _ = speech_file
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.wav").write_bytes(path.read_bytes())
    (folder / "two.wav").write_bytes(path.read_bytes())
    (folder / "broken.wav").write_text("not audio")
    out = wb("run", "vad", folder, "-o", tmp_path / "out", "--format", "srt")
    assert out.returncode == 1                       # one failure
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["one.srt", "two.srt",
                                                                    "workbench-report.csv",
                                                                    "workbench-runs.json"]
    assert "broken.wav" in out.stderr
    assert "[3/3]" in out.stderr                     # every input was attempted
    import csv

    rows = {Path(r["file"]).name: r for r in csv.DictReader(open(tmp_path / "out" / "workbench-report.csv"))}
    assert rows["broken.wav"]["status"] == "failed" and rows["broken.wav"]["error"]
    assert rows["one.wav"]["status"] == "done" and rows["one.wav"]["regions"] == "2"
    assert float(rows["one.wav"]["audio_seconds"]) > 1 and rows["one.wav"]["output"].endswith("one.srt")


def test_bad_arguments_say_what_is_wrong(speech_file, tmp_path):
    path, _ = speech_file
    out = wb("run", "vad", path, "-o", tmp_path / "x.srt", "--param", "threshold=7")
    assert out.returncode == 2 and "outside" in out.stderr
    out = wb("run", "asr-nope", path, "-o", tmp_path / "x.srt")
    assert out.returncode == 2 and "unknown task" in out.stderr
    out = wb("run", "vad", path, "-o", tmp_path / "x.docx")
    assert out.returncode == 2 and "unknown label format" in out.stderr


def test_speech_recognition_from_the_command_line_with_real_weights(real_whisper, sentences, tmp_path):
    """`workbench run asr` with OpenAI's tiny.en: subtitles whose cues sit on the sentences."""
    from workbench.formats.labels import read_labels

    path, truth = sentences
    out = wb("run", "asr", path, "--model", real_whisper, "-o", tmp_path / "talk.srt")
    assert out.returncode == 0, out.stderr
    [(_, cues)] = read_labels(tmp_path / "talk.srt")
    assert len(cues) == 3 and "timeline" in cues[1].text.lower()
    for cue, (a, b) in zip(cues, truth):
        assert abs(cue.start - a) < 0.3 and abs(cue.end - b) < 0.3, (cue, a, b)


def test_listing_into_a_closed_pipe_is_quiet():
    """`workbench tasks | head -1`: no BrokenPipeError traceback when the reader stops early."""
    out = subprocess.run(f"{sys.executable} -m workbench tasks | head -1", shell=True, capture_output=True,
                         text=True, cwd=ROOT, timeout=120)
    assert out.stdout.startswith("vad") and "Traceback" not in out.stderr


def test_a_mistyped_command_is_an_error_not_a_window():
    out = wb("frobnicate")
    assert out.returncode == 2 and "“frobnicate” is not a command" in out.stderr


def test_a_folder_batch_mirrors_the_tree_and_never_writes_a_path_twice(speech_file, tmp_path):
    """Found by a new user: day1/interview.wav, day2/interview.wav and day2/interview.flac all
    went to one out/interview.csv, with exit 0."""
    import soundfile as sf

    path, _ = speech_file
    x, rate = sf.read(str(path))
    for rel in ("day1/interview.wav", "day2/interview.wav", "day2/interview.flac"):
        (tmp_path / "in" / rel).parent.mkdir(parents=True, exist_ok=True)
        sf.write(str(tmp_path / "in" / rel), x, rate)
    out = wb("run", "vad", tmp_path / "in", "-o", tmp_path / "out", "--format", "csv")
    assert out.returncode == 0, out.stderr
    made = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*.csv"))
    assert made == ["day1/interview.csv", "day2/interview.flac.csv", "day2/interview.wav.csv",
                    "workbench-report.csv"]
    # into a log (not a terminal) the progress is a few lines, not one per update
    assert len(out.stderr.strip().splitlines()) <= 3 * 3
    # one output file for a folder of inputs is refused, and makes no folder called so
    bad = wb("run", "vad", tmp_path / "in", "-o", tmp_path / "labels.srt")
    assert bad.returncode == 2 and "need a folder" in bad.stderr
    assert not (tmp_path / "labels.srt").exists()


def test_ctrl_c_keeps_what_is_done_and_exits_130(speech_file, tmp_path):
    import signal
    import time

    path, _ = speech_file
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(12):
        (folder / f"take{k:02d}.wav").write_bytes(path.read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "run", "vad", str(folder), "-o",
                             str(tmp_path / "out"), "--format", "srt"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    def complete():   # not the hidden temporary file a save writes first
        return sorted(p for p in (tmp_path / "out").glob("*.srt") if not p.name.startswith("."))

    deadline = time.monotonic() + 120
    while not complete() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    done = complete()
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]   # no leftovers
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "stopped;" in err
    assert 1 <= len(done) < 12 and all(p.stat().st_size > 0 for p in done)


def test_bad_ids_nan_and_no_display_are_messages_not_tracebacks(tmp_path):
    import os

    out = wb("download", "")
    assert out.returncode == 1 and "is not a model id" in out.stderr and "Traceback" not in out.stderr
    out = wb("run", "vad", tmp_path / "x.wav", "-o", tmp_path / "x.srt", "--param", "threshold=nan")
    assert out.returncode == 2 and "finite number" in out.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "workbench", "--exit-when-shown"], capture_output=True,
                         text=True, cwd=ROOT, timeout=60, env=env)
    assert out.returncode == 2 and "no display" in out.stderr and "xcb" not in out.stderr


@pytest.mark.parametrize("engine", ["ctranslate2", "transformers"])
def test_ctrl_c_during_speech_recognition_stops_cleanly(real_whisper, sentences, tmp_path, engine):
    """SIGINT while Whisper decodes (CTranslate2's own threads, or torch's): exit 130, no
    traceback and no abort ("terminate called without an active exception"), and the files
    already done are kept whole."""
    import signal
    import time

    path, _ = sentences
    folder = tmp_path / "in"
    folder.mkdir()
    for k in range(8):
        (folder / f"talk{k}.wav").write_bytes(Path(path).read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "run", "asr", str(folder), "--model", real_whisper,
                             "--param", f"engine={engine}", "--workers", "1", "-o", str(tmp_path / "out"),
                             "--format", "srt"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def complete():
        return sorted(p for p in (tmp_path / "out").glob("*.srt") if not p.name.startswith("."))

    deadline = time.monotonic() + 300
    while not complete() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)              # into the next file's decoding
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-3000:]
    assert "Traceback" not in err and "terminate called" not in err and "stopped;" in err, err[-3000:]
    done = complete()
    assert 1 <= len(done) < 8 and all(p.stat().st_size > 0 for p in done)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_regions_from_a_table_with_other_column_names(speech_file, tmp_path):
    """--regions takes a table from another tool; where its names say nothing, --columns does
    (and without it the refusal names the columns and the option)."""
    from workbench.cli import parse_columns

    path, truth = speech_file
    table = tmp_path / "calls.csv"
    table.write_text("t0,t1,who\n" + "".join(f"{a:.3f},{b:.3f},Ann\n" for a, b in truth))
    refused = wb("run", "vad", str(path), "--regions", str(table), "-o", str(tmp_path / "x.csv"))
    assert refused.returncode == 2 and "--columns" in refused.stderr and "t0, t1, who" in refused.stderr
    done = wb("run", "vad", str(path), "--regions", str(table), "--columns", "start=t0,end=t1,text=who",
              "-o", str(tmp_path / "x.csv"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "x.csv").read_text().count("\n") >= 2
    assert parse_columns("start = a, end=b") == {"start": "a", "end": "b"}
    with pytest.raises(ValueError):
        parse_columns("start")
