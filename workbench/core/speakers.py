"""Speakers on a document: a name given once renames every turn and every transcript line of
that speaker, and transcript lines take the speaker they overlap most.  Each is one undo step.
No Qt."""
from __future__ import annotations


def speakers(doc, track_id: int) -> list[str]:
    """The speaker names a track holds, in order of first appearance: the texts of a speaker
    track's turns, or the ``speaker`` fields of a transcript's lines."""
    out: dict[str, None] = {}
    turns = is_speaker_track(doc, track_id)
    for r in doc.label_track(track_id):
        name = r.speaker if r.speaker else (r.text if turns else None)
        if name:
            out.setdefault(name, None)
    return list(out)


def is_speaker_track(doc, track_id: int) -> bool:
    """A track of speaker turns (what diarization writes): every region's text is a name and
    none of them carries a speaker of its own."""
    track = doc.label_track(track_id)
    origin = dict(next(iter(track)).origin or ()) if len(track) else {}
    return origin.get("task") in ("diarize", "identify") or track.name.startswith("Speakers")


def rename_speaker(doc, old: str, new: str) -> int:
    """Rename a speaker everywhere: the turns of speaker tracks named ``old`` and the lines of
    any track whose speaker is ``old``.  One undo step; returns how many regions changed."""
    new = new.strip()
    if not new or new == old:
        return 0
    changes = []
    for track in doc.label_tracks:
        turns = is_speaker_track(doc, track.id)
        for r in track:
            if r.speaker == old:
                changes.append((track.id, r.id, {"speaker": new}))
            elif turns and r.text == old and not r.speaker:
                changes.append((track.id, r.id, {"text": new}))
    if changes:
        with doc.history.group(f"Rename speaker “{old}” to “{new}”"):
            for track_id, region_id, fields in changes:
                doc.update_region(track_id, region_id, **fields)
    return len(changes)


def assign_speakers(doc, transcript_id: int, speakers_id: int, min_overlap: float = 0.2) -> int:
    """Give each line of the transcript the speaker whose turns overlap it most (at least
    ``min_overlap`` of the line; otherwise it is left as it is).  One undo step; returns how many
    lines got a speaker."""
    turns = [r for r in doc.label_track(speakers_id) if not r.is_point and r.text]
    changes = []
    for line in doc.label_track(transcript_id):
        overlap: dict[str, float] = {}
        for t in turns:
            if t.start >= line.end:
                break                       # turns are sorted by start
            shared = min(line.end, t.end) - max(line.start, t.start)
            if shared > 0:
                overlap[t.text] = overlap.get(t.text, 0.0) + shared
        if not overlap:
            continue
        who, shared = max(overlap.items(), key=lambda kv: kv[1])
        if shared >= min_overlap * max(line.length, 1e-9) and line.speaker != who:
            changes.append((line.id, who))
    if changes:
        with doc.history.group("Assign speakers"):
            for region_id, who in changes:
                doc.update_region(transcript_id, region_id, speaker=who)
    return len(changes)


def edit_turn(doc, track_id: int, region_id: int, text: str) -> None:
    """Typing over a label: on a speaker track a new name renames that speaker everywhere (all
    turns, all transcript lines), and the name of another speaker already there gives just this
    turn to them (a wrong turn fixed); on any other track it edits this region's text."""
    region = doc.label_track(track_id).get(region_id)
    if region is None or text == region.text:
        return
    if is_speaker_track(doc, track_id) and text.strip() and region.text \
            and text.strip() not in speakers(doc, track_id):
        rename_speaker(doc, region.text, text)
    else:
        doc.update_region(track_id, region_id, text=text)
