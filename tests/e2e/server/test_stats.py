"""Statistics over a real server's HTTP API."""

from __future__ import annotations

from tests.support.harness import ServerProcess
from tests.support.http import http
from vr_server.services.stats import CSV_COLUMNS


def test_stats_over_http(server: ServerProcess, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    figures = http().get(
        server.url + "/api/stats",
        params={"from": "2026-12-01", "to": "2026-12-01"},
        headers=headers,
    )
    assert figures.status_code == 200, figures.text
    assert figures.json()["from"] == "2026-12-01"
    assert figures.json()["satisfaction"]["counts"] == {str(n): 0 for n in range(1, 6)}
    backwards = http().get(
        server.url + "/api/stats",
        params={"from": "2026-12-02", "to": "2026-12-01"},
        headers=headers,
    )
    assert backwards.status_code == 422
    assert http().get(server.url + "/api/stats?from=tomorrow", headers=headers).status_code == 422
    sheet = http().get(
        server.url + "/api/stats.csv", params={"from": "2026-12-01"}, headers=headers
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"].startswith("text/csv")
    assert "vr-sessions-2026-12-01.csv" in sheet.headers["content-disposition"]
    assert sheet.content == b"\xef\xbb\xbf" + (",".join(CSV_COLUMNS) + "\r\n").encode()
