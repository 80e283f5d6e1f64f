"""A local certificate authority and server certificate for HTTPS on a venue's LAN.

WebXR needs a secure context: a Quest Browser only enters VR on https:// pages (or localhost).
`vr-server tls init` makes, in `<data_dir>/tls/`:

    ca.crt / ca.key          a certificate authority for this venue (kept across re-runs, so
                             headsets that trust it keep trusting it)
    server.crt / server.key  the server's certificate, signed by the CA, for the host names and
                             IP addresses headsets use to reach it (made anew on each run)

Install `ca.crt` on each headset once; `vr-server serve --tls` then serves HTTPS and WSS.
Private keys are written with mode 0600.

The CA is name-constrained (X.509 NameConstraints, critical): it can vouch only for the host
names and IP addresses it was made for, so a headset that trusts it trusts nothing else it
might sign (a stolen ca.key cannot impersonate other sites to the headsets). A DNS name
constraint also covers that name's subdomains (RFC 5280); an IP address is permitted alone
(/32 or /128). A later run for a host the CA was not made for is refused with a message:
`--new-ca` replaces the CA (then install the new ca.crt on every headset again).
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["TlsFiles", "default_hosts", "init_tls", "name_constraints", "tls_files"]

CA_DAYS = 3650
SERVER_DAYS = 825  # the longest validity Apple and Google platforms accept for a server cert


@dataclass(frozen=True, slots=True)
class TlsFiles:
    """Where `vr-server tls init` keeps the CA and the server certificate, and their keys."""

    folder: Path
    ca_cert: Path
    ca_key: Path
    cert: Path
    key: Path


def tls_files(data_dir: Path) -> TlsFiles:
    folder = data_dir / "tls"
    return TlsFiles(
        folder=folder,
        ca_cert=folder / "ca.crt",
        ca_key=folder / "ca.key",
        cert=folder / "server.crt",
        key=folder / "server.key",
    )


def default_hosts() -> list[str]:
    """localhost, this machine's name and the addresses it resolves to (no network traffic)."""
    hosts = ["localhost", "127.0.0.1"]
    name = socket.gethostname()
    if name:
        hosts.append(name)
        with contextlib.suppress(OSError):
            hosts += socket.gethostbyname_ex(name)[2]
    return list(dict.fromkeys(hosts))


def subject_names(hosts: list[str]) -> list[x509.GeneralName]:
    """The certificate names of `hosts`: IP addresses as such, the rest as DNS names."""
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names


def name_constraints(hosts: list[str]) -> x509.NameConstraints:
    """Permitted subtrees of exactly `hosts`: each DNS name (and its subdomains), each IP
    address alone."""
    permitted: list[x509.GeneralName] = []
    for name in subject_names(hosts):
        if isinstance(name, x509.IPAddress):
            permitted.append(x509.IPAddress(ipaddress.ip_network(name.value)))
        else:
            permitted.append(name)
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None)


def _outside(ca_cert: x509.Certificate, hosts: list[str]) -> list[str]:
    """The hosts the CA's name constraints do not permit (none when it has no constraints)."""
    try:
        constraints = ca_cert.extensions.get_extension_for_class(x509.NameConstraints).value
    except x509.ExtensionNotFound:
        return []
    permitted = constraints.permitted_subtrees or []
    dns = [str(n.value).lower().rstrip(".") for n in permitted if isinstance(n, x509.DNSName)]
    nets = [
        n.value
        for n in permitted
        if isinstance(n, x509.IPAddress)
        and isinstance(n.value, ipaddress.IPv4Network | ipaddress.IPv6Network)
    ]
    outside = []
    for host, name in zip(hosts, subject_names(hosts), strict=True):
        if isinstance(name, x509.IPAddress):
            ok = any(name.value in net for net in nets if net.version == name.value.version)
        else:
            value = str(name.value).lower().rstrip(".")
            ok = any(value == d or value.endswith("." + d) for d in dns)
        if not ok:
            outside.append(host)
    return outside


def init_tls(
    data_dir: Path, hosts: list[str], *, days: int = SERVER_DAYS, new_ca: bool = False
) -> TlsFiles:
    """Create the CA if there is none (or anew with `new_ca`), constrained to `hosts`, and a
    new server certificate for `hosts`. ValueError when the kept CA may not vouch for one."""
    if not hosts:
        raise ValueError("at least one host name or IP address is needed")
    files = tls_files(data_dir)
    files.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    if files.ca_cert.exists() and files.ca_key.exists() and not new_ca:
        ca_cert = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
        loaded = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise ValueError(f"{files.ca_key} is not the EC key vr-server made")
        ca_key = loaded
        outside = _outside(ca_cert, hosts)
        if outside:
            raise ValueError(
                f"the CA in {files.folder} was made for other names and may not vouch for "
                f"{', '.join(outside)}: run again with --new-ca and every name the server "
                "needs, then install the new ca.crt on each headset"
            )
    else:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "VR career exploration"),
                x509.NameAttribute(
                    NameOID.COMMON_NAME, f"vr-server local CA ({socket.gethostname()})"
                ),
            ]
        )
        ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name)
            .issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(name_constraints(hosts), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    key_cert_sign=True,
                    crl_sign=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
            )
            .sign(ca_key, hashes.SHA256())
        )
        _write_key(files.ca_key, ca_key)
        files.ca_cert.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert, key = server_certificate(hosts, ca_key, ca_cert, days=days)
    _write_key(files.key, key)
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return files


def server_certificate(
    hosts: list[str],
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    *,
    days: int = SERVER_DAYS,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A new key and a server certificate for `hosts`, signed by the CA."""
    now = datetime.datetime.now(datetime.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.SubjectAlternativeName(subject_names(hosts)), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.chmod(path, 0o600)
