"""Undo and redo, without Qt.  Every change to the document is a command pushed here.

A command knows how to ``do`` and ``undo`` itself on the document.  Commands that share a
``merge_key`` (one drag of a region edge: many moves, one gesture) fold into one step, so undo
goes back to where the gesture began.  ``group`` collects several commands into one step (a
task run that adds hundreds of regions undoes in one go).
"""
from __future__ import annotations

import itertools
from contextlib import contextmanager
from typing import Any

from workbench.core.events import Signal


_ids = itertools.count(1)


class Command:
    title = "Edit"
    merge_key: Any = None
    id = 0                       # given when the history records it; rollback addresses it

    def created(self) -> set:
        """What this step brought into the document: ("track", id) or ("clip", track id, clip
        id).  ``History.withdraw`` takes those out again."""
        return set()

    def forget(self, gone: set) -> "Command | None":
        """This step without the things in ``gone`` (they were withdrawn): itself, changed, or
        None where nothing of it is left.  By default a step on a withdrawn track goes."""
        track = getattr(self, "track_id", None)
        return None if track is not None and ("track", track) in gone else self

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

    def created(self) -> set:
        return set().union(*(c.created() for c in self.commands))

    def forget(self, gone: set) -> "Command | None":
        self.commands = [k for k in (c.forget(gone) for c in self.commands) if k is not None]
        return self if self.commands else None


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
    def top_id(self) -> int:
        """The id of the last step done (0: none): what a later rollback addresses."""
        return self._done[-1].id if self._done else 0

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
    def push(self, command: Command) -> int:
        """Do ``command`` and record it; its id (what ``withdraw`` takes)."""
        command.do(self._doc)
        command.id = next(_ids)
        if self._group is not None:
            self._group.commands.append(command)
            return command.id
        self._record(command)
        return command.id

    def withdraw(self, step: int) -> bool:
        """Take the step with id ``step`` out of the history, and what it brought into the
        document (a failed import's track or clip) out of the document, wherever the step is:
        the steps after it stay (undo of "whatever is on top" would take the user's edit made
        while a file decoded); steps only about the withdrawn things go, the others forget them.
        False when no such step is recorded."""
        command = next((c for c in self._done + self._undone if _holds(c, step)), None)
        if command is None:
            return False
        gone = _find(command, step).created()
        if any(c is command for c in self._done):
            self._doc.raw_withdraw(gone)
        kept = []
        for k, c in enumerate(self._done):
            c = _without(c, step, gone)
            if c is not None:
                kept.append(c)
            elif self._clean is not None and k < self._clean:
                self._clean = None                  # the saved state had it: now it differs
        self._done = kept
        self._undone = [k for k in (_without(c, step, gone) for c in self._undone) if k is not None]
        self.changed.emit()
        return True

    def _record(self, command: Command) -> None:
        top = self._done[-1] if self._done else None
        if (top is not None and command.merge_key is not None and top.merge_key == command.merge_key
                and top.merge(command)):
            command.id = top.id              # one step now: its id is the step's
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
            group.id = next(_ids)
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


def _find(command: Command, step: int) -> Command | None:
    if command.id == step:
        return command
    for c in getattr(command, "commands", ()):
        found = _find(c, step)
        if found is not None:
            return found
    return None


def _holds(command: Command, step: int) -> bool:
    return _find(command, step) is not None


def _without(command: Command, step: int, gone: set) -> Command | None:
    """``command`` with the step ``step`` inside it dropped and the rest forgetting ``gone``."""
    if command.id == step:
        return None
    if isinstance(command, Group):
        command.commands = [k for k in (_without(c, step, gone) for c in command.commands) if k is not None]
        return command if command.commands else None
    return command.forget(gone)
