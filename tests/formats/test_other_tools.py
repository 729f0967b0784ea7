"""Label files as other tools write them (issue 26): every text encoding Windows tools use,
WebVTT headers, cues without a blank line between them, the column names of other tables,
BirdNET's and Raven's variants, .lab files; each compared with an independent reader where one
exists (srt, webvtt-py).  The files are made here, in the layouts those tools write."""
import io

import pytest

from workbench.formats import labels as L

SRT = ("1\n00:00:01,000 --> 00:00:02,500\nCafé au lait — ça va?\n\n"
       "2\n00:00:03,000 --> 00:00:04,000\n日本語の字幕\n\n")


def peer_srt(text: str):
    import srt

    return [(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in srt.parse(text)]


def ours(path, **kw):
    (name, regions), = L.read_labels(path, **kw)
    return [(r.start, r.end, r.text) for r in regions]


@pytest.mark.parametrize("encoding,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                          ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                          ("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff"),
                                          ("utf-16-le", b"")])
def test_srt_in_every_unicode_encoding_reads_as_the_srt_library_reads_it(tmp_path, encoding, bom):
    path = tmp_path / "subs.srt"
    path.write_bytes(bom + SRT.replace("\n", "\r\n").encode(encoding))
    assert ours(path) == peer_srt(SRT)


def test_a_windows_1252_file_is_read_in_the_stated_fallback(tmp_path):
    path = tmp_path / "old.srt"
    path.write_bytes("1\r\n00:00:01,000 --> 00:00:02,000\r\nCafé – “quoted”\r\n".encode("cp1252"))
    assert ours(path) == [(1.0, 2.0, "Café – “quoted”")]
    from workbench.formats.label_common import decode

    assert decode("é".encode("cp1252"))[1] == "cp1252"


def test_a_bom_that_lies_is_refused_in_words(tmp_path):
    path = tmp_path / "bad.srt"
    path.write_bytes(b"\xff\xfe\x00\xd8")          # UTF-16 LE mark, then half a surrogate pair
    with pytest.raises(L.LabelFormatError) as err:
        L.read_labels(path)
    assert "UTF-16" in str(err.value) and ",:" not in str(err.value)


def test_webvtt_with_header_lines_reads_as_webvtt_py_reads_it(tmp_path):
    import webvtt

    text = ("WEBVTT\nKind: captions\nLanguage: en\n\n"
            "00:00:01.000 --> 00:00:02.500 align:start position:0%\nHello there\n\n"
            "NOTE a comment\n\n00:00:03.000 --> 00:00:04.000\nBye\n")
    path = tmp_path / "yt.vtt"
    path.write_text(text, encoding="utf-8")
    peer = [(c.start, c.end, c.text) for c in webvtt.from_buffer(io.StringIO(text))]
    from workbench.formats.label_common import parse_clock

    assert ours(path) == [(parse_clock(a, None, 0), parse_clock(b, None, 0), t) for a, b, t in peer]


@pytest.mark.parametrize("ext,text", [
    (".srt", "1\n00:00:01,000 --> 00:00:02,000\nOne\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n"),
    (".vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOne\n00:00:03.000 --> 00:00:04.000\nTwo\n"),
])
def test_a_timing_line_inside_a_cue_starts_the_next_cue(tmp_path, ext, text):
    """No blank line between two cues: two cues, not one whose text holds the next one."""
    path = tmp_path / f"tight{ext}"
    path.write_text(text, encoding="utf-8")
    assert ours(path) == [(1.0, 2.0, "One"), (3.0, 4.0, "Two")]


@pytest.mark.parametrize("header,row", [
    ("onset_s,offset_s,label", "1.5,2.0,syllable a"),                       # crowsetta, vak
    ("start_seconds,stop_seconds,label", "1.5,2.0,syllable a"),
    ("start_time,end_time,annotation", "1.5,2.0,syllable a"),
    ("begin,end,text", "1.5,2.0,syllable a"),
    ("Start (s),End (s),Scientific name,Common name,Confidence,File",        # BirdNET's CSV
     "1.5,2.0,Turdus merula,syllable a,0.87,rec.wav"),
    ("onset;duration;word", "1.5;0.5;syllable a"),                           # semicolons, a duration
    ("start\tend\tclass", "1.5\t2.0\tsyllable a"),                           # tabs
])
def test_tables_with_the_names_other_tools_use(tmp_path, header, row):
    path = tmp_path / "table.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    assert ours(path) == [(1.5, 2.0, "syllable a")]


