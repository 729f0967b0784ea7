"""What is shown and heard: cursor and selection moves, display modes and frequency scales, the
docks, playback and recording, preferences: the view controller."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from workbench.core.playback import input_devices, output_devices
from workbench.core.settings import Settings
from workbench.dsp.spectrogram import SpectrogramParams
from workbench.ui.controllers import Controller

# dock attribute on the window -> (raised when shown, width it opens at: None keeps Qt's)
DOCKS = {"regions": ("regions_dock", True, "quarter"), "history": ("history_dock", True, None),
         "understand": ("understand_panel", False, None), "generate": ("generate_panel", False, None),
         "generated": ("generated_dock", True, None), "jobs": ("jobs_dock", False, None),
         "transcript": ("transcript_dock", True, None), "scores": ("scores_dock", True, None)}


class ViewController(Controller):
    def spectrogram_params(self) -> SpectrogramParams:
        return SpectrogramParams(**self.window.settings.spectrogram)

    # -- docks ---------------------------------------------------------------------------------
    def show_dock(self, name: str, on: bool = True) -> None:
        attribute, raise_it, width = DOCKS[name]
        dock = getattr(self.window, attribute)
        dock.setVisible(on)
        if on and raise_it:
            dock.raise_()
        if on and width == "quarter":
            self.window.resizeDocks([dock], [max(380, self.window.width() // 4)], Qt.Orientation.Horizontal)

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
            window._apply_theme()
        params = self.spectrogram_params()
        for tab in window.all_tabs():
            tab.timeline.set_mode(new.view_mode)
            tab.timeline.set_params(params)
        window._sync_view_actions()
        window._persist()

    def show_about(self):
        from workbench.ui.dialogs.about import AboutDialog

        dialog = AboutDialog(self.window)
        dialog.show()
        return dialog
