"""INDEX.md parsing and rendering: round trips, steward content kept, every malformation named."""

from __future__ import annotations

import hashlib

import pytest

from provenance.errors import ManifestError
from provenance.manifest.model import Manifest, Row, compute_pin, render_manifest
from provenance.manifest.reader import parse_manifest

SHA_A = "a" * 64
SHA_B = "b" * 64
GOOD = f"""# Manifest

Some prose that is kept.

| File | SHA256 | Bytes | outlet | notes |
|---|---|---:|---|---|
| `a.txt` | {SHA_A} | 10 | sputnik | first |
| `dir/b.txt` | {SHA_B} | 20 |  | has a \\| pipe |

Closing prose, kept too.
"""


def test_parse_reads_rows_and_steward_columns() -> None:
    """Header matching is case-insensitive; extra columns and escaped pipes are kept verbatim."""
    manifest = parse_manifest(GOOD)
    assert [r.file for r in manifest.rows] == ["a.txt", "dir/b.txt"]
    assert manifest.rows[0] == Row("a.txt", SHA_A, 10, {"outlet": "sputnik", "notes": "first"}, 7)
    assert manifest.rows[1].extra == {"outlet": "", "notes": "has a | pipe"}
    assert manifest.pin is None


def test_render_keeps_prose_and_adds_pin() -> None:
    """Rendering keeps the prose before and after the table and writes the pin under it."""
    text = render_manifest(parse_manifest(GOOD))
    assert text.startswith("# Manifest\n\nSome prose that is kept.\n\n| File | SHA256 | Bytes | outlet | notes |\n")
    assert "| `dir/b.txt` | " + SHA_B + " | 20 |  | has a \\| pipe |\n" in text
    assert text.endswith("\n\nClosing prose, kept too.\n")
    pin = compute_pin([("a.txt", SHA_A, 10), ("dir/b.txt", SHA_B, 20)])
    assert f"\n\n{pin.render()}\n" in text


def test_render_is_a_fixed_point() -> None:
    """Parsing what render wrote and rendering again changes nothing."""
    once = render_manifest(parse_manifest(GOOD))
    assert render_manifest(parse_manifest(once)) == once
    assert parse_manifest(once).pin == parse_manifest(once).expected_pin()


def test_pin_is_the_digest_of_a_sha256sum_listing() -> None:
    """The pin digest equals sha256 over `sha256sum`-style lines sorted by file name."""
    listing = f"{SHA_A}  a.txt\n{SHA_B}  dir/b.txt\n".encode()
    pin = compute_pin([("dir/b.txt", SHA_B, 20), ("a.txt", SHA_A, 10)])
    assert (pin.files, pin.bytes, pin.digest) == (2, 30, hashlib.sha256(listing).hexdigest())


