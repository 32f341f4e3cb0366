"""The seeds are the data under audit: byte-for-byte the originals, pinned by seeds/INDEX.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from provenance.fixity.verify import verify_fixity

REPO = Path(__file__).parent.parent
ORIGINALS = REPO.parent / "shared" / "seeds"


@pytest.mark.skipif(not ORIGINALS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_seeds_are_the_originals_byte_for_byte() -> None:
    """Every original seed file is in seeds/ unchanged."""
    originals = sorted(ORIGINALS.glob("*.txt"))
    assert originals
    for original in originals:
        assert (REPO / "seeds" / original.name).read_bytes() == original.read_bytes()


def test_seed_manifest_pins_the_seeds() -> None:
    """seeds/INDEX.md verifies clean against the seed files."""
    report = verify_fixity(REPO / "seeds")
    assert report.ok, report.failures
    assert report.names() == ["000_351c3a7ca37fd0ed.txt", "001_da717efd77834096.txt"]
    assert report.differing == {}
    assert report.pin == report.manifest.pin
    assert (report.pin.files, report.pin.bytes) == (2, 9652)
    assert report.pin.digest == "afef8f4dd6e08219051e1cab6b92d73c1310b3786a9d2b8727a93c13db1622a9"
