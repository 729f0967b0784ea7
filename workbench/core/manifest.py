"""The schema of a project manifest (``.awproj``, formats 1 and 2), checked before anything is
built from it, so a damaged file is refused with where and what is wrong ("track 2, clip 1,
rate: should be a whole number, not 2.5") instead of a Python error.  No Qt.

pydantic (already installed with transformers' tooling, MIT) does the checking: strict types
(no "1" for 1, no true for 1), finite numbers, ranges.  Keys this version does not know are
allowed, so a file from a newer minor version still opens.  Sums across fields (an edit's file
number within the list of files, clips that overlap) are checked where the document is built.
"""
from __future__ import annotations

from typing import Annotated, Literal, Optional, Union

MAX_FRAMES = 2 ** 40
MAX_TIME = 1e9             # seconds: thirty years


def _models():
    """The pydantic models, built on first use (pydantic takes ~0.1 s to import; start-up does
    not need it)."""
    global _V1, _V2
    if _V2 is not None:
        return _V1, _V2
    from pydantic import BaseModel, ConfigDict, Field

    def num(lo, hi):
        return Annotated[float, Field(strict=True, allow_inf_nan=False, ge=lo, le=hi)]

    def whole(lo, hi):
        return Annotated[int, Field(strict=True, ge=lo, le=hi)]

    class Open(BaseModel):
        model_config = ConfigDict(extra="allow", allow_inf_nan=False)

    Text = Annotated[str, Field(strict=True, max_length=1 << 20)]
    Name = Annotated[str, Field(strict=True, max_length=4096)]

    class Source(Open):
        path: Optional[Annotated[str, Field(strict=True, max_length=4096)]] = None
        absolute: Optional[Annotated[str, Field(strict=True, max_length=4096)]] = None
        sample_rate: whole(1, 768000)
        channels: whole(1, 64)
        frames: whole(0, MAX_FRAMES)
        format: Optional[Name] = None
        subtype: Optional[Name] = None

    class Edit(Open):
        source: Optional[whole(0, 1 << 20)]        # None: silence
        start: whole(0, MAX_FRAMES)
        length: whole(0, MAX_FRAMES)
        g0: num(-1e6, 1e6) = 1.0
        g1: num(-1e6, 1e6) = 1.0

    class Region(Open):
        start: num(-MAX_TIME, MAX_TIME)
        end: num(-MAX_TIME, MAX_TIME)
        text: Text = ""
        confidence: Optional[num(-1e9, 1e9)] = None
        low_hz: Optional[num(0, 1e7)] = None
        high_hz: Optional[num(0, 1e7)] = None
        origin: Optional[dict[Name, Union[Name, num(-1e300, 1e300)]]] = None
        speaker: Optional[Name] = None

    class Clip(Open):
        name: Name = ""
        start: num(0, MAX_TIME) = 0.0
        rate: whole(1, 768000)
        channels: whole(1, 64)
        edits: list[Edit]
        trim_start: whole(0, MAX_FRAMES) = 0
        trim_end: whole(0, MAX_FRAMES) = 0
        gain: num(0, 1e6) = 1.0
        fade_in: num(0, MAX_TIME) = 0.0
        fade_out: num(0, MAX_TIME) = 0.0
        colour: Optional[Name] = None
        provenance: Optional[dict[Name, object]] = None

    class AudioTrack(Open):
        kind: Literal["audio"]
        name: Name = "Audio"
        clips: list[Clip] = []
        gain: num(0, 1e6) = 1.0
        pan: num(-1, 1) = 0.0
        mute: Annotated[bool, Field(strict=True)] = False
        solo: Annotated[bool, Field(strict=True)] = False
        height: Optional[whole(0, 100000)] = None

    class LabelTrack(Open):
        kind: Literal["labels"]
        name: Name = "Labels"
        regions: list[Region] = []
        scores: Optional[dict] = None      # ScoreTable.from_dict checks it, in words

    Track = Annotated[Union[AudioTrack, LabelTrack], Field(discriminator="kind")]

    class Common(Open):
        format: Literal["audio-workbench-project"]
        version: whole(1, 1000)
        sources: list[Source] = []
        cursor: num(0, MAX_TIME) = 0.0
        selection: Optional[tuple[num(0, MAX_TIME), num(0, MAX_TIME)]] = None
        sync_lock: Annotated[bool, Field(strict=True)] = True
        ripple: Annotated[bool, Field(strict=True)] = True

    class V2(Common):
        project_rate: Optional[whole(1000, 768000)] = None
        tracks: list[Track] = []

    class V1Track(Open):
        source: whole(0, 1 << 20)
        name: Optional[Name] = None
        offset: num(0, MAX_TIME) = 0.0
        edits: Optional[list[Edit]] = None

    class V1Labels(Open):
        name: Name = "Labels"
        regions: list[Region] = []

    class V1(Common):
        tracks: list[V1Track] = []
        label_tracks: list[V1Labels] = []

    _V1, _V2 = V1, V2
    return V1, V2


