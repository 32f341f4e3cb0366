"""`corpus-audit parse` and parse_corpus: both tables, deterministic bytes, one bad file never stops the rest."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from expectations.columns import ARTICLES, PANDAS_DTYPES, PARAGRAPHS
from provenance._cli import main
from provenance.parsing import tables as tables_io
from provenance.parsing.corpus import parse_corpus

REPO = Path(__file__).parent.parent


def test_library_returns_typed_frames_without_writing(tmp_path: Path) -> None:
    """parse_corpus returns both DataFrames with the catalogue's columns and dtypes."""
    tables = parse_corpus(REPO / "seeds")
    assert list(tables.articles.columns) == [c.name for c in ARTICLES]
    assert list(tables.paragraphs.columns) == [c.name for c in PARAGRAPHS]
    for column in ARTICLES:
        assert str(tables.articles[column.name].dtype) == PANDAS_DTYPES[column.kind], column.name
    assert tables.articles["sha256"].tolist() == [
        "23d0a303badedb3964ffc29899a7c82227eaba79c817ea2fc80e2638f26fbe64",
        "807ac301b462bdbb74416c0c151382b9549ce7187ae68fdb9684c7a652641542",
    ]
    assert tables.articles["index_outlet"].tolist() == ["sputnik", "rt"]
    assert len(tables.paragraphs) == 14 + 20


def test_one_bad_file_never_stops_the_others(corpus: Callable[[str], Path]) -> None:
    """Every file of the bad-input corpus, and a listed file that vanished, gets its row."""
    root = corpus("parse-bad")
    (root / "nul.txt").unlink()
    articles = parse_corpus(root, jobs=2).articles
    assert len(articles) == 8
    vanished = articles.set_index("file").loc["nul.txt"]
    assert vanished["parse_errors"].startswith("text.unreadable:")


def _missing(path: Path) -> None:
    path.unlink()


