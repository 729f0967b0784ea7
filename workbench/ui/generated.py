"""The Generated list: every clip a Generate task made, with a waveform thumbnail, its prompt,
model, seed, settings and the time it took.  Audition it, put it at the cursor, on a new track or
in place of the selection, drag it onto any track, make it again with a new seed, copy its
settings back into the Generate form, or delete it.

Entries keep the clip's file (written once, in the cache, when the task finished), so inserting
an entry twice or into another project copies nothing.
"""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDockWidget, QHBoxLayout, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from workbench.ui.timeline.drops import GENERATED_MIME

THUMB = QSize(120, 36)
_ids = itertools.count(1)


@dataclass
class Entry:
    id: int
    output: object        # the AudioOutput (name, rate, provenance, take, offset)
    source: object        # its file, opened (an owned AudioSource)
    spec: object          # the TaskSpec that made it
    params: dict          # the settings it was made with (its own seed)
    model: str

    @property
    def summary(self) -> str:
        prov = self.output.provenance
        bits = [f"{self.source.duration:.1f} s"]
        if self.model:
            bits.append(self.model.rstrip("/").split("/")[-1])
        if "seed" in prov:
            bits.append(f"seed {prov['seed']}")
        if "seconds" in prov:
            bits.append(f"took {prov['seconds']:.1f} s")
        if "wer" in prov:
            bits.append(f"WER {prov['wer'] * 100:.0f}%")
        return " · ".join(bits)


def thumbnail(source, size: QSize = THUMB) -> QPixmap:
    """The clip's waveform as min/max columns, drawn once."""
    pix = QPixmap(size)
    pix.fill(QColor("#20242a"))
    x = source.read(0, source.frames).mean(axis=1) if source.frames else np.zeros(1, np.float32)
    cols = size.width()
    edges = np.linspace(0, len(x), cols + 1).astype(int)
    painter = QPainter(pix)
    painter.setPen(QColor("#7fb8ff"))
    mid, half = size.height() / 2, size.height() / 2 - 1
    peak = max(1e-9, float(np.abs(x).max()))
    for c in range(cols):
        seg = x[edges[c]:max(edges[c] + 1, edges[c + 1])]
        if len(seg):
            lo, hi = float(seg.min()) / peak, float(seg.max()) / peak
            painter.drawLine(c, int(mid - hi * half), c, int(mid - lo * half))
    painter.end()
    return pix


class EntryList(QListWidget):
    """Drag an entry out: the timeline reads its id from GENERATED_MIME."""

    def mimeData(self, items):
        mime = QMimeData()
        if items:
            mime.setData(GENERATED_MIME, str(items[0].data(Qt.ItemDataRole.UserRole)).encode())
        return mime

    def mimeTypes(self):
        return [GENERATED_MIME]


