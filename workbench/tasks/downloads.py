"""Models from the Hugging Face Hub into the standard cache: per-file progress with sizes,
Cancel, resume and retries.  No Qt.

huggingface_hub does what it is the authority on: the file list (``model_info``), each file's
metadata (``get_hf_file_metadata``: etag, size, commit, where the bytes are), the URLs and the
endpoint (``HF_ENDPOINT``), the token and user agent, the HTTP session, the cache folder names.
The bytes themselves are moved here, because huggingface_hub 2.x downloads into a temporary file
unique to the process and deletes it when a download stops: a cancelled or killed 3 GB download
would start again from zero.  Here the partial file stays beside its blob (``<etag>.part``) and the
next try asks for the rest with a Range request; the finished file is checked against its etag
(sha256 for LFS files, git's sha1 otherwise) and laid out exactly as huggingface_hub lays it out
(``blobs/<etag>``, ``snapshots/<commit>/<name>`` linking to it, ``refs/<revision>``), so
transformers, the ``hf`` command and ``scan_cache_dir`` see it as any other cached model.

Only the files a transformers model needs are fetched: with safetensors present, pickled torch
weights (``.bin``) are skipped, and other frameworks' weights (TensorFlow, Flax, ONNX, GGUF, ...)
always are.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlparse

from workbench.tasks.events import Progress, TaskCancelled, TaskError

CHUNK = 1 << 20
READ_TIMEOUT_S = 2.0      # short, so Cancel is seen within seconds even on a stalled connection
PROGRESS_EVERY_S = 0.1  # progress events at most this often: a 3 GB file is 50,000 blocks
STALL_LIMIT_S = 60.0      # no byte for this long (across reconnects): give up
OTHER_FRAMEWORKS = (".h5", ".msgpack", ".ot", ".onnx", ".onnx_data", ".tflite", ".mlmodel",
                    ".gguf", ".ggml", ".nemo", ".keras")
OTHER_FOLDERS = ("onnx/", "openvino/", "coreml/", "tf/", "flax/", "ggml/", "gguf/", "mlx/")
PICKLES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
NOT_NEEDED = (".md", ".gitattributes", ".png", ".jpg", ".jpeg", ".gif", ".ipynb", ".py")


class HubUnreachable(TaskError):
    """No answer from the Hub (no network, no DNS, refused, timed out)."""


@dataclass
class RemoteFile:
    name: str
    size: int | None


def is_hub_id(checkpoint: str) -> bool:
    """``org/name`` or ``name`` as the Hub spells them, and not a folder on this machine."""
    if not checkpoint or Path(checkpoint).expanduser().exists():
        return False
    return re.fullmatch(r"[\w.-]+(/[\w.-]+)?", checkpoint) is not None and ".." not in checkpoint


def needed(names: list[str]) -> list[str]:
    """The files a transformers model needs: no other frameworks' weights, no pickles when
    safetensors are there (they are never loaded then), no model-card pictures, no code
    (``trust_remote_code`` stays off, so it would never run)."""
    has_safetensors = any(n.endswith(".safetensors") for n in names)
    out = []
    for name in names:
        low = name.lower()
        if low.endswith(OTHER_FRAMEWORKS) or low.startswith(OTHER_FOLDERS) or low.endswith(NOT_NEEDED):
            continue
        if has_safetensors and low.endswith(PICKLES):
            continue
        out.append(name)
    return out


COMMIT = re.compile(r"[0-9a-f]{40}")
CHECKSUM = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


def safe_name(name) -> bool:
    """A relative path of ordinary parts: what huggingface_hub accepts as a pointer path."""
    if not isinstance(name, str) or not name or len(name) > 1024 or "\\" in name or "\0" in name:
        return False
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _contained(root: Path, path: Path, what: str) -> None:
    """``path`` (links followed) lies inside ``root``, or TaskError: nothing is written elsewhere."""
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        inside = False
    if not inside:
        raise TaskError(f"{what}: the cache has a link that leads outside it ({path}); "
                        f"nothing was written there")


def plan(repo_id: str, revision: str | None = None, *, endpoint: str | None = None,
         token: str | bool | None = None) -> tuple[str, list[RemoteFile]]:
    """The commit a revision points at and the files to fetch, with their sizes."""
    from huggingface_hub import HfApi

    info = HfApi(endpoint=endpoint, token=token).model_info(repo_id, revision=revision, files_metadata=True)
    sizes = {s.rfilename: (s.lfs.size if s.lfs else s.size) for s in info.siblings or []}
    return info.sha, [RemoteFile(n, sizes[n]) for n in needed(sorted(sizes))]


def storage_folder(repo_id: str, cache_dir: str | os.PathLike | None = None) -> Path:
    from huggingface_hub import constants
    from huggingface_hub.file_download import repo_folder_name

    return Path(cache_dir or constants.HF_HUB_CACHE) / repo_folder_name(repo_id=repo_id, repo_type="model")


def human(size: float | None) -> str:
    """A byte count as people read it: 150.0 KB, 1.5 GB."""
    if size is None:
        return "? MB"
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return ""


def download(repo_id: str, revision: str | None = None, *, cache_dir=None, endpoint: str | None = None,
             token: str | bool | None = None, cancelled=lambda: False, retries: int = 5,
             backoff_s: float = 0.5, stall_limit_s: float = STALL_LIMIT_S):
    """Generator: fetch what ``repo_id`` needs into the cache, yielding Progress (fraction of
    all bytes; the message names the file, how much of it and how fast); returns the snapshot
    folder.  Files already there are not fetched again; a partial file left by a cancelled or
    failed try is continued.  Network errors and 5xx/429 answers are retried ``retries`` times
    in a row with growing pauses."""
    from huggingface_hub import constants
    from huggingface_hub.errors import (GatedRepoError, HFValidationError, RepositoryNotFoundError,
                                        RevisionNotFoundError)
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(repo_id)
    except HFValidationError:
        raise TaskError(f"“{repo_id}” is not a model id: a Hub id looks like org/name (letters, "
                        f"digits, '-', '_' and '.'), or give a local folder") from None
    revision = revision or constants.DEFAULT_REVISION
    endpoint = endpoint or constants.ENDPOINT   # read now: HF_ENDPOINT, or what a test set
    yield Progress(0.0, f"Asking the Hub about {repo_id}", "download")
    try:
        commit, files = _retrying(lambda: plan(repo_id, revision, endpoint=endpoint, token=token),
                                  retries, backoff_s, cancelled)
    except GatedRepoError as exc:
        raise TaskError(f"{repo_id} is gated: accept its terms on huggingface.co and log in with "
                        f"`hf auth login`") from exc
    except RevisionNotFoundError as exc:
        raise TaskError(f"{repo_id} has no revision “{revision}”") from exc
    except RepositoryNotFoundError as exc:
        raise TaskError(f"there is no model “{repo_id}” on the Hub (or it is private: log in "
                        f"with `hf auth login`)") from exc
    except OSError as exc:
        raise HubUnreachable(f"the Hub could not be reached for {repo_id}: {exc}. Check the "
                             f"network, or choose a local model folder") from exc
    if not files:
        raise TaskError(f"{repo_id} has no files a transformers model can load")
    # everything the Hub (or whatever answers at HF_ENDPOINT) sends becomes a path: check it
    if not isinstance(commit, str) or not COMMIT.fullmatch(commit):
        raise TaskError(f"the Hub answered {repo_id} with a commit id that is not one "
                        f"({str(commit)[:60]!r}); nothing was downloaded")
    for f in files:
        if not safe_name(f.name):
            raise TaskError(f"the Hub listed a file of {repo_id} with a name that is not safe to "
                            f"write ({f.name[:80]!r}); nothing was downloaded")
    if not safe_name(revision):
        raise TaskError(f"“{revision}” is not a revision name")
    storage = storage_folder(repo_id, cache_dir)
    snapshot = storage / "snapshots" / commit
    total = sum(f.size or 0 for f in files) or 1
    done = 0
    for k, f in enumerate(files, 1):
        if (snapshot / f.name).exists():
            done += f.size or 0
            continue
        label = f"{repo_id}: file {k} of {len(files)}, {f.name}"
        base = done
        # by commit, not branch: every file from the same commit even if the branch moves meanwhile
        for got, size, rate in _fetch(repo_id, f, commit, storage, snapshot, endpoint, token, cancelled,
                                      retries, backoff_s, stall_limit_s):
            yield Progress(min(1.0, (base + got) / total),
                           f"Downloading {label}: {human(got)} of {human(size)}"
                           + (f", {human(rate)}/s" if rate else ""), "download")
        done += f.size or 0
    if revision != commit:
        ref = storage / "refs" / revision
        ref.parent.mkdir(parents=True, exist_ok=True)
        tmp = ref.with_name(ref.name + f".{os.getpid()}.tmp")
        tmp.write_text(commit)
        os.replace(tmp, ref)
    yield Progress(1.0, f"{repo_id} is in the cache", "download")
    return str(snapshot)


def _http():
    """The HTTP library huggingface_hub's session is made with (httpx for 1.x, httpx2 for 2.x),
    for its exception and timeout classes."""
    import importlib

    from huggingface_hub.utils import get_session

    return importlib.import_module(type(get_session()).__module__.split(".")[0])


def _retrying(call, retries, backoff_s, cancelled):
    from huggingface_hub.errors import HfHubHTTPError

    http = _http()

    for attempt in range(retries + 1):
        try:
            return call()
        except (http.TransportError, HfHubHTTPError) as exc:
            status = getattr(getattr(exc, "response", None), "status_code", None)
            transient = status is None or status in (408, 429) or status >= 500
            if isinstance(exc, http.ConnectError):
                transient = False   # no route, no DNS, refused: offline, say so at once
            if not transient or attempt == retries:
                if isinstance(exc, http.TransportError):
                    raise OSError(str(exc)) from exc
                raise
            _pause(backoff_s * 2 ** attempt, cancelled)


def _pause(seconds: float, cancelled) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if cancelled():
            raise TaskCancelled()
        time.sleep(min(0.05, max(0.0, end - time.monotonic())))


def _fetch(repo_id, f: RemoteFile, revision, storage: Path, snapshot: Path, endpoint, token,
           cancelled, retries, backoff_s, stall_limit_s):
    """One file into blobs/ and linked from the snapshot; yields (bytes so far, size, bytes/s)."""
    from filelock import FileLock, Timeout
    from huggingface_hub import get_hf_file_metadata
    from huggingface_hub.utils import build_hf_headers, get_session

    # the Hub's resolve address (as hf_hub_url writes it; that one keeps the endpoint it was
    # imported with unless the default is still in place)
    url = f"{endpoint.rstrip('/')}/{repo_id}/resolve/{quote(revision, safe='')}/{quote(f.name)}"

    def metadata():
        try:
            return _retrying(lambda: get_hf_file_metadata(url, token=token, endpoint=endpoint),
                             retries, backoff_s, cancelled)
        except OSError as exc:
            raise HubUnreachable(f"the Hub could not be reached for {repo_id}/{f.name}: {exc}") from exc

    meta = metadata()
    if not meta.etag or not CHECKSUM.fullmatch(meta.etag):
        # the etag names the cached file and is its checksum (sha256 for large files, git's sha1
        # for small ones): one that is neither cannot be verified, nor used as a name
        raise TaskError(f"the Hub gave {repo_id}/{f.name} a checksum that cannot be verified "
                        f"({str(meta.etag)[:80]!r}); it was not downloaded")
    size = meta.size if meta.size is not None else f.size
    blobs = storage / "blobs"
    blobs.mkdir(parents=True, exist_ok=True)
    _contained(storage, blobs, f"{repo_id}/{f.name}")
    blob = blobs / meta.etag
    part = blobs / (meta.etag + ".part")
    lock = FileLock(str(part) + ".lock")
    while True:  # another process fetching the same file: wait for it, still cancellable
        try:
            lock.acquire(timeout=0.2)
            break
        except Timeout:
            if cancelled():
                raise TaskCancelled() from None
    try:
        if not blob.exists():
            _room_for(blobs, (size or 0) - (part.stat().st_size if part.exists() else 0), f"{repo_id}/{f.name}")
            headers = build_hf_headers(token=token)
            headers["Accept-Encoding"] = "identity"
            for renewal in range(3):
                location = meta.location
                request = dict(headers)
                if urlparse(location).netloc != urlparse(url).netloc:
                    request.pop("authorization", None)  # never hand the token to a CDN
                try:
                    yield from _transfer(get_session(), _http(), location, request, part, size, cancelled,
                                         retries, backoff_s, stall_limit_s, f"{repo_id}/{f.name}")
                    break
                except _Expired:
                    if renewal == 2:
                        raise TaskError(f"{repo_id}/{f.name}: the server keeps refusing the download "
                                        f"(403); what arrived is kept") from None
                    meta = metadata()   # a CDN's signed address lasts about an hour: ask again
            _verify(part, meta.etag, size, f"{repo_id}/{f.name}")
            os.replace(part, blob)
        else:
            yield (size or 0, size, 0.0)
        _link(blob, snapshot / f.name)
    finally:
        lock.release()


def _transfer(session, http, location, headers, part: Path, size, cancelled, retries, backoff_s,
              stall_limit_s, what):
    failures = 0
    last_byte = time.monotonic()
    rate, window = 0.0, (time.monotonic(), part.stat().st_size if part.exists() else 0)
    while True:
        have = part.stat().st_size if part.exists() else 0
        if size is not None and have >= size:
            return
        yield (have, size, rate)
        request = dict(headers)
        if have:
            request["Range"] = f"bytes={have}-"
        try:
            timeout = http.Timeout(10.0, read=READ_TIMEOUT_S)
            with session.stream("GET", location, headers=request, timeout=timeout,
                                follow_redirects=True) as response:
                if response.status_code == 416 and have:  # nothing left to send: the part is whole
                    return
                if response.status_code == 403 and "Authorization" not in request and "authorization" not in request:
                    raise _Expired()
                if response.status_code in (408, 429) or response.status_code >= 500:
                    raise _Transient(f"the server answered {response.status_code}")
                if response.status_code >= 400:
                    raise TaskError(f"{what}: the server answered {response.status_code}")
                mode = "ab" if have and response.status_code == 206 else "wb"
                with _disk_full_says_so(part, what), open(part, mode) as out:
                    shown = 0.0
                    for block in response.iter_bytes():   # as it arrives: Cancel is seen at once
                        out.write(block)
                        failures = 0
                        now = time.monotonic()
                        last_byte = now
                        if now - window[0] >= 0.5:
                            pos = out.tell()
                            rate = (pos - window[1]) / (now - window[0])
                            window = (now, pos)
                        if cancelled():
                            raise TaskCancelled()
                        if now - shown >= PROGRESS_EVERY_S:
                            shown = now
                            yield (out.tell(), size, rate)
            have = part.stat().st_size
            if size is None or have >= size:
                return
            raise _Transient("the connection closed early")
        except (http.TimeoutException, http.TransportError, _Transient) as exc:
            if cancelled():
                raise TaskCancelled() from None
            stalled = isinstance(exc, http.TimeoutException)
            if not stalled:
                failures += 1
            if failures > retries or time.monotonic() - last_byte > stall_limit_s:
                raise TaskError(f"{what}: the download failed after {failures} tries ({exc}); "
                                f"what arrived is kept and the next try continues from there") from exc
            if not stalled:
                _pause(backoff_s * 2 ** (failures - 1), cancelled)


class _Transient(Exception):
    pass


class _Expired(Exception):
    """A CDN refused a signed address (they expire): the Hub gives a fresh one."""


def _room_for(folder: Path, needed: int, what: str) -> None:
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise TaskError(f"the disk is full for {what}: it needs {human(needed)} more and "
                        f"{human(free)} is free in {folder}. Free some space (File ▸ Models ▸ "
                        f"Delete) or move the cache elsewhere with HF_HOME; what arrived is kept")


class _disk_full_says_so:
    """A write that fails for want of space becomes a message that says so (not a traceback)."""

    def __init__(self, part: Path, what: str) -> None:
        self.part, self.what = part, what

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        import errno

        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise TaskError(f"the disk filled up while downloading {self.what} into "
                            f"{self.part.parent}; free some space and download again: it continues "
                            f"from the {human(self.part.stat().st_size)} already here") from exc
        return False


def _verify(part: Path, etag: str, size: int | None, what: str) -> None:
    have = part.stat().st_size
    if size is not None and have != size:
        part.unlink()
        raise TaskError(f"{what}: got {have} bytes where the Hub said {size}; the partial file "
                        f"was removed, try again")
    if re.fullmatch(r"[0-9a-f]{64}", etag):
        digest = hashlib.sha256()
    elif re.fullmatch(r"[0-9a-f]{40}", etag):
        digest = hashlib.sha1(b"blob %d\0" % have)   # git's blob id
    else:   # never kept unverified (download() refuses such etags before fetching)
        part.unlink()
        raise TaskError(f"{what}: its checksum cannot be verified; it was removed")
    with open(part, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    if digest.hexdigest() != etag:
        part.unlink()
        raise TaskError(f"{what}: the file arrived damaged (checksum differs); it was removed, try again")


def _link(blob: Path, pointer: Path) -> None:
    """snapshots/<commit>/<name> -> ../../blobs/<etag>, relative like huggingface_hub's; where
    the system refuses links (Windows without developer mode) the file is copied instead."""
    pointer.parent.mkdir(parents=True, exist_ok=True)
    _contained(blob.parent.parent, pointer.parent, str(pointer.name))   # no planted link to elsewhere
    if pointer.exists() or pointer.is_symlink():
        pointer.unlink()
    try:
        os.symlink(os.path.relpath(blob, pointer.parent), pointer)
    except OSError:
        shutil.copyfile(blob, pointer)


def cached_snapshot(repo_id: str, revision: str | None = None, cache_dir=None) -> str | None:
    """The cached snapshot folder of ``repo_id`` at ``revision`` (a branch, tag or commit), if
    it holds a config (a transformers config.json, or a diffusers pipeline's model_index.json);
    None when the model was never fetched."""
    from huggingface_hub import constants

    storage = storage_folder(repo_id, cache_dir)
    revision = revision or constants.DEFAULT_REVISION
    ref = storage / "refs" / revision
    commit = ref.read_text().strip() if ref.exists() else revision
    folder = storage / "snapshots" / commit
    return str(folder) if any((folder / name).exists() for name in ("config.json", "model_index.json")) else None
