"""First start (issue 18) against real `vr-server` processes on fresh databases: the console
prints a one-time setup link; until the first admin exists nothing but the setup page, its API
and /health answers; the link's token creates one admin, once, and never shows up anywhere
but on the console. An admin made with `vr-server staff create` ends setup mode too, and two
instances on one PostgreSQL database share their links."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.support.harness import STAFF_PASSWORD, ServerProcess
from tests.support.http import http
from tests.support.postgres import Postgres

LINK = re.compile(r"(http://[^\s]+)/setup/#token=([A-Za-z0-9_-]{43,})")
PASSWORD = "the first admin's password"


def printed_links(server: ServerProcess) -> list[tuple[str, str]]:
    """The setup links the server printed on its console (captured in its log file)."""
    return LINK.findall(server.log_path.read_text(encoding="utf-8"))


def create(server: ServerProcess, token: str, username: str, password: str) -> httpx.Response:
    body = {"token": token, "username": username, "password": password}
    return http().post(server.url + "/api/setup", json=body)


async def socket_refused(url: str) -> bool:
    try:
        async with connect(url, open_timeout=10):
            return False
    except InvalidStatus as exc:
        return exc.response.status_code == 403


def test_setup_mode_then_one_admin_from_the_link(tmp_path: Path, test_bundles: Path) -> None:
    server = ServerProcess(tmp_path / "var", [test_bundles], first_start=True, log_level="info")
    server.start()
    try:
        [(base, token)] = printed_links(server)
        assert base == server.url  # VR_HOST 127.0.0.1: the link names it

        # Nothing but setup answers: API 503 with a code, pages 303 to /setup/, sockets refused.
        assert http().get(server.url + "/health").status_code == 200
        assert http().get(server.url + "/api/setup").json() == {"required": True}
        for method, path in [
            ("GET", "/api/headsets"),
            ("GET", "/api/catalog"),
            ("POST", "/api/auth/login"),
            ("POST", "/api/devices/enroll"),
            ("GET", "/assets/" + "a" * 64),
        ]:
            answer = http().request(method, server.url + path, json={})
            assert answer.status_code == 503, (path, answer.text)
            assert answer.json()["code"] == "setup_required"
            assert "setup link printed on the server's console" in answer.json()["detail"]
        for page in ("/", "/dashboard/", "/login/", "/admin/", "/headset/"):
            answer = http().get(server.url + page, follow_redirects=True)
            assert answer.url.path == "/setup/", page
            assert answer.status_code == 200
        assert asyncio.run(socket_refused(server.ws_url + "/ws/staff"))
        assert asyncio.run(socket_refused(server.ws_url + "/ws/headset"))

        # Hostile input: each a clear refusal, and nothing changes.
        check = http().post(server.url + "/api/setup/check", json={"token": "guessed-token"})
        assert check.status_code == 403
        assert "not valid" in check.json()["detail"]
        assert (
            http().post(server.url + "/api/setup/check", json={"token": token}).status_code == 204
        )
        assert create(server, token[:-1] + "x", "boss", PASSWORD).status_code == 403
        weak = create(server, token, "boss", "short")
        assert (weak.status_code, weak.json()["detail"]) == (
            422,
            "the password must have at least 8 characters",
        )
        assert create(server, token, "boss", "x" * 257).status_code == 422
        same = create(server, token, "bossadmin", "BossAdmin")
        assert (same.status_code, same.json()["detail"]) == (
            422,
            "the password must not be the username",
        )
        oversize = create(server, token, "boss", "x" * 70_000)
        assert oversize.status_code == 413  # the body limit, before anything is parsed
        assert http().get(server.url + "/api/headsets").status_code == 503  # still in setup

        # The link's token makes the admin and signs it in (cookie), once.
        made = create(server, token, "boss", PASSWORD)
        assert made.status_code == 201, made.text
        assert (made.json()["username"], made.json()["role"]) == ("boss", "admin")
        assert token not in made.text
        cookie = made.cookies["vr_staff"]
        me = http().get(server.url + "/api/auth/me", cookies={"vr_staff": cookie})
        assert (me.status_code, me.json()["role"]) == (200, "admin")
        replayed = create(server, token, "second", PASSWORD)
        assert (replayed.status_code, replayed.json()["detail"]) == (
            409,
            "setup is complete: sign in at /login/",
        )
        assert (
            http().post(server.url + "/api/setup/check", json={"token": token}).status_code == 409
        )
        assert http().get(server.url + "/api/setup").json() == {"required": False}
        assert http().get(server.url + "/api/headsets").status_code == 401  # open: asks a login
        assert http().get(server.url + "/login/").status_code == 200
        login = {"username": "boss", "password": PASSWORD}
        assert http().post(server.url + "/api/auth/login", json=login).status_code == 200

        # The token was shown once, on the console: the access log (INFO) has the requests
        # but never the token, which travelled in the fragment and in JSON bodies.
        log = server.log_path.read_text(encoding="utf-8")
        assert "POST /api/setup HTTP/1.1" in log
        assert log.count(token) == 1

        server.stop()
        server.start()  # a restart past setup prints no link
        assert len(printed_links(server)) == 1
        assert create(server, token, "third", PASSWORD).status_code == 409
    finally:
        server.stop()


def test_an_admin_made_on_the_console_ends_setup_mode(tmp_path: Path, test_bundles: Path) -> None:
    server = ServerProcess(tmp_path / "var", [test_bundles], first_start=True)
    server.start()
    try:
        [(_, token)] = printed_links(server)
        assert http().get(server.url + "/api/headsets").status_code == 503
        server.create_staff("floor", STAFF_PASSWORD, "staff")  # staff alone: still setup
        assert http().get(server.url + "/api/headsets").status_code == 503
        made = server.cli(
            "staff", "create", "root", "--role", "admin", "--password-stdin",
            input_text=STAFF_PASSWORD,
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        assert "the server leaves setup mode" in made.stdout
        assert http().get(server.url + "/api/headsets").status_code == 401
        assert http().get(server.url + "/api/setup").json() == {"required": False}
        assert create(server, token, "boss", PASSWORD).status_code == 409  # the link died
        assert server.staff_token("floor")  # both accounts sign in
        assert server.staff_token("root")
        another = server.cli(
            "staff", "create", "root2", "--role", "admin", "--password-stdin",
            input_text=STAFF_PASSWORD,
        )  # fmt: skip
        assert "setup mode" not in another.stdout  # only the first admin says so
    finally:
        server.stop()


def test_two_instances_share_their_links(
    tmp_path: Path, test_bundles: Path, postgres: Postgres
) -> None:
    """Two instances on one PostgreSQL database, started together without an admin: each
    prints its own link, either works on either instance, and the first admin ends setup
    mode on both."""
    database_url = postgres.create()
    a = ServerProcess(tmp_path / "a", [test_bundles], first_start=True, database_url=database_url)
    b = ServerProcess(tmp_path / "b", [test_bundles], first_start=True, database_url=database_url)
    try:
        a.start()
        b.start()
        [(_, token_a)] = printed_links(a)
        [(_, token_b)] = printed_links(b)
        assert token_a != token_b
        for server in (a, b):
            for token in (token_a, token_b):
                check = http().post(server.url + "/api/setup/check", json={"token": token})
                assert check.status_code == 204
        assert create(b, token_a, "boss", PASSWORD).status_code == 201  # a's link, on b
        assert http().get(a.url + "/api/headsets").status_code == 401  # a sees the admin
        assert create(a, token_b, "other", PASSWORD).status_code == 409  # b's link died too
        assert create(a, token_a, "other", PASSWORD).status_code == 409
    finally:
        a.stop()
        b.stop()
        postgres.drop(database_url)
