"""Is generated speech intelligible?  A speech recognizer of the user's choice transcribes the
clip, and the word error rate against the text it was asked to say tells how much of it a
listener (or the next tool) would get.  No Qt."""
from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[\w']+")


def words(text: str) -> list[str]:
    """Lower-case words without punctuation (apostrophes kept: "don't" is one word)."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    return [w.strip("'") for w in WORD.findall(text) if w.strip("'")]


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / words in the reference, by Levenshtein
    alignment of words; 0 for a perfect transcript (and for two empty texts)."""
    ref, hyp = words(reference), words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def edit_distance(ref: list, hyp: list) -> int:
    """Substitutions, deletions and insertions that turn ``ref`` into ``hyp`` (Levenshtein)."""
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h))
        previous = current
    return previous[-1]


RECOGNIZER = "asr"      # the task that hears what generated speech says


def recognizer():
    """The speech-recognition task a check runs (its spec: its models, its parameters)."""
    from workbench.tasks import registry

    return registry.get(RECOGNIZER)


def transcribe(audio, checkpoint: str | None = None, cancelled=lambda: False, device: str = "auto",
               language: str = ""):
    """Generator (yields Progress): the text a speech recognizer hears in ``audio`` (anything
    with read / sample_rate / duration: a clip's source)."""
    from workbench.tasks.runner import run_task

    spec = recognizer()
    params = {"language": language} if language else {}
    result = yield from run_task(spec, audio, params, checkpoint=checkpoint, cancelled=cancelled,
                                 device=device)
    return " ".join(r.text.strip() for _, regions in result.tracks for r in regions).strip()


def check_speech(audio, text: str, checkpoint: str | None = None, cancelled=lambda: False,
                 device: str = "auto"):
    """Generator: (word error rate, what was heard)."""
    heard = yield from transcribe(audio, checkpoint, cancelled, device)
    return word_error_rate(text, heard), heard
