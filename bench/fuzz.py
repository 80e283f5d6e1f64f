"""Fuzz benchmark: the fuzz suite's hostile frames at volume, and mutated glTF files.

    .venv/bin/python -m bench.fuzz [--frames 1000000] [--clients 8] [--gltf 10000] [--markdown]

Frames: a pool of frames drawn from tests/support/fuzzing.py's hypothesis strategies (built from the
protocol's models: valid frames, one field broken, lone surrogates, random JSON and text, long
types, binary, oversize, bad UTF-8) is sent round and round by `--clients` fuzzers to a real
`vr-server` (SQLite, in-process bus), on both sockets before and after hello / auth, each
with its own headset. The server's error budget is raised (VR_MAX_ERRORS_PER_MINUTE) so that
connections after hello / auth live long enough to take many frames; those before hello are
closed at their first frame as always. Reported: frames a second, reconnections, close codes,
whether the server lived and answered /health, whether a control session's stored events are
unchanged, tracebacks in its log, and its resident memory before (after the first 1 %) and
after.

glTF: `--gltf` mutations of the GLB files of ../shared/gltf-corpus/models (bytes flipped,
inserted or cut, chunk lengths changed, one JSON field broken), each validated in memory by
`content_tools.validate.gltf.validate_gltf`, which must never raise. Reported: files a
second and crashes (with the first few exceptions).

Prints one JSON object, and Markdown with --markdown.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import struct
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, given, settings

from tests.support import fuzzing
from tests.support.bundles import write_bundle
from tests.support.corpus import corpus_dir
from tests.support.fuzzing import Frame, Fuzzer, Target
from tests.support.harness import ServerProcess

ROOT = Path(__file__).resolve().parents[1]
CORPUS = corpus_dir() / "models"
POOL_BATCH = 50


def draw_pool(size: int) -> list[tuple[Target, Frame]]:
    """`size` frames drawn from the fuzz suite's strategies (generation only, no database)."""
    pool: list[tuple[Target, Frame]] = []

    @settings(
        max_examples=max(1, size // POOL_BATCH),
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(batch=fuzzing.batches(POOL_BATCH))
    def collect(batch: list[tuple[Target, Frame]]) -> None:
        pool.extend(batch)

    collect()
    return pool


async def send_frames(
    server: ServerProcess, fuzzers: list[Fuzzer], pool: list[tuple[Target, Frame]], total: int
) -> None:
    async def one(index: int, fuzzer: Fuzzer) -> None:
        share = total // len(fuzzers)
        position = index * len(pool) // len(fuzzers)
        for i in range(share):
            target, frame = pool[(position + i) % len(pool)]
            await fuzzer.send(target, frame)
            if i % 5000 == 4999:
                assert server.proc is not None
                assert server.proc.poll() is None, "the server died"

    try:
        await asyncio.gather(*(one(i, f) for i, f in enumerate(fuzzers)))
    finally:
        for fuzzer in fuzzers:
            await fuzzer.close()


def bench_frames(total: int, clients: int, pool_size: int) -> dict[str, Any]:
    started = time.perf_counter()
    pool = draw_pool(pool_size)
    drawn_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        write_bundle(Path(tmp) / "dist")
        server = ServerProcess(
            Path(tmp) / "server", [Path(tmp) / "dist"], max_errors_per_minute=1_000_000
        )
        server.create_staff()
        server.start()
        try:
            token = server.staff_token()
            code = server.enrollment_code(uses=clients + 2)
            session_id = asyncio.run(fuzzing.control_session(server, code, token))
            events = fuzzing.stored_events(server, token, session_id)
            fuzzers = [
                Fuzzer(server.ws_url, fuzzing.fuzz_credentials(server, code, token))
                for _ in range(clients)
            ]
            warm = max(clients, total // 100)
            asyncio.run(send_frames(server, fuzzers, pool, warm))
            rss_before = fuzzing.rss(server)
            began = time.perf_counter()
            asyncio.run(send_frames(server, fuzzers, pool, total - warm))
            elapsed = time.perf_counter() - began
            assert server.proc is not None
            alive = server.proc.poll() is None
            health = httpx.get(server.url + "/health", timeout=10).status_code
            rss_after = fuzzing.rss(server)
            unchanged = fuzzing.stored_events(server, token, session_id) == events
        finally:
            server.stop()
        log = server.log_path.read_text(errors="replace")
    closes: dict[str, int] = {}
    for fuzzer in fuzzers:
        for code_, n in fuzzer.closes.items():
            closes[str(code_)] = closes.get(str(code_), 0) + n
    sent = sum(f.sent for f in fuzzers)
    return {
        "frames": sent,
        "pool": len(pool),
        "pool_drawn_s": round(drawn_s, 1),
        "clients": clients,
        "seconds": round(elapsed, 1),
        "frames_per_s": round((total - warm) / elapsed),
        "connections": sum(f.connects for f in fuzzers),
        "close_codes": dict(sorted(closes.items())),
        "server_alive": alive,
        "health": health,
        "control_events_unchanged": unchanged,
        "tracebacks": log.count("Traceback"),
        "rss_before_mb": round(rss_before / 2**20, 1),
        "rss_after_mb": round(rss_after / 2**20, 1),
    }


# ------------------------------------------------------------------ glTF


def _glb_chunks(data: bytes) -> tuple[dict[str, Any], bytes] | None:
    """The JSON and BIN chunks of a well-formed GLB, or None."""
    if len(data) < 20 or data[:4] != b"glTF":
        return None
    length, kind = struct.unpack_from("<II", data, 12)
    if kind != 0x4E4F534A:
        return None
    try:
        document = json.loads(data[20 : 20 + length])
    except ValueError:
        return None
    return document, data[20 + length :]


def _glb(document: dict[str, Any], rest: bytes) -> bytes:
    text = json.dumps(document).encode()
    text += b" " * (-len(text) % 4)
    body = struct.pack("<II", len(text), 0x4E4F534A) + text + rest
    return b"glTF" + struct.pack("<II", 2, 12 + len(body)) + body


def _break_json(value: Any, rng: random.Random, junk: list[Any]) -> Any:
    """`value` with one field somewhere inside replaced, removed or added."""
    if isinstance(value, dict) and value:
        key = rng.choice(sorted(value))
        out = dict(value)
        roll = rng.random()
        if roll < 0.5 and isinstance(value[key], dict | list):
            out[key] = _break_json(value[key], rng, junk)
        elif roll < 0.7:
            del out[key]
        else:
            out[key] = rng.choice(junk)
        return out
    if isinstance(value, list) and value:
        i = rng.randrange(len(value))
        out_list = list(value)
        out_list[i] = _break_json(value[i], rng, junk) if rng.random() < 0.6 else rng.choice(junk)
        return out_list
    return rng.choice(junk)


def mutate(data: bytes, rng: random.Random, junk: list[Any]) -> bytes:
    kind = rng.randrange(5)
    chunks = _glb_chunks(data)
    if kind == 0 and chunks is not None:
        return _glb(_break_json(chunks[0], rng, junk), chunks[1])
    buf = bytearray(data)
    if kind == 1:  # flip bytes
        for _ in range(rng.randint(1, 16)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif kind == 2:  # cut
        del buf[rng.randrange(len(buf)) :]
    elif kind == 3:  # insert
        at = rng.randrange(len(buf))
        buf[at:at] = rng.randbytes(rng.randint(1, 64))
    else:  # a length field in the header or the chunk headers
        at = rng.choice([8, 12, 16, 20]) if len(buf) >= 24 else 0
        struct.pack_into("<I", buf, at, rng.choice([0, 1, 3, 2**31, 2**32 - 1, len(buf) * 2]))
    return bytes(buf)


def draw_junk(n: int) -> list[Any]:
    """JSON values from the fuzz suite's strategy, to put where fields were."""
    junk: list[Any] = []

    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None)
    @given(value=fuzzing.json_values)
    def collect(value: Any) -> None:
        junk.append(value)

    collect()
    return junk


def bench_gltf(total: int, seed: int) -> dict[str, Any]:
    from content_tools.validate.gltf import validate_gltf
    from content_tools.validate.issues import IssueSink

    models = sorted(CORPUS.rglob("*.glb"))
    originals = [path.read_bytes() for path in models]
    rng = random.Random(seed)
    junk = draw_junk(500)
    crashes: list[str] = []
    began = time.perf_counter()
    for i in range(total):
        data = mutate(originals[i % len(originals)], rng, junk)
        try:
            validate_gltf(data, uri="fuzz.glb", base_dir=None, root=None, sink=IssueSink())
        except Exception:
            crashes.append(f"{models[i % len(models)].name}: {traceback.format_exc(limit=3)}")
    elapsed = time.perf_counter() - began
    return {
        "files": total,
        "models": len(models),
        "seed": seed,
        "seconds": round(elapsed, 1),
        "files_per_s": round(total / elapsed),
        "crashes": len(crashes),
        "first_crashes": crashes[:3],
    }


def markdown(result: dict[str, Any]) -> str:
    lines = []
    f = result.get("frames")
    if f:
        lines += [
            "| frames | clients | frames/s | connections | alive, /health | control events "
            "| tracebacks | RSS before -> after (MB) |",
            "|---:|---:|---:|---:|---|---|---:|---|",
            f"| {f['frames']:,} | {f['clients']} | {f['frames_per_s']:,} | "
            f"{f['connections']:,} | {f['server_alive']}, {f['health']} | "
            f"{'unchanged' if f['control_events_unchanged'] else 'CHANGED'} | "
            f"{f['tracebacks']} | {f['rss_before_mb']} -> {f['rss_after_mb']} |",
            "",
            f"Close codes: {f['close_codes']}",
            "",
        ]
    g = result.get("gltf")
    if g:
        lines += [
            "| mutated GLB files | from models | files/s | crashes |",
            "|---:|---:|---:|---:|",
            f"| {g['files']:,} | {g['models']} | {g['files_per_s']:,} | {g['crashes']} |",
        ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--pool", type=int, default=20_000, help="frames drawn, then reused")
    parser.add_argument("--gltf", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {}
    if args.frames:
        result["frames"] = bench_frames(args.frames, args.clients, args.pool)
    if args.gltf:
        result["gltf"] = bench_gltf(args.gltf, args.seed)
    print(json.dumps(result, indent=2))
    if args.markdown:
        print(markdown(result))
    frames_ok = "frames" not in result or (
        result["frames"]["server_alive"]
        and result["frames"]["control_events_unchanged"]
        and not result["frames"]["tracebacks"]
    )
    gltf_ok = "gltf" not in result or not result["gltf"]["crashes"]
    return 0 if frames_ok and gltf_ok else 1


if __name__ == "__main__":
    sys.exit(main())