def test_birdnet_s_csv_keeps_its_confidence(tmp_path):
    path = tmp_path / "birdnet.csv"
    path.write_text("Start (s),End (s),Scientific name,Common name,Confidence\n0,3,Turdus merula,"
                    "Eurasian Blackbird,0.8541\n", encoding="utf-8")
    (_, (r,)), = L.read_labels(path)
    assert r.text == "Eurasian Blackbird" and r.confidence == pytest.approx(0.8541)


def test_a_table_whose_text_column_cannot_be_told_is_refused_then_read_as_told(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("t0,t1,thing,other\n1,2,dog,x\n", encoding="utf-8")
    with pytest.raises(L.LabelFormatError) as err:
        L.read_labels(path)
    assert err.value.header == ["t0", "t1", "thing", "other"]      # never read with the text empty
    assert ours(path, columns={"start": "t0", "end": "t1", "text": "thing"}) == [(1.0, 2.0, "dog")]
    assert ours(path, columns={"start": "t0", "end": "t1", "text": ""}) == [(1.0, 2.0, "")]
    with pytest.raises(L.LabelFormatError, match="no column “nope”"):
        L.read_labels(path, columns={"start": "nope"})


def test_birdnet_s_audacity_layout_keeps_confidence_out_of_the_text(tmp_path):
    path = tmp_path / "BirdNET.results.txt"
    path.write_text("0.0\t3.0\tEurasian Blackbird\t0.8541\n3.0\t6.0\tsong\tthrush\n", encoding="utf-8")
    (_, (a, b)), = L.read_labels(path)
    assert (a.text, a.confidence) == ("Eurasian Blackbird", pytest.approx(0.8541))
    assert (b.text, b.confidence) == ("song\tthrush", None)       # a text with a tab stays whole


@pytest.mark.parametrize("name", ["sel.selections.txt", "sel.txt"])
def test_raven_tables_with_lower_case_headers_and_crlf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"selection\tview\tchannel\tbegin time (s)\tend time (s)\tlow freq (hz)\t"
                     b"high freq (hz)\tspecies\r\n1\tSpectrogram 1\t1\t1.0\t2.0\t500\t4000\tAMRO\r\n")
    (_, (r,)), = L.read_labels(path)
    assert (r.start, r.end, r.text, r.low_hz, r.high_hz) == (1.0, 2.0, "AMRO", 500.0, 4000.0)


def test_lab_files_in_audacity_layout(tmp_path):
    path = tmp_path / "take.lab"
    path.write_text("0.5\t1.25\thello\n2\t3\tworld\n", encoding="utf-8")
    assert ours(path) == [(0.5, 1.25, "hello"), (2.0, 3.0, "world")]


def test_refusals_read_as_sentences(tmp_path):
    empty = tmp_path / "none.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(L.LabelFormatError) as err:
        L.read_labels(empty)
    assert str(err.value).startswith("Cannot read “none.csv”, line 1: ")
    broken = tmp_path / "x.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(L.LabelFormatError) as err:
        L.read_labels(broken)
    assert ",:" not in str(err.value)                  # no line number: no stray comma
    grid = tmp_path / "g.TextGrid"
    grid.write_text('File type = "ooTextFile"\nObject class = "TextGrid"\n0\n1\n<exists>\n1\n'
                    '"IntervalTier"\n"a"\n0\n1\nmany\n', encoding="utf-8")
    with pytest.raises(L.LabelFormatError) as err:
        L.read_labels(grid)
    assert "a whole number" in str(err.value) and "seconds" not in str(err.value)


# -- Praat's other TextGrid encodings, written by Praat itself (tests/data/praat/make.praat) ------
PRAAT = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "praat"


def praatio_tracks(path):
    from praatio import textgrid

    tg = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    out = []
    for name in tg.tierNames:
        tier = tg.getTier(name)
        if hasattr(tier, "entries") and tier.entries and len(tier.entries[0]) == 3:
            out.append((name, [(e.start, e.end, e.label) for e in tier.entries]))
        else:
            out.append((name, [(e.time, e.time, e.label) for e in tier.entries]))
    return out


