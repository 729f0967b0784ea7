"""The context an action is given: the window, its current tab, document and timeline, and the
controllers (one per area: ``files``, ``edits``, ``tasks``, ``view``)."""
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
