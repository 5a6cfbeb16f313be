"""What a sound file really is: WAV or MP3, told from its first bytes, never from its name."""
from __future__ import annotations

MP3 = "mp3"
WAV = "wav"
MEDIA_TYPES = {MP3: "audio/mpeg", WAV: "audio/wav"}
# Anything shorter holds no sound worth playing (a WAV header alone is 44 bytes).
MIN_BYTES = 256


def _mp3_frame(data: bytes, at: int) -> bool:
    """Tell whether an MPEG audio frame header starts at `at` (sync bits, a layer, a bitrate, a rate)."""
    if len(data) < at + 4 or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return False
    version, layer = (data[at + 1] >> 3) & 0x03, (data[at + 1] >> 1) & 0x03
    bitrate, rate = data[at + 2] >> 4, (data[at + 2] >> 2) & 0x03
    return version != 1 and layer != 0 and bitrate not in (0, 15) and rate != 3


def kind_of(data: bytes) -> str | None:
    """Return "wav" or "mp3" for a file whose content is one of them; None for anything else."""
    if len(data) < MIN_BYTES:
        return None
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE" and b"fmt " in data[12:200]:
        return WAV
    if data[:3] == b"ID3" and len(data) > 10:
        # An ID3v2 tag, its size in four 7-bit bytes, then the first frame.
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        start = 10 + size + (10 if data[5] & 0x10 else 0)
        return MP3 if _mp3_frame(data, start) else None
    return MP3 if _mp3_frame(data, 0) else None
