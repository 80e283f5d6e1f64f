"""`vr-headset simulate` end to end against the fake server (the CLI runs in a thread)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from headset_client.cli import build_parser, main
from headset_client.identity import load_identity
from tests.headset_client.fake_server import FakeServer


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def simulate(server: str, state_dir: Path, *options: str) -> list[str]:
    """`vr-headset simulate` arguments for `server`, keeping state in `state_dir`."""
    return ["simulate", "--server", server, "--state-dir", str(state_dir), *options]


FAST_ONE = ("--enroll-code", "123456", "--speed", "1000", "--telemetry-hz", "0")
"""Enroll with the fake server's code, play fast, no telemetry."""


async def run_one_session(fake_server: FakeServer, argv: list[str]) -> None:
    """Run the CLI (one headset) in a thread, assign it a session, expect it to exit 0."""
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await fake_server.wait_until(lambda: len(fake_server.sockets) == 1)
    await fake_server.assign(next(iter(fake_server.sockets)))
    async with asyncio.timeout(30):
        assert await cli == 0


def test_unreachable_server_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = simulate("http://127.0.0.1:9", tmp_path, "--enroll-code", "1")
    assert main(argv) == 1
    assert "cannot reach server at http://127.0.0.1:9" in capsys.readouterr().err


def test_not_enrolled_without_code_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(simulate("http://127.0.0.1:9", tmp_path)) == 1
    assert "not enrolled" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [["--devices", "0"], ["--speed", "0"], ["--telemetry-hz", "5"], ["--sessions", "-1"]],
)
def test_bad_arguments_exit_2(args: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["simulate", "--server", "http://x", *args])
    assert exc.value.code == 2


async def test_bad_enrollment_code(
    tmp_path: Path, fake_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = simulate(fake_server.url, tmp_path, "--devices", "2", "--enroll-code", "nope")
    assert await asyncio.to_thread(main, argv) == 1
    err = capsys.readouterr().err
    assert err.count("enrollment code refused (HTTP 401)") == 2


async def test_simulates_headsets_until_their_sessions_finish(
    tmp_path: Path, fake_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    options = ("--devices", "2", "--sessions", "1", "--json")
    argv = simulate(fake_server.url, tmp_path, *FAST_ONE, *options)
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await fake_server.wait_until(lambda: len(fake_server.sockets) == 2)
    for headset_id in list(fake_server.sockets):
        await fake_server.assign(headset_id)
    async with asyncio.timeout(30):
        assert await cli == 0
    records = json_lines(capsys.readouterr().out)
    summary = records[-1]
    assert summary["kind"] == "summary"
    assert summary["finished"] == 2
    assert summary["failed"] == 0
    assert summary["errors"] == 0
    assert summary["command_latency_ms"]["count"] == 2  # one start each
    steps = [r for r in records if r.get("kind") == "step"]
    assert len(steps) == 2 * len(fake_server.manifest.script.steps)
    assert {r["headset"] for r in steps} == {"sim-01", "sim-02"}
    for name in ("sim-01", "sim-02"):
        identity = load_identity(tmp_path / name)
        assert identity is not None
        assert identity.name == name

    # a second run reuses the enrollment and the cache: no code, no download
    before = len(fake_server.asset_requests)
    again = ("--devices", "1", "--speed", "1000", "--telemetry-hz", "0")
    await run_one_session(fake_server, simulate(fake_server.url, tmp_path, *again))
    assert len(fake_server.asset_requests) == before
    assert len(fake_server.devices) == 2
    out = capsys.readouterr().out
    assert "sim-01" in out
    assert re.search(r"sim-01 .*session \S+ finished in", out), out


async def test_a_refused_token_is_renewed_with_the_code(
    tmp_path: Path, fake_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = simulate(fake_server.url, tmp_path, *FAST_ONE, "--json")
    await run_one_session(fake_server, argv)
    fake_server.devices.clear()  # the server was reset: the saved token is now unknown
    await run_one_session(fake_server, argv)
    kinds = [r.get("kind") for r in json_lines(capsys.readouterr().out)]
    assert "enrolling" in kinds


async def test_refused_token_without_code_exits_1(
    tmp_path: Path, fake_server: FakeServer, capsys: pytest.CaptureFixture[str]
) -> None:
    await run_one_session(fake_server, simulate(fake_server.url, tmp_path, *FAST_ONE))
    fake_server.devices.clear()
    argv = simulate(fake_server.url, tmp_path)
    async with asyncio.timeout(30):
        assert await asyncio.to_thread(main, argv) == 1
    assert "device token refused by the server (close 4401)" in capsys.readouterr().err
