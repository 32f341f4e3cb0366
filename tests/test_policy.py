"""corpus-audit.toml: read into settings and overrides; every malformation is exit 2 naming the file and line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.audit.policy import NO_POLICY, Override, key_lines, parse_policy
from provenance.errors import ManifestError
from provenance.parsing.settings import DEFAULT, ParseSettings
from tests.conftest import RESOURCES

GOOD = """# corpus-audit.toml
[corpus]
encoding = "windows-1256"
default_timezone = "Asia/Riyadh"
date_order = "mdy"

[metadata]
url = "Link"
published = "date"

[checks."article.source_line"]
severity = "off"
reason = '''Our scraper drops
the source line'''
expires = 2027-06-30

[checks."article.published_valid"]
severity = "warning"  # a comment
reason = "Dates are approximate"
expires = "2027-01-31"

[duplicates]
min_chars = 40
min_words = 0
"""


def test_a_good_policy_reads_into_settings_and_overrides() -> None:
    """Every key lands in ParseSettings or an Override; columns are lowercased, overrides sorted by id."""
    policy = parse_policy(GOOD, sha256="ab" * 32)
    assert policy.present and policy.sha256 == "ab" * 32
    assert policy.settings == ParseSettings(
        encoding="windows-1256",
        default_timezone="Asia/Riyadh",
        date_order="mdy",
        min_repeat_chars=40,
        min_repeat_words=0,
        columns={"url": "link", "published": "date"},
    )
    assert policy.overrides == (
        Override("article.published_valid", "warning", "Dates are approximate", date(2027, 1, 31), 17),
        Override("article.source_line", "off", "Our scraper drops\nthe source line", date(2027, 6, 30), 11),
    )


@pytest.mark.parametrize(
    "text",
    ["", "# nothing set\n", "[corpus]\n[metadata]\n[checks]\n[duplicates]\n"],
)
def test_an_empty_policy_is_every_default(text: str) -> None:
    """A policy that sets nothing gives the settings of a corpus with no policy at all."""
    policy = parse_policy(text)
    assert policy.present and policy.settings == DEFAULT and policy.overrides == ()
    assert NO_POLICY.settings == DEFAULT and not NO_POLICY.present and NO_POLICY.block(date.today()) is None


CHECK = '[checks."article.source_line"]\n'
MALFORMED = [
    ("bad toml", '[corpus]\nencoding = "utf-8\n', 2, "not valid TOML"),
    ("bad toml later", '[corpus]\nencoding = "utf-8"\n\n[corpus]\n', 4, "not valid TOML"),
    ("unknown table", "[corpus]\n\n[dupes]\nmin_chars = 1\n", 3, "unknown table [dupes] (did you mean 'duplicates'?)"),
    ("key outside a table", 'encoding = "utf-8"\n', 1, "'encoding' belongs in a table: write it under [corpus]"),
    ("table that is a value", "checks = 5\n", 1, "'checks' must be a table"),
    ("unknown key", '[corpus]\ndate_order = "dmy"\nzone = "UTC"\n', 3, "unknown key 'zone' in [corpus]"),
    (
        "unknown check id",
        CHECK.replace("source_line", "titel") + 'severity = "off"\nreason = "x"\n',
        1,
        "unknown check id 'article.titel' (did you mean 'article.title'?)",
    ),
    (
        "unquoted check id",
        "\n[checks.article.title]\nseverity = 'off'\n",
        2,
        'write the id in quotes, [checks."article.title"]',
    ),
    ("missing reason", "# x\n" + CHECK + 'severity = "off"\n', 2, "needs a reason a reviewer can read; it has none"),
    ("empty reason", CHECK + 'severity = "off"\nreason = "  "\n', 3, "needs a reason a reviewer can read; not '  '"),
    ("reason not a string", CHECK + 'severity = "off"\nreason = 5\n', 3, "needs a reason"),
    ("missing severity", CHECK + 'reason = "x"\n', 1, "needs severity = one of 'error', 'warning', 'off'; it has none"),
    ("bad severity", CHECK + 'reason = "x"\nseverity = "ignore"\n', 3, "not 'ignore'"),
    ("unknown override key", CHECK + 'severity = "off"\nreason = "x"\nuntil = 2027-01-01\n', 4, "unknown key 'until'"),
    ("override not a table", '[checks]\n"article.title" = "off"\n', 2, "must be a table with severity and reason"),
    ("bad expires", CHECK + 'severity = "off"\nreason = "x"\nexpires = "next year"\n', 4, "expires must be a date"),
    (
        "impossible expires",
        CHECK + 'severity = "off"\nreason = "x"\nexpires = "2027-02-30"\n',
        4,
        "expires must be a date",
    ),
    (
        "expires with a time",
        CHECK + 'severity = "off"\nreason = "x"\nexpires = 2027-01-01T10:00:00\n',
        4,
        "expires must be a date",
    ),
    (
        "weakening fixity",
        '[checks."fixity.sha256"]\nseverity = "warning"\nreason = "x"\n',
        1,
        "fixity.sha256 cannot be overridden: fixity and manifest checks prove",
    ),
    (
        "weakening the manifest",
        '[checks."manifest.pin"]\nseverity = "off"\nreason = "x"\n',
        1,
        "manifest.pin cannot be overridden",
    ),
    (
        "weakening waivers",
        '[checks."waiver.expired"]\nseverity = "off"\nreason = "x"\n',
        1,
        "waiver checks keep WAIVERS.md honest",
    ),
    (
        "weakening the policy",
        '[checks."policy.expired"]\nseverity = "off"\nreason = "x"\n',
        1,
        "policy checks keep this file honest",
    ),
    ("bad encoding", '[corpus]\nencoding = "klingon"\n', 2, "'encoding' must be a text encoding Python knows"),
    ("a bytes codec", '[corpus]\nencoding = "base64"\n', 2, "not 'base64'"),
    ("bad zone", '[corpus]\ndefault_timezone = "Mars/Base"\n', 2, "'default_timezone' must be a time zone name"),
    ("a folder of zones", '[corpus]\ndefault_timezone = "Asia"\n', 2, "not 'Asia'"),
    ("bad date order", '[corpus]\ndate_order = "dym"\n', 2, "'date_order' must be one of 'dmy', 'mdy', 'ymd'"),
    (
        "negative min_chars",
        "[duplicates]\nmin_chars = -1\n",
        2,
        "'min_chars' must be a whole number, 0 or more, not -1",
    ),
    ("fractional min_words", "[duplicates]\nmin_words = 2.5\n", 2, "'min_words' must be a whole number"),
    ("empty column", '[metadata]\nurl = ""\n', 2, "'url' must name an INDEX.md column"),
    ("pinned column", '[metadata]\nurl = "SHA256"\n', 2, "cannot be the column 'SHA256': corpus-audit writes it"),
    ("unknown fact", '[metadata]\nauthor = "by"\n', 2, "unknown key 'author' in [metadata]"),
    (
        "two facts, one column",
        '[metadata]\noutlet = "site"\n\nurl = "site"\n',
        2,
        "'outlet' and 'url' would both be read from the column 'site'",
    ),
    (
        "a fact on another's default column",
        '[metadata]\nurl = "outlet"\n',
        2,
        "would both be read from the column 'outlet'",
    ),
    ("dotted keys", 'corpus.date_order = "x"\n', 1, "'date_order' must be one of"),
    ("inline table", 'checks = { "article.title" = { severity = "off" } }\n', 1, "needs a reason"),
]


@pytest.mark.parametrize(("case", "text", "line", "fragment"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_policy_names_the_line(case: str, text: str, line: int, fragment: str) -> None:
    """Each malformation raises ManifestError naming corpus-audit.toml and the line of the table or key."""
    del case
    with pytest.raises(ManifestError) as caught:
        parse_policy(text, path="corpus-audit.toml")
    first = caught.value.lines()[0]
    assert first.startswith(f"corpus-audit.toml:{line}: "), first
    assert fragment in first, first


def test_every_problem_is_reported_at_once() -> None:
    """Problems in several tables all come back, in line order."""
    text = '[duplicates]\nmin_chars = -1\n[corpus]\ndate_order = "x"\n[checks."article.title"]\nseverity = "off"\n'
    with pytest.raises(ManifestError) as caught:
        parse_policy(text, path="corpus-audit.toml")
    assert [p.line for p in caught.value.problems] == [2, 4, 5]


def test_key_lines_follow_strings_arrays_and_comments() -> None:
    """Multi-line strings and arrays, comments and quoted keys do not throw the line count off."""
    text = (
        'a = """\n[not.a.table]\nb = 1\n"""\n'
        'c = [\n  1, # ] not the end\n  "]",\n]\n'
        '[ "t.u" . v ]  # header\n'
        "w.x = '''y\n'''\n"
        "z = 1\n"
    )
    assert key_lines(text) == {
        ("a",): 1,
        ("c",): 5,
        ("t.u",): 9,
        ("t.u", "v"): 9,
        ("t.u", "v", "w"): 10,
        ("t.u", "v", "w", "x"): 10,
        ("t.u", "v", "z"): 12,
    }


def test_read_policy_rejects_what_is_not_utf8(tmp_path: Path) -> None:
    """A policy that is not UTF-8 is a ManifestError on the line of the first bad byte."""
    from provenance.audit.policy import read_policy

    (tmp_path / "corpus-audit.toml").write_bytes(b'[corpus]\nencoding = "\xff"\n')
    with pytest.raises(ManifestError) as caught:
        read_policy(tmp_path)
    assert caught.value.lines() == [f"{tmp_path / 'corpus-audit.toml'}:2: not valid UTF-8 (a TOML file is UTF-8)"]
    (tmp_path / "corpus-audit.toml").unlink()
    assert read_policy(tmp_path) is NO_POLICY


@pytest.mark.parametrize(("case", "text", "line", "fragment"), MALFORMED, ids=[case[0] for case in MALFORMED])
def test_malformed_policy_stops_validate_with_exit_2(
    corpus: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    text: str,
    line: int,
    fragment: str,
) -> None:
    """validate exits 2 with `corpus-audit.toml:LINE:` before doing any work: no report folder is made."""
    del case
    root = corpus("fixity-clean")
    (root / "corpus-audit.toml").write_text(text, encoding="utf-8")
    assert main(["validate", str(root), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(f"corpus-audit: {root / 'corpus-audit.toml'}:{line}: "), first
    assert fragment in first
    assert not (tmp_path / "r").exists()


def test_malformed_policy_stops_parse_with_exit_2(
    corpus: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """parse reads the policy first too: exit 2 naming the file and line, no tables written."""
    root = corpus("fixity-clean")
    (root / "corpus-audit.toml").write_text('[corpus]\n\ndate_order = "american"\n', encoding="utf-8")
    assert main(["parse", str(root), "--out", str(tmp_path / "tables"), "--format", "csv"]) == 2
    assert f"{root / 'corpus-audit.toml'}:3: [corpus] 'date_order'" in capsys.readouterr().err
    assert not (tmp_path / "tables").exists()


def test_the_policy_tells_parse_and_validate_how_to_read_the_articles(tmp_path: Path) -> None:
    """An article in windows-1256 is read as such under `[corpus] encoding`; without the policy it is
    not valid UTF-8 (text.utf8). parse and validate both take the encoding from the policy."""
    root = tmp_path / "c"
    root.mkdir()
    text = (RESOURCES / "invariants" / "clean.txt").read_text(encoding="utf-8")
    (root / "clean.txt").write_bytes(text.encode("windows-1256"))
    assert main(["index", str(root)]) == 0
    assert main(["validate", str(root), "--no-report", "--engine", "pandera"]) == 1
    (root / "corpus-audit.toml").write_text('[corpus]\nencoding = "windows-1256"\n', encoding="utf-8")
    assert main(["validate", str(root), "--no-report", "--engine", "pandera"]) == 0
    assert main(["parse", str(root), "--out", str(tmp_path / "tables"), "--format", "csv"]) == 0
    import csv

    with (tmp_path / "tables" / "articles.csv").open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["encoding"] == "windows-1256" and row["title"] == text.splitlines()[0]
    assert not row["parse_errors"]
