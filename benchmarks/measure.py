"""Run one command and print its wall time, exit code and peak RSS as JSON.

The benchmark driver starts this small process first, so the measured command is forked from a
fresh interpreter: a child forked straight from the large driver would count the driver's pages
in its peak RSS.

With MEASURE_TREE=1 it also samples, every 0.1 s, the resident memory of every process the
command starts (from /proc), and reports the peaks of the command itself, of the JVMs among its
descendants (a Spark driver is the Python process and the JVM it starts), of the other
descendants (Python workers), and of their sum. ru_maxrss alone cannot tell these apart.

The command's stderr is kept aside: a failed command's last line is reported as `error`, so a
benchmark that fails says why; MEASURE_STDERR=path keeps all of it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO


def main() -> int:
    argv = sys.argv[1:]
    cwd = os.environ.get("MEASURE_CWD") or None
    kept = os.environ.get("MEASURE_STDERR")
    errors = open(kept, "w+b") if kept else tempfile.TemporaryFile()  # noqa: SIM115 (closed below)
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
    peaks: dict[str, int] = {}
    if os.environ.get("MEASURE_TREE"):
        while os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            _sample(process.pid, peaks)
            time.sleep(0.1)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    figures: dict[str, object] = {"wall": wall, "code": code, "maxrss_kib": usage.ru_maxrss}
    if code != 0:
        figures["error"] = _last_line(errors)
    errors.close()
    print(json.dumps(figures | {f"peak_{role}_kib": kib for role, kib in peaks.items()}))
    return 0


def _sample(root: int, peaks: dict[str, int]) -> None:
    """One reading of the RSS of `root` and its descendants, into `peaks` by role."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            name, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
            parents[int(entry.name)], names[int(entry.name)] = int(rest[1]), name
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid and child not in tree]
        tree.update(children)
        frontier += children
    now = {"driver": 0, "jvm": 0, "workers": 0}
    for pid in tree:
        role = _role(pid, root, parents, names)
        now[role] = now.get(role, 0) + _rss_kib(pid)
    now["total"] = sum(now.values())
    for role, kib in now.items():
        peaks[role] = max(peaks.get(role, 0), kib)


def _role(pid: int, root: int, parents: dict[int, int], names: dict[int, str]) -> str:
    """driver (the command), jvm (a JVM it starts: in local mode the Spark driver and its
    executors; with local-cluster, the driver only), executors (a JVM a JVM starts: local-cluster's
    executors) or workers (any other process: Python workers)."""
    if pid == root:
        return "driver"
    if names.get(pid) != "java":
        return "workers"
    return "executors" if names.get(parents.get(pid, 0)) == "java" else "jvm"


def _last_line(stream: IO[bytes]) -> str:
    """The last non-blank line a command wrote to `stream` (its end only: a log can be large)."""
    stream.seek(0, os.SEEK_END)
    stream.seek(max(0, stream.tell() - 8192))
    lines = [line.strip() for line in stream.read().decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _rss_kib(pid: int) -> int:
    try:
        lines = Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith("VmRSS:")), 0)


if __name__ == "__main__":
    raise SystemExit(main())
