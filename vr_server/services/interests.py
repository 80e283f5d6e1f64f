"""A visitor's RIASEC interest profile from the occupations they tried, and the occupations
that fit it. Pure functions: `journeys.py` feeds them the day's sessions and the catalog.

The weighting (docs/results.md says the same for visitors' advisers):

- An occupation's Holland code lists 1-3 letters, most typical first. The letters share the
  occupation by position, 3 : 2 : 1 (`POSITION_WEIGHTS`), normalised to 1: `[R, I, C]` is
  R 1/2, I 1/3, C 1/6; `[R, A]` is R 3/5, A 2/5; `[S]` is S 1.
- Each session the visitor started weighs `did x liked`:
  `did = 0.5 + 0.5 x percent / 100` (having tried counts half, doing it well the other half)
  and `liked = rating / 5` for the 1-5 rating given on the headset (1: 0.2, 5: 1.0), or
  `UNRATED_LIKING` (0.6, the middle of the scale) without a rating. What the visitor liked
  moves the profile more than how well they did: a 1-star session counts a fifth of a 5-star
  one with the same score, a 0 % session half of a 100 % one.
- The profile is the weighted mean of the sessions' letter shares (each letter 0-100 %,
  together 100 %). The visitor's Holland code is its letters above zero, strongest first, at
  most three (ties in R-I-A-S-E-C order).
- An occupation fits the profile by the cosine of the angle between the profile and the
  occupation's letter shares (0-100): the same direction is 100, no letter in common is 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

RIASEC: tuple[str, ...] = ("R", "I", "A", "S", "E", "C")
POSITION_WEIGHTS: tuple[float, ...] = (3.0, 2.0, 1.0)
UNRATED_LIKING = 0.6
SUGGESTIONS = 3


@dataclass(frozen=True)
class Tried:
    """One session as the profile sees it."""

    riasec: Sequence[str]
    percent: float
    rating: int | None


def code_shares(codes: Sequence[str]) -> dict[str, float]:
    """Each letter's share of an occupation, by its position in the Holland code."""
    weights = {code: POSITION_WEIGHTS[i] for i, code in enumerate(codes[: len(POSITION_WEIGHTS)])}
    total = sum(weights.values())
    return {code: w / total for code, w in weights.items()} if total else {}


def session_weight(percent: float, rating: int | None) -> float:
    did = 0.5 + 0.5 * min(100.0, max(0.0, percent)) / 100.0
    liked = UNRATED_LIKING if rating is None else min(5, max(1, rating)) / 5.0
    return did * liked


def interest_profile(tried: Iterable[Tried]) -> dict[str, float]:
    """Each RIASEC letter's share of the visitor's interests in percent (all six letters, in
    RIASEC order; all zero when nothing was tried)."""
    sums = dict.fromkeys(RIASEC, 0.0)
    total = 0.0
    for one in tried:
        weight = session_weight(one.percent, one.rating)
        for code, share in code_shares(one.riasec).items():
            if code in sums:
                sums[code] += weight * share
        total += weight
    return {code: round(100.0 * value / total, 1) if total else 0.0 for code, value in sums.items()}


def holland_code(profile: dict[str, float]) -> str:
    """The strongest letters above zero, at most three; ties in RIASEC order."""
    ranked = sorted((c for c in RIASEC if profile.get(c, 0.0) > 0), key=lambda c: -profile[c])
    return "".join(ranked[:3])


def fit(profile: dict[str, float], codes: Sequence[str]) -> float:
    """How well an occupation with Holland code `codes` fits the profile, 0-100 (cosine)."""
    shares = code_shares(codes)
    dot = sum(profile.get(code, 0.0) * share for code, share in shares.items())
    norm = math.sqrt(sum(v * v for v in profile.values())) * math.sqrt(
        sum(v * v for v in shares.values())
    )
    return round(100.0 * dot / norm, 1) if norm else 0.0


def suggest(
    profile: dict[str, float],
    candidates: Iterable[tuple[str, Sequence[str]]],
    limit: int = SUGGESTIONS,
) -> list[tuple[str, float]]:
    """The best-fitting of `candidates` (id, Holland code), best first (ties by id), only
    those with some fit."""
    scored = [(cid, fit(profile, codes)) for cid, codes in candidates]
    scored = [(cid, score) for cid, score in scored if score > 0]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]
