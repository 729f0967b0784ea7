"""The review loop: a classifier's guesses, least confident first, each answered by a person;
every answer becomes a label on the track the classifier learns from, as one undo step.  No Qt.

Guesses are the regions of a label track that carry a confidence (what Classify or Sound
events wrote with the trained folder); answers carry none (a person said so), which is how a
retrain tells them from guesses.
"""
from __future__ import annotations

from workbench.core.regions import Region


# What an answer's origin says: a label a person gave to one guess, not the stretch they looked
# through by hand (training draws its background class only from between hand labels)
ANSWER = (("by", "review"),)


def is_answer(region) -> bool:
    return bool(region.origin) and dict(region.origin).get("by") == "review"


def queue(track) -> list[Region]:
    """The guesses of ``track`` still to answer, least confident first (then by time)."""
    return sorted((r for r in track if r.confidence is not None), key=lambda r: (r.confidence, r.start))


def is_guesses(track) -> bool:
    return any(r.confidence is not None for r in track)


def models_in(doc) -> list[str]:
    """The model folders whose guesses or answers ``doc`` holds (from their origins)."""
    found = (dict(r.origin or ()).get("model") for t in doc.label_tracks for r in t
             if r.confidence is not None or is_answer(r))
    return list(dict.fromkeys(m for m in found if isinstance(m, str) and m))


def accept(doc, guesses_id: int, region_id: int, answers_id: int | None, text: str | None = None,
           new_track: str = "Reviewed") -> tuple[Region, int]:
    """The guess is right (or, with ``text``, it is that instead): a label on the answers track,
    and the guess leaves the queue; one undo step.  ``answers_id`` None makes the answers track
    (named from ``new_track``) inside that same step.  Returns the answer and its track's id."""
    guess = doc.label_track(guesses_id).get(region_id)
    if guess is None:
        raise KeyError(f"no guess {region_id}")
    said = (text if text is not None else guess.text).strip() or guess.text
    title = f"Accept “{said}”" if said == guess.text else f"Relabel “{guess.text}” as “{said}”"
    model = dict(guess.origin or ()).get("model")        # the classifier it answers (its Retrain)
    answer = Region(guess.start, guess.end, said, origin=ANSWER + ((("model", model),) if model else ()))
    with doc.history.group(title):
        if answers_id is None:
            answers_id = doc.add_label_track(doc.free_name(new_track), []).id
        doc.add_regions(answers_id, [answer], title)
        doc.remove_regions(guesses_id, [region_id])
    return answer, answers_id


def reject(doc, guesses_id: int, region_id: int) -> None:
    """The guess is wrong and says nothing useful: it leaves the queue (one undo step)."""
    guess = doc.label_track(guesses_id).get(region_id)
    if guess is None:
        raise KeyError(f"no guess {region_id}")
    with doc.history.group(f"Reject “{guess.text}”"):
        doc.remove_regions(guesses_id, [region_id])
