"""The corpus policy at work: overrides decide the gate, and every report shows them next to the verdict."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from provenance._cli import main
from provenance.audit.policy import parse_policy
from provenance.audit.validate import FailOn, validate_corpus
from tests.conftest import RESOURCES

NOW = datetime(2026, 11, 23, tzinfo=UTC)
#: Articles of the invariants corpus: one clean, and one failing each check the policies below touch.
ARTICLES = ("clean.txt", "no-source.txt", "future-date.txt", "latin-body.txt")
#: Steward-written text with markup of every kind the reports must show as text.
REASON = 'Wire copy <b>without</b> a source line; *kept* as "scraped" & `raw`'
SOURCE_OFF = f'[checks."article.source_line"]\nseverity = "off"\nreason = {json.dumps(REASON)}\n'
DATES_WARN = '[checks."article.published_valid"]\nseverity = "warning"\nreason = "Outlets post-date some articles"\n'
LANGUAGE_ERROR = (
    '[checks."article.language"]\nseverity = "error"\nreason = "An Arabic corpus: a Latin body is a wrong page"\n'
)
EXPIRED = DATES_WARN + "expires = 2020-01-31\n"


def _corpus(tmp_path: Path, policy: str | None = None) -> Path:
    """The four articles, indexed, with `policy` as corpus-audit.toml (none when None)."""
    root = tmp_path / "c"
    root.mkdir()
    for name in ARTICLES:
        shutil.copy(RESOURCES / "invariants" / name, root / name)
    assert main(["index", str(root)]) == 0
    if policy is not None:
        (root / "corpus-audit.toml").write_text(policy, encoding="utf-8")
    return root


NO_SOURCE = ("article.source_line", "no-source.txt")
FUTURE = ("article.published_valid", "future-date.txt")
LATIN = ("article.language", "latin-body.txt")
EXPIRY = ("policy.expired", None)


@pytest.mark.parametrize(
    ("policy", "fail_on", "ok", "notable"),
    [
        ("", "error", False, {NO_SOURCE: "error", FUTURE: "error", LATIN: "warning"}),
        (SOURCE_OFF, "error", False, {FUTURE: "error", LATIN: "warning"}),
        (SOURCE_OFF + DATES_WARN, "error", True, {FUTURE: "warning", LATIN: "warning"}),
        (SOURCE_OFF + DATES_WARN, "warning", False, {FUTURE: "warning", LATIN: "warning"}),
        (SOURCE_OFF + DATES_WARN + LANGUAGE_ERROR, "error", False, {FUTURE: "warning", LATIN: "error"}),
        (SOURCE_OFF + EXPIRED, "error", False, {FUTURE: "error", LATIN: "warning", EXPIRY: "error"}),
        (SOURCE_OFF + DATES_WARN + "expires = 2026-11-23\n", "error", True, {FUTURE: "warning", LATIN: "warning"}),
    ],
    ids=["none", "off", "off+warning", "fail-on-warning", "warning-made-error", "expired", "expires-today"],
)
def test_overrides_decide_the_gate(
    tmp_path: Path, policy: str, fail_on: FailOn, ok: bool, notable: dict[tuple[str, str | None], str]
) -> None:
    """Each failure has the policy's severity; an off check gives no result at all; an expired override
    no longer applies and is itself a policy.expired error; one expiring today still holds."""
    root = _corpus(tmp_path)
    audit = validate_corpus(root, engines=("pandera",), now=NOW, fail_on=fail_on, policy=parse_policy(policy))
    assert {(r.check, r.file): r.severity for r in audit.notable()} == notable
    assert audit.ok is ok
    if "off" in policy:
        assert not [r for r in audit.results if r.check == "article.source_line"]  # not run, not counted


def test_off_check_is_not_run_by_either_engine(tmp_path: Path) -> None:
    """With both engines an off check has no result, and the engines still agree on every other one."""
    root = _corpus(tmp_path)
    audit = validate_corpus(root, engines=("pandera", "gx"), now=NOW, policy=parse_policy(SOURCE_OFF + DATES_WARN))
    assert audit.ok
    assert not [r for r in audit.results if r.check == "article.source_line"]
    future = next(r for r in audit.notable() if r.file == "future-date.txt")
    assert future.engines == {"pandera": "failed", "gx": "failed"} and future.severity == "warning"


@pytest.fixture
def policy_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Path, str, int]:
    """validate (the real CLI) on the corpus with source_line off and published_valid a warning."""
    root = _corpus(tmp_path, SOURCE_OFF + DATES_WARN)
    capsys.readouterr()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    code = main(["validate", str(root), "--report-dir", str(tmp_path / "r"), "--engine", "pandera", "--jobs", "1"])
    return tmp_path / "r", capsys.readouterr().out, code


def test_policy_turns_the_run_green_and_audit_json_says_why(policy_run: tuple[Path, str, int]) -> None:
    """Exit 0; audit.json holds the policy block and each overridden check's severity in force."""
    reports, _, code = policy_run
    assert code == 0
    document = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    policy = document["policy"]
    assert set(policy) == {"file", "sha256", "corpus", "metadata", "duplicates", "checks"}
    assert policy["file"] == "corpus-audit.toml" and len(policy["sha256"]) == 64
    assert policy["corpus"] == {"encoding": None, "default_timezone": None, "date_order": "dmy"}
    assert policy["duplicates"] == {"min_chars": 30, "min_words": 5}
    assert policy["checks"] == [
        {
            "id": "article.published_valid",
            "severity": "warning",
            "catalogue_severity": "error",
            "reason": "Outlets post-date some articles",
            "expires": None,
            "expired": False,
            "line": 4,
        },
        {
            "id": "article.source_line",
            "severity": "off",
            "catalogue_severity": "error",
            "reason": REASON,
            "expires": None,
            "expired": False,
            "line": 1,
        },
    ]
    checks = {c["id"]: c for c in document["checks"]}
    assert checks["article.source_line"]["severity"] == "off"
    assert checks["article.source_line"]["override"] == {
        "catalogue_severity": "error",
        "reason": REASON,
        "expires": None,
    }
    assert checks["article.published_valid"]["severity"] == "warning"
    assert checks["article.title"]["severity"] == "error" and "override" not in checks["article.title"]
    assert not [r for r in document["results"] if r["check"] == "article.source_line"]
    assert document["summary"]["failed"] == 0 and document["summary"]["warnings"] == 2


