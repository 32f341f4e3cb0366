"""INDEX.md read from disk: whole (read_manifest) or streamed (stream_rows), and the two always agree."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.errors import ManifestError
from provenance.fixity.inventory import plan_index
from provenance.manifest.model import Manifest, Row
from provenance.manifest.reader import _read_lines, parse_manifest, read_manifest, stream_rows
from tests.test_manifest import GOOD, HEADER, MALFORMED, SHA_A, SHA_B

REPO = Path(__file__).parent.parent


def _write(root: Path, data: str | bytes) -> Path:
    (root / "INDEX.md").write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def _outcome(read: Callable[[], Iterable[Row]]) -> tuple[str, list[object]]:
    """What a read gives: its rows, or the problems it raised."""
    try:
        return "rows", [tuple(row) for row in read()]
    except ManifestError as error:
        return "error", list(error.lines())


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        GOOD.replace("\n", "\r\n"),
        "\ufeff" + GOOD,  # a byte order mark is not part of the first line
        GOOD.rstrip("\n"),  # no final newline
        GOOD + "\n\n",
        HEADER,  # a table with no rows
    ],
)
def test_reading_the_file_is_parsing_its_text(tmp_path: Path, text: str) -> None:
    """read_manifest on the file gives exactly what parse_manifest gives on its text."""
    assert read_manifest(_write(tmp_path, text)) == parse_manifest(text.removeprefix("\ufeff"))


@pytest.mark.parametrize(("text", "line", "fragment"), MALFORMED)
def test_a_streamed_manifest_fails_as_a_read_one_does(
    tmp_path: Path, text: str, line: int | None, fragment: str
) -> None:
    """For every malformation stream_rows raises, before its first row, what read_manifest raises."""
    root = _write(tmp_path, text)
    with pytest.raises(ManifestError) as whole:
        read_manifest(root)
    with pytest.raises(ManifestError) as streamed:
        next(stream_rows(root))
    assert streamed.value.lines() == whole.value.lines()
    assert streamed.value.line == line
    assert fragment in streamed.value.lines()[0]


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (HEADER.encode() + b"| a.txt | " + SHA_A.encode() + b" | 1 |\n| \xff.txt | x | 1 |\n", 4),
        (b"\xef\xbb\xbf# Manifest\n\xc3(\n" + HEADER.encode(), 2),
    ],
)
def test_invalid_utf8_names_its_line(tmp_path: Path, data: bytes, line: int) -> None:
    """A byte sequence that is not UTF-8 is reported on its own line, read whole, streamed, or by `index`."""
    root = _write(tmp_path, data)
    for read in (lambda: read_manifest(root), lambda: next(stream_rows(root)), lambda: plan_index(root)):
        with pytest.raises(ManifestError) as caught:
            read()
        assert caught.value.line == line
        assert "not valid UTF-8" in caught.value.lines()[0]


def test_a_missing_or_unreadable_manifest_says_so(tmp_path: Path) -> None:
    """No INDEX.md, or one that cannot be read, is a ManifestError naming it."""
    with pytest.raises(ManifestError, match=r"no INDEX\.md in .*corpus-audit index"):
        next(stream_rows(tmp_path))
    (tmp_path / "INDEX.md").mkdir()
    with pytest.raises(ManifestError, match=r"INDEX\.md: is a folder: expected a regular file"):
        read_manifest(tmp_path)


def test_a_problem_on_the_last_row_stops_the_stream_before_its_first_row(tmp_path: Path) -> None:
    """The stream checks the whole file first: no row is handed out from a manifest that is bad."""
    good = "".join(f"| {n:05}.txt | {SHA_A} | 1 |\n" for n in range(500))
    root = _write(tmp_path, HEADER + good + "| zz.txt | xyz | 1 |\n")
    rows = stream_rows(root)
    with pytest.raises(ManifestError) as caught:
        next(rows)
    assert caught.value.line == 503


def test_an_unsorted_manifest_streams_in_file_order(tmp_path: Path) -> None:
    """Rows edited out of order come out sorted, and a duplicate far from its twin is still found."""
    root = _write(tmp_path, HEADER + f"| b.txt | {SHA_B} | 2 |\n| a.txt | {SHA_A} | 1 |\n")
    assert [row.file for row in stream_rows(root)] == ["a.txt", "b.txt"]
    _write(root, HEADER + f"| b.txt | {SHA_B} | 2 |\n| a.txt | {SHA_A} | 1 |\n| b.txt | {SHA_B} | 2 |\n")
    with pytest.raises(ManifestError, match=r"'b\.txt' is listed twice \(first on line 3\)"):
        next(stream_rows(root))


def test_the_seed_manifest_streams_as_it_reads() -> None:
    """On the real seeds the stream gives read_manifest's rows, line numbers and steward cells included."""
    assert list(stream_rows(REPO / "seeds")) == list(read_manifest(REPO / "seeds").rows)


