"""Every command of the window, declared once: menus and shortcuts are built from this table.

Shortcuts follow Audacity where it has one, so hands that know it work here.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActionSpec:
    id: str
    title: str
    menu: str                       # top-level menu title
    handler: str                    # method name on the main window
    shortcut: str | None = None
    needs_document: bool = False
    group: str | None = None        # radio group name; checkable when set
    tip: str = ""
    separator_before: bool = False
    checkable: bool = False
    more_shortcuts: tuple[str, ...] = ()


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("file.open", "&Open…", "&File", "open_dialog", "Ctrl+O",
               tip="Open recordings (WAV, FLAC, Ogg, MP3, AIFF)"),
    ActionSpec("file.recent", "Open &Recent", "&File", "", None),
    ActionSpec("file.save", "&Save Project", "&File", "save", "Ctrl+S", needs_document=True,
               separator_before=True),
    ActionSpec("file.save_as", "Save Project &As…", "&File", "save_as", "Ctrl+Shift+S",
               needs_document=True),
    ActionSpec("file.save_bundle", "Save as &Bundle…", "&File", "save_bundle", None, needs_document=True,
               tip="One file with the project and all its audio, to open on another machine"),
    ActionSpec("file.export_audio", "Export &Audio…", "&File", "export_audio_dialog", "Ctrl+Shift+E",
               needs_document=True, separator_before=True),
    ActionSpec("file.close", "&Close", "&File", "close_current", "Ctrl+W", needs_document=True,
               separator_before=True),
    ActionSpec("file.import_audio", "Import &Audio…", "&File", "import_audio", "Ctrl+Shift+I",
               needs_document=True, separator_before=True,
               tip="Add a recording to this project as a new track, at the start"),
    ActionSpec("file.import_labels", "&Import Labels…", "&File", "import_labels", None,
               needs_document=True,
               tip="Audacity, SRT, WebVTT, TextGrid, ELAN, CSV, JSON or Raven labels"),
    ActionSpec("file.export_labels", "&Export Labels…", "&File", "export_labels", "Ctrl+Shift+L",
               needs_document=True),
    ActionSpec("file.preferences", "&Preferences…", "&File", "show_preferences", "Ctrl+P",
               separator_before=True),
    ActionSpec("file.models", "&Models…", "&File", "show_models", "Ctrl+Shift+M",
               tip="Downloaded models: sizes, where they are, delete"),
    ActionSpec("file.quit", "&Quit", "&File", "close", "Ctrl+Q", separator_before=True),
    ActionSpec("edit.undo", "&Undo", "&Edit", "undo", "Ctrl+Z", needs_document=True),
    ActionSpec("edit.redo", "&Redo", "&Edit", "redo", "Ctrl+Shift+Z", needs_document=True,
               more_shortcuts=("Ctrl+Y",)),
    ActionSpec("edit.cut", "Cu&t", "&Edit", "cut_audio", "Ctrl+X", needs_document=True,
               separator_before=True),
    ActionSpec("edit.copy", "&Copy", "&Edit", "copy_audio", "Ctrl+C", needs_document=True),
    ActionSpec("edit.paste", "&Paste", "&Edit", "paste_audio", "Ctrl+V", needs_document=True),
    ActionSpec("edit.delete_audio", "Delete &Audio", "&Edit", "delete_audio", "Ctrl+K",
               needs_document=True),
    ActionSpec("edit.silence", "&Silence Audio", "&Edit", "silence_audio", "Ctrl+L", needs_document=True),
    ActionSpec("edit.trim", "Tri&m Audio", "&Edit", "trim_audio", "Ctrl+T", needs_document=True),
    ActionSpec("edit.insert_silence", "&Insert Silence…", "&Edit", "insert_silence", None,
               needs_document=True),
    ActionSpec("effect.fade_in", "&Fade In", "Effe&ct", "fade_in_audio", None, needs_document=True),
    ActionSpec("effect.fade_out", "Fade &Out", "Effe&ct", "fade_out_audio", None, needs_document=True),
    ActionSpec("effect.gain", "&Gain…", "Effe&ct", "gain_audio", None, needs_document=True),
    ActionSpec("effect.normalize", "&Normalize (-1 dBFS)", "Effe&ct", "normalize_audio", None,
               needs_document=True),
    ActionSpec("edit.sync_lock", "S&ync-Lock Labels", "&Edit", "toggle_sync_lock", None,
               checkable=True, tip="Labels after an edit move with the audio"),
    ActionSpec("edit.add_label", "Add &Label at Selection", "&Edit", "add_label", "Ctrl+B",
               needs_document=True, separator_before=True,
               tip="A label over the selection, or a point label at the cursor"),
    ActionSpec("edit.edit_label", "Edit Label &Text", "&Edit", "edit_label", "F2", needs_document=True),
    ActionSpec("edit.delete_label", "&Delete", "&Edit", "delete_label", "Delete",
               needs_document=True, more_shortcuts=("Backspace",)),
    ActionSpec("edit.next_label", "&Next Label", "&Edit", "next_label", "Alt+Right", needs_document=True),
    ActionSpec("edit.previous_label", "&Previous Label", "&Edit", "previous_label", "Alt+Left",
               needs_document=True),
    ActionSpec("edit.new_label_track", "New Label &Track", "&Edit", "new_label_track", "Ctrl+Shift+B",
               needs_document=True),
    ActionSpec("edit.snap", "&Snap to Zero Crossings", "&Edit", "toggle_snap", None, checkable=True,
               separator_before=True),
    ActionSpec("select.all_tracks", "Edit All &Tracks", "&Select", "toggle_all_tracks", None,
               checkable=True, tip="Off: edits act only on the track you last clicked"),
    ActionSpec("select.all", "Select &All", "&Select", "select_all", "Ctrl+A", needs_document=True,
               separator_before=True),
    ActionSpec("select.none", "Select &None", "&Select", "select_none", "Ctrl+Shift+A",
               needs_document=True),
    ActionSpec("select.start", "Cursor to Track &Start", "&Select", "cursor_to_start", "Home",
               needs_document=True, separator_before=True),
    ActionSpec("select.end", "Cursor to Track &End", "&Select", "cursor_to_end", "End",
               needs_document=True),
    ActionSpec("view.zoom_in", "Zoom &In", "&View", "zoom_in", "Ctrl+1", needs_document=True),
    ActionSpec("view.zoom_normal", "Zoom &Normal", "&View", "zoom_normal", "Ctrl+2",
               needs_document=True),
    ActionSpec("view.zoom_out", "Zoom &Out", "&View", "zoom_out", "Ctrl+3", needs_document=True),
    ActionSpec("view.zoom_selection", "Zoom to &Selection", "&View", "zoom_to_selection", "Ctrl+E",
               needs_document=True),
    ActionSpec("view.fit", "&Fit to Width", "&View", "fit", "Ctrl+F", needs_document=True),
    ActionSpec("view.understand", "&Understand Panel", "&View", "toggle_understand", "Ctrl+U",
               checkable=True, separator_before=True),
    ActionSpec("view.jobs", "&Jobs", "&View", "toggle_jobs", "Ctrl+J", checkable=True),
    ActionSpec("view.transcript", "&Transcript", "&View", "toggle_transcript", "Ctrl+Shift+T",
               checkable=True),
    ActionSpec("view.regions", "&Regions List", "&View", "toggle_regions", "Ctrl+Shift+R",
               checkable=True),
    ActionSpec("view.history", "&History", "&View", "toggle_history", "Ctrl+H", checkable=True),
    ActionSpec("view.mode.waveform", "&Waveform", "&View", "show_waveform", None, group="mode",
               separator_before=True),
    ActionSpec("view.mode.spectrogram", "S&pectrogram", "&View", "show_spectrogram", None,
               group="mode"),
    ActionSpec("view.mode.split", "Waveform &and Spectrogram", "&View", "show_split", None,
               group="mode"),
    ActionSpec("view.scale.linear", "&Linear Frequency", "&View", "scale_linear", None,
               group="scale", separator_before=True),
    ActionSpec("view.scale.log", "L&og Frequency", "&View", "scale_log", None, group="scale"),
    ActionSpec("view.scale.mel", "&Mel Frequency", "&View", "scale_mel", None, group="scale"),
    ActionSpec("transport.play", "&Play / Stop", "&Transport", "play_stop", "Space",
               needs_document=True),
    ActionSpec("transport.loop", "Play &Looped", "&Transport", "play_looped", "Shift+Space",
               needs_document=True),
    ActionSpec("help.about", "&About Audio Workbench", "&Help", "show_about", None),
)
