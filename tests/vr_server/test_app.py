"""The app built in process: its OpenAPI document with the API docs off."""

from __future__ import annotations

import pytest

from vr_server.app import create_app
from vr_server.settings import Settings


# /assets/{sha256} is one route for GET and HEAD, so FastAPI names one operation id twice.
@pytest.mark.filterwarnings("ignore:Duplicate Operation ID asset_assets")
def test_the_openapi_document_is_built_in_process_with_the_docs_off() -> None:
    app = create_app(Settings(api_docs=False))
    assert "/api/auth/login" in app.openapi()["paths"]
