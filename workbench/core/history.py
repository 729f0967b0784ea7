"""Undo and redo, without Qt.  Every change to the document is a command pushed here.

A command knows how to ``do`` and ``undo`` itself on the document.  Commands that share a
``merge_key`` (one drag of a region edge: many moves, one gesture) fold into one step, so undo
goes back to where the gesture began.  ``group`` collects several commands into one step (a
task run that adds hundreds of regions undoes in one go).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from workbench.core.events import Signal


class Command:
    title = "Edit"
    merge_key: Any = None

    def do(self, doc) -> None:
        raise NotImplementedError

    def undo(self, doc) -> None:
        raise NotImplementedError

    def merge(self, newer: "Command") -> bool:
        """Fold ``newer`` into this command; True if it did."""
        return False


class Group(Command):
    def __init__(self, title: str, commands: list[Command] | None = None) -> None:
        self.title = title
        self.commands = commands or []

    def do(self, doc) -> None:
        for c in self.commands:
            c.do(doc)

    def undo(self, doc) -> None:
        for c in reversed(self.commands):
            c.undo(doc)


class History:
    def __init__(self, doc) -> None:
        self._doc = doc
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._clean: int | None = 0        # len(_done) when last saved; None: unreachable
        self._group: Group | None = None
        self.changed = Signal()            # () after every push, undo, redo, clean mark

    # -- state --------------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def undo_title(self) -> str:
        return self._done[-1].title if self._done else ""

    @property
    def redo_title(self) -> str:
        return self._undone[-1].title if self._undone else ""

    @property
    def titles(self) -> list[str]:
        """Every step, oldest first: done ones then undone ones (for a History view)."""
        return [c.title for c in self._done] + [c.title for c in reversed(self._undone)]

    @property
    def index(self) -> int:
        """How many steps are done (the History view marks this row)."""
        return len(self._done)

    @property
    def modified(self) -> bool:
        return self._clean != len(self._done)

    def mark_clean(self) -> None:
        self._clean = len(self._done)
        self.changed.emit()

    # -- changing -------------------------------------------------------------------------------
    def push(self, command: Command) -> None:
        command.do(self._doc)
        if self._group is not None:
            self._group.commands.append(command)
            return
        self._record(command)

    def _record(self, command: Command) -> None:
        top = self._done[-1] if self._done else None
        if (top is not None and command.merge_key is not None and top.merge_key == command.merge_key
                and top.merge(command)):
            if self._clean == len(self._done):
                self._clean = None  # the saved state was the step we just changed
        else:
            self._done.append(command)
        self._undone.clear()
        if self._clean is not None and self._clean > len(self._done):
            self._clean = None
        self.changed.emit()

    @contextmanager
    def group(self, title: str):
        """Everything pushed inside the block becomes one undo step."""
        if self._group is not None:  # nested: the outer group takes it all
            yield
            return
        self._group = Group(title)
        try:
            yield
        except BaseException:
            group, self._group = self._group, None
            group.undo(self._doc)  # a failed group leaves the document as it was
            raise
        group, self._group = self._group, None
        if group.commands:
            self._record(group)

    def undo(self) -> bool:
        if not self._done:
            return False
        command = self._done.pop()
        command.undo(self._doc)
        self._undone.append(command)
        self.changed.emit()
        return True

    def redo(self) -> bool:
        if not self._undone:
            return False
        command = self._undone.pop()
        command.do(self._doc)
        self._done.append(command)
        self.changed.emit()
        return True

    def go_to(self, index: int) -> None:
        """Undo or redo until ``index`` steps are done (clicking a row of the History view)."""
        while len(self._done) > index and self.undo():
            pass
        while len(self._done) < index and self.redo():
            pass
