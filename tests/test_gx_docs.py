"""GX runs offline (no analytics, no network) and its Data Docs name unexpected rows by file."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provenance._cli import main

REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def gx_reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Any]]]:
    """One validate run with GX Data Docs, every name lookup and connection refused and recorded."""
    out = tmp_path_factory.mktemp("gx-docs")
    attempts: list[Any] = []

    def refuse(*args: Any) -> None:
        attempts.append(args)
        raise OSError("network is off in this test")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)  # a name looked up is a name told
        assert main(["validate", str(REPO / "tests" / "resources" / "invariants"), "--report-dir", str(out)]) == 1
    yield out, attempts


def test_validate_with_gx_makes_no_network_call(gx_reports: tuple[Path, list[Any]]) -> None:
    """Neither GX nor anything else opens a connection during validate (GX's analytics are off)."""
    _, attempts = gx_reports
    assert attempts == []


def test_validation_pages_name_rows_by_file(gx_reports: tuple[Path, list[Any]]) -> None:
    """GX's validation pages name each unexpected row by its file (and line), not by an index number."""
    docs = gx_reports[0] / "gx" / "validations"
    (articles,) = docs.rglob("*articles.html")
    (paragraphs,) = docs.rglob("*paragraphs.html")
    assert "future-date.txt" in articles.read_text(encoding="utf-8")
    assert "repeated-paragraph.txt" in paragraphs.read_text(encoding="utf-8")
