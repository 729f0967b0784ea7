"""Projects: save and reopen a session exactly, as JSON data (never pickles).  No Qt.

A project is a manifest (``.awproj``, versioned JSON) next to the audio it points to, by paths
relative to the project's folder (absolute ones kept as a fallback).  A bundle (``.awbundle``)
is one zip holding the manifest and every source, to carry a project to another machine.
Saves are atomic: write a temporary file, fsync it, rename it over the old one, fsync the
folder; a crash or kill at any instant leaves the old project or the new one, never half.
A source that is missing on open becomes a silent placeholder of the right length, so the rest
of the project opens; ``relink`` points it at the file's new place.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
import zipfile
import zlib
from pathlib import Path

from workbench.formats import atomic
from workbench.core import manifest
from workbench.core.audio import AudioInfo, AudioOpenError, AudioSource, open_audio
from workbench.core.document import Document
from workbench.core.edits import EditedAudio
from workbench.core.regions import LabelTrack, Region
from workbench.core.timeline import AudioTrack, Clip
from workbench.core import tracks
from workbench.core.tracks import edit_list, number
from workbench.core.trust import is_trusted, trust

FORMAT = "audio-workbench-project"
VERSION = 2   # 2: one ordered track list, clips with trims/gain/fades/provenance, mix settings
PROJECT_SUFFIX = ".awproj"
BUNDLE_SUFFIX = ".awbundle"


class ProjectError(Exception):
    def __init__(self, path, problem: str) -> None:
        self.path, self.problem = Path(path), problem
        super().__init__(f"Cannot open project “{self.path.name}”: {problem}")


class MissingSource(AudioSource):
    """Stands in for a source file that is not where the project says: silent, right length."""

    missing = True

    def __init__(self, info: AudioInfo) -> None:
        # a pyramid of at most 4096 bins: it holds silence, and the length is only a claim
        base = 256
        while info.frames // base > 4096:
            base *= 8
        super().__init__(info, None, peak_base=base)
        self.peaks.finish()
        self.loaded = True


# -- to and from JSON ------------------------------------------------------------------------------------
def _sources(doc: Document) -> list[AudioSource]:
    found: list[AudioSource] = []
    for track in doc.tracks:
        for src in track.sources:
            if src not in found:
                found.append(src)
    return found


def to_manifest(doc: Document, base: Path | None, path_for=None) -> dict:
    """The document as JSON data; paths relative to ``base`` where possible."""
    sources = _sources(doc)

    def where(src: AudioSource) -> dict:
        p = Path(path_for(src) if path_for else src.path).absolute()
        entry = {"absolute": str(p)}
        if base is not None:
            try:
                entry["path"] = Path(os.path.relpath(p, base)).as_posix()
            except ValueError:  # another drive on Windows
                pass
        return entry

    return {
        "format": FORMAT,
        "version": VERSION,
        "saved": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "sources": [{**where(s), "sample_rate": s.sample_rate, "channels": s.channels,
                     "frames": s.frames, "format": s.info.format, "subtype": s.info.subtype}
                    for s in sources],
        "project_rate": doc.sample_rate,
        "tracks": [tracks.write(t, sources.index) for t in doc.track_list],
        "cursor": doc.cursor,
        "selection": list(doc.selection) if doc.selection else None,
        "sync_lock": doc.sync_lock,
        "ripple": doc.ripple,
    }


def from_manifest(data: dict, base: Path, path=None, cache_dir=None,
                  outside=None) -> tuple[Document, list[dict]]:
    """A document from manifest data; returns it and the sources that could not be found.

    ``outside(project_path, files) -> bool`` is asked before any audio file outside the
    project's folder is read, unless this machine saved the project pointing at those same
    files (or the user said yes to them before); a no leaves them missing, to relink.  Without
    it (the command line, recovery of this machine's own autosave) they are read."""
    path = path or base
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectError(path, "it is not an Audio Workbench project")
    version = data.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProjectError(path, f"its format version ({str(version)[:20]}) is not one this program knows")
    if version > VERSION:
        raise ProjectError(path, f"it was saved by a newer Audio Workbench (format version "
                                 f"{str(version)[:20]}; this one reads up to {VERSION})")
    try:
        manifest.check(data)
    except ValueError as exc:
        raise ProjectError(path, f"the project file is damaged: {exc}") from None
    read_outside = True
    if outside is not None:
        far = outside_files(data, base)
        if far and not is_trusted(path, far):
            read_outside = bool(outside(path, far))
            if read_outside:
                trust(path, far)
    sources: list[AudioSource] = []
    try:
        return _build(data, base, cache_dir, sources, read_outside)
    except ProjectError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError,
            RecursionError) as exc:
        for src in sources:
            src.close()
        what = f"missing “{exc.args[0]}”" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__
        raise ProjectError(path, f"the project file is damaged ({what[:200]})") from None