NAMES = st.sampled_from(["a.txt", "b.txt", "c/d.txt", "c/e.txt", "f.txt", "../x", "g h.txt"])
CELLS = st.sampled_from([SHA_A, SHA_B, SHA_A.upper(), "xyz"])


@settings(max_examples=300)
@given(st.lists(st.tuples(NAMES, CELLS, st.sampled_from(["1", "22", "-1"])), max_size=8))
def test_stream_and_whole_read_agree_on_any_rows(rows: list[tuple[str, str, str]]) -> None:
    """Sorted or not, with duplicates and bad cells or not: the same rows in file order, or the same problems."""
    text = HEADER + "".join(f"| `{name}` | {sha} | {size} |\n" for name, sha, size in rows)
    with tempfile.TemporaryDirectory() as folder:
        root = _write(Path(folder), text)
        whole = _outcome(lambda: sorted(read_manifest(root).rows, key=lambda row: row.file))
        assert _outcome(lambda: list(stream_rows(root))) == whole


def test_a_long_bad_size_is_quoted_cut_at_forty_characters(tmp_path: Path) -> None:
    """The message quotes at most 40 characters of a bad cell, then an ellipsis."""
    bad = "x" * 100
    (tmp_path / "INDEX.md").write_text(
        f"| file | sha256 | bytes |\n|---|---|---|\n| `a.txt` | {'0' * 64} | {bad} |\n", encoding="utf-8"
    )
    with pytest.raises(ManifestError) as caught:
        read_manifest(tmp_path)
    messages = [p.message for p in caught.value.problems]
    assert any(f"bad size {'x' * 40 + '…'!r} for 'a.txt'" in m for m in messages), messages


PROSE = st.sampled_from(
    ["", "# Corpus manifest", "Some prose | with a pipe.", "**Corpus pin:** 2 files, 3 bytes, sha256 `x`"]
)
ROW_SHAPES = st.sampled_from(
    ["| `{n}` | {s} | {b} |", "|`{n}`|{s}|{b}|", "  | {n} |  {s} | {b} |  ", "| `{n}` | {s} |"]
)


@settings(max_examples=400)
@given(
    before=st.lists(PROSE, max_size=3),
    header=st.sampled_from(["| file | sha256 | bytes |", "| File | SHA256 | Bytes |", "| sha256 | file | bytes |"]),
    delimiter=st.sampled_from(["|---|---|---|", "|:--|--:|---|", "---|---|---", "|---|---|"]),
    rows=st.lists(st.tuples(NAMES, CELLS, st.sampled_from(["1", "22", "-1", "0" * 19]), ROW_SHAPES), max_size=8),
    after=st.lists(PROSE | st.just("| a second | table |"), max_size=3),
    crlf=st.booleans(),
)
def test_the_bulk_reader_reads_what_the_line_reader_reads(
    before: list[str],
    header: str,
    delimiter: str,
    rows: list[tuple[str, str, str, str]],
    after: list[str],
    crlf: bool,
) -> None:
    """`index`'s own layout is read in bulk; any text gives the same Manifest (or the same problems)
    as the line-by-line reader, which reads every other layout."""
    lines = [*before, header, delimiter, *(shape.format(n=n, s=s, b=b) for n, s, b, shape in rows), *after]
    newline = "\r\n" if crlf else "\n"
    text = newline.join(lines) + newline

    def outcome(read: Callable[[], Manifest]) -> object:
        try:
            return read()
        except ManifestError as error:
            return error.lines()

    assert outcome(lambda: parse_manifest(text)) == outcome(
        lambda: _read_lines(lines, path="INDEX.md", newline=newline)
    )
