"""The parse cache: a warm run's audit.json is a cold run's, byte for byte outside `run`, whatever changed.

Runs are in-process (`main`), pandera only and without Data Docs, so a property test can afford many.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from provenance._cli import main
from provenance.fixity import statcache
from provenance.manifest.reader import read_manifest
from provenance.parsing.cache import DB_NAME, SNAPSHOTS, Marks, ParseCache, entry_key, mark
from provenance.parsing.corpus import parse_corpus
from provenance.parsing.settings import Source
from tests.golden import scrub

RESOURCES = Path(__file__).parent / "resources"
SOURCE = RESOURCES / "invariants"
RUN = ["--engine", "pandera", "--no-gx-docs", "--jobs", "1"]


def _audit(corpus: Path, out: Path, *cache: str) -> tuple[int, bytes]:
    """Exit code and audit.json (run block scrubbed) of one validate run; none after exit 2."""
    code = main(["validate", str(corpus), "--report-dir", str(out), *RUN, *cache])
    report = out / "audit.json"
    return code, scrub("reports/audit.json", report.read_bytes()) if report.exists() else b""


def _warm_equals_cold(corpus: Path, work: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The warm run's report (parse cache and stat cache, as the hook runs) is the cold run's, and
    the caches worked without a word (no note). The pause lets the stat cache's records age past
    its racy window (shortened by `quick_racy_window`), so later runs trust them."""
    capsys.readouterr()
    warm = _audit(corpus, work / "warm", "--cache-dir", str(cache_dir), "--changed")
    assert "cache" not in capsys.readouterr().err
    cold = _audit(corpus, work / "cold", "--no-cache")
    assert warm == cold
    time.sleep(QUICK_RACY_NS * 2 / 1e9)


QUICK_RACY_NS = 30_000_000  # 30 ms instead of 2 s, so a test need not wait


@pytest.fixture
def quick_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stat cache trusts a record once its file's times are 30 ms older than the recording run."""
    monkeypatch.setattr(statcache, "RACY_NS", QUICK_RACY_NS)


def _texts(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.glob("*.txt") if p.is_file())


# Each edit changes the corpus as a steward's commit might; some leave INDEX.md stale on purpose.
def _modify(corpus: Path, n: int) -> None:
    files = _texts(corpus)
    target = files[n % len(files)]
    target.write_bytes(target.read_bytes() + "\nسطر جديد أضيف إلى المقال للاختبار.\n".encode())


def _same_size(corpus: Path, n: int) -> None:
    """A change of one byte to another, same size, within the same second: only the digest tells."""
    files = _texts(corpus)
    target = files[n % len(files)]
    data = bytearray(target.read_bytes())
    if data:
        position = n % len(data)
        data[position] = ord("x") if data[position] != ord("x") else ord("y")
        stat = target.stat()
        target.write_bytes(bytes(data))
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def _touch(corpus: Path, n: int) -> None:
    target = _texts(corpus)[n % len(_texts(corpus))]
    os.utime(target)


def _add(corpus: Path, n: int) -> None:
    source = _texts(SOURCE)[n % len(_texts(SOURCE))]
    shutil.copyfile(source, corpus / f"added-{n}.txt")


def _delete(corpus: Path, n: int) -> None:
    files = _texts(corpus)
    if len(files) > 2:
        files[n % len(files)].unlink()


def _rename(corpus: Path, n: int) -> None:
    target = _texts(corpus)[n % len(_texts(corpus))]
    target.rename(corpus / f"renamed-{n}-{target.name}")


def _revert(corpus: Path, n: int) -> None:
    """A file back to its first bytes (a revert or a branch switch): its rows may be an entry now."""
    source = _texts(SOURCE)[n % len(_texts(SOURCE))]
    shutil.copyfile(source, corpus / source.name)


def _reindex(corpus: Path, n: int) -> None:
    del n
    assert main(["index", str(corpus), "--jobs", "1"]) == 0


def _policy(corpus: Path, n: int) -> None:
    order = ("dmy", "mdy", "ymd")[n % 3]
    (corpus / "corpus-audit.toml").write_text(
        f'[corpus]\ndate_order = "{order}"\n\n[duplicates]\nmin_chars = {20 + n % 3 * 10}\n', encoding="utf-8"
    )


def _waiver(corpus: Path, n: int) -> None:
    import hashlib

    files = _texts(corpus)
    target = files[n % len(files)]
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    (corpus / "WAIVERS.md").write_text(
        "# Waivers\n\n| file | check | sha256 | expires | reason |\n|---|---|---|---|---|\n"
        f"| `{target.name}` | article.source_line | {digest} | 2099-01-01 | Known: no source line. |\n",
        encoding="utf-8",
    )


