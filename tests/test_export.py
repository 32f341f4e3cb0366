"""`corpus-audit export`: every format proved by its own tool (`sha256sum -c`, the bagit library's
validator, corpus-audit verify on the bag's payload, `frictionless validate`, `mlcroissant validate`
and mlcroissant's record loader), and bad input refused with nothing left behind."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import bagit
import frictionless
import mlcroissant
import pytest

from expectations.columns import ARTICLES, PARAGRAPHS
from provenance import api
from provenance._cli import main
from provenance.errors import ExportRefusedError
from provenance.export import ExportPlan
from provenance.manifest.reader import read_manifest
from provenance.parsing.corpus import parse_corpus

RESOURCES = Path(__file__).parent / "resources"
SEEDS = Path(__file__).parent.parent / "seeds"
TODAY = date(2026, 12, 4)


def _odd_names(root: Path) -> Path:
    """A corpus with nested folders, spaces and Arabic in its names, and a WAIVERS.md."""
    corpus = root / "odd"
    (corpus / "2024" / "01").mkdir(parents=True)
    shutil.copyfile(SEEDS / "000_351c3a7ca37fd0ed.txt", corpus / "2024" / "01" / "خبر a b.txt")
    shutil.copyfile(SEEDS / "001_da717efd77834096.txt", corpus / "top.txt")
    shutil.copyfile(SEEDS / "WAIVERS.md", corpus / "WAIVERS.md")
    api.index(corpus)
    return corpus


def _copy(name: str, root: Path) -> Path:
    """A copy of a named corpus: the seeds, one of tests/resources, or "odd names"."""
    if name == "odd names":
        return _odd_names(root)
    source = SEEDS if name == "seeds" else RESOURCES / name
    return Path(shutil.copytree(source, root / name))


@pytest.fixture(params=["seeds", "fixity-clean", "invariants", "odd names"])
def corpus(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return _copy(request.param, tmp_path)


def test_the_listing_is_what_sha256sum_checks_and_what_the_pin_digests(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "corpus.sha256"
    exported = api.export(corpus, fmt="sha256sum", out=out)
    assert (exported.path, exported.files) == (out, len(read_manifest(corpus).rows))
    checked = subprocess.run(
        ["sha256sum", "--strict", "-c", str(out)], check=False, cwd=corpus, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert hashlib.sha256(out.read_bytes()).hexdigest() == read_manifest(corpus).expected_pin().digest
    first = corpus / read_manifest(corpus).rows[0].file
    first.write_bytes(first.read_bytes() + b"!")
    tampered = subprocess.run(["sha256sum", "--quiet", "-c", str(out)], check=False, cwd=corpus, capture_output=True)
    assert tampered.returncode == 1


@pytest.mark.parametrize("link", [False, True])
def test_the_bag_is_valid_by_bagits_own_validator(corpus: Path, tmp_path: Path, link: bool) -> None:
    out = tmp_path / "bag"
    api.export(corpus, fmt="bagit", out=out, link=link, today=TODAY)
    bag = bagit.Bag(str(out))
    bag.validate()  # every manifest digest, the tag manifest and Payload-Oxum
    assert bag.info["Bagging-Date"] == TODAY.isoformat()
    pin = read_manifest(corpus).expected_pin()
    assert bag.info["Corpus-Pin"] == f"{pin.files} files, {pin.bytes} bytes, sha256 {pin.digest}"
    assert main(["verify", str(out / "data"), "--strict", "--jobs", "1"]) == 0  # the payload is the corpus
    row = read_manifest(corpus).rows[0]
    assert ((out / "data" / row.file).stat().st_ino == (corpus / row.file).stat().st_ino) is link
    payload = out / "data" / row.file
    if link:  # a hard link shares its bytes with the corpus: break it before tampering
        data = payload.read_bytes()
        payload.unlink()
        payload.write_bytes(data)
    payload.write_bytes(payload.read_bytes() + b"!")
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(out)).validate()
    assert (corpus / row.file).read_bytes() != payload.read_bytes()  # the corpus was never touched


@pytest.mark.parametrize("fmt", ["bagit", "datapackage", "croissant"])
def test_the_same_corpus_and_day_give_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    corpus = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    first, second = tmp_path / "one", tmp_path / "two"
    api.export(corpus, fmt=fmt, out=first, today=TODAY)
    api.export(corpus, fmt=fmt, out=second, today=TODAY)
    names = sorted(p.relative_to(first) for p in first.rglob("*"))
    assert names == sorted(p.relative_to(second) for p in second.rglob("*"))
    assert all((first / n).read_bytes() == (second / n).read_bytes() for n in names if (first / n).is_file())


def _changed(corpus: Path) -> None:
    target = corpus / "000_351c3a7ca37fd0ed.txt"
    target.write_bytes(target.read_bytes() + b"\n")


def _symlinked(corpus: Path) -> None:
    target = corpus / "000_351c3a7ca37fd0ed.txt"
    target.unlink()
    target.symlink_to(SEEDS / "000_351c3a7ca37fd0ed.txt")


def _no_index(corpus: Path) -> None:
    (corpus / "INDEX.md").unlink()


def _fifo_policy(corpus: Path) -> None:
    os.mkfifo(corpus / "corpus-audit.toml")  # opened for reading, it would never answer


def _percent(corpus: Path) -> None:
    (corpus / "000_351c3a7ca37fd0ed.txt").rename(corpus / "a%20b.txt")
    api.index(corpus)


#: (what is wrong, how to make it, where OUT is, exit code, words the one-line error holds)
BAD = [
    ("a changed file", _changed, "out", 1, "fails fixity"),
    ("a symbolic link", _symlinked, "out", 1, "fails fixity"),
    ("no INDEX.md", _no_index, "out", 2, "INDEX.md"),
    ("corpus-audit.toml a FIFO", _fifo_policy, "out", 2, "corpus-audit.toml"),
    ("OUT not empty", None, "full", 2, "exists and is not an empty folder"),
    ("OUT a file", None, "file", 2, "exists and is not an empty folder"),
    ("OUT inside the corpus", None, "inside", 2, "inside the corpus"),
]


@pytest.mark.parametrize("fmt", ["sha256sum", "bagit", "datapackage", "croissant"])
@pytest.mark.parametrize(("case", "make", "where", "code", "words"), BAD, ids=[case[0] for case in BAD])
def test_bad_input_is_one_line_an_exit_code_and_nothing_left_behind(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fmt: str,
    case: str,
    make: object,
    where: str,
    code: int,
    words: str,
) -> None:
    del case
    corpus = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    if callable(make):
        make(corpus)
    parent = tmp_path / "exports"
    parent.mkdir()
    (parent / "full").mkdir()
    (parent / "full" / "keep.txt").write_text("mine", encoding="utf-8")
    (parent / "file").write_text("mine", encoding="utf-8")
    out = corpus / "bag" if where == "inside" else parent / where
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    capsys.readouterr()
    assert main(["export", str(corpus), "--format", fmt, "--out", str(out), "--jobs", "1"]) == code
    err = capsys.readouterr().err
    assert len(err.splitlines()) >= 1 and words in err.splitlines()[0] and "Traceback" not in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written, no staging


def test_a_percent_sign_in_a_name_is_refused_for_a_bag_and_listed_by_sha256sum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RFC 8493 encodes "%" as "%25" and bagit-python does not decode it: no bag some tool misreads."""
    corpus = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    _percent(corpus)
    assert main(["export", str(corpus), "--format", "bagit", "--out", str(tmp_path / "bag")]) == 2
    assert "a%20b.txt: a '%' in a file name is read differently by BagIt tools" in capsys.readouterr().err
    assert not (tmp_path / "bag").exists()
    assert main(["export", str(corpus), "--format", "sha256sum", "--out", str(tmp_path / "sums")]) == 0
    checked = subprocess.run(["sha256sum", "-c", str(tmp_path / "sums")], check=False, cwd=corpus, capture_output=True)
    assert checked.returncode == 0


