"""A short seeded run of the audio fuzz harness (tests/fuzz/audio_fuzz.py): every mutated WAV, MP3,
AIFF and FLAC opens or is refused with a message, in a forked child with a time limit and a
memory cap.  The long run (10,000 and more) is run by hand."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from audio_fuzz import run  # noqa: E402


def test_mutated_audio_files_open_or_are_refused_cleanly(tmp_path):
    result = run(300, seed=7, folder=tmp_path, log=None)
    assert result["ok"] + result["refused"] == 300, {k: result[k] for k in ("escaped", "crashed", "hung")}
    assert result["refused"] > 30 and result["ok"] > 30      # the mutations reach both outcomes
