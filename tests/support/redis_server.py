"""The machine's Redis for tests: a reachable URL, a fresh key prefix per test, and a restart.

The server is `VR_TEST_REDIS_URL` (default redis://127.0.0.1:6379/0). When it cannot be reached
the tests that need it fail with a message saying so; they are never skipped, because every
machine this project is tested on runs Redis. Tests share that Redis with whatever else runs
on the machine, so each one works under its own random prefix and removes its keys afterwards.

`stop()` shuts Redis down (`SHUTDOWN NOSAVE`: it keeps nothing on disk here) and `start()`
starts it again with the machine's command (`VR_TEST_REDIS_START` overrides it); they only make
sense for a Redis on this machine, and callers keep the outage short because other tests may be
using it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
import uuid

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from tests.support.e2e import require_e2e

DEFAULT_URL = "redis://127.0.0.1:6379/0"
START_COMMAND = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def redis_url() -> str:
    return os.environ.get("VR_TEST_REDIS_URL") or DEFAULT_URL


def check_redis() -> str:
    """The URL of a Redis that answers PING; fails the test (never skips) otherwise."""
    require_e2e("Redis")
    url = redis_url()
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        pytest.fail(
            f"Redis is not reachable at {url} ({type(exc).__name__}: {exc}). These tests need "
            f"a real Redis server: start it with `{START_COMMAND}` (or "
            "`bash scripts/services.sh` where it exists), or point VR_TEST_REDIS_URL at one.",
            pytrace=False,
        )
    finally:
        client.close()
    return url


def new_prefix() -> str:
    return f"vrtest-{uuid.uuid4().hex[:12]}:"


def delete_prefix(prefix: str) -> None:
    """Remove every key under `prefix` (a test's leftovers); quiet when Redis is down."""
    try:
        client = redis.Redis.from_url(redis_url(), socket_connect_timeout=3, socket_timeout=3)
        try:
            keys = list(client.scan_iter(match=prefix + "*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()
    except (redis.RedisError, OSError):
        pass


def ping(timeout: float = 1.0) -> bool:
    client = redis.Redis.from_url(
        redis_url(),
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def kill_clients(name_prefix: str) -> int:
    """CLIENT KILL every connection whose name starts with `name_prefix`; how many."""
    client = redis.Redis.from_url(redis_url(), decode_responses=True)
    try:
        killed = 0
        for info in client.client_list():
            if str(info.get("name", "")).startswith(name_prefix):
                killed += int(client.client_kill_filter(_id=info["id"]))
        return killed
    finally:
        client.close()


def stop() -> None:
    """SHUTDOWN NOSAVE, and wait until Redis no longer answers."""
    require_e2e("a Redis restart")
    subprocess.run(
        ["redis-cli", "-u", redis_url(), "shutdown", "nosave"], capture_output=True, timeout=10
    )
    deadline = time.monotonic() + 10
    while ping(0.2):
        if time.monotonic() > deadline:
            pytest.fail("Redis did not stop after SHUTDOWN NOSAVE", pytrace=False)
        time.sleep(0.05)


def start() -> None:
    """Start Redis with the machine's command, and wait until it answers."""
    require_e2e("Redis")
    command = os.environ.get("VR_TEST_REDIS_START") or START_COMMAND
    done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=30)
    deadline = time.monotonic() + 15
    while not ping(0.5):
        if time.monotonic() > deadline:
            pytest.fail(
                f"Redis did not come back after `{command}`: {done.stdout}{done.stderr}",
                pytrace=False,
            )
        time.sleep(0.05)
