"""A short seeded run of the label fuzz harness (tests/fuzz/label_fuzz.py): every mutated file
of every label format is read (with finite times, and written back) or refused with a message."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from label_fuzz import fuzz  # noqa: E402


def test_mutated_label_files_are_read_or_refused_cleanly(tmp_path):
    result = fuzz(300, seed=5, folder=tmp_path, log=None)
    assert result["ok"] + result["refused"] == 300, {k: result[k] for k in ("escaped", "crashed", "hung")}
    assert result["refused"] > 30 and result["ok"] > 30
