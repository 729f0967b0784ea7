"""What is shown and heard: cursor and selection moves, display modes and frequency scales, the
docks, playback and recording, preferences: the view controller."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from workbench.core.playback import input_devices, output_devices
from workbench.core.settings import Settings
from workbench.dsp.spectrogram import SpectrogramParams
from workbench.ui.controllers.base import Controller

# dock attribute on the window; every one is a tab of the side panel
DOCKS = {"regions": "regions_dock", "history": "history_dock", "understand": "understand_panel",
         "generate": "generate_panel", "generated": "generated_dock", "jobs": "jobs_dock",
         "transcript": "transcript_dock", "scores": "scores_dock", "review": "review_dock"}


LAYOUT_VERSION = 2         # saved layouts of another version are not restored


def side_width(window_width: int) -> int:
    """The side panel's width when it opens: a fifth of a laptop window at most, so the timeline
    keeps most of it (the user can drag it wider; the layout is remembered)."""
    return int(min(420, max(230, round(0.18 * window_width))))


class ViewController(Controller):
    def spectrogram_params(self) -> SpectrogramParams:
        return SpectrogramParams(**self.window.settings.spectrogram)

    # -- docks ---------------------------------------------------------------------------------
    def show_dock(self, name: str, on: bool = True, front: bool = True) -> None:
        """Show a dock as the front tab of the side panel (or hide it).  A panel that was closed
        opens at its default width; one the user has sized keeps its width."""
        window = self.window
        dock = getattr(window, DOCKS[name])
        was_open = any(d.isVisible() and not d.isFloating() for d in window.side_docks)
        dock.setVisible(on)
        if not on:
            return
        if front or not was_open:
            dock.raise_()
        self.whole_tab_names()
        if not was_open and not dock.isFloating() \
                and window.dockWidgetArea(dock) in (Qt.DockWidgetArea.RightDockWidgetArea,
                                                    Qt.DockWidgetArea.LeftDockWidgetArea):
            window.resizeDocks([dock], [side_width(window.width())], Qt.Orientation.Horizontal)

    def whole_tab_names(self) -> None:
        """The side panel's tabs keep their whole names ("Understand", not "U…") and scroll
        with arrows when they do not all fit (Qt makes a tab bar per group of tabbed docks)."""
        from PySide6.QtWidgets import QTabBar

        for bar in self.window.findChildren(QTabBar):
            if bar.parent() is self.window:
                bar.setElideMode(Qt.TextElideMode.ElideNone)
                bar.setUsesScrollButtons(True)
                bar.setExpanding(False)

    def save_layout(self) -> dict:
        """The panels as they are (which are open, where, how wide) for the next start."""
        state = bytes(self.window.saveState(LAYOUT_VERSION).toBase64()).decode("ascii")
        return {"version": LAYOUT_VERSION, "state": state}

    def restore_layout(self, saved) -> bool:
        """The panels as the user left them; False when a damaged, foreign or older saved layout
        was ignored (the default stays).  A panel restored too wide is narrowed once the window
        is shown (``fit_side_panel``)."""
        from PySide6.QtCore import QByteArray

        window = self.window
        if not isinstance(saved, dict) or saved.get("version") != LAYOUT_VERSION \
                or not isinstance(saved.get("state"), str) or len(saved["state"]) > 200_000:
            return False
        try:
            raw = QByteArray.fromBase64(saved["state"].encode("ascii"),
                                        QByteArray.Base64Option.AbortOnBase64DecodingErrors)
        except (UnicodeEncodeError, ValueError):
            return False
        if raw.isEmpty() or not window.restoreState(raw, LAYOUT_VERSION):
            window.restoreState(window.default_layout)
            for dock in window.side_docks:
                dock.hide()
            return False
        return True

    def fit_side_panel(self) -> None:
        """A docked panel wider than half the window (a layout saved on a bigger screen, or a
        damaged one) goes back to its default width: the timeline keeps the room."""
        window = self.window
        for dock in window.side_docks:
            if dock.isVisible() and not dock.isFloating() and dock.width() > window.width() // 2:
                window.resizeDocks([dock], [side_width(window.width())], Qt.Orientation.Horizontal)

    def reset_layout(self) -> None:
        """View ▸ Reset Layout: the side panel as it first was (closed, every dock a tab of it)."""
        window = self.window
        for dock in window.side_docks:
            dock.setFloating(False)
        window.restoreState(window.default_layout)
        for dock in window.side_docks:
            dock.hide()

    # -- cursor and selection ---------------------------------------------------------------------
    def select_all(self) -> None:
        doc = self.ctx.document
        if doc is not None:
            doc.set_selection(0.0, doc.duration)

    def select_none(self) -> None:
        doc = self.ctx.document
        if doc is not None:
            doc.set_selection(None)

    def cursor_to(self, end: bool) -> None:
        """Home / End: the cursor to the start or the end, the selection cleared, scrolled there."""
        doc, timeline = self.ctx.document, self.ctx.timeline
        if doc is None:
            return
        t = doc.duration if end else 0.0
        doc.set_selection(None)
        doc.set_cursor(t)
        timeline.scroll_to(t)

    # -- display -------------------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """"waveform", "spectrogram" or "split", in every tab (remembered)."""
        self.window.settings.view_mode = mode
        for tab in self.window.all_tabs():
            tab.timeline.set_mode(mode)

    def set_scale(self, scale: str) -> None:
        """The spectrogram's frequency scale, "linear", "log" or "mel", in every tab (remembered)."""
        params = self.spectrogram_params().with_(scale=scale)
        default = SpectrogramParams().scale
        settings = self.window.settings
        settings.spectrogram = {k: v for k, v in {**settings.spectrogram, "scale": scale}.items()
                                if k != "scale" or scale != default}
        for tab in self.window.all_tabs():
            tab.timeline.set_params(params)

    # -- playback and recording ----------------------------------------------------------------------
    def play(self, loop: bool = False) -> None:
        timeline = self.ctx.timeline
        if timeline is not None:
            self.window.playback.toggle(timeline, loop=loop)

    def play_range(self, start: float, end: float) -> None:
        """Select [start, end) and play it (a guess under review, auditioned)."""
        timeline, doc = self.ctx.timeline, self.ctx.document
        if timeline is None or doc is None:
            return
        doc.set_selection(start, end)
        shown = timeline.view_range()
        if start < shown[0] or end > shown[1]:          # bring it into view
            timeline.set_view(max(0.0, start - 2.0), end + 2.0)
        self.window.playback.play(timeline)

    def record(self) -> None:
        """R: start recording into a new track at the cursor, or stop the take."""
        recorder = self.window.recorder
        if recorder.recording:
            track = recorder.stop()
            if track is not None:
                self.window.show_status(f"Recorded {track.clips[0].duration:.2f} s into “{track.name}”")
            return
        doc = self.ctx.document
        if doc is not None:
            self.window.playback.stop()
            recorder.start(doc, self.window.settings.input_device)

    # -- preferences and about -----------------------------------------------------------------------
    def show_preferences(self):
        """The Preferences dialog (returned, open); OK applies and keeps the settings."""
        from workbench.ui.dialogs.preferences import PreferencesDialog

        doc = self.ctx.document
        dialog = PreferencesDialog(self.window.settings, output_devices(), self.window,
                                   project_rate=doc.sample_rate if doc else None, inputs=input_devices())
        self._preferences = dialog

        def accepted():
            self.apply_settings(dialog.result_settings())
            rate = dialog.result_rate()
            if doc is not None and rate and rate != doc.sample_rate:
                doc.set_sample_rate(rate)
                self.window.show_status(f"Project rate {rate} Hz (Ctrl+Z goes back)")

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def apply_settings(self, new: Settings) -> None:
        window = self.window
        old = window.settings
        window.settings = replace(new, recent_files=old.recent_files)
        if new.output_device != old.output_device:
            window.playback.set_device(new.output_device)
        if new.theme != old.theme:
            window.apply_theme()
        params = self.spectrogram_params()
        for tab in window.all_tabs():
            tab.timeline.set_mode(new.view_mode)
            tab.timeline.set_params(params)
        window.sync_view_actions()
        window.persist()

    def show_about(self):
        from workbench.ui.dialogs.about import AboutDialog

        dialog = AboutDialog(self.window)
        dialog.show()
        return dialog