def _outlets(corpus: Path, n: int) -> None:
    (corpus / "outlets.toml").write_text(
        f'[[outlet]]\nid = "local-{n}"\nkind = "publisher"\nname_latin = "Local {n}"\nnames = ["المحلية {n}"]\n',
        encoding="utf-8",
    )


EDITS = {
    "modify": _modify,
    "same_size": _same_size,
    "touch": _touch,
    "add": _add,
    "delete": _delete,
    "rename": _rename,
    "reindex": _reindex,
    "revert": _revert,
    "policy": _policy,
    "waiver": _waiver,
    "outlets": _outlets,
}


@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(sorted(EDITS)), st.integers(0, 50)), min_size=1, max_size=4))
def test_a_warm_run_gives_a_cold_runs_report_whatever_changed(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    steps: list[tuple[str, int]],
    quick_racy_window: None,
) -> None:
    """Random commits (modify, add, delete, rename, touch, a same-size change within the second,
    INDEX.md, WAIVERS.md, policy and registry edits): after each, the run that reuses the cache
    writes the audit.json a run without it writes."""
    work = tmp_path_factory.mktemp("edits")
    corpus = work / "corpus"
    shutil.copytree(SOURCE, corpus)
    cache_dir = work / "cache"
    _warm_equals_cold(corpus, work / "0", cache_dir, capsys)  # fills the cache
    for number, (edit, n) in enumerate(steps, start=1):
        EDITS[edit](corpus, n)
        _warm_equals_cold(corpus, work / str(number), cache_dir, capsys)


