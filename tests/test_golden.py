"""Every command's output on every test corpus is byte for byte what tests/resources/golden holds."""

from __future__ import annotations

import pytest

from tests.golden import COMMANDS, CORPORA, golden_path, run


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("corpus", CORPORA)
def test_output_is_byte_identical_to_golden(corpus: str, command: str) -> None:
    """stdout, stderr, exit code and written reports equal the golden files (run metadata masked)."""
    got = run(corpus, command)
    expected = {name: golden_path(corpus, command, name) for name in got}
    assert all(path.exists() for path in expected.values()), "golden files missing: run `nox -s fixtures`"
    for name, data in got.items():
        assert data == expected[name].read_bytes(), f"{corpus} {command}: {name} differs from the golden file"
