"""Sounds synthesised offline with numpy: ambience and the sounds of the trade's actions.

Every sound is a mono float32 clip at `RATE` samples a second, made from a seed, so the same
seed gives the same samples and, encoded by `encode_ogg` (Ogg Vorbis through libsndfile, the
`soundfile` package), the same bytes. Building blocks: noise (white, pink, brown), band
filters, tones with harmonics, envelopes; recipes: room ambience, a sizzling pan, a drill, a
scanner beep, a door bell, running water, an electric hum, a welding arc, a steam wand, bird
song, clicks and thuds. `finish` normalises a clip to a target loudness with its peaks kept
under `PEAK_LIMIT` (no clipping) and, for a loop, blends its end into its start so it repeats
without a click.

A generator lists its sounds as {name: clip} and `write_sounds` writes them as
`sounds/<name>.ogg` beside the model; scene.yaml's `script.sounds` names those files.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import numpy.typing as npt

from content_tools.files import write_atomic

__all__ = [
    "PEAK_LIMIT",
    "RATE",
    "Clip",
    "ambience",
    "beep",
    "bell",
    "birds",
    "brown_noise",
    "click",
    "drill",
    "encode_ogg",
    "finish",
    "hum",
    "pink_noise",
    "repeat",
    "rms_dbfs",
    "sizzle",
    "steam",
    "thud",
    "water",
    "weld_arc",
    "white_noise",
    "write_sounds",
]

RATE = 22_050
"""Samples a second: enough for ambience and tools (up to 11 kHz), half the bytes of 44.1 kHz."""
PEAK_LIMIT = 0.89
"""The largest sample `finish` lets through (about -1 dBFS): no clipping after encoding."""
SOUNDS_DIR = "sounds"
QUALITY = 0.55
"""libsndfile's Vorbis compression level (0 best quality .. 1 smallest): about 56 kbit/s."""

Clip = npt.NDArray[np.float32]
"""A mono clip: float32 samples in [-1, 1] at RATE."""
_F = npt.NDArray[np.float64]


def _n(seconds: float) -> int:
    return max(1, round(seconds * RATE))


def _t(seconds: float) -> _F:
    return np.arange(_n(seconds), dtype=np.float64) / RATE


# ------------------------------------------------------------------ building blocks


def white_noise(seconds: float, seed: int) -> _F:
    return np.random.default_rng(seed).standard_normal(_n(seconds))


def _spectral(seconds: float, seed: int, exponent: float) -> _F:
    """Noise whose power falls as 1/f**exponent (1: pink, 2: brown), unit RMS."""
    spectrum = np.fft.rfft(white_noise(seconds, seed))
    f = np.fft.rfftfreq(_n(seconds), 1 / RATE)
    f[0] = f[1] if len(f) > 1 else 1.0
    out = np.fft.irfft(spectrum / f ** (exponent / 2), _n(seconds))
    return out / (np.sqrt(np.mean(out**2)) or 1.0)


def pink_noise(seconds: float, seed: int) -> _F:
    return _spectral(seconds, seed, 1.0)


def brown_noise(seconds: float, seed: int) -> _F:
    return _spectral(seconds, seed, 2.0)


def band(signal: _F, low_hz: float, high_hz: float) -> _F:
    """`signal` with only the frequencies between low_hz and high_hz (FFT brick-wall, smoothed
    edges), so a filtered loop stays a loop."""
    spectrum = np.fft.rfft(signal)
    f = np.fft.rfftfreq(len(signal), 1 / RATE)
    edge = 0.15
    gain = np.clip((f - low_hz * (1 - edge)) / (low_hz * edge * 2 + 1e-9), 0, 1)
    gain *= np.clip((high_hz * (1 + edge) - f) / (high_hz * edge * 2), 0, 1)
    return np.fft.irfft(spectrum * gain, len(signal))


def tone(freq_hz: float | _F, seconds: float, harmonics: tuple[float, ...] = (1.0,)) -> _F:
    """A tone (a fixed frequency or one per sample) with the given harmonic amplitudes."""
    freq = np.broadcast_to(np.asarray(freq_hz, dtype=np.float64), (_n(seconds),))
    phase = 2 * np.pi * np.cumsum(freq) / RATE
    out = np.zeros(len(freq))
    for k, amplitude in enumerate(harmonics):
        out += amplitude * np.sin((k + 1) * phase)
    return out