def _candidates(entry: dict, base: Path) -> list[Path]:
    """Where a source may be: its path relative to the project's folder, then its absolute one."""
    found = []
    if entry.get("path"):
        found.append(base / entry["path"])
    if entry.get("absolute"):
        found.append(Path(entry["absolute"]))
    return found


def outside_files(data: dict, base: Path) -> list[Path]:
    """The existing files a (schema-checked) manifest would read from outside ``base``, the
    project's folder, resolved (links followed)."""
    far: list[Path] = []
    for entry in data.get("sources") or []:
        for candidate in _candidates(entry, base):
            try:
                if candidate.is_file() and not _inside(base, candidate):
                    resolved = candidate.resolve()
                    if resolved not in far:
                        far.append(resolved)
                    break
            except (OSError, ValueError):
                continue
    return far


def _build(data: dict, base: Path, cache_dir, sources: list,
           read_outside: bool = True) -> tuple[Document, list[dict]]:
    doc = Document()
    missing: list[dict] = []
    entries = data.get("sources", [])
    if not isinstance(entries, list):
        raise ValueError("its list of audio files is not a list")
    for k, entry in enumerate(entries):
        candidates = _candidates(entry, base)
        src, declined = None, False
        for candidate in candidates:
            if not read_outside and not _inside(base, candidate):
                declined = declined or candidate.is_file()
                continue              # the user said no: it stays missing, to relink
            if candidate.is_file():
                try:
                    src = open_audio(candidate, cache_dir=cache_dir).load_all()
                    break
                except AudioOpenError:
                    continue
        if src is None:
            shown = candidates[0] if candidates else Path(f"source {k + 1}")
            info = AudioInfo(shown, str(entry.get("format", "?")), str(entry.get("subtype", "?")),
                             number(entry["sample_rate"], "a file's sample rate", 1, 768000, int),
                             number(entry["channels"], "a file's channel count", 1, 64, int),
                             number(entry["frames"], "a file's length", 0, 2 ** 36, int))
            src = MissingSource(info)
            missing.append({"index": k, "path": str(shown), "source": src, "declined": declined})
        sources.append(src)
    if data["version"] < 2:
        doc.track_list.extend(_tracks_v1(data, sources))
    else:
        doc.track_list.extend(tracks.read(t, sources) for t in data.get("tracks", []))
    rate = data.get("project_rate")
    doc.project_rate = number(rate, "the project rate", 1000, 768000, int) if rate else (
        doc.tracks[0].clips[0].rate if doc.tracks and doc.tracks[0].clips else None)
    doc.cursor = number(data.get("cursor", 0.0), "the cursor", 0, 1e9)
    sel = data.get("selection")
    doc.selection = (number(sel[0], "the selection", 0, 1e9), number(sel[1], "the selection", 0, 1e9)) \
        if sel else None
    doc.sync_lock = bool(data.get("sync_lock", True))
    doc.ripple = bool(data.get("ripple", True))
    return doc, missing


