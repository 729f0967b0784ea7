"""Range edits over a track's clips, as pure functions: clips in, clips out.  No Qt.

Each takes a track's clip tuple and a time range and returns the new tuple; the document wraps the
result in one undoable command per track.  An edit inside a clip edits its content (an
``EditedAudio``, non-destructive) at the clip's own rate, so a 22.05 kHz clip and a 48 kHz clip
edited over the same seconds both lose exactly those seconds.  ``ripple`` closes (or opens) the
gap after a delete (or an insert) by moving the clips that follow; without it they stay put.
"""
from __future__ import annotations

from workbench.core.edits import EditedAudio, Segment
from workbench.core.timeline import Clip

INF = float("inf")


def _at_or_after(clip: Clip, t: float) -> bool:
    """The clip starts at ``t`` or later (within half a frame: a split lands on a frame)."""
    return clip.start >= t - 0.5 / clip.rate


def _span(clip: Clip, t0: float, t1: float) -> tuple[int, int]:
    """The visible frames of ``clip`` within [t0, t1), clamped to the clip.  The count is
    rounded down, so what is cut or copied never lasts longer than the range (a piece pasted
    with ripple then always fits the gap it opens)."""
    a = 0 if t0 == -INF else clip.frame_at(t0)
    if t1 == INF:
        b = clip.frames
    elif t0 == -INF:
        b = clip.frame_at(t1)
    else:
        b = a + int((t1 - t0) * clip.rate + 1e-6)
    return max(0, min(a, clip.frames)), max(0, min(b, clip.frames))


def _sorted(clips) -> tuple[Clip, ...]:
    return tuple(sorted((c for c in clips if c.frames > 0), key=lambda c: c.start))


def split_at(clips, t: float) -> tuple[Clip, ...]:
    """Cut the clip under ``t`` in two (nothing happens on a clip's edge or in a gap)."""
    out = []
    for c in clips:
        f = c.frame_at(t)
        if 0 < f < c.frames:
            out.extend(c.split(f))
        else:
            out.append(c)
    return _sorted(out)


def delete_range(clips, t0: float, t1: float, ripple: bool = True) -> tuple[Clip, ...]:
    gone = t1 - t0
    out = []
    for c in clips:
        if c.end <= t0:
            out.append(c)
        elif c.start >= t1:
            out.append(c.with_(start=c.start - gone) if ripple else c)
        else:
            a, b = _span(c, t0, t1)
            if ripple or a == 0 or b == c.frames:
                ts = c.trim_start
                kept = c.with_(audio=c.audio.delete(ts + a, ts + b))
                if a == 0:   # the head went: what is left starts at the range (or stays put)
                    kept = kept.with_(start=t0 if ripple else c.start + b / c.rate)
                out.append(kept)
            else:            # no ripple, a hole in the middle: two clips with a gap between
                left, right = c.split(b)
                out.append(left.with_(audio=left.audio, trim_end=left.trim_end + (b - a)))
                out.append(right)
    return _sorted(out)


def copy_range(clips, t0: float, t1: float) -> list[Clip]:
    """The parts of clips within [t0, t1) as new clips placed relative to t0 (the clipboard)."""
    out = []
    for c in clips:
        if c.end <= t0 or c.start >= t1:
            continue
        a, b = _span(c, t0, t1)
        if b <= a:
            continue
        part = c.copy(start=max(0.0, c.start + a / c.rate - t0), trim_start=c.trim_start + a,
                      trim_end=c.audio.frames - c.trim_start - b,
                      fade_in=c.fade_in if a == 0 else 0.0, fade_out=c.fade_out if b == c.frames else 0.0)
        out.append(part)
    return out


def insert(clips, t: float, pieces, length: float, ripple: bool = True) -> tuple[Clip, ...]:
    """Put ``pieces`` (clips placed relative to 0, spanning ``length`` seconds) at ``t``.

    With ripple, what follows ``t`` moves right by ``length``; without, [t, t + length) is
    cleared first.  A single piece at the same rate and channel count as the clip it lands in
    joins that clip's content (pasting into a clip extends it, as in Audacity)."""
    pieces = list(pieces)
    host = next((c for c in clips if c.start < t < c.end), None)
    if (ripple and host is not None and len(pieces) == 1 and _joinable(host, pieces[0])
            and pieces[0].start == 0):
        piece = pieces[0]
        f = host.frame_at(t)
        grown = host.with_(audio=host.audio.insert(host.trim_start + f, _baked(piece).segments))
        shift = piece.frames / piece.rate
        return _sorted([grown if c is host else (c.with_(start=c.start + shift) if _at_or_after(c, t) else c)
                        for c in clips])
    if ripple:
        base = [c.with_(start=c.start + length) if _at_or_after(c, t) else c for c in split_at(clips, t)]
    else:
        base = list(delete_range(clips, t, t + length, ripple=False))
    return _sorted(base + [p.copy(start=t + p.start) for p in pieces])


