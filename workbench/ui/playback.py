"""Bridges the Qt-free Player to the timeline: a 60 Hz timer moves the playhead and follows it."""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from workbench.core.playback import Player

PLAYHEAD_HZ = 60


class PlaybackController(QObject):
    state_changed = Signal(bool)      # playing?
    problem = Signal(str)             # a message for the status bar, once per distinct problem
    levels = Signal(object, object)   # peak and RMS per channel of what is heard now (the meter)

    def __init__(self, device: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.player = Player(device)
        self.timeline = None
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / PLAYHEAD_HZ))
        self._timer.timeout.connect(self._tick)
        self._reported: str | None = None
        self.ticks = 0

    @property
    def playing(self) -> bool:
        """True from Play until the playhead has been taken down (end, Stop or a closed tab)."""
        return self._timer.isActive()

    def set_device(self, device: str | None) -> None:
        self.stop()
        self.player.device = device
        self._reported = None

    def toggle(self, timeline, loop: bool = False) -> None:
        if self.playing:
            self.stop()
        else:
            self.play(timeline, loop)

    def play(self, timeline, loop: bool = False) -> bool:
        self.stop()
        doc = timeline.doc
        if not doc.tracks:
            return False
        start, end = doc.play_range()
        if end - start <= 0:
            start, end = 0.0, doc.duration
        ok = self.player.play(doc.mix(), start, end, loop=loop)
        if not ok:
            if self.player.problem != self._reported:
                self._reported = self.player.problem
                self.problem.emit(self.player.problem)
            return False
        self.timeline = timeline
        self.ticks = 0
        # The playhead shows where playback starts at once, not a frame later: on a busy
        # machine the first tick can come late, and the start must not look skipped.
        timeline.show_playhead(max(start, 0.0), follow=True)
        self._timer.start()
        self.state_changed.emit(True)
        return True

    def stop(self) -> None:
        was = self._timer.isActive()
        self.player.stop()
        self._timer.stop()
        if self.timeline is not None:
            self.timeline.show_playhead(None)
            self.timeline = None
        if was:
            self.state_changed.emit(False)

    def _tick(self) -> None:
        pos = self.player.position()
        if pos is None or not self.player.playing:
            self.stop()
            return
        self.ticks += 1
        self.timeline.show_playhead(pos, follow=True)
        source = self.player.source
        if source is not None:   # the meter: the last ~40 ms before the playhead (the mix's reading)
            frame = int(pos * source.sample_rate)
            self.levels.emit(*source.levels(max(0, frame - 2048), frame))
