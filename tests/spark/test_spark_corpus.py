"""Spark's fixity and tables equal the local backend's, on every named corpus and on hostile ones."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from expectations.columns import ARTICLES, PARAGRAPHS, VALIDATED
from provenance.audit.policy import read_policy
from provenance.errors import ManifestError
from provenance.fixity.verify import FixityReport, verify_fixity
from provenance.parsing.corpus import iter_batches
from provenance.parsing.tables import arrow_schema
from provenance.spark.corpus import TODO_CHUNK, SparkTables, read_corpus

REPO = Path(__file__).resolve().parents[2]
RESOURCES = REPO / "tests" / "resources"
SHAPES = RESOURCES / "real-shapes"
#: Every corpus the repository holds: each folder of tests/resources with an INDEX.md (real-shapes'
#: six included), and seeds/.
CORPORA = [
    *sorted(p.parent for p in [*RESOURCES.glob("*/INDEX.md"), *SHAPES.glob("*/INDEX.md")]),
    REPO / "seeds",
]
SECRET = b"TOP-SECRET-BYTES-OUTSIDE-THE-CORPUS"


def _name(path: Path) -> str:
    return str(path.relative_to(REPO))


def local_tables(corpus: Path, *, lean: bool = False, max_bytes: int | None = None) -> tuple[pa.Table, pa.Table]:
    """parse_corpus's tables (its batches), as Arrow."""
    settings = read_policy(corpus).settings
    options: dict[str, Any] = {"max_bytes": max_bytes} if max_bytes else {}
    batches = list(iter_batches(corpus, lean=lean, settings=settings, **options))
    lines = VALIDATED["paragraphs"] if lean else PARAGRAPHS
    return (
        pa.Table.from_batches([b.articles for b in batches], schema=arrow_schema(ARTICLES)),
        pa.Table.from_batches([b.paragraphs for b in batches], schema=arrow_schema(lines)),
    )


def spark_tables(tables: SparkTables, *, lean: bool = False) -> tuple[pa.Table, pa.Table]:
    """The Spark DataFrames, collected as Arrow with the catalogue's schema."""
    lines = VALIDATED["paragraphs"] if lean else PARAGRAPHS
    return (
        tables.articles.toArrow().cast(arrow_schema(ARTICLES)),
        tables.paragraphs.toArrow().cast(arrow_schema(lines)),
    )


def assert_same_tables(got: tuple[pa.Table, pa.Table], want: tuple[pa.Table, pa.Table]) -> None:
    for mine, theirs, name in zip(got, want, ("articles", "paragraphs"), strict=True):
        assert mine.num_rows == theirs.num_rows, name
        for column in theirs.column_names:
            assert mine.column(column).equals(theirs.column(column)), (name, column)
        assert mine.equals(theirs), name


def fixity_document(report: FixityReport) -> dict[str, Any]:
    """verify --format json's document, with every result, passed or failed."""
    return report.document()


@pytest.mark.parametrize("corpus", CORPORA, ids=_name)
def test_spark_fixity_equals_verify_fixity_on_every_corpus(spark: Any, corpus: Path) -> None:
    """Fixity on the executors gives verify's report, result for result, on every named corpus."""
    tables = read_corpus(spark, corpus, settings=read_policy(corpus).settings)
    try:
        assert fixity_document(tables.fixity) == fixity_document(verify_fixity(corpus))
        assert tables.fixity.ok
    finally:
        tables.release()


@pytest.mark.parametrize("lean", [False, True], ids=["whole", "lean"])
@pytest.mark.parametrize("corpus", CORPORA, ids=_name)
def test_spark_tables_equal_parse_corpus_on_every_corpus(spark: Any, corpus: Path, lean: bool) -> None:
    """The articles and paragraphs tables Spark builds are parse_corpus's, value for value, in order."""
    tables = read_corpus(spark, corpus, settings=read_policy(corpus).settings, lean=lean)
    try:
        assert_same_tables(spark_tables(tables, lean=lean), local_tables(corpus, lean=lean))
    finally:
        tables.release()


