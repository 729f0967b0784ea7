"""Speaker identification: the voice library file (exact running means, a reader that refuses
damaged files), naming clusters by the nearest enrolled voice, and the whole path on real voice
vectors (resemblyzer) with espeak-ng voices: three enrolled from one meeting, found by name in
another, and a stranger left unknown."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from audio_fixtures import direct, drain
from workbench.formats.voices import (VoiceLibrary, VoiceLibraryError, parse_library, read_library,
                                      write_library)
from workbench.tasks import registry
from workbench.tasks.events import Partial, TaskError
from workbench.tasks.plan import Span, run_over
from workbench.tasks.understand import identify as I
from workbench.tasks.understand import speakers as S


def unit(v):
    v = np.asarray(v, np.float64)
    return v / np.linalg.norm(v)


def test_enrolling_in_two_sittings_is_the_mean_of_all_windows(tmp_path):
    rng = np.random.default_rng(0)
    vecs = np.array([unit(v) for v in rng.normal(size=(10, 8))])
    lib = VoiceLibrary()
    lib.enroll("m", "Ann", vecs[:3].mean(axis=0), 3, 4.5)
    lib.enroll("m", "Ann", vecs[3:].mean(axis=0), 7, 10.0)
    assert np.allclose(lib.voices("m")["Ann"].vector, vecs.mean(axis=0))
    assert lib.voices("m")["Ann"].windows == 10 and lib.voices("m")["Ann"].seconds == 14.5
    lib.enroll("other", "Ann", [1.0, 0.0], 1, 1.0)            # another model: another table
    path = tmp_path / "voices.json"
    write_library(path, lib)
    back = read_library(path)
    assert np.allclose(back.voices("m")["Ann"].vector, vecs.mean(axis=0), atol=1e-6)
    assert sorted(back.names()) == [("m", "Ann"), ("other", "Ann")]
    assert back.rename("Ann", "Anna") == 2 and back.remove("Anna", "other") == 1
    assert back.names() == [("m", "Anna")]
    with pytest.raises(ValueError, match="4-number|8-number"):
        back.enroll("m", "Anna", [1.0, 0, 0, 0], 1, 1.0)
    with pytest.raises(ValueError, match="name"):
        back.enroll("m", "  ", [1.0] * 8, 1, 1.0)
    assert read_library(tmp_path / "none.json").names() == []     # no file yet: an empty library


def test_damaged_libraries_are_refused_with_a_reason(tmp_path):
    good = VoiceLibrary()
    good.enroll("m", "Ann", [0.5, 0.5, 0.1], 2, 3.0)
    good.enroll("m", "Bob", [0.1, 0.2, 0.9], 1, 1.0)
    data = json.loads(good.to_json())
    cases = {
        "not ours": {"format": "x", "version": 1, "models": {}},
        "future": dict(data, version=2),
        "bool version": dict(data, version=True),
        "models list": dict(data, models=[]),
        "nan": dict(data, models={"m": {"Ann": dict(data["models"]["m"]["Ann"], vector=[float("nan")] * 3)}}),
        "dims": dict(data, models={"m": {**data["models"]["m"], "Cal": dict(data["models"]["m"]["Ann"], vector=[1.0])}}),
        "windows": dict(data, models={"m": {"Ann": dict(data["models"]["m"]["Ann"], windows=0)}}),
        "strings": dict(data, models={"m": {"Ann": dict(data["models"]["m"]["Ann"], vector=["1", "2"])}}),
        "control name": dict(data, models={"m": {"A\x00": data["models"]["m"]["Ann"]}}),
        "huge vector": dict(data, models={"m": {"Ann": dict(data["models"]["m"]["Ann"], vector=[0.1] * 5000)}}),
    }
    for why, bad in cases.items():
        with pytest.raises(VoiceLibraryError):
            parse_library(bad)
            pytest.fail(why)
    for raw in (b"[" * 100000, b"{\"format\": 1e999}", b"\xff\xfe", b"", b"1" * 5000 + b"e1"):
        (tmp_path / "v.json").write_bytes(raw)
        with pytest.raises(VoiceLibraryError):
            read_library(tmp_path / "v.json")
    with open(tmp_path / "big.json", "wb") as f:
        f.truncate(40 << 20)
    with pytest.raises(VoiceLibraryError, match="too big"):
        read_library(tmp_path / "big.json")


def test_each_speaker_takes_the_nearest_voice_above_the_threshold():
    lib = VoiceLibrary()
    lib.enroll("m", "Ann", [2.0, 0, 0], 1, 1)          # stored means need not be unit length
    lib.enroll("m", "Bob", [0, 1.0, 0], 1, 1)
    got = I.match(np.array([unit([1, 0.1, 0]), unit([0.1, 1, 0]), unit([0, 0.3, 1])]), lib.voices("m"), 0.8)
    assert [n for n, _ in got] == ["Ann", "Bob", None]
    assert got[0][1] == pytest.approx(unit([1, 0.1, 0])[0])
    assert I.match(np.eye(3)[:1], {}, 0.5) == [(None, 0.0)]


def test_voices_are_kept_per_model():
    assert I.model_key(None) == I.model_key(S.RESEMBLYZER) == S.RESEMBLYZER
    assert I.model_key("/c/hub/models--microsoft--wavlm-base-plus-sv/snapshots/abc123") == \
        "microsoft/wavlm-base-plus-sv"
    assert I.model_key("org/name") == "org/name"


# -- real voices ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def meetings():
    from voices import SECOND_MEETING, meeting
    return meeting(), meeting(SECOND_MEETING)


class Audio:
    """Samples as the audio a task reads."""
    def __init__(self, samples, rate=16000):
        self.samples, self.sample_rate = samples, rate
        self.duration = len(samples) / rate

    def read(self, a, b):
        return self.samples[a:b, None]


def test_enrolled_voices_are_found_by_name_in_another_meeting(meetings, tmp_path):
    (first, truth1), (second, truth2) = meetings
    library = str(tmp_path / "voices.json")
    enroll = registry.get("enroll")
    result = drain(run_over(enroll, Audio(first), {"library": library, "name": "from regions"},
                            [Span(a, b, who) for a, b, who in truth1]))[1]
    assert result.tracks == [] and any(n.startswith("Ann:") for n in result.notes)
    assert sorted(n for _, n in read_library(library).names()) == ["Ann", "Bob", "Cal"]
    events, _ = drain(direct(I.identify, second, 16000, {"library": library, "threshold": 0.8}, device="cpu"))
    regions = [r for e in events if isinstance(e, Partial) for r in e.regions]
    m = S.diarization_error(truth2, [(r.start, r.end, r.text) for r in regions])
    names = {r.text for r in regions}
    # scored by name, not by the best map: a right name is the point of identification
    right = sum(max(0.0, min(b, r.end) - max(a, r.start)) for a, b, who in truth2 for r in regions
                if r.text == (who if who != "Fay" else "Unknown 1"))
    speech = sum(b - a for a, b, _ in truth2)
    sims = {r.text: r.confidence for r in regions}
    print(f"\nidentified {sorted(names)}, similarities {sims}; {right / speech * 100:.1f}% of speech "
          f"under the right name, DER {m['der'] * 100:.1f}%")
    assert names == {"Ann", "Bob", "Cal", "Unknown 1"}
    assert right / speech >= 0.9


def test_placeholders_and_an_empty_library_are_refused(meetings, tmp_path):
    (first, _), _ = meetings
    library = str(tmp_path / "voices.json")
    with pytest.raises(TaskError, match="not a name yet"):
        drain(direct(I.enroll, first[:16000], 16000, {"name": "Speaker 2", "library": library}))
    with pytest.raises(TaskError, match="name"):
        drain(run_over(registry.get("enroll"), Audio(first), {"library": library, "name": "from regions"},
                       [(0.0, 2.0)]))                   # a selection has no region text to take
    with pytest.raises(TaskError, match="No voices are enrolled"):
        drain(direct(I.identify, first, 16000, {"library": library}, device="cpu"))
    (tmp_path / "voices.json").write_text("{broken")
    with pytest.raises(TaskError, match="damaged and was left as it is"):
        drain(direct(I.enroll, first, 16000, {"name": "Ann", "library": library}))
    assert (tmp_path / "voices.json").read_text() == "{broken"      # nothing the user had is lost


def test_the_command_line_enrolls_lists_and_identifies(meetings, tmp_path):
    from workbench.formats.labels import read_labels, write_labels
    from workbench.formats.region import Region

    (first, truth1), (second, _) = meetings
    sf.write(str(tmp_path / "one.wav"), first, 16000)
    sf.write(str(tmp_path / "two.wav"), second, 16000)
    write_labels(tmp_path / "one.srt", [("Speakers", [Region(a, b, who) for a, b, who in truth1])])
    env = {"WORKBENCH_DATA_DIR": str(tmp_path / "data")}
    import os
    env = dict(os.environ, **env)

    def wb(*args):
        return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True,
                              text=True, timeout=300, env=env)
    done = wb("run", "enroll", str(tmp_path / "one.wav"), "--regions", str(tmp_path / "one.srt"))
    assert done.returncode == 0, done.stderr
    assert "Cal:" in done.stderr
    listed = wb("voices")
    assert all(n in listed.stdout for n in ("Ann", "Bob", "Cal")), listed.stdout
    done = wb("run", "identify", str(tmp_path / "two.wav"), "-o", str(tmp_path / "two.csv"))
    assert done.returncode == 0, done.stderr
    ((name, regions),) = read_labels(tmp_path / "two.csv")
    assert name == "Speakers" and {"Ann", "Bob", "Cal"} <= {r.text for r in regions}
    assert wb("voices", "rename", "Cal", "Carl").returncode == 0
    assert wb("voices", "remove", "Ann").returncode == 0
    assert "Ann" not in wb("voices").stdout and "Carl" in wb("voices").stdout
    assert wb("voices", "remove", "Nobody").returncode == 1
    bad = wb("run", "enroll", str(tmp_path / "one.wav"), "--regions", str(tmp_path / "missing.srt"))
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
