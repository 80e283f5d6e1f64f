"""A real S3-compatible server for tests: moto's server (`python -m moto.server`), started as a
subprocess on a free port of 127.0.0.1 for the test session, with a fresh bucket per test.

moto accepts any credentials; `env()` gives the dummy ones (and switches off boto3's config
files and the instance-metadata lookup, so nothing outside this machine is asked). Tests put
them in the environment of what they start (monkeypatch or a subprocess's env), never in this
process's environment for good.
"""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from tests.support.e2e import require_e2e
from tests.support.harness import end_process, free_port
from tests.support.http import http

REGION = "us-east-1"
UNSET = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL")
"""AWS variables a client of the test server must not see (remove them along with env())."""


class S3Server:
    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.log_path = log_dir / "moto.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @staticmethod
    def env(max_attempts: int = 2) -> dict[str, str]:
        """AWS settings for a client of this server: dummy credentials, no config files, no
        instance metadata, `max_attempts` tries per request. Remove the variables of UNSET
        too."""
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": "/nonexistent/aws-config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_MAX_ATTEMPTS": str(max_attempts),
        }

    def start(self) -> None:
        require_e2e("moto's S3 server")
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"moto's S3 server exited: {self.log_path.read_text()[-2000:]}")
            try:
                http().get(self.endpoint + "/", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        pytest.fail(f"moto's S3 server did not answer: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.proc is None:
            return
        end_process(self.proc, timeout=10)
        self.proc = None

    def client(self) -> Any:
        """A boto3 client for the tests' own look at the bucket (credentials passed here)."""
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def new_bucket(self) -> str:
        name = f"vr-test-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name
