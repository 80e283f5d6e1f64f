"""vr-server tls init, then a real server serving over HTTPS."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tests.support.harness import ServerProcess
from vr_server.tls import init_tls, server_certificate


def test_tls_init_and_serve_over_https(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "var", [])
    server.data_dir.mkdir(parents=True)
    tls = server.data_dir / "tls"

    refused = server.cli("serve", "--tls")  # no certificate yet: a clear error, no server
    assert refused.returncode == 1
    assert "vr-server tls init" in refused.stderr

    done = server.cli("tls", "init", "--host", "localhost", "--host", "127.0.0.1")
    assert done.returncode == 0, done.stderr
    assert (tls / "server.key").stat().st_mode & 0o077 == 0  # private keys are private
    assert (tls / "ca.key").stat().st_mode & 0o077 == 0
    ca_pem = (tls / "ca.crt").read_bytes()
    cert = x509.load_pem_x509_certificate((tls / "server.crt").read_bytes())
    ca = x509.load_pem_x509_certificate(ca_pem)
    assert cert.issuer == ca.subject
    cert.verify_directly_issued_by(ca)
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "localhost" in names.get_values_for_type(x509.DNSName)
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]

    # a second run keeps the CA (headsets trusting it keep working) and renews the certificate
    again = server.cli("tls", "init", "--host", "localhost", "--host", "127.0.0.1")
    assert again.returncode == 0, again.stderr
    assert (tls / "ca.crt").read_bytes() == ca_pem
    renewed = x509.load_pem_x509_certificate((tls / "server.crt").read_bytes())
    assert renewed.serial_number != cert.serial_number

    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "vr_server", "serve", "--tls"],
        env=server.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    trust = ssl.create_default_context(cafile=str(tls / "ca.crt"))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"https://127.0.0.1:{server.port}/health", verify=trust)
                break
            except httpx.ConnectError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        assert health.status_code == 200
        # a first start: the setup link printed on the console is an https one
        assert f"https://127.0.0.1:{server.port}/setup/#token=" in (
            tmp_path / "serve.log"
        ).read_text(encoding="utf-8")
        server.ensure_admin()  # past the first start, the pages answer
        page = httpx.get(f"https://localhost:{server.port}/headset/", verify=trust)
        assert page.status_code == 200
        # a client that does not trust the venue's CA is refused
        untrusting = ssl.create_default_context()
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"https://127.0.0.1:{server.port}/health", verify=untrusting)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


def test_openssl_refuses_a_name_outside_the_ca_s_own(tmp_path: Path) -> None:
    """A certificate the CA's key signs for a name outside the CA's constraints (as a thief of
    ca.key would make one): OpenSSL, what Python's ssl, curl and Android use, refuses it.
    (cryptography's verifier refuses it too: tests/vr_server/test_tls.py.)"""
    files = init_tls(tmp_path, ["localhost", "127.0.0.1", "venue.lan"])
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    forged, _ = server_certificate(["bank.example"], ca_key, ca)
    (tmp_path / "forged.crt").write_bytes(forged.public_bytes(serialization.Encoding.PEM))
    checked = subprocess.run(
        ["openssl", "verify", "-CAfile", str(files.ca_cert), str(tmp_path / "forged.crt")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode != 0
    assert "permitted subtree violation" in checked.stdout + checked.stderr
