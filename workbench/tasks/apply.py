"""Putting a task's outputs into a document, as one undo step: label tracks for label outputs,
clips for audio outputs.  Shared by the window and the command line.  No Qt.

Generated audio is written to a WAV in the cache at once (so nothing made is lost and every
source has a file); the project owns it (``owned``), and saving the project copies it beside the
project as FLAC.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import soundfile as sf

from workbench.formats import atomic
from workbench.core.audio import open_audio
from workbench.core.edits import EditedAudio
from workbench.core.timeline import Clip
from workbench.tasks.events import AudioOutput, TaskResult


def generated_dir() -> Path:
    from workbench.core.paths import cache_dir

    return cache_dir() / "generated"


def source_for(output: AudioOutput, folder: Path | None = None):
    """The output's samples as a WAV file, opened as an owned source."""
    folder = Path(folder or generated_dir())
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in output.name)[:60] or "clip"
    path = folder / f"{safe}-{uuid.uuid4().hex[:8]}.wav"
    with atomic.replacing(path) as tmp:
        sf.write(str(tmp), output.samples, output.rate, subtype="FLOAT", format="WAV")
    src = open_audio(path).load_all()
    src.owned = True
    return src


def clip_for(output: AudioOutput, folder: Path | None = None, source=None) -> Clip:
    """A clip of the output (its file written now, or ``source`` when it already has one)."""
    src = source if source is not None else source_for(output, folder)
    return Clip(EditedAudio.of(src), name=output.name, provenance=dict(output.provenance))


def apply_result(doc, result: TaskResult, where: str = "cursor", title: str | None = None,
                 folder: Path | None = None, sources: list | None = None,
                 selection: tuple | None = None) -> list:
    """Label outputs become label tracks, audio outputs clips: the first take placed by
    ``where`` ("cursor", "new track" or "replace selection"), each further take (variations) on
    a track of its own at the same time, and the later pieces of a take (the sentences of a long
    text) after its first on the same track.  All of it one undo step; returns the tracks added
    or used.  ``sources``: the outputs' files, when they were written already.  Audio made from
    ``selection`` (start, end) that belongs with it (enhanced: at its start; a continuation: at
    its end) goes there instead of the cursor."""
    made = []
    title = title or (result.audio[0].name if result.audio else "Task results")
    sources = sources or [None] * len(result.audio)
    # files first: nothing half-done on a full disk
    clips = [clip_for(o, folder, s) for o, s in zip(result.audio, sources)]
    with doc.history.group(title):
        for name, regions in result.tracks:
            made.append(doc.add_label_track(doc.free_name(name), regions, scores=result.scores.get(name)))
        firsts: dict[int, tuple] = {}      # take -> (its track, where its first piece starts)
        for output, clip in zip(result.audio, clips):
            if output.take not in firsts:
                how = where if not firsts else "new track"
                at = None
                if selection and output.anchor:
                    at = selection[0] if output.anchor == "start" else selection[1]
                track = doc.place_clip(clip, how, title, at)
                firsts[output.take] = (track, track.clip(clip.id).start - output.offset)
                made.append(track)
                continue
            track, at = firsts[output.take]
            piece = clip.with_(start=at + output.offset)
            if not track.fits(piece):
                track = doc.add_audio_track(clip.name or "Audio")
                made.append(track)
            doc.add_clip(track.id, piece, title)
    return made
