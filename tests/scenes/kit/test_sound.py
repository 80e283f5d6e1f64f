"""The sound kit: every recipe is deterministic, within its loudness, never clips, loops
cleanly, and encodes to the same Ogg bytes every time."""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
import pytest
import soundfile

from scenes.kit import sound

RECIPES: dict[str, Callable[[], sound.Clip]] = {
    "ambience": lambda: sound.ambience(2.0, seed=1, hum_hz=50),
    "sizzle": lambda: sound.sizzle(1.5, seed=2),
    "drill": lambda: sound.drill(1.0, seed=3),
    "beep": lambda: sound.beep(repeat=2),
    "bell": lambda: sound.bell(seconds=1.0),
    "water": lambda: sound.water(1.5, seed=4),
    "hum": lambda: sound.hum(60, 1.5, seed=5),
    "weld_arc": lambda: sound.weld_arc(1.5, seed=6),
    "steam": lambda: sound.steam(1.0, seed=7),
    "birds": lambda: sound.birds(2.0, seed=8),
    "click": lambda: sound.click(seed=9),
    "thud": lambda: sound.thud(seed=10),
}
LOOPS = {"ambience", "sizzle", "water", "hum", "weld_arc", "birds"}


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_is_deterministic_audible_and_unclipped(name: str) -> None:
    clip = RECIPES[name]()
    assert clip.dtype == np.float32
    assert clip.ndim == 1
    assert len(clip) > 0
    assert np.array_equal(clip, RECIPES[name]())  # same seed, same samples
    assert np.isfinite(clip).all()
    assert float(np.abs(clip).max()) <= sound.PEAK_LIMIT
    assert -32.0 <= sound.rms_dbfs(clip) <= -14.0


@pytest.mark.parametrize("name", sorted(LOOPS))
def test_loop_has_no_click_at_the_seam(name: str) -> None:
    clip = RECIPES[name]().astype(np.float64)
    steps = np.abs(np.diff(clip))
    seam = abs(clip[0] - clip[-1])
    assert seam <= np.percentile(steps, 99.9) + 1e-6


def test_one_shot_starts_and_ends_silent() -> None:
    clip = sound.drill(1.0, seed=3)
    assert abs(clip[0]) < 1e-3
    assert abs(clip[-1]) < 1e-3


def test_another_seed_gives_another_sound() -> None:
    assert not np.array_equal(sound.sizzle(1.0, seed=1), sound.sizzle(1.0, seed=2))


def test_finish_limits_a_too_loud_signal_without_clipping() -> None:
    loud = np.sin(np.linspace(0, 200 * np.pi, sound.RATE)) * 50
    clip = sound.finish(loud, loudness_dbfs=0)
    assert float(np.abs(clip).max()) <= sound.PEAK_LIMIT
    assert float(np.abs(clip).max()) > 0.8


def test_ogg_encoding_is_byte_identical_and_decodes() -> None:
    clip = sound.sizzle(1.0, seed=2)
    first = sound.encode_ogg(clip)
    assert first == sound.encode_ogg(clip)  # libsndfile's random stream serial is fixed
    assert first.startswith(b"OggS")
    decoded, rate = soundfile.read(io.BytesIO(first), dtype="float32")
    assert rate == sound.RATE
    assert abs(len(decoded) - len(clip)) < 64
    assert abs(sound.rms_dbfs(decoded) - sound.rms_dbfs(clip)) < 1.5


def test_fixed_serial_rewrites_every_page_with_a_valid_checksum() -> None:
    data = sound.fixed_serial(sound.encode_ogg(sound.beep()), serial=7)
    pos = 0
    while pos < len(data):
        assert data[pos : pos + 4] == b"OggS"
        assert int.from_bytes(data[pos + 14 : pos + 18], "little") == 7
        length = 27 + data[pos + 26] + sum(data[pos + 27 : pos + 27 + data[pos + 26]])
        page = bytearray(data[pos : pos + length])
        crc = int.from_bytes(page[22:26], "little")
        page[22:26] = b"\0\0\0\0"
        assert sound._ogg_crc(page) == crc
        pos += length
    soundfile.read(io.BytesIO(data))  # libsndfile still reads it


def test_fixed_serial_refuses_what_is_not_ogg() -> None:
    with pytest.raises(ValueError, match="no Ogg page"):
        sound.fixed_serial(b"RIFF....WAVEfmt ")


def test_write_sounds_writes_named_files(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    paths = sound.write_sounds(folder, {"bell": sound.bell(seconds=0.5), "beep": sound.beep()})
    assert [p.name for p in paths] == ["beep.ogg", "bell.ogg"]
    assert all(p.parent == folder / "sounds" and p.read_bytes().startswith(b"OggS") for p in paths)


def test_repeat_puts_gaps_between_copies() -> None:
    hit = sound.thud(seed=1)
    out = sound.repeat(hit, 3, 0.1)
    assert len(out) == 3 * len(hit) + 2 * round(0.1 * sound.RATE)
    assert np.array_equal(out[: len(hit)], hit)
    assert not out[len(hit) : len(hit) + 100].any()


def test_water_turned_off_fades_out() -> None:
    clip = sound.water(1.0, seed=4, loop=False)
    assert abs(clip[-1]) < 1e-3
