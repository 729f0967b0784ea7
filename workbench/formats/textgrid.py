"""Praat TextGrid, long and short format: write (interval tiers tile the time range, overlaps go
to extra tiers, points to a TextTier) and read in linear time (the long format item by item with
anchored regular expressions; anything else in one tokenizing pass).  No Qt."""
from __future__ import annotations

import math
import re

from workbench.formats.label_common import LabelFormatError, Tracks, by_speaker, number
from workbench.formats.region import Region


def _tg_string(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def write_textgrid(tracks: Tracks, duration: float | None = None) -> str:
    """Long-format TextGrid.  Interval tiers must tile the whole time range without overlaps:
    gaps become empty intervals, overlapping regions go to extra tiers; points go to a TextTier."""
    tiers = []
    end_all = max([duration or 0.0] + [r.end for _, rs in tracks for r in rs] + [0.001])
    for name, regions, _ in by_speaker(tracks):
        points = [r for r in regions if r.is_point]
        layers: list[list[Region]] = []
        for r in sorted((r for r in regions if not r.is_point), key=lambda r: r.start):
            for layer in layers:
                if layer[-1].end <= r.start + 1e-9:
                    layer.append(r)
                    break
            else:
                layers.append([r])
        for k, layer in enumerate(layers):
            tiers.append(("IntervalTier", name if k == 0 else f"{name} {k + 1}", layer))
        if points or not layers:
            tiers.append(("TextTier", f"{name} (points)" if layers else name, points))
    out = ['File type = "ooTextFile"', 'Object class = "TextGrid"', "",
           "xmin = 0 ", f"xmax = {end_all!r} ", "tiers? <exists> ", f"size = {len(tiers)} ", "item []: "]
    for n, (kind, name, regions) in enumerate(tiers, 1):
        out += [f"    item [{n}]:", f'        class = "{kind}" ', f"        name = {_tg_string(name)} ",
                "        xmin = 0 ", f"        xmax = {end_all!r} "]
        if kind == "IntervalTier":
            cells, t = [], 0.0
            for r in regions:
                if r.start > t + 1e-9:
                    cells.append((t, r.start, ""))
                cells.append((r.start, r.end, r.text))
                t = r.end
            if t < end_all - 1e-9 or not cells:
                cells.append((t, end_all, ""))
            out.append(f"        intervals: size = {len(cells)} ")
            for k, (a, b, text) in enumerate(cells, 1):
                out += [f"        intervals [{k}]:", f"            xmin = {a!r} ",
                        f"            xmax = {b!r} ", f"            text = {_tg_string(text)} "]
        else:
            out.append(f"        points: size = {len(regions)} ")
            for k, r in enumerate(regions, 1):
                out += [f"        points [{k}]:", f"            number = {r.start!r} ",
                        f"            mark = {_tg_string(r.text)} "]
    return "\n".join(out) + "\n"


_TG_TOKEN = re.compile(r'"(?:[^"]|"")*"|[^\s=\[\]:]+(?:\s*\?\s*<exists>)?', re.S)
_TG_KEYWORDS = frozenset({"File", "type", "Object", "class", "xmin", "xmax", "tiers?", "size", "item",
                          "intervals", "points", "number", "mark", "text", "name", "time", "value"})


def _tg_values(text: str) -> list[str]:
    """The values of a TextGrid in order (numbers, quoted strings, <exists>), in the long and
    the short format alike: the keywords and punctuation between them are dropped."""
    return [t for t in _TG_TOKEN.findall(text) if t not in _TG_KEYWORDS and not t.startswith("tiers?")]


def _tg_line(text: str, index: int) -> int:
    """The line of the ``index``-th value (only for a message: it tokenizes again)."""
    k = -1
    for m in _TG_TOKEN.finditer(text):
        t = m.group(0)
        if t in _TG_KEYWORDS or t.startswith("tiers?"):
            continue
        k += 1
        if k >= index:
            return text.count("\n", 0, m.start()) + 1
    return text.count("\n") + 1


def _tg_items(values: list[str], pos: int, size: int, kind: str, long_format: bool) -> list[Region] | None:
    """A tier's ``size`` items from ``values[pos:]`` at once (a slice per field, one float() per
    number): linear and fast.  None where anything is off, so the caller reads them one by one
    and says where."""
    fields = 3 if kind == "IntervalTier" else 2
    step = fields + (1 if long_format else 0)
    first = pos + step - fields
    block = values[first:pos + step * size]
    if len(block) < step * size - (step - fields):
        return None
    try:
        if kind == "IntervalTier":
            starts = [float(x) for x in block[0::step]]
            ends = [float(x) for x in block[1::step]]
            texts = block[2::step]
        else:
            starts = [float(x) for x in block[0::step]]
            ends, texts = starts, block[1::step]
    except ValueError:
        return None
    if len(starts) != size or len(ends) != size or len(texts) != size:
        return None
    if not (math.isfinite(math.fsum(starts)) and math.isfinite(math.fsum(ends))):
        return None                         # a nan or inf somewhere: let the slow path name it
    if not all(t[:1] == '"' and t[-1:] == '"' and len(t) > 1 for t in texts):
        return None
    out = []
    for a, b, t in zip(starts, ends, texts):
        label = t[1:-1].replace('""', '"') if '""' in t else t[1:-1]
        if kind != "IntervalTier" or label.strip():
            out.append(Region(a, b, label))
    return out


_TG_Q = r'("[^"]*(?:""[^"]*)*")'
_TG_NUM = r'([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)'
_TG_HEAD = re.compile(r'File type = "ooTextFile"\s*\n\s*Object class = "TextGrid"\s*\n\s*xmin = ' + _TG_NUM
                      + r'\s*\n\s*xmax = ' + _TG_NUM + r'\s*\n\s*tiers\? <exists>\s*\n\s*size = (\d+)\s*\n\s*item \[\]:')
_TG_TIER = re.compile(r'\s*item \[\d+\]:\s*\n\s*class = "(IntervalTier|TextTier)"\s*\n\s*name = ' + _TG_Q
                      + r'\s*\n\s*xmin = ' + _TG_NUM + r'\s*\n\s*xmax = ' + _TG_NUM
                      + r'\s*\n\s*(?:intervals|points): size = (\d+)[ \t]*(?=\r?\n|$)')
_TG_INTERVAL = re.compile(r'\s*intervals \[\d+\]:\s*\n\s*xmin = ' + _TG_NUM + r'\s*\n\s*xmax = ' + _TG_NUM
                          + r'\s*\n\s*text = ' + _TG_Q + r'[ \t]*(?=\r?\n|$)')
_TG_POINT = re.compile(r'\s*points \[\d+\]:\s*\n\s*number = ' + _TG_NUM + r'\s*\n\s*mark = ' + _TG_Q
                       + r'[ \t]*(?=\r?\n|$)')


def _tg_unquote(t: str) -> str:
    return t[1:-1].replace('""', '"') if '""' in t else t[1:-1]


def _tg_long(text: str) -> Tracks | None:
    """The long format as Praat and this program write it, read item by item with anchored
    regular expressions: 200,000 intervals in a fraction of a second.  None for anything else
    (the short format, a count or a number that is off, anything between the items), which the
    general reader then reads or refuses with the line."""
    head = _TG_HEAD.match(text)
    if not head:
        return None
    pos, tracks = head.end(), []
    for _ in range(int(head.group(3))):
        tier = _TG_TIER.match(text, pos)
        if not tier:
            return None
        pos, interval = tier.end(), tier.group(1) == "IntervalTier"
        item = (_TG_INTERVAL if interval else _TG_POINT).match
        found = []
        for _k in range(int(tier.group(5))):
            m = item(text, pos)
            if not m:
                return None
            found.append(m.groups())
            pos = m.end()
        if interval:
            labels = [(a, b, _tg_unquote(t)) for a, b, t in found]
            regions = [Region(float(a), float(b), label) for a, b, label in labels if label.strip()]
        else:
            regions = [Region(float(a), float(a), _tg_unquote(t)) for a, t in found]
        if not all(math.isfinite(r.start) and math.isfinite(r.end) for r in regions):
            return None
        tracks.append((_tg_unquote(tier.group(2)), regions))
    return tracks if not text[pos:].strip() else None


def _tg_item(kind: str, number, string) -> Region | None:
    """One item of a tier, read with a format's own readers of a number and of a string: a
    region, or None for an empty interval (the gaps Praat fills in)."""
    if kind == "IntervalTier":
        a, b = number("interval xmin"), number("interval xmax")
        label = string("the interval text")
        return Region(a, b, label) if label.strip() else None
    t = number("point time")
    return Region(t, t, string("the point mark"))


_CHRONO = re.compile(r'"(?:[^"]|"")*"|!.*|[^\s]+')


def _tg_chronological(text: str, path) -> Tracks:
    """Praat's "chronological" text format: the tiers declared first, then every item in time
    order, each with the number of its tier ("!" starts a comment)."""
    tokens = [t for t in _CHRONO.findall(text) if not t.startswith("!")]
    pos = 1

    def take(kind: str, quoted: bool = False):
        nonlocal pos
        if pos >= len(tokens):
            raise LabelFormatError(path, None, f"the file ends where {kind} was expected")
        tok = tokens[pos]
        pos += 1
        if quoted:
            if len(tok) < 2 or tok[0] != '"' or tok[-1] != '"':
                raise LabelFormatError(path, None, f"expected {kind} in quotes, found {tok[:80]}")
            return _tg_unquote(tok)
        return number(tok, path, None, kind, "a number")

    take("xmin"), take("xmax")
    count = take("the number of tiers")
    if count != int(count) or not 0 <= count <= 100_000:
        raise LabelFormatError(path, None, f"expected the number of tiers as a whole number, found {count:g}")
    tiers = []
    for _ in range(int(count)):
        kind, name = take("the tier class", True), take("the tier name", True)
        if kind not in ("IntervalTier", "TextTier"):
            raise LabelFormatError(path, None, f"unknown tier class “{kind[:80]}”")
        take("tier xmin"), take("tier xmax")
        tiers.append((kind, name, []))
    while pos < len(tokens):
        index = take("a tier number")
        if index != int(index) or not 1 <= index <= len(tiers):
            raise LabelFormatError(path, None, f"an item names tier {index:g}; the file has {len(tiers)}")
        kind, _, regions = tiers[int(index) - 1]
        region = _tg_item(kind, take, lambda what: take(what, True))
        if region is not None:
            regions.append(region)
    return [(name, sorted(regions, key=lambda r: (r.start, r.end))) for _, name, regions in tiers]


def read_textgrid_binary(raw: bytes, path=None) -> Tracks:
    """Praat's binary TextGrid ("ooBinaryFile"): big-endian doubles and counts; strings with
    a length before them, UTF-16 after a 0xFFFF mark."""
    import struct

    view, pos = memoryview(raw), 0

    def need(n: int, what: str):
        nonlocal pos
        if n < 0 or pos + n > len(raw):
            raise LabelFormatError(path, None, f"the binary file ends inside {what} (byte {pos})")
        chunk = view[pos:pos + n]
        pos += n
        return chunk

    def double(what: str) -> float:
        value = struct.unpack(">d", need(8, what))[0]
        if not math.isfinite(value):
            raise LabelFormatError(path, None, f"{what} is not a number (byte {pos - 8})")
        return value

    def count(what: str, limit: int) -> int:
        value = struct.unpack(">i", need(4, what))[0]
        if not 0 <= value <= limit:
            raise LabelFormatError(path, None, f"{what} is {value}; the file is damaged")
        return value

    def text(what: str, wide_length: int = 2) -> str:
        n = struct.unpack(">H", need(wide_length, what))[0] if wide_length == 2 else need(1, what)[0]
        if wide_length == 2 and n == 0xFFFF:          # UTF-16: its own length, in characters
            n = struct.unpack(">H", need(2, what))[0]
            return bytes(need(2 * n, what)).decode("utf-16-be", errors="replace")
        return bytes(need(n, what)).decode("utf-8", errors="replace")

    if not raw.startswith(b"ooBinaryFile"):
        raise LabelFormatError(path, None, "expected a Praat binary TextGrid (“ooBinaryFile”)")
    pos = len(b"ooBinaryFile")
    if text("the object class", 1) != "TextGrid":
        raise LabelFormatError(path, None, "the binary Praat file is not a TextGrid")
    double("xmin"), double("xmax")
    need(1, "the tiers flag")
    tracks: Tracks = []
    for _ in range(count("the number of tiers", 100_000)):
        kind = text("the tier class", 1)
        name = text("the tier name")
        double("tier xmin"), double("tier xmax")
        if kind not in ("IntervalTier", "TextTier"):
            raise LabelFormatError(path, None, f"unknown tier class “{kind[:80]}”")
        items = (_tg_item(kind, double, text) for _k in range(count("the number of items", len(raw))))
        tracks.append((name, [r for r in items if r is not None]))
    return tracks


def read_textgrid(text: str, path=None) -> Tracks:
    """Long, short or chronological text format.  Empty intervals (the gaps Praat fills in) are
    dropped.  Linear: the long format is read a tier at a time by regular expressions; anything
    else is one tokenizing pass, each tier's items read in bulk, and one by one only to say where
    damage is.  (The binary format is ``read_textgrid_binary``.)"""
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith('"Praat chronological TextGrid text file"'):
        return _tg_chronological(text, path)
    if "ooTextFile" not in text[:200] or "TextGrid" not in text[:200]:
        raise LabelFormatError(path, 1, "expected a Praat TextGrid (“File type = \"ooTextFile\"”)")
    fast = _tg_long(text)
    if fast is not None:
        return fast
    values = _tg_values(text)
    pos = 0

    def take(kind: str):
        nonlocal pos
        if pos >= len(values):
            raise LabelFormatError(path, _tg_line(text, len(values)), f"the file ends where {kind} was expected")
        pos += 1
        return values[pos - 1]

    def take_str(kind):
        tok = take(kind)
        if not tok.startswith('"') or len(tok) < 2:
            raise LabelFormatError(path, _tg_line(text, pos - 1), f"expected {kind} in quotes, found {tok[:80]}")
        return tok[1:-1].replace('""', '"')

    def take_num(kind, unit="a number of seconds"):
        tok = take(kind)
        try:
            return number(tok, path, 0, kind, unit)
        except LabelFormatError as exc:
            raise LabelFormatError(path, _tg_line(text, pos - 1), exc.problem) from None

    take_str("the file type")
    take_str("the object class")
    take_num("xmin")
    take_num("xmax")
    tok = take("tiers")
    if tok != "<exists>":
        raise LabelFormatError(path, _tg_line(text, pos - 1), f"expected “<exists>”, found {tok[:80]}")
    count = int(take_num("the number of tiers", "a whole number"))
    tracks: Tracks = []
    long_format = "item [" in text
    for _ in range(count):
        if long_format:
            take_num("the tier index", "a whole number")
        kind = take_str("the tier class")
        name = take_str("the tier name")
        take_num("tier xmin")
        take_num("tier xmax")
        size = int(take_num("the number of items", "a whole number"))
        if kind not in ("IntervalTier", "TextTier"):
            raise LabelFormatError(path, _tg_line(text, pos - 1), f"unknown tier class “{kind[:80]}”")
        regions = _tg_items(values, pos, size, kind, long_format) if size > 0 else []
        if regions is not None:
            pos += size * ((3 if kind == "IntervalTier" else 2) + (1 if long_format else 0))
        else:
            regions = []
            for _k in range(size):     # one by one, to say where the damage is
                if long_format:
                    take_num("the item index")
                region = _tg_item(kind, take_num, take_str)
                if region is not None:
                    regions.append(region)
        tracks.append((name, regions))
    return tracks
