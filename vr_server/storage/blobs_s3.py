"""Blobs in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage): the remote store behind
`BlobStore` when `VR_BLOB_S3_URL` is set (see vr_server/storage/blobs.py for how the local directory
caches it). Keys are `<prefix>/<aa>/<sha256>`, the blob directory's layout.

Credentials are boto3's usual ones (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE,
~/.aws/credentials, an instance role), and so are its retry settings (AWS_MAX_ATTEMPTS,
AWS_RETRY_MODE). boto3 blocks: every method here runs in a worker thread, never on the event
loop. Any failure to reach or use the bucket raises `Unavailable` naming the bucket, the
endpoint and the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from vr_server.errors import Unavailable
from vr_server.settings import Settings

CHUNK = 1024 * 1024
_DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"}
_MISSING_BUCKET = {"NoSuchBucket", "404"}
_MISSING_KEY = {"NoSuchKey", "404", "NotFound"}


def make_client(endpoint: str | None, region: str) -> Any:
    """A boto3 S3 client of its own session (no module-level default session)."""
    config = Config(
        region_name=region,
        connect_timeout=5,
        read_timeout=60,
        # S3-compatible servers are reached by address (http://minio:9000/bucket/key), not by
        # a DNS name per bucket.
        s3={"addressing_style": "path"} if endpoint else {},
        # Checksums only where S3 requires them: several S3-compatible servers refuse the
        # CRC32 headers boto3 sends by default since 1.36. Every byte is checked against
        # its sha256 here anyway.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint, config=config)


class S3Blobs:
    """The `RemoteBlobs` of vr_server/storage/blobs.py on an S3 bucket."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        endpoint: str | None = None,
        region: str = "us-east-1",
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint = endpoint
        self.region = region
        self._client = client if client is not None else make_client(endpoint, region)

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Blobs:
        location = settings.blob_s3_location
        if location is None:
            raise ValueError("VR_BLOB_S3_URL is not set")
        bucket, prefix = location
        return cls(
            bucket,
            prefix,
            endpoint=settings.blob_s3_endpoint,
            region=settings.blob_s3_region,
        )

    @property
    def location(self) -> str:
        url = f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
        return f"{url} at {self.endpoint}" if self.endpoint else f"{url} (AWS, {self.region})"

    def key_for(self, sha256: str) -> str:
        key = f"{sha256[:2]}/{sha256}"
        return f"{self.prefix}/{key}" if self.prefix else key

    def check(self) -> None:
        """HEAD the bucket once: Unavailable saying whether it is missing, refused or out of
        reach (for `vr-server serve` to refuse to start with one clear line)."""
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise Unavailable(f"VR_BLOB_S3_URL: {self.location}: {self._reason(exc)}") from None

    def exists(self, sha256: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=self.key_for(sha256))
        except ClientError as exc:
            if _error_code(exc) in _MISSING_KEY:
                return False
            raise self._unavailable("look for", sha256, exc) from None
        except BotoCoreError as exc:
            raise self._unavailable("look for", sha256, exc) from None
        return True

    def upload(self, path: Path, sha256: str) -> None:
        try:
            with path.open("rb") as body:
                self._client.put_object(
                    Bucket=self.bucket,
                    Key=self.key_for(sha256),
                    Body=body,
                    ContentLength=path.stat().st_size,
                    ContentType="application/octet-stream",
                )
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable("store", sha256, exc) from None

    def download(self, sha256: str, write: Callable[[bytes], object]) -> bool:
        try:
            response = self._client.get_object(Bucket=self.bucket, Key=self.key_for(sha256))
        except ClientError as exc:
            if _error_code(exc) == "NoSuchKey":
                return False
            raise self._unavailable("fetch", sha256, exc) from None
        except BotoCoreError as exc:
            raise self._unavailable("fetch", sha256, exc) from None
        body = response["Body"]
        try:
            for chunk in body.iter_chunks(CHUNK):
                write(chunk)
        except (BotoCoreError, ClientError) as exc:
            raise self._unavailable("fetch", sha256, exc) from None
        finally:
            body.close()
        return True

    def close(self) -> None:
        self._client.close()

    def _unavailable(self, action: str, sha256: str, exc: Exception) -> Unavailable:
        return Unavailable(
            f"the S3 blob store {self.location} could not {action} blob {sha256}: "
            f"{self._reason(exc)}"
        )

    def _reason(self, exc: Exception) -> str:
        if isinstance(exc, NoCredentialsError):
            return (
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
                "(or AWS_PROFILE)"
            )
        if isinstance(exc, ClientError):
            code = _error_code(exc)
            if code in _DENIED:
                return f"access denied ({code}): check the AWS credentials and bucket policy"
            if code in _MISSING_BUCKET:
                return f"the bucket {self.bucket!r} does not exist"
            message = exc.response.get("Error", {}).get("Message") or ""
            return f"{code}: {message}".rstrip(": ")
        endpoint = self.endpoint or "AWS S3"
        return f"cannot reach {endpoint} ({type(exc).__name__}: {exc})"


def _error_code(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    code = error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return str(code)
