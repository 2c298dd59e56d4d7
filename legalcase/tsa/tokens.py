"""Time-stamp requests and responses (RFC 3161, with ESSCertIDv2 of RFC 5816).

Every structure is built with asn1crypto (no hand-written DER) and signed with cryptography;
verification is rfc3161-client's (signature, certificate chain at the time of stamping, the
critical timeStamping key usage of the signer, nonce and message imprint)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import algos, cms, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

# The internal authority's policy: a private arc under the UUID-derived OID space (2.25)
INTERNAL_POLICY = "2.25.186181437412931207219436916934101858211"


class TokenInvalid(Exception):
    """A token that is malformed, refused or does not prove what it should."""


@dataclass(frozen=True)
class TokenInfo:
    gen_time: datetime
    serial_number: int
    policy: str
    digest: bytes


def make_request(digest: bytes, nonce: int | None = None) -> tuple[bytes, int]:
    """A DER TimeStampReq over a SHA-256 ``digest``, asking for the signer's certificate."""
    if len(digest) != 32:
        raise ValueError("a SHA-256 digest has 32 bytes")
    nonce = nonce if nonce is not None else secrets.randbits(63)
    req = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": digest,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return req.dump(), nonce


def read_request(der: bytes) -> tsp.TimeStampReq:
    """A parsed TimeStampReq; TokenInvalid when it is not one (or not over SHA-256)."""
    try:
        req = tsp.TimeStampReq.load(der)
        algorithm = req["message_imprint"]["hash_algorithm"]["algorithm"].native
        digest = req["message_imprint"]["hashed_message"].native
    except Exception as exc:  # asn1crypto raises ValueError/TypeError on bad input
        raise TokenInvalid(f"不是有效的时间戳请求：{exc}") from None
    if algorithm != "sha256" or len(digest) != 32:
        raise TokenInvalid("只接受 SHA-256 的时间戳请求")
    return req


def rejection(text: str) -> bytes:
    """A DER TimeStampResp that refuses the request (status rejection, badDataFormat)."""
    return tsp.TimeStampResp(
        {
            "status": {
                "status": "rejection",
                "status_string": [text],
                "fail_info": tsp.PKIFailureInfo({"bad_data_format"}),
            }
        }
    ).dump()


def sign_response(
    req: tsp.TimeStampReq,
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    now: datetime | None = None,
) -> bytes:
    """The DER TimeStampResp granting ``req``: a CMS SignedData over a TSTInfo, signed by
    ``key`` (whose certificate is ``cert``), with ``cert`` and ``chain`` embedded when the
    request asks for certificates."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    a_cert = asn1_x509.Certificate.load(cert_der)
    info = {
        "version": "v1",
        "policy": req["req_policy"].native or INTERNAL_POLICY,
        "message_imprint": req["message_imprint"],
        "serial_number": secrets.randbits(63),
        "gen_time": now,
        "accuracy": {"seconds": 1},
        "ordering": False,
        "tsa": asn1_x509.GeneralName({"directory_name": a_cert.subject}),
    }
    if req["nonce"].native is not None:
        info["nonce"] = req["nonce"].native
    tst_info = tsp.TSTInfo(info)
    content = tst_info.dump()
    signed_attrs = cms.CMSAttributes(
        [
            {"type": "content_type", "values": ["tst_info"]},
            {"type": "signing_time", "values": [cms.Time({"utc_time": now})]},
            {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
            {
                "type": "signing_certificate_v2",
                "values": [
                    {
                        "certs": [
                            {
                                "hash_algorithm": {"algorithm": "sha256"},
                                "cert_hash": hashlib.sha256(cert_der).digest(),
                            }
                        ]
                    }
                ],
            },
        ]
    )
    signature = key.sign(signed_attrs.dump(), ec.ECDSA(hashes.SHA256()))
    signer = cms.SignerInfo(
        {
            "version": "v1",
            "sid": cms.SignerIdentifier(
                {
                    "issuer_and_serial_number": {
                        "issuer": a_cert.issuer,
                        "serial_number": a_cert.serial_number,
                    }
                }
            ),
            "digest_algorithm": {"algorithm": "sha256"},
            "signed_attrs": signed_attrs,
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
            "signature": signature,
        }
    )
    certificates = []
    if req["cert_req"].native:
        certificates = [
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in [cert, *chain]
        ]
    signed_data = {
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "tst_info", "content": tst_info},
        "signer_infos": [signer],
    }
    if certificates:
        signed_data["certificates"] = certificates
    token = cms.ContentInfo({"content_type": "signed_data", "content": signed_data})
    return tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()


def verify_response(
    der: bytes,
    digest: bytes,
    roots: list[x509.Certificate],
    nonce: int | None = None,
) -> TokenInfo:
    """Check a DER TimeStampResp offline: granted, signed by a certificate that chains to
    ``roots`` (valid when stamped) with the critical timeStamping key usage, over ``digest``
    (SHA-256), with ``nonce`` when given. TokenInvalid (a Chinese message) otherwise."""
    try:
        resp = decode_timestamp_response(der)
    except Exception as exc:  # the Rust parser raises ValueError and friends
        raise TokenInvalid(f"时间戳格式无法解析（{exc}）") from None
    if resp.status not in (0, 1):
        text = "；".join(resp.status_string) if resp.status_string else ""
        raise TokenInvalid(f"时间戳服务拒绝了请求（状态 {resp.status}）{text}")
    imprint = resp.tst_info.message_imprint
    if imprint.message != digest:
        raise TokenInvalid("时间戳所证明的 SHA-256 与登记的哈希值不符")
    if not roots:
        raise TokenInvalid("未配置时间戳服务的 CA 证书，无法验证")
    builder = VerifierBuilder(roots=list(roots))
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify(resp, digest)
    except VerificationError as exc:
        raise TokenInvalid(f"时间戳签名验证失败（{exc}）") from None
    info = resp.tst_info
    return TokenInfo(
        gen_time=info.gen_time.astimezone(UTC)
        if info.gen_time.tzinfo
        else info.gen_time.replace(tzinfo=UTC),
        serial_number=info.serial_number,
        policy=info.policy.dotted_string,
        digest=imprint.message,
    )