@pytest.fixture(params=["seeds", "invariants", "parse-bad", "odd names"])
def parsed_corpus(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return _copy(request.param, tmp_path)


def _frictionless(descriptor: Path) -> list[str]:
    """The error types `frictionless validate` reports for a package (empty: valid)."""
    report = frictionless.validate(str(descriptor))
    return [error.type for task in report.tasks for error in task.errors]


def test_the_data_package_is_valid_by_frictionless(parsed_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "package"
    api.export(parsed_corpus, fmt="datapackage", out=out, today=TODAY)
    descriptor = out / "datapackage.json"
    assert _frictionless(descriptor) == []
    package = json.loads(descriptor.read_text(encoding="utf-8"))
    files = [r for r in package["resources"] if r["type"] == "file"]
    assert [r["title"] for r in files] == [row.file for row in read_manifest(parsed_corpus).rows]
    tables = {
        r["name"]: [f["name"] for f in r["schema"]["fields"]] for r in package["resources"] if r["type"] == "table"
    }
    assert tables == {"articles": [c.name for c in ARTICLES], "paragraphs": [c.name for c in PARAGRAPHS]}
    wrong = json.loads(descriptor.read_text(encoding="utf-8"))
    wrong["resources"][0]["hash"] = "sha256:" + "0" * 64
    descriptor.write_text(json.dumps(wrong), encoding="utf-8")
    assert _frictionless(descriptor) == ["hash-count"]
    descriptor.write_text(json.dumps(package), encoding="utf-8")
    payload = out / files[-1]["path"]
    payload.write_bytes(payload.read_bytes() + b"!")
    assert set(_frictionless(descriptor)) == {"hash-count", "byte-count"}


MLCROISSANT = Path(sys.executable).parent / "mlcroissant"


def _mlcroissant_validate(metadata: Path) -> subprocess.CompletedProcess[str]:
    """`mlcroissant validate --jsonld`, the format's own command-line validator."""
    return subprocess.run(
        [str(MLCROISSANT), "validate", "--jsonld", str(metadata)], check=False, capture_output=True, text=True
    )


def _text(value: object) -> str | None:
    """A Text field as mlcroissant gives it (bytes), as a string."""
    return value.decode("utf-8") if isinstance(value, bytes) else None


def test_the_croissant_dataset_is_valid_by_mlcroissant_and_loads_the_parsed_tables(
    parsed_corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "croissant"
    api.export(parsed_corpus, fmt="croissant", out=out, today=TODAY)
    metadata = out / "metadata.json"
    checked = _mlcroissant_validate(metadata)
    assert checked.returncode == 0, checked.stderr
    assert "warning" not in checked.stderr.lower(), checked.stderr  # license, citeAs, version: none missing
    rows = read_manifest(parsed_corpus).rows
    tables = parse_corpus(parsed_corpus)
    dataset = mlcroissant.Dataset(jsonld=str(metadata))
    assert [_text(r["files/path"]) for r in dataset.records("files")] == sorted(f"data/{row.file}" for row in rows)
    articles = list(dataset.records("articles"))
    assert [(_text(r["articles/file"]), _text(r["articles/sha256"]), r["articles/bytes"]) for r in articles] == [
        (row.file, row.sha256, row.bytes) for row in sorted(rows, key=lambda row: row.file)
    ]
    expected = tables.articles.sort_values("file")
    assert [r["articles/paragraph_count"] for r in articles] == expected["paragraph_count"].tolist()
    assert [r["articles/parse_error_count"] for r in articles] == expected["parse_error_count"].tolist()
    paragraphs = list(dataset.records("paragraphs"))
    assert len(paragraphs) == len(tables.paragraphs)
    assert sorted(
        (_text(r["paragraphs/file"]), r["paragraphs/index"], _text(r["paragraphs/role"])) for r in paragraphs
    ) == sorted(zip(tables.paragraphs["file"], tables.paragraphs["index"], tables.paragraphs["role"], strict=True))
    described = json.loads(metadata.read_text(encoding="utf-8"))
    assert described["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert described["datePublished"] == TODAY.isoformat()
    fields = {r["@id"]: [f["name"] for f in r["field"]] for r in described["recordSet"]}
    assert fields == {
        "files": ["path"],
        "articles": [c.name for c in ARTICLES],
        "paragraphs": [c.name for c in PARAGRAPHS],
    }
    assert main(["verify", str(out / "data"), "--strict", "--jobs", "1"]) == 0  # data/ is the corpus


def test_the_article_fileset_takes_every_article_and_no_metadata_file(tmp_path: Path) -> None:
    """Root articles whose suffix a metadata file shares (.md, .toml) or with none are named one by one."""
    corpus = Path(shutil.copytree(SEEDS, tmp_path / "seeds"))
    (corpus / "notes.md").write_text("ملاحظة\n", encoding="utf-8")
    (corpus / "plain").write_text("نص\n", encoding="utf-8")
    (corpus / "wire").mkdir()
    (corpus / "wire" / "INDEX.md").write_text("خبر\n", encoding="utf-8")  # an article, in a folder
    api.index(corpus)
    out = tmp_path / "croissant"
    api.export(corpus, fmt="croissant", out=out, today=TODAY)
    files = mlcroissant.Dataset(jsonld=str(out / "metadata.json")).records("files")
    assert [_text(r["files/path"]) for r in files] == sorted(f"data/{row.file}" for row in read_manifest(corpus).rows)
    assert {"INDEX.md", "WAIVERS.md"} <= {p.name for p in (out / "data").iterdir()}


def _tamper_table(out: Path) -> str:
    table = out / "tables" / "articles.csv"
    table.write_bytes(table.read_bytes().replace(b"utf-8", b"utf-9", 1))
    return "articles"


def _wrong_table_hash(out: Path) -> str:
    metadata = out / "metadata.json"
    described = json.loads(metadata.read_text(encoding="utf-8"))
    table = next(d for d in described["distribution"] if d["@id"] == "paragraphs.csv")
    table["sha256"] = "0" * 64
    metadata.write_text(json.dumps(described), encoding="utf-8")
    return "paragraphs"


@pytest.mark.parametrize("tamper", [_tamper_table, _wrong_table_hash], ids=["a changed byte", "a wrong sha256"])
def test_mlcroissant_refuses_to_load_a_table_whose_bytes_do_not_match_its_sha256(
    tmp_path: Path, tamper: object
) -> None:
    out = tmp_path / "croissant"
    api.export(Path(shutil.copytree(SEEDS, tmp_path / "seeds")), fmt="croissant", out=out, today=TODAY)
    assert callable(tamper)
    record_set = tamper(out)
    with pytest.raises(mlcroissant.GenerationError):
        list(mlcroissant.Dataset(jsonld=str(out / "metadata.json")).records(record_set))


def test_a_changed_article_is_caught_by_verify_on_data_not_by_mlcroissant(tmp_path: Path) -> None:
    """mlcroissant hashes FileObjects only, never a FileSet's files: INDEX.md in data/ guards the articles."""
    out = tmp_path / "croissant"
    api.export(Path(shutil.copytree(SEEDS, tmp_path / "seeds")), fmt="croissant", out=out, today=TODAY)
    article = out / "data" / "000_351c3a7ca37fd0ed.txt"
    article.write_bytes(article.read_bytes() + b"!")
    assert main(["verify", str(out / "data"), "--strict", "--jobs", "1"]) == 1
    index = out / "data" / "INDEX.md"
    index.write_bytes(index.read_bytes() + b"\n")  # and INDEX.md itself is a FileObject with its sha256
    described = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    pinned = next(d for d in described["distribution"] if d["@id"] == "INDEX.md")
    assert pinned["sha256"] != hashlib.sha256(index.read_bytes()).hexdigest()


def test_a_croissant_file_that_breaks_the_format_fails_mlcroissant_validate(tmp_path: Path) -> None:
    out = tmp_path / "croissant"
    api.export(Path(shutil.copytree(SEEDS, tmp_path / "seeds")), fmt="croissant", out=out, today=TODAY)
    metadata = out / "metadata.json"
    described = json.loads(metadata.read_text(encoding="utf-8"))
    described["distribution"] = [d for d in described["distribution"] if d["@id"] != "articles.csv"]
    metadata.write_text(json.dumps(described), encoding="utf-8")
    checked = _mlcroissant_validate(metadata)
    assert checked.returncode == 1 and "articles.csv" in checked.stderr, checked.stderr


@pytest.mark.parametrize("link", [False, True])
@pytest.mark.parametrize("swap", ["fifo", "symlink", "linked folder"])
def test_a_file_swapped_after_fixity_is_refused_not_followed_or_waited_on(
    tmp_path: Path, link: bool, swap: str
) -> None:
    """Between fixity and the copy a payload file becomes a FIFO, a link, or sits under a linked folder."""
    corpus = _odd_names(tmp_path)
    manifest = read_manifest(corpus)
    row = next(r for r in manifest.rows if "/" in r.file)
    path = corpus / row.file
    path.unlink()
    if swap == "fifo":
        os.mkfifo(path)
    elif swap == "symlink":
        path.symlink_to(SEEDS / "000_351c3a7ca37fd0ed.txt")
    else:
        outside = tmp_path / "outside"
        shutil.move(str(path.parent), outside)
        shutil.copyfile(SEEDS / "000_351c3a7ca37fd0ed.txt", outside / path.name)
        path.parent.symlink_to(outside)
    plan = ExportPlan(corpus, manifest, manifest.expected_pin(), TODAY, link=link)
    with pytest.raises(ExportRefusedError):
        plan.copy(row, tmp_path / "copy" / row.file)
