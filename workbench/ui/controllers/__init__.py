"""What the window's commands act through: a context (the current document and timeline, and the
controllers) and one controller per area, so that menus are built from actions that are data
(``ui/actions.py``: a title, a shortcut and a ``callback(ctx)``) instead of method names on the
window, napari-style.

- ``files``: opening recordings and projects, saving, bundles, audio export, autosave, recovery,
  closing tabs;
- ``edits``: undo, labels, audio and clip edits, label import and export;
- ``tasks``: running Understand and Generate tasks, the jobs they make, the Generated list;
- ``view``: zoom, cursor and selection moves, display modes, docks, preferences.

The window owns the widgets (tabs, docks, status bar) and builds the menus; the controllers hold
no widgets of their own beyond the dialogs they open.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.core.document import Document
    from workbench.ui.controllers.edits import EditController
    from workbench.ui.controllers.files import DocumentTab, FileController
    from workbench.ui.controllers.tasks import TaskController
    from workbench.ui.controllers.view import ViewController
    from workbench.ui.timeline.view import TimelineView


class Context:
    """What an action's callback is given: the window, its current tab, document and timeline,
    and the controllers."""

    files: "FileController"
    edits: "EditController"
    tasks: "TaskController"
    view: "ViewController"

    def __init__(self, window) -> None:
        from workbench.ui.controllers.edits import EditController
        from workbench.ui.controllers.files import FileController
        from workbench.ui.controllers.tasks import TaskController
        from workbench.ui.controllers.view import ViewController

        self.window = window
        self.files = FileController(self)
        self.edits = EditController(self)
        self.tasks = TaskController(self)
        self.view = ViewController(self)

    @property
    def tab(self) -> "DocumentTab | None":
        return self.window.current_tab()

    @property
    def document(self) -> "Document | None":
        tab = self.tab
        return tab.document if tab is not None else None

    @property
    def timeline(self) -> "TimelineView | None":
        tab = self.tab
        return tab.timeline if tab is not None else None


class Controller:
    """One area's commands; ``self.ctx`` reaches the others, ``self.window`` the widgets."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.window = ctx.window
