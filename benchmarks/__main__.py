"""Run the benchmarks: `python -m benchmarks [--files N] [--repeat R]`; prints a report to stdout."""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.generate import article_corpus, plain_corpus
from provenance.manifest.reader import read_manifest


def run(argv: Sequence[str], *, cwd: Path | None = None) -> tuple[float, int, int]:
    """Wall seconds, exit code and peak RSS (KiB) of one command, measured for that command alone."""
    env = {**os.environ, "MEASURE_CWD": str(cwd or "")}
    measured = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", *argv], capture_output=True, text=True, check=True, env=env
    )
    figures = json.loads(measured.stdout)
    return figures["wall"], figures["code"], figures["maxrss_kib"]


def run_tree(argv: Sequence[str]) -> dict[str, Any]:
    """`run`'s figures, and the peak RSS (KiB) of the command, its JVMs, its other descendants and
    all together, sampled from /proc every 0.1 s (measure.py); `error`, when it failed, is the last
    line it wrote to stderr."""
    env = {**os.environ, "MEASURE_CWD": "", "MEASURE_TREE": "1"}
    measured = subprocess.run(
        [sys.executable, "-m", "benchmarks.measure", *argv], capture_output=True, text=True, check=True, env=env
    )
    figures: dict[str, Any] = json.loads(measured.stdout)
    return figures


def best_of(argv: Sequence[str], repeat: int, *, cwd: Path | None = None) -> tuple[float, int]:
    """Best wall time of `repeat` warm runs (after one warm-up), and the largest peak RSS seen."""
    run(argv, cwd=cwd)
    results = [run(argv, cwd=cwd) for _ in range(repeat)]
    bad = [code for _, code, _ in results if code != 0]
    if bad:
        raise SystemExit(f"benchmark command failed with exit {bad[0]}: {' '.join(argv)}")
    return min(wall for wall, _, _ in results), max(rss for _, _, rss in results)


def row(label: str, seconds: float, count: int, unit: str, *, peer: float, rss: int | None = None) -> str:
    """One report line: time, throughput, ratio to the peer and (optionally) peak memory."""
    memory = f"  peak RSS {rss // 1024} MiB" if rss is not None else ""
    return f"  {label:<28} {seconds:7.3f} s  {count / seconds:9.0f} {unit}/s  {seconds / peer:5.2f}x{memory}"


def bench_fixity(workdir: Path, *, files: int, repeat: int) -> list[str]:
    """corpus-audit verify (--jobs 1 and all cores) against `sha256sum -c` on the same files."""
    corpus = plain_corpus(workdir / f"plain-{files}", files=files)
    listing = workdir / f"plain-{files}.sha256"
    listing.write_text("".join(f"{r.sha256}  {r.file}\n" for r in read_manifest(corpus).rows), encoding="utf-8")
    cores = os.cpu_count() or 1
    peer, _ = best_of(["sha256sum", "--quiet", "-c", str(listing)], repeat, cwd=corpus)
    one, rss_one = best_of([*CLI, "verify", str(corpus), "--jobs", "1"], repeat)
    many, rss_many = best_of([*CLI, "verify", str(corpus), "--jobs", str(cores)], repeat)
    fast, _ = best_of([*CLI, "verify", str(corpus), "--fast"], repeat)
    return [
        f"fixity: {files} files of ~5 KB, best of {repeat} warm runs; peer: sha256sum -c",
        row("sha256sum -c (peer)", peer, files, "files", peer=peer),
        row("verify --jobs 1", one, files, "files", peer=peer, rss=rss_one),
        row(f"verify --jobs {cores}", many, files, "files", peer=peer, rss=rss_many),
        row("verify --fast (sizes only)", fast, files, "files", peer=peer),
    ]


CLI = [sys.executable, "-m", "provenance"]
# The floor any Python parser pays: read, decode and split every file, in one process.
READ_FLOOR = (
    "import sys, pathlib\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.txt')): p.read_bytes().decode('utf-8', 'replace').splitlines()"
)


def bench_parse(workdir: Path, *, files: int, repeat: int) -> list[str]:
    """corpus-audit parse on realistic articles, against the read-decode-split floor."""
    corpus = article_corpus(workdir / f"articles-{files}", files=files)
    cores = os.cpu_count() or 1
    out = workdir / "parsed"
    peer, _ = best_of([sys.executable, "-c", READ_FLOOR, str(corpus)], repeat)
    one, rss_one = best_of([*CLI, "parse", str(corpus), "--out", str(out), "--jobs", "1"], repeat)
    many, rss_many = best_of([*CLI, "parse", str(corpus), "--out", str(out), "--jobs", str(cores)], repeat)
    return [
        f"parse: {files} articles (both seed layouts, 2% planted defects), best of {repeat}; peer: read+decode+split",
        row("read+decode+split (peer)", peer, files, "articles", peer=peer),
        row("parse --jobs 1", one, files, "articles", peer=peer, rss=rss_one),
        row(f"parse --jobs {cores}", many, files, "articles", peer=peer, rss=rss_many),
        f"  per core with all cores busy: {files / many / cores:.0f} articles/s",
    ]