def store_uri(spark: Any, folder: Path) -> str:
    """`folder` as a store Spark reads through Hadoop (a viewfs:// mount of it, as hdfs:// or s3a://
    would be: listed by Hadoop's FileSystem and read by binaryFile), under a name of its own."""
    table = "t" + _sha(str(folder).encode())[:16]
    spark._jsc.hadoopConfiguration().set(f"fs.viewfs.mounttable.{table}.link./corpus", folder.as_uri())
    return f"viewfs://{table}/corpus"


@pytest.mark.parametrize("corpus", CORPORA, ids=_name)
def test_a_corpus_on_a_store_is_read_by_spark_with_the_same_results(spark: Any, corpus: Path) -> None:
    """Given as a store's URI (listed by Hadoop, read by binaryFile), the same tables and fixity
    results (the corpus's path is the URI's)."""
    uri = store_uri(spark, corpus)
    tables = read_corpus(spark, uri, settings=read_policy(corpus).settings)
    try:
        assert_same_tables(spark_tables(tables), local_tables(corpus))
        got, want = fixity_document(tables.fixity), fixity_document(verify_fixity(corpus))
        assert got["corpus"].pop("path") == uri
        want["corpus"].pop("path")
        assert got == want
    finally:
        tables.release()


def _hidden_and_empty(corpus: Path) -> None:
    """Files Spark's own listing never yields: names starting with "_" (listed, unlisted, in a
    folder of such a name, over the size limit) and empty files (listed, unlisted)."""
    index = (corpus / "INDEX.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if "a.txt" in line)
    (corpus / "_a.txt").write_bytes((corpus / "a.txt").read_bytes())
    (corpus / "_empty-listed.txt").write_bytes(b"")
    empty = f"| `_empty-listed.txt` | {_sha(b'')} | 0 |"
    extra = [row.replace("a.txt", "_a.txt"), empty, row.replace("a.txt", "_gone.txt")]
    (corpus / "INDEX.md").write_text(index.replace(row, "\n".join([row, *extra])), encoding="utf-8")
    (corpus / "_unlisted.txt").write_text("نص مخفي غير مدرج\n", encoding="utf-8")
    (corpus / "_big.txt").write_text("كبير " * 200, encoding="utf-8")
    (corpus / "_folder").mkdir()
    (corpus / "_folder" / "in-hidden.txt").write_text("x", encoding="utf-8")
    (corpus / "empty-unlisted.txt").write_bytes(b"")
    (corpus / "with space ._COPYING_").write_text("y", encoding="utf-8")


def test_names_spark_hides_and_empty_files_on_a_store_are_judged_as_locally(spark: Any, tmp_path: Path) -> None:
    """binaryFile never yields names starting with "_" nor empty files; through Hadoop's listing
    each is judged as the local walk judges it: listed ones hashed and parsed, unlisted ones
    reported, a listed one that is not there missing."""
    corpus = tmp_path / "c"
    shutil.copytree(RESOURCES / "fixity-clean", corpus)
    _hidden_and_empty(corpus)
    tables = read_corpus(spark, store_uri(spark, corpus), max_bytes=400)
    try:
        got, want = fixity_document(tables.fixity), fixity_document(verify_fixity(corpus))
        got["corpus"].pop("path"), want["corpus"].pop("path")
        assert got == want
        failed = {(r["file"], r["check"]) for r in got["results"] if r["status"] == "failed"}
        for name in ("_unlisted.txt", "_big.txt", "_folder/in-hidden.txt", "empty-unlisted.txt"):
            assert (name, "fixity.listed") in failed, failed
        assert ("_gone.txt", "fixity.present") in failed
        assert not {f for f in failed if f[0] in ("_a.txt", "_empty-listed.txt")}, failed  # hashed, and equal
        assert_same_tables(spark_tables(tables), local_tables(corpus, max_bytes=400))
    finally:
        tables.release()


def test_a_file_uri_is_the_local_folder_with_the_walks_rules(spark: Any, tmp_path: Path) -> None:
    """A file: URI is audited as the folder it names: the local walk's results (a link to a file
    outside not followed, a FIFO not opened), with the folder's path, never the outside bytes."""
    corpus, outside = tmp_path / "c d", tmp_path / "outside"
    shutil.copytree(RESOURCES / "fixity-clean", corpus)
    outside.mkdir()
    _break(corpus, outside)
    _listed_hostile(corpus, outside)
    # As Hadoop reads a file: URI, "%20" is those three characters: the space is written as it is.
    for uri in ("file://" + str(corpus), "file:" + str(corpus), "file://localhost" + str(corpus)):
        tables = read_corpus(spark, uri, max_bytes=400)
        try:
            got = fixity_document(tables.fixity)
            assert got == fixity_document(verify_fixity(corpus))
            remote = spark_tables(tables)
            assert_same_tables(remote, local_tables(corpus, max_bytes=400))
            assert SECRET.decode() not in json.dumps(got, ensure_ascii=False) + str(remote[0].to_pylist())
        finally:
            tables.release()


def test_a_corpus_with_no_index_parses_every_file_as_parse_does(spark: Any, tmp_path: Path) -> None:
    """Without INDEX.md, parse reads every payload file; validate's fixity is a ManifestError, as locally."""
    corpus = tmp_path / "c"
    shutil.copytree(RESOURCES / "parse-layouts", corpus)
    (corpus / "INDEX.md").unlink()
    tables = read_corpus(spark, corpus, require_index=False)
    try:
        assert_same_tables(spark_tables(tables), local_tables(corpus))
    finally:
        tables.release()
    with pytest.raises(ManifestError) as local:
        verify_fixity(corpus)
    with pytest.raises(ManifestError) as remote:
        read_corpus(spark, corpus)
    assert remote.value.lines() == local.value.lines()


def _break(corpus: Path, outside: Path) -> None:
    """Every hostile entry the local walk knows, in one corpus."""
    secret = outside / "secret.txt"
    secret.write_bytes(SECRET)
    (corpus / "a.txt").write_bytes((corpus / "a.txt").read_bytes() + b"\nappended")  # sha256 and bytes differ
    (corpus / "2022" / "b.txt").unlink()  # listed, missing
    (corpus / "unlisted.txt").write_text("نص غير مدرج\n", encoding="utf-8")
    (corpus / "empty-unlisted.txt").write_bytes(b"")
    (corpus / "link.txt").symlink_to(secret)  # unlisted link to a file outside
    (corpus / "linkdir").symlink_to(outside, target_is_directory=True)
    os.mkfifo(corpus / "fifo.txt")
    (corpus / "bad\nname.txt").write_text("x", encoding="utf-8")
    (corpus / "big.txt").write_text("كبير " * 200, encoding="utf-8")


def _listed_hostile(corpus: Path, outside: Path) -> None:
    """Listed entries that are not regular files: INDEX.md names a link, a FIFO and a folder."""
    index = (corpus / "INDEX.md").read_text(encoding="utf-8")
    row = next(line for line in index.splitlines() if "a.txt" in line)
    extra = [row.replace("a.txt", name) for name in ("listed-link.txt", "listed-fifo.txt", "listed-dir.txt")]
    (corpus / "INDEX.md").write_text(index.replace(row, "\n".join([row, *extra])), encoding="utf-8")
    (corpus / "listed-link.txt").symlink_to(outside / "secret.txt")
    os.mkfifo(corpus / "listed-fifo.txt")
    (corpus / "listed-dir.txt").mkdir()


@pytest.mark.parametrize("chunk", [TODO_CHUNK, 2], ids=["one-chunk", "chunks-of-2"])
@pytest.mark.parametrize("listed", [False, True], ids=["unlisted", "listed"])
def test_hostile_entries_give_the_local_findings_and_no_byte_of_a_link_is_read(
    spark: Any, tmp_path: Path, listed: bool, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tampered, missing, unlisted, linked, FIFO, unsafe-named and too-large files: the same fixity
    results and tables as the local backend, no hang, and the linked file's bytes nowhere; also
    when the driver builds the executors' work list 2 files at a time (hashed, listed-only and
    unlisted files then fall in different chunks)."""
    monkeypatch.setattr("provenance.spark.corpus.TODO_CHUNK", chunk)
    corpus, outside = tmp_path / "c", tmp_path / "outside"
    shutil.copytree(RESOURCES / "fixity-clean", corpus)
    outside.mkdir()
    _break(corpus, outside)
    if listed:
        _listed_hostile(corpus, outside)
    tables = read_corpus(spark, corpus, max_bytes=400)
    try:
        got = fixity_document(tables.fixity)
        assert got == fixity_document(verify_fixity(corpus))
        checks = {(r["file"], r["check"]) for r in got["results"] if r["status"] == "failed"}
        assert ("link.txt", "fixity.regular_file") in checks and ("fifo.txt", "fixity.regular_file") in checks
        assert ("a.txt", "fixity.sha256") in checks and ("2022/b.txt", "fixity.present") in checks
        assert any(check == "fixity.unsafe_name" for _, check in checks)
        local = local_tables(corpus, max_bytes=400)
        remote = spark_tables(tables)
        assert_same_tables(remote, local)
        seen = json.dumps(got, ensure_ascii=False) + str(remote[0].to_pylist()) + str(remote[1].to_pylist())
        assert SECRET.decode() not in seen
        assert len(tables.read.where("file like '%secret%' or sha256 = '" + _sha(SECRET) + "'").collect()) == 0
    finally:
        tables.release()


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_a_file_over_the_limit_is_hashed_whole_but_never_parsed(spark: Any, corpus: Callable[[str], Path]) -> None:
    """Fixity hashes every byte of a file over --max-article-bytes; the parser gets text.too_large."""
    root = corpus("fixity-clean")
    tables = read_corpus(spark, root, max_bytes=10)
    try:
        assert tables.fixity.ok
        rows = {r.file: r.parse_errors for r in tables.articles.select("file", "parse_errors").collect()}
        assert all(problem.startswith("text.too_large") for problem in rows.values()), rows
        assert_same_tables(spark_tables(tables), local_tables(root, max_bytes=10))
    finally:
        tables.release()


def test_the_tables_are_read_in_a_few_tasks_a_core_however_many_the_pass_ran(
    spark: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pass reads files in many small tasks; a job over the tables (each check is one or more)
    runs a few per core, or a million-file corpus makes every job start thousands of tasks."""
    from benchmarks.generate import article_corpus
    from provenance.spark import corpus as spark_corpus

    root = article_corpus(tmp_path / "corpus", files=48, defect_rate=0.1)
    monkeypatch.setattr(spark_corpus, "FILES_PER_PARTITION", 1)
    context = spark.sparkContext
    tables = read_corpus(spark, root)
    try:
        assert tables.read.rdd.getNumPartitions() == 48  # one file a task: the pass's own granularity
        context.setJobGroup("tables-tasks", "the tables' jobs")
        try:
            got = spark_tables(tables)
        finally:
            context.setJobGroup("", "")
        tracker = context.statusTracker()
        jobs = [tracker.getJobInfo(job) for job in tracker.getJobIdsForGroup("tables-tasks")]
        tasks = [tracker.getStageInfo(stage).numTasks for job in jobs if job for stage in job.stageIds]
        assert tasks, "no job ran in the group"
        assert max(tasks) <= context.defaultParallelism * spark_corpus.TASKS_PER_CORE, tasks
        assert_same_tables(got, local_tables(root))
    finally:
        tables.release()