def insert_silence(clips, t: float, seconds: float, ripple: bool = True) -> tuple[Clip, ...]:
    """Silence inside a clip becomes part of it; in a gap, the gap grows (with ripple)."""
    host = next((c for c in clips if c.start < t < c.end), None)
    if host is not None:
        f = host.frame_at(t)
        n = int(round(seconds * host.rate))
        grown = host.with_(audio=host.audio.insert_silence(host.trim_start + f, n))
        return _sorted([grown if c is host else (c.with_(start=c.start + n / host.rate)
                                                  if _at_or_after(c, t) and ripple else c) for c in clips])
    return _sorted([c.with_(start=c.start + seconds) if _at_or_after(c, t) and ripple else c
                    for c in clips])


def edit_within(clips, t0: float, t1: float, make) -> tuple[Clip, ...]:
    """Apply ``make(audio, a, b) -> EditedAudio`` (a length-keeping edit) to the content of each
    clip over the part of [t0, t1) it holds."""
    out = []
    for c in clips:
        a, b = _span(c, t0, t1)
        if b > a and c.end > t0 and c.start < t1:
            c = c.with_(audio=make(c.audio, c.trim_start + a, c.trim_start + b))
        out.append(c)
    return tuple(out)


def ramp(clips, t0: float, t1: float, shape) -> tuple[Clip, ...]:
    """Multiply [t0, t1) by ``shape(u)`` for u from 0 at t0 to 1 at the range's last frame, one
    continuous ramp across every clip it crosses (exact at segment ends, linear between)."""
    out = []
    for c in clips:
        if c.end <= t0 or c.start >= t1:
            out.append(c)
            continue
        ra, rb = c.frame_at(t0), c.frame_at(t1)      # the range in this clip's frames, unclamped
        n = max(1, rb - ra - 1)
        a, b = max(ra, 0), min(rb, c.frames)
        if b <= a:
            out.append(c)
            continue
        c = c.with_(audio=c.audio.ramp(c.trim_start + a, c.trim_start + b,
                                       lambda k, a=a, ra=ra, n=n: shape(min(1.0, max(0.0, (a - ra + k) / n)))))
        out.append(c)
    return tuple(out)


def peak(clips, t0: float, t1: float) -> float:
    best = 0.0
    for c in clips:
        a, b = _span(c, t0, t1)
        if b > a and c.end > t0 and c.start < t1:
            best = max(best, c.audio.peak(c.trim_start + a, c.trim_start + b) * c.gain)
    return best


def keep_only(clips, t0: float, t1: float, ripple: bool = True) -> tuple[Clip, ...]:
    """Trim Audio: keep [t0, t1); with ripple what is kept moves to the start of the timeline."""
    kept = delete_range(delete_range(clips, t1, INF, ripple=False), -INF, t0, ripple=False)
    if ripple:
        kept = tuple(c.with_(start=c.start - t0) for c in kept)
    return _sorted(kept)


def join(clips, t0: float, t1: float) -> tuple[Clip, ...]:
    """The clips within [t0, t1) become one clip; gaps between them become silence.  Clips of
    another rate or channel count than the first are left as they are."""
    inside = [c for c in clips if c.end > t0 and c.start < t1]
    if len(inside) < 2:
        return tuple(clips)
    first = inside[0]
    group = [c for c in inside if _joinable(first, c)]
    segs: list[Segment] = []
    pos = first.start
    for c in group:
        gap = int(round((c.start - pos) * first.rate))
        if gap > 0:
            segs.append(Segment(None, 0, gap))
        segs.extend(_baked(c).segments)
        pos = c.end
    merged = first.with_(audio=first.audio.with_segments(segs), trim_start=0, trim_end=0, gain=1.0,
                         fade_in=0.0, fade_out=0.0)
    return _sorted([merged] + [c for c in clips if c not in group])


def _joinable(a: Clip, b: Clip) -> bool:
    return a.rate == b.rate and a.channels == b.channels


def _baked(clip: Clip) -> EditedAudio:
    """The visible content with the clip's gain and fades folded into the segments' gains."""
    audio = clip.visible_audio()
    if clip.gain != 1.0:
        audio = audio.gain(0, audio.frames, clip.gain)
    fi, fo = int(round(clip.fade_in * clip.rate)), int(round(clip.fade_out * clip.rate))
    if fi:
        audio = audio.fade_in(0, min(fi, audio.frames))
    if fo:
        audio = audio.fade_out(max(0, audio.frames - fo), audio.frames)
    return audio
