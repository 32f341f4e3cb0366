"""Attested audits: an in-toto Statement (v1) with the test-result (v0.1) predicate, from audit.json.

The subjects are INDEX.md (its sha256) and the corpus pin (the sha256 of the `sha256sum` listing
INDEX.md's rows make), so the statement names these exact bytes. The predicate gives the verdict
(PASSED, WARNED or FAILED), the check ids that passed, warned and failed, and the configuration the
audit ran under: corpus-audit.toml, WAIVERS.md and outlets.toml with their digests, and the tool's
version. With a key, the statement is wrapped in a DSSE envelope signed with ed25519
(securesystemslib); `verify_attestation` checks the signature with securesystemslib's own
verifier, the statement's shape, and that the corpus still matches what was attested.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from securesystemslib.dsse import Envelope
from securesystemslib.exceptions import VerificationError
from securesystemslib.signer import CryptoSigner, SSlibKey

from provenance._version import __version__
from provenance.errors import AttestationError, UsageError
from provenance.fixity.verify import verify_fixity
from provenance.manifest.model import INDEX_NAME
from provenance.manifest.reader import read_manifest
from provenance.safeopen import open_metadata

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://in-toto.io/attestation/test-result/v0.1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"
PIN_SUBJECT = "corpus-pin"
CONFIGURATION = ("corpus-audit.toml", "WAIVERS.md", "outlets.toml")


def statement(corpus: Path, report: Mapping[str, Any]) -> dict[str, Any]:
    """The in-toto Statement of `report` (an audit.json of `corpus`, as it is now)."""
    manifest = read_manifest(corpus)
    pin = manifest.expected_pin()
    if report.get("corpus", {}).get("digest") != pin.digest:
        raise AttestationError(
            f"{corpus}: audit.json was written for corpus pin {str(report.get('corpus', {}).get('digest'))[:16]}, "
            f"the corpus is now {pin.digest[:16]}: run `corpus-audit validate` again, then attest"
        )
    checks = report.get("checks", [])
    failed = sorted(c["id"] for c in checks if c.get("failed", 0))
    warned = sorted(c["id"] for c in checks if c.get("warnings", 0) and c["id"] not in failed)
    passed = sorted(c["id"] for c in checks if c["id"] not in failed and c["id"] not in warned)
    result = "FAILED" if not report.get("ok") else "WARNED" if warned else "PASSED"
    configuration: list[dict[str, Any]] = [{"name": "corpus-audit", "uri": f"pkg:pypi/corpus-audit@{__version__}"}]
    for name in CONFIGURATION:
        digest = _sha256_beneath(corpus, name)
        if digest is not None:
            configuration.append({"name": name, "digest": {"sha256": digest}})
    index = _sha256_beneath(corpus, INDEX_NAME)
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": INDEX_NAME, "digest": {"sha256": index}},
            {"name": PIN_SUBJECT, "digest": {"sha256": pin.digest}},
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "result": result,
            "configuration": configuration,
            "passedTests": passed,
            "warnedTests": warned,
            "failedTests": failed,
        },
    }


def _sha256_beneath(corpus: Path, name: str) -> str | None:
    """The sha256 of the corpus's metadata file `name` (None when absent), opened as every metadata
    file is: no link followed, no FIFO waited on (a ManifestError naming it otherwise)."""
    handle = open_metadata(corpus, name)
    if handle is None:
        return None
    with handle:
        digest = hashlib.sha256()
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
        return digest.hexdigest()


def generate_keys(prefix: Path) -> tuple[Path, Path]:
    """An ed25519 key pair: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (PEM); never overwrites."""

    private, public = prefix.with_name(prefix.name + ".key"), prefix.with_name(prefix.name + ".pub")
    for path in (private, public):
        if os.path.lexists(path):
            raise UsageError(f"{path}: exists; choose another prefix or remove it")
    signer = CryptoSigner.generate_ed25519()
    pem = signer.private_bytes
    key = serialization.load_pem_private_key(pem, password=None)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    prefix.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    public.write_bytes(public_pem)
    return private, public


def sign(document: Mapping[str, Any], key: Path) -> dict[str, Any]:
    """`document` as a DSSE envelope signed with the ed25519 private key in `key` (PEM)."""

    signer = CryptoSigner(_private_key(key))
    envelope = Envelope(_canonical(document), PAYLOAD_TYPE, {})
    envelope.sign(signer)
    result: dict[str, Any] = dict(envelope.to_dict())
    return result


def verify_attestation(attestation: Path, corpus: Path, *, public: Path) -> dict[str, Any]:
    """The statement in `attestation` once every check holds; AttestationError naming the first that fails.

    The envelope's signature must verify with `public` (securesystemslib's verifier), the statement
    must be an in-toto Statement v1 with the test-result predicate, INDEX.md must be the attested
    bytes, the pin INDEX.md's rows make the attested pin, and every file must match INDEX.md.
    """

    key = _public_key(public)
    data = _json(attestation)
    if not isinstance(data, dict) or "payload" not in data or "signatures" not in data:
        raise AttestationError(f"{attestation}: not a DSSE envelope (no payload and signatures): sign it with --key")
    try:
        envelope = Envelope.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise AttestationError(f"{attestation}: not a DSSE envelope ({exc})") from None
    if envelope.payload_type != PAYLOAD_TYPE:
        raise AttestationError(f"{attestation}: payload type {envelope.payload_type!r}, expected {PAYLOAD_TYPE!r}")
    try:
        envelope.verify([key], 1)
    except VerificationError as exc:
        raise AttestationError(f"{attestation}: the signature does not verify with {public} ({exc})") from None
    try:
        document = json.loads(envelope.payload)
    except ValueError:
        raise AttestationError(f"{attestation}: the signed payload is not JSON") from None
    _check_statement(document, where=str(attestation))
    subjects = {s.get("name"): s.get("digest", {}).get("sha256") for s in document["subject"]}
    index = _sha256_beneath(corpus, INDEX_NAME)
    if subjects.get(INDEX_NAME) != index:
        raise AttestationError(f"{corpus}/{INDEX_NAME}: not the attested bytes (sha256 {str(index)[:16]}…)")
    pin = read_manifest(corpus).expected_pin().digest
    if subjects.get(PIN_SUBJECT) != pin:
        raise AttestationError(f"{corpus}: corpus pin {pin[:16]}… is not the attested one")
    fixity = verify_fixity(corpus)
    if not fixity.ok:
        first = fixity.failures[0]
        raise AttestationError(f"{first.file or corpus}: {first.message} (the corpus no longer matches INDEX.md)")
    attested: dict[str, Any] = document
    return attested


def _check_statement(document: Any, *, where: str) -> None:
    if not isinstance(document, dict) or document.get("_type") != STATEMENT_TYPE:
        raise AttestationError(f"{where}: not an in-toto Statement v1 (_type {_type_of(document)!r})")
    if document.get("predicateType") != PREDICATE_TYPE:
        raise AttestationError(f"{where}: predicate type {document.get('predicateType')!r}, expected {PREDICATE_TYPE}")
    subject = document.get("subject")
    if not isinstance(subject, list) or not all(isinstance(s, dict) for s in subject):
        raise AttestationError(f"{where}: the statement's subject is not a list of resource descriptors")
    predicate = document.get("predicate")
    if not isinstance(predicate, dict) or predicate.get("result") not in ("PASSED", "WARNED", "FAILED"):
        raise AttestationError(f"{where}: the test-result predicate has no result PASSED, WARNED or FAILED")


def _type_of(document: Any) -> Any:
    return document.get("_type") if isinstance(document, dict) else type(document).__name__


def _canonical(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError:
        raise AttestationError(f"{path}: not JSON") from None


def _private_key(path: Path) -> Ed25519PrivateKey:
    key = _pem(
        path, lambda data: serialization.load_pem_private_key(data, password=None), "an unencrypted PEM private key"
    )
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{path}: a {type(key).__name__}, not an ed25519 key: make one with `corpus-audit keygen`")
    return key


def _public_key(path: Path) -> SSlibKey:
    key = _pem(path, serialization.load_pem_public_key, "a PEM public key")
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"{path}: a {type(key).__name__}, not an ed25519 public key")
    return SSlibKey.from_crypto(key)


def _pem(path: Path, load: Callable[[bytes], Any], what: str) -> Any:
    """The key `load` reads from `path`; a one-line UsageError when it cannot be read or is not `what`."""
    try:
        return load(path.read_bytes())
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise UsageError(f"{path}: not {what} ({exc})") from None