def _symlink(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.with_name("empty.txt"))


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize(
    ("break_it", "reason"),
    [
        (_missing, "No such file or directory"),
        (_symlink, "symbolic link, not followed"),  # a link is never read through
        (_fifo, "not a regular file (FIFO, socket or device)"),  # opened without blocking, read never
        (_folder, "a folder"),
    ],
)
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_file_that_cannot_be_read_gets_its_row_and_the_rest_parse(
    corpus: Callable[[str], Path], break_it: Callable[[Path], None], reason: str, jobs: int
) -> None:
    """Each way a listed file can fail to open or read is recorded on its row; the batch goes on."""
    root = corpus("parse-bad")
    break_it(root / "nul.txt")
    articles = parse_corpus(root, jobs=jobs).articles.set_index("file")
    assert len(articles) == 8
    assert articles.loc["nul.txt", "parse_errors"] == f"text.unreadable: {reason}"
    assert articles.loc["nul.txt", "parse_error_count"] == 1
    assert articles.loc["future-date.txt", "title"]  # the files after it in the batch were parsed


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_output_is_byte_identical_whatever_the_jobs(tmp_path: Path, fmt: str) -> None:
    """The same corpus gives byte-identical files with one worker or two, run after run."""
    outputs = []
    for run, jobs in enumerate([1, 2, 2]):
        out = tmp_path / f"run{run}"
        assert (
            main(
                [
                    "parse",
                    str(REPO / "tests" / "resources" / "parse-layouts"),
                    "--out",
                    str(out),
                    "--format",
                    fmt,
                    "--jobs",
                    str(jobs),
                ]
            )
            == 0
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert sorted(outputs[0]) == [f"articles.{fmt}", f"paragraphs.{fmt}"]
    assert outputs[0] == outputs[1] == outputs[2]


def test_parquet_round_trips_the_frames(tmp_path: Path) -> None:
    """What parse writes reads back as the frames parse_corpus returns."""
    assert main(["parse", str(REPO / "seeds"), "--out", str(tmp_path)]) == 0
    expected = parse_corpus(REPO / "seeds")
    for name, frame in (("articles", expected.articles), ("paragraphs", expected.paragraphs)):
        table = pq.read_table(tmp_path / f"{name}.parquet")
        read = table.to_pandas(types_mapper=pd.ArrowDtype).astype({c: str(t) for c, t in frame.dtypes.items()})
        pd.testing.assert_frame_equal(read, frame, check_dtype=True)


def test_failed_write_leaves_old_outputs_and_no_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash half-way leaves the previous tables intact and no temporary files behind."""
    assert main(["parse", str(REPO / "seeds"), "--out", str(tmp_path)]) == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def boom(self: object, rows: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(tables_io._Sink, "write", boom)
    assert main(["parse", str(REPO / "seeds"), "--out", str(tmp_path)]) == 3
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize("failing", ["second sink", "writer"])
def test_a_sink_that_cannot_open_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, failing: str
) -> None:
    """A full disk while opening the outputs (the second table, or a writer) leaves no temporary file."""
    import pyarrow.csv as pacsv

    opened = 0
    real_init = tables_io._Sink.__init__

    def second_fails(self: tables_io._Sink, *args: object) -> None:
        nonlocal opened
        opened += 1
        if opened == 2:
            raise OSError(28, "No space left on device")
        real_init(self, *args)

    def writer_fails(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    if failing == "second sink":
        monkeypatch.setattr(tables_io._Sink, "__init__", second_fails)
    else:
        monkeypatch.setattr(pq, "ParquetWriter", writer_fails)
        monkeypatch.setattr(pacsv, "CSVWriter", writer_fails)
    out = tmp_path / "out"
    assert main(["parse", str(REPO / "seeds"), "--out", str(out), "--format", fmt]) == 3
    assert list(out.iterdir()) == []


def test_parse_cli_prints_paths_only_on_stdout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """stdout carries the written paths; the note about parse problems goes to stderr."""
    assert main(["parse", str(REPO / "seeds"), "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [str(tmp_path / "articles.parquet"), str(tmp_path / "paragraphs.parquet")]
    assert "parse problems" in captured.err


@pytest.mark.parametrize(
    ("size", "limit"),
    [(0, 16), (15, 16), (16, 16), (17, 16), (3 << 20, 4 << 20), (5 << 20, 4 << 20)],
)
def test_read_takes_the_whole_file_or_refuses_it(tmp_path: Path, size: int, limit: int) -> None:
    """A file opened ahead is read whole when it holds at most `limit` bytes, and refused (TooLargeError) above."""
    from provenance.readahead import close_all, open_ahead
    from provenance.safeopen import TooLargeError, read_fd

    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    (tmp_path / "f").write_bytes(data)
    opened = open_ahead([str(tmp_path / "f")], length=limit)
    try:
        assert isinstance(opened[0], int)
        if size <= limit:
            assert read_fd(opened[0], limit=limit) == data
        else:
            with pytest.raises(TooLargeError):
                read_fd(opened[0], limit=limit)
    finally:
        close_all(opened)


def test_rows_the_caller_read_parse_as_the_streamed_manifest(corpus: Callable[[str], Path]) -> None:
    """parse_corpus given INDEX.md's rows (as validate passes them, in any order) gives the same tables."""
    from provenance.manifest.reader import read_manifest

    root = corpus("parse-layouts")
    rows = list(reversed(read_manifest(root).rows))
    given, streamed = parse_corpus(root, rows=rows), parse_corpus(root)
    pd.testing.assert_frame_equal(given.articles, streamed.articles)
    pd.testing.assert_frame_equal(given.paragraphs, streamed.paragraphs)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bad_manifest_row_stops_parse_before_any_output(
    corpus: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    """A bad last row: exit 2 naming INDEX.md's line; earlier tables stay as they were, no temp file is left."""
    root = corpus("parse-layouts")
    out = tmp_path / "out"
    assert main(["parse", str(root), "--out", str(out), "--jobs", jobs]) == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    capsys.readouterr()
    index = root / "INDEX.md"
    index.write_text(index.read_text(encoding="utf-8").replace("| 350 |", "| 3x0 |"), encoding="utf-8")
    assert main(["parse", str(root), "--out", str(out), "--jobs", jobs]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"corpus-audit: {index}:11: bad size '3x0'")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before


def test_parsing_leaves_no_file_open(corpus: Callable[[str], Path]) -> None:
    """Every descriptor opened ahead for a batch is closed, whether its file parsed or failed."""
    root = corpus("parse-bad")
    _fifo(root / "nul.txt")
    parse_corpus(root)  # imports and caches settle first
    descriptors = Path("/proc/self/fd")
    before = sorted(fd.name for fd in descriptors.iterdir())
    parse_corpus(root)
    assert sorted(fd.name for fd in descriptors.iterdir()) == before
