"""Alexa request verification for the self-hosted endpoint, on `cryptography`.

What Alexa requires of a skill hosted outside Lambda (alexa-platform.md section 5): the
request's timestamp is within 150 seconds, the skill id is ours, the signing
certificate's URL is Amazon's, the chain reaches a trusted root, and the leaf is in date,
names echo-api.amazon.com in its SAN, has an RSA key of at least 2048 bits that may sign
(digitalSignature), and signed the exact raw body (Signature-256, RSA-SHA256).
flask-ask-sdk does the same, but cannot be imported on OpenSSL 3.0.10 or later (its
certvalidator -> oscrypto chain fails), so this is built on cryptography's maintained x509
verification API instead.

Anyone can send a request, so the order is cheapest first: the checks that read only the
body come before anything is downloaded. The certificate URL is reduced to one canonical
spelling, verified leaves are kept in a small LRU cache until they expire, requests that
arrive together for the same URL share one download, and downloads of URLs not yet
cached are rationed. The ration means a flood of forged URLs can delay Alexa's first
request after a certificate rotation by up to DOWNLOAD_WINDOW; it cannot evict a
certificate already verified, because only genuine chains enter the cache.
"""

from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import re
import threading
import urllib.request
import warnings
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError as ChainError,
)

from ..runtime.envelope import field as envelope_field, is_for_skill

log = logging.getLogger(__name__)

CERT_HOST = "s3.amazonaws.com"
SIGNING_NAME = "echo-api.amazon.com"
MIN_RSA_BITS = 2048
MAX_AGE = timedelta(seconds=150)  # Alexa's maximum tolerance for a request's timestamp
MAX_CHAIN_BYTES = 64 * 1024
MAX_URL_CHARS = 256
CACHE_SIZE = 16  # verified leaves; Alexa signs with one certificate at a time
DOWNLOADS_PER_WINDOW = 5  # downloads of URLs not in the cache...
DOWNLOAD_WINDOW = timedelta(seconds=60)  # ...per this long
DOWNLOAD_WAIT_SECONDS = 10  # how long a request waits for a download another one started

# A canonical path: under /echo.api/, segments of safe characters that never start with a
# dot (so no '.' or '..' survive), no percent-encoding, no empty segment, no trailing '/'.
_CERT_PATH = re.compile(r"/echo\.api(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)+")
_URL_CHARS = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces


