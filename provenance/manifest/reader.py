"""Read INDEX.md line by line: whole (read_manifest, parse_manifest) or as a stream of rows."""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from provenance import gcpause
from provenance.errors import ManifestError, Problem
from provenance.manifest.mdtable import cells as _cells
from provenance.manifest.mdtable import is_delimiter as _is_delimiter
from provenance.manifest.mdtable import is_fence, is_row
from provenance.manifest.mdtable import unquote as _unquote
from provenance.manifest.model import INDEX_LIMIT, INDEX_NAME, NO_EXTRA, PIN_LINE, REQUIRED, Manifest, Pin, Row, Rows
from provenance.manifest.paths import SAFE_PATH, path_problem
from provenance.safeopen import open_metadata, read_metadata

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
MAX_LINE = 1 << 20  # bytes in one INDEX.md line: a row is a few hundred
MAX_SIZE_DIGITS = 18  # 10**18 bytes is an exabyte: a larger size is a typo, and int() is bounded
_NO_TABLE = "no table found: expected one pipe table with columns file, sha256, bytes"
_NO_DELIMITER = "the header must be followed by a delimiter row such as |---|---|"
_MISSING = "no " + INDEX_NAME + " in {corpus}: run `corpus-audit index {corpus}`"
_TOO_LONG = f"line longer than {MAX_LINE:,} bytes"
_NOT_UTF8 = "not valid UTF-8"


