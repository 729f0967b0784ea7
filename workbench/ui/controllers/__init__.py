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

``context.Context`` builds the controllers, each a ``base.Controller``; the package itself holds
no code, so it and its modules never import each other in a loop.
"""
