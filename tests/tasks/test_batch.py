"""Archive-scale batches: worker processes, resuming, the report, the meter, a Ray cluster."""
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_cli import wb
from workbench.tasks import batch

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folder(speech_file, tmp_path):
    path, _ = speech_file
    d = tmp_path / "in"
    d.mkdir()
    for k in range(4):
        (d / f"take{k}.wav").write_bytes(path.read_bytes())
    return d


def outputs(d: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(d.glob("*.srt"))}


def test_two_workers_write_what_one_process_writes_and_a_rerun_skips_them(folder, tmp_path):
    one = wb("run", "vad", folder, "-o", tmp_path / "one", "--format", "srt", "--workers", "1")
    two = wb("run", "vad", folder, "-o", tmp_path / "two", "--format", "srt", "--workers", "2")
    assert one.returncode == 0 and two.returncode == 0, two.stderr
    assert len(outputs(tmp_path / "one")) == 4
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")
    assert "4 of 4 files done" in two.stderr and "min audio" in two.stderr

    # resumable: complete outputs are skipped, a missing one is made, a newer input is redone
    (tmp_path / "two" / "take1.srt").unlink()
    later = time.time() + 5
    os.utime(folder / "take3.wav", (later, later))
    again = wb("run", "vad", folder, "-o", tmp_path / "two", "--format", "srt", "--workers", "2",
               "--report", tmp_path / "report.json")
    assert again.returncode == 0, again.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    status = {Path(r["file"]).name: r["status"] for r in report["files"]}
    assert status == {"take0.wav": "skipped", "take1.wav": "done", "take2.wav": "skipped",
                      "take3.wav": "done"}
    assert report["totals"] == {"done": 2, "skipped": 2, "failed": 0, "stopped": 0}
    assert outputs(tmp_path / "two") == outputs(tmp_path / "one")
    redo = wb("run", "vad", folder, "-o", tmp_path / "two", "--format", "srt", "--redo")
    rows = list(csv.DictReader(open(tmp_path / "two" / "workbench-report.csv")))
    assert redo.returncode == 0 and [r["status"] for r in rows] == ["done"] * 4
    # complete means complete for these settings: another threshold makes every file again
    other = wb("run", "vad", folder, "-o", tmp_path / "two", "--format", "srt", "--param", "threshold=0.6")
    rows = list(csv.DictReader(open(tmp_path / "two" / "workbench-report.csv")))
    assert other.returncode == 0 and [r["status"] for r in rows] == ["done"] * 4, other.stderr
    same = wb("run", "vad", folder, "-o", tmp_path / "two", "--format", "srt", "--param", "threshold=0.6")
    rows = list(csv.DictReader(open(tmp_path / "two" / "workbench-report.csv")))
    assert [r["status"] for r in rows] == ["skipped"] * 4 and "with these settings" in same.stderr


def test_a_worker_that_crashes_takes_down_only_its_own_file(tmp_path):
    """A decoder that segfaults on one file: the pool is rebuilt, that file is tried once more
    and reported failed, every other file is done."""
    import crashy

    names = ["a.wav", "b.wav", "crash.wav", "c.wav", "d.wav"]
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    jobs = [batch.Item(str(tmp_path / n), str(tmp_path / (n + ".json")), 1.0) for n in names]
    meter = batch.Meter(jobs)
    records = []
    batch.run_pool(jobs, batch.Settings("vad", ()), 2, meter, records.append, work=crashy.work)
    status = {Path(r.file).name: r.status for r in records}
    assert status == {"a.wav": "done", "b.wav": "done", "crash.wav": "failed", "c.wav": "done",
                      "d.wav": "done"}
    assert "crashed" in next(r.error for r in records if r.status == "failed")
    assert meter.done_files == 5 and meter.fraction == 1.0
    assert (tmp_path / "d.wav.json").exists() and not (tmp_path / "crash.wav.json").exists()


