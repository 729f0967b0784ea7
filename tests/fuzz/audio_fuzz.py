"""Fuzz the audio readers: seeded mutations of valid WAV, AIFF, FLAC, MP3 and AU files, each opened and
loaded in a forked child with a time limit and a memory cap.  Every input must open, or be
refused with AudioOpenError: no other exception, no crash, no hang, no memory blow-up.

    .venv/bin/python tests/fuzz/audio_fuzz.py --count 10000 --seed 1     # the long run, by hand

tests/fuzz/test_audio_fuzz.py runs a short seeded run of the same harness in the suite.
"""
from __future__ import annotations

import argparse
import io
import multiprocessing as mp
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TIME_LIMIT_S = 10.0
MEMORY_CAP = 1 << 30          # bytes of address space a child may take on top of what it has: 1 GiB


def seeds() -> list[tuple[str, bytes]]:
    """Small valid files in the formats the readers parse themselves (WAV, AIFF) and ones that
    libsndfile decodes (FLAC, MP3, AU: short reads of the last two crashed the window once)."""
    import soundfile as sf

    rng = np.random.default_rng(0)
    x = (0.3 * rng.standard_normal((2000, 2))).astype(np.float32)
    out = []
    for ext, fmt, sub in ((".wav", "WAV", "PCM_16"), (".wav", "WAV", "FLOAT"), (".aiff", "AIFF", "PCM_24"),
                          (".flac", "FLAC", "PCM_16"), (".mp3", "MP3", "MPEG_LAYER_III"),
                          (".au", "AU", "PCM_16")):
        buf = io.BytesIO()
        sf.write(buf, x, 16000, format=fmt, subtype=sub)
        out.append((ext, buf.getvalue()))
    return out


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four edits, biased to the header where the parsers decide sizes and rates."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(("flip", "byte", "int", "cut", "dup", "zero"))
        pos = rng.randrange(min(len(b), 80)) if rng.random() < 0.8 else rng.randrange(len(b))
        if op == "flip":
            b[pos] ^= 1 << rng.randrange(8)
        elif op == "byte":
            b[pos] = rng.randrange(256)
        elif op == "int":        # a size, rate or count field made huge, zero or negative
            value = rng.choice((0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, rng.randrange(1 << 32)))
            b[pos:pos + 4] = value.to_bytes(4, rng.choice(("little", "big")))
        elif op == "cut" and len(b) > 1:
            del b[rng.randrange(1, len(b)):]
        elif op == "dup":
            b[pos:pos] = b[pos:pos + rng.randrange(1, 64)]
        else:
            b[pos:pos + rng.randrange(1, 16)] = bytes(min(16, len(b) - pos))
        if not b:
            b = bytearray(b"\0")
    return bytes(b)


def cap_memory() -> None:
    """In a child: at most MEMORY_CAP more bytes of address space than it has now."""
    import resource

    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        import psutil

        cap = psutil.Process().memory_info().vms + MEMORY_CAP
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except Exception:   # noqa: BLE001 - no cap where it cannot be set; the time limit still holds
        pass


def _child(path: str, cache: str, queue) -> None:
    cap_memory()
    from workbench.core.audio import AudioOpenError, open_audio

    try:
        src = open_audio(path, cache_dir=Path(cache))
        src.load_all()
        src.read(0, min(src.frames, 4096))
        src.close()
        queue.put(("ok", ""))
    except AudioOpenError as exc:
        queue.put(("refused", str(exc)[:200]))
    except BaseException as exc:   # noqa: BLE001 - what the fuzzer is looking for
        queue.put(("escaped", f"{type(exc).__name__}: {str(exc)[:200]}"))


def run(count: int, seed: int, folder: Path, log=print, base=None, child_target=None,
        mutator=None) -> dict:
    """Mutate and open ``count`` files; returns counts and the failures (escapes, crashes, hangs).
    ``base`` (valid files as (extension, bytes)), ``child_target`` (opens one file in the child)
    and ``mutator`` (bytes, rng -> bytes) default to the audio readers; label_fuzz.py and
    project_fuzz.py pass their own."""
    ctx = mp.get_context("fork")
    rng = random.Random(seed)
    base = base or seeds()
    child_target = child_target or _child
    mutator = mutator or mutate
    results = {"ok": 0, "refused": 0, "escaped": [], "crashed": [], "hung": []}
    t0 = time.monotonic()
    for i in range(count):
        ext, data = base[i % len(base)]
        mutated = mutator(data, rng)
        path = folder / f"case{i}{ext}"
        path.write_bytes(mutated)
        queue = ctx.Queue()
        child = ctx.Process(target=child_target, args=(str(path), str(folder / "cache"), queue))
        child.start()
        child.join(TIME_LIMIT_S)
        if child.is_alive():
            child.kill()
            child.join()
            results["hung"].append(str(path))
            continue
        try:
            outcome, detail = queue.get(timeout=1.0)
        except Exception:   # noqa: BLE001 - died without a word: a crash (or the memory cap)
            results["crashed"].append(f"{path} (exit {child.exitcode})")
            continue
        if outcome == "escaped":
            results["escaped"].append(f"{path}: {detail}")
        else:
            results[outcome] += 1
            path.unlink()
        if log and (i + 1) % 500 == 0:
            log(f"{i + 1}/{count}: {results['ok']} opened, {results['refused']} refused, "
                f"{len(results['escaped'])} escaped, {len(results['crashed'])} crashed, "
                f"{len(results['hung'])} hung ({time.monotonic() - t0:.0f} s)")
    results["seconds"] = round(time.monotonic() - t0, 1)
    return results


def main(fuzz=None, what: str = "mutated files") -> int:
    """The long run by hand: ``--count N --seed S``; prints the figures and the first failures.
    ``fuzz(count, seed, folder)`` defaults to the audio readers (label_fuzz, project_fuzz pass theirs)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    fuzz = fuzz or run
    with tempfile.TemporaryDirectory() as tmp:
        r = fuzz(args.count, args.seed, Path(tmp))
        print(f"{args.count} {what} in {r['seconds']} s: {r['ok']} opened or read, {r['refused']} refused "
              f"with a message, {len(r['escaped'])} escaped, {len(r['crashed'])} crashed, "
              f"{len(r['hung'])} hung")
        for kind in ("escaped", "crashed", "hung"):
            for line in r[kind][:30]:
                print(f"  {kind}: {line}")
    return 0 if not (r["escaped"] or r["crashed"] or r["hung"]) else 1


if __name__ == "__main__":
    sys.exit(main())
