#!/bin/bash
# The v3 walk side by side: snmp-stream's CLI, snmpbulkwalk and gosnmp, each in v2c and in
# SNMPv3 authPriv (SHA-256 + AES-128), against one simulator serving bench-gen's recordings
# with the user alice (see BENCHMARKS.md, "SNMPv3 authPriv against v2c").
R=${CARGO_TARGET_DIR:-$HOME/.cache/snmp-stream-target}/release
G=${GOSNMP_WALK:-./gosnmp-walk}
T=127.0.0.1:11700
OUT=${OUT:-times.txt}
m() { # label cmd...
  local label=$1; shift
  /usr/bin/time -f "$label %U %S %e" "$@" > /dev/null 2>> "$OUT"
}
for i in 1 2 3 4 5; do
  m cli-v2c $R/snmp-stream --quiet walk $T -c router --max-repetitions 50 --max-varbinds 50 -t 5 -r 1 -o /tmp/v3c/a.wire 1.3.6.1.2.1
  m cli-v3 $R/snmp-stream --quiet walk $T -v 3 -u alice -l authPriv -a SHA-256 -A authpass123 -x AES -X privpass123 -n router --max-repetitions 50 --max-varbinds 50 -t 5 -r 1 -o /tmp/v3c/b.wire 1.3.6.1.2.1
  m bulk-v2c snmpbulkwalk -v2c -c router -Cr50 -On -t 5 -r 1 $T 1.3.6.1.2.1
  m bulk-v3 snmpbulkwalk -v3 -u alice -l authPriv -a SHA-256 -A authpass123 -x AES -X privpass123 -n router -Cr50 -On -t 5 -r 1 $T 1.3.6.1.2.1
  m gosnmp-v2c $G 127.0.0.1 11700 1.3.6.1.2.1 50 router
  m gosnmp-v3 $G 127.0.0.1 11700 1.3.6.1.2.1 50 -v3 alice authpass123 privpass123 router
done
