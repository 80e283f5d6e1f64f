"""The S3 settings: bucket URLs and endpoints."""

from __future__ import annotations

import pytest

from vr_server.settings import Settings, parse_s3_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://bucket", ("bucket", "")),
        ("s3://my.bucket-1/", ("my.bucket-1", "")),
        ("s3://bucket/a/b/", ("bucket", "a/b")),
    ],
)
def test_s3_urls(url: str, expected: tuple[str, str]) -> None:
    assert parse_s3_url(url) == expected
    assert Settings(blob_s3_url=url).blob_s3_location == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("bucket/prefix", "must look like s3://bucket"),
        ("https://bucket/prefix", "must look like s3://bucket"),
        ("s3://Upper_Case", "not a bucket name"),
        ("s3://ab", "not a bucket name"),
        ("s3://bucket/a//b", "empty or dot parts"),
        ("s3://bucket/../b", "empty or dot parts"),
    ],
)
def test_bad_s3_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(blob_s3_url=url)


def test_bad_endpoint_is_refused() -> None:
    with pytest.raises(ValueError, match="VR_BLOB_S3_ENDPOINT must look like"):
        Settings(blob_s3_url="s3://bucket", blob_s3_endpoint="minio:9000")