@pytest.mark.parametrize("files", [0, 1, 2, 3, 4, 5, 9])
def test_the_pin_hashed_in_chunks_is_the_pin_of_the_whole_listing(files: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """compute_pin hashes the listing PIN_CHUNK lines at a time (at 1,000,000 files the whole text
    cost 230 MB): with chunks of 2 lines, an empty listing, a partial last chunk and a full one
    give the digest of the one `sha256sum` text."""
    monkeypatch.setattr("provenance.manifest.model.PIN_CHUNK", 2)
    entries = [(f"d/{n:02d}.txt", hashlib.sha256(bytes([n])).hexdigest(), n) for n in range(files)]
    listing = "".join(f"{sha}  {name}\n" for name, sha, _ in sorted(entries)).encode()
    pin = compute_pin(reversed(entries))
    assert (pin.files, pin.bytes, pin.digest) == (files, sum(range(files)), hashlib.sha256(listing).hexdigest())


def test_crlf_manifest_stays_crlf() -> None:
    """A manifest written with CRLF line endings is rendered back with CRLF."""
    text = render_manifest(parse_manifest(GOOD.replace("\n", "\r\n")))
    assert "\r\n" in text
    assert "\n" not in text.replace("\r\n", "")


def test_tables_in_code_fences_are_prose() -> None:
    """A pipe table inside a fenced code block is an example, not the manifest."""
    fenced = "```\n| file | sha256 | bytes |\n|---|---|---|\n```\n\n" + GOOD
    assert len(parse_manifest(fenced).rows) == 2


def test_rows_sorted_on_render() -> None:
    """Rows are written sorted by file name whatever order they were read in."""
    manifest = Manifest().with_rows([Row("z.txt", SHA_A, 1), Row("b.txt", SHA_B, 2)])
    text = render_manifest(manifest)
    assert text.index("`b.txt`") < text.index("`z.txt`")


HEADER = "| file | sha256 | bytes |\n|---|---|---|\n"


MALFORMED = [
    ("just prose\n", None, "no table found"),
    ("| file | sha256 |\n|---|---|\n", 1, "lacks the column 'bytes'"),
    ("| file | file | sha256 | bytes |\n|---|---|---|---|\n", 1, "appears twice"),
    ("| file | sha256 | bytes |\n| a | b | c |\n", 2, "delimiter row"),
    ("| file | sha256 | bytes |\n", 2, "delimiter row"),  # the header is the last line
    ("| file | sha256 | bytes |\nprose\n", 2, "delimiter row"),
    ("| file | sha256 |\n|---|---|\n\n| file |\n", 4, "a second table"),  # reported before the header
    (HEADER + f"| a.txt | {SHA_A} |\n", 3, "row has 2 cells"),
    (HEADER + "| a.txt | xyz | 1 |\n", 3, "bad sha256 'xyz'"),
    (HEADER + f"| a.txt | {'g' * 64} | 1 |\n", 3, "bad sha256"),
    (HEADER + f"| a.txt | {SHA_A}0 | 1 |\n", 3, "bad sha256"),
    (HEADER + f"| a.txt | {SHA_A} | -1 |\n", 3, "bad size '-1'"),
    (HEADER + f"| a.txt | {SHA_A} | ten |\n", 3, "bad size 'ten'"),
    (HEADER + f"| a.txt | {SHA_A} | 1.5 |\n", 3, "bad size '1.5'"),
    (HEADER + f"| a.txt | {SHA_A} | 1 |\n| a.txt | {SHA_B} | 2 |\n", 4, "listed twice (first on line 3)"),
    (HEADER + f"| /etc/passwd | {SHA_A} | 1 |\n", 3, "is absolute"),
    (HEADER + f"| ../secret.txt | {SHA_A} | 1 |\n", 3, "'..' component"),
    (HEADER + f"| a/../../b | {SHA_A} | 1 |\n", 3, "'..' component"),
    (HEADER + f"| a\\\\b.txt | {SHA_A} | 1 |\n", 3, "backslash"),
    (HEADER + f"| ~/x.txt | {SHA_A} | 1 |\n", 3, "'~'"),
    (HEADER + f"| a\x00b | {SHA_A} | 1 |\n", 3, "NUL"),
    (HEADER + f"| C:x.txt | {SHA_A} | 1 |\n", 3, "is absolute"),
    (HEADER + f"| a//b | {SHA_A} | 1 |\n", 3, "empty, '.' or '..'"),
    (HEADER + f"| a.txt | {SHA_A} | 1 |\n\ntext\n\n{HEADER}", 7, "a second table"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), MALFORMED)
def test_malformed_manifest_names_the_line(text: str, line: int | None, fragment: str) -> None:
    """Each malformation raises ManifestError naming INDEX.md's line and the problem."""
    with pytest.raises(ManifestError) as caught:
        parse_manifest(text, path="INDEX.md")
    assert caught.value.line == line
    assert fragment in caught.value.lines()[0]
    assert caught.value.lines()[0].startswith(f"INDEX.md:{line}: " if line else "INDEX.md: ")


def test_every_problem_is_reported_at_once() -> None:
    """Validation collects every bad row before raising, so a steward fixes them in one pass."""
    text = HEADER + "| a.txt | xyz | 1 |\n| b.txt | " + SHA_A + " | -3 |\n"
    with pytest.raises(ManifestError) as caught:
        parse_manifest(text)
    assert [p.line for p in caught.value.problems] == [3, 4]


def test_uppercase_hex_is_accepted_and_lowercased() -> None:
    """A digest written in upper case is read as the same digest."""
    manifest = parse_manifest(HEADER + f"| a.txt | {SHA_A.upper()} | 1 |\n")
    assert manifest.rows[0].sha256 == SHA_A


@pytest.mark.parametrize("rows", [0, 1, 2, 3, 5, 8])
def test_the_bulk_read_in_chunks_gives_the_rows_of_the_line_by_line_read(
    rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path reads PLAIN_CHUNK rows at a time (here 2): the same Manifest as one chunk and
    as the line-by-line reader, line numbers included; a bad row in a later chunk still hands the
    whole table to the line-by-line reader, which names its line."""
    from provenance.manifest import reader

    table = "".join(f"| `d/{n}.txt` | {hashlib.sha256(str(n).encode()).hexdigest()} | {n * 7} |\n" for n in range(rows))
    text = f"# M\n\n| file | sha256 | bytes |\n|---|---|---|\n{table}\nAfter.\n"
    whole = parse_manifest(text)
    monkeypatch.setattr(reader, "PLAIN_CHUNK", 2)
    chunked = parse_manifest(text)
    slow = reader._read_lines(text.split("\n")[:-1], path="INDEX.md", newline="\n")
    assert chunked == whole == slow and chunked.rows == slow.rows
    assert [r.line for r in chunked.rows] == list(range(5, 5 + rows))
    if rows >= 3:
        broken = text.replace(f"| {rows * 7 - 7} |", "| x |")
        with pytest.raises(ManifestError) as error:
            parse_manifest(broken)
        assert str(error.value).startswith(f"INDEX.md:{4 + rows}: bad size 'x' for 'd/{rows - 1}.txt'")