def test_every_rendering_shows_the_overrides_escaped(tmp_path: Path, policy_run: tuple[Path, str, int]) -> None:
    """Printed lines, audit.md, the job summary, audit.html and junit.xml each say which check is off and why,
    the steward's reason shown as text, never markup."""
    reports, out, _ = policy_run
    assert f"  policy   article.source_line is off: {REASON}\n" in out
    assert "  policy   article.published_valid is a warning, not an error: Outlets post-date some articles\n" in out
    assert out.index("policy   article.source_line") < out.index("validate ")  # beside the verdict
    markdown = (reports / "audit.md").read_text(encoding="utf-8")
    escaped = r'Wire copy &lt;b&gt;without&lt;/b&gt; a source line; \*kept\* as "scraped" &amp; \`raw\`'
    assert f"- `article.source_line` is off: {escaped}\n" in markdown
    assert markdown.index("is off") < markdown.index("| passed |")
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == markdown + "\n"
    html = (reports / "audit.html").read_text(encoding="utf-8")
    header = html[html.index("<header") : html.index("</header>")]
    assert "<code>article.source_line</code> is off: " in header
    assert "Wire copy &lt;b&gt;without&lt;/b&gt; a source line; *kept* as &quot;scraped&quot; &amp; `raw`" in header
    assert '<section id="policy">' in html and "<b>" not in html
    suites = {s.get("name"): s for s in ET.parse(reports / "junit.xml").getroot()}
    off = suites["article.source_line"]
    assert off.get("tests") == "0" and not off.findall("testcase")
    properties = {p.get("name"): p.get("value") for p in off.iter("property")}
    assert properties == {
        "corpus-audit.severity": "off",
        "corpus-audit.policy": f"article.source_line is off: {REASON}",
    }
    warned = {p.get("name"): p.get("value") for p in suites["article.published_valid"].iter("property")}
    assert warned["corpus-audit.severity"] == "warning"