def read_manifest(corpus: Path) -> Manifest:
    """Parse `corpus/INDEX.md`; every problem found is raised at once as one ManifestError.

    The file is read whole (it is held whole as rows anyway) and decoded once: a line at a time
    costs a quarter of the parse at 100,000 rows. stream_rows reads it a line at a time."""
    path = corpus / INDEX_NAME
    data = read_metadata(corpus, INDEX_NAME, limit=INDEX_LIMIT)  # no link followed, no FIFO opened
    if data is None:
        raise ManifestError(path, _MISSING.format(corpus=corpus))
    long = _first_long_line(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = exc.object[: exc.start].count(b"\n") + 1  # exc.object: the bytes after any BOM
        raise ManifestError(
            path, [Problem(min(bad, long or bad), _TOO_LONG if long and long < bad else _NOT_UTF8)]
        ) from None
    if long:
        raise ManifestError(path, [Problem(long, _TOO_LONG)])
    del data  # the text is all that is needed now: 10 MB less held at 100,000 rows
    return parse_manifest(text, path=path)


def stream_rows(corpus: Path) -> Iterator[Row]:
    """INDEX.md's rows in file order, with memory that stays flat however many there are.

    A first pass checks the whole file, raising ManifestError as read_manifest would, before any
    row is yielded; a second yields the rows as they are read. `corpus-audit index` writes rows in
    file order; a manifest edited out of order is read whole and sorted instead.
    """
    path = corpus / INDEX_NAME
    check = _Reader(path, keep=False)
    try:
        for _ in check.rows(_FileLines(path)):
            pass
    except ManifestError:
        if check.in_order:
            raise
    if not check.in_order:  # read_manifest finds every duplicate, wherever it is, and sorts
        yield from sorted(read_manifest(corpus).rows, key=lambda row: row.file)
        return
    yield from _Reader(path, keep=False).rows(_FileLines(path))


def parse_manifest(text: str, *, path: Path | str = INDEX_NAME) -> Manifest:
    """Parse manifest text (see read_manifest)."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    newline = "\r\n" if "\r\n" in text else "\n"
    with gcpause.paused():  # 100,000 rows are 100,000 small acyclic records: no collection between them
        if "```" not in text and "~~~" not in text and (plain := _plain_manifest(lines, path=path, newline=newline)):
            return plain
        return _read_lines(lines, path=path, newline=newline)


def _read_lines(lines: list[str], *, path: Path | str, newline: str) -> Manifest:
    """The manifest in `lines`, read one line at a time: any layout, every problem found."""
    reader = _Reader(path, keep=True)
    rows = list(reader.rows(lines))
    return reader.manifest(rows, newline=newline)


def _plain_manifest(lines: list[str], *, path: Path | str, newline: str) -> Manifest | None:
    """The manifest `index` writes (one table of file, sha256, bytes, every row well formed, no
    name twice, no code fence), read in bulk: one regex over the rows, not one call a line, for a
    quarter of the time. None for anything else, which the line-by-line reader reads (and
    reports) instead; both give the same Manifest, a property test says so."""
    header = next((number for number, line in enumerate(lines) if is_row(line)), None)
    if header is None or header + 1 >= len(lines) or tuple(c.lower() for c in _cells(lines[header])) != REQUIRED:
        return None
    if not (is_row(lines[header + 1]) and _is_delimiter(lines[header + 1], len(REQUIRED))):
        return None
    end = next((n for n in range(header + 2, len(lines)) if not is_row(lines[n])), len(lines))
    if any(is_row(line) for line in lines[end:]):
        return None
    names: list[str] = []
    digests = bytearray()
    sizes = array("q")
    # A chunk of rows at a time: what a chunk leaves behind is reused by the next, so the columns
    # kept are not spread among a million freed strings (at 1,000,000 rows that held 115 MB more).
    for start in range(header + 2, end, PLAIN_CHUNK):
        block = lines[start : min(start + PLAIN_CHUNK, end)]
        found = _PLAIN_ROWS.findall("\n".join(block))
        if len(found) != len(block):
            return None
        names += [name for name, _, _ in found]
        digests += bytes.fromhex("".join([sha for _, sha, _ in found]))
        sizes.extend([int(size) for _, _, size in found])
    if not all(map(SAFE_PATH.match, names)) or len(set(names)) != len(names):
        return None
    first = header + 3  # the first row's line number
    rows = Rows(names, bytes(digests), sizes, array("q", range(first, first + len(names))))  # no Row made
    reader = _Reader(path, keep=True)
    reader.header, reader.before = tuple(_cells(lines[header])), lines[:header]
    for number, line in enumerate(lines[end:], start=end + 1):
        reader.read_after(line, number)
    return reader.manifest(rows, newline=newline)


class _FileLines:
    """The lines of a UTF-8 file, read one at a time, without their line ends; notes CRLF."""

    def __init__(self, path: Path) -> None:
        self.path, self.crlf = path, False

    def __iter__(self) -> Iterator[str]:
        corpus = self.path.parent
        handle = open_metadata(corpus, self.path.name)  # no link followed, no FIFO opened
        if handle is None:
            raise ManifestError(self.path, _MISSING.format(corpus=corpus))
        with handle:
            for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE + 1), b""), start=1):
                if len(raw) > MAX_LINE:
                    raise ManifestError(self.path, [Problem(number, _TOO_LONG)])
                data = raw[3:] if number == 1 and raw.startswith(b"\xef\xbb\xbf") else raw
                self.crlf = self.crlf or data.endswith(b"\r\n")
                try:
                    yield data.decode("utf-8").rstrip("\r\n")
                except UnicodeDecodeError:
                    raise ManifestError(self.path, [Problem(number, _NOT_UTF8)]) from None


class _Reader:
    """Reads INDEX.md line by line; rows are yielded as they are read, problems raised at the end.

    With `keep`, the prose around the table is kept (to render it back) and duplicates are found
    wherever they are. Without it only the last row is remembered: a duplicate is found when it
    follows its twin, which is always so while `in_order` stays true.
    """

    def __init__(self, path: Path | str, *, keep: bool) -> None:
        self.path, self.keep = path, keep
        self.header: tuple[str, ...] = ()
        self.before: list[str] = []
        self.after: list[str] = []
        self.pin: Pin | None = None
        self.pin_line: int | None = None
        self.table_problems: list[Problem] = []  # no table, a second table: reported alone
        self.header_problems: list[Problem] = []
        self.row_problems: list[Problem] = []
        self.in_order = True
        self.seen: dict[str, int] = {}
        self.last: tuple[str, int] = ("", 0)
        self.read_row: Callable[[str, int], Row | None] = lambda line, number: None

    def rows(self, lines: Iterable[str]) -> Iterator[Row]:
        """The table's rows, from lines without their line ends."""
        state = "before"  # then delimiter, rows, after
        number, fenced = 0, False
        for number, line in enumerate(lines, start=1):
            if state == "rows" and is_row(line):  # a row (a fence never starts with a pipe)
                if row := self.read_row(line, number):
                    yield row
                continue
            fenced ^= is_fence(line)
            in_table = not fenced and is_row(line)
            if state == "before":
                state = self.read_before(line, number, in_table=in_table)
            elif state == "delimiter":
                state = self.read_delimiter(line, number, in_table=in_table)
            elif in_table:  # a table line after the table ended
                self.table_problems.append(Problem(number, "a second table: INDEX.md holds exactly one table"))
                break
            else:
                state = self.read_after(line, number)
        if state == "before":
            self.table_problems.append(Problem(None, _NO_TABLE))
        elif state == "delimiter":  # the header is the last line
            self.header_problems.append(Problem(number + 1, _NO_DELIMITER))
        for problems in (self.table_problems, self.header_problems, self.row_problems):
            if problems:
                raise ManifestError(self.path, problems)

    def read_before(self, line: str, number: int, *, in_table: bool) -> str:
        if in_table:
            self.read_header(line, number)
            return "delimiter"
        if self.keep:
            self.before.append(line)
        return "before"

    def read_delimiter(self, line: str, number: int, *, in_table: bool) -> str:
        if not (in_table and _is_delimiter(line, len(self.header))):
            self.header_problems.append(Problem(number, _NO_DELIMITER))
        return "rows" if in_table else self.read_after(line, number)

    def read_header(self, line: str, number: int) -> None:
        """Check the header; the rows are read only under a good one."""
        self.header = tuple(_cells(line))
        lowered = [h.lower() for h in self.header]
        for name in REQUIRED:
            if name not in lowered:
                self.header_problems.append(Problem(number, f"table header lacks the column {name!r}"))
        for name in {h for h in lowered if lowered.count(h) > 1}:
            self.header_problems.append(Problem(number, f"column {name!r} appears twice in the header"))
        if not self.header_problems:
            self.read_row = self.row_reader(lowered)

    def read_after(self, line: str, number: int) -> str:
        """Keep a line after the table: the pin, or prose."""
        match = PIN_LINE.match(line.strip()) if self.pin is None else None
        if match:
            self.pin = Pin(int(match["files"]), int(match["bytes"]), match["digest"])
            self.pin_line = number
        elif self.keep:
            self.after.append(line)
        return "after"

    def row_reader(self, keys: list[str]) -> Callable[[str, int], Row | None]:
        """A function reading one table line into a Row, or recording its problems and returning None."""
        at_file, at_sha, at_bytes = (keys.index(name) for name in REQUIRED)
        extra_at = [(i, h) for i, h in enumerate(self.header) if keys[i] not in REQUIRED]
        width = len(keys)
        fast = _row_pattern(keys).fullmatch
        safe = SAFE_PATH.match

        def read(line: str, number: int) -> Row | None:
            match = fast(line)
            if match:  # a well-formed row with no escapes: one regex instead of splitting and checks
                groups = match.groups()
                name = groups[at_file]
                if safe(name) and self.twin(name) is None:
                    self.remember(name, number)
                    extra = {h: groups[i] for i, h in extra_at} if extra_at else NO_EXTRA
                    return Row(name, groups[at_sha], int(groups[at_bytes]), extra, number)
            cells = _cells(line)
            if len(cells) != width:
                self.row_problems.append(Problem(number, f"row has {len(cells)} cells, the header has {width}"))
                return None
            name = _unquote(cells[at_file])
            sha, size = cells[at_sha].strip("`"), cells[at_bytes].strip("`")
            problems = []
            if not SAFE_PATH.match(name):
                problems.append(path_problem(name) or f"unsafe file name {name!r}")
            if not _HEX64.match(sha):
                problems.append(f"bad sha256 {sha!r} for {name!r}: expected 64 hex digits")
            if not (size.isascii() and size.isdigit()):
                problems.append(f"bad size {_excerpt(size)!r} for {name!r}: expected a whole number of bytes")
            elif len(size.lstrip("0")) > MAX_SIZE_DIGITS:
                problems.append(f"bad size {_excerpt(size)!r} for {name!r}: larger than any file can be")
            if (first := self.twin(name)) is not None:
                problems.append(f"{name!r} is listed twice (first on line {first})")
            if problems:
                self.row_problems.extend(Problem(number, p) for p in problems)
                return None
            self.remember(name, number)
            extra = {h: cells[i] for i, h in extra_at} if extra_at else NO_EXTRA
            return Row(name, sha.lower(), int(size), extra, number)

        return read

    def twin(self, name: str) -> int | None:
        """The line `name` was already listed on, or None; streaming, it also notes the order."""
        if self.keep:
            return self.seen.get(name)
        last, line = self.last
        self.in_order = self.in_order and name >= last
        return line if name == last else None

    def remember(self, name: str, number: int) -> None:
        if self.keep:
            self.seen[name] = number
        else:
            self.last = (name, number)

    def manifest(self, rows: list[Row] | Rows, *, newline: str) -> Manifest:
        return Manifest(
            self.header, Rows.of(rows), tuple(self.before), tuple(self.after), self.pin, self.pin_line, newline
        )


def _first_long_line(data: bytes) -> int | None:
    """The number of the first line longer than MAX_LINE bytes, its line end included, or None."""
    if len(data) <= MAX_LINE:
        return None
    lines = data.split(b"\n")
    for number, line in enumerate(lines, start=1):
        if len(line) + (number < len(lines)) > MAX_LINE:
            return number
    return None


def _excerpt(text: str, limit: int = 40) -> str:
    """A cell as a message quotes it: at most `limit` characters."""
    return text if len(text) <= limit else text[:limit] + "…"


def _row_pattern(keys: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """A regex matching a valid row without escaped pipes; each cell is a group, stripped."""
    cell = {
        "file": r"`?([^|\\`]*?)`?",
        "sha256": r"([0-9a-f]{64})",
        "bytes": r"([0-9]{1,18})",  # ASCII digits only (\d is Unicode), and no size int() refuses
    }
    other = r"([^|\\]*?)"
    body = r"\|".join(rf"[ \t]*{cell.get(k, other)}[ \t]*" for k in keys)
    return re.compile(rf"[ \t]*\|{body}\|[ \t]*")


#: A row exactly as `index` writes it, one per line of a block. Every line it matches, the line
#: reader's pattern (_row_pattern) matches with the same cells; it has no lazy or optional parts,
#: so a block of 100,000 rows takes a fifth of the time. Any other spacing goes line by line.
PLAIN_CHUNK = 65_536  # rows of the bulk path read at a time
_PLAIN_ROWS = re.compile(r"^\| `([^|\\`\n]*)` \| ([0-9a-f]{64}) \| ([0-9]{1,18}) \|$", re.MULTILINE)
