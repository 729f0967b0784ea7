"""Preferences: theme, output and input devices, the default view and spectrogram settings."""
from __future__ import annotations

from dataclasses import asdict, replace

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QGroupBox, QVBoxLayout)

from workbench.core.settings import Settings
from workbench.dsp import spectrogram as spec
from workbench.ui.timeline.view import COLORMAPS


def _combo(items, current) -> QComboBox:
    box = QComboBox()
    for value, label in items:
        box.addItem(label, value)
    idx = box.findData(current)
    box.setCurrentIndex(max(0, idx))
    return box


def _device_combo(devices: list[str], current: str | None, kind: str) -> QComboBox:
    """The system default, the devices there are, and the chosen one even when it is unplugged
    (so that choosing nothing new keeps it)."""
    items = [(None, "System default")] + [(d, d) for d in devices]
    if current and current not in devices:
        items.append((current, f"{current} (not connected)"))
    box = _combo(items, current)
    if not devices:
        box.setToolTip(f"No {kind} device was found (is PortAudio installed?)")
    return box


class PreferencesDialog(QDialog):
    RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000, 176400, 192000)

    def __init__(self, settings: Settings, devices: list[str], parent=None,
                 project_rate: int | None = None, inputs: list[str] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._settings = settings
        p = spec.SpectrogramParams(**settings.spectrogram)
        self.theme = _combo([("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")],
                            settings.theme)
        self.output = _device_combo(devices, settings.output_device, "output")
        self.input = _device_combo(list(inputs), settings.input_device, "input")
        self.device = _combo([("auto", "Best available (GPU if there is one)"), ("cpu", "CPU"),
                              ("cuda", "NVIDIA GPU (CUDA)"), ("mps", "Apple GPU (MPS)")], settings.device)
        self.view_mode = _combo([("waveform", "Waveform"), ("spectrogram", "Spectrogram"),
                                 ("split", "Waveform and spectrogram")], settings.view_mode)
        self.n_fft = _combo([(n, str(n)) for n in (256, 512, 1024, 2048, 4096, 8192, 16384)], p.n_fft)
        self.hop = _combo([(n, str(n)) for n in (64, 128, 256, 512, 1024, 2048, 4096)], p.hop)
        self.window = _combo([(w, w.capitalize()) for w in spec.WINDOWS], p.window)
        self.scale = _combo([("linear", "Linear"), ("log", "Logarithmic"), ("mel", "Mel")], p.scale)
        self.colormap = _combo([(c, "Grey" if c == "CET-L1" else c.capitalize()) for c in COLORMAPS],
                               p.colormap)
        self.db_range = QDoubleSpinBox(minimum=20, maximum=160, singleStep=10, value=p.db_range,
                                       suffix=" dB")
        self.db_top = QDoubleSpinBox(minimum=-60, maximum=20, singleStep=5, value=p.db_top,
                                     suffix=" dBFS")
        self.min_freq = QDoubleSpinBox(minimum=1, maximum=1000, singleStep=10, value=p.min_freq,
                                       suffix=" Hz")

        general = QGroupBox("General")
        form = QFormLayout(general)
        form.addRow("Theme", self.theme)
        form.addRow("Output device", self.output)
        form.addRow("Record from", self.input)
        form.addRow("View", self.view_mode)
        form.addRow("Run models on", self.device)
        spectro = QGroupBox("Spectrogram")
        form2 = QFormLayout(spectro)
        form2.addRow("FFT size", self.n_fft)
        form2.addRow("Hop (samples)", self.hop)
        form2.addRow("Window", self.window)
        form2.addRow("Frequency scale", self.scale)
        form2.addRow("Lowest frequency (log, mel)", self.min_freq)
        form2.addRow("Colour map", self.colormap)
        form2.addRow("Brightest level", self.db_top)
        form2.addRow("Range", self.db_range)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.rate = None
        if project_rate is not None:   # this project's own setting (undoable), not a preference
            rates = sorted(set(self.RATES) | {project_rate})
            self.rate = _combo([(r, f"{r} Hz") for r in rates], project_rate)
            self.rate.setToolTip("The rate the mix plays, exports and feeds tasks at; clips at "
                                 "other rates are resampled (soxr)")
            project = QGroupBox("This project")
            QFormLayout(project).addRow("Project rate", self.rate)
            layout.addWidget(project)
        layout.addWidget(general)
        layout.addWidget(spectro)
        layout.addWidget(buttons)

    def result_rate(self) -> int | None:
        return self.rate.currentData() if self.rate is not None else None

    def result_settings(self) -> Settings:
        params = spec.SpectrogramParams(
            n_fft=self.n_fft.currentData(), hop=self.hop.currentData(),
            window=self.window.currentData(), scale=self.scale.currentData(),
            colormap=self.colormap.currentData(), db_range=self.db_range.value(),
            db_top=self.db_top.value(), min_freq=self.min_freq.value())
        return replace(self._settings, theme=self.theme.currentData(),
                       output_device=self.output.currentData(), input_device=self.input.currentData(),
                       device=self.device.currentData(),
                       view_mode=self.view_mode.currentData(), spectrogram=_diff(params))


def _diff(params: spec.SpectrogramParams) -> dict:
    """Only what differs from the defaults is stored, so improved defaults reach old users."""
    default = asdict(spec.SpectrogramParams())
    return {k: v for k, v in asdict(params).items() if default[k] != v}
