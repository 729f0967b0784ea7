"""Record (R): a take from the input device lands as a new clip at the cursor, drawn live while
it records.  The bytes stream to a file in the project's audio folder (or the cache for an
unsaved project) as they arrive; Stop makes the take one undoable step."""
from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.core.edits import EditedAudio
from workbench.core.recording import Recorder
from workbench.core.timeline import AudioTrack, Clip

LIVE_MS = 100


def take_clip(source, start: float, name: str, device, at, **more) -> Clip:
    """A recorded take as a clip, with where and when it was recorded in its provenance."""
    return Clip(EditedAudio.of(source), start=start, name=name,
                provenance={"recorded": device or "default input", "at": at, "file": str(source.path), **more})


class RecordController(QObject):
    state_changed = Signal(bool)      # recording?
    problem = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.recorder: Recorder | None = None
        self.doc = None
        self.track = None
        self.start_time = 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(LIVE_MS)
        self._timer.timeout.connect(self._grow)

    @property
    def recording(self) -> bool:
        return self.recorder is not None

    @staticmethod
    def folder_for(doc) -> Path:
        if doc.path is not None:
            return Path(doc.path).parent / f"{Path(doc.path).stem}_audio"
        from workbench.core.paths import cache_dir

        return cache_dir() / "recordings"

    def start(self, doc, device=None, channels: int = 2) -> bool:
        if self.recording:
            return False
        n = sum(1 for t in doc.tracks if t.name.startswith("Recording")) + 1
        name = f"Recording {n}"
        recorder = Recorder(self.folder_for(doc), doc.sample_rate, channels, device, name.replace(" ", "-"),
                            note={"start": doc.cursor, "track": name,
                                  "project": str(doc.path) if doc.path is not None else None})
        if not recorder.start():
            self.problem.emit(f"Cannot record: {recorder.problem}")
            return False
        self.recorder, self.doc, self.start_time = recorder, doc, doc.cursor
        # shown while it records, outside the history: Stop adds the take as one undo step
        self.track = AudioTrack(name, [Clip(EditedAudio.of(recorder.source), start=self.start_time,
                                            name=name)])
        doc.show_preview(self.track)
        self._timer.start()
        self.state_changed.emit(True)
        return True

    def _grow(self) -> None:
        src = self.recorder.source
        clip = self.track.clips[0]
        if src.available_frames != clip.audio.frames:
            self.doc.update_preview(self.track, (clip.with_(audio=EditedAudio.of(src)),))

    def stop(self):
        """End the take; returns the track it landed on (None when nothing was recorded)."""
        if not self.recording:
            return None
        self._timer.stop()
        recorder, doc, temp = self.recorder, self.doc, self.track
        self.recorder = self.doc = self.track = None
        source = recorder.stop()
        doc.end_preview(temp)
        self.state_changed.emit(False)
        if source is None:
            return None
        clip = take_clip(source, self.start_time, temp.name, recorder.device,
                         time.strftime("%Y-%m-%dT%H:%M:%S"), dropped_blocks=recorder.dropped)
        return doc.add_audio_track(temp.name, [clip], title=f"Record “{temp.name}”")
