"""The self-hosted endpoint rejects every request Alexa did not sign, and serves the rest.

The tests build their own certificate authority with `cryptography`: a root the verifier
trusts, an intermediate, and a leaf for echo-api.amazon.com whose key signs the bodies.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import Store

from skill.endpoint import verify as verify_module
from skill.runtime.lambda_function import SKILL
from skill.endpoint.verify import Verifier, canonical_cert_url, RequestRejected
from skill.endpoint.web import MAX_BODY_BYTES, create_app

FIXTURES = Path(__file__).parent / "fixtures" / "requests"
SKILL_ID = "amzn1.ask.skill.test-cramp"
GOOD_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
NOW = datetime.now(UTC)


def _key(bits: int = 2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _cert(
    subject_key, subject: str, issuer_key, issuer: str, ca: bool, names=(), start=None, end=None,
    may_sign: bool = True, usages=(ExtendedKeyUsageOID.SERVER_AUTH,),
):
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
            x509.KeyUsage(may_sign, False, True, False, False, False, False, False, False), critical=True
        )
        if usages:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
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

    def leaf(name, names=("echo-api.amazon.com",), issuer=(inter_key, "Test Intermediate"), extra=(inter,), bits=2048, **options):
        key = _key(bits)
        keys[name] = key
        chains[name] = pem(_cert(key, "echo-api.amazon.com", issuer[0], issuer[1], ca=False, names=names, **options), *extra)

    leaf("good")
    leaf("expired", start=NOW - timedelta(days=60), end=NOW - timedelta(days=1))
    leaf("not_yet_valid", start=NOW + timedelta(days=1), end=NOW + timedelta(days=60))
    leaf("wrong_name", names=("evil.example.com",))
    leaf("untrusted_chain", issuer=(other_root_key, "Other Root"), extra=(other_root,))
    leaf("wildcard_name", names=("*.amazon.com",))
    leaf("short_key", bits=1024)
    leaf("may_not_sign", may_sign=False)
    leaf("client_auth_only", usages=(ExtendedKeyUsageOID.CLIENT_AUTH,))
    leaf("no_key_usage_purpose", usages=())
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
        # Spellings that let the URL checked differ from the URL fetched, or the cache
        # hold one certificate under endless names:
        "https://evil.example@s3.amazonaws.com/echo.api/echo-api-cert.pem",  # userinfo
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?n=1",  # query
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?",
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem#x",  # fragment
        "https://s3.amazonaws.com/echo.api/%2e%2e/invalid.path/cert.pem",  # encoded dot segments
        "https://s3.amazonaws.com/echo%2Eapi/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/",
        "https://s3.amazonaws.com/echo.api//echo-api-cert.pem/",
        "https://s3.amazonaws.com/echo.api/echo api.pem",  # not printable ASCII
        "https://s3.amazonaws.com/echo.api/" + "a" * 300 + ".pem",  # too long
        "https://s3.amazonaws.com:0443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com./echo.api/echo-api-cert.pem",
    ],
)
def test_a_certificate_url_that_is_not_amazons_is_rejected(pki, url):
    with pytest.raises(RequestRejected):
        canonical_cert_url(url)
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
        "HTTPS://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    ],
)
def test_amazons_certificate_urls_pass_in_one_canonical_spelling(url):
    assert canonical_cert_url(url) == "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


@pytest.mark.parametrize(
    "leaf", ["expired", "not_yet_valid", "wrong_name", "untrusted_chain", "wildcard_name", "short_key", "may_not_sign"]
)
def test_a_certificate_that_breaks_amazons_rules_is_rejected(pki, leaf):
    app, fetcher = client(pki, leaf=leaf)
    body = launch()
    assert post(app, body, sign(pki, body, leaf)).status_code == 400
    verifier = Verifier(skill_id=SKILL_ID, roots=lambda: Store([pki.root]), fetch=fetcher)
    with pytest.raises(RequestRejected, match="certificate"):  # refused for the certificate itself
        verifier.signing_certificate(GOOD_URL)


@pytest.mark.parametrize(
    "chain, inside, after",
    [
        ("echo-api-cert-2018.pem", datetime(2018, 7, 3, 12, 37, 46, tzinfo=UTC), datetime(2019, 6, 14, tzinfo=UTC)),
        ("echo-api-cert-12.pem", datetime(2023, 6, 1, tzinfo=UTC), datetime(2023, 12, 24, tzinfo=UTC)),
    ],
)
def test_amazons_real_signing_chains_pass_with_certifis_roots_while_in_date(chain, inside, after):
    pem = (FIXTURES.parent / "amazon" / chain).read_bytes()
    leaf = Verifier(fetch=lambda url: pem, now=lambda: inside).signing_certificate(GOOD_URL)
    assert leaf.subject.rfc4514_string() == "CN=echo-api.amazon.com"
    with pytest.raises(RequestRejected, match="certificate chain rejected"):
        Verifier(fetch=lambda url: pem, now=lambda: after).signing_certificate(GOOD_URL)


@pytest.mark.parametrize("leaf", ["client_auth_only", "no_key_usage_purpose"])
def test_a_certificate_within_amazons_rules_but_not_a_tls_servers_is_accepted(pki, leaf):
    # Amazon's rules name no extended key usage: a leaf without serverAuth must not lock
    # out every request the day Amazon issues one.
    app, _ = client(pki, leaf=leaf)
    body = launch()
    assert post(app, body, sign(pki, body, leaf)).status_code == 200


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
    assert post(app, b"[" * 50_000, "sig").status_code == 400  # too deep for the JSON parser
    assert post(app, b"9" * 5_000, "sig").status_code == 400  # too long for int()
    assert app.get("/").status_code == 405
    body = launch()
    assert post(app, body, sign(pki, body)).status_code == 200


def test_a_verified_chain_is_downloaded_once_per_canonical_url_until_it_expires(pki):
    app, fetcher = client(pki)
    spellings = [GOOD_URL, GOOD_URL.replace("/echo.api/", "/echo.api/../echo.api/"), GOOD_URL.replace(".com/", ".com:443/")]
    for url in spellings:
        body = launch()
        assert post(app, body, sign(pki, body), url=url).status_code == 200
    assert fetcher.calls == 1
    other = launch()
    post(app, other, sign(pki, other), url=GOOD_URL.replace("12", "13"))
    assert fetcher.calls == 2
    clock = [NOW]
    verifier = Verifier(skill_id=SKILL_ID, roots=lambda: Store([pki.root]), fetch=fetcher, now=lambda: clock[0])
    verifier.signing_certificate(GOOD_URL)
    assert fetcher.calls == 3
    clock[0] = NOW + timedelta(days=31)  # the leaf has expired: fetched again, and refused
    with pytest.raises(RequestRejected):
        verifier.signing_certificate(GOOD_URL)
    assert fetcher.calls == 4


def signed_with_url(pki: Pki, url: str) -> tuple[bytes, dict]:
    body = launch()
    return body, {"Content-Type": "application/json", "SignatureCertChainUrl": url, "Signature-256": sign(pki, body)}


def test_five_thousand_forged_certificate_urls_cause_a_handful_of_downloads(pki):
    app, fetcher = client(pki, leaf="untrusted_chain")  # every download fails to verify
    junk = base64.b64encode(b"\0" * 256).decode()
    statuses = set()
    for n in range(2500):
        for url in (f"{GOOD_URL}?n={n}", f"https://s3.amazonaws.com/echo.api/c{n}.pem"):
            statuses.add(post(app, launch(), junk, url=url).status_code)
    assert statuses == {400}
    assert fetcher.calls == verify_module.DOWNLOADS_PER_WINDOW


def test_a_genuine_certificate_is_still_served_from_the_cache_during_a_flood(pki):
    app, fetcher = client(pki)
    body = launch()
    assert post(app, body, sign(pki, body)).status_code == 200
    for n in range(50):
        post(app, launch(), sign(pki, launch()), url=f"https://s3.amazonaws.com/echo.api/c{n}.pem")
    body = launch()
    assert post(app, body, sign(pki, body)).status_code == 200
    assert fetcher.calls <= 1 + verify_module.DOWNLOADS_PER_WINDOW


def test_the_cache_keeps_at_most_its_size_and_drops_the_least_recently_used(pki):
    fetcher = Fetcher(pki)
    clock = [NOW]
    verifier = Verifier(skill_id=SKILL_ID, roots=lambda: Store([pki.root]), fetch=fetcher, now=lambda: clock[0])
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{n}.pem" for n in range(verify_module.CACHE_SIZE + 1)]
    for url in urls:
        clock[0] += verify_module.DOWNLOAD_WINDOW  # a fresh ration for each
        verifier.signing_certificate(url)
    assert len(verifier._leaves) == verify_module.CACHE_SIZE and urls[0] not in verifier._leaves
    calls = fetcher.calls
    verifier.signing_certificate(urls[-1])
    assert fetcher.calls == calls


def test_requests_that_arrive_together_share_one_download(pki):
    started, release = threading.Event(), threading.Event()

    class SlowFetcher(Fetcher):
        def __call__(self, url):
            started.set()
            release.wait(5)
            return super().__call__(url)

    fetcher = SlowFetcher(pki)
    verifier = Verifier(skill_id=SKILL_ID, roots=lambda: Store([pki.root]), fetch=fetcher)
    with ThreadPoolExecutor(16) as pool:
        leaves = [pool.submit(verifier.signing_certificate, GOOD_URL) for _ in range(16)]
        started.wait(5)
        time.sleep(0.2)  # let the other fifteen reach the shared download
        release.set()
        assert len({future.result(timeout=10).serial_number for future in leaves}) == 1
    assert fetcher.calls == 1


def test_cheap_checks_come_before_any_download(pki):
    app, fetcher = client(pki)
    stale = launch(datetime.now(UTC) - timedelta(seconds=300))
    assert post(app, stale, sign(pki, stale)).status_code == 400
    foreign = launch(skill_id="amzn1.ask.skill.someone-else")
    assert post(app, foreign, sign(pki, foreign)).status_code == 400
    body = launch()
    assert post(app, body, "bm90IGFuIFJTQSBzaWduYXR1cmU=").status_code == 400  # base64, but far too short
    assert fetcher.calls == 0


def test_roots_cryptography_cannot_load_are_skipped_not_fatal(monkeypatch, tmp_path):
    import certifi

    good = certifi.contents().encode() if hasattr(certifi, "contents") else Path(certifi.where()).read_bytes()
    broken = b"-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----\n"
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(broken + good)
    monkeypatch.setattr(certifi, "where", lambda: str(bundle))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even the serial-0 deprecation warning escapes
        store = verify_module.trusted_roots()
    assert store is not None


def test_a_roots_bundle_that_fails_to_load_refuses_requests_with_400(pki):
    def broken():
        raise OSError("no bundle")

    verifier = Verifier(skill_id=SKILL_ID, roots=broken, fetch=Fetcher(pki))
    app = create_app(SKILL, verifier=verifier).test_client()
    body = launch()
    assert post(app, body, sign(pki, body)).status_code == 400


@pytest.mark.parametrize(
    "forge",
    [
        lambda e: e.update(session=[1, 2]),
        lambda e: e["context"].update(System="a string"),
        lambda e: e.update(context=None),
        lambda e: e["session"].update(application="x"),
        lambda e: e.update(request=[e["request"]]),
        lambda e: e["request"].update(timestamp=12),
        lambda e: e["request"].update(timestamp="0001-01-01T00:00:00+14:00"),
    ],
)
def test_a_signed_envelope_of_the_wrong_shape_gets_400_not_500(pki, forge):
    app, _ = client(pki)
    event = json.loads(launch())
    forge(event)
    body = json.dumps(event).encode()
    response = post(app, body, sign(pki, body))
    assert response.status_code == 400 and response.get_json() == {"error": "bad request"}


def test_with_verification_off_an_unsigned_request_is_answered(pki):
    app = create_app(SKILL, config={"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False}).test_client()
    response = app.post("/", data=launch(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200


def test_with_verification_on_by_default_an_unsigned_request_is_refused():
    app = create_app(SKILL).test_client()
    assert app.post("/", data=launch(), headers={"Content-Type": "application/json"}).status_code == 400
