"""Sound files of a scene: the kinds a headset plays and the limits a bundle keeps to.

The cues that play them (which file, at which node, started by which script event) are part
of the script: `SoundCue` in `content_tools.format.scene`. This module holds what the format,
the validator and the packager share about the files themselves; it imports nothing of ours.
"""

from __future__ import annotations

__all__ = [
    "MAX_SOUNDS",
    "MAX_SOUNDS_BYTES",
    "MAX_SOUND_BYTES",
    "SOUND_MEDIA_TYPES",
    "sniff_sound",
]

SOUND_MEDIA_TYPES = {"audio/ogg": ".ogg", "audio/mpeg": ".mp3", "audio/wav": ".wav"}
"""The media types a sound file may have (the Quest Browser decodes all three), and the
suffix a bundle gives each."""
MAX_SOUND_BYTES = 512 * 1024
"""The largest sound file: 60 s of Ogg Vorbis at 64 kbit/s (loops are a few seconds)."""
MAX_SOUNDS_BYTES = 2 * 1024 * 1024
"""All of a scene's sound files together: a quarter of a typical packaged model."""
MAX_SOUNDS = 32
"""Sound cues in one script."""


def sniff_sound(head: bytes) -> str | None:
    """The media type of a sound file from its first 12 bytes, None when it is none of
    SOUND_MEDIA_TYPES (Ogg pages, RIFF/WAVE, MPEG audio with an ID3 tag or a frame sync)."""
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"ID3") or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    return None