def test_an_unchanged_corpus_is_not_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second run takes every article's rows from the cache: the parser is not called at all."""
    import provenance.parsing.corpus as corpus_module

    cache_dir = tmp_path / "cache"
    first = _audit(SOURCE, tmp_path / "a", "--cache-dir", str(cache_dir))

    def no_parsing(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(corpus_module, "parse_article", no_parsing)
    assert _audit(SOURCE, tmp_path / "b", "--cache-dir", str(cache_dir)) == first
    assert main(["cache", "info", "--cache-dir", str(cache_dir)]) == 0


@pytest.mark.parametrize(
    ("damage", "note"),
    [
        ("garbage", "an entry was not usable (not a corpus-audit cache entry): parsed again"),
        ("truncated", "an entry was not usable (damaged entry"),
        ("foreign", "an entry was not usable (an entry for other bytes): parsed again"),
    ],
)
def test_a_damaged_entry_is_parsed_again_and_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str, note: str
) -> None:
    """An entry that is not ours, cut short, or another file's rows under this key is never trusted."""
    corpus, cache_dir = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SOURCE, corpus)
    cold = _audit(corpus, tmp_path / "cold", "--no-cache")
    _spill_every_article(corpus, tmp_path, cache_dir)
    with sqlite3.connect(cache_dir / DB_NAME) as db:
        rows = db.execute("SELECT key, value FROM entries ORDER BY key").fetchall()
        assert len(rows) == len(_texts(corpus))
        for number, (key, value) in enumerate(rows):
            changed = {
                "garbage": b"not a cache entry",
                "truncated": value[: len(value) // 2],
                "foreign": rows[(number + 1) % len(rows)][1],  # another file's rows
            }[damage]
            db.execute("UPDATE entries SET value = ? WHERE key = ?", (changed, key))
    capsys.readouterr()
    assert _audit(corpus, tmp_path / "warm", "--cache-dir", str(cache_dir)) == cold
    err = capsys.readouterr().err
    assert err.count("an entry was not usable") == 1 and note in err
    capsys.readouterr()
    assert _audit(corpus, tmp_path / "again", "--cache-dir", str(cache_dir)) == cold  # from the snapshot now
    assert "cache" not in capsys.readouterr().err


def _spill_every_article(corpus: Path, work: Path, cache_dir: Path) -> None:
    """Fill the cache, change every article (so the next run's snapshot drops each one's first rows
    into entries), then put the first bytes back: the next run's articles are all entries."""
    originals = {path: path.read_bytes() for path in _texts(corpus)}
    _audit(corpus, work / "fill", "--cache-dir", str(cache_dir))
    for path, data in originals.items():
        path.write_bytes(data + "\nسطر أضيف ثم أزيل.\n".encode())
    _reindex(corpus, 0)
    _audit(corpus, work / "changed", "--cache-dir", str(cache_dir))
    for path, data in originals.items():
        path.write_bytes(data)
    _reindex(corpus, 0)


def test_a_fill_writes_the_snapshot_and_no_entries_and_a_file_changed_back_is_not_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run keeps its rows in the snapshot only (entries would cost a quarter more time);
    the rows a later snapshot drops become entries, so putting a file's old bytes back (a revert,
    a branch switch) parses nothing."""
    import provenance.parsing.corpus as corpus_module

    corpus, cache_dir = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SOURCE, corpus)
    cold = _audit(corpus, tmp_path / "cold", "--no-cache")
    _audit(corpus, tmp_path / "fill", "--cache-dir", str(cache_dir))
    assert ParseCache.open(cache_dir).info().entries == 0
    _spill_every_article(corpus, tmp_path, cache_dir)
    assert ParseCache.open(cache_dir).info().entries == len(_texts(corpus))

    def no_parsing(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed again")

    monkeypatch.setattr(corpus_module, "parse_article", no_parsing)
    assert _audit(corpus, tmp_path / "reverted", "--cache-dir", str(cache_dir)) == cold


def test_snapshots_count_within_the_limit_and_the_oldest_goes_first(tmp_path: Path) -> None:
    """The limit bounds entries and snapshots together: beyond it, the snapshot of the corpus
    audited longest ago is dropped (and that corpus is parsed again, correctly), the newest kept."""
    cache_dir = tmp_path / "cache"
    corpora = []
    for name in ("first", "second"):
        corpora.append(tmp_path / name)
        shutil.copytree(SOURCE, corpora[-1])
        _audit(corpora[-1], tmp_path / f"{name}-fill", "--cache-dir", str(cache_dir))
    info = ParseCache.open(cache_dir).info()
    assert info.snapshots == 2
    one = info.snapshot_bytes // 2
    cache = ParseCache.open(cache_dir, limit=one + one // 2)  # room for one snapshot, not two
    cache.evict()
    assert cache.info().snapshots == 1
    cache.close()
    kept = ParseCache.open(cache_dir)._snapshot(corpora[1])[0]
    assert kept.exists()  # the newest
    cold = _audit(corpora[0], tmp_path / "cold", "--no-cache")
    assert _audit(corpora[0], tmp_path / "again", "--cache-dir", str(cache_dir)) == cold


@pytest.mark.parametrize("kind", ["a file", "beneath a file", "a corrupt database"])
def test_an_unusable_cache_leaves_the_run_uncached_and_says_so_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    """A cache folder that is a file, sits beneath one, or holds a database that is not one: the
    run gives the same verdict and report, uncached, with one line on stderr."""
    cold = _audit(SOURCE, tmp_path / "cold", "--no-cache")
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    folder = {"a file": tmp_path / "file", "beneath a file": tmp_path / "file" / "cache"}.get(kind)
    if folder is None:
        folder = tmp_path / "corrupt"
        folder.mkdir()
        (folder / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    capsys.readouterr()
    assert _audit(SOURCE, tmp_path / "warm", "--cache-dir", str(folder)) == cold
    lines = [line for line in capsys.readouterr().err.splitlines() if "cache" in line]
    assert len(lines) == 1 and lines[0].startswith(f"corpus-audit: cache {folder}: ")
    assert lines[0].endswith(": running uncached")
    assert main(["cache", "info", "--cache-dir", str(folder)]) == 2


def test_cache_info_and_clear(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """info says where the cache is and what it holds; clear empties it."""
    corpus, cache_dir = tmp_path / "corpus", tmp_path / "cache"
    shutil.copytree(SOURCE, corpus)
    _spill_every_article(corpus, tmp_path, cache_dir)
    files = len(_texts(corpus))
    capsys.readouterr()
    assert main(["cache", "info", "--cache-dir", str(cache_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"cache {cache_dir}: {files} entries, ") and "; 1 table snapshot, " in out
    assert main(["cache", "clear", "--cache-dir", str(cache_dir)]) == 0
    assert (
        capsys.readouterr().out == f"cache {cache_dir}: removed {files} entries, 1 table snapshot and 0 stat records\n"
    )
    assert main(["cache", "info", "--cache-dir", str(cache_dir)]) == 0
    assert capsys.readouterr().out.startswith(f"cache {cache_dir}: 0 entries, 0 bytes; 0 table snapshots, 0 bytes")


def test_the_cache_keeps_within_its_limit_dropping_the_least_recently_used(tmp_path: Path) -> None:
    """Beyond its size limit the entries used longest ago go first."""
    from provenance.parsing.cache import ParseCache

    cache = ParseCache.open(tmp_path / "cache", limit=1000)
    cache.put([("old", b"x" * 400)])
    cache.put([("mid", b"x" * 400)])
    cache.put([("new", b"x" * 400)])
    assert cache.get(["old"]) == {"old": b"x" * 400}  # used now: the newest use
    cache.evict()
    assert (cache.info().entries, cache.info().bytes) == (2, 800)
    assert set(cache.get(["old", "mid", "new"])) == {"old", "new"}
    assert set(cache.get(["old", "missing"])) == {"old"}  # some found, some not
    assert cache.notes == [] and cache.usable
    cache.close()


def test_warm_report_lists_the_same_articles(tmp_path: Path) -> None:
    """Article facts in a warm report (dates, outlets, lines) are the cold run's, value for value."""
    cache_dir = tmp_path / "cache"
    _audit(SOURCE, tmp_path / "fill", "--cache-dir", str(cache_dir))
    warm = json.loads(_audit(SOURCE, tmp_path / "warm", "--cache-dir", str(cache_dir))[1])
    cold = json.loads(_audit(SOURCE, tmp_path / "cold", "--no-cache")[1])
    assert warm["articles"] == cold["articles"] and warm["articles"]


