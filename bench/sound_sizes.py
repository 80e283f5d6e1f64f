"""Bytes of every scene's synthesised sounds in each candidate encoding, and the time to make
them: the figures behind choosing Ogg Vorbis for scenes/kit/sound.py (docs/benchmarks.md,
"Scene sounds").

    .venv/bin/python -m bench.sound_sizes

For each scene whose generator has `sounds()`: the clips synthesised once, then encoded as Ogg
Vorbis (the kit's setting), Ogg Opus (resampled to 24 kHz: Opus takes no 22.05 kHz), MP3
(libsndfile's LAME) and 16-bit WAV, all mono through soundfile; plus the seconds to synthesise
and to encode (Vorbis). Sizes are exact; times are one run on whatever else the machine does.
"""

from __future__ import annotations

import importlib
import io
import time
from pathlib import Path

import numpy as np
import soundfile

from scenes.kit import sound

SCENES = Path(__file__).resolve().parents[1] / "scenes"


def _size(clip: sound.Clip, rate: int, fmt: str, subtype: str) -> int:
    buffer = io.BytesIO()
    soundfile.write(buffer, clip, rate, format=fmt, subtype=subtype)
    return len(buffer.getvalue())


def _resample(clip: sound.Clip, rate: int) -> sound.Clip:
    n = round(len(clip) * rate / sound.RATE)
    x = np.arange(n) * sound.RATE / rate
    return np.interp(x, np.arange(len(clip)), clip).astype(np.float32)


def main() -> None:
    columns = "scene | files | seconds | Vorbis (kit) | Opus 24 kHz | MP3 | WAV 16-bit | synth s"
    print(f"| {columns} | encode s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scene in sorted(p.parent.name for p in SCENES.glob("*/generate.py")):
        generator = importlib.import_module(f"scenes.{scene}.generate")
        if not hasattr(generator, "sounds"):
            continue
        t0 = time.perf_counter()
        clips = generator.sounds()
        t1 = time.perf_counter()
        vorbis = sum(len(sound.encode_ogg(c)) for c in clips.values())
        t2 = time.perf_counter()
        opus = sum(_size(_resample(c, 24_000), 24_000, "OGG", "OPUS") for c in clips.values())
        mp3 = sum(_size(c, sound.RATE, "MP3", "MPEG_LAYER_III") for c in clips.values())
        wav = sum(_size(c, sound.RATE, "WAV", "PCM_16") for c in clips.values())
        seconds = sum(len(c) for c in clips.values()) / sound.RATE
        print(
            f"| {scene} | {len(clips)} | {seconds:.1f} | {vorbis:,} | {opus:,} | {mp3:,} | "
            f"{wav:,} | {t1 - t0:.2f} | {t2 - t1:.2f} |"
        )


if __name__ == "__main__":
    main()
