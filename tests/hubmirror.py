"""A Hugging Face Hub on 127.0.0.1, for tests: it serves folders laid out as ``ROOT/org/name/...``
through the endpoints huggingface_hub and the workbench's downloader use, the way the Hub answers
them:

- ``GET /api/models/{repo}/revision/{rev}?blobs=true``: id, commit sha and siblings with sizes,
  blob ids and, for large files, LFS sha256;
- ``HEAD /{repo}/resolve/{rev}/{file}``: ETag, X-Repo-Commit and size; large ("LFS") files answer
  302 to an absolute CDN address with X-Linked-Etag and X-Linked-Size, as the Hub does;
- ``GET`` on either, with Range requests answered 206.

The CDN is a second server on another port, so huggingface_hub treats it as another origin.
Faults for the tests: ``rate`` throttles bodies (bytes a second), ``cut_after`` closes the next
bodies longer than so many bytes after that many, ``fail_next`` answers 503 to the next requests, ``expire_next`` 403 to the next CDN GETs.  ``log`` records
(method, path, Range header).

Uploads, as ``HfApi.create_repo`` and ``upload_folder`` make them, with ``token`` required in
the Authorization header (401 without it): ``POST /api/repos/create``, ``POST
/api/models/{repo}/preupload/{rev}`` (every file "regular": its bytes travel in the commit) and
``POST /api/models/{repo}/commit/{rev}`` (NDJSON: a header, then base64 files), which writes the
files into the repository's folder; ``POST /api/validate-yaml`` parses a model card's metadata.  ``private`` records each created repository's visibility.

Lies, for the security tests: ``lie_commit`` is the commit id the API answers, ``lie_names`` maps
a file's real name to the name the API lists (and the resolve address serves it under), and
``lie_etag`` is the ETag every resolve answers.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

LFS_FROM = 4096   # files at least this big are served like LFS files


class HubMirror:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.rate: float | None = None
        self.cut_after: list[int] = []     # one entry per body still to cut
        self.fail_next = 0
        self.expire_next = 0               # CDN GETs that answer 403, as an expired signed URL does
        self.log: list[tuple[str, str, str | None]] = []
        self.lie_commit: str | None = None
        self.lie_names: dict[str, str] = {}
        self.lie_etag: str | None = None
        self.token = "hf_mirror_token"
        self.private: dict[str, bool] = {}
        # the Hub, and a CDN on another origin (the Hub sends large files' bytes from one)
        self.servers = [ThreadingHTTPServer(("127.0.0.1", 0), self._handler()) for _ in range(2)]
        for server in self.servers:
            server.daemon_threads = True
        self.endpoint, self.cdn = (f"http://127.0.0.1:{s.server_address[1]}" for s in self.servers)

    def __enter__(self):
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        for server in self.servers:
            server.shutdown()
            server.server_close()

    # -- the repository data ----------------------------------------------------------------
    def commit(self, repo: str) -> str:
        if self.lie_commit is not None:
            return self.lie_commit
        files = sorted(p for p in (self.root / repo).rglob("*") if p.is_file())
        digest = hashlib.sha1(repo.encode())
        for p in files:
            digest.update(p.relative_to(self.root / repo).as_posix().encode() + p.read_bytes())
        return digest.hexdigest()

    def siblings(self, repo: str) -> list[dict]:
        out = []
        for p in sorted(p for p in (self.root / repo).rglob("*") if p.is_file()):
            data = p.read_bytes()
            name = p.relative_to(self.root / repo).as_posix()
            entry = {"rfilename": self.lie_names.get(name, name), "size": len(data),
                     "blobId": git_sha1(data)}
            if len(data) >= LFS_FROM:
                entry["lfs"] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
                                "pointerSize": 134}
                entry["size"] = 134
            out.append(entry)
        return out

    def by_sha256(self, sha: str) -> Path | None:
        for p in self.root.rglob("*"):
            if p.is_file() and p.stat().st_size >= LFS_FROM and hashlib.sha256(p.read_bytes()).hexdigest() == sha:
                return p
        return None

    # -- HTTP ---------------------------------------------------------------------------------
    def _handler(self):
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self._answer(body=False)

            def do_GET(self):
                self._answer(body=True)

            def do_POST(self):
                path = unquote(urlparse(self.path).path)
                mirror.log.append(("POST", path, None))
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                if self.headers.get("Authorization") != f"Bearer {mirror.token}":
                    return self._status(401, b'{"error": "Invalid credentials in Authorization header"}')
                parts = path.strip("/").split("/")
                if parts == ["api", "validate-yaml"]:       # a model card's metadata header
                    import yaml

                    text = json.loads(body)["content"]
                    header = text.split("---")[1] if text.startswith("---") else ""
                    try:
                        meta = yaml.safe_load(header) or {}
                        ok = isinstance(meta, dict)
                    except yaml.YAMLError:
                        ok = False
                    if not ok:
                        return self._status(400, b'{"errors": [{"message": "the metadata is not YAML"}]}')
                    return self._json({"errors": [], "warnings": []})
                if parts == ["api", "repos", "create"]:
                    asked = json.loads(body)
                    repo = f"{asked['organization']}/{asked['name']}" if asked.get("organization") else asked["name"]
                    folder = mirror.root / repo
                    if folder.exists() and not asked.get("exist_ok", True):
                        return self._status(409, b'{"error": "You already created this model repo"}')
                    folder.mkdir(parents=True, exist_ok=True)
                    mirror.private[repo] = asked.get("private", False) or asked.get("visibility") == "private"
                    return self._json({"url": f"{mirror.endpoint}/{repo}", "name": repo})
                if parts[:2] == ["api", "models"] and len(parts) >= 6 and parts[4] in ("preupload", "commit"):
                    repo = "/".join(parts[2:4])
                    if not (mirror.root / repo).is_dir():
                        return self._status(404, b"Repository not found", [("X-Error-Code", "RepoNotFound")])
                    if parts[4] == "preupload":
                        files = json.loads(body)["files"]
                        return self._json({"files": [{"path": f["path"], "uploadMode": "regular",
                                                      "shouldIgnore": False, "oid": None} for f in files]})
                    import base64

                    for line in body.splitlines():
                        item = json.loads(line)
                        if item["key"] == "file":
                            target = mirror.root / repo / item["value"]["path"]
                            if not _inside(mirror.root / repo, target):
                                return self._status(400, b"bad path")
                            target.parent.mkdir(parents=True, exist_ok=True)
                            target.write_bytes(base64.b64decode(item["value"]["content"]))
                    commit = mirror.commit(repo)
                    return self._json({"commitUrl": f"{mirror.endpoint}/{repo}/commit/{commit}",
                                       "commitOid": commit, "pullRequestUrl": None})
                return self._status(404, b"not found")

            def _json(self, data):
                text = json.dumps(data).encode()
                return self._status(200, text, [("Content-Type", "application/json")])

            def _answer(self, body: bool):
                path = unquote(urlparse(self.path).path)
                mirror.log.append((self.command, path, self.headers.get("Range")))
                if mirror.fail_next > 0:
                    mirror.fail_next -= 1
                    return self._status(503, b"busy")
                parts = path.strip("/").split("/")
                if parts[:2] == ["api", "models"] and len(parts) >= 6 and parts[4] == "revision":
                    return self._info("/".join(parts[2:4]), parts[5])
                if len(parts) >= 5 and parts[2] == "resolve":
                    return self._resolve("/".join(parts[:2]), parts[3], "/".join(parts[4:]), body)
                if parts[0] == "cdn" and len(parts) == 2:
                    if mirror.expire_next > 0 and self.command == "GET":
                        mirror.expire_next -= 1
                        return self._status(403, b"Request has expired")
                    file = mirror.by_sha256(parts[1])
                    if file is None:
                        return self._status(404, b"no such blob")
                    return self._file(file.read_bytes(), body, {})
                return self._status(404, b"not found")

            def _status(self, code, text, headers=()):
                self.send_response(code)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(text)

            def _repo_ok(self, repo, rev):
                if not (mirror.root / repo).is_dir():
                    self._status(404, b"Repository not found", [("X-Error-Code", "RepoNotFound")])
                    return None
                commit = mirror.commit(repo)
                if rev not in ("main", commit):
                    self._status(404, b"Revision not found", [("X-Error-Code", "RevisionNotFound")])
                    return None
                return commit

            def _info(self, repo, rev):
                commit = self._repo_ok(repo, rev)
                if commit is None:
                    return
                data = json.dumps({"id": repo, "modelId": repo, "sha": commit,
                                   "siblings": mirror.siblings(repo)}).encode()
                self._status(200, data, [("Content-Type", "application/json")])

            def _resolve(self, repo, rev, name, body):
                commit = self._repo_ok(repo, rev)
                if commit is None:
                    return
                real = {v: k for k, v in mirror.lie_names.items()}.get(name, name)
                file = mirror.root / repo / real
                if not file.is_file():
                    return self._status(404, b"Entry not found", [("X-Error-Code", "EntryNotFound")])
                data = file.read_bytes()
                if len(data) >= LFS_FROM:
                    sha = hashlib.sha256(data).hexdigest()
                    return self._status(302, b"", [
                        ("Location", f"{mirror.cdn}/cdn/{sha}"), ("X-Repo-Commit", commit),
                        ("X-Linked-Etag", f'"{mirror.lie_etag or sha}"'), ("X-Linked-Size", str(len(data))),
                        ("ETag", f'"{mirror.lie_etag or git_sha1(data)}"')])
                return self._file(data, body, {"X-Repo-Commit": commit,
                                               "ETag": f'"{mirror.lie_etag or git_sha1(data)}"'})

            def _file(self, data, body, headers):
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes="):
                    start = int(rng[6:].split("-")[0])
                    if start >= len(data):
                        return self._status(416, b"")
                chunk = data[start:]
                self.send_response(206 if start else 200)
                for k, v in headers.items():
                    self.send_header(k, v)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(len(chunk)))
                self.end_headers()
                if not body:
                    return
                cut = mirror.cut_after.pop(0) if mirror.cut_after and len(chunk) > mirror.cut_after[0] else None
                sent, step = 0, 16384
                try:
                    while sent < len(chunk):
                        if cut is not None and sent >= cut:
                            self.close_connection = True
                            self.connection.shutdown(2)  # the connection drops mid-file
                            return
                        piece = chunk[sent:sent + step]
                        self.wfile.write(piece)
                        self.wfile.flush()
                        sent += len(piece)
                        if mirror.rate:
                            time.sleep(len(piece) / mirror.rate)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True

        return Handler


def git_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _inside(root: Path, target: Path) -> bool:
    try:
        target.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False