def _tables(corpus: Path, cache: ParseCache | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = read_manifest(corpus).rows
    digests = {row.file: row.sha256 for row in rows} if cache is not None else None
    tables = parse_corpus(corpus, jobs=1, lean=True, rows=rows, cache=cache, digests=digests)
    return tables.articles, tables.paragraphs


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_tables_rebuilt_from_the_snapshot_are_a_full_parses_row_for_row(tmp_path: Path, edit: str) -> None:
    """After any edit, the tables assembled from the last run's snapshot, the entries and fresh
    parses are the tables parsing every file gives: same rows, order, dtypes and values."""
    corpus = tmp_path / "corpus"
    shutil.copytree(SOURCE, corpus)
    cache = ParseCache.open(tmp_path / "cache")
    _tables(corpus, cache)
    for n in (3, 11):
        EDITS[edit](corpus, n)
        _reindex(corpus, n)  # so INDEX.md's digests are the files' (a stale row is simply parsed)
        warm, cold = _tables(corpus, cache), _tables(corpus, None)
        for built, full in zip(warm, cold, strict=True):
            pd.testing.assert_frame_equal(built, full, check_exact=True)
    assert cache.notes == []
    cache.close()


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "a flipped byte", "one half from another run"],
)
def test_a_damaged_snapshot_is_not_used_and_said_once(tmp_path: Path, damage: str) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(SOURCE, corpus)
    cache = ParseCache.open(tmp_path / "cache")
    _tables(corpus, cache)
    articles, lines = sorted((tmp_path / "cache" / SNAPSHOTS).glob("*.arrow"))
    earlier = articles.read_bytes()
    _modify(corpus, 1)
    _reindex(corpus, 1)
    _tables(corpus, cache)  # a new snapshot, with another token
    if damage == "truncated":
        lines.write_bytes(lines.read_bytes()[:100])
    elif damage == "garbage":
        articles.write_bytes(b"not arrow")
    elif damage == "a flipped byte":  # same length, still Arrow: only the recorded digest tells
        data = bytearray(lines.read_bytes())
        data[len(data) // 2] ^= 0x40
        lines.write_bytes(bytes(data))
    else:
        articles.write_bytes(earlier)
    _modify(corpus, 2)
    _reindex(corpus, 2)
    warm, cold = _tables(corpus, cache), _tables(corpus, None)
    for built, full in zip(warm, cold, strict=True):
        pd.testing.assert_frame_equal(built, full, check_exact=True)
    assert len(cache.notes) == 1 and "the tables saved by the last run were" in cache.notes[0]
    cache.notes.clear()
    _tables(corpus, cache)  # saved whole again: used without a word
    assert cache.notes == []
    cache.close()


_SMALL = st.sampled_from(["a.txt", "b.txt"])
_FACT = st.none() | st.sampled_from(["utf-8", "windows-1256", 'it\'s "quoted"'])


@st.composite
def _marked(draw: st.DrawFn) -> tuple[str, str | None, Source, str]:
    """A snapshot row's parse: its context (which fixes the settings' encoding), file, facts, digest."""
    encoding = draw(_FACT)
    context = f"context for {encoding!r}{draw(st.sampled_from(['', ' and another registry']))}"
    source = Source(draw(_SMALL), encoding=draw(st.just(encoding) | _FACT), outlet=draw(st.none() | st.just("x")))
    return context, encoding, source, draw(st.sampled_from(["0" * 64, "f" * 64]))


@given(stored=_marked(), current=_marked())
def test_marks_match_exactly_when_the_keys_are_equal(
    stored: tuple[str, str | None, Source, str], current: tuple[str, str | None, Source, str]
) -> None:
    """A snapshot row is found by its mark (a digest, for a file whose row declares no facts) just
    when its entry key is the one the current parse has: never a row of other facts or settings."""
    (context, encoding, source, sha), (now, now_encoding, now_source, now_sha) = stored, current
    key, digest = mark(context, source, sha, encoding=encoding)
    marks = Marks(context=context, files=[source.file], keys=[key], plain=[digest])
    found = marks.positions([now_source.file], [mark(now, now_source, now_sha, encoding=now_encoding)], now)
    same = entry_key(context, source, sha) == entry_key(now, now_source, now_sha)
    assert found == ([0] if same else [None])
    assert (digest is None) == (source != Source(source.file, encoding=encoding))
