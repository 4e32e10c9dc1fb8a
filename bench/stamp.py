#!/usr/bin/env python3
"""Copies stdin to stdout, each line prefixed with the seconds since this process started, as
`[  12.345] line`. bench/run.sh pipes citegraph's log through it: the log has no clock of its own,
and the gaps between its lines show where the time of one run goes (parse, graph, metrics, write)."""

import sys
import time

start = time.perf_counter()
for line in sys.stdin:
    sys.stdout.write(f"[{time.perf_counter() - start:9.3f}] {line}")
    sys.stdout.flush()
