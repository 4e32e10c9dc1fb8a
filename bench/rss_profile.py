#!/usr/bin/env python3
"""Runs a command and samples its resident memory (VmRSS, and the peak VmHWM) every 50 ms, with
its stderr lines stamped on arrival: memory over time beside the log, to tell which phase of a
run holds the memory. Not part of bench/run.sh; a profiling aid for RESULTS.md.

Usage: rss_profile.py OUT.tsv -- COMMAND [ARG...]
Writes `seconds  rss_mb  hwm_mb  log line` rows (log line empty on plain samples) to OUT.tsv."""

import subprocess
import sys
import threading
import time


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    out_path, cmd = argv[0], argv[2:]
    start = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rows: list[tuple[float, float, float, str]] = []
    last = [0.0, 0.0]

    def read_status() -> None:
        try:
            with open(f"/proc/{proc.pid}/status", encoding="utf-8") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        last[0] = int(line.split()[1]) / 1024
                    elif line.startswith("VmHWM:"):
                        last[1] = int(line.split()[1]) / 1024
        except OSError:
            pass

    def log_reader() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            read_status()
            rows.append((time.time() - start, last[0], last[1], line.rstrip("\n")))

    reader = threading.Thread(target=log_reader, daemon=True)
    reader.start()
    while proc.poll() is None:
        read_status()
        rows.append((time.time() - start, last[0], last[1], ""))
        time.sleep(0.05)
    reader.join(timeout=5)
    rows.sort(key=lambda r: r[0])
    with open(out_path, "w", encoding="utf-8") as f:
        for t, rss, hwm, text in rows:
            f.write(f"{t:.3f}\t{rss:.0f}\t{hwm:.0f}\t{text}\n")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
