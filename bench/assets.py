"""Asset delivery benchmark: concurrent downloads of one large GLB from `vr-server` and from
nginx serving the same file on the same machine.

    apt-get install -y nginx wrk      # once; only this benchmark needs them
    .venv/bin/python -m bench.assets [--size-mb 30] [--clients 50] [--rounds 5] [--markdown]

It writes `--size-mb` of random bytes (a GLB-sized blob; the server never parses what it serves
from /assets) in a temporary folder, stores it in a fresh server's blob store the way a catalog
import does (`BlobStore.put_file` + `Store.put_blob`), starts `vr-server` on it and nginx
(`nginx -p <tmp> -c <tmp>/nginx.conf`, a child of this process, `sendfile on`, one worker,
no access log) on the same file at the same path, `/assets/<sha256>`.

Each round starts `--clients` downloads at once, one keep-alive connection each, and waits for
all to finish: every body is read in full and its sha256 checked, and MB/s is total bytes over
the round's wall time. Rounds alternate between the two servers, so that both see the same
machine; the median round of each is reported, and their ratio (vr-server / nginx). The
client is a lean asyncio HTTP/1.1 reader (hashing costs the same for both servers).

With wrk installed, it also runs `wrk -c <clients>` for `--wrk-seconds`, `--wrk-rounds` times
against each server in turn, and reports the medians (a C client that reads full bodies without
hashing them, so the servers' own costs weigh more). vr-server sends whole files with sendfile
(vr_server.serving.pathsend); `--no-sendfile` measures it streaming them through Python instead.
Then `wrk -c 10` on a 1 KB file, the same way, gives requests a second: what each request
costs beyond its bytes (the credential check, the lookup, the response's set-up).

Prints one JSON object (and Markdown table rows with --markdown); exits 1 when a download
failed or a body's sha256 was wrong, or when nginx is not installed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import httpx
import psutil

from bench.servers import add_server_option, served_pid, server_command
from tests.support.harness import ServerProcess, free_port

MEDIA_TYPE = "model/gltf-binary"
NGINX_CONF = """\
daemon off;
master_process on;
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {root}/tmp-body;
    proxy_temp_path {root}/tmp-proxy;
    fastcgi_temp_path {root}/tmp-fastcgi;
    uwsgi_temp_path {root}/tmp-uwsgi;
    scgi_temp_path {root}/tmp-scgi;
    default_type {media_type};
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        location /assets/ {{ etag on; }}
    }}
}}
"""


# ---------------------------------------------------------------- a lean HTTP/1.1 client


class Download(asyncio.Protocol):
    """One keep-alive connection; `get` reads a whole body and returns its sha256."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[tuple[int, str]] | None = None
        self.header = bytearray()
        self.in_body = False
        self.remaining = 0
        self.size = 0
        self.hasher = hashlib.sha256()
        self.status = 0
        self.lost = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionError("closed mid-response"))
        if not self.lost.done():
            self.lost.set_result(None)

    def get(self, host: str, path: str, token: str | None) -> asyncio.Future[tuple[int, str]]:
        if self.transport is None:
            raise ConnectionError("the server closed the connection")
        self.waiter = asyncio.get_running_loop().create_future()
        self.header.clear()
        self.in_body, self.remaining, self.size, self.status = False, 0, 0, 0
        self.hasher = hashlib.sha256()
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        self.transport.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n".encode())
        return self.waiter

    def data_received(self, data: bytes) -> None:
        if not self.in_body:
            self.header += data
            end = self.header.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.header[:end]).decode("latin-1")
            data = bytes(self.header[end + 4 :])
            self.status = int(head.split(" ", 2)[1])
            match = re.search(r"(?im)^content-length:\s*(\d+)\s*$", head)
            if match is None:  # the benchmark's servers always send Content-Length
                self._fail(RuntimeError(f"no Content-Length: {head[:200]}"))
                return
            self.remaining = int(match.group(1))
            self.in_body = True
        if data:
            self.hasher.update(data)
            self.size += len(data)
            self.remaining -= len(data)
        if self.remaining <= 0 and self.waiter is not None and not self.waiter.done():
            self.waiter.set_result((self.size, self.hasher.hexdigest()))

    def _fail(self, exc: Exception) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)
        if self.transport is not None:
            self.transport.abort()


@dataclass
class Target:
    name: str
    port: int
    path: str
    token: str | None
    pid: int


async def one_round(target: Target, clients: int, sha: str, size: int) -> tuple[float, int, float]:
    """(MB/s, failed downloads, server CPU %) for `clients` downloads at once, each on a
    connection of its own (opened before the clock starts, closed after)."""
    host = f"127.0.0.1:{target.port}"
    conns = await open_conns(target.port, clients)
    proc = psutil.Process(target.pid)
    procs = [proc, *proc.children(recursive=True)]
    cpu0 = sum(sum(p.cpu_times()[:2]) for p in procs)
    t0 = time.perf_counter()
    results = await asyncio.gather(
        *(c.get(host, target.path, target.token) for c in conns), return_exceptions=True
    )
    elapsed = time.perf_counter() - t0
    cpu = (sum(sum(p.cpu_times()[:2]) for p in procs) - cpu0) / elapsed * 100
    failed = sum(1 for r in results if not (isinstance(r, tuple) and r == (size, sha)))
    for c in conns:
        if c.transport is not None:
            c.transport.close()
    return clients * size / 2**20 / elapsed, failed, cpu


