#!/usr/bin/env python3
"""Copies stdin to stdout, each line prefixed with the seconds since START (a Unix time, the
first argument; default: when this process started), as `[  12.345] line`. bench/run.sh pipes
citegraph's log through it with the time it launched citegraph: the log has no clock of its own,
and the arrival times of its lines show where the time of one run goes (parse, graph, metrics,
write). Passing START matters: this interpreter starts tens of milliseconds after citegraph."""

import sys
import time

start = float(sys.argv[1]) if len(sys.argv) > 1 else time.time()
for line in sys.stdin:
    sys.stdout.write(f"[{time.time() - start:9.3f}] {line}")
    sys.stdout.flush()
