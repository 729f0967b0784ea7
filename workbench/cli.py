"""``workbench``: opens the window, or (later sub-commands) runs the same core headless.

Qt is imported only when the window is wanted, so ``workbench --version`` and batch commands
start fast and work without a display.
"""
from __future__ import annotations

import argparse
import sys

from workbench import __version__


def _gui_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="workbench", description="Audio Workbench: see, hear, label and "
                                "generate audio with AI models on one timeline.")
    p.add_argument("files", nargs="*", metavar="FILE", help="recordings to open")
    p.add_argument("--version", action="version", version=f"Audio Workbench {__version__}")
    p.add_argument("--theme", choices=("system", "light", "dark"), help="colour theme for this run")
    p.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = _gui_parser().parse_args(argv)
    from workbench.ui.application import run_gui

    return run_gui(args.files, theme=args.theme, exit_when_shown=args.exit_when_shown)


if __name__ == "__main__":
    raise SystemExit(main())
