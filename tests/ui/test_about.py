"""Help ▸ About: versions of Qt, torch and transformers, and every component's licence, with the
GPL ones named; a bundle shows the inventory its build wrote."""
import json
import sys

from workbench.core import about


def test_about_names_the_versions_and_the_licences(window, qtbot):
    dialog = window.ctx.view.show_about()
    qtbot.addWidget(dialog)
    for part in ("Qt", "PySide6", "torch", "transformers", "Python"):
        assert dialog.shown_versions[part] not in ("", "not installed")
    names = [dialog.table.item(r, 0).text().lower().replace("_", "-") for r in range(dialog.table.rowCount())]
    assert names[0] == "audio-workbench" and dialog.table.item(0, 2).text() == "MIT"
    for dist in ("torch", "transformers", "pyside6-essentials", "numpy"):
        assert dist in names
    licences = dict(zip(names, (dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount()))))
    assert "LGPL" in licences["pyside6-essentials"]
    # PyAV's wheel carries FFmpeg with x264/x265: a source install has a GPL piece, and says so
    assert ("av" in names) == ("av" in dialog.gpl)


def test_a_bundle_reads_the_inventory_its_build_wrote(tmp_path, monkeypatch):
    folder = tmp_path / "resources"
    (folder / "demo").mkdir(parents=True)
    (folder / "demo" / "demo.flac").write_bytes(b"")
    (folder / "licenses").mkdir()
    (folder / "licenses" / "components.json").write_text(json.dumps(
        {"gpl": [], "components": [{"name": "Audio Workbench", "version": "1", "license": "MIT", "gpl": False},
                                   {"name": "Qt 6", "license": "LGPL-3.0-only", "gpl": False}]}))
    monkeypatch.setenv("WORKBENCH_RESOURCES", str(folder))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    components, source = about.components()
    assert [c["name"] for c in components] == ["Audio Workbench", "Qt 6"]
    assert source == str(folder / "licenses")


def test_which_licences_count_as_gpl():
    assert about.is_gpl("GPL-3.0-only")
    assert about.is_gpl("GNU General Public License v3 (GPLv3)")
    assert not about.is_gpl("LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only")   # PySide6: we take LGPL
    assert not about.is_gpl("GPL-3.0-or-later WITH GCC-exception-3.1")        # libgomp's runtime exception
    assert not about.is_gpl("GNU Lesser General Public License v2 or later (LGPLv2+)")
    assert not about.is_gpl("MIT")
    assert not about.is_gpl("not stated")


def test_a_damaged_inventory_falls_back_to_what_is_installed(tmp_path, monkeypatch):
    """Mutated components.json files: About never raises; it shows the inventory when it is whole
    and the installed packages otherwise."""
    import random

    folder = tmp_path / "resources"
    (folder / "demo").mkdir(parents=True)
    (folder / "demo" / "demo.flac").write_bytes(b"")
    (folder / "licenses").mkdir()
    monkeypatch.setenv("WORKBENCH_RESOURCES", str(folder))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    valid = json.dumps({"gpl": [], "components": [
        {"name": "Audio Workbench", "version": "1", "license": "MIT", "gpl": False},
        {"name": "Qt 6", "license": "LGPL-3.0-only", "gpl": False, "note": "inside PySide6"}]}).encode()
    rng = random.Random(7)
    seen = set()
    for _ in range(120):
        data = bytearray(valid)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data))
            data[i] = rng.choice(b'{}[]",:0 nx\\\xff')
        (folder / "licenses" / "components.json").write_bytes(bytes(data))
        components, source = about.components()
        assert components and all(isinstance(c["name"], str) and isinstance(c["license"], str) for c in components)
        seen.add(source == str(folder / "licenses"))
    assert seen == {True, False}        # both a whole file and a damaged one were met
    (folder / "licenses" / "components.json").write_text("[" * 100000)
    assert about.components()[1].startswith("the packages installed")