@pytest.mark.parametrize("fmt", ["html", "md", "junit"])
def test_report_rerenders_the_policy_byte_for_byte(policy_run: tuple[Path, str, int], tmp_path: Path, fmt: str) -> None:
    """`corpus-audit report` renders the saved policy block exactly as validate did."""
    reports, _, _ = policy_run
    name = {"html": "audit.html", "md": "audit.md", "junit": "junit.xml"}[fmt]
    assert main(["report", str(reports / "audit.json"), "--format", fmt, "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / name).read_bytes() == (reports / name).read_bytes()


@pytest.mark.parametrize(
    ("edit", "code", "fragment"),
    [
        (lambda d: d.pop("policy"), 0, None),  # a report written before policies existed
        (lambda d: d.update(policy=None), 0, None),
        (lambda d: d.update(policy=[]), 2, "'policy' has the wrong type (list)"),
        (lambda d: d["policy"].pop("checks"), 2, "policy lacks 'checks'"),
        (lambda d: d["policy"]["checks"][0].update(severity="never"), 2, "policy checks[0] has a severity"),
        (lambda d: d["policy"]["checks"][1].update(expired="no"), 2, "policy checks[1] 'expired' has the wrong type"),
        (lambda d: d["policy"]["corpus"].update(encoding=["x"]), 2, "policy corpus holds a value"),
    ],
)
def test_report_checks_the_policy_block(
    policy_run: tuple[Path, str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edit: object,
    code: int,
    fragment: str | None,
) -> None:
    """A saved report without a policy block still renders; a malformed block is a usage error naming it."""
    reports, _, _ = policy_run
    document = json.loads((reports / "audit.json").read_text(encoding="utf-8"))
    edit(document)  # type: ignore[operator]
    saved = tmp_path / "edited.json"
    saved.write_text(json.dumps(document), encoding="utf-8")
    assert main(["report", str(saved), "--format", "md", "--out", str(tmp_path / "out.md")]) == code
    if fragment:
        assert fragment in capsys.readouterr().err


def test_expired_override_fails_the_run_and_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An override past its date is exit 1 with policy.expired naming the check, its reason, expiry and line."""
    root = _corpus(tmp_path, SOURCE_OFF + "\n" + EXPIRED)
    capsys.readouterr()
    assert main(["validate", str(root), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"]) == 1
    out = capsys.readouterr().out
    expected = (
        "  FAILED   -: policy.expired: corpus-audit.toml's override of article.published_valid to warning expired "
        "on 2020-01-31, so it is error again: renew its expires (line 5) or remove the override "
        "(its reason: Outlets post-date some articles)\n"
    )
    assert expected in out
    assert "FAILED   future-date.txt: article.published_valid:" in out
    assert "policy   article.published_valid is an error again (its override to warning expired on 2020-01-31)" in out
    document = json.loads((tmp_path / "r" / "audit.json").read_text(encoding="utf-8"))
    assert document["policy"]["checks"][0]["expired"] is True
    expiry = next(r for r in document["results"] if r["check"] == "policy.expired")
    assert expiry["file"] is None and expiry["severity"] == "error"
    assert expiry["details"] == {
        "overridden_check": "article.published_valid",
        "severity": "warning",
        "reason": "Outlets post-date some articles",
        "expires": "2020-01-31",
        "policy_line": 5,
    }


def test_a_reason_cannot_forge_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Line breaks and control characters in a reason are shown as escapes: no printed line, Markdown
    list item or XML attribute can be started or ended by the steward's text."""
    reason = "first\\n::error::forged\\u2028second\\u0085third\\u0001"
    root = _corpus(tmp_path, f'[checks."article.source_line"]\nseverity = "off"\nreason = "{reason}"\n')
    capsys.readouterr()
    main(["validate", str(root), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"])
    out = capsys.readouterr().out
    assert r"  policy   article.source_line is off: first\n::error::forged\u2028second\x85third\x01" in out
    assert not [line for line in out.splitlines() if line.startswith("::")]
    markdown = (tmp_path / "r" / "audit.md").read_text(encoding="utf-8")
    item = next(line for line in markdown.split("\n") if "article.source_line" in line)
    assert item.endswith(r"is off: first\\n::error::forged\\u2028second\\x85third\\x01")
    ET.parse(tmp_path / "r" / "junit.xml")  # still well-formed XML
