"""Label import speed, each figure next to a baseline from the same run:

    .venv/bin/python tests/benchmarks/bench_labels.py [--json]

- a Praat TextGrid of 100,000 labelled intervals (199,999 with the gaps Praat fills in), long
  format: the workbench reader vs praatio's ``openTextgrid`` (the peer library);
- the same in the short format (the general reader);
- an Audacity label file of 400,000 regions read and put on a label track of a document (what
  File ▸ Import Labels does) vs the least any reader must do: ``csv`` splitting the lines and
  ``float`` on the two times.
Targets (issue 12): TextGrid 100,000 intervals ≤ 1 s; 400,000 Audacity regions on a track ≤ 2 s.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workbench.core.document import Document  # noqa: E402
from workbench.formats import labels as L  # noqa: E402
from workbench.formats.region import Region  # noqa: E402


def timed(fn, repeat=3) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        words = [Region(k * 0.5, k * 0.5 + 0.3, f"word {k}") for k in range(100_000)]
        long_path = tmp / "long.TextGrid"
        long_path.write_text(L.write_textgrid([("Words", words)]))

        from praatio import textgrid

        tg = textgrid.openTextgrid(str(long_path), includeEmptyIntervals=False)
        short_path = tmp / "short.TextGrid"
        tg.save(str(short_path), format="short_textgrid", includeBlankSpaces=True)
        assert len(L.read_labels(long_path)[0][1]) == len(L.read_labels(short_path)[0][1]) == 100_000

        out["textgrid_long_s"] = timed(lambda: L.read_labels(long_path))
        out["textgrid_short_s"] = timed(lambda: L.read_labels(short_path))
        out["praatio_long_s"] = timed(lambda: textgrid.openTextgrid(str(long_path), includeEmptyIntervals=False),
                                      repeat=1)

        many = [Region(k * 0.01, k * 0.01 + 0.005, f"r{k}") for k in range(400_000)]
        aud = tmp / "many.txt"
        aud.write_text(L.write_audacity([("x", many)]))

        def to_track():
            doc = Document()
            ((name, regions),) = L.read_labels(aud)
            doc.add_label_track(name, regions)
            assert len(doc.label_tracks[0]) == 400_000

        def baseline():
            rows = [(float(r[0]), float(r[1]), r[2]) for r in csv.reader(io.StringIO(aud.read_text()),
                                                                           delimiter="\t")]
            assert len(rows) == 400_000

        out["audacity_400k_to_track_s"] = timed(to_track)
        out["audacity_csv_floats_baseline_s"] = timed(baseline)
    if args.json:
        print(json.dumps({k: round(v, 3) for k, v in out.items()}))
    else:
        print(f"TextGrid, 100,000 intervals, long format:  {out['textgrid_long_s']:.2f} s  "
              f"(praatio {out['praatio_long_s']:.2f} s, x{out['praatio_long_s'] / out['textgrid_long_s']:.1f}; "
              f"target ≤ 1 s)")
        print(f"TextGrid, 100,000 intervals, short format: {out['textgrid_short_s']:.2f} s  (general reader)")
        print(f"Audacity, 400,000 regions onto a track:    {out['audacity_400k_to_track_s']:.2f} s  "
              f"(csv + float alone {out['audacity_csv_floats_baseline_s']:.2f} s; target ≤ 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
