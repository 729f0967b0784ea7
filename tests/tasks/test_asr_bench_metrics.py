"""The scoring of tests/benchmarks/bench_asr.py (WER and sentence edges): a benchmark's figures
are only as good as its arithmetic."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from bench_asr import edges, edit_distance, wer, words  # noqa: E402


def test_words_are_compared_without_case_punctuation_or_spelling_variants():
    assert words("Welcome to the Programme, where... it's 20!") == \
        ["welcome", "to", "the", "program", "where", "it's", "twenty"]


def test_edit_distance_counts_substitutions_insertions_and_deletions():
    assert edit_distance([], []) == 0
    assert edit_distance(list("abc"), list("abc")) == 0
    assert edit_distance(list("abc"), list("axc")) == 1
    assert edit_distance(list("abc"), list("ab")) == 1
    assert edit_distance(list("abc"), list("abxc")) == 1
    assert edit_distance(list("abc"), []) == 3
    assert edit_distance(list("kitten"), list("sitting")) == 3


def test_wer_is_errors_over_reference_words():
    assert wer("the cat sat on the mat", "the cat sat on the mat") == 0.0
    assert wer("the cat sat on the mat", "the bat sat on mat") == 2 / 6
    assert wer("one two", "one two three four") == 1.0


def test_an_edge_counts_only_when_both_ends_are_near():
    truth = [(1.0, 3.0), (4.0, 6.0)]
    assert edges(truth, [(1.2, 2.8), (4.4, 6.4)]) == 2
    assert edges(truth, [(1.2, 6.4)]) == 0        # one segment over both: neither sentence
    assert edges(truth, [(0.4, 3.0), (4.0, 5.4)]) == 0
    assert edges(truth, [(1.0, 3.0)]) == 1
