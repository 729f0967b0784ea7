"""The workbench's folders: platformdirs by default, each overridable by its variable."""
from pathlib import Path

from workbench.core import paths


def test_folders_follow_their_variables_else_platformdirs(monkeypatch, tmp_path):
    import platformdirs

    for var, fn, kind in (("WORKBENCH_CONFIG_DIR", paths.config_dir, "config"),
                          ("WORKBENCH_CACHE_DIR", paths.cache_dir, "cache"),
                          ("WORKBENCH_DATA_DIR", paths.data_dir, "data")):
        monkeypatch.setenv(var, str(tmp_path / kind))
        assert fn() == tmp_path / kind
        monkeypatch.delenv(var)
        assert fn() == Path(getattr(platformdirs, f"user_{kind}_dir")("audio-workbench"))
