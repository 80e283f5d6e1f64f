"""`vr-server tls init` makes a local CA and a server certificate; `serve --tls` serves HTTPS
that a client trusting only that CA accepts (what a headset does once ca.crt is installed)."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from vr_server.tls import init_tls, name_constraints, server_certificate


def test_the_ca_may_vouch_only_for_its_own_names(tmp_path: Path) -> None:
    files = init_tls(tmp_path, ["localhost", "127.0.0.1", "venue.lan"])
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    ext = ca.extensions.get_extension_for_class(x509.NameConstraints)
    assert ext.critical
    assert ext.value.permitted_subtrees == [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_network("127.0.0.1/32")),
        x509.DNSName("venue.lan"),
    ]
    assert ext.value.excluded_subtrees is None

    verifier = PolicyBuilder().store(Store([ca])).time(datetime.datetime.now(datetime.UTC))
    server = x509.load_pem_x509_certificate(files.cert.read_bytes())
    verifier.build_server_verifier(x509.DNSName("venue.lan")).verify(server, [])
    verifier.build_server_verifier(x509.IPAddress(ipaddress.ip_address("127.0.0.1"))).verify(
        server, []
    )
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    forged, _ = server_certificate(["bank.example"], ca_key, ca)  # as a thief of ca.key would
    with pytest.raises(VerificationError):
        verifier.build_server_verifier(x509.DNSName("bank.example")).verify(forged, [])
    # OpenSSL (what Python's ssl, curl and Android use) refuses it too: a process, so
    # tests/e2e/server/test_tls.py::test_openssl_refuses_a_name_outside_the_ca_s_own


def test_a_kept_ca_refuses_new_names_until_replaced(tmp_path: Path) -> None:
    first = init_tls(tmp_path, ["localhost"])
    ca_pem = first.ca_cert.read_bytes()
    with pytest.raises(ValueError, match=r"may not vouch for 10\.0\.0\.5, other\.lan.*--new-ca"):
        init_tls(tmp_path, ["localhost", "10.0.0.5", "other.lan"])
    assert first.ca_cert.read_bytes() == ca_pem  # nothing changed
    init_tls(tmp_path, ["sub.localhost"])  # a subdomain of a permitted name is allowed
    renewed = init_tls(tmp_path, ["localhost", "10.0.0.5", "other.lan"], new_ca=True)
    ca = x509.load_pem_x509_certificate(renewed.ca_cert.read_bytes())
    assert renewed.ca_cert.read_bytes() != ca_pem
    assert ca.extensions.get_extension_for_class(x509.NameConstraints).value == name_constraints(
        ["localhost", "10.0.0.5", "other.lan"]
    )
