"""The self-hosted endpoint rejects every request Alexa did not sign, and serves the rest.

The tests build their own certificate authority with `cryptography`: a root the verifier
trusts, an intermediate, and a leaf for echo-api.amazon.com whose key signs the bodies.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import Store

from skill.lambda_function import SKILL
from skill.verify import Verifier, check_cert_url, RequestRejected
from skill.web import MAX_BODY_BYTES, create_app

FIXTURES = Path(__file__).parent / "fixtures" / "requests"
SKILL_ID = "amzn1.ask.skill.test-cramp"
GOOD_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
NOW = datetime.now(UTC)


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(subject_key, subject: str, issuer_key, issuer: str, ca: bool, names=(), start=None, end=None):
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start or NOW - timedelta(days=1))
        .not_valid_after(end or NOW + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True
        ).add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class Pki:
    root: x509.Certificate
    chains: dict[str, bytes]  # name -> PEM chain (leaf first)
    keys: dict[str, rsa.RSAPrivateKey]


@pytest.fixture(scope="module")
def pki() -> Pki:
    root_key, inter_key, other_root_key = _key(), _key(), _key()
    root = _cert(root_key, "Test Root", root_key, "Test Root", ca=True)
    inter = _cert(inter_key, "Test Intermediate", root_key, "Test Root", ca=True)
    other_root = _cert(other_root_key, "Other Root", other_root_key, "Other Root", ca=True)
    pem = lambda *certs: b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)  # noqa: E731
    keys, chains = {}, {}

    def leaf(name, names=("echo-api.amazon.com",), issuer=(inter_key, "Test Intermediate"), extra=(inter,), **dates):
        key = _key()
        keys[name] = key
        chains[name] = pem(_cert(key, "echo-api.amazon.com", issuer[0], issuer[1], ca=False, names=names, **dates), *extra)

    leaf("good")
    leaf("expired", start=NOW - timedelta(days=60), end=NOW - timedelta(days=1))
    leaf("not_yet_valid", start=NOW + timedelta(days=1), end=NOW + timedelta(days=60))
    leaf("wrong_name", names=("evil.example.com",))
    leaf("untrusted_chain", issuer=(other_root_key, "Other Root"), extra=(other_root,))
    return Pki(root, chains, keys)


def sign(pki: Pki, body: bytes, leaf: str = "good") -> str:
    return base64.b64encode(pki.keys[leaf].sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


def launch(timestamp: datetime | None = None, skill_id: str = SKILL_ID) -> bytes:
    event = json.loads((FIXTURES / "launch.json").read_text())
    event["request"]["timestamp"] = (timestamp or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    event["session"]["application"]["applicationId"] = skill_id
    event["context"]["System"]["application"]["applicationId"] = skill_id
    return json.dumps(event).encode()


class Fetcher:
    def __init__(self, pki: Pki, leaf: str = "good"):
        self.pki, self.leaf, self.calls = pki, leaf, 0

    def __call__(self, url: str) -> bytes:
        self.calls += 1
        return self.pki.chains[self.leaf]


def client(pki: Pki, leaf: str = "good", **verifier_args):
    fetcher = Fetcher(pki, leaf)
    verifier = Verifier(skill_id=SKILL_ID, roots=lambda: Store([pki.root]), fetch=fetcher, **verifier_args)
    return create_app(SKILL, verifier=verifier).test_client(), fetcher


def post(test_client, body: bytes, signature: str | None, url: str = GOOD_URL, **headers):
    sent = {"Content-Type": "application/json", **headers}
    if url is not None:
        sent["SignatureCertChainUrl"] = url
    if signature is not None:
        sent["Signature-256"] = signature
    return test_client.post("/", data=body, headers=sent)


def test_a_correctly_signed_request_is_answered_by_the_skill(pki):
    app, _ = client(pki)
    body = launch()
    response = post(app, body, sign(pki, body))
    assert response.status_code == 200
    assert response.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>If you have a cramp now")


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",  # scheme
        "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",  # host
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",  # path is case-sensitive
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",  # normalised first
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",  # port
    ],
)
def test_a_certificate_url_that_is_not_amazons_is_rejected(pki, url):
    with pytest.raises(RequestRejected):
        check_cert_url(url)
    app, fetcher = client(pki)
    body = launch()
    assert post(app, body, sign(pki, body), url=url).status_code == 400
    assert fetcher.calls == 0  # nothing is downloaded from an address that is not Amazon's


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    ],
)
def test_amazons_certificate_urls_pass(url):
    check_cert_url(url)


@pytest.mark.parametrize("leaf", ["expired", "not_yet_valid", "wrong_name", "untrusted_chain"])
def test_a_certificate_that_is_out_of_date_misnamed_or_untrusted_is_rejected(pki, leaf):
    app, _ = client(pki, leaf=leaf)
    body = launch()
    assert post(app, body, sign(pki, body, leaf)).status_code == 400


def test_a_body_changed_by_one_byte_is_rejected(pki):
    app, _ = client(pki)
    body = launch()
    signature = sign(pki, body)
    tampered = body.replace(b'"new": true', b'"new":true ')
    assert len(tampered) == len(body) and tampered != body
    assert post(app, tampered, signature).status_code == 400


def test_a_request_signed_by_another_key_is_rejected(pki):
    app, _ = client(pki)
    body = launch()
    assert post(app, body, sign(pki, body, "wrong_name")).status_code == 400


def test_a_timestamp_151_seconds_old_is_rejected_and_149_passes(pki):
    app, _ = client(pki)
    old = launch(datetime.now(UTC) - timedelta(seconds=151))
    assert post(app, old, sign(pki, old)).status_code == 400
    fresh = launch(datetime.now(UTC) - timedelta(seconds=149))
    assert post(app, fresh, sign(pki, fresh)).status_code == 200


def test_a_request_for_another_skill_is_rejected(pki):
    app, _ = client(pki)
    body = launch(skill_id="amzn1.ask.skill.someone-else")
    assert post(app, body, sign(pki, body)).status_code == 400


def test_missing_headers_and_a_garbled_signature_are_rejected(pki):
    app, _ = client(pki)
    body = launch()
    assert post(app, body, None, url=None).status_code == 400
    assert post(app, body, None).status_code == 400
    assert post(app, body, "not base64 at all!").status_code == 400


def test_every_rejection_says_nothing_useful_and_is_logged(pki, caplog):
    app, _ = client(pki)
    body = launch()
    with caplog.at_level("WARNING"):
        response = post(app, body, sign(pki, body + b" "))
    assert response.status_code == 400 and response.get_json() == {"error": "bad request"}
    assert "rejected: signature does not match the body" in caplog.text


def test_oversized_non_json_and_wrong_method_get_4xx_and_the_server_keeps_serving(pki):
    app, _ = client(pki)
    assert post(app, b"x" * (MAX_BODY_BYTES + 1), "sig").status_code == 413
    assert post(app, b"{not json", "sig").status_code == 400
    assert post(app, b"\xff\xfe", "sig").status_code == 400
    assert app.get("/").status_code == 405
    body = launch()
    assert post(app, body, sign(pki, body)).status_code == 200


def test_a_downloaded_chain_is_cached_by_url_until_it_expires(pki):
    app, fetcher = client(pki)
    for _ in range(3):
        body = launch()
        assert post(app, body, sign(pki, body)).status_code == 200
    assert fetcher.calls == 1
    other = launch()
    post(app, other, sign(pki, other), url=GOOD_URL.replace("12", "13"))
    assert fetcher.calls == 2
    later = Verifier(skill_id=SKILL_ID, roots=lambda: Store([pki.root]), fetch=fetcher, now=lambda: NOW + timedelta(days=31))
    with pytest.raises(RequestRejected):  # the cached leaf has expired: fetched again, and refused
        later._cache.update({GOOD_URL: (None, NOW + timedelta(days=30))})
        later.verify({"SignatureCertChainUrl": GOOD_URL, "Signature-256": "x"}, b"{}", {"request": {}})
    assert fetcher.calls == 3


def test_with_verification_off_an_unsigned_request_is_answered(pki):
    app = create_app(SKILL, config={"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False}).test_client()
    response = app.post("/", data=launch(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200


def test_with_verification_on_by_default_an_unsigned_request_is_refused():
    app = create_app(SKILL).test_client()
    assert app.post("/", data=launch(), headers={"Content-Type": "application/json"}).status_code == 400