@pytest.mark.parametrize("name", ["long", "short", "chrono", "binary"])
def test_every_textgrid_encoding_praat_writes_reads_as_praatio_reads_the_long_one(name):
    """Praat 6.3 saved one TextGrid (UTF-16, two interval tiers, a point tier, quotes and
    non-Latin text) as a text file, a short text file, a chronological text file and a binary
    file; each reads as praatio reads the text file."""
    ours = [(n, [(r.start, r.end, r.text) for r in regions])
            for n, regions in L.read_labels(PRAAT / f"{name}.TextGrid")]
    assert ours == praatio_tracks(PRAAT / "long.TextGrid")


def test_damaged_binary_textgrids_are_refused_in_words(tmp_path):
    import random

    good = (PRAAT / "binary.TextGrid").read_bytes()
    rng = random.Random(2)
    refused = 0
    for k in range(300):
        data = bytearray(good)
        for _ in range(rng.randint(1, 6)):
            data[rng.randrange(12, len(data))] = rng.randrange(256)
        path = tmp_path / f"b{k}.TextGrid"
        path.write_bytes(bytes(data[:rng.randint(13, len(data))]))
        try:
            L.read_labels(path)
        except L.LabelFormatError as exc:
            refused += 1
            assert ",:" not in str(exc)
    assert refused > 100


ELAN_CHAIN = """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT AUTHOR="" DATE="2026-01-01T00:00:00+00:00" FORMAT="3.0" VERSION="3.0"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:noNamespaceSchemaLocation="http://www.mpi.nl/tools/elan/EAFv3.0.xsd">
 <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
 <TIME_ORDER>
  <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="500"/><TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1250"/>
  <TIME_SLOT TIME_SLOT_ID="ts3" TIME_VALUE="2000"/>
 </TIME_ORDER>
 <TIER LINGUISTIC_TYPE_REF="gloss" PARENT_REF="pos" TIER_ID="gloss">
  <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a5" ANNOTATION_REF="a3"><ANNOTATION_VALUE>greeting</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
  <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a6" ANNOTATION_REF="a4"><ANNOTATION_VALUE>planet</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
 </TIER>
 <TIER LINGUISTIC_TYPE_REF="words" TIER_ID="words">
  <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>hello</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
  <ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts2" TIME_SLOT_REF2="ts3"><ANNOTATION_VALUE>world</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION>
 </TIER>
 <TIER LINGUISTIC_TYPE_REF="pos" PARENT_REF="words" TIER_ID="pos">
  <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a3" ANNOTATION_REF="a1"><ANNOTATION_VALUE>INTJ</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
  <ANNOTATION><REF_ANNOTATION ANNOTATION_ID="a4" ANNOTATION_REF="a2"><ANNOTATION_VALUE>NOUN</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>
 </TIER>
 <LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="words" TIME_ALIGNABLE="true"/>
 <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" LINGUISTIC_TYPE_ID="pos" TIME_ALIGNABLE="false"/>
 <LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" LINGUISTIC_TYPE_ID="gloss" TIME_ALIGNABLE="false"/>
 <CONSTRAINT DESCRIPTION="1-1 association with a parent annotation" STEREOTYPE="Symbolic_Association"/>
</ANNOTATION_DOCUMENT>
"""


def test_elan_symbolic_associations_in_a_chain_follow_it_to_the_times(tmp_path):
    """gloss -> pos -> words, the gloss tier first in the file: every tier gets its times (the
    chain's gloss tier read as 0 items before), as pympi-ling reads them."""
    import pympi

    path = tmp_path / "chain.eaf"
    path.write_text(ELAN_CHAIN, encoding="utf-8")
    tracks = {name: [(r.start, r.end, r.text) for r in regions] for name, regions in L.read_labels(path)}
    assert tracks["gloss"] == [(0.5, 1.25, "greeting"), (1.25, 2.0, "planet")]
    assert tracks["pos"] == [(0.5, 1.25, "INTJ"), (1.25, 2.0, "NOUN")]
    eaf = pympi.Elan.Eaf(str(path))
    peer_pos = sorted((a / 1000, b / 1000, v) for a, b, v, *_ in eaf.get_ref_annotation_data_for_tier("pos"))
    assert tracks["pos"] == peer_pos
