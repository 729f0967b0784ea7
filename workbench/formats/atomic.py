"""Atomic file replacement: write a temporary file beside the target, fsync it, rename it over
the target, fsync the folder.  A crash or kill at any instant leaves the old file or the new
one, never half of either; a failure removes the temporary file.  No Qt."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(path):
    """``with replacing(target) as tmp:`` write ``tmp``; on success it becomes ``target``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp" + path.suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as f:
            if hasattr(os, "fchmod"):   # not on Windows, where files have no such modes
                os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


def _mode_for(path: Path) -> int:
    """The permissions the saved file gets: the existing file's, else what the umask gives a new
    file (mkstemp's temporary file is 0600 whatever the umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_bytes(path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def os_reason(exc: OSError) -> str:
    """Why a write failed, in words: a full disk, a read-only folder, ..."""
    import errno

    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder cannot be written to (read-only, or no permission)"
    return exc.strerror or str(exc)


def write_text(path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def fsync_dir(folder) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