#: Size targets at 100,000 articles (issue 12), in MB; validate end to end should take under 35 s.
REPORT_TARGETS = {"audit.json": 20, "junit.xml": 5, "audit.html": 10}
VALIDATE_TARGET = 35.0


def bench_validate(workdir: Path, *, files: int, repeat: int) -> list[str]:
    """corpus-audit validate end to end (both engines, every report), with each stage's share and the
    size of each report; peer: parse alone. Then the caches (issue 13), in the same invocation: the
    cold run that fills them, a warm run after a one-file commit, and the pre-commit hooks' path."""
    del repeat  # one run each: a 100,000-article validate is long enough to be stable
    corpus = workdir / f"articles-{files}"
    if not corpus.exists():
        article_corpus(corpus, files=files, defect_rate=0.02)
    reports = workdir / "reports"
    peer, _ = best_of([*CLI, "parse", str(corpus), "--out", str(workdir / "parsed")], 1)
    wall, code, rss = run([*CLI, "validate", str(corpus), "--report-dir", str(reports), "--no-cache"])
    if code not in (0, 1):
        raise SystemExit(f"validate failed with exit {code}")
    report_run = json.loads(_tail(reports / "audit.json"))["run"]
    stages = report_run["stages"]
    shares = ", ".join(f"{name} {seconds:.1f} s ({seconds / wall:.0%})" for name, seconds in stages.items())
    engines = [stages[name] for name in report_run["engines"] if name in stages]
    aside = report_run["jobs"] > 1 and len(engines) > 1  # GX ran in a child beside the others
    outside = wall - sum(stages.values()) + (sum(engines) - max(engines) if aside else 0)
    if aside:
        shares += " (the engines side by side)"
    target = f"; target at 100,000: < {VALIDATE_TARGET:.0f} s" if files == 100_000 else ""
    return [
        f"validate: {files} articles (2% planted defects), both engines, every report, one run; peer: parse alone",
        row("parse (peer)", peer, files, "articles", peer=peer, rss=None),
        row("validate (no cache)", wall, files, "articles", peer=peer, rss=rss) + target,
        f"  stages: {shares}; start-up, imports and report writing {outside:.1f} s ({outside / wall:.0%})",
        *report_sizes(reports, files=files),
        *_bench_caches(workdir, corpus, files=files, cold=wall),
    ]


def _bench_caches(workdir: Path, corpus: Path, *, files: int, cold: float) -> list[str]:
    """The caches against the cold run just measured: filling them, a warm run after one file
    changed (and INDEX.md re-indexed, as a commit would), and the hooks' commands after another."""
    cache = workdir / f"cache-{files}"
    shutil.rmtree(cache, ignore_errors=True)
    cached = ["--cache-dir", str(cache)]
    reports = workdir / "reports-cached"
    validate = [*CLI, "validate", str(corpus), "--report-dir", str(reports), *cached]
    fill, _, _ = run(validate)
    size = sum(path.stat().st_size for path in cache.rglob("*") if path.is_file())
    run([*CLI, "verify", str(corpus), "--changed", *cached])  # the hooks' first run records every file
    originals = _change_files(corpus, 2)
    try:
        run([*CLI, "index", str(corpus)])
        warm, code, _ = run(validate)
        if code not in (0, 1):
            raise SystemExit(f"warm validate failed with exit {code}")
        _commit_all(corpus)  # the hook judges what is staged against the last commit
        originals.update(_change_files(corpus, 1, skip=2))
        run([*CLI, "index", str(corpus)])
        _git(corpus, "add", "-A")
        hook = min(run([*CLI, "validate", str(corpus), *HOOK, *cached])[0] for _ in range(3))
        originals.update(_change_files(corpus, 1, skip=3))
        run([*CLI, "index", str(corpus)])
        verify, _, _ = run([*CLI, "verify", "--strict", "--changed", str(corpus), *cached])
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        run([*CLI, "index", str(corpus)])
    return [
        f"caches: {files} articles; peer: the cold run above ({cold:.1f} s)",
        row("validate, filling the cache", fill, files, "articles", peer=cold) + "  (target: <= 1.10x)",
        row("validate, warm, 1 file changed", warm, files, "articles", peer=cold) + "  (target: < 10 s)",
        f"  hook path, 1 file changed and staged: {hook:.2f} s, best of 3 (the validate hook: validate"
        f" {' '.join(HOOK)}; target: < 2 s); the verify hook alone, another file changed: {verify:.2f} s",
        f"  cache folder: {size / 1e6:.1f} MB, {size / files:.0f} B/article",
    ]