def envelope(seconds: float, attack_s: float, decay_s: float) -> _F:
    """Rise over attack_s, then fall exponentially with time constant decay_s."""
    t = _t(seconds)
    return np.minimum(t / max(attack_s, 1e-4), 1.0) * np.exp(-np.maximum(t - attack_s, 0) / decay_s)


def _place(out: _F, clip: _F, at_s: float) -> None:
    start = round(at_s * RATE) % len(out)
    end = min(len(out), start + len(clip))
    out[start:end] += clip[: end - start]
    rest = len(clip) - (end - start)
    if rest > 0:  # wraps around: the loop stays seamless
        out[:rest] += clip[end - start : end - start + rest]


def _bursts(
    seconds: float, seed: int, per_s: float, make: Callable[[np.random.Generator], _F]
) -> _F:
    """Short events (`make(rng)` gives one) at random times, about per_s a second."""
    rng = np.random.default_rng(seed)
    out = np.zeros(_n(seconds))
    for at in np.sort(rng.uniform(0, seconds, rng.poisson(per_s * seconds))):
        _place(out, make(rng), float(at))
    return out


# ------------------------------------------------------------------ finishing and loudness


def rms_dbfs(clip: npt.NDArray[np.floating]) -> float:
    """The loudness of a clip as RMS in dB relative to full scale (-inf for silence)."""
    rms = float(np.sqrt(np.mean(np.square(clip, dtype=np.float64))))
    return 20 * np.log10(rms) if rms > 0 else float("-inf")


