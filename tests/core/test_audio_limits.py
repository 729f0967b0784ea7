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
    (48000, 5000, "5000 channels"), (48000, 0, "Channel count is zero"),
])
def test_absurd_rates_and_channel_counts_are_refused(tmp_path, rate, channels, expect):
    path = tmp_path / "lie.wav"
    path.write_bytes(wav_header(rate, channels))
    with pytest.raises(AudioOpenError, match=expect):
        open_audio(path).load_all()


def test_the_limits_still_let_real_files_in(tmp_path):
    for rate, channels in ((768000, 2), (1000, 64)):
        path = tmp_path / f"ok-{rate}-{channels}.wav"
        path.write_bytes(wav_header(rate, channels, data_bytes=channels * 2 * 100))
        src = open_audio(path).load_all()
        assert src.sample_rate == rate and src.channels == channels and src.frames == 100
        src.close()