#: What the corpus-audit-validate pre-commit hook passes (.pre-commit-hooks.yaml).
HOOK = ("--engine", "pandera", "--no-report", "--changed", "--strict", "--staged")
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@localhost"}
GIT_ENV |= {"GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@localhost"}


def _git(corpus: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=corpus, check=True, capture_output=True, env={**os.environ, **GIT_ENV})


def _commit_all(corpus: Path) -> None:
    """Commit the corpus as it is (a repository of its own the first time): what the hook runs after."""
    if not (corpus / ".git").exists():
        _git(corpus, "init", "-q")
    _git(corpus, "add", "-A")
    _git(corpus, "commit", "-q", "--allow-empty", "-m", "benchmark state")


def _change_files(corpus: Path, count: int, *, skip: int = 0) -> dict[Path, bytes]:
    """Append a line to `count` articles (after `skip`); their original bytes, to put back."""
    targets = sorted(corpus.rglob("*.txt"))[skip : skip + count]
    originals = {path: path.read_bytes() for path in targets}
    for path, data in originals.items():
        path.write_bytes(data + "\nسطر أضيف للقياس.\n".encode())
    return originals


def report_sizes(reports: Path, *, files: int) -> list[str]:
    """Each report's size, per 1,000 articles too, beside its target; audit.json's sections."""
    lines = []
    for name, target in REPORT_TARGETS.items():
        size = (reports / name).stat().st_size
        lines.append(
            f"  {name:<11} {size / 1e6:8.2f} MB  {size / files:8.0f} B/article  (target at 100,000: < {target} MB)"
        )
    sections = _sections(reports / "audit.json")
    listed = sections.get("results", (0, 0))
    shown = ", ".join(f"{name} {size / 1e6:.2f} MB" for name, (_, size) in sections.items())
    lines.append(f"  audit.json: {listed[0]} results listed; {shown}")
    return lines


def _sections(path: Path) -> dict[str, tuple[int, int]]:
    """audit.json's parts as validate lays them out: (lines, bytes) of the head, results, articles and run."""
    sections: dict[str, tuple[int, int]] = {}
    current = "head"
    with path.open("rb") as handle:
        for line in handle:
            stripped = line.rstrip(b"\n")
            if stripped in (b'  "results": [', b'  "articles": [') or stripped.startswith(b'  "run": '):
                current = stripped.split(b'"')[1].decode()
                count, size = sections.get(current, (0, 0))
                sections[current] = (count, size + len(line))
                continue
            count, size = sections.get(current, (0, 0))
            item = current in ("results", "articles") and stripped not in (b"  ],", b"  ]")
            sections[current] = (count + item, size + len(line))
    return sections


