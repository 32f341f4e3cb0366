"""Run one command and print its wall time, exit code and peak RSS as JSON.

The benchmark driver starts this small process first, so the measured command is forked from a
fresh interpreter: a child forked straight from the large driver would count the driver's pages
in its peak RSS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> int:
    argv = sys.argv[1:]
    cwd = os.environ.get("MEASURE_CWD") or None
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    print(json.dumps({"wall": wall, "code": os.waitstatus_to_exitcode(status), "maxrss_kib": usage.ru_maxrss}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
