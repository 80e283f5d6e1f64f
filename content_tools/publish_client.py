"""A typed client of the publishing API (`/api/content/...`), for `vr-content publish`,
`rollback` and `versions` (content_tools/cli/publish.py).

It takes an `httpx.Client` whose `base_url` is the server and whose headers carry the author
token (`open_http`), so tests pass one built on `httpx.MockTransport`. Its methods return the
API's models (content_tools/format/publishing.py) and raise one of:

    Unreachable    no answer (connection refused, timeout, ...)
    BadAnswer      an answer that is not the JSON the API documents
    TokenRefused   HTTP 401 or 403: the token is unknown, expired, or not an author's
    ServerFailed   HTTP 5xx
    Refused        any other HTTP 4xx: the content's fault (a file that does not match, an
                   invalid model, a version that exists with other content, ...)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from content_tools.format.publishing import (
    ActivateResponse,
    BlobResponse,
    MissingResponse,
    PublishResponse,
    VersionsResponse,
)

if TYPE_CHECKING:  # httpx is imported when a command talks to a server (it is slow to import)
    import httpx

__all__ = [
    "ApiError",
    "BadAnswer",
    "PublishClient",
    "Refused",
    "ServerFailed",
    "TokenRefused",
    "Unreachable",
    "open_http",
]

M = TypeVar("M", bound=BaseModel)
CONNECT_TIMEOUT_S = 30.0
READ_TIMEOUT_S = 300.0  # a publish re-validates the model on the server


class ApiError(Exception):
    """The server could not be asked, or said no."""


class Unreachable(ApiError):
    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class BadAnswer(ApiError):
    """The answer is not JSON, or not the model the API documents; the message says which,
    to follow the server's name ("did not answer with JSON")."""


class _HttpRefusal(ApiError):
    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


class TokenRefused(_HttpRefusal):
    """HTTP 401 or 403."""


class ServerFailed(_HttpRefusal):
    """HTTP 5xx."""


class Refused(_HttpRefusal):
    """HTTP 4xx other than 401 and 403: the content's fault."""


def open_http(server: str, token: str) -> httpx.Client:
    """An `httpx.Client` for `server` that presents the author `token`."""
    import httpx

    return httpx.Client(
        base_url=server.rstrip("/"),
        headers={"Authorization": f"Bearer {token}"},
        timeout=httpx.Timeout(CONNECT_TIMEOUT_S, read=READ_TIMEOUT_S),
    )


def _detail(response: httpx.Response) -> str:
    """The refusal's `detail`, else its JSON or text (at most 500 characters)."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:500]
    if isinstance(data, dict) and isinstance(data.get("detail"), str):
        return str(data["detail"])
    return json.dumps(data.get("detail", data) if isinstance(data, dict) else data)[:500]


class PublishClient:
    """The publishing API over `http`; one method per request."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def _call(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        import httpx

        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise Unreachable(exc) from exc
        status = response.status_code
        if status < 400:
            try:
                return model.model_validate_json(response.content)
            except ValidationError as exc:
                error = exc.errors()[0]
                if error["type"] == "json_invalid":
                    raise BadAnswer("did not answer with JSON") from exc
                where = ".".join(str(part) for part in error["loc"])
                raise BadAnswer(f"answered with unexpected JSON ({where}: {error['msg']})") from exc
        detail = _detail(response)
        if status in (401, 403):
            raise TokenRefused(status, detail)
        if status >= 500:
            raise ServerFailed(status, detail)
        raise Refused(status, detail)

    def missing_blobs(self, sha256s: list[str]) -> MissingResponse:
        """Which of these blobs the server lacks, and its size limits."""
        body = {"sha256": sha256s}
        return self._call(MissingResponse, "POST", "/api/content/blobs/missing", json=body)

    def upload_blob(self, sha256: str, size: int, chunks: Iterable[bytes]) -> BlobResponse:
        """Stream one blob of `size` bytes; the server hashes it as it arrives."""
        return self._call(
            BlobResponse,
            "PUT",
            f"/api/content/blobs/{sha256}",
            params={"size": size},
            headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
            content=chunks,
        )

    def publish(self, manifest: dict[str, Any], *, activate: bool) -> PublishResponse:
        """Publish a bundle's manifest.json (its blobs uploaded); the server validates it."""
        body = {"manifest": manifest, "activate": activate}
        return self._call(PublishResponse, "POST", "/api/content/scenes", json=body)

    def activate(self, scene_id: str, version: str) -> ActivateResponse:
        """Make a stored version the active one (a rollback)."""
        path = f"/api/content/scenes/{scene_id}/activate"
        return self._call(ActivateResponse, "POST", path, json={"version": version})

    def versions(self, scene_id: str) -> VersionsResponse:
        return self._call(VersionsResponse, "GET", f"/api/content/scenes/{scene_id}/versions")