class RequestRejected(Exception):
    """The request is not one Alexa signed for this skill. `reason` is for the log only."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def trusted_roots() -> Store:
    """The public roots of trust: certifi's bundle (installed with ask-sdk-core), loaded one
    certificate at a time, so a root this version of cryptography can't read (or warns
    about, such as a serial number of 0) is skipped or kept, never an error."""
    import certifi
    from cryptography.utils import CryptographyDeprecationWarning

    with open(certifi.where(), "rb") as bundle:
        blocks = re.findall(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", bundle.read(), re.S)
    roots = []
    for block in blocks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                roots.append(x509.load_pem_x509_certificate(block))
        except ValueError:
            log.warning("skipped a root certificate this version of cryptography cannot load")
    return Store(roots)


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - URL is canonical and Amazon's
        return response.read(MAX_CHAIN_BYTES + 1)


def canonical_cert_url(url: str) -> str:
    """The one spelling of an Amazon certificate URL, or RequestRejected.

    Amazon's rules: https, host s3.amazonaws.com (any case), port 443 if given, a path
    under /echo.api/ once dot segments are removed. Anything that could make the URL
    checked differ from the URL fetched is refused: userinfo, a query, a fragment,
    percent-encoding, non-ASCII. The download and the cache use only the result.
    """
    if not isinstance(url, str) or len(url) > MAX_URL_CHARS or not _URL_CHARS.fullmatch(url):
        raise RequestRejected("certificate URL is too long or has characters a canonical URL never has")
    if any(mark in url for mark in "?#@%\\"):
        raise RequestRejected("certificate URL has a query, fragment, userinfo or encoding")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise RequestRejected(f"certificate URL unparseable: {error}") from error
    if parts.scheme.lower() != "https":
        raise RequestRejected("certificate URL is not https")
    if parts.netloc.lower() not in (CERT_HOST, f"{CERT_HOST}:443") or port not in (None, 443):
        raise RequestRejected("certificate URL host is not s3.amazonaws.com:443")
    # Amazon documents '..' segments as valid (normalised away); empty segments it does not.
    path = parts.path
    path = posixpath.normpath(path) if path.startswith("/") and "//" not in path and not path.endswith("/") else ""
    if not _CERT_PATH.fullmatch(path):
        raise RequestRejected("certificate URL path is not under /echo.api/")
    return f"https://{CERT_HOST}{path}"


def _may_sign(policy, certificate, usage: x509.KeyUsage) -> None:
    if not usage.digital_signature:
        raise ValueError("the leaf's key usage does not include digitalSignature")


def _names_alexa(policy, certificate, names: x509.SubjectAlternativeName) -> None:
    # Exactly this name: a wildcard such as *.amazon.com does not count.
    if SIGNING_NAME not in (name.lower() for name in names.get_values_for_type(x509.DNSName)):
        raise ValueError(f"the leaf's SAN does not name {SIGNING_NAME}")


# Amazon's rules for the leaf, not a TLS server's: no particular extended key usage is
# required, so a future certificate without serverAuth still verifies.
_LEAF_POLICY = (
    ExtensionPolicy.permit_all()
    .require_present(x509.KeyUsage, Criticality.AGNOSTIC, _may_sign)
    .require_present(x509.SubjectAlternativeName, Criticality.AGNOSTIC, _names_alexa)
)


class _DownloadRation:
    """At most DOWNLOADS_PER_WINDOW downloads in any DOWNLOAD_WINDOW (callers hold the lock)."""

    def __init__(self) -> None:
        self._times: deque[datetime] = deque()

    def take(self, now: datetime) -> bool:
        while self._times and now - self._times[0] >= DOWNLOAD_WINDOW:
            self._times.popleft()
        if len(self._times) >= DOWNLOADS_PER_WINDOW:
            return False
        self._times.append(now)
        return True


@dataclass
class Verifier:
    skill_id: str | None = None
    verify_signature: bool = True  # flask-ask-sdk: ASK_SDK_VERIFY_SIGNATURE
    verify_timestamp: bool = True  # flask-ask-sdk: ASK_SDK_VERIFY_TIMESTAMP
    roots: Callable[[], Store] = trusted_roots
    fetch: Callable[[str], bytes] = download
    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    # canonical URL -> verified leaf, least recently used first
    _leaves: OrderedDict[str, x509.Certificate] = field(default_factory=OrderedDict, repr=False)
    _downloading: dict[str, Future] = field(default_factory=dict, repr=False)
    _ration: _DownloadRation = field(default_factory=_DownloadRation, repr=False)
    _store: Store | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def verify(self, headers: Mapping[str, str], body: bytes, envelope: object) -> None:
        """Raise RequestRejected unless Alexa signed this body for this skill, just now."""
        if not isinstance(envelope_field(envelope, "request"), dict):
            raise RequestRejected("not an Alexa request envelope")
        if self.verify_timestamp:
            self._check_timestamp(envelope_field(envelope, "request", "timestamp"))
        if self.skill_id is not None and not is_for_skill(envelope, self.skill_id):
            raise RequestRejected("request is for another skill id")
        if self.verify_signature:
            url = headers.get("SignatureCertChainUrl") or ""
            signature = headers.get("Signature-256") or ""
            if not url or not signature:
                raise RequestRejected("missing SignatureCertChainUrl or Signature-256 header")
            raw_signature = _decoded_signature(signature)
            leaf = self.signing_certificate(canonical_cert_url(url))
            _check_signature(leaf, raw_signature, body)

    def signing_certificate(self, url: str) -> x509.Certificate:
        """The verified leaf at this canonical URL: from the cache, from a download another
        request already started, or downloaded now if the ration allows."""
        now = self.now()
        with self._lock:
            leaf = self._leaves.get(url)
            if leaf is not None and now < leaf.not_valid_after_utc:
                self._leaves.move_to_end(url)
                return leaf
            self._leaves.pop(url, None)
            pending = self._downloading.get(url)
            if pending is None:
                if not self._ration.take(now):
                    raise RequestRejected("too many certificate downloads; this URL waits its turn")
                pending = self._downloading[url] = Future()
                mine = True
            else:
                mine = False
        if mine:
            try:
                leaf = self._download_and_verify(url, now)
            except RequestRejected as rejected:
                pending.set_exception(rejected)
            else:
                pending.set_result(leaf)
                with self._lock:
                    self._leaves[url] = leaf
                    while len(self._leaves) > CACHE_SIZE:
                        self._leaves.popitem(last=False)
            finally:
                with self._lock:
                    del self._downloading[url]
        try:
            return pending.result(timeout=DOWNLOAD_WAIT_SECONDS)
        except TimeoutError as error:
            raise RequestRejected("certificate download still running") from error

    def _download_and_verify(self, url: str, now: datetime) -> x509.Certificate:
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
        verifier = (
            PolicyBuilder()
            .store(self._trusted_roots())
            .time(now)
            .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=_LEAF_POLICY)
            .build_client_verifier()
        )
        try:
            # The chain to a trusted root, each certificate's dates, and _LEAF_POLICY.
            verifier.verify(leaf, intermediates)
        except ChainError as error:
            raise RequestRejected(f"certificate chain rejected: {error}") from error
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_RSA_BITS:
            raise RequestRejected(f"signing certificate's key is not RSA of {MIN_RSA_BITS} bits or more")
        return leaf

    def _trusted_roots(self) -> Store:
        with self._lock:
            if self._store is None:
                try:
                    self._store = self.roots()
                except Exception as error:  # a broken bundle must refuse requests, not crash them
                    log.error("trusted roots could not be loaded: %s", type(error).__name__)
                    raise RequestRejected("trusted roots unavailable") from error
            return self._store

    def _check_timestamp(self, timestamp: object) -> None:
        if not isinstance(timestamp, str) or len(timestamp) > 40:
            raise RequestRejected("request has no timestamp")
        try:
            sent = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
        except ValueError as error:
            raise RequestRejected("request timestamp unparseable") from error
        if sent.tzinfo is None:
            sent = sent.replace(tzinfo=UTC)
        try:
            age = abs(self.now() - sent)
        except OverflowError as error:  # such as year 1 at UTC+14
            raise RequestRejected("request timestamp out of range") from error
        if age > MAX_AGE:
            raise RequestRejected("request timestamp more than 150 seconds from now")


def _decoded_signature(signature: str) -> bytes:
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError) as error:
        raise RequestRejected("Signature-256 is not base64") from error
    if not MIN_RSA_BITS // 8 <= len(raw) <= 1024:  # an RSA signature is as long as its key
        raise RequestRejected("Signature-256 is not the length of an RSA signature")
    return raw


def _check_signature(leaf: x509.Certificate, signature: bytes, body: bytes) -> None:
    try:
        leaf.public_key().verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as error:
        raise RequestRejected("signature does not match the body") from error
