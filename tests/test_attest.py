"""`attest`, `keygen` and `verify-attestation`: in-toto test-result statements in DSSE envelopes,
checked by securesystemslib's own verifier, and every way an attestation stops holding."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

from provenance._cli import main
from provenance.manifest.reader import read_manifest

SEEDS = Path(__file__).parent.parent / "seeds"
INVARIANTS = Path(__file__).parent / "resources" / "invariants"
RUN = ["--engine", "pandera", "--no-gx-docs", "--jobs", "1"]


def _audited(source: Path, work: Path) -> tuple[Path, Path]:
    corpus = Path(shutil.copytree(source, work / "corpus"))
    reports = work / "reports"
    assert main(["validate", str(corpus), "--report-dir", str(reports), *RUN]) in (0, 1)
    return corpus, reports


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A corpus, its signed attestation and the public key."""
    corpus, reports = _audited(SEEDS, tmp_path)
    assert main(["keygen", "--out", str(tmp_path / "k")]) == 0
    assert main(["attest", str(corpus), "--report-dir", str(reports), "--key", str(tmp_path / "k.key")]) == 0
    return corpus, reports / "attestation.intoto.json", tmp_path / "k.pub"


def _public(path: Path) -> SSlibKey:
    return SSlibKey.from_crypto(serialization.load_pem_public_key(path.read_bytes()))