_V1 = _V2 = None

_PLACES = {"sources": "audio file", "tracks": "track", "clips": "clip", "edits": "edit",
           "regions": "region", "label_tracks": "label track"}
_WORDS = {
    "int_type": "should be a whole number", "int_from_float": "should be a whole number",
    "float_type": "should be a number", "finite_number": "should be a finite number",
    "bool_type": "should be true or false", "string_type": "should be text",
    "list_type": "should be a list", "dict_type": "should be a table of names and values",
    "model_type": "should be a table of names and values", "tuple_type": "should be a list",
    "model_attributes_type": "should be a table of names and values",
    "dict_attributes_type": "should be a table of names and values",
    "missing": "is missing", "literal_error": "is not one this program knows",
    "union_tag_invalid": "is not one this program knows", "union_tag_not_found": "says no kind",
    "too_long": "is too long", "too_short": "is too short", "string_too_long": "is too long",
}


def where(loc) -> str:
    """("tracks", 1, "clips", 0, "audio", "rate") -> "track 2, clip 1, rate"."""
    parts, loc = [], [p for p in loc if p not in ("audio", "labels")]   # the union's branch names
    k = 0
    while k < len(loc):
        part = loc[k]
        if isinstance(part, str) and part in _PLACES and k + 1 < len(loc) and isinstance(loc[k + 1], int):
            parts.append(f"{_PLACES[part]} {loc[k + 1] + 1}")
            k += 2
            continue
        parts.append(f"item {part + 1}" if isinstance(part, int) else str(part)[:40])
        k += 1
    return ", ".join(parts) or "the file as a whole"


def _shown(value) -> str:
    if isinstance(value, (dict, list, tuple)):
        return "a table" if isinstance(value, dict) else "a list"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def problem(exc) -> str:
    """A pydantic ValidationError in words: its first error, where it is and what it is."""
    first = exc.errors(include_url=False)[0]
    kind, ctx, loc = first.get("type", ""), first.get("ctx") or {}, tuple(first.get("loc", ()))
    shown = "" if kind == "missing" else f" (it is {_shown(first.get('input'))})"
    if kind in ("greater_than_equal", "less_than_equal"):
        words = f"is below {_shown(ctx['ge'])}" if "ge" in ctx else f"is above {_shown(ctx.get('le'))}"
    elif kind == "union_tag_invalid":
        loc, words, shown = loc + ("kind",), "is not one this program knows", f" (it is {_shown(ctx.get('tag'))})"
    else:
        words = _WORDS.get(kind, first.get("msg", "is not valid").lower())
    return f"{where(loc)} {words}{shown}"


def check(data: dict) -> None:
    """Raise ValueError saying where and what, for a manifest that does not fit the schema of
    its version (the version itself is checked by the caller)."""
    from pydantic import ValidationError

    v1, v2 = _models()
    try:
        (v1 if data.get("version") == 1 else v2).model_validate(data)
    except ValidationError as exc:
        raise ValueError(problem(exc)) from None
    except RecursionError:
        raise ValueError("it is nested too deeply") from None
