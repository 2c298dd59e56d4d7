"""RFC 3161 trusted timestamps, independent of the web app and the database.

``tokens``: requests, the internal authority's TimeStampResp tokens (built with asn1crypto,
signed with cryptography) and the offline verification of any token (rfc3161-client).
``authority``: the internal authority (its key and certificates in the instance folder, made
once, race-safe) and a remote authority reached over HTTP (``LEGALCASE_TSA_URL``).
"""

from .authority import (
    INTERNAL_LABEL,
    Authority,
    InternalAuthority,
    RemoteAuthority,
    TsaUnavailable,
    load_internal,
)
from .tokens import TokenInfo, TokenInvalid, make_request, verify_response

__all__ = [
    "INTERNAL_LABEL",
    "Authority",
    "InternalAuthority",
    "RemoteAuthority",
    "TokenInfo",
    "TokenInvalid",
    "TsaUnavailable",
    "load_internal",
    "make_request",
    "verify_response",
]
