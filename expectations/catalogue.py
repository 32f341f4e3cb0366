"""The check catalogue: every check's stable id, meaning, severity and scope, as plain data.

Check ids are public interface (reports, waivers, README): never rename one, add a new id instead.
This module imports nothing heavy, so the fast verify path can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
Scope = Literal["manifest", "file", "article", "paragraph", "corpus", "waiver"]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check: `id` is stable; `scope` says what a result is about."""

    id: str
    title: str
    description: str
    severity: Severity
    scope: Scope


FIXITY: tuple[CheckSpec, ...] = (
    CheckSpec(
        "manifest.pin",
        "Corpus pin is current",
        "The pin line under INDEX.md's table matches its rows (file count, bytes, digest).",
        "error",
        "manifest",
    ),
    CheckSpec(
        "fixity.present",
        "Listed file exists",
        "A file listed in INDEX.md exists in the corpus directory.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.listed",
        "File is listed",
        "A payload file on disk is listed in INDEX.md.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.regular_file",
        "Regular file",
        "The path is a regular file: symbolic links are never followed, devices and FIFOs never read.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.readable",
        "File is readable",
        "The file can be opened and read.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.bytes",
        "Size matches",
        "The file's size in bytes equals the size INDEX.md records.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.sha256",
        "SHA-256 matches",
        "The file's SHA-256 digest equals the digest INDEX.md records.",
        "error",
        "file",
    ),
    CheckSpec(
        "fixity.unicode_names",
        "Names are distinct after normalization",
        "No two file names differ only by Unicode normalization (NFC vs NFD).",
        "error",
        "file",
    ),
)

CATALOGUE: dict[str, CheckSpec] = {spec.id: spec for spec in FIXITY}


def severity_of(check_id: str) -> Severity:
    """The severity the catalogue gives `check_id`."""
    return CATALOGUE[check_id].severity