def _tracks_v1(data: dict, sources: list[AudioSource]) -> list:
    """Version 1: each audio track was one source at an offset with one edit list at the
    source's rate; it becomes one clip at that offset.  Label tracks came after the audio."""
    out: list = []
    for t in data.get("tracks", []):
        if t["source"] >= len(sources):
            raise ValueError(f"a track names audio file {t['source'] + 1}, and the project lists "
                             f"{len(sources)}")
        src = sources[t["source"]]
        edits = t.get("edits") or [{"source": t["source"], "start": 0, "length": src.frames}]
        audio = EditedAudio.from_list(edit_list(edits, sources), sources, src.sample_rate, src.channels,
                                      src.info)
        name = t.get("name", src.path.name)
        clip = Clip(audio, start=float(t.get("offset", 0.0)), name=name,
                    provenance={"file": str(src.path)})
        out.append(AudioTrack(name, [clip]))
    for lt in data.get("label_tracks", []):
        out.append(LabelTrack(lt.get("name", "Labels"), [Region.from_dict(r) for r in lt.get("regions", [])]))
    return out


# -- files ---------------------------------------------------------------------------------------------
def _store_owned(doc: Document, path: Path) -> None:
    """Audio the project owns (generated or recorded, ``source.owned``) is written as FLAC into
    ``<project>_audio/`` beside the manifest, then read from there."""
    folder = path.parent / f"{path.stem}_audio"
    for src in _sources(doc):
        if not getattr(src, "owned", False) or getattr(src, "missing", False):
            continue
        if Path(src.path).parent.absolute() == folder.absolute():
            continue  # already stored by an earlier save
        import soundfile as sf

        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{Path(src.path).stem}.flac"
        k = 2
        while target.exists():
            target = folder / f"{Path(src.path).stem}-{k}.flac"
            k += 1
        subtype = "PCM_24" if src.info.subtype not in ("PCM_16", "PCM_S8", "PCM_U8") else "PCM_16"
        with atomic.replacing(target) as tmp, sf.SoundFile(str(tmp), "w", src.sample_rate, src.channels,
                                                            subtype=subtype, format="FLAC") as f:
            for a in range(0, src.frames, 1 << 18):
                f.write(src.read(a, min(src.frames, a + (1 << 18))))
        # The manifest points at the project's copy from now on; this session keeps reading
        # the original (same samples), which its producer keeps until the tab closes.
        src.info.path = target


