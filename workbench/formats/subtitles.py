"""Subtitles and plain transcripts: SubRip, WebVTT (with voice spans for speakers) and
“[h:mm:ss.s] Speaker: text” lines.  One track each; points are skipped.  No Qt."""
from __future__ import annotations

import re

from workbench.formats.label_common import (LabelFormatError, Tracks, clock, lines_of, one_line,
                                            parse_clock)
from workbench.formats.region import Region


# -- SRT and WebVTT ----------------------------------------------------------------------------------
def _blocks(lines: list[str], i: int):
    """(first line index, lines) of each cue block from line ``i``: blocks end at a blank line,
    and where a line of a block holds a second timing ("-->"), a new cue begins there (with its
    number, when the line before is one): a missing blank line never swallows the next cue."""
    block: list[str] = []
    start = i
    timed = False
    for k in range(i, len(lines) + 1):
        line = lines[k] if k < len(lines) else ""
        if not line.strip():
            if block:
                yield start, block
            block, timed = [], False
            start = k + 1
            continue
        if "-->" in line and timed:
            cut = len(block) - 1 if block and block[-1].strip().isdigit() and len(block) > 2 else len(block)
            yield start, block[:cut]
            block, start = block[cut:], start + cut
            timed = False
        if "-->" in line:
            timed = True
        block.append(line)


def _read_cues(text: str, path, vtt: bool) -> Tracks:
    lines = lines_of(text)
    i = 0
    if vtt:
        if not lines or not lines[0].startswith("WEBVTT"):
            raise LabelFormatError(path, 1, "a WebVTT file must start with “WEBVTT”")
        i = 1                 # the header runs to the first blank line (Kind:, Language:, ...)
        while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
            i += 1
    regions = []
    for block_start, block in _blocks(lines, i):
        if vtt and block[0].split(" ")[0] in ("NOTE", "STYLE", "REGION"):
            continue
        arrow = next((k for k, line in enumerate(block) if "-->" in line), None)
        if arrow is None or arrow > 1:
            raise LabelFormatError(path, block_start + 1,
                                   "expected a cue: an optional number or name, then "
                                   "“start --> end”, then its text")
        if not vtt and arrow == 1 and not block[0].strip().isdigit():
            raise LabelFormatError(path, block_start + 1, f"expected a cue number, found “{block[0]}”")
        a, b = block[arrow].split("-->", 1)
        line_no = block_start + arrow + 1
        start = parse_clock(a, path, line_no)
        end = parse_clock(b.strip().split(" ")[0], path, line_no)  # VTT settings follow the end
        text, speaker = "\n".join(block[arrow + 1:]), None
        voice = _VOICE.match(text) if vtt else None
        if voice:                                          # WebVTT's voice span: <v Name>text
            speaker, text = voice.group(1).strip() or None, voice.group(2).replace("</v>", "")
        regions.append(Region(start, end, text, speaker=speaker))
    return [("Subtitles", regions)]


_VOICE = re.compile(r"<v(?:\.[\w.-]+)*[ \t]+([^>]*)>(.*)\Z", re.S)


def read_srt(text: str, path=None) -> Tracks:
    return _read_cues(text, path, vtt=False)


def read_vtt(text: str, path=None) -> Tracks:
    return _read_cues(text, path, vtt=True)


def _cue_regions(tracks: Tracks) -> list[Region]:
    return [r for r in (tracks[0][1] if tracks else []) if not r.is_point]


def write_srt(tracks: Tracks) -> str:
    """Subtitles; a line with a speaker reads “Name: text”, as subtitlers write it."""
    cues = [f"{n}\n{clock(r.start, ',')} --> {clock(r.end, ',')}\n"
            f"{(one_line(r.speaker) + ': ' if r.speaker else '') + r.text or ' '}\n"
            for n, r in enumerate(_cue_regions(tracks), 1)]
    return "\n".join(cues)


def write_vtt(tracks: Tracks) -> str:
    """WebVTT; a line with a speaker is a voice span, <v Name>text, which players show."""
    def body(r):
        text = r.text.replace("-->", "->")
        if r.speaker:
            name = one_line(r.speaker).replace(">", "").replace("-->", "->")
            return f"<v {name}>{text}"
        return text or " "
    cues = [f"{clock(r.start, '.')} --> {clock(r.end, '.')}\n{body(r)}\n" for r in _cue_regions(tracks)]
    return "WEBVTT\n\n" + "\n".join(cues)


# -- a plain-text transcript ---------------------------------------------------------------------
_LINE = re.compile(r"\[(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)\]\s?(.*)\Z", re.S)


def write_transcript(tracks: Tracks) -> str:
    """One line per region, “[h:mm:ss.s] Speaker: text” (as Buzz and noScribe write them), for
    reading, mail and word processors."""
    out = []
    for r in sorted(_cue_regions(tracks), key=lambda r: r.start):
        h, rest = divmod(r.start, 3600)
        m, sec = divmod(rest, 60)
        who = f"{one_line(r.speaker)}: " if r.speaker else ""
        out.append(f"[{int(h)}:{int(m):02d}:{sec:04.1f}] {who}{one_line(r.text)}")
    return "\n".join(out) + ("\n" if out else "")


def read_transcript(text: str, path=None) -> Tracks:
    """Lines as ``write_transcript`` writes them; each ends where the next begins (the last
    after 2 s).  A speaker is read back only in the “Name: ” form a single word or two before
    the colon."""
    starts = []
    for n, line in enumerate(lines_of(text.lstrip("\ufeff")), 1):
        if not line.strip():
            continue
        m = _LINE.match(line.strip())
        if not m:
            raise LabelFormatError(path, n, "expected “[h:mm:ss.s] text”")
        t = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
        body, speaker = m.group(4), None
        head, sep, tail = body.partition(": ")
        if sep and 0 < len(head) <= 40 and len(head.split()) <= 3:
            speaker, body = head, tail
        starts.append((t, body, speaker))
    regions = [Region(t, max(t, starts[k + 1][0]) if k + 1 < len(starts) else t + 2.0, body, speaker=who)
               for k, (t, body, who) in enumerate(starts)]
    return [("Transcript", regions)]
