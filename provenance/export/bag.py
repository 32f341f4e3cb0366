"""A BagIt 1.0 bag (RFC 8493): the corpus as its payload, sha256 manifests, and bag-info.txt.

`data/` is a copy of the corpus folder (INDEX.md and the corpus's other metadata files included,
so `corpus-audit verify OUT/data` works on it); each payload file is copied, or hard-linked with
`link`, from the verified bytes and checked again as it is. bag-info.txt carries the payload's
octet count (Payload-Oxum), the bagging date and the corpus pin.
"""

from __future__ import annotations

from pathlib import Path

from provenance._version import __version__
from provenance.errors import UsageError
from provenance.export.plan import ExportPlan, sha256_of


def write_bag(plan: ExportPlan, target: Path) -> None:
    if clash := next((row.file for row in plan.rows if "%" in row.file), None):
        # RFC 8493 says a manifest writes "%" as "%25"; bagit-python (LibraryOfCongress/bagit-python#157)
        # and most other tools do not decode it, so either spelling gives a bag some validator misreads.
        raise UsageError(
            f"{clash}: a '%' in a file name is read differently by BagIt tools (RFC 8493 2.1.3 against "
            "bagit-python): rename the file, or export another format"
        )
    target.mkdir()
    payload = target / "data"
    sums: list[tuple[str, str]] = []
    octets = 0
    for row in plan.rows:
        size, digest = plan.copy(row, payload / row.file)
        sums.append((f"data/{row.file}", digest))
        octets += size
    for name, size, digest in plan.copy_metadata(payload):
        sums.append((f"data/{name}", digest))
        octets += size
    _write(target / "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
    _write(target / "manifest-sha256.txt", "".join(f"{digest}  {_encoded(path)}\n" for path, digest in sorted(sums)))
    pin = plan.pin
    _write(
        target / "bag-info.txt",
        f"Bag-Software-Agent: corpus-audit {__version__}\n"
        f"Bagging-Date: {plan.today.isoformat()}\n"
        f"Payload-Oxum: {octets}.{len(sums)}\n"
        f"External-Description: a news-article corpus exported by corpus-audit after a fixity check\n"
        f"Corpus-Pin: {pin.files} files, {pin.bytes} bytes, sha256 {pin.digest}\n",
    )
    tags = ("bag-info.txt", "bagit.txt", "manifest-sha256.txt")
    _write(
        target / "tagmanifest-sha256.txt",
        "".join(f"{sha256_of(target / name)}  {name}\n" for name in tags),
    )


def _encoded(path: str) -> str:
    """A manifest path as RFC 8493 2.1.3 writes it: CR and LF percent-encoded (INDEX.md allows
    neither; a "%" is refused above)."""
    return path.replace("\r", "%0D").replace("\n", "%0A")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
