"""The bundle's entry point (PyInstaller freezes this file): the same `workbench` command."""
import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()      # batch workers are spawned processes of this executable
    from workbench.cli import main

    raise SystemExit(main())