def _tail(path: Path, size: int = 1 << 16) -> str:
    """audit.json's run block read from its end (the report may be large), as a small JSON object."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - size))
        text = handle.read().decode("utf-8", errors="replace")
    return "{" + text[text.rindex('\n  "run": ') + 1 :]


def bench_hook(workdir: Path, *, files: int, repeat: int) -> list[str]:
    """What the corpus-audit-verify hook runs, on 2,000 files of which one changed."""
    del files  # the hook benchmark's size is fixed by the issue: 2,000 files
    corpus = plain_corpus(workdir / "hook-2000", files=2000)
    target = next((corpus / "0007").iterdir())
    target.write_bytes(target.read_bytes() + b" changed")
    argv = [*CLI, "verify", "--strict", str(corpus)]
    run(argv)
    walls = []
    for _ in range(max(3, repeat)):
        wall, code, _ = run(argv)
        if code != 1:
            raise SystemExit(f"the hook should have failed on the changed file, exit {code}")
        walls.append(wall)
    startup = min(run([sys.executable, "-c", "import provenance._cli"])[0] for _ in range(3))
    return [
        "hook: corpus-audit verify --strict on 2,000 files, one changed (the verify hook's command)",
        f"  best {min(walls):.3f} s, worst {max(walls):.3f} s of {len(walls)} runs; "
        f"Python start-up and imports {startup:.3f} s of that",
    ]


#: bagit-python's own bag maker, with the one algorithm our bags carry (its default adds sha512).
MAKE_BAG = "import bagit, sys; bagit.make_bag(sys.argv[1], checksums=['sha256'], processes=int(sys.argv[2]))"
#: sha256sum over every article file: the listing our sha256sum export writes, made by coreutils.
SHA256SUM = 'find . -type f ! -name INDEX.md -print0 | sort -z | xargs -0 sha256sum > "$0"'


def bench_export(workdir: Path, *, files: int, repeat: int) -> list[str]:
    """corpus-audit export in each format against the nearest peer in the same run: sha256sum over
    the files for the listing, bagit's make_bag on a fresh copy of the corpus for the bag (and for the
    package and Croissant, which copy and hash as a bag does, then parse). make_bag moves the files
    of the copy it is given, so the copy's own time (`cp -r`) is shown beside it, and so is a bag
    whose payload is hard-linked (`--link`), which copies nothing either."""
    corpus = workdir / f"articles-{files}"
    if not corpus.exists():
        article_corpus(corpus, files=files, defect_rate=0.02)
    cores = os.cpu_count() or 1
    out = workdir / "export-out"
    listing, _ = _best_fresh(["sh", "-c", SHA256SUM, str(out)], out, repeat, cwd=corpus)
    bag, bag_rss = _best_fresh([sys.executable, "-c", MAKE_BAG, str(out), str(cores)], out, repeat, copy=corpus)
    copying, _ = _best_fresh(["cp", "-r", str(corpus), str(out)], out, repeat)  # what make_bag was spared
    exported = {
        " ".join(how): _best_fresh([*CLI, "export", str(corpus), "--format", *how, "--out", str(out)], out, repeat)
        for how in (["sha256sum"], ["bagit"], ["bagit", "--link"], ["datapackage"], ["croissant"])
    }
    parse, _ = _best_fresh([*CLI, "parse", str(corpus), "--out", str(out), "--format", "csv"], out, repeat)
    shutil.rmtree(out, ignore_errors=True)
    (sums, sums_rss), rest = exported.pop("sha256sum"), exported
    return [
        f"export: {files} articles (2% planted defects), best of {repeat}, {cores} cores; peers: sha256sum over "
        "the files, bagit.make_bag (sha256) on a fresh copy",
        row("sha256sum over files (peer)", listing, files, "files", peer=listing),
        row("export sha256sum", sums, files, "files", peer=listing, rss=sums_rss),
        row("bagit.make_bag (peer)", bag, files, "files", peer=bag, rss=bag_rss),
        row("cp -r, then bagit.make_bag", copying + bag, files, "files", peer=bag),
        *(row(f"export {fmt}", seconds, files, "files", peer=bag, rss=rss) for fmt, (seconds, rss) in rest.items()),
        f"  parse --format csv alone (inside datapackage and croissant): {parse:.3f} s ({parse / bag:.2f}x make_bag)",
    ]


def _best_fresh(
    argv: Sequence[str], out: Path, repeat: int, *, cwd: Path | None = None, copy: Path | None = None
) -> tuple[float, int]:
    """Best wall time and largest peak RSS of `repeat` runs of a command that writes `out`, which is
    removed (or made a fresh copy of `copy`) before each run, outside the timing."""
    walls, peak = [], 0
    for _ in range(repeat):
        shutil.rmtree(out, ignore_errors=True)
        out.unlink(missing_ok=True)
        if copy is not None:
            shutil.copytree(copy, out)
        wall, code, rss = run(argv, cwd=cwd)
        if code != 0:
            raise SystemExit(f"benchmark command failed with exit {code}: {' '.join(argv)}")
        walls.append(wall)
        peak = max(peak, rss)
    return min(walls), peak


SPARK_RSS_TARGET_GIB = 2.0
#: The large run's masters: local[2] as issue 15 asks (one JVM is the driver and both executors),
#: and local-cluster, whose executors are JVMs of their own, so the driver's JVM is measured alone.
LARGE_MASTERS = ("local[2]", "local-cluster[2,1,1024]")


def bench_spark(workdir: Path, *, files: int, repeat: int, large: int = 0) -> list[str]:
    """validate --backend spark (issue 15) on `local[1]` and `local[2]` against the local backend in
    the same invocation, both engines, no cache; the reports must agree outside `run`. Where the time
    goes: each Spark run's stages. Memory: the driver's peak RSS (the Python process and its JVM,
    sampled from /proc). With `large`, one more corpus of that size on each of LARGE_MASTERS, for
    the driver's memory (target: < 2 GiB)."""
    del repeat  # one run each: a Spark run takes minutes
    corpus = workdir / f"articles-{files}"
    if not corpus.exists():
        article_corpus(corpus, files=files, defect_rate=0.02)
    reports = {name: workdir / f"reports-spark-{name}" for name in ("local", "local[1]", "local[2]")}
    local = run_tree([*CLI, "validate", str(corpus), "--report-dir", str(reports["local"]), "--no-cache"])
    lines = [
        f"spark: {files} articles (2% planted defects), validate with both engines, no cache, one run each;"
        " peer: the local backend",
        _spark_row("local backend (peer)", local, files, peer=local["wall"]),
    ]
    spark = {}
    for master in ("local[1]", "local[2]"):
        argv = ["--backend", "spark", "--master", master, "--report-dir", str(reports[master]), "--no-cache"]
        spark[master] = run_tree([*CLI, "validate", str(corpus), *argv])
        lines.append(_spark_row(f"spark {master}", spark[master], files, peer=local["wall"]))
    for master, figures in spark.items():
        if figures["code"] not in (0, 1):
            lines.append(f"  spark {master} failed with exit {figures['code']:.0f}: {figures.get('error', '')}")
            continue
        same = _outside_run(reports[master] / "audit.json") == _outside_run(reports["local"] / "audit.json")
        stages = json.loads(_tail(reports[master] / "audit.json"))["run"]["stages"]
        shares = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items())
        lines.append(
            f"  {master}: audit.json {'equals' if same else 'DIFFERS FROM'} the local one outside run; {shares}"
        )
    if all(figures["code"] in (0, 1) for figures in spark.values()):
        lines.append(f"  local[2] against local[1]: {spark['local[2]']['wall'] / spark['local[1]']['wall']:.2f}x")
    if large:
        big = workdir / f"articles-{large}"
        if not big.exists():
            article_corpus(big, files=large, defect_rate=0.02)
        for master in LARGE_MASTERS:
            out = workdir / f"reports-spark-large-{master}"
            argv = ["--backend", "spark", "--master", master, "--report-dir", str(out), "--no-cache"]
            figures = run_tree([*CLI, "validate", str(big), *argv])
            driver = (figures.get("peak_driver_kib", 0) + figures.get("peak_jvm_kib", 0)) / (1 << 20)
            which = "Python driver and its JVM" + (", which holds the executors too" if master == "local[2]" else "")
            lines += [
                f"spark: {large} articles on {master}: exit {figures['code']:.0f} {figures.get('error', '')}".rstrip(),
                _spark_row(f"spark {master}", figures, large, peer=figures["wall"])
                + f"  ({which}: {driver:.2f} GiB; driver target: < {SPARK_RSS_TARGET_GIB:.0f} GiB)",
            ]
            if figures["code"] in (0, 1):
                stages = json.loads(_tail(out / "audit.json"))["run"]["stages"]
                lines.append("  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in stages.items()))
    return lines


def _spark_row(label: str, figures: dict[str, Any], files: int, *, peer: float) -> str:
    roles = ("driver", "jvm", "executors", "workers", "total")
    memory = ", ".join(
        f"{role} {figures[f'peak_{role}_kib'] / 1024:.0f} MiB" for role in roles if f"peak_{role}_kib" in figures
    )
    return row(label, figures["wall"], files, "articles", peer=peer) + f"  peak RSS: {memory}"


def _outside_run(path: Path) -> object:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("run", None)
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--files", type=int, default=100_000, help="corpus size (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per command (default 3)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument(
        "--only",
        action="append",
        choices=("fixity", "parse", "validate", "hook", "export", "spark"),
        help="run only these benchmarks (spark: not run unless named; needs corpus-audit[spark])",
    )
    parser.add_argument(
        "--spark-large",
        type=int,
        default=0,
        metavar="N",
        help="with --only spark: also audit N articles on local[2] for the driver's memory (e.g. 1000000)",
    )
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="corpus-audit-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    benches: dict[str, Callable[..., list[str]]] = {
        "fixity": bench_fixity,
        "parse": bench_parse,
        "validate": bench_validate,
        "hook": bench_hook,
        "export": bench_export,
        "spark": functools.partial(bench_spark, large=args.spark_large),
    }
    lines: list[str] = []
    try:
        for name in args.only or [name for name in benches if name != "spark"]:
            sizes = (
                (2000,)
                if name == "hook"
                else (args.files,)
                if name == "spark"
                else (args.files, max(1, args.files // 10))
            )
            for files in sizes:
                done = [*benches[name](workdir, files=files, repeat=args.repeat), ""]
                lines += done
                print("\n".join(done), file=sys.stderr, flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