async def open_conns(port: int, n: int) -> list[Download]:
    loop = asyncio.get_running_loop()
    conns = []
    for _ in range(n):
        _, proto = await loop.create_connection(Download, "127.0.0.1", port)
        conns.append(proto)
    return conns


# ---------------------------------------------------------------- servers


def start_nginx(root: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, port=port, workers=workers, media_type=MEDIA_TYPE))
    proc = subprocess.Popen(
        [nginx, "-p", str(root), "-c", str(conf), "-e", str(root / "nginx-error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log = (root / "nginx-error.log").read_text(errors="replace")[-1000:]
            raise RuntimeError(f"nginx exited: {log}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        time.sleep(0.1)
    raise RuntimeError("nginx did not start")


def store_blob(data_dir: Path, blob: Path, sha: str) -> None:
    """Put the file in a fresh server's blob store, as a catalog import does."""
    from vr_server.app import close_services, open_services
    from vr_server.settings import Settings

    async def put() -> None:
        services = await open_services(Settings(data_dir=data_dir))
        try:
            size = await asyncio.to_thread(services.blobs.put_file, blob, sha)
            await services.store.content.put_blob(sha, size, MEDIA_TYPE)
        finally:
            await close_services(services)

    asyncio.run(put())


SMALL_CLIENTS = 10


def run_wrk(
    target: Target, clients: int, seconds: float, path: str | None = None
) -> tuple[float, float] | None:
    """wrk's transfer rate in MB/s and its requests a second (of `path`, else the target's),
    or None when wrk is not installed."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    duration = f"{max(1, round(seconds))}s"
    cmd = [wrk, "-t", "2", "-c", str(clients), "-d", duration, "--timeout", "30s"]
    if target.token:
        cmd += ["-H", f"Authorization: Bearer {target.token}"]
    cmd.append(f"http://127.0.0.1:{target.port}{path or target.path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    match = re.search(r"Transfer/sec:\s*([\d.]+)([KMG]B)", out)
    if match is None:
        raise RuntimeError(f"wrk: {out[-500:]}")
    factor = {"KB": 1 / 1024, "MB": 1.0, "GB": 1024.0}[match.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk: {errors.group(1)} failed responses")
    rps = re.search(r"Requests/sec:\s*([\d.]+)", out)
    return float(match.group(1)) * factor, float(rps.group(1)) if rps else 0.0


# ---------------------------------------------------------------- the run


async def measure(
    targets: list[Target], args: argparse.Namespace, sha: str, size: int
) -> dict[str, Any]:
    rounds: dict[str, list[float]] = {t.name: [] for t in targets}
    cpu: dict[str, list[float]] = {t.name: [] for t in targets}
    failed = 0
    # one warm-up round each (page cache, first-request costs), not counted
    for t in targets:
        failed += (await one_round(t, args.clients, sha, size))[1]
    for _ in range(args.rounds):
        for t in targets:
            mbps, bad, cpu_pct = await one_round(t, args.clients, sha, size)
            rounds[t.name].append(mbps)
            cpu[t.name].append(cpu_pct)
            failed += bad
    return {"rounds": rounds, "cpu": cpu, "failed": failed}


def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        raise SystemExit("nginx is not installed: apt-get install -y nginx wrk")
    root = Path(tempfile.mkdtemp(prefix="vr-bench-assets-"))
    nginx: subprocess.Popen[bytes] | None = None
    server: ServerProcess | None = None
    try:
        size = int(args.size_mb * 2**20)
        blob = root / "model.glb"
        hasher = hashlib.sha256()
        with blob.open("wb") as out:
            left = size
            while left:
                chunk = os.urandom(min(left, 2**20))
                hasher.update(chunk)
                out.write(chunk)
                left -= len(chunk)
        sha = hasher.hexdigest()
        path = f"/assets/{sha}"

        small = root / "small.bin"
        small.write_bytes(os.urandom(1024))
        small_sha = hashlib.sha256(small.read_bytes()).hexdigest()

        settings: dict[str, Any] = {} if args.sendfile else {"sendfile": "false"}
        server = ServerProcess(root / "server", [], server_command=server_command(args), **settings)
        store_blob(server.data_dir, blob, sha)
        store_blob(server.data_dir, small, small_sha)
        server.create_staff()
        server.start()
        assert server.proc is not None
        token = server.staff_token()

        www = root / "www" / "assets"
        www.mkdir(parents=True)
        os.link(blob, www / sha)  # the same bytes (the same inode) for nginx
        os.link(small, www / small_sha)
        for p in (root, root / "www", www):
            p.chmod(0o755)
        (www / sha).chmod(0o644)
        (www / small_sha).chmod(0o644)
        nginx_port = free_port()
        nginx = start_nginx(root, nginx_port, args.nginx_workers)

        targets = [
            Target("vr-server", server.port, path, token, served_pid(server.proc.pid)),
            Target("nginx", nginx_port, path, None, nginx.pid),
        ]
        measured = asyncio.run(measure(targets, args, sha, size))
        profiler = None
        if args.py_spy:  # profile vr-server while wrk loads it
            py_spy = str(Path(sys.executable).parent / "py-spy")
            spy_args = ["-d", str(args.wrk_seconds), "-r", "200", "-f", "raw", "-o", args.py_spy]
            profiler = subprocess.Popen(
                [py_spy, "record", "-p", str(server.proc.pid), *spy_args],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        wrk_rounds: dict[str, list[float]] = {t.name: [] for t in targets}
        for _ in range(args.wrk_rounds):  # alternating, as the download rounds do
            for t in targets:
                rate = run_wrk(t, args.clients, args.wrk_seconds)
                if rate is not None:
                    wrk_rounds[t.name].append(rate[0])
            if profiler is not None:
                profiler.wait(60)
                profiler = None
        # Requests a second for a 1 KB file: what each request costs beyond the bytes.
        small_rounds: dict[str, list[float]] = {t.name: [] for t in targets}
        for _ in range(args.wrk_rounds):
            for t in targets:
                rate = run_wrk(t, SMALL_CLIENTS, args.wrk_seconds, f"/assets/{small_sha}")
                if rate is not None:
                    small_rounds[t.name].append(rate[1])
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(10)
            except subprocess.TimeoutExpired:
                nginx.kill()
        if server is not None:
            server.stop()
        shutil.rmtree(root, ignore_errors=True)

    med = {name: statistics.median(v) for name, v in measured["rounds"].items()}
    result: dict[str, Any] = {
        "server": args.server,
        "size_mb": args.size_mb,
        "clients": args.clients,
        "rounds": args.rounds,
        "vr_server_mb_s": round(med["vr-server"], 1),
        "nginx_mb_s": round(med["nginx"], 1),
        "ratio": round(med["vr-server"] / med["nginx"], 3),
        "vr_server_rounds": [round(x, 1) for x in measured["rounds"]["vr-server"]],
        "nginx_rounds": [round(x, 1) for x in measured["rounds"]["nginx"]],
        "vr_server_cpu_percent": round(statistics.median(measured["cpu"]["vr-server"]), 1),
        "nginx_cpu_percent": round(statistics.median(measured["cpu"]["nginx"]), 1),
        "failed_downloads": measured["failed"],
        "nginx_workers": args.nginx_workers,
        "vr_server_sendfile": args.sendfile,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    if wrk_rounds["nginx"] and wrk_rounds["vr-server"]:
        wrk = {name: statistics.median(v) for name, v in wrk_rounds.items()}
        result["wrk_vr_server_mb_s"] = round(wrk["vr-server"], 1)
        result["wrk_nginx_mb_s"] = round(wrk["nginx"], 1)
        result["wrk_ratio"] = round(wrk["vr-server"] / wrk["nginx"], 3)
        result["wrk_vr_server_rounds"] = [round(x, 1) for x in wrk_rounds["vr-server"]]
        result["wrk_nginx_rounds"] = [round(x, 1) for x in wrk_rounds["nginx"]]
    if small_rounds["nginx"] and small_rounds["vr-server"]:
        rps = {name: statistics.median(v) for name, v in small_rounds.items()}
        result["small_vr_server_rps"] = round(rps["vr-server"])
        result["small_nginx_rps"] = round(rps["nginx"])
        result["small_ratio"] = round(rps["vr-server"] / rps["nginx"], 3)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size-mb", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=50, help="concurrent downloads")
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds per server")
    parser.add_argument("--nginx-workers", type=int, default=1)
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument("--wrk-rounds", type=int, default=3, help="wrk runs per server")
    parser.add_argument(
        "--no-sendfile",
        dest="sendfile",
        action="store_false",
        help="run vr-server with VR_SENDFILE=false (files streamed through Python)",
    )
    add_server_option(parser)
    parser.add_argument("--py-spy", metavar="FILE", help="profile vr-server during its wrk run")
    parser.add_argument("--markdown", action="store_true", help="also print table rows")
    args = parser.parse_args(argv)
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop
        pass
    result = run(args)
    print(json.dumps(result))
    if args.markdown:
        print(
            f"| {args.clients} x {args.size_mb:g} MB, sha256 checked | "
            f"{result['vr_server_mb_s']:,} | {result['nginx_mb_s']:,} | {result['ratio']:.2f} |"
        )
        if "wrk_ratio" in result:
            print(
                f"| wrk -c {args.clients} ({args.wrk_rounds} x {args.wrk_seconds:g} s) | "
                f"{result['wrk_vr_server_mb_s']:,} | {result['wrk_nginx_mb_s']:,} | "
                f"{result['wrk_ratio']:.2f} |"
            )
        if "small_ratio" in result:
            print(
                f"| wrk -c {SMALL_CLIENTS}, 1 KB file, requests/s | "
                f"{result['small_vr_server_rps']:,} | {result['small_nginx_rps']:,} | "
                f"{result['small_ratio']:.2f} |"
            )
    return 0 if result["failed_downloads"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
