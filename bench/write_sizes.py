#!/usr/bin/env python3
"""Kernel time of writing one buffer to a file in pieces of different sizes.

Usage: bench/write_sizes.py [--mib N] [--dir DIR] SIZE_KIB...

Each SIZE_KIB runs in a fresh process (as a CLI run is one): it fills N MiB (default 800) of
memory, then writes it to DIR/write-sizes.tmp (default: the current directory) in os.write
calls of SIZE_KIB each, and prints the system and wall time of the writes. It was used to test
whether the CLI should cut its large writes into pieces (it should not: BENCHMARKS.md, "Tried
and dropped" under the CLI's CPU).
"""
import argparse
import os
import resource
import subprocess
import sys
import time


def one(mib, size, path):
    total = mib << 20
    buf = bytearray(os.urandom(1 << 20)) * mib
    view = memoryview(buf)
    os.sync()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
        for off in range(0, total, size):
            piece = view[off:off + size]
            while piece:
                piece = piece[os.write(fd, piece):]
        r1, t1 = resource.getrusage(resource.RUSAGE_SELF), time.monotonic()
    finally:
        os.close(fd)
        os.unlink(path)
    print(f"{mib} MiB in {size >> 10:>6} KiB writes: system {r1.ru_stime - r0.ru_stime:.2f} s, "
          f"wall {t1 - t0:.2f} s", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", nargs="+", type=int, metavar="SIZE_KIB")
    ap.add_argument("--mib", type=int, default=800)
    ap.add_argument("--dir", default=".")
    ap.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if min(a.sizes) < 1 or a.mib < 1:
        ap.error("sizes and --mib must be at least 1")
    path = os.path.join(a.dir, "write-sizes.tmp")
    if a.one:
        one(a.mib, a.sizes[0] << 10, path)
        return
    for size in a.sizes:
        subprocess.run([sys.executable, __file__, "--one", "--mib", str(a.mib), "--dir", a.dir,
                        str(size)], check=True)


if __name__ == "__main__":
    main()
