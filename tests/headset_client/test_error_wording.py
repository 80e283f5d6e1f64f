"""Every error a visitor can meet in the headset is worded by the app, in Thai and English:
each `Reason` the server can send has text in `headset_client/web/errors.json`, using only the
reason's params, and the generic text (for an error without a reason) exists in both."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from vr_server.protocol.errors import REASON_PARAMS, Reason

WORDING = json.loads(
    (Path(__file__).parents[2] / "headset_client" / "web" / "errors.json").read_text("utf-8")
)
THAI = re.compile(r"[\u0e00-\u0e7f]")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")


def _check_entry(entry: dict[str, str], allowed: frozenset[str]) -> None:
    assert set(entry) == {"th", "en"}
    th, en = entry["th"].strip(), entry["en"].strip()
    assert th
    assert en
    assert THAI.search(th), f"not Thai: {th!r}"
    assert not THAI.search(en), f"not English: {en!r}"
    placeholders = set(re.findall(r"\{(\w+)\}", th + en))
    assert placeholders <= allowed, f"{placeholders - allowed} are not sent with this reason"
    # the Thai text has no English words left over (placeholders aside)
    assert not ASCII_WORD.search(re.sub(r"\{\w+\}", "", th)), th


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_the_server_sends_is_worded_in_thai_and_english(reason: Reason) -> None:
    assert reason.value in WORDING["reasons"], f"headset_client/web/errors.json lacks {reason}"
    _check_entry(WORDING["reasons"][reason.value], REASON_PARAMS[reason])


def test_every_reason_declares_its_params() -> None:
    assert set(REASON_PARAMS) == set(Reason)


def test_no_wording_for_reasons_the_server_does_not_know() -> None:
    assert set(WORDING["reasons"]) == {r.value for r in Reason}


def test_the_generic_text_for_an_unknown_error_exists_in_both_languages() -> None:
    _check_entry(WORDING["generic"], frozenset())