def test_a_signed_attestation_verifies_with_securesystemslib_and_names_the_corpus(
    signed: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, attestation, public = signed
    envelope = Envelope.from_dict(json.loads(attestation.read_bytes()))
    assert envelope.payload_type == "application/vnd.in-toto+json"
    assert len(envelope.verify([_public(public)], 1)) == 1  # the library's own verifier
    statement = json.loads(envelope.payload)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://in-toto.io/attestation/test-result/v0.1"
    index = hashlib.sha256((corpus / "INDEX.md").read_bytes()).hexdigest()
    pin = read_manifest(corpus).expected_pin().digest
    assert statement["subject"] == [
        {"name": "INDEX.md", "digest": {"sha256": index}},
        {"name": "corpus-pin", "digest": {"sha256": pin}},
    ]
    predicate = statement["predicate"]
    assert predicate["result"] == "PASSED" and predicate["failedTests"] == [] and predicate["passedTests"]
    names = [c["name"] for c in predicate["configuration"]]
    assert names[0] == "corpus-audit" and "WAIVERS.md" in names
    waivers = next(c for c in predicate["configuration"] if c["name"] == "WAIVERS.md")
    assert waivers["digest"]["sha256"] == hashlib.sha256((corpus / "WAIVERS.md").read_bytes()).hexdigest()
    capsys.readouterr()
    assert main(["verify-attestation", str(attestation), str(corpus), "--pub", str(public)]) == 0
    assert "ok" in capsys.readouterr().out


def test_a_failing_audit_is_attested_as_failed_with_its_checks(tmp_path: Path) -> None:
    corpus, reports = _audited(INVARIANTS, tmp_path)
    assert main(["attest", str(corpus), "--report-dir", str(reports)]) == 0
    statement = json.loads((reports / "attestation.intoto.json").read_bytes())  # unsigned: the bare statement
    predicate = statement["predicate"]
    assert predicate["result"] == "FAILED"
    assert {"corpus.no_duplicate_articles", "article.published_valid"} <= set(predicate["failedTests"])
    assert not set(predicate["failedTests"]) & set(predicate["passedTests"])


def _flip_payload_byte(corpus: Path, attestation: Path, public: Path, tmp_path: Path) -> None:
    target = corpus / "000_351c3a7ca37fd0ed.txt"
    data = bytearray(target.read_bytes())
    data[100] ^= 1
    target.write_bytes(bytes(data))


def _reindexed(corpus: Path, attestation: Path, public: Path, tmp_path: Path) -> None:
    shutil.copyfile(corpus / "000_351c3a7ca37fd0ed.txt", corpus / "extra.txt")
    assert main(["index", str(corpus)]) == 0


def _edited_statement(corpus: Path, attestation: Path, public: Path, tmp_path: Path) -> None:
    envelope = json.loads(attestation.read_bytes())
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["result"] = "PASSED" if statement["predicate"]["result"] != "PASSED" else "FAILED"
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    attestation.write_text(json.dumps(envelope), encoding="utf-8")


def _other_key(corpus: Path, attestation: Path, public: Path, tmp_path: Path) -> None:
    assert main(["keygen", "--out", str(tmp_path / "other")]) == 0
    shutil.copyfile(tmp_path / "other.pub", public)


def _unsigned(corpus: Path, attestation: Path, public: Path, tmp_path: Path) -> None:
    envelope = json.loads(attestation.read_bytes())
    attestation.write_bytes(base64.b64decode(envelope["payload"]))


def _no_signatures(corpus: Path, attestation: Path, public: Path, tmp_path: Path) -> None:
    envelope = json.loads(attestation.read_bytes())
    envelope["signatures"] = []
    attestation.write_text(json.dumps(envelope), encoding="utf-8")


def _not_json(corpus: Path, attestation: Path, public: Path, tmp_path: Path) -> None:
    attestation.write_bytes(b"\x00not json")


Spoil = Callable[[Path, Path, Path, Path], None]
#: How an attestation stops holding, and words the one-line error holds.
BROKEN: dict[str, tuple[Spoil, str]] = {
    "a corpus file changed": (_flip_payload_byte, "no longer matches INDEX.md"),
    "INDEX.md changed": (_reindexed, "INDEX.md: not the attested bytes"),
    "the statement edited": (_edited_statement, "signature does not verify"),
    "another key": (_other_key, "signature does not verify"),
    "a bare statement": (_unsigned, "not a DSSE envelope"),
    "no signatures": (_no_signatures, "signature does not verify"),
    "not JSON": (_not_json, "not JSON"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_an_attestation_that_does_not_hold_is_exit_1_naming_why(
    signed: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    corpus, attestation, public = signed
    spoil, words = BROKEN[case]
    spoil(corpus, attestation, public, tmp_path)
    capsys.readouterr()
    assert main(["verify-attestation", str(attestation), str(corpus), "--pub", str(public)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and words in err[0] and "Traceback" not in err[0]


def _rsa_pem(path: Path, *, private: bool) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if private:
        data = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    else:
        data = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    path.write_bytes(data)
    return path


def test_bad_keys_and_inputs_are_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, reports = _audited(SEEDS, tmp_path)
    assert main(["keygen", "--out", str(tmp_path / "k")]) == 0
    garbage = tmp_path / "garbage.key"
    garbage.write_text("not a key", encoding="utf-8")
    cases = [
        (
            ["attest", str(corpus), "--report-dir", str(reports), "--key", str(tmp_path / "missing.key")],
            "cannot be read",
        ),
        (["attest", str(corpus), "--report-dir", str(reports), "--key", str(garbage)], "not an unencrypted PEM"),
        (
            [
                "attest",
                str(corpus),
                "--report-dir",
                str(reports),
                "--key",
                str(_rsa_pem(tmp_path / "r.key", private=True)),
            ],
            "not an ed25519 key",
        ),
        (["attest", str(corpus), "--report-dir", str(tmp_path / "none")], "audit.json: cannot be read"),
        (["keygen", "--out", str(tmp_path / "k")], "exists"),
    ]
    for argv, words in cases:
        capsys.readouterr()
        assert main(argv) == 2, argv
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and words in err[0], (argv, err)
    assert main(["attest", str(corpus), "--report-dir", str(reports), "--key", str(tmp_path / "k.key")]) == 0
    attestation = reports / "attestation.intoto.json"
    for public, words in (
        (tmp_path / "k.key", "not a PEM public key"),
        (_rsa_pem(tmp_path / "r.pub", private=False), "not an ed25519"),
    ):
        capsys.readouterr()
        assert main(["verify-attestation", str(attestation), str(corpus), "--pub", str(public)]) == 2
        assert words in capsys.readouterr().err


def test_a_report_of_other_bytes_is_not_attested(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus, reports = _audited(SEEDS, tmp_path)
    shutil.copyfile(corpus / "000_351c3a7ca37fd0ed.txt", corpus / "extra.txt")
    assert main(["index", str(corpus)]) == 0
    capsys.readouterr()
    assert main(["attest", str(corpus), "--report-dir", str(reports)]) == 1
    assert "run `corpus-audit validate` again" in capsys.readouterr().err
    assert not (reports / "attestation.intoto.json").exists()


def test_predicate_only_is_the_statements_predicate_for_actions_attest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, reports = _audited(SEEDS, tmp_path)
    assert main(["attest", str(corpus), "--report-dir", str(reports)]) == 0
    assert (
        main(["attest", str(corpus), "--report-dir", str(reports), "--predicate-only", "--out", str(tmp_path / "p")])
        == 0
    )
    statement = json.loads((reports / "attestation.intoto.json").read_bytes())
    assert json.loads((tmp_path / "p").read_bytes()) == statement["predicate"]
    assert main(["keygen", "--out", str(tmp_path / "k")]) == 0
    capsys.readouterr()
    argv = ["attest", str(corpus), "--report-dir", str(reports), "--predicate-only", "--key", str(tmp_path / "k.key")]
    assert main(argv) == 2
    assert "give no --key" in capsys.readouterr().err