def finish(signal: _F, *, loudness_dbfs: float, loop: bool = False, fade_s: float = 0.01) -> Clip:
    """`signal` at `loudness_dbfs` RMS, soft-limited so no sample exceeds PEAK_LIMIT. A loop's
    last 0.1 s is blended into its start (no click at the seam); a one-shot fades in and out
    over fade_s."""
    x = signal - np.mean(signal)
    if loop:
        k = min(len(x) // 4, _n(0.1))
        if k > 1:
            w = np.linspace(0, 1, k)
            x[:k] = x[:k] * w + x[-k:] * (1 - w)
            x = x[:-k]
    else:
        k = min(len(x) // 2, _n(fade_s))
        if k > 1:
            ramp = np.linspace(0, 1, k)
            x[:k] *= ramp
            x[-k:] *= ramp[::-1]
    rms = np.sqrt(np.mean(x**2))
    if rms > 0:
        x = x * (10 ** (loudness_dbfs / 20) / rms)
    # soft knee above half the limit: loud peaks bend instead of clipping
    knee = PEAK_LIMIT / 2
    over = np.abs(x) > knee
    x[over] = np.sign(x[over]) * (
        knee + (PEAK_LIMIT - knee) * np.tanh((np.abs(x[over]) - knee) / (PEAK_LIMIT - knee))
    )
    return x.astype(np.float32)


# ------------------------------------------------------------------ recipes


def ambience(seconds: float = 6.0, *, seed: int, hum_hz: float = 0.0, bright: float = 0.3) -> Clip:
    """Room tone to loop: brown rumble, some pink air (`bright`), an optional mains or fan hum."""
    x = band(brown_noise(seconds, seed), 30, 2000) + bright * band(
        pink_noise(seconds, seed + 1), 200, 8000
    )
    if hum_hz:
        x += 0.25 * band(tone(hum_hz, seconds, (1.0, 0.5, 0.25)), 20, 2000) * np.std(x)
    return finish(x, loudness_dbfs=-30, loop=True)


def sizzle(seconds: float = 4.0, *, seed: int) -> Clip:
    """Oil in a hot pan, to loop: hissing high noise and crackling pops."""
    hiss = band(white_noise(seconds, seed), 2500, 10000) * (
        1 + 0.3 * pink_noise(seconds, seed + 1) / 3
    )

    def pop(rng: np.random.Generator) -> _F:
        n = _n(rng.uniform(0.002, 0.012))
        return rng.standard_normal(n) * np.exp(-np.arange(n) / (n / 4)) * rng.uniform(1, 4)

    return finish(
        hiss + band(_bursts(seconds, seed + 2, 60, pop), 1000, 10000), loudness_dbfs=-20, loop=True
    )


def drill(seconds: float = 2.0, *, seed: int, motor_hz: float = 180.0) -> Clip:
    """An electric drill: a motor whine spinning up, gear buzz, chuck noise; spins down."""
    t = _t(seconds)
    speed = np.minimum(t / 0.25, 1.0) * np.clip((seconds - t) / 0.3, 0, 1) ** 0.5
    wobble = 1 + 0.01 * np.sin(2 * np.pi * 7 * t)
    motor = tone(motor_hz * (0.3 + 0.7 * speed) * wobble, seconds, (1.0, 0.6, 0.45, 0.3, 0.2, 0.12))
    grind = band(white_noise(seconds, seed), 1500, 7000) * 0.4
    return finish((motor + grind) * np.maximum(speed, 0.02), loudness_dbfs=-16)


def beep(
    freq_hz: float = 2400.0, seconds: float = 0.15, *, repeat: int = 1, gap_s: float = 0.08
) -> Clip:
    """A scanner or appliance beep (square-ish tone), `repeat` times."""
    one = tone(freq_hz, seconds, (1.0, 0.0, 0.3, 0.0, 0.12)) * envelope(seconds, 0.004, seconds * 4)
    one[-_n(0.004) :] *= np.linspace(1, 0, _n(0.004))
    gap = np.zeros(_n(gap_s))
    parts = [p for _ in range(repeat) for p in (one, gap)][:-1]
    return finish(np.concatenate(parts), loudness_dbfs=-18)


def bell(
    freq_hz: float = 660.0, *, notes: tuple[float, ...] = (1.0, 0.8), seconds: float = 1.6
) -> Clip:
    """A door or counter bell: struck inharmonic partials decaying; `notes` ding-dong ratios."""
    out = np.zeros(_n(seconds))
    step = seconds / (len(notes) + 1)
    for i, ratio in enumerate(notes):
        f = freq_hz * ratio
        rest = seconds - i * step
        partials = sum(
            a * tone(f * m, rest) for m, a in ((1, 1.0), (2.76, 0.4), (5.4, 0.2), (8.93, 0.1))
        )
        _place(out, partials * envelope(rest, 0.002, 0.45), i * step)
    return finish(out, loudness_dbfs=-18, fade_s=0.05)


def water(seconds: float = 4.0, *, seed: int, loop: bool = True) -> Clip:
    """Running water from a tap (to loop, or turned on and off when not `loop`): band noise
    with a bubbling flutter."""
    flutter = 1 + 0.5 * band(white_noise(seconds, seed + 1), 4, 30) / 0.05
    x = band(white_noise(seconds, seed), 400, 6000) * np.clip(flutter, 0.2, 2)
    return finish(x, loudness_dbfs=-22, loop=loop, fade_s=0.2)


def hum(freq_hz: float = 50.0, seconds: float = 4.0, *, seed: int) -> Clip:
    """Mains hum or a machine's drone, to loop (the frequency is rounded so it loops whole)."""
    whole = round(freq_hz * seconds) / seconds
    x = tone(whole, seconds, (1.0, 0.7, 0.5, 0.3, 0.2)) + 0.05 * band(
        white_noise(seconds, seed), 100, 4000
    )
    return finish(x, loudness_dbfs=-26, loop=True)


def weld_arc(seconds: float = 3.0, *, seed: int, loop: bool = True) -> Clip:
    """A welding arc (to loop, or struck and stopped when not `loop`): crackling buzz around
    100 Hz and frying noise."""
    buzz = tone(round(100 * seconds) / seconds, seconds, (1.0, 0.5, 0.33, 0.25)) * 0.3
    fry = band(white_noise(seconds, seed), 800, 9000) * (
        0.6 + 0.8 * (band(white_noise(seconds, seed + 1), 5, 40) > 0)
    )
    return finish(buzz + fry, loudness_dbfs=-18, loop=loop, fade_s=0.05)


def steam(seconds: float = 2.5, *, seed: int) -> Clip:
    """A steam wand or a hiss of air: rising, steady, falling high noise."""
    t = _t(seconds)
    level = np.minimum(t / 0.15, 1.0) * np.clip((seconds - t) / 0.3, 0, 1)
    return finish(band(white_noise(seconds, seed), 1800, 10000) * level, loudness_dbfs=-20)


def birds(seconds: float = 8.0, *, seed: int) -> Clip:
    """Distant birds over a breeze, to loop."""
    air = 0.5 * band(pink_noise(seconds, seed), 100, 3000)

    def chirp(rng: np.random.Generator) -> _F:
        d = float(rng.uniform(0.05, 0.15))
        t = _t(d)
        f = rng.uniform(2500, 4500) + rng.uniform(-1500, 1500) * t / d
        shaped: _F = tone(f, d) * np.sin(np.pi * t / d) ** 2 * float(rng.uniform(0.3, 1.0))
        return shaped

    return finish(air + 2 * _bursts(seconds, seed + 1, 1.5, chirp), loudness_dbfs=-28, loop=True)


def click(*, seed: int, pitch_hz: float = 1800.0, seconds: float = 0.06) -> Clip:
    """A switch, a knob or a latch: a short filtered tick with a little ring."""
    x = band(white_noise(seconds, seed), pitch_hz / 2, pitch_hz * 3) * envelope(
        seconds, 0.0005, 0.006
    )
    return finish(
        x + 0.3 * tone(pitch_hz, seconds) * envelope(seconds, 0.0005, 0.01), loudness_dbfs=-20
    )


def thud(*, seed: int, seconds: float = 0.3) -> Clip:
    """Something set down on a surface: a low knock."""
    t = _t(seconds)
    body = np.sin(2 * np.pi * (90 + 60 * np.exp(-t / 0.02)) * t) * envelope(seconds, 0.001, 0.05)
    return finish(
        body + 0.2 * band(white_noise(seconds, seed), 200, 2000) * envelope(seconds, 0.001, 0.01),
        loudness_dbfs=-18,
    )


def repeat(clip: Clip, times: int, gap_s: float) -> Clip:
    """`clip` `times` times with `gap_s` of silence between (chopping, knocking, footsteps)."""
    gap = np.zeros(_n(gap_s), dtype=np.float32)
    parts = [part for _ in range(times) for part in (clip, gap)][:-1]
    return np.concatenate(parts).astype(np.float32)


# ------------------------------------------------------------------ encoding and writing


def encode_ogg(clip: Clip, *, rate: int = RATE, quality: float = QUALITY) -> bytes:
    """`clip` as Ogg Vorbis bytes, the same bytes for the same samples.

    libsndfile gives each Ogg stream a random serial number; it is set to 1 here on every page
    and the pages' checksums computed again, so the file depends on the samples alone."""
    import soundfile  # imported here: only generators encode

    buffer = io.BytesIO()
    soundfile.write(buffer, clip, rate, format="OGG", subtype="VORBIS", compression_level=quality)
    return fixed_serial(buffer.getvalue())


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) if r & 0x80000000 else r << 1
        table.append(r & 0xFFFFFFFF)
    return table


_CRC = _crc_table()


def _ogg_crc(data: bytes | bytearray) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ _CRC[((crc >> 24) & 0xFF) ^ byte]
    return crc


def fixed_serial(ogg: bytes, serial: int = 1) -> bytes:
    """The Ogg file `ogg` with every page's stream serial number set to `serial` (and its
    CRC made right again). Raises ValueError if `ogg` is not a sequence of Ogg pages."""
    out = bytearray(ogg)
    pos = 0
    while pos < len(out):
        if out[pos : pos + 4] != b"OggS" or pos + 27 > len(out):
            raise ValueError(f"no Ogg page at byte {pos}")
        segments = out[pos + 26]
        length = 27 + segments + sum(out[pos + 27 : pos + 27 + segments])
        struct.pack_into("<II", out, pos + 14, serial, struct.unpack_from("<I", out, pos + 18)[0])
        struct.pack_into("<I", out, pos + 22, 0)
        struct.pack_into("<I", out, pos + 22, _ogg_crc(out[pos : pos + length]))
        pos += length
    return bytes(out)


def write_sounds(folder: Path, sounds: Mapping[str, Clip]) -> list[Path]:
    """Write each clip as `folder/sounds/<name>.ogg` (atomically); returns the paths."""
    out = folder / SOUNDS_DIR
    out.mkdir(exist_ok=True)
    paths = []
    for name, clip in sorted(sounds.items()):
        path = out / f"{name}.ogg"
        write_atomic(path, encode_ogg(clip))
        paths.append(path)
    return paths
