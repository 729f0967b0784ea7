"""The damaged label files issue 12 lists, each refused with a message (or read, where the data
is all there), never an exception of another kind and never a non-finite time."""
import pytest

from workbench.formats.labels import LabelFormatError, read_labels


@pytest.mark.parametrize("name, content, expect", [
    ("nan.json", '{"tracks": [{"name": "a", "regions": [{"start": NaN, "end": 1}]}]}', "NaN"),
    ("inf.json", '{"tracks": [{"name": "a", "regions": [{"start": 0, "end": Infinity}]}]}', "Infinity"),
    ("deep.json", "[" * 100000 + "]" * 100000, "damaged|malformed|tracks"),
    ("digits.json", '{"tracks": [{"name": "a", "regions": [{"start": ' + "9" * 5000 + ', "end": 1}]}]}',
     "damaged|valid"),
    ("enc.eaf", '<?xml version="1.0" encoding="UTF-88"?><ANNOTATION_DOCUMENT/>', "encoding"),
    ("time.eaf", '<ANNOTATION_DOCUMENT><TIME_ORDER><TIME_SLOT TIME_SLOT_ID="a" TIME_VALUE="soon"/>'
                 '</TIME_ORDER></ANNOTATION_DOCUMENT>', "soon"),
    ("field.csv", "start,end,text\n0,1," + "x" * 200000 + "\n", "malformed"),
    ("hour.srt", "1\n" + "9" * 5000 + ":00:00,000 --> 00:00:01,000\nhi\n", ""),
])
def test_damaged_label_files_are_refused_with_a_message(tmp_path, name, content, expect):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LabelFormatError, match=expect):
        read_labels(path)


def test_cr_only_csv_and_short_raven_rows_are_read(tmp_path):
    csv_path = tmp_path / "mac.csv"
    csv_path.write_bytes(b"start,end,text\r0,1,a\r2,3,b\r")
    (track,) = read_labels(csv_path)
    assert [(r.start, r.end, r.text) for r in track[1]] == [(0, 1, "a"), (2, 3, "b")]
    raven = tmp_path / "short.selections.txt"
    raven.write_text("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\n"
                     "1\tSpectrogram 1\t1\t0.5\t1.5\n", encoding="utf-8")
    (track,) = read_labels(raven)
    assert [(r.start, r.end, r.text, r.low_hz) for r in track[1]] == [(0.5, 1.5, "", None)]


def test_export_onto_a_full_disk_says_so_and_keeps_the_old_file(tmp_path, monkeypatch):
    import errno
    import os

    from workbench.formats import atomic
    from workbench.formats.labels import Region, write_labels

    path = tmp_path / "old.srt"
    path.write_text("kept", encoding="utf-8")
    def full(target, data):        # the disk fills half way through the temporary file
        with atomic.replacing(target) as tmp:
            tmp.write_bytes(data[:5])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic, "write_bytes", full)
    with pytest.raises(OSError) as caught:
        write_labels(path, [("a", [Region(0.0, 1.0, "x")])])
    assert str(caught.value) == "cannot write “old.srt”: the disk is full"
    assert path.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["old.srt"]         # no half-written file left
