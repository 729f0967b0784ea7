"""User preferences as a JSON file in the platform's config folder (shared by GUI and CLI)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from workbench.formats.atomic import write_text

MAX_RECENT = 10


def config_dir() -> Path:
    from workbench.core.paths import config_dir as folder

    return folder()


@dataclass
class Settings:
    theme: str = "system"                 # system | light | dark
    output_device: str | None = None      # sounddevice name; None = system default
    input_device: str | None = None       # where Record records from; None = system default
    view_mode: str = "split"              # waveform | spectrogram | split
    autosave_seconds: int = 30            # recovery file of unsaved work; 0 turns it off
    device: str = "auto"                  # where tasks run: auto | cpu | cuda | mps
    recent_files: list[str] = field(default_factory=list)
    spectrogram: dict = field(default_factory=dict)  # SpectrogramParams fields that differ
    generate_where: str = "cursor"        # where generated clips go: cursor | new track | replace selection
    layout: dict = field(default_factory=dict)   # the window's panels as the user left them (ui reads it)

    @classmethod
    def load(cls, path: Path | None = None) -> "Settings":
        path = path or config_dir() / "settings.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        try:
            return cls(**{k: v for k, v in data.items() if k in known})
        except TypeError:
            return cls()

    def save(self, path: Path | None = None) -> None:
        path = path or config_dir() / "settings.json"
        write_text(path, json.dumps(asdict(self), indent=2))

    def add_recent(self, file: str | Path) -> None:
        file = str(Path(file).resolve())
        self.recent_files = [file] + [f for f in self.recent_files if f != file]
        del self.recent_files[MAX_RECENT:]
