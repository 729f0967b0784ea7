"""Label files in the formats the next tool reads.  No Qt.

Every reader returns ``[(track name, [Region, ...]), ...]`` or raises ``LabelFormatError``
naming the line and what was expected; a reader never returns half a file.  Every writer takes
``[(track name, [Region, ...]), ...]``; formats with one tier per file write the first track.

| format    | extension               | tracks | points | band | confidence |
|-----------|-------------------------|--------|--------|------|------------|
| Audacity  | .txt, .lab              | 1      | yes    | yes  | a 4th column (BirdNET) |
| SRT       | .srt                    | 1      | no     | no   | no         |
| WebVTT    | .vtt                    | 1      | no     | no   | no         |
| TextGrid  | .TextGrid               | many   | yes    | no   | no         |
| ELAN      | .eaf                    | many   | no     | no   | no         |
| CSV       | .csv                    | many   | yes    | yes  | yes        |
| JSON      | .json                   | many   | yes    | yes  | yes        |
| Raven     | .selections.txt, .raven | 1      | no     | yes  | no         |
| Transcript| .transcript.txt         | 1      | no     | no   | no         |

SRT, WebVTT and the plain transcript live in ``subtitles.py``; what all formats share (the
refusal, numbers, clock times, lines) in ``label_common.py``.  Speakers travel in SRT, WebVTT,
TextGrid and ELAN (a tier per speaker), CSV, JSON and the transcript.
"""
from __future__ import annotations

import csv
import io
import json
import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from workbench.formats.label_common import (LabelFormatError, Tracks, by_speaker, decode, fixed,
                                            lines_of, number, one_line)
from workbench.formats.region import Region
from workbench.formats.subtitles import (read_srt, read_transcript, read_vtt, write_srt,
                                         write_transcript, write_vtt)
from workbench.formats.textgrid import read_textgrid, read_textgrid_binary, write_textgrid


# -- Audacity ---------------------------------------------------------------------------------------
def read_audacity(text: str, path=None) -> Tracks:
    regions: list[Region] = []
    for n, raw in enumerate(lines_of(text), 1):
        if not raw.strip():
            continue
        parts = raw.split("\t")
        if parts[0] == "\\":  # spectral line of the label above: \ low high
            if not regions or len(parts) < 3:
                raise LabelFormatError(path, n, "a “\\” frequency line must follow a label and "
                                                "give low and high frequencies")
            low = number(parts[1], path, n, "the low frequency")
            high = number(parts[2], path, n, "the high frequency")
            regions[-1] = regions[-1].with_(low_hz=low if low >= 0 else None,
                                            high_hz=high if high >= 0 else None)
            continue
        if len(parts) < 2:
            raise LabelFormatError(path, n, "expected start<TAB>end<TAB>text")
        start = number(parts[0], path, n, "the start")
        end = number(parts[1], path, n, "the end")
        text, confidence = "\t".join(parts[2:]), None
        if len(parts) == 4 and _score(parts[3]) is not None:   # BirdNET: start end label confidence
            text, confidence = parts[2], _score(parts[3])
        regions.append(Region(start, end, text, confidence))
    return [("Labels", regions)]