def save_project(doc: Document, path) -> Path:
    path = Path(path)
    if path.suffix.lower() != PROJECT_SUFFIX:
        path = path.with_name(path.name + PROJECT_SUFFIX)
    _store_owned(doc, path)
    manifest = to_manifest(doc, path.parent.absolute())
    atomic.write_bytes(path, json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8"))
    far = outside_files(manifest, path.parent.absolute())
    if far:
        trust(path, far)         # this machine wrote it: reopening it never asks
    doc.path = path
    doc.history.mark_clean()
    return path


def load_project(path, cache_dir=None, outside=None) -> tuple[Document, list[dict]]:
    """Open a project or a bundle; ``outside`` as for ``from_manifest`` (bundles read only what
    they hold, so it is never asked for them)."""
    path = Path(path)
    if path.suffix.lower() == BUNDLE_SUFFIX:
        return load_bundle(path, cache_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ProjectError(path, f"it cannot be read ({exc.strerror or exc})")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ProjectError(path, f"the file is damaged (not valid JSON: {str(exc)[:200]})")
    doc, missing = from_manifest(data, path.parent.absolute(), path, cache_dir, outside)
    doc.path = path
    doc.history.mark_clean()
    return doc, missing


def relink(doc: Document, missing_source: AudioSource, new_path, cache_dir=None) -> AudioSource:
    """Point every use of a missing source at the file's new place."""
    new = open_audio(new_path, cache_dir=cache_dir).load_all()
    if (new.sample_rate, new.channels) != (missing_source.sample_rate, missing_source.channels):
        new.close()
        raise AudioOpenError(new_path, f"it is {new.sample_rate} Hz with {new.channels} channel(s); "
                                       f"the project expects {missing_source.sample_rate} Hz with "
                                       f"{missing_source.channels}")
    for track in doc.tracks:
        clips = []
        for c in track.clips:
            if missing_source in c.audio.sources:
                segs = [s if s.source is not missing_source else type(s)(new, s.start, s.length, s.g0, s.g1)
                        for s in c.audio.segments]
                audio = c.audio.with_segments(segs)
                if c.audio.info is missing_source.info:
                    audio.info = new.info
                c = c.with_(audio=audio)
            clips.append(c)
        doc.raw_clips(track, tuple(clips))   # the same audio, found: not an edit
    return new


# -- bundles ---------------------------------------------------------------------------------------------
def save_bundle(doc: Document, path) -> Path:
    """One zip file with the manifest and a copy of every source, openable anywhere."""
    path = Path(path)
    if path.suffix.lower() != BUNDLE_SUFFIX:
        path = path.with_name(path.name + BUNDLE_SUFFIX)
    sources = _sources(doc)
    names: dict[AudioSource, str] = {}
    for k, src in enumerate(sources):
        names[src] = f"audio/{k + 1:02d}-{Path(src.path).name}"
    manifest = to_manifest(doc, None, path_for=lambda s: names[s])
    for entry, src in zip(manifest["sources"], sources):
        entry.pop("absolute", None)
        entry["path"] = names[src]
    with atomic.replacing(path) as tmp, zipfile.ZipFile(tmp, "w") as z:
        z.writestr("project.json", json.dumps(manifest, indent=1, ensure_ascii=False),
                   compress_type=zipfile.ZIP_DEFLATED)
        for src, name in names.items():
            if not getattr(src, "missing", False):
                z.write(src.path, name, compress_type=zipfile.ZIP_STORED)
    return path


MAX_BUNDLE_ENTRIES = 10_000
MAX_BUNDLE_RATIO = 50          # uncompressed bytes per stored byte: beyond this a zip is a bomb
CHUNK = 1 << 20


def load_bundle(path, cache_dir=None) -> tuple[Document, list[dict]]:
    """Open a bundle: extract it into the cache (checked member by member, bounded in size and
    count, never outside its folder; a failure leaves nothing behind) and open its project, whose
    sources must all be inside the bundle."""
    path = Path(path)
    from workbench.core.audio import default_cache_dir

    try:
        stat = path.stat()
    except OSError as exc:
        raise ProjectError(path, f"it cannot be read ({exc.strerror or exc})") from None
    digest = hashlib.sha1(f"{path.absolute()}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = (Path(cache_dir) if cache_dir else default_cache_dir().parent) / "bundles" / digest
    if not (folder / "project.json").exists():
        tmp = folder.with_name(folder.name + ".part")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            _extract(path, tmp, stat.st_size)
            tmp.rename(folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    try:
        data = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ProjectError(path, f"the bundle is damaged (its project: {str(exc)[:200]})") from None
    if isinstance(data, dict) and isinstance(data.get("sources"), list):
        for entry in data["sources"]:               # a bundle holds its audio: nothing else is read
            if isinstance(entry, dict):
                entry.pop("absolute", None)
                rel = entry.get("path")
                if not isinstance(rel, str) or not _inside(folder, folder / rel):
                    raise ProjectError(path, f"it names audio outside the bundle ({str(rel)[:80]})")
    doc, missing = from_manifest(data, folder, path, cache_dir)
    doc.path = None  # saving goes to a real project (or a new bundle), not into the cache
    doc.bundle = path
    doc.history.mark_clean()
    return doc, missing


def _inside(root: Path, target: Path) -> bool:
    """``target`` resolves to a place inside ``root`` (links followed; no prefix tricks)."""
    try:
        return target.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False


def _extract(path: Path, folder: Path, stored: int) -> None:
    """Every member of the zip at ``path`` into ``folder``, or ProjectError in words."""
    folder.mkdir(parents=True)
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            if len(members) > MAX_BUNDLE_ENTRIES:
                raise ProjectError(path, f"it holds {len(members)} files; a bundle holds at most "
                                         f"{MAX_BUNDLE_ENTRIES}")
            claimed = sum(m.file_size for m in members)
            room = shutil.disk_usage(folder).free
            if claimed > room:
                raise ProjectError(path, f"opening it needs {claimed / 1e6:.0f} MB and "
                                         f"{folder.parent} has {room / 1e6:.0f} MB free")
            limit = max(claimed, 1) + (1 << 20)
            if claimed > MAX_BUNDLE_RATIO * max(stored, 1) + (64 << 20):
                raise ProjectError(path, "it claims far more data than it stores (a zip bomb?)")
            written = 0
            for m in members:
                if m.flag_bits & 0x1:
                    raise ProjectError(path, "it is encrypted; bundles are not")
                target = folder / m.filename
                if not _inside(folder, target) or m.filename.startswith(("/", "\\")):
                    raise ProjectError(path, f"it contains an unsafe path: {m.filename[:80]}")
                if m.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(m) as src, open(target, "wb") as dst:
                    while True:
                        block = src.read(CHUNK)
                        if not block:
                            break
                        written += len(block)
                        if written > limit:    # more than the directory claimed
                            raise ProjectError(path, "it holds more data than it declares (damaged)")
                        dst.write(block)
    except ProjectError:
        raise
    except NotImplementedError as exc:
        raise ProjectError(path, f"it uses a compression this program cannot read ({exc})") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError, zlib.error) as exc:
        raise ProjectError(path, f"the bundle is damaged ({str(exc)[:200] or type(exc).__name__})") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise ProjectError(path, f"the disk is full: {folder.parent} has no room to open it") from None
        raise ProjectError(path, f"it cannot be opened ({exc.strerror or exc})") from None


# -- autosave and recovery ----------------------------------------------------------------------------
def recovery_dir() -> Path:
    from workbench.core.paths import data_dir

    return data_dir() / "recovery"


def write_recovery(doc: Document, key: str) -> Path:
    """The document's current state (absolute paths) where the next start will look for it."""
    manifest = to_manifest(doc, None)
    manifest["recovery"] = {"project": str(doc.path) if getattr(doc, "path", None) else None,
                            "title": doc.title, "pid": os.getpid()}
    target = recovery_dir() / f"{key}.json"
    atomic.write_bytes(target, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
    return target


def remove_recovery(key: str) -> None:
    try:
        (recovery_dir() / f"{key}.json").unlink()
    except OSError:
        pass


def list_recoveries() -> list[dict]:
    """Recovery files left by sessions that did not close cleanly, newest first."""
    found = []
    folder = recovery_dir()
    if not folder.is_dir():
        return found
    for f in folder.glob("*.json"):
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        pid = data.get("recovery", {}).get("pid")
        if pid and pid != os.getpid() and _alive(pid):
            continue  # another running workbench owns it
        found.append({"key": f.stem, "file": f, "title": data.get("recovery", {}).get("title", f.stem),
                      "project": data.get("recovery", {}).get("project"), "saved": data.get("saved"),
                      "data": data})
    return sorted(found, key=lambda r: r["file"].stat().st_mtime, reverse=True)


def restore_recovery(entry: dict, cache_dir=None) -> tuple[Document, list[dict]]:
    doc, missing = from_manifest(entry["data"], Path("/"), entry["file"], cache_dir)
    doc.path = Path(entry["project"]) if entry.get("project") else None
    return doc, missing  # history not marked clean: restored work is unsaved work


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
