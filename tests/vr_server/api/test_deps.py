"""Every route that needs a credential checks it before its body is read (vr_server.api.deps)."""

from __future__ import annotations

from fastapi.routing import APIRoute, iter_route_contexts

from vr_server.api.deps import CredentialFirstRoute, credential_kinds
from vr_server.app import create_app
from vr_server.settings import Settings

PUBLIC = {
    "/health",
    "/api/auth/login",
    "/api/devices/enroll",
    "/api/kiosks/pair",
    "/api/sync/pair",  # a venue's one-time pairing code is in the body (docs/sync.md)
    "/api/results/{token}",
    "/api/setup",  # first start: the token is in the body (api/setup.py)
    "/api/setup/check",
}
"""The API routes without a credential dependency (tests/e2e/server/test_auth.py: the same)."""


def test_every_route_with_a_credential_checks_it_before_the_body() -> None:
    routes = [context.route for context in iter_route_contexts(create_app(Settings()).routes)]
    api = [
        route
        for route in routes
        if isinstance(route, APIRoute) and route.path.startswith(("/api/", "/assets/", "/health"))
    ]
    # A credential dependency that lacks the mark would not be checked first: it shows here.
    assert {r.path for r in api if credential_kinds(r) is None} == PUBLIC
    assert [r.path for r in api if not isinstance(r, CredentialFirstRoute)] == []