class GeneratedDock(QDockWidget):
    insert_requested = Signal(object, str)      # entry, where ("cursor", "new track", "replace selection")
    again_requested = Signal(object)            # entry: the same task and settings, a new seed
    settings_requested = Signal(object)         # entry: its settings back into the Generate form
    check_requested = Signal(object)            # entry: transcribe it, word error rate against its text

    def __init__(self, player=None, parent=None) -> None:
        super().__init__("Generated", parent)
        self.setObjectName("generated-dock")
        self.player = player
        self.entries: dict[int, Entry] = {}
        self.list = EntryList()
        self.list.setIconSize(THUMB)
        self.list.setDragEnabled(True)
        self.list.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.itemDoubleClicked.connect(lambda _item: self.play_selected())
        self.list.currentItemChanged.connect(lambda *_: self._enable())
        self.play = QPushButton("Play")
        self.play.setToolTip("Hear this clip on its own (Space plays the timeline)")
        self.play.clicked.connect(self.play_selected)
        self.where = QComboBox()
        for text, key in (("At the cursor", "cursor"), ("On a new track", "new track"),
                          ("In place of the selection", "replace selection")):
            self.where.addItem(text, key)
        self.insert = QPushButton("Insert")
        self.insert.setToolTip("Put the clip on the timeline (or drag it onto a track)")
        self.insert.clicked.connect(lambda: self._with_current(
            lambda e: self.insert_requested.emit(e, self.where.currentData())))
        self.again = QPushButton("Again")
        self.again.setToolTip("Generate again with the same settings and a new seed")
        self.again.clicked.connect(lambda: self._with_current(self.again_requested.emit))
        self.use = QPushButton("Use settings")
        self.use.setToolTip("Put this clip's task, model and settings (its seed too) into the Generate form")
        self.use.clicked.connect(lambda: self._with_current(self.settings_requested.emit))
        self.delete = QPushButton("Delete")
        self.delete.setToolTip("Remove it from this list (clips already on the timeline stay)")
        self.delete.clicked.connect(lambda: self._with_current(self.remove))
        self.sort = QComboBox()
        for text, key in (("Newest first", "newest"), ("Best intelligibility first", "wer")):
            self.sort.addItem(text, key)
        self.sort.currentIndexChanged.connect(lambda _i: self._refill())
        self.check_new = QCheckBox("Check speech with")
        self.check_new.setToolTip("Transcribe each new speech clip and show its word error rate "
                                  "against the text; of several variations the clearest is selected "
                                  "(and is the one put on the timeline)")
        self.asr_model = QComboBox(editable=True)
        from workbench.tasks.check import recognizer

        for checkpoint in recognizer().checkpoints:
            self.asr_model.addItem(checkpoint)
        self.asr_model.setToolTip("The speech recognizer that checks: a Hub id or a local folder")
        self.asr_model.lineEdit().setCursorPosition(0)       # the id's start, not its end cut
        self.check = QPushButton("Check")
        self.check.setToolTip("Transcribe this clip and compare with the text it was asked to say")
        self.check.clicked.connect(lambda: self._with_current(self.check_requested.emit))
        for combo in (self.where, self.sort, self.asr_model):     # narrow docks stay narrow
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        rows = [QHBoxLayout() for _ in range(6)]     # short rows: they fit a narrow side panel
        for row, widgets in zip(rows, ((self.play, self.again), (self.insert, self.where),
                                       (self.use, self.delete), (self.sort,), (self.check_new,),
                                       (self.asr_model, self.check))):
            for w in widgets:
                row.addWidget(w, 1 if isinstance(w, QComboBox) else 0)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addWidget(self.list, 1)
        for row in rows:
            layout.addLayout(row)
        self.setWidget(box)
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._poll)
        self._enable()

    # -- entries --------------------------------------------------------------------------------
    def add(self, output, source, spec, params: dict, model: str) -> Entry:
        entry = Entry(next(_ids), output, source, spec, dict(params), model)
        self.entries[entry.id] = entry
        self._refill(select=entry.id)
        return entry

    def remove(self, entry: Entry) -> None:
        if self.player is not None and self.player.source is entry.source:
            self.stop()
        self.entries.pop(entry.id, None)
        self._refill()

    def current(self) -> Entry | None:
        item = self.list.currentItem()
        return self.entries.get(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def select(self, entry_id: int) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == entry_id:
                self.list.setCurrentRow(row)

    def set_wer(self, entry: Entry, wer: float, heard: str) -> None:
        entry.output.provenance["wer"] = round(float(wer), 4)
        entry.output.provenance["heard"] = heard
        self._refill(select=self.current().id if self.current() else None)

    def ordered(self) -> list[Entry]:
        entries = sorted(self.entries.values(), key=lambda e: -e.id)
        if self.sort.currentData() == "wer":
            entries.sort(key=lambda e: e.output.provenance.get("wer", float("inf")))
        return entries

    def _refill(self, select: int | None = None) -> None:
        keep = select if select is not None else (self.current().id if self.current() else None)
        self.list.clear()
        for e in self.ordered():
            prov = e.output.provenance
            prompt = prov.get("text") or prov.get("params", {}).get("text", "")
            item = QListWidgetItem(QIcon(thumbnail(e.source)), f"{e.output.name}\n{e.summary}")
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            shown = {k: v for k, v in prov.items() if k not in ("software",)}
            item.setToolTip(f"{prompt}\n\n" + json.dumps(shown, ensure_ascii=False, indent=1, default=str))
            self.list.addItem(item)
        if keep is not None:
            self.select(keep)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._enable()

    def _with_current(self, fn) -> None:
        entry = self.current()
        if entry is not None:
            fn(entry)

    def _enable(self) -> None:
        on = self.current() is not None
        for w in (self.play, self.insert, self.again, self.use, self.delete):
            w.setEnabled(on)
        entry = self.current()
        self.check.setEnabled(entry is not None and entry.spec.speaks_text)

    # -- audition -------------------------------------------------------------------------------
    def play_selected(self) -> bool:
        """Play the selected clip on its own; Stop while it plays.  False (and a message) when
        there is no sound device."""
        if self.player is None:
            return False
        if self.player.playing:
            self.stop()
            return True
        entry = self.current()
        if entry is None:
            return False
        if not self.player.play(entry.source, 0.0, entry.source.duration):
            self.play.setToolTip(self.player.problem or "Cannot play")
            return False
        self.play.setText("Stop")
        self._timer.start()
        return True

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()
        self._timer.stop()
        self.play.setText("Play")

    def _poll(self) -> None:
        if self.player is None or not self.player.playing:
            self.stop()
