"""Sign-in throttling against real servers: per account and per client address, 429 with
Retry-After, counts in memory or shared through Redis, and X-Forwarded-For believed only from
VR_TRUSTED_PROXIES."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.cluster import start_cluster
from tests.support.harness import STAFF_PASSWORD, STAFF_USER, ServerProcess
from tests.support.http import http
from tests.support.postgres import Postgres
from tests.support.redis_server import check_redis, delete_prefix, new_prefix, redis_url

PREFIX = new_prefix()
FAST = {"login_backoff_s": "0.5", "login_backoff_max_s": "2"}
TRUSTING = {**FAST, "trusted_proxies": '["127.0.0.1"]'}
ON_REDIS = {**TRUSTING, "redis_url": redis_url(), "redis_prefix": PREFIX}


@pytest.fixture(scope="module", autouse=True)
def _redis_keys() -> Iterator[None]:
    check_redis()
    yield
    delete_prefix(PREFIX)


def login(
    server: ServerProcess, username: str, password: str, address: str | None = None
) -> httpx.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    body = {"username": username, "password": password}
    return http().post(server.url + "/api/auth/login", json=body, headers=headers)


def login_when_allowed(server: ServerProcess, address: str, within_s: float = 10) -> None:
    """The staff's right password, waiting out each Retry-After: it must get in."""
    deadline = time.monotonic() + within_s
    while True:
        response = login(server, STAFF_USER, STAFF_PASSWORD, address)
        if response.status_code == 200:
            return
        assert response.status_code == 429, response.text
        assert time.monotonic() < deadline, "the right password never got in"
        time.sleep(int(response.headers["Retry-After"]))


def answered_within(elapsed_s: float, free: int = 5, base_s: float = 0.5, max_s: float = 2) -> int:
    """The most wrong passwords an account may have answered (401) in `elapsed_s`: the free
    ones, one more, then one each time a delay (doubling from `base_s` up to `max_s`) ends."""
    answered, waited, delay = free + 1, 0.0, base_s
    while waited + delay <= elapsed_s:
        waited += delay
        answered += 1
        delay = min(delay * 2, max_s)
    return answered


@pytest.mark.parametrize("server", [TRUSTING, ON_REDIS], indirect=True, ids=["memory", "redis"])
def test_wrong_passwords_get_429_then_the_right_one_works(server: ServerProcess) -> None:
    statuses: Counter[int] = Counter()
    start = time.monotonic()
    for _ in range(100):  # 18 a second, as the attack did
        response = login(server, STAFF_USER, "wrong password", "10.1.0.1")
        statuses[response.status_code] += 1
        if response.status_code == 429:
            assert 1 <= int(response.headers["Retry-After"]) <= 2
            assert response.json()["code"] == "rate_limited"
            assert "try again in" in response.json()["detail"]
            assert "วินาที" in response.json()["detail"]
        time.sleep(1 / 18)
    assert set(statuses) == {401, 429}
    # 5 free, then one per delay (0.5, 1, 2, 2 s...): how many delays passed depends on how
    # fast this machine answered the 100 attempts, so the bound is taken from the clock
    assert statuses[401] <= answered_within(time.monotonic() - start), statuses
    login_when_allowed(server, "10.1.0.2")  # another address: the account's delay counts
    assert login(server, STAFF_USER, "wrong password", "10.1.0.1").status_code == 401  # reset


@pytest.mark.parametrize("server", [TRUSTING, ON_REDIS], indirect=True, ids=["memory", "redis"])
def test_one_address_is_throttled_whatever_the_username(server: ServerProcess) -> None:
    for i in range(20):
        assert login(server, f"guess-{i}", "wrong password", "10.2.0.1").status_code == 401
    refused = login(server, "guess-20", "wrong password", "10.2.0.1")
    assert refused.status_code == 429
    assert login(server, STAFF_USER, STAFF_PASSWORD, "10.2.0.1").status_code == 429
    assert login(server, STAFF_USER, STAFF_PASSWORD, "10.2.0.2").status_code == 200


@pytest.mark.parametrize("server", [TRUSTING, ON_REDIS], indirect=True, ids=["memory", "redis"])
def test_successful_logins_do_not_count_against_an_address(server: ServerProcess) -> None:
    for _ in range(25):  # staff behind one venue NAT sign in all day
        assert login(server, STAFF_USER, STAFF_PASSWORD, "10.3.0.1").status_code == 200


@pytest.mark.parametrize("server", [FAST], indirect=True)
def test_forwarded_for_is_ignored_without_a_trusted_proxy(server: ServerProcess) -> None:
    for i in range(20):
        response = login(server, f"spoof-{i}", "wrong password", f"10.4.0.{i}")
        assert response.status_code == 401
    assert login(server, "spoof-20", "wrong password", "10.4.1.1").status_code == 429


def test_instances_on_one_redis_share_the_counts(
    tmp_path: Path, test_bundles: Path, postgres: Postgres
) -> None:
    prefix = new_prefix()
    database_url = postgres.create()
    cluster = start_cluster(tmp_path, test_bundles, database_url, prefix, **FAST)
    try:
        for _ in range(5):
            assert login(cluster.a, STAFF_USER, "wrong password").status_code == 401
        assert login(cluster.b, STAFF_USER, STAFF_PASSWORD).status_code == 429
    finally:
        cluster.stop()
        delete_prefix(prefix)
        postgres.drop(database_url)
