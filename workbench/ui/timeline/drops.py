"""What can be dropped on the timeline: audio files from a file manager, and clips dragged from
the Generated list.  A mixin of TimelineView: it needs ``graphics``, ``time_at_scene``, ``lanes``,
``track_at`` and the ``files_dropped`` / ``generated_dropped`` signals."""
from __future__ import annotations

GENERATED_MIME = "application/x-workbench-generated"   # a Generated list entry's id, dragged


class DropTarget:
    @staticmethod
    def _droppable(mime) -> bool:
        return mime.hasUrls() or mime.hasFormat(GENERATED_MIME)

    def dragEnterEvent(self, ev) -> None:
        if self._droppable(ev.mimeData()):
            ev.acceptProposedAction()

    def dragMoveEvent(self, ev) -> None:
        if self._droppable(ev.mimeData()):
            ev.acceptProposedAction()

    def dropEvent(self, ev) -> None:
        """A clip lands where the files are dropped: that time, that track (a new track when
        dropped below the last one or on a label lane)."""
        self._drop(ev, self.graphics.viewport().mapFrom(self, ev.position().toPoint()))

    def _drop(self, ev, pos) -> None:
        """``pos`` in the graphics viewport's coordinates."""
        mime = ev.mimeData()
        generated = bytes(mime.data(GENERATED_MIME)).decode() if mime.hasFormat(GENERATED_MIME) else ""
        paths = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if not (paths or generated) or not self.lanes:
            return
        ev.acceptProposedAction()
        scene = self.graphics.mapToScene(pos)
        t = max(0.0, self.time_at_scene(scene))
        if generated:
            self.generated_dropped.emit(int(generated), t, self.track_at(scene))
        else:
            self.files_dropped.emit(paths, t, self.track_at(scene))

