#!/usr/bin/env python3
"""MIB loading and naming, side by side with net-snmp (BENCHMARKS.md, "MIB loading").

Both load the bundled modules (snmp-stream-mib/mibs, all 98: net-snmp's `-m ALL`) and name
every OID of the bundled recording (3,882). net-snmp: one `snmptranslate -M DIR -m ALL -Ob`
process given every OID, wall time per process. snmp-stream: the `load_time` example (release),
which times a load and the naming (plus resolving each name back) inside one process, and
rendering every recorded value by its MIB syntax (100 times over, ns per value).

Usage: bench/mib_load.py [RUNS]   (from the repository root; builds the example first)
"""
import statistics
import subprocess
import sys
import time

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 11
MIBS = "snmp-stream-mib/mibs"
RECORDING = "data/snmpsim/recorded/linux-full-walk.snmprec"

oids = ["." + line.split("|", 1)[0] for line in open(RECORDING) if line.strip()]

subprocess.run(
    ["cargo", "build", "--release", "-q", "-p", "snmp-stream-mib", "--example", "load_time"],
    check=True,
)
target = subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--no-deps"],
    check=True, capture_output=True, text=True,
).stdout
import json
example = json.loads(target)["target_directory"] + "/release/examples/load_time"

def timed(cmd):
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return time.perf_counter() - t, out

# net-snmp: loading alone (one OID), and loading + naming every OID.
load_only, load_and_name = [], []
for _ in range(RUNS):
    load_only.append(timed(["snmptranslate", "-M", MIBS, "-m", "ALL", "-Ob", oids[0]])[0])
    load_and_name.append(timed(["snmptranslate", "-M", MIBS, "-m", "ALL", "-Ob", *oids])[0])
print(f"snmptranslate -m ALL, one OID (process wall, load dominated): "
      f"median {statistics.median(load_only) * 1e3:.1f} ms")
print(f"snmptranslate -m ALL, {len(oids)} OIDs (process wall): "
      f"median {statistics.median(load_and_name) * 1e3:.1f} ms")

# snmp-stream: one process, RUNS loads, each followed by naming every OID.
_, out = timed([example, RECORDING, str(RUNS)])
print("snmp-stream-mib:", out.stdout.strip())
# The same as whole processes (start, one load, naming), comparable to snmptranslate's wall.
walls = [timed([example, RECORDING, "1", "--no-render"])[0] for _ in range(RUNS)]
print(f"snmp-stream-mib, one load + naming per process (process wall): "
      f"median {statistics.median(walls) * 1e3:.1f} ms")
