"""Fuzz the label readers: seeded mutations of valid files in every label format (Audacity,
SRT, WebVTT, TextGrid, EAF, CSV, JSON, Raven), each read in a forked child with a time limit and
a memory cap.  Every input must be read, or refused with LabelFormatError; and whatever is read
must have finite times, so that it can be written back out.

    .venv/bin/python tests/fuzz/label_fuzz.py --count 10000 --seed 1     # the long run, by hand
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from audio_fuzz import ROOT, cap_memory, main, mutate, run  # noqa: E402,F401


def seeds() -> list[tuple[str, bytes]]:
    from workbench.formats.labels import FORMATS, Region

    regions = [Region(0.5, 1.25, "hello", speaker="Ann"), Region(2.0, 2.0, "a point"),
               Region(3.0, 4.5, "two words, with a comma; “quotes” and ünïcode", speaker="Bob B.")]
    tracks = [("Words", regions), ("Other", [Region(1.0, 2.0, "x")])]
    out = []
    for fmt in FORMATS:
        these = tracks if fmt.multi_track else tracks[:1]
        text = fmt.write(these, duration=5.0) if fmt.name == "Praat TextGrid" else fmt.write(these)
        out.append((fmt.extensions[0], text.encode("utf-8")))
        # the same file as Windows tools write it: UTF-16 with a byte-order mark, CRLF
        out.append((fmt.extensions[0], b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")))
    # tables and lines as other tools write them (issue 26)
    out.append((".csv", "Start (s),End (s),Scientific name,Common name,Confidence\n0,3,Turdus merula,"
                        "Eurasian Blackbird,0.85\n".encode("utf-8")))
    out.append((".vtt", b"WEBVTT\nKind: captions\nLanguage: en\n\n00:00:01.000 --> 00:00:02.000\nOne\n"
                        b"00:00:03.000 --> 00:00:04.000\nTwo\n"))
    out.append((".lab", b"0.0\t3.0\tEurasian Blackbird\t0.8541\n"))
    # Praat's own files: UTF-16 long, short and chronological text, and binary (tests/data/praat)
    from pathlib import Path

    for made in sorted((Path(__file__).resolve().parents[1] / "data" / "praat").glob("*.TextGrid")):
        out.append((".TextGrid", made.read_bytes()))
    return out


def _child(path: str, cache: str, queue) -> None:
    cap_memory()
    import math

    from workbench.formats.labels import LabelFormatError, read_labels, write_labels

    try:
        tracks = read_labels(path)
        for _, regions in tracks:
            for r in regions:
                if not (math.isfinite(r.start) and math.isfinite(r.end)):
                    raise AssertionError(f"a region with time {r.start}–{r.end} was accepted")
        write_labels(Path(cache).with_suffix(Path(path).suffix if not path.endswith(".selections.txt")
                                             else ".selections.txt"), tracks)
        queue.put(("ok", ""))
    except LabelFormatError as exc:
        queue.put(("refused", str(exc)[:200]))
    except BaseException as exc:   # noqa: BLE001 - what the fuzzer is looking for
        queue.put(("escaped", f"{type(exc).__name__}: {str(exc)[:200]}"))


def fuzz(count: int, seed: int, folder: Path, log=print) -> dict:
    return run(count, seed, folder, log=log, base=seeds(), child_target=_child)


if __name__ == "__main__":
    sys.exit(main(fuzz, "mutated label files"))
