"""Light and dark themes; "system" follows the platform's colour scheme as it changes."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    lane: str
    foreground: str
    grid: str
    wave: str
    wave_selected: str
    selection: str
    cursor: str
    playhead: str
    overview_region: str
    spectrogram_selection: str = "#ffffff38"   # light veil: visible over any colour map
    label_lane: str = "#f7f4ec"
    label_fill: str = "#f2c14e99"
    label_fill_selected: str = "#f2a541dd"
    label_edge: str = "#b7791f"
    label_edge_selected: str = "#7a4b00"
    label_text: str = "#1f1f1f"


LIGHT = Theme("light", "#f3f3f3", "#ffffff", "#303030", "#d8d8d8", "#3b6fc4", "#1d3f7a",
              "#3b6fc433", "#202020", "#d7263d", "#3b6fc440")
DARK = Theme("dark", "#1e1f22", "#26282c", "#d8d8d8", "#3a3d42", "#6fa8ff", "#cfe0ff",
             "#6fa8ff33", "#f0f0f0", "#ff5c5c", "#6fa8ff40", label_lane="#2b2a26",
             label_fill="#c9962a88", label_fill_selected="#e8b04bdd", label_edge="#e8b04b",
             label_edge_selected="#fff1c9", label_text="#f4f1ea")


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        value = scheme()
        if value == Qt.ColorScheme.Dark:
            return True
        if value == Qt.ColorScheme.Light:
            return False
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def resolve(preference: str) -> Theme:
    if preference == "dark":
        return DARK
    if preference == "light":
        return LIGHT
    return DARK if system_is_dark() else LIGHT


def apply_palette(app: QApplication, theme: Theme) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    if theme.name == "dark":
        c = {QPalette.ColorRole.Window: "#2b2d31", QPalette.ColorRole.WindowText: "#e0e0e0",
             QPalette.ColorRole.Base: "#1e1f22", QPalette.ColorRole.AlternateBase: "#2b2d31",
             QPalette.ColorRole.Text: "#e0e0e0", QPalette.ColorRole.Button: "#36393f",
             QPalette.ColorRole.ButtonText: "#e0e0e0", QPalette.ColorRole.Highlight: "#3d6fc9",
             QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#36393f",
             QPalette.ColorRole.ToolTipText: "#e0e0e0", QPalette.ColorRole.PlaceholderText: "#8a8d93",
             QPalette.ColorRole.Link: "#6fa8ff"}
        for role, color in c.items():
            pal.setColor(role, QColor(color))
        pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6d7075"))
        pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6d7075"))
    else:
        pal = app.style().standardPalette()
    app.setPalette(pal)
