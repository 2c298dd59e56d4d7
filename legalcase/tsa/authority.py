"""Who signs the timestamps: the internal authority (its own key, made once in the instance
folder) or a remote RFC 3161 authority over HTTP with its CA certificates."""

from __future__ import annotations

import os
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .tokens import TokenInfo, TokenInvalid, make_request, read_request, sign_response
from .tokens import verify_response as _verify

INTERNAL_LABEL = "内部时间戳（非第三方）"
INTERNAL_FILE = "tsa/internal-authority.pem"


class TsaUnavailable(Exception):
    """The authority could not be reached or gave no usable token (the item waits)."""


@dataclass
class Authority:
    """What every authority offers: a token over a SHA-256, and what verifies it."""

    name: str
    url: str | None
    internal: bool
    roots: list[x509.Certificate] = field(default_factory=list)
    certificates: list[x509.Certificate] = field(default_factory=list)

    @property
    def label(self) -> str:
        return INTERNAL_LABEL if self.internal else self.name

    @property
    def certificates_pem(self) -> str:
        return "".join(
            c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in self.certificates
        )

    def timestamp(self, digest: bytes) -> tuple[bytes, TokenInfo]:  # pragma: no cover
        raise NotImplementedError

    def verify(self, der: bytes, digest: bytes, nonce: int | None = None) -> TokenInfo:
        return _verify(der, digest, self.roots, nonce)


class InternalAuthority(Authority):
    """Signs locally with its own key; its certificate is issued by its own root."""

    def __init__(
        self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate, root: x509.Certificate
    ):
        super().__init__(INTERNAL_LABEL, None, True, [root], [cert, root])
        self.key, self.cert, self.root = key, cert, root

    def respond(self, request_der: bytes, now: datetime | None = None) -> bytes:
        """A DER TimeStampResp for a DER TimeStampReq (what an HTTP TSA answers)."""
        req = read_request(request_der)
        return sign_response(req, self.key, self.cert, [self.root], now)

    def timestamp(self, digest: bytes) -> tuple[bytes, TokenInfo]:
        request, nonce = make_request(digest)
        der = self.respond(request)
        return der, self.verify(der, digest, nonce)


class RemoteAuthority(Authority):
    """An RFC 3161 authority over HTTP (``application/timestamp-query``)."""

    def __init__(self, url: str, ca_file: str | None, timeout: float = 10.0):
        roots: list[x509.Certificate] = []
        if ca_file:
            roots = x509.load_pem_x509_certificates(Path(ca_file).read_bytes())
        super().__init__(_host(url), url, False, roots, list(roots))
        self.timeout = timeout

    def timestamp(self, digest: bytes) -> tuple[bytes, TokenInfo]:
        request, nonce = make_request(digest)
        http = urllib.request.Request(
            self.url,
            data=request,
            headers={"Content-Type": "application/timestamp-query"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(http, timeout=self.timeout) as answer:  # noqa: S310
                der = answer.read(1 << 20)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise TsaUnavailable(f"时间戳服务无法连接（{self.url}：{_reason(exc)}）") from None
        try:
            return der, self.verify(der, digest, nonce)
        except TokenInvalid as exc:
            raise TsaUnavailable(f"时间戳服务的应答无效：{exc}") from None


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or url


def _reason(exc: Exception) -> str:
    reason = getattr(exc, "reason", None) or exc
    return str(reason)[:200]


def _new_internal() -> bytes:
    """A fresh internal authority as one PEM: the signing key, its certificate (critical
    timeStamping key usage) and the root that issued it. The root's key is thrown away."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    until = now + timedelta(days=365 * 20)
    root_key = ec.generate_private_key(ec.SECP256R1())
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    tag = secrets.token_hex(4)
    root_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "legalcase"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"legalcase internal TSA root {tag}"),
        ]
    )
    tsa_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "legalcase"),
            x509.NameAttribute(
                NameOID.ORGANIZATIONAL_UNIT_NAME, "internal, not a third party (非第三方)"
            ),
            x509.NameAttribute(NameOID.COMMON_NAME, f"legalcase internal TSA {tag}"),
        ]
    )
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), False)
        .sign(root_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(tsa_name)
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(tsa_key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), False
        )
        .sign(root_key, hashes.SHA256())
    )
    key_pem = tsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    pem = serialization.Encoding.PEM
    return key_pem + cert.public_bytes(pem) + root.public_bytes(pem)


def load_internal(instance: str | Path) -> InternalAuthority:
    """The instance's internal authority, made at first use. Race-safe: each process writes
    a complete file of its own and links it into place; a link fails if the name exists, so
    of two processes starting at once one wins and both load the winner's key."""
    path = Path(instance) / INTERNAL_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(_new_internal())
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first: its key is the one
        finally:
            tmp.unlink(missing_ok=True)
    data = path.read_bytes()
    key = serialization.load_pem_private_key(data, password=None)
    cert, root = x509.load_pem_x509_certificates(data)
    if not isinstance(key, ec.EllipticCurvePrivateKey):  # pragma: no cover - our own file
        raise ValueError(f"{path}: not an EC key")
    return InternalAuthority(key, cert, root)