def _score(text: str) -> float | None:
    """A confidence between 0 and 1 written as a number, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if 0.0 <= value <= 1.0 else None


def write_audacity(tracks: Tracks) -> str:
    out = []
    for r in tracks[0][1] if tracks else []:
        out.append(f"{fixed(r.start)}\t{fixed(r.end)}\t{one_line(r.text)}")
        if r.low_hz is not None or r.high_hz is not None:
            low = r.low_hz if r.low_hz is not None else -1
            high = r.high_hz if r.high_hz is not None else -1
            out.append(f"\\\t{fixed(low)}\t{fixed(high)}")
    return "\n".join(out) + ("\n" if out else "")


# -- ELAN EAF -------------------------------------------------------------------------------------------
def write_eaf(tracks: Tracks, media: str | None = None) -> str:
    root = ET.Element("ANNOTATION_DOCUMENT", {
        "AUTHOR": "", "DATE": "2000-01-01T00:00:00+00:00", "FORMAT": "3.0", "VERSION": "3.0",
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:noNamespaceSchemaLocation": "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"})
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    if media:
        ET.SubElement(header, "MEDIA_DESCRIPTOR", {"MEDIA_URL": Path(media).as_uri() if Path(media).is_absolute() else media,
                                                   "MIME_TYPE": "audio/x-wav"})
    order = ET.SubElement(root, "TIME_ORDER")
    slot = 0
    ann = 0
    tiers = []
    for name, regions, speaker in by_speaker(tracks):
        tier = ET.Element("TIER", {"LINGUISTIC_TYPE_REF": "default-lt", "TIER_ID": name,
                                   **({"PARTICIPANT": speaker} if speaker else {})})
        for r in regions:
            if r.is_point:
                continue
            ids = []
            for t in (r.start, r.end):
                slot += 1
                ET.SubElement(order, "TIME_SLOT", {"TIME_SLOT_ID": f"ts{slot}",
                                                  "TIME_VALUE": str(int(round(t * 1000)))})
                ids.append(f"ts{slot}")
            ann += 1
            a = ET.SubElement(ET.SubElement(tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION",
                              {"ANNOTATION_ID": f"a{ann}", "TIME_SLOT_REF1": ids[0],
                               "TIME_SLOT_REF2": ids[1]})
            ET.SubElement(a, "ANNOTATION_VALUE").text = r.text
        tiers.append(tier)
    root.extend(tiers)
    ET.SubElement(root, "LINGUISTIC_TYPE", {"GRAPHIC_REFERENCES": "false",
                                            "LINGUISTIC_TYPE_ID": "default-lt",
                                            "TIME_ALIGNABLE": "true"})
    ET.SubElement(root, "CONSTRAINT", {"DESCRIPTION": "Time subdivision of parent annotation's time interval, no time gaps allowed within this interval", "STEREOTYPE": "Time_Subdivision"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def read_eaf(text: str, path=None) -> Tracks:
    try:
        root = ET.fromstring(text.lstrip("\ufeff").encode("utf-8"))
    except ET.ParseError as exc:
        raise LabelFormatError(path, exc.position[0], f"the XML is malformed ({exc.msg if hasattr(exc, 'msg') else exc})")
    except LookupError as exc:      # <?xml encoding="UTF-88"?>
        raise LabelFormatError(path, 1, f"the XML names an encoding that does not exist ({exc})")
    if root.tag != "ANNOTATION_DOCUMENT":
        raise LabelFormatError(path, 1, f"expected an ELAN ANNOTATION_DOCUMENT, found <{root.tag}>")
    unit = 1000.0
    slots = {}
    for ts in root.iter("TIME_SLOT"):
        if ts.get("TIME_VALUE") is not None:
            slots[ts.get("TIME_SLOT_ID")] = number(ts.get("TIME_VALUE"), path, None, "a TIME_VALUE") / unit
    # every annotation's times first: a symbolic annotation may refer to one on a later tier,
    # or to another symbolic one (a chain: gloss -> part of speech -> word)
    by_id: dict[str, tuple[float, float]] = {}
    refs: dict[str, str] = {}
    for a in root.iter("ALIGNABLE_ANNOTATION"):
        t1, t2 = slots.get(a.get("TIME_SLOT_REF1")), slots.get(a.get("TIME_SLOT_REF2"))
        if t1 is not None and t2 is not None:
            by_id[a.get("ANNOTATION_ID")] = (t1, t2)
    for a in root.iter("REF_ANNOTATION"):
        refs[a.get("ANNOTATION_ID")] = a.get("ANNOTATION_REF")

    def span_of(ref: str | None):
        seen = set()
        while ref is not None and ref not in by_id and ref not in seen:    # follow the chain
            seen.add(ref)
            ref = refs.get(ref)
        return by_id.get(ref) if ref is not None else None

    tracks: Tracks = []
    for tier in root.iter("TIER"):
        regions = []
        speaker = (tier.get("PARTICIPANT") or "").strip() or None    # who speaks on this tier
        for a in tier.iter("ALIGNABLE_ANNOTATION"):
            span = by_id.get(a.get("ANNOTATION_ID"))
            if span is None:
                continue  # unaligned slots: ELAN interpolates them; we skip rather than guess
            regions.append(Region(span[0], span[1], a.findtext("ANNOTATION_VALUE") or "", speaker=speaker))
        for a in tier.iter("REF_ANNOTATION"):
            span = span_of(a.get("ANNOTATION_REF"))
            if span:
                regions.append(Region(span[0], span[1], a.findtext("ANNOTATION_VALUE") or "",
                                      speaker=speaker))
        tracks.append((tier.get("TIER_ID") or "Tier", regions))
    return tracks


# -- CSV and JSON --------------------------------------------------------------------------------------
CSV_COLUMNS = ["track", "start", "end", "text", "confidence", "low_hz", "high_hz", "speaker"]


def write_csv(tracks: Tracks) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for name, regions in tracks:
        for r in regions:
            w.writerow([name, fixed(r.start), fixed(r.end), r.text,
                        "" if r.confidence is None else f"{r.confidence:.6g}",
                        "" if r.low_hz is None else fixed(r.low_hz),
                        "" if r.high_hz is None else fixed(r.high_hz), r.speaker or ""])
    return buf.getvalue()


# the names other tools give the columns (lower case, spaces kept), by what they hold; the first
# name present wins (BirdNET: "Start (s)", "End (s)", "Scientific name", "Common name", "Confidence")
CSV_NAMES = {
    "start": ("start", "onset", "onset_s", "onset (s)", "start_s", "start (s)", "start_time", "start time",
              "start_seconds", "start_sec", "begin", "begin_s", "begin time (s)", "begin_time", "tmin", "xmin",
              "from"),
    "end": ("end", "offset", "offset_s", "offset (s)", "end_s", "end (s)", "end_time", "end time",
            "end_seconds", "end_sec", "stop", "stop_s", "stop_seconds", "stop_time", "end time (s)", "tmax",
            "xmax", "to"),
    "duration": ("duration", "duration_s", "duration (s)", "dur", "length", "length_s"),
    "text": ("text", "label", "labels", "annotation", "common name", "common_name", "species", "class",
             "category", "name", "scientific name", "scientific_name", "word", "transcript", "value"),
    "confidence": ("confidence", "score", "probability", "prob", "conf"),
    "speaker": ("speaker", "speaker_id", "spk"),
    "track": ("track", "tier", "layer"),
    "low_hz": ("low_hz", "low freq (hz)", "low_freq", "min_freq", "f_min"),
    "high_hz": ("high_hz", "high freq (hz)", "high_freq", "max_freq", "f_max"),
}


def csv_columns(header: list[str], given: dict | None = None) -> dict[str, int]:
    """Which column holds what: ``given`` (what -> column name, from --columns or the user's
    answer) first, then the names other tools use."""
    lower = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for what, name in (given or {}).items():
        if not name.strip():                 # said to be none (a table without text)
            continue
        if name.strip().lower() not in lower:
            raise ValueError(f"there is no column “{name}” (the columns are {', '.join(header)})")
        found[what] = lower.index(name.strip().lower())
    for what, names in CSV_NAMES.items():
        if what not in found:
            index = next((lower.index(n) for n in names if n in lower), None)
            if index is not None and index not in found.values():
                found[what] = index
    return found


def read_csv(text: str, path=None, columns: dict | None = None) -> Tracks:
    """A table with a header (comma, semicolon or tab separated): the columns are found by the
    names other tools use (``CSV_NAMES``) or named in ``columns`` (what -> column name).  A table
    whose text column cannot be told is refused, naming its columns: never read with every text
    empty."""
    body = text.lstrip("\ufeff")
    first = body.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    try:      # newline="": line ends inside quoted fields (and bare CRs) are the csv module's to read
        rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter))
    except csv.Error as exc:        # a field past the size limit, a NUL byte, ...
        raise LabelFormatError(path, None, f"the CSV is malformed ({exc})") from None
    if not rows:
        raise LabelFormatError(path, 1, "the file is empty")
    header = [h.strip() for h in rows[0]]
    try:
        col = csv_columns(header, columns)
    except ValueError as exc:
        raise LabelFormatError(path, 1, str(exc), header) from None
    for need in ("start", "end"):
        if need not in col and not (need == "end" and "duration" in col):
            raise LabelFormatError(path, 1, f"no column holds the {need} time (the columns are "
                                            f"{', '.join(header)})", header)
    spare = [h for i, h in enumerate(header) if i not in col.values() and h]
    if "text" not in col and spare and (columns or {}).get("text") != "":
        raise LabelFormatError(path, 1, f"which column is the text? The columns are "
                                        f"{', '.join(header)}", header)
    tracks: dict[str, list[Region]] = {}
    for n, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        get = lambda key: row[col[key]].strip() if key in col else ""  # noqa: E731

        def opt(key):
            return number(get(key), path, n, key, "a number") if get(key) else None

        start = number(get("start"), path, n, "the start")
        end = (number(get("end"), path, n, "the end") if "end" in col
               else start + number(get("duration"), path, n, "the duration"))
        region = Region(start, end, row[col["text"]] if "text" in col else "", opt("confidence"),
                        opt("low_hz"), opt("high_hz"), speaker=get("speaker") or None)
        tracks.setdefault(get("track") or "Labels", []).append(region)
    return list(tracks.items())


def write_json(tracks: Tracks) -> str:
    return json.dumps({"format": "audio-workbench-labels", "version": 1,
                       "tracks": [{"name": n, "regions": [r.to_dict() for r in rs]} for n, rs in tracks]},
                      indent=2, ensure_ascii=False) + "\n"


def read_json(text: str, path=None) -> Tracks:
    def no_constants(name):
        raise LabelFormatError(path, None, f"the JSON holds {name}, which is not a time")

    try:
        data = json.loads(text.lstrip("\ufeff"), parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise LabelFormatError(path, exc.lineno, f"the JSON is malformed ({exc.msg})")
    if not isinstance(data, dict) or not isinstance(data.get("tracks"), list):
        raise LabelFormatError(path, 1, "expected an object with a “tracks” list")
    tracks = []
    for k, t in enumerate(data["tracks"]):
        try:
            tracks.append((str(t.get("name", f"Labels {k + 1}")),
                           [Region.from_dict(r) for r in t.get("regions", [])]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise LabelFormatError(path, None, f"track {k + 1} has a region without a valid "
                                               f"start and end ({exc})")
    return tracks


# -- Raven selection tables ----------------------------------------------------------------------------
RAVEN_COLUMNS = ["Selection", "View", "Channel", "Begin Time (s)", "End Time (s)", "Low Freq (Hz)",
                 "High Freq (Hz)", "Annotation"]


def write_raven(tracks: Tracks) -> str:
    out = ["\t".join(RAVEN_COLUMNS)]
    for n, r in enumerate([r for r in (tracks[0][1] if tracks else []) if not r.is_point], 1):
        out.append("\t".join([str(n), "Spectrogram 1", "1", fixed(r.start), fixed(r.end),
                              fixed(r.low_hz or 0.0), fixed(r.high_hz or 0.0), one_line(r.text)]))
    return "\n".join(out) + "\n"


def read_raven(text: str, path=None) -> Tracks:
    """A Raven selection table (headers in any case, any line ends)."""
    lines = [line for line in lines_of(text)]
    if not lines or "begin time" not in lines[0].lower():
        raise LabelFormatError(path, 1, "expected a Raven selection table header with "
                                        "“Begin Time (s)” and “End Time (s)”")
    header = lines[0].split("\t")
    col = {h.strip().lower(): i for i, h in enumerate(header)}
    begin = next((i for h, i in col.items() if h.startswith("begin time")), None)
    end = next((i for h, i in col.items() if h.startswith("end time")), None)
    if begin is None or end is None:
        raise LabelFormatError(path, 1, "the header has no “End Time (s)” column")
    low = next((i for h, i in col.items() if h.startswith("low freq")), None)
    high = next((i for h, i in col.items() if h.startswith("high freq")), None)
    known = {"selection", "view", "channel", "delta time (s)", "delta freq (hz)", "begin file",
             "begin path", "file offset (s)"}
    text_col = col.get("annotation")
    if text_col is None:  # Raven users name their own column (Species, Call type, ...)
        extra = [i for h, i in col.items() if i not in (begin, end, low, high) and h not in known]
        text_col = extra[0] if extra else None
    seen = set()
    regions = []
    for n, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) <= max(begin, end):
            raise LabelFormatError(path, n, f"expected {len(header)} tab-separated columns, found {len(cells)}")
        cells += [""] * (len(header) - len(cells))      # a short row: the missing cells are empty
        sel = cells[col["selection"]] if "selection" in col else str(n)
        if sel in seen:  # Raven lists each selection once per view (waveform, spectrogram)
            continue
        seen.add(sel)
        lo = number(cells[low], path, n, "Low Freq") if low is not None and cells[low].strip() else None
        hi = number(cells[high], path, n, "High Freq") if high is not None and cells[high].strip() else None
        regions.append(Region(number(cells[begin], path, n, "Begin Time"), number(cells[end], path, n, "End Time"),
                              cells[text_col] if text_col is not None and text_col < len(cells) else "",
                              low_hz=lo, high_hz=hi))
    return [("Selections", regions)]


# -- the registry --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelFormat:
    name: str
    extensions: tuple[str, ...]
    read: Callable
    write: Callable
    multi_track: bool


FORMATS = (
    LabelFormat("Raven selection table", (".selections.txt", ".raven"), read_raven, write_raven, False),
    LabelFormat("Transcript text", (".transcript.txt",), read_transcript, write_transcript, False),
    LabelFormat("Audacity labels", (".txt", ".lab"), read_audacity, write_audacity, False),
    LabelFormat("SubRip subtitles", (".srt",), read_srt, write_srt, False),
    LabelFormat("WebVTT subtitles", (".vtt",), read_vtt, write_vtt, False),
    LabelFormat("Praat TextGrid", (".textgrid",), read_textgrid, write_textgrid, True),
    LabelFormat("ELAN annotation", (".eaf",), read_eaf, write_eaf, True),
    LabelFormat("CSV", (".csv",), read_csv, write_csv, True),
    LabelFormat("JSON", (".json",), read_json, write_json, True),
)


def format_for(path) -> LabelFormat:
    name = Path(path).name.lower()
    for fmt in FORMATS:
        if any(name.endswith(ext) for ext in fmt.extensions):
            return fmt
    known = ", ".join(e for f in FORMATS for e in f.extensions)
    raise LabelFormatError(path, None, f"unknown label format “{Path(path).suffix}”; use one of {known}")


def read_labels(path, columns: dict | None = None) -> Tracks:
    """The tracks of a label file.  ``columns`` (what -> column name: start, end, text,
    confidence, speaker...) says which column of a CSV table holds what, where its names do not."""
    path = Path(path)
    fmt = format_for(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LabelFormatError(path, None, f"it cannot be read ({exc.strerror or exc})")
    if fmt.read is read_textgrid and raw.startswith(b"ooBinaryFile"):
        fmt = LabelFormat(fmt.name, fmt.extensions, lambda _text, p: read_textgrid_binary(raw, p),
                          fmt.write, True)
    try:           # a byte-order mark's encoding (UTF-8/16/32), else UTF-8, else the fallback
        text, _encoding = decode(raw)
    except UnicodeError as exc:
        raise LabelFormatError(path, None, str(exc)) from None
    if fmt.read is read_audacity and text.lstrip("\ufeff").split("\n", 1)[0].lower().startswith("selection\t"):
        fmt = FORMATS[0]  # a Raven table saved as plain .txt
    try:
        tracks = fmt.read(text, path, columns) if fmt.read is read_csv else fmt.read(text, path)
    except LabelFormatError:
        raise
    except (IndexError, KeyError, ValueError, TypeError, AttributeError, LookupError, RecursionError,
            OverflowError, MemoryError, UnicodeError, csv.Error) as exc:
        # what a reader did not foresee still gets a message, never a traceback
        raise LabelFormatError(path, None, f"the file is damaged ({type(exc).__name__}: "
                                           f"{str(exc)[:120]})") from exc
    for _, regions in tracks:     # every time finite, or nothing can be drawn or written back
        for r in regions:
            if not (math.isfinite(r.start) and math.isfinite(r.end)):
                raise LabelFormatError(path, None, f"a region has the time {r.start}–{r.end}, "
                                                   f"which is not a number of seconds")
    return tracks


def write_labels(path, tracks: Tracks, **options) -> str:
    """Write ``tracks`` to ``path`` in the format its extension names; returns the format name."""
    from workbench.formats.atomic import os_reason, write_text

    fmt = format_for(path)
    text = fmt.write(tracks, **options) if fmt.write in (write_textgrid, write_eaf) else fmt.write(tracks)
    try:
        write_text(Path(path), text)
    except OSError as exc:     # the old file, if any, is untouched (atomic)
        raise OSError(f"cannot write “{Path(path).name}”: {os_reason(exc)}") from exc
    return fmt.name