def test_ctrl_c_stops_the_workers_and_reports_the_rest_as_stopped(folder, tmp_path):
    import signal

    import psutil

    for k in range(4, 10):
        (folder / f"take{k}.wav").write_bytes((folder / "take0.wav").read_bytes())
    proc = subprocess.Popen([sys.executable, "-m", "workbench", "run", "vad", str(folder), "-o",
                             str(tmp_path / "out"), "--format", "srt", "--workers", "2"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((tmp_path / "out").glob("take*.srt")) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "run it again" in err
    time.sleep(0.5)
    assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    rows = list(csv.DictReader(open(tmp_path / "out" / "workbench-report.csv")))
    assert len(rows) == 10 and {r["status"] for r in rows} <= {"done", "stopped"}
    done = {Path(r["file"]).stem for r in rows if r["status"] == "done"}
    assert done == {p.stem for p in (tmp_path / "out").glob("take*.srt")}
    assert 1 <= len(done) < 10


def test_ctrl_c_while_an_output_is_written_still_reports_it_done(tmp_path, monkeypatch):
    """The interrupt lands just after one file's labels reach the disk: that file is reported
    done (not stopped beside an output that exists), and the batch stops before the next."""
    import signal

    from workbench.formats import labels

    real = labels.write_labels

    def write_then_interrupt(*args, **kwargs):
        real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(labels, "write_labels", write_then_interrupt)
    monkeypatch.setattr(batch, "attempt", lambda job, settings, progress: (
        job, batch.Outcome([("speech", [])], 2.0, 0.1, []), ""))
    jobs = [batch.Item(str(tmp_path / f"{n}.wav"), str(tmp_path / f"{n}.srt"), 2.0) for n in "ab"]
    records = []
    with pytest.raises(KeyboardInterrupt):
        batch.run_inline(jobs, batch.Settings("vad", ()), batch.Meter(jobs), records.append)
    assert [(Path(r.file).name, r.status) for r in records] == [("a.wav", "done")]
    assert sorted(p.name for p in tmp_path.glob("*.srt")) == ["a.srt"]


def test_the_meter_counts_audio_hours_and_time_left():
    jobs = [batch.Item("a", duration=1800.0), batch.Item("b", duration=1800.0), batch.Item("c", duration=3600.0)]
    meter = batch.Meter(jobs, skipped=1)
    assert meter.eta() is None and meter.fraction == 0.0
    meter.t0 -= 60.0                          # one minute in: a and half of b done
    meter.finished(0, 1800.0)
    meter.step(1, 0.5, 1800.0)
    assert meter.fraction == pytest.approx(0.375)
    assert meter.eta() == pytest.approx(100.0, rel=0.01)       # 60 s for 0.375 of it
    assert meter.line().startswith("1/3 files (1 already done), 0.75/2.00 h audio, 1:40 left")
    short = batch.Meter([batch.Item("a", duration=90.0)])
    assert short.line() == "0/1 files, 0.0/1.5 min audio"


def test_workers_default_to_what_the_machine_allows(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 16)
    assert batch.default_workers("cpu") == min(8, batch.default_workers.__globals__["os"].sysconf(
        "SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (3 << 30))
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert batch.default_workers("cpu") == 1


def test_a_local_ray_cluster_writes_what_one_process_writes(folder, tmp_path):
    pytest.importorskip("ray")
    one = wb("run", "vad", folder, "-o", tmp_path / "one", "--format", "srt", "--workers", "1")
    ray = wb("run", "vad", folder, "-o", tmp_path / "ray", "--format", "srt", "--cluster", "auto",
             "--workers", "2", timeout=600)
    assert one.returncode == 0 and ray.returncode == 0, ray.stderr[-3000:]
    assert len(outputs(tmp_path / "one")) == 4
    assert outputs(tmp_path / "ray") == outputs(tmp_path / "one")


def test_an_unreachable_cluster_is_a_message(folder, tmp_path):
    pytest.importorskip("ray")
    out = wb("run", "vad", folder, "-o", tmp_path / "out", "--cluster", "ray://127.0.0.1:9", timeout=300)
    assert out.returncode == 1 and "cannot reach the Ray cluster" in out.stderr
    assert "Traceback" not in out.stderr


def test_the_runs_record_survives_damage(tmp_path):
    """The record of which settings made each output: damaged, it only means a file is made
    again (never an exception, never a wrong skip)."""
    import random

    settings = batch.Settings("vad", (("threshold", 0.5),))
    target = str(tmp_path / "a.srt")
    print_ = batch.fingerprint(settings)
    assert print_ != batch.fingerprint(batch.Settings("vad", (("threshold", 0.6),)))
    # the default model named or not: the same run; the device is not part of it
    assert print_ == batch.fingerprint(batch.Settings("vad", (("threshold", 0.5),), model="silero-vad (bundled)"))
    assert print_ == batch.fingerprint(batch.Settings("vad", (("threshold", 0.5),), device="cpu"))
    batch.note_made(target, print_)
    assert batch.made_with(target) == print_
    good = (tmp_path / batch.RUNS).read_bytes()
    rng = random.Random(4)
    for _ in range(200):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        (tmp_path / batch.RUNS).write_bytes(bytes(data[:rng.randint(0, len(data))]))
        got = batch.made_with(target)
        assert got is None or isinstance(got, str)
    for bad in (b"[]", b"null", b'{"a.srt": 5}', b"\xff\xfe"):
        (tmp_path / batch.RUNS).write_bytes(bad)
        assert batch.made_with(target) is None
    batch.note_made(target, print_)                       # a damaged record is written anew
    assert batch.made_with(target) == print_


def test_a_truncated_file_s_warning_is_printed(tmp_path):
    """Issue 26: the opener notes a truncated WAV; the command line says so too."""
    import numpy as np
    import soundfile as sf

    path = tmp_path / "cut.wav"
    sf.write(path, (0.1 * np.sin(np.arange(32000) / 5)).astype(np.float32), 16000, subtype="PCM_16")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])               # the header still announces 2 s
    done = wb("run", "vad", path, "-o", tmp_path / "out.csv")
    assert done.returncode == 0, done.stderr
    assert "warning: the file is truncated" in done.stderr
