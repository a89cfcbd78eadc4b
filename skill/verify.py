"""Alexa request verification for the self-hosted endpoint, on `cryptography`.

What Alexa requires of a skill hosted outside Lambda (alexa-platform.md section 5):
the signing certificate's URL is Amazon's, the chain reaches a trusted root, the leaf is
in date and names echo-api.amazon.com, the Signature-256 header is an RSA-SHA256
signature of the exact raw body by that leaf, the request's timestamp is within 150
seconds, and the skill id is ours. flask-ask-sdk does the same, but cannot be imported on
OpenSSL 3.0.10 or later (its certvalidator -> oscrypto chain fails), so this is built on
cryptography's maintained x509 verification API instead. Downloaded chains are cached by
URL until the leaf expires.
"""

from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import threading
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError as ChainError

log = logging.getLogger(__name__)

CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
SIGNING_NAME = "echo-api.amazon.com"
MAX_AGE = timedelta(seconds=150)  # Alexa's maximum tolerance for a request's timestamp
MAX_CHAIN_BYTES = 64 * 1024


class RequestRejected(Exception):
    """The request is not one Alexa signed for this skill. `reason` is for the log only."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def trusted_roots() -> Store:
    """The public roots of trust: certifi's bundle (installed with ask-sdk-core)."""
    import certifi

    with open(certifi.where(), "rb") as bundle:
        return Store(x509.load_pem_x509_certificates(bundle.read()))


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - URL checked first
        return response.read(MAX_CHAIN_BYTES + 1)


def check_cert_url(url: str) -> None:
    """https, host s3.amazonaws.com, path under /echo.api/ once dot segments are removed,
    and port 443 if one is given."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RequestRejected(f"certificate URL unparseable: {error}") from error
    if parts.scheme.lower() != "https":
        raise RequestRejected("certificate URL is not https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise RequestRejected("certificate URL host is not s3.amazonaws.com")
    if port not in (None, 443):
        raise RequestRejected("certificate URL port is not 443")
    path = posixpath.normpath(parts.path) + ("/" if parts.path.endswith("/") else "")
    if not path.startswith(CERT_PATH_PREFIX):
        raise RequestRejected("certificate URL path is not under /echo.api/")


@dataclass
class Verifier:
    skill_id: str | None = None
    verify_signature: bool = True  # flask-ask-sdk: ASK_SDK_VERIFY_SIGNATURE
    verify_timestamp: bool = True  # flask-ask-sdk: ASK_SDK_VERIFY_TIMESTAMP
    roots: Callable[[], Store] = trusted_roots
    fetch: Callable[[str], bytes] = download
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    _cache: dict[str, tuple[x509.Certificate, datetime]] = field(default_factory=dict, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: object) -> None:
        """Raise RequestRejected unless Alexa signed this body for this skill, just now."""
        if not isinstance(envelope, dict) or not isinstance(envelope.get("request"), dict):
            raise RequestRejected("not an Alexa request envelope")
        if self.verify_signature:
            url = headers.get("SignatureCertChainUrl") or ""
            signature = headers.get("Signature-256") or ""
            if not url or not signature:
                raise RequestRejected("missing SignatureCertChainUrl or Signature-256 header")
            check_cert_url(url)
            self._check_signature(self._signing_certificate(url), signature, body)
        if self.verify_timestamp:
            self._check_timestamp(envelope["request"].get("timestamp"))
        if self.skill_id is not None:
            self._check_skill_id(envelope)

    def _signing_certificate(self, url: str) -> x509.Certificate:
        now = self.now()
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None and now < cached[1]:
            return cached[0]
        try:
            pem = self.fetch(url)
        except Exception as error:  # network, HTTP or anything else: the request is not trusted
            raise RequestRejected(f"certificate chain could not be downloaded: {type(error).__name__}") from error
        if len(pem) > MAX_CHAIN_BYTES:
            raise RequestRejected("certificate chain too large")
        try:
            leaf, *intermediates = x509.load_pem_x509_certificates(pem)
        except ValueError as error:
            raise RequestRejected("certificate chain is not PEM") from error
        if self._store is None:
            self._store = self.roots()
        verifier = PolicyBuilder().store(self._store).time(now).build_server_verifier(x509.DNSName(SIGNING_NAME))
        try:
            # The chain to a trusted root, each certificate's dates, and the leaf's name.
            verifier.verify(leaf, intermediates)
        except ChainError as error:
            raise RequestRejected(f"certificate chain rejected: {error}") from error
        with self._lock:
            self._cache[url] = (leaf, leaf.not_valid_after_utc)
        return leaf

    def _check_signature(self, leaf: x509.Certificate, signature: str, body: bytes) -> None:
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as error:
            raise RequestRejected("Signature-256 is not base64") from error
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise RequestRejected("signing certificate's key is not RSA")
        try:
            key.verify(raw, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as error:
            raise RequestRejected("signature does not match the body") from error

    def _check_timestamp(self, timestamp: object) -> None:
        if not isinstance(timestamp, str):
            raise RequestRejected("request has no timestamp")
        try:
            sent = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError as error:
            raise RequestRejected("request timestamp unparseable") from error
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        if abs(self.now() - sent) > MAX_AGE:
            raise RequestRejected("request timestamp more than 150 seconds from now")

    def _check_skill_id(self, envelope: dict) -> None:
        session_app = ((envelope.get("session") or {}).get("application") or {}).get("applicationId")
        context_app = (((envelope.get("context") or {}).get("System") or {}).get("application") or {}).get("applicationId")
        if (session_app or context_app) != self.skill_id or (session_app and context_app and session_app != context_app):
            raise RequestRejected("request is for another skill id")
