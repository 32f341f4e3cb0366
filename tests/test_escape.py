"""Data in every output sink is escaped: no control character starts a line, breaks XML or becomes markup.

Each sink is tested with every control character: C0 (0x00-0x1f), DEL, C1 (0x80-0x9f), U+2028, U+2029.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import mistune
import pytest
from junitparser import JUnitXml

from provenance import _cli
from provenance.escape import github_data, github_property, json_document, markdown_code, markdown_text, one_line
from provenance.render.junit import JUnitWriter
from provenance.render.markdown import render_markdown
from provenance.render.outputs import github_annotations
from provenance.render.view import ReportView

CONTROLS = [chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029]]
RAW_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
XML_ALLOWED = {"\t", "\n", "\r"} | {chr(c) for c in range(0x7F, 0xA0)} | {"\u2028", "\u2029"}


def _hostile(char: str) -> str:
    """Data that would start a forged line of its own if `char` were printed raw."""
    return f"x{char}::warning::INJECTED{char}.txt"


def _ids(chars: list[str]) -> list[str]:
    return [f"U+{ord(c):04X}" for c in chars]


def _result(char: str, **changes: Any) -> dict[str, Any]:
    result = {
        "check": "fixity.listed",
        "file": _hostile(char),
        "status": "failed",
        "severity": "error",
        "message": f"reason{char}<b>|`x`|</b>",
        "engines": {},
        "details": {},
    }
    return {**result, **changes}


def _view(*results: dict[str, Any]) -> ReportView:
    head = {
        "schema_version": 1,
        "ok": False,
        "corpus": {"path": "c", "files": 1, "bytes": 1, "digest": "0" * 64},
        "summary": {"passed": 0, "failed": len(results), "waived": 0, "warnings": 0},
        "run": {"tool_version": "0"},
    }
    return ReportView(head, [], notable=list(results))


@pytest.mark.parametrize("char", CONTROLS, ids=_ids(CONTROLS))
def test_escapes_leave_no_control_character(char: str) -> None:
    """one_line, the GitHub escapes and markdown_text leave nothing a reader could take as a line break."""
    text = _hostile(char)
    for escaped in (one_line(text), github_data(text), github_property(text), markdown_text(text), markdown_code(text)):
        assert not RAW_CONTROL.search(escaped)
    assert one_line(text).count("INJECTED") == 1
    assert github_data(f"a{char}b") == ("a%0Ab" if char == "\n" else "a%0Db" if char == "\r" else one_line(f"a{char}b"))


@pytest.mark.parametrize("char", CONTROLS, ids=_ids(CONTROLS))
def test_terminal_lines_are_one_line_each(char: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's line sink prints data holding any control character as exactly one line."""
    _cli._print_lines([f"  FAILED   {_hostile(char)}: fixity.listed: msg{char}"])
    _cli._print(f"corpus-audit: {_hostile(char)}: not a directory", stream=sys.stderr)
    captured = capsys.readouterr()
    for stream in (captured.out, captured.err):
        assert stream.count("\n") == 1 and stream.endswith("\n")
        assert not RAW_CONTROL.search(stream[:-1])


@pytest.mark.parametrize("char", CONTROLS, ids=_ids(CONTROLS))
def test_json_documents_print_without_raw_line_breaks(char: str) -> None:
    """A JSON document printed to the terminal holds the same value and no raw control character."""
    value = {"file": _hostile(char)}
    printed = json_document(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(printed) == value
    assert not RAW_CONTROL.search(printed.replace("\n", ""))


@pytest.mark.parametrize("char", CONTROLS, ids=_ids(CONTROLS))
def test_annotations_are_one_workflow_command_each(char: str) -> None:
    """Each annotation is one line starting with ::error; file, title and message are escaped GitHub's way."""
    view = _view(_result(char, check=f"fix{char}ity:x,y"))
    (line,) = github_annotations(view, corpus=Path(f"c{char}"))
    assert not RAW_CONTROL.search(line)
    assert line.startswith("::error file=") and line.count("::") == 2  # the data holds no `::` of its own
    assert "INJECTED" in line and "%3A%3Awarning%3A%3AINJECTED" in line


@pytest.mark.parametrize("char", CONTROLS, ids=_ids(CONTROLS))
def test_junit_is_xml_whatever_the_names(char: str, tmp_path: Path) -> None:
    """junit.xml parses (ElementTree, junitparser) with any control character in a name or message."""
    writer = JUnitWriter(tmp_path / "junit.xml")
    name = f"ctl{char}\x01\x08name.txt"
    writer.add_row(name, [_result(char, file=name), _result(char, file=name, check="fixity.present", status="passed")])
    writer.finish(passed={"fixity.present": 1})
    cases = {c.get("classname"): c for c in ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")}
    shown = name.replace("\x01", "\\x01").replace("\x08", "\\x08")
    if char not in XML_ALLOWED:
        shown = shown.replace(char, one_line(char))
    assert cases["fixity.listed"].get("name") == shown
    failure = cases["fixity.listed"].find("failure")
    assert failure is not None and "reason" in str(failure.get("message"))
    assert len(list(JUnitXml.fromfile(str(tmp_path / "junit.xml")))) == 2


class _Cells(HTMLParser):
    """The text of each table cell and every tag name in a piece of HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


# GitHub's dialect: tables, strikethrough, math, raw HTML. (Bare URLs it links are left as links.)
_MARKDOWN = mistune.create_markdown(escape=False, plugins=["table", "strikethrough", "math"])
HOSTILE_MARKDOWN = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "**bold** __bold__ *em* _em_",
    "`code` ``code``",
    "[link](x.html) ![image](x.png) <http://example.org> <a@example.org>",
    "a | b || c",
    "a\\|b and a trailing backslash\\",
    "~~struck~~ $x^2$ $$y$$",
    "# heading",
    "- item",
    "+ item",
    "1. item",
    "2) item",
    "> quote",
    "===",
    "---",
    "&amp; &lt;b&gt; &#60;i&#62;",
    "line one\nline two\r\nline three\u2028four",
    "  leading and trailing spaces  ",
    "",
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN + [f"x{c}y" for c in CONTROLS], ids=repr)
def test_markdown_shows_data_as_text(text: str) -> None:
    """audit.md renders a file, check and message holding markup as exactly that text, one row per result."""
    view = _view(_result("", file=text, check=text, message=text))
    markdown = render_markdown(view)
    assert not RAW_CONTROL.search(markdown.replace("\n", ""))
    rows = [line for line in markdown.splitlines() if line.startswith("|") and not re.fullmatch(r"[|:-]+", line)]
    assert len(rows) == 4  # two header rows, the counts, the one finding: the data split or added none
    cells = _Cells()
    cells.feed(str(_MARKDOWN(markdown)))
    assert [cell.strip() for cell in cells.cells[4:]] == [one_line(text).strip()] * 3
    assert cells.tags <= {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "sub"}


def test_terminal_sink_is_what_main_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """An error naming a path with a newline is one line on stderr (the usage error's sink is the same)."""
    assert _cli.main(["verify", "no\nsuch\u2028dir"]) == 2
    err = capsys.readouterr().err
    assert err == "corpus-audit: no\\nsuch\\u2028dir: not a directory\n"


def test_printable_text_is_kept_as_it_is() -> None:
    """Escaping changes only control characters: Arabic, punctuation and symbols stay as they are."""
    text = "عنوان المقال — «اقتباس» 2022/01/17 \\ % :,"
    assert one_line(text) == text
