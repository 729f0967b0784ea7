"""Files that are not what they claim: a named pipe must not hang the open, and headers that
announce absurd sample rates or channel counts are refused with a message before anything is
allocated for them."""
import os
import struct
import threading
import time

import pytest

from workbench.core.audio import AudioOpenError, open_audio


def wav_header(rate: int, channels: int, data_bytes: int = 4000, bits: int = 16) -> bytes:
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, bits)
    return (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", data_bytes) + bytes(data_bytes))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_at_once(tmp_path):
    fifo = tmp_path / "stream.wav"
    os.mkfifo(fifo)
    box = {}

    def attempt():
        try:
            open_audio(fifo)
        except AudioOpenError as exc:
            box["error"] = str(exc)

    t0 = time.monotonic()
    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(5)
    if thread.is_alive():      # unblock the hung open so the test process can end
        with open(fifo, "wb"):
            pass
        pytest.fail("opening a named pipe hung")
    assert "not a regular file" in box["error"] and time.monotonic() - t0 < 1


@pytest.mark.parametrize("rate, channels, expect", [
    (0x7FFFFFFF, 1, "sample rate of 2147483647 Hz"), (0, 1, "no sample rate or no channels"),
    (48000, 65, "65 channels"), (48000, 5000, "5000 channels"), (48000, 0, "Channel count is zero"),
])
def test_absurd_rates_and_channel_counts_are_refused(tmp_path, rate, channels, expect):
    path = tmp_path / "lie.wav"
    path.write_bytes(wav_header(rate, channels))
    with pytest.raises(AudioOpenError, match=expect):
        open_audio(path).load_all()


def test_the_limits_still_let_real_files_in(tmp_path):
    for rate, channels in ((768000, 2), (1000, 64)):      # the limits themselves open
        path = tmp_path / f"ok-{rate}-{channels}.wav"
        path.write_bytes(wav_header(rate, channels, data_bytes=channels * 2 * 100))
        src = open_audio(path).load_all()
        assert src.sample_rate == rate and src.channels == channels and src.frames == 100
        src.close()


def test_nan_and_inf_samples_draw_as_silence_and_full_scale(tmp_path):
    import numpy as np
    import soundfile as sf

    x = np.zeros((4096, 1), np.float32)
    x[100:200] = np.nan
    x[1000:1100] = np.inf
    x[3000] = -np.inf
    path = tmp_path / "nan.wav"
    sf.write(str(path), x, 16000, subtype="FLOAT")
    src = open_audio(path).load_all()
    lo, hi = src.peaks.overall(0)
    assert np.isfinite(lo) and np.isfinite(hi) and (lo, hi) == (-1.0, 1.0)


def test_a_flac_of_unknown_or_impossible_length_decodes_what_is_there(tmp_path):
    """STREAMINFO's 36-bit sample count is 0 ("unknown") or absurd: libsndfile then reports up to
    2^63 frames, which once sized a 256 PiB peak pyramid.  The length is what decodes."""
    import io

    import numpy as np
    import soundfile as sf

    x = (0.5 * np.sin(np.arange(8000) / 10)).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, x, 16000, format="FLAC")
    data = bytearray(buf.getvalue())
    word = int.from_bytes(data[18:26], "big")
    for total in (0, (1 << 36) - 1):
        data[18:26] = ((word & ~((1 << 36) - 1)) | total).to_bytes(8, "big")
        path = tmp_path / f"len{total}.flac"
        path.write_bytes(bytes(data))
        src = open_audio(path, cache_dir=tmp_path).load_all()
        assert src.frames == 8000 and src.peaks.nbytes < 1 << 20
        np.testing.assert_allclose(src.read(0, 8000)[:, 0], x, atol=1e-4)
        src.close()


def test_a_header_that_says_1_hz_costs_no_minutes(tmp_path):
    """Issue 26: a 44 kB WAV whose header says 1 Hz is 6 hours at that rate; a task refuses it
    at once instead of resampling 6 hours to 16 kHz (6 minutes of CPU)."""
    from workbench.tasks import registry
    from workbench.tasks.events import TaskError
    from workbench.tasks.runner import run_task
    from audio_fixtures import drain

    path = tmp_path / "one-hertz.wav"
    path.write_bytes(wav_header(1, 1, data_bytes=44000))
    src = open_audio(path).load_all()
    t0 = time.monotonic()
    with pytest.raises(TaskError, match="sample rate is 1 Hz"):
        drain(run_task(registry.get("vad"), src, {}))
    assert time.monotonic() - t0 < 5


def test_a_file_that_looks_like_audio_is_not_called_not_audio(tmp_path):
    path = tmp_path / "odd.wav"
    path.write_bytes(b"RIFF" + bytes(40))
    with pytest.raises(AudioOpenError) as err:
        open_audio(path)
    text = str(err.value)
    assert "looks like a RIFF/WAV file" in text and "not in an audio format" not in text


def _damaged_mp3(path):
    import random

    import numpy as np
    import soundfile as sf

    if "MP3" not in sf.available_formats():
        pytest.skip("this libsndfile writes no MP3")
    x = (0.3 * np.sin(np.arange(16000 * 5) * 0.05)).astype("float32")
    sf.write(str(path), x, 16000, format="MP3")
    data = bytearray(path.read_bytes())
    rng = random.Random(1)
    for i in range(3000, 6000):             # garbage in the middle of the stream
        data[i] = rng.randrange(256)
    path.write_bytes(bytes(data))


def test_what_the_mp3_decoder_prints_becomes_a_warning_not_terminal_noise(tmp_path, capfd):
    """libmpg123 writes "Note: Illegal Audio-MPEG-Header ..." straight to file descriptor 2 on a
    damaged MP3: the user saw it under the progress bar, and the file's warnings said only
    "Unspecified internal error".  Now it is one warning of the file's; the terminal stays clean."""
    path = tmp_path / "damaged.mp3"
    _damaged_mp3(path)
    capfd.readouterr()
    src = open_audio(path)
    src.load_all()
    out, err = capfd.readouterr()
    assert "Illegal Audio-MPEG-Header" not in err and "libmpg123" not in err, err
    said = [w for w in src.info.warnings if "decoder reported damage" in w]
    assert said and "Illegal Audio-MPEG-Header" in said[0], src.info.warnings
    assert 0 < src.frames < 16000 * 5


def test_other_text_on_stderr_during_a_decode_is_passed_on(capfd):
    import os

    from workbench.core.audio import decoder_messages

    said: list[str] = []
    with decoder_messages(said):
        os.write(2, b"Note: Illegal Audio-MPEG-Header 0x1 at offset 9.\nsomething else entirely\n")
    err = capfd.readouterr().err
    assert said == ["Illegal Audio-MPEG-Header 0x1 at offset 9"]
    assert "something else entirely" in err and "Illegal" not in err
