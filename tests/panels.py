"""Helpers for tests of the task panels."""
from PySide6.QtCore import Qt


def choose(panel, task_id):
    """Select a task in a panel's list by its id."""
    for row in range(panel.tasks.count()):
        if panel.tasks.item(row).data(Qt.ItemDataRole.UserRole) == task_id:
            panel.tasks.setCurrentRow(row)
            return
    raise AssertionError(task_id)
